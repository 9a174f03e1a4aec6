"""Users' own social networks: edge-list or GraphML files of ties between residents.

**Which node is which resident.** If every node id in the file is a whole
number (``0``, ``17``), id *k* is resident *k*: ids must lie in
0 ... n_residents - 1 (counted from 0). Otherwise ids are labels (``ann``,
``n10``), matched to residents in sorted text order, so the file must name
exactly n_residents residents; mixing the two kinds is refused. In an edge
list, residents the file does not name have no ties; a GraphML file declares
every resident as a ``<node>``, so it must declare exactly n_residents nodes.

**Edge lists** (any file not ending in ``.graphml``): one tie per line, two
ids separated by spaces, tabs or a comma, optionally followed by a numeric
weight or a networkx ``{...}`` attribute dict (both ignored: ties are
unweighted). Blank lines and text after ``#`` are skipped.

**GraphML** is parsed with defusedxml: DTDs, entities and external
references are refused. Edges are undirected ties; hyperedges and nested
graphs are refused.

Refused with the line number: a line without two ids, a tie of a resident
with themself, a tie listed twice (in either direction), an id out of range,
a NUL byte, text that is not UTF-8; files over :data:`MAX_NETWORK_BYTES`.
"""

from __future__ import annotations

import io
import re
import xml.sax
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from simulation.files import decode_text, read_bytes, user_path
from simulation.params import ParameterError

MAX_NETWORK_BYTES = 256 * 2**20
"""Largest network file (256 MiB, about 15 million ties in an edge list)."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
SEPARATOR = re.compile(r"[\s,]+")


def read_network_file(path: str | Path, n_residents: int) -> tuple[np.ndarray, np.ndarray]:
    """Ties ``(u, v)`` between residents 0 ... n_residents - 1, read from an edge-list or GraphML file."""
    path = user_path(path, "network_file")
    source = f"network_file '{path}'"
    raw = read_bytes(path, "network_file", MAX_NETWORK_BYTES)
    ties = Ties(n_residents, source)
    if path.suffix.lower() == ".graphml":
        read_graphml(raw, ties, source)
    else:
        read_edge_list(decode_text(raw, source), ties, source)
    return ties.finish()


class Ties:
    """Ties as they are read (ids coded in order of first appearance), checked and matched at the end."""

    def __init__(self, n_residents: int, source: str) -> None:
        self.n, self.source = n_residents, source
        self.declared = False
        """True for GraphML: every node is declared before or apart from the edges naming it."""
        self.codes: dict[str, int] = {}
        self.first_line: list[int] = []
        self.u, self.v, self.line = array("q"), array("q"), array("q")

    def node(self, ident: str, line: int, declare: bool = False) -> int:
        """The code of node ``ident`` (a GraphML ``<node>`` when ``declare``)."""
        code = self.codes.get(ident)
        if code is None:
            if self.declared and not declare:
                self.fail(line, f"an edge names node {ident!r}, which has no <node> element")
            code = self.codes[ident] = len(self.codes)
            self.first_line.append(line)
        elif declare:
            self.fail(line, f"node id {ident!r} is declared twice (first on line {self.first_line[code]})")
        return code

    def add(self, a: str, b: str, line: int) -> None:
        """A tie between ids ``a`` and ``b`` read on ``line``."""
        self.u.append(self.node(a, line))
        self.v.append(self.node(b, line))
        self.line.append(line)

    def fail(self, line: int, message: str) -> None:
        raise ParameterError(f"{self.source}: line {line}: {message}")

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Residents of both ends of every tie, after checking ids, self-ties and repeats."""
        if not self.line:
            raise ParameterError(f"{self.source}: no ties found; expected lines of two resident ids, e.g. '0 1'")
        index = self.resident_index()
        u, v, lines = index[np.frombuffer(self.u, np.int64)], index[np.frombuffer(self.v, np.int64)], \
            np.frombuffer(self.line, np.int64)
        if (loops := np.flatnonzero(u == v)).size:
            self.fail(int(lines[loops[0]]), f"a tie of resident {u[loops[0]]} with themself; list ties between "
                                            "two different residents")
        keys = np.minimum(u, v) * self.n + np.maximum(u, v)
        order = np.argsort(keys, kind="stable")
        repeat = np.flatnonzero(keys[order][1:] == keys[order][:-1])
        if repeat.size:
            later = order[repeat + 1]
            first = int(np.argmin(lines[later]))
            self.fail(int(lines[later[first]]), f"the tie {u[later[first]]}-{v[later[first]]} repeats line "
                                                f"{lines[order[repeat[first]]]}; ties are undirected: list each "
                                                "pair once")
        return u, v

    def resident_index(self) -> np.ndarray:
        """Resident of each node code: whole numbers are resident indices, labels are ranked in sorted order."""
        ids = list(self.codes)
        numeric = [bool(WHOLE_NUMBER.fullmatch(i)) for i in ids]
        if all(numeric):
            index = np.array([int(i) if len(i.lstrip("-0")) < 19 else self.n for i in ids], dtype=np.int64)
            if (bad := np.flatnonzero((index < 0) | (index >= self.n))).size:
                self.fail(self.first_line[bad[0]], f"resident id {ids[bad[0]]} is out of range: whole-number ids "
                                                   f"are resident indices 0-{self.n - 1:,} (n_residents="
                                                   f"{self.n:,}, counted from 0)")
            if self.declared and len(ids) != self.n:
                raise ParameterError(f"{self.source}: declares {len(ids):,} nodes but n_residents={self.n:,}; "
                                     "a GraphML file declares every resident as a <node>")
            return index
        if any(numeric):
            odd = numeric.index(sum(numeric) < len(ids) / 2)
            kinds = ("a whole number", "labels") if numeric[odd] else ("a label", "whole numbers")
            self.fail(self.first_line[odd], f"id {ids[odd]!r} is {kinds[0]} but most ids are {kinds[1]}; use "
                                            "whole numbers (resident indices) or labels throughout")
        if len(ids) != self.n:
            raise ParameterError(f"{self.source}: names {len(ids):,} residents by label but n_residents="
                                 f"{self.n:,}; labels are matched to residents in sorted order, so the file "
                                 "must name every resident (or use whole-number ids 0 to n_residents-1)")
        rank = {ident: r for r, ident in enumerate(sorted(ids))}
        return np.array([rank[i] for i in ids], dtype=np.int64)


def read_edge_list(text: str, ties: Ties, source: str) -> None:
    """Ties from edge-list lines: ``a b``, ``a,b`` or ``a b weight``; ``#`` starts a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        parts = SEPARATOR.split(body, maxsplit=2)
        if len(parts) < 2:
            ties.fail(number, f"expected two resident ids, e.g. '0 1', got {body!r}")
        if len(parts) == 3 and not _is_edge_data(parts[2]):
            ties.fail(number, f"expected two resident ids and optionally a weight, got {body!r}")
        ties.add(parts[0], parts[1], number)


def _is_edge_data(text: str) -> bool:
    """A weight or a networkx attribute dict (ignored)."""
    if text.startswith("{") and text.endswith("}"):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


class GraphmlHandler(xml.sax.handler.ContentHandler):
    """Collects ``<node>`` and ``<edge>`` elements of one GraphML graph, with their line numbers."""

    def __init__(self, ties: Ties) -> None:
        super().__init__()
        self.ties, self.graphs, self.depth = ties, 0, 0
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX API
        self.locator = locator

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX API
        tag, line = name.rsplit(":", 1)[-1], self.locator.getLineNumber() if self.locator else 0
        self.depth += 1
        if self.depth == 1 and tag != "graphml":
            self.ties.fail(line, f"the root element is <{name}>; expected <graphml>")
        if tag == "graph":
            self.graphs += 1
            if self.graphs > 1:
                self.ties.fail(line, "a second or nested <graph>; expected one graph")
        elif tag == "node":
            if "id" not in attrs:
                self.ties.fail(line, "a <node> without an id")
            self.ties.node(attrs["id"], line, declare=True)
        elif tag == "edge":
            if "source" not in attrs or "target" not in attrs:
                self.ties.fail(line, "an <edge> without source and target")
            self.ties.add(attrs["source"], attrs["target"], line)
        elif tag == "hyperedge":
            self.ties.fail(line, "a <hyperedge>; expected ties between two residents")

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        self.depth -= 1


def read_graphml(raw: bytes, ties: Ties, source: str) -> None:
    """Nodes and ties of a GraphML file, parsed safely (no DTDs, entities or external references)."""
    import defusedxml
    import defusedxml.sax

    ties.declared = True
    handler = GraphmlHandler(ties)
    try:
        defusedxml.sax.parse(io.BytesIO(raw), handler, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except xml.sax.SAXParseException as err:
        raise ParameterError(f"{source}: line {err.getLineNumber()}: not valid XML ({err.getMessage()})") from None
    except defusedxml.DefusedXmlException as err:
        raise ParameterError(f"{source}: unsafe XML refused ({type(err).__name__}); GraphML needs no DTD, "
                             "entities or external references") from None
    if handler.graphs == 0:
        raise ParameterError(f"{source}: no <graph> element; expected a GraphML file of nodes and edges")
