"""Scenarios: TOML files of parameter overrides on the baseline.

A scenario file has a ``name`` (an identifier), a plain-English ``title``, a one-line ``description`` and a ``[params]``
table holding only the parameters it changes::

    name = "listening_led"
    title = "Listening-led organising"
    description = "Four organisers holding one-to-one listening conversations."
    [params]
    organising = "listening"
    n_organisers = 4

Files are parsed as data (``tomllib``), never executed. Every key and value is
validated; errors name the file, the field and the allowed values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.params import Params, ParameterError, check_keys

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
TOP_LEVEL = ("name", "title", "description", "params")


@dataclass(frozen=True)
class Scenario:
    """A named, described set of parameters."""

    name: str
    description: str
    params: Params
    path: Path | None = None
    title: str = ""
    """Plain-English name for tables and pages (defaults to the name with spaces)."""


def scenario_names() -> list[str]:
    """Names of the shipped scenarios (files in ``scenarios/``)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """The file of a shipped scenario name, or the given path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ParameterError(f"scenario file not found: '{path}'")
        return path
    shipped = SCENARIO_DIR / f"{name_or_path}.toml"
    if not shipped.is_file():
        raise ParameterError(f"unknown scenario '{name_or_path}'. Shipped scenarios: "
                             f"{', '.join(scenario_names())} (or give a path to a .toml file)")
    return shipped


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario by shipped name or file path."""
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ParameterError(f"{path}: not valid TOML: {err}") from None
    return scenario_from_mapping(data, source=str(path), path=path)


def scenario_from_mapping(data: dict[str, Any], source: str = "scenario", path: Path | None = None) -> Scenario:
    """Validate a parsed scenario table."""
    for key in data:
        if key not in TOP_LEVEL:
            raise ParameterError(f"{source}: unknown top-level key '{key}'; allowed: {', '.join(TOP_LEVEL)} "
                                 "(parameters go under [params])")
    name = data.get("name", path.stem if path else "scenario")
    description = data.get("description", "")
    title = data.get("title", str(name).replace("_", " ").capitalize())
    for field_name, value in (("name", name), ("title", title), ("description", description)):
        if not isinstance(value, str):
            raise ParameterError(f"{source}: '{field_name}' must be text, got {value!r}")
    overrides = data.get("params", {})
    if not isinstance(overrides, dict):
        raise ParameterError(f"{source}: [params] must be a table of parameter = value")
    check_keys(overrides, where=f"{source}: [params] ")
    try:
        params = Params.from_mapping(overrides)
    except ParameterError as err:
        raise ParameterError(f"{source}: {err}") from None
    return Scenario(name=name, description=description, params=params, path=path, title=title)
