"""Graph analytics for notebooks: NetworkX-style free functions over a built graph.

Every function takes the merged ``networkx.MultiDiGraph`` of :mod:`kg.build`
(``kg.load(DIR).graph``), never modifies it, and returns a
:class:`pandas.DataFrame` (or a new NetworkX graph). Results are deterministic:
ties are broken by node id and Louvain runs with a fixed seed.

Words used below, from the graph schema in :mod:`kg.build`:

* *entity*: a node with ``kind="entity"`` and a ``type`` of
  :data:`kg.model.ENTITY_TYPES` (the stand-ins for unnamed methods, type
  ``UnnamedMethod``, are left out unless a function is asked for that type);
* *document*: a node with ``kind="document"`` (``date`` an ISO date string when known);
* *mentioned by*: the documents in an entity's ``docs`` attribute, together with
  the heads of its incoming ``mentions`` edges;
* *used by a method*: a dataset or benchmark ``d`` is used by method ``m`` when
  ``m -evaluatedOn-> d`` or ``m -trainedOn-> d``, or a result node has
  ``ofMethod -> m`` and ``onDataset -> d``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import networkx as nx
import pandas as pd
from networkx.algorithms import bipartite

from kg.errors import KGError
from kg.model import GRAPH_ENTITY_TYPES, UNNAMED_METHOD

__all__ = [
    "AnalyticsError",
    "co_mentioned",
    "communities",
    "datasets_by_methods",
    "leaderboard",
    "method_dataset_graph",
    "project_methods",
    "timeline",
    "top_entities",
]

#: Relations through which a method uses a dataset or benchmark.
USE_RELATIONS: tuple[str, ...] = ("evaluatedOn", "trainedOn")
#: Node types that results and evaluations point at.
DATA_TYPES: tuple[str, ...] = ("Dataset", "Benchmark")
#: Damping factor of PageRank (Brin & Page 1998; NetworkX's default).
PAGERANK_ALPHA = 0.85

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?")


class AnalyticsError(KGError, ValueError):
    """Bad arguments to an analytics function (unknown type, entity, option) or
    malformed graph data (the message names the node)."""


# --------------------------------------------------------------------------- helpers


def _check_type(type: str | None, allowed: Iterable[str] = GRAPH_ENTITY_TYPES) -> str | None:
    if type is None:
        return None
    allowed = tuple(allowed)
    for t in allowed:
        if isinstance(type, str) and t.lower() == type.lower():
            return t
    raise AnalyticsError(f"unknown entity type {type!r} (choose from {', '.join(allowed)})")


def _check_n(n: int | None, name: str = "n") -> int | None:
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise AnalyticsError(f"{name} must be a positive integer or None, not {n!r}")
    return n


def _entities(G: nx.MultiDiGraph, type: str | None = None) -> list[str]:
    return sorted(
        (
            n
            for n, a in G.nodes(data=True)
            if a.get("kind") == "entity"
            and (a.get("type") != UNNAMED_METHOD if type is None else a.get("type") == type)
        ),
        key=str,
    )


def _label(G: nx.MultiDiGraph, n: str) -> str:
    return str(G.nodes[n].get("label") or n)


def _mentioned_by(G: nx.MultiDiGraph, n: str) -> set[str]:
    docs = set(G.nodes[n].get("docs") or ())
    docs.update(u for u, _, k in G.in_edges(n, keys=True) if k == "mentions")
    return docs


def _first(G: nx.MultiDiGraph, n: str, key: str) -> str | None:
    targets = sorted(v for _, v, k in G.out_edges(n, keys=True) if k == key)
    return targets[0] if targets else None


def _find_entity(G: nx.MultiDiGraph, name: str, types: Iterable[str]) -> str:
    types = tuple(types)
    if not isinstance(name, str) or not name.strip():
        raise AnalyticsError(f"entity name must be a non-empty string, not {name!r}")
    key = name.strip().casefold()
    by_id, by_name = [], []
    for n in _entities(G):
        a = G.nodes[n]
        if a.get("type") not in types:
            continue
        if str(n).casefold() == key:
            by_id.append(n)
        names = [a.get("label") or ""] + list(a.get("aliases") or ())
        if any(str(x).casefold() == key for x in names):
            by_name.append(n)
    found = by_id or by_name
    if not found:
        raise AnalyticsError(
            f"no {' or '.join(types)} named {name!r} in the graph (matched against ids, labels and aliases)"
        )
    if len(found) > 1:
        raise AnalyticsError(f"{name!r} names several entities: {', '.join(found)}; pass an id")
    return found[0]


# --------------------------------------------------------------------------- centrality


def top_entities(
    G: nx.MultiDiGraph, type: str | None = None, by: str = "degree", n: int | None = 10
) -> pd.DataFrame:
    """The most central entities, overall or of one type.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    type : str, optional
        Entity type (case-insensitive, one of :data:`kg.model.GRAPH_ENTITY_TYPES`);
        default all entities but the stand-ins for unnamed methods.
    by : {"degree", "pagerank", "mentions"}
        ``"degree"``: number of distinct nodes (entities, documents, results)
        joined to the entity by any edge, in either direction. ``"pagerank"``:
        :func:`networkx.pagerank` (damping :data:`PAGERANK_ALPHA` = 0.85, Brin &
        Page 1998) over the whole graph with edge direction kept (documents pass
        rank to what they mention, methods to their datasets and organisations),
        parallel edges summed and weighted by their ``count``. ``"mentions"``:
        the entity's mention ``count``.
    n : int or None, default 10
        Number of rows; None for all.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``label``, ``type``, ``score`` (float, by the chosen
        measure), ``mentions`` (mention ``count``), ``documents`` (number of
        documents mentioning it); best first, ties by ``mentions`` then ``id``.

    Raises
    ------
    AnalyticsError
        Unknown ``type`` or ``by``, or ``n`` not a positive integer.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n, t, c in [("sadga", "Method", 2), ("spider", "Benchmark", 3), ("gpt-3", "Method", 1)]:
    ...     G.add_node(n, kind="entity", type=t, label=n.upper(), count=c)
    >>> for d in ("doc:a", "doc:b"):
    ...     G.add_node(d, kind="document", type="Document")
    ...     _ = G.add_edge(d, "spider", key="mentions", relation="mentions", count=1)
    >>> _ = G.add_edge("sadga", "spider", key="evaluatedOn", relation="evaluatedOn", count=1)
    >>> top_entities(G, by="degree")[["id", "score"]].values.tolist()
    [['spider', 3.0], ['sadga', 1.0], ['gpt-3', 0.0]]
    >>> top_entities(G, type="method", by="mentions", n=1)["label"].tolist()
    ['SADGA']
    """
    t = _check_type(type)
    n = _check_n(n)
    nodes = _entities(G, t)
    if by == "degree":
        scores = {x: float(len(set(G.predecessors(x)) | set(G.successors(x)) - {x})) for x in nodes}
    elif by == "pagerank":
        D = nx.DiGraph()
        D.add_nodes_from(sorted(G.nodes, key=str))
        for u, v, a in G.edges(data=True):
            w = float(a.get("count") or 1)
            if D.has_edge(u, v):
                D[u][v]["weight"] += w
            else:
                D.add_edge(u, v, weight=w)
        pr = nx.pagerank(D, alpha=PAGERANK_ALPHA, weight="weight") if D.number_of_nodes() else {}
        scores = {x: float(pr.get(x, 0.0)) for x in nodes}
    elif by == "mentions":
        scores = {x: float(G.nodes[x].get("count") or 0) for x in nodes}
    else:
        raise AnalyticsError(f"unknown centrality {by!r} (choose from degree, pagerank, mentions)")
    rows = [
        {
            "id": x,
            "label": _label(G, x),
            "type": G.nodes[x].get("type"),
            "score": scores[x],
            "mentions": int(G.nodes[x].get("count") or 0),
            "documents": len(_mentioned_by(G, x)),
        }
        for x in nodes
    ]
    rows.sort(key=lambda r: (-r["score"], -r["mentions"], str(r["id"])))
    if n is not None:
        rows = rows[:n]
    return pd.DataFrame(rows, columns=["id", "label", "type", "score", "mentions", "documents"])


# --------------------------------------------------------------------------- communities


def communities(
    G: nx.MultiDiGraph,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    include_documents: bool = True,
    min_size: int = 2,
    top: int = 5,
) -> pd.DataFrame:
    """Communities of entities by Louvain modularity optimisation.

    Runs :func:`networkx.community.louvain_communities` (Blondel et al. 2008)
    on an undirected simple graph made from ``G``: entity, result and (by
    default) document nodes; one edge per linked pair with weight the summed
    ``count`` of the edges between them (either direction).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    resolution : float, default 1.0
        Louvain resolution: above 1 favours smaller communities.
    seed : int, default 0
        Random seed of Louvain's node order; the same graph and seed give the same
        communities.
    include_documents : bool, default True
        Let documents join entities (entities then group by the documents that
        mention them); False uses only typed relations between entities and results.
    min_size : int, default 2
        Report only communities with at least this many entities.
    top : int, default 5
        How many entity labels (most mentioned first) the ``top`` column lists.

    Returns
    -------
    pandas.DataFrame
        One row per community, largest first (ties by first member id): columns
        ``community`` (0, 1, ...), ``size`` (number of entities), ``documents``
        (number of documents in it), ``types`` (dict type → number of entities),
        ``top`` (comma-separated labels of the ``top`` most mentioned entities),
        ``members`` (sorted list of entity ids).

    Raises
    ------
    AnalyticsError
        If ``min_size`` or ``top`` is not a positive integer, or ``resolution``
        is not a positive number.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n, t in [("a", "Method"), ("b", "Dataset"), ("c", "Method"), ("d", "Dataset")]:
    ...     G.add_node(n, kind="entity", type=t, label=n.upper(), count=1)
    >>> for u, v in [("a", "b"), ("c", "d")]:
    ...     _ = G.add_edge(u, v, key="evaluatedOn", relation="evaluatedOn", count=2)
    >>> communities(G)[["size", "top"]].values.tolist()
    [[2, 'A, B'], [2, 'C, D']]
    """
    _check_n(min_size, "min_size")
    _check_n(top, "top")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or resolution <= 0:
        raise AnalyticsError(f"resolution must be a positive number, not {resolution!r}")
    kinds = {"entity", "result"} | ({"document"} if include_documents else set())
    keep = sorted((x for x, a in G.nodes(data=True) if a.get("kind") in kinds), key=str)
    keep_set = set(keep)
    U = nx.Graph()
    U.add_nodes_from(keep)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for u, v, a in G.edges(data=True):
        if u in keep_set and v in keep_set and u != v:
            weights[tuple(sorted((u, v), key=str))] += float(a.get("count") or 1)
    for (u, v), w in sorted(weights.items()):
        U.add_edge(u, v, weight=w)
    parts = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    rows = []
    for part in parts:
        ents = sorted((x for x in part if G.nodes[x].get("kind") == "entity"), key=str)
        if len(ents) < min_size:
            continue
        ranked = sorted(ents, key=lambda x: (-int(G.nodes[x].get("count") or 0), _label(G, x), str(x)))
        rows.append(
            {
                "size": len(ents),
                "documents": sum(1 for x in part if G.nodes[x].get("kind") == "document"),
                "types": dict(sorted(Counter(G.nodes[x].get("type") for x in ents).items())),
                "top": ", ".join(_label(G, x) for x in ranked[:top]),
                "members": ents,
            }
        )
    rows.sort(key=lambda r: (-r["size"], str(r["members"][0])))
    for i, r in enumerate(rows):
        r["community"] = i
    return pd.DataFrame(rows, columns=["community", "size", "documents", "types", "top", "members"])


# --------------------------------------------------------------------------- co-mentions


def co_mentioned(
    G: nx.MultiDiGraph, type_a: str = "Dataset", type_b: str = "Method", min_count: int = 1
) -> pd.DataFrame:
    """Pairs of entities mentioned by the same documents.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    type_a, type_b : str, default "Dataset", "Method"
        Entity types of the two sides (case-insensitive). With the same type
        twice, each unordered pair appears once (``a < b`` by id).
    min_count : int, default 1
        Keep pairs mentioned together by at least this many documents.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``a_label``, ``b``, ``b_label``, ``documents`` (number of
        documents mentioning both), ``docs`` (sorted list of their node ids);
        most shared documents first, ties by ``a`` then ``b``.

    Raises
    ------
    AnalyticsError
        Unknown type, or ``min_count`` not a positive integer.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("coco", kind="entity", type="Dataset", label="COCO", docs=["doc:1", "doc:2"])
    >>> G.add_node("rtmdet", kind="entity", type="Method", label="RTMDet", docs=["doc:1"])
    >>> G.add_node("yolo", kind="entity", type="Method", label="YOLO", docs=["doc:3"])
    >>> co_mentioned(G)[["a_label", "b_label", "documents"]].values.tolist()
    [['COCO', 'RTMDet', 1]]
    """
    ta, tb = _check_type(type_a), _check_type(type_b)
    _check_n(min_count, "min_count")
    docs_of = {x: _mentioned_by(G, x) for x in _entities(G) if G.nodes[x].get("type") in (ta, tb)}
    # invert: document -> entities of each side, so only co-occurring pairs are visited
    side_a: dict[str, list[str]] = defaultdict(list)
    side_b: dict[str, list[str]] = defaultdict(list)
    for x in sorted(docs_of, key=str):
        for d in docs_of[x]:
            if G.nodes[x].get("type") == ta:
                side_a[d].append(x)
            if G.nodes[x].get("type") == tb:
                side_b[d].append(x)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in side_a:
        for a in side_a[d]:
            for b in side_b.get(d, ()):
                if a == b or (ta == tb and str(a) > str(b)):
                    continue
                shared[(a, b)].add(d)
    rows = [
        {
            "a": a,
            "a_label": _label(G, a),
            "b": b,
            "b_label": _label(G, b),
            "documents": len(ds),
            "docs": sorted(ds, key=str),
        }
        for (a, b), ds in shared.items()
        if len(ds) >= min_count
    ]
    rows.sort(key=lambda r: (-r["documents"], str(r["a"]), str(r["b"])))
    return pd.DataFrame(rows, columns=["a", "a_label", "b", "b_label", "documents", "docs"])


# --------------------------------------------------------------------------- results


def _decimal(value: Any, node: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise AnalyticsError(f"result node {node}: value {value!r} is not a number") from exc


def leaderboard(
    G: nx.MultiDiGraph, benchmark: str, metric: str | None = None, ascending: bool = False
) -> pd.DataFrame:
    """Leaderboard of the extracted results on a dataset or benchmark.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    benchmark : str
        The dataset or benchmark: canonical id, label or alias (case-insensitive).
    metric : str, optional
        Keep only results with this metric name (case-insensitive, e.g. ``"AP"``).
    ascending : bool, default False
        Sort values ascending (for lower-is-better metrics such as error rates);
        the graph does not record which direction is better.

    Returns
    -------
    pandas.DataFrame
        One row per result node: ``method``, ``method_label``, ``metric`` (None
        when the text named none), ``value`` (float), ``unit`` (e.g. ``"%"`` or
        None), ``condition`` (e.g. ``"vs LiGO"`` or None), ``doc`` (document node
        id), ``sentence`` (the evidence sentence), ``result`` (result node id).
        Sorted by ``metric``, then ``value`` (descending unless ``ascending``),
        then ``method``. Empty when the entity has no results.

    Raises
    ------
    AnalyticsError
        If no dataset/benchmark has that name (or several do), or a result value is
        not a number.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("coco", kind="entity", type="Dataset", label="COCO", aliases=["MS COCO"])
    >>> for m, v in [("rtmdet", "52.8"), ("yolox", "51.2")]:
    ...     G.add_node(m, kind="entity", type="Method", label=m.upper())
    ...     G.add_node("result:" + m, kind="result", type="Result", value=v, unit="%",
    ...                metric="AP", doc="doc:1", evidence=[{"sentence": m + " gets " + v}])
    ...     _ = G.add_edge("result:" + m, m, key="ofMethod", relation="ofMethod", count=1)
    ...     _ = G.add_edge("result:" + m, "coco", key="onDataset", relation="onDataset", count=1)
    >>> leaderboard(G, "ms coco", metric="ap")[["method_label", "value"]].values.tolist()
    [['RTMDET', 52.8], ['YOLOX', 51.2]]
    """
    target = _find_entity(G, benchmark, DATA_TYPES)
    want = metric.casefold() if isinstance(metric, str) else None
    if metric is not None and not isinstance(metric, str):
        raise AnalyticsError(f"metric must be a string or None, not {metric!r}")
    rows = []
    for r, _, k in sorted(G.in_edges(target, keys=True), key=lambda e: str(e[0])):
        a = G.nodes[r]
        if k != "onDataset" or a.get("kind") != "result":
            continue
        m = a.get("metric")
        if want is not None and (m is None or str(m).casefold() != want):
            continue
        method = _first(G, r, "ofMethod")
        ev = a.get("evidence") or [{}]
        rows.append(
            {
                "method": method,
                "method_label": _label(G, method) if method is not None else None,
                "metric": m,
                "value": float(_decimal(a.get("value"), r)),
                "unit": a.get("unit"),
                "condition": a.get("condition"),
                "doc": a.get("doc"),
                "sentence": ev[0].get("sentence"),
                "result": r,
            }
        )
    sign = 1 if ascending else -1
    rows.sort(key=lambda x: (str(x["metric"] or ""), sign * x["value"], str(x["method"]), x["result"]))
    cols = ["method", "method_label", "metric", "value", "unit", "condition", "doc", "sentence", "result"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- timelines


def _period(date: Any, freq: str, node: str) -> str | None:
    if date is None or date == "":
        return None
    m = _DATE.fullmatch(str(date).strip())
    if not m:
        raise AnalyticsError(f"document {node}: date {date!r} is not an ISO date (YYYY[-MM[-DD]])")
    year, month = m.group(1), m.group(2)
    if month is not None and not 1 <= int(month) <= 12:
        raise AnalyticsError(f"document {node}: date {date!r} has no month {month}")
    if freq == "year":
        return year
    return f"{year}-{month}" if month else None


def timeline(
    G: nx.MultiDiGraph, type: str | None = "Dataset", freq: str = "year", n: int | None = None
) -> pd.DataFrame:
    """Mentions over time: how many dated documents mention each entity per period.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    type : str or None, default "Dataset"
        Entity type (case-insensitive); None for all entities.
    freq : {"year", "month"}
        Period length. Documents are placed by their ``date`` attribute (ISO
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); with ``"month"`` a date with
        only a year cannot be placed.
    n : int, optional
        Keep the ``n`` entities mentioned by the most dated documents.

    Returns
    -------
    pandas.DataFrame
        Index ``period`` (``"2022"`` or ``"2022-05"``, every period from the first
        to the last dated document, no gaps), one int column per entity (its
        label; ``"label (id)"`` when two share a label) ordered by total
        mentions (most first, ties by label), values the number of documents of
        that period mentioning it. ``df.attrs["undated_documents"]`` counts the
        documents that could not be placed, ``df.attrs["ids"]`` maps columns to
        entity ids.

    Raises
    ------
    AnalyticsError
        Unknown ``type`` or ``freq``, bad ``n``, or a document whose ``date`` is
        not an ISO date (the message names the document node).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for d, date in [("doc:1", "2021-03-02"), ("doc:2", "2023-01-09"), ("doc:3", None)]:
    ...     G.add_node(d, kind="document", type="Document", date=date)
    >>> G.add_node("coco", kind="entity", type="Dataset", label="COCO", docs=["doc:1", "doc:2", "doc:3"])
    >>> G.add_node("glue", kind="entity", type="Dataset", label="GLUE", docs=["doc:2"])
    >>> tl = timeline(G)
    >>> tl.to_dict("index")
    {'2021': {'COCO': 1, 'GLUE': 0}, '2022': {'COCO': 0, 'GLUE': 0}, '2023': {'COCO': 1, 'GLUE': 1}}
    >>> tl.attrs["undated_documents"]
    1
    """
    t = _check_type(type)
    n = _check_n(n)
    if freq not in ("year", "month"):
        raise AnalyticsError(f"unknown freq {freq!r} (choose from year, month)")
    period_of: dict[str, str] = {}
    undated = 0
    for d, a in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        if a.get("kind") != "document":
            continue
        p = _period(a.get("date"), freq, d)
        if p is None:
            undated += 1
        else:
            period_of[d] = p
    counts: dict[str, Counter] = {}
    for x in _entities(G, t):
        c = Counter(period_of[d] for d in _mentioned_by(G, x) if d in period_of)
        if c:
            counts[x] = c
    order = sorted(counts, key=lambda x: (-sum(counts[x].values()), _label(G, x), str(x)))
    if n is not None:
        order = order[:n]
    if period_of:
        ps = sorted(set(period_of.values()))
        rng = pd.period_range(ps[0], ps[-1], freq="Y" if freq == "year" else "M")
        periods = [str(p) for p in rng]
    else:
        periods = []
    labels = Counter(_label(G, x) for x in order)
    names = {x: _label(G, x) if labels[_label(G, x)] == 1 else f"{_label(G, x)} ({x})" for x in order}
    df = pd.DataFrame(
        {names[x]: [int(counts[x].get(p, 0)) for p in periods] for x in order},
        index=pd.Index(periods, name="period"),
        columns=[names[x] for x in order],
        dtype="int64",
    )
    df.attrs["undated_documents"] = undated
    df.attrs["ids"] = {names[x]: x for x in order}
    return df


# --------------------------------------------------------------------------- projections


def method_dataset_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The bipartite graph of methods and the datasets/benchmarks they use.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.

    Returns
    -------
    networkx.Graph
        Nodes: every ``Method`` entity with ``bipartite=0`` and every
        ``Dataset``/``Benchmark`` entity with ``bipartite=1`` (the NetworkX
        bipartite convention), each with ``label`` and ``type``. Edges: method–
        dataset pairs where the method uses the dataset (``evaluatedOn``,
        ``trainedOn``, or a result ``ofMethod``/``onDataset``), with ``via``
        (sorted list of those relations, ``"result"`` for results) and
        ``support`` (summed edge ``count``s plus one per result).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("vega", kind="entity", type="Method", label="Vega")
    >>> G.add_node("glue", kind="entity", type="Benchmark", label="GLUE")
    >>> _ = G.add_edge("vega", "glue", key="evaluatedOn", relation="evaluatedOn", count=2)
    >>> B = method_dataset_graph(G)
    >>> B.edges["vega", "glue"]
    {'via': ['evaluatedOn'], 'support': 2}
    """
    B = nx.Graph()
    for x in _entities(G):
        a = G.nodes[x]
        if a.get("type") == "Method":
            B.add_node(x, bipartite=0, label=_label(G, x), type="Method")
        elif a.get("type") in DATA_TYPES:
            B.add_node(x, bipartite=1, label=_label(G, x), type=a.get("type"))

    def link(m: str, d: str, via: str, support: int) -> None:
        if B.nodes.get(m, {}).get("bipartite") != 0 or B.nodes.get(d, {}).get("bipartite") != 1:
            return
        if B.has_edge(m, d):
            e = B.edges[m, d]
            e["via"] = sorted(set(e["via"]) | {via})
            e["support"] += support
        else:
            B.add_edge(m, d, via=[via], support=support)

    for u, v, k, a in sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), e[2])):
        if k in USE_RELATIONS:
            link(u, v, k, int(a.get("count") or 1))
    for r, a in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        if a.get("kind") != "result":
            continue
        m, d = _first(G, r, "ofMethod"), _first(G, r, "onDataset")
        if m is not None and d is not None:
            link(m, d, "result", 1)
    return B


def project_methods(G: nx.MultiDiGraph) -> nx.Graph:
    """Method–method graph: two methods are linked when they use a common dataset.

    The method side of :func:`method_dataset_graph` projected with
    :func:`networkx.algorithms.bipartite.weighted_projected_graph` (Newman 2001
    weights: the number of shared datasets/benchmarks).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.

    Returns
    -------
    networkx.Graph
        Nodes: the methods that use at least one dataset or benchmark (with
        ``label``, ``type`` and ``datasets``, the sorted ids they use). Edges:
        ``weight`` (int, number of shared datasets/benchmarks) and ``shared``
        (their sorted ids).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n, t in [("vega", "Method"), ("bert", "Method"), ("glue", "Benchmark")]:
    ...     G.add_node(n, kind="entity", type=t, label=n)
    >>> for m in ("vega", "bert"):
    ...     _ = G.add_edge(m, "glue", key="evaluatedOn", relation="evaluatedOn", count=1)
    >>> P = project_methods(G)
    >>> list(P.edges(data=True))
    [('bert', 'vega', {'weight': 1, 'shared': ['glue']})]
    """
    B = method_dataset_graph(G)
    methods = sorted((x for x, a in B.nodes(data=True) if a["bipartite"] == 0 and B.degree(x) > 0), key=str)
    out = nx.Graph()
    if not methods:
        return out
    P = bipartite.weighted_projected_graph(B, methods)
    for x in methods:
        out.add_node(x, label=B.nodes[x]["label"], type="Method", datasets=sorted(B.neighbors(x), key=str))
    for u, v, a in sorted(P.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1]))))):
        u, v = sorted((u, v), key=str)
        shared = sorted(set(B.neighbors(u)) & set(B.neighbors(v)), key=str)
        out.add_edge(u, v, weight=int(a["weight"]), shared=shared)
    return out


def datasets_by_methods(G: nx.MultiDiGraph, n: int | None = 10) -> pd.DataFrame:
    """Datasets and benchmarks used by the most methods.

    The graph-side twin of the named SPARQL query ``datasets-most-methods``
    (``ontology/queries/datasets-most-methods.rq``), which counts
    ``evaluatedOn`` edges and results; this function also counts ``trainedOn``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    n : int or None, default 10
        Number of rows; None for all datasets/benchmarks used by a method.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``label``, ``type`` (``Dataset`` or ``Benchmark``),
        ``methods`` (number of distinct methods), ``method_labels`` (their
        sorted labels); most methods first, ties by label then id.

    Raises
    ------
    AnalyticsError
        If ``n`` is not a positive integer or None.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n, t in [("vega", "Method"), ("bert", "Method"), ("glue", "Benchmark"), ("nyt", "Dataset")]:
    ...     G.add_node(n, kind="entity", type=t, label=n.upper())
    >>> for m, d in [("vega", "glue"), ("bert", "glue"), ("bert", "nyt")]:
    ...     _ = G.add_edge(m, d, key="evaluatedOn", relation="evaluatedOn", count=1)
    >>> datasets_by_methods(G)[["label", "methods"]].values.tolist()
    [['GLUE', 2], ['NYT', 1]]
    """
    n = _check_n(n)
    B = method_dataset_graph(G)
    rows = []
    for d, a in B.nodes(data=True):
        if a["bipartite"] != 1 or B.degree(d) == 0:
            continue
        ms = sorted(B.neighbors(d), key=str)
        rows.append(
            {
                "id": d,
                "label": a["label"],
                "type": a["type"],
                "methods": len(ms),
                "method_labels": sorted(B.nodes[m]["label"] for m in ms),
            }
        )
    rows.sort(key=lambda r: (-r["methods"], r["label"], str(r["id"])))
    if n is not None:
        rows = rows[:n]
    return pd.DataFrame(rows, columns=["id", "label", "type", "methods", "method_labels"])
