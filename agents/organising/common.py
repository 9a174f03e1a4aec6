"""What every organising strategy shares: organisers and their posts, contact counting, introductions, ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from simulation.component import Component
from simulation.state import Stage


@dataclass(slots=True)
class Organisers:
    """Columns of organiser posts: neighbourhood worked in, contacts made so far, who is in post.

    A post is filled from ``start`` (the day its present holder took it up)
    and vacant until ``vacant_until`` after its holder leaves. ``effort`` and
    ``coaching`` are today's organiser-equivalents at work per neighbourhood
    (a replacement ramps up to full effort; vacancies give none); ``coaching``
    counts only organisers of a strategy that coaches action groups.
    """

    nbhd: np.ndarray
    contacts: np.ndarray
    start: np.ndarray
    vacant_until: np.ndarray
    effort: np.ndarray
    coaching: np.ndarray

    @classmethod
    def dealt(cls, count: int, n_nbhd: int) -> Organisers:
        """``count`` organisers dealt round-robin over ``n_nbhd`` neighbourhoods, in post (trained) from day 0."""
        return cls(nbhd=(np.arange(count) % n_nbhd).astype(np.int32), contacts=np.zeros(count),
                   start=np.full(count, -np.inf), vacant_until=np.full(count, -np.inf),
                   effort=np.zeros(n_nbhd), coaching=np.zeros(n_nbhd))

    def per_nbhd(self, n_nbhd: int) -> np.ndarray:
        """Organiser posts in each neighbourhood (filled or not)."""
        return np.bincount(self.nbhd, minlength=n_nbhd)

    def in_post(self, today: int) -> np.ndarray:
        """Mask of posts whose holder is at work today."""
        return self.vacant_until <= today

    def ramp(self, today: int, ramp_up_days: int) -> np.ndarray:
        """Share of full effort of each post today: 0 while vacant, rising linearly over ``ramp_up_days`` for a
        replacement (the programme's first organisers start trained, at full effort)."""
        if ramp_up_days <= 0:
            return self.in_post(today).astype(float)
        return np.where(self.in_post(today), np.clip((today - self.start) / ramp_up_days, 0.0, 1.0), 0.0)

    def turn_over(self, today: int, leaving: np.ndarray, vacancy_days: int) -> None:
        """Holders of the ``leaving`` posts leave today; each post is filled again after ``vacancy_days``."""
        self.vacant_until[leaving] = today + 1 + vacancy_days
        self.start[leaving] = today + 1 + vacancy_days


def daily_hazard(yearly_rate: float) -> float:
    """Daily chance of an event that happens to a share ``yearly_rate`` within a year (constant hazard)."""
    return 1.0 - (1.0 - min(yearly_rate, 1.0 - 1e-12)) ** (1 / 365)


def funded(today: int, start_day: int, end_day: int) -> bool:
    """Whether ``today`` is a funded day: days ``start_day + 1`` to ``end_day`` (day 0 is the initial state)."""
    return start_day < today <= end_day


class Strategy(Component):
    """An organising strategy: ``organising = <name>`` in a scenario selects it.

    Subclasses set ``name`` (also their random stream), their parameter
    sections, ``work``: one funded day of what the organisers of each
    neighbourhood do, and optionally ``carry_on``: what keeps going every
    day after them. Defining a subclass in a module of this package
    registers it. ``coaches`` says whether its organisers coach the leaders of
    action groups (:mod:`agents.groups`).
    """

    coaches: ClassVar[bool] = False

    def cost_per_year(self) -> float:
        """Cost of one organiser for a year (GBP)."""
        return self.p.organiser_cost_gbp

    def work(self, effort: np.ndarray) -> None:
        """One funded day's organising, given the organiser-equivalents at work in each neighbourhood."""
        raise NotImplementedError

    def carry_on(self) -> None:
        """What the strategy leaves behind that keeps going every day, funded or not (default: nothing)."""

    def fresh(self, who: np.ndarray, received: np.ndarray) -> np.ndarray:
        """Which of the contacts ``who`` (one entry per contact) still bring a gain: the household's first
        ``contact_saturation`` contacts. Counts each contact in ``received`` (contacts per resident so far)."""
        order = np.argsort(who, kind="stable")
        sorted_who = who[order]
        nth = np.empty(len(who), dtype=np.int64)
        nth[order] = received[sorted_who] + np.arange(len(who)) - np.searchsorted(sorted_who, sorted_who)
        np.add.at(received, who, 1)
        return nth < self.p.contact_saturation

    def contact_at_random(self, per_day: float, effort: np.ndarray, received: np.ndarray, trust_gain: float,
                          efficacy_gain: float, rng: np.random.Generator) -> np.ndarray:
        """Poisson(``per_day`` x effort) contacts with random households of each neighbourhood, counted; the
        still-fresh ones (:meth:`fresh`, against ``received``) request the trust and efficacy gains. Returns who
        was contacted (one entry per contact)."""
        m = self.model
        contacts = rng.poisson(per_day * effort)
        who = m.population.random_in(np.repeat(np.arange(m.population.n_nbhd), contacts), rng)
        self.count_contacts(who)
        gaining = who[self.fresh(who, received)]
        np.add.at(m.requests.trust, gaining, trust_gain)
        np.add.at(m.requests.efficacy, gaining, efficacy_gain)
        return who

    def count_contacts(self, who: np.ndarray) -> None:
        """Tally contacts per neighbourhood, shared equally by the organisers in post there."""
        m = self.model
        contacts = m.population.per_nbhd(who)
        m.tally["organiser_contacts"] += contacts
        organisers = m.organisers
        working = organisers.in_post(m.today)
        per_nbhd = np.bincount(organisers.nbhd[working], minlength=m.population.n_nbhd)
        organisers.contacts += np.where(working, (contacts / np.maximum(per_nbhd, 1))[organisers.nbhd], 0.0)

    def broker(self, people: np.ndarray, key: np.ndarray, pool: np.ndarray, pool_key: np.ndarray,
               rng: np.random.Generator) -> None:
        """Introduce each person to Poisson(connections_per_conversation) pool members with the same key."""
        broker(self.model, people, key, pool, pool_key, self.p.connections_per_conversation, rng)


def broker(model, people: np.ndarray, key: np.ndarray, pool: np.ndarray, pool_key: np.ndarray,
           connections: float, rng: np.random.Generator) -> None:
    """Introduce each person to Poisson(``connections``) pool members with the same key: new ties, and both
    become at least CONNECTED."""
    per = rng.poisson(connections, len(people))
    who, partner = match_partners(key, pool_key, pool, per, rng)
    a = people[who]
    keep = a != partner
    a, partner = a[keep], partner[keep]
    if len(a) == 0:
        return
    new_ties = model.network.add_ties(a, partner)
    model.tally["new_ties"] += model.population.per_nbhd(new_ties)
    both = np.concatenate([a, partner])
    model.residents.stage[both] = np.maximum(model.residents.stage[both], Stage.CONNECTED)


def top(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` highest scores."""
    if count >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(scores, -count)[-count:]


def match_partners(key: np.ndarray, pool_key: np.ndarray, pool: np.ndarray, per_person: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """For each person i pick ``per_person[i]`` random pool members with the same key.

    Returns the (person-position, partner) pairs; people whose key has no pool member get none.
    """
    order = stable_order(pool_key)
    sorted_keys, sorted_pool = pool_key[order], pool[order]
    lo = np.searchsorted(sorted_keys, key, side="left")
    hi = np.searchsorted(sorted_keys, key, side="right")
    who = np.repeat(np.arange(len(key)), np.where(hi > lo, per_person, 0))
    pick = lo[who] + (rng.random(len(who)) * (hi - lo)[who]).astype(np.int64)
    return who, sorted_pool[pick]


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")``; integer keys that fit 16 bits are sorted as such (numpy's radix sort,
    about 5x faster than its merge sort of wider integers, and the same order)."""
    if keys.dtype.kind in "iu" and len(keys) and 0 <= keys.min() and keys.max() <= np.iinfo(np.uint16).max:
        keys = keys.astype(np.uint16)
    return np.argsort(keys, kind="stable")
