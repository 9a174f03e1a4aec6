"""Action groups: founded where connected residents share an issue, joined by complex contagion, acting.

Rules are small pure functions; :class:`Groups` is the mobilise phase that
applies them. One action group is possible per neighbourhood and issue.
"""

from __future__ import annotations

import numpy as np

from simulation.component import Component
from simulation.fields import CO_EVALUATION, Section, param
from simulation.state import CRIME_ISSUES, N_ISSUES, NO_ISSUE, Stage, issue_index


def social_factor(active_ties: np.ndarray, invited: np.ndarray, threshold: int,
                  lone_factor: float) -> np.ndarray:
    """Complex contagion: full chance with ``threshold`` active ties, less with fewer.

    With no active tie at all only residents an organiser invited on that
    issue can join (at ``lone_factor``).
    """
    some = np.where(active_ties > 0, lone_factor, np.where(invited, lone_factor, 0.0))
    return np.where(active_ties >= threshold, 1.0, some)


def join_probability(p_join: float, efficacy: np.ndarray, fear: np.ndarray, fear_withdrawal: float,
                     social: np.ndarray, concerned: np.ndarray, mismatch_factor: float) -> np.ndarray:
    """Daily chance of joining an action group on an issue."""
    match = np.where(concerned, 1.0, mismatch_factor)
    return p_join * efficacy * (1.0 - fear_withdrawal * fear) * social * match


def dropout_probability(p_dropout: float, fear: np.ndarray) -> np.ndarray:
    """Daily chance an active member drops out (fear doubles it at most)."""
    return p_dropout * (1.0 + fear)


def success_probability(p_action_success: float, size: np.ndarray, min_group_size: int) -> np.ndarray:
    """Daily chance an action group wins something: grows with its size."""
    return 1.0 - (1.0 - p_action_success) ** (size / min_group_size)


class GroupParams(Section, title="Mobilisation and action groups"):
    p_join: float = param(0.006, "prob/day", 0.0, 1.0, "calibrated: ~16% of those listened to mobilised, " + CO_EVALUATION,
                          "Daily chance a connected resident with enough active ties joins a group.")
    join_threshold: int = param(2, "ties", 1, 20, "assumed; complex contagion (Centola 2010)",
                                "Active ties needed for the full joining chance.")
    lone_join_factor: float = param(0.2, "x", 0.0, 1.0, "assumed",
                                    "Joining chance, relative, for those below the threshold.")
    mismatch_factor: float = param(0.1, "x", 0.0, 1.0, "assumed",
                                   "Joining (or attending) chance, relative, when the issue is not one's own.")
    min_group_size: int = param(4, "residents", 2, 100, "assumed",
                                "Connected residents sharing an issue needed to found an action group.")
    p_action_success: float = param(0.02, "prob/day", 0.0, 1.0, "assumed",
                                    "Daily chance a group of min_group_size wins something (rises with size).")
    action_efficacy_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed",
                                        "Efficacy gained by members from a success.")
    p_dropout: float = param(0.003, "prob/day", 0.0, 1.0, "assumed",
                             "Daily chance an active member drops out (doubled by fear).")
    lighting_gain: float = param(0.2, "0-1", 0.0, 1.0, "assumed",
                                 "Lighting improvement of members' segments per lighting success.")


class Groups(Component):
    """Phase 4 (mobilise): found action groups, join by complex contagion, drop out, act."""

    name = "groups"
    sections = (GroupParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.founded = np.zeros(model.population.n_nbhd * N_ISSUES, dtype=bool)

    def step(self) -> None:
        """Found, join, drop out and act; members of crime groups watch their street."""
        r = self.model.residents
        if not r.stage.any():
            return
        rng = self.rng()
        self._found(rng)
        self._join(rng)
        r.t_active[(r.stage >= Stage.ACTIVE) & np.isinf(r.t_active)] = self.model.today
        self._drop_out(rng)
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        self._act(members, rng)
        self.model.requests.watch[members[np.isin(r.issue[members], CRIME_ISSUES)]] = True

    def _found(self, rng: np.random.Generator) -> None:
        """Where enough connected residents share an issue, the best placed of them found a group."""
        p, r, pop = self.p, self.model.residents, self.model.population
        connected = np.flatnonzero((r.stage == Stage.CONNECTED) & (r.issue != NO_ISSUE))
        ready = np.bincount(pop.issue_key(connected), minlength=len(self.founded))
        new_groups = ~self.founded & (ready >= p.min_group_size)
        if not new_groups.any():
            return
        self.founded |= new_groups
        ready_now = connected[new_groups[pop.issue_key(connected)]]
        key = pop.issue_key(ready_now)
        score = r.is_leader[ready_now] * 100.0 + self.model.network.degree()[ready_now] + rng.random(len(ready_now))
        order = np.lexsort((-score, key))
        _, first = np.unique(key[order], return_index=True)
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.append(first, len(order))))
        r.stage[ready_now[order[rank < p.min_group_size]]] = Stage.ACTIVE
        r.stage[ready_now[order[first]]] = Stage.LEADER

    def _join(self, rng: np.random.Generator) -> None:
        """Complex contagion: candidates join a group on an issue with a chance set by ties and concern.

        Only (resident, issue) pairs with a chance above zero are considered: a
        group on the issue exists in the resident's neighbourhood, and the
        resident has an active tie on it or was engaged by an organiser on it.
        """
        p, r, pop = self.p, self.model.residents, self.model.population
        active = r.stage >= Stage.ACTIVE
        members = np.flatnonzero(active)
        active_ties = self.model.network.tie_counts(members, r.issue[members], N_ISSUES).ravel()
        engaged = np.flatnonzero(~active & (r.stage >= Stage.LISTENED) & (r.issue != NO_ISSUE))
        possible = active_ties > 0
        possible[engaged * N_ISSUES + r.issue[engaged]] = True
        pair = np.flatnonzero(possible)
        who, issue = pair // N_ISSUES, pair % N_ISSUES
        keep = ~active[who] & self.founded[pop.nbhd[who] * N_ISSUES + issue]
        pair, who, issue = pair[keep], who[keep], issue[keep]
        invited = r.issue[who] == issue
        social = social_factor(active_ties[pair], invited, p.join_threshold, p.lone_join_factor)
        concerned = r.has_concern(issue.astype(np.uint8), who)
        prob = join_probability(p.p_join, r.efficacy[who], r.fear[who], p.fear_withdrawal, social, concerned,
                                p.mismatch_factor)
        hit = rng.random(len(pair)) < prob
        who, issue = who[hit], issue[hit]
        order = np.lexsort((rng.random(len(who)), who))      # someone drawn on several issues joins one at random
        first = np.unique(who[order], return_index=True)[1]
        joiners, issue = who[order][first], issue[order][first]
        r.issue[joiners] = issue
        r.stage[joiners] = Stage.ACTIVE

    def _drop_out(self, rng: np.random.Generator) -> None:
        """Members (as of the start of the day) leave with a chance that fear raises."""
        r = self.model.residents
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        leave = members[rng.random(len(members)) < dropout_probability(self.p.p_dropout, r.fear[members])]
        r.stage[leave] = Stage.CONNECTED

    def _act(self, members: np.ndarray, rng: np.random.Generator) -> None:
        """Groups without members dissolve; each group may win today (bigger groups more often)."""
        p, pop = self.p, self.model.population
        key = pop.issue_key(members)
        size = np.bincount(key, minlength=len(self.founded))
        self.founded &= size > 0
        win = (rng.random(len(size)) < success_probability(p.p_action_success, size, p.min_group_size)) & (size > 0)
        self.model.requests.wins[:] = win.reshape(-1, N_ISSUES)
        if win.any():
            self._success(members[win[key]])

    def _success(self, winners: np.ndarray) -> None:
        """Members of successful groups gain efficacy (their ties half as much); lighting groups light their streets.

        What other wins bring (youth provision) is up to the processes that read ``requests.wins``.
        """
        p, m = self.p, self.model
        r = m.residents
        flag = np.zeros(r.n, dtype=np.float32)
        flag[winners] = 1.0
        m.requests.efficacy += p.action_efficacy_gain * (flag + 0.5 * m.network.tied_to(winners))
        lit = winners[r.issue[winners] == issue_index("lighting")]
        segments = np.unique(m.place.resident_segment[lit])
        m.segments.lighting[segments] = np.minimum(1.0, m.segments.lighting[segments] + p.lighting_gain)
