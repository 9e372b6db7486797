"""Hardened endpoint (issue 15, "The endpoint"; issue 19 endpoint bits): no federation
(SSRF), Host and Origin checks, opt-in CORS, byte and memory caps, slow clients,
chunked bodies, predeclared prefixes with short parser errors, and one whole build
per answer across a rebuild.

Each test drives a real ``kg serve`` (Starlette + uvicorn + worker processes) over
real sockets, on small stores written here with pyoxigraph.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.outdir import build_id, write_marker
from kg.serve import start_server
from kg.serve.security import service_refusal, service_targets

EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _make_build(path: Path, n: int, *, label: str = "x") -> Path:
    """A build folder with a store of ``n`` triples ``ex:sI kg:evaluatedOn ex:dI`` and a marker."""
    path.mkdir(parents=True)
    store = ox.Store(str(path / "store"))
    kg = "https://w3id.org/kg/ontology#"
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(kg + "evaluatedOn"),
                         ox.Literal(f"{label} {i}"), ox.DefaultGraph()) for i in range(n))
    store.flush()
    del store
    write_marker(path)
    return path


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    return _make_build(tmp_path_factory.mktemp("hard") / "build", 300)


@pytest.fixture(scope="module")
def server(build):
    with start_server(build, port=0, quiet=True, workers=2, timeout_s=20,
                      cors=("http://example.org",)) as srv:
        yield srv


def _http(srv, method="GET", path="/query", *, query=None, body=None, headers=None, timeout=30):
    """One request over http.client; returns (status, headers dict, body bytes)."""
    if query is not None:
        path = path + "?" + urllib.parse.urlencode({"query": query})
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def _n(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# ------------------------------------------------------------------------- SSRF
class _Listener:
    """A local TCP listener recording every connection it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            c.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_service_is_refused_and_nothing_connects(build):
    lis = _Listener()
    try:
        target = f"http://127.0.0.1:{lis.port}/sparql"
        with start_server(build, port=0, quiet=True, workers=1) as srv:
            for q in [f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                      f"select * {{ service silent <{target}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ ?x ?y ?z # comment\n SeRvIcE<{target}>{{?s ?p ?o}} }}"]:
                status, _, body = _http(srv, query=q)
                assert status == 400 and b"SERVICE" in body and b"refused" in body, (q, body)
                form = urllib.parse.urlencode({"query": q}).encode()
                status, _, _ = _http(srv, "POST", body=form,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
                assert status == 400
            # no other way out: FROM / default-graph-uri name graphs of the store only
            status, _, _ = _http(srv, query=f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}")
            assert status == 200
            status, _, _ = _http(srv, path="/query?" + urllib.parse.urlencode(
                {"query": "ASK { ?s ?p ?o }", "default-graph-uri": target, "named-graph-uri": target}))
            assert status == 200
            # the word inside a literal, an IRI or a comment is not federation
            status, _, body = _http(srv, query='SELECT * WHERE { ?s ?p "SERVICE <%s>" } # SERVICE <%s>'
                                    % (target, target))
            assert status == 200, body
            status, _, body = _http(srv, query=f"ASK {{ <{EX}SERVICE> ?p ?o }}")
            assert status == 200, body
        time.sleep(0.5)
        assert lis.connections == 0
        # The check, not a missing HTTP client, is what kept the server quiet:
        # with --allow-service the same query reaches the listener.
        with start_server(build, port=0, quiet=True, workers=1, timeout_s=5,
                          allow_services=(target,)) as srv:
            _http(srv, query=f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
            status, _, body = _http(srv, query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
            assert status == 400 and b"allowed endpoints" in body
        time.sleep(0.5)
        assert lis.connections >= 1
    finally:
        lis.close()


def test_service_tokenizer_ignores_strings_comments_iris_and_names():
    assert service_targets("SELECT * { SERVICE <http://a/> { ?s ?p ?o } }") == ["http://a/"]
    assert service_targets("SELECT * { service SILENT ?e {} }") == [None]
    assert service_targets('SELECT * { ?s ?p """multi\nSERVICE <http://a/>""" }') == []
    assert service_targets("SELECT * { ?s ?p 'SERVICE' } # SERVICE <http://b/>") == []
    assert service_targets("SELECT ?service { ?service ex:SERVICE <http://x/SERVICE> }") == []
    assert service_targets("SELECT * { FILTER(?a<?b) SERVICE<http://c/>{} }") == ["http://c/"]
    assert service_refusal("ASK {}") is None
    assert service_refusal("ASK { SERVICE <http://a/> {} }", ["http://a/"]) is None
    assert "refused" in service_refusal("ASK { SERVICE ex:e {} }", ["http://a/"])


# --------------------------------------------------------------- Host and Origin
def test_host_header_must_name_the_server(build, server):
    q = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
    for host in ("evil.example", "evil.example:%d" % server.port, "127.0.0.2", ""):
        status, _, body = _http(server, path=q, headers={"Host": host})
        assert status == 421, (host, body)
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "localhost"):
        assert _http(server, path=q, headers={"Host": host})[0] == 200
    with start_server(build, port=0, quiet=True, workers=1, allow_hosts=("kg.example",)) as srv:
        assert _http(srv, path=q, headers={"Host": f"kg.example:{srv.port}"})[0] == 200
        assert _http(srv, path=q, headers={"Host": "other.example"})[0] == 421


def test_cross_origin_requests_are_refused_same_origin_allowed(server):
    form = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    # a form POST from another site's page
    status, _, body = _http(server, "POST", body=form, headers={**ctype, "Origin": "http://evil.example"})
    assert status == 403 and b"--cors" in body
    status, _, _ = _http(server, query="ASK {}", headers={"Origin": "null"})
    assert status == 403
    # an <img>/<script> GET from another site: no Origin, but Sec-Fetch-Site
    status, _, _ = _http(server, query="ASK {}", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert status == 403
    # the server's own pages (the explorer) may POST; a followed link is a navigation
    own = f"http://127.0.0.1:{server.port}"
    status, _, body = _http(server, "POST", body=form, headers={**ctype, "Origin": own,
                                                                "Sec-Fetch-Site": "same-origin"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, _ = _http(server, query="ASK {}", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert status == 200


def test_cors_is_opt_in(build, server):
    pre = {"Origin": "http://example.org", "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "content-type"}
    status, headers, _ = _http(server, "OPTIONS", headers=pre)
    assert status == 200 and headers["access-control-allow-origin"] == "http://example.org"
    status, headers, _ = _http(server, query="ASK {}", headers={"Origin": "http://example.org"})
    assert status == 200 and headers["access-control-allow-origin"] == "http://example.org"
    status, headers, _ = _http(server, "OPTIONS", headers={**pre, "Origin": "http://evil.example"})
    assert status in (400, 403) and "access-control-allow-origin" not in headers
    with start_server(build, port=0, quiet=True, workers=1) as srv:  # default: no CORS
        status, headers, _ = _http(srv, "OPTIONS", headers=pre)
        assert status >= 400 and "access-control-allow-origin" not in headers
    with start_server(build, port=0, quiet=True, workers=1, cors=("*",)) as srv:
        status, headers, _ = _http(srv, query="ASK {}", headers={"Origin": "https://yasgui.example"})
        assert status == 200 and headers["access-control-allow-origin"] == "*"


# ------------------------------------------------------------------- size caps
def test_answer_size_cap_in_bytes(build):
    with start_server(build, port=0, quiet=True, workers=1, limit=1_000_000, max_bytes=20_000) as srv:
        status, _, body = _http(srv, query="SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert status == 413 and b"20000 byte cap" in body
        status, _, body = _http(srv, query="SELECT * WHERE { ?a ?b ?c } LIMIT 3")
        assert status == 200


def test_worker_memory_cap(build):
    doubling = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(34))
    concat = f'SELECT (STRLEN(?s34) AS ?n) WHERE {{ BIND("x" AS ?s0) {doubling} }}'
    with start_server(build, port=0, quiet=True, workers=1, memory=768 << 20, timeout_s=60) as srv:
        before = srv.worker_pids()
        t0 = time.monotonic()
        status, _, body = _http(srv, query=concat, timeout=90)
        assert status == 503 and b"memory" in body, body
        assert time.monotonic() - t0 < 60
        deadline = time.monotonic() + 20
        while (not srv.worker_pids() or srv.worker_pids() == before) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert srv.worker_pids() and srv.worker_pids() != before  # replaced
        status, _, body = _http(srv, query=COUNT)
        assert status == 200 and _n(body) == 300


def test_worker_memory_cap_on_a_cross_join(build):
    """A sorted 3-way cross join (27 M solutions) must be held whole: over the cap."""
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
    with start_server(build, port=0, quiet=True, workers=1, memory=600 << 20, timeout_s=120) as srv:
        status, _, body = _http(srv, query=q, timeout=150)
        assert status == 503 and b"memory" in body, body
        time.sleep(1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status, _, body = _http(srv, query=COUNT)
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200 and _n(body) == 300


# ----------------------------------------------------------------- slow clients
def test_idle_half_open_connections_do_not_block_queries(server):
    socks = []
    try:
        for i in range(200):
            s = socket.create_connection((server.host, server.port), timeout=5)
            if i % 2:
                s.sendall(b"GET /query?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
            socks.append(s)
        t0 = time.monotonic()
        status, _, body = _http(server, query=COUNT, timeout=10)
        assert status == 200 and _n(body) == 300
        assert time.monotonic() - t0 < 3
    finally:
        for s in socks:
            s.close()


def test_unfinished_request_headers_are_timed_out(build):
    with start_server(build, port=0, quiet=True, workers=1, header_timeout_s=1) as srv:
        s = socket.create_connection((srv.host, srv.port), timeout=10)
        s.sendall(b"GET /query HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        t0 = time.monotonic()
        assert s.recv(1000) == b""  # closed by the server
        assert 0.5 < time.monotonic() - t0 < 5
        s.close()
        # a body that never ends is cut too
        s = socket.create_connection((srv.host, srv.port), timeout=10)
        s.sendall(b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 100\r\n\r\nASK")
        t0 = time.monotonic()
        while s.recv(1000):
            pass
        assert 0.5 < time.monotonic() - t0 < 5
        s.close()
        # a whole request is answered
        status, _, _ = _http(srv, query="ASK {}")
        assert status == 200


def test_chunked_post_body(server):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def chunks():
        for i in range(0, len(q), 7):
            yield q[i:i + 7].encode()

    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("POST", "/query", body=chunks(), encode_chunked=True,
                     headers={"Content-Type": "application/sparql-query",
                              "Accept": "application/sparql-results+json"})
        r = conn.getresponse()
        assert r.status == 200 and _n(r.read()) == 300
    finally:
        conn.close()


# -------------------------------------------------------- prefixes and errors
def test_predeclared_prefixes_and_short_parser_errors(server):
    status, _, body = _http(server, query="SELECT (COUNT(*) AS ?n) WHERE { ?s kg:evaluatedOn ?o . "
                                          "FILTER(isLiteral(?o) && DATATYPE(?o) = xsd:string) }")
    assert status == 200 and _n(body) == 300, body
    for bad in ["SELECT * WHERE { ?s nope:p ?o }", "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?s = ) }",
                "SELECT * WHERE { ?s ?p ?o . é }"]:
        status, _, body = _http(server, query=bad)
        text = body.decode()
        assert status == 400 and len(text) < 200, text
        assert "\\u{" not in text
    status, _, body = _http(server, query="SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?s = ) }")
    assert b"3:" in body
    status, _, body = _http(server, query="SELECT * WHERE { ?s nope:p ?o }")
    assert b"prefix" in body


# ---------------------------------------------------------- one build at a time
def test_a_swapped_in_build_is_served_whole(tmp_path):
    from kg.pipeline import _swap_into_place

    out = _make_build(tmp_path / "build", 100, label="old")
    with start_server(out, port=0, quiet=True, workers=2, timeout_s=30) as srv:
        old_pids = set(srv.worker_pids())
        assert _n(_http(srv, query=COUNT)[2]) == 100
        new = _make_build(tmp_path / "next", 250, label="new")
        new_id = build_id(new)
        _swap_into_place(new, out)
        assert build_id(out) == new_id
        counts = set()
        barrier = threading.Barrier(4)

        def ask():
            barrier.wait()
            counts.add(_n(_http(srv, query=COUNT)[2]))

        threads = [threading.Thread(target=ask) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert counts == {250}
        assert srv.reloads == 1
        assert not old_pids & set(srv.worker_pids()) and len(srv.worker_pids()) == 2
        for _ in range(6):  # every worker now answers from the new build
            assert _n(_http(srv, query=COUNT)[2]) == 250


# ------------------------------------------------------------- other routes
def test_extra_routes_are_served_beside_query(build, server):
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    assert _http(server, path="/")[0] == 404  # the endpoint does not take "/"

    async def home(request):
        return HTMLResponse("<p>explorer</p>")

    with start_server(build, port=0, quiet=True, workers=1, extra_routes=(Route("/", home),)) as srv:
        status, headers, body = _http(srv, path="/")
        assert status == 200 and body == b"<p>explorer</p>"
        # the Host check covers the extra routes too
        assert _http(srv, path="/", headers={"Host": "evil.example"})[0] == 421
        # the page may POST a query to /query (same origin)
        own = f"http://127.0.0.1:{srv.port}"
        status, _, body = _http(srv, "POST", body=COUNT.encode(),
                                headers={"Content-Type": "application/sparql-query", "Origin": own})
        assert status == 200 and _n(body) == 300
