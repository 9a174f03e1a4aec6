"""Tests of the social network store."""

import networkx as nx
import numpy as np

from simulation import network
from simulation.counts import TiesByLabel
from simulation.network import SocialNetwork


def ring(n=10):
    u = np.arange(n)
    return SocialNetwork(n, u, (u + 1) % n)


def test_duplicates_and_self_ties_are_dropped():
    net = SocialNetwork(4, np.array([0, 1, 0, 2]), np.array([1, 0, 0, 3]))
    assert net.n_edges == 2 and list(net.degree()) == [1, 1, 1, 1]


def test_tie_sums_and_means():
    net = ring()
    x = np.arange(10, dtype=np.float32)
    assert net.tie_sum(x)[0] == 1 + 9
    assert net.tie_mean(x, default=x)[5] == 5
    lonely = SocialNetwork(3, np.array([0]), np.array([1]))
    assert lonely.tie_mean(np.ones(3, dtype=np.float32) * 7, default=np.full(3, -1.0))[2] == -1


def test_adding_ties_updates_sums_membership_and_edges():
    net = ring()
    added = net.add_ties(np.array([0, 0, 3, 4]), np.array([5, 1, 3, 8]))
    assert sorted(added.tolist()) == [0, 4]             # (0,1) exists, (3,3) is a self-tie
    assert net.are_tied(np.array([5, 8, 0]), np.array([0, 4, 2])).tolist() == [True, True, False]
    assert net.degree()[0] == 3 and net.n_edges == 12
    assert sorted(net.neighbours(0).tolist()) == [1, 5, 9]
    assert net.to_networkx().number_of_edges() == 12


def test_many_new_ties_are_folded_into_the_main_matrix():
    n = 3000
    net = SocialNetwork(n, np.arange(n - 1), np.arange(1, n))
    u = np.arange(0, n - 10, 2)
    net.add_ties(u, u + 7)
    assert net.n_edges == n - 1 + len(u)
    assert net.are_tied(u, u + 7).all()
    assert net.tie_sum(np.ones(n, dtype=np.float32)).sum() == 2 * net.n_edges


def test_clustering_and_components_match_networkx():
    g = nx.connected_caveman_graph(4, 5)
    g.add_edge(100, 101)                         # a separate small component
    g = nx.convert_node_labels_to_integers(g, ordering="sorted")
    edges = np.array(list(g.edges()))
    net = SocialNetwork(g.number_of_nodes(), edges[:, 0], edges[:, 1])
    expected = nx.clustering(g)
    assert np.allclose(net.local_clustering(), [expected[i] for i in range(g.number_of_nodes())])
    assert net.in_largest_component().sum() == 20


def test_triangles_counted_a_few_rows_at_a_time_match_networkx(monkeypatch):
    monkeypatch.setattr(network, "TRIANGLE_ROWS", 7)
    n = 120
    net = SocialNetwork(n, *random_ties(n, 900, 11))
    g = nx.Graph(list(zip(*map(np.ndarray.tolist, net.edges()))))
    expected = nx.clustering(g)
    assert np.allclose(net.local_clustering(), [expected.get(i, 0.0) for i in range(n)])
    assert net.local_clustering().max() > 0


def random_ties(n, m, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, m), rng.integers(0, n, m)


def test_measures_kept_up_to_date_match_a_recount_after_many_additions():
    n = 300
    net = SocialNetwork(n, *random_ties(n, 500, 1))
    net.local_clustering(), net.in_largest_component()          # start keeping them up to date
    rng = np.random.default_rng(2)
    for day in range(60):                                        # enough ties to fold the buffer more than once
        u, v = random_ties(n, 40, day)
        close = rng.integers(0, n, 10)                           # and some that close triangles among themselves
        net.add_ties(np.concatenate([u, close, close, close]), np.concatenate([v, close + 1, close + 2, close + 2]) % n)
    fresh = SocialNetwork(n, *net.edges())
    assert np.allclose(net.local_clustering(), fresh.local_clustering())
    assert np.array_equal(net.in_largest_component(), fresh.in_largest_component())
    assert np.array_equal(net.degree(), fresh.degree())
    g = nx.Graph(list(zip(*map(np.ndarray.tolist, net.edges()))))
    expected = nx.clustering(g)
    assert np.allclose(net.local_clustering(), [expected.get(i, 0.0) for i in range(n)])


def test_measures_first_asked_at_different_times_each_count_every_tie_once():
    n = 200
    net = SocialNetwork(n, *random_ties(n, 300, 3))
    net.local_clustering()                                       # triangles kept from here on
    for step in range(3):
        net.add_ties(*random_ties(n, 60, 10 + step))
        if step == 1:
            net.in_largest_component()                           # components from here, pending ties counted once
    net.local_clustering()
    net.add_ties(*random_ties(n, 60, 20))
    fresh = SocialNetwork(n, *net.edges())
    assert np.array_equal(net.local_clustering(), fresh.local_clustering())
    assert np.array_equal(net.in_largest_component(), fresh.in_largest_component())


def test_measuring_once_after_many_additions_gives_the_labels_of_measuring_after_each():
    n = 150
    each, once = (SocialNetwork(n, *random_ties(n, 30, 4)) for _ in range(2))   # many small components
    for net in (each, once):
        net.local_clustering(), net.in_largest_component()
    for step in range(12):
        ties = random_ties(n, 15, 30 + step)
        for net in (each, once):
            net.add_ties(*ties)
        each.local_clustering(), each.in_largest_component()             # as when measured after every addition
    once.local_clustering(), once.in_largest_component()
    assert np.array_equal(each._triangles6, once._triangles6)
    assert np.array_equal(each._component, once._component)              # the same roots, not just the same sets
    assert np.array_equal(each._component_size, once._component_size)


def test_components_merge_when_ties_join_them():
    net = SocialNetwork(6, np.array([0, 2, 4]), np.array([1, 3, 5]))
    assert net.in_largest_component().sum() == 2
    net.add_ties(np.array([1, 3]), np.array([2, 4]))
    assert net.in_largest_component().all()


def test_queries_see_added_ties_and_allow_repeated_residents():
    net = SocialNetwork(5, np.array([0]), np.array([1]))
    net.add_ties(np.array([1, 3]), np.array([2, 4]))
    x = np.arange(5, dtype=np.float32)
    assert np.array_equal(net.tie_sum(x), [1, 2, 1, 4, 3])
    assert np.array_equal(net.tie_sum(x, rows=np.array([1, 1, 4])), [2, 2, 3])
    assert net.tied_to(np.array([1])).tolist() == [True, False, True, False, False]
    assert net.are_tied(np.array([2, 0]), np.array([1, 2])).tolist() == [True, False]


def test_ties_by_label_match_a_recount_as_labels_change_and_ties_are_added():
    n, labels = 200, 3
    net = SocialNetwork(n, *random_ties(n, 400, 3))
    counts = TiesByLabel(net, labels)
    rng = np.random.default_rng(4)
    label = np.full(n, -1)
    for day in range(40):                                        # enough added ties to fold the buffer
        change = rng.integers(0, n, 15)
        label[change] = rng.integers(-1, labels, 15)
        kept = counts.relabel(label.copy())
        labelled = np.flatnonzero(label >= 0)
        assert np.array_equal(kept, net.tie_counts(labelled, label[labelled], labels))
        net.add_ties(*random_ties(n, 30, 100 + day))
    assert not kept.flags.writeable


def test_ties_within_groups_are_counted_in_chunks_as_at_once():
    n = 500
    net = SocialNetwork(n, *random_ties(n, 2000, 8))
    net.add_ties(*random_ties(n, 50, 9))
    label = np.random.default_rng(10).integers(0, 7, n)
    u, v = net.edges()
    assert net.ties_within(label, chunk=97) == net.ties_within(label) == (label[u] == label[v]).sum() > 0

