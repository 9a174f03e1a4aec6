"""saferstreets: community organising, collective efficacy and acquisitive crime on Mesa.

Typical use::

    from simulation import CommunityModel
    model = CommunityModel("listening_led", rng=42)
    model.run_for(365)
    df = model.results()          # one row per day and neighbourhood
"""

from simulation.model import CommunityModel
from simulation.params import Params, ParameterError
from simulation.scenarios import Scenario, load_scenario, scenario_names

__all__ = ["CommunityModel", "Params", "ParameterError", "Scenario", "load_scenario", "scenario_names"]
