"""Tests of initialisation: geometry, groups, offenders, starting attitudes."""

import numpy as np

from simulation.params import Params
from simulation.world import build_groups, build_offenders, build_place, starting_attitudes


def place(**overrides):
    return build_place(Params(**overrides), np.random.default_rng(0))


def test_segments_hold_contiguous_ranges_of_residents():
    pl = place(n_residents=1050, households_per_segment=20)
    assert pl.n_segments == 53 and pl.segment_size[-1] == 10
    assert (pl.resident_segment[pl.segment_start] == np.arange(pl.n_segments)).all()


def test_residents_on_segments_are_their_ranges_in_order_with_repeats():
    pl = place(n_residents=1050, households_per_segment=20)
    position, resident = pl.residents_on(np.array([52, 3, 3]))
    assert position.tolist() == [0] * 10 + [1] * 20 + [2] * 20
    assert resident.tolist() == list(range(1040, 1050)) + 2 * list(range(60, 80))
    assert [len(a) for a in pl.residents_on(np.array([], dtype=np.int64))] == [0, 0]


def test_neighbourhoods_are_contiguous_blocks_of_the_requested_number():
    for k in (1, 3, 4, 9):
        pl = place(n_residents=4000, n_neighbourhoods=k)
        assert pl.n_nbhd == k and set(np.unique(pl.segment_nbhd)) == set(range(k))


def test_deprived_neighbourhoods_start_less_cohesive_and_house_more_offenders():
    p = Params(n_residents=20_000, n_neighbourhoods=4, offenders_per_1000=20.0)
    rng = np.random.default_rng(0)
    pl = build_place(p, rng)
    assert np.corrcoef(pl.deprivation, pl.cohesion)[0, 1] < -0.9
    offenders = np.bincount(build_offenders(p, pl, rng).nbhd, minlength=4)
    assert offenders[pl.deprivation.argmax()] > offenders[pl.deprivation.argmin()]


def test_starting_attitudes_are_in_range_and_follow_cohesion():
    p = Params(n_residents=20_000)
    rng = np.random.default_rng(0)
    pl = build_place(p, rng)
    trust, efficacy, fear = starting_attitudes(p, pl, rng)
    for x in (trust, efficacy, fear):
        assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    most = pl.resident_nbhd == pl.cohesion.argmax()
    assert trust[most].mean() > trust[~most].mean()


def test_groups_have_leaders_and_imply_ties():
    p = Params(n_residents=5000, groups_per_1000=6.0, leaders_per_group=2)
    rng = np.random.default_rng(0)
    groups, u, v = build_groups(p, build_place(p, rng), rng)
    assert len(groups.nbhd) == 30
    assert 30 <= groups.is_leader.sum() <= 60
    assert (groups.member_group[groups.is_leader] >= 0).all() and len(u) == len(v) > 0


def test_no_groups_when_density_is_zero():
    p = Params(groups_per_1000=0.0)
    groups, u, _ = build_groups(p, build_place(p, np.random.default_rng(0)), np.random.default_rng(0))
    assert (groups.member_group == -1).all() and len(u) == 0


def test_points_off_the_map_are_reflected_not_piled_on_an_edge():
    pl = place(n_residents=2000, households_per_segment=20)      # 100 segments, 10 x 10
    far = np.array([[-0.32, 0.0], [0.0, 5.0], [0.93, 0.93], [1.22, 0.3]])
    # -3.2 -> 3.2; 50 -> 50 mod 18 = 14 -> 4; 9.3 -> 8.7 -> 9; 12.2 -> 5.8 -> 6 (grid 10 x 10, top index 9)
    assert pl.nearest_segment(far).tolist() == [3, 40, 99, 36]
    rng = np.random.default_rng(1)
    points = rng.normal(0.45, 2.0, (20_000, 2))                 # most land off the map
    counts = np.bincount(pl.nearest_segment(points), minlength=100)
    assert counts.max() < 5 * counts.mean()


def test_partial_last_row_maps_inside_the_map():
    pl = place(n_residents=1050, households_per_segment=20)      # 53 segments on an 8-wide grid
    points = np.random.default_rng(2).uniform(-1, 2, (5000, 2))
    assert pl.nearest_segment(points).max() < pl.n_segments
