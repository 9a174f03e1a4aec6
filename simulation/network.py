"""The residents' social network: a sparse matrix of the ties people start with, plus the ties added since.

Ties present at the start are a symmetric CSR matrix, so sums over ties
("mean trust of my ties") are one sparse product. Ties added during a run
(organisers' introductions) go into an append-only buffer kept sorted by
resident, which every query reads alongside the matrix; the buffer is folded
into the matrix when it reaches 5% of it. Ties are never removed, so once
the network measures have been asked for they are brought up to date, at the
next ask, from the ties added since: triangles per resident (for clustering)
and connected components (a union of components for each tie joining two).
A :mod:`networkx` graph is built on demand for export and visualisation;
users' network files are read by :mod:`simulation.network_file`.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

FOLD_SHARE = 0.05
"""The buffer of added ties is folded into the matrix when it holds this share of the matrix's ties."""
TRIANGLE_ROWS = 1 << 16
"""Residents whose triangles are counted at a time when the network's triangles are first counted."""


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


def spans(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query i, the ``counts[i]`` positions from ``starts[i]``: (query position, position) arrays."""
    first = np.cumsum(counts) - counts
    return np.repeat(np.arange(len(starts)), counts), np.repeat(starts - first, counts) + np.arange(counts.sum())


def _gather(starts: np.ndarray, counts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query i, the ``counts[i]`` values from ``starts[i]``: (query position, value) arrays."""
    owner, position = spans(starts, counts)
    return owner, values[position]


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[pos] == keys


def _insert_sorted(array: np.ndarray, values: np.ndarray, *aligned: tuple[np.ndarray, np.ndarray]
                   ) -> tuple[np.ndarray, ...]:
    """``array`` (sorted) with ``values`` inserted in order; arrays ``aligned`` with it get theirs at the same places."""
    order = np.argsort(values, kind="stable")
    at = np.searchsorted(array, values[order], side="right")
    return (np.insert(array, at, values[order]), *(np.insert(a, at, v[order]) for a, v in aligned))


class SocialNetwork:
    """Undirected ties between ``n`` residents."""

    def __init__(self, n: int, u: np.ndarray, v: np.ndarray) -> None:
        keep = u != v
        self.n = n
        self._fold(sorted_unique(edge_keys(u[keep], v[keep], n)))
        self._degree = np.diff(self._base.indptr).astype(np.int64)
        self._triangles6: np.ndarray | None = None   # 6 x triangles per resident, once asked for
        self._component: np.ndarray | None = None    # component of each resident, once asked for
        self._component_size: np.ndarray | None = None
        self._unmeasured: list[np.ndarray] = []          # keys of ties added since the measures were brought up to date
        self._on_new_ties: list[Callable[[np.ndarray, np.ndarray], None]] = []

    def _fold(self, keys: np.ndarray) -> None:
        """Make ``keys`` the matrix's ties and empty the buffer of added ties."""
        self._keys = keys
        self._base = _symmetric((keys // self.n).astype(np.int32), (keys % self.n).astype(np.int32), self.n)
        self._new_keys = np.empty(0, dtype=np.int64)
        self._new_ends = np.empty(0, dtype=np.int64)      # both ends of every added tie, sorted
        self._new_partners = np.empty(0, dtype=np.int64)  # the other end, aligned with _new_ends

    @property
    def n_edges(self) -> int:
        """Number of distinct ties."""
        return len(self._keys) + len(self._new_keys)

    def degree(self) -> np.ndarray:
        """Ties per resident (read-only view; kept up to date as ties are added)."""
        view = self._degree.view()
        view.flags.writeable = False
        return view

    def ties_of(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every tie of the residents ``who`` (repeats allowed): (position in ``who``, neighbour) arrays."""
        indptr = self._base.indptr
        owner, neighbour = _gather(indptr[who], indptr[who + 1] - indptr[who], self._base.indices)
        if len(self._new_ends) == 0:
            return owner, neighbour.astype(np.int64)
        lo = np.searchsorted(self._new_ends, who, side="left")
        new_owner, new_neighbour = _gather(lo, np.searchsorted(self._new_ends, who, side="right") - lo,
                                           self._new_partners)
        return np.concatenate([owner, new_owner]), np.concatenate([neighbour, new_neighbour])

    def tie_sum(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """For each resident (or each of ``rows``), the sum of ``x`` over their ties."""
        if rows is not None:
            owner, neighbour = self.ties_of(rows)
            return np.bincount(owner, x[neighbour], minlength=len(rows))
        total = self._base @ x
        if len(self._new_ends):
            total += np.bincount(self._new_ends, x[self._new_partners], minlength=self.n).astype(total.dtype)
        return total

    def tie_mean(self, x: np.ndarray, default: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each resident's ties (``default`` where there are none)."""
        deg = self.degree()
        return np.where(deg > 0, self.tie_sum(x.astype(np.float32)) / np.maximum(deg, 1), default)

    def tied_to(self, who: np.ndarray) -> np.ndarray:
        """Boolean mask of residents with at least one tie to a resident in ``who``."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.ties_of(who)[1]] = True
        return mask

    def tie_counts(self, who: np.ndarray, label: np.ndarray, n_labels: int) -> np.ndarray:
        """(n, n_labels) float32: each resident's ties to ``who``, by label (``label[i]`` of ``who[i]``).

        Equals ``tie_sum`` of the one-hot label matrix, at a cost proportional to the ties of ``who``.
        """
        owner, neighbour = self.ties_of(who)
        counts = np.bincount(neighbour * n_labels + label[owner], minlength=self.n * n_labels)
        return counts.reshape(self.n, n_labels).astype(np.float32)

    def are_tied(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Whether each pair (u[i], v[i]) is tied."""
        keys = edge_keys(u, v, self.n)
        return _contains(self._keys, keys) | _contains(self._new_keys, keys)

    def on_new_ties(self, tell: Callable[[np.ndarray, np.ndarray], None]) -> None:
        """Call ``tell(lo, hi)`` with the two ends of the ties each later :meth:`add_ties` adds (once they are in)."""
        self._on_new_ties.append(tell)

    def add_ties(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Add ties (u[i], v[i]); existing ties and self-ties are ignored.

        Returns the lower-index end of each tie that was new (one entry per new tie).
        """
        keep = u != v
        keys = sorted_unique(edge_keys(u[keep], v[keep], self.n))
        keys = keys[~(_contains(self._keys, keys) | _contains(self._new_keys, keys))]
        if len(keys) == 0:
            return np.empty(0, dtype=np.int64)
        lo, hi = keys // self.n, keys % self.n
        (self._new_keys,) = _insert_sorted(self._new_keys, keys)
        self._new_ends, self._new_partners = _insert_sorted(
            self._new_ends, np.concatenate([lo, hi]), (self._new_partners, np.concatenate([hi, lo])))
        np.add.at(self._degree, lo, 1)
        np.add.at(self._degree, hi, 1)
        if self._triangles6 is not None or self._component is not None:
            self._unmeasured.append(keys)
        for tell in self._on_new_ties:
            tell(lo, hi)
        if len(self._new_keys) > FOLD_SHARE * len(self._keys) + 1000:
            self._fold(np.sort(np.concatenate([self._keys, self._new_keys])))
        return lo

    def _measure_added_ties(self) -> None:
        """Bring the measures asked for so far up to date with the ties added since: one pass for all of them,
        which gives the same counts and components as a pass after each addition."""
        if not self._unmeasured:
            return
        added = np.concatenate(self._unmeasured)           # in the order added: unions take the same roots
        self._unmeasured = []
        if self._triangles6 is not None:
            keys = np.sort(added)
            self._count_new_triangles(keys // self.n, keys % self.n, keys)
        if self._component is not None:
            self._join_components(added // self.n, added % self.n)

    def _count_new_triangles(self, lo: np.ndarray, hi: np.ndarray, keys: np.ndarray) -> None:
        """Add the triangles the new ties (lo, hi) close (the ties are already in the network; ``keys`` sorted).

        A triangle with ``k`` of its three ties new is found once from each of
        them, so each finding adds 6 / k to its three corners: 6 per triangle.
        """
        owner, neighbour = self.ties_of(lo)
        closes = self.are_tied(hi[owner], neighbour)
        tie, corner = owner[closes], neighbour[closes]
        k = 1 + _contains(keys, edge_keys(lo[tie], corner, self.n)) + _contains(keys, edge_keys(hi[tie], corner, self.n))
        weight = 6 // k
        for ends in (lo[tie], hi[tie], corner):
            np.add.at(self._triangles6, ends, weight)

    def _join_components(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Merge the components that new ties join (union by size over component labels)."""
        component, size = self._component, self._component_size
        a, b = component[lo], component[hi]
        if np.all(a == b):
            return
        parent = np.arange(len(size))

        def root(c: int) -> int:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for x, y in zip(a[a != b].tolist(), b[a != b].tolist()):
            x, y = root(x), root(y)
            if x != y:
                if size[x] < size[y]:
                    x, y = y, x
                parent[y] = x
                size[x] += size[y]
                size[y] = 0
        while not np.array_equal(parent[parent], parent):   # point every label straight at its root
            parent = parent[parent]
        self._component = parent[component]

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """All ties as two index arrays (u < v), sorted."""
        (keys,) = _insert_sorted(self._keys, self._new_keys) if len(self._new_keys) else (self._keys,)
        return keys // self.n, keys % self.n

    def ties_within(self, label: np.ndarray, chunk: int = 1 << 20) -> int:
        """Number of ties whose two ends carry the same ``label`` (counted ``chunk`` ties at a time, so it needs
        little memory even with millions of ties)."""
        within = 0
        for keys in (self._keys, self._new_keys):
            for start in range(0, len(keys), chunk):
                part = keys[start:start + chunk]
                within += int((label[part // self.n] == label[part % self.n]).sum())
        return within

    def neighbours(self, i: int) -> np.ndarray:
        """Indices of resident ``i``'s ties."""
        return self.ties_of(np.array([i]))[1]

    def adjacency(self) -> sp.csr_matrix:
        """The full symmetric 0/1 adjacency matrix."""
        if len(self._new_keys) == 0:
            return self._base
        added = _symmetric((self._new_keys // self.n).astype(np.int32), (self._new_keys % self.n).astype(np.int32),
                           self.n)
        return self._base + added

    def local_clustering(self) -> np.ndarray:
        """Each resident's clustering coefficient (0 for degree < 2).

        Triangles are counted once over the whole network on the first call
        (on the ties oriented from lower to higher index: in a triangle
        a < b < c, ``up @ up`` finds it at (a, c) and ``up.T @ up`` at (b, c);
        ``TRIANGLE_ROWS`` rows at a time, which keeps the products' memory
        small), then brought up to date from the ties added since at each call.
        """
        self._measure_added_ties()
        if self._triangles6 is None:
            lo, hi = self.edges()  # sorted by (lo, hi): already the row order of the upper triangle
            indptr = np.concatenate([[0], np.cumsum(np.bincount(lo, minlength=self.n))])
            up = sp.csr_matrix((np.ones(len(lo), dtype=np.float32), hi.astype(np.int32), indptr),
                               shape=(self.n, self.n))
            del lo, hi
            down = up.T.tocsr()
            triangles = np.zeros(self.n)
            for start in range(0, self.n, TRIANGLE_ROWS):
                rows = slice(start, start + TRIANGLE_ROWS)
                ends = (up[rows] @ up).multiply(up[rows])
                triangles[rows] += _row_sums(ends) + _row_sums((down[rows] @ up).multiply(up[rows]))
                triangles += np.asarray(ends.sum(axis=0)).ravel()
            self._triangles6 = 6 * np.rint(triangles).astype(np.int64)
        deg = self._degree.astype(np.float64)
        pairs = deg * (deg - 1) / 2
        return np.divide(self._triangles6 / 6, pairs, out=np.zeros_like(pairs), where=pairs > 0)

    def in_largest_component(self) -> np.ndarray:
        """Boolean mask of residents in the largest connected component (components found on the first call,
        then joined by the ties added since at each call)."""
        self._measure_added_ties()
        if self._component is None:
            _, self._component = connected_components(self.adjacency(), directed=False)
            self._component_size = np.bincount(self._component)
        return self._component == np.argmax(self._component_size)

    def to_networkx(self) -> nx.Graph:
        """A networkx graph with nodes 0..n-1."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        u, v = self.edges()
        g.add_edges_from(zip(u.tolist(), v.tolist()))
        return g


def _row_sums(m: sp.sparray | sp.spmatrix) -> np.ndarray:
    return np.asarray(m.sum(axis=1)).ravel()
