"""Summary statistics the model is calibrated and validated against: one registry entry per target.

A :class:`Target` names a statistic, the simulation it is computed from (a
:class:`Setting`: scenario, area, days), the check of
:mod:`experiments.validate` that computes it, the observed value and the band
around it (with its source), and whether it suits calibration (it has a point
value to aim at). ``saferstreets calibrate`` marks each target it uses as a
*calibration* target (in the ABC distance) or a *validation* target (held
back, checked out of sample).

Adding a target is one entry in :data:`TARGETS` (and, if it needs a new kind
of simulation, one in :data:`SETTINGS`). Its ``check`` takes the finished
replicate models of its setting (:class:`Runs`) and returns a
:class:`~experiments.validate.Check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from experiments.survey_export import belonging_answers, survey_rng
from experiments.validate import (BELONGING_BAND, BURGLARY_FAILED_BAND, BURGLARY_HOME_BAND, CE_CRIME_BAND,
                                  CE_TREND_BAND, COHESION_CONTROL_BAND, CONCENTRATION_BAND, FOLLOW_UP_DAYS,
                                  ICC_BAND, MOBILISATION_BAND, PERSISTENCE_BAND, RELIABILITY_BAND, VALIDATION_AREA,
                                  WDQ_FLOOR, Check, area_and_ring, belonging, burglary_failed, burglary_someone_home,
                                  ce_crime_association, crime_concentration, displacement, distance_decay,
                                  ecometric_checks, hardened, in_band, mobilisation, mobilised, neighbourhood_table,
                                  persistence_checks, wave_ecometrics)
from simulation.output import area_series
from simulation.model import CommunityModel
from simulation.params import ParameterError, Params
from simulation.replicates import replicate_seeds
from simulation.scenarios import load_scenario


@dataclass(frozen=True)
class Setting:
    """A simulation targets are computed from: a scenario on an area for some days, ``replicates`` times."""

    name: str
    scenario: str
    steps: int
    params: Mapping[str, Any] = field(default_factory=dict)
    replicates: int = 1
    doc: str = ""
    arm: Callable[[Params], Params] | None = None
    """A second arm run on the same seeds (e.g. the area hardened), for paired targets such as displacement."""
    after_funding: bool = False
    """Its targets look at the days after the funded period, so it must run past ``organising_end_day``."""

    def params_for(self, point: Mapping[str, Any], fixed: Mapping[str, Any]) -> Params:
        """The scenario with this setting's area, then ``fixed`` values, then a parameter ``point``."""
        return Params.from_mapping({**self.params, **fixed, **point}, base=load_scenario(self.scenario).params)

    def problem(self, params: Params) -> str:
        """Why this setting cannot compute its targets with ``params`` ('' if it can)."""
        if self.after_funding and self.steps <= params.organising_end_day:
            return (f"steps={self.steps}: expected more than organising_end_day={params.organising_end_day} (its "
                    "targets look at the years after the funding)")
        return ""

    def record(self) -> dict[str, Any]:
        """As plain data for a manifest (the second arm by its function's name)."""
        return {**{f.name: getattr(self, f.name) for f in fields(self) if f.name != "arm"},
                "arm": self.arm.__name__ if self.arm else None}


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("baseline_area", "baseline", 3 * 365, VALIDATION_AREA, 3,
            "the baseline (no organising) on the validation area of `saferstreets validate`"),
    Setting("listening_year", "listening_led", 365, {}, 1, "the listening_led scenario for a year"),
    Setting("hardening_pair", "baseline", 3 * 365, VALIDATION_AREA, 3,
            "the baseline area and, on the same seeds, the area hardened as in `saferstreets validate`",
            arm=hardened),
    Setting("listening_followed", "listening_led", 365 + FOLLOW_UP_DAYS, {}, 3,
            "the listening_led scenario for its funded year and two years after", after_funding=True),
)}
"""Shipped settings; a calibration file can shrink one (``[settings.NAME]``) to fit its time budget."""


class Runs:
    """The finished replicate models of one setting, with tables shared by the checks."""

    def __init__(self, models: list[CommunityModel], arm: list[CommunityModel] | None = None) -> None:
        self.models = models
        self.arm = arm or []
        """The setting's second arm on the same seeds (empty if it has none)."""

    @cached_property
    def crimes(self) -> pd.DataFrame:
        """Every attempt of every replicate (``replicate`` column)."""
        return pd.concat([m.crime_log().assign(replicate=i) for i, m in enumerate(self.models)], ignore_index=True)

    @cached_property
    def results(self) -> pd.DataFrame:
        """Daily per-neighbourhood results of every replicate (``replicate`` column)."""
        return pd.concat([m.results().assign(replicate=i) for i, m in enumerate(self.models)], ignore_index=True)

    def rng(self, key: int) -> np.random.Generator:
        """A generator for a check's own draws (e.g. a null model), fixed by the replicates' seeds."""
        return np.random.default_rng(np.random.SeedSequence([m.seed for m in self.models], spawn_key=(key,)))


def crime_rate(runs: Runs, band: tuple[float, float] = (20.0, 40.0)) -> Check:
    """Completed acquisitive crimes per 1,000 households per year (mean over replicates)."""
    rates = []
    for model in runs.models:
        days = max(model.steps, 1)
        completed = float(np.sum(model.crime_log()["outcome"] == "completed"))
        rates.append(1000 * completed / model.params.n_residents * 365 / days)
    value = float(np.mean(rates)) if rates else math.nan
    return Check("crime rate: completed acquisitive crimes per 1,000 households a year", value,
                 f"{band[0]:g}-{band[1]:g}", in_band(value, band), CRIME_RATE_SOURCE,
                 f"{len(rates)} replicate(s)")


CRIME_RATE_SOURCE = ("ONS Crime in England and Wales, police recorded crime, year ending March 2023: burglary "
                     "~276k, robbery ~75k, vehicle offences and theft from the person ~0.5M together, for ~25M "
                     "households: ~30 per 1,000 households (rounded, partly from memory: not verified offline; "
                     "recorded crime undercounts; band width assumed)")


@dataclass(frozen=True)
class Target:
    """One summary statistic: how to compute it, what was observed, and where that comes from."""

    name: str
    setting: str
    check: Callable[[Runs], Check]
    band: tuple[float, float]
    observed: float | None
    """Point value the calibration distance aims at; None for pass/fail patterns (validation only)."""
    source: str
    note: str = ""

    @property
    def scale(self) -> float:
        """Distance unit: half the band's width."""
        return (self.band[1] - self.band[0]) / 2

    @property
    def suits_calibration(self) -> bool:
        """Whether it has a point value to aim at (pass/fail patterns are for validation only)."""
        return self.observed is not None


def _belonging(runs: Runs) -> Check:
    answers = [belonging_answers(m, np.arange(m.params.n_residents), survey_rng(m)) for m in runs.models]
    return belonging(np.concatenate(answers))


def _mobilisation(runs: Runs) -> Check:
    listened, became = zip(*(mobilised(m) for m in runs.models))
    return mobilisation(np.concatenate(listened), np.concatenate(became))


def _concentration(runs: Runs) -> Check:
    return crime_concentration(runs.crimes, runs.models[0].place.n_segments, runs.rng(11))


def _ce_crime(runs: Runs) -> Check:
    return ce_crime_association(neighbourhood_table(runs.results))


def _decay(runs: Runs) -> Check:
    return distance_decay(runs.crimes)


def _burglary_failed(runs: Runs) -> Check:
    return burglary_failed(runs.results)


def _someone_home(runs: Runs) -> Check:
    return burglary_someone_home(runs.results)


def _ecometric(index: int) -> Callable[[Runs], Check]:
    """The ``index``-th of validate's ecometric checks (ICC, cohesion-control correlation, reliability)."""
    return lambda runs: ecometric_checks(wave_ecometrics(runs.models))[index]


def _displacement(runs: Runs) -> Check:
    area, ring = zip(*map(area_and_ring, runs.models))
    area_arm, ring_arm = zip(*map(area_and_ring, runs.arm))
    return displacement(area, area_arm, ring, ring_arm)


def _persistence(index: int) -> Callable[[Runs], Check]:
    """The ``index``-th of validate's persistence checks (active share, CE trend) after the funded period."""
    def check(runs: Runs) -> Check:
        end = runs.models[0].params.organising_end_day
        return persistence_checks([area_series(m.results()) for m in runs.models], end,
                                  runs.models[0].steps - end)[index]
    return check


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("belonging", "baseline_area", _belonging, BELONGING_BAND, 0.62,
           "Community Life Survey 2021/22: ~62% feel they belong", "drives cohesion_mean"),
    Target("mobilisation", "listening_year", _mobilisation, MOBILISATION_BAND, 0.16,
           "Community Organisers programme evaluation: ~16% of people listened to mobilised", "drives p_join"),
    Target("crime_rate", "baseline_area", crime_rate, (20.0, 40.0), 30.0, CRIME_RATE_SOURCE,
           "volume of crime: offenders_per_1000, p_attempt, guardianship"),
    Target("ce_crime", "baseline_area", _ce_crime, CE_CRIME_BAND, -0.4,
           "Sampson, Raudenbush & Earls 1997: about -0.5 for violence, acquisitive crime weaker (band centre)",
           "needs many neighbourhoods; cohesion_spread, deprivation_spread, p_notice"),
    Target("crime_concentration", "baseline_area", _concentration, CONCENTRATION_BAND, 0.04,
           "Weisburd 2015: 50% of crime on ~2-6% of street segments",
           "depends on crimes per segment: meaningful only on the full validation area over years"),
    Target("distance_decay", "baseline_area", _decay, (-math.inf, 0.0), None,
           "journey-to-crime decay (Rengert et al. 1999; Townsley & Sidebottom 2010)",
           "a pass/fail pattern (negative and significant slope): validation only"),
    Target("burglary_failed", "baseline_area", _burglary_failed, BURGLARY_FAILED_BAND, 0.45,
           "Budd 1999 (BCS 1998): just under half of domestic burglaries were failed attempts",
           "the outcome split: p_no_entry, occupancy, guardianship"),
    Target("burglary_someone_home", "baseline_area", _someone_home, BURGLARY_HOME_BAND, 0.265,
           "Budd 1999: someone home and aware in 25% of burglaries; Catalano 2010 (NCVS): 28%",
           "the outcome split: occupancy_cue, p_home"),
    Target("icc", "baseline_area", _ecometric(0), ICC_BAND, 0.14,
           "Raudenbush & Sampson 1999 / PHDCN: neighbourhood ICC of collective efficacy about 0.14",
           "from the survey waves: cohesion_spread, deprivation_spread, survey_perception_sd"),
    Target("cohesion_control", "baseline_area", _ecometric(1), COHESION_CONTROL_BAND, 0.8,
           "Sampson, Raudenbush & Earls 1997: cohesion and control scales correlate about 0.8 across neighbourhoods",
           "from the survey waves"),
    Target("reliability", "baseline_area", _ecometric(2), RELIABILITY_BAND, 0.8,
           "Raudenbush & Sampson 1999: neighbourhood reliability about 0.8 with ~25 respondents (band assumed)",
           "follows from the ICC and the sample size (Spearman-Brown)"),
    Target("displacement", "hardening_pair", _displacement, (WDQ_FLOOR, math.inf), None,
           "Guerette & Bowers 2009: displacement, where found, smaller than the treatment effect",
           "a pass/fail pattern (WDQ above -1, crime in the area down): validation only"),
    Target("persistence_active", "listening_followed", _persistence(0), PERSISTENCE_BAND, None,
           "no evaluation of organising has seen participation grow after funding stopped (band assumed)",
           "a pass/fail pattern (active residents two years on at most 1.1 x the end-of-funding level)"),
    Target("persistence_ce_trend", "listening_followed", _persistence(1), CE_TREND_BAND, None,
           "no evaluation of organising has seen efficacy grow after funding stopped (band assumed)",
           "a pass/fail pattern (true CE does not keep rising after the funding)"),
)}
"""Every target, by name."""


def target(name: str) -> Target:
    """The registered target ``name`` (one clear line if unknown)."""
    if name not in TARGETS:
        import difflib
        close = difflib.get_close_matches(name, TARGETS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"[targets] unknown target '{name}'.{hint} Known targets: {', '.join(TARGETS)}")
    return TARGETS[name]


def simulate_setting(setting: Setting, params: Params, seed: int) -> Runs:
    """Run ``setting.replicates`` replicates of ``params`` for ``setting.steps`` days (seeds spawned from ``seed``)."""
    def run(p: Params, replicate_seed: int) -> CommunityModel:
        model = CommunityModel(p, rng=replicate_seed)
        model.run_for(setting.steps)
        return model
    seeds = replicate_seeds(seed, setting.replicates)
    return Runs([run(params, s) for s in seeds], [run(setting.arm(params), s) for s in seeds] if setting.arm else None)


def evaluate(names: list[str], point: Mapping[str, Any], settings: Mapping[str, Setting],
             fixed: Mapping[str, Any], seed: int) -> dict[str, Check]:
    """Simulate each setting the named targets need once, at parameter ``point``; apply their checks."""
    out: dict[str, Check] = {}
    needed = dict.fromkeys(TARGETS[n].setting for n in names)
    for setting_name, setting_seed in zip(needed, replicate_seeds(seed, len(needed))):
        setting = settings[setting_name]
        runs = simulate_setting(setting, setting.params_for(point, fixed), setting_seed)
        for name in names:
            if TARGETS[name].setting == setting_name:
                out[name] = TARGETS[name].check(runs)
    return out


def target_table() -> pd.DataFrame:
    """The registry as a table (for ``saferstreets targets`` and the docs)."""
    return pd.DataFrame([{"target": t.name, "setting": t.setting, "observed": t.observed,
                          "band": f"{t.band[0]:g} to {t.band[1]:g}", "calibration": t.suits_calibration,
                          "source": t.source, "note": t.note} for t in TARGETS.values()])
