"""How sure across plausible settings? The shipped robustness result, in plain words, for the chosen strategies.

``saferstreets robustness`` runs the strategies over many plausible parameter settings (drawn from the
calibration's posterior or from plausible ranges) and writes ``manifest.json``, ``wins.csv`` (how often each
strategy prevents more crime than each other) and ``value.csv`` (benefit-cost ratios) among its outputs. A
finished run shipped in :data:`SHIPPED` is read here, and the explorer shows the lines about the strategies
the user chose, next to its own run-to-run intervals, in the wording of the robustness report
(:mod:`simulation.wording`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.params import ParameterError, Params
from simulation.wording import value_sentence, win_sentence

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "viz" / "data" / "robustness"
"""Where the shipped robustness result lives."""
WINS_COLUMNS = ("strategy", "versus", "outcome", "p_better", "p_tie")
VALUE_COLUMNS = ("strategy", "benefit_cost_ratio_median", "benefit_cost_ratio_q05", "benefit_cost_ratio_q95",
                 "p_bcr_above_1")


@dataclass(frozen=True)
class Robustness:
    """The parts of a finished robustness run the explorer shows."""

    wins: pd.DataFrame
    """Share of plausible settings in which ``strategy`` prevents more crime than ``versus`` (and ties)."""
    value: pd.DataFrame
    """Per strategy against the reference: benefit-cost ratio (median, 90% range) and how often it is above 1."""
    manifest: dict[str, Any]

    @property
    def reference(self) -> str:
        """What crimes prevented and spending are counted against."""
        return self.manifest["reference"]

    def title(self, name: str) -> str:
        """A strategy's plain title."""
        return (self.manifest.get("titles") or {}).get(name, name.replace("_", " "))


def load(directory: Path) -> Robustness:
    """A finished robustness run's manifest, win shares and value table; ParameterError in one line if it is
    missing, unfinished or unreadable."""
    if not (directory / "manifest.json").is_file():
        raise ParameterError(f"{shown(directory)}: no robustness result there (manifest.json is missing)")
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("manifest.json is not a JSON object")
        if manifest.get("status") == "complete":
            wins, value = (pd.read_csv(directory / f"{name}.csv") for name in ("wins", "value"))
            missing = [f"{name}.csv: {col}" for name, table, columns in (("wins", wins, WINS_COLUMNS),
                                                                       ("value", value, VALUE_COLUMNS))
                       for col in columns if col not in table]
            if missing or not {"reference", "draws", "price_year"} <= set(manifest):
                raise ValueError(f"missing {', '.join(missing) or 'manifest keys reference, draws or price_year'}")
    except (OSError, ValueError) as err:
        raise ParameterError(f"{shown(directory)}: not a readable robustness result ({err})") from None
    if manifest.get("status") != "complete":
        raise ParameterError(f"{shown(directory)}: the robustness run is not complete "
                             f"(status {manifest.get('status')!r})")
    return Robustness(wins[wins["outcome"] == "crimes"].reset_index(drop=True), value, manifest)


def shown(directory: Path) -> str:
    """``directory`` as people should see it: relative to the project if it is inside it."""
    return str(directory.relative_to(ROOT)) if directory.is_relative_to(ROOT) else str(directory)


def statements(result: Robustness, chosen: dict[str, str]) -> list[str]:
    """Plain lines about ``chosen`` (strategy names and titles, in the order to show them) and the reference:
    for each pair, how often one prevents more crime than the other (each strategy against the reference, then
    each pair of chosen strategies the way round that happens more often), then each chosen strategy's
    benefit-cost ratio with its range, then which chosen strategies the result does not cover."""
    covered = set(result.wins["strategy"])
    present = [name for name in chosen if name in covered and name != result.reference]
    wins = result.wins.set_index(["strategy", "versus"])
    pairs = [(name, result.reference) for name in present if (name, result.reference) in wins.index]
    for i, a in enumerate(present):
        for b in present[i + 1:]:
            pairs.append((b, a) if wins.loc[(b, a), "p_better"] > wins.loc[(a, b), "p_better"] else (a, b))
    lines = [win_line(result, a, b, wins.loc[(a, b)]) for a, b in pairs]
    value = result.value.set_index("strategy")
    lines += [value_line(result, name, value.loc[name]) for name in present if name in value.index]
    if absent := [title for name, title in chosen.items() if name not in covered]:
        lines.append(f"Not in the robustness result: {', '.join(absent)}.")
    return lines


def win_line(result: Robustness, strategy: str, versus: str, row: pd.Series) -> str:
    """One pair in words, e.g. In 70% of plausible settings, A prevents more crime than B (the same in 5%)."""
    return win_sentence(result.title(strategy), result.title(versus), row["p_better"], row["p_tie"])


def value_line(result: Robustness, strategy: str, row: pd.Series) -> str:
    """A strategy's benefit-cost ratio against the reference, its 90% range and how often it is above 1."""
    return value_sentence(result.title(strategy), result.title(result.reference), row["benefit_cost_ratio_median"],
                          row["benefit_cost_ratio_q05"], row["benefit_cost_ratio_q95"], row["p_bcr_above_1"],
                          result.manifest["price_year"])


def source(result: Robustness) -> str:
    """Where the statements come from: how many settings, drawn how, on what runs, in which prices."""
    info = result.manifest
    ranges = list(info.get("ranges") or {})
    if info.get("posterior_path"):
        drawn = "drawn from the calibration's posterior" + (f" (with {', '.join(ranges)} from plausible ranges)"
                                                             if ranges else "")
    else:
        drawn = f"drawn from plausible ranges of {', '.join(ranges) or 'the uncertain parameters'} (uncalibrated)"
    households = (info.get("fixed") or {}).get("n_residents", Params().n_residents)
    runs = (f" (each on {info['replicates']} paired seeds, {households:,} households, {info['steps']:,} days)"
            if {"replicates", "steps"} <= set(info) else "")
    return (f"From {info['draws']:,} plausible parameter settings {drawn}{runs}, {info['price_year']} prices; "
            "see docs/calibration.md. They do not depend on the neighbourhood, households or time chosen here.")


def robustness_lines(chosen: dict[str, str], directory: Path | None = None) -> list[str]:
    """Where the statements come from, then the statements about ``chosen``; or one line saying why there are
    none. ``directory`` defaults to :data:`SHIPPED`."""
    directory = directory or SHIPPED
    try:
        result = load(directory)
        return [source(result), *statements(result, chosen)]
    except ParameterError as err:
        return [f"Robustness across plausible settings is not available: {err}."]
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        return [f"Robustness across plausible settings is not available: {shown(directory)}: unexpected contents "
                f"({type(err).__name__}: {err})."]
