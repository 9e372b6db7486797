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
from kg.serve import find_oxigraph, start_server, truncate_answer
from test_rdf import hand_graph

try:
    find_oxigraph()
    HAVE_OXIGRAPH = True
except Exception:  # noqa: BLE001 - any failure means the binary is unusable
    HAVE_OXIGRAPH = False

needs_server = pytest.mark.skipif(not HAVE_OXIGRAPH, reason="oxigraph server binary not installed")

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


@needs_server
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


@needs_server
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


@needs_server
def test_malformed_query_gets_400(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(server.url, "SELECT ?x WHERE { ?x }")
    assert err.value.code == 400
    assert b"1:" in err.value.read()


@needs_server
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


@needs_server
def test_construct_limit(server):
    status, headers, body = _get(server.url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert headers["X-KG-Truncated"] == str(LIMIT)
    assert len(body.decode().strip().split("\n")) == LIMIT


@needs_server
def test_other_paths_404(server):
    base = server.url.rsplit("/", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/etc/passwd", timeout=10)
    assert err.value.code == 404


@needs_server
def test_missing_store(tmp_path):
    with pytest.raises(BuildError, match="no Oxigraph store"):
        start_server(tmp_path, port=0)


def test_truncate_answer_keeps_ask_and_unknown_types():
    ask = b'{"head":{},"boolean":true}'
    assert truncate_answer(ask, "application/sparql-results+json", 1) == (ask, False)
    assert truncate_answer(b"whatever", "text/plain", 1) == (b"whatever", False)
    csv_body = b'a\r\n"x\r\ny"\r\nz\r\n'  # a quoted newline is one row, not two
    out, cut = truncate_answer(csv_body, "text/csv; charset=utf-8", 1)
    assert cut and list(csv.reader(io.StringIO(out.decode(), newline=""))) == [["a"], ["x\r\ny"]]
