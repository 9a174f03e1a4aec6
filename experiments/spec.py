"""Experiment files: scenarios x parameter grid x replicates, validated before anything runs.

An experiment file is TOML, parsed as data (never executed)::

    name = "listening_capacity"
    description = "How many listening conversations does it take?"
    seed = 20240601
    replicates = 10
    steps = 365
    scenarios = ["baseline", "listening_led"]      # shipped names or .toml paths
    baseline = "baseline"                          # reference for effects (default: first scenario)
    level = "area"                                 # or "neighbourhood"
    metrics = ["collective_efficacy", "completed"] # default: every area-level column
    [params]                                       # fixed overrides for every run
    n_residents = 1000
    [grid]                                         # full factorial over these values
    listening_per_day = [0.3, 0.63, 1.5]

Every key, value, scenario, metric and grid point is checked (each grid point
builds a :class:`~simulation.params.Params`) before the first run starts. The
``name`` is the default output folder (``results/<name>``), so it must be a
plain folder name. An experiment may have at most :data:`MAX_RUNS` runs
(``max_runs`` / ``--max-runs`` raises the limit); the count is checked
before any scenario or grid point is built.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.files import folder_name, read_toml, user_path
from simulation.metrics import METRICS
from simulation.params import ParameterError, Params, check_keys, coerce
from simulation.replicates import replicate_seeds
from simulation.scenarios import Scenario, load_scenario

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
TOP_LEVEL = ("name", "description", "seed", "replicates", "steps", "scenarios", "baseline", "level",
             "metrics", "params", "grid")
LEVELS = ("area", "neighbourhood")
MAX_STEPS = 5 * 365
MAX_REPLICATES = 1000
MAX_RUNS = 10_000
"""Default limit on runs per experiment (scenarios x grid points x replicates); ``--max-runs`` raises it."""


def model_columns() -> tuple[str, ...]:
    """The columns of ``CommunityModel.results()``."""
    return ("step", "neighbourhood", *METRICS)


def metric_choices(level: str) -> tuple[str, ...]:
    """Metrics an experiment may keep (at either level: area rows combine them as their kind says)."""
    return tuple(METRICS)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: what to run, how often and what to keep."""

    name: str
    description: str
    seed: int
    replicates: int
    steps: int
    scenarios: tuple[Scenario, ...]
    baseline: str
    level: str
    metrics: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    sha256: str = ""
    path: Path | None = None

    def points(self) -> list[dict[str, Any]]:
        """Grid points (full factorial, in file order); one empty point without a grid."""
        return [dict(zip(self.grid, values)) for values in itertools.product(*self.grid.values())]

    def runs(self) -> list[dict[str, Any]]:
        """Every run as a plain picklable dict; replicate seeds are shared across scenarios (paired)."""
        seeds = replicate_seeds(self.seed, self.replicates)
        out = []
        for scenario in self.scenarios:
            for point in self.points():
                params = Params.from_mapping({**self.params, **point}, base=scenario.params)
                for replicate, seed in enumerate(seeds):
                    out.append(make_run(scenario.name, params, point, replicate, seed, self.steps,
                                        self.metrics, self.level))
        return out


def make_run(scenario: str, params: Params, point: dict[str, Any], replicate: int, seed: int, steps: int,
             metrics: tuple[str, ...], level: str) -> dict[str, Any]:
    """One run's description; ``id`` is a stable hash of everything that determines its rows."""
    values = params.to_dict()
    identity = json.dumps([scenario, values, point, replicate, seed, steps, list(metrics), level],
                          sort_keys=True, default=str)
    return {"id": hashlib.sha256(identity.encode()).hexdigest()[:16], "scenario": scenario, "params": values,
            "grid": point, "replicate": replicate, "seed": seed, "steps": steps, "metrics": list(metrics),
            "level": level}


def load_experiment(path: str | os.PathLike[str], max_runs: int = MAX_RUNS) -> Experiment:
    """Read and validate an experiment file (a path, or the name of a shipped example)."""
    path = resolve_path(path)
    data, raw = read_toml(path, "experiment file")
    return experiment_from_mapping(data, source=str(path), base_dir=path.parent, path=path,
                                   sha256=hashlib.sha256(raw).hexdigest(), max_runs=max_runs)


def resolve_path(name_or_path: str | os.PathLike[str]) -> Path:
    """The given file, or the shipped example of that name."""
    path = user_path(name_or_path, "experiment")
    if path.is_file():
        return path
    if path.is_dir():
        raise ParameterError(f"experiment '{path}' is a directory; expected a .toml experiment file")
    shipped = EXAMPLES_DIR / f"{path}.toml"
    if path.suffix != ".toml" and len(path.parts) == 1 and shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml")))
    raise ParameterError(f"experiment file not found: '{name_or_path}'. Shipped examples: {names}")


def count_runs(data: dict[str, Any], replicates: int, max_runs: int, source: str) -> int:
    """Runs an experiment table asks for, from list lengths alone; raises above ``max_runs``."""
    scenarios = data.get("scenarios")
    n_scenarios = len(scenarios) if isinstance(scenarios, list) else 1
    grid = data.get("grid", {})
    lengths = [len(v) for v in grid.values() if isinstance(v, list)] if isinstance(grid, dict) else []
    total = n_scenarios * math.prod(lengths) * replicates
    if total > max_runs:
        raise ParameterError(f"{source}: {total:,} runs ({n_scenarios} scenario(s) x {math.prod(lengths):,} grid "
                             f"point(s) x {replicates:,} replicate(s)); the limit is {max_runs:,} runs per "
                             f"experiment: shrink the grid or raise the limit with --max-runs {total}")
    return total


def experiment_from_mapping(data: dict[str, Any], source: str = "experiment", base_dir: Path | None = None,
                            path: Path | None = None, sha256: str = "", max_runs: int = MAX_RUNS) -> Experiment:
    """Validate a parsed experiment table; errors name the file, the field and the allowed values."""
    if not isinstance(data, dict):
        raise ParameterError(f"{source}: expected a table of keys (name, scenarios, ...), got {type(data).__name__}")
    for key in data:
        if key not in TOP_LEVEL:
            close = difflib.get_close_matches(key, TOP_LEVEL, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(f"{source}: unknown key '{key}'.{hint} Allowed keys: {', '.join(TOP_LEVEL)}")
    text = folder_name(data.get("name", path.stem if path else "experiment"), f"{source}: name")
    description = _expect(data, "description", str, "text", source, default="")
    seed = _integer(data, "seed", 0, 2**63 - 1, source, default=0)
    replicates = _integer(data, "replicates", 1, MAX_REPLICATES, source, default=5)
    steps = _integer(data, "steps", 1, MAX_STEPS, source, default=365)
    count_runs(data, replicates, max_runs, source)
    level = _expect(data, "level", str, f"one of {', '.join(LEVELS)}", source, default="area")
    if level not in LEVELS:
        raise ParameterError(f"{source}: level={level!r}: expected one of {', '.join(map(repr, LEVELS))}")
    scenarios = _scenarios(data, source, base_dir)
    names = [s.name for s in scenarios]
    baseline = _expect(data, "baseline", str, "a scenario name", source, default=names[0])
    if baseline not in names:
        raise ParameterError(f"{source}: baseline={baseline!r}: expected one of the experiment's scenarios: "
                             f"{', '.join(names)}")
    fixed = _table(data, "params", source)
    check_keys(fixed, where=f"{source}: [params] ")
    grid = _grid(data, source)
    overlap = set(fixed) & set(grid)
    if overlap:
        raise ParameterError(f"{source}: '{sorted(overlap)[0]}' is in both [params] and [grid]; keep it in one")
    experiment = Experiment(name=text, description=description, seed=seed, replicates=replicates, steps=steps,
                            scenarios=scenarios, baseline=baseline, level=level,
                            metrics=_metrics(data, level, source), params=fixed, grid=grid, sha256=sha256,
                            path=path)
    for scenario in scenarios:
        for point in experiment.points():
            try:
                Params.from_mapping({**fixed, **point}, base=scenario.params)
            except ParameterError as err:
                where = f"[grid] point {point}" if point else "[params]"
                raise ParameterError(f"{source}: scenario '{scenario.name}', {where}: {err}") from None
    return experiment


def _expect(data: dict[str, Any], key: str, kind: type, allowed: str, source: str, default: Any) -> Any:
    value = data.get(key, default)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ParameterError(f"{source}: {key}={value!r}: expected {allowed}")
    return value


def _integer(data: dict[str, Any], key: str, lo: int, hi: int, source: str, default: int) -> int:
    allowed = f"a whole number in [{lo}, {hi}]"
    value = _expect(data, key, int, allowed, source, default)
    if not lo <= value <= hi:
        raise ParameterError(f"{source}: {key}={value!r}: expected {allowed}")
    return value


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ParameterError(f"{source}: [{key}] must be a table of parameter = value")
    return value


def _scenarios(data: dict[str, Any], source: str, base_dir: Path | None) -> tuple[Scenario, ...]:
    entries = data.get("scenarios")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        raise ParameterError(f"{source}: scenarios={entries!r:.200}: expected a non-empty list of scenario names "
                             "or .toml paths, e.g. scenarios = [\"baseline\", \"listening_led\"]")
    _refuse_repeats(entries, source)
    loaded = []
    for entry in entries:
        local = base_dir / entry if base_dir and entry.endswith(".toml") else None
        try:
            loaded.append(load_scenario(local if local and local.is_file() else entry))
        except ParameterError as err:
            raise ParameterError(f"{source}: scenarios: {err}") from None
    _refuse_repeats([s.name for s in loaded], source)
    return tuple(loaded)


def _refuse_repeats(names: list[str], source: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ParameterError(f"{source}: scenarios: '{name}' is listed twice")
        seen.add(name)


def _grid(data: dict[str, Any], source: str) -> dict[str, tuple[Any, ...]]:
    grid = _table(data, "grid", source)
    check_keys(grid, where=f"{source}: [grid] ")
    out = {}
    for key, values in grid.items():
        if key in model_columns():
            raise ParameterError(f"{source}: [grid] {key}: this parameter is also a results column, so it "
                                 "cannot be a grid column; vary it with one scenario file per value instead")
        if not isinstance(values, list) or not values:
            raise ParameterError(f"{source}: [grid] {key}={values!r}: expected a non-empty list of values, "
                                 f"e.g. {key} = [a, b, c]")
        if len({json.dumps(v) for v in _typed(key, values, source)}) < len(values):
            raise ParameterError(f"{source}: [grid] {key} lists a value twice: {values!r}")
        out[key] = tuple(values)
    return out


def _typed(key: str, values: list[Any], source: str) -> list[Any]:
    """Grid values converted to the parameter's type (so 2 and 2.0 count as the same value)."""
    try:
        return [coerce(key, v) for v in values]
    except ParameterError as err:
        raise ParameterError(f"{source}: [grid] {err}") from None


def _metrics(data: dict[str, Any], level: str, source: str) -> tuple[str, ...]:
    choices = metric_choices(level)
    metrics = data.get("metrics", list(choices))
    if not isinstance(metrics, list) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise ParameterError(f"{source}: metrics={metrics!r}: expected a non-empty list of column names; "
                             f"allowed: {', '.join(choices)}")
    for metric in metrics:
        if metric not in choices:
            close = difflib.get_close_matches(metric, choices, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(f"{source}: unknown metric '{metric}' at level '{level}'{hint}. "
                                 f"Allowed metrics: {', '.join(choices)}")
    return tuple(dict.fromkeys(metrics))
