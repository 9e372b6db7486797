"""What the explorer pages and ``kg search`` / ``kg show`` read: one build, loaded once.

:class:`Explorer` holds a build's graph (``graph.json``, schema in :mod:`kg.build`),
a name index over entity labels and aliases for search, an index from each
document to the facts its sentences support, and the byte offset of each
document's line in ``extractions.jsonl`` (its text and entity mentions, read on
demand).  The graph and that file are read from one build, even while ``kg build``
replaces the folder (the file stays open, so a later build does not change what
is shown: restart to show it).  Every method returns plain dicts and lists: the pages render them with
Jinja2 (autoescaped), the CLI prints them or dumps them as JSON.
"""

from __future__ import annotations

import heapq
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

import networkx as nx

from kg.build import load_graph
from kg.errors import KGError
from kg.viz.render import arxiv_url, safe_url
from kg.viz.select import HIDDEN_TYPES_BY_DEFAULT, ViewError, find_entity, node_kind, node_type

__all__ = ["Explorer", "NotFound", "EXTRACTIONS_FILE"]

EXTRACTIONS_FILE = "extractions.jsonl"

#: Relations shown as facts (``mentions``/``coMentioned`` are co-occurrence, not facts).
WEAK_RELATIONS = frozenset({"mentions", "coMentioned"})

_QID = re.compile(r"^Q[1-9][0-9]*$")


class NotFound(KGError):
    """No entity or document with that name (the message lists close matches)."""


def _doc_link(G: nx.MultiDiGraph, doc: Optional[str]) -> Optional[dict]:
    """Title, id and date of a document node (None for a missing id)."""
    if not doc:
        return None
    a = G.nodes[doc] if doc in G else {}
    return {"id": doc, "title": str(a.get("title") or a.get("label") or doc), "date": a.get("date")}


class Explorer:
    """A build opened for browsing: search, entity facts, documents.

    Parameters
    ----------
    build_dir : pathlib.Path or str
        Folder written by ``kg build`` (``graph.json``; ``extractions.jsonl`` for
        document text, optional).

    Raises
    ------
    BuildError
        If the folder or its ``graph.json`` is missing or unreadable.
    """

    def __init__(self, build_dir: Path | str):
        from kg.build.outdir import build_id, swap_lock

        self.build_dir = Path(build_dir)
        path = self.build_dir / EXTRACTIONS_FILE
        self._fd: Optional[int] = None
        for _ in range(10):  # the graph and the text file of one and the same build
            with swap_lock(self.build_dir, shared=True):
                bid = build_id(self.build_dir)
                fd = os.open(path, os.O_RDONLY) if path.is_file() else None
            self.graph: nx.MultiDiGraph = load_graph(self.build_dir)
            if build_id(self.build_dir) == bid:
                self._fd = fd
                break
            if fd is not None:
                os.close(fd)
        #: ``build_id`` of the build shown (None for a folder without a marker)
        self.build_id = bid
        G = self.graph
        #: (casefolded name, node id) for every label and alias of an entity
        self._names: list[tuple[str, str]] = []
        self.types: list[str] = sorted({node_type(a) for _, a in G.nodes(data=True) if node_kind(a) == "entity"})
        for n, a in G.nodes(data=True):
            if node_kind(a) != "entity":
                continue
            for s in dict.fromkeys([str(a.get("label") or n)] + [str(x) for x in a.get("aliases") or ()]):
                self._names.append((s.casefold(), n))
        #: document node id -> [(head, tail, relation, evidence)] of the facts it supports
        self._facts_by_doc: dict[str, list[tuple[str, str, str, dict]]] = defaultdict(list)
        for u, v, k, d in G.edges(keys=True, data=True):
            if k in WEAK_RELATIONS or node_kind(G.nodes[u]) == "result":
                continue
            for ev in d.get("evidence") or ():
                self._facts_by_doc[ev["doc"]].append((u, v, k, dict(ev)))
        self._results_by_doc: dict[str, list[str]] = defaultdict(list)
        for n, a in G.nodes(data=True):
            if node_kind(a) == "result" and a.get("doc"):
                self._results_by_doc[a["doc"]].append(n)
        #: document node id -> (byte offset, length) of its line in extractions.jsonl
        self._lines: dict[str, tuple[int, int]] = {}
        if self._fd is not None:
            with os.fdopen(os.dup(self._fd), "rb") as fh:
                pos = 0
                for line in fh:
                    try:
                        rid = json.loads(line).get("id")
                    except ValueError:
                        rid = None
                    if rid:
                        self._lines[f"doc:{rid}"] = (pos, len(line))
                    pos += len(line)

    def close(self) -> None:
        """Close the build's ``extractions.jsonl`` (documents then show no text)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._lines = {}

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # ------------------------------------------------------------------ search
    def search(self, text: str, *, type_: Optional[str] = None, limit: int = 20) -> list[dict]:
        """Entities whose label or an alias contains ``text`` (case-insensitive).

        Ranking: exact name, then name starting with ``text``, then a word of the
        name starting with it, then any substring; ties by mentions (descending),
        then label.

        Parameters
        ----------
        text : str
            What was typed (surrounding spaces ignored; empty gives no hits).
        type_ : str, optional
            Only entities of this type (case-insensitive, e.g. ``"method"``).
            Without it, every type but the stand-ins for unnamed methods
            (``UnnamedMethod``, "unnamed method of “<title>”": no names, shown on
            their document's page and found with ``type_="UnnamedMethod"``).
        limit : int
            Most hits returned.

        Returns
        -------
        list of dict
            ``{"id", "label", "type", "mentions", "docs", "matched"}``; ``matched``
            is the label or alias that matched.
        """
        q = " ".join(str(text).split()).casefold()
        if not q:
            return []
        want = type_.casefold() if type_ else None
        G = self.graph
        word_start = re.compile(r"(?:^|[\s\-_/(])" + re.escape(q))
        best: dict[str, tuple[int, str]] = {}
        for name, n in self._names:
            if q not in name:
                continue
            if name == q:
                rank = 0
            elif name.startswith(q):
                rank = 1
            elif word_start.search(name):
                rank = 2
            else:
                rank = 3
            if n not in best or rank < best[n][0]:
                best[n] = (rank, name)
        keyed = []
        for n, (rank, name) in best.items():
            a = G.nodes[n]
            t = node_type(a)
            if (t.casefold() != want) if want else (t in HIDDEN_TYPES_BY_DEFAULT):
                continue
            keyed.append((rank, -int(a.get("count") or 0), str(a.get("label") or n).casefold(), n, name))
        out = []
        for _, _, _, n, name in heapq.nsmallest(limit, keyed):
            a = G.nodes[n]
            names = [str(a.get("label") or n)] + [str(x) for x in a.get("aliases") or ()]
            out.append({
                "id": n,
                "label": names[0],
                "type": node_type(a),
                "mentions": int(a.get("count") or 0),
                "docs": len(a.get("docs") or ()),
                "matched": next((s for s in names if s.casefold() == name), names[0]),
            })
        return out

    # ------------------------------------------------------------------ entity
    def resolve(self, name: str) -> str:
        """Node id of an entity given by id, label or alias (see :func:`kg.viz.select.find_entity`).

        Raises
        ------
        NotFound
            Unknown or ambiguous name (with close matches or the candidates).
        """
        try:
            n = find_entity(self.graph, name)
        except ViewError as exc:
            raise NotFound(str(exc)) from None
        if node_kind(self.graph.nodes[n]) != "entity":
            raise NotFound(f"{name!r} is a {node_kind(self.graph.nodes[n])}, not an entity")
        return n

    def _evidence(self, d: dict, limit: Optional[int] = None) -> list[dict]:
        out = []
        for ev in list(d.get("evidence") or ())[:limit]:
            out.append({
                "sentence": ev.get("sentence") or "",
                "doc": _doc_link(self.graph, ev.get("doc")),
                "pattern": ev.get("pattern"),
                "confidence": ev.get("confidence"),
            })
        return out

    def entity(self, n: str, *, max_facts: Optional[int] = None, max_evidence: Optional[int] = None,
               max_documents: Optional[int] = None) -> dict:
        """Everything the entity page (and ``kg show``) says about entity ``n``.

        Parameters
        ----------
        n : str
            Entity node id (use :meth:`resolve` for a name).
        max_facts : int, optional
            Keep only the best-supported ``max_facts`` facts of each relation
            group (``omitted`` counts the rest); default all.
        max_evidence : int, optional
            Keep only the first ``max_evidence`` evidence items of each fact
            (``evidence_total`` counts all); default all.
        max_documents : int, optional
            List only the first ``max_documents`` documents (``documents_total``
            counts all); default all.

        Returns
        -------
        dict
            ``id``, ``label``, ``type``, ``aliases``, ``wikidata`` (QID or None),
            ``wikidata_url``, ``mentions`` (count), ``documents`` (list of
            :func:`_doc_link` dicts; ``documents_total`` counts all), ``relations`` (list of ``{"relation",
            "direction": "out"|"in", "facts": [{"other": {"id", "label", "type"},
            "count", "confidence", "evidence": [...]}], "omitted": int}``, typed relations by
            support), ``results`` (rows ``{"id", "label", "method", "metric",
            "value", "unit", "dataset", "condition", "doc", "sentence"}``).

        Raises
        ------
        NotFound
            If ``n`` is not an entity node.
        """
        G = self.graph
        if n not in G or node_kind(G.nodes[n]) != "entity":
            raise NotFound(f"no entity {n!r}")
        a = G.nodes[n]
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        results: list[str] = []
        for direction, edges in (("out", G.out_edges(n, keys=True, data=True)),
                                 ("in", G.in_edges(n, keys=True, data=True))):
            for u, v, k, d in edges:
                other = v if direction == "out" else u
                ok = node_kind(G.nodes[other])
                if ok == "result":
                    results.append(other)
                    continue
                if k in WEAK_RELATIONS or ok == "document":
                    continue
                groups[(k, direction)].append({
                    "other": self.node_ref(other),
                    "count": int(d.get("count") or 0),
                    "confidence": d.get("confidence"),
                    "evidence": self._evidence(d, max_evidence),
                    "evidence_total": len(d.get("evidence") or ()),
                })
        relations = []
        for (k, direction), facts in groups.items():
            facts.sort(key=lambda f: (-f["count"], f["other"]["label"].casefold()))
            total = sum(f["count"] for f in facts)
            cut = facts if max_facts is None else facts[:max_facts]
            relations.append({"relation": k, "direction": direction, "facts": cut,
                              "omitted": len(facts) - len(cut), "support": total})
        relations.sort(key=lambda r: (-r["support"], r["relation"], r["direction"]))
        qid = str(a.get("wikidata") or "")
        return {
            "id": n,
            "label": str(a.get("label") or n),
            "type": node_type(a),
            "aliases": [str(x) for x in a.get("aliases") or ()],
            "wikidata": qid if _QID.match(qid) else None,
            "wikidata_url": f"https://www.wikidata.org/wiki/{qid}" if _QID.match(qid) else None,
            "mentions": int(a.get("count") or 0),
            "documents": [_doc_link(G, d) for d in list(a.get("docs") or ())[:max_documents] if d in G],
            "documents_total": len(a.get("docs") or ()),
            "relations": relations,
            "results": [self.result_row(r) for r in sorted(set(results))],
        }

    def node_ref(self, n: str) -> dict:
        """``{"id", "label", "type", "kind"}`` of any node."""
        a = self.graph.nodes[n]
        return {"id": n, "label": str(a.get("label") or a.get("title") or n), "type": node_type(a),
                "kind": node_kind(a)}

    def result_row(self, r: str) -> dict:
        """One result node as a table row (method, metric, value, unit, dataset, ...)."""
        G = self.graph
        a = G.nodes[r]
        ends: dict[str, Optional[dict]] = {"ofMethod": None, "onDataset": None, "withMetric": None}
        for _, v, k in G.out_edges(r, keys=True):
            if k in ends and ends[k] is None:
                ends[k] = self.node_ref(v)
        evs = list(a.get("evidence") or ())
        metric = a.get("metric") or (ends["withMetric"] or {}).get("label")
        return {
            "id": r,
            "label": str(a.get("label") or r),
            "method": ends["ofMethod"],
            "metric": metric,
            "value": a.get("value"),
            "unit": a.get("unit"),
            "dataset": ends["onDataset"],
            "condition": a.get("condition"),
            "doc": _doc_link(G, a.get("doc")),
            "sentence": (evs[0].get("sentence") if evs else None),
        }

    def ego(self, n: str, *, max_neighbours: int = 40) -> dict:
        """The ego graph of entity ``n`` for drawing: its strongest neighbours.

        Neighbours are entities joined to ``n`` by a typed relation (not
        ``mentions``/``coMentioned``, not documents or results), the
        ``max_neighbours`` with the largest total support.

        Returns
        -------
        dict
            ``{"nodes": [{"id", "label", "type", "centre"}], "edges": [{"from",
            "to", "label", "value"}]}``.
        """
        G = self.graph
        support: dict[str, int] = defaultdict(int)
        edges = []
        for u, v, k, d in list(G.out_edges(n, keys=True, data=True)) + list(G.in_edges(n, keys=True, data=True)):
            other = v if u == n else u
            if k in WEAK_RELATIONS or node_kind(G.nodes[other]) != "entity" or other == n:
                continue
            support[other] += int(d.get("count") or 1)
            edges.append((u, v, k, int(d.get("count") or 1)))
        keep = set(sorted(support, key=lambda x: (-support[x], x))[:max_neighbours])
        nodes = [dict(self.node_ref(n), centre=True)] + [
            dict(self.node_ref(m), centre=False) for m in sorted(keep)
        ]
        return {
            "nodes": nodes,
            "edges": [{"from": u, "to": v, "label": k, "value": c}
                      for u, v, k, c in edges if (u in keep or v in keep)],
        }

    # ---------------------------------------------------------------- documents
    def resolve_document(self, ref: str) -> str:
        """Document node id of ``ref`` (``doc:<id>`` or ``<id>``).

        Raises
        ------
        NotFound
            If no such document.
        """
        for cand in (ref, f"doc:{ref}"):
            if cand in self.graph and node_kind(self.graph.nodes[cand]) == "document":
                return cand
        raise NotFound(f"no document {ref!r}")

    def _extraction(self, doc: str) -> Optional[dict]:
        hit = self._lines.get(doc)
        if hit is None or self._fd is None:
            return None
        # pread: no shared file position, so concurrent requests may read at once
        return json.loads(os.pread(self._fd, hit[1], hit[0]))

    def document(self, doc: str) -> dict:
        """Everything the document page shows about document node ``doc``.

        Returns
        -------
        dict
            ``id``, ``title``, ``date``, ``venue``, ``authors``, ``source``,
            ``arxiv_id``, ``link`` (arXiv abstract or the record's http(s) URL, or
            None), ``text`` (str or None when the build has no
            ``extractions.jsonl`` line for it), ``mentions`` (non-overlapping
            ``{"start", "end", "id", "type", "label"}`` spans, character offsets
            into ``text``), ``entities`` (node refs with mention counts in this
            document), ``facts`` (``{"head", "relation", "tail", "sentence"}``
            node refs) and ``results`` (see :meth:`result_row`).

        Raises
        ------
        NotFound
            If ``doc`` is not a document node.
        """
        G = self.graph
        doc = self.resolve_document(doc)
        a = G.nodes[doc]
        ex = self._extraction(doc) or {}
        text = ex.get("text")
        spans = []
        counts: dict[str, int] = defaultdict(int)
        for m in sorted(ex.get("entities") or (), key=lambda m: (m["start"], -m["end"])):
            if spans and m["start"] < spans[-1]["end"]:
                continue  # overlapping mention: displaCy draws non-overlapping spans
            n = m.get("id")
            t = node_type(G.nodes[n]) if n in G else str(m.get("label") or "")
            spans.append({"start": int(m["start"]), "end": int(m["end"]), "id": n if n in G else None,
                          "type": t, "label": m.get("name") or m.get("text")})
            if n in G:
                counts[n] += 1
        facts = [
            {"head": self.node_ref(u), "relation": k, "tail": self.node_ref(v),
             "sentence": ev.get("sentence") or "", "start": ev.get("start")}
            for u, v, k, ev in self._facts_by_doc.get(doc, ())
        ]
        facts.sort(key=lambda f: (f["start"] if isinstance(f["start"], int) else 0, f["relation"]))
        return {
            "id": doc,
            "title": str(a.get("title") or a.get("label") or doc),
            "date": a.get("date"),
            "venue": a.get("venue"),
            "authors": [str(x) for x in a.get("authors") or ()],
            "source": a.get("source"),
            "arxiv_id": a.get("arxiv_id"),
            "link": arxiv_url(a.get("arxiv_id")) or safe_url(a.get("url")),
            "text": text,
            "mentions": spans,
            "entities": sorted(
                (dict(self.node_ref(n), count=c) for n, c in counts.items()),
                key=lambda e: (-e["count"], e["label"].casefold()),
            ),
            "facts": facts,
            "results": [self.result_row(r) for r in sorted(self._results_by_doc.get(doc, ()))],
        }
