"""The resident rules of saferstreets written the way a competent Mesa modeller would: the speed reference.

One :class:`mesa.discrete_space.FixedAgent` per resident on a
:class:`mesa.discrete_space.Network` of the same social network, activated
in random order with ``model.agents.shuffle_do("step")``. Each agent holds
plain Python floats, draws from ``model.random`` (the standard library
generator, the fast one for single numbers), keeps the list of its ties
(cached from its cell's neighbourhood once the network is built) and applies
the same rules as the vectorised model, written out for scalars:

* presence today and willingness to intervene (:mod:`agents.residents`);
* trust and efficacy relaxing to baseline and pulled towards the mean of its
  ties; fear relaxing;
* joining an action group by complex contagion (active ties on an issue
  with a group in the neighbourhood, own concern, efficacy, fear), and
  dropping out (:mod:`agents.groups`); the model keeps a count of members
  per neighbourhood and issue, so "a group exists here" is a look-up.

It starts from the same world as :class:`~simulation.model.CommunityModel`
for the same seed. Without organisers nobody would ever join, so the members
of existing groups' leadership (informal leaders) start active on an issue
(``seed_issues``; by default one of their own concerns). It leaves out
organising, group founding, campaigns, leaders and folding, hardening, offending and the survey:
the full model does strictly more per resident-step.
:func:`vectorised_counterpart` sets up the full model in the same situation,
so tests can check that both give the same results in distribution.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import FixedAgent, Network

from simulation.model import CommunityModel
from simulation.params import Params
from simulation.state import N_ISSUES, Stage
from simulation.streams import Streams, resolve_seed
from simulation.world import build_world

RULES_ONLY = {"offenders_per_1000": 0.0, "organising": "none", "p_spare_time": 1.0, "member_hours": 0.0,
              "campaign_days": 1e6, "leaderless_days": 3650, "leader_burnout": 0.0, "rest_days": 0}
"""Settings under which the full model runs only the rules the reference has (everyone has time to join, no
campaign ends, leaders never burn out, a leaderless group does not fold, dropouts may rejoin at once)."""


class ReferenceResident(FixedAgent):
    """One resident with its own attributes, stepped on its own."""

    def __init__(self, model: MesaReference, cell: Any, trust: float, efficacy: float, fear: float,
                 concerns: int, nbhd: int, issue: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.trust, self.efficacy, self.fear = trust, efficacy, fear
        self.base_trust, self.base_efficacy, self.base_fear = trust, efficacy, fear
        self.concerns = concerns
        self.nbhd = nbhd
        self.issue = issue
        self.active = issue >= 0
        self.present = False
        self.willingness = 0.0
        self.ties: list[ReferenceResident] = []

    def step(self) -> None:
        """Presence, willingness, attitudes, then join or drop out."""
        m = self.model
        p, rand = m.params, m.random.random
        withdraw = 1.0 - p.fear_withdrawal * self.fear
        self.present = rand() < p.p_home * withdraw
        self.willingness = self.efficacy * (0.5 + 0.5 * self.trust) * withdraw
        ties = self.ties
        if ties:
            tie_trust = sum(t.trust for t in ties) / len(ties)
            tie_efficacy = sum(t.efficacy for t in ties) / len(ties)
        else:
            tie_trust, tie_efficacy = self.trust, self.efficacy
        self.trust = _relax(self.trust, self.base_trust, tie_trust, p.relax_rate, p.peer_influence)
        self.efficacy = _relax(self.efficacy, self.base_efficacy, tie_efficacy, p.relax_rate, p.peer_influence)
        self.fear = _relax(self.fear, self.base_fear, self.fear, p.relax_rate, 0.0)
        if self.active:
            if rand() < p.p_dropout * (1.0 + self.fear):
                self.active = False
                m.members[self.nbhd][self.issue] -= 1
            return
        active_ties = [0] * N_ISSUES
        for t in ties:
            if t.active:
                active_ties[t.issue] += 1
        if self.issue < 0 and not any(active_ties):
            return
        base = p.p_join * self.efficacy * withdraw
        groups = m.members[self.nbhd]
        for issue in range(N_ISSUES):
            if not groups[issue]:
                continue
            count = active_ties[issue]
            if count >= p.join_threshold:
                social = 1.0
            elif count > 0 or issue == self.issue:
                social = p.lone_join_factor
            else:
                continue
            match = 1.0 if self.concerns >> issue & 1 else p.mismatch_factor
            if rand() < base * social * match:
                self.active, self.issue = True, issue
                groups[issue] += 1
                return


def _relax(x: float, base: float, tie_mean: float, relax_rate: float, peer_influence: float) -> float:
    """One day of an attitude: drift back to baseline, pull towards ties; kept in [0, 1]."""
    return min(1.0, max(0.0, x + relax_rate * (base - x) + peer_influence * (tie_mean - x)))


def leader_issues(concerns: np.ndarray, is_leader: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An issue for each informal leader (one of their concerns at random), -1 for everyone else."""
    issues = np.full(len(concerns), -1)
    for i in np.flatnonzero(is_leader):
        own = [issue for issue in range(N_ISSUES) if concerns[i] >> issue & 1]
        if own:
            issues[i] = rng.choice(own)
    return issues


class MesaReference(mesa.Model):
    """The resident rules of saferstreets as a classic per-agent Mesa model."""

    def __init__(self, params: Params | None = None, rng: Any = None, seed_issues: np.ndarray | None = None,
                 **overrides: Any) -> None:
        base = params or Params()
        self.params = Params.from_mapping(overrides, base=base) if overrides else base
        seed = resolve_seed(rng)
        super().__init__(rng=seed)
        p = self.params
        world = build_world(p, Streams(seed).generator("world"))
        issues = leader_issues(world.concerns, world.groups.is_leader, self.rng) if seed_issues is None \
            else seed_issues
        self.members = [[0] * N_ISSUES for _ in range(world.place.n_nbhd)]
        self.grid = Network(world.network.to_networkx(), capacity=1, random=self.random, layout=None)
        nbhd = world.place.resident_nbhd
        for i, cell in enumerate(self.grid.all_cells):
            ReferenceResident(self, cell, float(world.trust[i]), float(world.efficacy[i]), float(world.fear[i]),
                              int(world.concerns[i]), int(nbhd[i]), int(issues[i]))
            if issues[i] >= 0:
                self.members[nbhd[i]][issues[i]] += 1
        for agent in self.agents:
            agent.ties = list(agent.cell.neighborhood.agents)

    def step(self) -> None:
        """One day: every resident steps once, in random order."""
        self.agents.shuffle_do("step")


def vectorised_counterpart(params: Params, seed: int, seed_issues: np.ndarray | None = None) -> CommunityModel:
    """The full model with only the reference's rules at work, started from the same active residents (by
    default those of ``MesaReference(params, rng=seed)``: its leaders' issues, drawn the same way)."""
    model = CommunityModel(params.replace(**RULES_ONLY), rng=seed)
    r = model.residents
    if seed_issues is None:
        seed_issues = leader_issues(r.concerns, r.is_leader, np.random.default_rng(seed))
    active = np.flatnonzero(seed_issues >= 0)
    r.stage[active] = Stage.ACTIVE
    r.issue[active] = seed_issues[active]
    model.processes["groups"].founded[model.population.issue_key(active)] = True
    return model
