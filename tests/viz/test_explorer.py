"""Strategy explorer page, rendered headless in a Solara session: checked inputs, runs, verdicts, downloads."""

from __future__ import annotations

from types import SimpleNamespace

import ipyvuetify as v
import pandas as pd
import pytest
import solara
import solara.widgets
from conftest import texts, wait_until

from viz import explorer, robustness, sessions, workers
from viz.comparison import budget_strategies, scenario_strategies
from viz.explorer import ExplorerPage, robustness_html
from viz.workers import BatchPool


def small_request(rc) -> None:
    """One strategy, a small deprived area, four months, quick precision."""
    for title in ("Broadcast consultation", "Target hardening", "Neighbourhood Watch (police-led)"):
        rc.find(v.Checkbox, label=title).widget.v_model = False
    rc.find(v.Select, label="Neighbourhood type").widget.v_model = "Deprived area with low trust"
    rc.find(v.Slider, label="Households").widget.v_model = 600
    rc.find(v.Slider, label="Time simulated").widget.v_model = 120
    rc.find(v.Select, label="Precision").widget.v_model = "Quick look"


@pytest.fixture
def pool(monkeypatch):
    """A one-process comparison pool of its own."""
    mine = BatchPool(workers=1, idle_seconds=1)
    monkeypatch.setattr(workers, "COMPARISONS", mine)
    return mine


@solara.component
def Tabs(page: solara.Reactive[str]) -> None:
    """The explorer or another page, like the header tabs."""
    if page.value == "explorer":
        ExplorerPage()
    else:
        solara.Text("trainer")


def test_inputs_are_labelled_and_checked_on_the_server(kernel) -> None:
    _, rc = solara.render(ExplorerPage(), handle_error=False)
    assert {w.label for w in rc.find(v.Slider).widgets} == {"Households", "Time simulated"}
    assert "5 strategies with doing nothing, up to 40 replicates each: at most 200 runs" in texts(rc)
    forged = [(v.Select, "Neighbourhood type", "Mars", "neighbourhood='Mars'"),
              (v.Select, "Precision", "bogus", "precision='bogus'"),
              (v.Slider, "Households", 10**9, "n_residents=1000000000"),
              (v.Slider, "Time simulated", "1e3", "horizon (days)='1e3'"),
              (v.Checkbox, "Listening-led organising", "yes", "checkbox='yes'")]
    for kind, label, value, message in forged:
        rc.find(kind, label=label).widget.v_model = value
        assert message in explorer.form_error.value
    assert explorer.neighbourhood.value == "Typical mixed area" and explorer.days.value == 365
    rc.find(v.BtnToggle).widget.v_model = "Budget split"
    wait_until(lambda: rc.find(v.Slider, label="Budget a year").widgets)
    rc.find(v.Slider, label="Budget a year").widget.v_model = 10**12
    assert "budget=1000000000000" in explorer.form_error.value
    rc.find(v.Select, label="Organisers' approach").widget.v_model = "shouting"
    assert "approach='shouting'" in explorer.form_error.value
    rc.find(v.BtnToggle).widget.v_model = "../etc/passwd"
    assert "mode='../etc/passwd'" in explorer.form_error.value and explorer.mode.value == "Budget split"
    rc.find(v.TextField, label="Random seed (whole number)").widget.v_model = "1e3"
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    assert "seed='1e3'" in explorer.form_error.value and not explorer.job_state.value.running


def test_a_comparison_runs_in_the_pool_and_survives_a_tab_switch(kernel, pool, robustness_dir, monkeypatch) -> None:
    monkeypatch.setattr(robustness, "SHIPPED", robustness_dir)
    page = solara.reactive("explorer")
    _, rc = solara.render(Tabs(page), handle_error=False)
    small_request(rc)
    assert "2 strategies with doing nothing, up to 20 replicates each" in texts(rc)
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    wait_until(lambda: explorer.job_state.value.running)
    page.set("trainer")                                        # leave while it runs ...
    wait_until(lambda: explorer.job_state.value.result is not None, timeout=120)
    page.set("explorer")                                       # ... and come back to the answer
    wait_until(lambda: "Listening-led organising" in texts(rc))
    shown = texts(rc)
    assert "Doing nothing (baseline)" in shown and "listening_led" not in shown
    assert any(phrase in shown for phrase in ("Prevents about", "No detectable difference", "more crimes a year"))
    assert "<table" in shown and "£ per crime prevented" in shown
    assert "Where did the prevented crimes go?" in shown and "Moved to the ring" in shown and "WDQ" in shown
    assert "Listening-led organising prevents more crime than Doing nothing (baseline)" in shown
    assert "From 10 plausible parameter settings" in shown and "Target hardening:" not in shown
    labels = {str(w.children) for w in rc.find(v.Btn).widgets}
    assert sum("CSV" in label or "PNG" in label for label in labels) == 6
    images = [w for w in rc.find(solara.widgets.HTML).widgets if w.tag == "img"]
    assert images and images[0].attributes["alt"].startswith("Comparison of strategies with doing nothing.")


def test_robustness_is_shown_for_the_chosen_strategies_and_not_for_a_budget_split(robustness_dir, tmp_path,
                                                                                   monkeypatch) -> None:
    def compared(strategies) -> SimpleNamespace:
        table = pd.DataFrame({"strategy": ["baseline", *(s.key for s in strategies)],
                              "title": ["Doing nothing (baseline)", *(s.title for s in strategies)]})
        return SimpleNamespace(setup=SimpleNamespace(strategies=strategies), table=table)
    monkeypatch.setattr(robustness, "SHIPPED", robustness_dir)
    shown = robustness_html(compared(scenario_strategies(["target_hardening", "broadcast"])))
    assert shown.count("<li>") == 3 and "<li>Not in the robustness result: Broadcast consultation.</li>" in shown
    assert "Listening-led" not in shown and "From 10 plausible parameter settings" in shown
    assert "does not apply to a budget split" in robustness_html(compared(budget_strategies(100_000, [0, 50])))
    monkeypatch.setattr(robustness, "SHIPPED", tmp_path / "absent")
    shown = robustness_html(compared(scenario_strategies(["listening_led"])))
    assert "<li>" not in shown and "Robustness across plausible settings is not available" in shown


def test_cancel_stops_a_comparison(kernel, pool) -> None:
    _, rc = solara.render(ExplorerPage(), handle_error=False)
    small_request(rc)
    rc.find(v.Select, label="Precision").widget.v_model = "Fine"
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    wait_until(lambda: explorer.job_state.value.running and rc.find(v.Btn, children=["Cancel"]).widgets)
    wait_until(lambda: getattr(explorer.job_state.value.progress, "replicates", 0) >= 2, timeout=120)
    rc.find(v.Btn, children=["Cancel"]).widget.click()
    wait_until(lambda: not explorer.job_state.value.running, timeout=60)
    result = explorer.job_state.value.result
    assert result is not None and result.stopped.startswith("Cancelled after")


def test_closing_the_tab_cancels_its_comparison(kernel, pool) -> None:
    _, rc = solara.render(ExplorerPage(), handle_error=False)
    small_request(rc)
    rc.find(v.Select, label="Precision").widget.v_model = "Fine"
    rc.find(v.Btn, children=["Run comparison"]).widget.click()
    wait_until(lambda: explorer.job_state.value.running)
    runner = sessions.current().parts["comparison"]
    sessions.current().close()
    runner.join(60)
    assert not runner._thread.is_alive()
