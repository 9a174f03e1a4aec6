"""``saferstreets targets``, ``calibrate`` and ``robustness``: fitting the model and testing its ranking."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from experiments.cli import Workers, console
from experiments.sweep_cli import Scheduler

if TYPE_CHECKING:
    import pandas as pd

Resume = Annotated[bool, typer.Option("--resume", help="Continue the run saved in --out.")]


def register(app: typer.Typer) -> None:
    """Add the calibration commands to ``app``."""
    app.command()(targets)
    app.command()(calibrate)
    app.command()(robustness)


def targets() -> None:
    """List the registered targets: setting, observed value, band, whether they suit calibration, source."""
    from experiments.targets import target_table

    table = Table("target", "setting", "observed", "band", "calibration?", "source", "note",
                  title="Targets (experiments/targets.py)")
    for row in target_table().itertuples(index=False):
        table.add_row(row.target, row.setting, "-" if row.observed is None or row.observed != row.observed
                      else f"{row.observed:g}", row.band, "yes" if row.calibration else "validation only",
                      row.source, row.note)
    console.print(table)


def calibrate(calibration: Annotated[str, typer.Argument(help="Calibration .toml file or shipped example name.")],
              workers: Workers = 2, scheduler: Scheduler = None,
              out: Annotated[Path | None, typer.Option("--out", help="Output directory "
                                                       "(default: results/<calibration name>).")] = None,
              resume: Resume = False) -> None:
    """Fit parameters to targets by ABC-SMC (pyabc); posterior, predictive checks and held-back targets."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from experiments.calibrate import load_calibration, posterior_predictive, posterior_table, run_abc, \
        write_outputs

    cal = load_calibration(calibration)
    out = out or Path("results") / cal.name
    backend = f"Dask at {scheduler}" if scheduler else f"{workers} local process(es)"
    console.print(f"{cal.name}: {len(cal.priors)} parameters, {len(cal.targets('calibration'))} calibration and "
                  f"{len(cal.targets('validation'))} held-back targets; {cal.population} particles per generation, "
                  f"at most {cal.generations} generations, {cal.max_simulations} simulations or "
                  f"{cal.max_minutes} min, on {backend} -> {out}")
    flags = f" --scheduler {scheduler}" if scheduler else f" --workers {workers}"
    hint = f"saferstreets calibrate {calibration} --out {out}{flags} --resume"
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA at the simulation budget:"), TimeRemainingColumn())
    started = time.perf_counter()
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("ABC-SMC: first generation running (progress shows after each generation)",
                                     total=cal.max_simulations)

            stops: list[str] = []

            def show(p):  # noqa: ANN001, ANN202 - a calibrate.GenerationReport
                if p.stop:
                    stops.append(p.stop)
                    progress.update(task, description=f"ABC-SMC done ({p.stop})")
                    return
                progress.update(task, completed=min(p.simulations, cal.max_simulations),
                                description=f"ABC-SMC {p.generation + 1}/{cal.generations} generations done: "
                                            f"threshold {p.epsilon:.3g}, acceptance {p.acceptance:.0%}")

            history = run_abc(cal, out, workers, scheduler, resume, on_generation=show)
            stop = stops[-1] if stops else "stopped"
            posterior = posterior_table(cal, history)
            ppc_task = progress.add_task("posterior-predictive draws", total=cal.ppc_draws)
            ppc = posterior_predictive(cal, posterior, workers, scheduler,
                                       on_draw=lambda: progress.advance(ppc_task))
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/yellow]: finished generations are saved in {out}/abc.db; continue "
                      f"with: {hint}", highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    seconds = time.perf_counter() - started
    tables = write_outputs(cal, history, ppc, out, stop, seconds, backend)
    print_calibration(tables, int(history.total_nr_simulations), seconds, stop)
    console.print(f"wrote {out}/posterior.parquet, ppc.parquet, report.md (+ PNGs, CSVs), manifest.json")


def print_calibration(tables: dict, simulations: int, seconds: float, stop: str) -> None:
    """Rich tables of the posterior summary and the targets' predictive checks."""
    summary = Table("parameter", "prior", "default", "median", "90% CI", "CI / prior",
                    title=f"Posterior ({simulations} simulations, {seconds / 60:.1f} min; stopped: {stop})")
    for r in tables["summary"].itertuples(index=False):
        summary.add_row(r.parameter, r.prior, f"{r.default:g}", f"{r.median:.4g}",
                        f"{r.ci90_low:.4g} to {r.ci90_high:.4g}", f"{r.ci90_share_of_prior:.0%}")
    console.print(summary)
    checks = Table("target", "role", "observed", "band", "predictive median [90%]", "draws passing", "result",
                   title="Posterior-predictive checks (validation = held back, out of sample)")
    for r in tables["targets"].itertuples(index=False):
        colour = "green" if r.result == "pass" else "red"
        checks.add_row(r.target, r.role, "-" if r.observed is None or r.observed != r.observed else f"{r.observed:g}",
                       f"{r.band_low:g} to {r.band_high:g}",
                       f"{r.ppc_median:.3g} [{r.ppc_low:.3g}, {r.ppc_high:.3g}]", f"{r.share_passing:.0%}",
                       f"[{colour}]{r.result}[/{colour}]")
    console.print(checks)


def print_money(per_run: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Print (and return) the value-for-money table of paired runs against ``reference``
    (:func:`simulation.money.money_table`, in the default price year)."""
    from simulation.money import DEFAULT_PRICE_YEAR, DEFLATOR_SOURCE, money_table

    money = money_table(per_run, "scenario", reference)
    table = Table("strategy", "£ crime avoided", "extra cost £", "net benefit £", "benefit-cost ratio",
                  title=f"Value for money against {reference} ({DEFAULT_PRICE_YEAR} prices, means with 95% CI)",
                  caption=f"Crime costs: Heeks et al. 2018 unit costs uprated from 2015/16 ({DEFLATOR_SOURCE}). "
                          "Spending taken as in the stated price year.")
    for r in money.itertuples(index=False):
        table.add_row(r.scenario, f"{r.avoided_gbp:,.0f} ± {r.avoided_gbp_ci95:,.0f}", f"{r.cost_gbp:,.0f}",
                      f"{r.net_benefit_gbp:,.0f} ± {r.net_benefit_gbp_ci95:,.0f}", f"{r.benefit_cost_ratio:.2f}")
    console.print(table)
    return money


def robustness(experiment: Annotated[str, typer.Argument(help="Robustness .toml file or shipped example name.")],
               workers: Workers = 2, scheduler: Scheduler = None,
               posterior: Annotated[Path | None, typer.Option(
                   "--posterior", help="posterior.parquet of a calibration (overrides the file's).")] = None,
               out: Annotated[Path | None, typer.Option("--out", help="Output directory "
                                                        "(default: results/<experiment name>).")] = None,
               resume: Resume = False) -> None:
    """How often each strategy wins across plausible parameter settings; BCRs; what the ranking depends on."""
    from experiments.robustness import load_robustness, print_robustness, run_robustness

    spec = load_robustness(experiment, posterior)
    out = out or Path("results") / spec.name
    flags = f" --scheduler {scheduler}" if scheduler else f" --workers {workers}"
    try:
        result = run_robustness(spec, out, workers, scheduler, resume, console)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/yellow]: finished runs are saved in {out}/runs.parquet; continue "
                      f"with: saferstreets robustness {experiment} --out {out}{flags} --resume", highlight=False,
                      soft_wrap=True)
        raise typer.Exit(130) from None
    print_robustness(result, console)
    console.print(f"wrote {out}/runs.parquet, wins.csv, value.csv, sensitivity.csv, variance.csv, report.md, "
                  "manifest.json")
