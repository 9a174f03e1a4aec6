"""What the trainer demo draws, as plain data: built in a worker process, drawn by the browser.

A :class:`DemoRun` wraps one model. :meth:`DemoRun.layout` is sent to the browser once per
model (household positions, the ties neighbours already had, neighbourhood borders), and
:meth:`DemoRun.frame` after every step (stages, hardened homes, new ties, recent crime,
chart series with fixed axis ranges). The browser's canvas keeps the static layer and
redraws only the frame, so a frame costs the server a few milliseconds.

Encodings are colour-blind safe (Okabe-Ito) and redundant: every stage and crime outcome
has its own shape as well as its own colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.model import CommunityModel
from simulation.params import Params
from simulation.state import Stage
from viz import model_view

RECENT_DAYS = 30
"""Crimes of the last 30 days are drawn faintly; today's large."""
YEAR = 365

STAGE_STYLE: dict[Stage, dict[str, Any]] = {
    Stage.PASSIVE: {"colour": "#8A8A8A", "shape": "dot", "size": 4, "label": "not yet reached"},
    Stage.LISTENED: {"colour": "#E69F00", "shape": "circle", "size": 7, "label": "listened to"},
    Stage.CONNECTED: {"colour": "#56B4E9", "shape": "diamond", "size": 9, "label": "connected to neighbours"},
    Stage.ACTIVE: {"colour": "#009E73", "shape": "triangle", "size": 10, "label": "in an action group"},
    Stage.LEADER: {"colour": "#CC79A7", "shape": "triangle-outlined", "size": 13, "label": "leads an action group"},
}
"""Household marker per participation stage (Okabe-Ito colours; shape differs as well)."""
MARKS: dict[str, dict[str, Any]] = {
    "organiser": {"colour": "#000000", "shape": "star", "size": 14, "label": "organiser"},
    "hardened": {"colour": "#444444", "shape": "square-outline", "size": 10, "label": "target-hardened home"},
    "new_tie": {"colour": "#0072B2", "shape": "line", "size": 10, "label": "new tie (organising)"},
    "old_tie": {"colour": "#BDBDBD", "shape": "thin-line", "size": 10, "label": "tie neighbours already had"},
    "completed": {"colour": "#D55E00", "shape": "cross", "size": 16, "label": "crime completed today"},
    "foiled": {"colour": "#000000", "shape": "ring", "size": 16, "label": "crime foiled today"},
}
"""Other map marks; crime marks of earlier days are drawn small and faint."""
LINE = {"completed": ("#D55E00", "solid", "crimes completed"), "foiled": ("#000000", "dash", "crimes foiled"),
        "interventions": ("#0072B2", "dot", "neighbour stepped in")}
"""Crime chart lines: colour, dash pattern and label."""


def nice_number(value: float) -> float:
    """Smallest 1, 2, 2.5 or 5 times a power of ten that is >= ``value`` (> 0)."""
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * (1 - 1e-9))


def ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values from ``lo`` to ``hi``: at most ``most`` steps, on both ends where a round step allows."""
    def whole(x: float) -> bool:
        return abs(x - round(x)) < 1e-9

    step = nice_number((hi - lo) / most)
    for _ in range(4):
        if whole((hi - lo) / step) and whole(lo / step):
            break
        step = nice_number(step * 1.01)
    else:
        step = nice_number((hi - lo) / 4)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 6) for i in range(int((hi - first) / step + 1e-9) + 1)]


CE_WINDOW = 0.05
"""Half-width of the collective-efficacy axis around its start (true CE, 0-1), and the step it widens by."""


def ce_range(values: np.ndarray, start: float) -> tuple[float, float]:
    """Fixed axis of true collective efficacy (0-1): 0.05 either side of the start, widened in 0.05 steps.

    A year of listening-led organising (about +0.02) is visible on it; it only widens, so the axis never
    jumps back.
    """
    lo = math.floor(round(min(values.min(), start - CE_WINDOW) / CE_WINDOW, 9)) * CE_WINDOW
    hi = math.ceil(round(max(values.max(), start + CE_WINDOW) / CE_WINDOW, 9)) * CE_WINDOW
    return max(0.0, round(lo, 2)), min(1.0, round(hi, 2))


def horizon(day: int) -> int:
    """Days shown on the x axis: whole years, at least one."""
    return YEAR * max(1, math.ceil(day / YEAR))


def expected_attempts(params: Params, days: int) -> float:
    """Crime attempts expected in ``days`` days without any prevention (offenders x daily chance)."""
    return params.offenders_per_1000 * params.n_residents / 1000 * params.p_attempt * days


@dataclass
class DemoRun:
    """One demo model and what the browser has been told about it."""

    model: CommunityModel
    initial_pairs: np.ndarray = field(init=False)
    initial_ties: np.ndarray = field(init=False)
    area: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        u, v = model_view.ties(self.model)
        self.initial_pairs = np.column_stack([u, v])
        self.initial_ties = np.sort(model_view.tie_keys(u, v, self.model))
        self.area = model_view.daily_area(self.model)

    def step(self, days: int) -> None:
        """Advance ``days`` days and extend the area series."""
        self.model.run_for(days)
        new = model_view.daily_area(self.model, since=len(self.area))
        self.area = pd.concat([self.area, new], ignore_index=True)

    # ------------------------------------------------------------ static layer
    def layout(self) -> dict[str, Any]:
        """Positions, initial ties, borders, labels and marker styles (sent once per model)."""
        place = self.model.place
        xy = place.resident_xy
        half = place.segment_length_km / 2
        lo, hi = place.segment_xy.min(axis=0) - half, place.segment_xy.max(axis=0) + half
        centres = [xy[place.resident_nbhd == k].mean(axis=0) for k in range(place.n_nbhd)]
        return {
            "bbox": [round(float(c), 4) for c in (*lo, *hi)],
            "xy": np.round(xy, 4).ravel().tolist(),
            "ties": self.initial_pairs.ravel().tolist(),
            "borders": np.round(borders(place.segment_xy, place.segment_nbhd, place.segment_length_km), 4)
            .ravel().tolist(),
            "labels": [[round(float(x), 4), round(float(y), 4), f"N{k + 1}"] for k, (x, y) in enumerate(centres)],
            "organisers": organiser_spots(xy, place.resident_nbhd, model_view.organiser_neighbourhoods(self.model),
                                          place.segment_length_km),
            "scale_km": place.segment_length_km,
            "styles": [STAGE_STYLE[s] for s in Stage],
            "marks": MARKS,
        }

    # ------------------------------------------------------------ one frame
    def frame(self) -> dict[str, Any]:
        """The state of today, for the map and the charts."""
        model = self.model
        stage = model_view.stages(model)
        u, v = model_view.ties(model)
        new = ~np.isin(model_view.tie_keys(u, v, model), self.initial_ties, assume_unique=False)
        crimes = model_view.recent_crimes(model, RECENT_DAYS)
        done = (crimes["outcome"] == "completed").to_numpy()
        hardened = model_view.hardened(model)
        counts = {f"stage{int(s)}": int((stage == s).sum()) for s in Stage}
        today = (crimes["step"] == model.day).to_numpy()
        counts.update(new_tie=int(new.sum()), hardened=len(hardened), organiser=model.params.n_organisers,
                      completed=int((done & today).sum()), foiled=int((~done & today).sum()))
        status = self.status(stage, int(new.sum()), len(hardened))
        return {
            "day": model.day,
            "stage": (stage.astype(np.uint8) + ord("0")).tobytes().decode("ascii"),
            "hardened": hardened.tolist(),
            "new_ties": np.column_stack([u[new], v[new]]).ravel().tolist(),
            "crimes": np.column_stack([crimes["victim"].to_numpy(dtype=np.int64), done,
                                       model.day - crimes["step"].to_numpy(dtype=np.int64)]).tolist(),
            "counts": counts,
            "status": status,
            "alt": map_description(status),
            "charts": self.charts(),
        }

    def status(self, stage: np.ndarray, new_ties: int, hardened: int) -> dict[str, int]:
        """Headline numbers so far."""
        a = self.area
        return {"day": self.model.day, "households": len(stage),
                "listened": int((stage >= Stage.LISTENED).sum()), "connected": int((stage >= Stage.CONNECTED).sum()),
                "active": int((stage >= Stage.ACTIVE).sum()), "new_ties": new_ties, "hardened": hardened,
                "completed": int(a["completed"].sum()), "foiled": int(a["foiled"].sum()),
                "interventions": int(a["interventions"].sum())}

    def charts(self) -> list[dict[str, Any]]:
        """Three panels with fixed axes: collective efficacy, crime so far, households per stage."""
        a, p = self.area, self.model.params
        days = horizon(self.model.day)
        x = {"x": [0, days], "xticks": ticks(0, days)}
        ce = a["collective_efficacy"].to_numpy()
        lo, hi = ce_range(ce, float(ce[0]))
        cumulative = {col: a[col].cumsum().to_numpy() for col in LINE}
        crime_top = nice_number(max(1.0, expected_attempts(p, days), *(c[-1] for c in cumulative.values())))
        ladder = [s for s in Stage if s != Stage.PASSIVE]
        shares = {s: 100 * a[f"stage_{s.name.lower()}"].to_numpy() / p.n_residents for s in ladder}
        share_top = nice_number(max(10.0, sum(shares.values()).max()))
        return [
            {"title": "Collective efficacy (true: trust and willingness to intervene, 0-1)", "digits": 3, **x,
             "y": [lo, hi],
             "yticks": ticks(lo, hi),
             "reference": {"y": round(float(ce[0]), 3), "label": "day 0"},
             "series": [{"label": "collective efficacy", "colour": "#0072B2", "dash": "solid", "kind": "line",
                         "values": np.round(ce, 3).tolist()}]},
            {"title": "Crimes so far", "digits": 0, **x, "y": [0, crime_top], "yticks": ticks(0, crime_top),
             "series": [{"label": label, "colour": colour, "dash": dash, "kind": "line",
                         "values": cumulative[col].astype(int).tolist()}
                        for col, (colour, dash, label) in LINE.items()]},
            {"title": "Households on the participation ladder (%)", "digits": 0, **x,
             "y": [0, share_top], "yticks": ticks(0, share_top),
             "series": [{"label": STAGE_STYLE[s]["label"], "colour": STAGE_STYLE[s]["colour"],
                         "pattern": STAGE_STYLE[s]["shape"], "kind": "stack",
                         "values": np.round(shares[s], 2).tolist()} for s in ladder]},
        ]


def borders(segment_xy: np.ndarray, segment_nbhd: np.ndarray, length: float) -> np.ndarray:
    """Line segments (x0, y0, x1, y1) between street blocks of different neighbourhoods and around the area."""
    cells = np.rint(segment_xy / length).astype(int)
    width, height = cells.max(axis=0) + 1
    grid = np.full((height + 2, width + 2), -1)
    grid[cells[:, 1] + 1, cells[:, 0] + 1] = segment_nbhd
    r, c = np.nonzero(grid[:, 1:] != grid[:, :-1])      # between padded cells (r, c) and (r, c + 1)
    x = (c - 0.5) * length
    vertical = np.column_stack([x, (r - 1.5) * length, x, (r - 0.5) * length])
    r, c = np.nonzero(grid[1:, :] != grid[:-1, :])                 # between (r, c) and (r + 1, c)
    y = (r - 0.5) * length
    horizontal = np.column_stack([(c - 1.5) * length, y, (c - 0.5) * length, y])
    return np.concatenate([vertical, horizontal]).astype(float)


def organiser_spots(xy: np.ndarray, nbhd: np.ndarray, organiser_nbhd: np.ndarray, length: float
                    ) -> list[list[float]]:
    """A place for each organiser's star: in a row just below its neighbourhood's label, inside the neighbourhood."""
    spots = []
    for k in range(int(nbhd.max()) + 1):
        mine, homes = np.flatnonzero(organiser_nbhd == k), xy[nbhd == k]
        centre = homes.mean(axis=0)
        lo, hi = homes.min(axis=0), homes.max(axis=0)
        offsets = (np.arange(len(mine)) - (len(mine) - 1) / 2) * 0.9 * length
        y = max(lo[1], centre[1] - 0.9 * length)
        spots += [[round(float(np.clip(centre[0] + dx, lo[0], hi[0])), 4), round(float(y), 4)] for dx in offsets]
    return spots


def map_description(status: dict[str, int]) -> str:
    """Alternative text of the map."""
    s = status
    return (f"Map of {s['households']:,} households on day {s['day']}: {s['listened']:,} listened to, "
            f"{s['connected']:,} connected, {s['active']:,} in action groups, {s['new_ties']:,} new ties, "
            f"{s['hardened']:,} homes hardened; {s['completed']:,} crimes completed and {s['foiled']:,} foiled so far.")
