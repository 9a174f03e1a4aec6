"""The saferstreets model: organising, collective efficacy and acquisitive crime.

``CommunityModel`` is the composition root: it builds the world, sets up the
phases of :data:`agents.PHASES` (each a component with its own parameters
and random stream) and records every day through :mod:`simulation.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from agents import PHASES
from agents.handles import Offender, Organiser, Resident
from agents.offenders import OUTCOMES
from simulation.metrics import METRICS, TALLIED, area_row, record
from simulation.params import ParameterError, Params
from simulation.population import Population
from simulation.state import CRIME_NAMES, N_ISSUES, Residents
from simulation.streams import Streams, resolve_seed
from simulation.world import Segments, build_world

CRIME_LOG_COLUMNS = ("step", "offender", "crime_type", "victim", "segment", "neighbourhood", "outcome", "distance_km")


@dataclass(slots=True)
class Requests:
    """Changes processes ask for during a day, applied once by the resolve phase (attitudes).

    ``trust``, ``efficacy`` and ``fear`` are increments per resident;
    ``watch`` marks residents watching their street today (members of crime
    action groups, members of a strategy's watch scheme); ``wins`` marks the
    action groups (neighbourhood x issue) that won something today.
    """

    trust: np.ndarray
    efficacy: np.ndarray
    fear: np.ndarray
    watch: np.ndarray
    wins: np.ndarray

    @classmethod
    def none(cls, n: int, n_nbhd: int) -> Requests:
        """No changes requested yet."""
        return cls(*(np.zeros(n, dtype=np.float32) for _ in range(3)), watch=np.zeros(n, dtype=bool),
                   wins=np.zeros((n_nbhd, N_ISSUES), dtype=bool))


class CommunityModel(mesa.Model):
    """Residents, organisers and offenders on a social network over street segments.

    ``CommunityModel(params, rng=seed, **overrides)``: ``params`` is a
    :class:`Params`, a scenario name or TOML path, or None (the baseline);
    keyword overrides are parameter names. The same seed gives identical
    results. Every process draws from its own named random stream
    (:mod:`simulation.streams`), so with the same seed every strategy starts
    from the same world and meets the same random circumstances until it
    changes something.

    One step is one day: the phases of :data:`agents.PHASES` in order -

    1. **presence** (:mod:`agents.residents`) - who is at home or on the
       street; everyone's willingness to intervene.
    2. **organise** (:mod:`agents.organising`) - the organisers of the
       strategy named by ``organising`` work (one module per strategy).
    3. **harden** (:mod:`agents.hardening`) - the target-hardening budget buys
       locks, lighting and gates for hot spots and recent victims.
    4. **mobilise** (:mod:`agents.groups`) - action groups are founded, joined
       by complex contagion, left, and act.
    5. **youth provision** (:mod:`agents.youth`) - what youth-provision
       groups' wins do to local offending.
    6. **offend** (:mod:`agents.offenders`) - offenders choose targets under
       perceived guardianship; attempts are foiled by occupancy, hardening
       or a bystander, or completed.
    7. **resolve** (:mod:`agents.residents`) - the attitude changes requested
       by phases 2-6 are applied once, with drift back to baseline and pull
       towards ties.

    then **record** (:mod:`simulation.metrics`): one row per neighbourhood of
    every metric, and the area's values in the Mesa ``datacollector``.
    """

    def __init__(self, params: Params | str | None = None, rng: Any = None, **overrides: Any) -> None:
        if params is None or isinstance(params, Params):
            base = params or Params()
        else:
            from simulation.scenarios import load_scenario
            base = load_scenario(params).params
        self.params: Params = Params.from_mapping(overrides, base=base) if overrides else base
        self.seed: int = resolve_seed(rng)
        super().__init__(rng=self.seed)
        p = self.params
        self.streams = Streams(self.seed)
        world = build_world(p, self.streams.generator("world"))
        self.place, self.network, self.offenders = world.place, world.network, world.offenders
        self.residents = Residents.initial(world.trust, world.efficacy, world.fear, world.concerns,
                                           world.groups.member_group, world.groups.is_leader)
        self.segments = Segments.initial(self.place.n_segments)
        self.population = Population(self.place, self.residents, self.network)
        self.today = 0
        self.crimes: list[tuple[np.ndarray, ...]] = []
        self._records: list[dict[str, np.ndarray]] = []
        self._begin_day()
        self.processes = {phase.name: phase(self) for phase in PHASES}
        self.processes["presence"].step()
        self.datacollector = mesa.DataCollector(model_reporters={name: self._area_value(name) for name in METRICS})
        self._record()

    def step(self) -> None:
        """Advance one day: every phase in order, then record."""
        self.today = self.day + 1
        self._begin_day()
        for process in self.processes.values():
            process.step()
        self._record()

    def run_for(self, duration: int) -> None:
        """Advance ``duration`` days (a whole number >= 0)."""
        if isinstance(duration, bool) or not isinstance(duration, (int, np.integer, float)) or duration < 0 \
                or isinstance(duration, float) and not duration.is_integer():
            raise ParameterError(f"run_for({duration!r:.40}): expected a whole number of days >= 0")
        super().run_for(int(duration))

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return len(self._records) - 1

    def _begin_day(self) -> None:
        n, k = self.params.n_residents, self.population.n_nbhd
        self.requests = Requests.none(n, k)
        self.tally = {name: np.zeros(k) for name in TALLIED}

    def _record(self) -> None:
        row = record(self)
        self._records.append(row)
        self._area = area_row(row)
        self.datacollector.collect(self)

    def _area_value(self, name: str) -> Any:
        return lambda model: model._area[name]

    # --------------------------------------------------------------- outputs
    def results(self) -> pd.DataFrame:
        """Tidy time series: one row per day and neighbourhood (day 0 = initial state); columns in
        :data:`~simulation.metrics.METRICS`."""
        return pd.DataFrame({name: np.concatenate([rec[name] for rec in self._records])
                             for name in self._records[0]})

    def crime_log(self, since: int = 0) -> pd.DataFrame:
        """Every attempt (from day ``since`` on): day, offender, type, victim, segment, neighbourhood, outcome,
        distance."""
        days = [part for part in self.crimes if part[0] >= since]
        if not days:
            return pd.DataFrame({name: [] for name in CRIME_LOG_COLUMNS})
        day, off, kind, victim, segment, nbhd, outcome, distance = (
            np.concatenate([np.broadcast_to(part[i], len(part[1])) for part in days]) for i in range(8))
        return pd.DataFrame({"step": day, "offender": off, "crime_type": np.array(CRIME_NAMES)[kind],
                             "victim": victim, "segment": segment, "neighbourhood": nbhd,
                             "outcome": np.array(OUTCOMES)[outcome], "distance_km": distance})

    # ------------------------------------------------------------ mesa api
    @cached_property
    def _handles(self) -> tuple[list[Resident], list[Organiser], list[Offender]]:
        """Mesa agent handles, created on first use (a million of them take seconds and ~1 GB)."""
        return ([Resident(self, i) for i in range(self.params.n_residents)],
                [Organiser(self, i) for i in range(self.params.n_organisers)],
                [Offender(self, i) for i in range(len(self.offenders.nbhd))])

    @property
    def resident_agents(self) -> list[Resident]:
        """One Mesa handle per resident, in index order."""
        return self._handles[0]

    @property
    def organiser_agents(self) -> list[Organiser]:
        """One Mesa handle per organiser."""
        return self._handles[1]

    @property
    def offender_agents(self) -> list[Offender]:
        """One Mesa handle per offender."""
        return self._handles[2]

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All Mesa agent handles (created on first access)."""
        self._handles  # noqa: B018 - creating the handles registers them with Mesa
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """Mesa agent handles by class (created on first access)."""
        self._handles  # noqa: B018
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Mesa agent classes (handles created on first access)."""
        self._handles  # noqa: B018
        return super().agent_types

    @cached_property
    def grid(self) -> Network:
        """Mesa Network space of the social network with residents placed on their nodes.

        Built on first use (visualisation); ties added later are not mirrored.
        """
        space = Network(self.network.to_networkx(), capacity=1, random=self.random, layout=None)
        cells = list(space.all_cells)
        for agent in self.resident_agents:
            agent.cell = cells[agent.idx]
        return space
