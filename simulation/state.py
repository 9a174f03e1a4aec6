"""Vocabulary and per-agent state: issues, crime types, kinds of place, participation stages, resident columns.

Issues and crime types are tables: one row each, read by name everywhere
else (no positional masks). A new crime type or issue is one row here; its
parameters (share of attempts, prevalence of the concern) and its outcome
columns are generated from the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


@dataclass(frozen=True)
class Issue:
    """A local issue residents can care about and organise on."""

    name: str
    label: str
    prevalence: float
    """Default share of residents concerned (parameter ``p_concern_<name>``)."""
    crime: bool
    """A crime issue: members of an action group on it watch their street."""


ISSUES: tuple[Issue, ...] = (
    Issue("burglary", "burglary", 0.40, crime=True),
    Issue("vehicle", "car crime", 0.30, crime=True),
    Issue("lighting", "street lighting", 0.30, crime=False),
    Issue("youth", "youth provision", 0.35, crime=False),
)
ISSUE_NAMES: tuple[str, ...] = tuple(i.name for i in ISSUES)
N_ISSUES = len(ISSUES)
NO_ISSUE = -1
CRIME_ISSUES = np.array([k for k, i in enumerate(ISSUES) if i.crime])


def issue_index(name: str) -> int:
    """Position of issue ``name`` (its bit in the concerns mask)."""
    return ISSUE_NAMES.index(name)


HEEKS = ("Heeks, Reed, Tafsiri & Prince 2018, The economic and social costs of crime, 2nd ed., "
         "Home Office Research Report 99, unit costs in 2015/16 prices")
PRICE_YEAR = "2015/16"


@dataclass(frozen=True)
class CrimeType:
    """One acquisitive crime type and how an attempt at it can go."""

    name: str
    label: str
    share: float
    """Default share of attempts (parameter ``share_<name>``; CSEW mix, assumed)."""
    hardenable: bool
    """Locks, lighting and gates at the target household can stop it."""
    occupant_foils: bool
    """Someone at home foils it (burglary)."""
    needs_victim_out: bool
    """Only possible against someone out on the street (robbery)."""
    concern: str | None
    """Issue a victim becomes concerned about."""
    unit_cost_gbp: float
    """Economic and social cost of one completed crime, in ``PRICE_YEAR`` prices."""
    cost_source: str


CRIME_TYPES: tuple[CrimeType, ...] = (
    CrimeType("burglary", "domestic burglary", 0.25, hardenable=True, occupant_foils=True, needs_victim_out=False,
              concern="burglary", unit_cost_gbp=5_930.0, cost_source=HEEKS + ": domestic burglary"),
    CrimeType("vehicle", "vehicle crime", 0.35, hardenable=True, occupant_foils=False, needs_victim_out=False,
              concern="vehicle", unit_cost_gbp=0.85 * 870.0 + 0.15 * 10_290.0,
              cost_source=HEEKS + ": theft from (GBP 870) and of (GBP 10,290) vehicles weighted 85:15 by CSEW "
                                  "volumes (weights assumed)"),
    CrimeType("theft", "personal theft", 0.30, hardenable=False, occupant_foils=False, needs_victim_out=False,
              concern=None, unit_cost_gbp=1_380.0, cost_source=HEEKS + ": theft from the person"),
    CrimeType("robbery", "personal robbery", 0.10, hardenable=False, occupant_foils=False, needs_victim_out=True,
              concern=None, unit_cost_gbp=11_320.0, cost_source=HEEKS + ": robbery"),
)
CRIME_NAMES: tuple[str, ...] = tuple(c.name for c in CRIME_TYPES)


def crime_column(attribute: str) -> np.ndarray:
    """One attribute of every crime type as an array (e.g. ``crime_column("hardenable")``)."""
    return np.array([getattr(c, attribute) for c in CRIME_TYPES])


@dataclass(frozen=True)
class PlaceKind:
    """A kind of micro-place: a crime generator or attractor (Brantingham & Brantingham 1995).

    Routine places (shops, transport stops, schools) are the activity nodes
    offenders visit and search around; every place multiplies the reward of
    some crime types on its street segment (more people, parked cars or
    passing trade).
    """

    name: str
    label: str
    share: float
    """Default share of street segments of this kind (parameter ``share_segments_<name>``)."""
    routine: bool
    """An activity node of offenders' routines (crime pattern theory)."""
    reward: tuple[tuple[str, float], ...]
    """(crime type, multiplier of its reward on such a segment); unnamed types 1."""
    source: str


PLACE_KINDS: tuple[PlaceKind, ...] = (
    PlaceKind("shops", "shops, pubs and services", 0.03, routine=True,
              reward=(("theft", 4.0), ("robbery", 3.0), ("vehicle", 1.5)),
              source="assumed multipliers; facilities raise street robbery and theft on their blocks "
                     "(Bernasco & Block 2011; Brantingham & Brantingham 1995)"),
    PlaceKind("transport", "transport stop or station", 0.02, routine=True,
              reward=(("theft", 4.0), ("robbery", 3.0)),
              source="assumed multipliers; transit stops are robbery and theft generators (Bernasco & Block 2011)"),
    PlaceKind("school", "school or college", 0.01, routine=True, reward=(("theft", 2.0), ("robbery", 2.0)),
              source="assumed multipliers; schools are activity nodes of young offenders (Bernasco & Block 2011)"),
    PlaceKind("car_park", "car park", 0.01, routine=False, reward=(("vehicle", 4.0),),
              source="assumed multiplier; car parks concentrate vehicle crime (Clarke & Mayhew 1998)"),
    PlaceKind("main_road", "through street", 0.10, routine=False, reward=(("burglary", 1.5), ("vehicle", 1.5)),
              source="assumed multipliers; permeable through streets carry more burglary (Johnson & Bowers 2010)"),
)
PLACE_NAMES: tuple[str, ...] = tuple(k.name for k in PLACE_KINDS)
NO_PLACE = -1


def place_reward() -> np.ndarray:
    """Reward multiplier by place kind (rows, then a last row of ones for 'no place') and crime type (columns)."""
    table = np.ones((len(PLACE_KINDS) + 1, len(CRIME_TYPES)))
    for k, kind in enumerate(PLACE_KINDS):
        for crime, factor in kind.reward:
            table[k, CRIME_NAMES.index(crime)] = factor
    return table


class Stage(IntEnum):
    """Participation ladder of a resident."""

    PASSIVE = 0
    LISTENED = 1     # had a listening conversation or went to a public meeting
    CONNECTED = 2    # tied by the organiser to others sharing their issue
    ACTIVE = 3       # member of a resident-led action group
    LEADER = 4       # leads an action group


STAGES = tuple(Stage)  # iterating an Enum is slow; recording does it every day


@dataclass(slots=True)
class Residents:
    """Columns of resident state. Attitudes are float32 in [0, 1]."""

    trust: np.ndarray            # cohesion / trust in neighbours
    efficacy: np.ndarray         # belief that acting together works
    fear: np.ndarray             # fear of crime
    base_trust: np.ndarray       # levels attitudes relax back to
    base_efficacy: np.ndarray
    base_fear: np.ndarray
    concerns: np.ndarray         # uint8 bitmask over ISSUES
    stage: np.ndarray            # int8 Stage
    issue: np.ndarray            # int8 issue they were mobilised on, NO_ISSUE if none
    asset_group: np.ndarray      # int32 existing community group, -1 if none
    is_leader: np.ndarray        # informal leader of an existing group
    hardened: np.ndarray         # household target-hardened
    meeting_invite: np.ndarray   # will attend the next public meeting
    n_victimised: np.ndarray     # int32 times victimised
    t_victimised: np.ndarray     # float32 day of last victimisation, -inf if never
    t_listened: np.ndarray       # float32 day of first one-to-one listening conversation, inf if never
    t_active: np.ndarray         # float32 day first active in an action group, inf if never
    present: np.ndarray          # at home / on the street today
    willingness: np.ndarray      # willingness to intervene (derived each day)

    @property
    def n(self) -> int:
        """Number of residents."""
        return len(self.trust)

    @classmethod
    def initial(cls, trust: np.ndarray, efficacy: np.ndarray, fear: np.ndarray,
                concerns: np.ndarray, asset_group: np.ndarray, is_leader: np.ndarray) -> Residents:
        """Residents at day 0: passive, never victimised, nothing hardened."""
        n = len(trust)
        return cls(
            trust=trust.copy(), efficacy=efficacy.copy(), fear=fear.copy(),
            base_trust=trust, base_efficacy=efficacy, base_fear=fear,
            concerns=concerns, stage=np.zeros(n, dtype=np.int8),
            issue=np.full(n, NO_ISSUE, dtype=np.int8), asset_group=asset_group,
            is_leader=is_leader, hardened=np.zeros(n, dtype=bool),
            meeting_invite=np.zeros(n, dtype=bool), n_victimised=np.zeros(n, dtype=np.int32),
            t_victimised=np.full(n, -np.inf, dtype=np.float32), t_listened=np.full(n, np.inf, dtype=np.float32),
            t_active=np.full(n, np.inf, dtype=np.float32), present=np.zeros(n, dtype=bool),
            willingness=np.zeros(n, dtype=np.float32))

    def has_concern(self, issue: int | np.ndarray, who: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Whether residents ``who`` care about ``issue``."""
        return (self.concerns[who] >> np.asarray(issue, dtype=np.uint8)) & 1 == 1
