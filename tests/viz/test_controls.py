"""Slider specs come from the parameter definitions and stay within bounds."""

from __future__ import annotations

import math

import pytest
from mesa.visualization.solara_viz import _check_model_params

from agents.organising import STRATEGIES
from simulation.params import FIELDS, ParameterError, Params, spec
from viz.controls import (TRAINER_FIELDS, UI_CAPS, check_overrides, check_whole, control, nice_step, solara_input,
                          trainer_controls)
from viz.trainer import TrainerModel, demo_params, trainer_model_params


def test_trainer_controls_match_the_model_definitions() -> None:
    base = demo_params()
    for c in trainer_controls(base):
        s = spec(c.name)
        assert c.default == getattr(base, c.name)
        if s.choices:
            assert c.choices == s.choices
            continue
        assert s.lo <= c.lo < c.hi <= s.hi, c.name
        assert c.lo <= c.default <= c.hi, c.name
        steps = (c.default - c.lo) / c.step
        assert math.isclose(steps, round(steps), abs_tol=1e-6), f"{c.name} default off the slider grid"


def test_non_trainer_control_defaults_to_params() -> None:
    assert control("p_notice").default == Params().p_notice
    assert control("p_notice").label == f"P notice ({spec('p_notice').unit})"


def test_ui_caps_are_inside_model_ranges_and_bound_the_size() -> None:
    for name, (lo, hi) in UI_CAPS.items():
        assert spec(name).lo <= lo < hi <= spec(name).hi, name
    assert control("n_residents").hi <= 3000 < spec("n_residents").hi


def test_solara_inputs() -> None:
    slider = solara_input(control("n_residents"))
    assert slider["type"] == "SliderInt" and slider["max"] == 3000
    assert solara_input(control("cohesion_mean"))["type"] == "SliderFloat"
    assert solara_input(control("organising")) == {"type": "Select", "value": "none",
                                                   "values": ["none", *STRATEGIES],
                                                   "label": "Organising strategy"}


def test_model_params_are_valid_for_solaraviz() -> None:
    params = trainer_model_params()
    assert set(params) == {"rng", *TRAINER_FIELDS}
    _check_model_params(TrainerModel.__init__, params)


def test_out_of_range_and_unknown_values_name_the_field() -> None:
    with pytest.raises(ParameterError, match=r"n_residents=5000: expected a whole number in \[100, 3000\]"):
        check_overrides({"n_residents": 5000})
    with pytest.raises(ParameterError, match="organising='shouting'"):
        check_overrides({"organising": "shouting"})
    with pytest.raises(ParameterError, match="unknown parameter 'n_resident'"):
        control("n_resident")
    with pytest.raises(ParameterError, match="not offered"):
        control("network_file")
    assert check_overrides({"n_residents": "500", "cohesion_mean": 0.4}) == {"n_residents": 500, "cohesion_mean": 0.4}


def test_whole_numbers() -> None:
    assert check_whole("seed", " 42 ", 0, 100) == 42
    for bad in ("abc", "4.5", -1, 101, ""):
        with pytest.raises(ParameterError, match="seed="):
            check_whole("seed", bad, 0, 100)


def test_nice_step() -> None:
    assert nice_step(2900, int) == 50
    assert nice_step(1.0, float) == 0.002
    assert nice_step(0, float) == 1
    assert all(name in FIELDS for name in TRAINER_FIELDS)
