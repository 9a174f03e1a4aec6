"""Equity: outcomes in the most and least deprived neighbourhoods as well as in total."""

import numpy as np
import pandas as pd
import pytest

from simulation import CommunityModel
from simulation.equity import by_deprivation, compare_deprivation, deprivation_groups


def frame(deprivation, completed, ce, replicate=0, scenario="a"):
    k = len(deprivation)
    rows = []
    for step in (0, 1, 2):
        rows.append(pd.DataFrame({"scenario": scenario, "replicate": replicate, "seed": replicate, "step": step,
                                  "neighbourhood": np.arange(k), "deprivation": deprivation, "residents": 100.0,
                                  "completed": completed if step else 0.0, "collective_efficacy": ce,
                                  "active": 10.0}))
    return pd.concat(rows, ignore_index=True)


def test_a_third_of_neighbourhoods_at_least_one_at_each_end():
    four = deprivation_groups(frame([0.3, 0.9, 0.1, 0.6], 0.0, 0.5))
    assert four.to_dict() == {0: "least deprived", 1: "most deprived", 2: "least deprived", 3: "most deprived"}
    nine = deprivation_groups(frame(np.linspace(0, 1, 9), 0.0, 0.5))
    assert (nine == "most deprived").sum() == 3 and (nine == "middle").sum() == 3


def test_counts_per_thousand_households_and_weighted_means_by_group():
    split = by_deprivation(frame([0.1, 0.2, 0.8, 0.9], np.array([1.0, 1.0, 3.0, 3.0]), np.array([0.6, 0.6, 0.4, 0.4])),
                           ("scenario", "replicate", "seed"), 2, ("completed", "collective_efficacy", "active"))
    value = split.set_index(["group", "outcome"])["value"]
    assert value["most deprived", "completed"] == pytest.approx(1000 * 12 / 200)     # 2 days x 3 x 2 nbhds / 200
    assert value["least deprived", "completed"] == pytest.approx(1000 * 4 / 200)
    assert value["all", "collective_efficacy"] == pytest.approx(0.5)
    assert value["most deprived", "active"] == pytest.approx(100.0)


def test_paired_differences_and_the_gap_between_the_ends():
    keys = ("scenario", "replicate", "seed")
    runs = []
    for rep in range(3):
        runs.append(by_deprivation(frame([0.1, 0.9], 1.0, np.array([0.5, 0.5]), rep, "base"), keys, 2,
                                   ("collective_efficacy",)))
        runs.append(by_deprivation(frame([0.1, 0.9], 1.0, np.array([0.7 + rep / 100, 0.55]), rep, "org"), keys, 2,
                                   ("collective_efficacy",)))
    table = compare_deprivation(pd.concat(runs), "scenario", ["base", "org"], "base").set_index(["scenario", "group"])
    assert table.loc[("org", "least deprived"), "diff"] == pytest.approx(0.21)
    assert table.loc[("org", "most deprived"), "diff"] == pytest.approx(0.05)
    assert table.loc[("org", "most deprived"), "gap"] == pytest.approx(-0.16)
    assert table.loc[("base", "all"), "diff"] == 0


def test_results_carry_each_neighbourhoods_deprivation():
    model = CommunityModel(None, rng=1, n_residents=800, n_neighbourhoods=4)
    df = model.results()
    assert np.allclose(df["deprivation"], model.place.deprivation[df["neighbourhood"]])
