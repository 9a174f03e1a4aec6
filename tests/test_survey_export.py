"""The simulated survey table and starting a neighbourhood from an observed collective efficacy score."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.survey_export import (ITEM_COLUMNS, expected_ce, expected_item_score, params_for_observed_ce,
                                       score_table, simulated_survey, survey_rng, survey_wave)
from simulation import survey
from experiments.cli import app
from simulation.model import CommunityModel
from simulation.params import ParameterError, Params


def small(**overrides) -> CommunityModel:
    return CommunityModel(None, rng=3, n_residents=800, n_neighbourhoods=2, **overrides)


def test_wave_has_one_row_per_respondent_with_raw_answers():
    model = small(survey_sample=100)
    table = survey_wave(model, survey_rng(model))
    assert list(table.columns) == ["resident", "neighbourhood", "day", *ITEM_COLUMNS, "belonging"]
    assert len(table) == 200 and table["resident"].is_unique
    assert table[list(ITEM_COLUMNS) + ["belonging"]].isin(range(1, 6)).all().all()


def test_reverse_worded_items_are_answered_as_worded():
    model = small(survey_sample=0, cohesion_mean=1.0, cohesion_spread=0.0, individual_sd=0.0, survey_noise=0.0)
    table = survey_wave(model, survey_rng(model))
    reversed_cols = [c for c, rev in zip(ITEM_COLUMNS, survey.REVERSED) if rev]
    positive_cols = [c for c, (sub, _, rev) in zip(ITEM_COLUMNS, survey.ITEMS) if sub == "cohesion" and not rev]
    assert table[reversed_cols].to_numpy().mean() < 2 < 4 < table[positive_cols].to_numpy().mean()


def test_exporting_a_survey_leaves_the_simulation_unchanged():
    plain = small()
    plain.run_for(40)
    surveyed = small()
    simulated_survey(surveyed, 40, waves=3)
    pd.testing.assert_frame_equal(plain.results(), surveyed.results())


def test_scored_export_matches_the_models_own_survey():
    model = small(survey_sample=0)
    table = simulated_survey(model, 20, waves=2)
    assert sorted(table["day"].unique()) == [0, 20]
    recorded = model.results().set_index(["step", "neighbourhood"])["collective_efficacy"]
    scored = score_table(table).set_index(["day", "neighbourhood"])["collective_efficacy"]
    assert np.allclose(scored.to_numpy(), recorded.loc[scored.index].to_numpy(), atol=0.05)


def test_expected_item_score_without_noise_is_the_rounded_answer():
    assert np.allclose(expected_item_score(np.array([0.0, 0.5, 1.0]), 0.0), [1, 3, 5])
    assert expected_item_score(np.array([0.0]), 0.3)[0] > 1     # noise pulls extremes inwards


@pytest.mark.parametrize("target", [2.4, 3.6])
def test_observed_score_is_reproduced_by_the_simulated_survey(target):
    base = Params(n_residents=1000, n_neighbourhoods=1, survey_sample=0)
    start = params_for_observed_ce(target, base, seed=5)
    model = CommunityModel(base.replace(**start), rng=5)
    assert expected_ce(model) == pytest.approx(target, abs=0.01)
    assert model.results()["collective_efficacy"].iloc[0] == pytest.approx(target, abs=0.05)
    assert start["efficacy_mean"] - start["cohesion_mean"] == pytest.approx(base.efficacy_mean - base.cohesion_mean)


def test_unreachable_score_names_the_reachable_range():
    with pytest.raises(ParameterError, match="expected a score in"):
        params_for_observed_ce(5.5, Params(n_residents=300, n_neighbourhoods=1))


def test_survey_command_writes_csv_and_parquet_and_rejects_other_formats(tmp_path):
    runner = CliRunner()
    for name in ("answers.csv", "answers.parquet"):
        out = tmp_path / name
        result = runner.invoke(app, ["survey", "baseline", "--out", str(out), "--steps", "10",
                                     "--set", "n_residents=400", "--observed-ce", "3.0"])
        assert result.exit_code == 0, result.output
        table = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
        assert set(table["day"]) == {0, 10} and "belonging" in table
    bad = runner.invoke(app, ["survey", "baseline", "--out", str(tmp_path / "answers.xlsx")])
    assert bad.exit_code == 2 and ".csv or .parquet" in bad.output
