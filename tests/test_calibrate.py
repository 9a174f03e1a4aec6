"""Calibration: input checks, the band distance, resuming, Dask, and recovering known parameters."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.calibrate import (BandDistance, calibration_from_mapping, generation_budget, load_calibration,
                                   posterior_predictive, posterior_table, run_abc, summarise_posterior,
                                   weighted_quantiles)
from experiments.cli import app
from experiments.targets import evaluate
from simulation.params import ParameterError

TINY_SETTINGS = {"baseline_area": {"steps": 60, "params": {"n_residents": 400, "n_neighbourhoods": 4}, "replicates": 1},
                 "listening_year": {"steps": 60, "params": {"n_residents": 300, "n_neighbourhoods": 1,
                                                            "n_organisers": 1}}}


def tiny(**changes) -> dict:  # noqa: ANN003
    data = {"name": "tiny", "seed": 9, "abc": {"population": 10, "generations": 2, "max_simulations": 500,
                                               "ppc_draws": 3},
            "settings": TINY_SETTINGS, "priors": {"cohesion_mean": [0.5, 0.85]},
            "targets": {"belonging": "calibration", "crime_rate": "validation"}}
    return data | changes


@pytest.mark.parametrize(("changes", "expected"), [
    ({"sed": 1}, "unknown key 'sed'. Did you mean 'seed'?"),
    ({"priors": {}}, "[priors] is empty"),
    ({"priors": {"cohesion_man": [0, 1]}}, "Did you mean 'cohesion_mean'"),
    ({"priors": {"cohesion_mean": [0.5, 1.5]}}, "expected lo < hi within [0, 1]"),
    ({"priors": {"p_join": {"lo": 0, "hi": 0.1, "scale": "log"}}}, "lo > 0 for scale = \"log\""),
    ({"priors": {"organising": [0, 1]}}, "not numeric"),
    ({"targets": {"belonging": "fitted"}}, "role='fitted': expected one of calibration, validation"),
    ({"targets": {"distance_decay": "calibration"}}, "cannot be a calibration target"),
    ({"targets": {"belonging": "validation"}}, "no calibration target"),
    ({"targets": {"belongin": "calibration"}}, "Did you mean 'belonging'"),
    ({"settings": {"city": {}}}, "unknown setting; known settings: baseline_area"),
    ({"abc": {"population": 3}}, "population=3: expected a whole number in [10, 100000]"),
    ({"abc": {"min_epsilon": -1}}, "min_epsilon=-1: expected a number >= 0"),
    ({"settings": {"listening_followed": {"steps": 200}}, "targets": {"belonging": "calibration",
                                                                      "persistence_active": "validation"}},
     "[settings.listening_followed] steps=200: expected more than organising_end_day=365"),
])
def test_bad_input_is_one_line_naming_the_field(changes: dict, expected: str) -> None:
    with pytest.raises(ParameterError) as err:
        calibration_from_mapping(tiny(**changes))
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_shipped_example_loads_with_enough_parameters_and_targets() -> None:
    cal = load_calibration("calibration")
    assert len(cal.priors) >= 6 and len(cal.targets("calibration")) >= 4 and cal.targets("validation")


def test_band_distance_counts_each_target_in_half_widths() -> None:
    distance = BandDistance({"a": 0.05, "b": 10.0})
    assert distance({"a": 0.67, "b": 30.0}, {"a": 0.62, "b": 30.0}) == pytest.approx(math.sqrt(0.5))
    assert math.isinf(distance({"a": float("nan"), "b": 1.0}, {"a": 0.6, "b": 1.0}))


def test_weighted_quantiles() -> None:
    values, weights = np.array([3.0, 1.0, 2.0]), np.array([0.0, 0.5, 0.5])
    assert weighted_quantiles(values, weights, (0.25, 0.75)) == (1.0, 2.0)


def test_resumed_calibration_continues_where_it_stopped_and_matches_an_uninterrupted_one(tmp_path: Path) -> None:
    straight = calibration_from_mapping(tiny())
    run_abc(straight, tmp_path / "a")
    first = calibration_from_mapping(tiny(abc={**tiny()["abc"], "generations": 1}))
    run_abc(first, tmp_path / "b")                                   # 'interrupted' after one generation
    with pytest.raises(ParameterError, match="add --resume"):
        run_abc(straight, tmp_path / "b")
    history = run_abc(straight, tmp_path / "b", resume=True)
    assert history.max_t == 1
    a = posterior_table(straight, run_abc(straight, tmp_path / "a", resume=True))
    pd.testing.assert_frame_equal(a, posterior_table(straight, history))
    with pytest.raises(ParameterError, match="no calibration"):
        run_abc(straight, tmp_path / "c", resume=True)


def test_a_generation_gets_what_is_left_of_the_simulation_and_time_budgets() -> None:
    cal = calibration_from_mapping(tiny(abc={"population": 10, "max_simulations": 500, "max_minutes": 10}))
    assert generation_budget(cal, used=0, seconds_left=600, pace=None) == 500
    assert generation_budget(cal, used=495, seconds_left=600, pace=None) == 10     # at least one population
    assert generation_budget(cal, used=100, seconds_left=300, pace=1 / 3) == pytest.approx(100)


def test_a_generation_cut_short_by_the_budget_stops_the_run_and_counts_against_it(tmp_path: Path) -> None:
    cal = calibration_from_mapping(tiny(abc={"population": 10, "generations": 5, "max_simulations": 45,
                                            "min_epsilon": 0.0}, priors={"cohesion_mean": [0.3, 0.95]}))
    stops = []
    history = run_abc(cal, tmp_path, on_generation=lambda p: stops.append(p.stop))
    assert history.max_t >= 0 and history.total_nr_simulations <= 45   # the cut-short generation is not kept
    assert "budget ran out during generation" in stops[-1]
    assert json.loads((tmp_path / "manifest.json").read_text())["discarded_simulations"] > 0
    again = []
    resumed = run_abc(cal, tmp_path, resume=True, on_generation=lambda p: again.append(p.stop))
    assert resumed.max_t == history.max_t and again[-1].endswith(">= max_simulations 45")   # no retry loop


def test_a_budget_too_small_for_one_generation_is_one_clear_line(tmp_path: Path) -> None:
    cal = calibration_from_mapping(tiny(abc={"population": 10, "max_simulations": 12}))
    with pytest.raises(ParameterError, match="no generation finished within max_simulations=12"):
        run_abc(cal, tmp_path)


def test_calibration_runs_unchanged_on_a_dask_cluster(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    cal = calibration_from_mapping(tiny(abc={"population": 10, "generations": 1, "ppc_draws": 2}))
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True) as cluster:
        history = run_abc(cal, tmp_path, scheduler=cluster.scheduler_address)
        ppc = posterior_predictive(cal, posterior_table(cal, history), scheduler=cluster.scheduler_address)
    assert history.max_t == 0 and len(ppc) == 2 and ppc["belonging"].between(0, 1).all()


def small_calibration(path: Path, abc: str, cohesion_prior: str, targets: str) -> Path:
    """Write a calibration file of 400 residents for 60 days, calibrating ``cohesion_mean``, at ``path``."""
    path.write_text(f"""name = "{path.stem}"
seed = 9
[abc]
{abc}
[settings.baseline_area]
steps = 60
params = {{ n_residents = 400, n_neighbourhoods = 4 }}
[priors]
cohesion_mean = {cohesion_prior}
[targets]
{targets}
""")
    return path


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    return small_calibration(tmp_path / "tiny.toml", "population = 10\ngenerations = 1\nppc_draws = 3", "[0.5, 0.85]",
                             'belonging = "calibration"\ncrime_rate = "validation"')


def test_calibrate_command_end_to_end(tiny_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["calibrate", str(tiny_file), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("posterior.parquet", "ppc.parquet", "report.md", "marginals.png", "pairs.png", "ppc.png",
                 "manifest.json", "abc.db"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text()
    assert "Held-back targets (out of sample)" in report and "crime_rate" in report
    again = CliRunner().invoke(app, ["calibrate", str(tiny_file), "--workers", "1", "--out", str(out)])
    assert again.exit_code == 2 and "add --resume" in again.output
    bad = CliRunner().invoke(app, ["calibrate", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 2 and "not found" in bad.output


@pytest.mark.slow
def test_recovers_known_parameters_from_data_the_model_generated(tmp_path: Path) -> None:
    """Simulation-based check: observed values made by the model at known parameters; ABC-SMC (one core, fixed
    seed) must put the known values inside the 90% credible intervals and narrow the prior."""
    settings = {"baseline_area": {"steps": 240, "params": {"n_residents": 2000, "n_neighbourhoods": 2}}}
    truth = {"cohesion_mean": 0.72, "p_attempt": 0.04}
    base = calibration_from_mapping({"priors": {"cohesion_mean": [0.5, 0.85], "p_attempt": [0.005, 0.1]},
                                     "settings": settings, "targets": {"belonging": "calibration"}})
    made = evaluate(["belonging", "crime_rate"], truth, base.settings, {}, seed=12345)
    cal = calibration_from_mapping({
        "seed": 1, "abc": {"population": 30, "generations": 3, "max_simulations": 400, "ppc_draws": 4},
        "priors": {"cohesion_mean": [0.5, 0.85], "p_attempt": {"lo": 0.005, "hi": 0.1, "scale": "log"}},
        "settings": settings,
        "targets": {"belonging": {"role": "calibration", "observed": made["belonging"].value, "scale": 0.03},
                    "crime_rate": {"role": "calibration", "observed": made["crime_rate"].value,
                                   "scale": 0.15 * made["crime_rate"].value}}})
    summary = summarise_posterior(cal, posterior_table(cal, run_abc(cal, tmp_path))).set_index("parameter")
    for name, value in truth.items():
        row = summary.loc[name]
        assert row["ci90_low"] <= value <= row["ci90_high"], (name, value, row.to_dict())
        assert row["ci90_share_of_prior"] < 0.6, (name, row.to_dict())


def test_the_finished_manifest_keeps_the_simulations_of_a_cut_short_generation(tmp_path: Path) -> None:
    path = small_calibration(tmp_path / "cut.toml", "population = 10\ngenerations = 5\nmax_simulations = 45\n"
                             "min_epsilon = 0.0\nppc_draws = 2", "[0.3, 0.95]", 'belonging = "calibration"')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["calibrate", str(path), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "complete" and "budget ran out" in info["stop"] and info["discarded_simulations"] > 0
