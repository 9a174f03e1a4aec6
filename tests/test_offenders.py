"""Offender decisions: awareness space, logit choice with an outside option, outcomes, memory, the open area."""

import numpy as np
import pandas as pd
import pytest

from agents.guardians import (acting_probability, intervention_probability, monitoring_probability,
                              noticed_probability, perceived_guardianship)
from agents.memory import OffenderMemory
from agents.offenders import (COMPLETED, HARDENING, INTERVENTION, NO_ENTRY, OCCUPANCY, choose, exponential, gumbel,
                              resolve, standard_normal)
from simulation import CommunityModel
from simulation.counts import Grouping
from simulation.params import Params
from simulation.state import CRIME_NAMES, NO_PLACE

SMALL = {"n_residents": 800, "n_neighbourhoods": 2, "offenders_per_1000": 20.0}
FLOWS = ("motivated", "diverted", "declined", "no_victim", "moved_out", "moved_in")


def run(scenario="baseline", steps=120, seed=2, **overrides):
    model = CommunityModel(scenario, rng=seed, **{**SMALL, **overrides})
    model.run_for(steps)
    return model


def totals(model):
    return model.results().sum(numeric_only=True)


def test_draws_from_uniforms_have_the_right_distributions():
    u, v = np.random.default_rng(0).random((2, 200_000))
    assert exponential(u, 2.0).mean() == pytest.approx(2.0, rel=0.02)
    assert gumbel(u).mean() == pytest.approx(np.euler_gamma, abs=0.01)
    z = standard_normal(u, v)
    assert z.mean() == pytest.approx(0, abs=0.01) and z.std() == pytest.approx(1, abs=0.01)


def test_logit_choice_declines_in_proportion_to_the_outside_options_weight():
    rng = np.random.default_rng(1)
    n = 60_000
    utility = np.tile([0.0, np.log(2.0)], (n, 1))           # weights 1 and 2; outside option weight 1
    pick, declined = choose(utility, gumbel(rng.random((n, 2))), gumbel(rng.random(n)))
    assert declined.mean() == pytest.approx(1 / 4, abs=0.01)
    assert (pick[~declined] == 1).mean() == pytest.approx(2 / 3, abs=0.01)


def test_outcomes_follow_their_order_and_crime_types():
    p = Params()
    kind = np.array([CRIME_NAMES.index(k) for k in ("burglary", "burglary", "vehicle", "theft", "theft", "theft")])
    present = np.array([True, False, False, True, True, True])
    hardened = np.array([False, True, True, True, False, False])
    zeros, ones = np.zeros(6), np.ones(6)
    u = {"occupant": zeros, "harden": zeros, "entry": zeros, "intervene": zeros, "seen": zeros}
    outcome, seen = resolve(kind, present, hardened, ones, ones, u, p)
    assert list(outcome) == [OCCUPANCY, HARDENING, HARDENING, INTERVENTION, INTERVENTION, INTERVENTION]
    u = {name: np.full(6, 0.99) for name in u}
    outcome, seen = resolve(kind, present, hardened, zeros, zeros, u, p)
    assert (outcome == COMPLETED).all() and not seen.any()
    assert resolve(kind, present, hardened, zeros, ones, u, p)[1].all()
    u["entry"] = zeros
    outcome, _ = resolve(kind, present, hardened, zeros, zeros, u, p)
    assert list(outcome[:3]) == [NO_ENTRY] * 3 and (outcome[3:] == COMPLETED).all()   # theft has no door


def test_guardianship_needs_presence_and_rises_with_willingness_watching_and_ties():
    willing = np.array([0.0, 0.5, 0.5, 0.5])
    present = np.array([True, True, False, True])
    watching = np.array([False, False, False, True])
    m = monitoring_probability(0.2, willing, present, np.zeros(4), watching, 2.0)
    assert m[0] == 0 and m[2] == 0 and m[3] == 2 * m[1]
    assert noticed_probability(m, Grouping(np.array([0, 0, 1, 1]), 2)) == pytest.approx([m[1], m[3]])
    tied, untied = acting_probability(0.3, np.array([0.5]), True, 3.0), acting_probability(0.3, np.array([0.5]), False, 3.0)
    assert tied == pytest.approx(3 * untied)
    assert intervention_probability(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])) == pytest.approx(0.5)
    z = np.random.default_rng(2).normal(size=100_000)
    assert perceived_guardianship(np.full(100_000, 0.3), np.zeros(100_000), z, 0.8, 0.1).mean() == pytest.approx(
        0.3, rel=0.02)


def test_memory_learns_recalls_generalises_and_fades():
    memory = OffenderMemory.empty(2, 2)
    memory.learn(np.array([0, 1]), np.array([5, 7]), np.array([1.0, 0.0]), np.array([0.0, 0.5]))
    memory.learn(np.array([0]), np.array([5]), np.array([1.0]), np.array([0.0]))
    memory.learn(np.array([0]), np.array([9]), np.array([0.0]), np.array([0.0]))      # teaches nothing
    assert list(memory.segment[0]) == [5, -1] and memory.success[0, 0] == 2.0 and memory.risk[1, 0] == 0.5
    assert list(memory.recall(np.array([0, 1]), np.array([0.5, 0.5]))) == [5, -1]
    xy = np.zeros((10, 2))
    xy[5], xy[7] = [1.0, 1.0], [0.0, 0.0]
    points = np.array([[[1.0, 1.0], [1.3, 1.0]], [[0.0, 0.0], [2.0, 0.0]]])
    success, risk = memory.near(np.array([0, 1]), points, xy, 0.2)
    assert success[0, 0] == pytest.approx(2.0) and 0 < success[0, 1] < success[0, 0]
    assert risk[1, 0] == pytest.approx(0.5) and risk[1, 1] < 1e-6
    memory.learn(np.array([0]), np.array([3]), np.array([0.5]), np.array([0.0]))
    memory.learn(np.array([0]), np.array([4]), np.array([0.1]), np.array([0.0]))         # replaces the weakest
    assert sorted(memory.segment[0]) == [4, 5]
    memory.fade(0.5)
    assert memory.success[0].max() == pytest.approx(1.0)


def test_the_fates_of_ready_offenders_add_up_to_the_attempts_in_the_area():
    df = totals(run("combined", offenders_per_1000=30.0))
    attempts = df["motivated"] - df["diverted"] - df["declined"] - df["no_victim"] - df["moved_out"] + df["moved_in"]
    assert df["attempted"] == attempts > 20
    failed = df["failed_entry"] + df["foiled_by_occupants"] + df["foiled_by_hardening"] + df["interventions"]
    assert df["completed"] == df["attempted"] - failed


def test_offenders_cross_the_boundary_both_ways_and_ring_crime_is_recorded():
    open_, closed = totals(run()), totals(run(ring_km=0.0))
    assert open_["moved_out"] > 0 and open_["moved_in"] > 0 and open_["ring_completed"] > open_["completed"]
    assert closed[["moved_out", "moved_in", "ring_attempted", "ring_completed"]].sum() == 0


def test_guarded_looking_streets_deter_offenders():
    watch = {"offenders_per_1000": 30.0, "watch_sign_weight": 0.5, "mismatch_factor": 1.0}
    plain = totals(run("neighbourhood_watch", p_watch_join=0.0, **watch))
    feared = totals(run("neighbourhood_watch", p_watch_join=1.0, **watch))      # signs up on every street
    assert feared["declined"] / feared["motivated"] > plain["declined"] / plain["motivated"]
    assert feared["moved_out"] > plain["moved_out"] and feared["attempted"] < plain["attempted"]


def test_a_higher_value_of_not_offending_means_fewer_attempts_and_more_declines():
    keen, reluctant = totals(run(decline_utility=-3.0)), totals(run(decline_utility=2.0))
    assert reluctant["declined"] > keen["declined"] and reluctant["attempted"] < keen["attempted"]


def test_offenders_return_to_places_of_past_success():
    def repeat_share(model):
        log = model.crime_log()
        done = log[log["outcome"] == "completed"].sort_values("step")
        return done.duplicated(["offender", "segment"]).mean()
    forgetful = run(steps=365, offenders_per_1000=40.0, memory_pull=0.0, candidates_memory=0)
    foraging = run(steps=365, offenders_per_1000=40.0, memory_pull=3.0, candidates_memory=4)
    assert repeat_share(foraging) > repeat_share(forgetful)


def test_crime_concentrates_where_routine_activities_meet_targets():
    model = run(steps=365, offenders_per_1000=40.0)
    log = model.crime_log()
    theft = log[(log["crime_type"] == "theft") & (log["outcome"] == "completed")]
    kinds = model.crime_map.place_kind[: model.place.n_segments]
    at_places = (kinds[theft["segment"]] != NO_PLACE).mean()
    assert len(theft) > 30 and at_places > 2 * (kinds != NO_PLACE).mean()


def test_robbers_only_rob_people_who_are_out():
    model = run(steps=1, offenders_per_1000=100.0, p_attempt=1.0, share_burglary=0.0, share_vehicle=0.0,
                share_theft=0.0, share_robbery=1.0)
    log = model.crime_log()
    assert len(log) > 0 and model.residents.present[log["victim"]].all()


def test_burglars_mostly_avoid_homes_that_look_occupied():
    def home_share(**overrides):
        df = totals(run(steps=200, offenders_per_1000=40.0, share_burglary=1.0, share_vehicle=0.0,
                        share_theft=0.0, share_robbery=0.0, **overrides))
        return df["burglaries_someone_home"] / df["attempted_burglary"]
    assert home_share(occupancy_cue=1.0) < home_share(occupancy_cue=0.0) - 0.15


def test_completed_crimes_in_the_log_match_the_study_area_only():
    model = run()
    log = model.crime_log()
    assert (log["victim"] < model.params.n_residents).all() and (log["segment"] < model.place.n_segments).all()
    pd.testing.assert_series_equal(log.groupby("outcome").size().reindex(["completed"]),
                                   pd.Series({"completed": totals(model)["completed"]}, name=None).astype(int),
                                   check_names=False)
