"""Tests of the social network store."""

import networkx as nx
import numpy as np

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
