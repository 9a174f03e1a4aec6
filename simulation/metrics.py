"""Every outcome, defined once: its kind, unit and plain-English label; and the daily record.

Kinds say how an outcome adds up:

* ``flow`` - a count per day (crimes, contacts, spending): summed over
  neighbourhoods, totalled over a run (``<name>_total``);
* ``stock`` - a count on a day (residents per stage, groups): summed over
  neighbourhoods, read on the last day (``<name>_end``);
* ``mean`` - a mean over residents (trust, degree): weighted by population
  across neighbourhoods, read on the last day;
* ``score`` - a collective efficacy score (true, daily; or measured by a
  survey wave, missing on other days): weighted like a mean, read on the
  last day it was measured, and its change from the first
  (``<name>_change``).

:data:`METRICS` feeds ``CommunityModel.results()``, its Mesa
``DataCollector``, area series, run summaries, reports and the browser pages.
A new outcome is one entry here plus its line in :func:`record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulation import survey
from simulation.state import CRIME_TYPES, N_ISSUES, PRICE_YEAR, STAGES, Stage

if TYPE_CHECKING:
    from simulation.model import CommunityModel

KINDS = ("flow", "stock", "mean", "score")


@dataclass(frozen=True)
class Metric:
    """One outcome: name (a results column), kind, unit and a label a person can read."""

    name: str
    kind: str
    unit: str
    label: str

    @property
    def summary(self) -> str:
        """Name of its end-of-run summary: ``<name>_total`` for flows, else ``<name>_end``."""
        return f"{self.name}_total" if self.kind == "flow" else f"{self.name}_end"


def _metrics(*rows: tuple[str, str, str, str]) -> dict[str, Metric]:
    return {name: Metric(name, kind, unit, label) for name, kind, unit, label in rows}


METRICS: dict[str, Metric] = _metrics(
    ("residents", "stock", "households", "Households"),
    ("collective_efficacy", "score", "0-1", "Collective efficacy, true (mean of cohesion and control, 0-1)"),
    ("ce_cohesion", "score", "0-1", "Social cohesion, true (mean trust in neighbours, 0-1)"),
    ("ce_control", "score", "0-1", "Informal social control, true (mean willingness to intervene, 0-1)"),
    ("survey_ce", "score", "1-5", "Collective efficacy measured by the survey wave (10 items, 1-5)"),
    ("survey_cohesion", "score", "1-5", "Social cohesion and trust measured by the survey wave (5 items, 1-5)"),
    ("survey_control", "score", "1-5", "Informal social control measured by the survey wave (5 items, 1-5)"),
    ("survey_belonging", "mean", "share", "Share of survey respondents agreeing they belong (4-5)"),
    ("survey_respondents", "stock", "respondents", "Survey respondents in the wave"),
    ("trust", "mean", "0-1", "Trust in neighbours (mean, 0-1)"),
    ("efficacy", "mean", "0-1", "Belief that acting together works (mean, 0-1)"),
    ("fear", "mean", "0-1", "Fear of crime (mean, 0-1)"),
    ("willingness", "mean", "0-1", "Willingness to intervene (mean, 0-1)"),
    ("attempted", "flow", "crimes", "Crimes attempted"),
    ("completed", "flow", "crimes", "Crimes completed"),
    ("foiled", "flow", "crimes", "Crimes foiled (at home, hardening or a bystander)"),
    ("interventions", "flow", "interventions", "Bystander interventions that foiled a crime"),
    ("crime_cost_gbp", "flow", f"GBP ({PRICE_YEAR} prices)", "Economic and social cost of completed crime"),
    *((f"{outcome}_{c.name}", "flow", "crimes", f"{c.label.capitalize()}: {outcome}")
      for c in CRIME_TYPES for outcome in ("attempted", "completed", "foiled")),
    *((f"stage_{s.name.lower()}", "stock", "residents", f"Residents {s.name.lower()}") for s in Stage),
    ("active", "stock", "residents", "Residents active in action groups (members and leaders)"),
    ("action_groups", "stock", "groups", "Action groups"),
    ("watching", "stock", "residents", "Residents watching their street"),
    ("mean_degree", "mean", "ties", "Social ties per resident"),
    ("clustering", "mean", "0-1", "Clustering of ties (measured every network_metrics_every days)"),
    ("largest_component_share", "mean", "share", "Share in the largest connected network component"),
    ("organiser_contacts", "flow", "contacts", "Organiser contacts"),
    ("meeting_attendances", "flow", "attendances", "Public meeting attendances (broadcast consultation)"),
    ("organisers_at_work", "stock", "organisers", "Organisers at work (funded, in post; a replacement counts "
     "by its ramp-up)"),
    ("allied_associations", "stock", "associations", "Existing associations in the organisers' alliance"),
    ("association_conversations", "flow", "conversations", "One-to-ones held by allied associations' leaders"),
    ("campaigns_won", "flow", "campaigns", "Campaigns won by action groups"),
    ("campaigns_lost", "flow", "campaigns", "Campaigns lost by action groups"),
    ("groups_folded", "flow", "groups", "Action groups folded (repeated defeats, no leader, no members)"),
    ("leader_burnouts", "flow", "leaders", "Action group leaders stepping down (burnout)"),
    ("new_ties", "flow", "ties", "New ties brokered"),
    ("households_hardened", "stock", "households", "Households target-hardened"),
    ("cost_gbp", "flow", "GBP", "Spending on the strategy"),
    ("motivated", "flow", "offender-days", "Offenders ready to offend whose best opportunity lay in the area"),
    ("diverted", "flow", "offender-days", "Of those, diverted by youth provision"),
    ("declined", "flow", "offender-days", "Of those, deterred: decided not to offend"),
    ("moved_out", "flow", "crimes", "Of those, attempted in the surrounding ring instead"),
    ("moved_in", "flow", "crimes", "Attempts in the area by offenders whose best opportunity lay in the ring"),
    ("no_victim", "flow", "offender-days", "Of those, robbery given up: nobody about on any street weighed"),
    ("failed_entry", "flow", "crimes", "Attempts that failed to get in (no entry)"),
    ("foiled_by_occupants", "flow", "crimes", "Attempts foiled by someone at home"),
    ("foiled_by_hardening", "flow", "crimes", "Attempts foiled by target hardening"),
    ("seen", "flow", "crimes", "Completed crimes seen by a neighbour who did not intervene"),
    ("burglaries_someone_home", "flow", "crimes", "Burglary attempts at a home with someone in"),
    ("ring_attempted", "flow", "crimes", "Crimes attempted in the surrounding ring (by the nearest neighbourhood)"),
    ("ring_completed", "flow", "crimes", "Crimes completed in the surrounding ring (by the nearest neighbourhood)"),
    ("youth_provision", "mean", "0-1", "Youth provision (share of the most a neighbourhood can run)"),
    ("deprivation", "mean", "0-1", "Deprivation of the neighbourhood (fixed)"),
)
"""Every per-neighbourhood outcome column, in results order (after ``step`` and ``neighbourhood``)."""

CRIME_FLOWS = ("motivated", "diverted", "declined", "moved_out", "moved_in", "no_victim", "failed_entry",
               "foiled_by_occupants", "foiled_by_hardening", "seen", "burglaries_someone_home", "ring_attempted",
               "ring_completed")
"""Flows of offenders' decisions and attempts' fates, counted by the offending phase (see
:mod:`simulation.pathways`)."""

TALLIED = ("interventions", "organiser_contacts", "new_ties", "cost_gbp", "association_conversations",
           "meeting_attendances", "campaigns_won", "campaigns_lost", "groups_folded", "leader_burnouts",
           *(f"{outcome}_{c.name}" for c in CRIME_TYPES for outcome in ("attempted", "completed")), *CRIME_FLOWS)
"""Flows that processes count during the day in ``model.tally``; the other flows are derived from them."""


def aggregate(values: np.ndarray, kind: str, weights: np.ndarray) -> np.ndarray:
    """Combine neighbourhoods (the last axis): sum counts, population-weighted mean of means and scores.

    Missing values (a network measure not taken that day) stay missing.
    """
    if kind in ("flow", "stock"):
        return values.sum(axis=-1)
    return (values * weights).sum(axis=-1) / weights.sum(axis=-1)


COUNTED = np.array([m.kind in ("flow", "stock") for m in METRICS.values()])


def area_row(row: dict[str, np.ndarray]) -> dict[str, float]:
    """The whole area on one day, from one day's per-neighbourhood record (as :func:`aggregate` combines)."""
    values = np.array([row[name] for name in METRICS], dtype=np.float64)
    area = np.empty(len(METRICS))
    area[COUNTED] = aggregate(values[COUNTED], "flow", row["residents"])
    area[~COUNTED] = aggregate(values[~COUNTED], "mean", row["residents"])
    return dict(zip(METRICS, area.tolist()))


def record(model: CommunityModel) -> dict[str, np.ndarray]:
    """One day's per-neighbourhood values of every metric (plus ``step`` and ``neighbourhood``)."""
    p, r, pop, net = model.params, model.residents, model.population, model.network
    k, tally = pop.n_nbhd, model.tally
    measured = survey_scores(model)
    trust, efficacy, fear, willingness, degree = (pop.per_nbhd(None, x) / pop.nbhd_count for x in (
        r.trust, r.efficacy, r.fear, r.willingness, net.degree()))
    stages = np.bincount(pop.nbhd * len(STAGES) + r.stage, minlength=k * len(STAGES)).reshape(k, len(STAGES))
    members = np.flatnonzero(r.stage >= Stage.ACTIVE)
    groups = np.bincount(pop.issue_key(members), minlength=k * N_ISSUES).reshape(k, N_ISSUES)
    measure = model.today % p.network_metrics_every == 0
    crimes = {f"{outcome}_{c.name}": tally[f"{outcome}_{c.name}"] for c in CRIME_TYPES
              for outcome in ("attempted", "completed")}
    for c in CRIME_TYPES:
        crimes[f"foiled_{c.name}"] = crimes[f"attempted_{c.name}"] - crimes[f"completed_{c.name}"]
    row = {
        "residents": pop.nbhd_count, "deprivation": model.place.deprivation,
        "collective_efficacy": (trust + willingness) / 2, "ce_cohesion": trust, "ce_control": willingness,
        **measured, "trust": trust, "efficacy": efficacy, "fear": fear, "willingness": willingness,
        **{outcome: sum(crimes[f"{outcome}_{c.name}"] for c in CRIME_TYPES)
           for outcome in ("attempted", "completed", "foiled")},
        "interventions": tally["interventions"],
        **{name: tally[name] for name in CRIME_FLOWS},
        "youth_provision": model.processes["youth"].level.copy(),
        "crime_cost_gbp": sum(crimes[f"completed_{c.name}"] * c.unit_cost_gbp for c in CRIME_TYPES),
        **crimes,
        **{f"stage_{stage.name.lower()}": stages[:, stage] for stage in STAGES},
        "active": stages[:, Stage.ACTIVE] + stages[:, Stage.LEADER],
        "action_groups": (groups > 0).sum(axis=1),
        "watching": pop.per_nbhd(np.flatnonzero(model.requests.watch)),
        "mean_degree": degree,
        "clustering": (pop.per_nbhd(None, net.local_clustering()) / pop.nbhd_count if measure
                       else np.full(k, np.nan)),
        "largest_component_share": (pop.per_nbhd(None, net.in_largest_component()) / pop.nbhd_count
                                    if measure else np.full(k, np.nan)),
        "organiser_contacts": tally["organiser_contacts"], "new_ties": tally["new_ties"],
        "organisers_at_work": model.organisers.effort.copy(),
        "allied_associations": model.associations.per_nbhd(k),
        **{name: tally[name] for name in ("association_conversations", "meeting_attendances", "campaigns_won",
                                          "campaigns_lost", "groups_folded", "leader_burnouts")},
        "households_hardened": pop.per_nbhd(np.flatnonzero(r.hardened)), "cost_gbp": tally["cost_gbp"],
    }
    return {"step": np.full(k, model.today), "neighbourhood": np.arange(k), **{name: row[name] for name in METRICS}}


def survey_scores(model: CommunityModel) -> dict[str, np.ndarray]:
    """Per neighbourhood, what today's survey wave measured (missing on days without one): mean collective
    efficacy, cohesion and control scores of the respondents (1-5), the share agreeing they belong, and how many
    answered. Fieldwork is done by :class:`simulation.survey.Survey`, on its own random streams."""
    k = model.population.n_nbhd
    wave = model.processes["survey"].today()
    if wave is None:
        missing = np.full(k, np.nan)
        return {"survey_ce": missing, "survey_cohesion": missing, "survey_control": missing,
                "survey_belonging": missing, "survey_respondents": missing}
    cohesion, control, ce = survey.scale_scores(wave.answers)

    def nbhd_mean(x: np.ndarray) -> np.ndarray:
        ok = np.isfinite(x)
        count = np.bincount(wave.nbhd[ok], minlength=k)
        return np.where(count > 0, np.bincount(wave.nbhd[ok], x[ok], minlength=k) / np.maximum(count, 1), np.nan)
    return {"survey_ce": nbhd_mean(ce), "survey_cohesion": nbhd_mean(cohesion), "survey_control": nbhd_mean(control),
            "survey_belonging": nbhd_mean((wave.belonging >= 4).astype(float)),
            "survey_respondents": np.bincount(wave.nbhd, minlength=k).astype(float)}
