"""The one replicate runner: paired seeds, runs, and running them (here or on any executor).

Every strategy of a comparison runs on the same replicate seeds, spawned
from one experiment seed, so replicate *i* of every strategy starts from the
same world and sees the same random numbers until its strategy changes
something (named streams, :mod:`simulation.streams`). ``compare``, the
browser explorer and sweeps all build :class:`Run` objects and call
:func:`simulate` on them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.params import Params
from simulation.streams import resolve_seed


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Replicate seeds spawned from one experiment seed (independent streams)."""
    children = np.random.SeedSequence(resolve_seed(seed)).spawn(replicates)
    return [int(c.generate_state(1)[0]) for c in children]


@dataclass(frozen=True)
class Run:
    """One simulation: a labelled parameter set on one replicate seed for ``steps`` days."""

    label: str
    params: Params
    replicate: int
    seed: int
    steps: int


def paired_runs(strategies: Mapping[str, Params], seeds: list[int], steps: int) -> list[Run]:
    """Every strategy on every seed, strategy by strategy (replicate *i* shares seed *i*)."""
    return [Run(label, params, replicate, seed, steps)
            for label, params in strategies.items() for replicate, seed in enumerate(seeds)]


def simulate(run: Run) -> pd.DataFrame:
    """Daily per-neighbourhood results of one run, with ``label``, ``replicate`` and ``seed`` columns."""
    from simulation.model import CommunityModel

    model = CommunityModel(run.params, rng=run.seed)
    model.run_for(run.steps)
    return model.results().assign(label=run.label, replicate=run.replicate, seed=run.seed)


def run_all(runs: Iterable[Run], executor: Executor | None = None, fn: Callable[[Run], pd.DataFrame] = simulate,
            max_in_flight: int = 4) -> Iterator[tuple[Run, pd.DataFrame]]:
    """Yield ``(run, fn(run))`` as runs finish: in this process without an executor, else on it.

    At most ``max_in_flight`` runs are submitted at once, so stopping the
    iteration (e.g. a Cancel button) leaves little work behind; pending
    futures are cancelled when the generator is closed.
    """
    if executor is None:
        for run in runs:
            yield run, fn(run)
        return
    queue, in_flight = iter(runs), {}
    try:
        while True:
            while len(in_flight) < max_in_flight and (run := next(queue, None)) is not None:
                in_flight[executor.submit(fn, run)] = run
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                yield in_flight.pop(future), future.result()
    finally:
        for future in in_flight:
            future.cancel()


WATCH_S = 0.5
"""How often a local worker checks that the main process is alive."""


@contextmanager
def local_executor(workers: int) -> Iterator[Executor | None]:
    """``workers`` local processes (forkserver: safe beside threads), or None to run in this process.

    The workers exit when the main process is gone (also after ``SIGKILL``),
    so the forkserver and the resource tracker exit too.
    """
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                             initializer=die_with, initargs=(os.getpid(),)) as pool:
        yield pool


def die_with(parent: int) -> None:
    """Worker initializer: exit as soon as process ``parent`` is gone (also after ``SIGKILL``).

    Ctrl-C reaches the whole process group; a worker then exits at once and
    quietly (the main process reports the interruption), instead of printing
    a ``KeyboardInterrupt`` traceback or finishing its run first.
    """
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))

    def watch() -> None:
        while alive(parent):
            time.sleep(WATCH_S)
        os._exit(1)
    threading.Thread(target=watch, name="saferstreets-watchdog", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
