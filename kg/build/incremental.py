"""Incremental merge: add documents to a finished build and say what changed.

A full ``kg build`` merges every document (:class:`~kg.build.merge.GraphBuilder`)
and writes every output.  When the corpus only *grows* — the documents of the last
build are all still there, unchanged, and some new ones arrive — most of the graph
is the same.  :func:`add_documents` adds the new extractions to the saved builder
and returns a :class:`GraphDelta`: the old and the new attributes of exactly the
nodes and edges whose attributes differ, so the exporters can patch the previous
files (:mod:`kg.export.patch`) instead of rewriting them.

What can change when documents are added, and how it is found:

* new document and result nodes, and the edges of the new documents;
* entities the new documents mention (count, docs, aliases, sources, and through
  the type votes and names also ``type`` and ``label``);
* ``family`` of any entity (:func:`kg.resolve.entity_families` looks at every
  entity's type), recomputed for all and compared;
* edges whose ends changed type (the relation's domain and range decide whether
  the edge is kept), found by scanning the builder's edge keys;
* result nodes whose method, dataset or metric changed type or label (the result's
  label names them).

An abbreviation that changes the alias map (a long form now folded into another
id, or no longer) moves nodes: :func:`add_documents` returns None and the caller
rebuilds the graph in full.  The result equals a full build of all the documents
(``tests/test_incremental.py`` compares every output file byte for byte).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.build.merge import (
    GraphBuilder,
    _clean_surface,
    _edge_attrs,
    _fold_bucket,
    _result_parts,
    doc_node_id,
    fits_types,
)
from kg.model import GRAPH_ENTITY_TYPES, DocExtraction
from kg.resolve import entity_families, safe_key

#: Keys of the result node out-edges (not counted as relations in the summary).
_RESULT_EDGE_KEYS = frozenset({"ofMethod", "onDataset", "withMetric"})

EdgeKey = tuple[str, str, str]


@dataclass
class MergeInfo:
    """What a build keeps about its merged graph besides the builder, for the next
    incremental build: ``ent_info`` ``{entity id: (type, label, family or None)}``,
    ``dropped`` (``G.graph["relations_dropped"]``) and ``summary``
    (:func:`kg.build.graph_summary`)."""

    ent_info: dict[str, tuple[str, str, str | None]]
    dropped: dict[str, int]
    summary: dict[str, Any]

    @classmethod
    def of_graph(cls, G: Any, summary: Mapping[str, Any]) -> "MergeInfo":
        """The info of a freshly built graph ``G`` (a ``networkx.MultiDiGraph``)."""
        ent = {n: (d["type"], d["label"], d.get("family")) for n, d in G.nodes(data=True) if d.get("kind") == "entity"}
        return cls(ent, dict(G.graph.get("relations_dropped", {})), _copy_summary(summary))


@dataclass
class GraphDelta:
    """The difference between the graph before and after :func:`add_documents`.

    ``nodes_old``/``nodes_new`` map every changed node id to its attributes before
    and after (None: absent); ``edges_old``/``edges_new`` the same for edges keyed
    ``(head, tail, key)``.  Both dicts of a pair have the same keys.  ``graph`` is
    the new ``G.graph`` (without ``built_from``, which the caller sets), ``info``
    the new :class:`MergeInfo`.
    """

    nodes_old: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    nodes_new: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    edges_old: dict[EdgeKey, dict[str, Any] | None] = field(default_factory=dict)
    edges_new: dict[EdgeKey, dict[str, Any] | None] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)
    info: MergeInfo | None = None


def _copy_summary(s: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in s.items()}


def add_documents(
    builder: GraphBuilder, info: MergeInfo, extractions: Iterable[DocExtraction]
) -> GraphDelta | None:
    """Add ``extractions`` (documents new to ``builder``) and return what changed.

    Parameters
    ----------
    builder : GraphBuilder
        The builder of the previous build (see :func:`kg.build.state.save_builder`), with its
        gazetteer ``index`` set; modified in place.
    info : MergeInfo
        The previous build's :class:`MergeInfo`.
    extractions : iterable of DocExtraction
        Documents whose ids the builder has not seen.

    Returns
    -------
    GraphDelta or None
        Every node and edge whose attributes differ, with both versions; None if
        the alias map foreseen from the new documents is not the builder's after
        adding them (a safeguard: then rebuild with ``builder.graph()``).  The
        builder holds the new documents either way.

    Raises
    ------
    ValueError
        If a document id is already in the builder.
    """
    exs = list(extractions)
    for ex in exs:
        if doc_node_id(ex.record.id) in builder.docs:
            raise ValueError(f"document {ex.record.id!r} is already in the build")

    # ---- the alias map before and (simulated) after the new documents
    alias_old = builder.alias_map()
    votes: dict[str, set[str]] = {}
    new_ids: set[str] = set()
    for ex in exs:
        for m in ex.entities:
            new_ids.add(m.id)
            if m.source.split(":")[0] == "abbreviation":
                k = safe_key(_clean_surface(m.text))
                if k != m.id:
                    votes.setdefault(k, set(builder.alias_votes.get(k, ()))).add(m.id)
    alias_new = dict(alias_old)
    for k in set(votes) | (new_ids & set(builder.alias_votes)):
        v = votes.get(k) or builder.alias_votes.get(k, set())
        t = next(iter(v)) if len(v) == 1 else None
        if t is not None and (k in builder.counts or k in new_ids) and k != t:
            alias_new[k] = t
        else:
            alias_new.pop(k, None)
    moved_keys = {k for k in set(alias_old) | set(alias_new) if alias_old.get(k) != alias_new.get(k)}

    def rev_of(alias: Mapping[str, str]) -> dict[str, list[str]]:
        rev: dict[str, list[str]] = defaultdict(list)
        for k, v in sorted(alias.items()):
            rev[v].append(k)
        return rev

    rev_old, rev_new = rev_of(alias_old), rev_of(alias_new)

    def raw_ids(c: str, alias: Mapping[str, str], rev: Mapping[str, list[str]]) -> list[str]:
        return ([c] if c not in alias else []) + list(rev.get(c, ()))

    # raw ids whose canonical node changes: the moved keys and everything folded with them
    hub: set[str] = set()
    for k in moved_keys:
        for c in {k, alias_old.get(k, k), alias_new.get(k, k)}:
            hub.add(c)
            hub.update(rev_old.get(c, ()))
            hub.update(rev_new.get(c, ()))
    raw_ents = new_ids | hub
    raw_edges: set[EdgeKey] = set()
    for ex in exs:
        dnode = doc_node_id(ex.record.id)
        for m in ex.entities:
            raw_edges.add((dnode, m.id, "mentions"))
        for r in ex.relations:
            head = dnode if r.head is None else ex.entities[r.head].id
            raw_edges.add((head, ex.entities[r.tail].id, r.label))
    if hub:
        raw_edges.update(k for k in builder.edges if k[0] in hub or k[1] in hub)
    rid_hub = hub

    def canon_with(alias: Mapping[str, str]):
        def canon(x: str | None) -> str | None:
            return alias.get(x, x) if x is not None else None
        return canon

    canon_old, canon_new = canon_with(alias_old), canon_with(alias_new)
    touched_ents = {canon_old(e) for e in raw_ents} | {canon_new(e) for e in raw_ents}
    touched_edges = ({(canon_old(h), canon_old(t), r) for h, t, r in raw_edges}
                     | {(canon_new(h), canon_new(t), r) for h, t, r in raw_edges})

    by_id = builder.index[0] if builder.index else {}

    def aliased_gaz(alias: Mapping[str, str]) -> dict[str, str]:
        return {new: builder.gaz_name[old] for old, new in sorted(alias.items()) if old in builder.gaz_name}

    def entity_attrs(c: str, alias: Mapping[str, str], rev: Mapping[str, list[str]], gaz: Mapping[str, str]
                     ) -> dict[str, Any] | None:
        ids = [e for e in raw_ids(c, alias, rev) if e in builder.counts]
        if not ids:
            return None
        if len(ids) == 1:
            e = ids[0]
            return builder._entity_attrs(
                c, builder.type_votes.get(e, Counter()), builder.names.get(e, Counter()),
                builder.surfaces.get(e, set()), builder.counts[e], builder.ent_docs.get(e, ()),
                builder.sources.get(e, ()), gaz, by_id)
        votes_: Counter = Counter()
        names: Counter = Counter()
        surfaces: set[str] = set()
        docs: set[str] = set()
        sources: set[str] = set()
        count = 0
        for e in ids:
            votes_.update(builder.type_votes.get(e, {}))
            names.update(builder.names.get(e, {}))
            surfaces |= builder.surfaces.get(e, set())
            docs |= builder.ent_docs.get(e, set())
            sources |= builder.sources.get(e, set())
            count += builder.counts[e]
        return builder._entity_attrs(c, votes_, names, surfaces, count, docs, sources, gaz, by_id)

    def bucket(key: EdgeKey, alias: Mapping[str, str], rev: Mapping[str, list[str]]) -> dict[tuple, Any] | None:
        h, t, rel = key
        out: dict[tuple, Any] | None = None
        for hh in raw_ids(h, alias, rev):
            for tt in raw_ids(t, alias, rev):
                b = builder.edges.get((hh, tt, rel))
                if b is None:
                    continue
                if out is None:
                    out = dict(b)
                else:
                    _fold_bucket(out, b)
        return out

    # ---- before: the touched entities and edges as they are now
    gaz = aliased_gaz(alias_old)
    old_ent = {c: entity_attrs(c, alias_old, rev_old, gaz) for c in sorted(touched_ents)}
    old_buckets = {k: bucket(k, alias_old, rev_old) for k in touched_edges}
    old_info = info.ent_info
    old_rids = set(builder.results)

    for ex in exs:
        builder.add(ex)
    if builder.alias_map() != alias_new:  # cannot happen unless GraphBuilder.add changes its rules
        return None
    alias, rev, canon = alias_new, rev_new, canon_new

    # ---- after
    gaz = aliased_gaz(alias)
    new_ent = {c: entity_attrs(c, alias, rev, gaz) for c in sorted(touched_ents)}
    ent_info = dict(old_info)
    for c, a in new_ent.items():
        if a is not None:
            ent_info[c] = (a["type"], a["label"], a.get("family"))
        else:
            ent_info.pop(c, None)
    fams = entity_families({e: (lab, typ) for e, (typ, lab, _f) in ent_info.items()}, builder.index or ({}, {}))
    delta = GraphDelta()
    for e, (typ, lab, fam) in list(ent_info.items()):
        gaz_fam = by_id[e].family if e in by_id and by_id[e].family else None
        new_fam = gaz_fam or fams.get(e)
        if e in new_ent:
            a = new_ent[e]
            if a is not None and new_fam is not None:
                a.setdefault("family", new_fam)
            ent_info[e] = (typ, lab, new_fam)
            continue
        if new_fam != fam:  # an untouched entity whose family moved
            a = entity_attrs(e, alias, rev, gaz)
            old = dict(a)
            old.pop("family", None)
            if fam is not None:
                old["family"] = fam
            if new_fam is not None:
                a["family"] = new_fam
            else:
                a.pop("family", None)
            delta.nodes_old[e], delta.nodes_new[e] = old, a
            ent_info[e] = (typ, lab, new_fam)
    for c in new_ent:
        o = old_ent[c]
        if o is not None and old_info.get(c, (None, None, None))[2] is not None:
            o.setdefault("family", old_info[c][2])
        if o is not None or new_ent[c] is not None:
            delta.nodes_old[c], delta.nodes_new[c] = o, new_ent[c]

    def type_new(x: str) -> str | None:
        if x in builder.docs:
            return "Document"
        i = ent_info.get(x)
        return i[0] if i else None

    def type_old(x: str) -> str | None:
        if x in builder.docs:
            return "Document"
        i = old_info.get(x)
        return i[0] if i else None

    changed_type = {c for c in new_ent if type_old(c) != type_new(c)}
    changed_label = {c for c in new_ent if old_info.get(c, (None, None))[1] != ent_info.get(c, (None, None))[1]}

    edges = set(touched_edges)
    if changed_type:
        for (h, t, rel) in builder.edges:
            ch, ct = canon(h), canon(t)
            if ch in changed_type or ct in changed_type:
                edges.add((ch, ct, rel))
    dropped = Counter(info.dropped)
    for key in sorted(edges):
        h, t, rel = key
        nb = bucket(key, alias, rev)
        ob = old_buckets[key] if key in old_buckets else nb
        o = n = None
        if ob is not None:
            if h != t and fits_types(type_old(h), type_old(t), rel):
                o = _edge_attrs(rel, ob)
            else:
                dropped[rel] -= 1
        if nb is not None:
            if h != t and fits_types(type_new(h), type_new(t), rel):
                n = _edge_attrs(rel, nb)
            else:
                dropped[rel] += 1
        if o is not None or n is not None:
            delta.edges_old[key], delta.edges_new[key] = o, n

    # ---- results: the new ones, and those naming an entity that changed
    moved = changed_type | changed_label

    def info_old(x: str) -> tuple[str, str] | None:
        i = old_info.get(x)
        return (i[0], i[1]) if i else None

    def info_new(x: str) -> tuple[str, str] | None:
        i = ent_info.get(x)
        return (i[0], i[1]) if i else None

    for rid, r in builder.results.items():
        is_new = rid not in old_rids
        ids = (r["method"], r["dataset"], r["metric_id"])
        if not is_new and not (moved.intersection(canon(x) for x in ids) or rid_hub.intersection(ids)):
            continue
        o = None if is_new else _result_parts(r, canon_old, info_old)
        n = _result_parts(r, canon, info_new)
        if not is_new and o is None:
            dropped["result"] -= 1
        if n is None:
            dropped["result"] += 1
        if o is None and n is None:
            continue
        delta.nodes_old[rid], delta.nodes_new[rid] = (o[0] if o else None), (n[0] if n else None)
        oe = {(rid, tail, k): a for tail, k, a in (o[1] if o else ())}
        ne = {(rid, tail, k): a for tail, k, a in (n[1] if n else ())}
        for k in oe.keys() | ne.keys():
            delta.edges_old[k], delta.edges_new[k] = oe.get(k), ne.get(k)

    for ex in exs:
        d = doc_node_id(ex.record.id)
        delta.nodes_old[d], delta.nodes_new[d] = None, builder.docs[d]

    # ---- graph attributes and the summary
    summary = _copy_summary(info.summary)
    ents: Counter = Counter(summary.get("entities", {}))
    rels: Counter = Counter(summary.get("relations", {}))
    for n, o in delta.nodes_old.items():
        for attrs, sign in ((o, -1), (delta.nodes_new[n], 1)):
            if attrs is None:
                continue
            summary["nodes"] += sign
            kind = attrs.get("kind")
            if kind == "entity":
                ents[attrs["type"]] += sign
            elif kind == "document":
                summary["documents"] += sign
            elif kind == "result":
                summary["results"] += sign
    for k, o in delta.edges_old.items():
        for attrs, sign in ((o, -1), (delta.edges_new[k], 1)):
            if attrs is None:
                continue
            summary["edges"] += sign
            if k[2] not in _RESULT_EDGE_KEYS:
                rels[k[2]] += sign
    summary["entities"] = {t: ents[t] for t in GRAPH_ENTITY_TYPES if ents[t] > 0}
    summary["relations"] = {k: v for k, v in sorted(rels.items()) if v > 0}
    dropped_d = {k: v for k, v in sorted(dropped.items()) if v > 0}
    delta.graph = {
        "base_iri": builder.base_iri,
        "documents_read": len(builder.docs),
        "documents_skipped": list(builder.documents_skipped),
        "relations_dropped": dropped_d,
    }
    delta.info = MergeInfo(ent_info, dropped_d, summary)
    return delta


# --------------------------------------------------------------------------- state
# The saved builder and its metadata: :mod:`kg.build.state` (MessagePack, checked).


def state_digest(parts: Iterable[str]) -> str:
    """SHA-256 (hex) of the parts, NUL-separated: the key of a build's settings."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()


__all__ = ["GraphDelta", "MergeInfo", "add_documents", "state_digest"]
