"""Broadcast consultation: leaflets on an agenda set in advance, and monthly public meetings.

Effect sizes come from the literature on impersonal contact and public
meetings rather than from listening-led organising's assumptions: a leaflet
moves people far less than a face-to-face conversation (Gerber & Green
2000) and a household's leaflets beyond the fifth move it no further
(``contact_saturation``; Green & Zelizer 2017), and attendance at monthly public meetings is calibrated to Chicago's
community-policing beat meetings at their peak (monthly meetings in every
beat: Skogan & Steiner 2004; attendance from police figures reported by WBEZ).
Attending a meeting is credited with the gains of a one-to-one conversation
(generous to broadcast: assumed). Broadcast organisers do not coach the
leaders of action groups.
"""

from __future__ import annotations

import numpy as np

from agents.organising.common import Strategy
from simulation.fields import Section, param
from simulation.state import ISSUE_NAMES, Stage, issue_index

IMPERSONAL = ("assumed: a tenth of a one-to-one conversation's gain; face-to-face canvassing raised turnout "
              "substantially, direct mail only slightly (Gerber & Green 2000)")
CAPS = ("calibrated: ~5.5 attendances per 1,000 households per monthly meeting, Chicago CAPS beat meetings at their "
        "2002 peak (70,024 attendances a year in 280 beats, Chicago Police Department figures reported by WBEZ; "
        "~1.06 million households, 2000 Census)")


class BroadcastParams(Section, title="Broadcast consultation"):
    broadcast_contacts_per_day: float = param(25.0, "contacts/day", 0.0, 1000.0, "assumed",
                                              "Leaflet/door/meeting contacts per organiser per day.")
    broadcast_issue: str = param("burglary", "issue", None, None, "scenario",
                                 "Agenda set in advance by broadcast consultation.", choices=ISSUE_NAMES)
    meeting_interval_days: int = param(30, "days", 1, 365, "assumed; beat meetings are monthly (Skogan & "
                                       "Steiner 2004)", "Days between public meetings under broadcast consultation.")
    p_attend_meeting: float = param(0.008, "prob", 0.0, 1.0, CAPS,
                                    "Chance a contacted resident whose concern matches the agenda attends the next "
                                    "meeting (times mismatch_factor otherwise).")
    broadcast_trust_gain: float = param(0.005, "0-1", 0.0, 1.0, IMPERSONAL, "Trust gained from a leaflet contact.")
    broadcast_efficacy_gain: float = param(0.005, "0-1", 0.0, 1.0, IMPERSONAL,
                                           "Efficacy gained from a leaflet contact.")
    meeting_trust_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed: as a one-to-one listening conversation",
                                      "Trust gained from attending a public meeting.")
    meeting_efficacy_gain: float = param(0.05, "0-1", 0.0, 1.0, "assumed: as a one-to-one listening conversation",
                                         "Efficacy gained from attending a public meeting.")


class Broadcast(Strategy):
    """Leaflets to random households; invitations to a public meeting whose attendees meet each other."""

    name = "broadcast"
    sections = (BroadcastParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.leaflets = np.zeros(model.residents.n, dtype=np.int64)

    def work(self, effort: np.ndarray) -> None:
        """Leaflet today; on meeting days hold the meeting and introduce attendees to each other."""
        p, m = self.p, self.model
        r, pop = m.residents, m.population
        rng = self.rng()
        agenda = issue_index(p.broadcast_issue)
        contacted = self.contact_at_random(p.broadcast_contacts_per_day, effort, self.leaflets, p.broadcast_trust_gain,
                                           p.broadcast_efficacy_gain, rng)
        attend = p.p_attend_meeting * np.where(r.has_concern(agenda, contacted), 1.0, p.mismatch_factor)
        r.meeting_invite[contacted[rng.random(len(contacted)) < attend]] = True
        if m.today % p.meeting_interval_days != 0:
            return
        attendees = np.flatnonzero(r.meeting_invite)
        r.meeting_invite[:] = False
        m.tally["meeting_attendances"] += pop.per_nbhd(attendees)
        m.requests.trust[attendees] += p.meeting_trust_gain
        m.requests.efficacy[attendees] += p.meeting_efficacy_gain
        r.stage[attendees] = np.maximum(r.stage[attendees], Stage.LISTENED)
        free = attendees[r.stage[attendees] < Stage.ACTIVE]
        r.issue[free] = agenda
        key = pop.nbhd[attendees]
        self.broker(attendees, key, attendees, key, rng)
