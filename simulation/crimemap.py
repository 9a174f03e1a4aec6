"""The crime map: the study area inside a ring of similar streets, with places where routine activities meet targets.

The study area is open. It sits in the middle of a larger grid of street
segments: the **ring**, ``ring_km`` wide on every side, holds streets like the
study area's, with their own households and offenders. Offenders cross the
boundary both ways, and crime in the ring is recorded, so crime prevented in
the area can move out (displacement) or fall around it too (diffusion of
benefits), and both are measured (:mod:`simulation.pathways`).

Numbering: study segments keep the indices of :class:`~simulation.world.Place`
(``0 .. n_study - 1``) and their households are the residents; ring segments
follow, each with ``households_per_segment`` households numbered after the
residents. Ring households are static: drawn once from the same
distributions as the study area's residents (no organising reaches them and
their attitudes do not change), which keeps the ring cheap.

**Places** (crime generators and attractors, Brantingham & Brantingham 1995):
each segment of the whole map is one of the kinds of
:data:`~simulation.state.PLACE_KINDS` with its share, or no place. Routine
places are offenders' activity nodes; every place multiplies the reward of
some crime types on its segment.

Everything here is drawn from the ``crime map`` stream, so the study area's
world (:func:`simulation.world.build_world`) is the same with or without a
ring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from simulation.state import NO_PLACE, PLACE_KINDS
from simulation.world import Offenders, Place, _reflect


@dataclass(frozen=True)
class CrimeMap:
    """Segments and households of the study area and the ring, and the kind of place on each segment."""

    width: int                  # cells per row of the map grid
    height: int
    ring_cells: int             # ring width in segments
    segment_length_km: float
    cell_segment: np.ndarray    # segment of each grid cell (row-major)
    n_study: int                # study segments (indices 0 .. n_study - 1)
    n_residents: int            # study households (indices 0 .. n_residents - 1)
    segment_xy: np.ndarray      # (n_segments, 2) km, in the study area's frame
    segment_nbhd: np.ndarray    # neighbourhood; for ring segments the nearest study neighbourhood
    segment_start: np.ndarray   # first household of each segment
    segment_size: np.ndarray    # households on each segment
    place_kind: np.ndarray      # index into PLACE_KINDS, NO_PLACE if none
    attractiveness: np.ndarray  # per household (residents, then ring households), mean 1 in each part
    ring_trust: np.ndarray      # static attitudes of ring households
    ring_efficacy: np.ndarray
    ring_fear: np.ndarray

    @property
    def n_segments(self) -> int:
        """Segments of the study area and the ring."""
        return len(self.segment_start)

    @property
    def in_ring(self) -> np.ndarray:
        """Whether each segment lies in the ring."""
        return np.arange(self.n_segments) >= self.n_study

    def nearest_cell(self, xy: np.ndarray) -> np.ndarray:
        """Grid cell nearest each point; points beyond the ring's outer edge are reflected back into the map."""
        col = _reflect(xy[:, 0] / self.segment_length_km + self.ring_cells, self.width - 1)
        row = _reflect(xy[:, 1] / self.segment_length_km + self.ring_cells, self.height - 1)
        return row * self.width + col

    def nearest_segment(self, xy: np.ndarray) -> np.ndarray:
        """Segment (study or ring) nearest each point (see :meth:`nearest_cell`)."""
        return self.cell_segment[self.nearest_cell(xy)]


def grid_layout(place: Place, ring: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Map width and height, the segment of every cell, and the (column, row) of every ring segment.

    Cells holding a study segment keep its index; every other cell is a ring
    segment, numbered after the study segments. Without a ring, cells past
    the end of a partial last row belong to the segment one row down (as in
    :meth:`simulation.world.Place.nearest_segment`).
    """
    width, n_study = place.grid_width, place.n_segments
    height = math.ceil(n_study / width)
    map_width, map_height = width + 2 * ring, height + 2 * ring
    cells = np.arange(map_width * map_height)
    col, row = cells % map_width - ring, cells // map_width - ring
    inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)
    study = np.where(inside, row * width + col, -1)
    cell_segment = np.where(study < n_study, study, study - width if ring == 0 else -1)
    ring_cell = cell_segment < 0
    cell_segment[ring_cell] = n_study + np.arange(ring_cell.sum())
    return map_width, map_height, cell_segment, np.column_stack([col[ring_cell], row[ring_cell]])


def nearest_study_neighbourhood(place: Place, col_row: np.ndarray) -> np.ndarray:
    """Neighbourhood of the study segment nearest each ring (column, row)."""
    width = place.grid_width
    height = math.ceil(place.n_segments / width)
    col = np.clip(col_row[:, 0], 0, width - 1)
    row = np.clip(col_row[:, 1], 0, height - 1)
    segment = row * width + col
    return place.segment_nbhd[np.where(segment < place.n_segments, segment, segment - width)]


def place_kinds(p: Any, n_segments: int, rng: np.random.Generator) -> np.ndarray:
    """Kind of place of each segment, drawn with the shares ``share_segments_<kind>`` (NO_PLACE otherwise)."""
    shares = np.array([getattr(p, f"share_segments_{kind.name}") for kind in PLACE_KINDS])
    kind = np.searchsorted(np.cumsum(shares), rng.random(n_segments), side="right")
    return np.where(kind < len(PLACE_KINDS), kind, NO_PLACE)


def routine_nodes(homes_xy: np.ndarray, crime_map: CrimeMap, routine: np.ndarray, count: int, journey_km: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Activity nodes of each offender (offenders x ``count`` segments): the routine place nearest a point at an
    exponentially distributed distance from home (distance decay of routine trips); home if there is none."""
    n = len(homes_xy)
    distance = rng.exponential(journey_km, (n, count))
    angle = rng.uniform(0.0, 2 * np.pi, (n, count))
    points = homes_xy[:, None, :] + np.stack([distance * np.cos(angle), distance * np.sin(angle)], axis=-1)
    if not routine.any():
        return np.repeat(crime_map.nearest_segment(homes_xy)[:, None], count, axis=1)
    cell = crime_map.nearest_cell(points.reshape(-1, 2))
    grid = routine[crime_map.cell_segment].reshape(crime_map.height, crime_map.width)
    _, (rows, cols) = ndimage.distance_transform_edt(~grid, return_indices=True)
    near = rows.ravel()[cell] * crime_map.width + cols.ravel()[cell]
    return crime_map.cell_segment[near].reshape(n, count)


def build_crime_map(p: Any, place: Place, offenders: Offenders, rng: np.random.Generator
                    ) -> tuple[CrimeMap, Offenders]:
    """The map of the study area and its ring, and every offender (the study area's first, then the ring's)."""
    ring = int(round(p.ring_km / place.segment_length_km))
    width, height, cell_segment, ring_col_row = grid_layout(place, ring)
    n_ring, per, n = len(ring_col_row), p.households_per_segment, p.n_residents
    ring_xy = ring_col_row.astype(np.float64) * place.segment_length_km
    ring_size = np.full(n_ring, per)
    seg_reward = rng.lognormal(0.0, p.segment_attractiveness_sd, n_ring)
    reward = np.repeat(seg_reward, per) * rng.lognormal(0.0, p.household_attractiveness_sd, n_ring * per)
    sd = p.individual_sd
    trust, efficacy, fear = (np.clip(mean + rng.normal(0, sd, n_ring * per), 0, 1).astype(np.float32)
                             for mean in (p.cohesion_mean, p.efficacy_mean, p.fear_mean))
    segment_xy = np.concatenate([place.segment_xy, ring_xy])
    crime_map = CrimeMap(
        width=width, height=height, ring_cells=ring, segment_length_km=place.segment_length_km,
        cell_segment=cell_segment, n_study=place.n_segments, n_residents=n, segment_xy=segment_xy,
        segment_nbhd=np.concatenate([place.segment_nbhd, nearest_study_neighbourhood(place, ring_col_row)]),
        segment_start=np.concatenate([place.segment_start, n + per * np.arange(n_ring)]),
        segment_size=np.concatenate([place.segment_size, ring_size]),
        place_kind=place_kinds(p, place.n_segments + n_ring, rng),
        attractiveness=np.concatenate([place.attractiveness, reward / reward.mean() if n_ring else reward]),
        ring_trust=trust, ring_efficacy=efficacy, ring_fear=fear)
    return crime_map, all_offenders(p, crime_map, offenders, rng)


def all_offenders(p: Any, crime_map: CrimeMap, study: Offenders, rng: np.random.Generator) -> Offenders:
    """The study area's offenders, then the ring's (``offenders_per_1000`` of its households, spread evenly;
    neighbourhood -1), each with a youth flag and routine activity nodes."""
    n_ring_households = crime_map.segment_size[crime_map.n_study:].sum()
    count = int(round(p.offenders_per_1000 * n_ring_households / 1000))
    ring_home = crime_map.n_study + rng.integers(0, crime_map.n_segments - crime_map.n_study, count)
    home = np.concatenate([study.home_segment, ring_home]).astype(np.int64)
    home_xy = crime_map.segment_xy[home]
    young = rng.random(len(home)) < p.young_offender_share
    routine = np.array([PLACE_KINDS[k].routine if k != NO_PLACE else False for k in crime_map.place_kind])
    nodes = routine_nodes(home_xy, crime_map, routine, p.activity_nodes, p.journey_km, rng)
    return Offenders(home_segment=home, home_xy=home_xy, nbhd=np.concatenate([study.nbhd, np.full(count, -1)]),
                     motivation=np.ones(len(home)), young=young, nodes=nodes,
                     diverted=np.zeros(len(home), dtype=bool))
