"""Where did the prevented crimes go? The pathways and displacement tables of ``compare`` and ``report``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from experiments.cli import console
from simulation.pathways import PATHWAY_FILES, ROUTES

def read_pathways(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The route and WDQ tables a report wrote to ``directory``."""
    return tuple(pd.read_csv(directory / name) for name in PATHWAY_FILES)


def print_pathways(tables: tuple[pd.DataFrame, pd.DataFrame], by: str, reference: str,
                   grid: tuple[str, ...] = ()) -> None:
    """Rich tables: crimes prevented by route with 95% CIs, and displacement or diffusion (WDQ) per strategy."""
    routes, wdq = tables
    identity = [by, *grid]
    columns = [*(r.name for r in ROUTES), "total"]
    out = Table(title=f"Where did the prevented crimes go? Crimes prevented in the area vs {reference}, by route "
                      "(paired means, 95% CI)",
                caption="; ".join(f"{r.name}: {r.label}" for r in ROUTES) + ". Routes add up to the total.")
    for name in (*identity, *columns):
        out.add_column(name, no_wrap=name in identity)
    for key, part in routes.groupby(identity, sort=False):
        cells = part.set_index("route")
        out.add_row(*map(str, key if isinstance(key, tuple) else (key,)),
                    *(_cell(cells.loc[c, "prevented"], cells.loc[c, "ci95"]) for c in columns))
    console.print(out)
    shown = Table(*identity, "area change", "ring change", "WDQ [95% CI]", "reading",
                  title="Displacement or diffusion: weighted displacement quotient (Bowers & Johnson 2003), ring as "
                        f"buffer, paired {reference} runs as before and control")
    for _, row in wdq.iterrows():
        shown.add_row(*(str(row[c]) for c in identity), _cell(row["area_change"], row["area_change_ci95"]),
                      _cell(row["ring_change"], row["ring_change_ci95"]),
                      f"{row['wdq']:+.2f} [{row['wdq_low']:+.2f}, {row['wdq_high']:+.2f}]", row["reading"])
    console.print(shown)


def _cell(mean: Any, half: Any) -> str:
    return f"{mean:+.1f} ± {half:.1f}" if half == half else f"{mean:+.1f}"
