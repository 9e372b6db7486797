"""Choose what a graph view shows: overview, type/relation subsets, ego and document views.

:func:`select_view` never changes the graph it is given: it reads through NetworkX
subgraph views and returns a *new* ``MultiDiGraph`` whose node and edge attributes
are deep copies, so the renderer (or a notebook user) may change the view freely.
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.model import GRAPH_ENTITY_TYPES, RELATION_TYPES, UNNAMED_METHOD

#: Default number of nodes of an overview: a page that opens and settles in about
#: 3 s in headless Chromium on this (loaded, 2-CPU) machine, ~4 MB for a dense
#: overview, and stays smooth to pan and hover (``benchmarks/bench_views.py``).
DEFAULT_TOP: int = 300

#: Edge keys of result nodes (see :mod:`kg.build`).
RESULT_RELATIONS: tuple[str, ...] = ("ofMethod", "onDataset", "withMetric")

#: Views show relations whose confidence is at least this (``--min-confidence``): the
#: calibrated confidence is the rule's judged precision (kg/extract/data/
#: rule_precision.json); at 0.2 the views hide rules trusted below 1 in 5 (the inferred
#: trainedOn rule, prior 0.05). The RDF keeps every relation with its confidence.
DEFAULT_MIN_CONFIDENCE = 0.2

#: Every relation a view may select.
ALL_RELATIONS: tuple[str, ...] = tuple(RELATION_TYPES) + RESULT_RELATIONS

#: Every node type a view may select.
NODE_TYPES: tuple[str, ...] = tuple(GRAPH_ENTITY_TYPES) + ("Document", "Result")

#: Node types a view leaves out unless ``types`` names them: documents, and the
#: stand-ins for methods a document proposes without naming them
#: (:data:`kg.model.UNNAMED_METHOD`, "unnamed method of “<title>”": no name, so not
#: drawn next to the named methods). A document view shows both (its own stand-in
#: drawn in its own style, :mod:`kg.viz.style`).
HIDDEN_TYPES_BY_DEFAULT: frozenset[str] = frozenset({"Document", UNNAMED_METHOD})

#: Relations hidden unless asked for by name: co-mention edges are dense and say
#: little, so they would crowd out the typed relations.
HIDDEN_BY_DEFAULT: frozenset[str] = frozenset({"coMentioned"})

#: Documents named per entity in a view's ``documents`` and under "Mentioned in"
#: in its tooltip.
MENTIONED_IN: int = 5

#: Ranking functions accepted by ``rank``.
RANKS: tuple[str, ...] = ("pagerank", "degree", "count")

_SINCE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class ViewError(KGError):
    """A view was asked for with bad arguments (unknown entity, type, relation, date)."""


# --------------------------------------------------------------------------- helpers


def node_kind(attrs: dict[str, Any]) -> str:
    """Return ``"entity"``, ``"document"`` or ``"result"`` for a node's attributes.

    Parameters
    ----------
    attrs : dict
        Node attribute dict in the schema of :mod:`kg.build`.

    Returns
    -------
    str
        ``attrs["kind"]`` when set, else derived from ``attrs["type"]``.
    """
    kind = attrs.get("kind")
    if kind:
        return str(kind)
    t = attrs.get("type")
    if t == "Document":
        return "document"
    if t == "Result":
        return "result"
    return "entity"


def node_type(attrs: dict[str, Any]) -> str:
    """Return the display type of a node (``"Method"``, ``"Document"``, ``"Result"``...).

    Parameters
    ----------
    attrs : dict
        Node attribute dict.

    Returns
    -------
    str
        ``attrs["type"]``, or ``"Document"``/``"Result"``/``"Entity"`` from the kind.
    """
    t = attrs.get("type")
    if t:
        return str(t)
    return {"document": "Document", "result": "Result"}.get(node_kind(attrs), "Entity")


def unnamed_nodes(G: nx.MultiDiGraph) -> set[str]:
    """The stand-ins for unnamed methods and what only they make: every entity of type
    ``UnnamedMethod`` (:data:`kg.model.UNNAMED_METHOD`) and every result whose method
    (``ofMethod`` edge) is one. Views leave these out unless asked for.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the schema of :mod:`kg.build`. Not modified.

    Returns
    -------
    set of str
        Node ids.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("unnamed-method-d1", kind="entity", type="UnnamedMethod", label="unnamed method of “T”")
    >>> G.add_node("result:1", kind="result", type="Result", label="r")
    >>> G.add_edge("result:1", "unnamed-method-d1", key="ofMethod")
    'ofMethod'
    >>> sorted(unnamed_nodes(G))
    ['result:1', 'unnamed-method-d1']
    """
    out = {n for n, a in G.nodes(data=True) if node_type(a) == UNNAMED_METHOD}
    for n in list(out):
        out.update(r for r, _, k in G.in_edges(n, keys=True) if k == "ofMethod")
    return out


def _canonical(names: Iterable[str], allowed: Iterable[str], what: str) -> list[str]:
    """Map user-given names onto ``allowed`` case-insensitively, or raise ViewError."""
    by_fold = {a.casefold(): a for a in allowed}
    out: list[str] = []
    for raw in names:
        name = str(raw).strip()
        hit = by_fold.get(name.casefold())
        if hit is None:
            close = difflib.get_close_matches(name, list(by_fold.values()), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ViewError(
                f"unknown {what} {name!r}{hint} (known: {', '.join(sorted(by_fold.values()))})"
            )
        if hit not in out:
            out.append(hit)
    return out


def parse_since(since: str | _dt.date | None) -> str | None:
    """Normalise a ``since`` filter to an ISO prefix (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    Parameters
    ----------
    since : str, datetime.date or None
        The earliest document date to keep.

    Returns
    -------
    str or None
        The ISO prefix, compared against the first characters of each document's
        ``date`` attribute.

    Raises
    ------
    ViewError
        If the string is not a valid ISO 8601 year, year-month or date.
    """
    if since is None:
        return None
    if isinstance(since, _dt.datetime):
        return since.date().isoformat()
    if isinstance(since, _dt.date):
        return since.isoformat()
    s = str(since).strip()
    if not _SINCE_RE.match(s):
        raise ViewError(f"--since {since!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in s.split("-")]
    try:
        _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ViewError(f"--since {since!r} is not a valid date: {exc}") from None
    return s


def _names_of(attrs: dict[str, Any]) -> list[str]:
    names = [attrs.get("label")] + list(attrs.get("aliases") or [])
    return [str(n) for n in names if n]


def find_entity(G: nx.MultiDiGraph, name: str) -> str:
    """Resolve an entity given by canonical id, label or alias to its node id.

    Matching order: exact node id; exact label; case-insensitive label or alias.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`.
    name : str
        Canonical id (``"sadga"``), label (``"SADGA"``) or alias.

    Returns
    -------
    str
        The node id.

    Raises
    ------
    ViewError
        If nothing matches (the message lists up to five close matches) or if the
        name is the label/alias of several entities (the message lists them).
    """
    if name in G and node_kind(G.nodes[name]) != "document":
        return name
    key = str(name).strip()
    entities = [(n, a) for n, a in G.nodes(data=True) if node_kind(a) == "entity"]
    for match in (
        lambda a: a.get("label") == key,
        lambda a: key.casefold() in {s.casefold() for s in _names_of(a)},
    ):
        hits = [n for n, a in entities if match(a)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listing = ", ".join(f"{n} ({node_type(G.nodes[n])})" for n in sorted(hits))
            raise ViewError(f"entity {name!r} is ambiguous: {listing}; give the canonical id")
    display: dict[str, str] = {}
    for n, a in entities:
        for s in [n] + _names_of(a):
            display.setdefault(s.casefold(), f"{a.get('label', n)} ({n})")
    close = difflib.get_close_matches(key.casefold(), list(display), n=5, cutoff=0.6)
    shown = list(dict.fromkeys(display[c] for c in close))
    hint = f"; close matches: {', '.join(shown)}" if shown else "; no close matches"
    raise ViewError(f"unknown entity {name!r}{hint}")


def find_document(G: nx.MultiDiGraph, ref: str) -> str:
    """Resolve a document given by node id, record id, arXiv id or exact title.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`.
    ref : str
        ``"doc:<record id>"``, ``"<record id>"``, an arXiv id (``"2111.00653"``,
        ``"arXiv:2111.00653v2"``) or the document's title (case-insensitive).

    Returns
    -------
    str
        The document node id.

    Raises
    ------
    ViewError
        If no document matches (the message lists up to five close matches) or
        several documents share the arXiv id or title.
    """
    key = str(ref).strip()
    for cand in (key, f"doc:{key}"):
        if cand in G and node_kind(G.nodes[cand]) == "document":
            return cand
    docs = [(n, a) for n, a in G.nodes(data=True) if node_kind(a) == "document"]
    arx = re.sub(r"^arxiv:", "", key, flags=re.I)
    arx_base = re.sub(r"v\d+$", "", arx)
    for match in (
        lambda a: re.sub(r"v\d+$", "", str(a.get("arxiv_id") or "")) == arx_base,
        lambda a: str(a.get("title") or a.get("label") or "").casefold() == key.casefold(),
    ):
        hits = [n for n, a in docs if match(a)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ViewError(f"document {ref!r} is ambiguous: {', '.join(sorted(hits))}")
    display: dict[str, str] = {}
    for n, a in docs:
        title = str(a.get("title") or a.get("label") or "")
        for s in (n, n.removeprefix("doc:"), title):
            if s:
                display.setdefault(s.casefold(), f"{n} ({title[:60]})" if title else n)
    close = difflib.get_close_matches(key.casefold(), list(display), n=5, cutoff=0.6)
    shown = list(dict.fromkeys(display[c] for c in close))
    hint = f"; close matches: {', '.join(shown)}" if shown else "; no close matches"
    raise ViewError(f"unknown document {ref!r}{hint}")


def rank_nodes(H: nx.MultiDiGraph, rank: str = "pagerank") -> dict[str, float]:
    """Score the nodes of ``H`` by importance.

    Parameters
    ----------
    H : networkx.MultiDiGraph
        The (possibly filtered) graph to rank.
    rank : {"pagerank", "degree", "count"}
        ``"pagerank"``: :func:`networkx.pagerank` (damping 0.85, Brin & Page 1998)
        with parallel edges summed and each edge weighted by its ``count``
        (support); ``"degree"``: number of incident edges, in and out, each
        relation counted once; ``"count"``: the node's mention ``count``.

    Returns
    -------
    dict
        Node id → score (higher is more important).

    Raises
    ------
    ViewError
        If ``rank`` is not one of the three names.
    """
    if rank == "pagerank":
        D = nx.DiGraph()
        D.add_nodes_from(H.nodes)
        for u, v, d in H.edges(data=True):
            w = float(d.get("count") or 1)
            if D.has_edge(u, v):
                D[u][v]["weight"] += w
            else:
                D.add_edge(u, v, weight=w)
        if D.number_of_edges() == 0:
            return {n: float(a.get("count") or 0) for n, a in H.nodes(data=True)}
        return nx.pagerank(D, alpha=0.85, weight="weight")
    if rank == "degree":
        return {n: float(d) for n, d in H.degree()}
    if rank == "count":
        return {n: float(a.get("count") or 0) for n, a in H.nodes(data=True)}
    raise ViewError(f"unknown rank {rank!r} (choose from {', '.join(RANKS)})")


def top_nodes(
    H: nx.MultiDiGraph, n: int, rank: str = "pagerank", keep: Iterable[str] = ()
) -> list[str]:
    """Return the ``n`` most important nodes of ``H`` (plus ``keep``), best first.

    Ties are broken by mention ``count`` (higher first), then by node id, so the
    choice is deterministic.

    Parameters
    ----------
    H : networkx.MultiDiGraph
        Graph to choose from.
    n : int
        How many nodes to return (``keep`` nodes count towards ``n``).
    rank : {"pagerank", "degree", "count"}
        See :func:`rank_nodes`.
    keep : iterable of str
        Nodes always returned (e.g. the centre of an ego view).

    Returns
    -------
    list of str
        Node ids, the ``keep`` nodes first, then by decreasing score.
    """
    scores = rank_nodes(H, rank)
    keep = [k for k in keep if k in H]
    order = sorted(
        (x for x in H.nodes if x not in set(keep)),
        key=lambda x: (-scores.get(x, 0.0), -float(H.nodes[x].get("count") or 0), str(x)),
    )
    return keep + order[: max(0, n - len(keep))]


def _clone(value: Any) -> Any:
    """Copy JSON-like data (dicts, lists, tuples of scalars) much faster than
    :func:`copy.deepcopy`; other objects fall back to ``deepcopy``."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):  # dicts and kg.build.merge.Evidence items
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clone(v) for v in value)
    return copy.deepcopy(value)


def _ranking_graph(
    G: nx.MultiDiGraph, nodes: set[str], edge_ok: Callable[[str, str, str], bool]
) -> nx.MultiDiGraph:
    """A light copy of ``G`` on ``nodes`` (``count`` attributes only, edges that
    pass ``edge_ok``), for ranking; much faster to walk than nested subgraph views."""
    H = nx.MultiDiGraph()
    for n in nodes:
        H.add_node(n, count=G.nodes[n].get("count") or 0)
    for u in nodes:
        for v, kd in G.succ[u].items():
            if v in nodes:
                for k, d in kd.items():
                    if edge_ok(u, v, k):
                        H.add_edge(u, v, key=k, count=d.get("count") or 1)
    return H


# --------------------------------------------------------------------------- main


def select_view(
    G: nx.MultiDiGraph,
    *,
    entity: str | None = None,
    radius: int = 1,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    top: int | None = None,
    since: str | _dt.date | None = None,
    document: str | None = None,
    rank: str = "pagerank",
    with_neighbors: bool = False,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> nx.MultiDiGraph:
    """Select the part of a knowledge graph a view shows, as a new graph.

    Without ``entity`` or ``document`` this is the *overview*: entity and result
    nodes (documents only when ``types`` names ``"Document"``) joined by every
    relation except ``coMentioned``, cut to the ``top`` most important nodes
    (default :data:`DEFAULT_TOP`). ``entity`` gives the ego graph of one entity,
    ``document`` everything one document states. All filters combine.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The merged graph, schema in :mod:`kg.build`. Never modified.
    entity : str, optional
        Centre of an ego view: canonical id, label or alias (see :func:`find_entity`).
    radius : int, default 1
        Hops (edges followed in either direction) around ``entity``; 1 to 3.
    types : iterable of str, optional
        Node types to show (case-insensitive: ``"method"``, ``"Dataset"``,
        ``"Result"``, ``"Document"``...). Default: all but
        :data:`HIDDEN_TYPES_BY_DEFAULT` (``Document`` and ``UnnamedMethod``, whose
        results are left out too; a document view shows both).
    relations : iterable of str, optional
        Relations (edge keys) to show, e.g. ``["evaluatedOn", "outperforms"]``.
        Nodes left without any such edge are dropped (except the centre).
        Default: all but ``coMentioned``.
    top : int, optional
        Keep only the ``top`` most important nodes (by ``rank``; the centre of an
        ego/document view is always kept). Default :data:`DEFAULT_TOP` for the
        overview and no cap for ego and document views.
    since : str or datetime.date, optional
        Keep only documents dated on or after this ISO date (``YYYY``,
        ``YYYY-MM`` or ``YYYY-MM-DD``); documents without a date are dropped.
        Entities stay when one of their ``docs`` remains, results when their
        ``doc`` remains, and edges keep only the evidence from remaining
        documents (their ``count`` and ``confidence`` are recomputed from it).
    document : str, optional
        Document view: the document node (any reference :func:`find_document`
        accepts), the entities it mentions, its results, and the relations it
        states (edges keep only this document's evidence).
    rank : {"pagerank", "degree", "count"}, default "pagerank"
        Importance used by ``top`` (see :func:`rank_nodes`).
    with_neighbors : bool, default False
        With ``types``: also show the direct neighbours (of any type but
        ``Document``) of the selected nodes, e.g. the methods evaluated on each
        dataset of a ``Dataset`` page. With a ``top`` cut, the selected types
        fill up to two thirds of it and their most important neighbours the
        rest.
    min_confidence : float, default :data:`DEFAULT_MIN_CONFIDENCE`
        Hide relation edges whose ``confidence`` (the best of their evidence) is
        below this; edges without a confidence stay. 0 shows everything.

    Returns
    -------
    networkx.MultiDiGraph
        A new graph; attributes are deep copies. ``view.graph`` holds a copy of
        ``G.graph`` plus ``"view"`` (the filters, ``nodes_total`` before the
        ``top`` cut, ``nodes_shown``, ``centre``) and ``"documents"`` (document id
        → ``title``/``label``/``arxiv_id``/``url``/``date`` for every document
        cited by evidence in the view or among the first :data:`MENTIONED_IN`
        documents of an entity, so tooltips can name and link them).

    Raises
    ------
    ViewError
        Unknown entity, document, type, relation or rank; bad ``since``;
        ``radius`` outside 1–3; ``top`` < 1; both ``entity`` and ``document``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("sadga", kind="entity", type="Method", label="SADGA", count=3)
    >>> G.add_node("spider", kind="entity", type="Benchmark", label="Spider", count=2)
    >>> G.add_edge("sadga", "spider", key="evaluatedOn", relation="evaluatedOn", count=1)
    'evaluatedOn'
    >>> sorted(select_view(G, entity="SADGA").nodes)
    ['sadga', 'spider']
    """
    if entity is not None and document is not None:
        raise ViewError("choose either an entity (ego view) or a document, not both")
    if not isinstance(radius, int) or not 1 <= radius <= 3:
        raise ViewError(f"radius must be 1, 2 or 3, not {radius!r}")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise ViewError(f"top must be a positive integer, not {top!r}")
    if rank not in RANKS:
        raise ViewError(f"unknown rank {rank!r} (choose from {', '.join(RANKS)})")
    since_s = parse_since(since)

    present_types = {node_type(a) for _, a in G.nodes(data=True)}
    type_list = _canonical(types, sorted(set(NODE_TYPES) | present_types), "type") if types else None
    present_rels = {k for _, _, k in G.edges(keys=True)}
    rel_list = (
        _canonical(relations, sorted(set(ALL_RELATIONS) | present_rels), "relation")
        if relations
        else None
    )

    centre: str | None = None
    if entity is not None:
        centre = find_entity(G, entity)
    elif document is not None:
        centre = find_document(G, document)

    # which documents' evidence counts
    doc_ok: Callable[[Any], bool] | None = None
    if document is not None:
        doc_ok = lambda d: d == centre  # noqa: E731
    elif since_s is not None:
        doc_dates = {
            n: str(a.get("date") or "") for n, a in G.nodes(data=True) if node_kind(a) == "document"
        }
        doc_ok = lambda d: doc_dates.get(d, "")[: len(since_s)] >= since_s if doc_dates.get(d) else False  # noqa: E731

    if type_list is not None:
        allowed_types = set(type_list)
    else:
        allowed_types = (present_types | set(NODE_TYPES)) - HIDDEN_TYPES_BY_DEFAULT
        if document is not None:
            allowed_types |= HIDDEN_TYPES_BY_DEFAULT
    # stand-ins for unnamed methods and their results, unless their type is selected
    hidden = set() if UNNAMED_METHOD in allowed_types else unnamed_nodes(G)
    if centre in hidden:  # an ego view of a stand-in shows it and its results
        hidden -= {centre} | {r for r, _, k in G.in_edges(centre, keys=True) if k == "ofMethod"}
    allowed_rels = set(rel_list) if rel_list is not None else (
        (present_rels | set(ALL_RELATIONS)) - HIDDEN_BY_DEFAULT
    )

    def node_ok(n: str) -> bool:
        a = G.nodes[n]
        if n == centre:
            return True
        if n in hidden:
            return False
        if node_type(a) not in allowed_types and not with_neighbors:
            return False
        if doc_ok is None:
            return True
        kind = node_kind(a)
        if kind == "document":
            return doc_ok(n)
        if kind == "result":
            return doc_ok(a.get("doc"))
        return any(doc_ok(d) for d in a.get("docs") or ())

    def edge_ok(u: str, v: str, k: str) -> bool:
        if k not in allowed_rels:
            return False
        conf = G.edges[u, v, k].get("confidence")
        if min_confidence > 0 and k in RELATION_TYPES and conf is not None and conf < min_confidence:
            return False
        if doc_ok is None:
            return True
        ev = G.edges[u, v, k].get("evidence")
        if not ev:
            return True
        return any(doc_ok(e.get("doc")) for e in ev)

    base = nx.subgraph_view(G, filter_node=node_ok, filter_edge=edge_ok)

    def typed(n: str) -> bool:
        return n == centre or node_type(G.nodes[n]) in allowed_types

    # ------------------------------------------------------------- candidates
    if entity is not None:
        assert centre is not None
        seen = {centre}
        frontier = [centre]
        for _ in range(radius):
            nxt = []
            for x in frontier:
                for y in list(base.successors(x)) + list(base.predecessors(x)):
                    if y not in seen and typed(y):
                        seen.add(y)
                        nxt.append(y)
            frontier = nxt
        cand = seen
    elif document is not None:
        assert centre is not None
        cand = {centre}
        for n in base.nodes:
            a = G.nodes[n]
            kind = node_kind(a)
            if not typed(n):
                continue
            if kind == "entity" and centre in (a.get("docs") or ()):
                cand.add(n)
            elif kind == "result" and a.get("doc") == centre:
                cand.add(n)
        cand |= {v for v in base.successors(centre) if typed(v)}
    else:
        cand = {n for n in base.nodes if typed(n)}

    if type_list is not None and with_neighbors:
        core = {n for n in cand if node_type(G.nodes[n]) in allowed_types}
        extra = set()
        for x in core:
            for y in list(base.successors(x)) + list(base.predecessors(x)):
                t = node_type(G.nodes[y])
                if t not in HIDDEN_TYPES_BY_DEFAULT or t in allowed_types:
                    extra.add(y)
        cand = core | extra | ({centre} if centre else set())

    if rel_list is not None:
        touched = {centre} if centre else set()
        sub = base.subgraph(cand)
        for u, v in sub.edges():
            touched.update((u, v))
        cand = {n for n in cand if n in touched}

    nodes_total = len(cand)
    limit = top if top is not None else (DEFAULT_TOP if centre is None else None)
    if limit is not None and len(cand) > limit:
        H = _ranking_graph(G, cand, edge_ok)
        if type_list is not None and with_neighbors:
            # the selected types first (at most two thirds of the page when they
            # have neighbours), then their most important neighbours
            core = {n for n in cand if node_type(G.nodes[n]) in allowed_types}
            core_cap = limit if len(core) == len(cand) else max(1, (2 * limit) // 3)
            chosen = set(top_nodes(H.subgraph(core), core_cap, rank))
            near = {y for x in chosen for y in nx.all_neighbors(H, x)} - chosen
            if near:
                chosen |= set(top_nodes(H.subgraph(near), limit - len(chosen), rank))
        else:
            chosen = set(top_nodes(H, limit, rank, keep=[centre] if centre else []))
    else:
        chosen = set(cand)

    # ------------------------------------------------------------- copy out
    view = nx.MultiDiGraph()
    view.graph.update(_clone(G.graph))
    for n, a in G.nodes(data=True):
        if n in chosen:
            view.add_node(n, **_clone(a))
    cited: set[str] = set()
    edge_list = [
        (u, v, k, d)
        for u in view.nodes
        for v, kd in G.succ[u].items()
        if v in chosen
        for k, d in kd.items()
        if edge_ok(u, v, k)
    ]
    for u, v, k, d in edge_list:
        attrs = _clone(d)
        ev = attrs.get("evidence")
        if doc_ok is not None and ev:
            kept = [e for e in ev if doc_ok(e.get("doc"))]
            attrs["evidence"] = kept
            attrs["count"] = len(kept)
            confs = [float(e["confidence"]) for e in kept if e.get("confidence") is not None]
            if confs:
                attrs["confidence"] = max(confs)
        for e in attrs.get("evidence") or ():
            if e.get("doc"):
                cited.add(e["doc"])
        view.add_edge(u, v, key=k, **attrs)
    for n, a in view.nodes(data=True):
        if node_kind(a) == "entity":
            docs_n = [d for d in a.get("docs") or () if doc_ok is None or doc_ok(d)]
            cited.update(docs_n[:MENTIONED_IN])
        if node_kind(a) == "result":
            if a.get("doc"):
                cited.add(a["doc"])
            for e in a.get("evidence") or ():
                if e.get("doc"):
                    cited.add(e["doc"])
    documents = {}
    for d in sorted(cited):
        if d in G:
            a = G.nodes[d]
            documents[d] = {
                k: _clone(a[k])
                for k in ("title", "label", "arxiv_id", "url", "date", "source")
                if a.get(k) is not None
            }
    view.graph["documents"] = documents
    view.graph["view"] = {
        "entity": entity,
        "document": document,
        "centre": centre,
        "radius": radius if entity is not None else None,
        "types": type_list,
        "relations": rel_list,
        "since": since_s,
        "rank": rank,
        "top": limit,
        "with_neighbors": with_neighbors,
        "nodes_total": nodes_total,
        "nodes_shown": view.number_of_nodes(),
    }
    return view
