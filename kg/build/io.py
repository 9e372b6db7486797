"""Read a built graph back from a build directory, one whole build at a time.

``kg build`` swaps a finished build into place by two renames under an exclusive
lock (:func:`kg.build.outdir.swap_lock`); the readers here open files under the
shared lock, so they never open a build while it is being replaced.  A read-only
Oxigraph store opens all of its files when opened (measured with pyoxigraph
0.5.13: every ``*.sst`` is an open descriptor right after ``Store.read_only``, and
queries still answer after the folder is deleted), so an open store keeps reading
the build it was opened on even after a later build replaced and deleted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.build.outdir import build_id, swap_lock
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


@dataclass
class BuildStore:
    """A build's Oxigraph store opened by :func:`open_build_store`.

    Attributes
    ----------
    store : pyoxigraph.Store
        Opened read-only; it keeps answering from the build it was opened on,
        whatever later builds do to the folder.
    build_id : str or None
        The ``build_id`` of that build's ``.kg-build.json`` marker (None for a
        build without a marker).  Compare it with
        :func:`kg.build.outdir.build_id` of the folder to notice a newer build.
    build_dir : pathlib.Path
        The folder it was opened from.
    """

    store: Any
    build_id: str | None
    build_dir: Path


def open_build_store(build_dir: Path | str) -> BuildStore:
    """Open the store of a build and read its build id, as one whole build.

    Both happen under the shared :func:`kg.build.outdir.swap_lock` (a few
    milliseconds), so they come from the same build even while ``kg build``
    replaces the folder: the builder's two renames wait for the lock, and this
    waits for them.  After it returns, the store keeps reading that build (see the
    module docstring); a reader that wants the newest build compares
    ``build_id`` with :func:`kg.build.outdir.build_id` and opens again.

    Raises
    ------
    BuildError
        If the folder or its store is missing, partial or cannot be opened.
    """
    from kg.query.engine import open_store_unlocked

    d = Path(build_dir)
    with swap_lock(d, shared=True):
        store = open_store_unlocked(d)
        return BuildStore(store=store, build_id=build_id(d), build_dir=d)
