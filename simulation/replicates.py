"""Replicates: paired seeds shared by every strategy of a comparison."""

from __future__ import annotations

import numpy as np

from simulation.streams import resolve_seed


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Replicate seeds spawned from one experiment seed (independent streams)."""
    children = np.random.SeedSequence(resolve_seed(seed)).spawn(replicates)
    return [int(c.generate_state(1)[0]) for c in children]
