"""Listening-led organising: one-to-one conversations that start with what already exists.

Organisers talk first to informal leaders of existing associations, then to
their members, then to friends of people already listened to; each
conversation surfaces one of the person's own concerns, and the organiser
introduces them to others in the neighbourhood who share it. A leader who is
listened to can bring their association into the alliance
(:mod:`agents.associations`), whose leaders then hold one-to-ones with their
own members. Listening-led organisers also coach the leaders of action
groups (:mod:`agents.groups`).
"""

from __future__ import annotations

import numpy as np

from agents.organising.common import Strategy, broker, top
from simulation.fields import CO_EVALUATION, Section, param
from simulation.state import N_ISSUES, NO_ISSUE, Stage


def listening_priority(is_leader: np.ndarray, in_group: np.ndarray, tied_to_listened: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Build on what already exists: informal leaders first, then group members,
    then people whose friends were already listened to ("who else should I talk to?"),
    random order within each tier."""
    return 4.0 * is_leader + 2.0 * in_group + 1.0 * tied_to_listened + rng.random(len(is_leader))


def pick_issue(concerns: np.ndarray, n_issues: int, rng: np.random.Generator) -> np.ndarray:
    """A listening conversation surfaces one of the person's own concerns (-1 if none)."""
    bits = (concerns[:, None] >> np.arange(n_issues, dtype=np.uint8)) & 1
    noisy = np.where(bits == 1, rng.random(bits.shape), -1.0)
    return np.where(bits.any(axis=1), noisy.argmax(axis=1), -1).astype(np.int8)


def listen(model, who: np.ndarray, rng: np.random.Generator) -> None:
    """One-to-one conversations with the PASSIVE residents ``who``: each is listened to (trust and efficacy
    gains), names one of their own concerns, and is introduced to others listened to on it."""
    p, r, pop = model.params, model.residents, model.population
    r.stage[who] = Stage.LISTENED
    r.t_listened[who] = model.today
    r.issue[who] = pick_issue(r.concerns[who], N_ISSUES, rng)
    model.requests.trust[who] += p.listen_trust_gain
    model.requests.efficacy[who] += p.listen_efficacy_gain
    speakers = who[r.issue[who] != NO_ISSUE]
    pool = np.flatnonzero((r.stage >= Stage.LISTENED) & (r.issue != NO_ISSUE))
    broker(model, speakers, pop.issue_key(speakers), pool, pop.issue_key(pool), p.connections_per_conversation, rng)


class ListeningParams(Section, title="Listening-led organising"):
    listening_per_day: float = param(0.63, "conversations/day", 0.0, 50.0,
                                     CO_EVALUATION + ": ~230 people listened to per organiser-year",
                                     "One-to-one listening conversations per organiser per day.")
    listen_trust_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed", "Trust gained from being listened to.")
    listen_efficacy_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed",
                                        "Efficacy gained from being listened to.")
    p_alliance_join: float = param(0.3, "prob", 0.0, 1.0, "assumed",
                                   "Chance an association joins the alliance when one of its leaders is listened "
                                   "to.")


class Listening(Strategy):
    """One-to-one listening conversations, leaders first; introductions between people sharing a concern;
    associations brought into an alliance; group leaders coached."""

    name = "listening"
    sections = (ListeningParams,)
    coaches = True

    def __init__(self, model) -> None:
        super().__init__(model)
        self._engaged = np.zeros(model.residents.n, dtype=bool)
        self._near_engaged = np.zeros(model.residents.n, dtype=bool)
        pop = model.population
        self._passive = [pop.members(k) for k in range(pop.n_nbhd)]   # shrinks as residents are engaged

    def work(self, effort: np.ndarray) -> None:
        """Hold today's conversations in each neighbourhood, broker introductions, build the alliance."""
        p, m = self.p, self.model
        r = m.residents
        rng = self.rng()
        conversations = rng.poisson(p.listening_per_day * effort)
        if conversations.sum() == 0:
            return
        tied_to_listened = self._tied_to_engaged()
        chosen = []
        for k in np.flatnonzero(conversations):
            open_ = self._passive[k] = self._passive[k][r.stage[self._passive[k]] == Stage.PASSIVE]
            score = listening_priority(r.is_leader[open_], r.asset_group[open_] >= 0, tied_to_listened[open_], rng)
            chosen.append(open_[top(score, int(conversations[k]))])
        new = np.concatenate(chosen)
        self.count_contacts(new)
        listen(m, new, rng)
        leaders = new[r.is_leader[new] & (r.asset_group[new] >= 0)]
        m.associations.join(r.asset_group[leaders[rng.random(len(leaders)) < p.p_alliance_join]], m.today)

    def _tied_to_engaged(self) -> np.ndarray:
        """Mask of residents tied to anyone past PASSIVE, updated from those newly engaged since last call.

        Exact because nobody returns to PASSIVE and ties are only ever added
        between residents who are both past it.
        """
        m = self.model
        engaged = m.residents.stage >= Stage.LISTENED
        self._near_engaged |= m.network.tied_to(np.flatnonzero(engaged & ~self._engaged))
        self._engaged = engaged
        return self._near_engaged
