"""Money: uprating unit costs of crime to a price year, and paired value for money."""

import numpy as np
import pandas as pd
import pytest

from simulation.money import (GDP_DEFLATOR, money_table, unit_costs, uprating, value_for_money)
from simulation.params import ParameterError
from simulation.state import CRIME_TYPES, PRICE_YEAR


def test_uprating_is_one_in_the_base_year_and_follows_the_deflator_table() -> None:
    assert uprating(PRICE_YEAR) == 1.0
    assert uprating("2023/24") == pytest.approx(GDP_DEFLATOR["2023/24"] / GDP_DEFLATOR[PRICE_YEAR])
    assert uprating("2030/31", factor=1.5) == 1.5
    costs = unit_costs("2023/24")
    assert costs["burglary"] == pytest.approx(CRIME_TYPES[0].unit_cost_gbp * uprating("2023/24"))


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: uprating("2031/32"), "price_year='2031/32': expected one of 2015/16"),
    (lambda: uprating("2023/24", factor=0.0), "uprating=0.0: expected a number in [0.1, 10]"),
])
def test_bad_price_year_or_factor_names_the_field(call, expected: str) -> None:  # noqa: ANN001
    with pytest.raises(ParameterError, match=None) as err:
        call()
    assert expected in str(err.value)


def test_value_for_money_counts_avoided_harm_against_extra_spending() -> None:
    value = value_for_money(np.array([800.0, 1000.0]), np.array([1000.0, 1000.0]), np.array([100.0, 0.0]),
                            np.array([0.0, 0.0]), factor=2.0)
    assert value.avoided_gbp.tolist() == [400.0, 0.0]
    assert value.net_benefit_gbp.tolist() == [300.0, 0.0]
    assert value.benefit_cost_ratio[0] == 4.0 and np.isnan(value.benefit_cost_ratio[1])


def test_money_table_pairs_runs_by_replicate() -> None:
    runs = pd.DataFrame({"scenario": ["base", "base", "s", "s"], "replicate": [0, 1, 0, 1],
                         "crime_cost_gbp_total": [1000.0, 2000.0, 500.0, 1000.0],
                         "cost_gbp_total": [0.0, 0.0, 250.0, 250.0]})
    table = money_table(runs, "scenario", "base", "2015/16")
    row = table.iloc[0]
    assert row["scenario"] == "s" and row["avoided_gbp"] == 750.0 and row["cost_gbp"] == 250.0
    assert row["benefit_cost_ratio"] == 3.0 and row["net_benefit_gbp"] == 500.0
    assert row["price_year"] == "2015/16"


def test_compare_reports_value_for_money_with_the_price_year(tmp_path) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from experiments.cli import app

    result = CliRunner().invoke(app, ["compare", "baseline", "target_hardening", "--replicates", "2", "--steps",
                                      "20", "--set", "n_residents=200", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    money = pd.read_csv(tmp_path / "money.csv")
    assert money["scenario"].tolist() == ["target_hardening"]
    assert money["price_year"].iloc[0] == "2023/24" and money["cost_gbp"].iloc[0] > 0
    assert "Value for money against baseline (2023/24 prices" in result.output
