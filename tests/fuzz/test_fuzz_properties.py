"""Fuzz suite, property-based (hypothesis): whatever the input, a valid result or one clean line.

Each property feeds generated input to one surface and accepts exactly two
answers: success (whose result then obeys the rules: ties in range, runs within
the limit, parameters in their ranges) or a one-line ``ParameterError`` naming
the field or file. Any other exception fails. Examples are derandomised so CI
runs are repeatable.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from experiments.cli import app, parse_sets
from experiments.spec import MAX_RUNS, TOP_LEVEL, experiment_from_mapping
from simulation.files import EnvironmentFault
from simulation.model import CommunityModel
from simulation.network_file import read_network_file
from simulation.params import FIELDS, ParameterError, Params
from simulation.scenarios import load_scenario

FUZZ = settings(derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PARAMS = sorted(set(FIELDS) - {"network_file"})


def one_line(err: Exception, *names: str) -> None:
    """``err`` is a clean error: one line that names one of ``names``."""
    message = str(err)
    assert isinstance(err, (ParameterError, EnvironmentFault)), f"{type(err).__name__}: {message}"
    assert "\n" not in message and any(name in message for name in names), message


def write(content: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    with handle:
        handle.write(content)
    return Path(handle.name)


@settings(FUZZ, max_examples=300)
@given(name=st.sampled_from(PARAMS), value=st.text(max_size=40))
def test_any_set_value(name: str, value: str) -> None:
    try:
        params = Params.from_mapping(parse_sets([f"{name}={value}"]))
    except Exception as err:  # noqa: BLE001 - the property under test
        one_line(err, name, "add up to 1")
        return
    assert params.to_dict()[name] == getattr(Params(**{name: getattr(params, name)}), name)


TOML_KEYS = ["name", "title", "description", "params", "colour", "n_organisers", "p_home", "organising",
             "n_residents", "[params]", "[params.sub]", "[grid]"]
TOML_VALUES = ['"x"', '""', "3", "-1", "2.5", "inf", "nan", "true", "[1, 2]", "[]", "{a = 1}", '"listening"',
               "1979-05-27", '"\\u00e9"', "[[[[1]]]]", "0.5", "2_000", "0x10", '"a\\nb"', "=", '"', "[", ""]


@st.composite
def toml_like(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(TOML_KEYS))
        lines.append(key if key.startswith("[") else f"{key} = {draw(st.sampled_from(TOML_VALUES))}")
    text = "\n".join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1"])), errors="replace")


@settings(FUZZ, max_examples=300)
@given(content=st.one_of(toml_like(), st.binary(max_size=300)))
def test_any_scenario_file(content: bytes) -> None:
    path = write(content, ".toml")
    try:
        scenario = load_scenario(path)
    except Exception as err:  # noqa: BLE001 - the property under test
        one_line(err, str(path))
        return
    finally:
        path.unlink()
    assert isinstance(scenario.params, Params) and "\n" not in scenario.name


TOKENS = ["0", "1", "2", "19", "20", "-1", "00", "7", "a", "b", "1.5", "#", "{}", "{'w': 1}", "x\x00", ",", "\t",
          "é", "0.5", "n10", "99999999999999999999"]


@settings(FUZZ, max_examples=400)
@given(lines=st.lists(st.lists(st.sampled_from(TOKENS), max_size=4), max_size=25))
def test_any_edge_list(lines: list[list[str]]) -> None:
    path = write("\n".join(" ".join(tokens) for tokens in lines).encode(), ".txt")
    try:
        u, v = read_network_file(path, 20)
    except Exception as err:  # noqa: BLE001 - the property under test
        one_line(err, "network_file")
        return
    finally:
        path.unlink()
    pairs = np.minimum(u, v) * 20 + np.maximum(u, v)
    assert len(u) > 0 and (u != v).all() and ((0 <= u) & (u < 20) & (0 <= v) & (v < 20)).all()
    assert len(np.unique(pairs)) == len(pairs)


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 2000), st.floats(allow_nan=True), st.text(max_size=12),
                   st.lists(st.one_of(st.integers(-2, 5), st.floats(0, 1), st.sampled_from(["baseline", "x"])),
                            max_size=6),
                   st.dictionaries(st.sampled_from(["p_home", "n_residents", "colour", "p_join"]),
                                   st.one_of(st.floats(-1, 2), st.lists(st.floats(0, 1), max_size=4)), max_size=3))


@settings(FUZZ, max_examples=300)
@given(data=st.dictionaries(st.sampled_from([*TOP_LEVEL, "colour", "replicate"]), VALUES, max_size=8))
def test_any_experiment_table(data: dict[str, Any]) -> None:
    try:
        experiment = experiment_from_mapping(data, source="e.toml")
    except Exception as err:  # noqa: BLE001 - the property under test
        one_line(err, "e.toml")
        return
    assert len(experiment.scenarios) * len(experiment.points()) * experiment.replicates <= MAX_RUNS


OBJECTS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                    st.binary(max_size=5), st.lists(st.integers(), max_size=3),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(FUZZ, max_examples=150)
@given(value=OBJECTS, where=st.sampled_from(["params", "rng", "p_home", "n_residents", "run_for", "base"]))
def test_any_python_value_at_the_api(value: Any, where: str) -> None:
    if where == "run_for" and isinstance(value, (int, float)) and value > 5:
        return  # a valid long run, not a bad input
    calls = {"params": lambda: CommunityModel(value, n_residents=20),
             "rng": lambda: CommunityModel(n_residents=20, rng=value),
             "p_home": lambda: CommunityModel(n_residents=20, p_home=value),
             "n_residents": lambda: Params(n_residents=value),
             "run_for": lambda: CommunityModel(n_residents=20, rng=0).run_for(value),
             "base": lambda: Params.from_mapping({}, base=value)}
    try:
        calls[where]()
    except Exception as err:  # noqa: BLE001 - the property under test
        one_line(err, where, "scenario", "seed", "run_for")


ARGS = ["--steps", "--seed", "--set", "--out", "0", "1", "-1", "2.0", "abc", "", "p_home=2", "n_organisrs=1",
        "listening_led", "nowhere", "--bogus", "x.toml", "1e3", "--replicates"]


@pytest.mark.slow
@settings(FUZZ, max_examples=60)
@given(argv=st.lists(st.sampled_from(ARGS), max_size=6), command=st.sampled_from(["run", "compare", "survey"]))
def test_any_command_line(argv: list[str], command: str) -> None:
    """Random arguments; the trailing tiny options keep an accidentally valid run short (last value wins)."""
    with tempfile.TemporaryDirectory() as out, contextlib.chdir(out):
        tail = ["--steps", "1", "--set", "n_residents=20", "--out", f"{out}/{'a.csv' if command == 'survey' else 'o'}"]
        if command == "compare":
            tail += ["--replicates", "1"]
        result = CliRunner().invoke(app, [command, *argv, *tail], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code:
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.output
