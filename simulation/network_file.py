"""Users' own social networks: GraphML or edge-list files of ties between residents."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np

from simulation.params import ParameterError


def read_network_file(path: str | Path, n_residents: int) -> tuple[np.ndarray, np.ndarray]:
    """Read ties from a GraphML (``.graphml``) or edge-list file.

    Nodes are matched to residents in sorted order of their labels; the file
    must have exactly ``n_residents`` nodes.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"network_file: no such file '{path}'")
    try:
        if path.suffix.lower() == ".graphml":
            g = nx.read_graphml(path)
        else:
            g = nx.read_edgelist(path, nodetype=str, data=False)
    except Exception as err:  # networkx raises many types for malformed files
        raise ParameterError(f"network_file: cannot read '{path}' as "
                             f"{'GraphML' if path.suffix.lower() == '.graphml' else 'an edge list'}: {err}"
                             ) from None
    if g.number_of_nodes() != n_residents:
        raise ParameterError(f"network_file: '{path}' has {g.number_of_nodes()} nodes but "
                             f"n_residents={n_residents}; set n_residents to {g.number_of_nodes()}")
    g = nx.convert_node_labels_to_integers(nx.Graph(g), ordering="sorted")
    edges = np.array(list(g.edges()), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]
