"""The crime map: a ring of similar streets around the study area, places, and every offender."""

import numpy as np
import pytest

from simulation.crimemap import build_crime_map
from simulation.params import Params
from simulation.state import NO_PLACE, PLACE_KINDS
from simulation.world import build_offenders, build_place


def crime_map(**overrides):
    p = Params(**{"n_residents": 2000, "offenders_per_1000": 10.0, **overrides})
    place = build_place(p, np.random.default_rng(0))
    study = build_offenders(p, place, np.random.default_rng(1))
    return p, place, study, *build_crime_map(p, place, study, np.random.default_rng(2))


def test_the_ring_surrounds_the_study_area_with_segments_of_its_own():
    p, place, _, cmap, _ = crime_map(ring_km=0.5)
    ring = 5                                             # 0.5 km of 0.1 km segments
    assert cmap.width == place.grid_width + 2 * ring and cmap.n_study == place.n_segments
    assert cmap.n_segments == cmap.width * cmap.height
    assert np.array_equal(cmap.segment_xy[:place.n_segments], place.segment_xy)
    ring_xy = cmap.segment_xy[cmap.in_ring]
    top = place.segment_xy.max(axis=0)
    outside = (ring_xy < -1e-9).any(axis=1) | (ring_xy > top + 1e-9).any(axis=1)
    assert outside.all()
    assert (cmap.segment_size[cmap.in_ring] == p.households_per_segment).all()
    assert cmap.segment_start[cmap.n_study] == p.n_residents


def test_points_in_the_area_map_to_the_same_segment_as_before():
    _, place, _, cmap, _ = crime_map()
    xy = np.random.default_rng(3).uniform(0, place.segment_xy.max(), (2000, 2))
    assert np.array_equal(cmap.nearest_segment(xy), place.nearest_segment(xy))


def test_a_closed_area_is_the_study_area_alone():
    _, place, _, cmap, offenders = crime_map(ring_km=0.0)
    assert cmap.n_segments == place.n_segments and not cmap.in_ring.any()
    xy = np.random.default_rng(4).uniform(-2, 4, (2000, 2))
    assert np.array_equal(cmap.nearest_segment(xy), place.nearest_segment(xy))
    assert (offenders.nbhd >= 0).all()


def test_ring_segments_belong_to_the_nearest_neighbourhood():
    _, place, _, cmap, _ = crime_map(ring_km=0.3)
    corner = cmap.nearest_segment(np.array([[-0.2, -0.2], [place.segment_xy[:, 0].max() + 0.2, -0.2]]))
    assert cmap.in_ring[corner].all()
    assert cmap.segment_nbhd[corner[0]] == place.segment_nbhd[0]
    assert cmap.segment_nbhd[corner[1]] == place.segment_nbhd[place.grid_width - 1]


def test_ring_households_are_like_the_study_areas():
    p, _, _, cmap, _ = crime_map()
    ring_reward = cmap.attractiveness[p.n_residents:]
    assert ring_reward.mean() == pytest.approx(1.0) and len(ring_reward) == cmap.segment_size[cmap.in_ring].sum()
    for x, mean in ((cmap.ring_trust, p.cohesion_mean), (cmap.ring_efficacy, p.efficacy_mean)):
        assert x.min() >= 0 and x.max() <= 1 and x.mean() == pytest.approx(mean, abs=0.02)


def test_the_ring_houses_offenders_at_the_same_density_and_the_area_keeps_its_own():
    p, _, study, cmap, offenders = crime_map()
    n_study = len(study.nbhd)
    assert np.array_equal(offenders.home_segment[:n_study], study.home_segment)
    ring = offenders.nbhd == -1
    assert ring.sum() == round(p.offenders_per_1000 * cmap.segment_size[cmap.in_ring].sum() / 1000)
    assert cmap.in_ring[offenders.home_segment[ring]].all() and not ring[:n_study].any()
    assert abs(offenders.young.mean() - p.young_offender_share) < 0.05


def test_places_follow_their_shares_and_routine_nodes_are_routine_places():
    _, _, _, cmap, offenders = crime_map()
    for k, kind in enumerate(PLACE_KINDS):
        assert abs((cmap.place_kind == k).mean() - kind.share) < 0.015
    routine = [k for k, kind in enumerate(PLACE_KINDS) if kind.routine]
    assert np.isin(cmap.place_kind[offenders.nodes], routine).all()
    distance = np.hypot(*(cmap.segment_xy[offenders.nodes[:, 0]] - offenders.home_xy).T)
    assert np.median(distance) < 2.0                      # routine places near home, not anywhere on the map


def test_without_places_nodes_are_home():
    none = {f"share_segments_{kind.name}": 0.0 for kind in PLACE_KINDS}
    _, _, _, cmap, offenders = crime_map(**none)
    assert (cmap.place_kind == NO_PLACE).all()
    assert (offenders.nodes == offenders.home_segment[:, None]).all()
