"""Offending: offenders decide whether to offend and where, from their awareness space; attempts are resolved.

Rational choice (Cornish & Clarke 1986) within crime pattern theory
(Brantingham & Brantingham 1993). Each day an offender is ready to offend
with chance ``p_attempt``. A ready offender weighs candidate targets from
their **awareness space**: streets around home (distance decay), around
their routine activity nodes (shops, transport stops, schools) and places of
past success (memory). Each candidate's appeal is its reward (the
household's attractiveness times the place's multiplier for the crime type)
and what the offender remembers of the place; its risk is the guardianship
the offender *perceives* there (misread, plus watch signs), visible
hardening, a home that looks occupied (burglary) and what they learned of
the place. The offender takes the candidate with the highest utility
(``appeal - risk_aversion x risk`` plus Gumbel noise: a logit choice) - or
**declines** if not offending today is worth more (deterrence). A
candidate can lie in the ring around the study area, so a deterred offender
can also go elsewhere, including outside the area. Youth provision diverts
some young offenders before they search (:mod:`agents.youth`).

An attempt fails to get in, is foiled by an occupant, by hardening or by a
bystander (:mod:`agents.guardians`), or is completed, perhaps seen.
Offenders remember where they succeeded and where they were foiled or seen
(:mod:`agents.memory`), and one caught out by an occupant or a bystander is
readier to stay at home for a while, wherever they would have offended.

Every random number of a day is drawn up front as one block of uniforms of
fixed width per offender (other distributions by inverse transform), so each
offender meets the same circumstances on the same day under every strategy
and whatever the number of offenders: strategies differ only where they
changed the world (common random numbers).
"""

from __future__ import annotations

import numpy as np

from agents.guardians import (GuardianParams, acting_probability, intervention_probability, monitoring_probability,
                              noticed_probability, perceived_guardianship)
from agents.memory import OffenderMemory
from agents.residents import presence_probability, willingness_to_intervene
from simulation.component import Component
from simulation.counts import Grouping
from simulation.fields import ParameterError, Section, param, section
from simulation.state import CRIME_NAMES, CRIME_TYPES, ISSUE_NAMES, PLACE_KINDS, crime_column, place_reward

HARDENABLE = crime_column("hardenable")
OCCUPANT_FOILS = crime_column("occupant_foils")
NEEDS_VICTIM_OUT = crime_column("needs_victim_out")
BURGLARY = CRIME_NAMES.index("burglary")
CONCERN_BIT = np.array([0 if c.concern is None else 1 << ISSUE_NAMES.index(c.concern) for c in CRIME_TYPES],
                       dtype=np.uint8)
OUTCOMES = ("completed", "occupancy", "hardening", "intervention", "no_entry")
"""How an attempt ends: completed, or foiled by someone at home, by hardening or by a bystander, or no way in."""
COMPLETED, OCCUPANCY, HARDENING, INTERVENTION, NO_ENTRY = range(len(OUTCOMES))
PER_OFFENDER = ("ready", "kind", "occupant", "harden", "entry", "intervene", "seen", "decline")
PER_CANDIDATE = ("distance", "angle", "pick", "household", "present", "cue", "perception", "perception_angle",
                 "gumbel")
TINY = np.finfo(float).tiny


def crime_type(u: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Crime type index for uniforms ``u``, with probabilities ``shares`` (inverse CDF)."""
    return np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"), len(shares) - 1)


def exponential(u: np.ndarray, mean: float | np.ndarray) -> np.ndarray:
    """Exponential draws with ``mean`` from uniforms ``u`` in [0, 1)."""
    return -mean * np.log1p(-u)


def gumbel(u: np.ndarray) -> np.ndarray:
    """Gumbel(0, 1) draws from uniforms ``u``."""
    return -np.log(-np.log(np.maximum(u, TINY)))


def standard_normal(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Standard normal draws from two independent uniforms each (Box-Muller)."""
    return np.sqrt(-2.0 * np.log1p(-u)) * np.cos(2 * np.pi * v)


def choose(utility: np.ndarray, noise: np.ndarray, outside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logit choice among candidates (columns) with an outside option: (chosen column, declined).

    ``noise`` holds Gumbel(0, 1) draws per candidate and ``outside`` the
    outside option's utility plus its own Gumbel draw, so each candidate is
    chosen with probability proportional to exp(utility) and the outside
    option (decline) with probability proportional to exp(its utility).
    """
    total = utility + noise
    pick = np.argmax(total, axis=1)
    return pick, outside > total[np.arange(len(pick)), pick]


def resolve(kind: np.ndarray, present: np.ndarray, hardened: np.ndarray, p_intervene: np.ndarray,
            p_seen: np.ndarray, u: dict[str, np.ndarray], p) -> tuple[np.ndarray, np.ndarray]:
    """Outcome code of each attempt (:data:`OUTCOMES`) and whether a completed one was seen.

    In order: an occupant foils a burglary with chance ``p_occupant_foils``;
    hardening stops a hardenable crime at a hardened home with chance
    ``p_foil_hardened``; a burglary or vehicle crime fails to get in with
    chance ``p_no_entry``; a bystander intervenes with chance ``p_intervene``;
    otherwise it is completed, and seen (by someone who did not act) with
    chance ``p_seen``.
    """
    occupied = OCCUPANT_FOILS[kind] & present & (u["occupant"] < p.p_occupant_foils)
    stopped = ~occupied & HARDENABLE[kind] & hardened & (u["harden"] < p.p_foil_hardened)
    locked_out = ~occupied & ~stopped & HARDENABLE[kind] & (u["entry"] < p.p_no_entry)
    intervened = ~(occupied | stopped | locked_out) & (u["intervene"] < p_intervene)
    outcome = np.select([occupied, stopped, locked_out, intervened], [OCCUPANCY, HARDENING, NO_ENTRY, INTERVENTION],
                        COMPLETED)
    return outcome, (outcome == COMPLETED) & (u["seen"] < p_seen)


class OffendingParams(Section, title="Offending"):
    offenders_per_1000: float = param(4.0, "offenders", 0.0, 100.0, "assumed",
                                      "Active acquisitive offenders per 1,000 households (area and ring).")
    p_attempt: float = param(0.03, "prob/day", 0.0, 1.0, "assumed; ~40 attempts per 1,000 households per year, "
                             "order of CSEW acquisitive crime", "Daily chance an offender is ready to offend.")
    journey_km: float = param(1.5, "km", 0.05, 20.0, "assumed; UK journey-to-crime medians 1-3 km",
                              "Mean distance of searches from home and of routine trips (exponential decay).")
    risk_aversion: float = param(3.0, "x", 0.0, 20.0, "assumed",
                                 "Weight of perceived risk against log reward in target choice.")
    decline_utility: float = param(0.0, "log reward", -10.0, 10.0, "assumed",
                                   "Utility of not offending today: the outside option a deterred offender takes.")
    heat_half_life_days: float = param(14.0, "days", 1.0, 365.0, "assumed; near repeats fade within weeks "
                                       "(Johnson & Bowers 2004)",
                                       "Half-life of a segment's recent-crime heat (the hot-spot record that "
                                       "targets hardening).")


class AwarenessParams(Section, title="Offenders' awareness space and memory"):
    candidates_home: int = param(4, "targets", 0, 32, "assumed; distance decay from home (Rengert et al. 1999)",
                                 "Candidate targets a ready offender weighs around home.")
    candidates_routine: int = param(4, "targets", 0, 32, "assumed; crime pattern theory: offenders search near "
                                    "their activity nodes (Brantingham & Brantingham 1993)",
                                    "Candidate targets around routine activity nodes.")
    candidates_memory: int = param(2, "targets", 0, 32, "assumed; offenders return to places of past success "
                                   "(Bernasco, Johnson & Ruiter 2015)",
                                   "Candidate targets around remembered places of success (around home if none).")
    activity_nodes: int = param(3, "places", 1, 10, "assumed",
                                "Routine activity nodes (shops, transport stops, schools) of each offender.")
    routine_spread_km: float = param(0.07, "km", 0.01, 5.0, "calibrated: crime concentration, Weisburd 2015 "
                                     "(50% of crime on 2-6% of segments; 0.05 gives 2.9%, 0.07 3.7%, 0.1 5.8%, "
                                     "0.15 8.0%)",
                                     "Mean distance of candidates from an activity node or a remembered place.")
    memory_places: int = param(8, "places", 1, 64, "assumed", "Places an offender remembers.")
    memory_half_life_days: float = param(90.0, "days", 1.0, 3650.0, "assumed; the pull of past crime locations "
                                         "fades within months (Bernasco, Johnson & Ruiter 2015; Lammers et al. 2015)",
                                         "Half-life of what an offender remembers of a place.")
    memory_pull: float = param(1.0, "log reward", 0.0, 10.0, "assumed; optimal foraging (Johnson, Summers & "
                               "Pease 2009)", "Appeal added per remembered success at a place.")
    generalisation_km: float = param(0.2, "km", 0.01, 5.0, "assumed; offenders overestimate the reach of "
                                     "prevention (Clarke & Weisburd 1994)",
                                     "Distance over which what an offender learned of a place carries to nearby "
                                     "streets (Gaussian scale).")
    foil_risk_learned: float = param(0.5, "risk", 0.0, 5.0, "assumed; offenders raise their risk estimates after "
                                     "being caught out (Anwar & Loughran 2011)",
                                     "Risk an offender learns of a place where an occupant or bystander foiled them.")
    seen_risk_learned: float = param(0.2, "risk", 0.0, 5.0, "assumed",
                                     "Risk an offender learns of a place where they were seen.")
    caught_discouragement: float = param(0.2, "0-1", 0.0, 1.0, "assumed; offenders raise their perceived "
                                         "sanction risk after being caught out and offend less for a while "
                                         "(Anwar & Loughran 2011)",
                                         "Cut in an offender's readiness, anywhere, after an occupant or bystander "
                                         "foils them (recovers with memory_half_life_days).")


class OutcomeParams(Section, title="Attempts and their outcomes"):
    p_no_entry: float = param(0.37, "prob", 0.0, 1.0, "calibrated: just under half of burglaries are failed "
                              "attempts (Budd 1999); 0.35 gives 42%, 0.4 47%",
                              "Chance a burglary or vehicle crime fails to get in.")
    p_occupant_foils: float = param(0.5, "prob", 0.0, 1.0, "assumed; in a quarter of burglaries someone is at "
                                    "home and aware (Budd 1999)",
                                    "Chance someone at home foils a burglary of their home.")
    occupancy_cue: float = param(0.5, "prob", 0.0, 1.0, "calibrated: someone at home in 25-28% of burglaries "
                                 "(Budd 1999; Catalano 2010); 0.6 gives 23%, 0.5 27%",
                                 "Chance an occupied home looks occupied to a burglar.")
    occupied_risk: float = param(1.0, "risk", 0.0, 10.0, "assumed; burglars avoid occupied homes (Cromwell, "
                                 "Olson & Avary 1991)", "Risk a burglar sees in a home that looks occupied.")


class MapParams(Section, title="Open area and places"):
    ring_km: float = param(1.5, "km", 0.0, 10.0, "assumed; about one mean journey to crime",
                           "Width of the ring of similar streets around the study area (0: a closed area).")


PlaceShareParams = section("Places", {
    f"share_segments_{k.name}": ("float", param(k.share, "share", 0.0, 0.5, "assumed; " + k.source,
                                                f"Share of street segments with a {k.label}."))
    for k in PLACE_KINDS})
"""One ``share_segments_<kind>`` parameter per kind of place of :data:`~simulation.state.PLACE_KINDS`."""


class PlaceSharesAddUp(Section):
    """The places rule: at most every segment is a place."""

    @staticmethod
    def check(params) -> None:
        """Raise if the ``share_segments_<kind>`` parameters add up to more than 1."""
        total = sum(getattr(params, f"share_segments_{k.name}") for k in PLACE_KINDS)
        if total > 1 + 1e-9:
            raise ParameterError(f"{' + '.join(f'share_segments_{k.name}' for k in PLACE_KINDS)} must be at most 1, "
                                 f"got {total:.4g}")


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


def ring_guardianship(p, crime_map, tie_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ring's static guardianship: each ring household's chance of being in, and each ring segment's chance
    that an attempt is noticed and that it is stopped by a bystander (expected over who is in; ties to the victim
    at the study area's day-0 share of tied neighbours on a segment)."""
    present = presence_probability(p.p_home, crime_map.ring_fear, p.fear_withdrawal)
    willing = willingness_to_intervene(crime_map.ring_trust, crime_map.ring_efficacy, crime_map.ring_fear,
                                       p.fear_withdrawal)
    monitoring = monitoring_probability(p.p_notice, willing, present, 0.0, np.zeros(1, dtype=bool),
                                        p.watch_notice_factor)
    n_ring = crime_map.n_segments - crime_map.n_study
    segment = np.repeat(np.arange(n_ring), crime_map.segment_size[crime_map.n_study:])
    acting = acting_probability(p.p_intervene, crime_map.ring_efficacy, tie_share, p.tie_intervention_factor)
    per = int(crime_map.segment_size[crime_map.n_study:].max()) if n_ring else 0
    stopped = intervention_probability((monitoring * acting).reshape(n_ring, per), np.ones((n_ring, per)))
    return present, noticed_probability(monitoring, Grouping(segment, n_ring)), stopped


class Offending(Component):
    """Phase 6 (offend): readiness, search of the awareness space, choice or decline, outcomes, memory, effects."""

    name = "offending"
    sections = (OffendingParams, AwarenessParams, OutcomeParams, MapParams, PlaceShareParams, PlaceSharesAddUp,
                CrimeMixParams, GuardianParams, FeedbackParams)

    def __init__(self, model) -> None:
        super().__init__(model)
        p, m = self.p, model
        self.map = m.crime_map
        self.shares = crime_shares(p)
        self.width = p.candidates_home + p.candidates_routine + p.candidates_memory
        self.memory = OffenderMemory.empty(len(m.offenders.nbhd), p.memory_places)
        self.memory_fade = 0.5 ** (1 / p.memory_half_life_days)
        self.heat_fade = 0.5 ** (1 / p.heat_half_life_days)
        self.heat = np.zeros(self.map.n_segments)          # the whole map's; model.segments.heat is the study part
        m.segments.heat = self.heat[:self.map.n_study]
        self.reward_factor = place_reward()[self.map.place_kind]
        self.ring_present, self.ring_noticed, self.ring_stopped = ring_guardianship(p, self.map, self._tie_share())

    def _tie_share(self) -> float:
        """Share of pairs of households on the same study segment who are tied (day 0)."""
        m = self.model
        size = m.place.segment_size.astype(np.float64)
        pairs = (size * (size - 1) / 2).sum()
        return float(m.network.ties_within(m.place.resident_segment) / pairs) if pairs else 0.0

    def draws(self) -> dict[str, np.ndarray]:
        """Today's uniforms by name: one row of fixed width per offender (:data:`PER_OFFENDER`, then
        :data:`PER_CANDIDATE` x candidates), so an offender's row does not depend on how many offenders there are."""
        width = self.width
        block = self.rng().random((len(self.model.offenders.nbhd), len(PER_OFFENDER) + len(PER_CANDIDATE) * width))
        u = {name: block[:, i] for i, name in enumerate(PER_OFFENDER)}
        start = len(PER_OFFENDER)
        for i, name in enumerate(PER_CANDIDATE):
            u[name] = block[:, start + i * width:start + (i + 1) * width]
        return u

    def step(self) -> None:
        """Draw the day's numbers, let ready offenders decide and act, record; heat, memories and discouragement
        fade."""
        p, m = self.p, self.model
        u = self.draws()
        ready = np.flatnonzero(u["ready"] < p.p_attempt * m.offenders.motivation)
        if len(ready):
            self._decide(ready, {name: draws[ready] for name, draws in u.items()})
        self.heat *= self.heat_fade
        self.memory.fade(self.memory_fade)
        m.offenders.motivation[:] = 1.0 - (1.0 - m.offenders.motivation) * self.memory_fade

    # ------------------------------------------------------------ search and choice
    def _guardianship(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Today's monitoring chance per resident, and per map segment the chance of being noticed and a sign."""
        p, m = self.p, self.model
        r, place = m.residents, m.place
        monitoring = monitoring_probability(p.p_notice, r.willingness, r.present,
                                            m.segments.lighting[place.resident_segment], m.requests.watch,
                                            p.watch_notice_factor)
        noticed = np.concatenate([noticed_probability(monitoring, m.population.by_segment),
                                  self.ring_noticed])
        sign = np.zeros(self.map.n_segments)
        sign[:place.n_segments] = np.bincount(place.resident_segment[m.requests.watch],
                                              minlength=place.n_segments) > 0
        return monitoring, noticed, sign

    def _candidates(self, ready: np.ndarray, u: dict[str, np.ndarray]) -> np.ndarray:
        """Candidate points (ready offenders x candidates x 2, km): around home, routine nodes, remembered places."""
        p, off = self.p, self.model.offenders
        n_home, n_routine = p.candidates_home, p.candidates_routine
        centre = np.repeat(off.home_xy[ready][:, None, :], self.width, axis=1)
        spread = np.full(centre.shape[:2], p.journey_km)
        nodes = off.nodes[ready]
        routine = slice(n_home, n_home + n_routine)
        node = nodes[np.arange(len(ready))[:, None],
                     np.minimum((u["pick"][:, routine] * nodes.shape[1]).astype(np.int64), nodes.shape[1] - 1)]
        centre[:, routine] = self.map.segment_xy[node]
        spread[:, routine] = p.routine_spread_km
        for col in range(n_home + n_routine, self.width):
            place = self.memory.recall(ready, u["pick"][:, col])
            known = place >= 0
            centre[known, col] = self.map.segment_xy[place[known]]
            spread[known, col] = p.routine_spread_km
        distance = exponential(u["distance"], spread)
        angle = 2 * np.pi * u["angle"]
        return centre + np.stack([distance * np.cos(angle), distance * np.sin(angle)], axis=-1)

    def _decide(self, ready: np.ndarray, u: dict[str, np.ndarray]) -> None:
        """Search, choose or decline, attempt; tally each ready offender's fate by where their best
        opportunity lay (see :mod:`simulation.pathways`)."""
        p, m, cmap = self.p, self.model, self.map
        r, n = m.residents, cmap.n_residents
        kind = crime_type(u["kind"], self.shares)
        points = self._candidates(ready, u)
        seg = cmap.nearest_segment(points.reshape(-1, 2)).reshape(points.shape[:2])
        house = cmap.segment_start[seg] + (u["household"] * cmap.segment_size[seg]).astype(np.int64)
        study = seg < cmap.n_study
        resident, ring_house = np.minimum(house, n - 1), np.maximum(house - n, 0)
        present = np.where(study, r.present[resident], u["present"] < self.ring_present[ring_house]
                           if len(self.ring_present) else False)
        hardened = study & r.hardened[resident]
        monitoring, noticed, sign = self._guardianship()
        remembered, learned_risk = self.memory.near(ready, points, cmap.segment_xy, p.generalisation_km)
        appeal = (np.log(cmap.attractiveness[house] * self.reward_factor[seg, kind[:, None]])
                  + p.memory_pull * remembered)
        risk = (perceived_guardianship(noticed[seg], sign[seg], standard_normal(u["perception"], u["perception_angle"]), p.perception_noise,
                                       p.watch_sign_weight)
                + p.p_foil_hardened * (hardened & HARDENABLE[kind][:, None])
                + p.occupied_risk * (OCCUPANT_FOILS[kind][:, None] & present & (u["cue"] < p.occupancy_cue))
                + learned_risk)
        noise = gumbel(u["gumbel"])
        opportunity = np.argmax(appeal + noise, axis=1)
        available = ~(NEEDS_VICTIM_OUT[kind][:, None] & ~present)      # a robbery needs someone out
        pick, declined = choose(np.where(available, appeal - p.risk_aversion * risk, -np.inf), noise,
                                p.decline_utility + gumbel(u["decline"]))
        rows = np.arange(len(ready))
        diverted = m.offenders.diverted[ready]
        no_victim = ~diverted & ~available.any(axis=1)
        declined &= ~diverted & ~no_victim
        target, aimed = seg[rows, pick], seg[rows, opportunity]
        in_area, aimed_in_area = target < cmap.n_study, aimed < cmap.n_study
        go = ~diverted & ~declined & ~no_victim
        nbhd = cmap.segment_nbhd
        self._count("motivated", nbhd[aimed[aimed_in_area]])
        for name, fate in (("diverted", diverted), ("declined", declined), ("no_victim", no_victim),
                           ("moved_out", go & ~in_area)):
            self._count(name, nbhd[aimed[aimed_in_area & fate]])
        self._count("moved_in", nbhd[target[go & ~aimed_in_area & in_area]])
        attempt = np.flatnonzero(go)
        if len(attempt):
            self._attempt(ready[attempt], kind[attempt], target[attempt], house[attempt, pick[attempt]],
                          present[attempt, pick[attempt]], hardened[attempt, pick[attempt]],
                          {name: draws[attempt] for name, draws in u.items() if draws.ndim == 1},
                          monitoring, noticed)

    def _count(self, name: str, nbhds: np.ndarray) -> None:
        self.model.tally[name] += np.bincount(nbhds, minlength=self.model.population.n_nbhd)

    # ------------------------------------------------------------ attempts
    def _attempt(self, off: np.ndarray, kind: np.ndarray, segment: np.ndarray, house: np.ndarray,
                 present: np.ndarray, hardened: np.ndarray, u: dict[str, np.ndarray], monitoring: np.ndarray,
                 noticed: np.ndarray) -> None:
        """Resolve attempts in the area and in the ring; effects, memories, tallies and the crime log."""
        p, cmap = self.p, self.map
        in_area = segment < cmap.n_study
        ring_segment = np.maximum(segment - cmap.n_study, 0)
        p_intervene = np.zeros(len(off))
        if in_area.any():
            p_intervene[in_area] = self._bystanders(house[in_area], segment[in_area], monitoring)
        p_intervene[~in_area] = self.ring_stopped[ring_segment[~in_area]]
        outcome, seen = resolve(kind, present, hardened, p_intervene, noticed[segment], u, p)
        completed = outcome == COMPLETED
        np.add.at(self.heat, segment[completed], 1.0)
        caught_out = (outcome == OCCUPANCY) | (outcome == INTERVENTION)
        self.memory.learn(off, segment, completed.astype(float),
                          p.foil_risk_learned * caught_out + p.seen_risk_learned * seen)
        self.model.offenders.motivation[off[caught_out]] *= 1.0 - p.caught_discouragement
        area = np.flatnonzero(in_area)
        self._effects(house[area][completed[area]], kind[area][completed[area]], segment[area][completed[area]],
                      segment[area][outcome[area] == INTERVENTION])
        self._record(off[area], kind[area], house[area], segment[area], outcome[area], seen[area], present[area])
        ring = ~in_area
        self._count("ring_attempted", cmap.segment_nbhd[segment[ring]])
        self._count("ring_completed", cmap.segment_nbhd[segment[ring & completed]])

    def _bystanders(self, victim: np.ndarray, segment: np.ndarray, monitoring: np.ndarray) -> np.ndarray:
        """Chance a neighbour on the victim's segment notices and intervenes (likelier when tied to the victim)."""
        m, place = self.model, self.model.place
        width = int(place.segment_size.max())
        bystander = place.segment_start[segment][:, None] + np.arange(width)
        valid = (np.arange(width) < place.segment_size[segment][:, None]) & (bystander != victim[:, None])
        bystander = np.where(valid, bystander, victim[:, None])
        tied = m.network.are_tied(np.repeat(victim, width), bystander.ravel()).reshape(bystander.shape)
        acting = acting_probability(self.p.p_intervene, m.residents.efficacy[bystander], tied,
                                    self.p.tie_intervention_factor)
        return intervention_probability(monitoring[bystander] * valid, acting)

    def _effects(self, victims: np.ndarray, kinds: np.ndarray, crime_segments: np.ndarray,
                 foiled_segments: np.ndarray) -> None:
        """Victims lose trust and gain fear and a concern; the street gains fear; foiling builds efficacy."""
        p, m = self.p, self.model
        r, asked = m.residents, m.requests
        asked.trust[victims] -= p.victim_trust_loss
        asked.fear[victims] += p.victim_fear_gain
        np.add.at(r.n_victimised, victims, 1)
        r.t_victimised[victims] = m.today
        np.bitwise_or.at(r.concerns, victims, CONCERN_BIT[kinds])
        street, crimes = self._on_segments(crime_segments)
        asked.fear[street] += p.nearby_fear_gain * crimes
        asked.trust[street] -= p.nearby_trust_loss * crimes
        street, foiled = self._on_segments(foiled_segments)
        asked.efficacy[street] += p.foil_efficacy_gain * foiled

    def _on_segments(self, segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The residents of the segments listed (with repeats) and how many times their segment is listed."""
        place = self.model.place
        if len(segments) == 0:
            return segments, segments
        count = np.bincount(segments, minlength=place.n_segments)
        listed = np.flatnonzero(count)
        position, street = place.residents_on(listed)
        return street, count[listed][position]

    def _record(self, off: np.ndarray, kind: np.ndarray, victim: np.ndarray, segment: np.ndarray,
                outcome: np.ndarray, seen: np.ndarray, present: np.ndarray) -> None:
        """Tally attempts in the area by neighbourhood, type and outcome, and keep them for the crime log."""
        m = self.model
        nbhd = m.place.resident_nbhd[victim]
        for t, name in enumerate(CRIME_NAMES):
            of_type = kind == t
            self._count(f"attempted_{name}", nbhd[of_type])
            self._count(f"completed_{name}", nbhd[of_type & (outcome == COMPLETED)])
        for tally, code in (("interventions", INTERVENTION), ("foiled_by_occupants", OCCUPANCY),
                            ("foiled_by_hardening", HARDENING), ("failed_entry", NO_ENTRY)):
            self._count(tally, nbhd[outcome == code])
        self._count("seen", nbhd[seen])
        self._count("burglaries_someone_home", nbhd[(kind == BURGLARY) & present])
        distance = np.hypot(*(m.place.resident_xy[victim] - m.offenders.home_xy[off]).T)
        m.crimes.append((m.today, off, kind, victim, segment, nbhd, outcome, distance))
