"""Agents: the processes of a day, as components, and the Mesa agent handles over array state.

:data:`PHASES` is the day, in order. Each phase is a component (one file
each: rules as small pure functions, then the component that applies them),
with its own parameters and its own random stream; organising strategies are
registered in :mod:`agents.organising`. After these phases the model records
the day (:mod:`simulation.metrics`).
"""

from agents.groups import Groups
from agents.hardening import Hardening
from agents.offenders import Offending
from agents.organising import STRATEGIES, Organising
from agents.residents import Attitudes, Presence
from agents.youth import YouthProvision
from simulation.survey import Survey

PHASES = (Presence, Organising, Hardening, Groups, YouthProvision, Offending, Attitudes, Survey)
"""The daily phases: presence, organise, harden, mobilise, youth provision, offend, resolve (attitudes), survey
fieldwork (on wave days)."""

__all__ = ["PHASES", "STRATEGIES"]
