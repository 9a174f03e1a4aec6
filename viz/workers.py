"""Bounded process pools for the browser pages: simulation never runs in the web server's process.

* :class:`PinnedWorkers` - one single-process executor per core for the trainer demos. Each
  browser session is pinned to one of them, so its model stays in that process between steps
  (a step costs milliseconds, not a round trip of the whole model). They are started with the
  server and kept (a page never waits for a process to start); a closed session's model is
  freed and the memory handed back to the system.
* :class:`BatchPool` - one process pool for the explorer's comparison runs, shared by all
  sessions through a first-come, first-served queue: at most ``max_jobs`` comparisons run at
  once (one per core by default, so each gets about a core), one per session, and a full queue
  is refused with a "server busy" message. Its workers
  run at lower priority (``nice``), so demos stay responsive while comparisons run.

The comparison pool shuts its processes down after ``idle_seconds`` without work, so the
server's memory returns to where it started when everybody has gone. Processes are started
with ``spawn`` (the web server is multi-threaded; ``fork`` would copy its locks).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("saferstreets.viz")
SPAWN = multiprocessing.get_context("spawn")
IDLE_SECONDS = float(os.environ.get("SAFERSTREETS_VIZ_IDLE_SECONDS", "60"))
"""Seconds without work after which worker processes are stopped."""
CORES = max(1, min(2, os.cpu_count() or 1))


class ServerBusy(RuntimeError):
    """The server cannot take this request now; the message says what to do."""


class Cancelled(RuntimeError):
    """A queued request was cancelled before it started."""


def _worker_start(parent: int, niceness: int = 0) -> None:
    """Worker initialiser: exit when the server is gone (even if killed), optionally at lower priority.

    Pool workers share their task queue's pipe, so a dead server does not close it for them:
    a thread watches the parent process instead.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, name="watch-server", daemon=True).start()
    if niceness:
        try:
            os.nice(niceness)
        except OSError:
            pass


def _executor(workers: int, niceness: int = 0) -> ProcessPoolExecutor:
    """A spawn-started process pool whose workers exit with this process."""
    return ProcessPoolExecutor(workers, mp_context=SPAWN, initializer=_worker_start,
                               initargs=(os.getpid(), niceness))


class _IdleStop:
    """Calls ``stop`` after ``seconds`` unless cancelled (restarted by each new idle period)."""

    def __init__(self, seconds: float, stop: Callable[[], None]) -> None:
        self.seconds, self.stop, self.timer = seconds, stop, None

    def start(self) -> None:
        self.cancel()
        self.timer = threading.Timer(self.seconds, self.stop)
        self.timer.daemon = True
        self.timer.start()

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _import_model() -> int:
    """Worker warm-up: import the model and the demo code; return the process id."""
    import simulation.model  # noqa: F401
    import viz.scene  # noqa: F401

    return os.getpid()


class PinnedWorkers:
    """``size`` single-process executors; a session's calls always go to the same process.

    With ``idle_seconds=None`` the processes are kept; else a process without sessions stops
    after that many seconds (and starts again when needed).
    """

    def __init__(self, size: int = CORES, idle_seconds: float | None = IDLE_SECONDS) -> None:
        self._lock = threading.Lock()
        self._executors: list[ProcessPoolExecutor | None] = [None] * size
        self._pins: dict[str, int] = {}
        self._idle = [_IdleStop(idle_seconds, lambda slot=slot: self._stop_if_idle(slot)) if idle_seconds is not None
                      else None for slot in range(size)]

    def warm(self) -> None:
        """Start any process not running and import the model there now (logged when ready)."""
        with self._lock:
            futures = []
            for slot, executor in enumerate(self._executors):
                if executor is None or getattr(executor, "_broken", False):
                    executor = self._executors[slot] = _executor(1)
                    futures.append(executor.submit(_import_model))
        if not futures:
            return
        def report() -> None:
            try:
                log.info("demo workers ready (processes %s)", ", ".join(str(f.result(300)) for f in futures))
            except Exception:  # noqa: BLE001 - a failed warm-up only costs the first visitor a wait
                log.exception("demo workers did not start")
        threading.Thread(target=report, name="warm-workers", daemon=True).start()

    def submit(self, session: str, fn: Callable[..., Any], *args: Any) -> Future:
        """Run ``fn(*args)`` in the process of ``session`` (pinned on first use to the least busy one)."""
        with self._lock:
            slot = self._pins.get(session)
            if slot is None:
                load = [list(self._pins.values()).count(s) for s in range(len(self._executors))]
                slot = self._pins[session] = load.index(min(load))
            if self._idle[slot] is not None:
                self._idle[slot].cancel()
            executor = self._executors[slot]
            if executor is None or getattr(executor, "_broken", False):
                executor = self._executors[slot] = _executor(1)
            return executor.submit(fn, *args)

    def release(self, session: str, fn: Callable[..., Any] | None = None, *args: Any) -> None:
        """Unpin ``session`` after running ``fn(*args)`` (clean-up) in its process; stop idle processes later."""
        with self._lock:
            slot = self._pins.pop(session, None)
            if slot is None:
                return
            executor = self._executors[slot]
            if fn is not None and executor is not None:
                try:
                    executor.submit(fn, *args)
                except (BrokenProcessPool, RuntimeError):
                    pass
            if slot not in self._pins.values() and self._idle[slot] is not None:
                self._idle[slot].start()

    def _stop_if_idle(self, slot: int) -> None:
        with self._lock:
            if slot in self._pins.values() or self._executors[slot] is None:
                return
            executor, self._executors[slot] = self._executors[slot], None
        executor.shutdown(wait=True, cancel_futures=True)
        log.info("demo worker %d stopped (idle)", slot)

    def sessions(self) -> int:
        """Sessions currently pinned."""
        with self._lock:
            return len(self._pins)

    def processes(self) -> int:
        """Worker processes currently running."""
        with self._lock:
            return sum(e is not None for e in self._executors)


class BatchPool:
    """One process pool for comparisons: a FIFO queue, ``max_jobs`` at once, one per session."""

    def __init__(self, workers: int = CORES, max_jobs: int = CORES, max_waiting: int = 20,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.workers, self.max_jobs, self.max_waiting = workers, max_jobs, max_waiting
        self._cond = threading.Condition()
        self._waiting: deque[str] = deque()
        self._active: set[str] = set()
        self._executor: ProcessPoolExecutor | None = None
        self._idle = _IdleStop(idle_seconds, self._stop_if_idle)

    @contextmanager
    def job(self, session: str, cancelled: threading.Event,
            on_wait: Callable[[int], None] = lambda ahead: None) -> Iterator[Executor]:
        """Wait for a turn (``on_wait`` gets the number of comparisons ahead), then yield the executor."""
        with self._cond:
            if session in self._active or session in self._waiting:
                raise ServerBusy("a comparison of yours is already running: wait for it or cancel it")
            if len(self._waiting) >= self.max_waiting:
                raise ServerBusy(f"the server is busy ({len(self._active) + len(self._waiting)} comparisons "
                                 "running or waiting): please try again in a few minutes")
            self._waiting.append(session)
            try:
                while not (self._waiting[0] == session and len(self._active) < self.max_jobs):
                    if cancelled.is_set():
                        raise Cancelled("cancelled before it started")
                    on_wait(len(self._active) + list(self._waiting).index(session))
                    self._cond.wait(0.5)
            except BaseException:
                self._waiting.remove(session)
                self._cond.notify_all()
                raise
            self._waiting.popleft()
            self._active.add(session)
            self._idle.cancel()
            if self._executor is None or getattr(self._executor, "_broken", False):
                self._executor = _executor(self.workers, niceness=10)
            executor = self._executor
        try:
            yield executor
        finally:
            with self._cond:
                self._active.discard(session)
                self._cond.notify_all()
                if not self._active and not self._waiting:
                    self._idle.start()

    def _stop_if_idle(self) -> None:
        with self._cond:
            if self._active or self._waiting or self._executor is None:
                return
            executor, self._executor = self._executor, None
        executor.shutdown(wait=True, cancel_futures=True)
        log.info("comparison workers stopped (idle)")

    def busy(self) -> tuple[int, int]:
        """Comparisons running and waiting."""
        with self._cond:
            return len(self._active), len(self._waiting)


DEMOS = PinnedWorkers(idle_seconds=None)
"""The trainer demos' worker processes (kept running; :meth:`PinnedWorkers.warm` starts them with the server)."""
COMPARISONS = BatchPool()
"""The explorer's worker processes."""
