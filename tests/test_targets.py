"""The target registry: every target computes from its setting, and calibration suitability is declared."""

import dataclasses
import math

import pytest

from experiments.targets import SETTINGS, TARGETS, evaluate, simulate_setting, target, target_table
from experiments.validate import Check
from simulation.params import ParameterError

AREA = {"n_residents": 600, "n_neighbourhoods": 4}
SMALL = {"baseline_area": dataclasses.replace(SETTINGS["baseline_area"], steps=90, replicates=1, params=AREA),
         "listening_year": dataclasses.replace(SETTINGS["listening_year"], steps=90,
                                               params={"n_residents": 400, "n_neighbourhoods": 1,
                                                       "n_organisers": 1}),
         "hardening_pair": dataclasses.replace(SETTINGS["hardening_pair"], steps=120, replicates=2, params=AREA),
         "listening_followed": dataclasses.replace(SETTINGS["listening_followed"], steps=200, replicates=1,
                                                   params={**AREA, "organising_end_day": 100})}


def test_every_target_names_a_setting_a_band_and_a_source() -> None:
    for t in TARGETS.values():
        assert t.setting in SETTINGS
        assert t.band[0] < t.band[1] and t.source
        assert t.suits_calibration == (t.observed is not None)
        if t.observed is not None:
            assert t.band[0] <= t.observed <= t.band[1] and t.scale > 0
    assert set(target_table()["target"]) == set(TARGETS)


def test_every_target_is_computed_from_one_simulation_per_setting() -> None:
    checks = evaluate(list(TARGETS), {}, SMALL, {}, seed=4)
    assert set(checks) == set(TARGETS)
    assert all(isinstance(c, Check) for c in checks.values())
    assert 0 <= checks["belonging"].value <= 1 and checks["crime_rate"].value > 0
    assert 0 <= checks["icc"].value <= 1 and 0 <= checks["burglary_failed"].value <= 1
    assert checks["displacement"].pattern.startswith("displacement")
    assert "day 100" in checks["persistence_active"].detail          # funded period read from the run's params
    again = evaluate(["belonging", "crime_rate"], {}, SMALL, {}, seed=4)
    assert again["crime_rate"].value == checks["crime_rate"].value       # same seed, same value


def test_parameters_move_their_targets() -> None:
    low = evaluate(["belonging", "crime_rate"], {"cohesion_mean": 0.5, "p_attempt": 0.01}, SMALL, {}, seed=4)
    high = evaluate(["belonging", "crime_rate"], {"cohesion_mean": 0.85, "p_attempt": 0.08}, SMALL, {}, seed=4)
    assert high["belonging"].value > low["belonging"].value + 0.2
    assert high["crime_rate"].value > 2 * low["crime_rate"].value


def test_unknown_target_suggests_the_closest_name() -> None:
    with pytest.raises(ParameterError, match="Did you mean 'belonging'"):
        target("belongng")
    assert math.isinf(TARGETS["distance_decay"].band[0]) and not TARGETS["distance_decay"].suits_calibration


def test_a_paired_setting_runs_its_second_arm_on_the_same_seeds() -> None:
    setting = SMALL["hardening_pair"]
    runs = simulate_setting(setting, setting.params_for({}, {}), seed=4)
    assert [m.seed for m in runs.models] == [m.seed for m in runs.arm]
    assert all(m.params.hardening_budget_gbp == 0 for m in runs.models)
    assert all(m.params.hardening_budget_gbp == 50.0 * AREA["n_residents"] for m in runs.arm)
    assert SETTINGS["hardening_pair"].record()["arm"] == "hardened"
