"""The pages ``kg build`` writes (index + one per entity type) and ``kg view``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import BuildError
from kg.model import ENTITY_TYPES
from kg.viz.overview import OVERVIEW_TOP, overview_view
from kg.viz.render import MAX_NODES, render_html
from kg.viz.select import DEFAULT_TOP, HIDDEN_TYPES_BY_DEFAULT, node_kind, node_type, select_view


def type_page_name(type_name: str) -> str:
    """File name of a type's page: ``"Method"`` → ``"type-method.html"``.

    Parameters
    ----------
    type_name : str
        Entity type.

    Returns
    -------
    str
    """
    safe = "".join(c if c.isalnum() else "-" for c in type_name.lower())
    return f"type-{safe}.html"


def _entity_types(G: nx.MultiDiGraph) -> list[str]:
    """Entity types present in ``G`` that get a page: all but the stand-ins for
    unnamed methods (:data:`kg.viz.select.HIDDEN_TYPES_BY_DEFAULT`), in the order
    of :data:`kg.model.ENTITY_TYPES`, then any other type alphabetically."""
    present = {node_type(a) for _, a in G.nodes(data=True) if node_kind(a) == "entity"}
    present -= HIDDEN_TYPES_BY_DEFAULT
    ordered = [t for t in ENTITY_TYPES if t in present]
    return ordered + sorted(present - set(ordered))


def _communities_note(view: nx.MultiDiGraph, shown: int = 5) -> str:
    """" Communities: around A, B, C (12); ..." for the largest ``shown`` communities."""
    comms = (view.graph.get("view") or {}).get("communities") or []
    if not comms:
        return ""
    parts = [f"around {c['label']} ({c['size']})" for c in comms[:shown]]
    return " Communities: " + "; ".join(parts) + "."


def write_site(G: nx.MultiDiGraph, out_dir: Path, *, top: int = DEFAULT_TOP) -> list[Path]:
    """Write the browsable views of a built graph: ``index.html`` plus one page per type.

    ``index.html`` is the overview (:func:`kg.viz.overview.overview_view`: at most
    ``min(top, OVERVIEW_TOP)`` entities, typed relations and folded co-mentions);
    ``type-<type>.html`` shows the ``top`` most important entities of one type
    with their direct neighbours. Every page carries the same navigation bar
    and a legend whose type names link to the type pages.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The merged graph (schema in :mod:`kg.build`). Not modified.
    out_dir : pathlib.Path
        Folder to write into (created if missing).
    top : int, default :data:`kg.viz.select.DEFAULT_TOP`
        Node cap of each page.

    Returns
    -------
    list of pathlib.Path
        The files written, ``index.html`` first, then the type pages in the
        order of :data:`kg.model.ENTITY_TYPES`.

    Raises
    ------
    kg.viz.render.RenderError
        If a page cannot be written.
    """
    out_dir = Path(out_dir)
    types = _entity_types(G)
    links = {"Overview": "index.html"}
    links.update({t: type_page_name(t) for t in types})
    n_docs = sum(1 for _, a in G.nodes(data=True) if node_kind(a) == "document")
    n_ent = sum(
        1 for _, a in G.nodes(data=True)
        if node_kind(a) == "entity" and node_type(a) not in HIDDEN_TYPES_BY_DEFAULT
    )
    overview = overview_view(G, top=min(top, OVERVIEW_TOP))
    written = [
        render_html(
            overview,
            out_dir / "index.html",
            title="Knowledge graph overview",
            note=(
                f"{n_ent:,} entities from {n_docs:,} documents; the most important by PageRank, "
                "joined by their typed relations (solid, labelled) and by the documents that "
                "mention both (dashed: hover for the documents and sentences)."
                + _communities_note(overview)
            ),
            links=links,
            current="Overview",
        )
    ]
    for t in types:
        view = select_view(G, types=[t], top=top, with_neighbors=True)
        written.append(
            render_html(
                view,
                out_dir / type_page_name(t),
                title=f"{t} entities",
                note=f"Entities of type {t} and their direct neighbours.",
                links=links,
                current=t,
            )
        )
    return written


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    """Read a node-link JSON graph (``graph.json``) into a ``MultiDiGraph``.

    Used by :func:`view_command` only when :func:`kg.build.io.load_graph` is not
    available. Accepts both ``"links"`` and ``"edges"`` as the edge list key.

    Parameters
    ----------
    path : pathlib.Path
        The JSON file.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    BuildError
        If the file is missing or not node-link JSON (names the file and, for
        JSON syntax errors, the line).
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            data: Any = json.load(fh)
    except FileNotFoundError:
        raise BuildError(f"{path}: no built graph here; run `kg build ... --out {path.parent}` first") from None
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or "nodes" not in data:
        raise BuildError(f"{path}: not a node-link graph (no 'nodes' list)")
    edges_key = "edges" if "edges" in data else "links"
    try:
        G = nx.node_link_graph(data, directed=True, multigraph=True, edges=edges_key)
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise BuildError(f"{path}: not a node-link graph: {exc}") from None
    if not isinstance(G, nx.MultiDiGraph):
        G = nx.MultiDiGraph(G)
    return G


def load_build(build_dir: Path) -> nx.MultiDiGraph:
    """Load the graph of a build folder.

    Uses :func:`kg.build.io.load_graph` when the build module provides it, else
    :func:`read_graph_json` on ``build_dir/graph.json``.

    Parameters
    ----------
    build_dir : pathlib.Path
        Output folder of ``kg build``.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    BuildError
        If the folder or its graph is missing or unreadable.
    """
    build_dir = Path(build_dir)
    if not build_dir.is_dir():
        raise BuildError(f"{build_dir}: not a directory (expected the output folder of `kg build`)")
    try:
        from kg.build.io import load_graph  # type: ignore[import-not-found]
    except ImportError:
        return read_graph_json(build_dir / "graph.json")
    return load_graph(build_dir)


def view_command(
    build_dir: Path,
    out: Path,
    *,
    entity: str | None = None,
    radius: int = 1,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    top: int | None = None,
    since: str | None = None,
    document: str | None = None,
    rank: str = "pagerank",
    max_nodes: int = MAX_NODES,
    layout: str | None = None,
    min_confidence: float | None = None,
) -> Path:
    """``kg view``: load a built graph, select a view, write it as one HTML page.

    Without ``entity``, ``document``, ``types``, ``relations`` or ``since`` the
    page is the overview of ``index.html`` (:func:`kg.viz.overview.overview_view`
    with ``top``, default :data:`kg.viz.overview.OVERVIEW_TOP`); otherwise
    :func:`kg.viz.select_view`.

    Parameters
    ----------
    build_dir : pathlib.Path
        Output folder of ``kg build`` (holds ``graph.json``).
    out : pathlib.Path
        HTML file to write.
    entity, radius, types, relations, top, since, document, rank
        Passed to :func:`kg.viz.select_view` (empty lists mean "not given").
    max_nodes, layout
        Passed to :func:`kg.viz.render_html`.

    min_confidence : float, optional
        Hide relations below this confidence (default
        :data:`kg.viz.select.DEFAULT_MIN_CONFIDENCE`).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    BuildError
        Missing or unreadable build folder.
    kg.viz.select.ViewError
        Unknown entity/document/type/relation, bad date or numbers.
    kg.viz.render.RenderError
        The page cannot be written.
    """
    G = load_build(build_dir)
    types = list(types) if types else None
    relations = list(relations) if relations else None
    plain = not (entity or document or types or relations or since)
    view = overview_view(G, top=top or OVERVIEW_TOP, rank=rank) if plain else select_view(
        G,
        entity=entity,
        radius=radius,
        types=types,
        relations=relations,
        top=top,
        since=since,
        **({} if min_confidence is None else {"min_confidence": min_confidence}),
        document=document,
        rank=rank,
    )
    meta = view.graph["view"]
    if entity is not None:
        centre = meta["centre"]
        name = view.nodes[centre].get("label") or centre
        title = f"{name}: neighbourhood (radius {radius})"
    elif document is not None:
        centre = meta["centre"]
        a = view.nodes[centre]
        title = f"Document: {a.get('title') or a.get('label') or centre}"
    elif plain:
        title = "Knowledge graph overview"
    else:
        title = "Knowledge graph view"
    parts = []
    if types:
        parts.append("types " + ", ".join(meta["types"]))
    if relations:
        parts.append("relations " + ", ".join(meta["relations"]))
    if since:
        parts.append(f"documents since {meta['since']}")
    note = ("Filtered to " + "; ".join(parts) + ".") if parts else None
    return render_html(view, Path(out), title=title, note=note, max_nodes=max_nodes, layout=layout)
