"""Views hide relations below ``--min-confidence``; the graph and RDF keep them."""

from __future__ import annotations

import networkx as nx

from kg.viz.select import DEFAULT_MIN_CONFIDENCE, select_view


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for n, t, label in (("retinanet", "Method", "RetinaNet"), ("coco", "Dataset", "COCO"),
                        ("imagenet", "Dataset", "ImageNet")):
        G.add_node(n, kind="entity", type=t, label=label, count=2)
    G.add_edge("retinanet", "coco", key="evaluatedOn", relation="evaluatedOn", count=1, confidence=0.36)
    G.add_edge("retinanet", "imagenet", key="trainedOn", relation="trainedOn", count=1, confidence=0.05)
    return G


def test_default_view_hides_relations_below_the_threshold():
    assert 0.05 < DEFAULT_MIN_CONFIDENCE <= 0.36
    G = _graph()
    view = select_view(G, entity="RetinaNet")
    assert view.has_edge("retinanet", "coco", "evaluatedOn")
    assert not view.has_edge("retinanet", "imagenet", "trainedOn")
    assert G.has_edge("retinanet", "imagenet", "trainedOn")  # the graph keeps it


def test_zero_threshold_shows_every_relation_and_a_high_one_hides_more():
    G = _graph()
    assert select_view(G, entity="RetinaNet", min_confidence=0.0).has_edge("retinanet", "imagenet", "trainedOn")
    assert not select_view(G, entity="RetinaNet", min_confidence=0.5).has_edge("retinanet", "coco", "evaluatedOn")


def test_cli_view_documents_the_option():
    from typer.testing import CliRunner

    from kg.cli import app

    out = CliRunner().invoke(app, ["view", "--help"])
    assert out.exit_code == 0
    assert "--min-confidence" in out.output


def _store(tmp_path):
    """A store of a small graph: RetinaNet runs on a V100 (confidence 0.8, stated) and,
    by an inferred rule, on a TPU (0.1); Facebook developed it (0.8)."""
    from kg.export.rdf import DEFAULT_BASE_IRI, graph_to_dataset, write_rdf
    from kg.export.store import write_store

    G = nx.MultiDiGraph(base_iri=DEFAULT_BASE_IRI, kg_version="test")
    G.add_node("doc:1", kind="document", type="Document", label="Focal Loss for Dense Object Detection")
    for n, t, label in (("retinanet", "Method", "RetinaNet"), ("v100", "Hardware", "V100"),
                        ("tpu", "Hardware", "TPU"), ("facebook", "Organization", "Facebook")):
        G.add_node(n, kind="entity", type=t, label=label, count=1, docs=["doc:1"])
    s1 = "RetinaNet runs at 5 fps on a V100."
    s2 = "Our detector also runs on a TPU."
    for v, key, s, pattern, conf in (("v100", "runsOn", s1, "on-hardware", 0.8),
                                     ("tpu", "runsOn", s2, "eval-sentence-self", 0.1),
                                     ("facebook", "developedBy", "Facebook released RetinaNet.", "org-subject", 0.8)):
        ev = {"doc": "doc:1", "start": 0, "end": len(s), "sentence": s, "pattern": pattern, "confidence": conf}
        G.add_edge("retinanet", v, key=key, relation=key, count=1, confidence=conf, evidence=[ev])
    ds = graph_to_dataset(G)
    out = tmp_path / "build"
    write_rdf(G, out, dataset=ds)
    write_store(ds, out / "store")
    return out


def test_named_queries_hide_facts_below_the_default_threshold(tmp_path):
    from kg.query import load_named, run_query

    out = _store(tmp_path)
    q = load_named("method-hardware")
    assert [r["hardwareLabel"] for r in run_query(out, q)] == ["V100"]
    shown = run_query(out, q, bindings={"minConfidence": 0.0})
    assert sorted(r["hardwareLabel"] for r in shown) == ["TPU", "V100"]
    assert run_query(out, q, bindings={"minConfidence": 0.9}) == []
    # `kg query --bind minConfidence=0.9` binds a string: it is read as a number
    assert run_query(out, q, bindings={"minConfidence": "0.9"}) == []
    assert len(run_query(out, q, bindings={"minConfidence": "0"})) == 2
    assert [r["orgLabel"] for r in run_query(out, load_named("org-develops"))] == ["Facebook"]


def test_inferred_facts_query_lists_only_inferred_evidence(tmp_path):
    from kg.query import load_named, run_query

    out = _store(tmp_path)
    q = load_named("inferred-facts")
    assert run_query(out, q) == []  # the inferred one (0.1) is below the default
    rows = run_query(out, q, bindings={"minConfidence": 0.0})
    assert [(r["objectLabel"], r["pattern"]) for r in rows] == [("TPU", "eval-sentence-self")]
