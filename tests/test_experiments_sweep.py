"""Sweeps: identical results whatever the worker count or backend; resume loses and changes nothing."""

import io
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from experiments.spec import Experiment, experiment_from_mapping
from experiments.sweep import KILLED, SweepIncomplete, load_runs, run_one, sweep
from experiments.cli import app
from simulation.params import ParameterError

TINY = {"name": "tiny", "seed": 11, "replicates": 3, "steps": 20, "scenarios": ["baseline", "listening_led"],
        "params": {"n_residents": 200}, "grid": {"listening_per_day": [0.63, 2.0]}}
CRASH_ON = 5


def tiny(**changes: Any) -> Experiment:
    return experiment_from_mapping({**TINY, **changes}, sha256=json.dumps({**TINY, **changes}, sort_keys=True))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The uninterrupted in-process result."""
    out = tmp_path_factory.mktemp("reference")
    sweep(tiny(), out, workers=1)
    return load_runs(out)[1]


def crash_on_one(run: dict[str, Any]) -> pd.DataFrame:
    if run["replicate"] == 1 and run["scenario"] == "listening_led" and run["grid"]["listening_per_day"] == 2.0:
        raise RuntimeError("simulated crash")
    return run_one(run)


def worker_dies_on_one(run: dict[str, Any]) -> pd.DataFrame:
    if run["replicate"] == 2 and run["scenario"] == "listening_led" and run["grid"]["listening_per_day"] == 0.63:
        os._exit(1)
    return run_one(run)


def unwritable_on_one(run: dict[str, Any]) -> pd.DataFrame:
    df = run_one(run)
    return df.assign(bad=object()) if run["replicate"] == 2 and run["scenario"] == "baseline" else df


def test_rows_are_tidy(reference: pd.DataFrame) -> None:
    assert list(reference.columns[:5]) == ["scenario", "listening_per_day", "replicate", "seed", "step"]
    assert len(reference) == 2 * 2 * 3 * 21
    assert reference.groupby(["scenario", "listening_per_day", "replicate"]).ngroups == 12


def test_same_result_with_two_worker_processes(reference: pd.DataFrame, tmp_path: Path) -> None:
    sweep(tiny(), tmp_path, workers=2)
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], reference)


def test_resume_after_crash_gives_the_uninterrupted_result(reference: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(SweepIncomplete, match="simulated crash"):
        sweep(tiny(), tmp_path, run_fn=crash_on_one)
    info = json.loads((tmp_path / "manifest.json").read_text())
    assert info["status"] == "interrupted" and info["finished"] is None
    assert "simulated crash" in info["interruptions"][-1]["reason"]
    saved = sorted((tmp_path / "runs").glob("*.parquet"))
    assert 0 < len(saved) < 12
    saved_times = {p: p.stat().st_mtime_ns for p in saved}
    final = sweep(tiny(), tmp_path, resume=True)
    assert final["status"] == "complete" and final["started"] == info["started"]
    assert all(p.stat().st_mtime_ns == t for p, t in saved_times.items())
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], reference)


def test_dead_worker_loses_no_finished_run(reference: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(SweepIncomplete, match="BrokenProcessPool"):
        sweep(tiny(), tmp_path, workers=2, run_fn=worker_dies_on_one)
    assert 0 < len(list((tmp_path / "runs").glob("*.parquet"))) < 12
    sweep(tiny(), tmp_path, workers=2, resume=True)
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], reference)


def test_resume_recomputes_a_deleted_run(reference: pd.DataFrame, tmp_path: Path) -> None:
    sweep(tiny(), tmp_path)
    next((tmp_path / "runs").glob("*.parquet")).unlink()
    sweep(tiny(), tmp_path, resume=True)
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], reference)


def test_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    with pytest.raises(SweepIncomplete):
        sweep(tiny(), tmp_path, run_fn=unwritable_on_one)
    files = list((tmp_path / "runs").iterdir())
    assert all(p.suffix == ".parquet" and not p.name.startswith(".") for p in files)
    assert 0 < len(files) < 12
    for path in files:
        pd.read_parquet(path)


def test_existing_sweep_needs_resume_and_the_same_file(tmp_path: Path) -> None:
    sweep(tiny(replicates=1, grid={}), tmp_path)
    with pytest.raises(ParameterError, match="--resume"):
        sweep(tiny(replicates=1, grid={}), tmp_path)
    with pytest.raises(ParameterError, match="different experiment file"):
        sweep(tiny(replicates=2, grid={}), tmp_path, resume=True)


def test_dask_local_cluster_matches_local_result(reference: pd.DataFrame, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        sweep(tiny(), tmp_path, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], reference)


def test_cli_sweep_then_report(tmp_path: Path) -> None:
    path = tmp_path / "exp.toml"
    path.write_text('name = "cli"\nseed = 2\nreplicates = 3\nsteps = 20\nscenarios = ["baseline", "listening_led"]\n'
                    '[params]\nn_residents = 200\n')
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list((out / "runs").glob("*.parquet"))) == 6
    again = runner.invoke(app, ["sweep", str(path), "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output
    assert runner.invoke(app, ["sweep", str(path), "--out", str(out), "--resume"]).exit_code == 0
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output
    table = pd.read_csv(out / "report" / "report.csv")
    row = table[(table["scenario"] == "listening_led") & (table["outcome"] == "cost_gbp_total")].iloc[0]
    assert row["diff"] > 0 and row["n_pairs"] == 3
    assert {"timeseries.png", "distributions.png", "replicates.png"} <= {p.name for p in (out / "report").iterdir()}


def test_resume_reruns_damaged_run_files_and_says_so(tmp_path: Path) -> None:
    sweep(tiny(replicates=2, grid={}), tmp_path)
    intact = load_runs(tmp_path)[1]
    first, second, third = sorted((tmp_path / "runs").glob("*.parquet"))[:3]
    first.write_bytes(first.read_bytes()[:200])                    # truncated
    third.write_bytes(second.read_bytes())                         # rows of another run
    with pytest.raises(ParameterError, match="damaged run file"):
        load_runs(tmp_path)
    console = Console(file=io.StringIO())
    sweep(tiny(replicates=2, grid={}), tmp_path, resume=True, console=console)
    assert "2 damaged run file(s) will be rerun" in console.file.getvalue()
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], intact)


def test_resume_rebuilds_a_damaged_manifest(tmp_path: Path) -> None:
    sweep(tiny(replicates=2, grid={}), tmp_path)
    intact = load_runs(tmp_path)[1]
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ParameterError, match="not valid JSON .* --resume"):
        load_runs(tmp_path)
    final = sweep(tiny(replicates=2, grid={}), tmp_path, resume=True)
    assert final["status"] == "complete" and "manifest.json was damaged" in final["interruptions"][0]["reason"]
    pd.testing.assert_frame_equal(load_runs(tmp_path)[1], intact)


@pytest.mark.parametrize(("field", "value"), [("file", "../../../etc/passwd"), ("file", "/etc/passwd"),
                                              ("id", "../x"), ("replicate", "0")])
def test_manifest_runs_cannot_point_outside_the_sweep(tmp_path: Path, field: str, value: str) -> None:
    sweep(tiny(replicates=1, grid={}), tmp_path)
    info = json.loads((tmp_path / "manifest.json").read_text())
    info["runs"][0][field] = value
    (tmp_path / "manifest.json").write_text(json.dumps(info))
    with pytest.raises(ParameterError, match=r"manifest.json: runs\[0\]"):
        load_runs(tmp_path)


def test_a_killed_sweep_is_recorded_when_resumed(tmp_path: Path) -> None:
    """A manifest left at 'running' means the process died without a word; resume says so."""
    sweep(tiny(replicates=1, grid={}), tmp_path)
    info = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(info | {"status": "running"}))
    final = sweep(tiny(replicates=1, grid={}), tmp_path, resume=True)
    assert [i["reason"] for i in final["interruptions"]] == [KILLED]


def test_quiet_dask_keeps_dask_and_its_tornado_callbacks_off_the_terminal() -> None:
    import logging

    from experiments.sweep_cli import quiet_dask
    quiet_dask()
    for name in ("distributed.scheduler", "distributed.client", "tornado.application"):
        assert not logging.getLogger(name).isEnabledFor(logging.ERROR), name
