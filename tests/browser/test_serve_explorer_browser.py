"""Issue 19's "Done when", end to end: ``kg serve build/ --cors http://example.org``
(the real command, in a subprocess) on the sample build, driven by Chromium."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import httpx
import pytest

CORS_ORIGIN = "http://example.org"


def _served_with_explorer() -> bool:
    try:
        from kg.serve import start_server
    except ImportError:
        return False
    return "extra_routes" in inspect.signature(start_server).parameters


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not _served_with_explorer(),
                       reason="kg serve has no extra_routes (the Starlette endpoint is not merged)"),
]


@pytest.fixture(scope="module")
def kg_serve(sample_build):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(sample_build), "--port", str(port),
         "--cors", CORS_ORIGIN, "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ),
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(origin + "/", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read() if proc.poll() is not None else ""
            proc.kill()
            pytest.fail(f"kg serve did not start: {out}")
        time.sleep(0.2)
    yield origin
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_done_when(kg_serve, browser, sample_graph):
    origin = kg_serve
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # / is an HTML page
        resp = page.goto(origin + "/")
        assert resp.status == 200 and resp.headers["content-type"].startswith("text/html")
        # typing SADGA in its search box leads to SADGA's page ...
        page.locator("#kg-q").press_sequentially("SADGA", delay=30)
        page.locator("#kg-hits a", has_text="SADGA").first.click()
        page.wait_for_url("**/entity/sadga")
        # ... which shows Spider and Text-to-SQL with their evidence sentences
        for tail, rel in (("spider", "evaluatedOn"), ("text-to-sql", "usedFor")):
            fact = page.locator(f'section.kg-rel[data-relation="{rel}"] li.kg-fact',
                                has=page.locator(f'a[href="/entity/{tail}"]'))
            assert fact.locator(".kg-evidence q").all_text_contents() == [
                ev["sentence"] for ev in sample_graph.edges["sadga", tail, rel]["evidence"]]
        # its document page highlights the entities
        page.locator("a.kg-doclink").first.click()
        page.wait_for_url("**/doc/**")
        assert page.locator("#kg-doc-text mark.entity").count() > 3
        # the SPARQL page POSTs a kg: query without PREFIX to /query (same origin)
        q = "SELECT ?label WHERE { ?m a kg:Method ; rdfs:label ?label }"
        page.goto(origin + "/sparql?query=" + quote(q))
        page.wait_for_function("() => window.kgSparql && window.kgSparql.done", timeout=30000)
        assert page.evaluate("window.kgSparql.error") is None
        n_methods = sum(1 for _, a in sample_graph.nodes(data=True)
                        if a.get("kind") == "entity" and a.get("type") == "Method")
        assert page.evaluate("window.kgSparql.rows") == n_methods
    finally:
        ctx.close()
    assert outside == [] and errors == []

    # a query using kg: without a PREFIX line works at /query
    r = httpx.get(origin + "/query", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == n_methods
    # a preflight from http://example.org is allowed; another origin is not
    pre = httpx.options(origin + "/query", headers={
        "Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == CORS_ORIGIN
    other = httpx.options(origin + "/query", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert other.status_code >= 400 and "access-control-allow-origin" not in other.headers
