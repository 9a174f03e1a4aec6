"""Every read the browser pages make of a model, in one place.

The pages only draw what these small functions return, so when the model core
renames an internal (organisers, the network, the crime log) only this module
changes. Public API used: ``residents.stage``, ``residents.hardened``,
``place``, ``network.edges()``, ``results()``, ``crime_log()``, ``day``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.model import CommunityModel
from simulation.network import edge_keys
from simulation.output import area_series


def stages(model: CommunityModel) -> np.ndarray:
    """Participation stage of each household (0 = not reached ... 4 = group leader)."""
    return np.asarray(model.residents.stage)


def hardened(model: CommunityModel) -> np.ndarray:
    """Indices of target-hardened households."""
    return np.flatnonzero(model.residents.hardened)


def ties(model: CommunityModel) -> tuple[np.ndarray, np.ndarray]:
    """Every social tie as (u, v) household indices."""
    return model.network.edges()


def tie_keys(u: np.ndarray, v: np.ndarray, model: CommunityModel) -> np.ndarray:
    """One integer key per tie (for telling new ties from initial ones)."""
    return edge_keys(u, v, model.params.n_residents)


def organiser_neighbourhoods(model: CommunityModel) -> np.ndarray:
    """Neighbourhood each organiser works in (internal: ``model.organisers.nbhd``)."""
    organisers = getattr(model, "organisers", None)
    nbhd = getattr(organisers, "nbhd", None)
    if nbhd is None:                      # the refactor may rename it: spread organisers as the model does
        return np.arange(model.params.n_organisers) % model.place.n_nbhd
    return np.asarray(nbhd)


def recent_crimes(model: CommunityModel, days: int) -> pd.DataFrame:
    """Crime log rows (step, victim, outcome) of the last ``days`` days, today included."""
    log = model.crime_log()
    return log.loc[log["step"] >= model.day - days + 1, ["step", "victim", "outcome"]]


def daily_area(model: CommunityModel, since: int = 0) -> pd.DataFrame:
    """Whole-area daily outcomes from day ``since`` on (counts summed over neighbourhoods)."""
    df = model.results()
    return area_series(df[df["step"] >= since])
