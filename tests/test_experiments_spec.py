"""Experiment files: shipped examples load; bad files fail before anything runs, naming field and allowed values."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from experiments.spec import EXAMPLES_DIR, experiment_from_mapping, load_experiment
from experiments.cli import app
from simulation.replicates import replicate_seeds
from simulation.params import ParameterError

GOOD = {"name": "t", "seed": 3, "replicates": 2, "steps": 10, "scenarios": ["baseline", "listening_led"],
        "params": {"n_residents": 200}, "grid": {"listening_per_day": [0.5, 1.0], "p_join": [0.01, 0.02]}}


def bad(**changes: object) -> str:
    data = {**GOOD, **changes}
    with pytest.raises(ParameterError) as err:
        experiment_from_mapping({k: v for k, v in data.items() if v is not None}, source="exp.toml")
    return str(err.value)


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_examples_load(path: Path) -> None:
    experiment = load_experiment(path)
    runs = experiment.runs()
    assert len(runs) == len(experiment.scenarios) * len(experiment.points()) * experiment.replicates
    assert len({run["id"] for run in runs}) == len(runs)


def test_runs_are_a_paired_full_factorial_with_stable_ids() -> None:
    experiment = experiment_from_mapping(GOOD)
    runs = experiment.runs()
    assert len(runs) == 2 * 4 * 2
    seeds = replicate_seeds(3, 2)
    for scenario in ("baseline", "listening_led"):
        assert [r["seed"] for r in runs if r["scenario"] == scenario] == seeds * 4
    assert {tuple(r["grid"].values()) for r in runs} == {(0.5, 0.01), (0.5, 0.02), (1.0, 0.01), (1.0, 0.02)}
    assert all(r["params"]["n_residents"] == 200 for r in runs)
    assert [r["id"] for r in experiment_from_mapping(GOOD).runs()] == [r["id"] for r in runs]
    assert experiment_from_mapping({**GOOD, "steps": 11}).runs()[0]["id"] != runs[0]["id"]


def test_unknown_top_level_key_lists_allowed_keys() -> None:
    message = bad(replicate=3)
    assert "unknown key 'replicate'" in message and "Did you mean 'replicates'" in message
    assert "scenarios" in message and "grid" in message


def test_bad_grid_value_names_parameter_and_range() -> None:
    message = bad(grid={"n_organisers": [2, -5]})
    assert "n_organisers=-5" in message and "[0, 1000]" in message


def test_unknown_grid_parameter_suggests_closest() -> None:
    assert "Did you mean 'listening_per_day'" in bad(grid={"listening_per_dy": [1.0]})


def test_grid_combination_is_checked_for_every_point() -> None:
    message = bad(grid={"share_burglary": [0.25, 0.3]})
    assert "share_burglary': 0.3" in message and "add up to 1" in message


def test_unknown_scenario_lists_shipped_ones() -> None:
    message = bad(scenarios=["baseline", "listening"])
    assert "unknown scenario 'listening'" in message and "listening_led" in message


def test_unknown_metric_lists_allowed_metrics() -> None:
    message = bad(metrics=["collective_efficacy", "crimes"])
    assert "unknown metric 'crimes'" in message and "completed" in message


def test_every_metric_can_be_kept_at_either_level() -> None:
    for level in ("area", "neighbourhood"):
        experiment_from_mapping({**GOOD, "metrics": ["efficacy", "clustering", "completed"], "level": level})


@pytest.mark.parametrize(("change", "expected"), [
    ({"replicates": 0}, "replicates=0: expected a whole number in [1, 1000]"),
    ({"steps": 2.5}, "steps=2.5: expected a whole number"),
    ({"level": "street"}, "level='street': expected one of 'area', 'neighbourhood'"),
    ({"baseline": "combined"}, "baseline='combined': expected one of the experiment's scenarios"),
    ({"scenarios": []}, "expected a non-empty list of scenario names"),
    ({"grid": {"p_join": 0.1}}, "[grid] p_join=0.1: expected a non-empty list"),
    ({"params": {"n_residentz": 100}}, "[params] unknown parameter 'n_residentz'"),
])
def test_bad_values_name_the_field(change: dict, expected: str) -> None:
    assert expected in bad(**change)


def test_cli_rejects_bad_file_with_one_line_and_runs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('scenarios = ["baseline"]\nsteps = 10\n[grid]\np_join = [2.0]\n')
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "p_join=2.0: expected a number in [0, 1]" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_grid_values_are_compared_after_type_conversion() -> None:
    assert "n_organisers lists a value twice" in bad(grid={"n_organisers": [2, 2.0]})
    assert "[grid] n_organisers='x': expected an integer" in bad(grid={"n_organisers": [2, "x"]})


def test_grid_key_that_is_also_a_results_column_is_rejected() -> None:
    assert "[grid] mean_degree: this parameter is also a results column" in bad(grid={"mean_degree": [4.0, 8.0]})


def test_bad_scheduler_address_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sweep", "quick", "--scheduler", "foo:bar", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and result.output.startswith("error: --scheduler 'foo:bar': expected a Dask")
    assert len(result.output.splitlines()) == 1 and not (tmp_path / "s").exists()


@pytest.mark.parametrize("name", ["../escaped", "/tmp/abs", "a/b", "..", "", "my sweep", 3])
def test_name_is_a_plain_folder_name(name: object) -> None:
    assert "exp.toml: name=" in bad(name=name) and "expected a folder name" in bad(name=name)


def test_run_count_is_checked_from_list_lengths_before_anything_is_built() -> None:
    huge = [round(0.001 * i, 3) for i in range(1, 1001)]
    message = bad(grid={"p_home": huge, "p_join": huge, "p_attempt": huge}, replicates=1000)
    assert "2,000,000,000,000 runs (2 scenario(s) x 1,000,000,000 grid point(s) x 1,000 replicate(s))" in message
    assert "the limit is 10,000 runs per experiment" in message and "--max-runs 2000000000000" in message
    with pytest.raises(ParameterError, match="16 runs .*the limit is 15"):
        experiment_from_mapping(GOOD, max_runs=15)
    assert len(experiment_from_mapping(GOOD, max_runs=16).runs()) == 16
