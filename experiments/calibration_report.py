"""The calibration report: posterior marginals, pair plot, posterior-predictive checks and report.md."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from experiments.targets import TARGETS
from simulation.output import write_atomic

if TYPE_CHECKING:
    from experiments.calibrate import Calibration


def _plt():  # noqa: ANN202 - matplotlib's pyplot module
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: Path) -> None:  # noqa: ANN001 - a matplotlib Figure
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=100, format="png"))
    _plt().close(fig)


def plot_marginals(cal: Calibration, posterior: pd.DataFrame, path: Path) -> None:
    """Weighted histogram of each parameter over its prior range, with the default value marked."""
    from matplotlib.ticker import NullFormatter

    from simulation.params import Params

    plt = _plt()
    n = len(cal.priors)
    cols = min(n, 4)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows), squeeze=False)
    for ax, prior in zip(axes.flat, cal.priors):
        bins = (np.geomspace(prior.lo, prior.hi, 21) if prior.scale == "log" else np.linspace(prior.lo, prior.hi, 21))
        ax.hist(posterior[prior.name], bins=bins, weights=posterior["weight"], color="tab:blue", alpha=0.8)
        ax.axvline(getattr(Params(), prior.name), color="black", ls="--", lw=1, label="default")
        if prior.scale == "log":
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(prior.lo, prior.hi)
        ax.set_title(prior.name, fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Posterior marginals (x axis: prior range; dashed: current default)", fontsize=10)
    fig.tight_layout()
    _save(fig, path)


def plot_pairs(cal: Calibration, posterior: pd.DataFrame, path: Path) -> None:
    """Pairwise scatter of posterior particles (point size by weight)."""
    from matplotlib.ticker import NullFormatter

    plt = _plt()
    names = [p.name for p in cal.priors]
    n = len(names)
    fig, axes = plt.subplots(n, n, figsize=(1.7 * n + 1, 1.7 * n + 1), squeeze=False)
    size = 4 + 60 * posterior["weight"] / posterior["weight"].max()
    for i, yi in enumerate(cal.priors):
        for j, xj in enumerate(cal.priors):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                bins = np.geomspace(xj.lo, xj.hi, 16) if xj.scale == "log" else np.linspace(xj.lo, xj.hi, 16)
                ax.hist(posterior[xj.name], bins=bins, weights=posterior["weight"], color="tab:blue")
                ax.set_yticks([])
            else:
                ax.scatter(posterior[xj.name], posterior[yi.name], s=size, alpha=0.5, color="tab:blue", lw=0)
                ax.set_ylim(yi.lo, yi.hi)
                ax.set_yscale("log" if yi.scale == "log" else "linear")
            ax.set_xlim(xj.lo, xj.hi)
            ax.set_xscale("log" if xj.scale == "log" else "linear")
            ax.tick_params(labelsize=6)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
            if i == n - 1:
                ax.set_xlabel(xj.name, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(yi.name, fontsize=7)
    fig.suptitle("Posterior pair plot (axes: prior ranges)", fontsize=10)
    fig.tight_layout()
    _save(fig, path)


def plot_ppc(cal: Calibration, ppc: pd.DataFrame, path: Path) -> None:
    """Posterior-predictive distribution of every target against its band and observed value."""
    plt = _plt()
    names = cal.targets()
    cols = min(len(names), 3)
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        values = ppc[name].to_numpy(float)
        values = values[np.isfinite(values)]
        lo, hi = cal.band(name)
        observed = cal.observed.get(name, TARGETS[name].observed)
        ax.hist(values, bins=15, color="tab:green" if cal.roles[name] == "calibration" else "tab:orange", alpha=0.8)
        shown = np.concatenate([values, [b for b in (lo, hi) if math.isfinite(b)]])
        pad = float(np.ptp(shown)) or 1.0
        ax.axvspan(max(lo, shown.min() - pad), min(hi, shown.max() + pad), color="grey", alpha=0.2, label="band")
        ax.set_xlim(shown.min() - 0.1 * pad, shown.max() + 0.1 * pad)
        if observed is not None:
            ax.axvline(observed, color="black", lw=1.2, label="observed")
        ax.set_title(f"{name} ({cal.roles[name]})", fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Posterior-predictive checks (green: fitted; orange: held back)", fontsize=10)
    fig.tight_layout()
    _save(fig, path)


def _md(table: pd.DataFrame) -> str:
    """A table as Markdown (numbers to 4 significant figures)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "-" if math.isnan(v) else f"{v:.4g}"
        return str(v)
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    return head + "".join("| " + " | ".join(cell(v) for v in row) + " |\n" for row in table.itertuples(index=False))


def write_report(cal: Calibration, tables: dict[str, pd.DataFrame], out: Path, stop: str, simulations: int
                 ) -> list[str]:
    """report.md plus marginals.png, pairs.png and ppc.png; returns the file names written."""
    posterior, targets = tables["posterior"], tables["targets"]
    plot_marginals(cal, posterior, out / "marginals.png")
    plot_pairs(cal, posterior, out / "pairs.png")
    plot_ppc(cal, tables["ppc"], out / "ppc.png")
    gens = tables["generations"]
    held = targets[targets["role"] == "validation"]
    fitted = targets[targets["role"] == "calibration"]
    settings = {TARGETS[t].setting for t in cal.targets()}
    lines = [
        f"# Calibration: {cal.name}", "", cal.description, "",
        f"ABC-SMC (pyabc), {len(gens)} generations of {cal.population} particles, "
        f"{simulations} simulations (including pyabc's first sample from the prior that sets the first "
        f"threshold); stopped: {stop}. Final distance threshold "
        f"{gens['epsilon'].iloc[-1]:.3g} (root mean square of (simulated - observed) / scale over the "
        f"{len(fitted)} calibration targets). Seed {cal.seed}.", "",
        "Settings simulated for each particle: " + "; ".join(
            f"`{s}`: {cal.settings[s].scenario}, {cal.settings[s].steps} days, "
            f"{dict(cal.settings[s].params) or 'scenario area'}, {cal.settings[s].replicates} replicate(s)"
            for s in sorted(settings)) + (f"; fixed: {cal.fixed}" if cal.fixed else "") + ".", "",
        "## Posterior", "", _md(tables["summary"]), "",
        "`ci90_share_of_prior`: the 90% credible interval's share of the prior range (1 = nothing learned).", "",
        "![marginals](marginals.png)", "", "![pairs](pairs.png)", "",
        "## Posterior-predictive checks", "",
        f"{len(tables['ppc'])} parameter sets drawn from the posterior, each simulated once with a fresh seed. "
        "A target passes if more than half of the draws pass its check (its band, plus any extra rule of the "
        "check).", "", _md(targets.drop(columns=["source"])), "", "![ppc](ppc.png)", "",
        "## Held-back targets (out of sample)", "",
        (f"{int((held['result'] == 'pass').sum())} of {len(held)} held-back targets pass: "
         + ", ".join(f"{r.target} {r.result.lower()} (median {r.ppc_median:.3g}, band {r.band_low:g} to "
                     f"{r.band_high:g})" for r in held.itertuples()) + "." if len(held) else
         "No target was held back."), "",
        "## Generations", "", _md(gens), "",
        "## Sources", "", *(f"- `{t}`: {TARGETS[t].source}" for t in cal.targets()), "",
    ]
    write_atomic(out / "report.md", lambda tmp: tmp.write_text("\n".join(lines)))
    return ["report.md", "marginals.png", "pairs.png", "ppc.png"]
