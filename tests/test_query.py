"""kg.query: the Oxigraph store, safe bindings, named queries, formats, errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
import rdflib
from rdflib import URIRef

from kg.errors import BuildError, QueryError
from kg.export.rdf import DEFAULT_BASE_IRI, default_graph, graph_to_dataset, mint_iri, write_rdf
from kg.export.store import write_store
from kg.namespace import KG
from kg.query import (
    format_rows,
    list_named_queries,
    load_named,
    open_store,
    query_rdflib,
    query_store,
    run_query,
)
from test_rdf import HOSTILE, hand_graph

INJECTION = '"} ; DROP ALL #'


@pytest.fixture(scope="module")
def hand_build(tmp_path_factory):
    """A build dir (RDF files + store) of the hand-made graph, plus a node labelled
    with an injection attempt."""
    G = hand_graph()
    G.add_node("evil", kind="entity", type="Organization", label=INJECTION, count=1)
    G.add_edge("rtmdet", "evil", key="developedBy", relation="developedBy")
    ds = graph_to_dataset(G)
    out = tmp_path_factory.mktemp("hand") / "build"
    write_rdf(G, out, dataset=ds)
    write_store(ds, out / "store")
    return out, ds


def _norm(rows):
    # Oxigraph canonicalises decimals ("1.0" → "1"); compare numerically
    conv = lambda v: float(v) if isinstance(v, Decimal) else str(v)  # noqa: E731
    return sorted(json.dumps(r, sort_keys=True, default=conv) for r in rows)


def test_select_rows_are_python_values(hand_build):
    out, _ = hand_build
    rows = run_query(out, "SELECT ?r ?v WHERE { ?r kg:value ?v }")
    assert rows.variables == ["r", "v"] and rows.kind == "select"
    assert rows == [{"r": str(mint_iri(DEFAULT_BASE_IRI, "result", "0f1e2d")), "v": Decimal("52.8")}]
    n = run_query(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert isinstance(n, int) and n > 200


def test_ask_and_construct(hand_build):
    out, _ = hand_build
    ask = run_query(out, "ASK { ?m kg:runsOn ?h }")
    assert ask.kind == "ask" and ask == [{"ask": True}]
    con = run_query(out, "CONSTRUCT { ?m kg:runsOn ?h } WHERE { ?m kg:runsOn ?h }")
    assert con.kind == "graph" and len(con) == 1
    assert con[0]["predicate"] == str(KG.runsOn)


def test_store_agrees_with_rdflib_on_every_named_query(hand_build):
    out, ds = hand_build
    g = rdflib.Dataset()
    for q in ds.quads((None, None, None, None)):
        g.add(q)
    store = open_store(out)
    default = rdflib.Graph()
    for t in default_graph(ds):
        default.add(t)
    for name, _, path in list_named_queries():
        text = load_named(name)
        target = g if "GRAPH" in text else default
        ox_rows = query_store(store, text)
        rdf_rows = query_rdflib(target, text)
        assert ox_rows.variables == rdf_rows.variables, name
        assert _norm(ox_rows) == _norm(rdf_rows), name


def test_bindings_are_data_not_query_text(hand_build):
    out, _ = hand_build
    q = load_named("org-develops")
    rows = run_query(out, q, bindings={"orgLabel": INJECTION})
    assert [r["thingLabel"] for r in rows] == ["RTMDet"]
    assert rows[0]["orgLabel"] == INJECTION
    rows = run_query(out, q, bindings={"?orgLabel": "Huawei"})
    assert [r["thingLabel"] for r in rows] == ["TernaryBERT"]
    assert run_query(out, q, bindings={"orgLabel": 'Huawei" } #'}) == []
    # the store is unchanged (and read-only anyway)
    n1 = run_query(out, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert n1 > 0
    assert run_query(out, "ASK { ?s rdfs:label ?l }", bindings=None)[0]["ask"]


def test_binding_types(hand_build):
    out, _ = hand_build
    q = "SELECT ?s ?c WHERE { ?s kg:count ?c }"
    assert {r["s"] for r in run_query(out, q, bindings={"c": 3})} == {
        str(mint_iri(DEFAULT_BASE_IRI, "entity", "rtmdet"))
    }
    q = "SELECT ?st ?p WHERE { ?st rdf:predicate ?p }"
    rows = run_query(out, q, bindings={"p": URIRef(str(KG.runsOn))})
    assert len(rows) == 1
    rows = run_query(out, "SELECT ?r ?v WHERE { ?r kg:value ?v }", bindings={"v": Decimal("52.8")})
    assert len(rows) == 1
    with pytest.raises(QueryError, match="SELECT"):
        run_query(out, "SELECT ?s WHERE { ?s kg:count ?c }", bindings={"c": 3})
    with pytest.raises(QueryError, match="variable name"):
        run_query(out, q, bindings={"p } DROP": 1})
    with pytest.raises(QueryError, match="unsupported"):
        run_query(out, q, bindings={"p": object()})


def test_syntax_error_gives_query_error_with_position(hand_build):
    out, _ = hand_build
    with pytest.raises(QueryError, match=r"syntax error.*1:"):
        run_query(out, "SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryError):
        run_query(out, "DROP ALL")


def test_missing_or_partial_build(tmp_path):
    with pytest.raises(BuildError, match="no such build directory"):
        run_query(tmp_path / "nope", "ASK {}")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "graph.ttl").write_text("")
    with pytest.raises(BuildError, match="missing or partial"):
        run_query(tmp_path / "partial", "ASK {}")


def test_union_default_graph_option(hand_build):
    out, _ = hand_build
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:evaluatedOn ?o }"
    assert run_query(out, q)[0]["n"] == 2
    # the union holds the same distinct triples; counting solutions counts duplicates
    q2 = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s kg:evaluatedOn ?o }"
    assert run_query(out, q2, union_default_graph=True)[0]["n"] == 2
    q3 = "SELECT ?s WHERE { GRAPH ?g { ?s kg:evaluatedOn ?o } }"
    assert len(run_query(out, q3)) == 3


def test_formats(hand_build):
    out, _ = hand_build
    q = "SELECT ?l ?c WHERE { ?s rdfs:label ?l ; kg:count ?c } ORDER BY ?l"
    rows = run_query(out, q)
    parsed = list(csv.DictReader(io.StringIO(run_query(out, q, fmt="csv"))))
    assert [r["l"] for r in parsed] == [r["l"] for r in rows]
    assert HOSTILE in [r["l"] for r in parsed]
    js = json.loads(format_rows(rows, "json"))
    assert js[0].keys() == {"l", "c"} and isinstance(js[0]["c"], int)
    table = format_rows(rows, "table")
    assert table.splitlines()[0].split() == ["l", "c"]
    assert f"({len(rows)} rows)" in table
    assert "\n\t" not in table  # newlines inside cells are escaped
    with pytest.raises(QueryError, match="unknown output format"):
        format_rows(rows, "xml")


def test_named_queries_listed_with_descriptions():
    named = list_named_queries()
    names = {n for n, _, _ in named}
    assert {"datasets-most-methods", "org-develops", "docs-mention-hardware", "coco-ap",
            "outperform-bert2bert", "rtmdet-hardware", "huawei-developed", "evidence",
            "documents-2022"} <= names
    for name, desc, path in named:
        assert desc and "\n" not in desc and path.suffix == ".rq"
    with pytest.raises(QueryError, match="named queries"):
        load_named("no-such-query")
    assert load_named(named[0][2]) == named[0][2].read_text(encoding="utf-8")


def test_named_query_file_needs_description(tmp_path):
    (tmp_path / "bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="bad.rq:1"):
        list_named_queries(tmp_path)


def test_write_store_from_files_and_refuses_foreign_dir(hand_build, tmp_path):
    out, _ = hand_build
    st = write_store([out / "graph.nq"], tmp_path / "b" / "store")
    assert (st / "CURRENT").is_file()
    rows = run_query(tmp_path / "b", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert rows[0]["n"] > 0
    write_store([out / "graph.nq"], tmp_path / "b" / "store")  # replacing a store is fine
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine")
    with pytest.raises(BuildError, match="refusing"):
        write_store([out / "graph.nq"], tmp_path / "foreign")
    with pytest.raises(BuildError, match="extension"):
        write_store([tmp_path / "foreign" / "notes.txt"], tmp_path / "c")


# --- the real sample build (fixture from tests/conftest.py) --------------------------


def _labels(rows, key):
    return {r[key] for r in rows}


def test_sample_coco_ap(sample_build):
    rows = run_query(sample_build, load_named("coco-ap"))
    rtm = [r for r in rows if r["methodLabel"] == "RTMDet"]
    assert rtm and any(r["value"] == Decimal("52.8") for r in rtm)


def test_sample_rtmdet_hardware(sample_build):
    rows = run_query(sample_build, load_named("rtmdet-hardware"))
    assert any("3090" in r["hardwareLabel"] for r in rows)
    assert any("300+ FPS" in (r["sentence"] or "") for r in rows)


def test_sample_huawei_developed(sample_build):
    rows = run_query(sample_build, load_named("huawei-developed"))
    assert "TernaryBERT" in _labels(rows, "thingLabel")


def test_sample_org_develops_binding(sample_build):
    rows = run_query(sample_build, load_named("org-develops"), bindings={"orgLabel": "Huawei"})
    assert "TernaryBERT" in _labels(rows, "thingLabel")
    assert _labels(rows, "orgLabel") == {"Huawei"}


def test_sample_documents_2022(sample_build):
    rows = run_query(sample_build, load_named("documents-2022"))
    assert {"2212.01853", "2210.10391", "2205.12144"} <= _labels(rows, "arxivId")
    assert all(str(r["date"]).startswith("2022") for r in rows)
    assert "2110.09284" not in _labels(rows, "arxivId")  # created 2021


def test_sample_datasets_most_methods(sample_build):
    rows = run_query(sample_build, load_named("datasets-most-methods"))
    labels = _labels(rows, "datasetLabel")
    assert {"COCO", "Spider"} <= labels
    assert [r["methods"] for r in rows] == sorted((r["methods"] for r in rows), reverse=True)


def test_sample_docs_mention_hardware(sample_build):
    rows = run_query(sample_build, load_named("docs-mention-hardware"))
    assert any("3090" in r["hardwareLabel"] for r in rows)


def test_sample_outperform_bert2bert(sample_build, sample_graph):
    """In the sample only an unnamed method ("our method … outperforms bert2BERT by
    +12.0%") beats bert2BERT: the fact is on its UnnamedMethod stand-in, and the named
    query answers the question with it, its label saying it is unnamed, and the margin."""
    beaters = [u for u, _, k in sample_graph.in_edges("bert2bert", keys=True) if k == "outperforms"]
    assert beaters and all(sample_graph.nodes[u]["type"] == "UnnamedMethod" for u in beaters)
    rows = run_query(sample_build, load_named("outperform-bert2bert"))
    assert {r["method"] for r in rows} == {str(mint_iri(DEFAULT_BASE_IRI, "entity", u)) for u in beaters}
    assert any(r["methodLabel"].startswith("unnamed method of “Reusing Models") and r["margin"] == "+12.0%"
               for r in rows), rows


def test_sample_evidence_for_sadga_on_spider(sample_build):
    rows = run_query(sample_build, load_named("evidence"),
                     bindings={"subjectLabel": "SADGA", "predicate": URIRef(str(KG.evaluatedOn))})
    assert any(r["objectLabel"] == "Spider" and "Spider" in r["sentence"] for r in rows)
    assert all(r["doc"].startswith(DEFAULT_BASE_IRI + "doc/") for r in rows)


def test_evidence_query_confidence_is_optional(tmp_path):
    """evidence.rq reads kg:confidence through a zero-or-one path instead of an OPTIONAL
    (for Oxigraph's plan with a substituted label); it must give the OPTIONAL's rows:
    the confidence when there is one, unbound when there is none, in both engines."""
    ttl = """
    @prefix kg: <https://w3id.org/kg/ontology#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <urn:m> rdfs:label "M" . <urn:h> rdfs:label "H" . <urn:d> rdfs:label "Doc" .
    <urn:st> a kg:Statement ; rdf:subject <urn:m> ; rdf:predicate kg:runsOn ; rdf:object <urn:h> ;
        kg:evidence <urn:e1>, <urn:e2> .
    <urn:e1> prov:wasDerivedFrom <urn:d> ; kg:sentence "M runs on H." ; kg:start 0 ; kg:end 12 ;
        kg:pattern "p" ; kg:confidence 0.5 .
    <urn:e2> prov:wasDerivedFrom <urn:d> ; kg:sentence "H hosts M." ; kg:start 20 ; kg:end 30 ;
        kg:pattern "p" .
    """
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert str(KG.runsOn) == "https://w3id.org/kg/ontology#runsOn"
    write_store(g, tmp_path / "store")
    store = open_store(tmp_path)
    text = load_named("evidence")
    optional = text.split("SELECT", 1)[1]
    start = optional.index("  # = OPTIONAL")
    end = optional.index("AS ?confidence)") + len("AS ?confidence)")
    optional = "SELECT" + optional[:start] + "  OPTIONAL { ?ev kg:confidence ?confidence }" + optional[end:]
    for b in ({"subjectLabel": "M"}, None):
        rows = query_store(store, text, bindings=b)
        assert sorted((r["sentence"], r["confidence"]) for r in rows) == [
            ("H hosts M.", None), ("M runs on H.", Decimal("0.5"))]
        assert _norm(rows) == _norm(query_store(store, optional, bindings=b))
        assert _norm(rows) == _norm(query_rdflib(g, text, bindings=b))


def test_unknown_binding_suggests_the_querys_variable(sample_build):
    """`kg query --bind` with a misspelt variable: one line naming the right one, exit 1."""
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.query.engine import query_variables

    text = load_named("org-develops")
    assert "orgLabel" in query_variables(text)
    with pytest.raises(QueryError, match=r"no variable \?orgLable; did you mean \?orgLabel\?"):
        run_query(sample_build, text, bindings={"orgLable": "Huawei"})
    res = CliRunner().invoke(app, ["query", str(sample_build), "org-develops", "--bind", "orglabel=Huawei"])
    assert res.exit_code == 1
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "did you mean ?orgLabel?" in lines[0], res.output
    # a name far from every variable gets no suggestion, only the list
    res = CliRunner().invoke(app, ["query", str(sample_build), "org-develops", "--bind", "zzz=1"])
    assert res.exit_code == 1 and "did you mean" not in res.output and "?orgLabel" in res.output
    # strings, IRIs and comments hold no variables
    assert query_variables('SELECT ?s { ?s <http://x/?a> "b?c" } # ?d') == ["s"]
