"""Organiser and funder rules: whom to listen to, whom to connect, what to harden."""

from __future__ import annotations

import numpy as np


def listening_priority(is_leader: np.ndarray, in_group: np.ndarray, tied_to_listened: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Build on what already exists: informal leaders first, then group members,
    then people whose friends were already listened to ("who else should I talk to?"),
    random order within each tier."""
    return 4.0 * is_leader + 2.0 * in_group + 1.0 * tied_to_listened + rng.random(len(is_leader))


def top(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` highest scores."""
    if count >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(scores, -count)[-count:]


def pick_issue(concerns: np.ndarray, n_issues: int, rng: np.random.Generator) -> np.ndarray:
    """A listening conversation surfaces one of the person's own concerns (-1 if none)."""
    bits = (concerns[:, None] >> np.arange(n_issues, dtype=np.uint8)) & 1
    noisy = np.where(bits == 1, rng.random(bits.shape), -1.0)
    return np.where(bits.any(axis=1), noisy.argmax(axis=1), -1).astype(np.int8)


def match_partners(key: np.ndarray, pool_key: np.ndarray, pool: np.ndarray, per_person: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """For each person i pick ``per_person[i]`` random pool members with the same key.

    Returns the (person-position, partner) pairs; people whose key has no pool member get none.
    """
    order = np.argsort(pool_key, kind="stable")
    sorted_keys, sorted_pool = pool_key[order], pool[order]
    lo = np.searchsorted(sorted_keys, key, side="left")
    hi = np.searchsorted(sorted_keys, key, side="right")
    who = np.repeat(np.arange(len(key)), np.where(hi > lo, per_person, 0))
    pick = lo[who] + (rng.random(len(who)) * (hi - lo)[who]).astype(np.int64)
    return who, sorted_pool[pick]


def hardening_priority(segment_heat: np.ndarray, recently_victimised: np.ndarray,
                       reward: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Safer Streets targeting: hot-spot segments and recent victims first."""
    return segment_heat + 2.0 * recently_victimised + 0.1 * reward + 1e-3 * rng.random(len(reward))
