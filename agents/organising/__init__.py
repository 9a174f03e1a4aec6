"""Organising strategies: each module of this package defines one, registered by defining it.

The organise phase (:class:`Organising`) runs the strategy named by the
``organising`` parameter. A new strategy is one module here (a
:class:`~agents.organising.common.Strategy` subclass with its parameters)
plus a scenario file that selects it.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from agents.organising.common import Organisers, Strategy
from simulation.component import Component
from simulation.fields import CO_EVALUATION, Section, param

def _discover() -> dict[str, type[Strategy]]:
    """Import every strategy module of this package; the strategies they define, by name."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "common":
            import_module(f"{__name__}.{module.name}")
    return {cls.name: cls for cls in Strategy.__subclasses__()}


STRATEGIES: dict[str, type[Strategy]] = _discover()
"""Registered strategies by name (the values ``organising`` can take besides "none")."""


class OrganisingParams(Section, title="Organising"):
    organising: str = param("none", "strategy", None, None, "scenario", "Organising strategy.",
                            choices=("none", *STRATEGIES))
    n_organisers: int = param(0, "organisers", 0, 1000, "scenario",
                              "Organisers (or officers, for police-led strategies), spread over neighbourhoods.")
    organiser_cost_gbp: float = param(25_000.0, "GBP/year", 0.0, 1e6, CO_EVALUATION + " (bursary + support)",
                                      "Cost of one community organiser for a year.")
    connections_per_conversation: float = param(1.0, "ties", 0.0, 10.0, "assumed",
                                                "New ties an organiser brokers between residents sharing a "
                                                "concern, per conversation or meeting attended.")


class Organising(Component):
    """Phase 2 (organise): the chosen strategy's organisers work in their neighbourhoods; their cost accrues."""

    name = "organising"
    sections = (OrganisingParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        model.organisers = Organisers.dealt(self.p.n_organisers, model.population.n_nbhd)
        chosen = STRATEGIES.get(self.p.organising)
        self.strategy = chosen(model) if chosen else None

    def step(self) -> None:
        """Charge a day of each organiser, then let the strategy work."""
        if self.strategy is None:
            return
        m = self.model
        per_nbhd = m.organisers.per_nbhd(m.population.n_nbhd)
        m.tally["cost_gbp"] += per_nbhd * self.strategy.cost_per_year() / 365
        self.strategy.work(per_nbhd)
