"""compare reports survey waves with CIs, persistence after the funding and the deprivation split."""

import pandas as pd
from typer.testing import CliRunner

from experiments.cli import app

runner = CliRunner()


def test_compare_reports_waves_persistence_and_the_deprivation_split(tmp_path):
    result = runner.invoke(app, ["compare", "baseline", "listening_led", "neighbourhood_watch", "--steps", "60",
                                 "--replicates", "3", "--out", str(tmp_path), "--set", "n_residents=600",
                                 "--set", "organising_end_day=20", "--set", "survey_follow_up_days=20"],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for title in ("measured by survey waves", "Persistence", "Deprivation split"):
        assert title in result.output
    waves = pd.read_csv(tmp_path / "waves.csv")
    ce = waves[waves["outcome"] == "survey_ce"]
    assert set(ce["wave"]) == {"baseline", "end of funding", "day 40", "day 60"}
    assert set(ce["scenario"]) == {"baseline", "listening_led", "neighbourhood_watch"} and (ce["n"] == 3).all()
    assert (ce.loc[ce["scenario"] == "baseline", "diff"] == 0).all() and ce["ci95"].notna().all()
    day0 = ce[ce["day"] == 0]
    assert (day0["diff"] == 0).all()              # same respondents, same world before anything happens
    kept = pd.read_csv(tmp_path / "persistence.csv")
    assert {"active", "survey_ce", "mean_degree"} <= set(kept["outcome"]) and set(kept["day"]) == {40, 60}
    equity = pd.read_csv(tmp_path / "equity.csv")
    assert set(equity["group"]) == {"most deprived", "least deprived", "all"} and set(equity["day"]) == {20, 60}
    assert {"gap", "gap_ci95", "diff_ci95"} <= set(equity)
