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
        """Check known patterns: crime concentration, CE-crime association, distance decay, the burglary outcome
        split, displacement vs diffusion, belonging, mobilisation, the survey's ecometrics and persistence after
        funding; each labelled calibration target or independent test.

        The baseline runs on 20,000 residents in 25 neighbourhoods for --steps
        days (its survey waves give the ecometrics), and target hardening on the
        same seeds; the listening_led scenario runs its funded year
        (mobilisation) and two more (persistence). --set overrides apply to all.
        """
        from experiments.validate import INDEPENDENT, VALIDATION_AREA, check_table
        from experiments.validate import validate as run_checks
        from simulation.output import write_atomic

        overrides = parse_sets(set_)
        path = output_file(out) if out is not None else None
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
        if path is not None:
            write_atomic(path, lambda tmp: check_table(checks).to_csv(tmp, index=False))
            console.print(f"wrote {path}")

    @app.command()
    def survey(scenario: Annotated[str, typer.Argument(help="Scenario name or path to a .toml file.")],
               out: Annotated[str, typer.Option("--out", help="Output table: FILE.csv or FILE.parquet (a codebook "
                                                              "FILE_codebook.csv is written beside it).")],
               steps: Annotated[int, whole_option("--steps", 0, 5 * 365, "Days to simulate (0-1825).")] = 3 * 365,
               seed: Seed = 0,
               sample: Annotated[int | None, whole_option(
                   "--sample", 0, 1_000_000, "Respondents per neighbourhood per wave (0 = everyone; default: "
                                             "survey_sample).")] = None,
               wave_days: Annotated[str | None, typer.Option(
                   "--wave-days", help="Wave days, e.g. '0,365,730' (default: start and end of funding, then "
                                       "yearly).")] = None,
               waves: Annotated[int | None, whole_option(
                   "--waves", 1, 100, "Instead of --wave-days: this many waves evenly from day 0 to the last day "
                                      "(1-100).")] = None,
               observed_ce: Annotated[float | None, typer.Option(
                   "--observed-ce", parser=number(1, 5), metavar="FLOAT",
                   help="Start from this observed collective efficacy score (1-5).")] = None,
               set_: Sets = None) -> None:
        """Field survey waves in a simulated area and export them like a survey data file, one row per respondent."""
        from experiments.survey_export import (codebook, evenly_spaced_days, expected_ce, params_for_observed_ce,
                                               score_table, simulated_survey)
        from simulation.model import CommunityModel
        from simulation.output import write_atomic, write_parquet
        from simulation.params import ParameterError

        if waves is not None and wave_days is not None:
            raise ParameterError("--waves and --wave-days: give one of them, not both")
        if waves is not None:
            wave_days = ",".join(str(d) for d in evenly_spaced_days(steps, waves))
        chosen = {**({"survey_sample": sample} if sample is not None else {}),
                  **({"survey_days": wave_days} if wave_days is not None else {})}
        params = load_scenario(scenario).params.replace(**parse_sets(set_), **chosen)
        path = output_file(out, "--out", SURVEY_FORMATS)
        if observed_ce is not None:
            start = params_for_observed_ce(observed_ce, params, seed)
            params = params.replace(**start)
            console.print(f"observed CE {observed_ce:g}: {', '.join(f'{k}={v:.3f}' for k, v in start.items())}")
        model = CommunityModel(params, rng=seed)
        if observed_ce is not None:
            console.print(f"expected day-0 CE {expected_ce(model):.3f}")
        table = simulated_survey(model, steps)
        if table.empty:
            raise ParameterError(f"no survey wave falls within {steps} days (wave days: "
                                 f"{params.survey_days or 'funding start and end, then yearly'}); "
                                 "give --steps or --wave-days")
        if path.suffix.lower() == ".csv":
            write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
        else:
            write_parquet(table, path)
        book = path.with_name(f"{path.stem}_codebook.csv")
        write_atomic(book, lambda tmp: codebook().to_csv(tmp, index=False))
        means = score_table(table).groupby(["wave", "fieldwork_day"])[["collective_efficacy", "belongs"]].mean()
        for (wave, day), row in means.iterrows():
            console.print(f"wave {wave} (day {day}): mean CE score {row['collective_efficacy']:.2f}, "
                          f"belonging {row['belongs']:.0%}")
        console.print(f"wrote {len(table):,} responses to {path} and the codebook to {book}")
