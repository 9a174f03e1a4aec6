"""The one parameter object of saferstreets.

Every constant of the model is a field of :class:`Params`, with a unit, an
allowed range (or a set of choices) and a source ("assumed" where there is
none). The CLI ``--set`` flags, the scenario files, the Solara sliders and the
ODD parameter table are all generated from these fields, so defaults cannot
drift between them.

One time step is one day.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

CONCERNS: tuple[str, ...] = ("burglary", "vehicle", "lighting", "youth")
"""Issues a resident can care about (index = bit in the concerns mask)."""

CRIME_TYPES: tuple[str, ...] = ("burglary", "vehicle", "theft", "robbery")
"""Acquisitive crime types offenders attempt."""

ORGANISING: tuple[str, ...] = ("none", "listening", "broadcast")
"""Organising strategies: none, listening-led, broadcast consultation."""


class ParameterError(ValueError):
    """A parameter (from code, a scenario file, the CLI or a slider) is invalid."""


@dataclass(frozen=True, slots=True)
class Spec:
    """Metadata of one parameter: unit, range or choices, source, meaning."""

    unit: str
    lo: float | None
    hi: float | None
    source: str
    doc: str
    choices: tuple[str, ...] | None = None
    ui: bool = True
    """Offered as a slider in the browser pages."""


def _p(default: Any, unit: str, lo: float | None, hi: float | None, source: str, doc: str,
       choices: tuple[str, ...] | None = None, ui: bool = True) -> Any:
    return field(default=default, metadata={"spec": Spec(unit, lo, hi, source, doc, choices, ui)})


CO = "Community Organisers programme 2011-15 evaluation (Cabinet Office/Ipsos MORI 2015)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Params:
    """All model parameters. Build with ``Params(...)``, ``Params.from_mapping`` or ``replace``."""

    # --- place -------------------------------------------------------------
    n_residents: int = _p(2000, "households", 10, 2_000_000, "assumed",
                          "Households (one resident agent each) in the whole area.")
    n_neighbourhoods: int = _p(4, "neighbourhoods", 1, 64, "assumed",
                               "Neighbourhoods (wards) the area is split into.")
    households_per_segment: int = _p(20, "households", 2, 500, "assumed",
                                     "Households on one street segment.")
    segment_length_km: float = _p(0.1, "km", 0.01, 1.0, "assumed",
                                  "Distance between neighbouring street segments.")
    cohesion_mean: float = _p(0.67, "0-1", 0.0, 1.0, "calibrated: ~62% agree they belong to their "
                              "neighbourhood, Community Life Survey 2021/22", "Mean starting trust/cohesion.")
    cohesion_spread: float = _p(0.15, "0-1", 0.0, 0.5, "assumed",
                                "Neighbourhood means of starting trust spread over +/- this.")
    deprivation_spread: float = _p(0.5, "0-1", 0.0, 1.0, "assumed",
                                   "How much deprivation differs between neighbourhoods; deprived "
                                   "ones start with lower cohesion and house more offenders.")
    segment_attractiveness_sd: float = _p(1.0, "log-sd", 0.0, 3.0, "assumed",
                                          "Spread of target attractiveness between street segments.")
    household_attractiveness_sd: float = _p(0.5, "log-sd", 0.0, 3.0, "assumed",
                                            "Spread of target attractiveness within a segment.")
    p_home: float = _p(0.55, "prob/day", 0.0, 1.0, "assumed; UK time-use surveys",
                       "Chance a resident is at home or on the street on a given day.")

    # --- social network ----------------------------------------------------
    mean_degree: float = _p(8.0, "ties", 0.0, 50.0, "assumed; personal networks of ~5-15 "
                            "neighbourhood ties", "Mean social ties per resident.")
    tie_distance_segments: float = _p(1.0, "segments", 0.0, 20.0, "assumed",
                                      "Spatial reach of ties (sd of the segment offset).")
    p_tie_long_range: float = _p(0.1, "share", 0.0, 1.0, "assumed",
                                 "Share of ties to anyone in the neighbourhood regardless of distance.")
    groups_per_1000: float = _p(6.0, "groups", 0.0, 50.0, "assumed; NCVO civil society almanac",
                                "Existing community groups (faith, school, clubs, tenants).")
    group_size: float = _p(20.0, "members", 3.0, 200.0, "assumed", "Mean members per group.")
    leaders_per_group: int = _p(2, "leaders", 1, 10, "assumed",
                                "Informal leaders per existing group.")
    network_file: str = _p("", "path", None, None, "user data",
                           "GraphML or edge-list file of ties replacing the generated network.",
                           ui=False)

    # --- residents -----------------------------------------------------------
    efficacy_mean: float = _p(0.45, "0-1", 0.0, 1.0, "assumed",
                              "Mean starting belief that acting together works.")
    fear_mean: float = _p(0.3, "0-1", 0.0, 1.0, "assumed", "Mean starting fear of crime.")
    individual_sd: float = _p(0.15, "0-1", 0.0, 0.5, "assumed",
                              "Spread of starting trust, efficacy and fear between residents.")
    p_concern_burglary: float = _p(0.40, "share", 0.0, 1.0, "assumed", "Residents concerned by burglary.")
    p_concern_vehicle: float = _p(0.30, "share", 0.0, 1.0, "assumed", "Residents concerned by car crime.")
    p_concern_lighting: float = _p(0.30, "share", 0.0, 1.0, "assumed",
                                   "Residents concerned by street lighting.")
    p_concern_youth: float = _p(0.35, "share", 0.0, 1.0, "assumed",
                                "Residents concerned by youth provision.")
    fear_withdrawal: float = _p(0.5, "0-1", 0.0, 1.0, "assumed",
                                "How strongly fear cuts presence and willingness to intervene.")
    relax_rate: float = _p(1 / 180, "1/day", 0.0, 1.0, "assumed",
                           "Daily return of trust, fear and efficacy towards their starting level.")
    peer_influence: float = _p(0.01, "1/day", 0.0, 1.0, "assumed",
                               "Daily pull of trust and efficacy towards the mean of one's ties.")

    # --- organising --------------------------------------------------------
    organising: str = _p("none", "strategy", None, None, "scenario",
                         "Organising strategy.", choices=ORGANISING)
    n_organisers: int = _p(0, "organisers", 0, 1000, "scenario",
                           "Community organisers (spread over neighbourhoods).")
    listening_per_day: float = _p(0.63, "conversations/day", 0.0, 50.0,
                                  CO + ": ~230 people listened to per organiser-year",
                                  "One-to-one listening conversations per organiser per day.")
    broadcast_contacts_per_day: float = _p(25.0, "contacts/day", 0.0, 1000.0, "assumed",
                                           "Leaflet/door/meeting contacts per organiser per day.")
    broadcast_issue: str = _p("burglary", "issue", None, None, "scenario",
                              "Agenda set in advance by broadcast consultation.", choices=CONCERNS)
    meeting_interval_days: int = _p(30, "days", 1, 365, "assumed",
                                    "Days between public meetings under broadcast consultation.")
    p_attend_meeting: float = _p(0.02, "prob", 0.0, 1.0, "assumed; public meetings draw a few % "
                                 "of households leafleted",
                                 "Chance a contacted resident whose concern matches the agenda attends.")
    connections_per_conversation: float = _p(1.0, "ties", 0.0, 10.0, "assumed",
                                             "New ties an organiser brokers between residents "
                                             "sharing a concern, per conversation.")
    listen_trust_gain: float = _p(0.05, "0-1", 0.0, 1.0, "assumed",
                                  "Trust gained from being listened to.")
    listen_efficacy_gain: float = _p(0.05, "0-1", 0.0, 1.0, "assumed",
                                     "Efficacy gained from being listened to.")
    broadcast_trust_gain: float = _p(0.001, "0-1", 0.0, 1.0, "assumed",
                                     "Trust gained from a leaflet or meeting contact.")
    organiser_cost_gbp: float = _p(25_000.0, "GBP/year", 0.0, 1e6, CO + " (bursary + support)",
                                   "Cost of one organiser for a year.")

    # --- mobilisation and action groups ------------------------------------
    p_join: float = _p(0.006, "prob/day", 0.0, 1.0, "calibrated: ~16% of those listened to mobilised, " + CO,
                       "Daily chance a connected resident with enough active ties joins a group.")
    join_threshold: int = _p(2, "ties", 1, 20, "assumed; complex contagion (Centola 2010)",
                             "Active ties needed for the full joining chance.")
    lone_join_factor: float = _p(0.2, "x", 0.0, 1.0, "assumed",
                                 "Joining chance, relative, for those below the threshold.")
    mismatch_factor: float = _p(0.1, "x", 0.0, 1.0, "assumed",
                                "Joining chance, relative, when the group's issue is not one's own.")
    min_group_size: int = _p(4, "residents", 2, 100, "assumed",
                             "Connected residents sharing an issue needed to found an action group.")
    p_action_success: float = _p(0.02, "prob/day", 0.0, 1.0, "assumed",
                                 "Daily chance a group of min_group_size wins something (rises with size).")
    action_efficacy_gain: float = _p(0.05, "0-1", 0.0, 1.0, "assumed",
                                     "Efficacy gained by members from a success.")
    p_dropout: float = _p(0.003, "prob/day", 0.0, 1.0, "assumed",
                          "Daily chance an active member drops out (doubled by fear).")
    watch_notice_factor: float = _p(2.0, "x", 1.0, 10.0, "assumed",
                                    "How much more likely members of crime groups notice an attempt.")
    lighting_gain: float = _p(0.2, "0-1", 0.0, 1.0, "assumed",
                              "Lighting improvement of members' segments per lighting success.")
    youth_gain: float = _p(0.05, "0-1", 0.0, 1.0, "assumed",
                           "Cut in local offenders' motivation per youth-provision success.")

    # --- target hardening --------------------------------------------------
    hardening_budget_gbp: float = _p(0.0, "GBP/year", 0.0, 1e8, "scenario",
                                     "Yearly target-hardening budget (locks, lighting, gates).")
    hardening_cost_gbp: float = _p(400.0, "GBP/household", 1.0, 1e5,
                                   "assumed; order of Safer Streets Fund per-household spend",
                                   "Cost of hardening one household.")
    p_foil_hardened: float = _p(0.5, "prob", 0.0, 1.0, "assumed; Tseloni et al. 2017 security "
                                "device protection factors", "Chance hardening stops a burglary or "
                                "vehicle crime at that household.")

    # --- offenders ---------------------------------------------------------
    offenders_per_1000: float = _p(4.0, "offenders", 0.0, 100.0, "assumed",
                                   "Active acquisitive offenders per 1,000 residents.")
    p_attempt: float = _p(0.03, "prob/day", 0.0, 1.0, "assumed; ~40 attempts per 1,000 residents "
                          "per year, order of CSEW acquisitive crime", "Daily chance an offender tries.")
    share_burglary: float = _p(0.25, "share", 0.0, 1.0, "assumed; CSEW mix", "Share of attempts that are burglary.")
    share_vehicle: float = _p(0.35, "share", 0.0, 1.0, "assumed; CSEW mix", "Share that are vehicle crime.")
    share_theft: float = _p(0.30, "share", 0.0, 1.0, "assumed; CSEW mix", "Share that are theft.")
    share_robbery: float = _p(0.10, "share", 0.0, 1.0, "assumed; CSEW mix", "Share that are robbery.")
    journey_km: float = _p(1.5, "km", 0.05, 20.0, "assumed; UK journey-to-crime medians 1-3 km",
                           "Mean journey to crime (exponential decay).")
    candidates: int = _p(8, "targets", 1, 64, "assumed",
                         "Targets an offender weighs before choosing one.")
    risk_aversion: float = _p(3.0, "x", 0.0, 20.0, "assumed",
                              "How strongly perceived guardianship deters target choice.")
    near_repeat_boost: float = _p(1.0, "x", 0.0, 20.0, "assumed; Johnson & Bowers 2004",
                                  "Extra attractiveness per recent success on the segment.")
    near_repeat_days: float = _p(14.0, "days", 1.0, 365.0, "assumed; Johnson & Bowers 2004",
                                 "Half-life of the near-repeat effect.")
    p_notice: float = _p(0.1, "prob", 0.0, 1.0, "assumed",
                         "Chance a present neighbour notices an attempt on their segment.")
    tie_intervention_factor: float = _p(3.0, "x", 1.0, 20.0, "assumed",
                                        "How much likelier a neighbour intervenes when tied to the victim.")

    # --- feedback ----------------------------------------------------------
    victim_trust_loss: float = _p(0.05, "0-1", 0.0, 1.0, "assumed",
                                  "Trust lost by a victim.")
    victim_fear_gain: float = _p(0.15, "0-1", 0.0, 1.0, "assumed", "Fear gained by a victim.")
    nearby_fear_gain: float = _p(0.01, "0-1", 0.0, 1.0, "assumed",
                                 "Fear gained by residents of the segment per crime there.")
    nearby_trust_loss: float = _p(0.003, "0-1", 0.0, 1.0, "assumed",
                                  "Trust lost by residents of the segment per crime there.")
    foil_efficacy_gain: float = _p(0.01, "0-1", 0.0, 1.0, "assumed",
                                   "Efficacy gained by residents of a segment where a crime was foiled.")

    # --- measurement -------------------------------------------------------
    survey_sample: int = _p(300, "respondents", 0, 1_000_000, "assumed",
                            "Respondents per neighbourhood answering the 10-item scale each day "
                            "(0 = everyone).")
    survey_noise: float = _p(0.15, "0-1", 0.0, 1.0, "assumed",
                             "Response noise of one Likert item (latent scale).")
    network_metrics_every: int = _p(30, "days", 1, 10_000, "assumed",
                                    "Days between network measurements (clustering is costly).",
                                    ui=False)

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _coerce(f, getattr(self, f.name)))
        shares = self.crime_shares
        if not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
            raise ParameterError(
                "share_burglary + share_vehicle + share_theft + share_robbery must add up to 1, "
                f"got {sum(shares):.4g} ({', '.join(f'{s:g}' for s in shares)})")

    @property
    def crime_shares(self) -> tuple[float, float, float, float]:
        """Shares of attempts by crime type, in :data:`CRIME_TYPES` order."""
        return (self.share_burglary, self.share_vehicle, self.share_theft, self.share_robbery)

    @property
    def concern_prevalence(self) -> tuple[float, float, float, float]:
        """Share of residents concerned by each issue, in :data:`CONCERNS` order."""
        return (self.p_concern_burglary, self.p_concern_vehicle, self.p_concern_lighting,
                self.p_concern_youth)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Params | None = None) -> Params:
        """Return ``base`` (default: the baseline) with ``values`` overriding it.

        Unknown keys raise :class:`ParameterError` naming the closest valid key.
        """
        if not isinstance(values, Mapping):
            raise ParameterError(f"values={values!r:.60}: expected a mapping of parameter names to values")
        if base is not None and not isinstance(base, Params):
            raise ParameterError(f"base={base!r:.60}: expected a Params, e.g. load_scenario(name).params")
        check_keys(values)
        return dataclasses.replace(base or cls(), **values)

    def replace(self, **overrides: Any) -> Params:
        """A copy with ``overrides``, validated again."""
        return Params.from_mapping(overrides, base=self)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all values (for manifests and tables)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def diff(self, other: Params | None = None) -> dict[str, Any]:
        """Fields whose value differs from ``other`` (default: the baseline)."""
        other = other or Params()
        return {k: v for k, v in self.to_dict().items() if getattr(other, k) != v}


def spec(name: str) -> Spec:
    """The :class:`Spec` of parameter ``name``."""
    return FIELDS[name].metadata["spec"]


FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in fields(Params)}


def check_keys(values: Mapping[str, Any], where: str = "") -> None:
    """Raise :class:`ParameterError` for any key that is not a parameter."""
    for key in values:
        if key not in FIELDS:
            close = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(f"{where}unknown parameter '{key}'.{hint} "
                                 f"Valid parameters: {', '.join(FIELDS)}")


def allowed(name: str) -> str:
    """Human description of the allowed values of parameter ``name``."""
    f = FIELDS[name]
    s = spec(name)
    if s.choices:
        return "one of " + ", ".join(repr(c) for c in s.choices)
    kind = {int: "an integer", float: "a number", str: "text", bool: "true/false"}[_type(f)]
    if s.lo is None:
        return kind
    return f"{kind} in [{s.lo:g}, {s.hi:g}] ({s.unit})"


def parse_value(name: str, text: str) -> Any:
    """Convert command-line or text-box input for parameter ``name`` to its type."""
    if name not in FIELDS:
        check_keys({name: text})
    kind = _type(FIELDS[name])
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return text.lower() in ("true", "1", "yes")
        if kind is int:
            number = float(text)
            if not number.is_integer():
                raise ValueError
            return int(number)
        return kind(text)
    except ValueError:
        raise ParameterError(f"{name}={text!r}: expected {allowed(name)}") from None


def coerce(name: str, value: Any) -> Any:
    """``value`` checked and converted for parameter ``name`` (ints accepted for floats)."""
    check_keys({name: value})
    return _coerce(FIELDS[name], value)


def kind(name: str) -> type:
    """The Python type of parameter ``name`` (int, float, str or bool)."""
    return _type(FIELDS[name])


def _type(f: dataclasses.Field) -> type:
    return {"int": int, "float": float, "str": str, "bool": bool}[str(f.type)]


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    """Check type and range of one field's value; ints are accepted for floats."""
    kind, s = _type(f), f.metadata["spec"]
    shown = f"an integer of {value.bit_length():,} bits" if isinstance(value, int) and value.bit_length() > 200 \
        else repr(value)
    bad = ParameterError(f"{f.name}={shown}: expected {allowed(f.name)}")
    if isinstance(value, bool) and kind is not bool:
        raise bad
    if kind is float and isinstance(value, int):
        if value.bit_length() > 1000:
            raise bad
        value = float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind):
        raise bad
    if kind is float and not math.isfinite(value):
        raise bad
    if s.choices is not None and value not in s.choices:
        raise bad
    if s.lo is not None and not (s.lo <= value <= s.hi):
        raise bad
    return value
