"""Survey waves as a data file, and starting a neighbourhood from an observed collective efficacy score."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.cli import app
from experiments.survey_export import (ITEM_COLUMNS, codebook, expected_ce, params_for_observed_ce, score_table,
                                       simulated_survey, wave_table)
from simulation.model import CommunityModel
from simulation.params import ParameterError, Params


def small(**overrides) -> CommunityModel:
    return CommunityModel(None, rng=3, n_residents=800, n_neighbourhoods=2, **overrides)


def test_wave_table_has_one_row_per_respondent_shaped_like_a_survey_file():
    model = small(survey_sample=40, survey_days="0,10", survey_dont_know=0.1)
    table = simulated_survey(model, 10)
    assert list(table) == ["serial", "wave", "wave_label", "fieldwork_day", "area", "deprivation_rank", "weight",
                           "resident", *ITEM_COLUMNS, "belong"]
    assert len(table) == 160 and table["serial"].is_unique and set(table["wave"]) == {1, 2}
    answers = table[list(ITEM_COLUMNS)].to_numpy(float, na_value=np.nan)
    assert 0.05 < np.isnan(answers).mean() < 0.15 and np.isin(answers[~np.isnan(answers)], range(1, 6)).all()
    households = table.groupby(["wave", "area"])["weight"].sum()
    assert np.allclose(households.to_numpy(), np.tile(np.bincount(model.place.resident_nbhd), 2))
    assert set(table["deprivation_rank"]) == {1, 2}


def test_codebook_documents_every_column():
    model = small(survey_days="0")
    assert list(codebook()["variable"]) == list(wave_table(model))
    assert codebook().set_index("variable").loc["ce04", "label"].endswith("Reverse-worded: score 6 - answer.")


def test_scored_file_matches_the_models_own_survey_record():
    model = small(survey_sample=50, survey_days="0,20")
    table = simulated_survey(model, 20)
    recorded = model.results().dropna(subset=["survey_ce"]).set_index(["step", "neighbourhood"])["survey_ce"]
    scored = score_table(table)
    assert np.allclose(scored["collective_efficacy"].to_numpy(), recorded.to_numpy())


@pytest.mark.parametrize("target", [2.6, 3.5])
def test_observed_score_is_reproduced_by_the_simulated_survey(target):
    base = Params(n_residents=1000, n_neighbourhoods=1, survey_sample=0, survey_dont_know=0.0)
    start = params_for_observed_ce(target, base, seed=5)
    model = CommunityModel(base.replace(**start), rng=5)
    assert expected_ce(model) == pytest.approx(target, abs=0.01)
    assert model.results()["survey_ce"].iloc[0] == pytest.approx(target, abs=0.05)
    assert start["efficacy_mean"] - start["cohesion_mean"] == pytest.approx(base.efficacy_mean - base.cohesion_mean)


def test_unreachable_score_names_the_reachable_range():
    with pytest.raises(ParameterError, match="expected a score in"):
        params_for_observed_ce(5.5, Params(n_residents=300, n_neighbourhoods=1))


def test_survey_command_writes_csv_or_parquet_with_a_codebook_and_rejects_other_formats(tmp_path):
    runner = CliRunner()
    for name in ("answers.csv", "answers.parquet"):
        out = tmp_path / name
        result = runner.invoke(app, ["survey", "baseline", "--out", str(out), "--steps", "10", "--sample", "20",
                                     "--wave-days", "0,10", "--set", "n_residents=400", "--observed-ce", "3.0"])
        assert result.exit_code == 0, result.output
        table = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
        assert set(table["fieldwork_day"]) == {0, 10} and len(table) == 2 * 4 * 20
        assert (tmp_path / f"{out.stem}_codebook.csv").exists()
    bad = runner.invoke(app, ["survey", "baseline", "--out", str(tmp_path / "answers.xlsx")])
    assert bad.exit_code == 2 and ".csv or .parquet" in bad.output
    late = runner.invoke(app, ["survey", "baseline", "--out", str(tmp_path / "a.csv"), "--wave-days", "500",
                               "--steps", "10", "--set", "n_residents=400"])
    assert late.exit_code == 2 and "no survey wave" in late.output
    even = runner.invoke(app, ["survey", "baseline", "--out", str(tmp_path / "e.csv"), "--waves", "3", "--steps", "20",
                               "--set", "n_residents=400"])
    assert even.exit_code == 0, even.output
    assert set(pd.read_csv(tmp_path / "e.csv")["fieldwork_day"]) == {0, 10, 20}
    both = runner.invoke(app, ["survey", "baseline", "--out", str(tmp_path / "b.csv"), "--waves", "3",
                               "--wave-days", "0,5"])
    assert both.exit_code == 2 and "--waves" in both.output
