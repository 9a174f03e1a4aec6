"""Survey waves as a survey data file, and neighbourhoods started from an observed collective efficacy score.

:func:`wave_table` turns the waves a model fielded (:class:`simulation.survey.Survey`)
into the file an evaluator would receive: one row per respondent with a
serial number, the wave, fieldwork day, area code, the area's deprivation
rank, a design weight, the raw answers to the 10 collective efficacy items
(Sampson, Raudenbush & Earls 1997; reverse-worded items as worded,
"don't know" missing) and the belonging item. :func:`codebook` documents its
variables.

:func:`params_for_observed_ce` finds the starting trust and efficacy levels
whose expected survey score equals an observed collective efficacy score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import survey
from simulation.model import CommunityModel
from simulation.params import Params, ParameterError

ITEM_COLUMNS: tuple[str, ...] = tuple(f"ce{i + 1:02d}" for i in range(len(survey.ITEMS)))
SURVEY_STREAM = 7
"""Spawn key of the belonging-check stream (independent of the model's own streams)."""


def belonging_answers(model: CommunityModel, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Answers 1-5 to the belonging item of residents ``who``."""
    return survey.belonging(model.residents.trust[who], model.params.survey_noise, rng)


def survey_rng(model: CommunityModel) -> np.random.Generator:
    """Generator for asking residents outside the waves (validation); drawing from it leaves the simulation
    untouched."""
    return np.random.default_rng(np.random.SeedSequence(model.seed, spawn_key=(SURVEY_STREAM,)))


def area_codes(n_nbhd: int) -> np.ndarray:
    """Area code of each neighbourhood ('N01', 'N02', ...)."""
    return np.array([f"N{k + 1:02d}" for k in range(n_nbhd)])


def wave_table(model: CommunityModel) -> pd.DataFrame:
    """Every wave fielded so far, one row per respondent, shaped like a survey data file (see :func:`codebook`)."""
    waves = model.processes["survey"].waves
    k = model.population.n_nbhd
    deprivation_rank = np.argsort(np.argsort(-model.place.deprivation)) + 1     # 1 = most deprived
    frames = []
    for number, wave in enumerate(waves, start=1):
        taken = np.bincount(wave.nbhd, minlength=k)
        frame = pd.DataFrame({
            "wave": number, "wave_label": survey.wave_label(wave.day, model.params), "fieldwork_day": wave.day,
            "area": area_codes(k)[wave.nbhd], "deprivation_rank": deprivation_rank[wave.nbhd],
            "weight": (model.population.nbhd_count / np.maximum(taken, 1))[wave.nbhd],
            "resident": wave.respondents})
        for column, values in zip(ITEM_COLUMNS, wave.answers.T):
            frame[column] = pd.array(np.where(values == survey.DONT_KNOW, pd.NA, values), dtype="Int8")
        frame["belong"] = pd.array(wave.belonging, dtype="Int8")
        frames.append(frame)
    columns = ["serial", "wave", "wave_label", "fieldwork_day", "area", "deprivation_rank", "weight", "resident",
               *ITEM_COLUMNS, "belong"]
    if not frames:
        return pd.DataFrame({c: [] for c in columns})
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "serial", np.arange(1, len(table) + 1))
    return table[columns]


def codebook() -> pd.DataFrame:
    """Variable, label and values of every column of :func:`wave_table`."""
    scale = "; ".join(f"{code} = {label}" for code, label in enumerate(survey.SCALE, start=1))
    rows = [("serial", "Respondent serial number", "1, 2, ..."),
            ("wave", "Survey wave", "1 = first wave, ..."),
            ("wave_label", "Wave", "baseline; end of funding; end + N years; day N"),
            ("fieldwork_day", "Day of fieldwork (day 0 = start of the simulation)", "whole days"),
            ("area", "Neighbourhood (area code)", "N01, N02, ..."),
            ("deprivation_rank", "Deprivation rank of the neighbourhood", "1 = most deprived"),
            ("weight", "Design weight: households in the area / respondents in the area this wave", "> 0"),
            ("resident", "Simulated household number (for linking to model output; not in a real file)", "0, 1, ...")]
    for column, item in zip(ITEM_COLUMNS, survey.ITEMS):
        reverse = " Reverse-worded: score 6 - answer." if item.reversed else ""
        rows.append((column, f"[{item.subscale}] {item.wording}{reverse}", f"{scale}; missing = don't know"))
    rows.append(("belong", survey.BELONGING, scale))
    return pd.DataFrame(rows, columns=["variable", "label", "values"])


def evenly_spaced_days(steps: int, waves: int) -> list[int]:
    """``waves`` wave days spread evenly from day 0 to day ``steps`` (distinct whole days)."""
    return sorted({int(d) for d in np.linspace(0, steps, max(waves, 1)).round()})


def simulated_survey(model: CommunityModel, steps: int) -> pd.DataFrame:
    """Run ``model`` for ``steps`` days and return every wave fielded (its wave days are ``survey_days`` or the
    funded period with yearly follow-ups)."""
    model.run_for(steps)
    return wave_table(model)


def score_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per wave and area: mean collective efficacy score of the answered items (1-5) and share belonging (4-5)."""
    answers = table[list(ITEM_COLUMNS)].fillna(survey.DONT_KNOW).to_numpy(np.int8)
    _, _, ce = survey.scale_scores(answers)
    return (table.assign(collective_efficacy=ce, belongs=table["belong"].to_numpy(float) >= 4)
            .groupby(["wave", "fieldwork_day", "area"])[["collective_efficacy", "belongs"]].mean().reset_index())


def expected_ce(model: CommunityModel) -> float:
    """Expected collective efficacy score (1-5) of the whole area today: every resident, no sampling, no
    missing answers."""
    instrument = model.processes["survey"]
    everyone = np.arange(model.residents.n)
    answers = survey.expected_answers(instrument.perceived(everyone), instrument.acquiescence, instrument.extremity)
    return float(np.where(survey.REVERSED, 6 - answers, answers).mean())


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
