"""Tests of the simulated collective efficacy survey."""

import numpy as np

from simulation import survey


def test_ten_items_five_per_subscale():
    assert len(survey.ITEMS) == 10 and survey.COHESION.sum() == 5


def test_answers_are_likert_and_reverse_worded_items_are_reverse_scored():
    rng = np.random.default_rng(0)
    high = np.full(2000, 0.95)
    answers = survey.answer(high, high, noise=0.05, rng=rng)
    assert answers.min() >= 1 and answers.max() <= 5
    assert (answers[:, survey.REVERSED] <= 2).all()       # people disagree with "don't get along"
    assert (survey.score(answers) >= 4).all()


def test_scores_rise_with_the_latent_perception():
    rng = np.random.default_rng(1)
    low = survey.score(survey.answer(np.full(5000, 0.2), np.full(5000, 0.2), 0.15, rng)).mean()
    high = survey.score(survey.answer(np.full(5000, 0.7), np.full(5000, 0.7), 0.15, rng)).mean()
    assert 1 < low < high < 5
