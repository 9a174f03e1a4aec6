"""Resident behaviour rules: small pure functions over numpy columns."""

from __future__ import annotations

import numpy as np


def presence_probability(p_home: float, fear: np.ndarray, fear_withdrawal: float) -> np.ndarray:
    """Chance of being at home or on the street today: fear makes people withdraw."""
    return p_home * (1.0 - fear_withdrawal * fear)


def willingness_to_intervene(trust: np.ndarray, efficacy: np.ndarray, fear: np.ndarray,
                             fear_withdrawal: float) -> np.ndarray:
    """Willingness to intervene for the common good (Sampson's informal social control).

    Rises with efficacy and with trust in neighbours, falls with fear.
    """
    return efficacy * (0.5 + 0.5 * trust) * (1.0 - fear_withdrawal * fear)


def social_factor(active_ties: np.ndarray, invited: np.ndarray, threshold: int,
                  lone_factor: float) -> np.ndarray:
    """Complex contagion: full chance with ``threshold`` active ties, less with fewer.

    With no active tie at all only residents an organiser invited on that
    issue can join (at ``lone_factor``).
    """
    some = np.where(active_ties > 0, lone_factor, np.where(invited, lone_factor, 0.0))
    return np.where(active_ties >= threshold, 1.0, some)


def join_probability(p_join: float, efficacy: np.ndarray, fear: np.ndarray, fear_withdrawal: float,
                     social: np.ndarray, concerned: np.ndarray, mismatch_factor: float) -> np.ndarray:
    """Daily chance of joining an action group on an issue."""
    match = np.where(concerned, 1.0, mismatch_factor)
    return p_join * efficacy * (1.0 - fear_withdrawal * fear) * social * match


def dropout_probability(p_dropout: float, fear: np.ndarray) -> np.ndarray:
    """Daily chance an active member drops out (fear doubles it at most)."""
    return p_dropout * (1.0 + fear)


def relax(x: np.ndarray, base: np.ndarray, tie_mean: np.ndarray, relax_rate: float,
          peer_influence: float, delta: np.ndarray) -> np.ndarray:
    """One day of an attitude: events, drift back to baseline, pull towards ties; kept in [0, 1]."""
    return np.clip(x + delta + relax_rate * (base - x) + peer_influence * (tie_mean - x), 0.0, 1.0)


def success_probability(p_action_success: float, size: np.ndarray, min_group_size: int) -> np.ndarray:
    """Daily chance an action group wins something: grows with its size."""
    return 1.0 - (1.0 - p_action_success) ** (size / min_group_size)
