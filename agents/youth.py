"""Youth provision: something youth-provision action groups build and must keep up, which diverts some young offenders.

Each neighbourhood has a level of youth provision (0 none to 1 the most a
neighbourhood's groups can run). Each win of its youth-provision group adds
``youth_build``; without upkeep provision halves every ``youth_upkeep_days``.
Provision acts only on young offenders living in the neighbourhood: on a
given day it reaches a share ``youth_reach x level`` of them (the cap), and a
young offender it reaches does not offend that day with chance
``youth_effect`` (the relative cut in offending among participants). Nothing
is permanent: when provision decays, offending recovers.
"""

from __future__ import annotations

import numpy as np

from simulation.component import Component
from simulation.fields import Section, param
from simulation.state import issue_index


def diversion_probability(young: np.ndarray, level: np.ndarray, reach: float, effect: float) -> np.ndarray:
    """Chance each offender is diverted today: young, living where provision is ``level`` (0 outside the area)."""
    return young * reach * level * effect


class YouthParams(Section, title="Youth provision"):
    youth_build: float = param(0.25, "0-1", 0.0, 1.0, "assumed",
                               "Provision a youth-provision group's win builds or restores (share of the most a "
                               "neighbourhood can run).")
    youth_upkeep_days: float = param(90.0, "days", 1.0, 3650.0, "assumed; volunteer-run provision lapses within "
                                     "months without upkeep", "Half-life of youth provision without further wins.")
    young_offender_share: float = param(0.4, "share", 0.0, 1.0, "assumed; offending peaks in the late teens "
                                        "(the age-crime curve, Farrington 1986)",
                                        "Share of offenders young enough for youth provision to reach.")
    youth_reach: float = param(0.3, "share", 0.0, 1.0, "assumed",
                               "Share of a neighbourhood's young offenders that full provision reaches (the cap).")
    youth_effect: float = param(0.1, "share", 0.0, 0.5, "assumed within published ranges: no significant effect "
                                "of sports participation or after-school programmes on delinquency (Spruit et al. "
                                "2016; Taheri & Welsh 2016) to reductions of about a fifth for mentoring "
                                "(Tolan et al. 2014); low confidence (YEF Toolkit, Gaffney, Farrington & White 2021)",
                                "Relative cut in a reached young offender's offending (0 switches youth provision "
                                "off).")


class YouthProvision(Component):
    """Phase 5: provision decays, youth groups' wins build it; it diverts some young offenders living in the area."""

    name = "youth"
    sections = (YouthParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.level = np.zeros(model.population.n_nbhd)
        self.fade = 0.5 ** (1 / self.p.youth_upkeep_days)

    def step(self) -> None:
        """Decay, today's wins, and today's diversions (one uniform per offender from the ``youth`` stream)."""
        p, off = self.p, self.model.offenders
        self.level *= self.fade
        won = self.model.requests.wins[:, issue_index("youth")]
        self.level[won] = np.minimum(1.0, self.level[won] + p.youth_build)
        level = np.where(off.nbhd >= 0, self.level[np.maximum(off.nbhd, 0)], 0.0)
        chance = diversion_probability(off.young, level, p.youth_reach, p.youth_effect)
        off.diverted = self.rng().random(len(off.nbhd)) < chance
