"""Pathways: the routes of a paired difference in completed crime add up to it; the WDQ; no outcome coded in."""

import numpy as np
import pandas as pd
import pytest

from simulation.model import CommunityModel
from simulation.output import area_series, summarise
from simulation.params import Params
from simulation.pathways import (ROUTES, has_pathways, pathway_tables, reading, route_effects, route_table,
                                 weighted_displacement_quotient, wdq_table)
from simulation.replicates import paired_runs, replicate_seeds, simulate
from simulation.scenarios import load_scenario

SMALL = {"n_residents": 800, "n_neighbourhoods": 2, "offenders_per_1000": 20.0}
ORGANISING = {"p_join": 0.5, "min_group_size": 2, "campaign_days": 8.0, "listening_per_day": 9.0,
              **{f"campaign_win_{t}": 0.9 for t in ("council", "police", "housing", "school", "business")},
              "youth_effect": 0.5, "youth_reach": 1.0, "youth_build": 1.0, "lighting_gain": 1.0,
              "outcome_learning_rate": 0.5, "watch_contacts_per_day": 99.0, "broadcast_contacts_per_day": 500.0,
              "connections_per_conversation": 5.0, "listen_trust_gain": 0.5, "listen_efficacy_gain": 0.5}


def per_run(strategies: dict[str, Params], replicates: int = 3, steps: int = 200) -> pd.DataFrame:
    frames = [simulate(run) for run in paired_runs(strategies, replicate_seeds(1, replicates), steps)]
    df = pd.concat(frames, ignore_index=True).rename(columns={"label": "scenario"})
    keys = ("scenario", "replicate", "seed")
    return summarise(area_series(df, keys), keys)


def synthetic(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Per-run flows that obey the offending phase's identity."""
    flows = {f: rng.integers(0, 20, n).astype(float) for f in ("diverted", "declined", "no_victim", "moved_out",
                                                               "moved_in", "failed_entry", "foiled_by_occupants",
                                                               "foiled_by_hardening", "interventions")}
    flows["motivated"] = 200 + flows["diverted"] + flows["declined"] + flows["no_victim"] + flows["moved_out"]
    attempted = flows["motivated"] - flows["diverted"] - flows["declined"] - flows["no_victim"] \
        - flows["moved_out"] + flows["moved_in"]
    failed = flows["failed_entry"] + flows["foiled_by_occupants"] + flows["foiled_by_hardening"] + flows["interventions"]
    return pd.DataFrame({**{f"{k}_total": v for k, v in flows.items()}, "attempted_total": attempted,
                         "completed_total": attempted - failed, "ring_completed_total": rng.integers(500, 600, n)})


def test_routes_add_up_to_the_difference_in_every_replicate():
    rng = np.random.default_rng(0)
    a, b = synthetic(rng, 50), synthetic(rng, 50)
    effects = route_effects(a, b)
    assert np.allclose(effects[[r.name for r in ROUTES]].sum(axis=1), effects["total"])
    assert np.allclose(effects["total"], b["completed_total"] - a["completed_total"])


def test_a_strategy_that_only_raises_a_failure_share_prevents_crime_only_through_that_route():
    rng = np.random.default_rng(1)
    reference = synthetic(rng, 5)
    strategy = reference.copy()
    strategy["interventions_total"] += 10
    strategy["completed_total"] -= 10
    effects = route_effects(strategy, reference)
    assert np.allclose(effects["bystander"], 10) and np.allclose(effects.drop(columns=["bystander", "total"]), 0)


def test_weighted_displacement_quotient_by_hand():
    # Bowers & Johnson 2003: area 100 -> 60, buffer 80 -> 70, control 200 -> 200: (70/200 - 80/200)/(60/200 - 100/200)
    assert weighted_displacement_quotient(100, 60, 80, 70, 200, 200) == pytest.approx(0.25)
    assert weighted_displacement_quotient(100, 60, 80, 100) == pytest.approx(-0.5)
    assert np.isnan(weighted_displacement_quotient(100, 100, 80, 90))
    assert reading(-40, 5, 0.25) == "diffusion of benefits"
    assert reading(-40, 5, -0.5) == "displacement smaller than the benefit"
    assert reading(-40, 5, -1.5) == "displacement exceeds the benefit"
    assert reading(-4, 5, -0.5).startswith("no clear fall")


def test_wdq_table_pairs_runs_by_seed_and_grid_point():
    rows = []
    for point in (1, 2):
        for rep in range(4):
            rows += [{"scenario": "base", "g": point, "replicate": rep, "seed": rep, "completed_total": 100.0,
                      "ring_completed_total": 500.0},
                     {"scenario": "s", "g": point, "replicate": rep, "seed": rep, "completed_total": 100.0 - 10 * point,
                      "ring_completed_total": 500.0 + 2 * point + rep % 2}]
    table = wdq_table(pd.DataFrame(rows), "scenario", "base", ["base", "s"], grid=("g",))
    assert list(table["g"]) == [1, 2]
    assert table["area_change"].tolist() == [-10, -20] and table["wdq"].tolist() == pytest.approx([-0.25, -0.225])
    assert (table["wdq_low"] <= table["wdq"]).all() and (table["wdq"] <= table["wdq_high"]).all()


def test_with_organising_off_nothing_organising_related_changes_crime():
    """No outcome coded in: organising parameters, however strong, touch crime only through organising."""
    plain = Params(**SMALL)
    logs = []
    for params in (plain, plain.replace(**ORGANISING)):
        model = CommunityModel(params, rng=11)
        model.run_for(150)
        logs.append(model.crime_log())
    assert len(logs[0]) > 20
    pd.testing.assert_frame_equal(logs[0], logs[1])


def test_without_youth_provision_the_listening_effect_is_carried_by_the_routes():
    listening = load_scenario("listening_led").params.replace(youth_effect=0.0, **SMALL)
    runs = per_run({"baseline": Params(youth_effect=0.0, **SMALL), "listening_led": listening})
    assert has_pathways(runs)
    routes, wdq = pathway_tables(runs, "scenario", "baseline", ["baseline", "listening_led"])
    strategy, reference = (runs[runs["scenario"] == name].reset_index(drop=True) for name in ("listening_led",
                                                                                                 "baseline"))
    effects = route_effects(strategy, reference)
    assert (effects["youth"] == 0).all()
    assert np.allclose(effects[[r.name for r in ROUTES]].sum(axis=1), effects["total"])
    table = routes.set_index("route")["prevented"]
    assert table.drop("total").sum() == pytest.approx(table["total"])
    assert table["total"] == pytest.approx((reference["completed_total"] - strategy["completed_total"]).mean())
    assert len(wdq) == 1 and {"wdq", "reading"} <= set(wdq)
    assert route_table(runs, "scenario", "baseline", ["baseline"]).empty
