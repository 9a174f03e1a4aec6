"""Equity: outcomes in the most and the least deprived neighbourhoods, as well as in the whole area.

Neighbourhoods are ranked by deprivation within each run; the most deprived
group is the ``ceil(k / 3)`` most deprived of the ``k`` neighbourhoods (a
third, at least one), the least deprived group the same number at the other
end (with 4 neighbourhoods: the two most and the two least deprived).
Outcomes are combined within a group as their kind says (counts summed and
expressed per 1,000 households, means and scores weighted by households).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.metrics import METRICS
from simulation.output import ci95_half_width
from simulation.persistence import with_paired_difference

GROUPS = ("most deprived", "least deprived", "all")


def deprivation_groups(nbhd: pd.DataFrame) -> pd.Series:
    """For one run's per-neighbourhood rows (``neighbourhood``, ``deprivation``): the group of each
    neighbourhood ('most deprived', 'least deprived' or 'middle')."""
    table = nbhd.drop_duplicates("neighbourhood").set_index("neighbourhood")["deprivation"]
    size = math.ceil(len(table) / 3)
    order = table.sort_values(kind="stable").index
    group = pd.Series("middle", index=table.index)
    group[order[:size]] = "least deprived"
    group[order[-size:]] = "most deprived"
    return group


def by_deprivation(df: pd.DataFrame, keys: tuple[str, ...], day: int, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Per run (``keys``), deprivation group and outcome: the value on ``day`` (flows: totalled up to ``day``),
    per 1,000 households for counts. ``df`` holds per-neighbourhood daily results with ``deprivation``."""
    rows = []
    for run, part in df.groupby(list(keys), sort=False):
        run = run if isinstance(run, tuple) else (run,)
        group = deprivation_groups(part)
        today = part[part["step"] == day].set_index("neighbourhood")
        totals = (part[(part["step"] > 0) & (part["step"] <= day)].groupby("neighbourhood").sum(numeric_only=True)
                  .reindex(today.index, fill_value=0))
        for name in GROUPS:
            chosen = today.index if name == "all" else group.index[group == name]
            households = today.loc[chosen, "residents"].to_numpy(np.float64)
            for outcome in outcomes:
                kind = METRICS[outcome].kind
                if kind == "flow":
                    value = 1000 * totals.loc[chosen, outcome].sum() / households.sum()
                elif kind == "stock":
                    value = 1000 * today.loc[chosen, outcome].sum() / households.sum()
                else:
                    x = today.loc[chosen, outcome].to_numpy(np.float64)
                    ok = np.isfinite(x)
                    value = float((x[ok] * households[ok]).sum() / households[ok].sum()) if ok.any() else np.nan
                rows.append({**dict(zip(keys, run)), "group": name, "outcome": outcome, "value": value})
    return pd.DataFrame(rows)


def compare_deprivation(split: pd.DataFrame, by: str, order: list[str], reference: str) -> pd.DataFrame:
    """Per strategy, deprivation group and outcome: mean and 95% CI, the paired difference from ``reference``
    with its 95% CI, and the gap (most minus least deprived) of that difference."""
    split = with_paired_difference(split, by, reference, ["replicate", "group", "outcome"])
    rows = []
    for (name, group, outcome), part in split.groupby([by, "group", "outcome"], sort=False):
        values, diffs = part["value"].dropna(), part["diff"].dropna()
        rows.append({by: name, "group": group, "outcome": outcome, "mean": values.mean(),
                     "ci95": ci95_half_width(values.std(ddof=1), len(values)), "diff": diffs.mean(),
                     "diff_ci95": ci95_half_width(diffs.std(ddof=1), len(diffs)), "n": len(values)})
    table = pd.DataFrame(rows)
    wide = split.pivot_table(index=[by, "replicate", "outcome"], columns="group", values="diff").reset_index()
    wide["gap"] = wide["most deprived"] - wide["least deprived"]
    gaps = wide.groupby([by, "outcome"])["gap"].agg(["mean", "std", "count"]).reset_index()
    gaps = gaps.assign(gap_ci95=[ci95_half_width(s, int(n)) for s, n in zip(gaps["std"], gaps["count"])])
    table = table.merge(gaps.rename(columns={"mean": "gap"})[[by, "outcome", "gap", "gap_ci95"]],
                        on=[by, "outcome"], how="left")
    table[by] = pd.Categorical(table[by], order, ordered=True)
    table["group"] = pd.Categorical(table["group"], GROUPS, ordered=True)
    return table.sort_values([by, "outcome", "group"], ignore_index=True)
