"""Organising strategies: registered by their module, each with its own parameters, stream and cost."""

import numpy as np
import pytest

from agents.organising import STRATEGIES
from agents.organising.common import stable_order
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


def test_neighbourhood_watch_costs_its_officers_for_the_funded_year():
    df = run("neighbourhood_watch", steps=500, organiser_turnover=0.0).results()
    p = load_scenario("neighbourhood_watch").params
    assert df["cost_gbp"].sum() == pytest.approx(p.n_organisers * p.watch_cost_gbp, rel=1e-9)


@pytest.mark.parametrize("scenario", ["listening_led", "broadcast", "neighbourhood_watch"])
def test_organisers_work_and_cost_only_in_the_funded_period(scenario):
    df = run(scenario, steps=200, organising_start_day=50, organising_end_day=150, organiser_turnover=0.0).results()
    daily = df.groupby("step")[["organiser_contacts", "cost_gbp", "organisers_at_work"]].sum()
    inside = (daily.index > 50) & (daily.index <= 150)
    assert (daily.loc[~inside] == 0).all().all()
    assert (daily.loc[inside, "cost_gbp"] > 0).all() and daily.loc[inside, "organiser_contacts"].sum() > 0
    p = load_scenario(scenario).params
    yearly = p.watch_cost_gbp if scenario == "neighbourhood_watch" else p.organiser_cost_gbp
    assert daily["cost_gbp"].sum() == pytest.approx(p.n_organisers * yearly * 100 / 365)


def test_neighbourhood_watch_members_keep_watching_after_the_funding_and_lapse():
    model = run("neighbourhood_watch", steps=300, organising_end_day=100)
    watching = model.results().groupby("step")["watching"].sum()
    assert watching.loc[100] > 50 and 0 < watching.iloc[-1] < watching.loc[100]


def test_organisers_leave_and_their_posts_are_filled_after_a_vacancy_with_a_ramp_up():
    model = run("listening_led", steps=365, organiser_turnover=0.9, vacancy_days=30, ramp_up_days=60)
    organisers = model.organisers
    assert (organisers.start > 0).any()                        # someone was replaced
    effort = model.results().groupby("step")["organisers_at_work"].sum()
    assert effort.min() < model.params.n_organisers and effort.iloc[1] == model.params.n_organisers
    assert ((effort % 1) > 0).any()                            # a replacement still ramping up
    steady = run("listening_led", steps=365, organiser_turnover=0.0)
    assert model.results()["cost_gbp"].sum() < steady.results()["cost_gbp"].sum()
    assert model.results()["organiser_contacts"].sum() < steady.results()["organiser_contacts"].sum()


def test_turnover_draws_leave_every_other_process_alone(monkeypatch):
    """The offending phase meets the same random numbers every day, whatever organiser turnover drew."""
    from agents.offenders import Offending

    def draws(**overrides):
        seen, original = [], Offending.draws

        def spy(self):
            seen.append(original(self))
            return seen[-1]
        monkeypatch.setattr(Offending, "draws", spy)
        model = run("broadcast", steps=90, offenders_per_1000=20.0, **overrides)
        monkeypatch.setattr(Offending, "draws", original)
        return model, seen
    plain, plain_draws = draws(organiser_turnover=0.0)
    turning, turning_draws = draws(organiser_turnover=0.9)
    assert (turning.organisers.start > 0).any() and len(plain_draws) == 90
    for a, b in zip(plain_draws, turning_draws):
        assert all(np.array_equal(a[name], b[name]) for name in a)


def test_hardening_buys_only_in_its_budget_period():
    df = run("target_hardening", steps=200, hardening_start_day=20, hardening_end_day=100).results()
    daily = df.groupby("step")[["cost_gbp", "households_hardened"]].sum()
    assert daily.loc[:20, "households_hardened"].max() == 0 and daily.loc[101:, "cost_gbp"].sum() == 0
    assert daily["households_hardened"].iloc[-1] == daily.loc[100, "households_hardened"] > 0


def test_funding_that_ends_before_it_starts_is_a_clear_error():
    from simulation.params import ParameterError

    with pytest.raises(ParameterError, match="organising_end_day"):
        Params(organising_start_day=100, organising_end_day=50)
    with pytest.raises(ParameterError, match="hardening_end_day"):
        Params(hardening_start_day=100, hardening_end_day=50)


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


def test_only_a_households_first_contacts_bring_a_gain():
    model = CommunityModel("broadcast", rng=1, **SMALL)
    strategy = model.processes["organising"].strategy
    received = np.zeros(model.residents.n, dtype=np.int64)
    received[3] = 4
    fresh = strategy.fresh(np.array([3, 5, 3, 5, 5, 5, 5, 5, 5]), received)
    assert fresh.tolist() == [True, True, False, True, True, True, True, False, False]
    assert received[3] == 6 and received[5] == 7


def test_repeated_leaflets_stop_adding_trust():
    many = run("broadcast", steps=200, broadcast_contacts_per_day=200.0, p_attend_meeting=0.0)
    capped = run("broadcast", steps=200, broadcast_contacts_per_day=200.0, p_attend_meeting=0.0,
                 contact_saturation=1000)
    gain = lambda m: (m.residents.trust - m.residents.base_trust).mean()  # noqa: E731
    assert 0 < gain(many) < gain(capped) / 3


def test_stable_order_is_numpys_stable_argsort_for_any_keys():
    rng = np.random.default_rng(6)
    for keys in (rng.integers(0, 24, 5000), rng.integers(0, 70_000, 5000), rng.integers(-3, 5, 100),
                 np.array([0, 65_535, 65_535, 3]), np.array([0.7, 0.2, 0.5, 0.2]), np.empty(0, dtype=np.int64)):
        assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))

