"""The residents' social network: edge arrays with sparse matrices for fast sums.

The network is stored as undirected edge arrays. Sums over ties ("how many of
my ties are active", "mean trust of my ties") are sparse matrix-vector
products. New ties brokered during a run go into a small second matrix that is
folded into the main one when it grows, so adding ties stays cheap.
A :mod:`networkx` graph is built on demand for export and visualisation;
users' own network files are read by :mod:`simulation.network_file`.
"""

from __future__ import annotations


import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components



def _symmetric(u: np.ndarray, v: np.ndarray, n: int) -> sp.csr_matrix:
    data = np.ones(2 * len(u), dtype=np.float32)
    m = sp.csr_matrix((data, (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` by sorting: much faster for millions of int64 keys)."""
    keys = np.sort(keys)
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys


def edge_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Order-free integer key of each edge (u, v)."""
    lo, hi = np.minimum(u, v).astype(np.int64), np.maximum(u, v).astype(np.int64)
    return lo * n + hi


class SocialNetwork:
    """Undirected ties between ``n`` residents."""

    def __init__(self, n: int, u: np.ndarray, v: np.ndarray) -> None:
        keep = u != v
        keys = sorted_unique(edge_keys(u[keep], v[keep], n))
        self.n = n
        self._keys = keys
        self._adj = _symmetric((keys // n).astype(np.int32), (keys % n).astype(np.int32), n)
        self._new_adj = sp.csr_matrix((n, n), dtype=np.float32)
        self._new_keys = np.empty(0, dtype=np.int64)
        self._degree = self._count_degree()

    def _count_degree(self) -> np.ndarray:
        degree = np.diff(self._adj.indptr) + np.diff(self._new_adj.indptr)
        degree.flags.writeable = False
        return degree

    @property
    def n_edges(self) -> int:
        """Number of distinct ties."""
        return len(self._keys) + len(self._new_keys)

    def degree(self) -> np.ndarray:
        """Ties per resident (read-only; kept up to date as ties are added)."""
        return self._degree

    def tie_sum(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """For each resident (or each of ``rows``), the sum of ``x`` over their ties."""
        if rows is not None and len(rows) < self.n // 4:   # slicing rows only pays for a few rows
            return self._adj[rows] @ x + self._new_adj[rows] @ x
        total = self._adj @ x + self._new_adj @ x
        return total if rows is None else total[rows]

    def tie_mean(self, x: np.ndarray, default: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each resident's ties (``default`` where there are none)."""
        deg = self.degree()
        total = self.tie_sum(x.astype(np.float32))
        return np.where(deg > 0, total / np.maximum(deg, 1), default)

    def tied_to(self, who: np.ndarray) -> np.ndarray:
        """Boolean mask of residents with at least one tie to a resident in ``who``."""
        _, neighbour = self._ties_of(who)
        mask = np.zeros(self.n, dtype=bool)
        mask[neighbour] = True
        return mask

    def tie_counts(self, who: np.ndarray, label: np.ndarray, n_labels: int) -> np.ndarray:
        """(n, n_labels) float32: each resident's ties to ``who``, by label (``label[i]`` of ``who[i]``).

        Equals ``tie_sum`` of the one-hot label matrix, at a cost proportional to the ties of ``who``.
        """
        owner, neighbour = self._ties_of(who)
        counts = np.bincount(neighbour * n_labels + label[owner], minlength=self.n * n_labels)
        return counts.reshape(self.n, n_labels).astype(np.float32)

    def _ties_of(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every tie of the residents ``who``: (position in ``who``, neighbour) arrays."""
        owners, neighbours = [], []
        for m in (self._adj, self._new_adj):
            start = m.indptr[who]
            count = m.indptr[who + 1] - start
            owner = np.repeat(np.arange(len(who)), count)
            first = np.cumsum(count) - count
            owners.append(owner)
            neighbours.append(m.indices[start[owner] + np.arange(len(owner)) - first[owner]])
        return np.concatenate(owners), np.concatenate(neighbours).astype(np.int64)

    def are_tied(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Whether each pair (u[i], v[i]) is tied."""
        keys = edge_keys(u, v, self.n)
        return _contains(self._keys, keys) | _contains(self._new_keys, keys)

    def add_ties(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Add ties (u[i], v[i]); existing ties and self-ties are ignored.

        Returns the lower-index end of each tie that was new (one entry per new tie).
        """
        keep = u != v
        keys = sorted_unique(edge_keys(u[keep], v[keep], self.n))
        keys = keys[~(_contains(self._keys, keys) | _contains(self._new_keys, keys))]
        if len(keys) == 0:
            return np.empty(0, dtype=np.int64)
        self._new_keys = np.sort(np.concatenate([self._new_keys, keys]))
        if len(self._new_keys) > 0.05 * len(self._keys) + 1000:
            self._keys = np.sort(np.concatenate([self._keys, self._new_keys]))
            self._adj = _symmetric((self._keys // self.n).astype(np.int32),
                                   (self._keys % self.n).astype(np.int32), self.n)
            self._new_keys = np.empty(0, dtype=np.int64)
        self._new_adj = _symmetric((self._new_keys // self.n).astype(np.int32),
                                   (self._new_keys % self.n).astype(np.int32), self.n)
        self._degree = self._count_degree()
        return keys // self.n

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """All ties as two index arrays (u < v)."""
        keys = np.sort(np.concatenate([self._keys, self._new_keys]))
        return keys // self.n, keys % self.n

    def neighbours(self, i: int) -> np.ndarray:
        """Indices of resident ``i``'s ties."""
        a, b = self._adj, self._new_adj
        return np.concatenate([a.indices[a.indptr[i]:a.indptr[i + 1]],
                               b.indices[b.indptr[i]:b.indptr[i + 1]]])

    def adjacency(self) -> sp.csr_matrix:
        """The full symmetric 0/1 adjacency matrix."""
        return self._adj + self._new_adj

    def local_clustering(self) -> np.ndarray:
        """Each resident's clustering coefficient (0 for degree < 2).

        Triangles are counted once each on the ties oriented from lower to
        higher index (half the work and memory of ``(A @ A) * A``): in a
        triangle a < b < c, ``up @ up`` finds it at (a, c) and ``up.T @ up`` at (b, c).
        """
        lo, hi = self.edges()  # sorted by (lo, hi): already the row order of the upper triangle
        indptr = np.concatenate([[0], np.cumsum(np.bincount(lo, minlength=self.n))])
        up = sp.csr_matrix((np.ones(len(lo), dtype=np.float32), hi.astype(np.int32), indptr), shape=(self.n, self.n))
        ends = (up @ up).multiply(up)
        middles = (up.T @ up).multiply(up)
        triangles = _row_sums(ends) + _row_sums(ends.T) + _row_sums(middles)
        deg = self.degree().astype(np.float64)
        pairs = deg * (deg - 1) / 2
        return np.divide(triangles, pairs, out=np.zeros_like(pairs), where=pairs > 0)

    def in_largest_component(self) -> np.ndarray:
        """Boolean mask of residents in the largest connected component."""
        _, labels = connected_components(self.adjacency(), directed=False)
        return labels == np.bincount(labels).argmax()

    def to_networkx(self) -> nx.Graph:
        """A networkx graph with nodes 0..n-1."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        u, v = self.edges()
        g.add_edges_from(zip(u.tolist(), v.tolist()))
        return g


def _row_sums(m: sp.sparray | sp.spmatrix) -> np.ndarray:
    return np.asarray(m.sum(axis=1)).ravel()


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[pos] == keys
