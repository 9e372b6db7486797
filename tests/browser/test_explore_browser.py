"""The web explorer in headless Chromium: search → entity → document, SPARQL page,
back button, and no request leaving the server (every request is intercepted)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def _serve(app) -> tuple[str, Any, threading.Thread]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; return its origin."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="module")
def origin(sample_build):
    from kg.explore import create_app

    url, server, thread = _serve(create_app(sample_build))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Visit:
    """A browser tab on the explorer, with every request it made or tried."""

    page: Any
    origin: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.requests, "no request was seen"
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.console_errors == [], self.console_errors


@pytest.fixture
def visit(browser, origin):
    contexts = []

    def _open(path: str = "/") -> Visit:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        v = Visit(page, origin)

        def route(r):
            url = r.request.url
            v.requests.append(url)
            if url.startswith(origin + "/") or url.startswith("blob:" + origin + "/"):
                r.continue_()
            else:
                v.outside.append(url)
                r.abort()

        ctx.route("**/*", route)
        page.on("pageerror", lambda e: v.errors.append(str(e)))
        page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
        page.goto(origin + path)
        return v

    yield _open
    for ctx in contexts:
        ctx.close()


def _path_and_query(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)


def test_type_ahead_to_entity_to_document_and_back(visit, sample_graph):
    v = visit("/")
    page = v.page
    page.locator("#kg-q").press_sequentially("SADGA", delay=30)
    page.wait_for_function("() => document.body.dataset.searched === 'SADGA'", timeout=10000)
    hit = page.locator("#kg-hits a", has_text="SADGA").first
    # the typed text is in the URL, so the back button can come back to it
    assert _path_and_query(page.url) == ("/", {"q": ["SADGA"]})
    hit.click()
    page.wait_for_url("**/entity/sadga")

    # SADGA's page: Spider and Text-to-SQL with their evidence sentences
    for tail, rel in (("spider", "evaluatedOn"), ("text-to-sql", "usedFor")):
        section = page.locator(f'section.kg-rel[data-relation="{rel}"]')
        fact = section.locator("li.kg-fact", has=page.locator(f'a[href="/entity/{tail}"]'))
        assert fact.locator("a").first.text_content() == sample_graph.nodes[tail]["label"]
        shown = fact.locator(".kg-evidence q").all_text_contents()
        assert shown == [ev["sentence"] for ev in sample_graph.edges["sadga", tail, rel]["evidence"]]
    page.wait_for_function("() => window.kgEgo && window.kgEgo.ready", timeout=20000)
    assert page.evaluate("window.kgEgo.nodes") >= 3

    # its document: the text with entities highlighted by type (displaCy marks)
    page.locator("a.kg-doclink").first.click()
    page.wait_for_url("**/doc/**")
    marks = page.locator("#kg-doc-text mark.entity")
    assert marks.count() > 3
    types = set(page.locator("#kg-doc-text mark.entity > span").all_text_contents())
    assert any(t.startswith("Method") for t in types) and any(t.startswith("Task") for t in types)
    sadga_mark = page.locator('#kg-doc-text mark.entity a[href="/entity/sadga"]').first
    assert sadga_mark.count() == 1

    # back, back: the entity page, then the search with SADGA listed
    page.go_back()
    page.wait_for_url("**/entity/sadga")
    page.go_back()
    page.wait_for_url("**/?q=SADGA")
    page.locator("#kg-hits a", has_text="SADGA").first.wait_for(timeout=10000)
    assert page.locator("#kg-q").input_value() == "SADGA"
    v.assert_clean()


def test_type_filter_narrows_hits(visit, sample_graph):
    v = visit("/")
    page = v.page
    page.locator("#kg-q").fill("spider")
    page.wait_for_function("() => document.body.dataset.searched === 'spider'", timeout=10000)
    page.locator('#kg-hits a[href="/entity/spider"]').wait_for(timeout=10000)
    page.locator("#kg-type").select_option("Organization")
    page.wait_for_function(
        "() => !document.querySelector('#kg-hits a[href=\"/entity/spider\"]')", timeout=10000
    )
    assert _path_and_query(page.url)[1] == {"q": ["spider"], "type": ["Organization"]}
    v.assert_clean()


def test_sparql_page_runs_kg_query_sorts_and_downloads_csv(visit, sample_graph, tmp_path):
    labels = sorted(
        str(a["label"]) for _, a in sample_graph.nodes(data=True)
        if a.get("kind") == "entity" and a.get("type") == "Method"
    )
    v = visit("/sparql")
    page = v.page
    page.locator(".CodeMirror").wait_for()
    page.evaluate("q => window.kgEditor.setValue(q)",
                  "SELECT ?label ?m WHERE { ?m a kg:Method ; rdfs:label ?label }")
    page.locator("#kg-run").click()
    page.wait_for_url("**/sparql?query=*")
    page.wait_for_function("() => window.kgSparql && window.kgSparql.done", timeout=20000)
    assert page.evaluate("window.kgSparql.error") is None
    cells = page.locator("#kg-result-table tbody td:nth-child(1)")
    assert cells.count() == len(labels)
    assert sorted(cells.all_text_contents()) == labels

    header = page.locator("#kg-result-table th", has_text="label")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    asc = cells.all_text_contents()
    assert asc == page.evaluate("xs => xs.slice().sort((a, b) => a.localeCompare(b))", labels)
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert cells.all_text_contents() == asc[::-1]

    with page.expect_download() as dl:
        page.locator("#kg-csv").click()
    path = tmp_path / "results.csv"
    dl.value.save_as(path)
    import csv

    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    assert rows[0] == ["label", "m"] and sorted(r[0] for r in rows[1:]) == labels

    # the build's entity IRIs link to their pages
    sadga_row = page.locator("#kg-result-table tbody tr", has=page.locator("td:nth-child(1)", has_text="SADGA"))
    link = sadga_row.locator("td:nth-child(2) a")
    assert link.get_attribute("href") == "/entity/sadga"
    link.click()
    page.wait_for_url("**/entity/sadga")
    page.go_back()
    page.wait_for_url("**/sparql?query=*")
    page.wait_for_function("() => window.kgSparql && window.kgSparql.done", timeout=20000)

    # a named example loads into the editor; back returns to the run query
    page.locator(".kg-examples a").first.click()
    page.wait_for_url("**/sparql?example=*")
    assert "SELECT" in page.evaluate("window.kgEditor.getValue()").upper()
    page.go_back()
    page.wait_for_url("**/sparql?query=*")
    page.wait_for_function("() => window.kgSparql && window.kgSparql.done", timeout=20000)
    assert page.locator("#kg-result-table tbody td:nth-child(1)").count() == len(labels)
    v.assert_clean()


def test_sparql_syntax_error_is_shown(visit):
    v = visit("/sparql?query=" + "SELECT%20%3Fx%20WHERE%20%7B%20%3Fx%20kg%3Ap%20%7D")
    page = v.page
    page.wait_for_function("() => window.kgSparql && window.kgSparql.done", timeout=20000)
    err = page.locator("#kg-error")
    assert err.is_visible() and "400" in err.text_content()
    assert v.outside == [] and v.errors == []


def test_arrow_keys_and_enter_open_a_hit(visit):
    v = visit("/")
    page = v.page
    page.locator("#kg-q").press_sequentially("text-to", delay=20)
    page.wait_for_function("() => document.body.dataset.searched === 'text-to'", timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator("#kg-hits li a").all()]
    assert len(hrefs) >= 2
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#kg-hits li.kg-active a").get_attribute("href") == hrefs[1]
    page.keyboard.press("Enter")
    page.wait_for_url("**" + hrefs[1])
    v.assert_clean()


def test_overview_views_open_from_the_explorer(visit):
    v = visit("/")
    page = v.page
    page.locator("header nav a", has_text="Overview").click()
    page.wait_for_url("**/views/index.html")
    page.wait_for_function("() => window.kgStatus && window.kgStatus.stabilized", timeout=30000)
    assert page.evaluate("network.body.data.nodes.length") > 10
    page.locator("nav a", has_text="Method").first.click()
    page.wait_for_url("**/views/type-method.html")
    page.wait_for_function("() => window.kgStatus && window.kgStatus.stabilized", timeout=30000)
    page.go_back()
    page.wait_for_url("**/views/index.html")
    v.assert_clean()
