"""The simulated collective efficacy survey (Sampson, Raudenbush & Earls 1997).

Each respondent answers the 10 items on a 1-5 Likert scale. Answers come from
two latent perceptions in [0, 1] plus response noise:

* cohesion and trust: the respondent's own trust and the mean trust of their ties;
* informal social control: the respondent's own efficacy and the mean
  willingness to intervene of their ties (what they see their neighbours would do).

Reverse-worded items are answered as worded and reverse-scored when the scale
is computed, as in the real instrument. A belonging item (Community Life
Survey: "I feel I belong to my neighbourhood") is answered from own trust.
"""

from __future__ import annotations

import numpy as np

ITEMS: tuple[tuple[str, str, bool], ...] = (
    # (subscale, wording, reverse-worded)
    ("cohesion", "People around here are willing to help their neighbours.", False),
    ("cohesion", "This is a close-knit neighbourhood.", False),
    ("cohesion", "People in this neighbourhood can be trusted.", False),
    ("cohesion", "People in this neighbourhood generally don't get along with each other.", True),
    ("cohesion", "People in this neighbourhood do not share the same values.", True),
    ("control", "Neighbours would do something if children were skipping school and hanging out.", False),
    ("control", "Neighbours would do something if children were spray-painting graffiti.", False),
    ("control", "Neighbours would do something if children were showing disrespect to an adult.", False),
    ("control", "Neighbours would do something if a fight broke out in front of their house.", False),
    ("control", "Neighbours would organise to keep the local fire station open if threatened.", False),
)
BELONGING = "I feel I belong to this neighbourhood."
COHESION = np.array([s == "cohesion" for s, _, _ in ITEMS])
REVERSED = np.array([r for _, _, r in ITEMS])


def perceptions(trust: np.ndarray, efficacy: np.ndarray, tie_trust: np.ndarray, tie_willingness: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Latent (cohesion, informal control) perceptions in [0, 1] from own and ties' attitudes."""
    return 0.5 * trust + 0.5 * tie_trust, 0.5 * efficacy + 0.5 * tie_willingness


def belonging(trust: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Answers 1-5 to the belonging item, from own trust."""
    return likert(trust, noise, rng)


def likert(latent: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Agreement 1-5 with a statement whose latent agreement is ``latent`` in [0, 1]."""
    return np.clip(np.rint(1 + 4 * latent + rng.normal(0, 4 * noise, latent.shape)), 1, 5).astype(np.int8)


def answer(cohesion: np.ndarray, control: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Raw answers (respondents x 10), reverse-worded items answered as worded."""
    latent = np.where(COHESION, cohesion[:, None], control[:, None])
    latent = np.where(REVERSED, 1 - latent, latent)
    return likert(latent, noise, rng)


def score(answers: np.ndarray) -> np.ndarray:
    """Answers reverse-scored where needed (1-5, higher = more collective efficacy)."""
    return np.where(REVERSED, 6 - answers, answers)
