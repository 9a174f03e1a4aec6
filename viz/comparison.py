"""The strategy explorer's engine: paired runs until the answer is precise enough, verdicts, downloads.

Every strategy runs on the same replicate seeds as doing nothing (the baseline), so "crimes
prevented" is a paired difference per seed and its 95% interval is a t-interval of those
differences. Replicates are added one seed at a time until the interval of crimes prevented is
narrower than the chosen precision (a share of the crimes the area has without any strategy) for
every strategy, or a cap is reached; the rule is checked on replicates in seed order, so the
answer does not depend on how many workers ran it. Runs go through the one replicate runner,
:func:`simulation.replicates.run_all`, on any executor. Where the prevented crimes went (routes and
displacement to the surrounding ring) comes from :mod:`simulation.pathways` on the same paired runs.

No Solara here: :func:`run_outcome` runs in worker processes.
"""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.metrics import METRICS
from simulation.output import area_series, ci95_half_width, git_commit, summarise, t95, versions
from simulation.params import ParameterError, Params
from simulation.pathways import needed_columns, route_table, wdq_table
from simulation.replicates import Run, replicate_seeds, run_all, simulate
from simulation.scenarios import load_scenario, scenario_names
from simulation.money import DEFAULT_PRICE_YEAR as PRICE_YEAR, uprating
from viz.controls import CHOICE_LABELS, HORIZON_DAYS, SEED_MAX, check_whole, control

BASELINE = "baseline"
YEAR = 365
OUTCOMES: dict[str, tuple[str, str]] = {
    "completed": (METRICS["completed"].label, "crimes a year"),
    "crime_cost_gbp": (METRICS["crime_cost_gbp"].label, f"£ a year ({PRICE_YEAR} prices)"),
    "cost_gbp": (METRICS["cost_gbp"].label, "£ a year"),
    "prevented": ("Crimes prevented vs doing nothing", "crimes a year"),
    "avoided_gbp": ("Cost of crime avoided vs doing nothing", f"£ a year ({PRICE_YEAR} prices)"),
    "ce_gain": ("Collective efficacy gained vs doing nothing", "points on the 0-1 scale (true value)"),
    "gbp_per_prevented": ("Spending per crime prevented", "£"),
}
"""Label and unit of every outcome the explorer shows: the metric registry's, and the paired differences
derived from them."""
NEIGHBOURHOODS: dict[str, dict[str, float]] = {
    "Typical mixed area": {},
    "Close-knit, better-off area": {"cohesion_mean": 0.7, "deprivation_spread": 0.2, "offenders_per_1000": 2.0},
    "Deprived area with low trust": {"cohesion_mean": 0.4, "deprivation_spread": 0.8, "offenders_per_1000": 8.0},
}
"""Neighbourhood types as parameter overrides (empty = the model's defaults)."""
ORGANISER_SHARES = (0, 25, 50, 75, 100)
"""Budget-split options: percent of the budget spent on organisers (the rest on target hardening)."""
BUDGET_GBP = (25_000, 500_000)
SPLIT = "split_"
"""Key prefix of budget-split strategies (``split_50`` = half the budget on organisers)."""
PRECISION: dict[str, tuple[float, int]] = {
    "Quick look": (0.10, 20),
    "Standard": (0.05, 40),
    "Fine": (0.025, 80),
}
"""Precision presets: target 95% half-width of crimes prevented (share of the baseline's crimes) and the
most replicates run to reach it."""
SMALL_CE = 0.0025
"""Changes of true collective efficacy below this (points on the 0-1 scale; a hundredth of a point on the 1-5
survey scale) are reported as "very slight"."""
MIN_REPLICATES = 5
"""Replicates always run before the precision rule is checked (a t-interval from fewer is unreliable)."""
MAX_RUNS = 500
"""Strategies (with the baseline) x most replicates allowed in one request."""


@dataclass(frozen=True)
class Strategy:
    """A named set of parameter overrides, with a plain-English title."""

    key: str
    title: str
    overrides: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def scenario_strategies(names: list[str]) -> list[Strategy]:
    """Shipped scenarios as strategies; only names from :func:`scenario_names` are accepted (never a path)."""
    shipped = scenario_names()
    out = []
    for name in names:
        if name not in shipped:
            raise ParameterError(f"strategy={name!r}: expected one of {', '.join(shipped)}")
        scenario = load_scenario(name)
        out.append(Strategy(name, scenario.title, scenario.params.diff(), scenario.description))
    return out


def budget_strategies(budget_gbp: float, shares: list[int], organising: str = "listening") -> list[Strategy]:
    """Split ``budget_gbp`` a year between organisers (``shares`` in percent, sorted) and target hardening.

    Organisers come in whole posts (``share * budget / organiser_cost_gbp``, rounded); the rest
    of the budget goes to hardening.
    """
    if not BUDGET_GBP[0] <= budget_gbp <= BUDGET_GBP[1]:
        raise ParameterError(f"budget={budget_gbp!r}: expected £{BUDGET_GBP[0]:,} to £{BUDGET_GBP[1]:,} a year")
    if organising not in ("listening", "broadcast"):
        raise ParameterError(f"approach={organising!r}: expected one of listening, broadcast")
    cost = Params().organiser_cost_gbp
    out = []
    for share in sorted(set(shares)):
        if share not in ORGANISER_SHARES:
            raise ParameterError(f"share={share!r}: expected one of {', '.join(f'{s}%' for s in ORGANISER_SHARES)}")
        organisers = round(share / 100 * budget_gbp / cost)
        hardening = max(0.0, budget_gbp - organisers * cost)
        title = (f"{share}% on organisers ({organisers} {CHOICE_LABELS[organising].split()[0].lower()} "
                 f"organiser{'s' if organisers != 1 else ''}), £{hardening:,.0f} on hardening")
        out.append(Strategy(f"{SPLIT}{share}", title,
                            {"organising": organising if organisers else "none", "n_organisers": organisers,
                             "hardening_budget_gbp": hardening},
                            f"£{budget_gbp:,.0f} a year: {organisers} organisers and £{hardening:,.0f} of "
                            "target hardening"))
    return out


@dataclass(frozen=True)
class Setup:
    """One comparison request, validated against the browser's bounds."""

    strategies: list[Strategy]
    neighbourhood: str = "Typical mixed area"
    n_residents: int = Params().n_residents
    days: int = YEAR
    precision: str = "Standard"
    seed: int = 0

    def __post_init__(self) -> None:
        if not [s for s in self.strategies if s.key != BASELINE]:
            raise ParameterError("strategies: choose at least one strategy to compare with doing nothing")
        if self.neighbourhood not in NEIGHBOURHOODS:
            raise ParameterError(f"neighbourhood={self.neighbourhood!r}: expected one of {', '.join(NEIGHBOURHOODS)}")
        if self.precision not in PRECISION:
            raise ParameterError(f"precision={self.precision!r}: expected one of {', '.join(PRECISION)}")
        control("n_residents").check(self.n_residents)
        check_whole("horizon (days)", self.days, *HORIZON_DAYS)
        check_whole("seed", self.seed, 0, SEED_MAX)
        if self.max_runs > MAX_RUNS:
            raise ParameterError(f"strategies x replicates = {len(self.with_baseline())} x {self.max_replicates}: "
                                 f"at most {MAX_RUNS} runs per comparison (choose fewer strategies or a quicker "
                                 "precision)")

    def with_baseline(self) -> list[Strategy]:
        """Doing nothing first (needed for crimes prevented), then the strategies."""
        baseline = scenario_strategies([BASELINE])[0]
        return [baseline, *(s for s in self.strategies if s.key != BASELINE)]

    @property
    def target(self) -> float:
        """Target 95% half-width of crimes prevented, as a share of the baseline's crimes."""
        return PRECISION[self.precision][0]

    @property
    def max_replicates(self) -> int:
        """Most replicates run."""
        return PRECISION[self.precision][1]

    @property
    def max_runs(self) -> int:
        """Most runs (strategies with the baseline x most replicates)."""
        return len(self.with_baseline()) * self.max_replicates

    def params(self, strategy: Strategy) -> Params:
        """Parameters of one strategy in this neighbourhood."""
        return Params().replace(**NEIGHBOURHOODS[self.neighbourhood], n_residents=self.n_residents,
                                **strategy.overrides)

    def runs(self) -> Iterator[Run]:
        """Every strategy on replicate 0, then on replicate 1, ... (seed order), lazily."""
        strategies = [(s.key, self.params(s)) for s in self.with_baseline()]
        for replicate, seed in enumerate(replicate_seeds(self.seed, self.max_replicates)):
            for key, params in strategies:
                yield Run(key, params, replicate, seed, self.days)


def run_outcome(run: Run) -> dict[str, Any]:
    """One run's whole-area daily crimes completed and collective efficacy, its spending, its cost of crime
    (Heeks et al. 2018 unit costs uprated to :data:`PRICE_YEAR`, as in ``compare`` and ``robustness``), and its
    totals of the crime flows the pathways need (:func:`simulation.pathways.needed_columns`; runs in a worker)."""
    area = area_series(simulate(run))
    totals = summarise(area).iloc[0]
    return {"completed": area["completed"].to_numpy(), "ce": area["collective_efficacy"].to_numpy(),
            "cost_gbp": float(totals["cost_gbp_total"]),
            "crime_cost_gbp": float(totals["crime_cost_gbp_total"]) * uprating(PRICE_YEAR),
            "flows": {name: float(totals[name]) for name in needed_columns()}}


@dataclass(frozen=True)
class Progress:
    """How far a comparison has got."""

    runs_done: int
    max_runs: int
    replicates: int
    half_width: float | None = None
    target: float | None = None
    seconds_left: float | None = None

    @property
    def percent(self) -> float:
        """Share of the most runs done (a comparison that reaches its precision early jumps to 100)."""
        return 100 * self.runs_done / self.max_runs


@dataclass(frozen=True)
class Comparison:
    """Per-run outcomes, daily series, the summary and where the prevented crimes went, of one comparison."""

    setup: Setup
    runs: pd.DataFrame
    daily: pd.DataFrame
    table: pd.DataFrame
    stopped: str
    seconds: float
    routes: pd.DataFrame
    """Per strategy and route: crimes prevented a year (:func:`pathway_tables`)."""
    displacement: pd.DataFrame
    """Per strategy: change in crime a year in the area and the ring, and the WDQ (:func:`pathway_tables`)."""


def run_comparison(setup: Setup, executor: Executor | None = None,
                   on_progress: Callable[[Progress], None] = lambda _: None,
                   cancelled: threading.Event | None = None, max_in_flight: int = 2) -> Comparison:
    """Run replicates in seed order until precise enough (or the cap, or ``cancelled``); summarise them."""
    cancelled = cancelled or threading.Event()
    keys = [s.key for s in setup.with_baseline()]
    done: dict[tuple[str, int], dict[str, Any]] = {}
    complete, stopped = 0, ""
    start = time.monotonic()
    with closing(run_all(setup.runs(), executor, fn=run_outcome, max_in_flight=max_in_flight)) as results:
        for run, outcome in results:
            done[run.label, run.replicate] = outcome
            while complete < setup.max_replicates and all((k, complete) in done for k in keys):
                complete += 1
                if complete < MIN_REPLICATES:
                    continue
                half, target = precision(done, keys, complete, setup)
                if half <= target:
                    stopped = (f"Reached the precision asked for after {complete} replicates "
                               f"(crimes prevented within ±{half:.1f} a year; target ±{target:.1f}).")
                    break
            elapsed = time.monotonic() - start
            left = (setup.max_runs - len(done)) * elapsed / len(done)
            on_progress(Progress(len(done), setup.max_runs, complete, *(precision(done, keys, complete, setup)
                                                                        if complete > 1 else (None, None)), left))
            if stopped or complete == setup.max_replicates:
                break
            if cancelled.is_set():
                stopped = f"Cancelled after {complete} complete replicates; the results below use those."
                break
    if complete < 2:
        raise ParameterError("not enough complete replicates to compare (at least 2 are needed)")
    if not stopped:
        half, target = precision(done, keys, complete, setup)
        stopped = (f"Stopped at the maximum of {complete} replicates: crimes prevented are known within "
                   f"±{half:.1f} a year (the target was ±{target:.1f}).")
    return summarise_runs(setup, done, complete, stopped, time.monotonic() - start)


def precision(done: dict[tuple[str, int], dict[str, Any]], keys: list[str], replicates: int,
              setup: Setup) -> tuple[float, float]:
    """Widest 95% half-width of crimes prevented a year over the strategies, and its target."""
    per_year = YEAR / setup.days
    base = np.array([done[BASELINE, r]["completed"].sum() for r in range(replicates)]) * per_year
    widest = 0.0
    for key in keys[1:]:
        prevented = base - np.array([done[key, r]["completed"].sum() for r in range(replicates)]) * per_year
        widest = max(widest, ci95_half_width(prevented.std(ddof=1), replicates))
    return widest, setup.target * base.mean()


def summarise_runs(setup: Setup, done: dict[tuple[str, int], dict[str, Any]], replicates: int, stopped: str,
                   seconds: float) -> Comparison:
    """Per-run table, daily series and per-strategy summary of replicates 0 .. ``replicates`` - 1."""
    strategies = setup.with_baseline()
    seeds = replicate_seeds(setup.seed, replicates)
    per_year = YEAR / setup.days
    rows, daily = [], []
    for s in strategies:
        for r in range(replicates):
            out, base = done[s.key, r], done[BASELINE, r]
            rows.append({"strategy": s.key, "title": s.title, "replicate": r, "seed": seeds[r],
                         "completed": out["completed"].sum(), "prevented": base["completed"].sum() -
                         out["completed"].sum(), "ce_start": out["ce"][0], "ce_end": out["ce"][-1],
                         "ce_gain": (out["ce"][-1] - out["ce"][0]) - (base["ce"][-1] - base["ce"][0]),
                         "cost_gbp": out["cost_gbp"], "crime_cost_gbp": out["crime_cost_gbp"],
                         "avoided_gbp": base["crime_cost_gbp"] - out["crime_cost_gbp"], **out["flows"]})
            daily.append(pd.DataFrame({"strategy": s.key, "replicate": r, "day": np.arange(len(out["ce"])),
                                       "ce": out["ce"], "prevented": np.cumsum(base["completed"] - out["completed"])}))
    runs = pd.DataFrame(rows)
    for col in ("completed", "prevented", "cost_gbp", "crime_cost_gbp", "avoided_gbp"):
        runs[f"{col}_per_year"] = runs[col] * per_year
    table = summary_table(runs, strategies)
    return Comparison(setup, runs, pd.concat(daily, ignore_index=True), table, stopped, seconds,
                      *pathway_tables(runs, table, per_year))


ROUTE_NAMES = {"search": "Fewer offenders drawn to the area", "youth": "Diverted by youth provision",
               "deterred": "Deterred", "no_victim": "Robbery given up (nobody about)",
               "ring": "Moved to the ring", "no_entry": "Failed to get in", "occupancy": "Foiled by someone at home",
               "hardening": "Foiled by target hardening", "bystander": "Foiled by a bystander",
               "total": "All routes: crimes prevented in the area"}
"""Short plain names of :data:`simulation.pathways.ROUTES` (and their total) for the page."""


def pathway_tables(runs: pd.DataFrame, table: pd.DataFrame, per_year: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where the prevented crimes went: :func:`simulation.pathways.route_table` and
    :func:`~simulation.pathways.wdq_table` of the paired runs against doing nothing, per year, with plain names,
    strategies in the order of ``table``.

    The flow totals are scaled to a year first: every route is proportional to the flows and the WDQ is a
    ratio, so this is the same as scaling the answers.
    """
    yearly = runs.assign(**{col: runs[col] * per_year for col in needed_columns()})
    order = table["strategy"].tolist()
    titles = dict(zip(table["strategy"], table["title"]))
    routes = with_range(route_table(yearly, "strategy", BASELINE, order), "prevented", "ci95")
    displacement = wdq_table(yearly, "strategy", BASELINE, order)
    for col in ("area_change", "ring_change"):
        displacement = with_range(displacement, col, f"{col}_ci95")
    return (routes.assign(title=routes["strategy"].map(titles), name=routes["route"].map(ROUTE_NAMES)),
            displacement.assign(title=displacement["strategy"].map(titles)))


def with_range(df: pd.DataFrame, col: str, half: str) -> pd.DataFrame:
    """``df`` with ``<col>_low`` and ``<col>_high``: ``col`` minus and plus the half-width in ``half``."""
    return df.assign(**{f"{col}_low": df[col] - df[half], f"{col}_high": df[col] + df[half]})


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of ``values``."""
    mean = float(np.mean(values))
    half = ci95_half_width(float(np.std(values, ddof=1)), len(values)) if len(values) > 1 else math.nan
    return mean, mean - half, mean + half


def summary_table(runs: pd.DataFrame, strategies: list[Strategy]) -> pd.DataFrame:
    """One row per strategy: means and 95% intervals a year, £ per crime prevented and the verdicts."""
    rows = []
    for s in strategies:
        mine = runs[runs["strategy"] == s.key]
        row: dict[str, Any] = {"strategy": s.key, "title": s.title, "replicates": len(mine)}
        for col in ("completed", "prevented", "ce_gain", "cost_gbp", "crime_cost_gbp", "avoided_gbp"):
            source = col if col == "ce_gain" else f"{col}_per_year"
            row[col], row[f"{col}_low"], row[f"{col}_high"] = interval(mine[source].to_numpy())
        for col in ("completed", "cost_gbp", "crime_cost_gbp"):             # counts and money cannot be negative
            row[f"{col}_low"] = max(0.0, row[f"{col}_low"])
        row.update(cost_per_prevented(row))
        row["verdict"] = crime_verdict(s.key, row, rows[0]["completed"] if rows else row["completed"])
        row["ce_verdict"] = ce_verdict(s.key, row)
        rows.append(row)
    if not any(s.key.startswith(SPLIT) for s in strategies):          # most crimes prevented first
        rows[1:] = sorted(rows[1:], key=lambda r: -r["prevented"])
    return pd.DataFrame(rows)


def cost_per_prevented(row: dict[str, Any]) -> dict[str, float]:
    """£ per crime prevented (and its range) where prevention is detectable, else NaN."""
    cost, low, high = row["cost_gbp"], row["prevented_low"], row["prevented_high"]
    if not (low > 0 and cost > 0):
        return {"gbp_per_prevented": math.nan, "gbp_per_prevented_low": math.nan, "gbp_per_prevented_high": math.nan}
    return {"gbp_per_prevented": cost / row["prevented"], "gbp_per_prevented_low": cost / high,
            "gbp_per_prevented_high": cost / low}


def about(x: float) -> str:
    """``x`` to two significant figures but at most one decimal, without exponent or trailing zeros
    ("6.1", "5", "12", "1,200", "0.1")."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else "–"
    places = min(1, 1 - math.floor(math.log10(abs(x))))
    text = f"{round(x, places):,.{max(0, places)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def crime_verdict(key: str, row: dict[str, Any], baseline_crimes: float) -> str:
    """"Prevents about N crimes a year (range a to b)", "About N more crimes a year ..." or "No detectable
    difference ..."."""
    if key == BASELINE:
        return "The comparison point: the area with no strategy."
    if baseline_crimes == 0 and row["completed"] == 0:
        return "Cannot tell: no crimes happened in these runs (choose more households or a longer time)."
    mean, low, high = row["prevented"], row["prevented_low"], row["prevented_high"]
    if low > 0:
        return f"Prevents about {about(mean)} crimes a year (range {about(low)} to {about(high)})."
    if high < 0:
        return f"About {about(-mean)} more crimes a year (range {about(-high)} to {about(-low)} more)."
    return (f"No detectable difference in crime (between {about(-low)} more and {about(high)} fewer "
            "crimes a year).")


def signed(x: float, places: int = 2) -> str:
    """``x`` with a sign, rounded, never "-0.00"."""
    return f"{round(x, places) + 0.0:+.{places}f}"


def ce_verdict(key: str, row: dict[str, Any]) -> str:
    """What the strategy does to collective efficacy, in words."""
    if key == BASELINE:
        return ""
    mean, low, high = row["ce_gain"], row["ce_gain_low"], row["ce_gain_high"]
    span = f"(range {signed(low, 3)} to {signed(high, 3)} on the 0-1 scale)"
    if low > 0 or high < 0:
        direction = "Raises" if low > 0 else "Lowers"
        if abs(mean) < SMALL_CE:
            return f"{direction} collective efficacy very slightly (by less than {SMALL_CE} on the 0-1 scale)."
        return f"{direction} collective efficacy by about {abs(mean):.3f} {span}."
    if max(abs(low), abs(high)) < SMALL_CE:
        return f"No change in collective efficacy (within ±{SMALL_CE} on the 0-1 scale)."
    return f"No detectable change in collective efficacy {span}."


def money_line(row: pd.Series) -> str:
    """Spending, £ per crime prevented and the cost of crime avoided, in words."""
    if row["strategy"] == BASELINE:
        return ""
    spent = f"Costs £{row['cost_gbp']:,.0f} a year"
    if math.isnan(row["gbp_per_prevented"]):
        per_crime = f"{spent}; £ per crime prevented cannot be estimated (no detectable prevention)."
    else:
        per_crime = (f"{spent}: about £{about(row['gbp_per_prevented'])} per crime prevented "
                     f"(range £{about(row['gbp_per_prevented_low'])} to £{about(row['gbp_per_prevented_high'])}).")
    low, high = row["avoided_gbp_low"], row["avoided_gbp_high"]
    span = f"(range {pounds(low)} to {pounds(high)} a year; {PRICE_YEAR} prices)"
    if low > 0:
        avoided = f"It avoids about {pounds(row['avoided_gbp'])} of crime costs a year {span}."
    else:
        avoided = f"No detectable saving in the cost of crime {span}."
    return f"{per_crime} {avoided}"


def pounds(x: float) -> str:
    """Whole pounds to two significant figures, sign in front ("£12,000", "-£3,400", "-£2")."""
    return ("-" if x < 0 else "") + f"£{about(round(abs(x)))}"


def band(daily: pd.DataFrame, col: str) -> pd.DataFrame:
    """Per strategy and day: mean of ``col`` over replicates and its 95% t-interval (``low``, ``high``)."""
    stats = daily.groupby(["strategy", "day"])[col].agg(["mean", "std", "count"]).reset_index()
    half = t95(stats["count"].clip(lower=2)) * stats["std"].fillna(0) / np.sqrt(stats["count"])
    return stats.assign(low=stats["mean"] - half, high=stats["mean"] + half)


# ---------------------------------------------------------------- downloads
SUMMARY_COLUMNS = {
    "title": ("Strategy", None), "verdict": ("Verdict on crime", None),
    "ce_verdict": ("Verdict on collective efficacy", None),
    "completed": ("Crimes a year", 1), "completed_low": ("Crimes a year, 95% low", 1),
    "completed_high": ("Crimes a year, 95% high", 1),
    "prevented": ("Crimes prevented a year vs doing nothing", 1), "prevented_low": ("Crimes prevented, 95% low", 1),
    "prevented_high": ("Crimes prevented, 95% high", 1),
    "ce_gain": ("Collective efficacy gained vs doing nothing (true, 0-1 scale)", 3),
    "ce_gain_low": ("Collective efficacy gained, 95% low", 3),
    "ce_gain_high": ("Collective efficacy gained, 95% high", 3),
    "cost_gbp": ("Cost a year (£)", 0), "gbp_per_prevented": ("£ per crime prevented", 0),
    "avoided_gbp": (f"Cost of crime avoided a year (£, {PRICE_YEAR} prices)", 0),
    "avoided_gbp_low": ("Cost of crime avoided, 95% low (£)", 0),
    "avoided_gbp_high": ("Cost of crime avoided, 95% high (£)", 0),
    "gbp_per_prevented_low": ("£ per crime prevented, 95% low", 0),
    "gbp_per_prevented_high": ("£ per crime prevented, 95% high", 0), "replicates": ("Replicates", 0),
}
RUN_COLUMNS = {
    "title": ("Strategy", None), "replicate": ("Replicate", 0), "seed": ("Seed", 0),
    "completed": ("Crimes completed", 0), "prevented": ("Crimes prevented vs doing nothing (same seed)", 0),
    "ce_start": ("Collective efficacy at start (true, 0-1)", 3), "ce_end": ("Collective efficacy at end (true, 0-1)", 3),
    "ce_gain": ("Collective efficacy gained vs doing nothing", 3), "cost_gbp": ("Spent (£)", 0),
    "crime_cost_gbp": (f"Cost of completed crime (£, {PRICE_YEAR} prices)", 0),
    "avoided_gbp": ("Cost of crime avoided vs doing nothing (£, same seed)", 0),
    **{col: (f"{metric.label} ({metric.unit}, total over the run)", 0) for col in needed_columns()
       if col != "completed_total" for metric in [METRICS[col.removesuffix("_total")]]},
}
ROUTE_COLUMNS = {
    "title": ("Strategy", None), "name": ("Route", None), "label": ("What it means", None),
    "prevented": ("Crimes prevented a year in the area vs doing nothing", 1),
    "prevented_low": ("Crimes prevented, 95% low", 1), "prevented_high": ("Crimes prevented, 95% high", 1),
    "n": ("Replicates", 0),
}
DISPLACEMENT_COLUMNS = {
    "title": ("Strategy", None),
    "area_change": ("Change in crimes a year in the area vs doing nothing", 1),
    "area_change_low": ("Change in the area, 95% low", 1), "area_change_high": ("Change in the area, 95% high", 1),
    "ring_change": ("Change in crimes a year in the surrounding ring vs doing nothing", 1),
    "ring_change_low": ("Change in the ring, 95% low", 1), "ring_change_high": ("Change in the ring, 95% high", 1),
    "wdq": ("Weighted displacement quotient (WDQ)", 2), "wdq_low": ("WDQ, 95% low", 2),
    "wdq_high": ("WDQ, 95% high", 2), "reading": ("Reading", None), "n": ("Replicates", 0),
}


def readable_csv(df: pd.DataFrame, columns: dict[str, tuple[str, int | None]]) -> str:
    """``df`` with plain-English headers and rounded numbers, as CSV text."""
    out = pd.DataFrame({label: df[col].round(digits) + 0 if digits is not None else df[col]   # + 0: no "-0.0"
                        for col, (label, digits) in columns.items()})
    return out.to_csv(index=False)


def settings_csv(result: Comparison) -> str:
    """Everything needed to rerun the comparison, as Setting,Value rows."""
    s = result.setup
    replicates = int(result.table["replicates"].iloc[0])
    rows = [("Neighbourhood type", s.neighbourhood), ("Households", s.n_residents), ("Days simulated", s.days),
            ("Experiment seed", s.seed), ("Precision asked for", f"{s.precision}: crimes prevented within "
             f"±{100 * s.target:g}% of the baseline's crimes, at most {s.max_replicates} replicates"),
            ("Replicates run", replicates), ("How it stopped", result.stopped),
            ("Replicate seeds", " ".join(str(x) for x in replicate_seeds(s.seed, replicates))),
            ("Neighbourhood overrides", _overrides(NEIGHBOURHOODS[s.neighbourhood]))]
    rows += [(f"Strategy: {st.title}", _overrides(st.overrides) or "model defaults") for st in s.with_baseline()]
    rows += [("Software: " + name, version) for name, version in versions().items()]
    rows.append(("Source commit", git_commit()))
    buffer = io.StringIO()
    pd.DataFrame(rows, columns=["Setting", "Value"]).to_csv(buffer, index=False)
    return buffer.getvalue()


def _overrides(values: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {v}" for k, v in values.items())
