"""Tests of CommunityModel: determinism, invariants, edge cases, feedback, Mesa API."""

import numpy as np
import pandas as pd
import pytest

from agents.handles import Offender, Organiser, Resident
from simulation import CommunityModel, ParameterError
from simulation.state import Stage

SMALL = {"n_residents": 800, "n_neighbourhoods": 2}


def run(scenario="baseline", steps=60, seed=1, **overrides):
    model = CommunityModel(scenario, rng=seed, **{**SMALL, **overrides})
    model.run_for(steps)
    return model


def test_same_seed_gives_identical_results():
    a, b = run("combined"), run("combined")
    pd.testing.assert_frame_equal(a.results(), b.results())
    pd.testing.assert_frame_equal(a.crime_log(), b.crime_log())


def test_different_seeds_give_different_results():
    assert not run("combined", seed=1).results().equals(run("combined", seed=2).results())


def test_string_seed_from_a_text_box_is_accepted():
    pd.testing.assert_frame_equal(run(seed="7", steps=5).results(), run(seed=7, steps=5).results())


@pytest.mark.parametrize("seed", ["abc", -1, 1.5])
def test_bad_seed_is_a_clear_error(seed):
    with pytest.raises(ParameterError, match="seed"):
        CommunityModel(rng=seed)


def test_strategies_start_from_the_same_world():
    base, listening = CommunityModel("baseline", rng=3), CommunityModel("listening_led", rng=3)
    assert np.array_equal(base.network.edges()[0], listening.network.edges()[0])
    assert np.array_equal(base.residents.trust, listening.residents.trust)
    assert np.array_equal(base.offenders.home_segment, listening.offenders.home_segment)


def test_invariants_hold_every_day():
    model = run("combined", steps=120, offenders_per_1000=20.0)
    df = model.results()
    r = model.residents
    for column in (r.trust, r.efficacy, r.fear, r.willingness):
        assert column.min() >= 0 and column.max() <= 1
    counts = [c for c in df if c.startswith(("attempted", "completed", "foiled", "stage_"))]
    counts += ["interventions", "organiser_contacts", "new_ties", "cost_gbp", "action_groups"]
    assert (df[counts] >= 0).all().all()
    stages = df[[f"stage_{s.name.lower()}" for s in Stage]].sum(axis=1)
    population = np.bincount(model.place.resident_nbhd)
    assert (stages.to_numpy() == population[df["neighbourhood"]]).all()
    assert (df["attempted"] == df["completed"] + df["foiled"]).all()
    for kind in ("burglary", "vehicle", "theft", "robbery"):
        assert (df[f"attempted_{kind}"] == df[f"completed_{kind}"] + df[f"foiled_{kind}"]).all()
    assert (df["interventions"] <= df["foiled"]).all()
    for col in ("collective_efficacy", "ce_cohesion", "ce_control"):
        assert df[col].between(0, 1).all()
    for col in ("survey_ce", "survey_cohesion", "survey_control"):
        assert df[col].dropna().between(1, 5).all() and df[col].notna().any()
    assert df["attempted"].sum() > 0, "the run should contain crime for these checks to mean anything"


def test_crime_log_matches_the_tallies():
    model = run("combined", steps=120, offenders_per_1000=20.0)
    log, df = model.crime_log(), model.results()
    assert len(log) == df["attempted"].sum()
    assert (log["outcome"] == "completed").sum() == df["completed"].sum()
    assert (log["outcome"] == "intervention").sum() == df["interventions"].sum()
    assert (log["distance_km"] >= 0).all()


def test_no_offenders_no_crime():
    df = run("combined", offenders_per_1000=0.0).results()
    assert df["attempted"].sum() == 0 and df["completed"].sum() == 0


def test_no_attempts_no_crime():
    assert run(p_attempt=0.0).results()["attempted"].sum() == 0


@pytest.mark.parametrize("overrides", [{"n_organisers": 0}, {"n_organisers": 4, "listening_per_day": 0.0}])
def test_no_organiser_capacity_no_contacts(overrides):
    df = run("listening_led", **overrides).results()
    assert df["organiser_contacts"].sum() == 0 and df["new_ties"].sum() == 0
    assert (df["stage_passive"] == df[[c for c in df if c.startswith("stage_")]].sum(axis=1)).all()


def test_baseline_has_no_organising_or_cost():
    df = run("baseline").results()
    assert df["organiser_contacts"].sum() == 0 and df["cost_gbp"].sum() == 0
    assert df["households_hardened"].sum() == 0


def test_listening_contacts_follow_capacity():
    model = run("listening_led", steps=200, n_organisers=2, listening_per_day=2.0)
    contacts = model.results()["organiser_contacts"].sum()
    assert 0.8 * 800 < contacts < 1.2 * 800          # 2 organisers x 2 a day x 200 days
    assert model.organisers.contacts.sum() == pytest.approx(contacts)


def test_listening_builds_on_existing_leaders_first():
    model = run("listening_led", steps=30, n_organisers=2, listening_per_day=1.0)
    r = model.residents
    listened = r.stage >= Stage.LISTENED
    assert listened[r.is_leader].mean() > 5 * listened[~r.is_leader].mean()


def test_hardening_spends_the_budget():
    model = run("target_hardening", steps=365)
    df = model.results()
    assert df["cost_gbp"].sum() == pytest.approx(100_000, rel=0.01)
    assert model.residents.hardened.sum() == pytest.approx(100_000 / 400, abs=1)


def test_victimisation_lowers_trust_and_raises_fear():
    model = run("baseline", steps=120, offenders_per_1000=40.0, relax_rate=0.0, peer_influence=0.0)
    r = model.residents
    victims = r.n_victimised > 0
    assert victims.sum() > 10
    assert (r.trust - r.base_trust)[victims].mean() < (r.trust - r.base_trust)[~victims].mean()
    assert (r.fear - r.base_fear)[victims].mean() > (r.fear - r.base_fear)[~victims].mean()


def test_foiled_crimes_raise_efficacy():
    common = dict(steps=120, offenders_per_1000=40.0, p_notice=0.8, relax_rate=0.0, peer_influence=0.0)
    with_gain = run("baseline", foil_efficacy_gain=0.05, **common).residents
    without = run("baseline", foil_efficacy_gain=0.0, **common).residents
    assert with_gain.efficacy.mean() > without.efficacy.mean()


def test_fear_makes_people_withdraw():
    fearful = run("baseline", steps=5, fear_mean=0.9).residents.present.mean()
    calm = run("baseline", steps=5, fear_mean=0.0).residents.present.mean()
    assert fearful < calm


def test_listening_mobilises_residents_into_groups():
    df = run("listening_led", steps=365).results()
    last = df[df["step"] == 365]
    assert (last["stage_active"] + last["stage_leader"]).sum() > 0
    assert last["action_groups"].sum() > 0 and df["new_ties"].sum() > 0


def test_results_have_one_row_per_day_and_neighbourhood():
    model = run(steps=10)
    df = model.results()
    assert len(df) == 11 * model.place.n_nbhd
    assert df["step"].min() == 0 and df["step"].max() == 10 == model.day


def test_network_measures_are_taken_on_schedule():
    df = run(steps=30, network_metrics_every=10).results()
    measured = df.dropna(subset=["clustering"])["step"].unique()
    assert list(measured) == [0, 10, 20, 30]
    assert df["largest_component_share"].dropna().between(0, 1).all()


def test_mesa_handles_read_through_to_the_arrays():
    model = run("listening_led", steps=20)
    n_off = len(model.offenders.nbhd)
    assert len(model.agents) == 800 + model.params.n_organisers + n_off
    assert len(model.agents_by_type[Resident]) == 800
    assert len(model.agents_by_type[Organiser]) == 4 and len(model.agents_by_type[Offender]) == n_off
    agent = model.resident_agents[17]
    assert agent.trust == pytest.approx(float(model.residents.trust[17]))
    assert agent.stage == Stage(model.residents.stage[17])
    model.step()
    assert agent.trust == pytest.approx(float(model.residents.trust[17]))


def test_grid_places_residents_on_their_network_nodes():
    model = run(steps=1)
    cells = list(model.grid.all_cells)
    assert len(cells) == 800
    assert model.resident_agents[5].cell is cells[5]
    degree = len(list(cells[5].neighborhood))
    assert degree == len(model.network.neighbours(5))
