"""The ``saferstreets`` command line (typer + rich): the top of the code, importing everything below it.

Commands import the model, numpy and pandas inside their bodies, so
``saferstreets --help`` and ``saferstreets scenarios`` start fast.

One error path (:class:`OneLineErrors`): every failure of every command is
one line on stderr, ``error: ...``, naming the file, field or value and what is
allowed, with exit code 2 for bad input (a usage error or
:class:`~simulation.params.ParameterError`), 1 for an environment fault
(:class:`~simulation.files.EnvironmentFault`, permissions, disk) and 130 for
Ctrl-C. ``saferstreets --debug COMMAND`` (or ``SAFERSTREETS_DEBUG=1``) shows
the traceback instead.
"""

from __future__ import annotations

import math
import os
import re
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
from typer.core import TyperGroup

from simulation.files import EnvironmentFault, os_error, output_dir
from simulation.params import FIELDS, ParameterError, Params, allowed, parse_value, spec
from simulation.scenarios import load_scenario, scenario_names

if TYPE_CHECKING:
    import pandas as pd

    from simulation.model import CommunityModel

console = Console()
errors = Console(stderr=True, soft_wrap=True, highlight=False)
DEBUG = {"on": False}
"""Whether errors show their traceback (``--debug`` or ``SAFERSTREETS_DEBUG=1``); set for each invocation."""


def one_line(text: str) -> str:
    """``text`` on one line: control characters (newlines included) shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def report_error(message: str, code: int) -> None:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    errors.print(f"[red]error:[/red] {escape(one_line(message))}")
    sys.exit(code)


class OneLineErrors(TyperGroup):
    """The one error path: usage errors, bad input and environment faults as one line and an exit code."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        DEBUG["on"] = os.environ.get("SAFERSTREETS_DEBUG", "") not in ("", "0")
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as err:
            if type(err).__name__ == "NoArgsIsHelpError":   # typer has printed the help
                sys.exit(2)
            if DEBUG["on"]:
                raise
            command = err.ctx.command_path if getattr(err, "ctx", None) else "saferstreets"
            report_error(f"{err.format_message()} (see '{command} --help')", 2)
        except typer.Abort:
            report_error("aborted", 1)
        except Exception as err:
            if DEBUG["on"]:
                raise
            report_error(*describe_error(err))
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def describe_error(err: Exception) -> tuple[str, int]:
    """The message and exit code of an error reaching the top of a command."""
    if isinstance(err, ParameterError):
        return str(err), 2
    if isinstance(err, EnvironmentFault):
        return str(err), 1
    if isinstance(err, OSError):
        err = os_error(err, err.filename or "?", "use")
        return str(err), 2 if isinstance(err, ParameterError) else 1
    if isinstance(err, MemoryError):
        return "out of memory; use fewer residents, steps or replicates", 1
    return (f"internal error: {type(err).__name__}: {err} (a bug in saferstreets: please report it; "
            "'saferstreets --debug ...' shows the traceback)"), 1


app = typer.Typer(cls=OneLineErrors, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
DEFAULT_COMPARISON = ("baseline", "listening_led", "broadcast", "neighbourhood_watch", "target_hardening", "combined")


@app.callback()
def options(debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False
            ) -> None:
    """saferstreets: community organising, collective efficacy and acquisitive crime."""
    DEBUG["on"] = DEBUG["on"] or debug


def whole(lo: int, hi: int) -> Callable[[Any], int]:
    """A strict parser for a whole-number option in [lo, hi]: ``2.0``, ``1e3`` and ``0x10`` are refused."""
    def parse(text: Any) -> int:
        value = str(text).strip().replace("_", "")
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", value) or not lo <= int(value) <= hi:
            raise typer.BadParameter(f"{str(text)!r:.60}: expected a whole number from {lo:,} to {hi:,}")
        return int(value)
    return parse


def number(lo: float, hi: float) -> Callable[[Any], float]:
    """A strict parser for a finite number option in [lo, hi]."""
    def parse(text: Any) -> float:
        try:
            value = float(str(text).strip())
        except ValueError:
            value = math.nan
        if not lo <= value <= hi:
            raise typer.BadParameter(f"{str(text)!r:.60}: expected a number from {lo:g} to {hi:g}")
        return value
    return parse


def whole_option(name: str, lo: int, hi: int, help: str) -> Any:  # noqa: A002 - typer's keyword
    """A typer option for a whole number in [lo, hi]."""
    return typer.Option(name, parser=whole(lo, hi), help=help, metavar="INTEGER")


MAX_SEED = 2**63 - 1
Steps = Annotated[int, whole_option("--steps", 1, 5 * 365, "Days to simulate (1-1825).")]
Seed = Annotated[int, whole_option("--seed", 0, MAX_SEED, "Random seed (whole number >= 0).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override a parameter: key=value (repeatable).")]
Out = Annotated[str, typer.Option("--out", help="Directory for results, figure and manifest.")]
Workers = Annotated[int, whole_option("--workers", 1, 512, "Local worker processes (1-512).")]


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
def run(scenario: Annotated[str, typer.Argument(help="Scenario name or path to a .toml file.")],
        steps: Steps = 365, seed: Seed = 0, set_: Sets = None,
        out: Out = "results/run") -> None:
    """Run one scenario; print a summary; write results.parquet, crimes.parquet, figure.png, manifest.json."""
    from simulation.model import CommunityModel
    from simulation.output import area_series, manifest, plot_series, summarise, write_json, write_parquet

    chosen = load_scenario(scenario)
    params = Params.from_mapping(parse_sets(set_), base=chosen.params)
    out = output_dir(out)
    model = simulate(CommunityModel(params, rng=seed), steps, chosen.name)
    df = model.results()
    print_summary(summarise(area_series(df)), f"{chosen.name}: {steps} days, seed {seed}")
    write_parquet(df, out / "results.parquet")
    write_parquet(model.crime_log(), out / "crimes.parquet")
    plot_series(area_series(df), out / "figure.png", title=chosen.name)
    write_json(manifest(scenario=chosen.name, seed=model.seed, steps=steps, params=model.params.to_dict(),
                        overrides=model.params.diff(chosen.params)), out / "manifest.json")
    console.print(f"wrote {out}/results.parquet, crimes.parquet, figure.png, manifest.json")


@app.command()
def compare(names: Annotated[list[str] | None, typer.Argument(help="Scenarios (default: all shipped strategies).")]
            = None,
            steps: Steps = 365, seed: Seed = 0,
            replicates: Annotated[int, whole_option("--replicates", 1, 200, "Paired replicates per scenario (1-200).")
                                  ] = 10,
            set_: Sets = None, workers: Workers = 1, out: Out = "results/compare") -> None:
    """Compare strategies on the same replicate seeds (paired): table with 95% CIs, crimes prevented, figure."""
    import pandas as pd
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from simulation.output import (area_series, comparison_table, manifest, paired_noise, paired_prevention,
                                   plot_series, summarise, write_json, write_parquet)
    from simulation.replicates import local_executor, paired_runs, replicate_seeds, run_all

    chosen = [load_scenario(name) for name in (names or DEFAULT_COMPARISON)]
    overrides = parse_sets(set_)
    order = [sc.name for sc in chosen]
    if repeated := next((name for i, name in enumerate(order) if name in order[:i]), None):
        raise ParameterError(f"compare: scenario '{repeated}' is listed twice; list each scenario once")
    strategies = {sc.name: Params.from_mapping(overrides, base=sc.params) for sc in chosen}
    out = output_dir(out)
    seeds = replicate_seeds(seed, replicates)
    runs = paired_runs(strategies, seeds, steps)
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
    table = comparison_table(per_run, "scenario", order, tuple(COMPARED)).merge(
        paired_noise(per_run, "scenario", first), on="scenario")
    print_comparison(table, f"{len(chosen)} strategies x {replicates} paired replicates, {steps} days "
                            f"(means with 95% CI)", first)
    from experiments.pathways_cli import print_pathways
    from simulation.pathways import pathway_tables, write_pathways
    pathways = pathway_tables(per_run, "scenario", first, order)
    if pathways:
        print_pathways(pathways, "scenario", first)
        write_pathways(pathways, out)
    from experiments.evaluation import evaluate, print_evaluation
    evaluation = evaluate(df, strategies, order, first, steps)
    print_evaluation(evaluation, console, first)
    from experiments.calibrate_cli import print_money
    money = print_money(per_run, first)
    write_parquet(df, out / "results.parquet")
    table.to_csv(out / "comparison.csv", index=False)
    money.to_csv(out / "money.csv", index=False)
    evaluation.write(out)
    plot_series(area_series(df, ("scenario", "replicate")), out / "figure.png", hue="scenario",
                title="Strategy comparison")
    write_json(manifest(scenarios={sc.name: sc.params.diff() for sc in chosen}, seed=seed, seeds=seeds,
                        replicates=replicates, steps=steps, overrides=overrides), out / "manifest.json")
    console.print(f"wrote {out}/results.parquet, comparison.csv, money.csv, pathways.csv, displacement.csv, waves.csv, "
                  "persistence.csv, equity.csv, figure.png, manifest.json")


COMPARED = {"collective_efficacy_end": "CE end", "collective_efficacy_change": "CE change",
            "completed_total": "Crimes", "prevented": "Prevented", "interventions_total": "Interventions",
            "active_end": "Active", "cost_gbp_total": "Cost £k"}
PRECISION = 2.0
"""Crimes prevented: the 95% CI half-width the 'n for ±2' column plans for."""


def print_comparison(table: pd.DataFrame, title: str, first: str) -> None:
    """Rich table of :func:`~simulation.output.comparison_table` with the paired noise of crimes prevented."""
    import numpy as np

    from simulation.output import replicates_needed

    out = Table(title=title, caption=f"CE: true collective efficacy (0-1; survey-measured CE by wave below). "
                                     f"Crimes completed and "
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
        paired = row["scenario"] != first and row["paired_sd"] == row["paired_sd"]   # needs 2 replicates
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
        port: Annotated[int, whole_option("--port", 1024, 65535, "Port (1024-65535).")] = 8765,
        open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser tab.")] = False,
        ) -> None:
    """Serve the trainer demo (/) and the strategy explorer (/explorer) in the browser (offline)."""
    if not re.fullmatch(r"[A-Za-z0-9.:\[\]-]{1,253}", host):
        raise ParameterError(f"--host {host!r}: expected an address to listen on, e.g. 127.0.0.1 or localhost")
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
for _module in ("experiments.sweep_cli", "experiments.validate_cli", "experiments.bench_cli", "experiments.browser_bench",
                "experiments.calibrate_cli"):
    import_module(_module).register(app)
