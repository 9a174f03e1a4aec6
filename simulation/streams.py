"""Named random streams: every process draws from its own, so one process's draws never shift another's.

A stream is named after the process that owns it (``"presence"``,
``"offending"``, ``"listening"``, ``"survey"`` ...). Its key is derived from
the run's seed and the name (a :class:`numpy.random.SeedSequence` whose spawn
key hashes the name), and each day of the run is its own counter block of a
counter-based generator (Philox): ``streams.day("offending", 12)`` gives the
same numbers on day 12 whatever any other process drew, and whatever this
process drew on earlier days. Strategies compared on the same seed therefore
meet the same random circumstances (common random numbers) until a strategy
changes something.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import numpy as np

from simulation.fields import ParameterError


def resolve_seed(rng: Any) -> int:
    """An integer seed from an int, a numeric string (Solara's seed box) or None (fresh entropy)."""
    if rng is None or (isinstance(rng, str) and not rng.strip()):
        return int(np.random.SeedSequence().generate_state(1)[0])
    bad = ParameterError(f"seed={rng!r}: expected a whole number >= 0")
    if isinstance(rng, bool) or (isinstance(rng, float) and not rng.is_integer()):
        raise bad
    try:
        seed = int(rng.strip()) if isinstance(rng, str) else int(rng)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if seed < 0:
        raise bad
    return seed


@cache
def stream_key(name: str) -> int:
    """A stable 32-bit key for stream ``name`` (a hash of the name, the same on every machine)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


class Streams:
    """The named random streams of one run."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._keys: dict[str, np.ndarray] = {}

    def sequence(self, name: str) -> np.random.SeedSequence:
        """The seed sequence of stream ``name``."""
        return np.random.SeedSequence(self.seed, spawn_key=(stream_key(name),))

    def generator(self, name: str) -> np.random.Generator:
        """A generator for a one-off use of stream ``name`` (building the world, a survey wave)."""
        return np.random.default_rng(self.sequence(name))

    def day(self, name: str, day: int) -> np.random.Generator:
        """The generator of stream ``name`` on ``day``: its own counter block, independent of other days."""
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = self.sequence(name).generate_state(2, np.uint64)
        return np.random.Generator(np.random.Philox(key=key, counter=np.array([0, 0, day, 0], dtype=np.uint64)))
