"""Smoke tests of the benchmark (tiny sizes; no timing assertions)."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from experiments.bench import fit_exponent, time_boltzmann, time_model, time_model_of, time_reference
from experiments.bench_cli import parse_sizes
from experiments.cli import app
from simulation.params import ParameterError

TIMED = ("construct_s", "step_ms", "cpu_step_ms", "resident_steps_per_s", "peak_rss_mb")


def test_model_timing_has_positive_fields():
    row = time_model(500, 3, seed=1)
    assert row["kind"] == "model" and row["residents"] == 500 and row["ties"] > 0
    assert 5 < row["mean_degree"] < 15
    for name in TIMED:
        assert row[name] > 0, name


def test_reference_and_boltzmann_timings_have_positive_fields():
    for row in (time_reference(300, 2, seed=1), time_boltzmann(100, 2, seed=1)):
        for name in TIMED:
            assert row[name] > 0, (row["kind"], name)


def test_the_reference_steps_on_until_its_cpu_time_but_not_past_a_year():
    assert time_reference(300, 2, seed=1)["steps"] == 2
    steadied = time_reference(300, 2, seed=1, min_cpu_s=0.2)
    assert 2 < steadied["steps"] <= 365
    assert steadied["steps"] == 365 or steadied["cpu_step_ms"] * steadied["steps"] >= 200


def test_exponent_fit_recovers_a_power_law():
    size = np.array([1e3, 1e4, 1e5])
    assert fit_exponent(size, 3 * size**1.2) == pytest.approx(1.2)
    assert np.isnan(fit_exponent([1e3], [1.0]))


def test_bad_sizes_name_the_flag_and_the_range():
    assert parse_sizes("10000,1000,1_000") == [1000, 10000]
    for bad in ("", "abc", "5", "1000,3000000"):
        with pytest.raises(ParameterError, match="--sizes"):
            parse_sizes(bad)


def test_cli_bench_prints_and_writes_every_measurement_in_pairs(tmp_path, monkeypatch):
    import experiments.bench as bench
    import experiments.bench_cli as bench_cli

    monkeypatch.setattr(bench, "REFERENCE_SIZES", (300,))
    monkeypatch.setattr(bench, "BOLTZMANN_AGENTS", 100)
    monkeypatch.setitem(bench_cli.TARGETS["speedup"], 300, 1e6)
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "--sizes", "300,600", "--steps", "2", "--reference-steps", "1",
                                      "--pairs", "2", "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Mesa reference" in result.output and "agent-steps/s" in result.output and "exponent" in result.output
    data = json.loads(out.read_text())["benchmark"]
    kinds = [row["kind"] for row in data["rows"]]
    assert kinds == ["model", "mesa_reference", "mesa_reference", "model", "boltzmann"]
    pairs = data["rows"][1:3]
    assert [row["pair"] for row in pairs] == [0, 1]
    assert pairs[0]["model_cpu_step_ms"] == data["rows"][0]["cpu_step_ms"]    # the first pair uses the size's row
    for row in pairs:
        assert row["model_speedup"] == pytest.approx(row["cpu_step_ms"] / row["model_cpu_step_ms"])
        assert row["same_rules_speedup"] > 0
    assert "The same rules vectorised" in result.output
    assert "(median of 2 pairs: " in result.output and "at 300 - not met" in result.output
    assert np.isfinite(data["step_exponent"])
    assert np.isnan(data["step_exponent_largest_two"])  # needs three sizes or more


def test_another_checkout_is_timed_with_its_own_code():
    root = Path(__file__).resolve().parent.parent
    row = time_model_of(root, 300, 2, seed=1)
    assert row["kind"] == "against" and row["checkout"] == str(root) and row["residents"] == 300
    assert row["resident_steps_per_s"] > 0


def test_cli_rejects_bad_flags_cleanly(tmp_path):
    runner = CliRunner()
    for args in (["bench", "--sizes", "lots"], ["bench", "--out", "result.txt"], ["bench", "--against", str(tmp_path)],
                 ["bench", "--pairs", "0"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
