"""NetworkX-native files: node-link JSON (lossless) and GraphML (for Gephi, yEd).

``graph.json`` is NetworkX's node-link format (``nx.node_link_data`` with
``edges="edges"``), one node or edge per line in sorted order with its identifying
keys first and the others sorted, so the same graph gives the same bytes and an
incremental build can patch it record by record (:mod:`kg.export.patch`); it is
what :func:`kg.build.io.load_graph` reads back. GraphML only holds scalar
attributes, so list and dict attributes (``aliases``, ``docs``, ``evidence``) are
written as JSON strings; characters XML 1.0 cannot hold (C0 controls other than
tab/newline/CR) become visible ``\\uXXXX`` escapes; the file opens with
``nx.read_graphml``. ``graph.json`` keeps every string exactly.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import networkx as nx


@contextmanager
def _atomic_open(path: Path) -> Iterator[TextIO]:
    """A text file (UTF-8, LF) written under a temporary name and renamed onto
    ``path`` once complete; removed if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        from kg.build.outdir import file_mode

        os.chmod(tmp, file_mode())  # mkstemp makes it 0600; a written file follows the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jsonable(obj: Any) -> Any:
    """``default=`` hook for :func:`json.dumps` of graph data: a mapping that is not a
    dict (the build's :class:`kg.build.merge.Evidence` items) becomes a plain dict;
    anything else raises ``TypeError`` as ``json`` does."""
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _atomic_write_text(path: Path, text: str) -> None:
    with _atomic_open(path) as fh:
        fh.write(text)


def node_link(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Node-link dict of ``G`` with nodes and edges in a deterministic order."""
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"]))
    return data


def _record(head: list[tuple[str, Any]], attrs: Mapping[str, Any]) -> str:
    rest = {k: v for k, v in attrs.items() if k not in {h for h, _ in head}}
    text = ", ".join(json.dumps(k) + ": " + json.dumps(v, ensure_ascii=False) for k, v in head)
    more = json.dumps(rest, ensure_ascii=False, sort_keys=True, default=jsonable)
    return "{" + text + (", " + more[1:] if len(more) > 2 else "}")


def node_record(n: str, attrs: Mapping[str, Any]) -> str:
    """One node of ``graph.json``: ``{"id": …, <attributes, keys sorted>}`` on one line."""
    return _record([("id", n)], attrs)


def edge_record(k: tuple[str, str, str], attrs: Mapping[str, Any]) -> str:
    """One edge of ``graph.json``: ``{"source": …, "target": …, "key": …, <attributes,
    keys sorted>}`` on one line."""
    return _record([("source", k[0]), ("target", k[1]), ("key", k[2])], attrs)


def write_node_link(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``G`` as node-link JSON (UTF-8). Returns ``path``.

    The document is ``nx.node_link_data(G, edges="edges")`` (what
    :func:`read_node_link` reads back), laid out for streaming and patching: the
    top-level keys sorted, one node (sorted by id, :func:`node_record`) or edge
    (sorted by ``(source, target, key)``, :func:`edge_record`) per line, its
    identifying keys first and the others sorted.  Written one record at a time, so
    the whole document never sits in memory as one string.
    """
    if not G.is_directed() or not G.is_multigraph():
        _atomic_write_text(Path(path), json.dumps(node_link(G), ensure_ascii=False, sort_keys=True, indent=1,
                                                     default=jsonable) + "\n")
        return Path(path)

    def block(fh: TextIO, items: Iterator[str]) -> None:
        fh.write("[\n")
        first = True
        for text in items:
            if not first:
                fh.write(",\n")
            fh.write("  " + text)
            first = False
        fh.write(" ]" if first else "\n ]")

    nodes = (node_record(n, G.nodes[n]) for n in sorted(G.nodes))
    edges = (edge_record((u, v, k), G.edges[u, v, k]) for u, v, k in sorted(G.edges(keys=True)))
    with _atomic_open(Path(path)) as fh:
        fh.write('{\n "directed": true,\n "edges": ')
        block(fh, edges)
        fh.write(',\n "graph": ')
        fh.write(json.dumps(G.graph, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n "))
        fh.write(',\n "multigraph": true,\n "nodes": ')
        block(fh, nodes)
        fh.write("\n}\n")
    return Path(path)


def read_node_link(path: Path) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_node_link`."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


#: Characters XML 1.0 cannot hold, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT_ESC = re.compile("[&<>\r]")
_ATTR_ESC = re.compile('[&<>"\r\n\t]')
_ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}


def _xml_safe(text: str) -> str:
    """Replace characters XML 1.0 forbids by a visible ``\\uXXXX`` escape."""
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _xml_text(text: str) -> str:
    """Element content: markup characters and CR as references (a raw CR would be
    read back as LF), LF and tab as they are."""
    return _TEXT_ESC.sub(lambda m: _ESC[m.group(0)], _xml_safe(text))


def _xml_attr(text: str) -> str:
    """Attribute value in double quotes: CR, LF and tab as references too (attribute
    value normalisation would turn them into spaces)."""
    return _ATTR_ESC.sub(lambda m: _ESC[m.group(0)], _xml_safe(text))


def _scalar(v: Any) -> Any:
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=jsonable)
    if v is None:
        return ""
    return v


#: GraphML ``attr.type`` of the Python types kg writes (as networkx maps them).
_GRAPHML_TYPE = {str: "string", bool: "boolean", int: "int", float: "double"}


def _graphml_type(v: Any) -> str:
    if isinstance(v, (list, dict, tuple, str)) or v is None:
        return "string"
    t = _GRAPHML_TYPE.get(type(v))
    if t is None:
        raise nx.NetworkXError(f"GraphML writer does not support {type(v)} as data values.")
    return t


def graphml_found(G: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """The GraphML attribute keys ``(scope, name, type)`` of ``G``: scope ``graph``,
    ``node`` or ``edge``, the attribute name and its GraphML type."""
    found: set[tuple[str, str, str]] = set()
    for k, v in G.graph.items():
        found.add(("graph", str(k), _graphml_type(v)))
    for _, d in G.nodes(data=True):
        for k, v in d.items():
            found.add(("node", str(k), _graphml_type(v)))
    for _, _, d in G.edges(data=True):
        for k, v in d.items():
            found.add(("edge", str(k), _graphml_type(v)))
    return found


def graphml_keys(found: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """Key ids ``d0``, ``d1``, … of the attribute keys, in sorted order."""
    return {key: f"d{i}" for i, key in enumerate(sorted(found))}


def _data_lines(scope: str, attrs: Mapping[str, Any], keys: Mapping, indent: str) -> list[str]:
    out = []
    for k in sorted(attrs, key=str):
        v = attrs[k]
        kid = keys[(scope, str(k), _graphml_type(v))]
        v = _scalar(v)
        text = _xml_text(v) if isinstance(v, str) else str(v)
        out.append(f'{indent}<data key="{kid}">{text}</data>\n')
    return out


def graph_data_lines(graph_attrs: Mapping[str, Any], keys: Mapping) -> list[str]:
    """The ``<data>`` lines of the graph element (``G.graph``)."""
    return _data_lines("graph", graph_attrs, keys, "    ")


def graphml_node(n: str, attrs: Mapping[str, Any], keys: Mapping) -> str:
    """The ``<node>`` element of node ``n`` (with its trailing newline)."""
    if not attrs:
        return f'    <node id="{_xml_attr(str(n))}" />\n'
    return (f'    <node id="{_xml_attr(str(n))}">\n' + "".join(_data_lines("node", attrs, keys, "      "))
            + "    </node>\n")


def graphml_edge(k: tuple[str, str, str], attrs: Mapping[str, Any], keys: Mapping) -> str:
    """The ``<edge>`` element of edge ``(source, target, key)`` (the key is its ``id``)."""
    u, v, key = k
    head = f'    <edge source="{_xml_attr(str(u))}" target="{_xml_attr(str(v))}" id="{_xml_attr(str(key))}"'
    if not attrs:
        return head + " />\n"
    return head + ">\n" + "".join(_data_lines("edge", attrs, keys, "      ")) + "    </edge>\n"


def write_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``G`` as GraphML with list/dict attributes JSON-encoded; streamed.

    One pass collects the attribute keys (name, GraphML type, node/edge/graph; ids
    ``d0``, ``d1``, … in sorted order, :func:`graphml_keys`), a second writes the
    graph data, the nodes (sorted by id) and the edges (sorted by ``(source,
    target, key)``; the key is the edge ``id``) one element at a time.  Text XML 1.0
    cannot hold becomes a visible ``\\uXXXX`` escape; CR is written ``&#13;``.
    ``nx.read_graphml`` reads it back.  ``G`` is not changed. Returns ``path``.
    """
    keys = graphml_keys(graphml_found(G))
    with _atomic_open(Path(path)) as fh:
        fh.write("<?xml version='1.0' encoding='utf-8'?>\n")
        fh.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for (scope, name, typ), kid in keys.items():
            fh.write(f'  <key id="{kid}" for="{scope}" attr.name="{_xml_attr(name)}" attr.type="{typ}" />\n')
        fh.write(f'  <graph edgedefault="{"directed" if G.is_directed() else "undirected"}">\n')
        fh.writelines(graph_data_lines(G.graph, keys))
        for n in sorted(G.nodes):
            fh.write(graphml_node(n, G.nodes[n], keys))
        for u, v, k in sorted(G.edges(keys=True)):
            fh.write(graphml_edge((u, v, k), G.edges[u, v, k], keys))
        fh.write("  </graph>\n</graphml>\n")
    return Path(path)
