"""The collective efficacy survey as an evaluator would field it, kept apart from the true state it measures.

**True collective efficacy** (recorded every day by :mod:`simulation.metrics`) is a
property of the neighbourhood: cohesion is residents' mean trust in
neighbours, informal social control their mean willingness to intervene
(0-1), and collective efficacy the mean of the two (Sampson, Raudenbush &
Earls 1997).

**The survey** (:class:`Survey`) measures it in *waves*: on each wave day a
fresh sample of ``survey_sample`` residents per neighbourhood (without
replacement; a repeated cross-section) answers the 10 items of Sampson et
al. (1997) on a 1-5 agreement scale, plus the Community Life Survey
belonging item. Answers follow an ordinal item-response model (the graded
response model, Samejima 1969):

* each respondent perceives their neighbours: cohesion from own trust and
  their ties' mean trust, control from own efficacy and their ties' mean
  willingness (0-1), put on a latent scale ``theta = LATENT_UNITS (p - 0.5)``
  plus a stable personal perception offset (correlated between the two);
* item ``j`` is agreed with at level ``k`` or above with probability
  ``logistic(a_j (z - b_j - s_k e^{-x}))``, where ``z`` is the respondent's
  theta (minus theta for reverse-worded items) plus their acquiescence, ``a_j``
  and ``b_j`` the item's discrimination and location, ``s_k`` the category
  steps and ``x`` the respondent's extreme-response style (Baumgartner &
  Steenkamp 2001);
* an item is left unanswered ("don't know") with chance ``survey_dont_know``.

Every draw comes from the survey's own streams (``survey:persons`` once,
``survey`` on a wave day), never from the dynamics', so measuring changes
nothing in the simulated world, and strategies compared on one seed are
surveyed with the same respondents, styles and answer draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.component import Component
from simulation.fields import ParameterError, Section, param


@dataclass(frozen=True)
class Item:
    """One survey item: subscale, wording, reverse-worded, discrimination and location (latent scale)."""

    subscale: str
    wording: str
    reversed: bool
    discrimination: float
    location: float


ITEM_SOURCE = ("wording: Sampson, Raudenbush & Earls 1997; discriminations and locations assumed (reverse-worded "
               "items discriminate less; intervening over a fight is likelier than over truancy)")
ITEMS: tuple[Item, ...] = (
    Item("cohesion", "People around here are willing to help their neighbours.", False, 2.0, -0.4),
    Item("cohesion", "This is a close-knit neighbourhood.", False, 1.8, 0.4),
    Item("cohesion", "People in this neighbourhood can be trusted.", False, 2.2, 0.0),
    Item("cohesion", "People in this neighbourhood generally don't get along with each other.", True, 1.3, 0.2),
    Item("cohesion", "People in this neighbourhood do not share the same values.", True, 1.1, -0.2),
    Item("control", "Neighbours would do something if children were skipping school and hanging out.", False, 1.8,
         0.5),
    Item("control", "Neighbours would do something if children were spray-painting graffiti.", False, 2.0, -0.2),
    Item("control", "Neighbours would do something if children were showing disrespect to an adult.", False, 1.7,
         0.3),
    Item("control", "Neighbours would do something if a fight broke out in front of their house.", False, 1.6, -0.4),
    Item("control", "Neighbours would organise to keep the local fire station open if threatened.", False, 1.5,
         -0.6),
)
BELONGING = "I feel I belong to this neighbourhood."
COHESION = np.array([i.subscale == "cohesion" for i in ITEMS])
REVERSED = np.array([i.reversed for i in ITEMS])
DISCRIMINATION = np.array([i.discrimination for i in ITEMS])
LOCATION = np.array([i.location for i in ITEMS])
STEPS = np.array([-1.5, -0.5, 0.5, 1.5])
"""Category steps of every item around its location (assumed: evenly spaced)."""
LATENT_UNITS = 4.0
"""Latent units per unit of perception (0-1): theta runs from -2 to 2 (assumed scaling)."""
SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
DONT_KNOW = 0
"""Code of an unanswered item in the raw answers (missing in exported files)."""
PHDCN = "PHDCN community survey: 8,782 residents in 343 neighbourhood clusters, ~25 each (Sampson et al. 1997)"


class SurveyParams(Section, title="Survey (measurement)"):
    survey_sample: int = param(25, "respondents", 0, 1_000_000, "assumed; " + PHDCN,
                               "Respondents per neighbourhood in each survey wave (0 = everyone).")
    survey_days: str = param("", "days", None, None, "scenario",
                             "Wave days, comma-separated (e.g. '0,365,730'); empty = the start and end of the "
                             "funded period, then every survey_follow_up_days.", ui=False)
    survey_follow_up_days: int = param(365, "days", 0, 36_500, "assumed; yearly follow-ups",
                                       "Days between follow-up waves after the funding ends (0 = none).")
    survey_perception_sd: float = param(0.8, "latent sd", 0.0, 5.0, "calibrated: neighbourhood ICC of the "
                                        "collective efficacy scale about 0.14, within 0.10-0.25 (calibration "
                                        "target; Raudenbush & Sampson 1999)",
                                        "Spread of respondents' stable personal offsets in how they perceive their "
                                        "neighbours.")
    survey_perception_corr: float = param(0.5, "correlation", -1.0, 1.0, "assumed",
                                          "Correlation of a respondent's cohesion and control perception offsets.")
    survey_acquiescence_sd: float = param(0.3, "latent sd", 0.0, 3.0, "assumed; response styles (Baumgartner & "
                                          "Steenkamp 2001)", "Spread of respondents' tendency to agree with any item.")
    survey_extremity_sd: float = param(0.3, "log-scale sd", 0.0, 3.0, "assumed; response styles (Baumgartner & "
                                       "Steenkamp 2001)",
                                       "Spread of respondents' preference for the end categories.")
    survey_dont_know: float = param(0.02, "prob", 0.0, 0.9, "assumed", "Chance an item is left unanswered.")
    survey_noise: float = param(0.15, "0-1", 0.0, 1.0, "assumed",
                                "Response noise of the belonging item (latent 0-1 scale).")

    @staticmethod
    def check(params) -> None:
        """``survey_days`` must be empty or whole days >= 0."""
        parse_days(params.survey_days)


def parse_days(text: str) -> tuple[int, ...]:
    """Wave days from text like '0, 365, 730' (sorted, distinct); () for empty text."""
    if not text.strip():
        return ()
    try:
        days = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise ParameterError(f"survey_days={text!r}: expected whole days >= 0 separated by commas, "
                             "e.g. '0,365,730' (or empty for the funded period and yearly follow-ups)") from None
    if days[0] < 0:
        raise ParameterError(f"survey_days={text!r}: expected whole days >= 0")
    return tuple(days)


def wave_days(params, horizon: int = 36_500) -> tuple[int, ...]:
    """Wave days: ``survey_days`` if given, else the funding's start and end, then every
    ``survey_follow_up_days`` after the end (up to ``horizon``)."""
    given = parse_days(params.survey_days)
    if given:
        return given
    start, end = params.organising_start_day, params.organising_end_day
    step = params.survey_follow_up_days
    follow = range(end + step, horizon + 1, step) if step > 0 else ()
    return tuple(sorted({start, end, *follow}))


def wave_label(day: int, params) -> str:
    """Plain name of a wave day: 'baseline', 'end of funding', 'end + N days' or 'day N'."""
    start, end = params.organising_start_day, params.organising_end_day
    if day == start:
        return "baseline"
    if day == end:
        return "end of funding"
    if day > end and (day - end) % 365 == 0:
        return f"end + {(day - end) // 365} year{'s' if day - end > 365 else ''}"
    return f"day {day}"


def perceptions(trust: np.ndarray, efficacy: np.ndarray, tie_trust: np.ndarray, tie_willingness: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Perceived (cohesion, informal control) in [0, 1] from own and ties' attitudes."""
    return 0.5 * trust + 0.5 * tie_trust, 0.5 * efficacy + 0.5 * tie_willingness


def thetas(cohesion: np.ndarray, control: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Latent (respondents x 2) cohesion and control of respondents with personal ``offsets``."""
    return LATENT_UNITS * (np.column_stack([cohesion, control]) - 0.5) + offsets


def agreement_probabilities(theta: np.ndarray, acquiescence: np.ndarray, extremity: np.ndarray) -> np.ndarray:
    """P(answer >= k + 1) for k = 1..4 (respondents x items x 4), graded response model with response styles.

    ``theta`` is (respondents x 2): cohesion and control.
    """
    z = np.where(COHESION, theta[:, :1], theta[:, 1:2])
    z = np.where(REVERSED, -z, z) + acquiescence[:, None]
    thresholds = LOCATION[None, :, None] + STEPS[None, None, :] * np.exp(-extremity)[:, None, None]
    logit = DISCRIMINATION[None, :, None] * (z[:, :, None] - thresholds)
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -50.0, 50.0)))


def answer(theta: np.ndarray, acquiescence: np.ndarray, extremity: np.ndarray, u: np.ndarray,
           missing: np.ndarray) -> np.ndarray:
    """Raw answers 1-5 (respondents x items; reverse-worded items answered as worded), 0 where ``missing``.

    One uniform ``u`` per answer, inverse-CDF: a higher latent never gives a lower answer for the same ``u``.
    """
    answers = 1 + (u[:, :, None] < agreement_probabilities(theta, acquiescence, extremity)).sum(axis=2)
    return np.where(missing, DONT_KNOW, answers).astype(np.int8)


def expected_answers(theta: np.ndarray, acquiescence: np.ndarray, extremity: np.ndarray) -> np.ndarray:
    """Expected answer 1-5 of each respondent to each item (as worded, none missing)."""
    return 1 + agreement_probabilities(theta, acquiescence, extremity).sum(axis=2)


def score(answers: np.ndarray) -> np.ndarray:
    """Answers reverse-scored where needed (1-5, higher = more collective efficacy); unanswered stay 0."""
    return np.where(answers == DONT_KNOW, DONT_KNOW, np.where(REVERSED, 6 - answers, answers))


def scale_scores(answers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each respondent's cohesion, control and collective efficacy (all 10 items) scores: the mean of the items
    they answered (NaN if none)."""
    scored = score(answers).astype(np.float64)
    answered = scored != DONT_KNOW

    def mean(items: np.ndarray) -> np.ndarray:
        count = answered[:, items].sum(axis=1)
        return np.where(count > 0, scored[:, items].sum(axis=1) / np.maximum(count, 1), np.nan)
    return mean(COHESION), mean(~COHESION), mean(np.ones(len(ITEMS), dtype=bool))


def likert(latent: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Agreement 1-5 with a statement whose latent agreement is ``latent`` in [0, 1] (the belonging item)."""
    return np.clip(np.rint(1 + 4 * latent + rng.normal(0, 4 * noise, latent.shape)), 1, 5).astype(np.int8)


def belonging(trust: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Answers 1-5 to the belonging item, from own trust (the instrument ``cohesion_mean`` is calibrated on)."""
    return likert(trust, noise, rng)


@dataclass(frozen=True)
class Wave:
    """One fielded wave: respondents, their neighbourhood, raw answers (0 = don't know) and belonging."""

    day: int
    respondents: np.ndarray
    nbhd: np.ndarray
    answers: np.ndarray
    belonging: np.ndarray


class Survey(Component):
    """Survey fieldwork: on each wave day, after the day's events, a sample of residents answers the items."""

    name = "survey"
    sections = (SurveyParams,)

    def __init__(self, model) -> None:
        super().__init__(model)
        p, n = self.p, model.residents.n
        rng = model.streams.generator("survey:persons")
        rho = p.survey_perception_corr
        z = rng.standard_normal((n, 2))
        self.offsets = p.survey_perception_sd * np.column_stack([z[:, 0], rho * z[:, 0] +
                                                                 np.sqrt(1 - rho ** 2) * z[:, 1]])
        self.acquiescence = p.survey_acquiescence_sd * rng.standard_normal(n)
        self.extremity = p.survey_extremity_sd * rng.standard_normal(n)
        self.days = frozenset(wave_days(p))
        self.waves: list[Wave] = []
        self._field()

    def step(self) -> None:
        """Field a wave if today is a wave day."""
        self._field()

    def _field(self) -> None:
        m = self.model
        if m.today not in self.days or (self.waves and self.waves[-1].day == m.today):
            return
        self.waves.append(self.wave(m.streams.day("survey", m.today)))

    def respondents(self, rng: np.random.Generator) -> np.ndarray:
        """``survey_sample`` residents per neighbourhood without replacement (everyone if 0 or fewer live there)."""
        pop, sample = self.model.population, self.p.survey_sample
        if sample == 0:
            return np.arange(self.model.residents.n)
        chosen = [rng.choice(pop.members(k), min(sample, int(pop.nbhd_count[k])), replace=False)
                  for k in range(pop.n_nbhd)]
        return np.concatenate(chosen)

    def perceived(self, who: np.ndarray) -> np.ndarray:
        """Latent cohesion and control (respondents x 2) of residents ``who`` today."""
        from agents.residents import willingness_to_intervene

        m, r = self.model, self.model.residents
        willing = willingness_to_intervene(r.trust, r.efficacy, r.fear, m.params.fear_withdrawal).astype(np.float32)
        tie_trust, tie_willing = m.population.tie_means(r.trust, willing, rows=who)
        cohesion, control = perceptions(r.trust[who], r.efficacy[who], tie_trust, tie_willing)
        return thetas(cohesion, control, self.offsets[who])

    def wave(self, rng: np.random.Generator) -> Wave:
        """Field one wave today with draws from ``rng``."""
        m, p = self.model, self.p
        who = self.respondents(rng)
        u, u_missing = rng.random((2, len(who), len(ITEMS)))
        answers = answer(self.perceived(who), self.acquiescence[who], self.extremity[who], u,
                         u_missing < p.survey_dont_know)
        return Wave(m.today, who, m.population.nbhd[who], answers, belonging(m.residents.trust[who], p.survey_noise,
                                                                             rng))

    def today(self) -> Wave | None:
        """The wave fielded today, if any."""
        return self.waves[-1] if self.waves and self.waves[-1].day == self.model.today else None
