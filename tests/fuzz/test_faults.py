"""Fault tests: kills, Ctrl-C, worker and scheduler loss, read-only disks; resumed results are bit-identical.

Every sweep here is the same small experiment (8 runs). A fault strikes once
some runs are on disk; the test then checks the one-line answer, the manifest,
that no process is left behind, and that ``--resume`` ends with run files
byte-for-byte equal to an uninterrupted sweep's. Dask clusters listen on
127.0.0.1 only. Marked slow: each test takes seconds and has its own deadlines.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psutil
import pytest
from rich.console import Console

from experiments.spec import load_experiment
from experiments.sweep import KILLED, SweepIncomplete, sweep

pytestmark = pytest.mark.slow
EXPERIMENT = ('name = "faults"\nseed = 3\nreplicates = 4\nsteps = 90\nscenarios = ["baseline", "listening_led"]\n'
              "[params]\nn_residents = 400\n")
RUNS = 8
QUIET = Console(quiet=True)
WAIT_S = 120.0
"""Longest wait for any expected event (the test machine is shared and may be slow)."""


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("experiment") / "faults.toml"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="module")
def reference(experiment_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """sha256 of every run file of the uninterrupted sweep."""
    out = tmp_path_factory.mktemp("reference") / "out"
    sweep(load_experiment(experiment_file), out, console=QUIET)
    return digests(out)


def digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (out / "runs").glob("*.parquet")}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def resume(experiment_file: Path, out: Path, reference: dict[str, str]) -> dict:
    """``--resume`` the sweep in ``out`` and check its run files equal the reference byte for byte."""
    final = sweep(load_experiment(experiment_file), out, resume=True, console=QUIET)
    assert final["status"] == "complete" and digests(out) == reference
    return final


def wait_until(condition, what: str, timeout: float = WAIT_S) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"waited {timeout:g} s for {what}"
        time.sleep(0.1)


def saved(out: Path) -> int:
    return len(list((out / "runs").glob("*.parquet")))


def default_ctrl_c() -> None:
    """Ctrl-C as at a terminal, even when the tests run as a background job (which starts with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def sweep_process(experiment_file: Path, out: Path, *extra: str) -> Iterator[subprocess.Popen]:
    """``saferstreets sweep`` in its own process group; the group is killed at the end if anything is left."""
    command = [sys.executable, "-c", "from experiments.cli import app; app()", "sweep", str(experiment_file),
               "--out", str(out), "--workers", "2", *extra]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "COLUMNS": "200"},
                            preexec_fn=default_ctrl_c)
    try:
        yield proc
    finally:
        with_group = [p for p in psutil.process_iter(["pid"]) if _in_group(p, proc.pid)]
        for p in with_group:
            p.kill()
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()


def _in_group(p: psutil.Process, pgid: int) -> bool:
    try:
        return os.getpgid(p.pid) == pgid
    except (ProcessLookupError, PermissionError):
        return False


def alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def one_error_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert "Traceback" not in text, text
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and errors[0] == lines[-1], text
    return errors[0]


def test_sigkill_of_the_main_process_leaves_no_process_and_resumes_identically(
        experiment_file: Path, reference: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with sweep_process(experiment_file, out) as proc:
        wait_until(lambda: saved(out) >= 2, "two finished runs")
        children = psutil.Process(proc.pid).children(recursive=True)
        assert any("forkserver" in " ".join(c.cmdline()) for c in children)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        wait_until(lambda: not alive(children), "workers, forkserver and resource tracker to exit", timeout=30)
    assert manifest(out)["status"] == "running" and saved(out) < RUNS
    final = resume(experiment_file, out, reference)
    assert [i["reason"] for i in final["interruptions"]] == [KILLED]


def test_ctrl_c_stops_quietly_and_resumes_identically(experiment_file: Path, reference: dict[str, str],
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    with sweep_process(experiment_file, out) as proc:
        wait_until(lambda: saved(out) >= 2, "two finished runs")
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stdout + stderr and "interrupted" in stdout.strip().splitlines()[-1]
    info = manifest(out)
    assert info["status"] == "interrupted" and info["interruptions"][-1]["reason"].startswith("interrupted by")
    resume(experiment_file, out, reference)


def test_killed_worker_gives_one_line_and_resumes_identically(experiment_file: Path, reference: dict[str, str],
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    with sweep_process(experiment_file, out) as proc:
        wait_until(lambda: saved(out) >= 2, "two finished runs")
        forkserver = next(c for c in psutil.Process(proc.pid).children() if "forkserver" in " ".join(c.cmdline()))
        forkserver.children()[0].kill()
        stdout, stderr = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 1
    line = one_error_line(stdout + stderr)
    assert "BrokenProcessPool" in line and "--resume" in line
    resume(experiment_file, out, reference)


def test_disk_turning_read_only_mid_sweep_stops_with_one_line(experiment_file: Path, reference: dict[str, str],
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Injected EROFS on the third write (runs on any machine; the mount test below uses a real file system)."""
    from experiments import sweep as sweep_module

    real, writes = sweep_module.write_parquet, []

    def read_only_after_two(df, path):  # noqa: ANN001
        writes.append(path)
        if len(writes) > 2:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        real(df, path)

    monkeypatch.setattr(sweep_module, "write_parquet", read_only_after_two)
    out = tmp_path / "out"
    with pytest.raises(SweepIncomplete, match="read-only file system; 2 run"):
        sweep(load_experiment(experiment_file), out, console=QUIET)
    info = manifest(out)
    assert info["status"] == "interrupted" and "read-only file system" in info["interruptions"][-1]["reason"]
    monkeypatch.setattr(sweep_module, "write_parquet", real)
    resume(experiment_file, out, reference)


def can_mount(where: Path) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(where)], check=True)
    return ok


def test_real_read_only_file_system(experiment_file: Path, reference: dict[str, str], tmp_path: Path) -> None:
    """A tmpfs remounted read-only mid-sweep: one line, exit 1; outputs on it are refused before simulating."""
    disk = tmp_path / "disk"
    if not can_mount(disk):
        pytest.skip("needs root and mount (the injected-EROFS test above covers the same path)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], check=True)
    try:
        out = disk / "out"
        with sweep_process(experiment_file, out) as proc:
            wait_until(lambda: saved(out) >= 2, "two finished runs")
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
            stdout, stderr = proc.communicate(timeout=WAIT_S)
        assert proc.returncode == 1 and "read-only file system" in one_error_line(stdout + stderr)
        assert manifest(out)["status"] == "running"        # it could not be updated; resume records the stop
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-c", "from experiments.cli import app; app()", "run", "baseline",
                              "--set", "n_residents=200000", "--out", str(disk / "run")], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 1 and "read-only file system" in one_error_line(run.stdout + run.stderr)
        assert time.monotonic() - started < 30                # refused before simulating a year of 200,000
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        final = resume(experiment_file, out, reference)
        assert KILLED in [i["reason"] for i in final["interruptions"]]
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


@pytest.fixture
def local_cluster() -> Iterator:
    distributed = pytest.importorskip("dask.distributed")

    @contextmanager
    def start(workers: int) -> Iterator:
        if workers:
            cluster = distributed.LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                                               host="127.0.0.1", dashboard_address=None)
        else:
            cluster = distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None,
                                               scheduler_kwargs={"host": "127.0.0.1"})
        try:
            yield cluster
        finally:
            cluster.close()
    return start


def test_dask_cluster_without_workers_is_reported_in_one_line(experiment_file: Path, tmp_path: Path,
                                                              local_cluster) -> None:  # noqa: ANN001
    with local_cluster(0) as cluster:
        out = tmp_path / "out"
        with sweep_process(experiment_file, out, "--scheduler", cluster.scheduler_address,
                           "--wait-for-workers", "2") as proc:
            stdout, stderr = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 1
    assert "has had no workers for 2 s" in one_error_line(stdout + stderr)
    assert manifest(out)["status"] == "interrupted"


def test_lost_dask_scheduler_is_named_and_resume_is_identical(experiment_file: Path, reference: dict[str, str],
                                                              tmp_path: Path, local_cluster) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    with local_cluster(2) as cluster, sweep_process(experiment_file, out, "--scheduler",
                                                    cluster.scheduler_address) as proc:
        wait_until(lambda: saved(out) >= 2, "two finished runs")
        cluster.close()
        stdout, stderr = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 1
    line = one_error_line(stdout + stderr)
    assert "Dask scheduler" in line and "was lost" in line or "lost the connection" in line, line
    resume(experiment_file, out, reference)


def test_lost_dask_worker_is_replaced_and_results_are_identical(experiment_file: Path, reference: dict[str, str],
                                                                tmp_path: Path, local_cluster) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    with local_cluster(2) as cluster:
        saved_at_kill = []

        def kill_a_worker() -> None:
            wait_until(lambda: saved(out) >= 2, "two finished runs")
            os.kill(next(iter(cluster.workers.values())).process.pid, signal.SIGKILL)
            saved_at_kill.append(saved(out))
        killer = threading.Thread(target=kill_a_worker, daemon=True)
        killer.start()
        final = sweep(load_experiment(experiment_file), out, scheduler=cluster.scheduler_address, console=QUIET)
        killer.join(5)
    assert final["status"] == "complete" and saved_at_kill[0] < RUNS
    assert digests(out) == reference
