"""Hostile text (issue 10): HTML/JS, SPARQL/Turtle syntax, control characters and
right-to-left marks in document titles and text go through a real ``kg build`` and
come out intact as data (every RDF/graph format parses and gives the exact string
back) and escaped where they could become code (HTML views, CLI tables).

IRI minting over arbitrary strings is property-tested in ``test_identifiers.py``;
the view templates' escaping in ``tests/test_viz.py`` and ``tests/browser``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDFS

from _kgrel import run_cli

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(3)</script>"
DOCS = [
    {"id": "hostile-html", "title": "[bold]x[/bold] </script><script>alert(2)</script>",
     "text": f"{IMG}Net achieves 90% accuracy on ImageNet. "
             f"ResNet-50 achieves 76.1% top-1 accuracy on ImageNet {SCRIPT} and outperforms VGG-16."},
    {"id": "hostile-sparql", "title": '"} ; DROP ALL # <http://x> .',
     "text": '"} ; DROP ALL # <http://x> . BERT achieves 93.5% accuracy on SQuAD. '
             "The model was trained on 8 NVIDIA A100 GPUs."},
    {"id": "hostile-ctl", "title": "bell\x07 esc\x1b[31mred\x1b[0m rtl\u202eevil",
     "text": "Control\x07 chars\x1b[31m and RTL \u202eTNEMEVORPMI\u202c: GPT-4 achieves 86.4% "
             "accuracy on MMLU, outperforming GPT-3.5."},
]
TITLES = {d["id"]: d["title"] for d in DOCS}


@pytest.fixture(scope="module")
def hostile_build(nlp, tmp_path_factory) -> Path:
    from kg.pipeline import run_build

    root = tmp_path_factory.mktemp("hostile")
    src = root / "hostile.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    result = run_build([src], root / "build", nlp=nlp)
    assert result.ingest.documents_read == len(DOCS), result.ingest.to_dict()
    return result.out_dir


@pytest.fixture(scope="module")
def hostile_graph(hostile_build):
    from kg.build import load_graph

    return load_graph(hostile_build)


def test_node_link_json_roundtrips_titles_and_text(hostile_build, hostile_graph):
    for doc_id, title in TITLES.items():
        assert hostile_graph.nodes[f"doc:{doc_id}"]["label"] == title
    texts = {json.loads(line)["id"]: json.loads(line)["text"]
             for line in (hostile_build / "extractions.jsonl").read_text(encoding="utf-8").splitlines()}
    assert texts == {d["id"]: d["text"] for d in DOCS}


def test_extraction_still_works_on_hostile_text(hostile_graph):
    labels = {d.get("label") for _, d in hostile_graph.nodes(data=True) if d.get("kind") == "entity"}
    assert {"ImageNet", "ResNet-50", "BERT", "SQuAD", "GPT-4", "MMLU"} <= labels
    results = {d["label"] for _, d in hostile_graph.nodes(data=True) if d.get("kind") == "result"}
    assert "GPT-4 accuracy 86.4% on MMLU" in results


@pytest.mark.parametrize("name, fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_triple_formats_parse_and_keep_every_label_exactly(hostile_build, hostile_graph, name, fmt):
    g = rdflib.Graph().parse(hostile_build / name, format=fmt)
    labels = {str(o) for o in g.objects(None, RDFS.label)}
    titles = {str(o) for o in g.objects(None, DCTERMS.title)}
    assert set(TITLES.values()) <= titles
    wanted = {d["label"] for _, d in hostile_graph.nodes(data=True) if d.get("kind") in ("entity", "document")}
    assert wanted <= labels


@pytest.mark.parametrize("name, fmt", [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_quad_formats_parse_and_keep_titles(hostile_build, name, fmt):
    ds = rdflib.Dataset().parse(hostile_build / name, format=fmt)
    titles = {str(o) for _, _, o, _ in ds.quads((None, DCTERMS.title, None, None))}
    assert set(TITLES.values()) <= titles


def test_oxigraph_parses_every_rdf_file(hostile_build):
    import pyoxigraph as ox

    for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld"):
        assert list(ox.parse(path=str(hostile_build / name))), name


def _xml_visible(text: str) -> str:
    """What kg.export.graphio documents for GraphML: characters XML 1.0 cannot hold
    (https://www.w3.org/TR/xml/#charsets) become visible ``\\uXXXX`` escapes."""
    return "".join(f"\\u{ord(c):04x}" if (ord(c) < 0x20 and c not in "\t\n\r") or c in "\ufffe\uffff" else c
                   for c in text)


def test_graphml_parses_and_keeps_titles(hostile_build):
    H = nx.read_graphml(hostile_build / "graph.graphml")
    for doc_id, title in TITLES.items():
        assert H.nodes[f"doc:{doc_id}"]["label"] == _xml_visible(title)
    assert H.nodes["doc:hostile-ctl"]["label"] == "bell\\u0007 esc\\u001b[31mred\\u001b[0m rtl\u202eevil"


def test_graphml_without_control_characters_parses(hostile_build, hostile_graph, tmp_path):
    """The other hostile strings (markup, quotes, RTL marks) survive GraphML exactly."""
    from kg.export.graphio import write_graphml

    G = hostile_graph.copy()
    G.remove_node("doc:hostile-ctl")
    G.graph.clear()
    H = nx.read_graphml(write_graphml(G, tmp_path / "g.graphml"))
    assert H.nodes["doc:hostile-html"]["label"] == TITLES["hostile-html"]
    assert H.nodes["doc:hostile-sparql"]["label"] == TITLES["hostile-sparql"]


def test_html_views_escape_markup(hostile_build):
    pages = sorted(hostile_build.glob("*.html"))
    assert pages
    html = {p.name: p.read_text(encoding="utf-8") for p in pages}
    everything = "\n".join(html.values())
    # The hostile evidence and titles are on the pages (so the check is not vacuous) ...
    assert "alert(3)" in everything and "DROP ALL" in everything
    for name, text in html.items():
        # ... but never as live markup.
        assert IMG not in text and "<img src=x" not in text, name
        assert SCRIPT not in text and "<script>alert(" not in text, name
        assert "</script><script>" not in text, name
        assert "<http://x>" not in text, name
        # Every <script> element the page has is one of the page's own, never text.
        for m in re.finditer(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S):
            assert "alert(3)" not in m.group(1) or "\\u003c" in m.group(1) or "&lt;" in m.group(1), name


def test_sparql_values_are_bound_not_pasted(hostile_build):
    title = TITLES["hostile-sparql"]
    res = run_cli("query", str(hostile_build), "SELECT ?d ?t WHERE { ?d dcterms:title ?t }",
                  "--bind", f"t={title}", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["d"], r["t"]) for r in rows] == [("https://w3id.org/kg/doc/hostile-sparql", title)]


def test_cli_table_prints_rich_markup_literally(hostile_build):
    res = run_cli("query", str(hostile_build),
                  "SELECT ?t WHERE { ?d dcterms:title ?t } ORDER BY ?t", "--format", "table")
    assert res.exit_code == 0, res.output
    assert "[bold]x[/bold]" in res.output
    assert '"} ; DROP ALL # <http://x> .' in res.output


def test_cli_table_escapes_control_and_bidi_characters(hostile_build):
    res = run_cli("query", str(hostile_build),
                  "SELECT ?t WHERE { ?d dcterms:title ?t } ORDER BY ?t", "--format", "table")
    assert res.exit_code == 0, res.output
    assert "bell" in res.output and "evil" in res.output
    bad = [c for c in res.output if (ord(c) < 32 and c != "\n") or ord(c) == 127
           or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    assert bad == []
