"""Persistence: outcomes at survey waves against their end-of-funding value, with paired CIs."""

import numpy as np
import pandas as pd
import pytest

from simulation.params import Params
from simulation.persistence import at_waves, compare_persistence, compare_waves, persistence, yearly_trend

KEYS = ("scenario", "replicate")


def area(scenario, replicate, active):
    steps = np.arange(0, 731)
    return pd.DataFrame({"scenario": scenario, "replicate": replicate, "step": steps,
                         "active": np.interp(steps, [0, 365, 730], active),
                         "survey_ce": np.where(np.isin(steps, [0, 365, 730]), 3.0 + replicate / 10, np.nan)})


def test_values_at_waves_and_their_ratio_to_the_end_of_funding():
    p = Params()
    waves = at_waves(area("a", 0, [0, 100, 50]), (0, 365, 730), p, KEYS)
    assert set(waves["wave"]) == {"baseline", "end of funding", "end + 1 year"}
    kept = persistence(waves, 365, KEYS).set_index("outcome")
    assert kept.loc["active", "ratio"] == 0.5 and kept.loc["active", "change"] == -50
    assert kept.loc["survey_ce", "ratio"] == 1.0


def test_paired_differences_from_the_reference_with_confidence_intervals():
    p = Params()
    waves = pd.concat([at_waves(area(s, r, [0, a + r, a / 2]), (0, 365, 730), p, KEYS)
                       for s, a in (("base", 10), ("org", 100)) for r in range(4)])
    table = compare_waves(waves, "scenario", ["base", "org"], "base")
    row = table[(table["scenario"] == "org") & (table["outcome"] == "active") & (table["day"] == 365)].iloc[0]
    assert row["diff"] == pytest.approx(90) and row["diff_ci95"] == pytest.approx(0) and row["n"] == 4
    assert (table.loc[table["scenario"] == "base", "diff"] == 0).all()
    kept = compare_persistence(pd.concat(persistence(waves[waves["scenario"] == s], 365, KEYS)
                                         for s in ("base", "org")), "scenario", ["base", "org"])
    org = kept[(kept["scenario"] == "org") & (kept["outcome"] == "active")].iloc[0]
    assert 0.45 < org["ratio"] < 0.5 and org["ratio_ci95"] > 0


def test_no_later_wave_gives_an_empty_table():
    waves = at_waves(area("a", 0, [0, 1, 1]), (0, 365), Params(), KEYS)
    assert compare_persistence(persistence(waves, 365, KEYS), "scenario", ["a"]).empty


def test_yearly_trend_is_the_slope_after_a_day():
    series = area("a", 0, [0, 100, 50])
    assert yearly_trend(series, "active", 365) == pytest.approx(-50, rel=0.01)
