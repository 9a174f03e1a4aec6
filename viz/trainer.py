"""Trainer demo: organising, ties and crime in a neighbourhood, day by day, in front of a room.

The model runs in a worker process (:mod:`viz.demo`); the page only holds the last published
:class:`~viz.demo.DemoState` and the browser draws it (:file:`map_view.vue`, :file:`charts_view.vue`):
the static map (households, the ties neighbours already had, neighbourhood borders) is drawn once
per model and each day redraws only what changed. Play, Step and Reset sit in a toolbar that
stays visible when the settings panel is hidden (presenting mode). Every slider value is checked
on the server against :mod:`simulation.params` before it is used.
"""

from __future__ import annotations

from typing import Any

import solara

from simulation.params import ParameterError, Params
from simulation.scenarios import load_scenario
from viz import sessions
from viz.controls import (SEED_MAX, Control, check_whole, format_value, trainer_controls)
from viz.controls import CHOICE_LABELS
from viz.demo import DemoDriver, DemoSettings, DemoState
from viz.widgets import Guarded, LabelledSlider, Prose, ServerBusy

DEMO_SCENARIO = "listening_led"
DEMO_RESIDENTS = 1000
DEMO_SEED = 42


def demo_params() -> Params:
    """The demo's starting point: the listening-led scenario on a 1,000-household area."""
    return load_scenario(DEMO_SCENARIO).params.replace(n_residents=DEMO_RESIDENTS)


def default_draft() -> dict[str, Any]:
    """Slider values of the default demo."""
    return {c.name: c.default for c in trainer_controls(demo_params())}


def settings_from(draft: dict[str, Any], seed_text: str) -> DemoSettings:
    """Validated settings from the sliders and the seed box (ParameterError naming the field)."""
    controls = {c.name: c for c in trainer_controls(demo_params())}
    unknown = set(draft) - set(controls)
    if unknown:
        raise ParameterError(f"unknown setting '{sorted(unknown)[0]}'")
    values = {name: controls[name].check(value) for name, value in draft.items()}
    seed = check_whole("seed", seed_text, 0, SEED_MAX)
    return DemoSettings(demo_params().replace(**values), seed)


demo_state = solara.reactive(DemoState())
"""What the page shows (one value per browser session, published by the session's driver)."""
applied = solara.reactive(None)
"""The settings of the running demo (changes only on Reset, so the settings panel is not redrawn every day)."""
draft = solara.reactive(default_draft())
"""Slider values not yet applied with Reset."""
seed_text = solara.reactive(str(DEMO_SEED))
form_error = solara.reactive("")
show_settings = solara.reactive(True)


def driver(session: sessions.Session) -> DemoDriver:
    """The session's demo driver, started (with the default demo) on first use."""
    def make() -> DemoDriver:
        new = DemoDriver(session.id, lambda state: session.publish(lambda: show(state)), session.connected)
        session.on_close(new.close)
        new.reset(DemoSettings(demo_params(), DEMO_SEED))
        return new
    return session.part("demo", make)


def show(state: DemoState) -> None:
    """Publish ``state`` to the page (inside the session)."""
    if state.settings != applied.value:
        applied.set(state.settings)
    demo_state.set(state)


@solara.component
def TrainerPage() -> None:
    """The trainer demo; every browser tab runs its own model (a friendly message if it fails to draw)."""
    Guarded(Trainer)


@solara.component
def Trainer() -> None:
    """Toolbar, settings and picture of this tab's demo."""
    session = sessions.current()
    if session is None:
        ServerBusy("the demo")
        return
    demo = driver(session)
    with solara.Div(classes=["ss-trainer"]):
        solara.Style(CSS)
        Toolbar(demo)
        with solara.Div(classes=["ss-body"]):
            if show_settings.value:
                with solara.Div(classes=["ss-settings"]):
                    Settings(demo)
            Picture()


@solara.component
def Toolbar(demo: DemoDriver) -> None:
    """Play/Pause, Step, Reset, the day and the settings toggle: always on screen."""
    state = demo_state.value
    day = state.frame.day if state.frame else 0
    with solara.Div(classes=["ss-toolbar"]):
        if state.playing:
            solara.Button("❚❚ Pause", on_click=demo.pause, color="primary", attributes={"aria-label": "Pause"},
                          classes=["ss-play"])
        else:
            solara.Button("▶ Play", on_click=demo.play, color="primary", attributes={"aria-label": "Play"},
                          classes=["ss-play"], disabled=state.frame is None)
        solara.Button("Step", on_click=demo.step, outlined=True, attributes={"aria-label": "Step one day"},
                      disabled=state.frame is None)
        solara.Button("Reset", on_click=lambda: apply(demo), outlined=True,
                      attributes={"aria-label": "Reset with the settings"})
        solara.HTML(tag="div", classes=["ss-day"], unsafe_innerHTML=f"Day {day}",
                    attributes={"aria-live": "polite", "role": "status"})
        solara.HTML(tag="div", classes=["ss-what"], unsafe_innerHTML=describe(state))
        solara.Button("Hide settings" if show_settings.value else "Settings", outlined=True,
                      on_click=lambda: show_settings.set(not show_settings.value),
                      attributes={"aria-label": "Hide settings" if show_settings.value else "Show settings",
                                  "aria-expanded": str(show_settings.value).lower()})


def describe(state: DemoState) -> str:
    """One line naming the running demo in plain words."""
    if state.settings is None:
        return "Building the neighbourhood..."
    p = state.settings.params
    organisers = f"{p.n_organisers} organiser{'s' if p.n_organisers != 1 else ''}"
    hardening = f", hardening £{p.hardening_budget_gbp:,.0f} a year" if p.hardening_budget_gbp else ""
    return (f"{CHOICE_LABELS[p.organising]} ({organisers}{hardening}), {p.n_residents:,} households, "
            f"seed {state.settings.seed}" + (" <i>working...</i>" if state.busy else ""))


def apply(demo: DemoDriver) -> None:
    """Reset with the sliders' values, or say which value is wrong (nothing else is lost)."""
    try:
        settings = settings_from(draft.value, seed_text.value)
    except ParameterError as err:
        form_error.set(f"{err}. The demo keeps its current settings.")
        return
    form_error.set("")
    demo.reset(settings)


def set_value(c: Control, value: Any) -> None:
    """A slider or menu moved: keep the value if it is allowed, else say why (forged values included)."""
    try:
        checked = c.check(value)
    except ParameterError as err:
        form_error.set(str(err))
        return
    form_error.set("")
    draft.set({**draft.value, c.name: checked})


@solara.component
def Settings(demo: DemoDriver) -> None:
    """The sliders (applied with Reset) and the seed."""
    values = draft.value
    solara.HTML(tag="h2", unsafe_innerHTML="Settings", classes=["ss-h2"])
    for c in trainer_controls(demo_params()):
        value = values.get(c.name, c.default)
        if c.choices:
            solara.v.Select(label=c.label, v_model=value, items=[{"text": CHOICE_LABELS.get(x, x), "value": x}
                                                                 for x in c.choices],
                            on_v_model=lambda x, c=c: set_value(c, x), dense=True, hide_details=True,
                            outlined=True, class_="ss-select")
        else:
            LabelledSlider(c.label, value, format_value(c.name, value), c.lo, c.hi, c.step,
                           on_value=lambda x, c=c: set_value(c, x))
    solara.v.TextField(label="Random seed (whole number)", v_model=seed_text.value, on_v_model=seed_text.set,
                       dense=True, hide_details=True, outlined=True, class_="ss-seed")
    if form_error.value:
        solara.Error(form_error.value)
    elif applied.value is not None and pending_changes(applied.value):
        solara.Info("Press Reset to start again with these settings.", dense=True)
    solara.Button("Reset with these settings", on_click=lambda: apply(demo), color="primary", block=True)


def pending_changes(applied: DemoSettings) -> bool:
    """Whether the sliders or seed differ from the running demo."""
    running = {name: getattr(applied.params, name) for name in draft.value}
    return running != draft.value or seed_text.value.strip() != str(applied.seed)


@solara.component_vue("map_view.vue")
def MapView(scene: str, frame: str) -> None:
    """The map: drawn in the browser (static layer once, one frame per day)."""


@solara.component_vue("charts_view.vue")
def ChartsView(frame: str) -> None:
    """Three charts with fixed axes, drawn in the browser."""


@solara.component
def Picture() -> None:
    """Map, key, charts and any message."""
    state = demo_state.value
    with solara.Div(classes=["ss-picture"]):
        if state.message:
            solara.Warning(state.message)
        if state.layout is None or state.frame is None:
            solara.Info("Building the neighbourhood...")
            return
        with solara.Div(classes=["ss-map-col"]):
            MapView(scene=state.layout, frame=state.frame.json)
        with solara.Div(classes=["ss-chart-col"]):
            ChartsView(frame=state.frame.json)
            with solara.Details("What am I looking at?"):
                Prose(LEGEND)


LEGEND = """
Each mark is a household on its street; thick lines are neighbourhood borders (N1, N2 ...) and thin grey
lines the ties neighbours already had. Organisers (stars) listen one-to-one: households they have
*listened to* become orange circles, those they *connect* to neighbours sharing a concern blue diamonds
(with a new dark-blue tie), members of a resident-led *action group* green triangles and group leaders
outlined pink triangles. Squares are target-hardened homes. A big cross is a crime completed today, a big
ring one foiled (someone at home, hardening, or a neighbour stepping in). **Step** advances one day,
**Play** runs on, **Reset** rebuilds the neighbourhood with the settings.
"""

CSS = """
.ss-trainer { box-sizing: border-box; display: flex; flex-direction: column; height: 100%; min-height: 0; }
.ss-toolbar { display: flex; align-items: center; gap: 10px; padding: 6px 12px; flex: 0 0 auto;
  border-bottom: 1px solid #ddd; flex-wrap: wrap; }
.ss-toolbar .v-btn { font-size: 17px !important; height: 40px !important; }
.ss-play { min-width: 120px !important; }
.ss-day { font-size: 26px; font-weight: bold; min-width: 5.5em; text-align: right; }
.ss-what { font-size: 15px; color: #333; flex: 1 1 200px; }
.ss-body { display: flex; gap: 12px; flex: 1 1 auto; min-height: 0; padding: 8px 12px 0 12px; }
.ss-settings { flex: 0 0 290px; overflow-y: auto; padding-right: 6px; }
.ss-settings .ss-select, .ss-settings .ss-seed { margin: 6px 0 10px 0; }
.ss-h2 { font-size: 18px; margin: 0 0 6px 0; }
.ss-picture { display: flex; gap: 12px; flex: 1 1 auto; min-width: 0; min-height: 0; }
.ss-map-col { flex: 1 1 60%; min-width: 0; min-height: 0; }
.ss-chart-col { flex: 1 1 40%; min-width: 300px; max-width: 720px; min-height: 0; display: flex;
  flex-direction: column; }
.ss-chart-col .ss-charts { flex: 1 1 auto; }
.ss-chart-col .v-expansion-panels { flex: 0 0 auto; }
"""
