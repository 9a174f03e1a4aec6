"""Strategy explorer: strategies, bounded requests, paired comparison, table, figure and page."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from simulation.params import ParameterError, Params
from viz.explorer import (BASELINE, ExplorerPage, Results, Setup, budget_strategies, describe, draw_comparison,
                          run_comparison, scenario_strategies, table_markdown)


def test_budget_split_buys_whole_organisers_and_hardens_with_the_rest() -> None:
    cost = Params().organiser_cost_gbp
    none, half, full = budget_strategies(100_000, [0, 50, 100])
    assert none.overrides == {"organising": "none", "n_organisers": 0, "hardening_budget_gbp": 100_000}
    assert half.overrides["n_organisers"] == round(50_000 / cost)
    assert half.overrides["hardening_budget_gbp"] == 100_000 - half.overrides["n_organisers"] * cost
    assert full.overrides == {"organising": "listening", "n_organisers": 4, "hardening_budget_gbp": 0}
    assert "4 listening organisers" in describe(full)


def test_scenarios_become_strategies() -> None:
    listening, = scenario_strategies(["listening_led"])
    assert listening.overrides == {"organising": "listening", "n_organisers": 4}


@pytest.mark.parametrize("bad, field", [({"days": 5000}, "horizon"), ({"replicates": 1}, "replicates"),
                                         ({"replicates": 200}, "replicates"), ({"n_residents": 10**6}, "n_residents"),
                                         ({"neighbourhood": "Mars"}, "neighbourhood"), ({"seed": -1}, "seed"),
                                         ({"strategies": []}, "strategies")])
def test_requests_are_bounded(bad: dict, field: str) -> None:
    kwargs = {"strategies": scenario_strategies(["listening_led"]), **bad}
    with pytest.raises(ParameterError, match=field):
        Setup(**kwargs)


def test_comparison_is_paired_and_reports_progress() -> None:
    setup = Setup(scenario_strategies(["listening_led", "target_hardening"]), n_residents=400, days=90,
                  replicates=2, seed=5)
    progress: list[float] = []
    result = run_comparison(setup, progress.append)
    assert progress == pytest.approx([100 * i / 6 for i in range(1, 7)])
    runs = result.runs
    assert list(result.table["strategy"]) == [BASELINE, "listening_led", "target_hardening"]
    assert runs.groupby("strategy")["seed"].apply(tuple).nunique() == 1        # same seeds for every strategy
    base = runs[runs["strategy"] == BASELINE]
    assert (base["prevented"] == 0).all() and base["prevented_per_1000"].isna().all()
    other = runs[runs["strategy"] != BASELINE]
    assert (other["cost_gbp"] > 0).all()
    assert np.allclose(other["prevented_per_1000"], other["prevented"] / other["cost_gbp"] * 1000)
    row = result.table.set_index("strategy").loc["listening_led"]
    assert row["ce_change_low"] <= row["ce_change"] <= row["ce_change_high"]
    assert row["completed"] == pytest.approx(runs.loc[runs["strategy"] == "listening_led", "completed"].mean())
    markdown = table_markdown(result.table)
    assert markdown.count("\n") == 4 and "| listening_led |" in markdown and " to " in markdown
    titles = [ax.get_title() for ax in draw_comparison(result).axes]
    assert titles == ["Change in collective efficacy (1-5 scale)", "Crimes completed", "Crimes prevented per £1,000"]
    _, rc = solara.render(Results(result), handle_error=False)
    assert len(rc.find(v.Btn)) == 3                                            # CSV, CSV, PNG downloads


@solara.component
def InLayout() -> None:
    """The page inside an app layout (so the sidebar is rendered)."""
    with solara.AppLayout():
        ExplorerPage()


def test_page_runs_a_comparison_in_the_background() -> None:
    _, rc = solara.render(InLayout(), handle_error=False)
    sliders = {w.label: w for w in rc.find(v.Slider).widgets}
    assert set(sliders) == {"Households", "Horizon (days)", "Replicates per strategy"}
    assert sliders["Households"].max == 3000 and sliders["Horizon (days)"].max == 1095
    sliders["Households"].v_model, sliders["Horizon (days)"].v_model, sliders["Replicates per strategy"].v_model = (
        300, 90, 2)
    assert "300 households, 90 days, 2 replicates: 6 runs" in str(rc.find(v.Html).widgets)
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    rc.find(ipywidgets.Image).wait_for(timeout=30)
    templates = [w.get_state().get("template") for w in rc.find(v.VuetifyTemplate).widgets]
    tables = [t for t in templates if isinstance(t, str) and "<table" in t]
    assert tables and "<td>listening_led</td>" in tables[0] and "<td>baseline</td>" in tables[0]
    assert len([w for w in rc.find(v.Btn).widgets if "Download" in str(w.children)]) == 3


def test_page_shows_bad_seed_as_a_message() -> None:
    _, rc = solara.render(InLayout(), handle_error=False)
    seed = rc.find(v.TextField, label="Random seed").widget
    seed.v_model = "abc"
    seed.fire_event("focusout", None)
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    rc.find(v.Alert).wait_for(timeout=20)
    assert "seed='abc'" in str(rc.find(v.Alert).widget.children)
