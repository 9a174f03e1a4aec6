"""Report on a sweep: per-scenario means with 95% CIs, paired effects against the baseline, figures.

End-of-run outcomes per run are computed from the area-level series as each
metric's kind says (:mod:`simulation.metrics`): daily counts are totalled
over the run (``completed_total``), states are taken on the last day
(``collective_efficacy_end``), survey scores also as their change. Effects pair each run with the
baseline run of the same replicate seed and grid point (same neighbourhoods,
same random streams), so the difference CI is a paired t interval; the ratio
of means has a delta-method interval.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.files import output_dir
from simulation.output import (area_series, ci95_half_width, plot_series, replicates_needed, summarise, t95,
                               write_atomic)
from simulation.params import ParameterError

HEADLINE = ("collective_efficacy_end", "completed_total", "interventions_total", "cost_gbp_total")


def area_frame(df: pd.DataFrame, info: dict[str, Any]) -> pd.DataFrame:
    """Area-level rows of a sweep (aggregating neighbourhood rows when the sweep kept them)."""
    keys = ("scenario", *info["grid"], "replicate", "seed")
    if info["level"] == "area":
        return df
    return area_series(df, keys)[[*keys, "step", *info["metrics"]]]


def run_outcomes(area: pd.DataFrame, info: dict[str, Any]) -> pd.DataFrame:
    """One row per run: each metric's summary (:func:`simulation.output.summarise`)."""
    return summarise(area, ("scenario", *info["grid"], "replicate", "seed"))


def t_interval(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95% t confidence interval (nan with fewer than 2 values)."""
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    return mean, ci95_half_width(float(np.std(values, ddof=1)), n) if n > 1 else math.nan


def effects(outcomes: pd.DataFrame, info: dict[str, Any]) -> pd.DataFrame:
    """Long table: per scenario, grid point and outcome the mean with CI and paired effects vs the baseline."""
    grid = list(info["grid"])
    names = [c for c in outcomes if c not in ("scenario", *grid, "replicate", "seed")]
    baseline = outcomes[outcomes["scenario"] == info["baseline"]]
    rows = []
    for (scenario, *point), part in outcomes.groupby(["scenario", *grid], sort=False):
        paired = part.merge(baseline, on=[*grid, "seed"], suffixes=("", "_base"))
        for name in names:
            mean, half = t_interval(part[name].to_numpy(float))
            x, b = paired[name].to_numpy(float), paired[f"{name}_base"].to_numpy(float)
            diff, diff_half = t_interval(x - b)
            ratio, ratio_half = _ratio(x, b)
            rows.append({"scenario": scenario, **dict(zip(grid, point)), "outcome": name, "n": len(part),
                         "mean": mean, "ci_low": mean - half, "ci_high": mean + half, "half_width": half,
                         "sd": float(np.std(part[name], ddof=1)) if len(part) > 1 else math.nan,
                         "n_pairs": len(paired), "baseline_mean": float(np.mean(b)) if len(b) else math.nan,
                         "diff": diff, "diff_low": diff - diff_half, "diff_high": diff + diff_half,
                         "diff_sd": float(np.std(x - b, ddof=1)) if len(x) > 1 else math.nan,
                         "ratio": ratio, "ratio_low": ratio - ratio_half, "ratio_high": ratio + ratio_half})
    return pd.DataFrame(rows)


def _ratio(x: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Ratio of paired means and the half-width of its delta-method 95% CI."""
    n = len(x)
    if n == 0 or np.mean(b) == 0:
        return math.nan, math.nan
    ratio = float(np.mean(x) / np.mean(b))
    if n < 2:
        return ratio, math.nan
    cov = np.cov(x, b, ddof=1)
    var = (cov[0, 0] + ratio**2 * cov[1, 1] - 2 * ratio * cov[0, 1]) / (n * np.mean(b) ** 2)
    return ratio, float(t95(n) * math.sqrt(max(var, 0.0)))


def advice(table: pd.DataFrame, info: dict[str, Any], outcomes: tuple[str, ...], precision: float) -> list[str]:
    """Lines on replicate count: each effect's CI half-width now and the n to know it within ``precision``."""
    lines = []
    rows = table[(table["scenario"] != info["baseline"]) & table["outcome"].isin(outcomes)]
    for label, (_, row) in zip(labels(rows, info), rows.iterrows()):
        head = f"{row['outcome']}, {label} - {info['baseline']}: {row['diff']:+.4g}"
        if not row["diff_sd"] > 0:
            lines.append(f"{head}: no variation between replicates")
            continue
        half = row["diff"] - row["diff_low"]
        sign = "excludes 0" if abs(row["diff"]) > half else "includes 0"
        target = precision * abs(row["diff"])
        need = f"n={replicates_needed(row['diff_sd'], target)} for ± {target:.3g} ({precision:.0%} of the effect)"
        lines.append(f"{head} ± {half:.3g} with n={row['n_pairs']} (CI {sign}); " + (need if target else ""))
    return lines


def labels(frame: pd.DataFrame, info: dict[str, Any]) -> pd.Series:
    """'scenario (param=value, ...)' for each row of a frame with scenario and grid columns."""
    out = frame["scenario"].astype(str)
    if info["grid"]:
        point = [name + "=" + frame[name].astype(str) for name in info["grid"]]
        joined = point[0]
        for part in point[1:]:
            joined = joined + ", " + part
        out = out + " (" + joined + ")"
    return out


def plot_distributions(outcomes: pd.DataFrame, info: dict[str, Any], names: tuple[str, ...], path: Path) -> None:
    """Box plots with the individual runs of end-of-run outcomes per scenario (and grid point)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names_of_runs = labels(outcomes, info)
    order = list(dict.fromkeys(names_of_runs))
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 0.4 * len(order) + 2.5), squeeze=False)
    for ax, name in zip(axes[0], names):
        groups = [outcomes.loc[names_of_runs == label, name].to_numpy(float) for label in order]
        ax.boxplot(groups, orientation="horizontal", showfliers=False)
        for i, values in enumerate(groups, start=1):
            ax.scatter(values, np.full(len(values), i) + np.linspace(-0.15, 0.15, len(values)), s=10, alpha=0.6)
        ax.set_yticks(range(1, len(order) + 1), order if ax is axes[0][0] else [""] * len(order), fontsize=8)
        ax.set_title(name)
    fig.suptitle(f"{info['experiment']}: end-of-run outcomes ({info['steps']} days)")
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)


def plot_precision(table: pd.DataFrame, info: dict[str, Any], names: tuple[str, ...], path: Path) -> None:
    """95% CI half-width of each effect against the number of replicates (from the observed sd)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = np.arange(2, 201)
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.8), squeeze=False)
    rows = table[table["scenario"] != info["baseline"]]
    for ax, name in zip(axes[0], names):
        chosen = rows[(rows["outcome"] == name) & (rows["diff_sd"] > 0)]
        for label, sd in zip(labels(chosen, info), chosen["diff_sd"]):
            ax.plot(ns, t95(ns) * sd / np.sqrt(ns), label=label)
        ax.axvline(info["replicates"], color="grey", linestyle=":")
        ax.set(xscale="log", yscale="log", xlabel="replicates", title=f"CI half-width: {name} effect")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)


def build_report(df: pd.DataFrame, info: dict[str, Any], out: Path, outcomes: tuple[str, ...] = HEADLINE,
                 precision: float = 0.25) -> tuple[pd.DataFrame, list[str], tuple[str, ...], list[str]]:
    """Write report.csv, runs.csv and figures to ``out``.

    Returns the effects table, advice, the outcomes shown and the names of the files written.
    An unknown requested outcome, or an ``out`` that cannot be a writable
    directory, raises before anything is written.
    """
    area = area_frame(df, info)
    per_run = run_outcomes(area, info)
    table = effects(per_run, info)
    unknown = [o for o in outcomes if o not in per_run]
    if unknown and outcomes != HEADLINE:
        raise ParameterError(f"--outcome {unknown[0]!r}: expected one of "
                             f"{', '.join(dict.fromkeys(table['outcome']))}")
    shown = tuple(o for o in outcomes if o in per_run)
    output_dir(out)
    write_atomic(out / "report.csv", lambda tmp: table.to_csv(tmp, index=False))
    write_atomic(out / "runs.csv", lambda tmp: per_run.to_csv(tmp, index=False))
    written = ["report.csv", "runs.csv"]
    if {"collective_efficacy", "completed", "interventions"} <= set(area):
        labelled = area.assign(label=labels(area, info))
        plot_series(labelled, out / "timeseries.png", hue="label", title=info["experiment"])
        written.append("timeseries.png")
    if shown:
        plot_distributions(per_run, info, shown, out / "distributions.png")
        plot_precision(table, info, shown, out / "replicates.png")
        written += ["distributions.png", "replicates.png"]
    return table, advice(table, info, shown, precision), shown, written
