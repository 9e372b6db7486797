"""NetworkX-native files: node-link JSON (lossless) and GraphML (for Gephi, yEd).

``graph.json`` is NetworkX's node-link format (``nx.node_link_data`` with
``edges="edges"``), keys sorted so the same graph gives the same bytes; it is
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
from pathlib import Path
from typing import Any

import networkx as nx


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def node_link(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Node-link dict of ``G`` with nodes and edges in a deterministic order."""
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"]))
    return data


def write_node_link(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``G`` as node-link JSON (UTF-8, sorted keys). Returns ``path``."""
    _atomic_write_text(Path(path), json.dumps(node_link(G), ensure_ascii=False, sort_keys=True, indent=1) + "\n")
    return Path(path)


def read_node_link(path: Path) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_node_link`."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


#: Stand-in for CR while networkx writes the XML (its writer turns a raw CR into LF);
#: replaced by the character reference ``&#13;`` afterwards. ASCII, so the writer
#: keeps it as it is.
_CR = "KG-CR-5f1b9c"
#: Characters XML 1.0 cannot hold, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    """Replace characters XML 1.0 forbids by a visible ``\\uXXXX`` escape (CR
    is kept: it is written as ``&#13;`` so that parsers do not turn it into LF)."""
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text).replace("\r", _CR)


def _scalar(v: Any) -> Any:
    if isinstance(v, (list, dict, tuple)):
        return _xml_safe(json.dumps(v, ensure_ascii=False, sort_keys=True))
    if v is None:
        return ""
    if isinstance(v, str):
        return _xml_safe(v)
    return v


def write_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``G`` as GraphML with list/dict attributes JSON-encoded.

    The graph is copied first; ``G`` is not changed. Returns ``path``.
    """
    H = nx.MultiDiGraph()
    H.graph.update({k: _scalar(v) for k, v in G.graph.items()})
    for n in sorted(G.nodes):
        H.add_node(_xml_safe(n), **{k: _scalar(v) for k, v in sorted(G.nodes[n].items())})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        H.add_edge(_xml_safe(u), _xml_safe(v), key=_xml_safe(k), **{a: _scalar(b) for a, b in sorted(d.items())})
    # a raw CR in an XML text or attribute value is read back as LF: write it as a reference
    text = "\n".join(nx.generate_graphml(H, prettyprint=True)).replace(_CR, "&#13;") + "\n"
    _atomic_write_text(Path(path), text)
    return Path(path)
