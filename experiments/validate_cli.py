"""``saferstreets validate`` (pattern-oriented validation) and ``saferstreets survey`` (simulated survey)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from experiments.cli import Seed, Sets, Steps, console, fail_cleanly, parse_sets
from simulation.params import ParameterError
from simulation.scenarios import load_scenario

SURVEY_FORMATS = (".csv", ".parquet")


def register(app: typer.Typer) -> None:
    """Add the ``validate`` and ``survey`` commands to ``app``."""

    @app.command()
    @fail_cleanly
    def validate(steps: Steps = 3 * 365, seed: Seed = 0,
                 replicates: Annotated[int, typer.Option(min=1, max=50, help="Replicate runs (1-50).")] = 3,
                 set_: Sets = None,
                 out: Annotated[Path | None, typer.Option("--out", help="Also write the table to this CSV.")]
                 = None) -> None:
        """Check known patterns: crime concentration, CE-crime association, distance decay, the burglary outcome
        split, displacement vs diffusion, belonging, mobilisation; each labelled calibration target or independent
        test.

        The baseline runs on 20,000 residents in 25 neighbourhoods for --steps
        days, and target hardening on the same seeds; mobilisation runs the
        listening_led scenario for one year. --set overrides apply to all.
        """
        from experiments.validate import INDEPENDENT, VALIDATION_AREA, check_table
        from experiments.validate import validate as run_checks
        from simulation.output import write_atomic

        overrides = parse_sets(set_)
        with console.status("simulating"):
            checks = run_checks(steps=steps, seed=seed, replicates=replicates, overrides=overrides)
        independent = [c for c in checks if c.kind == INDEPENDENT]
        table = Table("pattern", "kind", "value", "band", "result", "detail", "source",
                      title=f"Pattern-oriented validation: baseline {VALIDATION_AREA | overrides}, {steps} days, "
                            f"{replicates} replicates, seed {seed}",
                      caption=f"Independent tests within their band: {sum(c.passed for c in independent)} of "
                              f"{len(independent)}; calibration targets show only that the calibration holds "
                              "(docs/ODD.md, 'What was calibrated to what').")
        for check in checks:
            colour = "green" if check.passed else "red"
            table.add_row(check.pattern, check.kind, f"{check.value:.3f}", check.band,
                          f"[{colour}]{'pass' if check.passed else 'FAIL'}[/{colour}]", check.detail, check.source)
        console.print(table)
        console.print(f"{sum(c.passed for c in checks)} of {len(checks)} patterns within their band "
                      "(see docs/ODD.md, 'Pattern-oriented validation', for what moves each one)")
        if out is not None:
            write_atomic(out, lambda tmp: check_table(checks).to_csv(tmp, index=False))
            console.print(f"wrote {out}")

    @app.command()
    @fail_cleanly
    def survey(scenario: Annotated[str, typer.Argument(help="Scenario name or path to a .toml file.")],
               out: Annotated[Path, typer.Option("--out", help="Output table: FILE.csv or FILE.parquet.")],
               steps: Steps = 365, seed: Seed = 0,
               waves: Annotated[int, typer.Option(min=1, max=100, help="Survey waves, day 0 to the last day.")] = 2,
               observed_ce: Annotated[float | None, typer.Option(
                   "--observed-ce", help="Start from this observed collective efficacy score (1-5).")] = None,
               set_: Sets = None) -> None:
        """Export residents' answers to the 10 collective efficacy items and the belonging item, one row each."""
        from experiments.survey_export import expected_ce, params_for_observed_ce, score_table, simulated_survey
        from simulation.model import CommunityModel
        from simulation.output import write_atomic, write_parquet

        if out.suffix.lower() not in SURVEY_FORMATS:
            raise ParameterError(f"--out {str(out)!r}: expected a file ending in {' or '.join(SURVEY_FORMATS)}")
        params = load_scenario(scenario).params.replace(**parse_sets(set_))
        if observed_ce is not None:
            start = params_for_observed_ce(observed_ce, params, seed)
            params = params.replace(**start)
            console.print(f"observed CE {observed_ce:g}: {', '.join(f'{k}={v:.3f}' for k, v in start.items())}")
        model = CommunityModel(params, rng=seed)
        if observed_ce is not None:
            console.print(f"expected day-0 CE {expected_ce(model):.3f}, recorded day-0 survey "
                          f"{model.results()['collective_efficacy'].mean():.3f}")
        table = simulated_survey(model, steps, waves)
        if out.suffix.lower() == ".csv":
            write_atomic(out, lambda tmp: table.to_csv(tmp, index=False))
        else:
            write_parquet(table, out)
        means = score_table(table).groupby("day")[["collective_efficacy", "belongs"]].mean()
        for day, row in means.iterrows():
            console.print(f"day {day}: mean CE score {row['collective_efficacy']:.2f}, "
                          f"belonging {row['belongs']:.0%}")
        console.print(f"wrote {len(table):,} responses to {out}")
