"""The ``saferstreets`` command line (typer + rich): the top of the code, importing everything below it.

Commands import the model, numpy and pandas inside their bodies, so
``saferstreets --help`` and ``saferstreets scenarios`` start fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from simulation.params import FIELDS, ParameterError, Params, allowed, parse_value, spec
from simulation.scenarios import load_scenario, scenario_names

if TYPE_CHECKING:
    import pandas as pd

    from simulation.model import CommunityModel

app = typer.Typer(help="saferstreets: community organising, collective efficacy and acquisitive crime.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
DEFAULT_COMPARISON = ("baseline", "listening_led", "broadcast", "neighbourhood_watch", "target_hardening", "combined")

Steps = Annotated[int, typer.Option("--steps", min=1, max=5 * 365, help="Days to simulate (1-1825).")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed (whole number >= 0).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override a parameter: key=value (repeatable).")]
Out = Annotated[Path, typer.Option("--out", help="Directory for results, figure and manifest.")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=512, help="Local worker processes.")]


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input errors into a one-line message and exit code 2 (no traceback)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ParameterError as err:
            console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    return wrapper


def parse_sets(sets: list[str] | None) -> dict[str, Any]:
    """``["key=value", ...]`` to typed overrides, validated against :class:`Params`."""
    overrides: dict[str, Any] = {}
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--set {item!r}: expected key=value, e.g. --set n_organisers=4")
        overrides[key.strip()] = parse_value(key.strip(), value.strip())
    return overrides


def simulate(model: CommunityModel, steps: int, label: str) -> CommunityModel:
    """Step ``model`` with a progress bar (shown on long runs)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=steps * model.params.n_residents < 2_000_000) as progress:
        task = progress.add_task(label, total=steps)
        for _ in range(steps):
            model.step()
            progress.advance(task)
    return model


@app.command()
def scenarios() -> None:
    """List the shipped scenarios."""
    table = Table("scenario", "description", title="Scenarios (scenarios/*.toml)")
    for name in scenario_names():
        table.add_row(name, load_scenario(name).description)
    console.print(table)


@app.command()
def params() -> None:
    """List every parameter with default, allowed values, unit and source."""
    table = Table("parameter", "default", "allowed", "meaning", "source", title="Parameters")
    defaults = Params()
    for name in FIELDS:
        table.add_row(name, repr(getattr(defaults, name)), allowed(name), spec(name).doc, spec(name).source)
    console.print(table)


@app.command()
@fail_cleanly
def run(scenario: Annotated[str, typer.Argument(help="Scenario name or path to a .toml file.")],
        steps: Steps = 365, seed: Seed = 0, set_: Sets = None,
        out: Out = Path("results/run")) -> None:
    """Run one scenario; print a summary; write results.parquet, crimes.parquet, figure.png, manifest.json."""
    from simulation.model import CommunityModel
    from simulation.output import area_series, manifest, plot_series, summarise, write_json, write_parquet

    chosen = load_scenario(scenario)
    model = simulate(CommunityModel(chosen.params, rng=seed, **parse_sets(set_)), steps, chosen.name)
    df = model.results()
    print_summary(summarise(area_series(df)), f"{chosen.name}: {steps} days, seed {seed}")
    write_parquet(df, out / "results.parquet")
    write_parquet(model.crime_log(), out / "crimes.parquet")
    plot_series(area_series(df), out / "figure.png", title=chosen.name)
    write_json(manifest(scenario=chosen.name, seed=model.seed, steps=steps, params=model.params.to_dict(),
                        overrides=model.params.diff(chosen.params)), out / "manifest.json")
    console.print(f"wrote {out}/results.parquet, crimes.parquet, figure.png, manifest.json")


@app.command()
@fail_cleanly
def compare(names: Annotated[list[str] | None, typer.Argument(help="Scenarios (default: all shipped strategies).")]
            = None,
            steps: Steps = 365, seed: Seed = 0,
            replicates: Annotated[int, typer.Option(min=2, max=200, help="Replicates per scenario.")] = 10,
            set_: Sets = None, workers: Workers = 1, out: Out = Path("results/compare")) -> None:
    """Compare strategies on the same replicate seeds (paired): table with 95% CIs, crimes prevented, figure."""
    import pandas as pd
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from simulation.output import (area_series, comparison_table, manifest, paired_noise, paired_prevention,
                                   plot_series, summarise, write_json, write_parquet)
    from simulation.replicates import local_executor, paired_runs, replicate_seeds, run_all

    chosen = [load_scenario(name) for name in (names or DEFAULT_COMPARISON)]
    overrides = parse_sets(set_)
    seeds = replicate_seeds(seed, replicates)
    runs = paired_runs({sc.name: sc.params.replace(**overrides) for sc in chosen}, seeds, steps)
    frames = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress, local_executor(workers) as executor:
        task = progress.add_task("runs", total=len(runs))
        for _, frame in run_all(runs, executor, max_in_flight=2 * workers):
            frames.append(frame)
            progress.advance(task)
    df = pd.concat(frames, ignore_index=True).rename(columns={"label": "scenario"})
    df = df.sort_values(["scenario", "replicate", "step", "neighbourhood"], kind="stable", ignore_index=True)
    first = chosen[0].name
    per_run = paired_prevention(summarise(area_series(df, ("scenario", "replicate", "seed")),
                                          ("scenario", "replicate", "seed")), "scenario", first)
    order = [sc.name for sc in chosen]
    table = comparison_table(per_run, "scenario", order, tuple(COMPARED)).merge(
        paired_noise(per_run, "scenario", first), on="scenario")
    print_comparison(table, f"{len(chosen)} strategies x {replicates} paired replicates, {steps} days "
                            f"(means with 95% CI)", first)
    from experiments.calibrate_cli import print_money  # value for money (issue 12)
    money = print_money(per_run, first)
    write_parquet(df, out / "results.parquet")
    table.to_csv(out / "comparison.csv", index=False)
    money.to_csv(out / "money.csv", index=False)
    plot_series(area_series(df, ("scenario", "replicate")), out / "figure.png", hue="scenario",
                title="Strategy comparison")
    write_json(manifest(scenarios={sc.name: sc.params.diff() for sc in chosen}, seed=seed, seeds=seeds,
                        replicates=replicates, steps=steps, overrides=overrides), out / "manifest.json")
    console.print(f"wrote {out}/results.parquet, comparison.csv, money.csv, figure.png, manifest.json")


COMPARED = {"collective_efficacy_end": "CE end", "collective_efficacy_change": "CE change",
            "completed_total": "Crimes", "prevented": "Prevented", "interventions_total": "Interventions",
            "active_end": "Active", "cost_gbp_total": "Cost £k"}
PRECISION = 2.0
"""Crimes prevented: the 95% CI half-width the 'n for ±2' column plans for."""


def print_comparison(table: pd.DataFrame, title: str, first: str) -> None:
    """Rich table of :func:`~simulation.output.comparison_table` with the paired noise of crimes prevented."""
    import numpy as np

    from simulation.output import replicates_needed

    out = Table(title=title, caption=f"CE: collective efficacy survey score (1-5). Crimes completed and "
                                     f"interventions: totals per run. Prevented: fewer completed crimes than "
                                     f"{first} with the same seed (paired). r: same-seed correlation of crimes "
                                     f"with {first}; paired SD: SD of the per-seed difference; n for ±2: paired "
                                     f"replicates for a 95% CI of ±{PRECISION:g} crimes prevented.")
    out.add_column("strategy", no_wrap=True)
    for name in (*COMPARED.values(), "r", "paired SD", f"n for ±{PRECISION:g}"):
        out.add_column(name)
    for _, row in table.iterrows():
        cells = []
        for col in COMPARED:
            ci = row[f"{col}_ci95"]
            scale = 1000 if col == "cost_gbp_total" else 1
            fmt = "{:.2f}" if col.startswith("collective") else "{:,.0f}" if col != "prevented" else "{:,.1f}"
            cells.append(fmt.format(row[col] / scale) +
                         ("" if np.isnan(ci) or ci == 0 else " ± " + fmt.format(ci / scale)))
        paired = row["scenario"] != first
        cells += [f"{row['same_seed_correlation']:+.2f}" if paired else "",
                  f"{row['paired_sd']:.1f}" if paired else "",
                  f"{replicates_needed(row['paired_sd'], PRECISION)}" if paired else ""]
        out.add_row(row["scenario"], *cells)
    console.print(out)


def print_summary(summary: pd.DataFrame, title: str) -> None:
    """Rich table of one run's :func:`~simulation.output.summarise` row."""
    out = Table("outcome", "value", title=title)
    row = summary.iloc[0]
    for col in ("collective_efficacy_end", "collective_efficacy_change", "intervention_rate"):
        out.add_row(col, f"{row[col]:.3f}")
    for col in ("attempted_total", "completed_total", "foiled_total", "interventions_total", "active_end",
                "action_groups_end", "organiser_contacts_total", "new_ties_total", "cost_gbp_total"):
        out.add_row(col, f"{row[col]:,.0f}")
    console.print(out)


def main() -> None:
    """Entry point of the ``saferstreets`` command."""
    app()


@app.command()
def viz(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1024, max=65535, help="Port (1024-65535).")] = 8765,
        open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser tab.")] = False,
        ) -> None:
    """Serve the trainer demo (/) and the strategy explorer (/explorer) in the browser (offline)."""
    app_file = Path(find_spec("viz").origin).parent / "app.py"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    command = [sys.executable, "-m", "solara", "run", str(app_file), "--host", host, "--port", str(port),
               "--production", *([] if open_browser else ["--no-open"])]
    typer.echo(f"Serving on http://{host}:{port}/ (trainer) and http://{host}:{port}/explorer (Ctrl+C stops)")
    try:
        code = subprocess.call(command, env=env, cwd=app_file.parent.parent)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)


# Commands defined in their own modules (each has ``register(app)``).
for _module in ("experiments.sweep_cli", "experiments.validate_cli", "experiments.bench_cli", "experiments.calibrate_cli"):
    import_module(_module).register(app)
