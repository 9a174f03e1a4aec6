"""Target hardening: a yearly budget, over a funded period, buys locks, lighting and gates for hot spots and recent
victims (hardened households stay hardened after the funding ends)."""

from __future__ import annotations

import numpy as np

from agents.organising.common import funded, top
from simulation.component import Component
from simulation.fields import ParameterError, Section, param


def hardening_priority(segment_heat: np.ndarray, recently_victimised: np.ndarray,
                       reward: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Safer Streets targeting: hot-spot segments and recent victims first."""
    return segment_heat + 2.0 * recently_victimised + 0.1 * reward + 1e-3 * rng.random(len(reward))


class HardeningParams(Section, title="Target hardening"):
    hardening_budget_gbp: float = param(0.0, "GBP/year", 0.0, 1e8, "scenario",
                                        "Yearly target-hardening budget (locks, lighting, gates).")
    hardening_cost_gbp: float = param(400.0, "GBP/household", 1.0, 1e5,
                                      "assumed; order of Safer Streets Fund per-household spend",
                                      "Cost of hardening one household.")
    p_foil_hardened: float = param(0.5, "prob", 0.0, 1.0, "assumed; Tseloni et al. 2017 security "
                                   "device protection factors", "Chance hardening stops a burglary or "
                                   "vehicle crime at that household.")
    hardening_start_day: int = param(0, "day", 0, 36_500, "scenario",
                                     "Day the hardening budget starts: households are bought from the next day on.")
    hardening_end_day: int = param(365, "day", 0, 36_500, "scenario; one year, the length of a Safer Streets "
                                   "Fund round", "Last day of the hardening budget (nothing is bought after it).")

    @staticmethod
    def check(params) -> None:
        """The budget period must not end before it starts."""
        if params.hardening_end_day < params.hardening_start_day:
            raise ParameterError(f"hardening_end_day={params.hardening_end_day} is before "
                                 f"hardening_start_day={params.hardening_start_day}: expected end >= start")


class Hardening(Component):
    """Phase 3 (harden): in the budget period the balance grows daily and buys the households with the highest
    priority."""

    name = "hardening"
    sections = (HardeningParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.balance = 0.0

    def step(self) -> None:
        """Add a day's budget; harden as many households as it pays for."""
        p, m = self.p, self.model
        r = m.residents
        if p.hardening_budget_gbp <= 0 or not funded(m.today, p.hardening_start_day, p.hardening_end_day):
            return
        self.balance += p.hardening_budget_gbp / 365
        open_ = np.flatnonzero(~r.hardened)
        count = min(int(self.balance // p.hardening_cost_gbp), len(open_))
        if count == 0:
            return
        recent = (m.today - r.t_victimised[open_]) < 365
        score = hardening_priority(m.segments.heat[m.place.resident_segment[open_]], recent,
                                   m.place.attractiveness[open_], self.rng())
        chosen = open_[top(score, count)]
        r.hardened[chosen] = True
        self.balance -= count * p.hardening_cost_gbp
        m.tally["cost_gbp"] += p.hardening_cost_gbp * m.population.per_nbhd(chosen)
