"""``saferstreets sweep``, ``report`` and ``sensitivity``: experiments on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from experiments.cli import Sets, Workers, console, number, parse_sets, whole_option
from simulation.files import inside, output_dir, user_path
from simulation.params import ParameterError

RESULTS = Path("results")
"""Default parent of sweep output folders (``results/<experiment name>``)."""
Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", envvar="DASK_SCHEDULER_ADDRESS",
    help="Dask scheduler address tcp://HOST:PORT (needs the dask extra); overrides --workers.")]
MaxRuns = Annotated[int, whole_option("--max-runs", 1, 10**9, "Refuse experiments of more runs than this.")]
WaitForWorkers = Annotated[float, typer.Option(
    "--wait-for-workers", parser=number(1, 86_400), metavar="SECONDS",
    help="Stop (saving finished runs) when a Dask cluster has had no workers this long.")]


def register(app: typer.Typer) -> None:
    """Add the experiment commands to the ``saferstreets`` app."""
    app.command()(sweep)
    app.command()(report)
    app.command()(sensitivity)


def sweep(experiment: Annotated[str, typer.Argument(help="Experiment .toml file or shipped example name.")],
          workers: Workers = 1, scheduler: Scheduler = None,
          out: Annotated[str | None, typer.Option("--out", help="Results directory "
                                                   "(default: results/<experiment name>).")] = None,
          resume: Annotated[bool, typer.Option("--resume", help="Skip runs already on disk.")] = False,
          max_runs: MaxRuns = 10_000, wait_for_workers: WaitForWorkers = 60.0) -> None:
    """Run an experiment: one Parquet file per run in OUT/runs/, plus OUT/manifest.json."""
    from experiments.executors import scheduler_address
    from experiments.spec import load_experiment
    from experiments.sweep import SweepIncomplete, sweep as run_sweep

    if scheduler:
        scheduler_address(scheduler)
        quiet_dask()
    chosen = load_experiment(experiment, max_runs=max_runs)
    out = output_dir(out) if out is not None else inside(RESULTS, chosen.name, f"{chosen.path or experiment}: name")
    where = f"Dask at {scheduler}" if scheduler else f"{workers} local process(es)"
    total = len(chosen.scenarios) * len(chosen.points()) * chosen.replicates
    console.print(f"{chosen.name}: {total:,} runs of {chosen.steps} days on {where} -> {out} (limit {max_runs:,} "
                  "runs: --max-runs)", highlight=False, soft_wrap=True)
    backend = f" --scheduler {scheduler}" if scheduler else f" --workers {workers}" if workers > 1 else ""
    resume_hint = f"saferstreets sweep {experiment} --out {out}{backend} --resume"
    try:
        final = run_sweep(chosen, out, workers=workers, scheduler=scheduler, resume=resume, console=console,
                          no_workers_timeout=wait_for_workers)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/yellow]: finished runs are saved in {out}/runs; continue with: "
                      f"{resume_hint}", highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    except SweepIncomplete as err:
        raise SweepIncomplete(f"{err}; continue with: {resume_hint}") from None
    console.print(f"done: {len(final['runs'])} runs in {out}; next: saferstreets report {out}")


def quiet_dask() -> None:
    """Keep Dask's own log records (tracebacks on a lost scheduler) off the terminal: the sweep reports in one line.

    Dask sets its loggers' levels when imported, so this imports it first. Dask runs on tornado, whose
    ``tornado.application`` logger reports exceptions in Dask's callbacks (a lost scheduler's cancelled
    futures, at times), so that one goes quiet too; nothing else in these commands uses tornado.
    """
    import logging
    try:
        import distributed  # noqa: F401 - configures the loggers silenced below
    except ImportError:
        return                  # connecting will say that Dask is missing
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)


def report(directory: Annotated[str, typer.Argument(help="Results directory of a sweep.")],
           out: Annotated[str | None, typer.Option("--out", help="Report directory "
                                                    "(default: DIRECTORY/report).")] = None,
           outcome: Annotated[list[str] | None, typer.Option(
               "--outcome", help="Outcome shown in the table (repeatable), e.g. completed_total.")] = None,
           precision: Annotated[float, typer.Option(
               parser=number(0.001, 10), metavar="FLOAT",
               help="Replicate advice: n to know each effect within this share of itself (0.001-10).")
                                ] = 0.25) -> None:
    """Means with 95% CIs, paired effects vs the baseline, CSV and figures for a sweep."""
    from experiments.report import HEADLINE, build_report
    from experiments.sweep import load_runs

    info, df = load_runs(directory)
    out = user_path(out, "--out") if out is not None else Path(directory) / "report"
    table, advice, shown, written = build_report(df, info, out, tuple(outcome or HEADLINE), precision)
    done, planned = df.groupby(["scenario", *info["grid"], "replicate"]).ngroups, len(info["runs"])
    if done < planned:
        console.print(f"[yellow]note:[/yellow] {done} of {planned} runs finished; finish with saferstreets sweep "
                      f"--resume", highlight=False)
    print_effects(table, info, shown)
    if "pathways.csv" in written:
        from experiments.pathways_cli import print_pathways, read_pathways
        print_pathways(read_pathways(out), "scenario", info["baseline"], tuple(info["grid"]))
    for line in advice:
        console.print("  " + line, highlight=False, soft_wrap=True)
    console.print(f"wrote {out}/{', '.join(written)}")


def print_effects(table: Any, info: dict, shown: tuple[str, ...]) -> None:
    """Rich table: mean ± CI half-width, difference and ratio vs the baseline with 95% CIs."""
    from experiments.report import labels

    rows = table[table["outcome"].isin(shown)]
    out = Table("scenario", "outcome", "mean ± 95% CI", f"- {info['baseline']} [95% CI]", "ratio [95% CI]",
                title=f"{info['experiment']}: {info['replicates']} replicates, {info['steps']} days")
    for label, part in rows.groupby(labels(rows, info), sort=False):
        for i, name in enumerate(shown):
            row = part[part["outcome"] == name].iloc[0]
            effect = row["scenario"] != info["baseline"]
            out.add_row(label if i == 0 else "", name, f"{_num(row['mean'])} ± {_num(row['half_width'])}",
                        f"{_num(row['diff'])} [{_num(row['diff_low'])}, {_num(row['diff_high'])}]" if effect else "",
                        f"{_num(row['ratio'])} [{_num(row['ratio_low'])}, {_num(row['ratio_high'])}]"
                        if effect else "", end_section=i == len(shown) - 1)
    console.print(out)


def _num(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def sensitivity(method: Annotated[str, typer.Option(help="morris (screening) or sobol (variance indices).")
                                  ] = "morris",
                param: Annotated[list[str] | None, typer.Option(
                    "--param", help="Parameter to vary (repeatable; default: the scenario's reach and gains per "
                                    "contact).")] = None,
                bounds: Annotated[list[str] | None, typer.Option(
                    "--bounds", help="Range of a varied parameter: name=lo:hi (repeatable).")] = None,
                outcome: Annotated[str, typer.Option(help="End-of-run outcome, e.g. collective_efficacy_end.")
                                   ] = "collective_efficacy_end",
                scenario: Annotated[str, typer.Option(help="Scenario whose parameters are varied.")
                                    ] = "listening_led",
                versus: Annotated[str, typer.Option(
                    help="Paired reference scenario: analyse the effect (outcome minus this); 'none' for the "
                         "raw outcome.")] = "baseline",
                samples: Annotated[int, whole_option(
                    "--samples", 2, 100_000, "Morris trajectories or Sobol base samples (power of 2).")] = 8,
                replicates: Annotated[int, whole_option("--replicates", 1, 100, "Seeds per sample point (1-100).")
                                      ] = 1,
                steps: Annotated[int, whole_option("--steps", 1, 5 * 365, "Days per run (1-1825).")] = 365,
                seed: Annotated[int, whole_option("--seed", 0, 2**63 - 1, "Seed of the sample and the replicates.")
                                ] = 0,
                set_: Sets = None, workers: Workers = 1, scheduler: Scheduler = None,
                out: Annotated[str, typer.Option("--out", help="Results directory.")] = "results/sensitivity",
                max_runs: MaxRuns = 10_000) -> None:
    """What drives an outcome (by default the listening-led effect on collective efficacy)? SALib indices."""
    from experiments.executors import scheduler_address
    from experiments.sensitivity import METHODS, default_params, outcome_metric, parse_bounds, problem, run_analysis
    from simulation.params import Params
    from simulation.replicates import replicate_seeds
    from simulation.scenarios import load_scenario

    fixed = {"n_residents": 500, **parse_sets(set_)}
    chosen = load_scenario(scenario)
    prob = problem(param or list(default_params(chosen.params)), parse_bounds(bounds))
    reference = None if versus == "none" else load_scenario(versus)
    if scheduler:
        scheduler_address(scheduler)
        quiet_dask()
    for sc in (chosen, reference or chosen):
        Params.from_mapping(fixed, base=sc.params)
    outcome_metric(outcome)
    if method not in METHODS:
        raise ParameterError(f"--method {method!r}: expected one of {', '.join(METHODS)}")
    points = samples * (prob["num_vars"] + (1 if method == "morris" else 2))
    total = points * (2 if reference else 1) * replicates
    if total > max_runs:
        raise ParameterError(f"{total:,} runs ({points:,} sample points x {2 if reference else 1} scenario(s) x "
                             f"{replicates} replicate(s)); the limit is {max_runs:,}: lower --samples or raise the "
                             f"limit with --max-runs {total}")
    out = output_dir(out)
    try:
        table, _ = run_analysis(method, chosen, reference, prob, outcome, samples,
                                replicate_seeds(seed, replicates), steps, fixed, out, seed, workers, scheduler)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: no indices computed; finished runs are saved in "
                      f"{out}/runs and are reused when the same command runs again", highlight=False)
        raise typer.Exit(130) from None
    shown = Table("parameter", "range", *[c for c in table if c != "parameter"],
                  title=f"{method} sensitivity of {outcome} ({chosen.name}"
                        f"{' - ' + reference.name if reference else ''}), {steps} days")
    ranges = dict(zip(prob["names"], prob["bounds"]))
    for _, row in table.iterrows():
        lo, hi = ranges[row["parameter"]]
        shown.add_row(row["parameter"], f"{lo:g}-{hi:g}", *[f"{row[c]:.4g}" for c in table if c != "parameter"])
    console.print(shown)
    console.print(f"wrote {out}/sensitivity.csv, samples.csv, sensitivity.png, manifest.json")
