"""An evaluator's view of a strategy comparison: survey waves, persistence after funding, deprivation split.

:func:`evaluate` turns the per-neighbourhood daily results of paired runs
(``scenario``, ``replicate``, ``seed`` columns) into three tables, each with
95% confidence intervals over replicates and paired differences from the
reference scenario: collective efficacy and other outcomes at every survey
wave (:mod:`simulation.persistence`), each outcome at the later waves as a
share of its end-of-funding value, and outcomes in the most and the least
deprived neighbourhoods (:mod:`simulation.equity`). ``saferstreets compare``
prints and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from simulation.equity import by_deprivation, compare_deprivation
from simulation.output import area_series, write_atomic
from simulation.persistence import at_waves, compare_persistence, compare_waves, persistence
from simulation.survey import wave_days, wave_label

KEYS = ("scenario", "replicate", "seed")
EQUITY_OUTCOMES = ("survey_ce", "collective_efficacy", "completed", "active")
SHOWN_PERSISTENCE = ("survey_ce", "collective_efficacy", "mean_degree", "active", "action_groups",
                     "allied_associations")


@dataclass(frozen=True)
class Evaluation:
    """The three tables of :func:`evaluate`."""

    waves: pd.DataFrame
    persistence: pd.DataFrame
    equity: pd.DataFrame

    def write(self, out: Path) -> list[str]:
        """Write waves.csv, persistence.csv and equity.csv to ``out``; return their names."""
        names = []
        for name, table in (("waves", self.waves), ("persistence", self.persistence), ("equity", self.equity)):
            write_atomic(out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
            names.append(f"{name}.csv")
        return names


def evaluate(df: pd.DataFrame, params: dict[str, Any], order: list[str], reference: str, steps: int) -> Evaluation:
    """Survey waves, persistence and deprivation split of the runs in ``df`` (``params`` by scenario)."""
    area = area_series(df, KEYS)
    waves, kept, split = [], [], []
    for name in order:
        p = params[name]
        days = tuple(d for d in wave_days(p, steps) if d <= steps)
        mine = at_waves(area[area["scenario"] == name], days, p, KEYS)
        waves.append(mine)
        kept.append(persistence(mine, p.organising_end_day, KEYS))
        runs = df[df["scenario"] == name]
        for day in dict.fromkeys((p.organising_end_day, *days[-1:])):
            if p.organising_start_day < day <= steps:
                split.append(by_deprivation(runs, KEYS, day, EQUITY_OUTCOMES).assign(
                    day=day, wave=wave_label(day, p)))
    waves_table = compare_waves(pd.concat(waves, ignore_index=True), "scenario", order, reference)
    kept_table = compare_persistence(pd.concat(kept, ignore_index=True), "scenario", order)
    equity = pd.concat([compare_deprivation(part, "scenario", order, reference).assign(day=day,
                                                                                      wave=part["wave"].iloc[0])
                        for day, part in pd.concat(split, ignore_index=True).groupby("day")]
                       if split else [pd.DataFrame(columns=["scenario", "group", "outcome", "day", "wave"])],
                       ignore_index=True)
    return Evaluation(waves_table, kept_table, equity)


def print_evaluation(result: Evaluation, console: Console, reference: str) -> None:
    """Rich tables: survey-measured CE by wave, persistence of the main outcomes, deprivation split."""
    waves = result.waves[result.waves["outcome"] == "survey_ce"]
    labels = list(dict.fromkeys(waves.sort_values("day")["wave"]))
    table = Table(title="Collective efficacy measured by survey waves (1-5; mean ± 95% CI; difference from "
                        f"{reference} on the same seeds ± 95% CI)")
    table.add_column("strategy", no_wrap=True)
    for label in labels:
        table.add_column(label)
    for name, part in waves.groupby("scenario", observed=True, sort=True):
        cells = []
        for label in labels:
            row = part[part["wave"] == label]
            if row.empty:
                cells.append("")
                continue
            row = row.iloc[0]
            diff = "" if name == reference else f"\n{row['diff']:+.3f} ± {row['diff_ci95']:.3f}"
            cells.append(f"{row['mean']:.3f} ± {row['ci95']:.3f}{diff}")
        table.add_row(str(name), *cells)
    console.print(table)
    kept = result.persistence[result.persistence["outcome"].isin(SHOWN_PERSISTENCE)]
    if not kept.empty:
        console.print(_persistence_table(kept))
    for day, part in result.equity.groupby("day"):
        console.print(_equity_table(part, day, reference))


def _persistence_table(kept: pd.DataFrame) -> Table:
    """Ratio of each outcome at the later waves to its end-of-funding value, per strategy."""
    later = list(dict.fromkeys(kept.sort_values("day")["wave"]))
    table = Table(title="Persistence: value at each later wave as a share of its end-of-funding value "
                        "(mean ratio ± 95% CI; end-of-funding mean in brackets)")
    table.add_column("strategy", no_wrap=True)
    table.add_column("outcome")
    for label in later:
        table.add_column(label)
    for (name, outcome), part in kept.groupby(["scenario", "outcome"], observed=True, sort=True):
        cells = []
        for label in later:
            row = part[part["wave"] == label]
            cells.append("" if row.empty else f"{row.iloc[0]['ratio']:.2f} ± {row.iloc[0]['ratio_ci95']:.2f}")
        table.add_row(str(name), f"{outcome} [{part['end_value'].iloc[0]:.3g}]", *cells)
    return table


def _equity_table(part: pd.DataFrame, day: int, reference: str) -> Table:
    """Paired differences in the most and least deprived neighbourhoods on one day, per strategy and outcome."""
    table = Table(title=f"Deprivation split at {part['wave'].iloc[0]} (day {day}): difference from {reference} "
                        "± 95% CI in the most and least deprived neighbourhoods, and the gap (most - least); "
                        "counts per 1,000 households")
    table.add_column("strategy", no_wrap=True)
    table.add_column("outcome")
    for column in ("most deprived", "least deprived", "all", "gap"):
        table.add_column(column)
    for (name, outcome), rows in part.groupby(["scenario", "outcome"], observed=True, sort=True):
        if name == reference:
            continue
        cells = {str(r["group"]): f"{r['diff']:+.3f} ± {r['diff_ci95']:.3f}" for _, r in rows.iterrows()}
        gap = rows.iloc[0]
        table.add_row(str(name), outcome, cells.get("most deprived", ""), cells.get("least deprived", ""),
                      cells.get("all", ""), f"{gap['gap']:+.3f} ± {gap['gap_ci95']:.3f}")
    return table
