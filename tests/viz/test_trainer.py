"""Trainer page, rendered headless in a Solara session: toolbar, checked settings, state across tab switches."""

from __future__ import annotations

import json

import ipyvuetify as v
import pytest
import solara
from conftest import texts, wait_until

from simulation.params import ParameterError
from viz import sessions, trainer
from viz.trainer import DEMO_SEED, TrainerPage, demo_params, settings_from


def state():
    return trainer.demo_state.value


def day() -> int:
    return -1 if state().frame is None else state().frame.day


def button(rc, label: str):
    return rc.find(v.Btn, attributes={"aria-label": label}).widget


def slider(rc, label: str):
    return rc.find(v.Slider, label=label).widget


@solara.component
def Tabs(page: solara.Reactive[str]) -> None:
    """The trainer page or another page, like the header tabs."""
    if page.value == "trainer":
        TrainerPage()
    else:
        solara.Text("explorer")


def test_page_steps_plays_and_shows_the_day(kernel) -> None:
    _, rc = solara.render(TrainerPage(), handle_error=False)
    wait_until(lambda: day() == 0)
    assert state().settings.params == demo_params() and state().settings.seed == DEMO_SEED
    button(rc, "Step one day").click()
    wait_until(lambda: day() == 1)
    wait_until(lambda: "Day 1" in texts(rc))
    button(rc, "Play").click()
    wait_until(lambda: day() >= 4 and state().playing)
    button(rc, "Pause").click()
    wait_until(lambda: not state().playing)
    views = [w for w in rc.find(v.VuetifyTemplate).widgets if getattr(w, "frame", None)]
    assert len(views) == 2                                  # the map and the charts, drawn by the browser
    assert all(json.loads(w.frame)["day"] == day() for w in views)
    assert json.loads(views[0].scene)["bbox"]


def test_settings_are_checked_on_the_server(kernel) -> None:
    _, rc = solara.render(TrainerPage(), handle_error=False)
    wait_until(lambda: day() == 0)
    join = slider(rc, "Daily chance of joining a group")
    for forged in ("abc%", 2.0, None, [1]):
        join.v_model = forged                              # what a forged websocket message does
        assert "p_join=" in trainer.form_error.value
        assert trainer.draft.value["p_join"] == demo_params().p_join
    join.v_model = 0.01
    assert trainer.form_error.value == "" and trainer.draft.value["p_join"] == 0.01
    wait_until(lambda: "Press Reset" in texts(rc))
    organising = rc.find(v.Select, label="Organising strategy").widget
    organising.v_model = "bogus"
    assert "organising='bogus'" in trainer.form_error.value
    seed = rc.find(v.TextField, label="Random seed (whole number)").widget
    seed.v_model = "1e3"
    button(rc, "Reset with the settings").click()
    assert "seed='1e3'" in trainer.form_error.value and "keeps its current settings" in trainer.form_error.value
    assert trainer.draft.value["p_join"] == 0.01                    # nothing typed so far is lost
    seed.v_model = "7"
    button(rc, "Reset with the settings").click()
    wait_until(lambda: state().settings.seed == 7 and day() == 0 and not state().busy)
    assert state().settings.params.p_join == 0.01


def test_settings_from_rejects_unknown_names() -> None:
    with pytest.raises(ParameterError, match="unknown setting 'n_resident'"):
        settings_from({"n_resident": 5}, "1")


def test_state_survives_a_tab_switch(kernel) -> None:
    page = solara.reactive("trainer")
    _, rc = solara.render(Tabs(page), handle_error=False)
    wait_until(lambda: day() == 0)
    for _ in range(3):
        button(rc, "Step one day").click()
    wait_until(lambda: day() == 3)
    page.set("explorer")
    page.set("trainer")
    wait_until(lambda: "Day 3" in texts(rc))
    assert day() == 3


def test_closing_the_session_stops_the_demo(kernel) -> None:
    _, rc = solara.render(TrainerPage(), handle_error=False)
    wait_until(lambda: day() == 0)
    session = sessions.current()
    driver = session.parts["demo"]
    button(rc, "Play").click()
    wait_until(lambda: day() >= 2)
    session.close()
    driver.join(5)
    stopped = day()
    wait_until(lambda: not driver._thread.is_alive())
    assert day() == stopped and session.id not in sessions._SESSIONS


def test_a_full_server_says_so(kernel, monkeypatch) -> None:
    monkeypatch.setattr(sessions, "MAX_SESSIONS", 0)
    _, rc = solara.render(TrainerPage(), handle_error=False)
    wait_until(lambda: "The server is busy" in texts(rc))
