"""Results on disk: tidy Parquet tables, manifests, area summaries and figures."""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulation.metrics import METRICS, aggregate
from simulation.params import Params

PACKAGES = ("saferstreets", "mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow")


def versions() -> dict[str, str]:
    """Python and package versions, for manifests."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit() -> str:
    """The source tree's git commit, or 'unknown'."""
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def params_hash(params: Params) -> str:
    """Short stable hash of a parameter set."""
    text = json.dumps(params.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def manifest(**fields: Any) -> dict[str, Any]:
    """A run manifest: the given fields plus versions, git commit, command line and time."""
    return {**fields, "versions": versions(), "git_commit": git_commit(), "command": sys.argv,
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def write_atomic(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to Parquet atomically."""
    write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as indented JSON atomically."""
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, default=str) + "\n"))


def t95(n: int | np.ndarray) -> float | np.ndarray:
    """Two-sided 95% quantile of Student's t for the mean of ``n`` values (``n - 1`` degrees of freedom)."""
    return stats.t.ppf(0.975, np.asarray(n) - 1)


def ci95_half_width(sd: float, n: int) -> float:
    """Half-width of the 95% t-interval of a mean of ``n`` values with standard deviation ``sd``."""
    return float(t95(n) * sd / np.sqrt(n)) if n > 1 else float("nan")


def replicates_needed(sd: float, target: float) -> int:
    """Smallest n whose 95% t CI half-width ``t(n-1) sd / sqrt(n)`` is at most ``target``."""
    if not (sd > 0 and target > 0):
        return 2
    n = max(2, math.ceil((1.96 * sd / target) ** 2))
    while t95(n) * sd / math.sqrt(n) > target:
        n += 1
    return n


def paired_prevention(runs: pd.DataFrame, by: str, reference: str) -> pd.DataFrame:
    """Add ``prevented``: completed crimes of the ``reference`` run with the same replicate minus each run's.

    ``by`` names the column holding the scenario (or strategy) of each run.
    """
    reference_crimes = runs[runs[by] == reference].set_index("replicate")["completed_total"]
    return runs.assign(prevented=runs["replicate"].map(reference_crimes) - runs["completed_total"])


def paired_noise(runs: pd.DataFrame, by: str, reference: str, outcome: str = "completed_total") -> pd.DataFrame:
    """Per value of ``by``: the same-seed correlation of ``outcome`` with the ``reference`` runs and the SD of
    the paired differences (what sets how many replicates a comparison needs)."""
    wide = runs.pivot(index="replicate", columns=by, values=outcome)
    base = wide[reference]
    rows = [{by: name, "same_seed_correlation": float(base.corr(wide[name])) if name != reference else 1.0,
             "paired_sd": float((wide[name] - base).std(ddof=1)) if name != reference else 0.0,
             "unpaired_sd": float(np.sqrt(wide[name].var(ddof=1) + base.var(ddof=1)))} for name in wide]
    return pd.DataFrame(rows)


def comparison_table(runs: pd.DataFrame, by: str, order: list[str], columns: tuple[str, ...]) -> pd.DataFrame:
    """Per value of ``by`` (in ``order``): the mean of each column and its 95% t-interval half-width (``_ci95``)."""
    agg = runs.groupby(by)[list(columns)].agg(["mean", "std", "count"])
    rows = []
    for name in order:
        row: dict[str, Any] = {by: name}
        for col in columns:
            row[col] = agg.loc[name, (col, "mean")]
            row[f"{col}_ci95"] = ci95_half_width(agg.loc[name, (col, "std")], int(agg.loc[name, (col, "count")]))
        rows.append(row)
    return pd.DataFrame(rows)


def area_series(df: pd.DataFrame, keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """Whole-area time series from per-neighbourhood rows, combined as each metric's kind says
    (:func:`simulation.metrics.aggregate`). ``keys`` name the columns identifying a run."""
    df = df.sort_values([*keys, "step", "neighbourhood"], kind="stable")
    k = df["neighbourhood"].nunique()
    weights = df["residents"].to_numpy(np.float64).reshape(-1, k)
    head = df[[*keys, "step"]].iloc[::k].reset_index(drop=True)
    return head.assign(**{name: aggregate(df[name].to_numpy(np.float64).reshape(-1, k), metric.kind, weights)
                          for name, metric in METRICS.items() if name in df})


def summarise(area: pd.DataFrame, keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per run (``keys``) from area series: each metric's summary (flows totalled, ``<name>_total``;
    the rest as on the last day they were measured, ``<name>_end``), the change of each survey score over the
    run (``<name>_change``) and the share of attempts stopped by a bystander (``intervention_rate``)."""
    present = [m for m in METRICS.values() if m.name in area]
    grouped = area.sort_values([*keys, "step"], kind="stable").groupby(list(keys) or np.zeros(len(area)), sort=False)
    first, last, total = grouped.first(), grouped.last(), grouped[[m.name for m in present]].sum()
    out = pd.DataFrame({m.summary: total[m.name] if m.kind == "flow" else last[m.name] for m in present})
    for m in present:
        if m.kind == "score":
            out[f"{m.name}_change"] = last[m.name] - first[m.name]
    if {"interventions", "attempted"} <= set(area):
        out["intervention_rate"] = out["interventions_total"] / out["attempted_total"].where(out["attempted_total"] > 0)
    return out.reset_index(drop=not keys)


def plot_series(area: pd.DataFrame, path: Path, hue: str | None = None, title: str = "") -> None:
    """Figure of collective efficacy, crimes completed (30-day sum) and interventions over time.

    ``hue`` names a column (e.g. scenario) drawn as separate lines; with a
    ``replicate`` column the mean is drawn with a band of +/- 1.96 standard errors.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    groups = area.groupby(hue) if hue else [(title or "run", area)]
    for label, part in groups:
        for ax, col in zip(axes, ("collective_efficacy", "completed", "interventions")):
            series = part.copy()
            if col != "collective_efficacy":
                keys = ["replicate"] if "replicate" in series else []
                series[col] = series.groupby(keys)[col].transform(
                    lambda s: s.rolling(30, min_periods=1).sum()) if keys else series[col].rolling(30, 1).sum()
            stats = series.groupby("step")[col].agg(["mean", "std", "count"])
            ax.plot(stats.index, stats["mean"], label=str(label))
            if stats["count"].max() > 1:
                half = 1.96 * stats["std"].fillna(0) / np.sqrt(stats["count"])
                ax.fill_between(stats.index, stats["mean"] - half, stats["mean"] + half, alpha=0.2)
    names = (METRICS["collective_efficacy"].label, f"{METRICS['completed'].label} (last 30 days)",
             f"{METRICS['interventions'].label} (last 30 days)")
    for ax, name in zip(axes, names):
        ax.set_title(name)
        ax.set_xlabel("day")
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
