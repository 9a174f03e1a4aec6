"""The explorer's figure (matplotlib): crimes prevented with 95% intervals, and outcomes over time with bands.

Each strategy keeps one colour (Okabe-Ito), one marker and one line style across the panels, so
the figure reads in greyscale and for colour-blind viewers.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure

from simulation.scenarios import scenario_names
from viz.comparison import BASELINE, ORGANISER_SHARES, SPLIT, YEAR, Comparison, band

STYLES = [("#0072B2", "o", "-"), ("#D55E00", "s", "--"), ("#009E73", "D", "-."), ("#CC79A7", "^", ":"),
          ("#E69F00", "v", (0, (5, 1, 1, 1))), ("#56B4E9", "P", (0, (1, 1)))]
"""Colour, marker and line style of the strategies after the baseline (which is grey and dashed)."""
BASELINE_STYLE = ("#666666", "x", (0, (4, 3)))
SCREEN_DPI = 100
PRINT_DPI = 250


def style(key: str) -> tuple[str, str, object]:
    """Colour, marker and line style of a strategy: the same in every comparison (the baseline has its own)."""
    if key == BASELINE:
        return BASELINE_STYLE
    shipped = [name for name in scenario_names() if name != BASELINE]
    index = shipped.index(key) if key in shipped else ORGANISER_SHARES.index(int(key.removeprefix(SPLIT)))
    return STYLES[index % len(STYLES)]


def draw_comparison(result: Comparison) -> Figure:
    """Crimes prevented a year (mean and 95% interval), cumulative crimes prevented and collective efficacy."""
    table = result.table
    keys, titles = list(table["strategy"]), dict(zip(table["strategy"], table["title"]))
    fig = Figure(figsize=(13, 4.8), layout="constrained")
    forest, prevented, ce = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1, 1]})
    others = [k for k in keys if k != BASELINE]
    for y, key in enumerate(others):
        row = table.set_index("strategy").loc[key]
        colour, marker, _ = style(key)
        forest.errorbar(row["prevented"], y, xerr=[[row["prevented"] - row["prevented_low"]],
                                                   [row["prevented_high"] - row["prevented"]]],
                        fmt=marker, color=colour, markersize=9, capsize=5, linewidth=2)
        forest.annotate(f"{row['prevented']:.1f}", (row["prevented"], y), xytext=(0, 9), textcoords="offset points",
                        ha="center", fontsize=10)
    forest.axvline(0, color="#444444", linewidth=1)
    forest.set_yticks(range(len(others)), [textwrap.fill(titles[k], 26) for k in others], fontsize=10)
    forest.set_ylim(len(others) - 0.5, -0.7)
    forest.set_title("Crimes prevented a year vs doing nothing\n(dot: average; bar: 95% interval)", fontsize=11)
    forest.set_xlabel("crimes a year (left of 0: more crime)")
    days = result.setup.days
    for panel, col, title, unit in ((prevented, "prevented", "Crimes prevented so far (with 95% band)", "crimes"),
                                    (ce, "ce", "Collective efficacy (true, 0-1; 95% band)", "mean trust and willingness (0-1)")):
        stats = band(result.daily, col)
        for key in keys:
            if col == "prevented" and key == BASELINE:
                continue
            colour, marker, line = style(key)
            mine = stats[stats["strategy"] == key]
            panel.plot(mine["day"], mine["mean"], color=colour, linestyle=line, linewidth=2, marker=marker,
                       markevery=max(1, days // 6), markersize=7, label=textwrap.fill(titles[key], 30))
            panel.fill_between(mine["day"], mine["low"], mine["high"], color=colour, alpha=0.15, linewidth=0)
        panel.set_title(title, fontsize=11)
        panel.set_ylabel(unit)
        panel.set_xlim(0, days)
        panel.set_xlabel("day" if days < 2 * YEAR else "day (365 = one year)")
        panel.grid(alpha=0.3)
    prevented.axhline(0, color="#444444", linewidth=1)
    ce.legend(fontsize=9, loc="upper left", frameon=False)
    s = result.setup
    fig.suptitle(f"{s.neighbourhood}, {s.n_residents:,} households, {s.days} days, "
                 f"{int(table['replicates'].iloc[0])} paired replicates", fontsize=12)
    for ax in (forest, prevented, ce):
        ax.tick_params(labelsize=10)
    return fig


def figure_png(fig: Figure, dpi: int = SCREEN_DPI) -> bytes:
    """``fig`` as PNG bytes at ``dpi``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_text(result: Comparison) -> str:
    """Alternative text of the figure: the verdicts in words."""
    lines = [f"{row['title']}: {row['verdict']} {row['ce_verdict']}" for _, row in result.table.iterrows()
             if row["strategy"] != BASELINE]
    return "Comparison of strategies with doing nothing. " + " ".join(lines)

