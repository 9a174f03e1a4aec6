"""The fieldable survey: an ordinal item-response instrument with response styles, fielded in waves."""

import numpy as np
import pytest

from simulation import CommunityModel, ParameterError
from simulation import survey
from simulation.params import Params

SMALL = {"n_residents": 800, "n_neighbourhoods": 2}


def styles(n, acquiescence=0.0, extremity=0.0):
    return np.full(n, acquiescence), np.full(n, extremity)


def test_ten_items_five_per_subscale_and_not_parallel():
    assert len(survey.ITEMS) == 10 and survey.COHESION.sum() == 5
    theta = np.zeros((1, 2))
    expected = survey.expected_answers(theta, *styles(1))[0]
    assert len(np.unique(expected.round(3))) >= 8          # items differ in difficulty and discrimination


def test_answers_are_likert_or_missing_and_reverse_worded_items_are_reverse_scored():
    rng = np.random.default_rng(0)
    theta = np.full((2000, 2), 2.5)
    answers = survey.answer(theta, *styles(2000), rng.random((2000, 10)), np.zeros((2000, 10), dtype=bool))
    assert answers.min() >= 1 and answers.max() <= 5
    assert answers[:, survey.REVERSED].mean() < 2 < 4 < answers[:, ~survey.REVERSED].mean()
    assert survey.score(answers).mean() > 4
    missing = rng.random((2000, 10)) < 0.5
    assert (survey.answer(theta, *styles(2000), rng.random((2000, 10)), missing)[missing] == survey.DONT_KNOW).all()


def test_a_higher_latent_never_gives_a_lower_answer_for_the_same_draw():
    rng = np.random.default_rng(1)
    u, none = rng.random((500, 10)), np.zeros((500, 10), dtype=bool)
    low = survey.score(survey.answer(np.full((500, 2), -0.5), *styles(500), u, none))
    high = survey.score(survey.answer(np.full((500, 2), 0.5), *styles(500), u, none))
    assert (high >= low).all() and (high > low).any()


def test_acquiescence_raises_agreement_with_every_item_including_reverse_worded_ones():
    theta = np.zeros((1, 2))
    plain = survey.expected_answers(theta, *styles(1))[0]
    agreeing = survey.expected_answers(theta, *styles(1, acquiescence=1.0))[0]
    assert (agreeing > plain).all()          # so it partly cancels in the scale score


def test_extreme_responders_use_the_end_categories_more():
    rng = np.random.default_rng(2)
    u, none = rng.random((4000, 10)), np.zeros((4000, 10), dtype=bool)
    theta = rng.normal(0, 1, (4000, 2))
    plain = survey.answer(theta, *styles(4000), u, none)
    extreme = survey.answer(theta, *styles(4000, extremity=1.5), u, none)
    assert np.isin(extreme, (1, 5)).mean() > np.isin(plain, (1, 5)).mean() + 0.1


def test_scale_scores_average_the_answered_items():
    answers = np.array([[5, 5, 5, 1, 1, 3, 3, 3, 3, 3], [4, 0, 0, 0, 0, 0, 0, 0, 0, 0]], dtype=np.int8)
    cohesion, control, ce = survey.scale_scores(answers)
    assert cohesion[0] == 5 and control[0] == 3 and ce[0] == 4
    assert cohesion[1] == 4 and np.isnan(control[1]) and ce[1] == 4


def test_wave_days_default_to_the_funded_period_and_yearly_follow_ups():
    p = Params(organising_start_day=30, organising_end_day=395)
    assert survey.wave_days(p, horizon=1200) == (30, 395, 760, 1125)
    assert survey.wave_days(p.replace(survey_days="10, 0,10")) == (0, 10)
    assert [survey.wave_label(d, p) for d in (30, 395, 760, 1125, 50)] == [
        "baseline", "end of funding", "end + 1 year", "end + 2 years", "day 50"]


@pytest.mark.parametrize("text", ["0,a", "-5", "1;2"])
def test_bad_wave_days_name_the_field(text):
    with pytest.raises(ParameterError, match="survey_days"):
        Params(survey_days=text)


def test_waves_are_fielded_on_wave_days_only_with_the_sample_drawn_without_replacement():
    model = CommunityModel("listening_led", rng=3, survey_sample=30, survey_days="0,20,50", **SMALL)
    model.run_for(40)
    waves = model.processes["survey"].waves
    assert [w.day for w in waves] == [0, 20]
    for wave in waves:
        assert np.bincount(wave.nbhd).tolist() == [30, 30] and len(np.unique(wave.respondents)) == 60
    df = model.results()
    measured = df["survey_ce"].notna()
    assert set(df.loc[measured, "step"]) == {0, 20} and df.loc[measured, "survey_ce"].between(1, 5).all()
    assert df["collective_efficacy"].notna().all() and df["collective_efficacy"].between(0, 1).all()


def test_everyone_surveyed_matches_the_expected_score_of_the_instrument():
    from experiments.survey_export import expected_ce

    model = CommunityModel(None, rng=4, survey_sample=0, survey_dont_know=0.0, n_residents=3000, n_neighbourhoods=1)
    measured = model.results()["survey_ce"].iloc[0]
    assert measured == pytest.approx(expected_ce(model), abs=0.02)


def test_the_survey_tracks_true_collective_efficacy_across_neighbourhoods():
    model = CommunityModel(None, rng=5, survey_sample=0, n_residents=6000, n_neighbourhoods=9)
    day0 = model.results()
    assert np.corrcoef(day0["collective_efficacy"], day0["survey_ce"])[0, 1] > 0.8


def test_paired_strategies_are_surveyed_with_the_same_respondents():
    waves = [CommunityModel(s, rng=6, **SMALL).processes["survey"].waves[0] for s in ("baseline", "listening_led")]
    assert np.array_equal(waves[0].respondents, waves[1].respondents)
    assert np.array_equal(waves[0].answers, waves[1].answers)
