"""Graphs in the :mod:`kg.build` schema for tests, demos and benchmarks of the views.

:func:`example_graph` is a small hand-made graph built from sentences of the sample
corpus (SADGA on Spider, RTMDet on COCO) plus one entity whose *name* is HTML markup
and whose evidence carries a ``<script>`` element — the input a view must show as
text. :func:`synthetic_graph` makes large random graphs of the same shape, to
measure how views scale; its text is placeholder text, not data.
"""

from __future__ import annotations

import itertools
import random

import networkx as nx

from kg.model import ENTITY_TYPES

#: The name of the hostile entity in :func:`example_graph`.
INJECTED_NAME = "<img src=x onerror=alert(1)>"

_SADGA_SENT = (
    "Focusing on the above two key issues, we propose a Structure-Aware Dual Graph "
    "Aggregation Network (SADGA) for cross-domain Text-to-SQL."
)
_SPIDER_SENT = (
    "We not only study the performance of our proposal empirically but also achieved "
    "3rd place on the challenging Text-to-SQL benchmark Spider at the time of writing."
)
_RTMDET_SENT = (
    "Together with better training techniques, the resulting object detector, named "
    "RTMDet, achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU, "
    "outperforming the current mainstream industrial detectors."
)
_EVIL_SENT = (
    "<script>window.__kgPwned = 1; alert('xss')</script> The <img src=x onerror=alert(1)> "
    "model & <b>friends</b> are evaluated on COCO."
)


def _ev(doc: str, start: int, sentence: str, pattern: str, confidence: float = 0.9) -> dict:
    return {
        "doc": doc,
        "start": start,
        "end": start + len(sentence),
        "sentence": sentence,
        "pattern": pattern,
        "confidence": confidence,
    }


def _edge(G: nx.MultiDiGraph, u: str, v: str, rel: str, evidence: list[dict]) -> None:
    evidence = sorted(evidence, key=lambda e: (e["doc"], e["start"], e["pattern"]))
    G.add_edge(
        u,
        v,
        key=rel,
        relation=rel,
        count=len(evidence),
        confidence=max((e["confidence"] for e in evidence), default=1.0),
        evidence=evidence,
    )


def example_graph() -> nx.MultiDiGraph:
    """Return a small graph in the :mod:`kg.build` schema (14 nodes).

    Three documents (the SADGA and RTMDet abstracts with their arXiv ids, and a
    hostile news item), ten entities of seven types — one named
    :data:`INJECTED_NAME` with an alias ``<b>bold</b>`` — one result node
    (RTMDet AP 52.8% on COCO), typed relations with evidence sentences, mentions
    and one ``coMentioned`` edge.

    Returns
    -------
    networkx.MultiDiGraph
        A new graph on every call.
    """
    G = nx.MultiDiGraph(base_iri="https://example.org/kg/", kg_version="test")
    docs = {
        "doc:sadga": dict(
            title="SADGA: Structure-Aware Dual Graph Aggregation Network for Text-to-SQL",
            arxiv_id="2111.00653",
            date="2021-11-01",
            source="data/samples/000_0c20c2f8ae263eb6.txt",
        ),
        "doc:rtmdet": dict(
            title="RTMDet: An Empirical Study of Designing Real-Time Object Detectors",
            arxiv_id="2212.07784",
            date="2022-12-14",
            source="data/samples/001_a947d8988178f4fd.txt",
        ),
        "doc:evil": dict(
            title="<script>alert('title')</script> Weekly AI news",
            url="javascript:alert(1)",
            date="2023-03-01",
            source="news.txt",
        ),
    }
    for d, meta in docs.items():
        G.add_node(d, kind="document", type="Document", label=meta["title"], **meta)
    ents = [
        ("sadga", "Method", "SADGA", ["Structure-Aware Dual Graph Aggregation Network"], 3, ["doc:sadga"]),
        ("spider", "Benchmark", "Spider", [], 1, ["doc:sadga"]),
        ("text-to-sql", "Task", "Text-to-SQL", ["text-to-SQL"], 5, ["doc:sadga"]),
        ("rtmdet", "Method", "RTMDet", [], 4, ["doc:rtmdet"]),
        ("coco", "Dataset", "COCO", ["MS COCO", "MS-COCO"], 3, ["doc:evil", "doc:rtmdet"]),
        ("ap", "Metric", "AP", ["average precision"], 1, ["doc:rtmdet"]),
        ("nvidia-geforce-rtx-3090", "Hardware", "NVIDIA 3090 GPU", ["RTX 3090"], 1, ["doc:rtmdet"]),
        ("yolov6", "Method", "YOLOv6", [], 1, ["doc:rtmdet"]),
        ("nvidia", "Organization", "NVIDIA", [], 2, ["doc:evil", "doc:rtmdet"]),
        ("evil", "Method", INJECTED_NAME, ["<b>bold</b>"], 2, ["doc:evil"]),
    ]
    for nid, typ, label, aliases, count, edocs in ents:
        G.add_node(
            nid, kind="entity", type=typ, label=label, aliases=sorted(aliases), count=count,
            docs=sorted(edocs), sources=["gazetteer"],
        )
    G.nodes["coco"]["wikidata"] = "Q28001997"
    s_sadga = _ev("doc:sadga", 1100, _SADGA_SENT, "proposes:we-propose", 0.95)
    s_spider = _ev("doc:sadga", 1600, _SPIDER_SENT, "evaluatedOn:benchmark-noun", 0.8)
    s_rtm = _ev("doc:rtmdet", 700, _RTMDET_SENT, "result:achieves-on", 0.9)
    s_evil = _ev("doc:evil", 0, _EVIL_SENT, "evaluatedOn:evaluated-on", 0.7)
    _edge(G, "doc:sadga", "sadga", "proposes", [s_sadga])
    _edge(G, "sadga", "spider", "evaluatedOn", [s_spider])
    _edge(G, "sadga", "text-to-sql", "usedFor", [s_sadga])
    _edge(G, "sadga", "spider", "coMentioned", [s_spider])
    _edge(G, "rtmdet", "coco", "evaluatedOn", [s_rtm])
    _edge(G, "rtmdet", "nvidia-geforce-rtx-3090", "runsOn", [s_rtm])
    _edge(G, "rtmdet", "yolov6", "outperforms", [{**s_rtm, "pattern": "outperforms:outperforming"}])
    _edge(G, "nvidia-geforce-rtx-3090", "nvidia", "developedBy", [{**s_rtm, "pattern": "developedBy:brand"}])
    _edge(G, "evil", "coco", "evaluatedOn", [s_evil])
    for d in docs:
        for n, a in list(G.nodes(data=True)):
            if a["kind"] == "entity" and d in a["docs"]:
                _edge(G, d, n, "mentions", [_ev(d, 0, "", "mention")])
    G.add_node(
        "result:rtmdet-coco-ap",
        kind="result", type="Result", label="RTMDet AP 52.8% on COCO", value="52.8", unit="%",
        metric="AP", condition=None, doc="doc:rtmdet", evidence=[s_rtm],
    )
    _edge(G, "result:rtmdet-coco-ap", "rtmdet", "ofMethod", [s_rtm])
    _edge(G, "result:rtmdet-coco-ap", "coco", "onDataset", [s_rtm])
    _edge(G, "result:rtmdet-coco-ap", "ap", "withMetric", [s_rtm])
    return G


_REL_BY_TYPES = {
    ("Method", "Dataset"): "evaluatedOn",
    ("Method", "Benchmark"): "evaluatedOn",
    ("Method", "Method"): "outperforms",
    ("Method", "Task"): "usedFor",
    ("Method", "Hardware"): "runsOn",
    ("Method", "Organization"): "developedBy",
    ("Hardware", "Organization"): "developedBy",
    ("Dataset", "Benchmark"): "partOf",
}


def synthetic_graph(
    n_entities: int,
    *,
    n_docs: int | None = None,
    mentions_per_doc: int = 4,
    seed: int = 0,
    evidence: bool = True,
) -> nx.MultiDiGraph:
    """Return a random graph in the :mod:`kg.build` schema, for scale tests.

    Entity popularity is Zipf-like (entity *i* is mentioned with weight
    ``1 / (i + 1)``), so a few hubs and a long tail, as in real corpora. Each
    document mentions ``mentions_per_doc`` entities; consecutive mentioned
    entities whose types admit a relation (e.g. Method → Dataset:
    ``evaluatedOn``) get that relation with an evidence item, and every tenth
    document states one result.

    Parameters
    ----------
    n_entities : int
        Number of entity nodes.
    n_docs : int, optional
        Number of documents (default ``n_entities``).
    mentions_per_doc : int, default 4
        Entities mentioned per document.
    seed : int, default 0
        Random seed: same arguments, same graph.
    evidence : bool, default True
        Give ``mentions`` edges an evidence item too (False saves memory on
        very large graphs; typed relations always carry evidence).

    Returns
    -------
    networkx.MultiDiGraph
    """
    rng = random.Random(seed)
    n_docs = n_entities if n_docs is None else n_docs
    types = list(ENTITY_TYPES[:7])
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(n_entities)))
    G = nx.MultiDiGraph(base_iri="https://example.org/kg/", kg_version="synthetic")
    ent_type = []
    for i in range(n_entities):
        t = types[rng.randrange(len(types))] if i >= len(types) else types[i]
        ent_type.append(t)
        G.add_node(
            f"e{i}", kind="entity", type=t, label=f"{t} {i}", aliases=[], count=0, docs=[],
            sources=["synthetic"],
        )
    for j in range(n_docs):
        d = f"doc:{j}"
        G.add_node(
            d, kind="document", type="Document", label=f"Document {j}", title=f"Document {j}",
            date=f"{2015 + j % 10}-{1 + j % 12:02d}-01", arxiv_id=f"2{j % 10}01.{j % 100000:05d}",
        )
        picks = rng.choices(range(n_entities), cum_weights=cum, k=mentions_per_doc)
        sent = f"Sentence {j} mentions " + ", ".join(f"entity {p}" for p in picks) + "."
        for p in dict.fromkeys(picks):
            a = G.nodes[f"e{p}"]
            a["count"] += 1
            a["docs"].append(d)
            ev = [{"doc": d, "start": 0, "end": len(sent), "sentence": sent, "pattern": "mention", "confidence": 1.0}]
            G.add_edge(d, f"e{p}", key="mentions", relation="mentions", count=1, confidence=1.0,
                       evidence=ev if evidence else [])
        for a_i, b_i in zip(picks, picks[1:]):
            rel = _REL_BY_TYPES.get((ent_type[a_i], ent_type[b_i]))
            if rel is None or a_i == b_i:
                continue
            u, v = f"e{a_i}", f"e{b_i}"
            ev = {"doc": d, "start": 0, "end": len(sent), "sentence": sent, "pattern": f"{rel}:synthetic",
                  "confidence": 0.8}
            if G.has_edge(u, v, key=rel):
                e = G.edges[u, v, rel]
                e["evidence"].append(ev)
                e["count"] += 1
            else:
                G.add_edge(u, v, key=rel, relation=rel, count=1, confidence=0.8, evidence=[ev])
        if j % 10 == 0:
            m = next((p for p in picks if ent_type[p] == "Method"), None)
            ds = next((p for p in picks if ent_type[p] in ("Dataset", "Benchmark")), None)
            if m is not None:
                r = f"result:{j}"
                ev = {"doc": d, "start": 0, "end": len(sent), "sentence": sent, "pattern": "result:synthetic",
                      "confidence": 0.9}
                G.add_node(r, kind="result", type="Result", label=f"Method {m} scores {j % 100}",
                           value=str(j % 100), unit="%", metric="accuracy", condition=None, doc=d,
                           evidence=[ev])
                G.add_edge(r, f"e{m}", key="ofMethod", relation="ofMethod", count=1, confidence=0.9,
                           evidence=[ev])
                if ds is not None:
                    G.add_edge(r, f"e{ds}", key="onDataset", relation="onDataset", count=1,
                               confidence=0.9, evidence=[ev])
    unused = [n for n, a in G.nodes(data=True) if a.get("kind") == "entity" and a["count"] == 0]
    G.remove_nodes_from(unused)
    return G
