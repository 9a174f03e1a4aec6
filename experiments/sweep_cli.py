"""``saferstreets sweep``, ``report`` and ``sensitivity``: experiments on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from experiments.cli import Sets, Workers, console, fail_cleanly, parse_sets
Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", envvar="DASK_SCHEDULER_ADDRESS",
    help="Dask scheduler address tcp://HOST:PORT (needs the dask extra); overrides --workers.")]


def register(app: typer.Typer) -> None:
    """Add the experiment commands to the ``saferstreets`` app."""
    app.command()(sweep)
    app.command()(report)
    app.command()(sensitivity)


@fail_cleanly
def sweep(experiment: Annotated[str, typer.Argument(help="Experiment .toml file or shipped example name.")],
          workers: Workers = 1, scheduler: Scheduler = None,
          out: Annotated[Path | None, typer.Option("--out", help="Results directory "
                                                   "(default: results/<experiment name>).")] = None,
          resume: Annotated[bool, typer.Option("--resume", help="Skip runs already on disk.")] = False) -> None:
    """Run an experiment: one Parquet file per run in OUT/runs/, plus OUT/manifest.json."""
    from experiments.spec import load_experiment
    from experiments.sweep import SweepIncomplete, sweep as run_sweep

    chosen = load_experiment(experiment)
    out = out or Path("results") / chosen.name
    where = f"Dask at {scheduler}" if scheduler else f"{workers} local process(es)"
    total = len(chosen.scenarios) * len(chosen.points()) * chosen.replicates
    console.print(f"{chosen.name}: {total} runs of {chosen.steps} days on {where} -> {out}")
    backend = f" --scheduler {scheduler}" if scheduler else f" --workers {workers}" if workers > 1 else ""
    resume_hint = f"saferstreets sweep {experiment} --out {out}{backend} --resume"
    try:
        final = run_sweep(chosen, out, workers=workers, scheduler=scheduler, resume=resume, console=console)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/yellow]: finished runs are saved in {out}/runs; continue with: "
                      f"{resume_hint}", highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    except SweepIncomplete as err:
        console.print(f"[red]error:[/red] {escape(str(err))}; continue with: {resume_hint}", highlight=False,
                      soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(f"done: {len(final['runs'])} runs in {out}; next: saferstreets report {out}")


@fail_cleanly
def report(directory: Annotated[Path, typer.Argument(help="Results directory of a sweep.")],
           out: Annotated[Path | None, typer.Option("--out", help="Report directory "
                                                    "(default: DIRECTORY/report).")] = None,
           outcome: Annotated[list[str] | None, typer.Option(
               "--outcome", help="Outcome shown in the table (repeatable), e.g. completed_total.")] = None,
           precision: Annotated[float, typer.Option(
               min=0.001, max=10, help="Replicate advice: n to know each effect within this share of itself.")
                                ] = 0.25) -> None:
    """Means with 95% CIs, paired effects vs the baseline, CSV and figures for a sweep."""
    from experiments.report import HEADLINE, build_report
    from experiments.sweep import load_runs

    info, df = load_runs(directory)
    out = out or directory / "report"
    table, advice, shown, written = build_report(df, info, out, tuple(outcome or HEADLINE), precision)
    done, planned = df.groupby(["scenario", *info["grid"], "replicate"]).ngroups, len(info["runs"])
    if done < planned:
        console.print(f"[yellow]note:[/yellow] {done} of {planned} runs finished; finish with saferstreets sweep "
                      f"--resume", highlight=False)
    print_effects(table, info, shown)
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


@fail_cleanly
def sensitivity(method: Annotated[str, typer.Option(help="morris (screening) or sobol (variance indices).")
                                  ] = "morris",
                param: Annotated[list[str] | None, typer.Option(
                    "--param", help="Parameter to vary (repeatable).")] = None,
                bounds: Annotated[list[str] | None, typer.Option(
                    "--bounds", help="Range of a varied parameter: name=lo:hi (repeatable).")] = None,
                outcome: Annotated[str, typer.Option(help="End-of-run outcome, e.g. collective_efficacy_end.")
                                   ] = "collective_efficacy_end",
                scenario: Annotated[str, typer.Option(help="Scenario whose parameters are varied.")
                                    ] = "listening_led",
                versus: Annotated[str, typer.Option(
                    help="Paired reference scenario: analyse the effect (outcome minus this); 'none' for the "
                         "raw outcome.")] = "baseline",
                samples: Annotated[int, typer.Option(
                    min=2, max=100_000, help="Morris trajectories or Sobol base samples (power of 2).")] = 8,
                replicates: Annotated[int, typer.Option(min=1, max=100, help="Seeds per sample point.")] = 1,
                steps: Annotated[int, typer.Option(min=1, max=5 * 365, help="Days per run.")] = 365,
                seed: Annotated[int, typer.Option(min=0, help="Seed of the sample and the replicates.")] = 0,
                set_: Sets = None, workers: Workers = 1, scheduler: Scheduler = None,
                out: Annotated[Path, typer.Option("--out", help="Results directory.")] = Path("results/sensitivity"),
                ) -> None:
    """What drives an outcome (by default the listening-led effect on collective efficacy)? SALib indices."""
    from experiments.sensitivity import DEFAULT_PARAMS, parse_bounds, problem, run_analysis
    from experiments.sweep import SweepIncomplete
    from simulation.replicates import replicate_seeds
    from simulation.scenarios import load_scenario

    fixed = {"n_residents": 500, **parse_sets(set_)}
    prob = problem(param or list(DEFAULT_PARAMS), parse_bounds(bounds))
    chosen = load_scenario(scenario)
    reference = None if versus == "none" else load_scenario(versus)
    try:
        table, _ = run_analysis(method, chosen, reference, prob, outcome, samples,
                                replicate_seeds(seed, replicates), steps, fixed, out, seed, workers, scheduler)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: no indices computed", highlight=False)
        raise typer.Exit(130) from None
    except SweepIncomplete as err:
        console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    shown = Table("parameter", "range", *[c for c in table if c != "parameter"],
                  title=f"{method} sensitivity of {outcome} ({chosen.name}"
                        f"{' - ' + reference.name if reference else ''}), {steps} days")
    ranges = dict(zip(prob["names"], prob["bounds"]))
    for _, row in table.iterrows():
        lo, hi = ranges[row["parameter"]]
        shown.add_row(row["parameter"], f"{lo:g}-{hi:g}", *[f"{row[c]:.4g}" for c in table if c != "parameter"])
    console.print(shown)
    console.print(f"wrote {out}/sensitivity.csv, samples.csv, sensitivity.png, manifest.json")
