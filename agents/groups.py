"""Action groups: founded on a shared issue, joined by complex contagion, campaigning, winning, losing, folding.

Rules are small pure functions (campaign rules in :mod:`agents.campaigns`);
:class:`Groups` is the mobilise phase that applies them. One action group is
possible per neighbourhood and issue. A group's life:

* **founded** where enough residents connected by an organiser share an
  issue; the founder with most time to give leads it;
* **joined** by complex contagion, within the hours residents can spare
  (most people have none for a group: Community Life Survey);
* **campaigns** against a target (:data:`agents.campaigns.TARGETS`); each
  campaign ends in a win or a loss, which moves members' efficacy towards
  what they experienced;
* **leaders burn out** faster the more the role asks beyond their spare
  hours (coaching halves it); a member steps up, or the group folds;
* **folds** after repeated defeats or when leaderless too long, and cannot
  be refounded at once.

Existing associations allied with organisers (:mod:`agents.associations`)
keep listening to their members here, anchor the groups their members are
in, and drift out of the alliance when no organiser works nearby.
"""

from __future__ import annotations

import numpy as np

from agents.associations import AssociationParams, Associations
from agents.campaigns import TargetParams, choose_target, outcome_learning, target_wins, win_probability
from agents.organising.common import daily_hazard
from agents.organising.listening import listen
from simulation.component import Component
from simulation.counts import TiesByLabel
from simulation.fields import CO_EVALUATION, Section, param
from simulation.state import CRIME_ISSUES, N_ISSUES, NO_ISSUE, Stage, issue_index

NO_TARGET = -1
CRIME_ISSUE = np.isin(np.arange(N_ISSUES + 1), CRIME_ISSUES)
"""Whether each issue is about crime, looked up by issue; the extra last entry answers for NO_ISSUE (-1)."""
CLS_VOLUNTEERING = "Community Life Survey 2021/22 (DCMS 2023)"


def social_factor(active_ties: np.ndarray, invited: np.ndarray, threshold: int,
                  lone_factor: float) -> np.ndarray:
    """Complex contagion: full chance with ``threshold`` active ties, less with fewer.

    With no active tie at all only residents an organiser invited on that
    issue can join (at ``lone_factor``).
    """
    some = np.where(active_ties > 0, lone_factor, np.where(invited, lone_factor, 0.0))
    return np.where(active_ties >= threshold, 1.0, some)


def join_probability(p_join: float, efficacy: np.ndarray, fear: np.ndarray, fear_withdrawal: float,
                     social: np.ndarray, concerned: np.ndarray, mismatch_factor: float,
                     time: np.ndarray) -> np.ndarray:
    """Daily chance of joining an action group on an issue; ``time`` is the share of a member's hours the
    resident can spare (0-1)."""
    match = np.where(concerned, 1.0, mismatch_factor)
    return p_join * efficacy * (1.0 - fear_withdrawal * fear) * social * match * time


def dropout_probability(p_dropout: float, fear: np.ndarray) -> np.ndarray:
    """Daily chance an active member drops out (fear doubles it at most)."""
    return p_dropout * (1.0 + fear)


def spare_hours(has_time: np.ndarray, u: np.ndarray, mean_hours: float) -> np.ndarray:
    """Hours a month each resident can give to a group: none without spare time, else exponential with
    mean ``mean_hours`` (inverse CDF of uniforms ``u``)."""
    return np.where(has_time, -mean_hours * np.log1p(-u), 0.0).astype(np.float32)


def burnout_probability(yearly: float, leader_hours: float, hours: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Daily chance a leader steps down: the yearly rate at a load equal to their spare hours, scaled by the load
    (role hours / spare hours, at most 4) and by ``support`` (1 alone, less when coached)."""
    load = np.minimum(leader_hours / np.maximum(hours, 1e-6), 4.0)
    return np.minimum(1.0, daily_hazard(yearly) * load * support)


class GroupParams(Section, title="Mobilisation and action groups"):
    p_join: float = param(0.12, "prob/day", 0.0, 1.0, "calibrated: ~16% of those listened to mobilised, " + CO_EVALUATION,
                          "Daily chance a connected resident with enough active ties and time joins a group.")
    join_threshold: int = param(2, "ties", 1, 20, "assumed; complex contagion (Centola 2010)",
                                "Active ties needed for the full joining chance.")
    lone_join_factor: float = param(0.2, "x", 0.0, 1.0, "assumed",
                                    "Joining chance, relative, for those below the threshold.")
    mismatch_factor: float = param(0.1, "x", 0.0, 1.0, "assumed",
                                   "Joining (or attending) chance, relative, when the issue is not one's own.")
    min_group_size: int = param(4, "residents", 2, 100, "assumed",
                                "Connected residents sharing an issue needed to found an action group.")
    p_dropout: float = param(0.003, "prob/day", 0.0, 1.0, "assumed",
                             "Daily chance an active member drops out (doubled by fear).")
    lighting_gain: float = param(0.2, "0-1", 0.0, 1.0, "assumed",
                                 "Lighting improvement of members' segments per lighting win.")


class CampaignParams(Section, title="Campaigns"):
    campaign_days: float = param(120.0, "days", 1.0, 1e6, "assumed; local campaigns run for months",
                                 "Mean length of a campaign (it ends on any day with chance 1/campaign_days).")
    power_per_doubling: float = param(0.3, "log-odds", 0.0, 3.0, "assumed",
                                      "Rise in a campaign's log-odds of winning per doubling of members beyond "
                                      "min_group_size.")
    coaching_power: float = param(0.5, "log-odds", 0.0, 3.0, "assumed; organisers train leaders to cut "
                                  "winnable issues (Alinsky 1971)",
                                  "Rise in the log-odds of winning while an organiser coaches the group.")
    alliance_power: float = param(0.5, "log-odds", 0.0, 3.0, "assumed; groups with strong alliances succeeded "
                                  "more often (Steedly & Foley 1979, re-analysing Gamson 1975)",
                                  "Rise in the log-odds of winning for a group anchored in an allied association.")
    outcome_learning_rate: float = param(0.2, "share", 0.0, 1.0, "assumed; mastery experience is the strongest "
                                         "source of efficacy beliefs (Bandura 1997)",
                                         "Share of the gap between a member's efficacy and the outcome (1 win, "
                                         "0 loss) closed by a campaign's end.")
    vicarious_learning: float = param(0.5, "x", 0.0, 1.0, "assumed; vicarious experience (Bandura 1997)",
                                      "Learning of residents tied to members, relative to members'.")
    fold_after_losses: int = param(2, "losses", 1, 20, "assumed",
                                   "Consecutive lost campaigns after which a group folds.")
    leaderless_days: int = param(60, "days", 1, 3650, "assumed",
                                 "Days a group survives without a leader before it folds.")
    refound_days: int = param(180, "days", 0, 3650, "assumed",
                              "Days after a group folds before a group on the same issue can be founded there.")


class TimeParams(Section, title="Time and leaders"):
    p_spare_time: float = param(0.27, "share", 0.0, 1.0, "27% volunteered formally at least once in the year, "
                                + CLS_VOLUNTEERING, "Residents with any spare time for a group.")
    spare_hours_mean: float = param(7.6, "hours/month", 0.1, 200.0, "calibrated: 16% volunteer formally at least "
                                    "once a month, " + CLS_VOLUNTEERING + " (0.27 exp(-member_hours / mean) = 0.16)",
                                    "Mean spare hours a month of residents with spare time (exponential).")
    time_deprivation_gradient: float = param(1.0, "x", 0.0, 2.0, "assumed size; the 'civic core' giving most "
                                             "volunteering hours lives mostly in the least deprived areas "
                                             "(Mohan & Bulloch 2012)",
                                             "Fall in the share with spare time per unit of deprivation above 0.5 "
                                             "(share x (1 - gradient (deprivation - 0.5))).")
    member_hours: float = param(4.0, "hours/month", 0.0, 200.0, "assumed; a meeting and an action a month",
                                "Hours a month membership asks; residents with fewer join less often.")
    leader_hours: float = param(16.0, "hours/month", 0.0, 400.0, "assumed",
                                "Hours a month leading a group asks.")
    leader_burnout: float = param(0.3, "share/year", 0.0, 0.99, "assumed; the more often people volunteer the "
                                  "more pressured they feel and the likelier they stop (NCVO Time Well Spent 2019)",
                                  "Share of leaders stepping down within a year when the role asks exactly their "
                                  "spare hours (more when it asks more).")
    coaching_burnout_factor: float = param(0.5, "x", 0.0, 1.0, "assumed",
                                           "Burnout of a coached leader, relative to an uncoached one.")
    succession_days: float = param(30.0, "days", 1.0, 3650.0, "assumed",
                                   "Mean days until a member with time steps up to lead a leaderless group "
                                   "(halved for groups anchored in an allied association).")
    rest_days: int = param(365, "days", 0, 3650, "assumed",
                           "Days someone who dropped out or burned out stays away from groups.")


class Groups(Component):
    """Phase 4 (mobilise): associations listen; groups are founded, joined, left, led, campaign and fold."""

    name = "groups"
    sections = (GroupParams, CampaignParams, TargetParams, TimeParams, AssociationParams)

    def __init__(self, model) -> None:
        super().__init__(model)
        p, r, pop = self.p, model.residents, model.population
        n_keys = pop.n_nbhd * N_ISSUES
        self.founded = np.zeros(n_keys, dtype=bool)
        self.target = np.full(n_keys, NO_TARGET, dtype=np.int8)
        self.losses_in_a_row = np.zeros(n_keys, dtype=np.int32)
        self.leaderless_since = np.full(n_keys, np.inf)
        self.closed_until = np.full(n_keys, -np.inf)
        self.rest_until = np.full(r.n, -np.inf, dtype=np.float32)
        self.base_win = target_wins(p)
        rng = model.streams.generator("groups:time")
        share = np.clip(p.p_spare_time * (1 - p.time_deprivation_gradient * (model.place.deprivation - 0.5)), 0, 1)
        has_time = (rng.random(r.n) < share[pop.nbhd]) | r.is_leader
        self.hours = spare_hours(has_time, rng.random(r.n), p.spare_hours_mean)
        model.associations = Associations.of(r.asset_group, pop.nbhd)
        self._ties_to_allied = np.zeros(r.n, dtype=np.int32)
        self._allied_counted = np.zeros(model.associations.n, dtype=bool)
        self._active_ties = TiesByLabel(model.network, N_ISSUES)   # ties to members, by the members' issue

    def step(self) -> None:
        """Associations listen; found, join, drop out, burn out, succeed, campaign, fold; crime groups watch."""
        m, r = self.model, self.model.residents
        self._associations()
        if not r.stage.any():
            return
        rng = self.rng()
        u_end, u_win, u_target, u_step_up = rng.random((4, len(self.founded)))
        coached = m.organisers.coaching[np.arange(len(self.founded)) // N_ISSUES] > 0
        self._found(rng, coached, u_target)
        self._join(rng)
        r.t_active[(r.stage >= Stage.ACTIVE) & np.isinf(r.t_active)] = m.today
        self._drop_out(rng, coached)
        allied = self._allied_groups()
        self._lead(u_step_up, allied)
        self._campaign(u_end, u_win, u_target, coached, allied)
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        m.requests.watch[members[CRIME_ISSUE[r.issue[members]]]] = True

    # ------------------------------------------------------------------ associations
    def _associations(self) -> None:
        """Allied associations hold one-to-ones, with their own members first and then with neighbours tied to
        members of the alliance; without an organiser nearby they lapse."""
        p, m = self.p, self.model
        a, r, pop = m.associations, m.residents, m.population
        if not a.allied.any():
            return
        rng = m.streams.day("groups:associations", m.today)
        unsupported = m.organisers.coaching[a.nbhd] == 0
        a.lapse(a.allied & unsupported & (rng.random(a.n) < daily_hazard(p.alliance_lapse)))
        talks = rng.poisson(p.association_listening_per_month / 30.4375 * a.allied)
        if not talks.any():
            return
        open_ = np.flatnonzero((r.asset_group >= 0) & (r.stage == Stage.PASSIVE))
        members = first_per_key(open_[talks[r.asset_group[open_]] > 0], r.asset_group, talks, rng)
        left = talks - np.bincount(r.asset_group[members], minlength=a.n)
        quota = np.bincount(a.nbhd, left, minlength=pop.n_nbhd).astype(np.int64)
        outreach = np.empty(0, dtype=np.int64)
        if quota.any():
            candidates = np.flatnonzero(self._tied_to_allied() & (r.stage == Stage.PASSIVE) & (r.asset_group < 0))
            outreach = first_per_key(candidates, pop.nbhd, quota, rng)
        chosen = np.concatenate([members, outreach])
        if len(chosen):
            m.tally["association_conversations"] += pop.per_nbhd(chosen)
            listen(m, chosen, rng)

    def _tied_to_allied(self) -> np.ndarray:
        """Mask of residents tied to a member of an allied association, kept up to date as associations join and
        leave the alliance.

        Exact for PASSIVE residents, the only ones it is asked about: their
        ties never change, since ties are only added between residents past
        PASSIVE (for others the count may drift and is not used).
        """
        m, r = self.model, self.model.residents
        allied = m.associations.allied
        for sign, changed in ((1, allied & ~self._allied_counted), (-1, self._allied_counted & ~allied)):
            if changed.any():
                members = np.flatnonzero((r.asset_group >= 0) & changed[np.maximum(r.asset_group, 0)])
                self._ties_to_allied += sign * np.bincount(m.network.ties_of(members)[1], minlength=r.n)
        self._allied_counted = allied.copy()
        return self._ties_to_allied > 0

    def _allied_groups(self) -> np.ndarray:
        """Mask of groups (keys) with a member belonging to an allied association."""
        m, r = self.model, self.model.residents
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        anchored = members[m.associations.member_allied(r.asset_group[members])]
        return np.bincount(m.population.issue_key(anchored), minlength=len(self.founded)) > 0

    # ------------------------------------------------------------------ membership
    def _found(self, rng: np.random.Generator, coached: np.ndarray, u_target: np.ndarray) -> None:
        """Where enough connected residents with time share an issue, the best placed of them found a group, led by
        the one with most time to give; the group picks its first target."""
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        connected = np.flatnonzero((r.stage == Stage.CONNECTED) & (r.issue != NO_ISSUE) & (self.hours > 0)
                                   & (self.rest_until < m.today))
        ready = np.bincount(pop.issue_key(connected), minlength=len(self.founded))
        new_groups = ~self.founded & (ready >= p.min_group_size) & (self.closed_until <= m.today)
        if not new_groups.any():
            return
        ready_now = connected[new_groups[pop.issue_key(connected)]]
        key = pop.issue_key(ready_now)
        score = (r.is_leader[ready_now] * 100.0 + np.minimum(self.hours[ready_now], p.leader_hours)
                 + 0.1 * m.network.degree()[ready_now] + rng.random(len(ready_now)))
        order = np.lexsort((-score, key))
        first = run_starts(key[order])
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.append(first, len(order))))
        r.stage[ready_now[order[rank < p.min_group_size]]] = Stage.ACTIVE
        r.stage[ready_now[order[first]]] = Stage.LEADER
        founded = np.flatnonzero(new_groups)
        self.founded[founded] = True
        self.losses_in_a_row[founded] = 0
        self.leaderless_since[founded] = np.inf
        self._new_campaign(founded, coached, u_target)

    def _join(self, rng: np.random.Generator) -> None:
        """Complex contagion: candidates join a group on an issue with a chance set by ties, concern and time.

        Only (resident, issue) pairs with a chance above zero are considered: a
        group on the issue exists in the resident's neighbourhood, the resident
        has spare time and is not resting, and has an active tie on the issue
        or was engaged on it. Someone engaged on the issue but with no member
        among their ties joins only while asked: an organiser works in their
        neighbourhood today, or they belong to an allied association.
        """
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        active = r.stage >= Stage.ACTIVE
        active_ties = self._active_ties.relabel(np.where(active, r.issue, NO_ISSUE))
        free = np.flatnonzero(~active & (self.hours > 0) & (self.rest_until < m.today))
        active_ties = active_ties[free]
        possible = (active_ties > 0) & self.founded.reshape(-1, N_ISSUES)[pop.nbhd[free]]
        engaged = np.flatnonzero((r.stage[free] >= Stage.LISTENED) & (r.issue[free] != NO_ISSUE))
        engaged = engaged[self.founded[pop.issue_key(free[engaged])]]
        possible[engaged, r.issue[free[engaged]]] = True
        pair = np.flatnonzero(possible)
        who, issue = free[pair // N_ISSUES], pair % N_ISSUES
        asking = (m.organisers.effort[pop.nbhd[who]] > 0) | m.associations.member_allied(r.asset_group[who])
        invited = (r.issue[who] == issue) & asking
        social = social_factor(active_ties.reshape(-1)[pair], invited, p.join_threshold, p.lone_join_factor)
        concerned = r.has_concern(issue.astype(np.uint8), who)
        time = np.minimum(1.0, self.hours[who] / p.member_hours) if p.member_hours > 0 else np.ones(len(who))
        prob = join_probability(p.p_join, r.efficacy[who], r.fear[who], p.fear_withdrawal, social, concerned,
                                p.mismatch_factor, time)
        hit = rng.random(len(pair)) < prob
        who, issue = who[hit], issue[hit]
        order = np.lexsort((rng.random(len(who)), who))      # someone drawn on several issues joins one at random
        first = run_starts(who[order])
        joiners, issue = who[order][first], issue[order][first]
        r.issue[joiners] = issue
        r.stage[joiners] = Stage.ACTIVE

    def _drop_out(self, rng: np.random.Generator, coached: np.ndarray) -> None:
        """Members (as of the start of the day) leave with a chance that fear raises; leaders may burn out.
        Both rest for ``rest_days``."""
        p, m = self.p, self.model
        r = m.residents
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        u = rng.random((2, len(members)))
        leave = u[0] < dropout_probability(p.p_dropout, r.fear[members])
        leading = r.stage[members] == Stage.LEADER
        support = np.where(coached[m.population.issue_key(members)], p.coaching_burnout_factor, 1.0)
        burnout = leading & (u[1] < burnout_probability(p.leader_burnout, p.leader_hours, self.hours[members],
                                                        support))
        gone = members[leave | burnout]
        m.tally["leader_burnouts"] += m.population.per_nbhd(members[burnout])
        r.stage[gone] = Stage.CONNECTED
        self.rest_until[gone] = m.today + p.rest_days

    def _lead(self, u_step_up: np.ndarray, allied: np.ndarray) -> None:
        """A leaderless group gets a new leader (the member with most time) with chance 1/succession_days a day,
        twice that when anchored in an allied association; after ``leaderless_days`` without one it folds."""
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        key = pop.issue_key(members)
        led = np.bincount(key[r.stage[members] == Stage.LEADER], minlength=len(self.founded)) > 0
        size = np.bincount(key, minlength=len(self.founded))
        headless = self.founded & ~led & (size > 0)
        self.leaderless_since[self.founded & led] = np.inf
        self.leaderless_since[headless & np.isinf(self.leaderless_since)] = m.today
        steps_up = headless & (u_step_up < np.where(allied, 2.0, 1.0) / p.succession_days)
        if steps_up.any():
            candidates = members[steps_up[key]]
            best = top_per_key(self.hours[candidates], key[steps_up[key]])
            r.stage[candidates[best]] = Stage.LEADER
            self.leaderless_since[steps_up] = np.inf
        self._fold((m.today - self.leaderless_since >= p.leaderless_days) | (self.founded & (size == 0)))

    # ------------------------------------------------------------------ campaigns
    def _new_campaign(self, keys: np.ndarray, coached: np.ndarray, u_target: np.ndarray) -> None:
        self.target[keys] = choose_target(keys % N_ISSUES, coached[keys], self.base_win, u_target[keys])

    def _campaign(self, u_end: np.ndarray, u_win: np.ndarray, u_target: np.ndarray, coached: np.ndarray,
                  allied: np.ndarray) -> None:
        """Campaigns end with chance 1/campaign_days a day, in a win or a loss; members (and, less, their ties)
        learn from the outcome; lighting wins light members' streets; groups losing too often fold; the rest
        start a new campaign. Today's wins go to ``requests.wins``."""
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        key = pop.issue_key(members)
        size = np.bincount(key, minlength=len(self.founded))
        ends = self.founded & (size > 0) & (u_end < 1.0 / p.campaign_days)
        if not ends.any():
            return
        chance = win_probability(self.base_win[np.maximum(self.target, 0)], size, p.min_group_size,
                                 p.power_per_doubling, coached, p.coaching_power, allied, p.alliance_power)
        won, lost = ends & (u_win < chance), ends & ~(u_win < chance)
        m.requests.wins[:] = won.reshape(-1, N_ISSUES)
        k = pop.n_nbhd
        m.tally["campaigns_won"] += won.reshape(k, N_ISSUES).sum(axis=1)
        m.tally["campaigns_lost"] += lost.reshape(k, N_ISSUES).sum(axis=1)
        self._learn(members[ends[key]], won[key[ends[key]]])
        lit = members[won[key] & (r.issue[members] == issue_index("lighting"))]
        segments = np.unique(m.place.resident_segment[lit])
        m.segments.lighting[segments] = np.minimum(1.0, m.segments.lighting[segments] + p.lighting_gain)
        self.losses_in_a_row[won] = 0
        self.losses_in_a_row[lost] += 1
        self._fold(lost & (self.losses_in_a_row >= p.fold_after_losses))
        self._new_campaign(np.flatnonzero(ends & self.founded), coached, u_target)

    def _learn(self, members: np.ndarray, won: np.ndarray) -> None:
        """Members move their efficacy towards the outcome; residents tied to them (not themselves members of an
        ending campaign) follow at ``vicarious_learning`` of the rate, towards the share of their tied groups that
        won."""
        p, m = self.p, self.model
        r = m.residents
        asked = m.requests.efficacy
        asked[members] += outcome_learning(r.efficacy[members], won, p.outcome_learning_rate)
        ties = m.network.tie_counts(members, won.astype(np.int64), 2)
        tied = ties.sum(axis=1)
        observers = np.flatnonzero(tied > 0)
        observers = observers[~np.isin(observers, members)]
        share_won = ties[observers, 1] / tied[observers]
        asked[observers] += p.vicarious_learning * p.outcome_learning_rate * (share_won - r.efficacy[observers])

    def _fold(self, folding: np.ndarray) -> None:
        """Groups in mask ``folding`` fold: their members return to CONNECTED; the issue stays closed there for
        ``refound_days``."""
        folding = folding & self.founded
        if not folding.any():
            return
        m, r = self.model, self.model.residents
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        r.stage[members[folding[m.population.issue_key(members)]]] = Stage.CONNECTED
        self.founded[folding] = False
        self.target[folding] = NO_TARGET
        self.leaderless_since[folding] = np.inf
        self.closed_until[folding] = m.today + self.p.refound_days
        m.tally["groups_folded"] += folding.reshape(m.population.n_nbhd, N_ISSUES).sum(axis=1)


def first_per_key(who: np.ndarray, key_of: np.ndarray, quota: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Up to ``quota[k]`` of the residents ``who`` with key ``key_of[who] == k``, chosen at random: those with the
    smallest of one uniform draw each, in order of key, then draw.

    Only the few draws that can be among the smallest are sorted: for each key
    those below a bound well above the expected ``quota[k]``-th smallest
    (``quota[k] / count[k]``). A key with fewer than its quota below the bound
    (a chance below 1e-9) has all its draws sorted, so the choice is always
    exactly the full sort's.
    """
    key = key_of[who]
    u = rng.random(len(who))
    count = np.bincount(key, minlength=len(quota))
    bound = np.where(quota > 0, (quota + 6.0 * np.sqrt(quota) + 20.0) / np.maximum(count, 1), 0.0)
    below = u < bound[key]
    short = np.bincount(key[below], minlength=len(quota)) < np.minimum(quota, count)
    sort = np.flatnonzero(below | short[key])
    order = sort[np.lexsort((u[sort], key[sort]))]
    sorted_key = key[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_key, sorted_key, side="left")
    return who[order][rank < quota[sorted_key]]


def top_per_key(score: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Position of the highest score within each key (ties broken by position)."""
    order = np.lexsort((-score, key))
    return order[run_starts(key[order])]


def run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Positions where each run of equal values starts in ``sorted_keys`` (the first of each key)."""
    starts = np.ones(len(sorted_keys), dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return np.flatnonzero(starts)
