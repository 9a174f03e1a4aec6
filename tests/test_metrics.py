"""The metric registry: every outcome defined once, recorded every day, combined and summarised by its kind."""

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import CommunityModel
from simulation.metrics import KINDS, METRICS, aggregate
from simulation.output import area_series, summarise
from simulation.state import CRIME_TYPES, Stage

SMALL = {"n_residents": 600, "n_neighbourhoods": 3, "offenders_per_1000": 20.0, "network_metrics_every": 5}


def test_every_metric_has_a_kind_unit_and_label():
    for name, metric in METRICS.items():
        assert metric.name == name and metric.kind in KINDS and metric.unit and metric.label


def test_results_columns_are_the_registry_in_order():
    model = CommunityModel("listening_led", rng=1, **SMALL)
    model.run_for(3)
    assert list(model.results().columns) == ["step", "neighbourhood", *METRICS]


def test_crime_types_and_stages_each_get_their_outcomes():
    for c in CRIME_TYPES:
        assert {f"attempted_{c.name}", f"completed_{c.name}", f"foiled_{c.name}"} <= set(METRICS)
    assert {f"stage_{s.name.lower()}" for s in Stage} <= set(METRICS)


def test_aggregate_sums_counts_and_weights_means_by_population():
    weights = np.array([100.0, 300.0])
    assert aggregate(np.array([2.0, 5.0]), "flow", weights) == 7.0
    assert aggregate(np.array([1.0, 2.0]), "mean", weights) == pytest.approx(1.75)
    assert np.isnan(aggregate(np.array([np.nan, np.nan]), "mean", weights))


def test_summary_totals_flows_reads_states_at_the_end_and_scores_change():
    model = CommunityModel("listening_led", rng=2, **SMALL)
    model.run_for(30)
    area = area_series(model.results())
    summary = summarise(area).iloc[0]
    assert summary["completed_total"] == area["completed"].sum() > 0
    assert summary["stage_active_end"] == area["stage_active"].iloc[-1]
    assert summary["collective_efficacy_change"] == pytest.approx(
        area["collective_efficacy"].iloc[-1] - area["collective_efficacy"].iloc[0])
    assert summary["clustering_end"] == area["clustering"].dropna().iloc[-1]


def test_crime_cost_prices_completed_crimes_by_type():
    model = CommunityModel("baseline", rng=4, **SMALL)
    model.run_for(60)
    df = model.results()
    expected = sum(df[f"completed_{c.name}"].sum() * c.unit_cost_gbp for c in CRIME_TYPES)
    assert df["crime_cost_gbp"].sum() == pytest.approx(expected) and expected > 0


def test_datacollector_holds_the_area_series():
    model = CommunityModel("listening_led", rng=5, **SMALL)
    model.run_for(12)
    collected = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    expected = area_series(model.results()).drop(columns="step")
    pd.testing.assert_frame_equal(collected[list(expected)], expected, check_dtype=False)


def test_mesa_batch_run_returns_the_same_numbers_as_results():
    rows = mesa.batch_run(CommunityModel, parameters={"params": "listening_led", "n_residents": 400,
                                                      "offenders_per_1000": [30.0, 60.0]},
                          rng=[7], max_steps=15, data_collection_period=1, display_progress=False)
    batch = pd.DataFrame(rows)
    assert len(batch) == 2 * 16
    for level, part in batch.groupby("offenders_per_1000"):
        model = CommunityModel("listening_led", rng=7, n_residents=400, offenders_per_1000=level)
        model.run_for(15)
        expected = area_series(model.results())
        assert np.allclose(part["completed"], expected["completed"]) and part["completed"].sum() > 0
        assert np.allclose(part["collective_efficacy"], expected["collective_efficacy"])


def test_mesa_batch_run_with_iterations_collects_the_last_day():
    with pytest.warns(DeprecationWarning):
        rows = mesa.batch_run(CommunityModel, parameters={"n_residents": 300}, iterations=2, max_steps=3,
                              display_progress=False)
    assert len(rows) == 2 and all(row["Step"] == 3 and "completed" in row for row in rows)
