"""Youth provision: what the wins of youth-provision action groups do to local offending."""

from __future__ import annotations

import numpy as np

from simulation.component import Component
from simulation.fields import Section, param
from simulation.state import issue_index


class YouthParams(Section, title="Youth provision"):
    youth_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed",
                              "Cut in local offenders' motivation per youth-provision success.")


class YouthProvision(Component):
    """Phase 5: each win of a youth-provision group cuts the motivation of offenders living in its neighbourhood."""

    name = "youth"
    sections = (YouthParams,)

    def step(self) -> None:
        """Apply today's youth-provision wins (no randomness)."""
        m = self.model
        for k in np.flatnonzero(m.requests.wins[:, issue_index("youth")]):
            m.offenders.motivation[m.offenders.nbhd == k] *= 1 - self.p.youth_gain
