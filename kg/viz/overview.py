"""The overview page: the most important entities and how they connect.

A knowledge graph built from text is mostly a documents–entities bipartite graph
(``mentions``) with few typed relations; drawn without documents it is a scatter
of isolated dots. :func:`overview_view` *folds* the bipartite graph: two entities
co-mentioned in the same document are joined by one weighted ``coMentioned`` edge
whose evidence is the shared documents (and the sentences naming both), next to
the typed relations (``evaluatedOn``, ``developedBy``...) between them. It keeps
the top entities by PageRank over the bipartite graph plus the typed relations
and, for each, its strongest co-mentions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

import networkx as nx

from kg.viz.select import (
    HIDDEN_BY_DEFAULT,
    MENTIONED_IN,
    _clone,
    _ranking_graph,
    node_kind,
    rank_nodes,
    unnamed_nodes,
)

#: Nodes of the overview: about what a 1280×820 page shows with every label at
#: 12 px and few overlaps (data/samples in headless Chromium: 100 nodes fit at
#: scale 0.68, 150 at 0.50 with labels covering each other); type pages and
#: ``kg view --top N`` show more.
OVERVIEW_TOP: int = 100
#: Co-mention edges each node keeps (its strongest, by :func:`fold_weight`).
FOLD_PER_NODE: int = 6
#: Cap on the entity pairs counted while folding (sum over documents of the pairs
#: of their chosen entities): beyond it the remaining documents are not folded
#: and the view says so. Keeps a million-document overview to seconds.
FOLD_PAIR_BUDGET: int = 2_000_000
#: Evidence items (shared sentences first, then shared documents) kept per fold edge.
FOLD_EVIDENCE: int = 6


def pagerank(
    G: nx.MultiDiGraph, *, skip: Iterable[str] = (), alpha: float = 0.85, tol: float = 1.0e-6,
    max_iter: int = 100,
) -> dict[str, float]:
    """PageRank of every node of ``G``, edges weighted by their ``count`` (support).

    The same ranking as :func:`networkx.pagerank` (Brin & Page 1998: damping
    ``alpha``, dangling nodes' rank spread uniformly, stop when the L1 change is
    below ``N * tol``) with parallel edges summed, computed with a SciPy sparse
    matrix straight from the edge list: about 1 s for the 144k-node,
    440k-edge synthetic 100k-document graph, against ~20 s through an
    intermediate NetworkX graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph to rank. Not modified.
    skip : iterable of str
        Edge keys (relations) to leave out.
    alpha : float
        Damping factor.
    tol : float
        Convergence tolerance per node.
    max_iter : int
        Most power iterations (the last vector is returned if not converged).

    Returns
    -------
    dict
        Node id → score; scores sum to 1. Without edges every node scores its
        mention ``count``.
    """
    import numpy as np
    import scipy.sparse as sp

    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {x: i for i, x in enumerate(nodes)}
    skip = frozenset(skip)
    rows, cols, weights = [], [], []
    for u, v, k, c in G.edges(keys=True, data="count"):
        if k in skip:
            continue
        rows.append(index[u])
        cols.append(index[v])
        weights.append(float(c or 1))
    if not rows:
        return {x: float(G.nodes[x].get("count") or 0) for x in nodes}
    M = sp.csr_array((np.asarray(weights), (np.asarray(rows), np.asarray(cols))), shape=(n, n))
    out = np.asarray(M.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * ((x * inv) @ M + x[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return dict(zip(nodes, x.tolist()))


def fold_weight(docs: int, sentences: int) -> int:
    """Strength of a co-mention: shared documents plus shared sentences.

    A pair named in one sentence counts twice as much as one only named in the
    same document (the sentence is the stronger signal of a relation).

    Parameters
    ----------
    docs : int
        Documents mentioning both entities.
    sentences : int
        Sentences mentioning both entities.

    Returns
    -------
    int
    """
    return int(docs) + int(sentences)


def fold_mentions(
    G: nx.MultiDiGraph, entities: Iterable[str], *, pair_budget: int = FOLD_PAIR_BUDGET
) -> tuple[dict[tuple[str, str], dict[str, Any]], int]:
    """Fold the documents–entities graph onto ``entities``: who is co-mentioned with whom.

    Documents of an entity come from its ``docs`` attribute; the sentences from
    the evidence of the document's ``mentions`` edge to it (``start`` offsets
    identify a sentence within a document).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`. Not modified.
    entities : iterable of str
        The entity nodes to fold onto (others are ignored).
    pair_budget : int
        Stop folding further documents once this many pairs were counted.

    Returns
    -------
    tuple
        ``(pairs, docs_folded)``: ``pairs`` maps ``(a, b)`` with ``a < b`` to
        ``{"docs": [doc ids, sorted], "sentences": [evidence dicts of sentences
        naming both]}``; ``docs_folded`` is the number of documents used.
    """
    chosen = sorted(set(entities))
    by_doc: dict[str, list[str]] = defaultdict(list)
    for n in chosen:
        for d in G.nodes[n].get("docs") or ():
            by_doc[d].append(n)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    spent = 0
    folded = 0
    for d in sorted(by_doc):
        ents = by_doc[d]
        if len(ents) < 2:
            continue
        cost = len(ents) * (len(ents) - 1) // 2
        if spent + cost > pair_budget and folded:
            break
        spent += cost
        folded += 1
        sent_of: dict[str, dict[int, dict[str, Any]]] = {}
        if d in G:
            for n in ents:
                ev = ((G.succ[d].get(n) or {}).get("mentions") or {}).get("evidence") or ()
                sent_of[n] = {int(e["start"]): e for e in ev if e.get("start") is not None}
        for a, b in combinations(sorted(ents), 2):
            p = pairs.setdefault((a, b), {"docs": [], "sentences": []})
            p["docs"].append(d)
            sa, sb = sent_of.get(a) or {}, sent_of.get(b) or {}
            for start in sorted(sa.keys() & sb.keys()):
                e = sa[start]
                p["sentences"].append(
                    {k: e.get(k) for k in ("doc", "start", "end", "sentence") if e.get(k) is not None}
                )
    for p in pairs.values():
        p["docs"].sort()
    return pairs, folded


def _strongest(weights: dict[tuple[str, str], int], per_node: int) -> set[tuple[str, str]]:
    """Pairs that are among the ``per_node`` strongest of either of their nodes."""
    deg: dict[str, int] = defaultdict(int)
    keep = set()
    for (a, b), _w in sorted(weights.items(), key=lambda x: (-x[1], x[0])):
        if deg[a] < per_node or deg[b] < per_node:
            keep.add((a, b))
            deg[a] += 1
            deg[b] += 1
    return keep


def _prefer_linked(
    G: nx.MultiDiGraph, order: list[str], top: int
) -> tuple[list[str], dict[tuple[str, str], dict[str, Any]], int]:
    """The ``top`` best of ``order`` that have a link (typed relation or shared
    document) to another of the best ``2 * top``; lone ones only to fill up.
    Also returns the fold of those ``2 * top`` (:func:`fold_mentions`)."""
    pool = order[: 2 * top]
    in_pool = set(pool)
    pairs, folded = fold_mentions(G, [n for n in pool if node_kind(G.nodes[n]) == "entity"])
    linked = {x for pair in pairs for x in pair}
    for u in pool:
        for v, kd in G.succ[u].items():
            if v in in_pool and any(k not in HIDDEN_BY_DEFAULT and k != "mentions" for k in kd):
                linked.update((u, v))
    first = [n for n in pool if n in linked][:top]
    return first + [n for n in order if n not in linked][: top - len(first)], pairs, folded


def overview_view(
    G: nx.MultiDiGraph,
    *,
    top: int = OVERVIEW_TOP,
    rank: str = "pagerank",
    per_node: int = FOLD_PER_NODE,
) -> nx.MultiDiGraph:
    """The overview: top entities with their typed relations and strongest co-mentions.

    0. Leave out the stand-ins for unnamed methods and their results
       (:func:`kg.viz.select.unnamed_nodes`): they are not names.
    1. Rank entity and result nodes by PageRank (:func:`pagerank`; or
       :func:`kg.viz.select.rank_nodes` for ``degree``/``count``) on the graph
       *with* documents and their ``mentions`` edges (rank flows from documents
       to what they mention, so an entity mentioned by many documents ranks high
       even without typed relations), and keep the ``top`` best of those linked
       (by a typed relation or a shared document) to another of the best
       ``2 * top``; unlinked ones only fill up the rest.
    2. Copy the typed relations among them (not the extractor's own
       ``coMentioned`` edges).
    3. Fold the documents onto them (:func:`fold_mentions`) and add, for each
       node, its ``per_node`` strongest co-mentions (by :func:`fold_weight`) as
       ``coMentioned`` edges with ``folded=True``, ``count`` = shared documents,
       ``docs`` (the shared document ids), ``sentences`` (how many sentences
       name both) and ``evidence`` (the shared sentences, then the other shared
       documents, at most :data:`FOLD_EVIDENCE`), so tooltips name them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The merged graph (schema in :mod:`kg.build`). Never modified.
    top : int, default :data:`OVERVIEW_TOP`
        Entity and result nodes to show.
    rank : {"pagerank", "degree", "count"}
        Importance (see :func:`kg.viz.select.rank_nodes`).
    per_node : int, default :data:`FOLD_PER_NODE`
        Co-mention edges each node is guaranteed (its strongest).

    Returns
    -------
    networkx.MultiDiGraph
        A new graph with deep-copied attributes; ``graph["documents"]`` has the
        metadata of every document cited by an edge and of up to
        :data:`MENTIONED_IN` documents per entity; ``graph["view"]`` the
        settings, ``nodes_total``, ``nodes_shown``, ``folded_docs`` and
        ``docs_total``.
    """
    shown_kinds = ("entity", "result")
    hidden = unnamed_nodes(G)
    cand = {n for n, a in G.nodes(data=True) if node_kind(a) in shown_kinds and n not in hidden}
    docs = {n for n, a in G.nodes(data=True) if node_kind(a) == "document"}

    def edge_ok(u: str, v: str, k: str) -> bool:
        return k not in HIDDEN_BY_DEFAULT

    if len(cand) > top:
        if rank == "pagerank":
            scores = pagerank(G, skip=HIDDEN_BY_DEFAULT)
        else:
            scores = rank_nodes(_ranking_graph(G, cand | docs, edge_ok), rank)
        order = sorted(
            cand, key=lambda x: (-scores.get(x, 0.0), -float(G.nodes[x].get("count") or 0), str(x))
        )
        best, pairs, folded = _prefer_linked(G, order, top)
        chosen = set(best)
        pairs = {p: f for p, f in pairs.items() if p[0] in chosen and p[1] in chosen}
    else:
        chosen = set(cand)
        pairs, folded = fold_mentions(G, [n for n in chosen if node_kind(G.nodes[n]) == "entity"])

    view = nx.MultiDiGraph()
    view.graph.update(_clone(G.graph))
    for n in sorted(chosen):
        view.add_node(n, **_clone(G.nodes[n]))
    cited: set[str] = set()
    for u in sorted(chosen):
        for v, kd in G.succ[u].items():
            if v not in chosen:
                continue
            for k, d in kd.items():
                if k in HIDDEN_BY_DEFAULT or k == "mentions":
                    continue
                view.add_edge(u, v, key=k, **_clone(d))
                cited.update(e["doc"] for e in d.get("evidence") or () if e.get("doc"))

    entities = [n for n in chosen if node_kind(G.nodes[n]) == "entity"]
    weights = {p: fold_weight(len(f["docs"]), len(f["sentences"])) for p, f in pairs.items()}
    for a, b in sorted(_strongest(weights, per_node)):
        f, w = pairs[(a, b)], weights[(a, b)]
        if any(k not in ("coMentioned", "mentions") for k in (view.succ[b].get(a) or {})):
            a, b = b, a  # same direction as the typed relation, so both draw as one edge
        said = {e["doc"] for e in f["sentences"]}
        evidence = [dict(e, pattern="same sentence") for e in f["sentences"]]
        evidence += [{"doc": d, "pattern": "same document"} for d in f["docs"] if d not in said]
        evidence = evidence[:FOLD_EVIDENCE]
        cited.update(e["doc"] for e in evidence)
        view.add_edge(
            a, b, key="coMentioned", relation="coMentioned", folded=True,
            count=len(f["docs"]), docs=list(f["docs"]), sentences=len(f["sentences"]),
            weight=w, evidence=evidence,
        )
    for n in entities:
        cited.update(list(G.nodes[n].get("docs") or ())[:MENTIONED_IN])
    for n in chosen:
        if node_kind(G.nodes[n]) == "result" and G.nodes[n].get("doc"):
            cited.add(G.nodes[n]["doc"])
    view.graph["documents"] = {
        d: {k: _clone(G.nodes[d][k]) for k in ("title", "label", "arxiv_id", "url", "date", "source")
            if G.nodes[d].get(k) is not None}
        for d in sorted(cited) if d in G
    }
    view.graph["view"] = {
        "overview": True,
        "entity": None,
        "document": None,
        "centre": None,
        "rank": rank,
        "top": top,
        "nodes_total": len(cand),
        "nodes_shown": view.number_of_nodes(),
        "folded_docs": folded,
        "docs_total": len({d for n in entities for d in G.nodes[n].get("docs") or ()}),
        "communities": label_communities(view),
    }
    return view


def label_communities(view: nx.MultiDiGraph, *, min_size: int = 3, seed: int = 42) -> list[dict[str, Any]]:
    """Find the communities of a view and name each after its best-linked members.

    Louvain modularity communities (Blondel et al. 2008,
    :func:`networkx.community.louvain_communities`, fixed ``seed``) of the view
    as an undirected graph, each link weighted by its ``weight`` (folded
    co-mentions) or ``count`` (typed relations), parallel links summed. A
    community of at least ``min_size`` nodes is named after its three members
    with the most weighted links; its members get the node attributes
    ``community`` (1 = largest) and ``community_label``.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        A view (changed in place: node attributes are added).
    min_size : int
        Smallest community that is named.
    seed : int
        Random seed of the Louvain method, for the same result on every run.

    Returns
    -------
    list of dict
        ``{"id", "size", "label"}`` per named community, largest first.
    """
    U = nx.Graph()
    U.add_nodes_from(sorted(view.nodes))
    for u, v, d in view.edges(data=True):
        if u == v:
            continue
        w = float(d.get("weight") or d.get("count") or 1)
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    if U.number_of_edges() == 0:
        return []
    comms = nx.community.louvain_communities(U, weight="weight", seed=seed)
    out: list[dict[str, Any]] = []
    for c in sorted(comms, key=lambda c: (-len(c), min(c))):
        if len(c) < min_size:
            continue
        best = sorted(c, key=lambda n: (-U.degree(n, weight="weight"), n))[:3]
        label = ", ".join(str(view.nodes[n].get("label") or n) for n in best)
        cid = len(out) + 1
        for n in c:
            view.nodes[n]["community"] = cid
            view.nodes[n]["community_label"] = label
        out.append({"id": cid, "size": len(c), "label": label})
    return out
