"""Offending: offenders look for targets on a journey from home, choose one, and the attempt is resolved.

Every random number of a day is drawn up front, in blocks of fixed shape
(one row per offender), so each offender meets the same circumstances on
the same day under every strategy: who tries, the crime type, the
candidate targets, the choice noise and the outcome draws differ between
strategies only where a strategy changed the world (common random numbers).
"""

from __future__ import annotations

import numpy as np

from agents.guardians import GuardianParams, intervention_probability, notice_probability, segment_guardianship
from simulation.component import Component
from simulation.fields import ParameterError, Section, param, section
from simulation.state import CRIME_NAMES, CRIME_TYPES, ISSUE_NAMES, crime_column

HARDENABLE = crime_column("hardenable")
OCCUPANT_FOILS = crime_column("occupant_foils")
NEEDS_VICTIM_OUT = crime_column("needs_victim_out")
CONCERN_BIT = np.array([0 if c.concern is None else 1 << ISSUE_NAMES.index(c.concern) for c in CRIME_TYPES],
                       dtype=np.uint8)
OUTCOMES = ("completed", "occupancy", "hardening", "intervention")
"""How an attempt ends: completed, or foiled by someone at home, by hardening, or by a bystander."""


def candidate_points(home_xy: np.ndarray, distance: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Candidate target points (offenders x candidates x 2, km) at ``distance`` and ``angle`` from home.

    With distances drawn from an exponential, the journey to crime decays with distance.
    """
    return home_xy[:, None, :] + np.stack([distance * np.cos(angle), distance * np.sin(angle)], axis=-1)


def target_scores(reward: np.ndarray, heat: np.ndarray, risk: np.ndarray, near_repeat_boost: float,
                  risk_aversion: float) -> np.ndarray:
    """Log-attractiveness of candidate targets: reward, near-repeat heat, perceived risk."""
    return np.log(reward) + np.log1p(near_repeat_boost * heat) - risk_aversion * risk


def choose(scores: np.ndarray, gumbel: np.ndarray) -> np.ndarray:
    """Column chosen in each row with probability proportional to exp(score), given Gumbel(0, 1) noise."""
    return np.argmax(scores + gumbel, axis=1)


def crime_type(u: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Crime type index for uniforms ``u``, with probabilities ``shares`` (inverse CDF)."""
    return np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"), len(shares) - 1)


class OffendingParams(Section, title="Offending"):
    offenders_per_1000: float = param(4.0, "offenders", 0.0, 100.0, "assumed",
                                      "Active acquisitive offenders per 1,000 residents.")
    p_attempt: float = param(0.03, "prob/day", 0.0, 1.0, "assumed; ~40 attempts per 1,000 residents "
                             "per year, order of CSEW acquisitive crime", "Daily chance an offender tries.")
    journey_km: float = param(1.5, "km", 0.05, 20.0, "assumed; UK journey-to-crime medians 1-3 km",
                              "Mean journey to crime (exponential decay).")
    candidates: int = param(8, "targets", 1, 64, "assumed", "Targets an offender weighs before choosing one.")
    risk_aversion: float = param(3.0, "x", 0.0, 20.0, "assumed",
                                 "How strongly perceived guardianship deters target choice.")
    near_repeat_boost: float = param(1.0, "x", 0.0, 20.0, "assumed; Johnson & Bowers 2004",
                                     "Extra attractiveness per recent success on the segment.")
    near_repeat_days: float = param(14.0, "days", 1.0, 365.0, "assumed; Johnson & Bowers 2004",
                                    "Half-life of the near-repeat effect.")


class SharesAddUp(Section):
    """The crime-mix rule: shares of attempts add up to 1."""

    @staticmethod
    def check(params) -> None:
        """Raise if the ``share_<type>`` parameters do not add up to 1."""
        shares = crime_shares(params)
        if not np.isclose(shares.sum(), 1.0, atol=1e-6):
            names = " + ".join(f"share_{n}" for n in CRIME_NAMES)
            raise ParameterError(f"{names} must add up to 1, got {shares.sum():.4g} "
                                 f"({', '.join(f'{s:g}' for s in shares)})")


CrimeMixParams = section("Crime mix", {
    f"share_{c.name}": ("float", param(c.share, "share", 0.0, 1.0, "assumed; CSEW mix",
                                       f"Share of attempts that are {c.label}.")) for c in CRIME_TYPES},
    base=SharesAddUp)
"""One ``share_<type>`` parameter per crime type of :data:`~simulation.state.CRIME_TYPES`."""


class FeedbackParams(Section, title="Feedback of crime on residents"):
    victim_trust_loss: float = param(0.05, "0-1", 0.0, 1.0, "assumed", "Trust lost by a victim.")
    victim_fear_gain: float = param(0.15, "0-1", 0.0, 1.0, "assumed", "Fear gained by a victim.")
    nearby_fear_gain: float = param(0.01, "0-1", 0.0, 1.0, "assumed",
                                    "Fear gained by residents of the segment per crime there.")
    nearby_trust_loss: float = param(0.003, "0-1", 0.0, 1.0, "assumed",
                                     "Trust lost by residents of the segment per crime there.")
    foil_efficacy_gain: float = param(0.01, "0-1", 0.0, 1.0, "assumed",
                                      "Efficacy gained by residents of a segment where a crime was foiled.")


def crime_shares(params) -> np.ndarray:
    """Shares of attempts by crime type, in :data:`~simulation.state.CRIME_TYPES` order."""
    return np.array([getattr(params, f"share_{name}") for name in CRIME_NAMES])


class Offending(Component):
    """Phase 5 (offend): attempts, target choice under perceived guardianship, outcomes and their effects."""

    name = "offending"
    sections = (OffendingParams, CrimeMixParams, GuardianParams, FeedbackParams)

    def __init__(self, model) -> None:
        super().__init__(model)
        self.shares = crime_shares(self.p)
        self.heat_decay = 0.5 ** (1 / self.p.near_repeat_days)

    def step(self) -> None:
        """Draw the day's numbers, resolve the attempts, request their effects, log them; heat decays."""
        p, m = self.p, self.model
        r, place, segments = m.residents, m.place, m.segments
        n_off, width = len(m.offenders.nbhd), p.candidates
        rng = self.rng()
        u_attempt, u_kind, u_harden, u_intervene = rng.random((4, n_off))
        distance = rng.exponential(p.journey_km, (n_off, width))
        angle = rng.uniform(0.0, 2 * np.pi, (n_off, width))
        u_household = rng.random((n_off, width))
        gumbel = rng.gumbel(size=(n_off, width))
        off = np.flatnonzero(u_attempt < p.p_attempt * m.offenders.motivation)
        if len(off):
            self._attempts(off, crime_type(u_kind[off], self.shares), distance[off], angle[off], u_household[off],
                           gumbel[off], u_harden[off], u_intervene[off])
        segments.heat *= self.heat_decay

    def _attempts(self, off, kind, distance, angle, u_household, gumbel, u_harden, u_intervene) -> None:
        p, m = self.p, self.model
        r, place, segments = m.residents, m.place, m.segments
        points = candidate_points(m.offenders.home_xy[off], distance, angle)
        seg = place.nearest_segment(points.reshape(-1, 2)).reshape(points.shape[:2])
        home = place.segment_start[seg] + (u_household * place.segment_size[seg]).astype(np.int64)
        notice = notice_probability(p.p_notice, r.willingness, r.present, segments.lighting[place.resident_segment],
                                    m.requests.watch, p.watch_notice_factor)
        guard = segment_guardianship(notice, place.resident_segment, place.n_segments)
        risk = guard[seg] + p.p_foil_hardened * (r.hardened[home] & HARDENABLE[kind][:, None])
        pick = choose(target_scores(place.attractiveness[home], segments.heat[seg], risk, p.near_repeat_boost,
                                    p.risk_aversion), gumbel)
        rows = np.arange(len(off))
        victim, segment = home[rows, pick], seg[rows, pick]
        real = ~NEEDS_VICTIM_OUT[kind] | r.present[victim]      # a robbery needs someone out on the street
        off, kind, victim, segment = off[real], kind[real], victim[real], segment[real]
        u_harden, u_intervene = u_harden[real], u_intervene[real]
        occupied = OCCUPANT_FOILS[kind] & r.present[victim]
        hardened = ~occupied & HARDENABLE[kind] & r.hardened[victim] & (u_harden < p.p_foil_hardened)
        p_int = self._intervention(victim, segment, notice)
        intervened = ~occupied & ~hardened & (u_intervene < p_int)
        completed = ~(occupied | hardened | intervened)
        self._effects(victim[completed], kind[completed], segment[completed], segment[intervened])
        self._record(off, kind, victim, segment, np.select([occupied, hardened, intervened], [1, 2, 3], 0),
                     intervened)

    def _intervention(self, victim: np.ndarray, segment: np.ndarray, notice: np.ndarray) -> np.ndarray:
        """Chance a bystander on the victim's segment intervenes (likelier when tied to the victim)."""
        m, place = self.model, self.model.place
        width = int(place.segment_size.max())
        bystander = place.segment_start[segment][:, None] + np.arange(width)
        valid = (np.arange(width) < place.segment_size[segment][:, None]) & (bystander != victim[:, None])
        bystander = np.where(valid, bystander, victim[:, None])
        tied = m.network.are_tied(np.repeat(victim, width), bystander.ravel()).reshape(bystander.shape)
        return intervention_probability(notice[bystander] * valid, tied, self.p.tie_intervention_factor)

    def _effects(self, victims: np.ndarray, kinds: np.ndarray, crime_segments: np.ndarray,
                 foiled_segments: np.ndarray) -> None:
        """Victims lose trust and gain fear and a concern; the street gains heat and fear; foiling builds efficacy."""
        p, m = self.p, self.model
        r, asked, seg = m.residents, m.requests, m.place.resident_segment
        asked.trust[victims] -= p.victim_trust_loss
        asked.fear[victims] += p.victim_fear_gain
        np.add.at(r.n_victimised, victims, 1)
        r.t_victimised[victims] = m.today
        np.bitwise_or.at(r.concerns, victims, CONCERN_BIT[kinds])
        crimes = np.bincount(crime_segments, minlength=m.place.n_segments)
        m.segments.heat += crimes
        if len(crime_segments):
            asked.fear += p.nearby_fear_gain * crimes[seg]
            asked.trust -= p.nearby_trust_loss * crimes[seg]
        if len(foiled_segments):
            asked.efficacy += p.foil_efficacy_gain * np.bincount(foiled_segments, minlength=m.place.n_segments)[seg]

    def _record(self, off: np.ndarray, kind: np.ndarray, victim: np.ndarray, segment: np.ndarray,
                outcome: np.ndarray, intervened: np.ndarray) -> None:
        """Tally attempts by neighbourhood, type and outcome, and keep them for the crime log."""
        m = self.model
        nbhd = m.place.resident_nbhd[victim]
        for t, name in enumerate(CRIME_NAMES):
            of_type = kind == t
            m.tally[f"attempted_{name}"] += np.bincount(nbhd[of_type], minlength=m.population.n_nbhd)
            m.tally[f"completed_{name}"] += np.bincount(nbhd[of_type & (outcome == 0)], minlength=m.population.n_nbhd)
        m.tally["interventions"] += np.bincount(nbhd[intervened], minlength=m.population.n_nbhd)
        distance = np.hypot(*(m.place.resident_xy[victim] - m.offenders.home_xy[off]).T)
        m.crimes.append((m.today, off, kind, victim, segment, nbhd, outcome, distance))
