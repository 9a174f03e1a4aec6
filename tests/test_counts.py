"""Tests of sums by group."""

import numpy as np

from simulation.counts import Grouping


def test_sums_are_bincounts_bit_for_bit_and_counts_are_group_sizes():
    rng = np.random.default_rng(7)
    group = rng.integers(0, 13, 20_000)
    by = Grouping(group, 15)
    assert by.count.tolist() == np.bincount(group, minlength=15).tolist()
    for weights in (rng.random(20_000).astype(np.float32), rng.normal(size=20_000), rng.random(20_000) < 0.3,
                    rng.integers(0, 50, 20_000)):
        assert np.array_equal(by.sum(weights), np.bincount(group, weights, minlength=15))
    assert by.sum(np.ones(20_000))[13:].tolist() == [0.0, 0.0]
