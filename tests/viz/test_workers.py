"""Worker pools: sessions pinned to a process, a bounded queue for comparisons, idle processes stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import wait_until

from viz.workers import BatchPool, Cancelled, PinnedWorkers, ServerBusy


def test_sessions_stay_in_their_process_and_idle_processes_stop() -> None:
    pool = PinnedWorkers(size=2, idle_seconds=0.5)
    a = {pool.submit("a", os.getpid).result(60) for _ in range(3)}
    b = {pool.submit("b", os.getpid).result(60) for _ in range(3)}
    assert len(a) == len(b) == 1 and a != b and os.getpid() not in a | b      # pinned, spread, not the server
    assert pool.sessions() == 2 and pool.processes() == 2
    pool.release("a", os.getpid)
    pool.release("b")
    assert pool.sessions() == 0
    wait_until(lambda: pool.processes() == 0)
    assert pool.submit("c", os.getpid).result(60) not in a | b                # started again on demand
    pool.release("c")


def test_comparisons_queue_one_per_session() -> None:
    pool = BatchPool(workers=1, max_jobs=1, max_waiting=1, idle_seconds=0.5)
    never = threading.Event()
    with pool.job("s1", never) as executor:
        assert executor.submit(os.getpid).result(60) != os.getpid()
        with pytest.raises(ServerBusy, match="already running"):
            with pool.job("s1", never):
                pass
        waited: list[int] = []
        started = threading.Event()

        def second() -> None:
            with pool.job("s2", never, on_wait=waited.append):
                started.set()
        thread = threading.Thread(target=second)
        thread.start()
        wait_until(lambda: waited)
        assert waited[0] == 1 and not started.is_set()                       # one comparison ahead of it
        assert pool.busy() == (1, 1)
        with pytest.raises(ServerBusy, match="server is busy"):
            with pool.job("s3", never):
                pass
    thread.join(10)
    assert started.is_set()
    wait_until(lambda: pool._executor is None)                               # idle: the processes stop


def test_a_queued_comparison_can_be_cancelled() -> None:
    pool = BatchPool(workers=1, max_jobs=1, idle_seconds=0.5)
    cancel = threading.Event()
    with pool.job("s1", threading.Event()):
        errors: list[Exception] = []

        def waiting() -> None:
            try:
                with pool.job("s2", cancel):
                    pass
            except Cancelled as err:
                errors.append(err)
        thread = threading.Thread(target=waiting)
        thread.start()
        wait_until(lambda: pool.busy() == (1, 1))
        cancel.set()
        thread.join(10)
        assert errors and pool.busy() == (1, 0)


def test_workers_exit_when_the_server_is_killed(tmp_path) -> None:
    script = tmp_path / "server.py"
    script.write_text("import os, sys, time\n"
                      f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
                      "from viz.workers import PinnedWorkers\n"
                      "if __name__ == '__main__':\n"
                      "    pool = PinnedWorkers(size=1, idle_seconds=None)\n"
                      "    print(pool.submit('s', os.getpid).result(60), flush=True)\n"
                      "    time.sleep(60)\n")
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    worker = int(server.stdout.readline())
    server.kill()                                                            # no clean shutdown at all
    server.wait(10)
    wait_until(lambda: not _alive(worker), timeout=15)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:                                  # a zombie is gone too
        return stat.read().split()[2] != "Z"
