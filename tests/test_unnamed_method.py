"""The stand-in for a method a document proposes without naming it: type UnnamedMethod.

A small corpus is built end to end (real pipeline): two documents propose an
unnamed method ("we propose a method …; our method outperforms BERT on SQuAD"), one
of them without a title, and one proposes FooNet. The stand-ins keep their facts
but are no Method: their own RDF class, left out of views and method-listing named
queries, shown on their document's page.
"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from starlette.testclient import TestClient
from typer.testing import CliRunner

from kg.build import graph_summary, load_graph
from kg.cli import app
from kg.export.rdf import DEFAULT_BASE_IRI, mint_iri
from kg.namespace import KG
from kg.paths import ONTOLOGY_FILE
from kg.query import load_named, run_query

CORPUS = [
    {"id": "spanread", "title": "Reading passages with span pointers",
     "text": "We propose a method that reads passages with span pointers. Our method outperforms BERT "
             "on SQuAD. It also outperforms bert2BERT by +3.0%."},
    {"id": "foonet", "title": "FooNet: fast readers",
     "text": "We propose FooNet, a fast reader. FooNet outperforms bert2BERT by +12.0% on GLUE."},
    {"id": "notitle",
     "text": "In this paper, we propose a method that aligns captions with images. Our approach is "
             "evaluated on COCO and outperforms CLIP."},
]
SPAN = "unnamed-method-spanread"
NOTITLE = "unnamed-method-notitle"


@pytest.fixture(scope="module")
def build(nlp, tmp_path_factory):
    from kg.pipeline import run_build

    d = tmp_path_factory.mktemp("unnamed")
    src = d / "corpus.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    return run_build([src], d / "build", nlp=nlp).out_dir


@pytest.fixture(scope="module")
def G(build):
    return load_graph(build)


def _iri(node: str) -> URIRef:
    return mint_iri(DEFAULT_BASE_IRI, "entity", node)


def test_stand_ins_are_typed_unnamed_method_and_keep_their_facts(G):
    span, notitle = G.nodes[SPAN], G.nodes[NOTITLE]
    assert span["type"] == notitle["type"] == "UnnamedMethod"
    assert span["label"] == "unnamed method of “Reading passages with span pointers”"
    assert notitle["label"] == "unnamed method of “notitle”"  # no title: the document id
    assert G.has_edge(SPAN, "squad", "evaluatedOn")
    assert G.has_edge(SPAN, "bert", "outperforms") and G.has_edge(SPAN, "bert2bert", "outperforms")
    assert G.has_edge(NOTITLE, "coco", "evaluatedOn") and G.has_edge(NOTITLE, "clip", "outperforms")
    assert G.nodes["foonet"]["type"] == "Method"
    assert not [n for n, a in G.nodes(data=True) if a.get("type") == "Method" and "unnamed" in a["label"]]
    summary = graph_summary(G)
    assert summary["entities"]["UnnamedMethod"] == 2
    assert summary["entities"]["Method"] == sum(1 for _, a in G.nodes(data=True) if a.get("type") == "Method")


def test_kg_stats_counts_them_under_their_own_type(build):
    res = CliRunner().invoke(app, ["stats", str(build)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["entities"]["UnnamedMethod"] == 2


def test_extraction_output_keeps_the_method_anaphor_mention(build):
    lines = [json.loads(x) for x in (build / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    anaphors = [m for ex in lines for m in ex["entities"] if m["source"] == "anaphor"]
    assert anaphors and all(m["label"] == "Method" for m in anaphors)
    assert {m["id"] for m in anaphors} == {SPAN, NOTITLE}


def test_rdf_class_is_unnamed_method_only_and_the_build_validates(build):
    g = Graph().parse(build / "graph.ttl", format="turtle")
    for node in (SPAN, NOTITLE):
        assert set(g.objects(_iri(node), RDF.type)) == {KG.UnnamedMethod}
    assert (_iri(SPAN), KG.evaluatedOn, _iri("squad")) in g
    assert (_iri(SPAN), KG.outperforms, _iri("bert")) in g
    onto = Graph().parse(ONTOLOGY_FILE, format="turtle")
    assert (KG.UnnamedMethod, RDFS.subClassOf, KG.Method) in onto
    res = CliRunner().invoke(app, ["validate", str(build)])
    assert res.exit_code == 0, res.output
    assert "conforms" in res.output


def test_shapes_accept_unnamed_method_only_as_a_method():
    """sh:class kg:Method accepts kg:UnnamedMethod (through the ontology's subclass
    triple), but a stand-in typed as something else still fails."""
    from kg.validate import validate_graph

    def graph(cls):
        g = Graph()
        m, d = _iri("unnamed-method-x"), _iri("squad")
        g.add((m, RDF.type, cls))
        g.add((m, RDFS.label, Literal("unnamed method of “x”")))
        g.add((d, RDF.type, KG.Dataset))
        g.add((d, RDFS.label, Literal("SQuAD")))
        g.add((m, KG.evaluatedOn, d))
        return g

    assert validate_graph(graph(KG.UnnamedMethod))[0]
    ok, report = validate_graph(graph(KG.Task))
    assert not ok and "subject of kg:evaluatedOn must be a Method" in report


def test_sparql_a_kg_method_leaves_them_out(build):
    q = "SELECT ?m WHERE { ?m a kg:Method }"
    methods = {r["m"] for r in run_query(build, q)}
    assert str(_iri("foonet")) in methods
    assert not {m for m in methods if "unnamed-method" in m}
    unnamed = {r["m"] for r in run_query(build, "SELECT ?m WHERE { ?m a kg:UnnamedMethod }")}
    assert unnamed == {str(_iri(SPAN)), str(_iri(NOTITLE))}


def test_named_queries_listing_methods_leave_them_out(build):
    # outperform-bert2bert answers "what beats bert2BERT": an unnamed method too, as such
    rows = run_query(build, load_named("outperform-bert2bert"))
    assert ("FooNet", "+12.0%") in [(r["methodLabel"], r["margin"]) for r in rows]
    assert all(r["methodLabel"] == "FooNet" or r["methodLabel"].startswith("unnamed method of") for r in rows)
    used = {r["datasetLabel"] for r in run_query(build, load_named("datasets-most-methods"))}
    assert "GLUE" in used
    assert not used & {"SQuAD", "COCO"}  # evaluated on by the stand-ins only
    for name in ("coco-ap", "method-hardware", "org-develops", "results-on-dataset", "huawei-developed"):
        for r in run_query(build, load_named(name)):
            assert not any("unnamed" in str(v) for v in r.values()), (name, r)


def _page_nodes(path) -> list[dict]:
    m = re.search(r"window\.KG_DATA = (.*?);</script>", path.read_text(encoding="utf-8"), re.S)
    return json.loads(m.group(1))["nodes"]


def test_views_leave_them_out_but_the_document_view_draws_them(build, tmp_path):
    assert not (build / "type-unnamedmethod.html").exists()
    # the stand-ins and their results ("unnamed method of “…” 3.0% (vs bert2BERT)")
    unnamed_labels = {a["label"] for _, a in load_graph(build).nodes(data=True)
                      if str(a.get("label")).startswith("unnamed method of")}
    assert len(unnamed_labels) >= 3
    for args in ([], ["--type", "Method"], ["--entity", "bert2BERT"], ["--relation", "outperforms"],
                 ["--min-confidence", "0"]):
        out = tmp_path / "v.html"
        res = CliRunner().invoke(app, ["view", str(build), "--out", str(out), *args])
        assert res.exit_code == 0, res.output
        nodes = _page_nodes(out)
        assert nodes, args
        # page labels are clipped to 40 characters: compare the start
        assert not [n for n in nodes if n["label"].startswith("unnamed method of") or n["label"] in unnamed_labels]
        assert not [n for n in nodes if n["id"].startswith("unnamed-method") or n.get("group") == "UnnamedMethod"]
    index = _page_nodes(build / "index.html")
    assert "bert2bert" in {n["id"] for n in index}
    pages = sorted(build.glob("type-*.html"))
    assert {p.name for p in pages} >= {"type-method.html", "type-dataset.html"}
    for page in [build / "index.html", *pages]:  # type pages show neighbours too
        assert not [n for n in _page_nodes(page) if n["id"].startswith("unnamed-method")
                    or n["label"].startswith("unnamed method of")], page.name
    # the document's own view shows its stand-in, in its own style
    out = tmp_path / "doc.html"
    res = CliRunner().invoke(app, ["view", str(build), "--out", str(out), "--document", "spanread"])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    nodes = {n["id"]: n for n in _page_nodes(out)}
    assert nodes[SPAN]["group"] == "UnnamedMethod"
    groups = json.loads(re.search(r"window\.KG_DATA = (.*?);</script>", page, re.S).group(1))["options"]["groups"]
    assert groups["UnnamedMethod"]["color"]["background"] != groups["Method"]["color"]["background"]
    # asked for by type, they are shown
    res = CliRunner().invoke(app, ["view", str(build), "--out", str(out), "--type", "UnnamedMethod"])
    assert res.exit_code == 0, res.output
    assert {SPAN, NOTITLE} <= {n["id"] for n in _page_nodes(out)}


def test_explorer_shows_them_on_the_document_page_and_by_type(build):
    from kg.explore import Explorer, create_app

    ex = Explorer(build)
    d = ex.document("spanread")
    assert {"id": SPAN, "type": "UnnamedMethod"}.items() <= next(e for e in d["entities"] if e["id"] == SPAN).items()
    assert any(f["head"]["id"] == SPAN and f["relation"] == "evaluatedOn" for f in d["facts"])
    assert "UnnamedMethod" in ex.types
    assert ex.search("unnamed method") == []  # no type: names only
    hits = ex.search("unnamed method", type_="unnamedmethod")
    assert {h["id"] for h in hits} == {SPAN, NOTITLE}
    assert [h["id"] for h in ex.search("bert", type_="Method")][:1] == ["bert"]
    with TestClient(create_app(build)) as c:
        page = c.get("/doc/spanread")
        assert page.status_code == 200
        assert "unnamed method of “Reading passages with span pointers”" in page.text
        assert f'href="/entity/{SPAN}"' in page.text
        search = c.get("/", params={"q": "unnamed", "type": "UnnamedMethod"})
        assert search.status_code == 200 and "unnamed method of “notitle”" in search.text
        assert c.get(f"/entity/{SPAN}").status_code == 200
