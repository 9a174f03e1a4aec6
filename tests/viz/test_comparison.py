"""The explorer's engine: strategies, bounded requests, paired runs until precise, verdicts and downloads."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from simulation.output import ci95_half_width
from simulation.params import ParameterError, Params
from simulation.pathways import ROUTES, needed_columns
from viz.comparison import (BASELINE, DISPLACEMENT_COLUMNS, MIN_REPLICATES, ROUTE_COLUMNS, ROUTE_NAMES, RUN_COLUMNS,
                            SUMMARY_COLUMNS, YEAR, Setup, about, budget_strategies, ce_verdict, cost_per_prevented,
                            crime_verdict, money_line, pounds, readable_csv, run_comparison, scenario_strategies,
                            settings_csv)
from viz.figures import PRINT_DPI, draw_comparison, figure_png, figure_text

SMALL = dict(neighbourhood="Deprived area with low trust", n_residents=400, days=100, precision="Quick look", seed=3)


@pytest.fixture(scope="module")
def result():
    return run_comparison(Setup(scenario_strategies(["listening_led", "target_hardening"]), **SMALL))


def test_only_shipped_scenarios_become_strategies() -> None:
    listening, = scenario_strategies(["listening_led"])
    assert listening.title == "Listening-led organising" and listening.overrides["organising"] == "listening"
    for forged in ("../scenarios/baseline", "/etc/passwd", "baseline.toml", "bogus"):
        with pytest.raises(ParameterError, match="strategy="):
            scenario_strategies([forged])


def test_budget_split_buys_whole_organisers_and_is_sorted() -> None:
    cost = Params().organiser_cost_gbp
    none, half, full = budget_strategies(100_000, [100, 0, 50])                  # click order does not matter
    assert none.overrides == {"organising": "none", "n_organisers": 0, "hardening_budget_gbp": 100_000}
    assert half.overrides["n_organisers"] == round(50_000 / cost)
    assert half.overrides["hardening_budget_gbp"] == 100_000 - half.overrides["n_organisers"] * cost
    assert full.overrides == {"organising": "listening", "n_organisers": 4, "hardening_budget_gbp": 0}
    assert full.title == "100% on organisers (4 listening-led organisers), £0 on hardening"
    for bad in (lambda: budget_strategies(10**12, [50]), lambda: budget_strategies(100_000, [33]),
                lambda: budget_strategies(100_000, [50], "shouting")):
        with pytest.raises(ParameterError):
            bad()


@pytest.mark.parametrize("bad, field", [({"days": 5000}, "horizon"), ({"days": "1e3"}, "horizon"),
                                         ({"precision": "bogus"}, "precision"), ({"n_residents": 10**6}, "n_residents"),
                                         ({"neighbourhood": "Mars"}, "neighbourhood"), ({"seed": -1}, "seed"),
                                         ({"strategies": []}, "strategies")])
def test_requests_are_bounded(bad: dict, field: str) -> None:
    kwargs = {"strategies": scenario_strategies(["listening_led"]), **bad}
    with pytest.raises(ParameterError, match=field):
        Setup(**kwargs)


def test_runs_are_paired_and_stop_at_the_first_precise_replicate(result) -> None:
    runs, setup = result.runs, result.setup
    table = result.table
    assert table["strategy"].iloc[0] == BASELINE and set(table["strategy"]) == {BASELINE, "listening_led",
                                                                                 "target_hardening"}
    assert table["prevented"].iloc[1] >= table["prevented"].iloc[2]           # most crimes prevented first
    assert runs.groupby("strategy")["seed"].apply(tuple).nunique() == 1       # same seeds for every strategy
    base = runs[runs["strategy"] == BASELINE].set_index("replicate")
    for key in ("listening_led", "target_hardening"):
        mine = runs[runs["strategy"] == key].set_index("replicate")
        assert (mine["prevented"] == base["completed"] - mine["completed"]).all()
    n = int(result.table["replicates"].iloc[0])
    assert MIN_REPLICATES <= n <= setup.max_replicates

    def precise(k: int) -> bool:
        first = runs[runs["replicate"] < k]
        target = setup.target * first.loc[first["strategy"] == BASELINE, "completed"].mean() * YEAR / setup.days
        halves = [ci95_half_width(g["prevented_per_year"].std(ddof=1), k)
                  for key, g in first.groupby("strategy") if key != BASELINE]
        return max(halves) <= target
    assert precise(n) or n == setup.max_replicates
    assert not any(precise(k) for k in range(MIN_REPLICATES, n))
    assert result.stopped.startswith("Reached the precision") == precise(n)


def test_the_answer_does_not_depend_on_how_runs_were_scheduled(result) -> None:
    progress = []
    with ThreadPoolExecutor(3) as pool:
        again = run_comparison(result.setup, pool, progress.append, max_in_flight=5)
    pd.testing.assert_frame_equal(again.table, result.table)
    pd.testing.assert_frame_equal(again.routes, result.routes)
    pd.testing.assert_frame_equal(again.displacement, result.displacement)
    assert [p.runs_done for p in progress] == sorted(p.runs_done for p in progress)
    assert progress[-1].replicates == int(result.table["replicates"].iloc[0])


def test_cancel_keeps_the_complete_replicates() -> None:
    cancel = threading.Event()
    setup = Setup(scenario_strategies(["listening_led"]), **{**SMALL, "precision": "Fine"})

    def on_progress(p) -> None:
        if p.replicates >= 3:
            cancel.set()
    result = run_comparison(setup, None, on_progress, cancel)
    assert result.stopped.startswith("Cancelled after 3 complete replicates")
    assert set(result.runs["replicate"]) == {0, 1, 2}


def test_crime_avoided_is_paired_and_valued_by_crime_type(result) -> None:
    runs = result.runs
    base = runs[runs["strategy"] == BASELINE].set_index("replicate")
    mine = runs[runs["strategy"] == "listening_led"].set_index("replicate")
    assert (mine["avoided_gbp"] == base["crime_cost_gbp"] - mine["crime_cost_gbp"]).all()
    assert ((mine["crime_cost_gbp"] > 0) == (mine["completed"] > 0)).all()
    row = result.table.set_index("strategy").loc["listening_led"]
    assert row["avoided_gbp"] == pytest.approx(mine["avoided_gbp_per_year"].mean())


def test_summary_intervals_and_money(result) -> None:
    table = result.table.set_index("strategy")
    runs = result.runs
    row = table.loc["listening_led"]
    mine = runs.loc[runs["strategy"] == "listening_led", "prevented_per_year"]
    assert row["prevented"] == pytest.approx(mine.mean())
    assert row["prevented_high"] - row["prevented"] == pytest.approx(ci95_half_width(mine.std(), len(mine)))
    assert 90_000 <= row["cost_gbp"] <= 100_000         # four organisers for a year, less posts left vacant
    assert table.loc[BASELINE, "cost_gbp"] == 0


def test_prevented_crimes_split_into_routes_that_add_up(result) -> None:
    runs, routes = result.runs, result.routes
    assert (runs["completed_total"] == runs["completed"]).all()                   # flow totals of the same run
    assert set(needed_columns()) <= set(runs)
    assert set(ROUTE_NAMES) == {r.name for r in ROUTES} | {"total"}
    table = result.table.set_index("strategy")
    assert routes["strategy"].unique().tolist() == result.table["strategy"].iloc[1:].tolist()  # verdict order
    for key, part in routes.groupby("strategy"):
        part = part.set_index("route")
        assert part.loc["total", "prevented"] == pytest.approx(table.loc[key, "prevented"])    # a year, paired
        assert part.drop("total")["prevented"].sum() == pytest.approx(part.loc["total", "prevented"])
        assert part["name"].notna().all() and (part["title"] == table.loc[key, "title"]).all()
        assert part["prevented"].between(part["prevented_low"], part["prevented_high"]).all()
    shift = result.displacement.set_index("strategy")
    for key in shift.index:
        assert shift.loc[key, "area_change"] == pytest.approx(-table.loc[key, "prevented"])
        ring = (runs.loc[runs["strategy"] == key, "ring_completed_total"].to_numpy()
                - runs.loc[runs["strategy"] == BASELINE, "ring_completed_total"].to_numpy())
        assert shift.loc[key, "ring_change"] == pytest.approx(ring.mean() * YEAR / result.setup.days)
        if shift.loc[key, "area_change"] != 0:
            assert shift.loc[key, "wdq"] == pytest.approx(shift.loc[key, "ring_change"] / shift.loc[key, "area_change"])


def test_budget_splits_get_routes_too() -> None:
    split = run_comparison(Setup(budget_strategies(100_000, [0, 100]), **{**SMALL, "days": 90, "n_residents": 100}))
    assert set(split.routes["strategy"]) == set(split.displacement["strategy"]) == {"split_0", "split_100"}
    assert split.routes["title"].str.contains("% on organisers").all()


def test_verdicts_are_plain_words() -> None:
    row = {"prevented": 6.14, "prevented_low": 1.3, "prevented_high": 11.0, "completed": 50.0,
           "ce_gain": 0.19, "ce_gain_low": 0.16, "ce_gain_high": 0.22, "cost_gbp": 100_000.0,
           "avoided_gbp": 24_100.0, "avoided_gbp_low": -1_200.0, "avoided_gbp_high": 49_000.0}
    assert crime_verdict("x", row, 56) == "Prevents about 6.1 crimes a year (range 1.3 to 11)."
    assert crime_verdict("x", {**row, "prevented_low": -2.0}, 56).startswith("No detectable difference in crime")
    assert crime_verdict("x", {**row, "prevented": -5, "prevented_low": -9, "prevented_high": -1}, 56) == \
        "About 5 more crimes a year (range 1 to 9 more)."
    assert crime_verdict("x", {**row, "completed": 0}, 0).startswith("Cannot tell: no crimes happened")
    assert ce_verdict("x", row).startswith("Raises collective efficacy by about 0.190 (range +0.160 to +0.220")
    tiny = {**row, "ce_gain": 0.002, "ce_gain_low": 0.001, "ce_gain_high": 0.003}
    assert ce_verdict("x", tiny) == ("Raises collective efficacy very slightly "
                                     "(by less than 0.0025 on the 0-1 scale).")
    none = {**row, "ce_gain": 0.0, "ce_gain_low": -0.002, "ce_gain_high": 0.002}
    assert ce_verdict("x", none).startswith("No change in collective efficacy (within ±0.0025 on the 0-1 scale")
    money = cost_per_prevented(row)
    assert money["gbp_per_prevented"] == pytest.approx(100_000 / 6.14)
    assert money["gbp_per_prevented_low"] == pytest.approx(100_000 / 11.0)
    assert np.isnan(cost_per_prevented({**row, "prevented_low": -1})["gbp_per_prevented"])
    line = money_line(pd.Series({"strategy": "x", **row, **money}))
    assert line == ("Costs £100,000 a year: about £16,000 per crime prevented (range £9,100 to £77,000). "
                    "No detectable saving in the cost of crime (range -£1,200 to £49,000 a year; 2023/24 prices).")
    line = money_line(pd.Series({"strategy": "x", **row, **money, "avoided_gbp_low": 300.0}))
    assert "It avoids about £24,000 of crime costs a year (range £300 to £49,000" in line
    assert [about(x) for x in (6.14, 12.3, 1234, 0.456, 0.0029, 0)] == ["6.1", "12", "1,200", "0.5", "0", "0"]
    assert [pounds(x) for x in (-1.8, 16_287, -3_412)] == ["-£2", "£16,000", "-£3,400"]


def test_downloads_have_readable_headers_rounded_numbers_and_a_settings_sheet(result) -> None:
    summary = pd.read_csv(io.StringIO(readable_csv(result.table, SUMMARY_COLUMNS)))
    assert list(summary.columns) == [label for label, _ in SUMMARY_COLUMNS.values()]
    others = result.table.iloc[1:].sort_values("prevented", ascending=False)["title"].tolist()
    assert summary["Strategy"].tolist() == ["Doing nothing (baseline)", *others]      # most prevented first
    assert set(others) == {"Listening-led organising", "Target hardening"}
    text = readable_csv(result.runs, RUN_COLUMNS)
    assert text.splitlines()[0].startswith("Strategy,Replicate,Seed,Crimes completed")
    assert max(len(cell.split(".")[-1]) for line in text.splitlines()[1:] for cell in line.split(",")
               if cell.replace(".", "").replace("-", "").isdigit() and "." in cell) <= 3
    settings = pd.read_csv(io.StringIO(settings_csv(result))).set_index("Setting")["Value"]
    assert settings["Households"] == "400" and settings["Experiment seed"] == "3"
    assert settings["Replicate seeds"].split() == [str(s) for s in sorted(set(result.runs["seed"]),
                                                                          key=list(result.runs["seed"]).index)]
    assert "Strategy: Listening-led organising" in settings.index and "Software: mesa" in settings.index
    for table, columns in ((result.routes, ROUTE_COLUMNS), (result.displacement, DISPLACEMENT_COLUMNS)):
        text = readable_csv(table, columns)
        shown = pd.read_csv(io.StringIO(text))
        assert list(shown.columns) == [label for label, _ in columns.values()] and "-0.0," not in text
        assert set(shown["Strategy"]) == {"Listening-led organising", "Target hardening"}
    routes = pd.read_csv(io.StringIO(readable_csv(result.routes, ROUTE_COLUMNS)))
    assert "Moved to the ring" in set(routes["Route"]) and routes["What it means"].notna().all()


def test_figure_shows_intervals_and_bands_and_prints_large(result) -> None:
    fig = draw_comparison(result)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("Crimes prevented a year") and "95% band" in titles[1] and "95% band" in titles[2]
    width, height = Image.open(io.BytesIO(figure_png(fig, PRINT_DPI))).size
    assert width >= 3000 and height >= 1000
    assert "Listening-led organising:" in figure_text(result)
