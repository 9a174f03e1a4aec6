"""The one parameter object of saferstreets.

Every constant of the model is a field of :class:`Params`, with a unit, an
allowed range (or a set of choices) and a source ("assumed" where there is
none). The kernel's parameters (place, network, residents at the start,
measurement) are declared here; every component declares its own in its
file (:mod:`simulation.fields`), and this module gathers them all into one
frozen dataclass. The CLI ``--set`` flags, the scenario files, the Solara
sliders and the ODD parameter table are all generated from these fields, so
defaults cannot drift between them.

One time step is one day.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import fields, make_dataclass
from typing import Any, Mapping

from simulation.fields import ParameterError, Section, Spec, param, section
from simulation.state import ISSUES

__all__ = ["FIELDS", "ParameterError", "Params", "Spec", "allowed", "check_keys", "coerce", "kind", "parse_value",
           "spec"]


class PlaceParams(Section, title="Place"):
    n_residents: int = param(2000, "households", 10, 2_000_000, "assumed",
                             "Households (one resident agent each) in the whole area.")
    n_neighbourhoods: int = param(4, "neighbourhoods", 1, 64, "assumed",
                                  "Neighbourhoods (wards) the area is split into.")
    households_per_segment: int = param(20, "households", 2, 500, "assumed", "Households on one street segment.")
    segment_length_km: float = param(0.1, "km", 0.01, 1.0, "assumed",
                                     "Distance between neighbouring street segments.")
    cohesion_mean: float = param(0.67, "0-1", 0.0, 1.0, "calibrated: ~62% agree they belong to their "
                                 "neighbourhood, Community Life Survey 2021/22", "Mean starting trust/cohesion.")
    cohesion_spread: float = param(0.15, "0-1", 0.0, 0.5, "assumed",
                                   "Neighbourhood means of starting trust spread over +/- this.")
    deprivation_spread: float = param(0.5, "0-1", 0.0, 1.0, "assumed",
                                      "How much deprivation differs between neighbourhoods; deprived "
                                      "ones start with lower cohesion and house more offenders.")
    segment_attractiveness_sd: float = param(1.0, "log-sd", 0.0, 3.0, "assumed",
                                             "Spread of target attractiveness between street segments.")
    household_attractiveness_sd: float = param(0.5, "log-sd", 0.0, 3.0, "assumed",
                                               "Spread of target attractiveness within a segment.")


class NetworkParams(Section, title="Social network"):
    mean_degree: float = param(8.0, "ties", 0.0, 50.0, "assumed; personal networks of ~5-15 "
                               "neighbourhood ties", "Mean social ties per resident.")
    tie_distance_segments: float = param(1.0, "segments", 0.0, 20.0, "assumed",
                                         "Spatial reach of ties (sd of the segment offset).")
    p_tie_long_range: float = param(0.1, "share", 0.0, 1.0, "assumed",
                                    "Share of ties to anyone in the neighbourhood regardless of distance.")
    groups_per_1000: float = param(6.0, "groups", 0.0, 50.0, "assumed; NCVO civil society almanac",
                                   "Existing community groups (faith, school, clubs, tenants).")
    group_size: float = param(20.0, "members", 3.0, 200.0, "assumed", "Mean members per group.")
    leaders_per_group: int = param(2, "leaders", 1, 10, "assumed", "Informal leaders per existing group.")
    network_file: str = param("", "path", None, None, "user data",
                              "GraphML or edge-list file of ties replacing the generated network.", ui=False)


class ResidentParams(Section, title="Residents at the start"):
    efficacy_mean: float = param(0.45, "0-1", 0.0, 1.0, "assumed",
                                 "Mean starting belief that acting together works.")
    fear_mean: float = param(0.3, "0-1", 0.0, 1.0, "assumed", "Mean starting fear of crime.")
    individual_sd: float = param(0.15, "0-1", 0.0, 0.5, "assumed",
                                 "Spread of starting trust, efficacy and fear between residents.")


ConcernParams = section("Concerns", {
    f"p_concern_{issue.name}": ("float", param(issue.prevalence, "share", 0.0, 1.0, "assumed",
                                               f"Residents concerned by {issue.label}."))
    for issue in ISSUES})
"""One ``p_concern_<issue>`` parameter per issue of :data:`~simulation.state.ISSUES`."""


class MeasurementParams(Section, title="Measurement"):
    survey_sample: int = param(300, "respondents", 0, 1_000_000, "assumed",
                               "Respondents per neighbourhood answering the 10-item scale each day (0 = everyone).")
    survey_noise: float = param(0.15, "0-1", 0.0, 1.0, "assumed",
                                "Response noise of one Likert item (latent scale).")
    network_metrics_every: int = param(30, "days", 1, 10_000, "assumed",
                                       "Days between network measurements (clustering is costly).", ui=False)


def _sections() -> tuple[type[Section], ...]:
    """The kernel's sections, then each phase's and each organising strategy's, in the order of the day."""
    from agents import PHASES, STRATEGIES

    components = (*PHASES, *STRATEGIES.values())
    return (PlaceParams, NetworkParams, ResidentParams, ConcernParams, MeasurementParams,
            *dict.fromkeys(s for c in components for s in c.sections))


SECTIONS = _sections()


class _ParamsMethods:
    """Behaviour of :class:`Params` (its fields come from :data:`SECTIONS`)."""

    __slots__ = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _coerce(f, getattr(self, f.name)))
        for sec in SECTIONS:
            sec.check(self)

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


def _assemble() -> type:
    """One frozen dataclass with every section's fields, each Spec stamped with its section's title."""
    seen: dict[str, str] = {}
    declared = []
    for sec in SECTIONS:
        for name, kind, f in sec.fields():
            if name in seen:
                raise TypeError(f"parameter '{name}' is declared by both '{seen[name]}' and '{sec.title}'")
            seen[name] = sec.title
            stamped = dataclasses.replace(f.metadata["spec"], section=sec.title)
            declared.append((name, kind, dataclasses.field(default=f.default, metadata={"spec": stamped})))
    cls = make_dataclass("Params", declared, bases=(_ParamsMethods,), frozen=True, slots=True, kw_only=True,
                         module=__name__)
    cls.__doc__ = "All model parameters. Build with ``Params(...)``, ``Params.from_mapping`` or ``replace``."
    generated = cls.__init__

    def __init__(self: Any, **values: Any) -> None:
        check_keys(values)   # a misspelt keyword gets the closest valid name, not Python's TypeError
        generated(self, **values)
    cls.__init__ = __init__
    return cls


Params = _assemble()


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
