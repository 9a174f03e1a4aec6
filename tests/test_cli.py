"""Tests of the saferstreets command line."""

import json

import pandas as pd
from typer.testing import CliRunner

from experiments.cli import app
from simulation.output import area_series, summarise

runner = CliRunner()
TINY = ["--set", "n_residents=300", "--set", "n_neighbourhoods=2"]


def test_scenarios_lists_shipped_scenarios_with_descriptions():
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    for name in ("baseline", "listening_led", "broadcast", "target_hardening", "combined"):
        assert name in result.output


def test_params_lists_every_parameter():
    result = runner.invoke(app, ["params"], env={"COLUMNS": "400"})
    assert result.exit_code == 0 and "listening_per_day" in result.output and "Community Organisers" in result.output


def test_run_prints_a_summary_and_writes_outputs(tmp_path):
    result = runner.invoke(app, ["run", "listening_led", "--steps", "20", "--seed", "3", "--out", str(tmp_path), *TINY])
    assert result.exit_code == 0, result.output
    assert "collective_efficacy_end" in result.output and "completed_total" in result.output
    df = pd.read_parquet(tmp_path / "results.parquet")
    assert df["step"].max() == 20 and set(df["neighbourhood"]) == {0, 1}
    pd.read_parquet(tmp_path / "crimes.parquet")
    assert (tmp_path / "figure.png").stat().st_size > 10_000
    meta = json.loads((tmp_path / "manifest.json").read_text())
    assert meta["seed"] == 3 and meta["params"]["n_residents"] == 300
    assert meta["overrides"] == {"n_residents": 300, "n_neighbourhoods": 2}
    assert meta["versions"]["mesa"].startswith("3.")


def test_run_is_reproducible(tmp_path):
    for name in ("a", "b"):
        runner.invoke(app, ["run", "combined", "--steps", "15", "--out", str(tmp_path / name), *TINY])
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a/results.parquet"),
                                  pd.read_parquet(tmp_path / "b/results.parquet"))


def test_compare_prints_a_table_with_confidence_intervals(tmp_path):
    result = runner.invoke(app, ["compare", "baseline", "listening_led", "--steps", "20", "--replicates", "2",
                                 "--out", str(tmp_path), *TINY], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "listening_led" in result.output and "±" in result.output
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert list(table["scenario"]) == ["baseline", "listening_led"]
    assert table.loc[0, "prevented"] == 0 and table.loc[0, "prevented_ci95"] == 0
    keys = ("scenario", "replicate")
    runs = summarise(area_series(pd.read_parquet(tmp_path / "results.parquet"), keys), keys).set_index(
        list(keys))["completed_total"]
    assert table.loc[1, "prevented"] == (runs["baseline"] - runs["listening_led"]).mean()
    df = pd.read_parquet(tmp_path / "results.parquet")
    assert df.groupby("scenario")["seed"].unique().map(sorted).map(tuple).nunique() == 1   # paired seeds
    assert (tmp_path / "figure.png").exists()


def test_bad_inputs_exit_2_with_a_message_naming_the_field(tmp_path):
    cases = [
        (["run", "baseline", "--set", "n_organisrs=3"], "n_organisers"),
        (["run", "baseline", "--set", "p_home=2"], "p_home=2.0: expected a number in [0, 1]"),
        (["run", "baseline", "--set", "p_home"], "expected key=value"),
        (["run", "baseline", "--set", "n_residents=lots"], "n_residents='lots'"),
        (["run", "nowhere"], "unknown scenario 'nowhere'"),
        (["compare", "baseline", "nowhere"], "unknown scenario 'nowhere'"),
    ]
    for args, needle in cases:
        result = runner.invoke(app, [*args, "--out", str(tmp_path)], env={"COLUMNS": "400"})
        assert result.exit_code == 2, (args, result.output)
        assert needle in result.output, (args, result.output)
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["run", "baseline", "--steps", "0"])
    assert result.exit_code == 2 and "steps" in result.output


def test_every_error_is_one_line_with_exit_code_2_for_input_and_1_for_the_environment(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    for args, code, needle in [
        (["run", "baseline", "--steps", "2.0"], 2, "--steps"),                  # typer alone would accept 2.0
        (["run", "baseline", "--steps", "1", "--out", str(tmp_path / "file")], 2, "is a file"),
        (["compare", "baseline", "baseline", "--steps", "1"], 2, "listed twice"),
        (["runn"], 2, "No such command 'runn'"),
    ]:
        result = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert result.exit_code == code, (args, result.output)
        assert result.output.startswith("error: ") and result.output.count("\n") == 1 and needle in result.output

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")
    monkeypatch.setattr("simulation.files.tempfile.mkstemp", read_only)
    result = runner.invoke(app, ["run", "baseline", "--out", str(tmp_path / "ro"), *TINY])
    assert result.exit_code == 1 and result.output == f"error: --out: cannot write to '{tmp_path / 'ro'}': " \
                                                      "read-only file system\n"


def test_debug_flag_shows_the_exception():
    result = runner.invoke(app, ["--debug", "run", "nowhere"])
    assert result.exit_code == 1 and "unknown scenario 'nowhere'" in str(result.exception)
    assert runner.invoke(app, ["run", "nowhere"]).exception.code == 2       # and is off again afterwards
