"""Named random streams: each process draws from its own, so processes and measurement never shift each other."""

import numpy as np
import pandas as pd
import pytest

from agents.hardening import Hardening
from agents.offenders import Offending, crime_type
from agents.youth import YouthProvision
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


def readiness(monkeypatch, scenario="baseline", **overrides) -> list[tuple[int, tuple[int, ...], tuple[int, ...]]]:
    """(day, offenders ready, their crime types) of every day of a run."""
    seen = []
    original = Offending._decide

    def spy(self, ready, u):
        seen.append((self.model.today, tuple(ready), tuple(crime_type(u["kind"], self.shares))))
        original(self, ready, u)
    monkeypatch.setattr(Offending, "_decide", spy)
    run(scenario, **overrides)
    monkeypatch.setattr(Offending, "_decide", original)
    return seen


def daily_draws(monkeypatch, scenario="baseline", **overrides) -> list[dict[str, np.ndarray]]:
    """The offending phase's uniforms of every day of a run."""
    seen = []
    original = Offending.draws

    def spy(self):
        u = original(self)
        seen.append(u)
        return u
    monkeypatch.setattr(Offending, "draws", spy)
    run(scenario, **overrides)
    monkeypatch.setattr(Offending, "draws", original)
    return seen


def test_paired_runs_meet_the_same_random_circumstances_whatever_the_strategy(monkeypatch):
    baseline, listening = daily_draws(monkeypatch, "baseline"), daily_draws(monkeypatch, "listening_led")
    assert len(baseline) == len(listening) == 90
    for a, b in zip(baseline, listening):
        assert all(np.array_equal(a[name], b[name]) for name in a)


def test_who_is_ready_and_for_what_depends_only_on_the_stream_until_offenders_learn_caution(monkeypatch):
    """Without discouragement after being caught, readiness is the same under every strategy."""
    baseline = readiness(monkeypatch, "baseline", caught_discouragement=0.0)
    listening = readiness(monkeypatch, "listening_led", caught_discouragement=0.0)
    assert len(baseline) > 20 and baseline == listening


def test_an_offenders_draws_do_not_depend_on_how_many_offenders_there_are(monkeypatch):
    """The ring's size changes the number of offenders, not the study area's offenders' daily draws."""
    study = int((CommunityModel("baseline", rng=3, **SMALL).offenders.nbhd >= 0).sum())
    narrow, wide = daily_draws(monkeypatch, ring_km=0.5), daily_draws(monkeypatch, ring_km=2.0)
    assert len(narrow[0]["ready"]) < len(wide[0]["ready"])
    for a, b in zip(narrow, wide):
        assert all(np.array_equal(a[name][:study], b[name][:study]) for name in a)


def test_the_ring_leaves_the_study_areas_world_unchanged():
    closed, open_ = CommunityModel("baseline", rng=3, ring_km=0.0, **SMALL), CommunityModel("baseline", rng=3, **SMALL)
    assert np.array_equal(closed.residents.trust, open_.residents.trust)
    assert np.array_equal(closed.network.edges()[0], open_.network.edges()[0])
    study = len(closed.offenders.nbhd)
    assert len(open_.offenders.nbhd) > study
    assert np.array_equal(closed.offenders.home_segment, open_.offenders.home_segment[:study])


def test_extra_draws_in_youth_provision_do_not_shift_offending(monkeypatch):
    before = run("listening_led", youth_effect=0.0)
    original = YouthProvision.step

    def greedy_step(self):
        self.rng().random(10_000)
        original(self)
    monkeypatch.setattr(YouthProvision, "step", greedy_step)
    after = run("listening_led", youth_effect=0.0)
    pd.testing.assert_frame_equal(before.crime_log(), after.crime_log())
    pd.testing.assert_frame_equal(dynamics(before), dynamics(after))
