"""Slider specs come from the parameter definitions, stay within bounds and show real units."""

from __future__ import annotations

import math

import pytest

from simulation.params import FIELDS, ParameterError, Params, spec
from viz.controls import (TRAINER_FIELDS, UI_CAPS, check_overrides, check_whole, control, format_value, nice_step,
                          trainer_controls)
from viz.trainer import demo_params


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
        assert (c.default - c.lo) / (c.hi - c.lo) > 0.01 or c.default == c.lo, f"{c.name} default lost at the end"


def test_non_trainer_control_defaults_to_params() -> None:
    assert control("p_notice").default == Params().p_notice
    assert control("p_notice").label == f"P notice ({spec('p_notice').unit})"


def test_ui_caps_are_inside_model_ranges_and_bound_the_size() -> None:
    for name, (lo, hi) in UI_CAPS.items():
        assert spec(name).lo <= lo < hi <= spec(name).hi, name
    assert control("n_residents").hi <= 3000 < spec("n_residents").hi


def test_values_are_shown_in_real_units() -> None:
    assert format_value("p_join", 0.006) == "0.6% a day"
    assert format_value("hardening_budget_gbp", 12_000.0) == "£12,000 a year"
    assert format_value("n_residents", 1000) == "1,000 households"
    assert format_value("cohesion_mean", 0.67) == "0.67 on 0-1"
    assert format_value("organising", "listening") == "Listening-led organising"
    assert format_value("listening_per_day", 0.63) == "0.63 conversations a day"


def test_out_of_range_forged_and_unknown_values_name_the_field() -> None:
    with pytest.raises(ParameterError, match=r"n_residents=5000: expected a whole number in \[100, 3000\]"):
        check_overrides({"n_residents": 5000})
    with pytest.raises(ParameterError, match="organising='bogus'"):
        check_overrides({"organising": "bogus"})
    for forged in ("abc%", float("nan"), float("inf"), True, None, [1], {"x": 1}):
        with pytest.raises(ParameterError, match="p_join="):
            control("p_join").check(forged)
    with pytest.raises(ParameterError, match="unknown parameter 'n_resident'"):
        control("n_resident")
    with pytest.raises(ParameterError, match="not offered"):
        control("network_file")
    assert check_overrides({"n_residents": "500", "cohesion_mean": 0.4}) == {"n_residents": 500, "cohesion_mean": 0.4}


def test_whole_numbers_are_digits_only() -> None:
    assert check_whole("seed", " 42 ", 0, 100) == 42
    assert check_whole("seed", 7, 0, 100) == 7
    for bad in ("abc", "4.5", "1e3", "-1", -1, 2001, "", True, "٣"):
        with pytest.raises(ParameterError, match="seed="):
            check_whole("seed", bad, 0, 2000)


def test_nice_step() -> None:
    assert nice_step(2900, int) == 50
    assert nice_step(1.0, float) == 0.002
    assert nice_step(0, float) == 1
    assert all(name in FIELDS for name in TRAINER_FIELDS)


def test_every_browser_cap_holds_the_models_default():
    defaults = Params()
    for name, (lo, hi) in UI_CAPS.items():
        assert lo <= getattr(defaults, name) <= hi, f"{name}: default {getattr(defaults, name)} outside [{lo}, {hi}]"
