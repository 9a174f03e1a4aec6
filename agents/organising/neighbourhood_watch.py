"""Police-led Neighbourhood Watch: officers recruit households into watch schemes on a crime agenda.

Police community support officers (PCSOs) knock on doors and hold street
briefings in their neighbourhood; a household concerned about burglary or
car crime joins the local scheme more readily than one that is not. Members
watch their street (they notice an attempt more often, like members of a
resident-led crime group) until their membership lapses; membership outlives
the funding and decays at its lapse rate. A visit brings the small gains of
a leaflet contact, and visits beyond a household's fifth none
(``contact_saturation``). Nothing here is built on listening or on
residents' own issues: the agenda is the police's.
Evidence: Bennett, Holloway & Farrington (2008) meta-analysis, crime
reductions of about 16-26% in evaluated schemes, mechanisms unclear
(surveillance and reporting are the usual accounts); many schemes lapse
into inactivity.
"""

from __future__ import annotations

import numpy as np

from agents.organising.common import Strategy
from simulation.fields import Section, param
from simulation.state import CRIME_ISSUES


class NeighbourhoodWatchParams(Section, title="Neighbourhood Watch (police-led)"):
    watch_contacts_per_day: float = param(10.0, "households/day", 0.0, 500.0, "assumed",
                                          "Households an officer visits or briefs about the scheme per day.")
    p_watch_join: float = param(0.1, "prob", 0.0, 1.0, "assumed; about a quarter of households in England "
                                "and Wales said they were members in the 2000 British Crime Survey (Sims 2001)",
                                "Chance a visited household concerned about crime joins the scheme "
                                "(times mismatch_factor if not concerned).")
    p_watch_lapse: float = param(0.002, "prob/day", 0.0, 1.0, "assumed; many schemes lapse into inactivity "
                                 "(Bennett, Holloway & Farrington 2008)",
                                 "Daily chance a member's watching lapses.")
    watch_trust_gain: float = param(0.005, "0-1", 0.0, 1.0, "assumed: as a leaflet contact (a brief doorstep "
                                    "recruitment visit, not a conversation about the resident's own concerns)",
                                    "Trust gained from an officer's visit.")
    watch_efficacy_gain: float = param(0.005, "0-1", 0.0, 1.0, "assumed: as a leaflet contact",
                                       "Efficacy gained from an officer's visit.")
    watch_cost_gbp: float = param(35_000.0, "GBP/year", 0.0, 1e6, "assumed; order of a PCSO's yearly "
                                  "employment cost", "Cost of one officer's year of watch recruitment.")


class NeighbourhoodWatch(Strategy):
    """Officers recruit households into watch schemes; members watch their street until they lapse."""

    name = "neighbourhood_watch"
    sections = (NeighbourhoodWatchParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.members = np.zeros(model.residents.n, dtype=bool)
        self.visits = np.zeros(model.residents.n, dtype=np.int64)

    def cost_per_year(self) -> float:
        """Cost of one officer for a year (GBP)."""
        return self.p.watch_cost_gbp

    def work(self, effort: np.ndarray) -> None:
        """Today's visits and joins (funded days only)."""
        p, r = self.p, self.model.residents
        rng = self.rng()
        visited = self.contact_at_random(p.watch_contacts_per_day, effort, self.visits, p.watch_trust_gain,
                                         p.watch_efficacy_gain, rng)
        concerned = r.has_concern(CRIME_ISSUES[:, None], visited).any(axis=0)
        joins = rng.random(len(visited)) < p.p_watch_join * np.where(concerned, 1.0, p.mismatch_factor)
        self.members[visited[joins]] = True

    def carry_on(self) -> None:
        """Every day, funded or not: memberships lapse (their own stream); members watch their street."""
        m = self.model
        lapse = m.streams.day("neighbourhood_watch:lapse", m.today).random(m.residents.n) < self.p.p_watch_lapse
        self.members &= ~lapse
        m.requests.watch |= self.members
