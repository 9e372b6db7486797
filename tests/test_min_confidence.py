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
