"""Trainer demo: a neighbourhood's social network, organising and crime, step by step (Mesa SolaraViz).

Residents are drawn at their household positions (street segments; neighbourhoods are blocks),
so nothing is re-laid out between frames. Colours show the participation ladder, blue lines
are ties the organisers brokered, crosses and rings are today's crimes (completed, foiled).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from simulation.model import CommunityModel
from simulation.network import edge_keys
from simulation.output import area_series
from simulation.params import ParameterError, Params
from simulation.scenarios import load_scenario
from simulation.state import Stage
from viz.controls import SEED_MAX, check_overrides, check_whole, solara_input, trainer_controls

DEMO_SCENARIO = "listening_led"
DEMO_RESIDENTS = 1000
DEMO_SEED = 42
STAGE_COLOURS = {Stage.PASSIVE: "#c9c9c9", Stage.LISTENED: "#E69F00", Stage.CONNECTED: "#56B4E9",
                 Stage.ACTIVE: "#009E73", Stage.LEADER: "#CC79A7"}
"""Okabe-Ito colours (colour-blind safe) per participation stage."""
STAGE_WORDS = {Stage.PASSIVE: "not yet reached", Stage.LISTENED: "listened to", Stage.CONNECTED: "connected",
               Stage.ACTIVE: "in an action group", Stage.LEADER: "group leader"}
NEW_TIE_COLOUR = "#0072B2"
COMPLETED_COLOUR, FOILED_COLOUR = "#D55E00", "#009E73"
RECENT_DAYS = 30
DPI = 80


def demo_params() -> Params:
    """The demo's starting point: the listening-led scenario on a 1,000-household area."""
    return load_scenario(DEMO_SCENARIO).params.replace(n_residents=DEMO_RESIDENTS)


def trainer_model_params() -> dict[str, Any]:
    """SolaraViz ``model_params``: a seed box plus one input per trainer control."""
    inputs = {c.name: solara_input(c) for c in trainer_controls(demo_params())}
    return {"rng": {"type": "InputText", "value": str(DEMO_SEED), "label": "Random seed"}, **inputs}


class TrainerModel(CommunityModel):
    """:class:`CommunityModel` built from browser inputs; bad input gives a message, not a crash.

    Invalid inputs (a seed that is not a whole number, a value outside a slider's range)
    leave the demo defaults in place and set :attr:`input_error` for the page to show.
    ``scenario`` is the (empty) Mesa scenario object SolaraViz passes on Reset; it is ignored.
    """

    def __init__(self, rng: Any = DEMO_SEED, scenario: Any = None, **overrides: Any) -> None:
        self.input_error: str | None = None
        try:
            seed = check_whole("seed", rng, 0, SEED_MAX)
            super().__init__(demo_params(), rng=seed, **check_overrides(overrides))
        except ParameterError as err:
            self.input_error = f"{err}. Showing the default demo instead."
            super().__init__(demo_params(), rng=DEMO_SEED)
        u, v = self.network.edges()
        self.initial_ties = edge_keys(u, v, self.network.n)
        xy = self.place.resident_xy
        self.initial_segments = np.stack([xy[u], xy[v]], axis=1)

    def new_ties(self) -> tuple[np.ndarray, np.ndarray]:
        """Ties added since the start (brokered by organisers or made at meetings), as (u, v)."""
        u, v = self.network.edges()
        new = ~np.isin(edge_keys(u, v, self.network.n), self.initial_ties, assume_unique=True)
        return u[new], v[new]

    def recent_crimes(self, days: int) -> pd.DataFrame:
        """Crime log rows of the last ``days`` days (today included)."""
        return self.crime_log(since=self.day - days + 1)

def draw_map(model: TrainerModel) -> Figure:
    """The neighbourhood map: ties, residents by stage, organisers, hardened homes, recent crime."""
    r, xy = model.residents, model.place.resident_xy
    fig = Figure(figsize=(7.2, 6.6), dpi=DPI)
    ax = fig.add_axes((0.01, 0.13, 0.98, 0.82))
    ax.add_collection(LineCollection(model.initial_segments, colors="#9a9a9a", linewidths=0.3, alpha=0.25))
    u, v = model.new_ties()
    ax.add_collection(LineCollection(np.stack([xy[u], xy[v]], axis=1), colors=NEW_TIE_COLOUR, linewidths=1.1,
                                     alpha=0.8, label=f"new ties ({len(u)})"))
    colours = np.array([STAGE_COLOURS[s] for s in Stage])[r.stage]
    sizes = np.where(r.stage >= Stage.ACTIVE, 22.0, 9.0) * np.where(r.stage == Stage.LEADER, 2.0, 1.0)
    ax.scatter(xy[:, 0], xy[:, 1], c=colours, s=sizes, linewidths=0, zorder=3)
    hardened = np.flatnonzero(r.hardened)
    ax.scatter(xy[hardened, 0], xy[hardened, 1], s=30, marker="s", facecolors="none", edgecolors="#444444",
               linewidths=0.7, zorder=4, label=f"hardened homes ({len(hardened)})")
    _draw_neighbourhoods(ax, model)
    _draw_crimes(ax, model)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Day {model.day}: {model.params.organising} organising, "
                 f"{model.params.n_organisers} organisers", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.01), ncol=3, fontsize=8, frameon=False)
    return fig


def _draw_neighbourhoods(ax: Any, model: TrainerModel) -> None:
    """Neighbourhood labels at their centres and organisers (stars) beside them."""
    place = model.place
    centres = np.array([place.resident_xy[place.resident_nbhd == k].mean(axis=0) for k in range(place.n_nbhd)])
    for k, (x, y) in enumerate(centres):
        ax.text(x, y, f"N{k + 1}", fontsize=16, color="#00000030", ha="center", va="center", zorder=2,
                fontweight="bold")
    nbhd = model.organisers.nbhd
    if len(nbhd):
        slot = np.array([np.sum(nbhd[:i] == k) for i, k in enumerate(nbhd)])
        spot = centres[nbhd] + np.column_stack([0.06 * (slot + 1), 0.06 * np.ones(len(nbhd))])
        ax.scatter(spot[:, 0], spot[:, 1], marker="*", s=260, c="black", edgecolors="white", zorder=6,
                   label=f"organisers ({len(nbhd)})")


def _draw_crimes(ax: Any, model: TrainerModel) -> None:
    """Today's crimes large (cross = completed, ring = foiled); the last 30 days faint."""
    today = model.day
    crimes = model.recent_crimes(RECENT_DAYS)
    xy = model.place.resident_xy
    done = crimes["outcome"].to_numpy() == "completed"
    now = crimes["step"].to_numpy() == today
    victims = crimes["victim"].to_numpy(dtype=np.int64)
    for mask, colour, marker, label in ((done, COMPLETED_COLOUR, "X", "completed"),
                                        (~done, FOILED_COLOUR, "o", "foiled")):
        past, current = victims[mask & ~now], victims[mask & now]
        ax.scatter(xy[past, 0], xy[past, 1], marker=marker, s=28, c=colour, alpha=0.35, linewidths=0, zorder=5)
        ax.scatter(xy[current, 0], xy[current, 1], marker=marker, s=320, zorder=7, linewidths=2.5,
                   facecolors="none" if marker == "o" else colour, edgecolors=colour,
                   label=f"{label} today ({len(current)})")


def status(model: TrainerModel) -> dict[str, int]:
    """The headline numbers of the demo so far."""
    r = model.residents
    crimes = model.crime_log()
    done = int((crimes["outcome"] == "completed").sum())
    return {"day": model.day, "listened": int((r.stage >= Stage.LISTENED).sum()),
            "connected": int((r.stage >= Stage.CONNECTED).sum()), "active": int((r.stage >= Stage.ACTIVE).sum()),
            "new_ties": len(model.new_ties()[0]), "completed": done, "foiled": len(crimes) - done,
            "hardened": int(r.hardened.sum())}


def draw_trends(model: TrainerModel) -> Figure:
    """Collective efficacy, cumulative crime and interventions, and residents by stage over time."""
    area = area_series(model.results())
    fig = Figure(figsize=(6.4, 6.6), dpi=DPI)
    ce, crime, stages = fig.subplots(3, 1, sharex=True, gridspec_kw={"hspace": 0.3})
    fig.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.08)
    ce.plot(area["step"], area["collective_efficacy"], color="#0072B2")
    ce.set_title("Collective efficacy (survey, 1-5)", fontsize=10)
    for col, colour, label in (("completed", COMPLETED_COLOUR, "crimes completed"),
                               ("foiled", FOILED_COLOUR, "crimes foiled"),
                               ("interventions", "#000000", "of which neighbours intervened")):
        crime.plot(area["step"], area[col].cumsum(), color=colour, label=label)
    crime.set_title("Crime so far", fontsize=10)
    crime.legend(fontsize=8, frameon=False, loc="upper left")
    ladder = [s for s in Stage if s != Stage.PASSIVE]
    stages.stackplot(area["step"], *[area[f"stage_{s.name.lower()}"] for s in ladder],
                     colors=[STAGE_COLOURS[s] for s in ladder], labels=[STAGE_WORDS[s] for s in ladder])
    stages.set_title("Residents on the participation ladder", fontsize=10)
    stages.legend(fontsize=8, frameon=False, loc="upper left")
    stages.set_xlabel("day")
    return fig


def figure_png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


@solara.component
def NeighbourhoodMap(model: TrainerModel) -> None:
    """The map, redrawn after every step."""
    counter = update_counter.get()
    solara.Image(solara.use_memo(lambda: figure_png(draw_map(model)), [model, counter]))


@solara.component
def Trends(model: TrainerModel) -> None:
    """Live plots, redrawn after every step."""
    counter = update_counter.get()
    solara.Image(solara.use_memo(lambda: figure_png(draw_trends(model)), [model, counter]))


LEGEND = """
**What you see.** Each dot is a household, placed on its street; the grey letters N1, N2 ... mark
neighbourhoods. Grey lines are the ties neighbours already had.
Dots turn <span style="color:#E69F00">**orange**</span> when an organiser has *listened* to that resident,
<span style="color:#56B4E9">**light blue**</span> once they are *connected* to others who share their concern
(the new <span style="color:#0072B2">**dark blue lines**</span>), <span style="color:#009E73">**green**</span>
when they join a resident-led action group and <span style="color:#CC79A7">**pink**</span> if they lead one.
Black stars are the organisers. Squares are target-hardened homes.
A big <span style="color:#D55E00">**cross**</span> is a crime completed today, a big
<span style="color:#009E73">**ring**</span> one foiled (by someone at home, hardening or a neighbour stepping in);
small faint marks are the last 30 days.
**Step** advances one day, **▶** plays, **Reset** rebuilds the neighbourhood with the sliders' values.
"""


@solara.component
def Legend(model: TrainerModel) -> None:
    """Plain-language key, the headline numbers and any input error."""
    update_counter.get()
    if model.input_error:
        solara.Error(model.input_error)
    s = status(model)
    solara.Markdown(
        f"**Day {s['day']}**: {s['listened']} listened to, {s['connected']} connected, "
        f"{s['active']} in action groups, {s['new_ties']} new ties, {s['hardened']} homes hardened; "
        f"crimes so far: {s['completed']} completed, {s['foiled']} foiled.")
    settings = ", ".join(f"{c.label} = {getattr(model.params, c.name):,.4g}" if c.choices is None else
                         f"{c.label} = {getattr(model.params, c.name)}" for c in trainer_controls(model.params))
    solara.Markdown(f"*Settings (seed {model.seed}):* {settings}.")
    solara.Markdown(LEGEND)


@solara.component
def TrainerPage() -> None:
    """The trainer demo; every browser session builds its own model."""
    model = solara.use_memo(TrainerModel, [])
    SolaraViz(model, components=[(NeighbourhoodMap, 0), (Trends, 0), (Legend, 0)],
              model_params=trainer_model_params(), name="Safer streets: organising demo", play_interval=150)
