"""``saferstreets browser-bench``: what a frame of the trainer demo costs the server, and many browser users at once.

Two measurements (a benchmark, not a test; loopback only):

* **Frames** at 1,000 households, side by side in one run: the server's cost of one demo day as the
  pages work now (the step and the frame data in the worker process, then publishing it to the page)
  against redrawing the whole picture on the server with matplotlib every day (the map with every tie,
  household and crime, and the three charts, as PNG - how the page used to work).
* **Users**: ``solara run viz/app.py`` on a free 127.0.0.1 port and N headless Chromium users at once,
  each in its own browser context: load the trainer page, press Step five times (time from the click
  to the map showing the new day, measured in the page), play for a few seconds, close. One warm-up
  visit comes first (the trainer opening the page before the room arrives starts the demo workers).
  Server memory (the server and its worker processes) is sampled after the warm-up, during the test,
  and after every session has closed.

The browsers run on the same 2-core machine as the server, so the user figures include their own CPU.
Needs the dev extras (playwright, psutil) and Debian chromium.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
STEP_JS = """async () => {
  const map = document.querySelector('.ss-map'), before = map.getAttribute('data-day');
  const t0 = performance.now();
  document.querySelector('[aria-label="Step one day"]').click();
  await new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (map.getAttribute('data-day') !== before) { seen.disconnect(); resolve(); }
    });
    seen.observe(map, {attributes: true});
  });
  return performance.now() - t0;
}"""


# ---------------------------------------------------------------- frames
def frame_costs(households: int = 1000, frames: int = 60) -> dict[str, Any]:
    """Median and 95th-percentile milliseconds per demo day: now (worker + publish) and full server redraws."""
    import json as jsonlib

    import solara
    from solara.server import kernel as solara_kernel
    from solara.server import kernel_context

    from simulation.model import CommunityModel
    from viz import demo, trainer
    from viz.demo import DemoSettings, DemoState
    from viz.scene import DemoRun
    from viz.workers import PinnedWorkers

    params = trainer.demo_params().replace(n_residents=households)
    out: dict[str, Any] = {"households": households, "frames": frames}
    pool = PinnedWorkers(size=1, idle_seconds=1)
    layout, first = pool.submit("bench", demo.start, "bench", params, trainer.DEMO_SEED).result(120)
    worker_ms = []
    frames_made = []
    for _ in range(frames):
        t0 = time.perf_counter()
        frames_made.append(pool.submit("bench", demo.step, "bench", 1).result(60))
        worker_ms.append(1000 * (time.perf_counter() - t0))
    pool.release("bench", demo.end, "bench")

    context = kernel_context.VirtualKernelContext(id="bench", kernel=solara_kernel.Kernel(), session_id="bench")
    context.page_status["page"] = kernel_context.PageStatus.CONNECTED
    publish_ms = []
    with context:
        trainer.show(DemoState(DemoSettings(params, trainer.DEMO_SEED), layout, first))
        solara.render(_Page(), handle_error=False)
        for frame in frames_made:
            t0 = time.perf_counter()
            trainer.show(DemoState(DemoSettings(params, trainer.DEMO_SEED), layout, frame))
            publish_ms.append(1000 * (time.perf_counter() - t0))

    run = DemoRun(CommunityModel(params, rng=trainer.DEMO_SEED))
    redraw_ms = []
    for _ in range(min(frames, 20)):
        run.step(1)
        t0 = time.perf_counter()
        full_redraw(run)
        redraw_ms.append(1000 * (time.perf_counter() - t0))
    now = [w + p for w, p in zip(worker_ms, publish_ms)]
    out.update(now_ms=_stats(now), worker_ms=_stats(worker_ms), publish_ms=_stats(publish_ms),
               full_redraw_ms=_stats(redraw_ms), frame_json_kb=len(frames_made[-1].json) / 1024,
               layout_json_kb=len(jsonlib.dumps(jsonlib.loads(layout))) / 1024)
    out["speedup"] = out["full_redraw_ms"]["median"] / out["now_ms"]["median"]
    return out


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max": ordered[-1]}


def _Page() -> Any:
    """The trainer's toolbar, settings and picture, with a driver that does nothing (only publishing is timed)."""
    import solara

    from viz import trainer

    class Idle:
        def step(self) -> None: ...
        play = pause = step

    @solara.component
    def Page() -> None:
        with solara.Div(classes=["ss-trainer"]):
            trainer.Toolbar(Idle())
            with solara.Div(classes=["ss-body"]):
                trainer.Settings(Idle())
                trainer.Picture()
    return Page()


def full_redraw(run: Any) -> bytes:
    """The whole picture drawn on the server as PNG: every tie and household, today's crimes and three charts."""
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    from simulation.state import Stage
    from viz import model_view
    from viz.scene import STAGE_STYLE

    frame = run.frame()
    xy = run.model.place.resident_xy
    fig = Figure(figsize=(13.6, 6.6), dpi=80)
    ax = fig.add_axes((0.01, 0.1, 0.5, 0.85))
    u, v = run.initial_pairs.T
    ax.add_collection(LineCollection(np.stack([xy[u], xy[v]], axis=1), colors="#bbbbbb", linewidths=0.3))
    new = np.array(frame["new_ties"]).reshape(-1, 2)
    if len(new):
        ax.add_collection(LineCollection(np.stack([xy[new[:, 0]], xy[new[:, 1]]], axis=1), colors="#0072B2"))
    stage = model_view.stages(run.model)
    ax.scatter(xy[:, 0], xy[:, 1], c=[STAGE_STYLE[Stage(s)]["colour"] for s in stage], s=9)
    crimes = np.array(frame["crimes"]).reshape(-1, 3)
    if len(crimes):
        ax.scatter(xy[crimes[:, 0], 0], xy[crimes[:, 0], 1], marker="x", s=60, c="#D55E00")
    ax.autoscale_view()
    for i, panel in enumerate(frame["charts"]):
        chart = fig.add_axes((0.58, 0.7 - 0.3 * i, 0.4, 0.24))
        for series in panel["series"]:
            chart.plot(series["values"], color=series["colour"])
        chart.set_title(panel["title"], fontsize=9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# ---------------------------------------------------------------- users
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree(pid: int) -> list[Any]:
    import psutil

    try:
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB)."""
    import psutil

    total = 0
    for p in _tree(pid):
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and its living children."""
    import psutil

    total = 0.0
    for p in _tree(pid):
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class Server:
    """``solara run viz/app.py`` on a free loopback port, with its log in a temporary file."""

    def __init__(self, cull: str, max_sessions: int) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = Path(tempfile.mkstemp(prefix="browser_bench_", suffix=".log")[1])
        env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SAFERSTREETS_CULL_TIMEOUT": cull,
               "SAFERSTREETS_MAX_SESSIONS": str(max_sessions)}
        with self.log.open("w") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "solara", "run", "viz/app.py", "--host", "127.0.0.1", "--port", str(self.port),
                 "--no-open", "--production"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        import urllib.request
        deadline = time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(self.url, timeout=2).status == 200:
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start:\n" + self.log.read_text()) from None
                time.sleep(0.3)

    def rss_mb(self) -> float:
        """Memory of the server and its worker processes."""
        return _tree_rss_mb(self.process.pid)

    def cpu_s(self) -> float:
        """CPU seconds used by the server and its worker processes."""
        return _tree_cpu_s(self.process.pid)

    def open_sessions(self) -> int:
        """Sessions open, from the server's log."""
        counts = re.findall(r"session \S+ (?:opened|closed) \((\d+) open\)", self.log.read_text(errors="replace"))
        return int(counts[-1]) if counts else 0

    def wait_closed(self, timeout: float) -> None:
        """Wait until the server has closed every session (or ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while self.open_sessions() and time.monotonic() < deadline:
            time.sleep(0.5)

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until the demo workers have started (logged by the server)."""
        deadline = time.monotonic() + timeout
        while "demo workers ready" not in self.log.read_text(errors="replace"):
            if time.monotonic() > deadline:
                raise RuntimeError("the demo workers did not start:\n" + self.log.read_text())
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.unlink(missing_ok=True)


async def _user(browser: Any, url: str, steps: int, play_seconds: float, result: dict[str, Any],
                delay: float = 0.0) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=180_000)
        await page.wait_for_selector(".ss-map[data-day='0']", timeout=180_000)
        result["load_s"] = time.perf_counter() - t0
        result["step_ms"] = [await page.evaluate(STEP_JS) for _ in range(steps)]
        await page.click(".ss-play")
        await asyncio.sleep(play_seconds)
        played = int(await page.get_attribute(".ss-map", "data-day"))
        await page.click(".ss-play")
        result["played_days"] = played - steps
        result["errors"] = await page.locator(".v-alert.error, .v-alert.warning").count()
    except Exception as err:  # noqa: BLE001 - one user failing is a result, not a crash
        result["failed"] = f"{type(err).__name__}: {err}"[:300]
    finally:
        await context.close()


async def _users(url: str, users: int, steps: int, play_seconds: float, arrive_over: float = 0.0
                 ) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    results: list[dict[str, Any]] = [{} for _ in range(users)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(*(_user(browser, url, steps, play_seconds, r, i * arrive_over / users)
                               for i, r in enumerate(results)))
        await browser.close()
    return results


def load_test(users: int, arrive_over: float = 0.0, steps: int = 5, play_seconds: float = 5.0,
              settle_timeout: float = 120.0) -> dict[str, Any]:
    """N users on a fresh server, all at once or arriving evenly over ``arrive_over`` seconds: page loads,
    Step times, server CPU, memory before, at peak and after."""
    server = Server(cull="30s", max_sessions=max(40, users + 5))
    try:
        warm_up = asyncio.run(_users(server.url, 1, 1, 0.5))[0]       # the trainer opens the page first
        server.wait_ready()
        server.wait_closed(settle_timeout)
        time.sleep(2)
        start_mb = server.rss_mb()
        peak = [start_mb]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.5):
                peak.append(server.rss_mb())
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0, cpu0 = time.perf_counter(), server.cpu_s()
        results = asyncio.run(_users(server.url, users, steps, play_seconds, arrive_over))
        wall, cpu = time.perf_counter() - t0, server.cpu_s() - cpu0
        closed_at = time.perf_counter()
        server.wait_closed(settle_timeout)
        time.sleep(3)
        settle = time.perf_counter() - closed_at
        sampling.set()
        sampler.join()
        end_mb = server.rss_mb()
    finally:
        server.stop()
    ok = [r for r in results if "failed" not in r]
    loads = [r["load_s"] for r in ok]
    steps_ms = [ms for r in ok for ms in r["step_ms"]]
    return {"users": users, "arrive_over_s": arrive_over, "failed": [r["failed"] for r in results if "failed" in r],
            "wall_s": wall,
            "warm_up_load_s": warm_up.get("load_s"),
            "server_cpu_s_per_user": cpu / users, "load_average": os.getloadavg()[0],
            "load_s": _stats(loads) if loads else None, "step_ms": _stats(steps_ms) if steps_ms else None,
            "played_days_median": statistics.median(r["played_days"] for r in ok) if ok else None,
            "play_seconds": play_seconds, "pages_with_messages": sum(r.get("errors", 0) > 0 for r in ok),
            "rss_start_mb": start_mb, "rss_peak_mb": max(peak), "rss_end_mb": end_mb,
            "rss_end_vs_start": end_mb / start_mb, "settle_s": settle}


# ---------------------------------------------------------------- screenshots
SCREENS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}


def screenshots(out: Path, play_seconds: float = 12.0) -> list[Path]:
    """Trainer (presenting mode, after some Play) and explorer (after a comparison) at both window sizes."""
    from playwright.sync_api import expect, sync_playwright

    server = Server(cull="30s", max_sessions=10)
    written = []

    def shoot(page: Any, name: str) -> None:
        for size, (width, height) in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            time.sleep(1.5)
            written.append(out / f"{name}_{size}.png")
            page.screenshot(path=written[-1])
    try:
        out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(180_000)
            page.goto(server.url)
            page.wait_for_selector(".ss-map[data-day='0']")
            page.get_by_role("button", name="Hide settings").click()
            page.get_by_role("button", name="Play").click()
            time.sleep(play_seconds)
            page.get_by_role("button", name="Pause").click()
            shoot(page, "trainer")
            page.get_by_role("tab", name="Strategy explorer").click()
            page.get_by_role("button", name="Run comparison").click()
            expect(page.locator(".ss-verdict").first).to_be_visible(timeout=1_800_000)
            shoot(page, "explorer")
            browser.close()
    finally:
        server.stop()
    return written


def user_line(r: dict[str, Any]) -> str:
    """One load test in words."""
    load, step = r["load_s"] or {}, r["step_ms"] or {}
    arrival = "all at once" if not r["arrive_over_s"] else f"arriving over {r['arrive_over_s']:.0f} s"
    return (f"{r['users']} users {arrival}: page load median {load.get('median', math.nan):.1f} s "
            f"(max {load.get('max', math.nan):.1f}), Step shows in median {step.get('median', math.nan):.0f} ms "
            f"(95th {step.get('p95', math.nan):.0f}), {r['played_days_median']} days in {r['play_seconds']:.0f} s "
            f"of Play; memory {r['rss_start_mb']:.0f} MB -> peak {r['rss_peak_mb']:.0f} -> {r['rss_end_mb']:.0f} MB "
            f"after closing ({100 * (r['rss_end_vs_start'] - 1):+.0f}%, settled in {r['settle_s']:.0f} s); "
            f"server CPU {r['server_cpu_s_per_user']:.1f} s per user; load average {r['load_average']:.1f}"
            + (f"; FAILED: {r['failed']}" if r["failed"] else ""))


# ---------------------------------------------------------------- command
def register(app: typer.Typer) -> None:
    """Add ``saferstreets browser-bench``."""

    @app.command("browser-bench")
    def browser_bench(
            users: Annotated[list[int] | None, typer.Option("--users", min=1, max=40,
                                                            help="Concurrent browser users (repeatable).")] = None,
            households: Annotated[int, typer.Option(min=100, max=3000, help="Households for frame costs.")] = 1000,
            frames: Annotated[int, typer.Option(min=10, max=1000, help="Days timed for frame costs.")] = 60,
            arrive_over: Annotated[list[float] | None, typer.Option(
                "--arrive-over", min=0, max=600, help="Spread the users' arrivals over this many seconds "
                "(repeatable; default 0, all at once).")] = None,
            out: Annotated[Path | None, typer.Option("--out", help="Write the figures as JSON here.")] = None,
            shots: Annotated[Path | None, typer.Option("--screenshots", help="Only take the documentation "
                                                       "screenshots (1366x768, 1920x1080) into this folder.")] = None,
    ) -> None:
        """Frame cost of the trainer demo (now vs full server redraws) and N users at once (default 10 and 20)."""
        from rich.console import Console

        console = Console()

        if not Path(CHROMIUM).exists():
            console.print(f"[red]error:[/red] no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
            raise typer.Exit(2)
        if shots is not None:
            for path in screenshots(shots):
                console.print(f"wrote {path}")
            return
        result: dict[str, Any] = {"machine": {"cpu": platform.processor() or platform.machine(),
                                              "cores": os.cpu_count(), "load_average_start": os.getloadavg()[0]}}
        f = result["frames"] = frame_costs(households, frames)
        console.print(f"Frame at {f['households']:,} households, server side (median / 95th percentile ms): "
                      f"now {f['now_ms']['median']:.1f} / {f['now_ms']['p95']:.1f} "
                      f"(worker step + frame {f['worker_ms']['median']:.1f}, publish {f['publish_ms']['median']:.1f}); "
                      f"full server redraw {f['full_redraw_ms']['median']:.0f} / {f['full_redraw_ms']['p95']:.0f} "
                      f"-> {f['speedup']:.0f}x less; frame {f['frame_json_kb']:.1f} kB, map layer once "
                      f"{f['layout_json_kb']:.0f} kB")
        result["users"] = []
        for n, spread in ((n, spread) for n in users or [10, 20] for spread in arrive_over or [0.0]):
            result["users"].append(load_test(n, spread))
            console.print(user_line(result["users"][-1]))
        result["machine"]["load_average_end"] = os.getloadavg()[0]
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(result, indent=2) + "\n")
            console.print(f"wrote {out}")
