"""Action groups' life cycle: time, founding, campaigns won and lost, leaders burning out, folding, the alliance."""

import numpy as np
import pytest

from agents.campaigns import CAN_TARGET, TARGETS, choose_target, outcome_learning, win_probability
from agents.groups import CRIME_ISSUE, burnout_probability, first_per_key, run_starts, spare_hours
from simulation import CommunityModel
from simulation.persistence import yearly_trend
from simulation.output import area_series
from simulation.state import ISSUE_NAMES, ISSUES, Stage

SMALL = {"n_residents": 800, "n_neighbourhoods": 2}
BUSY = {**SMALL, "listening_per_day": 3.0, "campaign_days": 20.0}
WINS = {f"campaign_win_{t.name}": 1.0 for t in TARGETS}
LOSSES = {f"campaign_win_{t.name}": 0.0 for t in TARGETS}


def run(steps=150, seed=2, scenario="listening_led", **overrides):
    model = CommunityModel(scenario, rng=seed, **{**BUSY, **overrides})
    model.run_for(steps)
    return model


def test_targets_can_act_on_the_issue_and_coached_groups_pick_the_most_winnable():
    base = np.array([t.win for t in TARGETS])
    issue = np.repeat(np.arange(len(ISSUE_NAMES)), 200)
    u = np.random.default_rng(0).random(len(issue))
    random_pick = choose_target(issue, np.zeros(len(issue), dtype=bool), base, u)
    assert CAN_TARGET[issue, random_pick].all()
    for k in range(len(ISSUE_NAMES)):               # uncoached groups use every target that can act
        assert set(random_pick[issue == k]) == set(np.flatnonzero(CAN_TARGET[k]))
    coached = choose_target(issue, np.ones(len(issue), dtype=bool), base, u)
    assert (base[coached] == np.where(CAN_TARGET[issue], base, -1).max(axis=1)).all()


def test_win_chance_rises_with_members_coaching_and_alliance_and_stays_a_probability():
    def chance(size=4, coached=False, allied=False):
        return win_probability(np.array([0.4]), np.array([size]), 4, 0.3, np.array([coached]), 0.5,
                               np.array([allied]), 0.5)[0]
    assert chance() == pytest.approx(0.4)
    assert chance() < chance(size=16) and chance() < chance(coached=True) < chance(coached=True, allied=True) < 1


def test_winning_and_losing_move_efficacy_both_ways_and_never_past_the_outcome():
    efficacy = np.array([0.2, 0.5, 0.9], dtype=np.float32)
    up, down = outcome_learning(efficacy, np.ones(3, bool), 0.2), outcome_learning(efficacy, np.zeros(3, bool), 0.2)
    assert (up > 0).all() and (down < 0).all()
    assert ((efficacy + up) <= 1).all() and ((efficacy + down) >= 0).all()


def test_burnout_rises_with_the_load_and_coaching_lowers_it():
    hours = np.array([32.0, 16.0, 4.0])
    alone = burnout_probability(0.3, 16.0, hours, np.ones(3))
    assert alone[0] < alone[1] < alone[2]
    assert (burnout_probability(0.3, 16.0, hours, np.full(3, 0.5)) < alone).all()


def test_spare_time_follows_the_community_life_survey_shares():
    rng = np.random.default_rng(1)
    hours = spare_hours(rng.random(200_000) < 0.27, rng.random(200_000), 7.6)
    assert (hours > 0).mean() == pytest.approx(0.27, abs=0.01)
    assert (hours >= 4.0).mean() == pytest.approx(0.16, abs=0.01)    # volunteer at least monthly (CLS 2021/22)


def test_only_residents_with_time_join_and_the_deprived_have_less():
    model = run(steps=200, n_residents=4000, n_neighbourhoods=4)
    groups, r = model.processes["groups"], model.residents
    assert (groups.hours[r.stage >= Stage.ACTIVE] > 0).all() and (r.stage >= Stage.ACTIVE).sum() > 20
    has_time = groups.hours > 0
    ordinary = ~r.is_leader
    share = [has_time[ordinary & (model.population.nbhd == k)].mean() for k in range(4)]
    assert np.corrcoef(model.place.deprivation, share)[0, 1] < -0.8


def test_campaigns_end_in_wins_and_losses_that_go_to_requests_wins():
    model = CommunityModel("listening_led", rng=3, **BUSY)
    won = lost = 0
    for _ in range(200):
        model.step()
        df = model.results()
        today = df[df["step"] == model.day]
        assert model.requests.wins.dtype == bool and model.requests.wins.shape == (2, len(ISSUE_NAMES))
        assert model.requests.wins.sum() == today["campaigns_won"].sum()
        won, lost = won + today["campaigns_won"].sum(), lost + today["campaigns_lost"].sum()
    assert won > 3 and lost > 3


def test_groups_that_keep_losing_fold_and_are_not_refounded_at_once():
    model = run(steps=200, fold_after_losses=1, refound_days=3000, **LOSSES)
    df = model.results()
    assert df["campaigns_won"].sum() == 0 and df["groups_folded"].sum() > 0
    groups = model.processes["groups"]
    closed = groups.closed_until > model.day
    assert closed.any() and not groups.founded[closed].any()


def test_wins_raise_and_losses_lower_members_efficacy():
    won, lost = run(steps=250, **WINS), run(steps=250, **LOSSES)
    def members_gain(model):
        r = model.residents
        ever = np.isfinite(r.t_active)
        return (r.efficacy - r.base_efficacy)[ever].mean()
    assert members_gain(won) > 0.05 > -0.02 > members_gain(lost)


def test_leaders_burn_out_and_leaderless_groups_fold_without_a_successor():
    common = {"steps": 250, "leader_burnout": 0.99, "leader_hours": 60.0, "leaderless_days": 20, **WINS}
    model = run(succession_days=3650.0, **common)
    df = model.results()
    assert df["leader_burnouts"].sum() > 3 and df["groups_folded"].sum() > 0
    kept = run(succession_days=1.0, **common)
    assert kept.results()["groups_folded"].sum() < df["groups_folded"].sum()


def test_listening_brings_associations_into_an_alliance_whose_own_listening_outlives_the_funding():
    model = run(steps=400, organising_end_day=120, association_listening_per_month=8.0, alliance_lapse=0.01,
                groups_per_1000=20.0, p_alliance_join=1.0, listening_per_day=0.3)
    df = model.results()
    after = df[df["step"] > 120]
    assert df.groupby("step")["allied_associations"].sum().max() > 8
    assert after["association_conversations"].sum() > 0 and after["organiser_contacts"].sum() == 0
    lapsing = run(steps=400, organising_end_day=120, alliance_lapse=0.99, groups_per_1000=20.0)
    by_day = lapsing.results().groupby("step")["allied_associations"].sum()
    assert by_day.iloc[-1] < by_day.loc[120]


def test_broadcast_and_watch_build_no_alliance_and_coach_no_one():
    for scenario in ("broadcast", "neighbourhood_watch"):
        model = run(scenario=scenario, steps=60)
        assert model.results()["allied_associations"].sum() == 0 and model.organisers.coaching.sum() == 0


@pytest.mark.slow
def test_nothing_grows_without_bound_after_funding_stops():
    """Listening-led, funded a year and followed for two (2,000 households, 2 seeds): attitudes drift back, and
    activity, groups and the alliance stay near or below their end-of-funding level, within residents' time."""
    areas = []
    for seed in (11, 12):
        model = CommunityModel("listening_led", rng=seed)
        model.run_for(3 * 365)
        areas.append(area_series(model.results()).set_index("step"))
        assert (model.residents.stage >= Stage.ACTIVE).sum() <= (model.processes["groups"].hours > 0).sum()
    area = sum(areas) / len(areas)
    for outcome in ("efficacy", "trust", "collective_efficacy"):
        assert yearly_trend(area.reset_index(), outcome, 365) <= 0.005, outcome
        assert area.loc[365 + 180:, outcome].max() <= area.loc[365, outcome] + 0.01, outcome
    for outcome in ("active", "action_groups", "allied_associations"):
        end = area.loc[275:365, outcome].mean()
        assert area.loc[3 * 365 - 180:, outcome].mean() <= 1.3 * end, outcome


def chosen_by_full_sort(who, key_of, quota, u):
    """Up to quota[k] of ``who`` per key: the smallest draws ``u``, in order of key then draw (sorting all)."""
    key = key_of[who]
    order = np.lexsort((u, key))
    rank = np.arange(len(order)) - np.searchsorted(key[order], key[order], side="left")
    return who[order][rank < quota[key[order]]]


class Draws:
    """Stands in for a generator: hands out the given uniforms."""

    def __init__(self, u):
        self.u = u

    def random(self, size):
        assert size == len(self.u)
        return self.u


def test_first_per_key_chooses_exactly_what_sorting_every_draw_would():
    rng = np.random.default_rng(5)
    for case in range(300):
        n_keys = int(rng.integers(1, 30))
        key_of = rng.integers(0, n_keys, 4000)
        who = np.sort(rng.choice(4000, int(rng.integers(0, 4000)), replace=False))
        quota = rng.integers(0, [3, 30, 300, 4000][case % 4], n_keys)
        u = rng.random(len(who))
        assert np.array_equal(first_per_key(who, key_of, quota, Draws(u)), chosen_by_full_sort(who, key_of, quota, u))
    who, key_of, quota = np.arange(1000), np.zeros(1000, dtype=np.int64), np.array([5])
    u = np.linspace(0.9, 0.99, 1000)[::-1].copy()             # no draw below the bound: every draw is sorted
    assert np.array_equal(first_per_key(who, key_of, quota, Draws(u)), chosen_by_full_sort(who, key_of, quota, u))
    assert first_per_key(who, key_of, quota, Draws(u)).tolist() == [999, 998, 997, 996, 995]


def test_residents_tied_to_the_alliance_are_kept_up_to_date_as_associations_join_and_lapse():
    model = CommunityModel("listening_led", rng=3, n_residents=1500, groups_per_1000=20.0, p_alliance_join=1.0,
                           organising_end_day=60, alliance_lapse=0.9)
    groups, r, sizes = model.processes["groups"], model.residents, []
    for _ in range(12):
        model.run_for(15)
        allied = model.associations.allied
        sizes.append(int(allied.sum()))
        members = np.flatnonzero((r.asset_group >= 0) & allied[np.maximum(r.asset_group, 0)])
        passive = r.stage == Stage.PASSIVE
        assert np.array_equal(groups._tied_to_allied() & passive, model.network.tied_to(members) & passive)
    change = np.diff(sizes)
    assert (change > 0).any() and (change < 0).any()             # the alliance grew and shrank


def test_active_ties_per_issue_kept_up_to_date_match_a_recount_after_a_run():
    model = run(steps=120)
    r = model.residents
    members = np.flatnonzero(r.stage >= Stage.ACTIVE)
    kept = model.processes["groups"]._active_ties.relabel(np.where(r.stage >= Stage.ACTIVE, r.issue, -1))
    assert len(members) > 10 and model.network.n_edges > 0
    assert np.array_equal(kept, model.network.tie_counts(members, r.issue[members], len(ISSUES)))


@pytest.mark.parametrize("scenario", ["listening_led", "broadcast", "neighbourhood_watch", "combined"])
def test_a_neighbourhood_without_associations_still_organises(scenario):
    model = CommunityModel(scenario, rng=1, n_residents=500, groups_per_1000=0.0)
    model.run_for(90)
    assert model.associations.n == 0 and model.results()["organiser_contacts"].sum() > 0


def test_run_starts_and_the_crime_issue_look_up_agree_with_numpy():
    for keys in (np.array([], dtype=np.int64), np.array([3]), np.array([1, 1, 2, 5, 5, 5, 7])):
        assert np.array_equal(run_starts(keys), np.unique(keys, return_index=True)[1])
    issues = np.arange(-1, len(ISSUES))                           # -1: no issue
    assert CRIME_ISSUE[issues].tolist() == [False] + [issue.crime for issue in ISSUES]

