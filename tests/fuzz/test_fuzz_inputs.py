"""Fuzz suite, table-driven: every bad input on the six surfaces gets one clean line (cases in fuzzkit.py).

Each case asserts: one line naming the field or file, the right exit code
(2 bad input, 1 environment fault), no traceback, nothing written outside the
output folder, and an answer within the deadline.
"""

from collections import Counter
from pathlib import Path

import pytest
from fuzzkit import SURFACES, TINY, Case, all_cases, run_case

CASES = all_cases()


@pytest.fixture(autouse=True)
def short_scheduler_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake scheduler that never greets is given up on after 1 s instead of 10 s."""
    monkeypatch.setattr("experiments.executors.CONNECT_TIMEOUT_S", 1.0)


def test_at_least_300_distinct_bad_inputs_cover_all_six_surfaces() -> None:
    per_surface = Counter(case.surface for case in CASES)
    assert set(per_surface) == set(SURFACES) and min(per_surface.values()) >= 40, per_surface
    assert len({(case.surface, case.name) for case in CASES}) == len(CASES) >= 300


@pytest.mark.parametrize("case", CASES, ids=[f"{case.surface}:{case.name}" for case in CASES])
def test_bad_input_gets_one_clean_line(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path, seconds=20)
    assert outcome.kind == "clean", f"{outcome.kind}: {outcome.detail}"


def test_names_that_would_leave_the_results_folder_write_nothing(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-escaped"
    for name in ("../" + outside.name, str(outside), "a/../../" + outside.name):
        (tmp_path / "e.toml").write_text(f'name = "{name}"\nscenarios = ["baseline"]\nsteps = 2\nreplicates = 1\n'
                                         '[params]\nn_residents = 20\n')
        outcome = run_case(Case("experiment", name, "name", ("sweep", "{d}/e.toml")), tmp_path)
        assert outcome.kind == "clean", outcome.detail
        assert not outside.exists() and not (tmp_path / "results").exists()


def test_unknown_report_outcome_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """The issue's 'left alone' note: report --outcome BADNAME used to fail only after writing the report."""
    case = next(c for c in CASES if c.name == "report-outcome-unknown")
    assert run_case(case, tmp_path).kind == "clean"
    assert not (tmp_path / "out").exists()


def test_output_is_checked_before_simulating(tmp_path: Path) -> None:
    """A bad --out costs no simulation: the error comes at once even for a year of 200,000 residents."""
    (tmp_path / "file.txt").write_text("x")
    case = Case("cli", "big-run-bad-out", "file.txt", ("run", "baseline", "--set", "n_residents=200000",
                                                       "--out", "{d}/file.txt/sub"))
    outcome = run_case(case, tmp_path, seconds=5)
    assert outcome.kind == "clean", outcome.detail


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from experiments.cli import app

    result = CliRunner().invoke(app, ["--debug", "run", "nowhere", *TINY])
    assert result.exit_code != 0 and "unknown scenario 'nowhere'" in str(result.exception)
