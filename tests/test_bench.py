"""Smoke tests of the benchmark (tiny sizes; no timing assertions)."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from experiments.bench import fit_exponent, time_boltzmann, time_model, time_model_of, time_reference
from experiments.bench_cli import parse_sizes, print_result, target_lines
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

    monkeypatch.setattr(bench, "REFERENCE_SIZES", (300,))
    monkeypatch.setattr(bench, "BOLTZMANN_AGENTS", 100)
    timed = []
    run_in_fresh_process = bench.in_fresh_process

    def recorded(fn, *args):
        timed.append((fn.__name__, args))
        return run_in_fresh_process(fn, *args)

    monkeypatch.setattr(bench, "in_fresh_process", recorded)
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "--sizes", "300,600", "--steps", "2", "--reference-steps", "1",
                                      "--pairs", "2", "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Mesa reference" in result.output and "agent-steps/s" in result.output and "exponent" in result.output
    assert "The same rules vectorised" in result.output
    pair = ["time_model", "time_reference", "time_same_rules"]
    assert [name for name, _ in timed] == pair + pair + ["time_model", "time_boltzmann"]   # the model timed anew
    data = json.loads(out.read_text())["benchmark"]
    assert [row["kind"] for row in data["rows"]] == ["model", "mesa_reference", "mesa_reference", "model", "boltzmann"]
    first, second = data["rows"][1:3]
    assert [first["pair"], second["pair"]] == [1, 2]
    assert first["model_cpu_step_ms"] == data["rows"][0]["cpu_step_ms"]    # the first pair uses the size's row
    for row, (_, same_rules_args) in zip((first, second), (timed[2], timed[5])):
        assert same_rules_args == (300, row["steps"], 1)                    # over the reference's own days
        assert row["model_speedup"] == pytest.approx(row["cpu_step_ms"] / row["model_cpu_step_ms"])
        assert row["same_rules_speedup"] == pytest.approx(row["cpu_step_ms"] / row["same_rules_cpu_step_ms"])


def made_up_result(reference_ratios, against_ratios):
    """A benchmark result with one pair row per ratio at 1,000 (reference) and 100,000 (another checkout)."""
    pair = {"steps": 5, "construct_s": 0.1, "step_ms": 4.0, "cpu_step_ms": 4.0, "resident_steps_per_s": 1.0,
            "model_cpu_step_ms": 1.0, "same_rules_cpu_step_ms": 0.5, "same_rules_speedup": 8.0}
    rows = [{**pair, "kind": "mesa_reference", "residents": 1_000, "pair": i + 1, "model_speedup": ratio}
            for i, ratio in enumerate(reference_ratios)]
    rows += [{**pair, "kind": "against", "residents": 100_000, "pair": i + 1, "model_speedup": ratio,
              "checkout": "/old"} for i, ratio in enumerate(against_ratios)]
    return {"rows": rows, "step_exponent": float("nan"), "step_exponent_largest_two": float("nan")}


def test_targets_go_by_the_median_of_the_pairs():
    lines = target_lines(made_up_result([1.0, 2.0, 9.0], [2.5, 1.0, 2.1]))   # mean 4 and max 9 would meet 3x
    assert lines == ["target   >= 3x: 2.00x (median of 3 pairs: 1.00-9.00x) the plain Mesa reference at 1,000 - "
                     "[red]not met[/red]",
                     "target   >= 2x: 2.10x (median of 3 pairs: 1.00-2.50x) the resident-steps/s of /old at 100k - "
                     "[green]met[/green]"]
    assert target_lines(made_up_result([3.2], []))[0].startswith("target   >= 3x: 3.20x the plain Mesa reference")


def test_pairs_against_another_checkout_are_printed(capsys):
    result = {**made_up_result([2.0], [1.6, 1.8]), "scenario": "listening_led",
              "construct_exponent": float("nan"),
              "machine": {"cpu": "x", "cores": 2, "memory_gb": 1, "load_average_start": 0, "load_average_end": 0}}
    result["rows"].insert(0, {"kind": "model", "residents": 1_000, "ties": 5_000, "mean_degree": 10.0, "steps": 5,
                              "construct_s": 0.1, "step_ms": 1.0, "cpu_step_ms": 1.0, "resident_steps_per_s": 1e6,
                              "peak_rss_mb": 200.0})
    print_result(result)
    out = capsys.readouterr().out
    assert "another checkout" in out and "1.70x (median of 2 pairs: 1.60-1.80x)" in out


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
