"""The shipped robustness result in the explorer: reading it, choosing the relevant lines, wording, failures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from conftest import ROBUSTNESS_TITLES, robustness_runs

from experiments.robustness import RobustnessResult, plain_statements, value_table, win_probabilities
from viz.robustness import SHIPPED, load, robustness_lines, source, statements

CHOSEN = {"target_hardening": "Target hardening", "listening_led": "Listening-led organising"}


def test_lines_are_about_the_chosen_strategies_only(robustness_dir: Path) -> None:
    lines = statements(load(robustness_dir), CHOSEN)
    assert lines == [
        "In 100% of plausible settings, Target hardening prevents more crime than Doing nothing (baseline).",
        "In 100% of plausible settings, Listening-led organising prevents more crime than Doing nothing (baseline).",
        "In 70% of plausible settings, Listening-led organising prevents more crime than Target hardening.",
        "Target hardening: benefit-cost ratio 1.29 (90% of plausible settings between 1.29 and 1.29; above 1 in "
        "100%), 2023/24 prices.",
        "Listening-led organising: benefit-cost ratio 1.29 (90% of plausible settings between 0.32 and 1.29; "
        "above 1 in 70%), 2023/24 prices."]
    assert not any("Neighbourhood Watch" in line for line in lines)


def test_wording_is_that_of_the_robustness_report(robustness_dir: Path) -> None:
    runs = robustness_runs()
    report = RobustnessResult(runs=runs, wins=win_probabilities(runs),
                              value=value_table(runs, "baseline", "2023/24", None), sensitivity=pd.DataFrame(),
                              variance=pd.DataFrame(), reference="baseline", price_year="2023/24",
                              method="given_data", titles=ROBUSTNESS_TITLES, draws=10, replicates=2)
    everything = dict(list(ROBUSTNESS_TITLES.items())[1:3])
    assert set(statements(load(robustness_dir), everything)) <= set(plain_statements(report))


def test_ties_strategies_not_covered_and_no_extra_spending_are_said(robustness_dir: Path) -> None:
    chosen = {"neighbourhood_watch": "Neighbourhood Watch (police-led)", "broadcast": "Broadcast consultation"}
    lines = statements(load(robustness_dir), chosen)
    assert lines == [
        "In 0% of plausible settings, Neighbourhood Watch (police-led) prevents more crime than Doing nothing "
        "(baseline) (the same in 100%).",
        "Neighbourhood Watch (police-led): benefit-cost ratio not defined (it spends nothing more than Doing "
        "nothing (baseline)), 2023/24 prices.",
        "Not in the robustness result: Broadcast consultation."]


def test_source_says_how_many_settings_drawn_how_and_prices(robustness_dir: Path) -> None:
    result = load(robustness_dir)
    assert source(result) == (
        "From 10 plausible parameter settings drawn from the calibration's posterior (with youth_effect from "
        "plausible ranges) (each on 2 paired seeds, 2,000 households, 365 days), 2023/24 prices; see "
        "docs/calibration.md. They do not depend on the neighbourhood, households or time chosen here.")
    manifest = {**result.manifest, "posterior_path": "", "ranges": {"p_join": [0.03, 0.4]}}
    (robustness_dir / "manifest.json").write_text(json.dumps(manifest))
    assert "drawn from plausible ranges of p_join (uncalibrated)" in source(load(robustness_dir))
    lines = robustness_lines(CHOSEN, robustness_dir)
    assert lines[0] == source(load(robustness_dir)) and len(lines) == 6


def test_a_missing_or_unreadable_result_is_one_clear_line(robustness_dir: Path, tmp_path: Path) -> None:
    missing = robustness_lines(CHOSEN, tmp_path / "nowhere")
    assert missing == [f"Robustness across plausible settings is not available: {tmp_path / 'nowhere'}: no "
                       "robustness result there (manifest.json is missing)."]
    manifest = json.loads((robustness_dir / "manifest.json").read_text())
    (robustness_dir / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    line, = robustness_lines(CHOSEN, robustness_dir)
    assert line.endswith("the robustness run is not complete (status 'running').")
    (robustness_dir / "manifest.json").write_text(json.dumps({**manifest, "draws": "many", "titles": []}))
    line, = robustness_lines(CHOSEN, robustness_dir)
    assert line.startswith("Robustness across plausible settings is not available") and "unexpected contents" in line
    (robustness_dir / "manifest.json").write_text(json.dumps(manifest))
    pd.read_csv(robustness_dir / "value.csv").drop(columns="p_bcr_above_1").to_csv(robustness_dir / "value.csv")
    line, = robustness_lines(CHOSEN, robustness_dir)
    assert line.endswith("not a readable robustness result (missing value.csv: p_bcr_above_1).")
    (robustness_dir / "wins.csv").write_bytes(b"\x00\xff not a table")
    line, = robustness_lines(CHOSEN, robustness_dir)
    assert "not a readable robustness result" in line
    (robustness_dir / "manifest.json").write_text("{ not json")
    line, = robustness_lines(CHOSEN, robustness_dir)
    assert "not a readable robustness result" in line


def test_the_shipped_result_if_present_reads_and_covers_the_shipped_strategies() -> None:
    lines = robustness_lines(CHOSEN)
    if not (SHIPPED / "manifest.json").exists():
        assert len(lines) == 1 and "not available" in lines[0] and "viz/data/robustness" in lines[0]
        return
    result = load(SHIPPED)
    assert lines[0] == source(result) and "not available" not in " ".join(lines)
    assert not any(line.startswith("Not in the robustness result") for line in lines)
    assert all(math.isfinite(p) for p in result.wins["p_better"])
