"""Run an experiment's runs on local processes or a Dask cluster; one Parquet file per finished run.

Workers get a plain dict (:func:`experiments.spec.make_run`) and build the
model themselves (:func:`run_one`); the parent writes each returned table
atomically as ``DIR/runs/<run id>.parquet``. A run's id hashes everything that
determines its rows, so a file on disk is a finished run: ``resume`` skips it,
and an interrupted sweep (Ctrl-C, a dead worker) loses no finished run.
"""

from __future__ import annotations

import json
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from experiments.spec import Experiment
from simulation.output import area_series, manifest, write_json, write_parquet
from simulation.params import ParameterError, Params
from simulation.replicates import Run, local_executor, simulate

RunFn = Callable[[dict[str, Any]], pd.DataFrame]


class SweepIncomplete(RuntimeError):
    """Some runs failed; the finished ones are on disk and ``--resume`` continues."""


def run_one(run: dict[str, Any]) -> pd.DataFrame:
    """Simulate one run; tidy rows: scenario, grid parameters, replicate, seed, step[, neighbourhood], metrics.

    Neighbourhood rows keep ``residents`` too (the weights that combine them into area rows).
    """
    df = simulate(Run(run["scenario"], Params.from_mapping(run["params"]), run["replicate"], run["seed"],
                      run["steps"]))
    if run["level"] == "area":
        df, kept = area_series(df), ["step", *run["metrics"]]
    else:
        kept = ["step", "neighbourhood", *dict.fromkeys([*run["metrics"], "residents"])]
    identity = {"scenario": run["scenario"], **run["grid"], "replicate": run["replicate"], "seed": run["seed"]}
    return df[kept].assign(**identity)[[*identity, *kept]]


def run_path(runs_dir: Path, run: dict[str, Any]) -> Path:
    """Where a run's table lives."""
    return runs_dir / f"{run['id']}.parquet"


class InlineExecutor(Executor):
    """Runs each task in this process when submitted (``--workers 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


@contextmanager
def open_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor and how many runs to keep in flight: in-process, local processes or Dask."""
    if scheduler:
        try:
            from dask.distributed import Client
        except ImportError:
            raise ParameterError("--scheduler needs Dask: pip install -e '.[dask]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ParameterError(f"--scheduler {scheduler}: cannot connect ({err}); start one with "
                                 "'dask scheduler --port 8786' and give its tcp://HOST:PORT address") from None
        try:
            yield client.get_executor(), 2 * max(1, sum(client.nthreads().values()))
        finally:
            client.close()
    else:
        with local_executor(workers) as executor:
            yield executor or InlineExecutor(), 2 * workers if executor else 1


def execute(runs: list[dict[str, Any]], runs_dir: Path, workers: int = 1, scheduler: str | None = None,
            run_fn: RunFn = run_one, console: Console | None = None, label: str = "runs") -> int:
    """Run every run whose file is missing; write each result as it finishes. Returns runs done now.

    Raises :class:`SweepIncomplete` after saving what finished if a run fails,
    and cancels pending runs on ``KeyboardInterrupt`` (re-raised).
    """
    pending = [run for run in runs if not run_path(runs_dir, run).exists()]
    done, failures = 0, []
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with open_executor(workers, scheduler) as (executor, capacity), \
            Progress(*columns, console=console or Console(stderr=True)) as progress:
        task = progress.add_task(label, total=len(runs), completed=len(runs) - len(pending))
        queue, in_flight = iter(pending), {}
        try:
            while True:
                while not failures and len(in_flight) < capacity and (run := next(queue, None)) is not None:
                    try:
                        in_flight[executor.submit(run_fn, run)] = run
                    except BrokenExecutor as err:
                        failures.append((run, err))
                if not in_flight:
                    break
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    run = in_flight.pop(future)
                    try:
                        write_parquet(future.result(), run_path(runs_dir, run))
                    except Exception as err:  # noqa: BLE001 - reported with the run below
                        failures.append((run, err))
                        continue
                    done += 1
                    progress.advance(task)
        except KeyboardInterrupt:
            for future in in_flight:
                future.cancel()
            raise
    if failures:
        run, err = failures[0]
        where = f"scenario '{run['scenario']}' replicate {run['replicate']}" + (f" {run['grid']}" if run["grid"] else "")
        raise SweepIncomplete(f"{len(failures)} run(s) failed (first: {where}: {type(err).__name__}: {err}); "
                              f"{done} run(s) finished now and were saved")
    return done


def sweep(experiment: Experiment, out: Path, workers: int = 1, scheduler: str | None = None,
          resume: bool = False, run_fn: RunFn = run_one, console: Console | None = None) -> dict[str, Any]:
    """Run (or resume) an experiment into ``out``; returns the final manifest."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    prior = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
    if prior and not resume and any((out / "runs").glob("*.parquet")):
        raise ParameterError(f"--out {out} already holds a sweep ({prior.get('experiment')}); add --resume to "
                             "continue it, or choose another --out")
    if prior and prior.get("experiment_sha256") != experiment.sha256:
        raise ParameterError(f"--resume: {out} was made from a different experiment file "
                             f"(sha256 {str(prior.get('experiment_sha256'))[:12]}..., this one "
                             f"{experiment.sha256[:12]}...); use another --out")
    runs = experiment.runs()
    info = {
        "experiment": experiment.name, "description": experiment.description,
        "experiment_file": str(experiment.path or ""), "experiment_sha256": experiment.sha256,
        "seed": experiment.seed, "replicates": experiment.replicates, "steps": experiment.steps,
        "scenarios": {s.name: s.params.diff() for s in experiment.scenarios}, "baseline": experiment.baseline,
        "params": experiment.params, "grid": {k: list(v) for k, v in experiment.grid.items()},
        "level": experiment.level, "metrics": list(experiment.metrics),
        "started": prior["started"] if prior else _now(), "finished": None,
        "runs": [{key: run[key] for key in ("id", "scenario", "grid", "replicate", "seed")} |
                 {"file": f"runs/{run['id']}.parquet"} for run in runs],
    }
    write_json(manifest(**info, status="running"), manifest_path)
    status = "interrupted"
    try:
        execute(runs, out / "runs", workers, scheduler, run_fn, console, label=experiment.name)
        status = "complete"
    finally:
        final = manifest(**info | {"finished": _now() if status == "complete" else None}, status=status,
                         workers=workers, scheduler=scheduler)
        write_json(final, manifest_path)
    return final


def load_runs(out: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and all finished runs' rows of a sweep directory, in the manifest's run order."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise ParameterError(f"{out}: no manifest.json here; give the --out directory of a sweep")
    info = json.loads(manifest_path.read_text())
    files = [out / run["file"] for run in info["runs"] if (out / run["file"]).is_file()]
    if not files:
        raise ParameterError(f"{out}: no finished runs yet; run the sweep (with --resume to continue it)")
    return info, pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
