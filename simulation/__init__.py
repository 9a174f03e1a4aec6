"""saferstreets: community organising, collective efficacy and acquisitive crime on Mesa.

Typical use::

    from simulation import CommunityModel
    model = CommunityModel("listening_led", rng=42)
    model.run_for(365)
    df = model.results()          # one row per day and neighbourhood

Names are imported on first use, so ``agents`` and ``simulation`` modules can
import each other's submodules without import cycles.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "CommunityModel": "simulation.model",
    "Params": "simulation.params",
    "ParameterError": "simulation.params",
    "Scenario": "simulation.scenarios",
    "load_scenario": "simulation.scenarios",
    "scenario_names": "simulation.scenarios",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'simulation' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
