"""The trainer demo's engine: models live in a worker process; one driver thread per browser session.

Worker side (:func:`start`, :func:`step`, :func:`end`) keeps each session's :class:`~viz.scene.DemoRun`
in the worker process. Server side, :class:`DemoDriver` is the only thing that talks to the worker
for a session and the only thing that publishes what the page shows: button clicks just set flags
and wake it. So Step, Play, Pause and Reset can never overlap, each published :class:`DemoState`
is a consistent snapshot (drawing never sees a model mid-step), Play stops as soon as the browser
is gone, and an error becomes a one-line message instead of a traceback.
"""

from __future__ import annotations

import ctypes
import gc
import json
import logging
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any, Callable

from simulation.params import Params
from viz import workers as pools
from viz.workers import PinnedWorkers

log = logging.getLogger("saferstreets.viz")
PLAY_INTERVAL = 0.15
"""Seconds between frames while playing (at most ~7 days a second)."""
MAX_PENDING = 10
"""Step clicks queued while a step runs (more are ignored)."""
STEP_TIMEOUT = 60.0


# ---------------------------------------------------------------- worker process side
_RUNS: dict[str, Any] = {}


class DemoLost(RuntimeError):
    """The worker holding this session's model was restarted."""


@dataclass(frozen=True)
class Frame:
    """One day as the browser draws it: the day, and the frame as JSON (made in the worker)."""

    day: int
    json: str


def _frame(run: Any) -> Frame:
    frame = run.frame()
    return Frame(frame["day"], json.dumps(frame, separators=(",", ":")))


def start(session: str, params: Params, seed: int) -> tuple[str, Frame]:
    """Build the session's model (replacing any previous one); return its layout (JSON) and first frame."""
    from simulation.model import CommunityModel
    from viz.scene import DemoRun

    run = _RUNS[session] = DemoRun(CommunityModel(params, rng=seed))
    return json.dumps(run.layout(), separators=(",", ":")), _frame(run)


def step(session: str, days: int) -> Frame:
    """Advance the session's model ``days`` days; return the new frame."""
    run = _RUNS.get(session)
    if run is None:
        raise DemoLost(session)
    run.step(days)
    return _frame(run)


def end(session: str) -> None:
    """Forget the session's model and hand the freed memory back to the system."""
    if _RUNS.pop(session, None) is not None:
        gc.collect()
        _trim_heap()


def _trim_heap() -> None:
    """Return free heap pages to the system (glibc only; elsewhere nothing to do)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------- server side
@dataclass(frozen=True)
class DemoSettings:
    """What Reset builds: validated parameters and seed."""

    params: Params
    seed: int


@dataclass(frozen=True)
class DemoState:
    """Everything the trainer page shows; replaced whole, never changed in place."""

    settings: DemoSettings | None = None
    layout: str | None = None
    frame: Frame | None = None
    playing: bool = False
    busy: bool = False
    message: str | None = None


class DemoDriver:
    """Runs one session's demo: the single thread that steps it and publishes its state."""

    def __init__(self, session: str, publish: Callable[[DemoState], None], connected: Callable[[], bool],
                 workers: PinnedWorkers | None = None, interval: float = PLAY_INTERVAL) -> None:
        self.session, self._publish, self._connected = session, publish, connected
        self._workers, self.interval = workers or pools.DEMOS, interval
        self._cond = threading.Condition()
        self._state = DemoState()
        self._reset_to: DemoSettings | None = None
        self._pending = 0
        self._playing = False
        self._closed = False
        self._dirty = False
        self._next_tick = 0.0
        self._thread = threading.Thread(target=self._loop, name=f"demo-{session}", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------- commands (any thread)
    def reset(self, settings: DemoSettings) -> None:
        """Rebuild the model with ``settings`` (stops Play and drops queued steps)."""
        self._command(reset_to=settings, pending=0, playing=False)

    def step(self) -> None:
        """One more day (queued while a step runs, up to :data:`MAX_PENDING`)."""
        with self._cond:
            self._pending = min(MAX_PENDING, self._pending + 1)
            self._cond.notify_all()

    def play(self) -> None:
        """Step every :attr:`interval` seconds until paused or the browser goes away."""
        self._command(playing=True)

    def pause(self) -> None:
        """Stop playing (the step in progress still shows)."""
        self._command(playing=False, pending=0)

    def close(self) -> None:
        """Stop for good and free the model in the worker."""
        with self._cond:
            self._closed = True
            self._playing = False
            self._cond.notify_all()
        self._workers.release(self.session, end, self.session)

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self._playing

    def join(self, timeout: float | None = None) -> None:
        """Wait for the driver thread to end (after :meth:`close`)."""
        self._thread.join(timeout)

    def _command(self, **changes: Any) -> None:
        with self._cond:
            for name, value in changes.items():
                setattr(self, f"_{name}", value)
            self._dirty = True
            self._cond.notify_all()

    # ----------------------------------------------------------- the driver thread
    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._due():
                    self._cond.wait(self._wait_time())
                if self._closed:
                    return
                if self._playing and not self._connected():
                    log.info("session %s: play stopped (browser gone)", self.session)
                    self._playing = False
                work = self._take_work()
                self._dirty = False
            if work is not None and work[0] == "start":
                self._emit(replace(self._state, busy=True, playing=False))
            if work is not None:
                self._state = self._run(*work)
            self._emit(replace(self._state, playing=self._playing))

    def _due(self) -> bool:
        return (self._closed or self._dirty or self._reset_to is not None or self._pending > 0
                or (self._playing and time.monotonic() >= self._next_tick))

    def _wait_time(self) -> float | None:
        return max(0.0, self._next_tick - time.monotonic()) + 0.001 if self._playing else None

    def _take_work(self) -> tuple[str, Any] | None:
        """The next command, under the lock: a reset first, then queued steps, then a Play tick."""
        if self._reset_to is not None:
            work, self._reset_to = ("start", self._reset_to), None
            return work
        if self._pending or self._playing:
            work, self._pending = ("step", self._pending or 1), 0
            self._next_tick = time.monotonic() + self.interval
            return work
        return None

    def _run(self, kind: str, arg: Any) -> DemoState:
        """Do one command in the worker; any failure becomes a message and stops Play."""
        settings = arg if kind == "start" else self._state.settings
        try:
            if kind == "step" and settings is not None:
                try:
                    frame = self._call(step, self.session, arg)
                    log.debug("session %s: day %d", self.session, frame.day)
                    return replace(self._state, frame=frame, message=None)
                except DemoLost:
                    log.warning("session %s: worker restarted, rebuilding the demo", self.session)
                    kind = "restart"
            if settings is None:
                return self._state
            layout, frame = self._call(start, self.session, settings.params, settings.seed)
            message = ("The simulation was restarted after a problem; the demo is back at day 0."
                       if kind == "restart" else None)
            return DemoState(settings, layout, frame, message=message)
        except Exception as err:  # noqa: BLE001 - shown to the user as one line, logged in full
            log.exception("session %s: %s failed", self.session, kind)
            with self._cond:
                self._playing = False
                self._pending = 0
            reason = "the server is overloaded" if isinstance(err, FutureTimeout) else "something went wrong"
            return replace(self._state, message=f"Sorry, {reason} ({type(err).__name__}). "
                                                "Press Reset to start the demo again.")

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return self._workers.submit(self.session, fn, *args).result(STEP_TIMEOUT)
        except BrokenProcessPool:
            raise DemoLost(self.session) from None

    def _emit(self, state: DemoState) -> None:
        if self._closed:
            return
        try:
            self._publish(state)
        except Exception:  # noqa: BLE001 - a closed page must not kill the driver
            log.exception("session %s: could not publish", self.session)
