"""Pattern checks: each passes on data showing the pattern and fails on data that does not."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.validate import (CALIBRATION, INDEPENDENT, belonging, burglary_failed, burglary_someone_home,
                                  ce_crime_association, crime_concentration, displacement, distance_decay,
                                  ecometric_checks, ecometrics, mobilisation, mobilised, neighbourhood_table,
                                  persistence_checks, share_of_units_holding, validate)
from experiments.cli import app
from simulation.model import CommunityModel
from simulation.state import Stage

N_SEGMENTS = 1000


def crime_log(segments: np.ndarray, distances: np.ndarray | None = None) -> pd.DataFrame:
    n = len(segments)
    return pd.DataFrame({"segment": segments, "outcome": "completed",
                         "distance_km": np.ones(n) if distances is None else distances})


def test_share_of_units_holding_counts_the_fewest_units_reaching_the_share():
    assert share_of_units_holding(np.array([6, 2, 1, 1, 0])) == 1 / 5
    assert share_of_units_holding(np.array([1, 1, 1, 1])) == 2 / 4
    assert np.isnan(share_of_units_holding(np.zeros(3)))


def test_uniform_crime_fails_concentration_and_concentrated_crime_passes():
    rng = np.random.default_rng(0)
    uniform = crime_concentration(crime_log(rng.integers(0, N_SEGMENTS, 5000)), N_SEGMENTS, rng)
    assert not uniform.passed and uniform.value > 0.2
    hot = rng.integers(0, 40, 2500)                      # half the crime on 4% of segments
    concentrated = crime_concentration(crime_log(np.concatenate([hot, rng.integers(0, N_SEGMENTS, 2500)])),
                                       N_SEGMENTS, rng)
    assert concentrated.passed, concentrated


def test_concentration_fails_when_it_is_only_an_artefact_of_few_crimes():
    rng = np.random.default_rng(1)
    sparse = crime_concentration(crime_log(rng.choice(N_SEGMENTS, 60, replace=False)), N_SEGMENTS, rng)
    assert 0.02 <= sparse.value <= 0.06      # in the band by construction ...
    assert not sparse.passed                 # ... but no more concentrated than chance


def test_ce_crime_association_needs_a_negative_coefficient():
    rng = np.random.default_rng(2)
    ce = rng.normal(3, 0.3, 200)
    table = pd.DataFrame({"replicate": np.repeat([0, 1], 100), "collective_efficacy": ce})
    negative = ce_crime_association(table.assign(crime_rate=50 - 40 * ce + rng.normal(0, 12, 200)))
    assert negative.passed and -0.7 < negative.value < -0.1
    assert not ce_crime_association(table.assign(crime_rate=rng.normal(30, 5, 200))).passed
    assert not ce_crime_association(table.assign(crime_rate=10 + 20 * ce)).passed


def test_neighbourhood_table_rates_per_thousand_residents_per_year():
    results = pd.DataFrame({"step": [0, 1, 2, 0, 1, 2], "neighbourhood": [0, 0, 0, 1, 1, 1],
                            "collective_efficacy": [9, 3, 3, 9, 2, 2], "completed": [0, 1, 1, 0, 0, 0],
                            "stage_passive": [500] * 6})
    table = neighbourhood_table(results)
    assert table["collective_efficacy"].tolist() == [3, 2]              # day 0 left out
    assert np.allclose(table["crime_rate"], [1000 * 2 / 500 * 365 / 2, 0])


def test_distance_decay_passes_decay_and_fails_increase():
    rng = np.random.default_rng(3)
    segments = np.zeros(3000, dtype=int)
    assert distance_decay(crime_log(segments, rng.exponential(1.0, 3000))).passed
    increasing = distance_decay(crime_log(segments, 5 * np.sqrt(rng.random(3000))))
    assert not increasing.passed and increasing.value > 0


def test_belonging_band():
    assert belonging(np.array([5] * 62 + [2] * 38)).passed
    assert not belonging(np.array([4] * 35 + [3] * 65)).passed


def test_mobilisation_counts_only_those_listened_to():
    listened = np.array([True] * 100 + [False] * 100)
    active = np.zeros(200, dtype=bool)
    active[:16] = True
    active[100:] = True                                  # joiners never listened to do not count
    assert mobilisation(listened, active).value == 0.16
    active[:60] = True
    assert not mobilisation(listened, active).passed


def test_mobilised_counts_those_active_after_being_listened_to():
    model = CommunityModel("listening_led", rng=4, n_residents=600, n_neighbourhoods=2)
    model.run_for(120)
    listened, active = mobilised(model)
    r = model.residents
    assert listened.sum() > 0 and active.sum() > 0
    assert np.all(r.stage[listened] >= Stage.LISTENED)
    assert np.all(listened[active]) and np.all(r.t_active[active] >= r.t_listened[active])
    assert np.all(active[listened & (r.stage >= Stage.ACTIVE)])


def survey_wave(icc: float, rng: np.random.Generator, k: int = 25, n: int = 25, r: float = 0.8):
    """Respondent scores: the CE scale with a known neighbourhood ICC, and cohesion and control subscales whose
    neighbourhood means correlate at ``r`` before sampling noise."""
    nbhd = np.repeat(np.arange(k), n)
    shared = rng.multivariate_normal([0, 0], [[icc, r * icc], [r * icc, icc]], k)
    cohesion, control = (shared[nbhd] + rng.normal(0, np.sqrt(1 - icc), (k * n, 2))).T
    ce = rng.normal(0, np.sqrt(icc), k)[nbhd] + rng.normal(0, np.sqrt(1 - icc), k * n)
    return nbhd, cohesion, control, ce


def test_ecometrics_recover_a_known_icc_and_reliability():
    rng = np.random.default_rng(5)
    iccs, rels = [], []
    for _ in range(40):
        icc, reliability, _ = ecometrics(*survey_wave(0.15, rng))
        iccs.append(icc)
        rels.append(reliability)
    assert 0.12 < np.mean(iccs) < 0.2
    assert np.mean(rels) == pytest.approx(25 * 0.15 / (1 + 24 * 0.15), abs=0.05)     # Spearman-Brown


def test_ecometric_checks_pass_a_realistic_survey_and_fail_a_too_clustered_one():
    rng = np.random.default_rng(6)
    def table(icc):
        rows = [dict(zip(("icc", "reliability", "correlation"), ecometrics(*survey_wave(icc, rng))),
                     respondents=625, neighbourhoods=25) for _ in range(10)]
        return pd.DataFrame(rows)
    assert all(c.passed for c in ecometric_checks(table(0.15))[:1])
    assert not ecometric_checks(table(0.5))[0].passed and not ecometric_checks(table(0.5))[2].passed


def test_persistence_checks_fail_growth_after_funding():
    steps = np.arange(0, 1096)
    def area(active_after, ce_slope):
        return pd.DataFrame({"step": steps, "active": np.where(steps <= 365, steps / 3.65, active_after),
                             "collective_efficacy": 0.5 + ce_slope * np.maximum(steps - 365, 0) / 365})
    decaying = persistence_checks([area(80.0, -0.002)], 365, 730)
    assert all(c.passed for c in decaying) and decaying[0].value == pytest.approx(0.8)
    growing = persistence_checks([area(250.0, 0.05)], 365, 730)
    assert not any(c.passed for c in growing)


def test_validate_runs_every_check_on_a_small_area():
    checks = validate(steps=120, seed=1, replicates=1, overrides={"n_residents": 8000, "n_neighbourhoods": 4},
                      follow_up_days=60)
    assert len(checks) == 13
    assert all(c.source and c.band and c.kind in (CALIBRATION, INDEPENDENT) for c in checks)
    assert {c.pattern.split(":")[0] for c in checks if c.kind == CALIBRATION} == {
        "crime concentration", "outcome split", "belonging", "mobilisation", "ecometrics"}
    assert all(np.isfinite(c.value) for c in checks)


def test_validate_command_prints_the_table_and_rejects_bad_sets(tmp_path):
    runner = CliRunner()
    out = tmp_path / "checks.csv"
    result = runner.invoke(app, ["validate", "--steps", "30", "--replicates", "1", "--set", "n_residents=1500",
                                 "--set", "n_neighbourhoods=4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Weisburd" in result.output and "patterns within their band" in result.output
    assert len(pd.read_csv(out)) == 13 and "Independent tests within their band" in result.output
    bad = runner.invoke(app, ["validate", "--set", "n_residents=lots"])
    assert bad.exit_code == 2 and "n_residents" in bad.output


def burglary_results(attempted: int, completed: int, someone_home: int) -> pd.DataFrame:
    zero = {col: 0 for col in ("attempted", "failed_entry", "foiled_by_occupants", "foiled_by_hardening",
                               "interventions")}
    return pd.DataFrame([{**zero, "attempted": attempted, "attempted_burglary": attempted,
                          "completed_burglary": completed, "burglaries_someone_home": someone_home}])


def test_burglary_outcome_split_against_the_british_crime_survey():
    assert burglary_failed(burglary_results(100, 55, 25)).passed
    assert not burglary_failed(burglary_results(100, 80, 25)).passed
    assert burglary_someone_home(burglary_results(100, 55, 27)).passed
    assert not burglary_someone_home(burglary_results(100, 55, 60)).passed
    assert burglary_failed(burglary_results(100, 55, 25)).kind == CALIBRATION


def test_displacement_check_passes_diffusion_and_partial_displacement_but_not_more_than_the_benefit():
    area, ring = np.array([100.0, 110.0, 90.0]), np.array([500.0, 520.0, 480.0])
    diffusion = displacement(area, area - 20, ring, ring - 5)
    assert diffusion.passed and diffusion.value > 0 and "diffusion" in diffusion.detail
    assert displacement(area, area - 20, ring, ring + 10).passed
    assert not displacement(area, area - 20, ring, ring + 30).passed          # displacement beyond the benefit
    assert not displacement(area, area + 5, ring, ring - 5).passed            # no benefit in the area
    assert diffusion.kind == INDEPENDENT


def test_ecometric_checks_fail_without_a_survey_wave() -> None:
    from experiments.validate import ecometric_checks

    checks = ecometric_checks(pd.DataFrame())
    assert len(checks) == 3 and not any(c.passed for c in checks)
    assert all("no survey wave" in c.detail for c in checks)
