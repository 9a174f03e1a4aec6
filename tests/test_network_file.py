"""Tests of reading users' own network files: node matching, refusals with line numbers, safe XML."""

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from simulation.model import CommunityModel
from simulation.network_file import read_network_file
from simulation.params import ParameterError


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def ties(u: np.ndarray, v: np.ndarray) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in zip(u.tolist(), v.tolist())}


def test_plain_integer_edge_list_ties_the_residents_it_names(tmp_path: Path) -> None:
    """Regression: ids were matched in text order ('10' before '2'), tying the wrong residents."""
    path = write(tmp_path, "ties.txt", "0 1\n2 10\n10 11\n3 2\n")
    assert ties(*read_network_file(path, 12)) == {(0, 1), (2, 10), (10, 11), (2, 3)}
    model = CommunityModel(n_residents=12, n_neighbourhoods=1, network_file=str(path), rng=0)
    assert ties(*model.network.edges()) == {(0, 1), (2, 10), (10, 11), (2, 3)}
    assert model.network.degree().tolist() == [1, 1, 2, 1, 0, 0, 0, 0, 0, 0, 2, 1]


def test_edge_list_and_graphml_of_the_same_graph_give_the_same_ties(tmp_path: Path) -> None:
    g = nx.gnm_random_graph(30, 60, seed=1)
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_edgelist(g, tmp_path / "g.txt")                 # networkx writes '0 1 {}'
    nx.write_weighted_edgelist(nx.Graph(g.edges, weight=1.5), tmp_path / "w.txt")
    (tmp_path / "g.csv").write_text("".join(f"{a},{b}\n" for a, b in g.edges))
    expected = {(min(a, b), max(a, b)) for a, b in g.edges}
    for name in ("g.graphml", "g.txt", "w.txt", "g.csv"):
        assert ties(*read_network_file(tmp_path / name, 30)) == expected, name


def test_labels_are_matched_in_sorted_order(tmp_path: Path) -> None:
    path = write(tmp_path, "names.txt", "# friends\nbob ann\ncat bob  # comment\n")
    assert ties(*read_network_file(path, 3)) == {(0, 1), (1, 2)}


@pytest.mark.parametrize(("content", "needle"), [
    ("0 1\n1 1\n", "line 2: a tie of resident 1 with themself"),
    ("0 1\n2\n", "line 2: expected two resident ids"),
    ("0 1\n1 2 three\n", "line 2: expected two resident ids and optionally a weight"),
    ("0 1\n\n1 0\n", "line 3: the tie 1-0 repeats line 1"),
    ("0 1\n1 5\n", "line 2: resident id 5 is out of range"),
    ("0 1\n-1 2\n", "line 2: resident id -1 is out of range"),
    ("0 1\n1 2\nann 2\n", "line 3: id 'ann' is a label but most ids are whole numbers"),
    ("ann bob\nbob cat\n", "names 3 residents by label but n_residents=5"),
    ("# only a comment\n", "no ties found"),
    (b"0 1\n1\x00 2\n", "line 2: contains a NUL byte"),
    ("0 1\n1 2\n".encode("utf-16"), "UTF-16"),
    (b"0 1\n1 \xe9\n", "line 2: byte 0xe9 is not UTF-8"),
])
def test_bad_edge_lists_name_the_line(tmp_path: Path, content: str | bytes, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle) as err:
        read_network_file(write(tmp_path, "bad.txt", content), 5)
    assert "network_file" in str(err.value) and "\n" not in str(err.value)


GRAPH = '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">{}</graph></graphml>'
NODES = '<node id="0"/><node id="1"/>'


@pytest.mark.parametrize(("content", "needle"), [
    (GRAPH.format(NODES + '<edge source="0" target="0"/>'), "a tie of resident 0 with themself"),
    (GRAPH.format(NODES + '<node id="1"/>'), "node id '1' is declared twice"),
    (GRAPH.format(NODES + '<edge source="0" target="7"/>'), "names node '7', which has no <node>"),
    (GRAPH.format(NODES), "no ties found"),
    (GRAPH.format(NODES + '<hyperedge/>'), "hyperedge"),
    (GRAPH.format(NODES + "<graph/>"), "second or nested <graph>"),
    ("<html/>", "root element is <html>"),
    ("<graphml", "not valid XML"),
    ('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><graphml/>', "unsafe XML"),
    ('<?xml version="1.0"?><!DOCTYPE g SYSTEM "file:///etc/passwd"><graphml/>', "unsafe XML"),
])
def test_bad_graphml_is_refused_safely(tmp_path: Path, content: str, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle):
        read_network_file(write(tmp_path, "bad.graphml", content), 2)


def test_graphml_declares_every_resident(tmp_path: Path) -> None:
    path = write(tmp_path, "g.graphml", GRAPH.format(NODES + '<edge source="0" target="1"/>'))
    assert ties(*read_network_file(path, 2)) == {(0, 1)}
    with pytest.raises(ParameterError, match="declares 2 nodes but n_residents=3"):
        read_network_file(path, 3)


def test_missing_directory_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParameterError, match="no such file"):
        read_network_file(tmp_path / "nope.txt", 5)
    with pytest.raises(ParameterError, match="is a directory"):
        read_network_file(tmp_path, 5)
    monkeypatch.setattr("simulation.network_file.MAX_NETWORK_BYTES", 10)
    with pytest.raises(ParameterError, match="the limit is 10"):
        read_network_file(write(tmp_path, "big.txt", "0 1\n1 2\n2 3\n"), 5)
