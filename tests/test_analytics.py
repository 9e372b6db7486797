"""kg.analytics and kg.api: hand-made graphs, the sample corpus build, and doctests."""

from __future__ import annotations

import doctest
import json
from collections import Counter

import networkx as nx
import pandas as pd
import pytest

import kg.analytics as A
from kg.api import KGraph, load, resolve_query, sparql
from kg.errors import BuildError, KGError, QueryError


def _snapshot(G: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(G, edges="links")
    return json.dumps(data, sort_keys=True, default=str) + json.dumps(G.graph, sort_keys=True, default=str)


@pytest.fixture()
def small() -> nx.MultiDiGraph:
    """Two documents about detection on COCO, one about NLP on GLUE, one undated."""
    G = nx.MultiDiGraph()
    docs = {"doc:1": "2021-05-01", "doc:2": "2022-02-11", "doc:3": "2022-07-30", "doc:4": None}
    for d, date in docs.items():
        G.add_node(d, kind="document", type="Document", label=d, date=date)
    ents = {
        "rtmdet": ("Method", "RTMDet", ["doc:1", "doc:2"]),
        "yolox": ("Method", "YOLOX", ["doc:2"]),
        "bert": ("Method", "BERT", ["doc:3", "doc:4"]),
        "coco": ("Dataset", "COCO", ["doc:1", "doc:2"]),
        "glue": ("Benchmark", "GLUE", ["doc:3"]),
        "google": ("Organization", "Google", ["doc:3", "doc:4"]),
    }
    for n, (t, label, ds) in ents.items():
        G.add_node(n, kind="entity", type=t, label=label, aliases=[label.lower() + "-alias"], count=len(ds), docs=ds)
        for d in ds:
            G.add_edge(d, n, key="mentions", relation="mentions", count=1)
    for m, d in [("rtmdet", "coco"), ("yolox", "coco"), ("bert", "glue")]:
        G.add_edge(m, d, key="evaluatedOn", relation="evaluatedOn", count=1)
    G.add_edge("bert", "google", key="developedBy", relation="developedBy", count=2)
    for r, m, v, metric in [("result:a", "rtmdet", "52.8", "AP"), ("result:b", "yolox", "51.2", "AP"),
                            ("result:c", "rtmdet", "300", "FPS")]:
        G.add_node(r, kind="result", type="Result", label=r, value=v, unit=None, metric=metric,
                   condition=None, doc="doc:2", evidence=[{"doc": "doc:2", "sentence": f"{m} {v}"}])
        G.add_edge(r, m, key="ofMethod", relation="ofMethod", count=1)
        G.add_edge(r, "coco", key="onDataset", relation="onDataset", count=1)
    return G


# --------------------------------------------------------------------------- doctests


def test_doctests_of_analytics_run_and_pass():
    res = doctest.testmod(A, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
    assert res.attempted >= 30  # every public function has a runnable example


# --------------------------------------------------------------------------- hand-made graph


def test_top_entities_degree_pagerank_mentions(small):
    deg = A.top_entities(small, by="degree", n=None)
    assert list(deg.columns) == ["id", "label", "type", "score", "mentions", "documents"]
    # coco: 2 docs + 2 methods + 3 results
    assert deg.iloc[0]["id"] == "coco" and deg.iloc[0]["score"] == 7.0
    assert len(deg) == 6
    pr = A.top_entities(small, type="method", by="pagerank", n=None)
    assert set(pr["type"]) == {"Method"}
    assert pr["score"].is_monotonic_decreasing
    assert pr.iloc[0]["id"] == "rtmdet"  # two documents and two results point at it
    men = A.top_entities(small, type="Organization", by="mentions", n=1)
    assert men.to_dict("records") == [
        {"id": "google", "label": "Google", "type": "Organization", "score": 2.0, "mentions": 2, "documents": 2}
    ]


@pytest.mark.parametrize(
    "kwargs, word",
    [({"type": "Gadget"}, "Gadget"), ({"by": "closeness"}, "closeness"), ({"n": 0}, "n must")],
)
def test_top_entities_bad_arguments(small, kwargs, word):
    with pytest.raises(A.AnalyticsError, match=word) as e:
        A.top_entities(small, **kwargs)
    assert isinstance(e.value, KGError)


def test_communities_split_the_two_topics_deterministically(small):
    c1 = A.communities(small, seed=0)
    c2 = A.communities(small, seed=0)
    pd.testing.assert_frame_equal(c1, c2)
    groups = [set(m) for m in c1["members"]]
    assert {"rtmdet", "yolox", "coco"} <= next(g for g in groups if "coco" in g)
    assert {"bert", "glue", "google"} <= next(g for g in groups if "bert" in g)
    assert not any("coco" in g and "bert" in g for g in groups)
    assert c1["community"].tolist() == list(range(len(c1)))
    only = A.communities(small, include_documents=False, min_size=1)
    assert sum(only["size"]) == 6 and only["documents"].sum() == 0
    with pytest.raises(A.AnalyticsError):
        A.communities(small, resolution=0)


def test_co_mentioned_pairs_and_same_type(small):
    df = A.co_mentioned(small, "Dataset", "Method")
    assert df[["a", "b", "documents"]].values.tolist() == [["coco", "rtmdet", 2], ["coco", "yolox", 1]]
    assert df.iloc[0]["docs"] == ["doc:1", "doc:2"]
    same = A.co_mentioned(small, "method", "method")
    assert same[["a", "b"]].values.tolist() == [["rtmdet", "yolox"]]  # each unordered pair once
    assert A.co_mentioned(small, "Dataset", "Method", min_count=2)["b"].tolist() == ["rtmdet"]


def test_leaderboard_by_alias_metric_and_order(small):
    lb = A.leaderboard(small, "coco-alias")
    assert lb[["method", "metric", "value"]].values.tolist() == [
        ["rtmdet", "AP", 52.8], ["yolox", "AP", 51.2], ["rtmdet", "FPS", 300.0]]
    assert lb.iloc[0]["sentence"] == "rtmdet 52.8"
    asc = A.leaderboard(small, "COCO", metric="ap", ascending=True)
    assert asc["method"].tolist() == ["yolox", "rtmdet"]
    assert A.leaderboard(small, "GLUE").empty
    with pytest.raises(A.AnalyticsError, match="ImageNet"):
        A.leaderboard(small, "ImageNet")
    with pytest.raises(A.AnalyticsError, match="Dataset or Benchmark"):
        A.leaderboard(small, "BERT")  # a method is no benchmark


def test_leaderboard_bad_value_names_the_node(small):
    H = small.copy()
    H.nodes["result:b"]["value"] = "n/a"
    with pytest.raises(A.AnalyticsError, match="result:b"):
        A.leaderboard(H, "COCO")


def test_timeline_years_months_and_undated(small):
    tl = A.timeline(small, type="Method")
    assert tl.index.tolist() == ["2021", "2022"]
    assert tl.to_dict("index") == {"2021": {"RTMDet": 1, "BERT": 0, "YOLOX": 0},
                                   "2022": {"RTMDet": 1, "BERT": 1, "YOLOX": 1}}
    assert tl.attrs["undated_documents"] == 1
    assert tl.attrs["ids"]["RTMDet"] == "rtmdet"
    m = A.timeline(small, type=None, freq="month", n=2)
    assert m.index[0] == "2021-05" and m.index[-1] == "2022-07" and len(m) == 15  # no gaps
    assert list(m.columns) == ["COCO", "RTMDet"]


def test_timeline_rejects_bad_dates_and_freq(small):
    H = small.copy()
    H.nodes["doc:3"]["date"] = "last spring"
    with pytest.raises(A.AnalyticsError, match="doc:3"):
        A.timeline(H)
    with pytest.raises(A.AnalyticsError, match="freq"):
        A.timeline(small, freq="week")


def test_projection_and_datasets_by_methods(small):
    B = A.method_dataset_graph(small)
    assert nx.is_bipartite(B)
    assert B.edges["rtmdet", "coco"] == {"via": ["evaluatedOn", "result"], "support": 3}
    P = A.project_methods(small)
    assert sorted(P.nodes) == ["bert", "rtmdet", "yolox"]
    assert list(P.edges(data=True)) == [("rtmdet", "yolox", {"weight": 1, "shared": ["coco"]})]
    df = A.datasets_by_methods(small)
    assert df[["id", "methods"]].values.tolist() == [["coco", 2], ["glue", 1]]
    assert df.iloc[0]["method_labels"] == ["RTMDet", "YOLOX"]


def test_empty_graph_gives_empty_answers():
    E = nx.MultiDiGraph()
    assert A.top_entities(E, by="pagerank").empty and A.communities(E).empty
    assert A.co_mentioned(E).empty and A.timeline(E).empty and A.datasets_by_methods(E).empty
    assert A.project_methods(E).number_of_nodes() == 0
    with pytest.raises(A.AnalyticsError, match="COCO"):
        A.leaderboard(E, "COCO")


def test_no_function_mutates_the_graph(small, sample_graph):
    for G in (small, sample_graph):
        before = _snapshot(G)
        A.top_entities(G, by="pagerank")
        A.top_entities(G, by="degree", type="Dataset")
        A.communities(G)
        A.co_mentioned(G)
        A.leaderboard(G, "COCO")
        A.timeline(G, freq="month")
        A.project_methods(G)
        A.datasets_by_methods(G)
        assert _snapshot(G) == before


# --------------------------------------------------------------------------- sample corpus


def test_sample_top_organisations(sample_graph):
    orgs = A.top_entities(sample_graph, type="Organization", by="mentions", n=5)
    assert len(orgs) == 5 and set(orgs["type"]) == {"Organization"}
    assert "Google" in orgs["label"].tolist()
    pr = A.top_entities(sample_graph, by="pagerank", n=None)
    assert pr["score"].sum() < 1.0  # documents and results hold the rest of the mass
    assert pr["score"].is_monotonic_decreasing


def test_sample_datasets_by_methods_agrees_with_sparql(sample_graph, sample_build):
    df = A.datasets_by_methods(sample_graph, n=None)
    assert not df.empty and set(df["type"]) <= {"Dataset", "Benchmark"}
    q = """
    SELECT ?datasetLabel (COUNT(DISTINCT ?method) AS ?methods) WHERE {
      { ?method kg:evaluatedOn|kg:trainedOn ?dataset }
      UNION { ?result kg:ofMethod ?method ; kg:onDataset ?dataset }
      FILTER NOT EXISTS { ?method a kg:UnnamedMethod }  # named methods, as the graph side
      ?dataset rdfs:label ?datasetLabel .
    } GROUP BY ?dataset ?datasetLabel"""
    store = sparql(sample_build, q)
    assert Counter(zip(df["label"], df["methods"])) == Counter(zip(store["datasetLabel"], store["methods"]))
    labels = set(df["label"])
    assert {"COCO", "SuperGLUE"} <= labels


def test_sample_leaderboard_matches_results_query(sample_graph, sample_build):
    lb = A.leaderboard(sample_graph, "COCO")
    rows = sparql(sample_build, "results-on-dataset", datasetLabel="COCO")
    assert sorted(zip(lb["method_label"], lb["value"])) == sorted(zip(rows["methodLabel"], rows["value"]))
    ap = A.leaderboard(sample_graph, "COCO", metric="AP")
    assert ("RTMDet", 52.8) in list(zip(ap["method_label"], ap["value"]))  # "RTMDet achieves 52.8% AP on COCO"


def test_sample_co_mentions_and_communities(sample_graph):
    co = A.co_mentioned(sample_graph, "Dataset", "Method")
    assert ("COCO", "RTMDet") in set(zip(co["a_label"], co["b_label"]))
    for r in co.itertuples():
        docs = set(r.docs)
        assert r.documents == len(docs)
        assert docs <= set(sample_graph.nodes[r.a]["docs"]) & set(sample_graph.nodes[r.b]["docs"])
    com = A.communities(sample_graph)
    members = [x for ms in com["members"] for x in ms]
    assert len(members) == len(set(members))  # a partition
    assert all(sample_graph.nodes[x]["kind"] == "entity" for x in members)
    pd.testing.assert_frame_equal(com, A.communities(sample_graph))


def test_sample_timeline_counts_dated_documents(sample_graph):
    tl = A.timeline(sample_graph, type=None, freq="year")
    dated = [a for _, a in sample_graph.nodes(data=True) if a.get("kind") == "document" and a.get("date")]
    assert dated, "the sample corpus has dated arXiv abstracts"
    assert tl.attrs["undated_documents"] == sum(
        1 for _, a in sample_graph.nodes(data=True) if a.get("kind") == "document") - len(dated)
    assert (tl.values >= 0).all() and tl.values.max() <= len(dated)


# --------------------------------------------------------------------------- kg.api


def test_load_gives_graph_and_store(sample_build, sample_graph):
    K = load(sample_build)
    assert isinstance(K, KGraph) and isinstance(K.graph, nx.MultiDiGraph)
    assert K.graph.number_of_nodes() == sample_graph.number_of_nodes()
    assert K.graph is not sample_graph
    n_docs = sum(1 for _, a in K.graph.nodes(data=True) if a.get("kind") == "document")
    ask = K.sparql("SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }")
    assert ask["n"].tolist() == [n_docs]
    assert K.store is K.store  # opened once
    s = K.summary()
    assert s.loc[(s["what"] == "node") & (s["name"] == "Document"), "count"].item() == n_docs


def test_sparql_named_text_path_and_bindings(sample_build):
    df = sparql(sample_build, "datasets-most-methods")
    # ?minConfidence is the named queries' threshold parameter (projected: Oxigraph binds
    # only projected variables); unbound, it is an empty column
    assert list(df.columns) == ["dataset", "datasetLabel", "methods", "minConfidence"]
    assert str(df["methods"].dtype) == "Int64"
    from kg.paths import QUERIES_DIR

    same = sparql(sample_build, QUERIES_DIR / "datasets-most-methods.rq")
    pd.testing.assert_frame_equal(df, same)
    hw = sparql(sample_build, "org-develops", orgLabel="Huawei")
    assert not hw.empty and set(hw["orgLabel"]) == {"Huawei"}
    # a binding is a literal, never query text
    evil = sparql(sample_build, "org-develops", orgLabel='Huawei" } UNION { ?x ?y ?z } #')
    assert evil.empty


def test_sparql_errors(sample_build, tmp_path):
    with pytest.raises(QueryError, match="datasets-most-methods"):  # lists the known names
        sparql(sample_build, "no-such-query")
    with pytest.raises(QueryError, match="syntax"):
        sparql(sample_build, "SELECT WHERE {")
    with pytest.raises(BuildError, match="nowhere"):
        sparql(tmp_path / "nowhere", "datasets-most-methods")
    with pytest.raises(BuildError):
        load(tmp_path / "nowhere")
    assert resolve_query("SELECT * WHERE { ?s ?p ?o }").startswith("SELECT")


def test_sparql_ask_construct_and_unbound(sample_build):
    ask = sparql(sample_build, "ASK { ?m kg:evaluatedOn ?d }")
    assert ask.to_dict("records") == [{"ask": True}]
    g = sparql(sample_build, "CONSTRUCT { ?m kg:evaluatedOn ?d } WHERE { ?m kg:evaluatedOn ?d }")
    assert list(g.columns) == ["subject", "predicate", "object"] and len(g) > 0
    opt = sparql(sample_build, """SELECT ?r ?unit WHERE { ?r a kg:Result OPTIONAL { ?r kg:unit ?unit } }""")
    assert len(opt) > 0 and list(opt.columns) == ["r", "unit"]
    assert opt["unit"].dtype == object and all(u is None or isinstance(u, str) for u in opt["unit"])
