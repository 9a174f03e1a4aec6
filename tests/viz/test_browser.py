"""Real-browser tests (Debian chromium + Playwright) of `solara run viz/app.py`, loopback only, bounded in time."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlparse

from conftest import Server
from playwright.sync_api import Page, WebSocketRoute, expect

HAMMER = """async (clicks) => {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < clicks; i++) {
    const target = i % 7 === 6 ? document.querySelector('[aria-label="Step one day"]')
                               : document.querySelector('.ss-play');
    target.click();
    await pause(15 + (i * 37) % 90);
  }
}"""


class Forger:
    """Rewrites the next widget value the page sends to the server, as a hostile client could."""

    def __init__(self, page: Page) -> None:
        self.value: Any = None
        self.replacing: type | tuple[type, ...] = object
        self.armed = False
        page.route_web_socket(re.compile(r".*/api/kernels/.*"), self._route)

    def next_value(self, value: Any, replacing: type | tuple[type, ...]) -> None:
        """Replace the value of the next widget change whose value is a ``replacing`` with ``value`` (a slider
        may still be sending numbers from the last key press when a select is forged)."""
        self.value, self.replacing, self.armed = value, replacing, True

    def _route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def upstream(message: str | bytes) -> None:
            if self.armed and isinstance(message, str) and '"v_model"' in message:
                data = json.loads(message)
                state = data["content"]["data"]["state"]
                if isinstance(state["v_model"], self.replacing) and not isinstance(state["v_model"], bool):
                    state["v_model"] = self.value
                    message, self.armed = json.dumps(data), False
            server.send(message)
        ws.on_message(upstream)
        server.on_message(ws.send)


def open_trainer(page: Page, server: Server) -> None:
    page.goto(server.url)
    expect(page.locator(".ss-map[data-day='0']")).to_have_count(1, timeout=30_000)


def pause_until_settled(page: Page, seconds: float = 20.0) -> None:
    """Press Pause whenever it shows, until Play has shown for a whole second: under load the page may still be
    showing the state from before the last clicks it sent."""
    deadline, shown_since = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        pause = page.get_by_role("button", name="Pause")
        if pause.count():
            pause.click()
            shown_since = None
        elif page.get_by_role("button", name="Play").count():
            shown_since = shown_since or time.monotonic()
            if time.monotonic() - shown_since >= 1.0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the demo did not stay paused within {seconds:.0f} s")


def drawn_day(page: Page) -> int:
    return int(page.locator(".ss-map").get_attribute("data-day"))


def problems(page: Page) -> list[str]:
    """Collect page errors and console errors from now on."""
    found: list[str] = []
    page.on("pageerror", lambda err: found.append(f"page error: {err}"))
    page.on("console", lambda msg: found.append(f"console: {msg.text}") if msg.type == "error" else None)
    return found


def test_trainer_steps_plays_and_resets_with_slider_values(viz_server: Server, page: Page) -> None:
    open_trainer(page, viz_server)
    households = page.get_by_role("slider", name="Households", exact=True)
    households.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    expect(households).to_have_attribute("aria-valuenow", "500")
    head = page.locator(".ss-slider", has=households).locator(".ss-slider-head")
    expect(head).to_contain_text("500 households")
    page.get_by_role("button", name="Reset with the settings").click()
    expect(page.get_by_text(re.compile(r"500 households, seed 42"))).to_be_visible(timeout=15_000)
    for _ in range(3):
        page.get_by_role("button", name="Step one day").click()
    expect(page.locator(".ss-map[data-day='3']")).to_have_count(1, timeout=15_000)
    expect(page.get_by_role("status").filter(has_text="Day 3")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Map of 500 households on day 3"))).to_have_count(1)
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".ss-map")).to_have_attribute("data-day", re.compile(r"^([6-9]|\d\d+)$"), timeout=15_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=5_000)


def test_play_pause_hammering_never_produces_an_error(viz_server: Server, page: Page) -> None:
    found = problems(page)
    open_trainer(page, viz_server)
    log_start = len(viz_server.log_text())
    page.evaluate(HAMMER, 80)
    pause_until_settled(page)
    assert drawn_day(page) > 0
    assert not found, found
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "refresh" not in body.lower() and "Sorry" not in body
    log = viz_server.log_text()[log_start:]
    assert "Traceback" not in log and " ERROR " not in log, log[-2000:]


def test_closing_a_playing_tab_stops_its_stepping_within_seconds(viz_server: Server, page: Page) -> None:
    open_trainer(page, viz_server)
    page.get_by_role("button", name="Play").click()
    expect(page.locator(".ss-map")).to_have_attribute("data-day", re.compile(r"^([3-9]|\d\d+)$"), timeout=15_000)
    playing = re.findall(r"session (\S+): day \d+", viz_server.log_text())[-1]
    page.close()
    deadline = time.monotonic() + 10
    while not re.search(rf"session {re.escape(playing)}(: play stopped| closed)", viz_server.log_text()):
        assert time.monotonic() < deadline, "stepping went on after the tab closed"
        time.sleep(0.2)
    settled = viz_server.log_text().count(f"session {playing}: day")
    time.sleep(2)
    assert viz_server.log_text().count(f"session {playing}: day") <= settled + 1     # at most the step under way


def test_pages_make_no_request_beyond_this_machine(viz_server: Server, page: Page) -> None:
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    log_start = len(viz_server.log_text())
    open_trainer(page, viz_server)
    page.get_by_role("button", name="Step one day").click()
    page.get_by_text("What am I looking at?").click()
    expect(page.get_by_text("Each mark is a household")).to_be_visible()
    page.get_by_role("tab", name="Strategy explorer").click()
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Choose strategies (or a budget split)")).to_be_visible()
    time.sleep(1)
    hosts = {urlparse(url).hostname for url in requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts
    assert not failed, failed
    assert not [url for url in requests if "katex" in url or "mermaid" in url]
    assert "Could not load URL" not in viz_server.log_text()[log_start:]


def test_forged_values_are_rejected_with_a_message(viz_server: Server, page: Page) -> None:
    forger = Forger(page)
    open_trainer(page, viz_server)
    forger.next_value("abc%", replacing=(int, float))
    page.get_by_role("slider", name="Daily chance of joining a group").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text(re.compile(r"p_join='abc%': expected a number"))).to_be_visible(timeout=10_000)
    forger.next_value("bogus", replacing=str)
    page.get_by_role("button", name=re.compile("Organising strategy")).click()
    page.get_by_role("option", name="Broadcast consultation").click()
    expect(page.get_by_text(re.compile(r"organising='bogus': expected one of"))).to_be_visible(timeout=10_000)
    page.get_by_role("tab", name="Strategy explorer").click()
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=15_000)
    forger.next_value("../scenarios/baseline", replacing=str)
    page.get_by_role("button", name=re.compile("Neighbourhood type")).click()
    page.get_by_role("option", name="Deprived area with low trust").click()
    expect(page.get_by_text(re.compile(r"neighbourhood='\.\./scenarios/baseline': expected one of"))).to_be_visible(
        timeout=10_000)
    forger.next_value(10**12, replacing=(int, float))
    page.get_by_role("slider", name="Households", exact=True).focus()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(re.compile(r"n_residents=1000000000000: expected a whole number"))).to_be_visible(
        timeout=10_000)


def test_state_survives_a_tab_switch(viz_server: Server, page: Page) -> None:
    open_trainer(page, viz_server)
    for _ in range(2):
        page.get_by_role("button", name="Step one day").click()
    expect(page.locator(".ss-map[data-day='2']")).to_have_count(1, timeout=15_000)
    page.get_by_role("tab", name="Strategy explorer").click()
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=15_000)
    households = page.get_by_role("slider", name="Households", exact=True)
    households.focus()
    page.keyboard.press("Home")
    expect(page.locator(".ss-slider", has=households).locator(".ss-slider-head")).to_contain_text("100")
    page.get_by_role("tab", name="Trainer demo").click()
    expect(page.locator(".ss-map[data-day='2']")).to_have_count(1, timeout=15_000)
    expect(page.get_by_role("status").filter(has_text="Day 2")).to_be_visible()
    page.get_by_role("tab", name="Strategy explorer").click()
    expect(page.get_by_role("slider", name="Households", exact=True)).to_have_attribute("aria-valuenow", "100",
                                                                                        timeout=15_000)


def test_explorer_gives_a_verdict_with_downloads(viz_server: Server, page: Page) -> None:
    page.goto(viz_server.url + "explorer")
    expect(page.get_by_role("button", name="Run comparison")).to_be_visible(timeout=30_000)
    for title in ("Broadcast consultation", "Target hardening", "Neighbourhood Watch (police-led)"):
        page.locator("label").get_by_text(title, exact=True).click()
        expect(page.get_by_role("checkbox", name=title, exact=True)).not_to_be_checked()
    for name, shown in (("Households", "100"), ("Time simulated", "90 days")):
        slider = page.get_by_role("slider", name=name, exact=True)
        slider.focus()
        page.keyboard.press("Home")
        expect(page.locator(".ss-slider", has=slider).locator(".ss-slider-head")).to_contain_text(shown)
    page.get_by_role("button", name="Run comparison").click()
    verdict = page.locator(".ss-verdict", has_text="Listening-led organising")
    expect(verdict).to_be_visible(timeout=90_000)
    expect(verdict).to_contain_text(re.compile("Prevents about|No detectable difference|more crimes|Cannot tell"))
    expect(page.get_by_role("img", name=re.compile("^Comparison of strategies with doing nothing"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Doing nothing"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Summary (CSV)").click()
    assert download.value.path().read_text().startswith("Strategy,Verdict on crime,Verdict on collective efficacy")
    expect(page.get_by_role("heading", name="How sure across plausible settings?")).to_be_visible()
    expect(page.get_by_role("heading", name="Where did the prevented crimes go?")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Moved to the ring"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Routes (CSV)").click()
    assert download.value.path().read_text().startswith("Strategy,Route,What it means")


def test_controls_are_labelled(viz_server: Server, page: Page) -> None:
    open_trainer(page, viz_server)
    for url in (viz_server.url, viz_server.url + "explorer"):
        page.goto(url)
        page.locator("button").first.wait_for(timeout=30_000)
        time.sleep(1)
        unnamed = page.evaluate("""() => Array.from(document.querySelectorAll(
                '[role=slider], button, input, canvas[role=img], img'))
            .filter((e) => e.offsetParent !== null)
            .filter((e) => !(e.getAttribute('aria-label') || e.getAttribute('alt') || e.innerText.trim() ||
                             (e.labels && e.labels.length && e.labels[0].innerText.trim()) ||
                             (e.id && document.querySelector(`label[for="${e.id}"]`))))
            .map((e) => e.outerHTML.slice(0, 120))""")
        assert not unnamed, unnamed
