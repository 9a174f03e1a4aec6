"""Browser sessions: one per tab (a Solara kernel), bounded in number, cleaned up when the tab goes.

A session outlives its pages, so switching between the trainer and explorer tabs keeps both
pages' state. When Solara closes the kernel (the tab was closed, or it stayed disconnected for
:data:`CULL_TIMEOUT`), every clean-up registered with :meth:`Session.on_close` runs: Play
stops, a running comparison is cancelled and the worker forgets the model.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from solara.server import kernel_context

log = logging.getLogger("saferstreets.viz")
MAX_SESSIONS = int(os.environ.get("SAFERSTREETS_MAX_SESSIONS", "40"))
"""Browser tabs served at once; more get a "server busy" page."""
CULL_TIMEOUT = os.environ.get("SAFERSTREETS_CULL_TIMEOUT", "2m")
"""How long a disconnected tab's session is kept for it to reconnect (Solara's default is a day)."""


@dataclass(eq=False)
class Session:
    """One browser tab's server-side state."""

    id: str
    context: Any
    """The Solara kernel context (a ``VirtualKernelContext``; ``None`` outside a server)."""
    parts: dict[str, Any] = field(default_factory=dict)
    """Long-lived helpers of the pages (the demo driver, the comparison job), by name."""
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def connected(self) -> bool:
        """Whether a browser page is connected to this session now."""
        if self.context is None:
            return True
        status = getattr(self.context, "page_status", {})
        return any(s == kernel_context.PageStatus.CONNECTED for s in status.values())

    def closed(self) -> bool:
        """Whether Solara has closed this session."""
        return self.context is not None and self.context.closed_event.is_set()

    def publish(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` (which sets reactive values) inside this session, from any thread."""
        if self.closed():
            return
        if self.context is None:
            fn()
            return
        with self.context:
            fn()

    def on_close(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` when the session ends."""
        self._closers.append(fn)

    def part(self, name: str, make: Callable[[], Any]) -> Any:
        """The helper ``name``, made on first use."""
        with _LOCK:
            if name not in self.parts:
                self.parts[name] = make()
            return self.parts[name]

    def close(self) -> None:
        """Run the clean-ups (once) and forget the session."""
        with _LOCK:
            _SESSIONS.pop(self.id, None)
            closers, self._closers = self._closers, []
        for fn in reversed(closers):
            try:
                fn()
            except Exception:  # noqa: BLE001 - one failing clean-up must not stop the others
                log.exception("session %s: clean-up failed", self.id)
        log.info("session %s closed (%d open)", self.id, count())


_SESSIONS: dict[str, Session] = {}
_LOCK = threading.RLock()


def current() -> Session | None:
    """This tab's session (made on first use), or None when :data:`MAX_SESSIONS` are already open."""
    context = kernel_context.get_current_context() if kernel_context.has_current_context() else None
    key = context.id if context is not None else "local"
    with _LOCK:
        session = _SESSIONS.get(key)
        if session is not None:
            return session
        if len(_SESSIONS) >= MAX_SESSIONS:
            log.warning("session limit reached (%d): refusing %s", MAX_SESSIONS, key)
            return None
        session = _SESSIONS[key] = Session(key, context)
    if context is not None:
        context.on_close(session.close)
    log.info("session %s opened (%d open)", key, count())
    return session


def count() -> int:
    """Sessions open now."""
    with _LOCK:
        return len(_SESSIONS)
