"""Run an experiment's runs on local processes or a Dask cluster; one Parquet file per finished run.

Workers get a plain dict (:func:`experiments.spec.make_run`) and build the
model themselves (:func:`run_one`); the parent writes each returned table
atomically as ``DIR/runs/<run id>.parquet``. A run's id hashes everything that
determines its rows, so a readable file with the run's rows is a finished run:
``resume`` verifies each file (readable Parquet, one row per day, the run's
scenario, replicate and seed) and reruns damaged ones, and an interrupted
sweep (Ctrl-C, a dead worker, a lost cluster, a full or read-only disk) loses
no finished run. The manifest records every interruption.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, wait
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from experiments.executors import NO_WORKERS_TIMEOUT_S, open_executor
from experiments.spec import LEVELS, Experiment
from simulation.files import EnvironmentFault, decode_text, os_error, output_dir, read_bytes, user_path
from simulation.output import area_series, manifest, write_json, write_parquet
from simulation.params import ParameterError, Params
from simulation.replicates import Run, simulate

RunFn = Callable[[dict[str, Any]], pd.DataFrame]
POLL_S = 1.0
"""How often a waiting sweep checks the health of a Dask cluster."""
RUN_ID = re.compile(r"[0-9a-f]{16}")
MANIFEST_FIELDS = {"experiment": str, "baseline": str, "steps": int, "replicates": int, "level": str,
                   "metrics": list, "grid": dict, "runs": list}
RUN_FIELDS = {"id": str, "scenario": str, "grid": dict, "replicate": int, "seed": int, "file": str}
KILLED = "the sweep process ended without finishing (killed, or its disk failed)"


class SweepIncomplete(EnvironmentFault):
    """Some runs failed or could not be saved; the finished ones are on disk and ``--resume`` continues."""


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


def read_run(path: Path, run: dict[str, Any], steps: int, level: str) -> tuple[pd.DataFrame | None, str]:
    """A finished run's rows, or None and why the file cannot be used (unreadable, wrong or missing rows)."""
    try:
        df = pd.read_parquet(path)
    except Exception as err:  # noqa: BLE001 - pyarrow raises many types for damaged files
        return None, f"not readable Parquet ({type(err).__name__})"
    if not {"scenario", "replicate", "seed", "step"} <= set(df.columns):
        return None, "columns scenario, replicate, seed and step are missing"
    for key in ("scenario", "replicate", "seed"):
        if not (df[key] == run[key]).all():
            return None, f"holds rows of another run ({key} is not {run[key]!r})"
    days = df["step"].value_counts()
    per_day = 1 if level == "area" else days.iloc[0] if len(days) else 0
    if set(days.index) != set(range(steps + 1)) or (days != per_day).any():
        return None, f"expected {per_day} row(s) for each day 0-{steps}, found {len(df)} rows"
    return df, ""


def execute(runs: list[dict[str, Any]], runs_dir: Path, workers: int = 1, scheduler: str | None = None,
            run_fn: RunFn = run_one, console: Console | None = None, label: str = "runs",
            no_workers_timeout: float = NO_WORKERS_TIMEOUT_S) -> int:
    """Run every run without a usable file; write each result as it finishes. Returns runs done now.

    A file that exists but is damaged is rerun (and said so). Raises
    :class:`SweepIncomplete` after saving what finished if a run fails, a
    result cannot be written, or a Dask cluster is lost or has no workers for
    ``no_workers_timeout`` seconds; cancels pending runs on ``KeyboardInterrupt``
    (re-raised).
    """
    console = console or Console(stderr=True)
    pending, damaged = [], []
    for run in runs:
        path = run_path(runs_dir, run)
        if not path.exists():
            pending.append(run)
        elif reason := read_run(path, run, run["steps"], run["level"])[1]:
            pending.append(run)
            damaged.append(f"{path.name}: {reason}")
    if damaged:
        console.print(f"[yellow]note:[/yellow] {len(damaged)} damaged run file(s) will be rerun (first: "
                      f"{damaged[0]})", highlight=False, soft_wrap=True)
    done, failures, fatal = 0, [], ""
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with open_executor(workers, scheduler, no_workers_timeout) as backend, \
            Progress(*columns, console=console) as progress:
        task = progress.add_task(label, total=len(runs), completed=len(runs) - len(pending))
        queue, in_flight = iter(pending), {}
        try:
            while not fatal:
                while not failures and len(in_flight) < backend.capacity and (run := next(queue, None)) is not None:
                    try:
                        in_flight[backend.executor.submit(run_fn, run)] = run
                    except BrokenExecutor as err:
                        failures.append((run, err))
                if not in_flight:
                    break
                finished, _ = wait(in_flight, timeout=POLL_S, return_when=FIRST_COMPLETED)
                if not finished:
                    fatal = backend.problem() or ""
                for future in finished:
                    run = in_flight.pop(future)
                    try:
                        result = future.result()
                    except Exception as err:  # noqa: BLE001 - reported with the run below
                        failures.append((run, err))
                        continue
                    try:
                        write_parquet(result, run_path(runs_dir, run))
                    except OSError as err:
                        fatal = str(os_error(err, run_path(runs_dir, run), "write"))
                        break
                    except Exception as err:  # noqa: BLE001 - e.g. a column Parquet cannot store
                        failures.append((run, err))
                        continue
                    done += 1
                    progress.advance(task)
        finally:
            for future in in_flight:
                future.cancel()
    if fatal:
        raise SweepIncomplete(f"{fatal}; {done} run(s) finished now and were saved")
    if failures:
        run, err = failures[0]
        where = f"scenario '{run['scenario']}' replicate {run['replicate']}" + (f" {run['grid']}" if run["grid"] else "")
        raise SweepIncomplete(f"{len(failures)} run(s) failed (first: {where}: {describe(err, scheduler)}); "
                              f"{done} run(s) finished now and were saved")
    return done


def describe(err: BaseException, scheduler: str | None) -> str:
    """``Type: message`` of a run's failure, explaining the exceptions that come without a message."""
    if isinstance(err, CancelledError) or type(err).__name__ == "CancelledError":
        return ("cancelled: the connection to the Dask scheduler at " + scheduler + " was lost" if scheduler
                else "cancelled")
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def sweep(experiment: Experiment, out: Path, workers: int = 1, scheduler: str | None = None,
          resume: bool = False, run_fn: RunFn = run_one, console: Console | None = None,
          no_workers_timeout: float = NO_WORKERS_TIMEOUT_S) -> dict[str, Any]:
    """Run (or resume) an experiment into ``out``; returns the final manifest.

    ``out`` is checked (created and written to) before any run starts. A
    directory that already holds a sweep needs ``resume``; a damaged
    manifest is then rebuilt from the experiment (run files are verified
    on their own).
    """
    out = output_dir(out)
    manifest_path = out / "manifest.json"
    if manifest_path.is_dir():
        raise ParameterError(f"--out {out}: manifest.json is a directory; choose another --out")
    holds_runs = any((out / "runs").glob("*.parquet"))
    if not resume and (holds_runs or manifest_path.exists()):
        raise ParameterError(f"--out {out} already holds a sweep; add --resume to continue it, or choose another "
                             "--out")
    prior, interruptions = None, []
    if manifest_path.exists():
        try:
            prior = read_manifest(out)
        except ParameterError as err:
            interruptions.append({"at": _now(), "reason": f"manifest.json was damaged and rebuilt ({err})"})
    if prior and prior.get("experiment_sha256") != experiment.sha256:
        raise ParameterError(f"--resume: {out} was made from a different experiment file "
                             f"(sha256 {str(prior.get('experiment_sha256'))[:12]}..., this one "
                             f"{experiment.sha256[:12]}...); use another --out")
    if prior:
        interruptions = [*prior.get("interruptions", []), *interruptions]
        if prior.get("status") == "running":
            interruptions.append({"at": prior.get("written_at"), "reason": KILLED})
    runs = experiment.runs()
    info = {
        "experiment": experiment.name, "description": experiment.description,
        "experiment_file": str(experiment.path or ""), "experiment_sha256": experiment.sha256,
        "seed": experiment.seed, "replicates": experiment.replicates, "steps": experiment.steps,
        "scenarios": {s.name: s.params.diff() for s in experiment.scenarios}, "baseline": experiment.baseline,
        "params": experiment.params, "grid": {k: list(v) for k, v in experiment.grid.items()},
        "level": experiment.level, "metrics": list(experiment.metrics),
        "started": prior["started"] if prior and "started" in prior else _now(), "finished": None,
        "runs": [{key: run[key] for key in ("id", "scenario", "grid", "replicate", "seed")} |
                 {"file": f"runs/{run['id']}.parquet"} for run in runs],
    }
    _write_manifest(manifest(**info, status="running", interruptions=interruptions), manifest_path)
    status, reason = "interrupted", KILLED
    try:
        execute(runs, out / "runs", workers, scheduler, run_fn, console, label=experiment.name,
                no_workers_timeout=no_workers_timeout)
        status = "complete"
    except KeyboardInterrupt:
        reason = "interrupted by the user (Ctrl-C)"
        raise
    except Exception as err:
        reason = str(err) or type(err).__name__
        raise
    finally:
        if status != "complete":
            interruptions.append({"at": _now(), "reason": reason})
        final = manifest(**info | {"finished": _now() if status == "complete" else None}, status=status,
                         interruptions=interruptions, workers=workers, scheduler=scheduler)
        try:
            _write_manifest(final, manifest_path)
        except EnvironmentFault:
            if status == "complete":
                raise
    return final


def _write_manifest(data: dict[str, Any], path: Path) -> None:
    try:
        write_json(data, path)
    except OSError as err:
        raise os_error(err, path, "write") from None


def read_manifest(out: Path) -> dict[str, Any]:
    """A sweep directory's manifest, checked field by field (a damaged one is a one-line error)."""
    path = user_path(out, "sweep directory") / "manifest.json"
    if not path.exists():
        raise ParameterError(f"{out}: no manifest.json here; give the --out directory of a sweep")
    fix = f"; rebuild it with: saferstreets sweep EXPERIMENT --out {out} --resume"
    raw = read_bytes(path, "manifest", 256 * 2**20)
    try:
        info = json.loads(decode_text(raw, str(path)))
    except json.JSONDecodeError as err:
        raise ParameterError(f"{path}: not valid JSON ({err.msg} at line {err.lineno}){fix}") from None
    if not isinstance(info, dict):
        raise ParameterError(f"{path}: expected a JSON object, got {type(info).__name__}{fix}")
    _check_fields(info, MANIFEST_FIELDS, f"{path}: ", fix)
    if info["level"] not in LEVELS:
        raise ParameterError(f"{path}: level={info['level']!r}: expected one of {', '.join(LEVELS)}{fix}")
    for i, run in enumerate(info["runs"]):
        if not isinstance(run, dict):
            raise ParameterError(f"{path}: runs[{i}] is not an object{fix}")
        _check_fields(run, RUN_FIELDS, f"{path}: runs[{i}].", fix)
        if not RUN_ID.fullmatch(run["id"]) or run["file"] != f"runs/{run['id']}.parquet":
            raise ParameterError(f"{path}: runs[{i}]: id={run['id']!r:.40}, file={run['file']!r:.60}: expected a "
                                 f"16-digit hex id and file 'runs/<id>.parquet'{fix}")
    return info


def _check_fields(data: dict[str, Any], fields: dict[str, type], where: str, fix: str) -> None:
    for key, kind in fields.items():
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ParameterError(f"{where}{key}={value!r:.60}: expected {kind.__name__}{fix}")


def load_runs(out: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and all finished runs' rows of a sweep directory, in the manifest's run order.

    Missing run files are skipped (an unfinished sweep); a damaged one is an error naming it.
    """
    out = user_path(out, "sweep directory")
    info = read_manifest(out)
    frames = []
    for run in info["runs"]:
        path = out / run["file"]
        if not path.is_file():
            continue
        df, reason = read_run(path, run, info["steps"], info["level"])
        if df is None:
            raise ParameterError(f"{path}: damaged run file ({reason}); rerun it with: saferstreets sweep "
                                 f"EXPERIMENT --out {out} --resume")
        frames.append(df)
    if not frames:
        raise ParameterError(f"{out}: no finished runs yet; run the sweep (with --resume to continue it)")
    return info, pd.concat(frames, ignore_index=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
