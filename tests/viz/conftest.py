"""Test set-up: Solara sessions for headless page tests, stand-in workers, Debian chromium and a live server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]


class ThreadWorkers:
    """Stands in for :class:`viz.workers.PinnedWorkers` in one thread of this process (same calls)."""

    def __init__(self, fail: Callable[[str], Exception | None] = lambda kind: None) -> None:
        self.executor = ThreadPoolExecutor(1)
        self.fail = fail
        self.released: list[str] = []

    def submit(self, session: str, fn: Callable[..., Any], *args: Any) -> Future:
        def call() -> Any:
            error = self.fail(fn.__name__)
            if error is not None:
                raise error
            return fn(*args)
        return self.executor.submit(call)

    def release(self, session: str, fn: Callable[..., Any] | None = None, *args: Any) -> None:
        self.released.append(session)
        if fn is not None:
            self.executor.submit(fn, *args)


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh, connected Solara kernel context (so a fresh browser session) with demos run in a thread here."""
    from solara.server import kernel as solara_kernel
    from solara.server import kernel_context

    from viz import sessions, workers

    monkeypatch.setattr(workers, "DEMOS", ThreadWorkers())
    context = kernel_context.VirtualKernelContext(id=f"test-{uuid.uuid4()}", kernel=solara_kernel.Kernel(),
                                                  session_id="test")
    context.page_status["page"] = kernel_context.PageStatus.CONNECTED
    with context:
        yield context
    session = sessions._SESSIONS.get(context.id)
    if session is not None:
        session.close()


ROBUSTNESS_TITLES = {"baseline": "Doing nothing (baseline)", "listening_led": "Listening-led organising",
                     "target_hardening": "Target hardening", "neighbourhood_watch": "Neighbourhood Watch (police-led)"}


def robustness_runs() -> Any:
    """Per-run outcomes of a made-up robustness run over ten parameter settings, two seeds each: listening-led
    prevents 20 crimes in seven settings and 5 in three, target hardening always 10, Neighbourhood Watch none
    and costs nothing extra."""
    import pandas as pd

    rows = []
    for draw in range(10):
        crimes = {"baseline": 100, "listening_led": 80 if draw < 7 else 95, "target_hardening": 90,
                  "neighbourhood_watch": 100}
        cost = {"baseline": 0, "listening_led": 20_000, "target_hardening": 10_000, "neighbourhood_watch": 0}
        for replicate in range(2):
            rows += [{"draw": draw, "replicate": replicate, "strategy": name, "completed_total": n,
                      "collective_efficacy_end": 0.5, "crime_cost_gbp_total": 1_000.0 * n, "cost_gbp_total": cost[name]}
                     for name, n in crimes.items()]
    return pd.DataFrame(rows)


@pytest.fixture
def robustness_dir(tmp_path: Path) -> Path:
    """A finished robustness run's manifest, wins.csv and value.csv, made by the experiments' own functions from
    :func:`robustness_runs`."""
    import json

    from experiments.robustness import value_table, win_probabilities

    runs = robustness_runs()
    win_probabilities(runs).to_csv(tmp_path / "wins.csv", index=False)
    value_table(runs, "baseline", "2023/24", None).to_csv(tmp_path / "value.csv", index=False)
    manifest = {"status": "complete", "draws": 10, "replicates": 2, "steps": 365, "method": "given_data",
                "strategies": list(ROBUSTNESS_TITLES), "reference": "baseline", "fixed": {"n_residents": 2000},
                "ranges": {"youth_effect": [0.0, 0.3]}, "posterior_path": "results/calibration/posterior.parquet",
                "price_year": "2023/24", "titles": ROBUSTNESS_TITLES}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def texts(rc: Any) -> str:
    """All text a headless-rendered page shows (its HTML pieces and alerts)."""
    import ipyvuetify as v
    import solara.widgets

    html = [w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets]
    return " ".join(html + [str(w.children) for w in rc.find(v.Alert).widgets])


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Wait for ``condition`` (polling), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system chromium (never `playwright install`)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A desktop-sized window, so the sidebar is shown."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests cleanly where chromium is not installed."""
    if os.path.exists(CHROMIUM):
        return
    for item in items:
        if {"page", "page_session", "viz_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.skip(reason=f"no chromium at {CHROMIUM}"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running ``solara run viz/app.py``: its base URL and its log (stderr, app lines at DEBUG)."""

    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log = url, log

    def log_text(self) -> str:
        """The server's log so far."""
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def viz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`solara run viz/app.py` on a free loopback port for the test session (always stopped afterwards)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("viz_server") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SAFERSTREETS_VIZ_LOG_LEVEL": "DEBUG",
           "SAFERSTREETS_CULL_TIMEOUT": "10s", "SAFERSTREETS_VIZ_IDLE_SECONDS": "5"}
    with log.open("w") as sink:
        server = subprocess.Popen([sys.executable, "-m", "solara", "run", "viz/app.py", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-open", "--production"],
                                  cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("solara server did not start:\n" + log.read_text()) from None
                time.sleep(0.3)
        yield Server(url, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
