"""Scenarios: TOML files of parameter overrides on the baseline.

A scenario file has a ``name`` (an identifier), a plain-English ``title``, a one-line ``description`` and a ``[params]``
table holding only the parameters it changes::

    name = "listening_led"
    title = "Listening-led organising"
    description = "Four organisers holding one-to-one listening conversations."
    [params]
    organising = "listening"
    n_organisers = 4

Files are parsed as data (``tomllib``), never executed, and read through
:mod:`simulation.files` (at most 1 MB of UTF-8, nested at most 16 levels).
Every key and value is validated; errors name the file, the field and the
allowed values. ``load_scenario(name, shipped_only=True)`` loads only the
shipped scenarios by name and refuses paths (for names from a browser).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.files import read_toml, user_path
from simulation.params import Params, ParameterError, check_keys

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
TOP_LEVEL = ("name", "title", "description", "params")
TEXT_LIMITS = {"name": 64, "title": 100, "description": 1000}
"""Longest ``name``, ``title`` and ``description`` (characters)."""


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


def resolve_path(name_or_path: str | os.PathLike[str], shipped_only: bool = False) -> Path:
    """The file of a shipped scenario name, or the given path (refused when ``shipped_only``)."""
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ParameterError(f"scenario={name_or_path!r:.60}: expected a scenario name or a .toml file path "
                             "(parameters go in a Params or keyword overrides, e.g. n_residents=500)")
    path = user_path(name_or_path, "scenario")
    names = scenario_names()
    if shipped_only and str(name_or_path) not in names:
        raise ParameterError(f"unknown scenario {str(name_or_path)!r}; expected one of: {', '.join(names)}")
    if str(name_or_path) not in names and (path.suffix == ".toml" or path.exists() or len(path.parts) > 1):
        if not path.is_file():
            raise ParameterError(f"scenario file not found: '{path}'" + (" (it is a directory)"
                                                                          if path.is_dir() else ""))
        return path
    if str(name_or_path) not in names:
        raise ParameterError(f"unknown scenario '{name_or_path}'. Shipped scenarios: "
                             f"{', '.join(names)} (or give a path to a .toml file)")
    return SCENARIO_DIR / f"{name_or_path}.toml"


def load_scenario(name_or_path: str | os.PathLike[str], shipped_only: bool = False) -> Scenario:
    """Load and validate a scenario by shipped name or file path; ``shipped_only`` refuses paths."""
    path = resolve_path(name_or_path, shipped_only)
    data, _ = read_toml(path, "scenario file")
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
        limit = TEXT_LIMITS[field_name]
        if not isinstance(value, str) or not value.isprintable() or len(value) > limit or not value.strip() \
                and field_name == "name":
            raise ParameterError(f"{source}: '{field_name}' must be one line of text of at most {limit} "
                                 f"characters, got {value!r:.80}")
    overrides = data.get("params", {})
    if not isinstance(overrides, dict):
        raise ParameterError(f"{source}: [params] must be a table of parameter = value")
    check_keys(overrides, where=f"{source}: [params] ")
    try:
        params = Params.from_mapping(overrides)
    except ParameterError as err:
        raise ParameterError(f"{source}: {err}") from None
    return Scenario(name=name, description=description, params=params, path=path, title=title)
