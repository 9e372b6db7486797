"""Streamed RDF export (issue 9): one mapping to pyoxigraph terms, sorted in bounded
memory, every format and the store written from it; the build holds no rdflib Dataset."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD

from kg.export.rdf import DEFAULT_BASE_IRI, _LineSorter, graph_lines, mint_iri, write_rdf
from kg.export.store import write_store

sys.path.insert(0, str(Path(__file__).parent))
from test_rdf import HOSTILE, hand_graph  # noqa: E402

NAMES = ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld")


def test_line_sorter_spills_and_merges_to_the_same_sorted_unique_lines(tmp_path):
    words = [f"w{(i * 7919) % 1000:04d}" for i in range(5000)]  # 1000 distinct, each 5 times
    s = _LineSorter(tmp_path, "t", chunk=64)
    for w in words:
        s.add(w)
    assert len(s.runs) >= 10  # it really went to disk
    assert list(s) == sorted(set(words))


def test_small_sort_chunks_give_the_same_bytes(tmp_path):
    """The external merge path (runs on disk) writes exactly what the in-memory path writes."""
    G = hand_graph()
    a = write_rdf(G, tmp_path / "a")
    b = write_rdf(G, tmp_path / "b", chunk_lines=7)
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert not list((tmp_path / "b").glob(".rdf-sort-*"))  # temporary runs removed


def test_lines_are_unique_sorted_and_named_graphs_grouped(tmp_path):
    default, named = graph_lines(hand_graph(), tmp_dir=tmp_path)
    d, n = list(default), list(named)
    assert d == sorted(set(d)) and n == sorted(set(n))
    graphs = [ln.split(" ", 1)[0] for ln in n]
    assert graphs == sorted(graphs)
    assert {g for g in graphs} == {
        f"<{mint_iri(DEFAULT_BASE_IRI, 'graph', k)}>" for k in ("a1b2c3", "we ird/#id?")
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("stream")
    return out, write_rdf(hand_graph(), out)


def test_nq_is_default_graph_then_named_graphs(files):
    out, _ = files
    nt = (out / "graph.nt").read_text(encoding="utf-8").split("\n")[:-1]
    nq = (out / "graph.nq").read_text(encoding="utf-8").split("\n")[:-1]
    assert nq[: len(nt)] == nt  # the default graph, same sorted lines
    named = [ox.parse(input=ln, format=ox.RdfFormat.N_QUADS).__next__().graph_name for ln in nq[len(nt):]]
    assert all(isinstance(g, ox.NamedNode) for g in named) and len(named) > 5


def test_turtle_and_trig_have_prefixes_and_group_subjects(files):
    out, _ = files
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/kg/ontology#> ." in ttl
    assert "@prefix entity: <https://w3id.org/kg/entity/> ." in ttl
    assert ttl.count("entity:rtmdet ") <= 8  # one block per subject, objects of others
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    assert trig.count("{") == 2 and trig.index("{") > trig.index("kg:Document")  # default graph first


def test_jsonld_compaction_uses_terms_only_where_their_type_fits(files):
    out, _ = files
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in doc["@graph"]}
    d1 = nodes[str(mint_iri(DEFAULT_BASE_IRI, "doc", "a1b2c3"))]
    d2 = nodes[str(mint_iri(DEFAULT_BASE_IRI, "doc", "we ird/#id?"))]
    assert d1["date"] == "2022-12-14"  # the context types "date" as xsd:date
    assert "date" not in d2  # 2021-10 is an xsd:gYearMonth: not under that term
    assert d2["dcterms:date"] == {"@value": "2021-10", "@type": str(XSD.gYearMonth)}
    assert d1["machineTranslated"] is False
    coco = nodes[str(mint_iri(DEFAULT_BASE_IRI, "entity", "coco"))]
    assert sorted(coco["type"]) == ["Dataset", "https://schema.org/Dataset"]
    assert coco["sameAs"] == "http://www.wikidata.org/entity/Q40256375"
    g = rdflib.Graph().parse(out / "graph.jsonld", format="json-ld")
    assert (URIRef(d2["id"]), DCTERMS.date, Literal("2021-10", datatype=XSD.gYearMonth)) in g
    assert (URIRef(d1["id"]), rdflib.URIRef(str(rdflib.Namespace("https://w3id.org/kg/ontology#")["machineTranslated"])),
            Literal(False)) in g
    assert g.value(mint_iri(DEFAULT_BASE_IRI, "entity", HOSTILE), RDFS.label) == Literal(HOSTILE)


def test_store_from_nq_holds_every_quad(files, tmp_path):
    out, _ = files
    st = write_store([out / "graph.nq"], tmp_path / "store")
    store = ox.Store.read_only(str(st))
    n_lines = len((out / "graph.nq").read_text(encoding="utf-8").split("\n")) - 1
    assert len(store) == n_lines
    del store


def test_bad_urls_are_encoded_or_left_out_with_a_warning(tmp_path, caplog):
    G = hand_graph()
    G.nodes["doc:a1b2c3"]["urls"] = ["https://example.org/x[1]", "http://[::1]/a", "not a url", "https://exa mple.org/ok"]
    with caplog.at_level(logging.WARNING, logger="kg.export.rdf"):
        write_rdf(G, tmp_path)
    g = rdflib.Graph().parse(tmp_path / "graph.nt", format="nt")
    d1 = mint_iri(DEFAULT_BASE_IRI, "doc", "a1b2c3")
    see = {str(o) for o in g.objects(d1, RDFS.seeAlso)}
    assert "https://example.org/x%5B1%5D" in see  # brackets outside an IPv6 host: encoded
    assert "http://[::1]/a" in see  # IPv6 host: kept
    assert "https://exa%20mple.org/ok" in see
    assert "not a url" in caplog.text


def test_write_outputs_builds_no_rdflib_graph(tmp_path, monkeypatch):
    """The build writes every RDF file and the store without constructing rdflib graphs."""
    from kg.pipeline import write_outputs

    def refuse(self, *a, **k):
        raise AssertionError("rdflib graph constructed during the build's export")

    monkeypatch.setattr(rdflib.Graph, "__init__", refuse)  # Dataset and ConjunctiveGraph too
    files = write_outputs(hand_graph(), tmp_path, views=False, store=True)
    assert {p.name for p in files} >= set(NAMES) | {"store"}
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert len(store) == len((tmp_path / "graph.nq").read_bytes().splitlines())
    del store


def test_streamed_node_link_is_the_node_link_data_one_record_per_line(sample_graph, tmp_path):
    from kg.export.graphio import node_link, read_node_link, write_node_link

    path = write_node_link(sample_graph, tmp_path / "graph.json")
    text = path.read_text(encoding="utf-8")
    ref = json.loads(json.dumps(node_link(sample_graph), ensure_ascii=False, default=dict))
    assert json.loads(text) == ref
    lines = text.splitlines()
    # one record per line, identifying keys first: what kg.export.patch finds records by
    nodes = [ln for ln in lines if ln.startswith('  {"id": ')]
    edges = [ln for ln in lines if ln.startswith('  {"source": ')]
    assert len(nodes) == sample_graph.number_of_nodes() and len(edges) == sample_graph.number_of_edges()
    back = read_node_link(path)
    assert sorted(back.edges(keys=True)) == sorted(sample_graph.edges(keys=True))


def test_streamed_graphml_reads_back_with_networkx(sample_graph, tmp_path):
    import networkx as nx

    from kg.export.graphio import write_graphml

    H = nx.read_graphml(write_graphml(sample_graph, tmp_path / "g.graphml"), force_multigraph=True)
    assert sorted(H.nodes) == sorted(sample_graph.nodes)
    assert sorted(H.edges(keys=True)) == sorted(sample_graph.edges(keys=True))
    for n, d in sample_graph.nodes(data=True):
        h = H.nodes[n]
        assert h["label"] == d["label"] and h["kind"] == d["kind"]
        if "docs" in d:
            assert json.loads(h["docs"]) == d["docs"]
        if "count" in d:
            assert h["count"] == d["count"]  # typed int, not a string
    u, v, k, d = next(iter(sample_graph.edges(keys=True, data=True)))
    assert json.loads(H.edges[u, v, k]["evidence"]) == d["evidence"]


def test_store_loaded_in_small_chunks_holds_the_same_quads(files, tmp_path):
    out, _ = files
    whole = ox.Store.read_only(str(write_store([out / "graph.nq"], tmp_path / "a", chunk_lines=10**9)))
    small = ox.Store.read_only(str(write_store([out / "graph.nq"], tmp_path / "b", chunk_lines=3)))
    assert set(whole) == set(small) and len(small) > 100
    del whole, small
