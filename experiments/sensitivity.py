"""Global sensitivity analysis with SALib: Morris screening and Sobol indices over chosen parameters.

Each SALib sample point is run (through the sweep runner, so on local processes
or Dask, resumable) with the same replicate seeds at every point (common random
numbers). The outcome is an end-of-run outcome of the report (e.g.
``collective_efficacy_end``), by default as the effect against a paired
``baseline`` run with the same parameters and seed: this asks what drives the
*effect* of a strategy rather than the outcome level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.report import run_outcomes
from experiments.spec import make_run, metric_choices
from simulation.metrics import METRICS
from experiments.sweep import execute, run_path
from simulation.output import manifest, write_atomic, write_json
from simulation.params import FIELDS, ParameterError, Params, allowed, check_keys, spec
from simulation.scenarios import Scenario

METHODS = ("morris", "sobol")
GAINS_PER_CONTACT: dict[str, tuple[str, ...]] = {
    "listening": ("listening_per_day", "listen_trust_gain", "listen_efficacy_gain", "connections_per_conversation",
                  "p_join", "p_alliance_join"),
    "broadcast": ("broadcast_contacts_per_day", "broadcast_trust_gain", "broadcast_efficacy_gain", "p_attend_meeting",
                  "meeting_trust_gain", "meeting_efficacy_gain", "contact_saturation", "connections_per_conversation",
                  "p_join"),
    "neighbourhood_watch": ("watch_contacts_per_day", "watch_trust_gain", "watch_efficacy_gain", "p_watch_join",
                            "p_watch_lapse", "contact_saturation", "watch_notice_factor"),
    "none": ("hardening_cost_gbp", "p_foil_hardened"),
}
"""Default parameters varied for each strategy: its reach and its gains per contact (so every strategy's assumed
effect sizes are tested, not only listening's)."""
SUGGESTED_BOUNDS = {"listening_per_day": (0.1, 3.0), "connections_per_conversation": (0.0, 3.0),
                    "listen_efficacy_gain": (0.0, 0.2), "listen_trust_gain": (0.0, 0.2), "p_join": (0.0, 0.3),
                    "p_alliance_join": (0.0, 1.0), "n_organisers": (1, 12), "join_threshold": (1, 5),
                    "broadcast_contacts_per_day": (5.0, 100.0), "broadcast_trust_gain": (0.0, 0.05),
                    "broadcast_efficacy_gain": (0.0, 0.05), "p_attend_meeting": (0.0, 0.05),
                    "meeting_trust_gain": (0.0, 0.2), "meeting_efficacy_gain": (0.0, 0.2),
                    "watch_contacts_per_day": (2.0, 40.0), "watch_trust_gain": (0.0, 0.05),
                    "watch_efficacy_gain": (0.0, 0.05), "p_watch_join": (0.0, 0.5), "p_watch_lapse": (0.0, 0.01),
                    "watch_notice_factor": (1.0, 4.0), "contact_saturation": (1, 20), "hardening_cost_gbp": (100.0, 2000.0),
                    "p_foil_hardened": (0.1, 0.9), "campaign_days": (30.0, 365.0), "coaching_power": (0.0, 1.5),
                    "alliance_power": (0.0, 1.5), "outcome_learning_rate": (0.0, 0.5),
                    "leader_burnout": (0.05, 0.8)}
"""Plausible ranges used instead of the (much wider) allowed range when no --bounds is given."""


def default_params(params: Params) -> tuple[str, ...]:
    """Parameters varied by default for a scenario: the reach and gains per contact of its strategy."""
    return GAINS_PER_CONTACT[params.organising]


MORRIS_LEVELS = 4


def outcome_choices() -> tuple[str, ...]:
    """End-of-run outcomes the analysis can use (as named in the report)."""
    names = [METRICS[m].summary for m in metric_choices("area")]
    return (*names, *(f"{m.name}_change" for m in METRICS.values() if m.kind == "score"))


def outcome_metric(outcome: str) -> str:
    """The model column an outcome is computed from."""
    if outcome not in outcome_choices():
        raise ParameterError(f"--outcome {outcome!r}: expected one of {', '.join(outcome_choices())}")
    return outcome.removesuffix("_change").removesuffix("_total").removesuffix("_end")


def problem(names: list[str], bounds: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The SALib problem: numeric parameters with bounds (given, suggested, or the allowed range)."""
    if not names:
        raise ParameterError("--param: give at least one parameter to vary")
    check_keys(dict.fromkeys(names), where="--param: ")
    check_keys(bounds, where="--bounds: ")
    for name in bounds:
        if name not in names:
            raise ParameterError(f"--bounds {name}: not among the --param names ({', '.join(names)})")
    rows = []
    for name in dict.fromkeys(names):
        s = spec(name)
        if s.lo is None:
            raise ParameterError(f"--param {name}: not numeric ({allowed(name)}); choose a numeric parameter")
        lo, hi = bounds.get(name) or SUGGESTED_BOUNDS.get(name) or (s.lo, s.hi)
        if not s.lo <= lo < hi <= s.hi:
            raise ParameterError(f"--bounds {name}={lo:g}:{hi:g}: expected lo < hi within [{s.lo:g}, {s.hi:g}] "
                                 f"({s.unit})")
        rows.append([float(lo), float(hi)])
    return {"num_vars": len(rows), "names": list(dict.fromkeys(names)), "bounds": rows}


def parse_bounds(items: list[str] | None) -> dict[str, tuple[float, float]]:
    """``["name=lo:hi", ...]`` to bounds."""
    out = {}
    for item in items or []:
        name, _, text = item.partition("=")
        lo, sep, hi = text.partition(":")
        try:
            out[name.strip()] = (float(lo), float(hi))
        except ValueError:
            raise ParameterError(f"--bounds {item!r}: expected name=lo:hi, e.g. --bounds p_join=0:0.05") from None
        if not sep:
            raise ParameterError(f"--bounds {item!r}: expected name=lo:hi, e.g. --bounds p_join=0:0.05")
    return out


def sample(method: str, prob: dict[str, Any], samples: int, seed: int) -> np.ndarray:
    """SALib sample matrix: Morris ``samples`` trajectories or Sobol ``samples`` base points."""
    if method == "morris":
        from SALib.sample import morris
        return morris.sample(prob, samples, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "sobol":
        if samples < 2 or samples & (samples - 1):
            raise ParameterError(f"--samples {samples}: Sobol needs a power of 2 (e.g. 16, 32, 64)")
        from SALib.sample import sobol
        return sobol.sample(prob, samples, calc_second_order=False, seed=seed)
    raise ParameterError(f"--method {method!r}: expected one of {', '.join(METHODS)}")


def point_values(prob: dict[str, Any], row: np.ndarray) -> dict[str, Any]:
    """One sample row as parameter values (integers rounded)."""
    return {name: (round(float(x)) if FIELDS[name].type == "int" else float(x))
            for name, x in zip(prob["names"], row)}


def analyse(method: str, prob: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Sensitivity indices, one row per parameter."""
    if method == "morris":
        from SALib.analyze import morris
        result = morris.analyze(prob, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        keys = ("mu", "mu_star", "mu_star_conf", "sigma")
    else:
        from SALib.analyze import sobol
        result = sobol.analyze(prob, y, calc_second_order=False, seed=seed)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    table = pd.DataFrame({"parameter": prob["names"], **{k: np.asarray(result[k], float) for k in keys}})
    order = "mu_star" if method == "morris" else "ST"
    return table.sort_values(order, ascending=False, ignore_index=True)


def run_analysis(method: str, scenario: Scenario, versus: Scenario | None, prob: dict[str, Any], outcome: str,
                 samples: int, seeds: list[int], steps: int, fixed: dict[str, Any], out: Path, seed: int,
                 workers: int = 1, scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample, run every point (x replicates, x versus), analyse; write CSVs, a bar plot and a manifest."""
    metric = outcome_metric(outcome)
    x = sample(method, prob, samples, seed)
    chosen = [scenario, *([versus] if versus else [])]
    points = [point_values(prob, row) for row in x]
    runs = [make_run(sc.name, Params.from_mapping({**fixed, **point}, base=sc.params), point, rep, rep_seed,
                     steps, (metric,), "area")
            for point in points for sc in chosen for rep, rep_seed in enumerate(seeds)]
    execute(runs, out / "runs", workers, scheduler, label=f"{method} {scenario.name}")
    info = {"grid": prob["names"], "metrics": [metric]}
    values = {run["id"]: run_outcomes(pd.read_parquet(run_path(out / "runs", run)), info)[outcome].iloc[0]
              for run in runs}
    per_run = np.array([values[run["id"]] for run in runs]).reshape(len(points), len(chosen), len(seeds))
    y = per_run[:, 0].mean(axis=1) - (per_run[:, 1].mean(axis=1) if versus else 0.0)
    table = analyse(method, prob, x, y, seed)
    samples_table = pd.DataFrame(x, columns=prob["names"]).assign(**{"y": y})
    write_atomic(out / "sensitivity.csv", lambda tmp: table.to_csv(tmp, index=False))
    write_atomic(out / "samples.csv", lambda tmp: samples_table.to_csv(tmp, index=False))
    label = f"{outcome}: {scenario.name}" + (f" - {versus.name}" if versus else "")
    plot_indices(method, table, out / "sensitivity.png", f"{method.title()} sensitivity of {label}")
    write_json(manifest(method=method, scenario=scenario.name, versus=versus.name if versus else None,
                        outcome=outcome, problem=prob, samples=samples, seed=seed, seeds=seeds, steps=steps,
                        fixed=fixed, runs=len(runs)), out / "manifest.json")
    return table, samples_table


def plot_indices(method: str, table: pd.DataFrame, path: Path, title: str) -> None:
    """Horizontal bars of mu* (Morris) or S1 and ST (Sobol) with their confidence intervals."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 * len(table) + 1.8))
    pos = np.arange(len(table))[::-1]
    bars = [("mu_star", "mu*")] if method == "morris" else [("S1", "first order S1"), ("ST", "total ST")]
    height = 0.8 / len(bars)
    for i, (key, name) in enumerate(bars):
        ax.barh(pos + (i - (len(bars) - 1) / 2) * height, table[key], height, xerr=table[f"{key}_conf"],
                label=name, capsize=3)
    ax.set_yticks(pos, table["parameter"])
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
