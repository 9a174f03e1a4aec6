"""Organising strategies: registered by their module, each with its own parameters, stream and cost."""

import numpy as np
import pytest

from agents.organising import STRATEGIES
from simulation import CommunityModel
from simulation.params import Params, spec
from simulation.scenarios import load_scenario

SMALL = {"n_residents": 800, "n_neighbourhoods": 2}


def run(scenario, steps=120, seed=2, **overrides):
    model = CommunityModel(scenario, rng=seed, **{**SMALL, **overrides})
    model.run_for(steps)
    return model


def test_every_strategy_module_registers_a_strategy_the_organising_parameter_offers():
    assert {"listening", "broadcast", "neighbourhood_watch"} <= set(STRATEGIES)
    assert spec("organising").choices == ("none", *STRATEGIES)
    for strategy in STRATEGIES.values():
        for section in strategy.sections:
            for name, _, _ in section.fields():
                assert spec(name).section == section.title and spec(name).source


def test_neighbourhood_watch_recruits_members_who_watch_their_street():
    model = run("neighbourhood_watch")
    df = model.results()
    members = model.processes["organising"].strategy.members
    assert members.sum() > 50 and df["organiser_contacts"].sum() > 0
    assert df.groupby("step")["watching"].sum().iloc[-1] == members.sum()
    r = model.residents
    concerned = r.has_concern(0) | r.has_concern(1)
    assert members[concerned].mean() > 3 * members[~concerned].mean()   # a crime agenda recruits the worried
    assert (r.stage == 0).all()                                          # nobody was listened to or organised


def test_neighbourhood_watch_memberships_lapse():
    kept = run("neighbourhood_watch", p_watch_lapse=0.0).processes["organising"].strategy.members.sum()
    lapsing = run("neighbourhood_watch", p_watch_lapse=0.05).processes["organising"].strategy.members.sum()
    assert lapsing < 0.5 * kept


def test_neighbourhood_watch_costs_its_officers():
    df = run("neighbourhood_watch", steps=365).results()
    p = load_scenario("neighbourhood_watch").params
    assert df["cost_gbp"].sum() == pytest.approx(p.n_organisers * p.watch_cost_gbp, rel=1e-9)


def test_watching_residents_notice_more_and_deter_offenders():
    common = {"offenders_per_1000": 30.0, "steps": 200}
    watched = run("neighbourhood_watch", p_watch_join=1.0, mismatch_factor=1.0, **common).results()
    unwatched = run("neighbourhood_watch", p_watch_join=0.0, **common).results()
    noticed = lambda df: (df["interventions"].sum() + df["seen"].sum()) / df["attempted"].sum()  # noqa: E731
    assert noticed(watched) > noticed(unwatched)
    assert watched["attempted"].sum() < unwatched["attempted"].sum()     # offenders avoid watched streets


def test_no_strategy_means_no_organisers_at_work():
    df = run("baseline", n_organisers=3).results()
    assert df["organiser_contacts"].sum() == 0 and df["cost_gbp"].sum() == 0


def test_strategy_parameters_only_matter_under_their_strategy():
    base = run("listening_led", steps=60)
    other = run("listening_led", steps=60, watch_contacts_per_day=99.0, p_attend_meeting=0.9)
    assert base.results().equals(other.results())


def test_params_of_every_section_pickle_for_worker_processes():
    import pickle

    p = Params(organising="neighbourhood_watch", watch_cost_gbp=1.0)
    assert pickle.loads(pickle.dumps(p)) == p
