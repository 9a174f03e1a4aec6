"""``saferstreets validate`` (pattern-oriented validation) and ``saferstreets survey`` (simulated survey)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from experiments.cli import Seed, Sets, Steps, console, number, parse_sets, whole_option
from simulation.files import output_file
from simulation.scenarios import load_scenario

SURVEY_FORMATS = (".csv", ".parquet")


def register(app: typer.Typer) -> None:
    """Add the ``validate`` and ``survey`` commands to ``app``."""

    @app.command()
    def validate(steps: Steps = 3 * 365, seed: Seed = 0,
                 replicates: Annotated[int, whole_option("--replicates", 1, 50, "Replicate runs (1-50).")] = 3,
                 set_: Sets = None,
                 out: Annotated[str | None, typer.Option("--out", help="Also write the table to this CSV.")]
                 = None) -> None:
        """Check known patterns: crime concentration, CE-crime association, distance decay, belonging, mobilisation.

        The baseline runs on 20,000 residents in 25 neighbourhoods for --steps
        days; mobilisation runs the listening_led scenario for one year.
        --set overrides apply to both.
        """
        from experiments.validate import VALIDATION_AREA, check_table
        from experiments.validate import validate as run_checks
        from simulation.output import write_atomic

        overrides = parse_sets(set_)
        path = output_file(out) if out is not None else None
        with console.status("simulating"):
            checks = run_checks(steps=steps, seed=seed, replicates=replicates, overrides=overrides)
        table = Table("pattern", "value", "band", "result", "detail", "source",
                      title=f"Pattern-oriented validation: baseline {VALIDATION_AREA | overrides}, {steps} days, "
                            f"{replicates} replicates, seed {seed}")
        for check in checks:
            colour = "green" if check.passed else "red"
            table.add_row(check.pattern, f"{check.value:.3f}", check.band,
                          f"[{colour}]{'pass' if check.passed else 'FAIL'}[/{colour}]", check.detail, check.source)
        console.print(table)
        console.print(f"{sum(c.passed for c in checks)} of {len(checks)} patterns within their band "
                      "(see docs/ODD.md, 'Pattern-oriented validation', for what moves each one)")
        if path is not None:
            write_atomic(path, lambda tmp: check_table(checks).to_csv(tmp, index=False))
            console.print(f"wrote {path}")

    @app.command()
    def survey(scenario: Annotated[str, typer.Argument(help="Scenario name or path to a .toml file.")],
               out: Annotated[str, typer.Option("--out", help="Output table: FILE.csv or FILE.parquet.")],
               steps: Steps = 365, seed: Seed = 0,
               waves: Annotated[int, whole_option("--waves", 1, 100, "Survey waves, day 0 to the last day (1-100).")
                                ] = 2,
               observed_ce: Annotated[float | None, typer.Option(
                   "--observed-ce", parser=number(1, 5), metavar="FLOAT",
                   help="Start from this observed collective efficacy score (1-5).")] = None,
               set_: Sets = None) -> None:
        """Export residents' answers to the 10 collective efficacy items and the belonging item, one row each."""
        from experiments.survey_export import expected_ce, params_for_observed_ce, score_table, simulated_survey
        from simulation.model import CommunityModel
        from simulation.output import write_atomic, write_parquet

        params = load_scenario(scenario).params.replace(**parse_sets(set_))
        path = output_file(out, "--out", SURVEY_FORMATS)
        if observed_ce is not None:
            start = params_for_observed_ce(observed_ce, params, seed)
            params = params.replace(**start)
            console.print(f"observed CE {observed_ce:g}: {', '.join(f'{k}={v:.3f}' for k, v in start.items())}")
        model = CommunityModel(params, rng=seed)
        if observed_ce is not None:
            console.print(f"expected day-0 CE {expected_ce(model):.3f}, recorded day-0 survey "
                          f"{model.results()['collective_efficacy'].mean():.3f}")
        table = simulated_survey(model, steps, waves)
        if path.suffix.lower() == ".csv":
            write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
        else:
            write_parquet(table, path)
        means = score_table(table).groupby("day")[["collective_efficacy", "belongs"]].mean()
        for day, row in means.iterrows():
            console.print(f"day {day}: mean CE score {row['collective_efficacy']:.2f}, "
                          f"belonging {row['belongs']:.0%}")
        console.print(f"wrote {len(table):,} responses to {path}")
