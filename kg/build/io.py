"""Read a built graph back from a build directory."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.errors import BuildError
from kg.export.graphio import read_node_link

GRAPH_FILE = "graph.json"


def load_graph(build_dir: Path | str) -> nx.MultiDiGraph:
    """Load the graph of a ``kg build`` output directory (``DIR/graph.json``).

    Raises
    ------
    BuildError
        If the directory or its ``graph.json`` is missing or unreadable.
    """
    path = Path(build_dir) / GRAPH_FILE
    if not Path(build_dir).is_dir():
        raise BuildError(f"{build_dir}: no such build directory (run `kg build INPUT --out {build_dir}` first)")
    if not path.is_file():
        raise BuildError(f"{path}: missing; {build_dir} is not a complete kg build")
    try:
        return read_node_link(path)
    except (ValueError, KeyError) as exc:
        raise BuildError(f"{path}: unreadable graph ({exc})") from exc
