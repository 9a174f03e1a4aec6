"""Bounded youth provision: built and kept up by wins, decays without them, reaches only young local offenders."""

import numpy as np
import pytest

from agents.youth import diversion_probability
from simulation import CommunityModel
from simulation.state import issue_index

SMALL = {"n_residents": 800, "n_neighbourhoods": 2, "offenders_per_1000": 20.0}
YOUTH = issue_index("youth")


def model(**overrides):
    return CommunityModel("listening_led", rng=4, **{**SMALL, **overrides})


def youth_step(m, wins=()):
    """One youth-provision step (a new day) with the given neighbourhoods' youth groups winning."""
    m.today += 1
    m.requests.wins[:] = False
    for k in wins:
        m.requests.wins[k, YOUTH] = True
    m.processes["youth"].step()


def test_provision_is_built_by_wins_capped_and_decays_without_upkeep():
    m = model(youth_build=0.4, youth_upkeep_days=10.0)
    youth = m.processes["youth"]
    for _ in range(4):
        youth_step(m, wins=[0])
    assert youth.level[0] == pytest.approx(1.0) and youth.level[1] == 0.0
    for _ in range(10):
        youth_step(m)
    assert youth.level[0] == pytest.approx(0.5)


def test_only_young_offenders_living_in_the_area_are_diverted_and_no_more_than_the_cap():
    m = model(youth_reach=0.5, youth_effect=0.4, young_offender_share=0.5)
    off = m.offenders
    m.processes["youth"].level[:] = 1.0
    diverted = np.zeros(len(off.nbhd))
    days = 400
    for _ in range(days):
        m.processes["youth"].level[:] = 1.0
        youth_step(m)
        diverted += off.diverted
    local_young = off.young & (off.nbhd >= 0)
    assert diverted[~local_young].sum() == 0 and diverted[local_young].sum() > 0
    assert diverted[local_young].mean() / days == pytest.approx(0.5 * 0.4, abs=0.03)


def test_offending_recovers_when_provision_ends():
    m = model(youth_upkeep_days=5.0, youth_effect=0.5, youth_reach=1.0)
    m.processes["youth"].level[:] = 1.0
    for _ in range(100):
        youth_step(m)
    assert m.processes["youth"].level.max() < 1e-5 and not m.offenders.diverted.any()


def test_diversion_probability_scales_with_provision_and_is_zero_outside_the_area():
    young = np.array([True, True, False])
    level = np.array([1.0, 0.0, 1.0])
    assert list(diversion_probability(young, level, 0.3, 0.1)) == pytest.approx([0.03, 0.0, 0.0])


def test_youth_provision_off_diverts_nobody_and_on_it_diverts_some():
    rich = {"p_concern_youth": 0.9, "campaign_days": 8.0, "p_attempt": 0.3, "youth_reach": 1.0,
            **{f"campaign_win_{t}": 0.9 for t in ("council", "police", "housing", "school", "business")}}
    off = model(youth_effect=0.0, **rich)
    off.run_for(200)
    on = model(youth_effect=0.5, **rich)
    on.run_for(200)
    assert off.results()["diverted"].sum() == 0
    assert on.results()["diverted"].sum() > 0 and on.results()["youth_provision"].max() > 0
