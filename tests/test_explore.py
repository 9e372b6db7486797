"""kg.explore: the explorer's pages, search API, in-process /query and the CLI twins,
on a real build of data/samples (the session's ``sample_build``)."""

from __future__ import annotations

import html
import json
import re

import markupsafe
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from kg.cli import app as cli
from kg.explore import CSP, Explorer, create_app


@pytest.fixture(scope="module")
def explorer(sample_build):
    return Explorer(sample_build)


@pytest.fixture(scope="module")
def client(sample_build):
    with TestClient(create_app(sample_build)) as c:
        yield c


def _evidence(G, head, tail, rel):
    return [ev["sentence"] for ev in G.edges[head, tail, rel]["evidence"]]


# ------------------------------------------------------------------ search


def test_search_ranks_exact_label_first_and_filters_by_type(explorer, sample_graph):
    hits = explorer.search("sadga")
    assert hits[0]["id"] == "sadga" and hits[0]["type"] == sample_graph.nodes["sadga"]["type"]
    assert hits[0]["mentions"] == sample_graph.nodes["sadga"]["count"]
    # an alias finds the entity and says which name matched
    alias = sample_graph.nodes["sadga"]["aliases"][0]
    by_alias = explorer.search(alias[:12].lower())
    assert any(h["id"] == "sadga" and h["matched"] == alias for h in by_alias)
    # the type filter keeps only that type
    spider_type = sample_graph.nodes["spider"]["type"]
    assert "spider" in [h["id"] for h in explorer.search("spider", type_=spider_type)]
    assert "spider" not in [h["id"] for h in explorer.search("spider", type_="Organization")]
    assert explorer.search("   ") == []


def test_search_orders_prefix_before_substring(explorer):
    hits = explorer.search("sql")
    names = [h["matched"].casefold() for h in hits]
    starts = [n.startswith("sql") for n in names]
    # every name starting with the text comes before any name merely containing it
    assert starts == sorted(starts, reverse=True)
    assert all("sql" in n for n in names)


def test_api_search_json(client, explorer):
    r = client.get("/api/search", params={"q": "Text-to-SQL", "type": "Task"})
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    body = r.json()
    assert body["hits"] == explorer.search("Text-to-SQL", type_="Task")
    assert body["hits"] and all(h["type"] == "Task" for h in body["hits"])
    assert client.get("/api/search", params={"q": "x", "limit": "lots"}).status_code == 400


def test_search_page_lists_hits_server_side(client):
    r = client.get("/", params={"q": "SADGA"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert '<a href="/entity/sadga">SADGA</a>' in r.text
    # every script is a file from this server: nothing inline, nothing external
    scripts = re.findall(r"<script([^>]*)>", r.text)
    assert scripts and all(re.fullmatch(r' src="/static/[\w/.-]+"', s) for s in scripts)
    assert "http://" not in r.text and "https://" not in r.text


# ------------------------------------------------------------------ entity page


def test_entity_page_relations_with_evidence_and_documents(client, sample_graph):
    r = client.get("/entity/sadga")
    assert r.status_code == 200
    page = r.text
    for tail, rel in (("spider", "evaluatedOn"), ("text-to-sql", "usedFor")):
        assert f'href="/entity/{tail}">{html.escape(sample_graph.nodes[tail]["label"])}</a>' in page
        assert f'data-relation="{rel}"' in page
        for sentence in _evidence(sample_graph, "sadga", tail, rel):
            assert f"<q>{html.escape(sentence)}</q>" in page
    for d in sample_graph.nodes["sadga"]["docs"]:
        assert f'href="/doc/{d.removeprefix("doc:")}"' in page
    ego = json.loads(re.search(r'<script type="application/json" id="kg-ego-data">(.*?)</script>', page, re.S).group(1))
    assert ego["nodes"][0]["id"] == "sadga" and {"spider", "text-to-sql"} <= {n["id"] for n in ego["nodes"]}


def test_entity_page_by_alias_and_results_table(client, explorer, sample_graph):
    results = [n for n, a in sample_graph.nodes(data=True) if a.get("kind") == "result"]
    method = next(v for r in results for _, v, k in sample_graph.out_edges(r, keys=True) if k == "ofMethod")
    data = explorer.entity(method)
    assert data["results"]
    page = client.get(f"/entity/{method}").text
    assert 'id="kg-results"' in page
    for row in data["results"]:
        assert html.escape(str(row["value"])) in page
        if row["dataset"]:
            assert f'href="/entity/{row["dataset"]["id"]}"' in page
    # an alias resolves to the same entity
    alias = sample_graph.nodes["sadga"]["aliases"][0]
    assert 'id="kg-entity">SADGA' in client.get(f"/entity/{alias}").text


def test_unknown_entity_is_404_with_close_matches(client):
    r = client.get("/entity/sadgx")
    assert r.status_code == 404 and "SADGA" in r.text
    assert r.headers["content-security-policy"] == CSP


# ------------------------------------------------------------------ document page


def test_document_page_highlights_mentions_with_displacy(client, explorer, sample_graph):
    doc = sample_graph.nodes["sadga"]["docs"][0]
    d = explorer.document(doc)
    r = client.get(f"/doc/{doc.removeprefix('doc:')}")
    assert r.status_code == 200
    marks = re.findall(r'<mark class="entity"[^>]*>(.*?)<span[^>]*>(.*?)</span>\s*</mark>', r.text, re.S)
    assert len(marks) == len(d["mentions"]) > 0
    for (inner, label), m in zip(marks, d["mentions"]):
        assert inner.strip() == html.escape(d["text"][m["start"]:m["end"]]).strip()
        assert label.startswith(m["type"])
    assert 'href="/entity/sadga"' in r.text
    # the facts this document supports, with their sentences
    assert d["facts"] and all(f"<q>{html.escape(f['sentence'])}</q>" in r.text for f in d["facts"])
    assert html.escape(d["title"]) in r.text


def test_document_unknown_is_404(client):
    assert client.get("/doc/no-such-doc").status_code == 404


# ------------------------------------------------------------------ SPARQL


def test_sparql_page_lists_named_queries_and_loads_an_example(client):
    from kg.query.named import list_named_queries

    named = list_named_queries()
    r = client.get("/sparql")
    assert r.status_code == 200
    for name, _, _ in named:
        assert f"/sparql?example={name}" in r.text
    name, _, path = named[0]
    r = client.get("/sparql", params={"example": name})
    assert str(markupsafe.escape(path.read_text(encoding="utf-8"))) in r.text
    assert 'data-run="1"' not in r.text
    assert 'data-run="1"' in client.get("/sparql", params={"query": "ASK {}"}).text


def test_query_endpoint_predeclares_kg_prefix(client, sample_graph):
    q = "SELECT ?label WHERE { ?m a kg:Method ; rdfs:label ?label }"
    n_methods = sum(1 for _, a in sample_graph.nodes(data=True) if a.get("type") == "Method" and a.get("kind") == "entity")
    for r in (client.post("/query", data={"query": q}),
              client.post("/query", content=q, headers={"Content-Type": "application/sparql-query"}),
              client.get("/query", params={"query": q})):
        assert r.status_code == 200, r.text
        labels = {b["label"]["value"] for b in r.json()["results"]["bindings"]}
        assert "SADGA" in labels and len(r.json()["results"]["bindings"]) == n_methods
    bad = client.post("/query", data={"query": "SELECT ?x WHERE { ?x kg:p }"})
    assert bad.status_code == 400 and "syntax" in bad.text.lower()
    assert client.post("/query", data={"update": "CLEAR ALL"}).status_code == 403


# ------------------------------------------------------------------ escaping


@pytest.fixture(scope="module")
def hostile_build(nlp, tmp_path_factory):
    """A real build of one document whose title and text carry markup."""
    from kg.pipeline import run_build

    src = tmp_path_factory.mktemp("hostile")
    (src / "evil.txt").write_text(  # plain text: the Markdown reader drops inline HTML
        "<script>alert('t')</script> BERT on SQuAD\n\n"
        "We evaluate BERT <img src=x onerror=alert(1)> on the SQuAD dataset and "
        "BERT achieves 93.2 F1 on SQuAD. BERT was developed by Google.\n",
        encoding="utf-8",
    )
    return run_build([src], tmp_path_factory.mktemp("hb") / "build", nlp=nlp).out_dir


def test_text_from_documents_is_escaped_everywhere(hostile_build):
    ex = Explorer(hostile_build)
    with TestClient(create_app(hostile_build)) as c:
        doc = next(n for n, a in ex.graph.nodes(data=True) if a.get("kind") == "document")
        pages = [c.get(f"/doc/{doc.removeprefix('doc:')}").text, c.get("/", params={"q": "bert"}).text]
        pages += [c.get(f"/entity/{h['id']}").text for h in ex.search("e")]
    assert len(pages) > 2
    for page in pages:
        assert "<img" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]


# ------------------------------------------------------------------ CLI


def test_cli_search_and_show(sample_build, explorer, sample_graph):
    runner = CliRunner()
    r = runner.invoke(cli, ["search", str(sample_build), "sadga"])
    assert r.exit_code == 0, r.output
    first = r.output.splitlines()[1].split()
    assert first[0] == "SADGA" and first[1] == sample_graph.nodes["sadga"]["type"]
    assert first[-1] == "sadga" and int(first[-2]) == sample_graph.nodes["sadga"]["count"]
    r = runner.invoke(cli, ["search", str(sample_build), "text-to", "--type", "task", "--json"])
    assert r.exit_code == 0 and json.loads(r.output) == explorer.search("text-to", type_="Task")
    r = runner.invoke(cli, ["search", str(sample_build), "spider", "--type", "Organization"])
    assert r.exit_code == 1 and "no matching entity" in r.output

    r = runner.invoke(cli, ["show", str(sample_build), "SADGA"])
    assert r.exit_code == 0, r.output
    assert "SADGA evaluatedOn →" in r.output and "Spider (" in r.output and "Text-to-SQL (" in r.output
    sentence = _evidence(sample_graph, "sadga", "spider", "evaluatedOn")[0]
    assert " ".join(sentence.split()[:6]) in " ".join(r.output.split())

    r = runner.invoke(cli, ["show", str(sample_build), "sadga", "--json"])
    assert r.exit_code == 0
    assert json.loads(r.output) == json.loads(json.dumps(explorer.entity("sadga"), default=str))

    r = runner.invoke(cli, ["show", str(sample_build), "sadgx"])
    assert r.exit_code == 1 and "SADGA" in r.output


@pytest.fixture(scope="module")
def hand_build(tmp_path_factory):
    """kg.viz.synthetic.example_graph (a hostile entity name, a <script> title, a
    Wikidata id) as a build folder holding only graph.json (no text, no store)."""
    from kg.export.graphio import write_node_link
    from kg.viz.synthetic import example_graph

    d = tmp_path_factory.mktemp("hand") / "build"
    d.mkdir()
    write_node_link(example_graph(), d / "graph.json")
    return d


def test_hand_graph_wikidata_link_and_hostile_names(hand_build):
    from kg.viz.synthetic import INJECTED_NAME

    with TestClient(create_app(hand_build)) as c:
        coco = c.get("/entity/coco").text
        assert '<a href="https://www.wikidata.org/wiki/Q28001997"' in coco
        evil = c.get("/entity/evil")
        assert evil.status_code == 200 and INJECTED_NAME not in evil.text
        assert html.escape(INJECTED_NAME, quote=False) in evil.text and "<b>bold</b>" not in evil.text
        hits = c.get("/api/search", params={"q": "<img"}).json()["hits"]
        assert [h["id"] for h in hits] == ["evil"] and hits[0]["label"] == INJECTED_NAME
        doc = c.get("/doc/evil")
        assert doc.status_code == 200 and "<script>alert" not in doc.text
        assert "keeps no text" in doc.text
        # no store in this folder: /query says so instead of failing
        assert c.get("/query", params={"query": "ASK {}"}).status_code == 503


def test_explorer_keeps_its_build_when_the_folder_is_rebuilt(nlp, tmp_path):
    """A new kg build swapped into the folder does not garble the documents shown."""
    from kg.pipeline import run_build

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# SADGA\n\nWe propose SADGA for Text-to-SQL and evaluate it on Spider.\n",
                              encoding="utf-8")
    out = tmp_path / "build"
    run_build([src], out, nlp=nlp)
    ex = Explorer(out)
    doc = next(n for n, a in ex.graph.nodes(data=True) if a.get("kind") == "document")
    before = ex.document(doc)
    assert before["text"] and before["mentions"]

    (src / "a.md").write_text("# Other\n\n" + "Padding text. " * 40 + "BERT was trained by Google on TPUs.\n",
                              encoding="utf-8")
    (src / "b.md").write_text("# More\n\nRTMDet reaches 52.8 AP on COCO.\n", encoding="utf-8")
    run_build([src], out, nlp=nlp)
    assert ex.document(doc) == before
    ex.close()
    assert ex.document(doc)["text"] is None


def test_build_views_served_with_their_own_csp(client, sample_build):
    r = client.get("/views/index.html")
    assert r.status_code == 200
    assert r.text == (sample_build / "index.html").read_text(encoding="utf-8")
    # the page's own <meta> CSP applies; the header only forbids framing
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert 'http-equiv="Content-Security-Policy"' in r.text
    assert client.get("/views/graph.json").status_code == 404
    assert client.get("/views/..%2Fgraph.json").status_code == 404


def test_document_metadata_links_arxiv(client, sample_graph):
    from kg.viz.render import arxiv_url

    docs = [(n, a) for n, a in sample_graph.nodes(data=True) if a.get("kind") == "document" and a.get("arxiv_id")]
    assert docs
    for n, a in docs:
        page = client.get(f"/doc/{n.removeprefix('doc:')}").text
        assert f'<a href="{arxiv_url(a["arxiv_id"])}" rel="noopener noreferrer">{a["arxiv_id"]}</a>' in page
        if a.get("date"):
            assert f"<dd>{a['date']}</dd>" in page
