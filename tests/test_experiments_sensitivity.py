"""Sensitivity analysis: input checks, and Morris indices that see a used and an unused parameter."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.sensitivity import outcome_metric, parse_bounds, problem, sample
from experiments.cli import app
from simulation.params import ParameterError


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: problem(["listening_per_dy"], {}), "Did you mean 'listening_per_day'"),
    (lambda: problem(["organising"], {}), "not numeric"),
    (lambda: problem(["p_join"], {"p_join": (0.5, 2.0)}), "within [0, 1]"),
    (lambda: problem(["p_join"], {"p_attempt": (0.0, 0.1)}), "not among the --param names"),
    (lambda: parse_bounds(["p_join=0-1"]), "expected name=lo:hi"),
    (lambda: sample("sobol", problem(["p_join"], {}), 10, 0), "power of 2"),
    (lambda: sample("latin", problem(["p_join"], {}), 10, 0), "expected one of morris, sobol"),
    (lambda: outcome_metric("efficacy_ending"), "'efficacy_ending': expected one of residents_end, collective_efficacy_end"),
])
def test_bad_input_names_the_flag(call, expected: str) -> None:  # noqa: ANN001
    with pytest.raises(ParameterError) as err:
        call()
    assert expected in str(err.value)


def test_bounds_default_to_suggested_or_allowed_range() -> None:
    prob = problem(["listening_per_day", "p_attempt"], {"listening_per_day": (0.5, 1.0)})
    assert prob["bounds"] == [[0.5, 1.0], [0.0, 1.0]]


def test_morris_separates_a_used_from_an_unused_parameter(tmp_path: Path) -> None:
    out = tmp_path / "sens"
    args = ["sensitivity", "--param", "listening_per_day", "--param", "broadcast_contacts_per_day",
            "--bounds", "broadcast_contacts_per_day=5:50", "--samples", "4", "--steps", "30",
            "--set", "n_residents=200", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "sensitivity.csv").set_index("parameter")
    assert table.loc["listening_per_day", "mu_star"] > 0
    assert table.loc["broadcast_contacts_per_day", "mu_star"] == 0
    assert len(pd.read_csv(out / "samples.csv")) == 4 * 3
    assert (out / "sensitivity.png").is_file()


def test_every_strategy_has_default_parameters_with_suggested_bounds() -> None:
    from agents.organising import STRATEGIES
    from experiments.sensitivity import GAINS_PER_CONTACT, SUGGESTED_BOUNDS, default_params
    from simulation.params import Params

    assert set(GAINS_PER_CONTACT) == {"none", *STRATEGIES}
    for strategy, names in GAINS_PER_CONTACT.items():
        assert names == default_params(Params(organising=strategy))
        assert all(name in SUGGESTED_BOUNDS for name in names)
        problem(list(names), {})                        # every suggested range is valid
    assert "broadcast_efficacy_gain" in GAINS_PER_CONTACT["broadcast"]
    assert "watch_efficacy_gain" in GAINS_PER_CONTACT["neighbourhood_watch"]


def test_the_command_varies_the_chosen_scenarios_parameters_by_default(tmp_path: Path) -> None:
    from experiments.sensitivity import GAINS_PER_CONTACT

    out = tmp_path / "sens"
    result = CliRunner().invoke(app, ["sensitivity", "--scenario", "neighbourhood_watch", "--samples", "2",
                                      "--steps", "5", "--set", "n_residents=100", "--out", str(out)])
    assert result.exit_code == 0, result.output
    varied = set(pd.read_csv(out / "sensitivity.csv")["parameter"])
    assert varied == set(GAINS_PER_CONTACT["neighbourhood_watch"])
