"""Tests of reading users' own network files."""

import networkx as nx
import pytest

from simulation.network_file import read_network_file
from simulation.params import ParameterError


def test_edge_list_and_graphml_files_are_read(tmp_path):
    g = nx.path_graph(5)
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_edgelist(g, tmp_path / "g.txt", data=False)
    for name in ("g.graphml", "g.txt"):
        u, v = read_network_file(tmp_path / name, 5)
        assert len(u) == 4


@pytest.mark.parametrize(("content", "needle"), [("0 1\n1 2\n", "3 nodes but n_residents=5"),
                                                 ("<graphml", "cannot read")])
def test_bad_network_files_are_clear_errors(tmp_path, content, needle):
    path = tmp_path / ("bad.graphml" if content.startswith("<") else "bad.txt")
    path.write_text(content)
    with pytest.raises(ParameterError, match=needle):
        read_network_file(path, 5)


def test_missing_network_file(tmp_path):
    with pytest.raises(ParameterError, match="no such file"):
        read_network_file(tmp_path / "nope.txt", 5)
