"""Browser controls generated from the parameter definitions in :mod:`simulation.params`.

Ranges, defaults, units and meanings come from each field's :class:`~simulation.params.Spec`,
so the sliders cannot drift from the model. Size and cost fields get tighter caps
(:data:`UI_CAPS`) so that no browser request can ask for an unbounded population or budget,
and the explorer's horizon and replicates are bounded too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from agents.organising import STRATEGIES
from simulation.params import FIELDS, ParameterError, Params, parse_value, spec
from simulation.params import kind as param_kind

UI_CAPS: dict[str, tuple[float, float]] = {
    "n_residents": (100, 3000),
    "n_neighbourhoods": (1, 16),
    "n_organisers": (0, 40),
    "listening_per_day": (0.0, 5.0),
    "broadcast_contacts_per_day": (0.0, 200.0),
    "connections_per_conversation": (0.0, 5.0),
    "hardening_budget_gbp": (0.0, 500_000.0),
    "offenders_per_1000": (0.0, 20.0),
    "mean_degree": (0.0, 20.0),
    "p_join": (0.0, 0.5),
}
"""Browser-only limits, always inside the model's own range."""

HORIZON_DAYS = (90, 1095)
"""Explorer horizon: three months to three years."""
REPLICATES = (2, 20)
"""Explorer replicates per strategy."""
SEED_MAX = 2**31 - 1

TRAINER_FIELDS = ("n_residents", "n_neighbourhoods", "organising", "n_organisers", "listening_per_day",
                  "connections_per_conversation", "broadcast_contacts_per_day", "hardening_budget_gbp",
                  "cohesion_mean", "offenders_per_1000", "p_join")
"""Parameters offered as sliders on the trainer page."""

LABELS = {"n_residents": "Households", "n_organisers": "Organisers", "organising": "Organising strategy",
          "hardening_budget_gbp": "Target-hardening budget", "cohesion_mean": "Starting trust between neighbours",
          "offenders_per_1000": "Offenders per 1,000 households", "p_join": "Daily chance of joining a group",
          "listening_per_day": "Listening chats per organiser", "n_neighbourhoods": "Neighbourhoods",
          "connections_per_conversation": "Introductions per chat",
          "broadcast_contacts_per_day": "Leaflets per organiser"}
"""Short plain-language labels (other parameters get their name and unit)."""
CHOICE_LABELS = {"none": "No organising",
                 **{name: strategy.sections[0].title for name, strategy in STRATEGIES.items()}}
"""Plain words for the choices of ``organising``: each strategy's own title."""


@dataclass(frozen=True)
class Control:
    """One browser input for parameter ``name``."""

    name: str
    label: str
    kind: type
    default: Any
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    choices: tuple[str, ...] | None = None
    doc: str = ""

    def check(self, value: Any) -> Any:
        """``value`` converted to the parameter's type; ParameterError if outside this control's range."""
        value = parse_value(self.name, str(value)) if isinstance(value, str) and self.kind is not str else value
        if self.choices is not None:
            if value not in self.choices:
                raise ParameterError(f"{self.name}={value!r}: expected one of {', '.join(self.choices)}")
            return value
        whole = self.kind is not int or (isinstance(value, (int, float)) and float(value).is_integer())
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not whole or \
                not self.lo <= value <= self.hi:
            number = "a whole number" if self.kind is int else "a number"
            raise ParameterError(f"{self.name}={value!r}: expected {number} in [{self.lo:g}, {self.hi:g}] "
                                 f"({spec(self.name).unit})")
        return int(value) if self.kind is int else float(value)


def nice_step(span: float, kind: type) -> float:
    """About 1/100 (integers) or 1/500 (floats) of ``span``, rounded up to 1, 2 or 5 times a power of ten."""
    raw = span / (100 if kind is int else 500)
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1, int(step)) if kind is int else step


def control(name: str, default: Any = None) -> Control:
    """The browser control of parameter ``name`` (default: the model's default)."""
    if name not in FIELDS:
        raise ParameterError(f"unknown parameter '{name}'")
    s = spec(name)
    kind = param_kind(name)
    value = getattr(Params(), name) if default is None else default
    label = LABELS.get(name, f"{name.replace('_', ' ').capitalize()} ({s.unit})")
    if s.choices:
        return Control(name, label, str, value, choices=s.choices, doc=s.doc)
    if not s.ui or s.lo is None or kind not in (int, float):
        raise ParameterError(f"parameter '{name}' is not offered in the browser")
    lo, hi = UI_CAPS.get(name, (s.lo, s.hi))
    return Control(name, label, kind, value, kind(lo), kind(hi), nice_step(hi - lo, kind),
                   doc=s.doc)


def trainer_controls(base: Params) -> list[Control]:
    """Controls of :data:`TRAINER_FIELDS`, defaulting to the values of ``base``."""
    return [control(name, getattr(base, name)) for name in TRAINER_FIELDS]


def check_overrides(values: dict[str, Any]) -> dict[str, Any]:
    """Validate browser-supplied parameter overrides against their controls (bounded by :data:`UI_CAPS`)."""
    return {name: control(name).check(value) for name, value in values.items()}


def check_whole(name: str, value: Any, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] from a browser input (digits only: no "1e3"), or ParameterError naming ``name``."""
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not lo <= int(text) <= hi:
        raise ParameterError(f"{name}={value!r}: expected a whole number in [{lo}, {hi}]")
    return int(text)


def format_value(name: str, value: Any) -> str:
    """``value`` of parameter ``name`` in its real unit, for slider labels ("0.6% a day", "£12,000 a year")."""
    s = spec(name)
    if s.choices:
        return CHOICE_LABELS.get(value, str(value))
    unit = s.unit
    if unit == "GBP/year":
        return f"£{value:,.0f} a year"
    if unit.startswith("prob"):
        return f"{100 * value:.3g}%" + (" a day" if unit == "prob/day" else "")
    if unit == "0-1":
        return f"{value:.2f} on 0-1"
    if param_kind(name) is int:
        return f"{value:,} {unit}"
    return f"{value:,.3g} {unit.replace('/day', ' a day')}"
