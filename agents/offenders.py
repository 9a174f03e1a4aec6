"""Offender behaviour rules: target choice and the outcome of an attempt."""

from __future__ import annotations

import numpy as np


def sample_candidates(home_xy: np.ndarray, journey_km: float, k: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Points ``k`` per offender around home, distance ~ Exponential(journey_km).

    Returns an array of shape (len(home_xy), k, 2) in km: the journey to
    crime decays with distance because candidates are found that way.
    """
    n = len(home_xy)
    dist = rng.exponential(journey_km, (n, k))
    angle = rng.uniform(0.0, 2 * np.pi, (n, k))
    return home_xy[:, None, :] + np.stack([dist * np.cos(angle), dist * np.sin(angle)], axis=-1)


def target_scores(reward: np.ndarray, heat: np.ndarray, risk: np.ndarray, near_repeat_boost: float,
                  risk_aversion: float) -> np.ndarray:
    """Log-attractiveness of candidate targets: reward, near-repeat heat, perceived risk."""
    return np.log(reward) + np.log1p(near_repeat_boost * heat) - risk_aversion * risk


def choose(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Column chosen in each row with probability proportional to exp(score) (Gumbel-max)."""
    return np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)


def intervention_probability(notice: np.ndarray, tied: np.ndarray, tie_factor: float) -> np.ndarray:
    """Chance that at least one bystander in each row intervenes.

    ``notice`` (attempts x bystanders) is each bystander's chance of noticing
    and acting (0 for absent ones); ties to the victim multiply it.
    """
    q = np.minimum(1.0, notice * np.where(tied, tie_factor, 1.0))
    return 1.0 - np.prod(1.0 - q, axis=1)
