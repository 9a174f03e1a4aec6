"""Money: unit costs of crime uprated to a stated price year, and the value for money of a strategy.

The unit costs of :data:`~simulation.state.CRIME_TYPES` (Heeks et al. 2018)
are in 2015/16 prices, and the model's ``crime_cost_gbp`` metric adds them up
in those prices. :func:`uprating` gives the factor to another price year from
the GDP deflator table below; strategy spending (``cost_gbp``) is taken as
already in the stated price year (organiser and hardening costs are today's
figures, assumed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.fields import ParameterError
from simulation.state import CRIME_TYPES, PRICE_YEAR

DEFLATOR_SOURCE = ("HM Treasury GDP deflators at market prices (financial years), ratio to 2015/16; "
                   "approximate values, assumed: not verified offline, replace with the current HMT series")
GDP_DEFLATOR: dict[str, float] = {"2015/16": 1.00, "2019/20": 1.08, "2022/23": 1.22, "2023/24": 1.29}
"""Price level of each financial year relative to 2015/16 (``DEFLATOR_SOURCE``; assumed)."""
DEFAULT_PRICE_YEAR = "2023/24"


def uprating(price_year: str = DEFAULT_PRICE_YEAR, factor: float | None = None) -> float:
    """Factor turning 2015/16 £ into ``price_year`` £: from :data:`GDP_DEFLATOR`, or ``factor`` if given."""
    if factor is not None:
        if not (isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0.1 <= factor <= 10):
            raise ParameterError(f"uprating={factor!r}: expected a number in [0.1, 10] (price level of "
                                 f"{price_year} relative to {PRICE_YEAR})")
        return float(factor)
    if price_year not in GDP_DEFLATOR:
        raise ParameterError(f"price_year={price_year!r}: expected one of {', '.join(GDP_DEFLATOR)}, or state "
                             f"the uprating factor from {PRICE_YEAR} yourself")
    return GDP_DEFLATOR[price_year] / GDP_DEFLATOR[PRICE_YEAR]


def unit_costs(price_year: str = DEFAULT_PRICE_YEAR, factor: float | None = None) -> dict[str, float]:
    """Cost of one completed crime of each type in ``price_year`` £."""
    scale = uprating(price_year, factor)
    return {c.name: c.unit_cost_gbp * scale for c in CRIME_TYPES}


@dataclass(frozen=True)
class Value:
    """What a strategy's spending bought, against a reference, in one price year (arrays or floats)."""

    avoided_gbp: np.ndarray
    """Economic and social cost of the crimes it prevented."""
    cost_gbp: np.ndarray
    """Extra spending over the reference."""
    price_year: str

    @property
    def net_benefit_gbp(self) -> np.ndarray:
        """Cost of crime avoided minus spending."""
        return self.avoided_gbp - self.cost_gbp

    @property
    def benefit_cost_ratio(self) -> np.ndarray:
        """Cost of crime avoided per £ spent (NaN where nothing extra was spent)."""
        cost = np.asarray(self.cost_gbp, dtype=float)
        return np.divide(self.avoided_gbp, cost, out=np.full(np.shape(cost), np.nan), where=cost > 0)


def value_for_money(crime_cost_2015: np.ndarray, reference_crime_cost_2015: np.ndarray, cost_gbp: np.ndarray,
                    reference_cost_gbp: np.ndarray, price_year: str = DEFAULT_PRICE_YEAR,
                    factor: float | None = None) -> Value:
    """Paired value for money: crime cost (``crime_cost_gbp`` totals, 2015/16 £) and spending of a strategy
    and of its reference on the same seeds."""
    scale = uprating(price_year, factor)
    avoided = (np.asarray(reference_crime_cost_2015, float) - np.asarray(crime_cost_2015, float)) * scale
    return Value(avoided, np.asarray(cost_gbp, float) - np.asarray(reference_cost_gbp, float), price_year)


def money_table(runs: pd.DataFrame, by: str, reference: str, price_year: str = DEFAULT_PRICE_YEAR,
                factor: float | None = None) -> pd.DataFrame:
    """Per value of ``by`` (one row per run, with ``replicate``, ``crime_cost_gbp_total`` and ``cost_gbp_total``):
    mean £ of crime avoided, extra cost and net benefit against the ``reference`` run with the same replicate
    (with 95% CI half-widths), and the benefit-cost ratio of the means."""
    from simulation.output import ci95_half_width

    ref = runs[runs[by] == reference].set_index("replicate")
    rows = []
    for name, part in runs.groupby(by, sort=False):
        if name == reference:
            continue
        value = value_for_money(part["crime_cost_gbp_total"], part["replicate"].map(ref["crime_cost_gbp_total"]),
                                part["cost_gbp_total"], part["replicate"].map(ref["cost_gbp_total"]),
                                price_year, factor)
        n = len(part)
        mean_cost = float(np.mean(value.cost_gbp))
        rows.append({by: name, "avoided_gbp": float(np.mean(value.avoided_gbp)),
                     "avoided_gbp_ci95": ci95_half_width(float(np.std(value.avoided_gbp, ddof=1)), n),
                     "cost_gbp": mean_cost, "net_benefit_gbp": float(np.mean(value.net_benefit_gbp)),
                     "net_benefit_gbp_ci95": ci95_half_width(float(np.std(value.net_benefit_gbp, ddof=1)), n),
                     "benefit_cost_ratio": float(np.mean(value.avoided_gbp)) / mean_cost if mean_cost > 0
                     else float("nan"), "price_year": price_year})
    return pd.DataFrame(rows)
