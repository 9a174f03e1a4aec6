"""``saferstreets bench``: the performance benchmark (see :mod:`experiments.bench`).

:mod:`experiments.cli` is imported inside the functions because it imports this
module at its end (importing this module first must not be circular).
"""

from pathlib import Path
from statistics import median
from typing import Annotated, Any

import typer
from rich.table import Table

from simulation.files import output_file
from simulation.params import ParameterError, spec

TARGETS = {"construct_100k_s": 10.0, "year_rss_mb": 1024.0, "exponent": 1.1,
           "speedup": {1_000: 3.0, 10_000: 20.0}, "against_100k": 2.0}
"""Targets: speed-up over the plain Mesa reference by size; over another checkout at 100k; memory of a 1M year."""


def parse_sizes(text: str) -> list[int]:
    """``"1000,10000"`` to sorted distinct resident counts within the allowed range of n_residents."""
    s = spec("n_residents")
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        sizes = []
    if not sizes or not all(s.lo <= n <= s.hi for n in sizes):
        raise ParameterError(f"--sizes {text!r}: expected comma-separated whole numbers of residents from "
                             f"{s.lo:,.0f} to {s.hi:,.0f}, e.g. 1000,10000,100000")
    return sizes


def print_result(result: dict[str, Any]) -> None:
    """Rich tables of the benchmark, the comparison with plain Mesa and the targets."""
    from experiments.cli import console

    rows = result["rows"]
    table = Table("residents", "ties", "degree", "build s", "ms/step", "CPU ms", "res-steps/s", "RSS MB",
                  title=f"saferstreets {result['scenario']} (steps timed: {rows[0]['steps']})")
    for row in (r for r in rows if r["kind"] == "model"):
        table.add_row(f"{row['residents']:,}", f"{row['ties']:,}", f"{row['mean_degree']:.1f}", f"{row['construct_s']:.2f}",
                      f"{row['step_ms']:.1f}", f"{row['cpu_step_ms']:.1f}", f"{row['resident_steps_per_s']:,.0f}",
                      f"{row['peak_rss_mb']:,.0f}")
    console.print(table)
    for kind, title in (("mesa_reference", "Plain per-agent Mesa reference (shuffle_do, plain floats, cached ties, "
                                           "same resident rules)"),
                        ("against", "The full model of another checkout, timed right after this one")):
        ref = Table("residents", "pair", "steps", "build s", "CPU ms/step", "res-steps/s",
                    "saferstreets CPU ms/step", "speed-up (CPU)", title=title)
        for row in (r for r in rows if r["kind"] == kind):
            ref.add_row(f"{row['residents']:,}", f"{row['pair']}", f"{row['steps']}", f"{row['construct_s']:.2f}",
                        f"{row['cpu_step_ms']:.1f}", f"{row['resident_steps_per_s']:,.0f}",
                        f"{row['model_cpu_step_ms']:.1f}", f"{row['model_speedup']:,.2f}x")
        if ref.row_count:
            console.print(ref)
    same = Table("residents", "pair", "days", "vectorised CPU ms/step", "reference CPU ms/step", "speed-up",
                 title="The same rules vectorised: the model with only the reference's rules at work, from its start "
                       "over the same days (the full model also organises, offends, campaigns ...)")
    for row in (r for r in rows if r["kind"] == "mesa_reference"):
        same.add_row(f"{row['residents']:,}", f"{row['pair']}", f"{row['steps']}",
                     f"{row['same_rules_cpu_step_ms']:.2f}",
                     f"{row['cpu_step_ms']:.1f}", f"{row['same_rules_speedup']:,.1f}x")
    if same.row_count:
        console.print(same)
    for row in (r for r in rows if r["kind"] == "boltzmann"):
        console.print(f"Mesa Boltzmann wealth example, {row['residents']:,} agents: "
                      f"{row['resident_steps_per_s']:,.0f} agent-steps/s ({row['step_ms']:.1f} ms/step)")
    large = result["step_exponent_largest_two"]
    console.print(f"cost growth: time per step ~ (residents + ties)^{result['step_exponent']:.2f}"
                  + (f" (^{large:.2f} between the two largest sizes)" if large == large else "")
                  + f", construction ~ (residents + ties)^{result['construct_exponent']:.2f}")
    m = result["machine"]
    console.print(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; load average "
                  f"{m['load_average_start']:.1f} at start, {m['load_average_end']:.1f} at end")
    for line in target_lines(result):
        console.print(line)


def target_lines(result: dict[str, Any]) -> list[str]:
    """One line per target that this run measured, saying whether it was met."""
    rows = result["rows"]
    by = {(r["kind"], r["residents"]): r for r in rows}
    checks = []
    if row := by.get(("model", 100_000)):
        checks.append((f"100k construction {row['construct_s']:.1f} s", row["construct_s"] < TARGETS["construct_100k_s"],
                       "< 10 s"))
    for row in (r for r in rows if r["kind"] == "model" and r["residents"] >= 1_000_000 and r["steps"] >= 365):
        checks.append((f"{row['residents']:,} residents x {row['steps']} days: peak RSS {row['peak_rss_mb']:,.0f} MB",
                       row["peak_rss_mb"] < TARGETS["year_rss_mb"], "< 1 GB"))
    for name, label in (("step_exponent", "all sizes"), ("step_exponent_largest_two", "two largest sizes")):
        if result[name] == result[name]:
            checks.append((f"step cost exponent {result[name]:.2f} ({label})", result[name] <= TARGETS["exponent"],
                           "<= 1.1"))
    for n, ratios in speedups(rows, "mesa_reference").items():
        if goal := TARGETS["speedup"].get(n):
            checks.append((f"{judged(ratios)} the plain Mesa reference at {n:,}", median(ratios) >= goal,
                           f">= {goal:g}x"))
    if ratios := speedups(rows, "against").get(100_000):
        checks.append((f"{judged(ratios)} the resident-steps/s of {by['against', 100_000]['checkout']} at 100k",
                       median(ratios) >= TARGETS["against_100k"], f">= {TARGETS['against_100k']:g}x"))
    return [f"target {goal:>7}: {text} - " + ("[green]met[/green]" if ok else "[red]not met[/red]")
            for text, ok, goal in checks]


def speedups(rows: list[dict[str, Any]], kind: str) -> dict[int, list[float]]:
    """The model's speed-up over each ``kind`` row, by size (one per pair)."""
    found: dict[int, list[float]] = {}
    for row in rows:
        if row["kind"] == kind:
            found.setdefault(row["residents"], []).append(row["model_speedup"])
    return found


def judged(ratios: list[float]) -> str:
    """``"2.31x"``, or for several pairs their median and range: ``"2.31x (median of 3 pairs: 2.10-2.45x)"``."""
    if len(ratios) == 1:
        return f"{ratios[0]:,.2f}x"
    return f"{median(ratios):,.2f}x (median of {len(ratios)} pairs: {min(ratios):,.2f}-{max(ratios):,.2f}x)"


def register(app: typer.Typer) -> None:
    """Add the ``bench`` command to ``app``."""
    from experiments.cli import Seed, console, whole_option

    @app.command()
    def bench(sizes: Annotated[str, typer.Option(help="Resident counts, comma-separated.")]
              = "1000,10000,100000,1000000",
              steps: Annotated[int, whole_option("--steps", 1, 5 * 365, "Days timed per size (1-1825).")] = 365,
              reference_steps: Annotated[int, whole_option(
                  "--reference-steps", 0, 100,
                  "Days timed at least for the plain Mesa reference at 1,000, 10,000 and 100,000 residents; "
                  "it runs on (up to a year) until a few seconds of CPU time have passed (0 skips it).")] = 5,
              against: Annotated[str | None, typer.Option(
                  "--against", help="Another checkout of saferstreets (e.g. a git worktree of an earlier commit) "
                                    "to time at 100,000 residents right after this one.")] = None,
              pairs: Annotated[int, whole_option(
                  "--pairs", 1, 9, "How many times each comparison is timed (the model, then the reference or the "
                                   "--against checkout, one after the other); targets go by the median ratio (1-9).")]
              = 3,
              quick: Annotated[bool, typer.Option(help="Smoke test: 1,000 and 10,000 residents, 10 steps, one pair.")]
              = False,
              seed: Seed = 1,
              out: Annotated[str | None, typer.Option("--out", help="Write the result: FILE.json or FILE.csv.")]
              = None) -> None:
        """Time construction and stepping at each size, against plain Mesa, and fit how cost grows."""
        from experiments.bench import QUICK_SIZES, REFERENCE_CPU_S, REFERENCE_SIZES, run_benchmark, write_result

        chosen = parse_sizes(sizes)
        path = output_file(out, "--out", (".json", ".csv")) if out is not None else None
        other = Path(against) if against is not None else None
        if other is not None and not (other / "experiments" / "bench.py").is_file():
            raise ParameterError(f"--against {against!r}: expected a saferstreets checkout (a directory with "
                                 "experiments/bench.py), e.g. from 'git worktree add DIR COMMIT'")
        if quick:
            chosen, steps, reference_steps, pairs = list(QUICK_SIZES), min(steps, 10), min(reference_steps, 2), 1
        with console.status("benchmarking") as status:
            result = run_benchmark(chosen, steps, [n for n in REFERENCE_SIZES if n in chosen and reference_steps],
                                   reference_steps, reference_cpu_s=0.0 if quick else REFERENCE_CPU_S,
                                   boltzmann_steps=10 if quick else 50, seed=seed, against=other, pairs=pairs,
                                   progress=lambda message: status.update(f"benchmarking: {message}"))
        print_result(result)
        if path is not None:
            write_result(result, path)
            console.print(f"wrote {path}")
