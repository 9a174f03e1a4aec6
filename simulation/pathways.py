"""Where did the prevented crimes go? Routes of a paired difference in completed crime, and displacement (WDQ).

The offending phase counts the fate of every offender-day on which an
offender was ready to offend and their best opportunity - the candidate they
would have picked ignoring risk - lay in the study area (``motivated``):
diverted by youth provision, deterred (declined), robbery given up with
nobody about, or attempted in the ring instead (``moved_out``); attempts in
the area also come from offenders whose best opportunity lay in the ring
(``moved_in``); an attempt fails to get in, is foiled by an occupant, by
hardening or by a bystander, or is completed. So, in every run, exactly::

    completed = motivated - diverted - declined - no_victim - moved_out + moved_in
                - failed_entry - foiled_by_occupants - foiled_by_hardening - interventions

For two strategies on paired seeds (the same offenders meet the same random
circumstances) the difference in completed crimes splits exactly into
routes. Write completed = attempts x (1 - f), with f the share of attempts
that fail (f = sum of the failure shares f_r: no entry, occupants,
hardening, bystanders). Per replicate, with bars for the mean of the two
runs::

    prevented = -(change in attempts) x (1 - f_bar) + attempts_bar x (change in f)

The first term splits over the **routes to fewer attempts** (each upstream
flow's change, weighted by the completion rate: the crimes those attempts
would have completed) and the second over the **routes to more failures**
(each failure share's change times the attempts): :data:`ROUTES`. The terms
add up to the total difference in every replicate, by construction.
Collective efficacy reaches crime through deterrence (perceived
guardianship) and bystander intervention, and through what residents'
action groups win (youth provision, lighting, watching); the table reports
each route whatever its size.

Displacement and diffusion: the **weighted displacement quotient** of Bowers
& Johnson (2003) compares the change in the buffer (the ring) with the change
in the target area. Here the paired reference run is the "before" and
stands in for the control area too (a perfect counterfactual), so the
control ratios cancel: ``WDQ = (ring_S - ring_R) / (area_S - area_R)``.
With crime prevented in the area (a negative denominator), WDQ > 0 means
diffusion of benefits, 0 to -1 displacement smaller than the benefit, below
-1 displacement exceeding it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.output import ci95_half_width, write_atomic

BOOTSTRAP_DRAWS = 2000
PATHWAY_FILES = ("pathways.csv", "displacement.csv")


@dataclass(frozen=True)
class Route:
    """One route by which a strategy changes completed crime.

    ``upstream`` routes change the number of attempts in the area: ``terms``
    are flows with the sign they enter the number of attempts *avoided*
    with; failure routes change the share of attempts failing for one
    reason (``terms`` is that failure's flow).
    """

    name: str
    label: str
    terms: tuple[tuple[str, int], ...]
    upstream: bool


ROUTES: tuple[Route, ...] = (
    Route("search", "fewer attempts: fewer ready offenders drawn to the area (learning: discouraged after being "
          "caught, or looking elsewhere)",
          (("motivated", -1),), True),
    Route("youth", "fewer attempts: youth provision diverted young offenders", (("diverted", 1),), True),
    Route("deterred", "fewer attempts: offenders deterred, decided not to offend", (("declined", 1),), True),
    Route("no_victim", "fewer attempts: robbery given up, nobody about", (("no_victim", 1),), True),
    Route("ring", "fewer attempts: moved to the surrounding ring (net of moves in)",
          (("moved_out", 1), ("moved_in", -1)), True),
    Route("no_entry", "more attempts failed to get in", (("failed_entry", 1),), False),
    Route("occupancy", "more attempts foiled by someone at home", (("foiled_by_occupants", 1),), False),
    Route("hardening", "more attempts foiled by target hardening", (("foiled_by_hardening", 1),), False),
    Route("bystander", "more attempts foiled by a bystander who intervened", (("interventions", 1),), False),
)
"""The routes of :func:`route_table`; per replicate they add up to the crimes prevented."""

FLOWS = tuple(dict.fromkeys(flow for route in ROUTES for flow, _ in route.terms))


def needed_columns() -> tuple[str, ...]:
    """Per-run summary columns the decomposition and the WDQ need."""
    return ("completed_total", "attempted_total", "ring_completed_total", *(f"{flow}_total" for flow in FLOWS))


def has_pathways(per_run: pd.DataFrame) -> bool:
    """Whether per-run summaries carry every flow the decomposition needs."""
    return set(needed_columns()) <= set(per_run)


def route_effects(strategy: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per paired replicate (rows aligned): crimes prevented through each route, and the total (see module doc)."""
    def total(frame: pd.DataFrame, flow: str) -> np.ndarray:
        return frame[f"{flow}_total"].to_numpy(float)

    attempts_s, attempts_r = total(strategy, "attempted"), total(reference, "attempted")
    with np.errstate(divide="ignore", invalid="ignore"):
        def share(frame: pd.DataFrame, flow: str, attempts: np.ndarray) -> np.ndarray:
            return np.where(attempts > 0, total(frame, flow) / attempts, 0.0)

        failed = {route.name: (share(strategy, route.terms[0][0], attempts_s),
                               share(reference, route.terms[0][0], attempts_r))
                  for route in ROUTES if not route.upstream}
    completion = 1.0 - sum((s + r) / 2 for s, r in failed.values())
    out = pd.DataFrame(index=strategy.index)
    for route in ROUTES:
        if route.upstream:
            avoided = sum(sign * (total(strategy, flow) - total(reference, flow)) for flow, sign in route.terms)
            out[route.name] = avoided * completion
        else:
            s, r = failed[route.name]
            out[route.name] = (attempts_s + attempts_r) / 2 * (s - r)
    out["total"] = total(reference, "completed") - total(strategy, "completed")
    return out


def pairs(per_run: pd.DataFrame, by: str, reference: str, order: list[str], grid: tuple[str, ...] = ()
          ) -> Iterator[tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]]:
    """For each strategy in ``order`` other than ``reference`` (and each grid point): its identity and its runs
    and the reference's on the same seeds, aligned row by row."""
    keys = [*grid, *(k for k in ("replicate", "seed") if k in per_run)]
    points = per_run.groupby(list(grid), sort=False) if grid else [((), per_run)]
    for point, part in points:
        point = point if isinstance(point, tuple) else (point,)
        for name in order:
            if name == reference:
                continue
            both = part[part[by] == name].merge(part[part[by] == reference], on=keys, suffixes=("", "_ref"))
            ref = both[[c for c in both if c.endswith("_ref")]].rename(columns=lambda c: c[:-4])
            yield {by: name, **dict(zip(grid, point))}, both, ref


def route_table(per_run: pd.DataFrame, by: str, reference: str, order: list[str],
                grid: tuple[str, ...] = ()) -> pd.DataFrame:
    """Long table: per strategy other than ``reference`` (and grid point) and route, mean crimes prevented with
    a 95% CI over paired replicates. The last row of each is the total; the routes' means add up to it."""
    labels = {route.name: route.label for route in ROUTES} | {"total": "total crimes prevented in the area"}
    rows = []
    for identity, strategy, ref in pairs(per_run, by, reference, order, grid):
        for route, values in route_effects(strategy, ref).items():
            rows.append({**identity, "route": route, "label": labels[route], "prevented": float(values.mean()),
                         "ci95": ci95_half_width(float(values.std(ddof=1)), len(values)), "n": len(values)})
    return pd.DataFrame(rows)


def weighted_displacement_quotient(area_before: float, area_after: float, buffer_before: float, buffer_after: float,
                                   control_before: float = 1.0, control_after: float = 1.0) -> float:
    """Bowers & Johnson (2003): ``(B_a/C_a - B_b/C_b) / (A_a/C_a - A_b/C_b)`` (nan if the area did not change)."""
    success = area_after / control_after - area_before / control_before
    if success == 0:
        return float("nan")
    return (buffer_after / control_after - buffer_before / control_before) / success


def wdq_table(per_run: pd.DataFrame, by: str, reference: str, order: list[str], grid: tuple[str, ...] = (),
              seed: int = 0) -> pd.DataFrame:
    """Per strategy (and grid point): change in completed crime in the area and the ring (paired means, 95% CIs),
    the WDQ with a percentile-bootstrap 95% interval over replicates, and what it says."""
    rows = []
    rng = np.random.default_rng(seed)
    for identity, strategy, ref in pairs(per_run, by, reference, order, grid):
        area = strategy["completed_total"].to_numpy(float) - ref["completed_total"].to_numpy(float)
        ring = strategy["ring_completed_total"].to_numpy(float) - ref["ring_completed_total"].to_numpy(float)
        n = len(area)
        wdq = weighted_displacement_quotient(ref["completed_total"].mean(), strategy["completed_total"].mean(),
                                             ref["ring_completed_total"].mean(), strategy["ring_completed_total"].mean())
        resample = rng.integers(0, n, (BOOTSTRAP_DRAWS, n))
        with np.errstate(divide="ignore", invalid="ignore"):
            boot = ring[resample].mean(axis=1) / area[resample].mean(axis=1)
        finite = boot[np.isfinite(boot)]
        low, high = np.percentile(finite, [2.5, 97.5]) if n > 1 and len(finite) else (np.nan, np.nan)
        area_half, ring_half = (ci95_half_width(float(np.std(x, ddof=1)), n) if n > 1 else np.nan for x in (area, ring))
        rows.append({**identity, "area_change": float(area.mean()), "area_change_ci95": area_half,
                     "ring_change": float(ring.mean()), "ring_change_ci95": ring_half, "wdq": wdq,
                     "wdq_low": float(low), "wdq_high": float(high),
                     "reading": reading(float(area.mean()), area_half, wdq), "n": n})
    return pd.DataFrame(rows)


def reading(area_change: float, area_half_width: float, wdq: float) -> str:
    """What a WDQ says (Bowers & Johnson 2003); only meaningful when crime in the area clearly fell."""
    if not (area_change < 0 and abs(area_change) > area_half_width):
        return "no clear fall in the area: WDQ not interpretable"
    if wdq > 0:
        return "diffusion of benefits"
    if wdq >= -1:
        return "displacement smaller than the benefit"
    return "displacement exceeds the benefit"


def pathway_tables(per_run: pd.DataFrame, by: str, reference: str, order: list[str], grid: tuple[str, ...] = ()
                   ) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The route and WDQ tables of per-run summaries, or None if the runs lack the flows they need."""
    if not has_pathways(per_run):
        return None
    return route_table(per_run, by, reference, order, grid), wdq_table(per_run, by, reference, order, grid)


def write_pathways(tables: tuple[pd.DataFrame, pd.DataFrame], out: Path) -> list[str]:
    """Write the route and WDQ tables to ``out`` (:data:`PATHWAY_FILES`); their names."""
    for name, table in zip(PATHWAY_FILES, tables):
        write_atomic(out / name, lambda tmp, table=table: table.to_csv(tmp, index=False))
    return list(PATHWAY_FILES)
