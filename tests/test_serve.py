"""kg.serve: the read-only SPARQL endpoint answers a real HTTP client."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from kg.errors import BuildError
from kg.export.rdf import graph_to_dataset, write_rdf
from kg.export.store import write_store
from kg.serve import negotiate, start_server
from test_rdf import hand_graph

LIMIT = 5


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    G = hand_graph()
    ds = graph_to_dataset(G)
    out = tmp_path_factory.mktemp("serve") / "build"
    write_rdf(G, out, dataset=ds)
    write_store(ds, out / "store")
    srv = start_server(out, port=0, limit=LIMIT, timeout_s=5, quiet=True)
    try:
        yield srv
    finally:
        srv.stop()


def _get(url, query, accept="application/sparql-results+json"):
    full = url + "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(full, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return resp.status, resp.headers, resp.read()


def _post(url, body: bytes, ctype: str, accept="application/sparql-results+json"):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype, "Accept": accept})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return resp.status, resp.headers, resp.read()


def test_select_over_http_get_and_post(server):
    q = ("PREFIX kg: <https://w3id.org/kg/ontology#> "
         "SELECT ?m ?d WHERE { ?m kg:evaluatedOn ?d } ORDER BY ?d")
    status, headers, body = _get(server.url, q)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    rows = json.loads(body)["results"]["bindings"]
    assert [r["d"]["value"].rsplit("/", 1)[1] for r in rows] == ["coco", "spider"]
    status, _, body = _post(server.url, q.encode(), "application/sparql-query")
    assert json.loads(body)["results"]["bindings"] == rows
    form = urllib.parse.urlencode({"query": q}).encode()
    status, _, body = _post(server.url, form, "application/x-www-form-urlencoded")
    assert json.loads(body)["results"]["bindings"] == rows


def test_update_is_refused(server):
    base = server.url.rsplit("/", 1)[0]
    for url, body, ctype in [
        (base + "/update", b"DROP ALL", "application/sparql-update"),
        (base + "/update", urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
         "application/x-www-form-urlencoded"),
        (base + "/store", b"<http://a> <http://b> <http://c> .", "application/n-triples"),
    ]:
        with pytest.raises(urllib.error.HTTPError) as err:
            _post(url, body, ctype)
        assert err.value.code == 403
    # an update sent to the query endpoint is not a query: 400
    with pytest.raises(urllib.error.HTTPError) as err:
        _post(server.url, b"DROP ALL", "application/sparql-query")
    assert err.value.code == 400
    # data still there
    _, _, body = _get(server.url, "ASK { ?s ?p ?o }")
    assert json.loads(body)["boolean"] is True


def test_malformed_query_gets_400(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(server.url, "SELECT ?x WHERE { ?x }")
    assert err.value.code == 400
    assert b"1:" in err.value.read()


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_result_limit(server, accept):
    status, headers, body = _get(server.url, "SELECT * WHERE { ?s ?p ?o }", accept)
    assert status == 200 and headers["X-KG-Truncated"] == str(LIMIT)
    if "json" in accept:
        n = len(json.loads(body)["results"]["bindings"])
    elif "xml" in accept:
        n = len(ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}results"))
    elif accept == "text/csv":
        n = len(list(csv.reader(io.StringIO(body.decode())))) - 1
    else:
        n = len(body.decode().rstrip("\n").split("\n")) - 1
    assert n == LIMIT
    # a small answer is untouched
    status, headers, body = _get(server.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 2", accept)
    assert headers.get("X-KG-Truncated") is None


def test_construct_limit(server):
    status, headers, body = _get(server.url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert headers["X-KG-Truncated"] == str(LIMIT)
    assert len(body.decode().strip().split("\n")) == LIMIT


def test_other_paths_404(server):
    base = server.url.rsplit("/", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/etc/passwd", timeout=10)
    assert err.value.code == 404


def test_missing_store(tmp_path):
    with pytest.raises(BuildError, match="no Oxigraph store"):
        start_server(tmp_path, port=0)


def test_negotiate_accept_header():
    assert negotiate(None, "solutions") == "application/sparql-results+json"
    assert negotiate("*/*", "graph") == "application/n-triples"
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", "solutions") == \
        "application/sparql-results+xml"
    assert negotiate("text/csv, application/sparql-results+xml;q=0.2", "solutions") == "text/csv"
    # a browser's Accept: XML results for SELECT, the default for graphs
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate(browser, "solutions") == "application/xml"
    assert negotiate(browser, "graph") == "application/n-triples"
    assert negotiate("text/*", "graph") == "text/turtle"
    assert negotiate("text/turtle", "solutions") is None
    assert negotiate("text/csv;q=0", "solutions") is None


def test_answer_query_caps_rows_and_keeps_ask(tmp_path):
    import pyoxigraph as ox

    from kg.serve import answer_query

    store = ox.Store()
    for i in range(5):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"),
                          ox.Literal(f"line {i}\r\nwith, \"quotes\"")))
    ans = answer_query(store, "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?s", accept="text/csv", limit=2)
    assert ans.status == 200 and ans.truncated and ans.ctype.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(ans.body.decode(), newline="")))
    assert rows == [["o"], ['line 0\r\nwith, "quotes"'], ['line 1\r\nwith, "quotes"']]
    ans = answer_query(store, "SELECT ?o WHERE { ?s ?p ?o }", limit=5)
    assert not ans.truncated and len(json.loads(ans.body)["results"]["bindings"]) == 5
    ask = answer_query(store, "ASK { ?s ?p ?o }", limit=1, accept="application/sparql-results+xml")
    assert ask.status == 200 and not ask.truncated and b"<boolean>true</boolean>" in ask.body
    assert answer_query(store, "ASK { ?s ?p ?o }", accept="text/turtle").status == 406
    bad = answer_query(store, "SELECT ?x WHERE { ?x }")
    assert bad.status == 400 and b"1:" in bad.body
    con = answer_query(store, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle", limit=3)
    assert con.truncated and len(list(ox.parse(con.body, format=ox.RdfFormat.TURTLE))) == 3


def test_content_negotiation_over_http(server):
    q = "CONSTRUCT { ?m <http://e/on> ?d } WHERE { ?m <https://w3id.org/kg/ontology#evaluatedOn> ?d }"
    status, headers, body = _get(server.url, q, "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    import pyoxigraph as ox

    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == 2
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(server.url, "SELECT * WHERE { ?s ?p ?o }", "image/png")
    assert err.value.code == 406


def test_protocol_errors(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url, timeout=10)  # no query parameter
    assert err.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as err:
        _post(server.url, b"SELECT * WHERE { ?s ?p ?o }", "text/plain")
    assert err.value.code == 415
    with pytest.raises(urllib.error.HTTPError) as err:  # an update sent as a form to /query
        _post(server.url, urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
              "application/x-www-form-urlencoded")
    assert err.value.code == 403
    two = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")])
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url + "?" + two, timeout=10)
    assert err.value.code == 400
    req = urllib.request.Request(server.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                                 method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read() == b""


def test_named_graph_parameters(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, _, body = _get(server.url, q)
    n_default = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    _, _, body = _get(server.url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 1")
    g = json.loads(body)["results"]["bindings"][0]["g"]["value"]
    full = server.url + "?" + urllib.parse.urlencode({"query": q, "default-graph-uri": g})
    with urllib.request.urlopen(urllib.request.Request(
            full, headers={"Accept": "application/sparql-results+json"}), timeout=10) as resp:
        n_g = int(json.loads(resp.read())["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_g < n_default
    bad = server.url + "?" + urllib.parse.urlencode({"query": q, "default-graph-uri": "not an iri"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad, timeout=10)
    assert err.value.code == 400
