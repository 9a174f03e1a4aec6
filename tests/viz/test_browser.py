"""Real-browser tests (Debian chromium + Playwright) of `solara run viz/app.py`."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def _slider(page: Page, label: str):
    return page.locator(".v-input", has_text=label).locator("[role=slider]")


def test_trainer_demo_steps_plays_and_resets_with_slider_values(viz_server: str, page: Page, tmp_path) -> None:
    page.goto(viz_server)
    expect(page.get_by_text(re.compile(r"^Time: 0(\.0)?$"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Settings (seed 42)")).to_be_visible()
    expect(page.get_by_text("Households = 1,000")).to_be_visible()
    households = _slider(page, "Households")
    households.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    expect(households).to_have_attribute("aria-valuenow", "500")
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("Households = 500")).to_be_visible(timeout=10_000)
    map_image = page.locator("img").first
    before = map_image.get_attribute("src")
    for _ in range(3):
        page.get_by_role("button", name="Step").click()
    expect(page.get_by_text(re.compile(r"^Time: 3(\.0)?$"))).to_be_visible(timeout=10_000)
    expect(page.get_by_text(re.compile(r"Day 3: \d+ listened to"))).to_be_visible()
    expect(map_image).not_to_have_attribute("src", before)
    page.get_by_role("button", name="▶").click()
    expect(page.get_by_text(re.compile(r"^Time: ([6-9]|\d\d+)(\.0)?$"))).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="❚❚").click()
    listened = int(re.search(r"(\d+) listened to", page.get_by_text(re.compile(r"Day \d+:")).inner_text()).group(1))
    assert listened > 0
    page.screenshot(path=tmp_path / "trainer.png", full_page=True)


def test_trainer_bad_seed_shows_a_message(viz_server: str, page: Page) -> None:
    page.goto(viz_server)
    expect(page.get_by_text(re.compile(r"^Time: 0(\.0)?$"))).to_be_visible(timeout=30_000)
    seed = page.get_by_label("Random seed")
    message = page.get_by_text("seed='abc': expected a whole number")
    for _ in range(3):                     # under load the value can reach the server after the click
        seed.fill("abc")
        seed.press("Enter")                # sends the value; SolaraViz then redraws the box with its default
        page.get_by_role("button", name="Reset").click()
        if _appears(message):
            break
    expect(message).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Time: 0(\.0)?$"))).to_be_visible()


def test_explorer_compares_strategies_with_uncertainty(viz_server: str, page: Page, tmp_path) -> None:
    page.goto(viz_server + "explorer")
    run = page.get_by_role("button", name="Run comparison")
    expect(run).to_be_visible(timeout=30_000)
    expect(page.get_by_text("2,000 households, 365 days, 3 replicates: 9 runs")).to_be_visible()
    households = _slider(page, "Households")
    households.focus()
    page.keyboard.press("Home")
    expect(households).to_have_attribute("aria-valuenow", "100")
    horizon = _slider(page, "Horizon (days)")
    horizon.focus()
    page.keyboard.press("Home")
    expect(page.get_by_text("100 households, 90 days, 3 replicates: 9 runs")).to_be_visible()
    run.click()
    expect(page.get_by_role("cell", name="listening_led")).to_be_visible(timeout=60_000)
    expect(page.locator("img")).to_have_count(1)
    row = page.get_by_role("row", name=re.compile("listening_led"))
    expect(row).to_contain_text(re.compile(r"\(.+ to .+\)"))          # 95% interval shown
    expect(page.get_by_role("row", name=re.compile("^baseline"))).to_contain_text("–")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download table")).click()
    csv = download.value.path().read_text()
    assert csv.splitlines()[0].startswith("strategy,ce_change,ce_change_low")
    assert len(csv.splitlines()) == 4
    page.screenshot(path=tmp_path / "explorer.png", full_page=True)


def _appears(locator, timeout_ms: int = 5_000) -> bool:
    """Whether ``locator`` becomes visible within ``timeout_ms``."""
    try:
        locator.wait_for(state="visible", timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return False
    return True
