"""A plain per-agent Mesa model of the core resident rules, as the speed reference.

This is how the resident part of saferstreets would look written the usual
Mesa way: one :class:`mesa.discrete_space.CellAgent` per resident on a
:class:`mesa.discrete_space.Network` of the same social network, activated in
random order with ``model.agents.shuffle_do("step")``, each agent applying the
*same* rule functions from :mod:`agents.residents` to its own scalars:

* presence today and willingness to intervene;
* trust and efficacy relaxing to baseline and pulled towards the mean of the
  agent's ties;
* joining an action group by complex contagion (active ties on each issue,
  own concern, efficacy, fear) and dropping out.

It starts from the same world as :class:`~simulation.model.CommunityModel`
(same place, attitudes, concerns and network for the same seed); informal
group leaders start active on one of their concerns so contagion has seeds.
It leaves out organising, hardening, offending and the survey, so the full
model does strictly more work per resident-step than this reference.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import CellAgent, Network

from agents import residents as rules
from simulation.streams import resolve_seed
from simulation.params import CONCERNS, Params
from simulation.world import build_groups, build_network, build_place, starting_attitudes, starting_concerns

N_ISSUES = len(CONCERNS)


class ReferenceResident(CellAgent):
    """One resident with its own attributes, stepped on its own."""

    def __init__(self, model: MesaReference, cell: Any, trust: float, efficacy: float, fear: float,
                 concerns: int, issue: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.trust, self.efficacy, self.fear = trust, efficacy, fear
        self.base_trust, self.base_efficacy, self.base_fear = trust, efficacy, fear
        self.concerns = concerns
        self.issue = issue
        self.active = issue >= 0
        self.present = False
        self.willingness = 0.0

    def step(self) -> None:
        """Presence, willingness, peer influence on trust and efficacy, then join or drop out."""
        p, rng = self.model.params, self.model.rng
        ties = list(self.cell.neighborhood.agents)
        self.present = rng.random() < rules.presence_probability(p.p_home, self.fear, p.fear_withdrawal)
        self.willingness = rules.willingness_to_intervene(self.trust, self.efficacy, self.fear, p.fear_withdrawal)
        tie_trust = sum(t.trust for t in ties) / len(ties) if ties else self.trust
        tie_efficacy = sum(t.efficacy for t in ties) / len(ties) if ties else self.efficacy
        self.trust = float(rules.relax(self.trust, self.base_trust, tie_trust, p.relax_rate, p.peer_influence, 0.0))
        self.efficacy = float(rules.relax(self.efficacy, self.base_efficacy, tie_efficacy, p.relax_rate,
                                          p.peer_influence, 0.0))
        self.fear = float(rules.relax(self.fear, self.base_fear, self.fear, p.relax_rate, 0.0, 0.0))
        if self.active:
            if rng.random() < rules.dropout_probability(p.p_dropout, self.fear):
                self.active = False
            return
        for issue in range(N_ISSUES):
            active_ties = sum(1 for t in ties if t.active and t.issue == issue)
            social = rules.social_factor(active_ties, False, p.join_threshold, p.lone_join_factor)
            prob = rules.join_probability(p.p_join, self.efficacy, self.fear, p.fear_withdrawal, social,
                                          bool(self.concerns >> issue & 1), p.mismatch_factor)
            if rng.random() < prob:
                self.active, self.issue = True, issue
                return


class MesaReference(mesa.Model):
    """The resident rules of saferstreets as a classic per-agent Mesa model."""

    def __init__(self, params: Params | None = None, rng: Any = None, **overrides: Any) -> None:
        base = params or Params()
        self.params = Params.from_mapping(overrides, base=base) if overrides else base
        seed = resolve_seed(rng)
        super().__init__(rng=seed)
        p = self.params
        world_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
        place = build_place(p, world_rng)
        trust, efficacy, fear = starting_attitudes(p, place, world_rng)
        groups, gu, gv = build_groups(p, place, world_rng)
        concerns = starting_concerns(p, p.n_residents, world_rng)
        network = build_network(p, place, trust, (gu, gv), world_rng)
        self.grid = Network(network.to_networkx(), capacity=1, random=self.random, layout=None)
        for i, cell in enumerate(self.grid.all_cells):
            own = [issue for issue in range(N_ISSUES) if concerns[i] >> issue & 1]
            issue = int(self.rng.choice(own)) if groups.is_leader[i] and own else -1
            ReferenceResident(self, cell, float(trust[i]), float(efficacy[i]), float(fear[i]),
                              int(concerns[i]), issue)

    def step(self) -> None:
        """One day: every resident steps once, in random order."""
        self.agents.shuffle_do("step")
