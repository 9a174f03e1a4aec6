"""Campaigns of action groups: whom they target, how likely they are to win, what winning and losing teach.

An action group campaigns against a target that can give it what it wants:
the council, the police, a housing provider, a school or a local business.
Each target has a base chance of conceding to a small, unsupported group
(``campaign_win_<target>``); the group's size, an organiser's coaching and
an alliance with existing associations raise the odds. Outcomes move
members' belief that acting together works towards what they experienced:
towards 1 after a win, towards 0 after a loss (so efficacy tracks the win
rate residents see, and cannot run away).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.fields import param, section
from simulation.state import ISSUE_NAMES, N_ISSUES


@dataclass(frozen=True)
class Target:
    """Whom a campaign asks for change."""

    name: str
    label: str
    win: float
    """Default chance a campaign of ``min_group_size`` residents, uncoached and alone, wins
    (parameter ``campaign_win_<name>``)."""
    issues: tuple[str, ...]
    """Issues this target can act on."""


GAMSON = "about half of the challenging groups Gamson (1975) studied won new advantages"
TARGETS: tuple[Target, ...] = (
    Target("council", "local council", 0.45, ("burglary", "vehicle", "lighting", "youth")),
    Target("police", "police", 0.40, ("burglary", "vehicle")),
    Target("housing", "housing provider", 0.45, ("burglary", "lighting")),
    Target("school", "school", 0.50, ("youth",)),
    Target("business", "local business", 0.35, ("youth", "vehicle")),
)
TARGET_NAMES: tuple[str, ...] = tuple(t.name for t in TARGETS)
CAN_TARGET = np.array([[issue in t.issues for t in TARGETS] for issue in ISSUE_NAMES])
"""(issues x targets): which targets can act on which issue."""
assert CAN_TARGET.any(axis=1).all() and CAN_TARGET.shape == (N_ISSUES, len(TARGETS))

TargetParams = section("Campaign targets", {
    f"campaign_win_{t.name}": ("float", param(t.win, "prob", 0.0, 1.0, f"assumed; {GAMSON}",
                                              f"Chance a small, uncoached campaign wins against the {t.label}."))
    for t in TARGETS})
"""One ``campaign_win_<target>`` parameter per target of :data:`TARGETS`."""


def target_wins(params) -> np.ndarray:
    """Base win chance of each target, in :data:`TARGETS` order."""
    return np.array([getattr(params, f"campaign_win_{name}") for name in TARGET_NAMES])


def choose_target(issue: np.ndarray, coached: np.ndarray, base_win: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Target of each new campaign on ``issue``.

    A coached group cuts the issue to a winnable demand: the target most
    likely to concede (Alinsky 1971). An uncoached group picks one of the
    targets that can act on its issue at random (uniform ``u``).
    """
    can = CAN_TARGET[issue]
    best = np.argmax(np.where(can, base_win, -1.0), axis=1)
    options = np.cumsum(can, axis=1)
    pick = np.minimum((u * options[:, -1]).astype(np.int64), options[:, -1] - 1)
    random = np.argmax(options > pick[:, None], axis=1)
    return np.where(coached, best, random)


def win_probability(base_win: np.ndarray, size: np.ndarray, min_group_size: int, power_per_doubling: float,
                    coached: np.ndarray, coaching_power: float, allied: np.ndarray,
                    alliance_power: float) -> np.ndarray:
    """Chance a campaign wins: the target's base chance, shifted on the log-odds scale by the group's size
    (per doubling beyond ``min_group_size``), coaching and an alliance with existing associations."""
    base = np.clip(base_win, 1e-9, 1 - 1e-9)
    logit = (np.log(base / (1 - base)) + power_per_doubling * np.log2(np.maximum(size, 1) / min_group_size)
             + coaching_power * coached + alliance_power * allied)
    return 1.0 / (1.0 + np.exp(-logit))


def outcome_learning(efficacy: np.ndarray, won: np.ndarray, rate: float) -> np.ndarray:
    """Efficacy increments from a campaign's outcome: a share ``rate`` of the way towards 1 after a win and
    towards 0 after a loss (Bandura 1997: mastery experience; a bounded, error-correcting update)."""
    return rate * (won.astype(np.float32) - efficacy)
