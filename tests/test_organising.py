"""Organising strategies: registered by their module, each with its own parameters, stream and cost."""

import pytest

from agents.organising import STRATEGIES
from simulation import CommunityModel
from simulation.params import Params, spec

SMALL = {"n_residents": 800, "n_neighbourhoods": 2}


def run(scenario, steps=120, seed=2, **overrides):
    model = CommunityModel(scenario, rng=seed, **{**SMALL, **overrides})
    model.run_for(steps)
    return model


def test_every_strategy_module_registers_a_strategy_the_organising_parameter_offers():
    assert {"listening", "broadcast"} <= set(STRATEGIES)
    assert spec("organising").choices == ("none", *STRATEGIES)
    for strategy in STRATEGIES.values():
        for section in strategy.sections:
            for name, _, _ in section.fields():
                assert spec(name).section == section.title and spec(name).source


def test_no_strategy_means_no_organisers_at_work():
    df = run("baseline", n_organisers=3).results()
    assert df["organiser_contacts"].sum() == 0 and df["cost_gbp"].sum() == 0


def test_strategy_parameters_only_matter_under_their_strategy():
    base = run("listening_led", steps=60)
    other = run("listening_led", steps=60, broadcast_contacts_per_day=99.0, p_attend_meeting=0.9)
    assert base.results().equals(other.results())


def test_params_of_every_section_pickle_for_worker_processes():
    import pickle

    p = Params(organising="broadcast", broadcast_trust_gain=0.5)
    assert pickle.loads(pickle.dumps(p)) == p
