"""The simulated survey as a table, and neighbourhoods started from an observed score.

:func:`survey_wave` asks residents the 10 collective efficacy items (Sampson,
Raudenbush & Earls 1997) and the Community Life Survey belonging item, one
row per respondent, with the raw answers (reverse-worded items answered as
worded), so the table can be scored and analysed like real survey data.

:func:`params_for_observed_ce` finds the starting trust and efficacy levels
whose expected survey score equals an observed collective efficacy score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from simulation import survey
from simulation.model import CommunityModel
from simulation.params import Params, ParameterError

ITEM_COLUMNS: tuple[str, ...] = tuple(f"ce_item_{i + 1:02d}" for i in range(len(survey.ITEMS)))
SURVEY_STREAM = 7
"""Spawn key of the answer-noise stream (independent of the model's own streams)."""


def perceptions(model: CommunityModel) -> tuple[np.ndarray, np.ndarray]:
    """Latent cohesion and social-control perceptions of every resident, as the model's survey uses them.

    Cohesion mixes own trust with the mean trust of one's ties; control mixes
    own efficacy with the mean willingness to intervene of one's ties.
    """
    r, net = model.residents, model.network
    return survey.perceptions(r.trust, r.efficacy, net.tie_mean(r.trust, default=r.trust),
                              net.tie_mean(r.willingness, default=r.willingness))


def belonging_answers(model: CommunityModel, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Answers 1-5 to the belonging item of residents ``who``."""
    return survey.belonging(model.residents.trust[who], model.params.survey_noise, rng)


def respondents(model: CommunityModel, rng: np.random.Generator) -> np.ndarray:
    """``survey_sample`` residents per neighbourhood drawn without replacement (everyone if 0)."""
    nbhd, sample = model.place.resident_nbhd, model.params.survey_sample
    if sample == 0:
        return np.arange(len(nbhd))
    chosen = [rng.choice(members, min(sample, len(members)), replace=False)
              for members in (np.flatnonzero(nbhd == k) for k in range(model.place.n_nbhd))]
    return np.sort(np.concatenate(chosen))


def survey_rng(model: CommunityModel) -> np.random.Generator:
    """Generator for sampling and answer noise; drawing from it leaves the simulation untouched."""
    return np.random.default_rng(np.random.SeedSequence(model.seed, spawn_key=(SURVEY_STREAM,)))


def survey_wave(model: CommunityModel, rng: np.random.Generator) -> pd.DataFrame:
    """One survey wave today: a row per respondent with raw answers to the 10 items and belonging."""
    who = respondents(model, rng)
    cohesion, control = perceptions(model)
    answers = survey.answer(cohesion[who], control[who], model.params.survey_noise, rng)
    table = pd.DataFrame({"resident": who, "neighbourhood": model.place.resident_nbhd[who],
                          "day": model.day})
    for col, values in zip(ITEM_COLUMNS, answers.T):
        table[col] = values
    table["belonging"] = belonging_answers(model, who, rng)
    return table


def simulated_survey(model: CommunityModel, steps: int, waves: int = 2) -> pd.DataFrame:
    """Run ``model`` for ``steps`` days, surveying ``waves`` times evenly from today to the last day."""
    rng = survey_rng(model)
    start = model.day
    days = np.unique(np.linspace(start, start + steps, max(waves, 1)).round().astype(int))
    frames = []
    for day in days:
        if day > model.day:
            model.run_for(int(day) - model.day)
        frames.append(survey_wave(model, rng))
    return pd.concat(frames, ignore_index=True)


def score_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per wave and neighbourhood: mean collective efficacy score (1-5) and share belonging (answer 4-5)."""
    scored = survey.score(table[list(ITEM_COLUMNS)].to_numpy())
    return (table.assign(collective_efficacy=scored.mean(axis=1), belongs=table["belonging"] >= 4)
            .groupby(["day", "neighbourhood"])[["collective_efficacy", "belongs"]].mean().reset_index())


def expected_item_score(latent: np.ndarray, noise: float) -> np.ndarray:
    """Expected score (1-5) of one item for latent agreement ``latent`` (reverse-scoring leaves it unchanged)."""
    centre = 1 + 4 * np.asarray(latent, dtype=np.float64)
    sd = max(4 * noise, 1e-9)
    above = norm.sf((np.arange(1.5, 5.0)[:, None] - centre) / sd)   # P(answer > k) for k = 1..4
    return 1 + above.sum(axis=0)


def expected_ce(model: CommunityModel) -> float:
    """Expected collective efficacy score (1-5) of the whole area today, without sampling noise."""
    cohesion, control = perceptions(model)
    noise = model.params.survey_noise
    return float((expected_item_score(cohesion, noise) + expected_item_score(control, noise)).mean() / 2)


def params_for_observed_ce(target: float, base: Params | None = None, seed: int = 0,
                           tolerance: float = 0.005) -> dict[str, float]:
    """Overrides of ``cohesion_mean`` and ``efficacy_mean`` whose day-0 expected score equals ``target``.

    Both means are shifted by the same amount (keeping their gap) and the
    shift is found by bisection on the expected score of the model built
    with ``seed``. Raises :class:`ParameterError` if ``target`` cannot be reached.
    """
    base = base or Params()
    gap = base.efficacy_mean - base.cohesion_mean
    lo, hi = -min(base.cohesion_mean, base.efficacy_mean), 1 - max(base.cohesion_mean, base.efficacy_mean)

    def overrides(shift: float) -> dict[str, float]:
        cohesion = min(max(base.cohesion_mean + shift, 0.0), 1.0)
        return {"cohesion_mean": cohesion, "efficacy_mean": min(max(cohesion + gap, 0.0), 1.0)}

    def score(shift: float) -> float:
        return expected_ce(CommunityModel(base.replace(**overrides(shift)), rng=seed))

    low, high = score(lo), score(hi)
    if not 1 <= target <= 5 or not low <= target <= high:
        raise ParameterError(f"observed collective efficacy {target:g}: expected a score in "
                             f"[{low:.2f}, {high:.2f}] (reachable by cohesion_mean/efficacy_mean with "
                             f"these parameters; the scale runs 1-5)")
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        value = score(mid)
        if abs(value - target) < tolerance:
            return overrides(mid)
        lo, hi = (mid, hi) if value < target else (lo, mid)
    return overrides((lo + hi) / 2)
