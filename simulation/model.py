"""The saferstreets model: organising, collective efficacy and acquisitive crime."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import mesa
import numpy as np
import pandas as pd
import scipy.sparse as sp
from mesa.discrete_space import Network

from agents import offenders as offender_rules
from agents import organisers as organiser_rules
from agents import residents as resident_rules
from agents.handles import Offender, Organiser, Resident
from simulation import survey
from simulation.params import CONCERNS, CRIME_TYPES, ParameterError, Params
from simulation.state import NO_ISSUE, Residents, Stage
from simulation.streams import resolve_seed
from simulation.world import (build_groups, build_network, build_offenders, build_place,
                              starting_attitudes, starting_concerns)

BURGLARY, VEHICLE, THEFT, ROBBERY = range(4)
HARDENABLE = np.array([True, True, False, False])
CRIME_ISSUES = np.array([CONCERNS.index("burglary"), CONCERNS.index("vehicle")])
N_ISSUES = len(CONCERNS)
STAGES = tuple(Stage)  # iterating an Enum is slow; record() does it every day


@dataclass(slots=True)
class OrganiserState:
    """Columns of organiser state."""

    nbhd: np.ndarray
    contacts: np.ndarray


class CommunityModel(mesa.Model):
    """Residents, organisers and offenders on a social network over street segments.

    ``CommunityModel(params, rng=seed, **overrides)``: ``params`` is a
    :class:`Params`, a scenario name or TOML path, or None (the baseline);
    keyword overrides are parameter names. The same seed gives identical
    results, and the same seed gives the same starting world under every
    strategy (the world is drawn from its own stream), so strategies are
    compared on identical neighbourhoods.

    One step is one day, in this fixed order of phases:

    1. **presence** - who is at home or on the street today (fear makes people
       withdraw); everyone's willingness to intervene.
    2. **organise** - listening-led organisers hold one-to-one conversations,
       starting with informal leaders and group members, surface each
       person's own concern and broker ties between people sharing it;
       broadcast organisers hand out leaflets on a preset agenda and hold
       public meetings whose attendees meet each other.
    3. **harden** - the target-hardening budget buys locks/lighting/gates for
       the households with the highest priority (hot spots, recent victims).
    4. **mobilise** - action groups are founded where enough connected
       residents share an issue; residents join by complex contagion
       (active ties, own concern, efficacy, fear); members drop out; groups
       act and may succeed (efficacy, street watch, lighting, youth provision).
    5. **offend** - offenders choose targets among candidates found by a
       distance-decaying journey, weighing reward, near-repeat heat and
       perceived guardianship; attempts are foiled by occupancy, hardening or
       a bystander who intervenes (more likely when tied to the victim).
    6. **resolve** - the attitude changes requested by phases 2-5 are applied
       once, with drift back to each resident's baseline and pull towards
       their ties; near-repeat heat decays.
    7. **record** - one row per neighbourhood: the simulated 10-item survey,
       crime, interventions, stages, groups, network, contacts and cost.
    """

    def __init__(self, params: Params | str | None = None, rng: Any = None, **overrides: Any) -> None:
        if params is None or isinstance(params, Params):
            base = params or Params()
        else:
            from simulation.scenarios import load_scenario
            base = load_scenario(params).params
        self.params: Params = Params.from_mapping(overrides, base=base) if overrides else base
        self.seed: int = resolve_seed(rng)
        super().__init__(rng=self.seed)
        p = self.params
        world_rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(1,)))
        self.place = build_place(p, world_rng)
        trust, efficacy, fear = starting_attitudes(p, self.place, world_rng)
        groups, gu, gv = build_groups(p, self.place, world_rng)
        self.residents = Residents.initial(trust, efficacy, fear, starting_concerns(p, p.n_residents, world_rng),
                                           groups.member_group, groups.is_leader)
        self.network = build_network(p, self.place, trust, (gu, gv), world_rng)
        self.offenders = build_offenders(p, self.place, world_rng)
        k = self.place.n_nbhd
        self.organisers = OrganiserState(nbhd=(np.arange(p.n_organisers) % k).astype(np.int32),
                                         contacts=np.zeros(p.n_organisers))
        self.heat = np.zeros(self.place.n_segments)
        self.lighting = np.zeros(self.place.n_segments)
        self.founded = np.zeros(k * N_ISSUES, dtype=bool)
        self.hardening_balance = 0.0
        self._engaged = np.zeros(p.n_residents, dtype=bool)
        self._near_engaged = np.zeros(p.n_residents, dtype=bool)
        self.crimes: list[pd.DataFrame] = []
        self._records: list[dict[str, np.ndarray]] = []
        self._nbhd_order = np.argsort(self.place.resident_nbhd, kind="stable")
        self._nbhd_count = np.bincount(self.place.resident_nbhd, minlength=k)
        self._nbhd_start = np.concatenate([[0], np.cumsum(self._nbhd_count)[:-1]])
        self._nbhd_matrix = sp.csr_matrix(
            (np.ones(p.n_residents), (self.place.resident_nbhd, np.arange(p.n_residents))),
            shape=(k, p.n_residents))
        self._begin_day()
        self._phase_presence()
        self._phase_record()

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one day (phases in the order given in the class docstring)."""
        self._begin_day()
        self._phase_presence()
        self._phase_organise()
        self._phase_harden()
        self._phase_mobilise()
        self._phase_offend()
        self._phase_resolve()
        self._phase_record()

    def run_for(self, duration: int) -> None:
        """Advance ``duration`` days (a whole number >= 0)."""
        if isinstance(duration, bool) or not isinstance(duration, (int, np.integer, float)) or duration < 0 \
                or isinstance(duration, float) and not duration.is_integer():
            raise ParameterError(f"run_for({duration!r:.40}): expected a whole number of days >= 0")
        super().run_for(int(duration))

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return len(self._records) - 1

    def _begin_day(self) -> None:
        n, k = self.params.n_residents, self.place.n_nbhd
        self._today = len(self._records)
        self._d_trust = np.zeros(n, dtype=np.float32)
        self._d_efficacy = np.zeros(n, dtype=np.float32)
        self._d_fear = np.zeros(n, dtype=np.float32)
        self._tally = {name: np.zeros(k) for name in
                       ("organiser_contacts", "new_ties", "cost_gbp", "interventions")}
        self._crime_tally = np.zeros((3, k, len(CRIME_TYPES)))  # attempted, completed, foiled

    # ---------------------------------------------------------------- phases
    def _phase_presence(self) -> None:
        p, r = self.params, self.residents
        r.present = self.rng.random(r.n) < resident_rules.presence_probability(
            p.p_home, r.fear, p.fear_withdrawal)
        r.willingness = resident_rules.willingness_to_intervene(
            r.trust, r.efficacy, r.fear, p.fear_withdrawal).astype(np.float32)

    def _phase_organise(self) -> None:
        p = self.params
        per_nbhd = np.bincount(self.organisers.nbhd, minlength=self.place.n_nbhd)
        self._tally["cost_gbp"] += per_nbhd * p.organiser_cost_gbp / 365
        if p.organising == "listening":
            self._listen(self.rng.poisson(p.listening_per_day * per_nbhd))
        elif p.organising == "broadcast":
            self._broadcast(self.rng.poisson(p.broadcast_contacts_per_day * per_nbhd))

    def _listen(self, conversations: np.ndarray) -> None:
        p, r, rng = self.params, self.residents, self.rng
        if conversations.sum() == 0:
            return
        tied_to_listened = self._tied_to_engaged()
        chosen = []
        for k in np.flatnonzero(conversations):
            members = self._members(k)
            open_ = members[r.stage[members] == Stage.PASSIVE]
            score = organiser_rules.listening_priority(
                r.is_leader[open_], r.asset_group[open_] >= 0, tied_to_listened[open_], rng)
            chosen.append(open_[organiser_rules.top(score, int(conversations[k]))])
        new = np.concatenate(chosen)
        self._count_contacts(new)
        r.stage[new] = Stage.LISTENED
        r.t_listened[new] = self._today
        r.issue[new] = organiser_rules.pick_issue(r.concerns[new], N_ISSUES, rng)
        self._d_trust[new] += p.listen_trust_gain
        self._d_efficacy[new] += p.listen_efficacy_gain
        speakers = new[r.issue[new] != NO_ISSUE]
        pool = np.flatnonzero((r.stage >= Stage.LISTENED) & (r.issue != NO_ISSUE))
        self._broker(speakers, self._issue_key(speakers), pool, self._issue_key(pool))

    def _tied_to_engaged(self) -> np.ndarray:
        """Mask of residents tied to anyone past PASSIVE, updated from those newly engaged since last call.

        Exact because nobody returns to PASSIVE and ties are only ever added
        between residents who are both past it.
        """
        engaged = self.residents.stage >= Stage.LISTENED
        self._near_engaged |= self.network.tied_to(np.flatnonzero(engaged & ~self._engaged))
        self._engaged = engaged
        return self._near_engaged

    def _broadcast(self, contacts: np.ndarray) -> None:
        p, r, rng = self.params, self.residents, self.rng
        agenda = CONCERNS.index(p.broadcast_issue)
        contacted = self._random_in(np.repeat(np.arange(self.place.n_nbhd), contacts))
        self._count_contacts(contacted)
        self._d_trust[contacted] += p.broadcast_trust_gain
        attend = p.p_attend_meeting * np.where(r.has_concern(agenda, contacted), 1.0, p.mismatch_factor)
        r.meeting_invite[contacted[rng.random(len(contacted)) < attend]] = True
        if self._today % p.meeting_interval_days != 0:
            return
        attendees = np.flatnonzero(r.meeting_invite)
        r.meeting_invite[:] = False
        r.stage[attendees] = np.maximum(r.stage[attendees], Stage.LISTENED)
        free = attendees[r.stage[attendees] < Stage.ACTIVE]
        r.issue[free] = agenda
        key = self.place.resident_nbhd[attendees]
        self._broker(attendees, key, attendees, key)

    def _broker(self, people: np.ndarray, key: np.ndarray, pool: np.ndarray, pool_key: np.ndarray) -> None:
        """Introduce each person to Poisson(connections_per_conversation) pool members with the same key."""
        r = self.residents
        per = self.rng.poisson(self.params.connections_per_conversation, len(people))
        who, partner = organiser_rules.match_partners(key, pool_key, pool, per, self.rng)
        a = people[who]
        keep = a != partner
        a, partner = a[keep], partner[keep]
        if len(a) == 0:
            return
        new_ties = self.network.add_ties(a, partner)
        self._tally["new_ties"] += np.bincount(self.place.resident_nbhd[new_ties], minlength=self.place.n_nbhd)
        both = np.concatenate([a, partner])
        r.stage[both] = np.maximum(r.stage[both], Stage.CONNECTED)

    def _phase_harden(self) -> None:
        p, r = self.params, self.residents
        if p.hardening_budget_gbp <= 0:
            return
        self.hardening_balance += p.hardening_budget_gbp / 365
        count = int(self.hardening_balance // p.hardening_cost_gbp)
        open_ = np.flatnonzero(~r.hardened)
        count = min(count, len(open_))
        if count == 0:
            return
        recent = (self._today - r.t_victimised[open_]) < 365
        score = organiser_rules.hardening_priority(self.heat[self.place.resident_segment[open_]], recent,
                                                   self.place.attractiveness[open_], self.rng)
        chosen = open_[organiser_rules.top(score, count)]
        r.hardened[chosen] = True
        self.hardening_balance -= count * p.hardening_cost_gbp
        self._tally["cost_gbp"] += p.hardening_cost_gbp * np.bincount(
            self.place.resident_nbhd[chosen], minlength=self.place.n_nbhd)

    def _phase_mobilise(self) -> None:
        p, r, rng = self.params, self.residents, self.rng
        if not r.stage.any():
            return
        nbhd = self.place.resident_nbhd
        # found groups where enough connected residents share an issue
        connected = np.flatnonzero((r.stage == Stage.CONNECTED) & (r.issue != NO_ISSUE))
        ready = np.bincount(self._issue_key(connected), minlength=len(self.founded))
        new_groups = ~self.founded & (ready >= p.min_group_size)
        if new_groups.any():
            self.founded |= new_groups
            ready_now = connected[new_groups[self._issue_key(connected)]]
            key = self._issue_key(ready_now)
            score = r.is_leader[ready_now] * 100.0 + self.network.degree()[ready_now] + rng.random(len(ready_now))
            order = np.lexsort((-score, key))
            _, first = np.unique(key[order], return_index=True)
            rank = np.arange(len(order)) - np.repeat(first, np.diff(np.append(first, len(order))))
            founders = ready_now[order[rank < p.min_group_size]]
            r.stage[founders] = Stage.ACTIVE
            r.stage[ready_now[order[first]]] = Stage.LEADER
        # join by complex contagion
        active = r.stage >= Stage.ACTIVE
        members = np.flatnonzero(active)
        active_ties = self.network.tie_counts(members, r.issue[members], N_ISSUES)
        engaged = (r.stage >= Stage.LISTENED) & (r.issue != NO_ISSUE)
        cand = np.flatnonzero(~active & (engaged | (active_ties.sum(axis=1) > 0)))
        issues = np.arange(N_ISSUES)
        exists = self.founded.reshape(-1, N_ISSUES)[nbhd[cand]]
        invited = engaged[cand, None] & (r.issue[cand, None] == issues)
        social = resident_rules.social_factor(active_ties[cand], invited, p.join_threshold, p.lone_join_factor)
        concerned = ((r.concerns[cand, None] >> issues.astype(np.uint8)) & 1) == 1
        prob = exists * resident_rules.join_probability(
            p.p_join, r.efficacy[cand, None], r.fear[cand, None], p.fear_withdrawal, social, concerned,
            p.mismatch_factor)
        hit = rng.random(prob.shape) < prob
        joiners = np.flatnonzero(hit.any(axis=1))
        r.issue[cand[joiners]] = np.argmax(hit[joiners] * rng.random((len(joiners), N_ISSUES)), axis=1)
        r.stage[cand[joiners]] = Stage.ACTIVE
        first_time = (r.stage >= Stage.ACTIVE) & np.isinf(r.t_active)
        r.t_active[first_time] = self._today
        # drop out
        leave = members[rng.random(len(members)) < resident_rules.dropout_probability(p.p_dropout,
                                                                                      r.fear[members])]
        r.stage[leave] = Stage.CONNECTED
        # groups act
        members = np.flatnonzero(r.stage >= Stage.ACTIVE)
        key = self._issue_key(members)
        size = np.bincount(key, minlength=len(self.founded))
        self.founded &= size > 0
        win = rng.random(len(size)) < resident_rules.success_probability(p.p_action_success, size,
                                                                         p.min_group_size)
        win &= size > 0
        if win.any():
            self._group_success(members[win[key]])

    def _group_success(self, winners: np.ndarray) -> None:
        """Members of successful groups gain efficacy (their ties half as much); issue effects."""
        p, r = self.params, self.residents
        flag = np.zeros(r.n, dtype=np.float32)
        flag[winners] = 1.0
        self._d_efficacy += p.action_efficacy_gain * (flag + 0.5 * self.network.tied_to(winners))
        lit = winners[r.issue[winners] == CONCERNS.index("lighting")]
        segs = np.unique(self.place.resident_segment[lit])
        self.lighting[segs] = np.minimum(1.0, self.lighting[segs] + p.lighting_gain)
        youth = winners[r.issue[winners] == CONCERNS.index("youth")]
        for k in np.unique(self.place.resident_nbhd[youth]):
            self.offenders.motivation[self.offenders.nbhd == k] *= 1 - p.youth_gain

    def _phase_offend(self) -> None:
        p, r, rng, place = self.params, self.residents, self.rng, self.place
        off = np.flatnonzero(rng.random(len(self.offenders.nbhd)) < p.p_attempt * self.offenders.motivation)
        if len(off) == 0:
            return
        kind = rng.choice(len(CRIME_TYPES), size=len(off), p=p.crime_shares)
        points = offender_rules.sample_candidates(self.offenders.home_xy[off], p.journey_km, p.candidates, rng)
        seg = place.nearest_segment(points.reshape(-1, 2)).reshape(len(off), p.candidates)
        home = place.segment_start[seg] + (rng.random(seg.shape) * place.segment_size[seg]).astype(np.int64)
        notice = self._notice_probability()
        guard = 1.0 - np.exp(np.bincount(place.resident_segment, np.log1p(-np.minimum(notice, 0.999)),
                                         minlength=place.n_segments))
        risk = guard[seg] + p.p_foil_hardened * (r.hardened[home] & HARDENABLE[kind][:, None])
        pick = offender_rules.choose(offender_rules.target_scores(
            place.attractiveness[home], self.heat[seg], risk, p.near_repeat_boost, p.risk_aversion), rng)
        rows = np.arange(len(off))
        victim, segment = home[rows, pick], seg[rows, pick]
        real = (kind != ROBBERY) | r.present[victim]          # robbery needs someone out on the street
        off, kind, victim, segment = off[real], kind[real], victim[real], segment[real]
        occupied = (kind == BURGLARY) & r.present[victim]
        hardened = ~occupied & HARDENABLE[kind] & r.hardened[victim] & (rng.random(len(victim)) < p.p_foil_hardened)
        width = int(place.segment_size.max())
        bystander = place.segment_start[segment][:, None] + np.arange(width)
        valid = (np.arange(width) < place.segment_size[segment][:, None]) & (bystander != victim[:, None])
        bystander = np.where(valid, bystander, victim[:, None])
        tied = self.network.are_tied(np.repeat(victim, width), bystander.ravel()).reshape(bystander.shape)
        p_int = offender_rules.intervention_probability(notice[bystander] * valid, tied, p.tie_intervention_factor)
        intervened = ~occupied & ~hardened & (rng.random(len(victim)) < p_int)
        completed = ~(occupied | hardened | intervened)
        self._request_crime_effects(victim[completed], kind[completed], segment[completed], segment[intervened])
        nbhd = place.resident_nbhd[victim]
        for row, mask in enumerate((np.ones_like(completed), completed, ~completed)):
            np.add.at(self._crime_tally[row], (nbhd[mask], kind[mask]), 1)
        self._tally["interventions"] += np.bincount(nbhd[intervened], minlength=place.n_nbhd)
        outcome = np.select([occupied, hardened, intervened], ["occupancy", "hardening", "intervention"],
                            "completed")
        self.crimes.append(pd.DataFrame({
            "step": self._today, "offender": off, "crime_type": np.array(CRIME_TYPES)[kind], "victim": victim,
            "segment": segment, "neighbourhood": nbhd, "outcome": outcome,
            "distance_km": np.hypot(*(place.resident_xy[victim] - self.offenders.home_xy[off]).T)}))

    def _notice_probability(self) -> np.ndarray:
        """Chance each resident notices and acts on an attempt on their segment today."""
        p, r = self.params, self.residents
        watch = (r.stage >= Stage.ACTIVE) & np.isin(r.issue, CRIME_ISSUES)
        lit = 1.0 + self.lighting[self.place.resident_segment]
        return np.minimum(1.0, p.p_notice * r.willingness * r.present * lit *
                          np.where(watch, p.watch_notice_factor, 1.0))

    def _request_crime_effects(self, victims: np.ndarray, kinds: np.ndarray, crime_segments: np.ndarray,
                               foiled_segments: np.ndarray) -> None:
        p, r, seg = self.params, self.residents, self.place.resident_segment
        self._d_trust[victims] -= p.victim_trust_loss
        self._d_fear[victims] += p.victim_fear_gain
        np.add.at(r.n_victimised, victims, 1)
        r.t_victimised[victims] = self._today
        concern = np.where(kinds == BURGLARY, 1, np.where(kinds == VEHICLE, 2, 0)).astype(np.uint8)
        np.bitwise_or.at(r.concerns, victims, concern)
        crimes = np.bincount(crime_segments, minlength=self.place.n_segments)
        self.heat += crimes
        if len(crime_segments):
            self._d_fear += p.nearby_fear_gain * crimes[seg]
            self._d_trust -= p.nearby_trust_loss * crimes[seg]
        if len(foiled_segments):
            self._d_efficacy += p.foil_efficacy_gain * np.bincount(foiled_segments,
                                                                   minlength=self.place.n_segments)[seg]

    def _phase_resolve(self) -> None:
        p, r = self.params, self.residents
        tie_trust, tie_efficacy = self._tie_means_of(r.trust, r.efficacy)
        r.trust = resident_rules.relax(r.trust, r.base_trust, tie_trust, p.relax_rate, p.peer_influence,
                                       self._d_trust).astype(np.float32)
        r.efficacy = resident_rules.relax(r.efficacy, r.base_efficacy, tie_efficacy, p.relax_rate,
                                          p.peer_influence, self._d_efficacy).astype(np.float32)
        r.fear = resident_rules.relax(r.fear, r.base_fear, r.fear, p.relax_rate, 0.0,
                                      self._d_fear).astype(np.float32)
        self.heat *= 0.5 ** (1 / p.near_repeat_days)

    def _tie_means_of(self, *columns: np.ndarray, rows: np.ndarray | None = None) -> list[np.ndarray]:
        """Mean of each float32 column over the ties of every resident (or of ``rows``), own value if none.

        Columns go one at a time: sparse products of single vectors are about
        twice as fast as of stacked columns at 1M residents.
        """
        deg = self.network.degree() if rows is None else self.network.degree()[rows]
        has_ties, divisor = deg > 0, np.maximum(deg, 1)
        return [np.where(has_ties, self.network.tie_sum(x, rows) / divisor, x if rows is None else x[rows])
                for x in columns]

    def _phase_record(self) -> None:
        p, r, k = self.params, self.residents, self.place.n_nbhd
        nbhd = self.place.resident_nbhd
        respondents = (np.arange(r.n) if p.survey_sample == 0 else
                       self._random_in(np.repeat(np.arange(k), np.minimum(p.survey_sample, self._nbhd_count))))
        tie_trust, tie_willingness = self._tie_means_of(r.trust, r.willingness,
                                                        rows=None if p.survey_sample == 0 else respondents)
        cohesion, control = survey.perceptions(r.trust[respondents], r.efficacy[respondents], tie_trust,
                                               tie_willingness)
        scored = survey.score(survey.answer(cohesion, control, p.survey_noise, self.rng))
        where = nbhd[respondents]
        n_resp = np.bincount(where, minlength=k)
        ce_cohesion = np.bincount(where, scored[:, survey.COHESION].mean(axis=1), minlength=k) / n_resp
        ce_control = np.bincount(where, scored[:, ~survey.COHESION].mean(axis=1), minlength=k) / n_resp
        means = self._nbhd_matrix @ np.column_stack(
            [r.trust, r.efficacy, r.fear, r.willingness, self.network.degree(), r.hardened]) / self._nbhd_count[:, None]
        stages = np.bincount(nbhd * len(STAGES) + r.stage, minlength=k * len(STAGES)).reshape(k, len(STAGES))
        members = r.stage >= Stage.ACTIVE
        size = np.bincount(self._issue_key(np.flatnonzero(members)), minlength=k * N_ISSUES)
        attempted, completed, foiled = self._crime_tally
        row: dict[str, np.ndarray] = {
            "step": np.full(k, self._today), "neighbourhood": np.arange(k),
            "collective_efficacy": (ce_cohesion + ce_control) / 2, "ce_cohesion": ce_cohesion,
            "ce_control": ce_control, "trust": means[:, 0], "efficacy": means[:, 1], "fear": means[:, 2],
            "willingness": means[:, 3],
            "attempted": attempted.sum(axis=1), "completed": completed.sum(axis=1),
            "foiled": foiled.sum(axis=1), "interventions": self._tally["interventions"],
        }
        for t, name in enumerate(CRIME_TYPES):
            row[f"attempted_{name}"] = attempted[:, t]
            row[f"completed_{name}"] = completed[:, t]
            row[f"foiled_{name}"] = foiled[:, t]
        for stage in STAGES:
            row[f"stage_{stage.name.lower()}"] = stages[:, stage]
        row["action_groups"] = (size > 0).reshape(k, N_ISSUES).sum(axis=1)
        row["mean_degree"] = means[:, 4]
        measure = self._today % p.network_metrics_every == 0
        row["clustering"] = (np.bincount(nbhd, self.network.local_clustering(), minlength=k) / self._nbhd_count
                             if measure else np.full(k, np.nan))
        row["largest_component_share"] = (
            np.bincount(nbhd, self.network.in_largest_component(), minlength=k) / self._nbhd_count
            if measure else np.full(k, np.nan))
        row["organiser_contacts"] = self._tally["organiser_contacts"]
        row["new_ties"] = self._tally["new_ties"]
        row["households_hardened"] = means[:, 5] * self._nbhd_count
        row["cost_gbp"] = self._tally["cost_gbp"]
        self._records.append(row)

    # --------------------------------------------------------------- helpers
    def _members(self, k: int) -> np.ndarray:
        start = self._nbhd_start[k]
        return self._nbhd_order[start:start + self._nbhd_count[k]]

    def _random_in(self, nbhds: np.ndarray) -> np.ndarray:
        """A random resident of each given neighbourhood."""
        offset = (self.rng.random(len(nbhds)) * self._nbhd_count[nbhds]).astype(np.int64)
        return self._nbhd_order[self._nbhd_start[nbhds] + offset]

    def _issue_key(self, who: np.ndarray) -> np.ndarray:
        return self.place.resident_nbhd[who] * N_ISSUES + self.residents.issue[who]

    def _count_contacts(self, who: np.ndarray) -> None:
        """Tally contacts per neighbourhood, shared equally by its organisers."""
        contacts = np.bincount(self.place.resident_nbhd[who], minlength=self.place.n_nbhd)
        self._tally["organiser_contacts"] += contacts
        per_nbhd = np.bincount(self.organisers.nbhd, minlength=self.place.n_nbhd)
        self.organisers.contacts += (contacts / np.maximum(per_nbhd, 1))[self.organisers.nbhd]

    # --------------------------------------------------------------- outputs
    def results(self) -> pd.DataFrame:
        """Tidy time series: one row per day and neighbourhood (day 0 = initial state)."""
        return pd.DataFrame({name: np.concatenate([rec[name] for rec in self._records])
                             for name in self._records[0]})

    def crime_log(self) -> pd.DataFrame:
        """Every attempt: day, offender, type, victim, segment, neighbourhood, outcome, distance."""
        columns = ["step", "offender", "crime_type", "victim", "segment", "neighbourhood", "outcome",
                   "distance_km"]
        return pd.concat(self.crimes, ignore_index=True) if self.crimes else pd.DataFrame(columns=columns)

    # ------------------------------------------------------------ mesa api
    @cached_property
    def _handles(self) -> tuple[list[Resident], list[Organiser], list[Offender]]:
        """Mesa agent handles, created on first use (a million of them take seconds and ~1 GB)."""
        return ([Resident(self, i) for i in range(self.params.n_residents)],
                [Organiser(self, i) for i in range(self.params.n_organisers)],
                [Offender(self, i) for i in range(len(self.offenders.nbhd))])

    @property
    def resident_agents(self) -> list[Resident]:
        """One Mesa handle per resident, in index order."""
        return self._handles[0]

    @property
    def organiser_agents(self) -> list[Organiser]:
        """One Mesa handle per organiser."""
        return self._handles[1]

    @property
    def offender_agents(self) -> list[Offender]:
        """One Mesa handle per offender."""
        return self._handles[2]

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All Mesa agent handles (created on first access)."""
        self._handles  # noqa: B018 - creating the handles registers them with Mesa
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """Mesa agent handles by class (created on first access)."""
        self._handles  # noqa: B018
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Mesa agent classes (handles created on first access)."""
        self._handles  # noqa: B018
        return super().agent_types

    @cached_property
    def grid(self) -> Network:
        """Mesa Network space of the social network with residents placed on their nodes.

        Built on first use (visualisation); ties added later are not mirrored.
        """
        space = Network(self.network.to_networkx(), capacity=1, random=self.random, layout=None)
        cells = list(space.all_cells)
        for agent in self.resident_agents:
            agent.cell = cells[agent.idx]
        return space
