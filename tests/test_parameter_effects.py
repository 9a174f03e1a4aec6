"""Every parameter changes something (guards against dead parameters, cf. Mesa's Epstein `citizen_vision`)."""

import hashlib

import numpy as np
import pytest

from agents.organising import STRATEGIES
from simulation import CommunityModel
from simulation.params import FIELDS, Params, spec

RICH = {"n_residents": 600, "n_neighbourhoods": 2, "organising": "listening", "n_organisers": 4,
        "listening_per_day": 3.0, "hardening_budget_gbp": 50_000.0, "offenders_per_1000": 30.0,
        "network_metrics_every": 20}
BROADCAST = {**RICH, "organising": "broadcast", "hardening_budget_gbp": 0.0, "meeting_interval_days": 10,
             "p_attend_meeting": 0.2}
CONTEXT = {name: BROADCAST for name in ("broadcast_contacts_per_day", "broadcast_issue", "meeting_interval_days",
                                        "p_attend_meeting", "broadcast_trust_gain")}
for strategy in STRATEGIES.values():   # a strategy's parameters matter where it is the strategy in use
    for section in strategy.sections:
        for field_name, _, _ in section.fields():
            CONTEXT.setdefault(field_name, {**RICH, "organising": strategy.name, "hardening_budget_gbp": 0.0})
CONTEXT["p_foil_hardened"] = {**RICH, "hardening_budget_gbp": 500_000.0}
LIFECYCLE = {**RICH, "organising_end_day": 30, "campaign_days": 8.0, "leader_burnout": 0.99, "leader_hours": 40.0,
             "refound_days": 5,
             "rest_days": 5, "leaderless_days": 10, "survey_follow_up_days": 30}
"""Funding ends early, campaigns are short, leaders burn out: every stage of a group's life within 90 days."""
for name in ("organising_end_day", "campaign_days", "power_per_doubling", "coaching_power",
             "alliance_power", "outcome_learning_rate", "vicarious_learning", "fold_after_losses",
             "leaderless_days", "refound_days", "leader_burnout", "coaching_burnout_factor", "succession_days",
             "rest_days", "alliance_lapse", "survey_follow_up_days", "lighting_gain",
             *(f"campaign_win_{t}" for t in ("council", "police", "housing", "school", "business"))):
    CONTEXT[name] = LIFECYCLE
CONTEXT["hardening_end_day"] = {**RICH, "hardening_budget_gbp": 500_000.0, "hardening_end_day": 30}
CONTEXT["mismatch_factor"] = BROADCAST
CONTEXT["contact_saturation"] = BROADCAST
for name in ("vacancy_days", "ramp_up_days"):
    CONTEXT[name] = {**RICH, "organiser_turnover": 0.95, "vacancy_days": 5, "ramp_up_days": 10}
CONTEXT["lighting_gain"] = {**LIFECYCLE, "offenders_per_1000": 100.0}   # enough crime to meet the lit streets
YOUTH = {**LIFECYCLE, "p_concern_youth": 0.9, "youth_effect": 0.5, "youth_reach": 1.0, "p_attempt": 0.3}
for name in ("young_offender_share", "youth_build", "youth_upkeep_days", "youth_reach", "youth_effect"):
    CONTEXT[name] = YOUTH                    # youth provision acts only where youth groups win and offenders are ready
ALTERNATIVE = {"n_neighbourhoods": 3, "n_residents": 700, "organising": "broadcast", "broadcast_issue": "youth",
               "households_per_segment": 10, "journey_km": 0.5, "network_metrics_every": 7,
               "lighting_gain": 0.01, "survey_sample": 50, "survey_days": "0,30", "rest_days": 60,
               "memory_places": 1,
               "share_burglary": None, "share_vehicle": None, "share_theft": None, "share_robbery": None}
SHARES = {"share_burglary": 0.55, "share_vehicle": 0.05, "share_theft": 0.30, "share_robbery": 0.10}


def alternative(name: str, value):
    """A valid value different from ``value``."""
    if ALTERNATIVE.get(name) is not None:
        return ALTERNATIVE[name]
    s = spec(name)
    if s.choices:
        return next(c for c in s.choices if c != value)
    if isinstance(value, int):
        return value + 1 if value + 1 <= s.hi else value - 1
    upper = s.hi if s.hi <= 10 * max(value, 1) else 10 * max(value, 1)
    return value + (upper - value) / 2 if value < upper else value / 2


def fingerprint(model: CommunityModel) -> str:
    """Hash of everything observable: the results, the crime log and the final state."""
    r = model.residents
    parts = [model.results().to_csv(), model.crime_log().to_csv(), *map(np.ndarray.tobytes, (
        r.trust, r.efficacy, r.fear, r.stage, r.hardened, r.present, model.network.edges()[0]))]
    return hashlib.sha256("".join(map(str, parts)).encode()).hexdigest()


def outcome(overrides) -> str:
    model = CommunityModel(Params(**overrides), rng=5)
    model.run_for(90)
    return fingerprint(model)


EDGE_FILE_PARAMS = {"network_file"}


@pytest.mark.parametrize("name", [n for n in FIELDS if n not in EDGE_FILE_PARAMS and n not in SHARES])
def test_parameter_has_an_effect(name):
    base = CONTEXT.get(name, RICH)
    value = base.get(name, getattr(Params(), name))
    changed = {**base, name: alternative(name, value)}
    assert outcome(base) != outcome(changed), f"{name}: {value} -> {changed[name]} changed nothing"


def test_crime_mix_has_an_effect():
    assert outcome(RICH) != outcome({**RICH, **SHARES})


def test_network_file_replaces_the_generated_network(tmp_path):
    path = tmp_path / "ties.edgelist"
    path.write_text("\n".join(f"{i} {(i + 1) % 600}" for i in range(600)) + "\n")
    model = CommunityModel(Params(**{**RICH, "network_file": str(path)}), rng=5)
    assert model.network.n_edges == 600 and (model.network.degree() == 2).all()
    assert outcome(RICH) != outcome({**RICH, "network_file": str(path)})
