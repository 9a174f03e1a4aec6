"""Robustness: input checks, win probabilities, value for money, the variance split, and the command."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.cli import app
from experiments.robustness import (RobustnessResult, parameter_sets, plain_statements,
                                    robustness_from_mapping, value_table, variance_split, win_probabilities)
from simulation.params import ParameterError

BASE = {"seed": 3, "draws": 2, "replicates": 2, "steps": 30, "strategies": ["baseline", "listening_led"],
        "params": {"n_residents": 200}, "ranges": {"listening_per_day": [0.3, 1.5]}}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"draws": 3}, "draws=3: Sobol sampling from [ranges] needs a power of 2"),
    ({"ranges": {}}, "nothing varies"),
    ({"ranges": {"p_notice": [0.2, 0.1]}}, "expected [lo, hi] with lo < hi within [0, 1]"),
    ({"ranges": {"listening_per_dy": [0.3, 1.5]}}, "Did you mean 'listening_per_day'"),
    ({"strategies": ["baseline"]}, "at least two"),
    ({"reference": "broadcast"}, "reference='broadcast': expected one of the strategies"),
    ({"price_year": "1999/00"}, "price_year='1999/00'"),
    ({"posterior": "missing.parquet"}, "no such file"),
    ({"strategis": []}, "Did you mean 'strategies'"),
])
def test_bad_input_is_one_line_naming_the_field(changes: dict, expected: str, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as err:
        robustness_from_mapping(BASE | changes, base_dir=tmp_path)
    assert expected in str(err.value)


def test_parameter_sets_come_from_sobol_ranges_or_a_weighted_posterior(tmp_path: Path) -> None:
    sobol = parameter_sets(robustness_from_mapping(BASE))
    assert len(sobol) == 2 * (1 + 2) and sobol["listening_per_day"].between(0.3, 1.5).all()
    posterior = pd.DataFrame({"p_join": [0.001, 0.02], "weight": [0.0, 1.0], "generation": 3})
    posterior.to_parquet(tmp_path / "posterior.parquet")
    spec = robustness_from_mapping(BASE | {"posterior": "posterior.parquet", "draws": 5}, base_dir=tmp_path)
    drawn = parameter_sets(spec)
    assert spec.method == "given data" and len(drawn) == 5
    assert (drawn["p_join"] == 0.02).all() and drawn["listening_per_day"].between(0.3, 1.5).all()
    with pytest.raises(ParameterError, match="also in the posterior"):
        robustness_from_mapping(BASE | {"posterior": "posterior.parquet", "ranges": {"p_join": [0, 0.1]}},
                                base_dir=tmp_path)


def runs_table(crimes: dict[str, list[float]], ce: dict[str, list[float]] | None = None) -> pd.DataFrame:
    rows = []
    for strategy, values in crimes.items():
        for i, value in enumerate(values):
            rows.append({"strategy": strategy, "draw": i // 2, "replicate": i % 2, "completed_total": value,
                         "collective_efficacy_end": (ce or {}).get(strategy, [3.0] * len(values))[i],
                         "crime_cost_gbp_total": 1000.0 * value,
                         "cost_gbp_total": 0.0 if strategy == "base" else 10_000.0})
    return pd.DataFrame(rows)


def test_win_probabilities_count_parameter_sets_on_their_mean_over_seeds() -> None:
    runs = runs_table({"base": [10, 10, 10, 10, 10, 10], "a": [8, 9, 12, 12, 9, 11]},
                      {"base": [3.0] * 6, "a": [3.1] * 6})
    wins = win_probabilities(runs).set_index(["strategy", "versus", "outcome"])
    assert wins.loc[("a", "base", "crimes"), "p_better"] == pytest.approx(1 / 3)    # draws: 8.5, 12, 10
    assert wins.loc[("a", "base", "crimes"), "p_tie"] == pytest.approx(1 / 3)
    assert wins.loc[("a", "base", "collective efficacy"), "p_better"] == 1.0


def test_value_table_uprates_avoided_harm_and_divides_by_extra_cost() -> None:
    runs = runs_table({"base": [10, 10, 10, 10], "a": [5, 5, 10, 10]})
    row = value_table(runs, "base", "2015/16", None).iloc[0]
    assert row["prevented_q95"] == pytest.approx(4.75) and row["p_bcr_above_1"] == 0.0
    assert value_table(runs, "base", "2015/16", 3.0).iloc[0]["benefit_cost_ratio_q95"] == pytest.approx(
        3 * 0.475, rel=1e-6)


def test_variance_split_separates_parameter_spread_from_seed_noise() -> None:
    rng = np.random.default_rng(0)
    draws, reps = 400, 4
    effect = np.repeat(rng.normal(0, 3.0, draws), reps)         # parameter SD 3
    noise = rng.normal(0, 1.0, draws * reps)                    # seed SD 1
    runs = pd.DataFrame({"strategy": "a", "draw": np.repeat(np.arange(draws), reps),
                         "replicate": np.tile(np.arange(reps), draws), "completed_total": 20 - effect - noise})
    runs = pd.concat([runs, runs.assign(strategy="base", completed_total=20.0)])
    split = variance_split(runs, "base").iloc[0]
    assert split["var_parameters"] == pytest.approx(9, rel=0.15)
    assert split["var_noise"] == pytest.approx(1, rel=0.15)
    assert split["share_parameters"] == pytest.approx(0.9, abs=0.03)


def test_plain_statements_quote_win_shares_and_benefit_cost_ratios() -> None:
    runs = runs_table({"base": [10, 10, 10, 10], "a": [5, 5, 10, 10]})
    result = RobustnessResult(runs, win_probabilities(runs), value_table(runs, "base", "2023/24", None),
                              pd.DataFrame(), pd.DataFrame(), "base", "2023/24", "sobol",
                              {"base": "doing nothing", "a": "listening-led"}, 2, 2)
    lines = plain_statements(result)
    assert lines[0] == "In 50% of plausible settings, listening-led prevents more crime than doing nothing " \
                       "(the same in 50%)."
    assert lines[1].startswith("listening-led: benefit-cost ratio") and "2023/24 prices" in lines[1]


def test_robustness_command_runs_resumes_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "rob.toml"
    path.write_text('name = "rob"\nseed = 3\ndraws = 2\nreplicates = 2\nsteps = 90\n'
                    'strategies = ["baseline", "listening_led", "target_hardening"]\n'
                    '[params]\nn_residents = 400\n[ranges]\nlistening_per_day = [0.3, 1.5]\np_notice = [0.02, 0.4]\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["robustness", str(path), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * (2 + 2) * 2 * 3                      # Sobol sets x seeds x strategies
    paired = runs.groupby(["draw", "replicate"])["seed"].nunique()
    assert (paired == 1).all()                                   # strategies share each seed
    for name in ("wins.csv", "value.csv", "sensitivity.csv", "variance.csv", "report.md"):
        assert (out / name).is_file()
    assert set(pd.read_csv(out / "sensitivity.csv")["parameter"]) == {"listening_per_day", "p_notice"}
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert "In " in (out / "report.md").read_text()
    titles = json.loads((out / "manifest.json").read_text())["titles"]
    assert titles["listening_led"] == "Listening-led organising"                 # for the explorer's lines
    refused = CliRunner().invoke(app, ["robustness", str(path), "--out", str(out)])
    assert refused.exit_code == 2 and "--resume" in refused.output
    resumed = CliRunner().invoke(app, ["robustness", str(path), "--workers", "1", "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), runs)


def test_shipped_examples_load() -> None:
    from experiments.robustness import load_robustness

    ranges = load_robustness("robustness_ranges")
    assert ranges.method == "sobol" and len(ranges.parameters) == 7 and len(ranges.strategies) == 6
    with pytest.raises(ParameterError, match="no such file"):
        load_robustness("robustness", posterior="nowhere/posterior.parquet")


def test_given_data_indices_find_the_parameters_that_matter() -> None:
    from experiments.robustness import given_data_indices

    rng = np.random.default_rng(0)
    x = rng.random((400, 3))
    y = 3 * x[:, 0] + np.sin(6 * x[:, 1]) + rng.normal(0, 0.2, 400)   # analytic S1: 0.57, 0.40, 0
    found = given_data_indices(x, y)
    assert found["S1"][0] == pytest.approx(0.57, abs=0.1) and found["S1"][1] == pytest.approx(0.40, abs=0.1)
    assert found["S1"][2] < 0.05 and found["spearman"][0] > 0.6


def test_sentences_never_print_nan() -> None:
    from simulation.wording import value_sentence, win_sentence

    assert "nan" not in win_sentence("A", "B", float("nan"), 0.0)
    assert "nan" not in value_sentence("A", "B", 0.5, float("nan"), float("nan"), float("nan"), "2023/24")
    assert "not defined" in value_sentence("A", "B", float("nan"), float("nan"), float("nan"), float("nan"), "2023/24")
