"""Offenders' memory of places: where they succeeded and where they were foiled or seen.

Each offender remembers up to ``memory_places`` street segments, each with a
*success* and a *risk* value. A completed crime adds to a place's success,
being foiled by an occupant or a bystander or being seen adds to its risk;
both fade with a half-life. Offenders return to places of past success
(optimal foraging: Johnson, Summers & Pease 2009; Bernasco, Johnson & Ruiter
2015) and avoid places where they were caught out (updating perceived risk
after experience: Anwar & Loughran 2011). What they learned about a place
carries over to nearby streets with a Gaussian kernel of scale
``generalisation_km``, so a foiled attempt can deter them from the streets
around it too (diffusion of benefits: Clarke & Weisburd 1994).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class OffenderMemory:
    """Remembered places (offenders x slots): segment (-1 empty), success and risk."""

    segment: np.ndarray
    success: np.ndarray
    risk: np.ndarray

    @classmethod
    def empty(cls, n_offenders: int, slots: int) -> OffenderMemory:
        """Nothing remembered yet."""
        return cls(np.full((n_offenders, slots), -1, dtype=np.int64), np.zeros((n_offenders, slots)),
                   np.zeros((n_offenders, slots)))

    def fade(self, factor: float) -> None:
        """One day of forgetting: success and risk are multiplied by ``factor``."""
        self.success *= factor
        self.risk *= factor

    def learn(self, who: np.ndarray, segment: np.ndarray, success: np.ndarray, risk: np.ndarray) -> None:
        """Offenders ``who`` (each at most once) add ``success`` and ``risk`` to their memory of ``segment``.

        A place not yet remembered takes the slot of the weakest memory; nothing
        is stored for an experience that teaches nothing (both gains 0).
        """
        learnt = (success > 0) | (risk > 0)
        who, segment, success, risk = who[learnt], segment[learnt], success[learnt], risk[learnt]
        if len(who) == 0:
            return
        match = self.segment[who] == segment[:, None]
        known = match.any(axis=1)
        slot = np.where(known, match.argmax(axis=1), (self.success[who] + self.risk[who]).argmin(axis=1))
        fresh = who[~known], slot[~known]
        self.segment[fresh] = segment[~known]
        self.success[fresh] = 0.0
        self.risk[fresh] = 0.0
        self.success[who, slot] += success
        self.risk[who, slot] += risk

    def recall(self, who: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A remembered place of each offender, drawn with chance proportional to its success (``u`` uniform
        per offender); -1 where an offender remembers no success."""
        weight = self.success[who]
        cumulative = np.cumsum(weight, axis=1)
        total = cumulative[:, -1] if weight.shape[1] else np.zeros(len(who))
        slot = np.minimum((cumulative < (u * total)[:, None]).sum(axis=1), max(weight.shape[1] - 1, 0))
        return np.where(total > 1e-9, self.segment[who, slot] if weight.shape[1] else -1, -1)

    def near(self, who: np.ndarray, points: np.ndarray, segment_xy: np.ndarray, scale_km: float
             ) -> tuple[np.ndarray, np.ndarray]:
        """Remembered success and risk at candidate ``points`` (offenders x candidates x 2 km): each remembered
        place weighted by ``exp(-d^2 / (2 scale^2))`` of its distance ``d`` to the point."""
        remembered = self.segment[who]
        xy = segment_xy[np.maximum(remembered, 0)]
        d2 = ((points[:, :, None, :] - xy[:, None, :, :]) ** 2).sum(axis=-1)
        kernel = np.exp(-d2 / (2 * scale_km**2)) * (remembered >= 0)[:, None, :]
        return (kernel * self.success[who][:, None, :]).sum(axis=-1), (kernel * self.risk[who][:, None, :]).sum(axis=-1)
