"""Organising strategies: each module of this package defines one, registered by defining it.

The organise phase (:class:`Organising`) runs the strategy named by the
``organising`` parameter. A new strategy is one module here (a
:class:`~agents.organising.common.Strategy` subclass with its parameters)
plus a scenario file that selects it.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

import numpy as np

from agents.organising.common import Organisers, Strategy, daily_hazard, funded
from simulation.component import Component
from simulation.fields import CO_EVALUATION, ParameterError, Section, param


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
    contact_saturation: int = param(5, "contacts", 0, 1000, "assumed from Green & Zelizer 2017: turnout rose with "
                                    "up to five mailers and not beyond",
                                    "Leaflet or doorstep contacts per household that still bring a gain; later "
                                    "ones bring none.")
    organising_start_day: int = param(0, "day", 0, 36_500, "scenario",
                                      "Day the funding starts: organisers work from the next day on.")
    organising_end_day: int = param(365, "day", 0, 36_500, "scenario; one year, the length of a Safer Streets "
                                    "Fund round and of a Community Organisers trainee's bursary year",
                                    "Last funded day: organisers stop working and cost nothing after it.")
    organiser_turnover: float = param(0.2, "share/year", 0.0, 0.99, "assumed; order of staff turnover in "
                                      "UK voluntary organisations",
                                      "Share of organisers who leave their post within a year.")
    vacancy_days: int = param(60, "days", 0, 730, "assumed; recruitment time",
                              "Days a post stays empty after its organiser leaves.")
    ramp_up_days: int = param(90, "days", 0, 730, "assumed",
                              "Days a replacement organiser takes to reach full effort (learning the patch, "
                              "rebuilding relationships); effort rises linearly.")

    @staticmethod
    def check(params) -> None:
        """The funded period must not end before it starts."""
        if params.organising_end_day < params.organising_start_day:
            raise ParameterError(f"organising_end_day={params.organising_end_day} is before "
                                 f"organising_start_day={params.organising_start_day}: expected end >= start")


class Organising(Component):
    """Phase 2 (organise): in the funded period the strategy's organisers work and cost; posts turn over."""

    name = "organising"
    sections = (OrganisingParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        model.organisers = Organisers.dealt(self.p.n_organisers, model.population.n_nbhd)
        chosen = STRATEGIES.get(self.p.organising)
        self.strategy = chosen(model) if chosen else None

    def step(self) -> None:
        """In the funded period posts turn over and each organiser in post costs a day and works; every day what the
        strategy leaves behind carries on."""
        p, m = self.p, self.model
        organisers = m.organisers
        organisers.effort[:] = 0.0
        organisers.coaching[:] = 0.0
        if self.strategy is None:
            return
        if not funded(m.today, p.organising_start_day, p.organising_end_day):
            self.strategy.carry_on()
            return
        leaving = organisers.in_post(m.today) & (self.rng().random(len(organisers.nbhd)) <
                                                 daily_hazard(p.organiser_turnover))
        organisers.turn_over(m.today, leaving, p.vacancy_days)
        k = m.population.n_nbhd
        in_post = organisers.in_post(m.today)
        m.tally["cost_gbp"] += np.bincount(organisers.nbhd[in_post], minlength=k) * self.strategy.cost_per_year() / 365
        organisers.effort[:] = np.bincount(organisers.nbhd, organisers.ramp(m.today, p.ramp_up_days), minlength=k)
        if self.strategy.coaches:
            organisers.coaching[:] = organisers.effort
        self.strategy.work(organisers.effort)
        self.strategy.carry_on()
