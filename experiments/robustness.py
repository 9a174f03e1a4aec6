"""How robust is the ranking of strategies to what we do not know about the parameters?

An experiment file (TOML, read as data) names strategies, a reference, and
where plausible parameter sets come from::

    name = "robustness"
    seed = 11
    draws = 32                 # parameter sets (Sobol base samples when drawing from ranges: a power of 2)
    replicates = 2             # paired seeds per parameter set
    steps = 365
    strategies = ["baseline", "listening_led", "target_hardening"]
    reference = "baseline"     # what crimes prevented and spending are counted against
    posterior = "posterior.parquet"   # optional; relative to this file
    price_year = "2023/24"     # for £ of crime avoided (simulation/money.py); uprating = 1.3 to state your own
    [params]                   # fixed for every run
    n_residents = 2000
    [ranges]                   # uniform plausible ranges of parameters not in the posterior
    youth_effect = [0.0, 0.3]

Every strategy runs on the same seeds for a parameter set (paired; the one
replicate runner, :mod:`simulation.replicates`); different parameter sets get
different seeds, so the spread over parameter sets can be split from
run-to-run noise. Sensitivity of the paired differences: Sobol indices
(Saltelli sampling, SALib) when every varied parameter comes from
``ranges``; given-data first-order indices (binned correlation ratio) and
Spearman's rank correlation when a posterior is sampled (posterior draws are
not a sampling design).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibrate import load_posterior, read_toml, resolve_path, unknown_keys
from experiments.spec import _expect, _integer, _scenarios
from simulation.money import DEFAULT_PRICE_YEAR, uprating, value_for_money
from simulation.output import area_series, manifest, summarise, write_atomic, write_json, write_parquet
from simulation.params import ParameterError, Params, allowed, check_keys, kind, spec
from simulation.replicates import Run, paired_runs, replicate_seeds, run_all, simulate
from simulation.scenarios import Scenario
from simulation.wording import value_sentence, win_sentence

TOP_LEVEL = ("name", "description", "seed", "draws", "replicates", "steps", "strategies", "reference",
             "posterior", "price_year", "uprating", "params", "ranges")
OUTCOMES = ("completed_total", "collective_efficacy_end", "crime_cost_gbp_total", "cost_gbp_total")
COMPARED = {"completed_total": ("crimes", -1), "collective_efficacy_end": ("collective efficacy", 1)}
"""Outcomes strategies are ranked on, with a plain name and the sign of 'better' (fewer crimes, more CE)."""
SAVE_EVERY = 20


@dataclass(frozen=True)
class Robustness:
    """A validated robustness experiment."""

    name: str
    description: str
    seed: int
    draws: int
    replicates: int
    steps: int
    strategies: tuple[Scenario, ...]
    reference: str
    fixed: dict[str, Any]
    ranges: dict[str, tuple[float, float]]
    posterior: pd.DataFrame | None = None
    posterior_path: str = ""
    price_year: str = DEFAULT_PRICE_YEAR
    uprating: float | None = None
    sha256: str = ""
    parameters: tuple[str, ...] = field(default=())

    @property
    def method(self) -> str:
        """'sobol' (all from ranges) or 'given data' (from a posterior)."""
        return "given data" if self.posterior is not None else "sobol"


def load_robustness(name_or_path: str | Path, posterior: str | Path | None = None) -> Robustness:
    """Read and validate a robustness file; ``posterior`` overrides the file's."""
    path = resolve_path(name_or_path)
    data, sha = read_toml(path)
    return robustness_from_mapping(data, str(path), path.parent, sha, posterior, path.stem)


def robustness_from_mapping(data: dict[str, Any], source: str = "robustness", base_dir: Path | None = None,
                            sha256: str = "", posterior: str | Path | None = None,
                            default_name: str = "robustness") -> Robustness:
    """Validate a parsed robustness table; every error names the field and the allowed values."""
    unknown_keys(data, TOP_LEVEL, f"{source}: ")
    strategies = _scenarios(data | {"scenarios": data.get("strategies")}, source, base_dir) \
        if isinstance(data.get("strategies"), list) else None
    if not strategies or len(strategies) < 2:
        raise ParameterError(f"{source}: strategies={data.get('strategies')!r}: expected a list of at least two "
                             "scenario names or .toml paths, e.g. strategies = [\"baseline\", \"listening_led\"]")
    names = [s.name for s in strategies]
    reference = _expect(data, "reference", str, "a strategy name", source, default=names[0])
    if reference not in names:
        raise ParameterError(f"{source}: reference={reference!r}: expected one of the strategies: {', '.join(names)}")
    fixed = data.get("params", {})
    ranges_raw = data.get("ranges", {})
    for key, table in (("params", fixed), ("ranges", ranges_raw)):
        if not isinstance(table, dict):
            raise ParameterError(f"{source}: [{key}] must be a table")
        check_keys(table, where=f"{source}: [{key}] ")
    ranges = {}
    for name, value in ranges_raw.items():
        s = spec(name)
        if s.lo is None or kind(name) not in (int, float):
            raise ParameterError(f"{source}: [ranges] {name}: not numeric ({allowed(name)})")
        ok = isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if not ok or not s.lo <= value[0] < value[1] <= s.hi:
            raise ParameterError(f"{source}: [ranges] {name}={value!r}: expected [lo, hi] with lo < hi within "
                                 f"[{s.lo:g}, {s.hi:g}] ({s.unit})")
        if name in fixed:
            raise ParameterError(f"{source}: [ranges] {name}: also fixed in [params]; keep it in one")
        ranges[name] = (float(value[0]), float(value[1]))
    post_path = posterior if posterior is not None else data.get("posterior")
    table, shown = None, ""
    if post_path is not None:
        if not isinstance(post_path, (str, Path)):
            raise ParameterError(f"{source}: posterior={post_path!r}: expected the path of a posterior.parquet")
        resolved = Path(post_path)
        if posterior is None and base_dir is not None and not resolved.is_absolute():
            resolved = base_dir / resolved
        table, shown = load_posterior(resolved), os.path.relpath(resolved)   # no machine's absolute path
        both = sorted(set(ranges) & set(table.columns))
        if both:
            raise ParameterError(f"{source}: [ranges] {both[0]}: also in the posterior; remove it from [ranges]")
    draws = _integer(data, "draws", 2, 100_000, source, default=32)
    if table is None:
        if not ranges:
            raise ParameterError(f"{source}: nothing varies: give a posterior (posterior = \"...parquet\" or "
                                 "--posterior) or [ranges] of plausible values")
        if draws & (draws - 1):
            raise ParameterError(f"{source}: draws={draws}: Sobol sampling from [ranges] needs a power of 2 "
                                 "(e.g. 16, 32, 64)")
    parameters = (*([c for c in table.columns if c not in ("weight", "generation")] if table is not None else []),
                  *ranges)
    price_year = _expect(data, "price_year", str, "a financial year like \"2023/24\"", source,
                         default=DEFAULT_PRICE_YEAR)
    factor = data.get("uprating")
    try:
        uprating(price_year, factor)
    except ParameterError as err:
        raise ParameterError(f"{source}: {err}") from None
    spec_ = Robustness(
        name=_expect(data, "name", str, "text", source, default=default_name),
        description=_expect(data, "description", str, "text", source, default=""),
        seed=_integer(data, "seed", 0, 2**63 - 1, source, default=0), draws=draws,
        replicates=_integer(data, "replicates", 1, 1000, source, default=2),
        steps=_integer(data, "steps", 1, 5 * 365, source, default=365), strategies=tuple(strategies),
        reference=reference, fixed=fixed, ranges=ranges, posterior=table, posterior_path=shown,
        price_year=price_year, uprating=factor, sha256=sha256, parameters=parameters)
    points = parameter_sets(spec_)
    for strategy in strategies:
        for i in (0, len(points) - 1):
            try:
                strategy_params(strategy, spec_.fixed, points.iloc[i].to_dict())
            except ParameterError as err:
                raise ParameterError(f"{source}: strategy '{strategy.name}' at a drawn parameter set: {err}") from None
    return spec_


def problem(spec_: Robustness) -> dict[str, Any]:
    """The SALib problem over the varied parameters (posterior parameters: their sampled range)."""
    bounds = []
    for name in spec_.parameters:
        if name in spec_.ranges:
            bounds.append(list(spec_.ranges[name]))
        else:
            column = spec_.posterior[name].to_numpy(float)
            lo, hi = float(column.min()), float(column.max())
            bounds.append([lo, hi if hi > lo else lo + 1e-12])
    return {"num_vars": len(spec_.parameters), "names": list(spec_.parameters), "bounds": bounds}


def parameter_sets(spec_: Robustness) -> pd.DataFrame:
    """One row per parameter set: Saltelli's Sobol sample of the ranges, or posterior draws (by weight)
    with independent uniform draws of the ranges."""
    if spec_.posterior is None:
        from SALib.sample import sobol
        x = sobol.sample(problem(spec_), spec_.draws, calc_second_order=False, seed=spec_.seed % 2**32)
        table = pd.DataFrame(x, columns=list(spec_.parameters))
    else:
        rng = np.random.default_rng(np.random.SeedSequence(spec_.seed, spawn_key=(3,)))
        post = spec_.posterior
        rows = rng.choice(len(post), size=spec_.draws, p=post["weight"].to_numpy(float) / post["weight"].sum())
        table = post.iloc[rows][[c for c in post if c not in ("weight", "generation")]].reset_index(drop=True)
        for name, (lo, hi) in spec_.ranges.items():
            table[name] = rng.uniform(lo, hi, size=spec_.draws)
    for name in table:
        if kind(name) is int:
            table[name] = table[name].round().astype(int)
    return table


def strategy_params(strategy: Scenario, fixed: dict[str, Any], point: dict[str, Any]) -> Params:
    """A strategy's parameters at one parameter set."""
    values = {k: (int(v) if kind(k) is int else float(v)) for k, v in point.items()}
    return Params.from_mapping({**fixed, **values}, base=strategy.params)


def plan(spec_: Robustness, points: pd.DataFrame) -> list[Run]:
    """Every strategy on the paired seeds of every parameter set; ``replicate`` numbers runs across sets."""
    seeds = replicate_seeds(spec_.seed, len(points) * spec_.replicates)
    runs = []
    for d, point in enumerate(points.to_dict("records")):
        chosen = {s.name: strategy_params(s, spec_.fixed, point) for s in spec_.strategies}
        block = seeds[d * spec_.replicates:(d + 1) * spec_.replicates]
        runs += [dataclasses.replace(run, replicate=d * spec_.replicates + run.replicate)
                 for run in paired_runs(chosen, block, spec_.steps)]
    return runs


def run_outcomes(run: Run) -> dict[str, Any]:
    """One run's end-of-run outcomes (in a worker: only a small row travels back)."""
    row = summarise(area_series(simulate(run))).iloc[0]
    return {"strategy": run.label, "run": run.replicate, "seed": run.seed, **{o: float(row[o]) for o in OUTCOMES}}


def run_robustness(spec_: Robustness, out: Path, workers: int = 1, scheduler: str | None = None,
                   resume: bool = False, console: Any = None) -> RobustnessResult:
    """Run every pending run (saving as it goes), then analyse and write everything."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from experiments.executors import open_executor

    out = Path(out)
    runs_path, manifest_path = out / "runs.parquet", out / "manifest.json"
    identity = {"experiment_sha256": spec_.sha256, "posterior": _file_hash(spec_.posterior_path)}
    if runs_path.exists() and not resume:
        raise ParameterError(f"--out {out} already holds a robustness run; add --resume to continue it, or choose "
                             "another --out")
    if resume and manifest_path.exists():
        before = json.loads(manifest_path.read_text())
        if {k: before.get(k) for k in identity} != identity:
            raise ParameterError(f"--resume: {out} was made from a different experiment file or posterior; use "
                                 "another --out")
    points = parameter_sets(spec_)
    runs = plan(spec_, points)
    raw = ["strategy", "run", "seed", *OUTCOMES]
    done = pd.read_parquet(runs_path, columns=raw) if resume and runs_path.exists() else pd.DataFrame()
    finished = set(zip(done["strategy"], done["run"])) if len(done) else set()
    pending = [r for r in runs if (r.label, r.replicate) not in finished]
    rows = done.to_dict("records") if len(done) else []
    write_json(manifest(**identity, status="running"), manifest_path)

    def save() -> None:
        write_parquet(pd.DataFrame(rows), runs_path)

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with open_executor(workers, scheduler) as backend, \
            Progress(*columns, console=console, disable=console is None) as progress:
        task = progress.add_task(f"{len(points)} parameter sets x {spec_.replicates} seeds x "
                                 f"{len(spec_.strategies)} strategies", total=len(runs), completed=len(finished))
        try:
            for _, row in run_all(pending, backend.executor, fn=run_outcomes, max_in_flight=backend.capacity):
                rows.append(row)
                progress.advance(task)
                if len(rows) % SAVE_EVERY == 0:
                    save()
        finally:
            save()
    table = pd.DataFrame(rows)
    table["draw"] = table["run"] // spec_.replicates
    table["replicate"] = table["run"] % spec_.replicates
    table = table.merge(points.rename_axis("draw").reset_index(), on="draw").sort_values(
        ["draw", "replicate", "strategy"], ignore_index=True)
    result = analyse(spec_, table, points)
    write_outputs(spec_, result, out, identity)
    return result


def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path and Path(path).is_file() else ""


@dataclass(frozen=True)
class RobustnessResult:
    """Everything ``saferstreets robustness`` reports."""

    runs: pd.DataFrame
    wins: pd.DataFrame
    value: pd.DataFrame
    sensitivity: pd.DataFrame
    variance: pd.DataFrame
    reference: str
    price_year: str
    method: str
    titles: dict[str, str]
    draws: int
    replicates: int


def paired(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """``outcome`` as a table: one row per (draw, replicate), one column per strategy."""
    return runs.pivot_table(index=["draw", "replicate"], columns="strategy", values=outcome)


def win_probabilities(runs: pd.DataFrame) -> pd.DataFrame:
    """Share of parameter sets in which each strategy beats each other (mean over its paired seeds) and ties,
    on completed crimes (fewer is better) and collective efficacy (higher is better)."""
    rows = []
    for outcome, (label, sign) in COMPARED.items():
        means = paired(runs, outcome).groupby(level="draw").mean()
        for a in means:
            for b in means:
                if a != b:
                    diff = sign * (means[a] - means[b])
                    rows.append({"strategy": a, "versus": b, "outcome": label, "p_better": float(np.mean(diff > 0)),
                                 "p_tie": float(np.mean(diff == 0))})
    return pd.DataFrame(rows)


def value_table(runs: pd.DataFrame, reference: str, price_year: str, factor: float | None) -> pd.DataFrame:
    """Per strategy against the reference, over parameter sets (each the mean of its paired seeds): crimes
    prevented, crimes prevented per £1,000, £ of crime avoided, extra cost, net benefit and benefit-cost ratio
    (median and 90% range), and the share of settings with a ratio above 1."""
    crimes, harm, cost = (paired(runs, o).groupby(level="draw").mean()
                          for o in ("completed_total", "crime_cost_gbp_total", "cost_gbp_total"))
    rows = []
    for name in crimes:
        if name == reference:
            continue
        value = value_for_money(harm[name], harm[reference], cost[name], cost[reference], price_year, factor)
        prevented = (crimes[reference] - crimes[name]).to_numpy(float)
        spent = np.asarray(value.cost_gbp, float)
        per_1000 = np.divide(1000 * prevented, spent, out=np.full(len(spent), np.nan), where=spent > 0)
        row: dict[str, Any] = {"strategy": name}
        for key, values in (("prevented", prevented), ("prevented_per_1000_gbp", per_1000),
                            ("avoided_gbp", np.asarray(value.avoided_gbp)), ("cost_gbp", spent),
                            ("net_benefit_gbp", np.asarray(value.net_benefit_gbp)),
                            ("benefit_cost_ratio", np.asarray(value.benefit_cost_ratio))):
            finite = values[np.isfinite(values)]
            q = np.quantile(finite, (0.05, 0.5, 0.95)) if len(finite) else (math.nan,) * 3
            row |= {f"{key}_median": q[1], f"{key}_q05": q[0], f"{key}_q95": q[2]}
        bcr = np.asarray(value.benefit_cost_ratio)
        row["p_bcr_above_1"] = float(np.mean(bcr[np.isfinite(bcr)] > 1)) if np.isfinite(bcr).any() else math.nan
        row["price_year"] = price_year
        rows.append(row)
    return pd.DataFrame(rows)


def comparisons(runs: pd.DataFrame, reference: str) -> list[tuple[str, str]]:
    """(strategy, versus) pairs whose crime difference the sensitivity analysis explains: every strategy against
    the reference, and the two strategies preventing most crime against each other."""
    means = runs.groupby("strategy")["completed_total"].mean().drop(reference).sort_values()
    pairs = [(s, reference) for s in means.index]
    if len(means) >= 2:
        pairs.append((means.index[0], means.index[1]))
    return pairs


def sensitivity(spec_: Robustness, runs: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of each compared crime difference (per parameter set, mean of its seeds)."""
    crimes = paired(runs, "completed_total").groupby(level="draw").mean()
    prob = problem(spec_)
    x = points[list(spec_.parameters)].to_numpy(float)
    rows = []
    for a, b in comparisons(runs, spec_.reference):
        y = (crimes[b] - crimes[a]).to_numpy(float)
        if np.ptp(y) == 0:  # no spread (e.g. no crime at all): nothing to attribute
            continue
        label = f"{a} - {b}"
        if spec_.method == "sobol":
            from SALib.analyze import sobol
            res = sobol.analyze(prob, y, calc_second_order=False, seed=spec_.seed % 2**32)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            res = given_data_indices(x, y)
            keys = ("S1", "spearman")
        part = pd.DataFrame({"comparison": label, "parameter": prob["names"],
                             **{k: np.asarray(res[k], float) for k in keys}})
        rows.append(part.sort_values(keys[2] if spec_.method == "sobol" else keys[0], ascending=False))
    keys = ("S1", "S1_conf", "ST", "ST_conf") if spec_.method == "sobol" else ("S1", "spearman")
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["comparison", "parameter", *keys])


def given_data_indices(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """First-order indices from given data (no sampling design): the bias-adjusted correlation ratio of ``y``
    on each column of ``x`` cut into equal-count bins (about sqrt(n) of them), and Spearman's rank correlation
    for the direction."""
    from scipy.stats import spearmanr

    n = len(y)
    k = max(2, round(math.sqrt(n)))
    s1, rho = [], []
    for column in x.T:
        order = np.argsort(column, kind="stable")
        bins = np.array_split(y[order], k)
        between = sum(len(b) * (b.mean() - y.mean()) ** 2 for b in bins) / n
        eta2 = between / y.var() if y.var() > 0 else math.nan
        s1.append(max(0.0, 1 - (1 - eta2) * (n - 1) / (n - k)) if n > k else math.nan)
        rho.append(float(spearmanr(column, y).statistic) if np.ptp(column) > 0 else math.nan)
    return {"S1": np.array(s1), "spearman": np.array(rho)}


def variance_split(runs: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Per strategy: variance of crimes prevented (paired, per run) split into parameter uncertainty (between
    parameter sets) and run-to-run noise (between seeds of one set): one-way random-effects ANOVA."""
    crimes = paired(runs, "completed_total")
    rows = []
    for name in crimes:
        if name == reference:
            continue
        y = (crimes[reference] - crimes[name]).rename("y").reset_index()
        r = y.groupby("draw")["y"].size().min()
        within = float(y.groupby("draw")["y"].var(ddof=1).mean()) if r > 1 else math.nan
        between_means = float(y.groupby("draw")["y"].mean().var(ddof=1))
        parameter = max(0.0, between_means - within / r) if r > 1 else math.nan
        total = parameter + within
        rows.append({"strategy": name, "prevented_mean": float(y["y"].mean()), "var_parameters": parameter,
                     "var_noise": within, "share_parameters": parameter / total if total > 0 else math.nan,
                     "replicates": int(r)})
    return pd.DataFrame(rows)


def analyse(spec_: Robustness, runs: pd.DataFrame, points: pd.DataFrame) -> RobustnessResult:
    """Win probabilities, value for money, sensitivity indices and the variance split."""
    return RobustnessResult(
        runs=runs, wins=win_probabilities(runs),
        value=value_table(runs, spec_.reference, spec_.price_year, spec_.uprating),
        sensitivity=sensitivity(spec_, runs, points), variance=variance_split(runs, spec_.reference),
        reference=spec_.reference, price_year=spec_.price_year, method=spec_.method,
        titles={s.name: s.title or s.name.replace("_", " ") for s in spec_.strategies},
        draws=len(points), replicates=spec_.replicates)


def plain_statements(result: RobustnessResult) -> list[str]:
    """Plain-English lines for policy staff: how often each strategy prevents more crime than each other, and
    each strategy's benefit-cost ratio with its range."""
    titles = result.titles
    crimes = result.wins[result.wins["outcome"] == "crimes"]
    lines = [win_sentence(titles[row.strategy], titles[row.versus], row.p_better, row.p_tie)
             for row in crimes[crimes["strategy"] != result.reference].itertuples(index=False)]
    lines += [value_sentence(titles[row.strategy], titles[result.reference], row.benefit_cost_ratio_median,
                             row.benefit_cost_ratio_q05, row.benefit_cost_ratio_q95, row.p_bcr_above_1,
                             result.price_year) for row in result.value.itertuples(index=False)]
    return lines


def _md(table: pd.DataFrame) -> str:
    from experiments.calibration_report import _md as markdown
    return markdown(table)


def write_outputs(spec_: Robustness, result: RobustnessResult, out: Path, identity: dict[str, str]) -> None:
    """runs.parquet, the CSV tables, report.md and the manifest."""
    write_parquet(result.runs, out / "runs.parquet")
    for name in ("wins", "value", "sensitivity", "variance"):
        table = getattr(result, name)
        write_atomic(out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
    matrix = result.wins.pivot_table(index=["outcome", "strategy"], columns="versus", values="p_better")
    lines = [f"# Robustness: {spec_.name}", "", spec_.description, "",
             f"{result.draws} parameter sets ({'posterior draws' if spec_.posterior is not None else 'Sobol sample'}"
             f"{' plus uniform ranges' if spec_.posterior is not None and spec_.ranges else ''}), "
             f"{result.replicates} paired seeds each, {spec_.steps} days; reference {spec_.reference}; "
             f"varied: {', '.join(spec_.parameters)}.", "",
             "## In plain words", "", *(f"- {line}" for line in plain_statements(result)), "",
             "## Probability that the row strategy beats the column strategy", "",
             _md(matrix.reset_index().fillna(float("nan"))), "",
             f"## Value for money against {spec_.reference} ({spec_.price_year} prices)", "", _md(result.value), "",
             f"## What the crime differences depend on ({result.method} indices)", "", _md(result.sensitivity), "",
             "## Parameter uncertainty against run-to-run noise (crimes prevented per run)", "",
             _md(result.variance), ""]
    write_atomic(out / "report.md", lambda tmp: tmp.write_text("\n".join(lines)))
    write_json(manifest(**identity, status="complete", experiment=spec_.name, seed=spec_.seed, draws=result.draws,
                        replicates=spec_.replicates, steps=spec_.steps, method=result.method,
                        strategies=[s.name for s in spec_.strategies], reference=spec_.reference,
                        fixed=spec_.fixed, ranges=spec_.ranges, posterior_path=spec_.posterior_path,
                        price_year=spec_.price_year, uprating=uprating(spec_.price_year, spec_.uprating),
                        titles=result.titles, runs=len(result.runs)), out / "manifest.json")


def print_robustness(result: RobustnessResult, console: Any) -> None:
    """Rich tables: win probabilities on crimes, value for money, top sensitivity indices, variance split."""
    from rich.table import Table

    for outcome in ("crimes", "collective efficacy"):
        wins = result.wins[result.wins["outcome"] == outcome].pivot(index="strategy", columns="versus",
                                                                    values="p_better")
        table = Table("strategy", *wins.columns, title=f"P(row beats column) on {outcome}, over "
                                                       f"{result.draws} plausible settings")
        for name, row in wins.iterrows():
            table.add_row(name, *("" if math.isnan(v) else f"{v:.0%}" for v in row))
        console.print(table)
    value = Table("strategy", "prevented", "per £1,000", "BCR median [90%]", "P(BCR>1)",
                  title=f"Value for money against {result.reference} ({result.price_year} prices)")
    for r in result.value.itertuples(index=False):
        value.add_row(r.strategy, f"{r.prevented_median:.1f} [{r.prevented_q05:.1f}, {r.prevented_q95:.1f}]",
                      f"{r.prevented_per_1000_gbp_median:.3f}",
                      f"{r.benefit_cost_ratio_median:.2f} [{r.benefit_cost_ratio_q05:.2f}, "
                      f"{r.benefit_cost_ratio_q95:.2f}]", f"{r.p_bcr_above_1:.0%}")
    console.print(value)
    key = "ST" if result.method == "sobol" else "spearman"
    sens = Table("comparison", "parameter", "S1", key, title=f"Top {result.method} indices of crimes prevented")
    for comparison, part in result.sensitivity.groupby("comparison", sort=False):
        for r in part.head(3).itertuples(index=False):
            sens.add_row(comparison, r.parameter, f"{r.S1:.3f}", f"{getattr(r, key):.3f}")
    console.print(sens)
    var = Table("strategy", "prevented (mean)", "parameter share of variance",
                title="Parameter uncertainty vs run-to-run noise")
    for r in result.variance.itertuples(index=False):
        var.add_row(r.strategy, f"{r.prevented_mean:.1f}", "-" if math.isnan(r.share_parameters)
                    else f"{r.share_parameters:.0%}")
    console.print(var)
    for line in plain_statements(result):
        console.print(line, highlight=False)
