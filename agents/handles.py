"""Mesa agents as thin handles over the model's numpy columns.

A handle stores only its row index; its attributes read through to the
arrays, so Mesa's API (``model.agents``, ``agents_by_type``, SolaraViz
portrayals) works while every step of the model is vectorised.
"""

from __future__ import annotations

from typing import Any

from mesa import Agent
from mesa.discrete_space import FixedAgent

from simulation.state import Stage


def _column(table: str, name: str, doc: str) -> property:
    def read(self: Any) -> Any:
        return getattr(getattr(self.model, table), name)[self.idx].item()
    return property(read, doc=doc)


class Resident(FixedAgent):
    """One household's resident (placed on the social network node ``idx``)."""

    def __init__(self, model: Any, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    trust = _column("residents", "trust", "Trust in neighbours (0-1).")
    efficacy = _column("residents", "efficacy", "Belief that acting together works (0-1).")
    fear = _column("residents", "fear", "Fear of crime (0-1).")
    willingness = _column("residents", "willingness", "Willingness to intervene (0-1).")
    present = _column("residents", "present", "At home / on the street today.")
    hardened = _column("residents", "hardened", "Household target-hardened.")
    is_leader = _column("residents", "is_leader", "Informal leader of an existing group.")
    n_victimised = _column("residents", "n_victimised", "Times victimised.")
    issue = _column("residents", "issue", "Issue mobilised on (-1 none).")
    neighbourhood = _column("place", "resident_nbhd", "Neighbourhood index.")
    segment = _column("place", "resident_segment", "Street segment index.")

    @property
    def stage(self) -> Stage:
        """Participation stage."""
        return Stage(int(self.model.residents.stage[self.idx]))


class Organiser(Agent):
    """A community organiser working in one neighbourhood."""

    def __init__(self, model: Any, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    neighbourhood = _column("organisers", "nbhd", "Neighbourhood worked in.")
    contacts = _column("organisers", "contacts", "Conversations or contacts made so far.")


class Offender(Agent):
    """An acquisitive-crime offender living on a street segment of the area or the ring (neighbourhood -1)."""

    def __init__(self, model: Any, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    home_segment = _column("offenders", "home_segment", "Street segment of home.")
    neighbourhood = _column("offenders", "nbhd", "Neighbourhood of home.")
    motivation = _column("offenders", "motivation", "Relative chance of being ready to offend on a day.")
    young = _column("offenders", "young", "Young enough for youth provision to reach.")
