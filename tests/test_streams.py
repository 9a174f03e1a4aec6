"""Named random streams: each process draws from its own, so processes and measurement never shift each other."""

import numpy as np
import pandas as pd
import pytest

from agents.hardening import Hardening
from simulation import CommunityModel
from simulation.metrics import METRICS
from simulation.streams import Streams, stream_key

SMALL = {"n_residents": 800, "n_neighbourhoods": 2, "offenders_per_1000": 20.0}
SURVEY = [name for name in METRICS if name.startswith("survey_")]


def run(scenario="baseline", steps=90, seed=3, **overrides):
    model = CommunityModel(scenario, rng=seed, **{**SMALL, **overrides})
    model.run_for(steps)
    return model


def dynamics(model: CommunityModel) -> pd.DataFrame:
    """Every recorded outcome except what the survey measures."""
    return model.results().drop(columns=SURVEY)


def test_a_day_of_a_stream_is_the_same_whatever_was_drawn_before():
    streams = Streams(11)
    first = streams.day("offending", 5).random(4)
    streams.day("offending", 4).random(1000)
    streams.day("presence", 5).random(1000)
    assert np.array_equal(Streams(11).day("offending", 5).random(4), first)


def test_streams_differ_by_name_day_and_seed():
    draws = {(name, day, seed): Streams(seed).day(name, day).random()
             for name in ("offending", "presence") for day in (1, 2) for seed in (1, 2)}
    assert len(set(draws.values())) == len(draws)
    assert stream_key("offending") == stream_key("offending") != stream_key("presence")


@pytest.mark.parametrize("survey", [{"survey_sample": 300}, {"survey_days": "0,10,30,60"},
                                    {"survey_perception_sd": 2.0, "survey_acquiescence_sd": 1.0,
                                     "survey_dont_know": 0.3}])
def test_changing_the_survey_leaves_every_dynamic_output_identical(survey):
    plain, other = run("listening_led", survey_days="0,30"), run("listening_led", **{"survey_days": "0,30", **survey})
    pd.testing.assert_frame_equal(dynamics(plain), dynamics(other))
    pd.testing.assert_frame_equal(plain.crime_log(), other.crime_log())
    assert not plain.results()["survey_ce"].equals(other.results()["survey_ce"])
    assert "collective_efficacy" not in SURVEY        # the true value is a dynamic output


def test_switching_hardening_on_leaves_organiser_contacts_identical():
    plain, hardened = run("listening_led"), run("listening_led", hardening_budget_gbp=200_000.0)
    assert hardened.residents.hardened.sum() > 0
    pd.testing.assert_series_equal(plain.results()["organiser_contacts"], hardened.results()["organiser_contacts"])


@pytest.mark.parametrize("overrides", [{"n_organisers": 0}, {"listening_per_day": 0.0},
                                       {"watch_contacts_per_day": 0.0, "organising": "neighbourhood_watch"}])
def test_a_strategy_that_reaches_nobody_gives_the_baselines_crime_log(overrides):
    baseline = run("baseline")
    idle = run("listening_led", **overrides)
    assert len(baseline.crime_log()) > 20
    pd.testing.assert_frame_equal(baseline.crime_log(), idle.crime_log())


def test_extra_draws_in_one_process_do_not_shift_the_others(monkeypatch):
    before = run("target_hardening")
    original = Hardening.step

    def greedy_step(self):
        self.rng().random(10_000)          # a process that draws more than before...
        original(self)
    monkeypatch.setattr(Hardening, "step", greedy_step)
    after = run("target_hardening")
    pd.testing.assert_frame_equal(before.crime_log(), after.crime_log())   # ...shifts nobody else's draws
    pd.testing.assert_frame_equal(dynamics(before), dynamics(after))


def test_paired_runs_meet_the_same_attempts_until_a_strategy_changes_them():
    """Who tries on which day, and what, depends only on the offending stream and motivation."""
    baseline, listening = run("baseline", youth_gain=0.0), run("listening_led", youth_gain=0.0)

    def attempts(model):
        log = model.crime_log()
        log = log[log["crime_type"] != "robbery"]   # a robbery also needs its victim out: presence can differ
        return set(zip(log["step"], log["offender"], log["crime_type"]))
    assert len(attempts(baseline)) > 20 and attempts(baseline) == attempts(listening)
