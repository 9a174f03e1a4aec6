"""Broadcast consultation: leaflets on an agenda set in advance, and monthly public meetings."""

from __future__ import annotations

import numpy as np

from agents.organising.common import Strategy
from simulation.fields import Section, param
from simulation.state import ISSUE_NAMES, Stage, issue_index


class BroadcastParams(Section, title="Broadcast consultation"):
    broadcast_contacts_per_day: float = param(25.0, "contacts/day", 0.0, 1000.0, "assumed",
                                              "Leaflet/door/meeting contacts per organiser per day.")
    broadcast_issue: str = param("burglary", "issue", None, None, "scenario",
                                 "Agenda set in advance by broadcast consultation.", choices=ISSUE_NAMES)
    meeting_interval_days: int = param(30, "days", 1, 365, "assumed",
                                       "Days between public meetings under broadcast consultation.")
    p_attend_meeting: float = param(0.02, "prob", 0.0, 1.0, "assumed; public meetings draw a few % "
                                    "of households leafleted",
                                    "Chance a contacted resident whose concern matches the agenda attends.")
    broadcast_trust_gain: float = param(0.001, "0-1", 0.0, 1.0, "assumed",
                                        "Trust gained from a leaflet or meeting contact.")


class Broadcast(Strategy):
    """Leaflets to random households; invitations to a public meeting whose attendees meet each other."""

    name = "broadcast"
    sections = (BroadcastParams,)

    def work(self, organisers_per_nbhd: np.ndarray) -> None:
        """Leaflet today; on meeting days hold the meeting and introduce attendees to each other."""
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        rng = self.rng()
        agenda = issue_index(p.broadcast_issue)
        contacts = rng.poisson(p.broadcast_contacts_per_day * organisers_per_nbhd)
        contacted = pop.random_in(np.repeat(np.arange(pop.n_nbhd), contacts), rng)
        self.count_contacts(contacted)
        m.requests.trust[contacted] += p.broadcast_trust_gain
        attend = p.p_attend_meeting * np.where(r.has_concern(agenda, contacted), 1.0, p.mismatch_factor)
        r.meeting_invite[contacted[rng.random(len(contacted)) < attend]] = True
        if m.today % p.meeting_interval_days != 0:
            return
        attendees = np.flatnonzero(r.meeting_invite)
        r.meeting_invite[:] = False
        r.stage[attendees] = np.maximum(r.stage[attendees], Stage.LISTENED)
        free = attendees[r.stage[attendees] < Stage.ACTIVE]
        r.issue[free] = agenda
        key = pop.nbhd[attendees]
        self.broker(attendees, key, attendees, key, rng)
