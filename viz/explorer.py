"""Strategy explorer for policy staff: compare strategies with uncertainty and cost-effectiveness.

Every strategy runs on the same replicate seeds (so the same starting neighbourhoods), which
makes "crimes prevented" a paired difference against doing nothing (the baseline).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import solara
import solara.lab
from matplotlib.figure import Figure

from simulation.replicates import replicate_seeds
from simulation.model import CommunityModel
from simulation.output import area_series, comparison_table, paired_prevention, summarise
from simulation.params import ParameterError, Params
from simulation.scenarios import load_scenario, scenario_names
from viz.controls import HORIZON_DAYS, REPLICATES, SEED_MAX, check_whole, control
from viz.trainer import figure_png

BASELINE = "baseline"
NEIGHBOURHOODS: dict[str, dict[str, float]] = {
    "Typical mixed area": {},
    "Close-knit, better-off area": {"cohesion_mean": 0.7, "deprivation_spread": 0.2, "offenders_per_1000": 2.0},
    "Deprived area with low trust": {"cohesion_mean": 0.4, "deprivation_spread": 0.8, "offenders_per_1000": 8.0},
}
"""Neighbourhood types as parameter overrides (empty = the model's defaults)."""
ORGANISER_SHARES = (0, 25, 50, 75, 100)
"""Budget-split options: percent of the budget spent on organisers (the rest on target hardening)."""
BUDGET_GBP = (25_000, 500_000)
MAX_RUNS = 120
"""Strategies (with the baseline) x replicates allowed in one request."""
OUTCOMES = {"ce_change": "Change in collective efficacy (1-5 scale)", "completed": "Crimes completed",
            "prevented": "Crimes prevented vs doing nothing", "cost_gbp": "Spent (£)",
            "prevented_per_1000": "Crimes prevented per £1,000"}
"""Outcomes shown, with plain-language names."""


@dataclass(frozen=True)
class Strategy:
    """A named set of parameter overrides."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)


def scenario_strategies(names: list[str]) -> list[Strategy]:
    """The shipped scenarios ``names`` as strategies."""
    return [Strategy(name, load_scenario(name).params.diff()) for name in names]


def budget_strategies(budget_gbp: float, shares: list[int], organising: str = "listening") -> list[Strategy]:
    """Split ``budget_gbp`` a year between organisers (``shares`` in percent) and target hardening.

    Organisers come in whole posts (``share * budget / organiser_cost_gbp``, rounded); the rest
    of the budget goes to hardening.
    """
    cost = Params().organiser_cost_gbp
    out = []
    for share in shares:
        organisers = round(share / 100 * budget_gbp / cost)
        hardening = max(0.0, budget_gbp - organisers * cost)
        out.append(Strategy(f"{share}% organisers ({organisers}), £{hardening:,.0f}/yr hardening",
                            {"organising": organising if organisers else "none", "n_organisers": organisers,
                             "hardening_budget_gbp": hardening}))
    return out


@dataclass(frozen=True)
class Setup:
    """One comparison request, validated against the browser's bounds."""

    strategies: list[Strategy]
    neighbourhood: str = "Typical mixed area"
    n_residents: int = Params().n_residents
    days: int = 365
    replicates: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.strategies:
            raise ParameterError("strategies: choose at least one strategy to compare")
        if self.neighbourhood not in NEIGHBOURHOODS:
            raise ParameterError(f"neighbourhood={self.neighbourhood!r}: expected one of {', '.join(NEIGHBOURHOODS)}")
        control("n_residents").check(self.n_residents)
        check_whole("horizon (days)", self.days, *HORIZON_DAYS)
        check_whole("replicates", self.replicates, *REPLICATES)
        check_whole("seed", self.seed, 0, SEED_MAX)
        if len(self.with_baseline()) * self.replicates > MAX_RUNS:
            raise ParameterError(f"strategies x replicates = {len(self.with_baseline())} x {self.replicates}: "
                                 f"at most {MAX_RUNS} runs per comparison")

    def with_baseline(self) -> list[Strategy]:
        """The strategies, with doing nothing first (needed for crimes prevented)."""
        others = [s for s in self.strategies if s.name != BASELINE]
        return [Strategy(BASELINE), *others]

    def params(self, strategy: Strategy) -> Params:
        """Parameters of one strategy in this neighbourhood."""
        return Params().replace(**NEIGHBOURHOODS[self.neighbourhood], n_residents=self.n_residents,
                                **strategy.overrides)


@dataclass(frozen=True)
class Comparison:
    """Per-run outcomes and the summary table of one comparison."""

    setup: Setup
    runs: pd.DataFrame
    table: pd.DataFrame


def run_comparison(setup: Setup, on_progress: Callable[[float], None] = lambda _: None) -> Comparison:
    """Run every strategy on the same replicate seeds; ``on_progress`` gets the percent done."""
    strategies = setup.with_baseline()
    seeds = replicate_seeds(setup.seed, setup.replicates)
    rows = []
    for i, strategy in enumerate(strategies):
        params = setup.params(strategy)
        for rep, seed in enumerate(seeds):
            model = CommunityModel(params, rng=seed)
            model.run_for(setup.days)
            rows.append(summarise(area_series(model.results())).assign(strategy=strategy.name, replicate=rep,
                                                                       seed=seed))
            on_progress(100 * (i * len(seeds) + rep + 1) / (len(strategies) * len(seeds)))
    runs = pd.concat(rows, ignore_index=True)
    runs = paired_prevention(runs, "strategy", BASELINE).rename(columns={
        "collective_efficacy_change": "ce_change", "completed_total": "completed", "cost_gbp_total": "cost_gbp"})
    runs["prevented_per_1000"] = runs["prevented"] / (runs["cost_gbp"] / 1000).where(runs["cost_gbp"] > 0)
    return Comparison(setup, runs, summary_table(runs, [s.name for s in strategies]))


def summary_table(runs: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Mean and 95% t-interval (``_low``, ``_high``) of each outcome per strategy."""
    table = comparison_table(runs, "strategy", order, tuple(OUTCOMES))
    for col in OUTCOMES:
        half = table.pop(f"{col}_ci95")
        table[f"{col}_low"], table[f"{col}_high"] = table[col] - half, table[col] + half
    return table[["strategy", *(c for col in OUTCOMES for c in (col, f"{col}_low", f"{col}_high"))]]


def draw_comparison(result: Comparison) -> Figure:
    """Box plots with every replicate as a dot: collective efficacy change, crime, crimes prevented per £1,000."""
    order = list(result.table["strategy"])
    fig = Figure(figsize=(13, 4.6), dpi=80, layout="constrained")
    axes = fig.subplots(1, 3)
    rng = np.random.default_rng(0)
    for ax, col in zip(axes, ("ce_change", "completed", "prevented_per_1000")):
        shown = [name for name in order if result.runs.loc[result.runs["strategy"] == name, col].notna().any()]
        values = [result.runs.loc[result.runs["strategy"] == name, col].dropna().to_numpy() for name in shown]
        if values:
            ax.boxplot(values, orientation="horizontal", widths=0.5, showfliers=False)
            for y, v in enumerate(values, start=1):
                ax.scatter(v, y + rng.uniform(-0.12, 0.12, len(v)), s=14, color="#0072B2", alpha=0.7, zorder=3)
        ax.set_yticks(range(1, len(shown) + 1), [textwrap.fill(name, 22) for name in shown], fontsize=8)
        ax.set_title(OUTCOMES[col], fontsize=10)
        ax.invert_yaxis()
    axes[2].axvline(0, color="#999999", linewidth=0.8)
    s = result.setup
    fig.suptitle(f"{s.neighbourhood}, {s.n_residents:,} households, {s.days} days, {s.replicates} replicates "
                 "(box = middle half of runs, dots = single runs)", fontsize=10)
    return fig


def describe(strategy: Strategy) -> str:
    """One line saying what a strategy does."""
    if strategy.name in scenario_names():
        return load_scenario(strategy.name).description
    o = strategy.overrides
    return (f"{o['n_organisers']} {o['organising']} organisers and £{o['hardening_budget_gbp']:,.0f} a year "
            "on locks, lighting and gates.")


def table_markdown(table: pd.DataFrame) -> str:
    """The summary table as Markdown: mean and 95% interval for every outcome."""
    formats = {"ce_change": "{:+.3f}", "completed": "{:,.1f}", "prevented": "{:,.1f}", "cost_gbp": "£{:,.0f}",
               "prevented_per_1000": "{:.3f}"}
    lines = ["| Strategy | " + " | ".join(OUTCOMES.values()) + " |", "|---" * (len(OUTCOMES) + 1) + "|"]
    for _, row in table.iterrows():
        cells = []
        for col, fmt in formats.items():
            if np.isnan(row[col]):
                cells.append("–")
                continue
            low, high = row[f"{col}_low"], row[f"{col}_high"]
            interval = "" if np.isnan(low) or np.isclose(low, high) else (
                f" ({fmt.format(low)} to {fmt.format(high)})")
            cells.append(fmt.format(row[col]) + interval)
        lines.append(f"| {row['strategy']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


EXPLANATION = """
Each strategy is simulated several times (*replicates*) on the same starting neighbourhoods, because
chance matters: who happens to be home, which targets offenders pick. Table cells show the **average**
and, in brackets, the **95% interval** for that average. **Crimes prevented** compares each run with
the same neighbourhood left alone (the baseline). **Collective efficacy** is the simulated survey score
(1-5) of trust between neighbours and their willingness to act together; the change is end minus start.
"""


@solara.component
def ExplorerPage() -> None:
    """Inputs in the sidebar; runs in a background thread with progress; figure, table and downloads."""
    mode = solara.use_reactive("Shipped strategies")
    chosen = solara.use_reactive([BASELINE, "listening_led", "target_hardening"])
    budget = solara.use_reactive(100_000)
    shares = solara.use_reactive(["0%", "50%", "100%"])
    organising = solara.use_reactive("listening")
    neighbourhood = solara.use_reactive(next(iter(NEIGHBOURHOODS)))
    households = solara.use_reactive(Params().n_residents)
    days = solara.use_reactive(365)
    replicates = solara.use_reactive(3)
    seed = solara.use_reactive("0")
    error = solara.use_reactive(None)

    def build_setup() -> Setup:
        strategies = (scenario_strategies(chosen.value) if mode.value == "Shipped strategies" else
                      budget_strategies(budget.value, [int(s.rstrip("%")) for s in shares.value], organising.value))
        return Setup(strategies, neighbourhood.value, households.value, days.value, replicates.value,
                     check_whole("seed", seed.value, 0, SEED_MAX))

    def compute() -> Comparison | None:
        try:
            setup = build_setup()
        except ParameterError as err:
            error.set(str(err))
            return None
        error.set(None)

        def on_progress(percent: float) -> None:
            task.progress = percent
        return run_comparison(setup, on_progress)

    task = solara.lab.use_task(compute, dependencies=None)
    n_residents = control("n_residents")

    with solara.Sidebar():
        with solara.Card("What to compare"):
            solara.ToggleButtonsSingle(value=mode, values=["Shipped strategies", "Budget split"])
            if mode.value == "Shipped strategies":
                solara.SelectMultiple("Strategies", values=chosen, all_values=scenario_names())
            else:
                solara.SliderInt("Budget per year (£)", value=budget, min=BUDGET_GBP[0], max=BUDGET_GBP[1],
                                 step=25_000)
                solara.SelectMultiple("Share of budget for organisers", values=shares,
                                      all_values=[f"{s}%" for s in ORGANISER_SHARES])
                solara.Select("Organisers' approach", value=organising, values=["listening", "broadcast"])
        with solara.Card("Where and how long"):
            solara.Select("Neighbourhood type", value=neighbourhood, values=list(NEIGHBOURHOODS))
            solara.SliderInt("Households", value=households, min=int(n_residents.lo), max=int(n_residents.hi),
                             step=int(n_residents.step))
            solara.SliderInt("Horizon (days)", value=days, min=HORIZON_DAYS[0], max=HORIZON_DAYS[1], step=5)
            solara.SliderInt("Replicates per strategy", value=replicates, min=REPLICATES[0], max=REPLICATES[1])
            solara.InputText("Random seed", value=seed)
        runs = (len(chosen.value) + (BASELINE not in chosen.value) if mode.value == "Shipped strategies"
                else len(shares.value) + 1) * replicates.value
        solara.Markdown(f"{households.value:,} households, {days.value} days, {replicates.value} replicates: "
                        f"{runs} runs (the baseline is always included).")
        solara.Button("Run comparison", color="primary", on_click=task, disabled=task.pending)

    solara.Markdown("## Which strategy works, and for how much?")
    solara.Markdown(EXPLANATION)
    if task.pending:
        solara.Text(f"Running... {task.progress or 0:.0f}% done")
        solara.ProgressLinear(task.progress or True)
    if error.value:
        solara.Error(error.value)
    if task.finished and task.value is not None:
        Results(task.value)


@solara.component
def Results(result: Comparison) -> None:
    """Figure, table and CSV/PNG downloads of one comparison."""
    png = solara.use_memo(lambda: figure_png(draw_comparison(result)), [result])
    solara.Image(png)
    solara.Markdown(table_markdown(result.table))
    solara.Markdown("\n".join(f"* **{s.name}**: {describe(s)}" for s in result.setup.with_baseline()))
    with solara.Row():
        solara.FileDownload(result.table.to_csv(index=False), filename="strategy_comparison.csv",
                            label="Download table (CSV)")
        solara.FileDownload(result.runs.to_csv(index=False), filename="strategy_runs.csv",
                            label="Download every run (CSV)")
        solara.FileDownload(png, filename="strategy_comparison.png", label="Download figure (PNG)",
                            mime_type="image/png")
