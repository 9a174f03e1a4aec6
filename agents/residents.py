"""Residents day to day: who is out and willing to intervene (presence), and how attitudes move (resolve).

Rules are small pure functions over numpy columns; :class:`Presence` and
:class:`Attitudes` are the two phases that apply them.
"""

from __future__ import annotations

import numpy as np

from simulation.component import Component
from simulation.fields import Section, param


def presence_probability(p_home: float, fear: np.ndarray, fear_withdrawal: float) -> np.ndarray:
    """Chance of being at home or on the street today: fear makes people withdraw."""
    return p_home * (1.0 - fear_withdrawal * fear)


def willingness_to_intervene(trust: np.ndarray, efficacy: np.ndarray, fear: np.ndarray,
                             fear_withdrawal: float) -> np.ndarray:
    """Willingness to intervene for the common good (Sampson's informal social control).

    Rises with efficacy and with trust in neighbours, falls with fear.
    """
    return efficacy * (0.5 + 0.5 * trust) * (1.0 - fear_withdrawal * fear)


def relax(x: np.ndarray, base: np.ndarray, tie_mean: np.ndarray, relax_rate: float,
          peer_influence: float, delta: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """One day of an attitude: events, drift back to baseline, pull towards ties; kept in [0, 1].

    ``x + delta + relax_rate (base - x) + peer_influence (tie_mean - x)``, written
    into ``out`` if given (``out`` may be ``x``).
    """
    change = base - x
    change *= relax_rate
    change += delta
    if peer_influence:
        pull = tie_mean - x
        pull *= peer_influence
        change += pull
    out = np.add(x, change, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


class PresenceParams(Section, title="Presence"):
    p_home: float = param(0.55, "prob/day", 0.0, 1.0, "assumed; UK time-use surveys",
                          "Chance a resident is at home or on the street on a given day.")
    fear_withdrawal: float = param(0.5, "0-1", 0.0, 1.0, "assumed",
                                   "How strongly fear cuts presence and willingness to intervene.")


class Presence(Component):
    """Phase 1: who is at home or on the street today; everyone's willingness to intervene."""

    name = "presence"
    sections = (PresenceParams,)

    def step(self) -> None:
        """Draw today's presence (one number per resident) and derive willingness."""
        p, r = self.p, self.model.residents
        r.present = self.rng().random(r.n) < presence_probability(p.p_home, r.fear, p.fear_withdrawal)
        r.willingness = willingness_to_intervene(r.trust, r.efficacy, r.fear, p.fear_withdrawal).astype(np.float32)


class AttitudeParams(Section, title="Attitudes"):
    relax_rate: float = param(1 / 180, "1/day", 0.0, 1.0, "assumed",
                              "Daily return of trust, fear and efficacy towards their starting level.")
    peer_influence: float = param(0.01, "1/day", 0.0, 1.0, "assumed",
                                  "Daily pull of trust and efficacy towards the mean of one's ties.")


class Attitudes(Component):
    """Phase 6 (resolve): apply the day's requested changes, drift back to baseline, pull towards ties."""

    name = "attitudes"
    sections = (AttitudeParams,)

    def step(self) -> None:
        """Trust and efficacy relax and follow ties; fear relaxes (no randomness)."""
        p, r, asked = self.p, self.model.residents, self.model.requests
        tie_trust, tie_efficacy = self.model.population.tie_means(r.trust, r.efficacy)
        relax(r.trust, r.base_trust, tie_trust, p.relax_rate, p.peer_influence, asked.trust, out=r.trust)
        relax(r.efficacy, r.base_efficacy, tie_efficacy, p.relax_rate, p.peer_influence, asked.efficacy,
              out=r.efficacy)
        relax(r.fear, r.base_fear, r.fear, p.relax_rate, 0.0, asked.fear, out=r.fear)
