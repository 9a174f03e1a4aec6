"""Guardianship as stages (Reynald 2009, 2010): available, then monitoring (noticing), then intervening.

A resident is **available** as a guardian of their own street segment when
present. An available guardian **notices** an attempt there with a chance
that rises with their willingness to intervene (efficacy, trust, fear), the
street's lighting and whether they watch their street today (a crime action
group's or a Neighbourhood Watch scheme's member). A guardian who noticed
**intervenes** (challenges, calls the police, tells the neighbours) with a
chance that rises with their efficacy and with a tie to the victim.
Offenders see guardianship imperfectly: they read the chance of being
noticed on a street from the people about, its lighting and any watch
signs, with noise.
"""

from __future__ import annotations

import numpy as np

from simulation.counts import Grouping
from simulation.fields import Section, param


class GuardianParams(Section, title="Guardianship"):
    p_notice: float = param(0.1, "prob", 0.0, 1.0, "assumed",
                            "Chance a present neighbour with full willingness notices an attempt on their segment "
                            "(monitoring stage).")
    p_intervene: float = param(0.3, "prob", 0.0, 1.0, "assumed",
                               "Chance a neighbour with full efficacy who noticed an attempt intervenes "
                               "(intervening stage).")
    watch_notice_factor: float = param(2.0, "x", 1.0, 10.0, "assumed",
                                       "How much more likely residents watching their street notice an attempt.")
    tie_intervention_factor: float = param(3.0, "x", 1.0, 20.0, "assumed; ties to the victim make intervention "
                                           "likelier (Reynald 2010)",
                                           "How much likelier a neighbour who noticed intervenes when tied to the "
                                           "victim.")
    perception_noise: float = param(0.5, "log-sd", 0.0, 3.0, "assumed",
                                    "Spread of offenders' misreading of a street's guardianship (lognormal).")
    watch_sign_weight: float = param(0.1, "prob", 0.0, 1.0, "assumed; signs are a cue offenders read "
                                     "(Bennett, Holloway & Farrington 2008)",
                                     "Guardianship a street seems to have, added, where someone watches it.")


def monitoring_probability(p_notice: float, willingness: np.ndarray, present: np.ndarray, lighting: np.ndarray,
                           watching: np.ndarray, watch_factor: float) -> np.ndarray:
    """Chance each resident notices an attempt on their own segment today (0 unless present: available)."""
    return np.minimum(1.0, p_notice * willingness * present * (1.0 + lighting) *
                      np.where(watching, watch_factor, 1.0))


def noticed_probability(monitoring: np.ndarray, segments: Grouping) -> np.ndarray:
    """Chance that at least one resident of each segment notices an attempt there: ``1 - prod(1 - m)``."""
    return 1.0 - np.exp(segments.sum(np.log1p(-np.minimum(monitoring, 0.999))))


def acting_probability(p_intervene: float, efficacy: np.ndarray, tied: np.ndarray | float,
                       tie_factor: float) -> np.ndarray:
    """Chance a guardian who noticed intervenes: efficacy, times ``tie_factor`` if tied to the victim
    (``tied`` may be a 0-1 share: then the expected factor)."""
    return np.minimum(1.0, p_intervene * efficacy * (1.0 + (tie_factor - 1.0) * np.asarray(tied, dtype=float)))


def intervention_probability(monitoring: np.ndarray, acting: np.ndarray) -> np.ndarray:
    """Chance that at least one guardian in each row notices and intervenes: ``1 - prod(1 - m a)`` along axis 1."""
    return 1.0 - np.prod(1.0 - monitoring * acting, axis=1)


def perceived_guardianship(noticed: np.ndarray, sign: np.ndarray, z: np.ndarray, noise: float,
                           sign_weight: float) -> np.ndarray:
    """Guardianship an offender reads on a street: the chance of being noticed there, misread by a lognormal
    factor (mean 1, log-sd ``noise``; ``z`` standard normal), plus ``sign_weight`` where a watch sign is up."""
    return noticed * np.exp(noise * z - noise**2 / 2) + sign_weight * sign
