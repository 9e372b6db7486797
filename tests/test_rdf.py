"""RDF export: mapping, IRIs, round-trips, determinism, hostile strings, SHACL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.errors import BuildError
from kg.export.rdf import (
    DEFAULT_BASE_IRI,
    default_graph,
    encode_key,
    graph_to_dataset,
    mint_iri,
    write_rdf,
)
from kg.namespace import KG, KG_NS
from kg.paths import ONTOLOGY_FILE

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = 'He said "hi" <b>x</b> & #tag\n\tnew line ✓ 中文 \\ }; DROP ALL # ' + "x" * 600


def _ev(doc, start, end, sentence, pattern="test:pattern", confidence=0.9):
    return {"doc": doc, "start": start, "end": end, "sentence": sentence,
            "pattern": pattern, "confidence": confidence}


def hand_graph() -> nx.MultiDiGraph:
    """A small graph in the kg.build schema, by hand, with hostile strings."""
    G = nx.MultiDiGraph(base_iri=DEFAULT_BASE_IRI, kg_version="test")
    d1, d2 = "doc:a1b2c3", "doc:we ird/#id?"
    s1 = "RTMDet achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU."
    s2 = "Our method outperforms bert2BERT by +12.0% and LiGO by +20.7%."
    s3 = "Huawei introduced TernaryBERT."
    G.add_node(d1, kind="document", type="Document", label="RTMDet paper",
               title="RTMDet: An Empirical Study", source="data/samples/002.txt",
               span=[10, 900], arxiv_id="2212.07784", doi="10.1145/3531013",
               date="2022-12-14", venue="ICME'22", authors=["Chengqi Lyu", "Wenwei Zhang"],
               topics=["performance", "nvidia"], urls=["https://github.com/open-mmlab/mmdetection"],
               url="https://example.org/a b\"<c>", language="en", machine_translated=False)
    G.add_node(d2, kind="document", type="Document", label=HOSTILE, source="x.md",
               date="2021-10", authors=[HOSTILE], topics=["#weird tag"])
    G.add_node("rtmdet", kind="entity", type="Method", label="RTMDet", aliases=["RTMDet-l", "rtmdet"],
               count=3, docs=[d1], sources=["gazetteer"], family="yolo")
    G.add_node("coco", kind="entity", type="Dataset", label="COCO", aliases=["MS COCO"], count=2,
               docs=[d1], sources=["gazetteer"], wikidata="Q40256375")
    G.add_node("ap", kind="entity", type="Metric", label="AP", count=1, docs=[d1], sources=["gazetteer"])
    G.add_node("nvidia-geforce-rtx-3090", kind="entity", type="Hardware", label="NVIDIA 3090 GPU",
               count=1, docs=[d1], sources=["pattern:hardware"])
    G.add_node("huawei", kind="entity", type="Organization", label="Huawei", count=1, docs=[d2],
               sources=["gazetteer"], wikidata="Q160120")
    G.add_node("ternarybert", kind="entity", type="Method", label="TernaryBERT", count=1, docs=[d2],
               sources=["gazetteer"])
    G.add_node("bert2bert", kind="entity", type="Method", label="bert2BERT", count=1, docs=[d2],
               sources=["gazetteer"])
    G.add_node("ligo", kind="entity", type="Method", label="LiGO", count=1, docs=[d2], sources=["ner"])
    G.add_node(HOSTILE, kind="entity", type="Method", label=HOSTILE, aliases=[HOSTILE[:20]],
               count=1, docs=[d2], sources=["ner"])
    G.add_node("spider", kind="entity", type="Benchmark", label="Spider", count=1, docs=[d2],
               sources=["gazetteer"])

    def rel(u, v, key, evs):
        G.add_edge(u, v, key=key, relation=key, count=len(evs),
                   confidence=max(e["confidence"] for e in evs), evidence=evs)

    rel("rtmdet", "coco", "evaluatedOn", [_ev(d1, 100, 100 + len(s1), s1)])
    rel("rtmdet", "nvidia-geforce-rtx-3090", "runsOn", [_ev(d1, 100, 100 + len(s1), s1, "runs_on", 0.8)])
    rel(HOSTILE, "bert2bert", "outperforms", [_ev(d2, 0, len(s2), s2), _ev(d2, 5, 9, HOSTILE, "x", 0.5)])
    rel(HOSTILE, "ligo", "outperforms", [_ev(d2, 0, len(s2), s2)])
    rel("ternarybert", "huawei", "developedBy", [_ev(d2, 70, 70 + len(s3), s3, "developed_by", 1.0)])
    rel(HOSTILE, "spider", "evaluatedOn", [_ev(d1, 3, 4, "x", "p", 0.3), _ev(d2, 3, 4, "y", "p", 0.7)])
    rel(d1, "rtmdet", "proposes", [_ev(d1, 0, 20, "We propose RTMDet.", "proposes", 0.95)])
    rel(d1, "coco", "mentions", [_ev(d1, 100, 100 + len(s1), s1, "gazetteer", 1.0)])
    r = "result:0f1e2d"
    G.add_node(r, kind="result", type="Result", label="RTMDet AP 52.8% on COCO", value="52.8",
               unit="%", metric="AP", condition="with 300+ FPS on an NVIDIA 3090 GPU", doc=d1,
               evidence=[_ev(d1, 100, 100 + len(s1), s1, "result:achieves", 0.9)])
    G.add_edge(r, "rtmdet", key="ofMethod", relation="ofMethod")
    G.add_edge(r, "coco", key="onDataset", relation="onDataset")
    G.add_edge(r, "ap", key="withMetric", relation="withMetric")
    return G


@pytest.fixture
def hand_dataset():
    return graph_to_dataset(hand_graph())


def _default(ds) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in default_graph(ds):
        g.add(t)
    return g


def _quads(ds) -> set:
    """All quads of a Dataset with the default graph named None (no blank nodes here)."""
    out = set()
    for s, p, o, c in ds.quads((None, None, None, None)):
        name = getattr(c, "identifier", c)
        if name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
            name = None
        out.add((s, p, o, name))
    return out


# --- ontology and namespace ---------------------------------------------------------


def test_namespace_matches_ontology():
    onto = rdflib.Graph().parse(ONTOLOGY_FILE)
    declared = {str(s) for s in onto.subjects(RDF.type, None) if str(s).startswith(KG_NS)}
    in_code = {KG_NS + name for name in KG.__annotations__}
    assert declared == in_code
    for term in declared:  # every term has a label and a comment
        assert onto.value(URIRef(term), RDFS.label) is not None, term
        assert onto.value(URIRef(term), RDFS.comment) is not None, term


def test_namespace_typo_fails():
    with pytest.raises(AttributeError):
        KG.evalutedOn  # noqa: B018 - the typo is the point


def test_ontology_aligned_to_standard_vocabularies():
    onto = rdflib.Graph().parse(ONTOLOGY_FILE)
    assert (KG.Organization, RDFS.subClassOf, URIRef("https://schema.org/Organization")) in onto
    assert (KG.authoredBy, RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/creator")) in onto
    assert (KG.Evidence, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    assert (KG.value, RDFS.range, XSD.decimal) in onto


# --- IRIs ---------------------------------------------------------------------------

ADVERSARIAL_IDS = [
    "a b", "a%20b", "a+b", "a/b", "a%2Fb", "A/B", "a#b", "a?b", ".", "..", "%2E", "...",
    "coco", "COCO", "coco ", " coco", "cöco", "co\u0301co", "coco\n", "中文", "e\u00e9",
    "e\u0301", '"', "<>", "{}", "|", "\\", "^", "`", "~", "-", "_", "%", "%25", "%%",
    "doc:x", "x" * 2000,
]


def test_encode_key_is_injective_on_adversarial_ids():
    encoded = [encode_key(k) for k in ADVERSARIAL_IDS]
    assert len(set(encoded)) == len(ADVERSARIAL_IDS)
    for e in encoded:
        assert all(c.isascii() and (c.isalnum() or c in "-._~%") for c in e), e
    assert encode_key(".") != "." and encode_key("..") != ".."


def test_encode_key_roundtrips_hypothesis():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st
    from urllib.parse import unquote

    @hypothesis.settings(max_examples=400, deadline=None)
    @hypothesis.given(st.text(min_size=1).filter(lambda s: s not in (".", "..")))
    def check(key):
        enc = encode_key(key)
        assert unquote(enc, errors="strict") == key  # decodable → injective
        assert all(c.isascii() and (c.isalnum() or c in "-._~%") for c in enc)

    check()


def test_mint_iri_kinds_never_collide_and_bad_input_fails():
    a = mint_iri(DEFAULT_BASE_IRI, "entity", "x")
    b = mint_iri(DEFAULT_BASE_IRI, "doc", "x")
    assert a != b and str(a) == "https://w3id.org/kg/entity/x"
    with pytest.raises(BuildError):
        mint_iri(DEFAULT_BASE_IRI, "entity", "")
    with pytest.raises(BuildError):
        mint_iri("not an iri", "entity", "x")
    with pytest.raises(BuildError):
        mint_iri("https://example.org/kg", "entity", "x")  # no trailing / or #
    with pytest.raises(BuildError):
        mint_iri(DEFAULT_BASE_IRI, "nonsense", "x")


# --- mapping ------------------------------------------------------------------------


def test_mapping_of_entities_documents_results(hand_dataset):
    g = _default(hand_dataset)
    e = lambda k: mint_iri(DEFAULT_BASE_IRI, "entity", k)  # noqa: E731
    d1 = mint_iri(DEFAULT_BASE_IRI, "doc", "a1b2c3")
    SDO = rdflib.Namespace("https://schema.org/")
    DCT = rdflib.namespace.DCTERMS
    SKOS = rdflib.namespace.SKOS
    assert (e("rtmdet"), RDF.type, KG.Method) in g
    assert (e("coco"), RDF.type, SDO.Dataset) in g
    assert (e("huawei"), RDF.type, SDO.Organization) in g
    assert (e("coco"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q40256375")) in g
    assert (e("rtmdet"), SKOS.prefLabel, Literal("RTMDet")) in g
    assert (e("rtmdet"), SKOS.altLabel, Literal("RTMDet-l")) in g
    assert (e("rtmdet"), KG.count, Literal(3)) in g
    assert (e("rtmdet"), KG.evaluatedOn, e("coco")) in g
    assert (e("ternarybert"), KG.developedBy, e("huawei")) in g
    assert (d1, KG.proposes, e("rtmdet")) in g
    assert (d1, DCT.title, Literal("RTMDet: An Empirical Study")) in g
    assert (d1, DCT.date, Literal("2022-12-14", datatype=XSD.date)) in g
    assert (d1, SDO.url, URIRef("https://arxiv.org/abs/2212.07784")) in g
    assert (d1, RDFS.seeAlso, URIRef("https://arxiv.org/abs/2212.07784")) in g
    assert (d1, DCT.identifier, Literal("arXiv:2212.07784")) in g
    assert (d1, KG.arxivId, Literal("2212.07784")) in g
    author = mint_iri(DEFAULT_BASE_IRI, "person", "Chengqi Lyu")
    assert (d1, DCT.creator, author) in g and (author, RDF.type, KG.Person) in g
    topic = mint_iri(DEFAULT_BASE_IRI, "topic", "nvidia")
    assert (d1, DCT.subject, topic) in g and (topic, RDF.type, KG.Topic) in g
    # a URL with characters not allowed in IRIs is percent-encoded, not dropped
    assert (d1, SDO.url, URIRef("https://example.org/a%20b%22%3Cc%3E")) in g
    r = mint_iri(DEFAULT_BASE_IRI, "result", "0f1e2d")
    assert (r, RDF.type, KG.Result) in g
    value = g.value(r, KG.value)
    assert value.datatype == XSD.decimal and str(value) == "52.8"
    assert value.toPython() == __import__("decimal").Decimal("52.8")
    assert (r, KG.ofMethod, e("rtmdet")) in g and (r, KG.onDataset, e("coco")) in g
    assert (r, KG.withMetric, e("ap")) in g and (r, KG.unit, Literal("%")) in g
    assert not any(isinstance(t, rdflib.BNode) for trip in g for t in trip)


def test_named_graph_per_document(hand_dataset):
    e = lambda k: mint_iri(DEFAULT_BASE_IRI, "entity", k)  # noqa: E731
    g1 = hand_dataset.graph(mint_iri(DEFAULT_BASE_IRI, "graph", "a1b2c3"))
    g2 = hand_dataset.graph(mint_iri(DEFAULT_BASE_IRI, "graph", "we ird/#id?"))
    assert (e("rtmdet"), KG.evaluatedOn, e("coco")) in g1
    assert (e("rtmdet"), KG.evaluatedOn, e("coco")) not in g2
    # supported by both documents → in both named graphs
    both = (e(HOSTILE), KG.evaluatedOn, e("spider"))
    assert both in g1 and both in g2
    assert (e("ternarybert"), KG.developedBy, e("huawei")) in g2
    r = mint_iri(DEFAULT_BASE_IRI, "result", "0f1e2d")
    assert (r, KG.value, Literal("52.8", datatype=XSD.decimal)) in g1


PROVENANCE_QUERY = """
PREFIX kg:   <https://w3id.org/kg/ontology#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?doc ?sentence ?start ?end WHERE {
  ?st rdf:subject ?s ; rdf:predicate kg:evaluatedOn ; rdf:object ?o ; kg:evidence ?ev .
  ?ev prov:wasDerivedFrom ?doc ; kg:sentence ?sentence ; kg:start ?start ; kg:end ?end .
}
"""


def test_provenance_query_returns_document_and_sentence(hand_dataset):
    g = _default(hand_dataset)
    e = lambda k: mint_iri(DEFAULT_BASE_IRI, "entity", k)  # noqa: E731
    rows = list(g.query(PROVENANCE_QUERY, initBindings={"s": e("rtmdet"), "o": e("coco")}))
    assert len(rows) == 1
    doc, sentence, start, end = rows[0]
    assert doc == mint_iri(DEFAULT_BASE_IRI, "doc", "a1b2c3")
    assert str(sentence).startswith("RTMDet achieves 52.8% AP on COCO")
    assert (start.toPython(), end.toPython()) == (100, 100 + len(str(sentence)))
    # two documents support HOSTILE evaluatedOn spider
    rows = list(g.query(PROVENANCE_QUERY, initBindings={"s": e(HOSTILE), "o": e("spider")}))
    assert {str(r[1]) for r in rows} == {"x", "y"}
    # named-graph route
    q = """PREFIX kg: <https://w3id.org/kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
           SELECT ?doc WHERE { GRAPH ?g { ?s kg:evaluatedOn ?o } ?g prov:wasDerivedFrom ?doc }"""
    docs = {r[0] for r in hand_dataset.query(q, initBindings={"s": e(HOSTILE), "o": e("spider")})}
    assert docs == {mint_iri(DEFAULT_BASE_IRI, "doc", "a1b2c3"),
                    mint_iri(DEFAULT_BASE_IRI, "doc", "we ird/#id?")}


def test_statement_support_and_confidence(hand_dataset):
    g = _default(hand_dataset)
    e = lambda k: mint_iri(DEFAULT_BASE_IRI, "entity", k)  # noqa: E731
    st = next(g.subjects(RDF.subject, e(HOSTILE)))
    sts = [s for s in g.subjects(RDF.object, e("bert2bert")) if (s, RDF.subject, e(HOSTILE)) in g]
    assert len(sts) == 1
    st = sts[0]
    assert g.value(st, KG.support).toPython() == 2
    assert str(g.value(st, KG.confidence)) == "0.9"
    assert len(list(g.objects(st, KG.evidence))) == 2


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda G: G.nodes["result:0f1e2d"].update(value="1e5"), "result:0f1e2d"),
        (lambda G: G.nodes["result:0f1e2d"].update(value=52.8), "not a decimal"),
        (lambda G: G.nodes["coco"].update(type="Gadget"), "'coco'"),
        (lambda G: G.nodes["coco"].update(wikidata="https://wikidata.org/Q1"), "QID"),
        (lambda G: G.nodes["doc:a1b2c3"].update(date="14/12/2022"), "ISO 8601"),
        (lambda G: G.nodes["coco"].pop("label"), "missing label"),
        (lambda G: G.add_edge("coco", "rtmdet", key="likes"), "unknown relation"),
        (lambda G: G.add_node("zzz", label="no kind"), "kind"),
        (lambda G: G.add_node("notadoc", kind="document", label="x"), "doc:<id>"),
        (lambda G: G["rtmdet"]["coco"]["evaluatedOn"]["evidence"][0].pop("sentence"), "sentence"),
        (lambda G: G["rtmdet"]["coco"]["evaluatedOn"]["evidence"][0].update(confidence=3), "[0, 1]"),
    ],
)
def test_schema_violations_raise_clear_errors(mutate, message):
    G = hand_graph()
    mutate(G)
    with pytest.raises(BuildError, match=__import__("re").escape(message)):
        graph_to_dataset(G)


def test_graph_is_not_modified():
    G = hand_graph()
    before = nx.node_link_data(G, edges="links")
    graph_to_dataset(G)
    assert nx.node_link_data(G, edges="links") == before


# --- files: round-trips, determinism, hostile strings -------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("rdf")
    G = hand_graph()
    ds = graph_to_dataset(G)
    paths = write_rdf(G, out, dataset=ds)
    return out, ds, paths


def test_write_rdf_writes_five_files(written):
    out, _, paths = written
    assert [p.name for p in paths] == ["graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld"]
    assert all(p.stat().st_size > 0 for p in paths)


@pytest.mark.parametrize("name, fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_triple_formats_roundtrip(written, name, fmt):
    out, ds, _ = written
    expected = _default(ds)
    parsed = rdflib.Graph().parse(out / name, format=fmt)
    assert isomorphic(parsed, expected)
    again = rdflib.Graph().parse(data=parsed.serialize(format=fmt), format=fmt)
    assert isomorphic(again, expected)


@pytest.mark.parametrize("name, fmt", [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_quad_formats_roundtrip(written, name, fmt):
    out, ds, _ = written
    expected = _quads(ds)
    parsed = rdflib.Dataset().parse(out / name, format=fmt)
    assert _quads(parsed) == expected
    again = rdflib.Dataset().parse(data=parsed.serialize(format=fmt), format=fmt)
    assert _quads(again) == expected
    assert len({q[3] for q in expected}) == 3  # default graph + two documents


def test_files_parse_in_oxigraph_too(written):
    import pyoxigraph as ox

    out, ds, _ = written
    for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld"):
        quads = list(ox.parse(path=str(out / name)))
        assert quads, name
    assert len(list(ox.parse(path=str(out / "graph.nq")))) == len(_quads(ds))


def test_hostile_strings_survive_exactly(written):
    out, _, _ = written
    for name, fmt in (("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")):
        g = rdflib.Graph().parse(out / name, format=fmt)
        s = mint_iri(DEFAULT_BASE_IRI, "entity", HOSTILE)
        assert g.value(s, RDFS.label) == Literal(HOSTILE), name


def test_jsonld_reads_as_plain_json(written):
    out, _, _ = written
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in doc["@graph"]}
    rtm = nodes["https://w3id.org/kg/entity/rtmdet"]
    assert rtm["type"] == "Method" and rtm["label"] == "RTMDet" and rtm["count"] == 3
    assert rtm["evaluatedOn"] == "https://w3id.org/kg/entity/coco"
    res = nodes["https://w3id.org/kg/result/0f1e2d"]
    assert res["value"] == "52.8" and res["unit"] == "%"


_BUILD_TWICE = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_rdf import hand_graph
from kg.export.rdf import write_rdf
write_rdf(hand_graph(), Path(sys.argv[1]))
"""


def test_output_is_deterministic_across_processes(tmp_path):
    code = _BUILD_TWICE.format(tests=str(Path(__file__).parent))
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, cwd=ROOT)
        outs.append(out)
    for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


# --- SHACL --------------------------------------------------------------------------


def test_shacl_passes_on_good_graph(hand_dataset):
    from kg.validate import validate_graph

    conforms, report = validate_graph(_default(hand_dataset))
    assert conforms, report


def test_shacl_fails_on_domain_range_violation():
    from kg.validate import validate_graph

    G = hand_graph()
    G.add_node("od", kind="entity", type="Task", label="object detection")
    G.add_edge("od", "rtmdet", key="evaluatedOn", relation="evaluatedOn")
    conforms, report = validate_graph(_default(graph_to_dataset(G)))
    assert not conforms
    assert "subject of kg:evaluatedOn must be a Method" in report
    assert "object of kg:evaluatedOn must be a Dataset or Benchmark" in report


def test_shacl_fails_on_bad_result_and_missing_label(hand_dataset):
    from kg.validate import validate_graph

    g = _default(hand_dataset)
    r = mint_iri(DEFAULT_BASE_IRI, "result", "0f1e2d")
    g.remove((r, KG.value, None))
    g.add((r, KG.value, Literal("lots")))
    for p in (KG.ofMethod, KG.withMetric, KG.metricName):
        g.remove((r, p, None))
    coco = mint_iri(DEFAULT_BASE_IRI, "entity", "coco")
    g.remove((coco, RDFS.label, None))
    conforms, report = validate_graph(g)
    assert not conforms
    assert "exactly one xsd:decimal kg:value" in report
    assert "needs a method" in report
    assert "non-empty rdfs:label" in report


def test_shapes_cover_every_relation():
    from kg.model import RELATION_TYPES
    from kg.paths import SHAPES_FILE

    shapes = rdflib.Graph().parse(SHAPES_FILE)
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    covered = {str(o)[len(KG_NS):] for o in shapes.objects(None, SH.targetSubjectsOf)}
    assert set(RELATION_TYPES) | {"ofMethod", "onDataset", "withMetric"} <= covered


def test_validate_build_needs_graph_ttl(tmp_path):
    from kg.validate import validate_build

    with pytest.raises(BuildError, match="graph.ttl"):
        validate_build(tmp_path)


# --- the real sample build (fixture from tests/conftest.py) --------------------------


def test_sample_build_files_roundtrip(sample_build):
    for name, fmt in (("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")):
        g = rdflib.Graph().parse(sample_build / name, format=fmt)
        assert len(g) > 100, name
        assert isomorphic(rdflib.Graph().parse(data=g.serialize(format=fmt), format=fmt), g)
    ttl = rdflib.Graph().parse(sample_build / "graph.ttl")
    for name, fmt in (("graph.trig", "trig"), ("graph.nq", "nquads")):
        ds = rdflib.Dataset().parse(sample_build / name, format=fmt)
        assert isomorphic(_default(ds), ttl), name
        assert len(list(ds.graphs())) > 3  # default + one per document


def test_sample_build_passes_shacl(sample_build):
    from kg.validate import validate_build

    conforms, report = validate_build(sample_build)
    assert conforms, report


def test_sample_build_provenance_of_rtmdet_on_coco(sample_build):
    g = rdflib.Graph().parse(sample_build / "graph.ttl")
    q = PROVENANCE_QUERY.replace("SELECT ?doc", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?doc").replace(
        "?st rdf:subject ?s ;", "?s rdfs:label \"RTMDet\" . ?o rdfs:label \"COCO\" .\n  ?st rdf:subject ?s ;")
    rows = list(g.query(q))
    assert rows, "no evidence for RTMDet evaluatedOn COCO"
    assert any("52.8" in str(r[1]) and "COCO" in str(r[1]) for r in rows)


def test_unpaired_surrogates_are_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="not valid Unicode"):
        encode_key("bad\udc80id")
    G = hand_graph()
    G.nodes["coco"]["label"] = "COCO\udc80"
    with pytest.raises(BuildError, match="surrogates"):
        write_rdf(G, tmp_path)


def test_inferred_rules_are_marked_in_the_rdf():
    G = hand_graph()
    s = "Our method is evaluated on Spider."
    G.add_edge("ternarybert", "spider", key="evaluatedOn", relation="evaluatedOn", count=1, confidence=0.27,
               evidence=[_ev("doc:a1b2c3", 0, len(s), s, "eval-sentence-self", 0.27)])
    g = _default(graph_to_dataset(G))
    inferred = {str(ev) for ev in g.subjects(KG.inferred, Literal(True))}
    patterns = {str(g.value(URIRef(e), KG.pattern)) for e in inferred if g.value(URIRef(e), KG.pattern) is not None}
    assert "eval-sentence-self" in patterns
    # the statement of that triple is inferred as a whole; a stated one is not
    st = next(g.subjects(RDF.object, next(g.subjects(RDFS.label, Literal("Spider")))))
    stated = [x for x in g.subjects(RDF.predicate, KG.runsOn)]
    assert stated and all((x, KG.inferred, Literal(True)) not in g for x in stated)
    assert any((x, KG.inferred, Literal(True)) in g for x in g.subjects(RDF.predicate, KG.evaluatedOn)
               if (x, RDF.subject, g.value(None, RDFS.label, Literal("TernaryBERT"))) in g)
    assert st is not None
