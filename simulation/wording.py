"""Plain-English sentences shared by the command-line reports and the browser pages (one wording, one place)."""

from __future__ import annotations

import math


def win_sentence(strategy: str, versus: str, p_better: float, p_tie: float) -> str:
    """How often one strategy prevents more crime than another across plausible settings (titles given)."""
    if not (math.isfinite(p_better) and math.isfinite(p_tie)):
        return f"How often {strategy} prevents more crime than {versus} is not known (no finite result)."
    tie = f" (the same in {p_tie:.0%})" if p_tie > 0 else ""
    return f"In {p_better:.0%} of plausible settings, {strategy} prevents more crime than {versus}{tie}."


def value_sentence(strategy: str, reference: str, median: float, q05: float, q95: float, p_above_1: float,
                   price_year: str) -> str:
    """A strategy's benefit-cost ratio against the reference with its 90% range (titles given); not defined
    when it spends nothing more than the reference."""
    if not all(math.isfinite(x) for x in (q05, q95, p_above_1)) and math.isfinite(median):
        return f"{strategy}: benefit-cost ratio {median:.2f} (its range is not known), {price_year} prices."
    if not math.isfinite(median):
        return (f"{strategy}: benefit-cost ratio not defined (it spends nothing more than {reference}), "
                f"{price_year} prices.")
    return (f"{strategy}: benefit-cost ratio {median:.2f} (90% of plausible settings between {q05:.2f} and "
            f"{q95:.2f}; above 1 in {p_above_1:.0%}), {price_year} prices.")
