"""How parameters are declared: one :class:`Spec` per parameter, grouped in :class:`Section` class bodies.

The kernel (place, network, residents, measurement) and every component
(each process and each organising strategy in ``agents/``) declare their
own parameters in a ``Section``::

    class HardeningParams(Section, title="Target hardening"):
        hardening_cost_gbp: float = param(400.0, "GBP/household", 1.0, 1e5, "assumed", "Cost per household.")

:mod:`simulation.params` gathers every section into the one frozen
:class:`~simulation.params.Params`, so a new strategy declares its parameters
in its own file. This module imports nothing of the project, so components
can use it without import cycles.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field
from typing import Any, ClassVar


CO_EVALUATION = "Community Organisers programme 2011-15 evaluation (Cabinet Office/Ipsos MORI 2015)"
"""A source several parameters cite."""


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
    section: str = ""
    """Title of the section that declares it (set when ``Params`` is assembled)."""


def param(default: Any, unit: str, lo: float | None, hi: float | None, source: str, doc: str,
          choices: tuple[str, ...] | None = None, ui: bool = True) -> Any:
    """A parameter field: default, unit, allowed range (or ``choices``), source ("assumed" if none), meaning."""
    return field(default=default, metadata={"spec": Spec(unit, lo, hi, source, doc, choices, ui)})


class Section:
    """A titled group of parameters: annotated class attributes set with :func:`param`.

    Subclasses give ``title=`` in the class statement and may override
    :meth:`check` for rules that involve several fields.
    """

    title: ClassVar[str] = ""

    def __init_subclass__(cls, title: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.title = title or cls.__name__

    @classmethod
    def fields(cls) -> list[tuple[str, str, Field]]:
        """``(name, type name, field)`` of each parameter, in declaration order."""
        return [(name, str(kind), getattr(cls, name)) for name, kind in cls.__dict__.get("__annotations__", {}).items()]

    @staticmethod
    def check(params: Any) -> None:
        """Raise :class:`ParameterError` if the section's values do not fit together (default: no rule)."""


def section(title: str, fields: dict[str, tuple[str, Field]], base: type[Section] = Section) -> type[Section]:
    """A section built from ``{name: (type name, param(...))}``: for parameters generated from a table."""
    namespace = {"__annotations__": {name: kind for name, (kind, _) in fields.items()},
                 **{name: value for name, (_, value) in fields.items()}}
    return type(title.title().replace(" ", "") + "Params", (base,), namespace, title=title)
