"""Performance benchmark: saferstreets at 1k-1M residents, side by side with plain Mesa.

Each measurement runs in a fresh process so its peak memory is its own:

* the full model (``listening_led``, 2 organisers per 1,000 residents up to
  the 1,000 allowed, ``mean_degree`` 9 which gives ~10 ties per resident
  with the group ties): construction time, wall and CPU time per step,
  resident-steps per second and peak resident set size;
* the plain per-agent Mesa reference of the core resident rules, written
  as a competent Mesa modeller would (:mod:`experiments.mesa_reference`), at
  1k, 10k and 100k residents, timed until :data:`REFERENCE_CPU_S` of CPU time
  (its first days are slower than the rest of its year), and the speed ratio;
* the vectorised model running only the reference's rules
  (:func:`~experiments.mesa_reference.vectorised_counterpart`), from the
  reference's start over the same days: the speed-up of vectorising the same
  rules, for reading the full model's ratio (which does far more per day);
* optionally, the full model of another checkout (``--against DIR``, e.g. a
  git worktree of an earlier commit), timed right after this one at each
  size in the same run, and the speed ratio;
* Mesa's own Boltzmann wealth example, for orientation (agent-steps/s).

Each comparison is a pair: the model timed, then what it is compared with,
each in its own process. With ``pairs`` > 1 the pair is repeated, and the
ratios are judged by their median (the reference alone moved by up to 1.9x
between runs on the shared machine these figures come from).

By default every size is timed over a whole simulated year (365 steps, the
unit of the project's experiments): the model slows down during a year as
residents get listened to, connected and mobilised, so short runs flatter it.

Cost growth is the least-squares slope of log(time per step) on
log(residents + ties), over all sizes and over the two largest (small sizes
are dominated by a fixed per-step overhead, which flatters the overall fit). Run ``saferstreets bench`` or
``python -m experiments.bench``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.output import manifest, write_atomic, write_json

SCENARIO = "listening_led"
MEAN_DEGREE = 9.0
SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
REFERENCE_SIZES = (1_000, 10_000, 100_000)
BOLTZMANN_AGENTS = 1_000
REFERENCE_CPU_S = 3.0
"""The plain Mesa reference steps on past its ``reference_steps`` (up to a year) until this much CPU time has passed:
five steps at 1,000 residents take 20 ms, and their timing varied by up to 2x between runs."""
YEAR = 365


def model_overrides(n_residents: int) -> dict[str, Any]:
    """The benchmarked configuration at ``n_residents``."""
    return {"n_residents": n_residents, "n_organisers": min(1000, max(1, n_residents // 500)),
            "mean_degree": MEAN_DEGREE}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_steps(step: Callable[[], None], steps: int, min_cpu_s: float = 0.0) -> tuple[float, float, int]:
    """Mean wall and CPU seconds per call of ``step``, over ``steps`` calls and more, up to a year's, until
    ``min_cpu_s`` of CPU time have passed; and the number of calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    done = 0
    while done < steps or (time.process_time() - cpu < min_cpu_s and done < YEAR):
        step()
        done += 1
    return (time.perf_counter() - wall) / done, (time.process_time() - cpu) / done, done


def time_model(n_residents: int, steps: int, seed: int) -> dict[str, Any]:
    """Construct the full model and step it ``steps`` days (run in a fresh process)."""
    from simulation.model import CommunityModel
    start = time.perf_counter()
    model = CommunityModel(SCENARIO, rng=seed, **model_overrides(n_residents))
    construct = time.perf_counter() - start
    ties = model.network.n_edges
    wall, cpu, _ = _timed_steps(model.step, steps)
    model.results(), model.crime_log()
    return {"kind": "model", "residents": n_residents, "ties": ties, "mean_degree": 2 * ties / n_residents,
            "steps": steps, "construct_s": construct, "step_ms": 1e3 * wall, "cpu_step_ms": 1e3 * cpu,
            "resident_steps_per_s": n_residents / wall, "peak_rss_mb": peak_rss_mb()}


def time_reference(n_residents: int, steps: int, seed: int, min_cpu_s: float = 0.0) -> dict[str, Any]:
    """Construct and step the plain per-agent Mesa reference ``steps`` times, and on until ``min_cpu_s`` of CPU
    time have passed (run in a fresh process)."""
    from experiments.mesa_reference import MesaReference
    from simulation.params import Params
    start = time.perf_counter()
    model = MesaReference(Params(), rng=seed, **model_overrides(n_residents))
    construct = time.perf_counter() - start
    wall, cpu, steps = _timed_steps(model.step, steps, min_cpu_s)
    ties = model.grid.G.number_of_edges()
    return {"kind": "mesa_reference", "residents": n_residents, "ties": ties,
            "mean_degree": 2 * ties / n_residents, "steps": steps, "construct_s": construct,
            "step_ms": 1e3 * wall, "cpu_step_ms": 1e3 * cpu, "resident_steps_per_s": n_residents / wall,
            "peak_rss_mb": peak_rss_mb()}


def time_same_rules(n_residents: int, steps: int, seed: int) -> dict[str, Any]:
    """CPU and wall ms per step of the vectorised model running only the reference's rules, from the reference's
    start, over ``steps`` days (run in a fresh process)."""
    from experiments.mesa_reference import vectorised_counterpart
    from simulation.params import Params
    model = vectorised_counterpart(Params.from_mapping(model_overrides(n_residents)), seed)
    wall, cpu, _ = _timed_steps(model.step, steps)
    return {"same_rules_step_ms": 1e3 * wall, "same_rules_cpu_step_ms": 1e3 * cpu}


def time_model_of(checkout: Path, n_residents: int, steps: int, seed: int) -> dict[str, Any]:
    """:func:`time_model` of another checkout's code (its own ``experiments.bench``), in a fresh interpreter."""
    code = ("import json; from experiments.bench import time_model; "
            f"print(json.dumps(time_model({n_residents}, {steps}, {seed})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=checkout, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(checkout)})
    return {**json.loads(done.stdout.splitlines()[-1]), "kind": "against", "checkout": str(checkout)}


def time_boltzmann(n_agents: int, steps: int, seed: int) -> dict[str, Any]:
    """Mesa's Boltzmann wealth example as shipped (about one agent per cell)."""
    from mesa.examples import BoltzmannWealth
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario
    side = math.ceil(math.sqrt(n_agents))
    start = time.perf_counter()
    model = BoltzmannWealth(BoltzmannScenario(rng=seed, n=n_agents, width=side, height=side))
    construct = time.perf_counter() - start
    wall, cpu, _ = _timed_steps(model.step, steps)
    return {"kind": "boltzmann", "residents": n_agents, "steps": steps, "construct_s": construct,
            "step_ms": 1e3 * wall, "cpu_step_ms": 1e3 * cpu, "resident_steps_per_s": n_agents / wall,
            "peak_rss_mb": peak_rss_mb()}


def in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a new process, so memory and imports are measured separately."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def speedup(ours: dict[str, Any], other: dict[str, Any]) -> float:
    """How many times faster ``ours`` steps a resident than ``other``, by CPU time per resident-step.

    CPU time, not wall time: on a shared machine the wall time of each
    measurement depends on what else ran at that moment.
    """
    return (other["cpu_step_ms"] / other["residents"]) / (ours["cpu_step_ms"] / ours["residents"])


def fit_exponent(size: Sequence[float], cost: Sequence[float]) -> float:
    """Least-squares slope of log(cost) on log(size); nan with fewer than two sizes."""
    if len(size) < 2:
        return float("nan")
    return float(np.polyfit(np.log(size), np.log(cost), 1)[0])


def cpu_name() -> str:
    """The processor model (from /proc/cpuinfo on Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
             if line.startswith("model name")] if cpuinfo.exists() else []
    return names[0] if names else platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """The machine the benchmark ran on, and its load when the benchmark started."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu_name(), "cores": os.cpu_count(), "memory_gb": round(memory, 1),
            "system": platform.platform(), "python": platform.python_version(),
            "load_average_start": os.getloadavg()[0]}


def compared(ours: dict[str, Any], other: dict[str, Any], pair: int) -> dict[str, Any]:
    """``other``'s row with the pair's number (from 1), the model timing it was paired with and the model's
    speed-up over it."""
    return {**other, "pair": pair, "model_cpu_step_ms": ours["cpu_step_ms"], "model_speedup": speedup(ours, other)}


def run_benchmark(sizes: Sequence[int] = SIZES, steps: int = YEAR, reference_sizes: Sequence[int] = REFERENCE_SIZES,
                  reference_steps: int = 5, reference_cpu_s: float = REFERENCE_CPU_S, boltzmann_steps: int = 50,
                  seed: int = 1,
                  against: Path | None = None, against_sizes: Sequence[int] = (100_000,), pairs: int = 1,
                  progress: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """Time everything; return the rows, speed ratios and fitted exponents.

    At each of ``sizes`` that is also in ``reference_sizes`` or (with ``against``) in ``against_sizes``, the
    model and what it is compared with are timed one after the other ``pairs`` times, so that each ratio comes
    from two timings minutes apart at most, and the pairs show how much the ratio moves on this machine.
    """
    info = machine()
    rows = []
    for n in sizes:
        progress(f"model, {n:,} residents, {steps} steps")
        ours = in_fresh_process(time_model, n, steps, seed)
        rows.append(ours)
        versus_other, versus_reference = against is not None and n in against_sizes, n in reference_sizes
        if not (versus_other or versus_reference):
            continue
        for pair in range(1, pairs + 1):
            if pair > 1:
                progress(f"model, {n:,} residents, {steps} steps (pair {pair} of {pairs})")
                ours = in_fresh_process(time_model, n, steps, seed)
            if versus_other:
                progress(f"model of {against}, {n:,} residents, {steps} steps")
                rows.append(compared(ours, time_model_of(against, n, steps, seed), pair))
            if versus_reference:
                progress(f"plain Mesa reference, {n:,} residents, {reference_steps}+ steps")
                ref = in_fresh_process(time_reference, n, reference_steps, seed, reference_cpu_s)
                ref.update(in_fresh_process(time_same_rules, n, ref["steps"], seed))
                ref["same_rules_speedup"] = ref["cpu_step_ms"] / ref["same_rules_cpu_step_ms"]
                rows.append(compared(ours, ref, pair))
    if boltzmann_steps:
        progress(f"Mesa Boltzmann wealth, {BOLTZMANN_AGENTS:,} agents, {boltzmann_steps} steps")
        rows.append(in_fresh_process(time_boltzmann, BOLTZMANN_AGENTS, boltzmann_steps, seed))
    model = [row for row in rows if row["kind"] == "model"]
    size = [r["residents"] + r["ties"] for r in model]
    info["load_average_end"] = os.getloadavg()[0]
    return {
        "scenario": SCENARIO, "mean_degree_param": MEAN_DEGREE, "seed": seed, "machine": info, "rows": rows,
        "step_exponent": fit_exponent(size, [r["step_ms"] for r in model]),
        "step_exponent_largest_two": (fit_exponent(size[-2:], [r["step_ms"] for r in model[-2:]])
                                      if len(model) > 2 else float("nan")),
        "construct_exponent": fit_exponent(size, [r["construct_s"] for r in model]),
    }


def write_result(result: dict[str, Any], path: Path) -> None:
    """JSON (everything plus a manifest) or, for a ``.csv`` path, one row per measurement."""
    if path.suffix.lower() == ".csv":
        table = pd.DataFrame(result["rows"]).assign(step_exponent=result["step_exponent"])
        write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
    else:
        write_json(manifest(benchmark=result), path)


if __name__ == "__main__":
    import typer

    from experiments.bench_cli import register
    standalone = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    register(standalone)
    standalone()
