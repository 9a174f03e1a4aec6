"""Existing associations as institutions: members, leaders, their own listening, and the organisers' alliance.

Faith groups, tenants' associations, schools' parents and clubs exist before
any organiser arrives (built by :func:`simulation.world.build_groups`; each
resident belongs to at most one). Listening-led organising starts with their
leaders and can bring an association into an alliance (the broad-based
organising model: Warren 2001; Citizens UK). An allied association:

* keeps listening (its leaders hold ``association_listening_per_month``
  one-to-one conversations, with its own members first, then with
  neighbours tied to members of the alliance) whether or not organisers
  are funded: its own activity goes on without them;
* anchors action groups its members belong to (more power in campaigns and
  a new leader when one steps down; see :mod:`agents.groups`).

Without an organiser at work in its neighbourhood an association drifts out
of the alliance (``alliance_lapse`` a year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.fields import Section, param


class AssociationParams(Section, title="Existing associations and the alliance"):
    association_listening_per_month: float = param(1.0, "conversations/month", 0.0, 60.0,
                                                   "assumed; leaders of member institutions hold one-to-ones "
                                                   "(Citizens UK practice)",
                                                   "One-to-one conversations an allied association's leaders hold "
                                                   "(own members first, then neighbours tied to the alliance).")
    alliance_lapse: float = param(0.3, "share/year", 0.0, 0.99, "assumed",
                                  "Share of allied associations leaving the alliance within a year when no "
                                  "organiser works in their neighbourhood.")


@dataclass(slots=True)
class Associations:
    """Per association: neighbourhood, member count, whether in the alliance (and since when)."""

    nbhd: np.ndarray
    members: np.ndarray
    allied: np.ndarray
    allied_day: np.ndarray

    @classmethod
    def of(cls, asset_group: np.ndarray, resident_nbhd: np.ndarray) -> Associations:
        """The associations residents belong to (``asset_group`` >= 0), none allied yet."""
        count = int(asset_group.max()) + 1 if len(asset_group) and asset_group.max() >= 0 else 0
        member = asset_group >= 0
        nbhd = np.zeros(count, dtype=np.int32)
        nbhd[asset_group[member]] = resident_nbhd[member]
        return cls(nbhd=nbhd, members=np.bincount(asset_group[member], minlength=count),
                   allied=np.zeros(count, dtype=bool), allied_day=np.full(count, np.inf))

    @property
    def n(self) -> int:
        """Number of associations."""
        return len(self.nbhd)

    def join(self, which: np.ndarray, today: int) -> None:
        """Associations ``which`` join the alliance today (those already in stay as they were)."""
        new = which[~self.allied[which]]
        self.allied[new] = True
        self.allied_day[new] = today

    def lapse(self, leaving: np.ndarray) -> None:
        """Associations in mask ``leaving`` leave the alliance."""
        self.allied &= ~leaving
        self.allied_day[leaving] = np.inf

    def member_allied(self, asset_group: np.ndarray) -> np.ndarray:
        """Mask: residents belonging to an allied association."""
        if self.n == 0:
            return np.zeros(len(asset_group), dtype=bool)
        return (asset_group >= 0) & self.allied[np.maximum(asset_group, 0)]

    def per_nbhd(self, n_nbhd: int) -> np.ndarray:
        """Allied associations in each neighbourhood."""
        return np.bincount(self.nbhd[self.allied], minlength=n_nbhd)
