"""What lasts after the funding ends: outcomes at survey waves, and persistence against the end-of-funding value.

Every function takes the whole-area daily series of runs (from
:func:`simulation.output.area_series`, with the columns naming a run in
``keys``) and the run's parameters' funding period. A *wave* is a survey wave
day (:func:`simulation.survey.wave_days`: the funding's start and end, then
yearly follow-ups): the survey's measured collective efficacy exists only on
those days, the true outcomes every day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulation.output import ci95_half_width
from simulation.survey import wave_label

PERSISTED: tuple[str, ...] = ("survey_ce", "collective_efficacy", "efficacy", "trust", "mean_degree", "active",
                              "action_groups", "allied_associations")
"""Outcomes whose persistence is reported: survey-measured and true collective efficacy, attitudes, ties per
resident, active residents, action groups, allied associations."""


def at_waves(area: pd.DataFrame, days: tuple[int, ...], params: Any, keys: tuple[str, ...],
             outcomes: tuple[str, ...] = PERSISTED) -> pd.DataFrame:
    """Long table: for each run (``keys``) and wave day reached, each outcome's value that day."""
    present = [o for o in outcomes if o in area]
    rows = area[area["step"].isin(days)]
    long = rows.melt(id_vars=[*keys, "step"], value_vars=present, var_name="outcome")
    long["wave"] = long["step"].map(lambda day: wave_label(int(day), params))
    return long.rename(columns={"step": "day"})


def persistence(waves: pd.DataFrame, end_day: int, keys: tuple[str, ...]) -> pd.DataFrame:
    """Each later wave's value against the end-of-funding value, per run and outcome: ``ratio`` (value / end)
    and ``change`` (value - end)."""
    end = waves[waves["day"] == end_day].set_index([*keys, "outcome"])["value"].rename("end_value")
    later = waves[waves["day"] > end_day].join(end, on=[*keys, "outcome"])
    return later.assign(change=later["value"] - later["end_value"],
                        ratio=later["value"] / later["end_value"].where(later["end_value"] != 0))


def with_paired_difference(frame: pd.DataFrame, by: str, reference: str, index: list[str]) -> pd.DataFrame:
    """``frame`` with ``diff``: each ``value`` minus the ``reference`` strategy's value at the same ``index``
    (replicate and the rest): the paired difference on the same seed."""
    base = frame[frame[by] == reference].set_index(index)["value"]
    return frame.assign(diff=frame["value"].to_numpy() -
                        base.reindex(pd.MultiIndex.from_frame(frame[index])).to_numpy())


def compare_waves(waves: pd.DataFrame, by: str, order: list[str], reference: str) -> pd.DataFrame:
    """Per strategy (``by``), wave and outcome: mean and 95% CI over replicates, and the paired difference from
    the ``reference`` strategy on the same replicate with its 95% CI."""
    paired = with_paired_difference(waves, by, reference, ["replicate", "day", "outcome"])
    rows = []
    for (name, day, outcome), part in paired.groupby([by, "day", "outcome"], sort=False):
        values, diffs = part["value"].dropna(), part["diff"].dropna()
        rows.append({by: name, "day": day, "wave": part["wave"].iloc[0], "outcome": outcome,
                     "mean": values.mean(), "ci95": ci95_half_width(values.std(ddof=1), len(values)),
                     "diff": diffs.mean(), "diff_ci95": ci95_half_width(diffs.std(ddof=1), len(diffs)),
                     "n": len(values)})
    return _ordered(pd.DataFrame(rows), by, order)


def compare_persistence(kept: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    """Per strategy, later wave and outcome: mean ratio to the end-of-funding value with its 95% CI."""
    rows = []
    for (name, day, outcome), part in kept.groupby([by, "day", "outcome"], sort=False):
        ratio = part["ratio"].replace([np.inf, -np.inf], np.nan).dropna()
        rows.append({by: name, "day": day, "wave": part["wave"].iloc[0], "outcome": outcome,
                     "end_value": part["end_value"].mean(), "value": part["value"].mean(),
                     "ratio": ratio.mean() if len(ratio) else np.nan,
                     "ratio_ci95": ci95_half_width(ratio.std(ddof=1), len(ratio)) if len(ratio) else np.nan,
                     "n": len(ratio)})
    return _ordered(pd.DataFrame(rows), by, order)


def _ordered(table: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    """Rows sorted by strategy (in ``order``), outcome and day; an empty table keeps its key columns."""
    if table.empty:
        return pd.DataFrame(columns=[by, "day", "wave", "outcome"])
    table[by] = pd.Categorical(table[by], order, ordered=True)
    return table.sort_values([by, "outcome", "day"], ignore_index=True)


def yearly_trend(area: pd.DataFrame, outcome: str, start_day: int) -> float:
    """Least-squares slope of ``outcome`` per year over the days after ``start_day`` (one run's area series)."""
    after = area[area["step"] > start_day]
    values = after[outcome].to_numpy(np.float64)
    ok = np.isfinite(values)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(after["step"].to_numpy(np.float64)[ok] / 365.0, values[ok], 1)[0])
