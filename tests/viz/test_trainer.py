"""Trainer demo: model wrapper, drawing and headless rendering of the page."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets
import numpy as np
import solara
from mesa.visualization.utils import update_counter

from viz import trainer
from simulation.state import Stage
from viz.trainer import (COMPLETED_COLOUR, DEMO_SEED, STAGE_COLOURS, Legend, NeighbourhoodMap, TrainerModel,
                         TrainerPage, demo_params, draw_map, draw_trends, status)


def test_bad_input_gives_a_message_and_the_default_demo() -> None:
    for bad in ({"rng": "abc"}, {"n_residents": 10**6}, {"organising": "shouting"}):
        model = TrainerModel(**bad)
        assert model.input_error and "Showing the default demo" in model.input_error
        assert model.params == demo_params() and model.seed == DEMO_SEED
    model = TrainerModel(rng="7", n_residents=300, organising="broadcast")
    assert model.input_error is None
    assert (model.seed, model.params.n_residents, model.params.organising) == (7, 300, "broadcast")


def test_new_ties_come_from_organising_only() -> None:
    listening = TrainerModel(rng=1, n_residents=400)
    quiet = TrainerModel(rng=1, n_residents=400, organising="none", n_organisers=0)
    assert len(listening.new_ties()[0]) == 0
    listening.run_for(40)
    quiet.run_for(40)
    u, v_ = listening.new_ties()
    assert len(u) > 0 and listening.network.are_tied(u, v_).all()
    assert not np.isin(u * listening.network.n + v_, listening.initial_ties).any()
    assert len(quiet.new_ties()[0]) == 0
    assert status(listening)["new_ties"] == len(u)
    assert status(listening)["listened"] > 0 == status(quiet)["listened"]


def test_map_colours_residents_by_stage_and_marks_todays_crimes() -> None:
    model = TrainerModel(rng=3, n_residents=500, offenders_per_1000=20)
    while not ((log := model.crime_log()).size and (log["step"] == model.day).any()):
        model.step()
    fig = draw_map(model)
    residents = fig.axes[0].collections[2]
    assert len(residents.get_offsets()) == 500
    expected = np.array([solara_rgba(STAGE_COLOURS[Stage(s)]) for s in model.residents.stage])
    assert np.allclose(residents.get_facecolors(), expected)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    today = log[log["step"] == model.day]
    done = int((today["outcome"] == "completed").sum())
    assert f"completed today ({done})" in labels and f"foiled today ({len(today) - done})" in labels
    big = [c for c in fig.axes[0].collections[2:] if len(c.get_sizes()) and c.get_sizes()[0] == 320]
    assert [len(c.get_offsets()) for c in big] == [done, len(today) - done]
    assert np.allclose(big[0].get_edgecolors()[:1], solara_rgba(COMPLETED_COLOUR)) or done == 0


def test_trends_follow_the_results() -> None:
    model = TrainerModel(rng=2, n_residents=300)
    model.run_for(10)
    ce, crime, stages = draw_trends(model).axes
    assert len(ce.lines[0].get_xdata()) == 11
    assert crime.lines[0].get_ydata()[-1] == status(model)["completed"]


def test_map_and_plots_refresh_on_each_step() -> None:
    model = TrainerModel(rng=4, n_residents=300)
    _, rc = solara.render(NeighbourhoodMap(model=model), handle_error=False)
    before = rc.find(ipywidgets.Image).widget.value
    model.step()
    update_counter.value += 1
    assert rc.find(ipywidgets.Image).widget.value != before


def test_each_session_gets_its_own_model(monkeypatch) -> None:
    built: list[TrainerModel] = []

    class Recorded(TrainerModel):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            built.append(self)

    monkeypatch.setattr(trainer, "TrainerModel", Recorded)
    for _ in range(2):
        _, rc = solara.render(TrainerPage(), handle_error=False)
        assert len(rc.find(ipywidgets.Image)) == 2
    assert len(built) == 2 and built[0] is not built[1]


def test_legend_shows_input_errors() -> None:
    _, rc = solara.render(Legend(model=TrainerModel(rng="abc")), handle_error=False)
    rc.find(v.Alert).assert_single()
    assert "seed='abc'" in str(rc.find(v.Alert).widget.children)


def solara_rgba(hex_colour: str) -> tuple[float, ...]:
    """RGBA of a hex colour (as matplotlib stores it)."""
    from matplotlib.colors import to_rgba
    return to_rgba(hex_colour)


def test_solaraviz_reset_arguments_build_the_chosen_model() -> None:
    from mesa.visualization.solara_viz import _build_model_init_kwargs
    model = TrainerModel()
    kwargs = _build_model_init_kwargs(model, {"rng": "3", "n_residents": 400, "organising": "broadcast"},
                                      add_scenario_when_empty=True, require_model_accepts_scenario=True)
    rebuilt = type(model)(**kwargs)
    assert rebuilt.input_error is None
    assert (rebuilt.seed, rebuilt.params.n_residents, rebuilt.params.organising) == (3, 400, "broadcast")
