"""What every organising strategy shares: organisers, contact counting, introductions, ranking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.component import Component
from simulation.state import Stage


@dataclass(slots=True)
class Organisers:
    """Columns of organiser state: neighbourhood worked in, contacts made so far."""

    nbhd: np.ndarray
    contacts: np.ndarray

    @classmethod
    def dealt(cls, count: int, n_nbhd: int) -> Organisers:
        """``count`` organisers dealt round-robin over ``n_nbhd`` neighbourhoods."""
        return cls(nbhd=(np.arange(count) % n_nbhd).astype(np.int32), contacts=np.zeros(count))

    def per_nbhd(self, n_nbhd: int) -> np.ndarray:
        """Organisers working in each neighbourhood."""
        return np.bincount(self.nbhd, minlength=n_nbhd)


class Strategy(Component):
    """An organising strategy: ``organising = <name>`` in a scenario selects it.

    Subclasses set ``name`` (also their random stream), their parameter
    sections, and ``work``: one day of what the organisers of each
    neighbourhood do. Defining a subclass in a module of this package
    registers it.
    """

    def cost_per_year(self) -> float:
        """Cost of one organiser for a year (GBP)."""
        return self.p.organiser_cost_gbp

    def work(self, organisers_per_nbhd: np.ndarray) -> None:
        """One day's organising, given how many organisers work in each neighbourhood."""
        raise NotImplementedError

    def count_contacts(self, who: np.ndarray) -> None:
        """Tally contacts per neighbourhood, shared equally by its organisers."""
        m = self.model
        contacts = m.population.per_nbhd(who)
        m.tally["organiser_contacts"] += contacts
        organisers = m.organisers
        per_nbhd = organisers.per_nbhd(m.population.n_nbhd)
        organisers.contacts += (contacts / np.maximum(per_nbhd, 1))[organisers.nbhd]

    def broker(self, people: np.ndarray, key: np.ndarray, pool: np.ndarray, pool_key: np.ndarray,
               rng: np.random.Generator) -> None:
        """Introduce each person to Poisson(connections_per_conversation) pool members with the same key."""
        m = self.model
        per = rng.poisson(self.p.connections_per_conversation, len(people))
        who, partner = match_partners(key, pool_key, pool, per, rng)
        a = people[who]
        keep = a != partner
        a, partner = a[keep], partner[keep]
        if len(a) == 0:
            return
        new_ties = m.network.add_ties(a, partner)
        m.tally["new_ties"] += m.population.per_nbhd(new_ties)
        both = np.concatenate([a, partner])
        m.residents.stage[both] = np.maximum(m.residents.stage[both], Stage.CONNECTED)


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
    order = np.argsort(pool_key, kind="stable")
    sorted_keys, sorted_pool = pool_key[order], pool[order]
    lo = np.searchsorted(sorted_keys, key, side="left")
    hi = np.searchsorted(sorted_keys, key, side="right")
    who = np.repeat(np.arange(len(key)), np.where(hi > lo, per_person, 0))
    pick = lo[who] + (rng.random(len(who)) * (hi - lo)[who]).astype(np.int64)
    return who, sorted_pool[pick]
