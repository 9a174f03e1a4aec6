"""Guardianship: who notices an attempt on their street, and whether a bystander intervenes."""

from __future__ import annotations

import numpy as np

from simulation.fields import Section, param


class GuardianParams(Section, title="Guardianship"):
    p_notice: float = param(0.1, "prob", 0.0, 1.0, "assumed",
                            "Chance a present neighbour notices an attempt on their segment.")
    watch_notice_factor: float = param(2.0, "x", 1.0, 10.0, "assumed",
                                       "How much more likely residents watching their street notice an attempt.")
    tie_intervention_factor: float = param(3.0, "x", 1.0, 20.0, "assumed",
                                           "How much likelier a neighbour intervenes when tied to the victim.")


def notice_probability(p_notice: float, willingness: np.ndarray, present: np.ndarray, lighting: np.ndarray,
                       watching: np.ndarray, watch_factor: float) -> np.ndarray:
    """Chance each resident notices and acts on an attempt on their own segment today.

    Needs the resident present; rises with willingness to intervene, with the
    street's lighting, and for those watching their street.
    """
    return np.minimum(1.0, p_notice * willingness * present * (1.0 + lighting) *
                      np.where(watching, watch_factor, 1.0))


def segment_guardianship(notice: np.ndarray, resident_segment: np.ndarray, n_segments: int) -> np.ndarray:
    """Chance that at least one resident of each segment notices: ``1 - prod(1 - notice)``."""
    return 1.0 - np.exp(np.bincount(resident_segment, np.log1p(-np.minimum(notice, 0.999)), minlength=n_segments))


def intervention_probability(notice: np.ndarray, tied: np.ndarray, tie_factor: float) -> np.ndarray:
    """Chance that at least one bystander in each row intervenes.

    ``notice`` (attempts x bystanders) is each bystander's chance of noticing
    and acting (0 for absent ones); ties to the victim multiply it.
    """
    q = np.minimum(1.0, notice * np.where(tied, tie_factor, 1.0))
    return 1.0 - np.prod(1.0 - q, axis=1)
