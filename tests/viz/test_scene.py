"""What the trainer demo sends the browser: static layout, daily frames, fixed chart axes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulation.model import CommunityModel
from simulation.state import Stage
from viz import model_view
from viz.scene import (MARKS, STAGE_STYLE, DemoRun, borders, ce_range, expected_attempts, horizon, nice_number,
                       ticks)
from viz.trainer import demo_params


@pytest.fixture(scope="module")
def run() -> DemoRun:
    demo = DemoRun(CommunityModel(demo_params().replace(n_residents=600, offenders_per_1000=20), rng=3))
    demo.step(40)
    return demo


def test_layout_holds_every_household_tie_border_and_organiser(run: DemoRun) -> None:
    layout = run.layout()
    model = run.model
    assert len(layout["xy"]) == 2 * 600
    x0, y0, x1, y1 = layout["bbox"]
    xy = np.array(layout["xy"]).reshape(-1, 2)
    assert (xy[:, 0] >= x0).all() and (xy[:, 0] <= x1).all() and (xy[:, 1] >= y0).all() and (xy[:, 1] <= y1).all()
    assert len(layout["ties"]) == 2 * len(run.initial_ties)
    assert [label for *_, label in layout["labels"]] == [f"N{k + 1}" for k in range(model.place.n_nbhd)]
    assert len(layout["organisers"]) == model.params.n_organisers
    for (x, y), k in zip(layout["organisers"], model_view.organiser_neighbourhoods(model)):
        homes = xy[model.place.resident_nbhd == k]
        assert homes[:, 0].min() <= x <= homes[:, 0].max() and homes[:, 1].min() <= y <= homes[:, 1].max()
    assert [s["label"] for s in layout["styles"]] == [STAGE_STYLE[s]["label"] for s in Stage]
    json.dumps(layout)


def test_every_stage_and_crime_outcome_has_its_own_shape() -> None:
    stage_shapes = [STAGE_STYLE[s]["shape"] for s in Stage]
    assert len(set(stage_shapes)) == len(stage_shapes)
    assert MARKS["completed"]["shape"] != MARKS["foiled"]["shape"]
    assert MARKS["foiled"]["colour"] not in {STAGE_STYLE[s]["colour"] for s in Stage}


def test_borders_separate_neighbourhoods_and_close_the_area() -> None:
    length = 0.1
    cells = np.array([[0, 0], [1, 0], [0, 1], [1, 1]]) * length
    segments = borders(cells, np.array([0, 1, 0, 1]), length)
    vertical = segments[segments[:, 0] == segments[:, 2]]
    xs = sorted(set(np.round(vertical[:, 0], 6)))
    assert xs == [-0.05, 0.05, 0.15]                       # left edge, the border between 0 and 1, right edge
    assert len(segments) == 2 * 3 + 2 * 2                  # 3 vertical lines and 2 horizontal of two cells each
    assert len(borders(cells, np.zeros(4, dtype=int), length)) == 8   # one neighbourhood: only the outline


def test_frame_matches_the_model(run: DemoRun) -> None:
    frame = run.frame()
    model = run.model
    stage = model_view.stages(model)
    assert frame["day"] == model.day == 40
    assert frame["stage"] == "".join(str(s) for s in stage)
    assert sum(frame["counts"][f"stage{int(s)}"] for s in Stage) == 600
    assert frame["hardened"] == model_view.hardened(model).tolist()
    u, v = model_view.ties(model)
    pairs = np.array(frame["new_ties"]).reshape(-1, 2)
    assert len(pairs) == frame["status"]["new_ties"] == len(u) - len(run.initial_ties) > 0
    assert not np.isin(model_view.tie_keys(pairs[:, 0], pairs[:, 1], model), run.initial_ties).any()
    log = model.crime_log()
    recent = log[log["step"] > model.day - 30]
    assert len(frame["crimes"]) == len(recent) > 0
    assert {age for *_, age in frame["crimes"]} <= set(range(30))
    assert frame["status"]["completed"] == int((log["outcome"] == "completed").sum())
    assert f"day {model.day}" in frame["alt"] and "households" in frame["alt"]
    json.dumps(frame)


def test_charts_have_fixed_meaningful_axes(run: DemoRun) -> None:
    ce, crime, ladder = run.frame()["charts"]
    assert [len(s["values"]) for p in (ce, crime, ladder) for s in p["series"]] == [41] * 8
    assert ce["x"] == crime["x"] == [0, 365]               # a year on the axis from day 0
    start = ce["reference"]["y"]
    assert ce["y"][0] <= start - 0.05 and ce["y"][1] >= start + 0.05 and ce["y"][1] - ce["y"][0] <= 0.3
    assert crime["y"][1] >= expected_attempts(run.model.params, 365)
    assert crime["series"][0]["values"][-1] == run.frame()["status"]["completed"]
    reached = sum(np.array(s["values"]) for s in ladder["series"])
    assert ladder["y"][0] == 0 and ladder["y"][1] == nice_number(max(10, reached.max()))
    assert ladder["yticks"][-1] == ladder["y"][1]
    assert {s["dash"] for s in crime["series"]} == {"solid", "dash", "dot"}    # told apart without colour


def test_axis_helpers() -> None:
    assert [nice_number(x) for x in (0.3, 1, 3, 7, 43.8, 260)] == [0.5, 1, 5, 10, 50, 500]
    assert ticks(0, 50) == [0, 10, 20, 30, 40, 50] and ticks(0, 200) == [0, 50, 100, 150, 200]
    assert ticks(0, 25) == [0, 5, 10, 15, 20, 25] and ticks(0, 365) == [0, 100, 200, 300]
    assert ticks(2.5, 3.5) == [2.5, 2.75, 3.0, 3.25, 3.5]
    assert ce_range(np.array([0.5, 0.52]), 0.51) == (0.45, 0.6)
    assert ce_range(np.array([0.5, 0.71]), 0.51) == (0.45, 0.75)       # widens in 0.05 steps, never narrows
    assert ce_range(np.array([0.99]), 0.99) == (0.9, 1.0)              # stays within 0-1
    assert horizon(0) == horizon(365) == 365 and horizon(366) == 730
