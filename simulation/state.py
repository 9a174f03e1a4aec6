"""Per-agent state as numpy columns (one row per resident or offender)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Stage(IntEnum):
    """Participation ladder of a resident."""

    PASSIVE = 0
    LISTENED = 1     # had a listening conversation or went to a public meeting
    CONNECTED = 2    # tied by the organiser to others sharing their issue
    ACTIVE = 3       # member of a resident-led action group
    LEADER = 4       # leads an action group


NO_ISSUE = -1


@dataclass(slots=True)
class Residents:
    """Columns of resident state. Attitudes are float32 in [0, 1]."""

    trust: np.ndarray            # cohesion / trust in neighbours
    efficacy: np.ndarray         # belief that acting together works
    fear: np.ndarray             # fear of crime
    base_trust: np.ndarray       # levels attitudes relax back to
    base_efficacy: np.ndarray
    base_fear: np.ndarray
    concerns: np.ndarray         # uint8 bitmask over CONCERNS
    stage: np.ndarray            # int8 Stage
    issue: np.ndarray            # int8 issue they were mobilised on, NO_ISSUE if none
    asset_group: np.ndarray      # int32 existing community group, -1 if none
    is_leader: np.ndarray        # informal leader of an existing group
    hardened: np.ndarray         # household target-hardened
    meeting_invite: np.ndarray   # will attend the next public meeting
    n_victimised: np.ndarray     # int32 times victimised
    t_victimised: np.ndarray     # float32 day of last victimisation, -inf if never
    t_listened: np.ndarray       # float32 day of first one-to-one listening conversation, inf if never
    t_active: np.ndarray         # float32 day first active in an action group, inf if never
    present: np.ndarray          # at home / on the street today
    willingness: np.ndarray      # willingness to intervene (derived each day)

    @property
    def n(self) -> int:
        """Number of residents."""
        return len(self.trust)

    @classmethod
    def initial(cls, trust: np.ndarray, efficacy: np.ndarray, fear: np.ndarray,
                concerns: np.ndarray, asset_group: np.ndarray, is_leader: np.ndarray) -> Residents:
        """Residents at day 0: passive, never victimised, nothing hardened."""
        n = len(trust)
        return cls(
            trust=trust.copy(), efficacy=efficacy.copy(), fear=fear.copy(),
            base_trust=trust, base_efficacy=efficacy, base_fear=fear,
            concerns=concerns, stage=np.zeros(n, dtype=np.int8),
            issue=np.full(n, NO_ISSUE, dtype=np.int8), asset_group=asset_group,
            is_leader=is_leader, hardened=np.zeros(n, dtype=bool),
            meeting_invite=np.zeros(n, dtype=bool), n_victimised=np.zeros(n, dtype=np.int32),
            t_victimised=np.full(n, -np.inf, dtype=np.float32), t_listened=np.full(n, np.inf, dtype=np.float32),
            t_active=np.full(n, np.inf, dtype=np.float32), present=np.zeros(n, dtype=bool),
            willingness=np.zeros(n, dtype=np.float32))

    def has_concern(self, issue: int | np.ndarray, who: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Whether residents ``who`` care about ``issue``."""
        return (self.concerns[who] >> np.asarray(issue, dtype=np.uint8)) & 1 == 1
