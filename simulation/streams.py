"""Seeds: the one place a run's seed is read from user input."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.params import ParameterError


def resolve_seed(rng: Any) -> int:
    """An integer seed from an int, a numeric string (Solara's seed box) or None (fresh entropy)."""
    if rng is None or (isinstance(rng, str) and not rng.strip()):
        return int(np.random.SeedSequence().generate_state(1)[0])
    bad = ParameterError(f"seed={rng!r}: expected a whole number >= 0")
    if isinstance(rng, bool) or (isinstance(rng, float) and not rng.is_integer()):
        raise bad
    try:
        seed = int(rng.strip()) if isinstance(rng, str) else int(rng)
    except (TypeError, ValueError):
        raise bad from None
    if seed < 0:
        raise bad
    return seed
