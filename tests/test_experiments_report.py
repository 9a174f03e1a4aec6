"""Report statistics: t intervals, paired effects, replicate advice, area aggregation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.report import build_report, effects, replicates_needed, run_outcomes, t_interval
from experiments.spec import experiment_from_mapping
from experiments.sweep import load_runs, sweep
from simulation.params import ParameterError

INFO = {"grid": [], "baseline": "base", "metrics": ["completed", "collective_efficacy"]}


def test_t_interval_matches_scipy() -> None:
    values = np.array([1.0, 2.5, 2.0, 4.0, 3.5])
    mean, half = t_interval(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert mean == pytest.approx(values.mean())
    assert (mean - half, mean + half) == pytest.approx((low, high))


def test_effects_are_paired_by_seed() -> None:
    base = np.array([10.0, 20.0, 30.0, 40.0])
    treated = base * 0.5 + np.array([0.1, -0.2, 0.3, 0.0])
    outcomes = pd.DataFrame({"scenario": ["base"] * 4 + ["treat"] * 4, "replicate": [0, 1, 2, 3] * 2,
                             "seed": [5, 6, 7, 8, 8, 7, 6, 5],
                             "completed_total": np.concatenate([base, treated[::-1]])})
    row = effects(outcomes, INFO).set_index("scenario").loc["treat"]
    diff = treated - base
    low, high = stats.t.interval(0.95, 3, loc=diff.mean(), scale=stats.sem(diff))
    assert row["diff"] == pytest.approx(diff.mean())
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((low, high))
    assert row["ratio"] == pytest.approx(treated.mean() / base.mean())
    assert row["ratio_low"] < row["ratio"] < row["ratio_high"] and row["n_pairs"] == 4


def test_replicates_needed_is_the_smallest_sufficient_n() -> None:
    sd, target = 3.0, 0.5
    n = replicates_needed(sd, target)
    half = lambda k: stats.t.ppf(0.975, k - 1) * sd / np.sqrt(k)  # noqa: E731
    assert half(n) <= target < half(n - 1)


def test_run_outcomes_total_flows_and_take_last_states() -> None:
    area = pd.DataFrame({"scenario": "base", "replicate": 0, "seed": 1, "step": [2, 0, 1],
                         "completed": [1.0, 0.0, 2.0], "collective_efficacy": [3.5, 3.0, 3.2]})
    row = run_outcomes(area, INFO).iloc[0]
    assert row["completed_total"] == 3.0
    assert row["collective_efficacy_end"] == 3.5
    assert row["collective_efficacy_change"] == pytest.approx(0.5)


def test_neighbourhood_level_reports_the_same_numbers_as_area_level(tmp_path: Path) -> None:
    spec = {"seed": 4, "replicates": 3, "steps": 15, "scenarios": ["baseline", "listening_led"],
            "params": {"n_residents": 200}, "metrics": ["collective_efficacy", "completed", "stage_active"]}
    tables = []
    for level in ("area", "neighbourhood"):
        sweep(experiment_from_mapping({**spec, "level": level}), tmp_path / level)
        info, df = load_runs(tmp_path / level)
        assert ("neighbourhood" in df) == (level == "neighbourhood")
        tables.append(build_report(df, info, tmp_path / level / "report")[0])
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert (tmp_path / "area" / "report" / "report.csv").is_file()


def test_unknown_outcome_is_rejected_before_anything_is_written(tmp_path: Path) -> None:
    spec = {"seed": 4, "replicates": 2, "steps": 5, "scenarios": ["baseline"], "params": {"n_residents": 200}}
    sweep(experiment_from_mapping(spec), tmp_path / "s")
    info, df = load_runs(tmp_path / "s")
    with pytest.raises(ParameterError, match="--outcome 'crimes': expected one of .*completed_total"):
        build_report(df, info, tmp_path / "report", ("crimes",))
    assert not (tmp_path / "report").exists()
    written = build_report(df, info, tmp_path / "report")[3]
    assert {p.name for p in (tmp_path / "report").iterdir()} == set(written)


def test_report_writes_where_the_prevented_crimes_went_per_grid_point(tmp_path: Path) -> None:
    spec = {"seed": 4, "replicates": 3, "steps": 30, "scenarios": ["baseline", "neighbourhood_watch"],
            "params": {"n_residents": 400, "offenders_per_1000": 40.0}, "grid": {"p_watch_join": [0.1, 0.5]}}
    sweep(experiment_from_mapping(spec), tmp_path / "s")
    info, df = load_runs(tmp_path / "s")
    written = build_report(df, info, tmp_path / "report")[3]
    assert {"pathways.csv", "displacement.csv"} <= set(written)
    routes = pd.read_csv(tmp_path / "report" / "pathways.csv")
    for _, part in routes.groupby("p_watch_join"):
        prevented = part.set_index("route")["prevented"]
        assert prevented.drop("total").sum() == pytest.approx(prevented["total"])
    assert len(pd.read_csv(tmp_path / "report" / "displacement.csv")) == 2


def test_report_without_the_crime_flows_writes_no_pathways(tmp_path: Path) -> None:
    spec = {"seed": 4, "replicates": 2, "steps": 5, "scenarios": ["baseline", "listening_led"],
            "params": {"n_residents": 200}, "metrics": ["completed"]}
    sweep(experiment_from_mapping(spec), tmp_path / "s")
    info, df = load_runs(tmp_path / "s")
    assert "pathways.csv" not in build_report(df, info, tmp_path / "report")[3]
