"""Graph views: selection, escaping, self-containment, site pages, `kg view` entry point."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import BuildError, KGError
from kg.viz import (
    RenderError,
    ViewError,
    find_document,
    find_entity,
    render_html,
    select_view,
    type_page_name,
    view_command,
    write_site,
)
from kg.viz.render import arxiv_url, build_page, safe_url
from kg.viz.site import read_graph_json
from kg.viz.synthetic import INJECTED_NAME, example_graph, synthetic_graph


def snapshot(G: nx.MultiDiGraph) -> dict:
    return copy.deepcopy(
        {"graph": G.graph, "nodes": list(G.nodes(data=True)), "edges": list(G.edges(keys=True, data=True))}
    )


def page_data(page: str) -> dict:
    m = re.search(r"window\.KG_DATA = (.*?);</script>", page, re.S)
    assert m, "no KG_DATA in page"
    return json.loads(m.group(1))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture
def G() -> nx.MultiDiGraph:
    return example_graph()


# ---------------------------------------------------------------- select_view


def test_views_never_change_the_graph(G, tmp_path):
    before = snapshot(G)
    select_view(G)
    select_view(G, entity="SADGA", radius=2)
    select_view(G, document="2212.07784")
    select_view(G, types=["dataset"], with_neighbors=True, top=2)
    select_view(G, relations=["coMentioned"], since="2021-06")
    v = select_view(G, entity="rtmdet")
    v.nodes["rtmdet"]["label"] = "changed"
    v.edges["rtmdet", "coco", "evaluatedOn"]["evidence"][0]["sentence"] = "changed"
    render_html(select_view(G), tmp_path / "o.html", title="t")
    write_site(G, tmp_path / "site")
    assert snapshot(G) == before


def test_overview_shows_typed_relations_and_results_not_documents(G):
    v = select_view(G)
    kinds = {a["kind"] for _, a in v.nodes(data=True)}
    assert kinds == {"entity", "result"}
    keys = {k for _, _, k in v.edges(keys=True)}
    assert "coMentioned" not in keys and "mentions" not in keys
    assert {"evaluatedOn", "usedFor", "outperforms", "runsOn", "ofMethod", "onDataset"} <= keys
    assert v.graph["view"]["nodes_total"] == 11 == v.number_of_nodes()
    # evidence documents are carried for tooltips
    assert v.graph["documents"]["doc:sadga"]["arxiv_id"] == "2111.00653"


def test_comentioned_only_when_asked(G):
    v = select_view(G, relations=["comentioned"])
    assert list(v.edges(keys=True)) == [("sadga", "spider", "coMentioned")]
    assert set(v.nodes) == {"sadga", "spider"}


def test_ego_view_of_sadga(G):
    v = select_view(G, entity="SADGA")
    assert set(v.nodes) == {"sadga", "spider", "text-to-sql"}
    ev = v.edges["sadga", "spider", "evaluatedOn"]["evidence"]
    assert "Spider" in ev[0]["sentence"]
    assert v.graph["view"]["centre"] == "sadga"


def test_ego_radius_two_reaches_through_results(G):
    r1 = select_view(G, entity="rtmdet", radius=1)
    r2 = select_view(G, entity="rtmdet", radius=2)
    assert "result:rtmdet-coco-ap" in r1 and "ap" not in r1
    assert "ap" in r2 and "evil" in r2  # evil → COCO ← RTMDet
    assert set(r1.nodes) < set(r2.nodes)


def test_entity_lookup_by_alias_and_errors(G):
    assert find_entity(G, "MS COCO") == "coco"
    assert find_entity(G, "rtx 3090") == "nvidia-geforce-rtx-3090"
    with pytest.raises(ViewError, match=r"close matches: SADGA \(sadga\)"):
        select_view(G, entity="SADG")
    with pytest.raises(ViewError, match="no close matches"):
        select_view(G, entity="zzzzzz")
    G.add_node("sadga-2", kind="entity", type="Method", label="SADGA", count=1, docs=[])
    with pytest.raises(ViewError, match="ambiguous: sadga \\(Method\\), sadga-2"):
        find_entity(G, "SADGA")


def test_document_view_keeps_only_that_documents_evidence(G):
    # the same relation stated by a second document
    other = {**G.edges["rtmdet", "coco", "evaluatedOn"]["evidence"][0], "doc": "doc:evil"}
    G.edges["rtmdet", "coco", "evaluatedOn"]["evidence"].append(other)
    G.edges["rtmdet", "coco", "evaluatedOn"]["count"] = 2
    v = select_view(G, document="arXiv:2212.07784v1")
    assert v.graph["view"]["centre"] == "doc:rtmdet"
    assert {"doc:rtmdet", "rtmdet", "coco", "result:rtmdet-coco-ap"} <= set(v.nodes)
    assert "sadga" not in v and "evil" not in v
    e = v.edges["rtmdet", "coco", "evaluatedOn"]
    assert e["count"] == 1 and [x["doc"] for x in e["evidence"]] == ["doc:rtmdet"]
    assert ("doc:rtmdet", "rtmdet", "mentions") in set(v.edges(keys=True))
    assert find_document(G, "rtmdet") == "doc:rtmdet"
    with pytest.raises(ViewError, match="unknown document"):
        select_view(G, document="9999.99999")


def test_since_filters_documents_entities_and_evidence(G):
    v = select_view(G, since="2022")
    assert "sadga" not in v and "spider" not in v
    assert {"rtmdet", "coco", "evil"} <= set(v.nodes)
    v = select_view(G, since="2023-01-15")
    assert set(v.nodes) == {"evil", "coco", "nvidia"}
    assert select_view(G, since="2030").number_of_nodes() == 0
    for bad in ("2022-13", "last year", "2022/01/01"):
        with pytest.raises(ViewError, match="since"):
            select_view(G, since=bad)


def test_types_and_relations_filters(G):
    v = select_view(G, types=["method"])
    assert {v.nodes[n]["type"] for n in v} == {"Method"}
    assert list(v.edges(keys=True)) == [("rtmdet", "yolov6", "outperforms")]
    v = select_view(G, types=["Dataset"], with_neighbors=True)
    assert set(v.nodes) == {"coco", "rtmdet", "evil", "result:rtmdet-coco-ap"}
    v = select_view(G, relations=["evaluatedOn"])
    assert set(v.nodes) == {"sadga", "spider", "rtmdet", "coco", "evil"}
    with pytest.raises(ViewError, match="unknown type 'Methd'; did you mean Method"):
        select_view(G, types=["Methd"])
    with pytest.raises(ViewError, match="unknown relation 'evaluated'"):
        select_view(G, relations=["evaluated"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"radius": 0, "entity": "sadga"}, "radius"),
        ({"top": 0}, "top"),
        ({"rank": "betweenness"}, "rank"),
        ({"entity": "sadga", "document": "doc:sadga"}, "either"),
    ],
)
def test_bad_arguments_raise_clear_errors(G, kwargs, message):
    with pytest.raises(KGError, match=message):
        select_view(G, **kwargs)


def test_top_keeps_most_important_and_the_centre():
    S = synthetic_graph(400, seed=3)
    v = select_view(S, top=25)
    assert v.number_of_nodes() == 25
    assert v.graph["view"]["nodes_total"] > 25
    # the hub entity (most mentioned) is in; ranking is deterministic
    assert "e0" in v
    assert set(select_view(S, top=25).nodes) == set(v.nodes)
    by_count = select_view(S, top=10, rank="count")
    counts = sorted((a["count"] for n, a in S.nodes(data=True) if a.get("kind") == "entity"), reverse=True)
    assert sorted((by_count.nodes[n].get("count") or 0 for n in by_count), reverse=True)[:5] == counts[:5]
    ego = select_view(S, entity="e250", radius=2, top=5) if "e250" in S else None
    if ego is not None:
        assert "e250" in ego and ego.number_of_nodes() <= 5


# ---------------------------------------------------------------- render_html


def test_page_is_self_contained_and_escaped(G, tmp_path):
    out = render_html(select_view(G), tmp_path / "v.html", title="T <i>", note="a & <b>")
    page = out.read_text(encoding="utf-8")
    # the hostile strings never appear as markup anywhere in the file
    assert "<img src=x" not in page
    assert "<script>window.__kgPwned" not in page
    assert "<b>bold</b>" not in page and "<b>friends</b>" not in page
    assert "javascript:alert" not in page
    assert "<title>T &lt;i&gt;</title>" in page and "a &amp; &lt;b&gt;" in page
    p = _Tags()
    p.feed(page)
    for tag, attrs in p.tags:
        assert not (tag == "script" and attrs.get("src")), attrs
        assert tag != "link", attrs
        assert not (tag == "img"), attrs
    for host in ("cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com", "bootstrap"):
        assert host not in page
    # every inline script is allowed by its hash in the CSP, nothing else is
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp
    for code in p.scripts:
        h = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{h}'" in csp
    assert len(p.scripts) == 3


def test_tooltips_hold_escaped_evidence_and_arxiv_links(G):
    page, info = build_page(select_view(G), title="t")
    data = page_data(page)
    assert info == {"nodes": 11, "edges": 10, "nodes_in_view": 11, "sampled": False, "links_in_view": 10}
    assert len(data["nodes"]) == 11
    evil = data["nodeDetails"]["evil"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil
    assert "&lt;script&gt;window.__kgPwned" in evil and "<script" not in evil
    assert "&lt;b&gt;bold&lt;/b&gt;" in evil
    assert 'href="javascript' not in evil
    sadga = data["nodeDetails"]["sadga"]
    assert 'href="https://arxiv.org/abs/2111.00653"' in sadga
    assert "3rd place on the challenging Text-to-SQL benchmark Spider" in sadga
    assert "Structure-Aware Dual Graph Aggregation Network" in sadga  # alias
    assert "Mentions: 3 in 1 document" in sadga
    coco = data["nodeDetails"]["coco"]
    assert 'href="https://www.wikidata.org/wiki/Q28001997"' in coco
    res = data["nodeDetails"]["result:rtmdet-coco-ap"]
    assert "52.8 %" in res and "Metric: AP" in res
    # one drawn edge per node pair, labelled by relation, with its evidence
    labels = {(e["from"], e["to"]): e for e in data["edges"]}
    e = labels[("sadga", "spider")]
    assert e["label"] == "evaluatedOn"
    assert "support 1" in data["edgeDetails"][e["id"]]


def test_parallel_relations_draw_as_one_labelled_edge(G):
    page, _ = build_page(select_view(G, relations=["evaluatedOn", "coMentioned"]), title="t")
    data = page_data(page)
    e = [x for x in data["edges"] if (x["from"], x["to"]) == ("sadga", "spider")]
    assert len(e) == 1 and e[0]["label"] == "coMentioned, evaluatedOn"
    details = data["edgeDetails"][e[0]["id"]]
    assert details.count("kg-d-sec") == 2


def test_one_style_per_type_and_legend(G):
    page, _ = build_page(select_view(G), title="t")
    data = page_data(page)
    groups = data["options"]["groups"]
    pairs = {(g["color"]["background"], g["shape"]) for g in groups.values()}
    assert len(pairs) == len(groups) == 8
    for node in data["nodes"]:
        assert node["shape"] == groups[node["group"]]["shape"]
    legend = re.search(r'<ul class="kg-legend".*?</ul>', page, re.S).group(0)
    for t in ("Method", "Dataset", "Benchmark", "Task", "Metric", "Organization", "Hardware", "Result"):
        assert f">{t}" in legend or f"{t}</a>" in legend
    # node size follows support
    sizes = {n["id"]: n["value"] for n in data["nodes"]}
    assert sizes["text-to-sql"] == 5 and sizes["spider"] == 1


def test_large_views_are_sampled_and_say_so(tmp_path):
    S = synthetic_graph(300, seed=1)
    v = select_view(S, top=10_000)
    n = v.number_of_nodes()
    page, info = build_page(v, title="t", max_nodes=50)
    assert info["sampled"] and info["nodes"] == 50 and info["nodes_in_view"] == n
    assert len(page_data(page)["nodes"]) == 50
    assert f"This view has {n:,} nodes; drawing the 50 most important" in page
    page, _ = build_page(select_view(S, top=40), title="t")
    assert "most important of" in page and "by pagerank" in page


def test_physics_stops_and_layouts_can_be_precomputed(G):
    page, _ = build_page(select_view(G), title="t")
    opts = page_data(page)["options"]
    assert opts["physics"]["enabled"] and opts["physics"]["stabilization"]["enabled"]
    assert "stabilizationIterationsDone" in page and "physics: { enabled: false }" in page
    page, _ = build_page(select_view(G), title="t", layout="spring")
    data = page_data(page)
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in data["nodes"])
    with pytest.raises(RenderError, match="unknown layout"):
        build_page(select_view(G), title="t", layout="hairball")


def test_output_is_deterministic_and_written_atomically(G, tmp_path):
    a = render_html(select_view(G), tmp_path / "a.html", title="t").read_bytes()
    b = render_html(select_view(G), tmp_path / "a.html", title="t").read_bytes()
    assert a == b
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match=re.escape(str(blocker / "v.html"))):
        render_html(select_view(G), blocker / "v.html", title="t")


def test_navigation_links_are_checked(G):
    with pytest.raises(RenderError, match="disallowed URL scheme"):
        build_page(select_view(G), title="t", links={"x": "javascript:alert(1)"})


def test_url_helpers():
    assert arxiv_url("arXiv:2212.07784v2") == "https://arxiv.org/abs/2212.07784v2"
    assert arxiv_url("cs/0112017") == "https://arxiv.org/abs/cs/0112017"
    assert arxiv_url('2212.07784"><script>') is None
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"


# ---------------------------------------------------------------- site and CLI entry


def test_write_site_writes_index_and_type_pages(G, tmp_path):
    paths = write_site(G, tmp_path)
    names = [p.name for p in paths]
    assert names[0] == "index.html"
    assert names[1:] == [
        type_page_name(t)
        for t in ("Method", "Dataset", "Benchmark", "Task", "Metric", "Organization", "Hardware")
    ]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in names[1:]:
        assert f'href="{name}"' in index
    ds = page_data((tmp_path / "type-dataset.html").read_text(encoding="utf-8"))
    assert {n["id"] for n in ds["nodes"]} == {"coco", "rtmdet", "evil", "result:rtmdet-coco-ap"}
    assert 'aria-current="page">Dataset<' in (tmp_path / "type-dataset.html").read_text(encoding="utf-8")


def test_view_command_reads_a_build_dir(G, tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    (build / "graph.json").write_text(json.dumps(nx.node_link_data(G, edges="edges")), encoding="utf-8")
    out = view_command(build, tmp_path / "ego.html", entity="SADGA")
    data = page_data(out.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == {"sadga", "spider", "text-to-sql"}
    assert "SADGA: neighbourhood (radius 1)" in out.read_text(encoding="utf-8")
    out = view_command(build, tmp_path / "t.html", types=["Method"], relations=["outperforms"], since="2022")
    assert {n["id"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]} == {"rtmdet", "yolov6"}
    with pytest.raises(ViewError, match="unknown entity"):
        view_command(build, tmp_path / "x.html", entity="nonexistent-thing")


def test_view_command_errors_name_the_file(tmp_path):
    with pytest.raises(BuildError, match="not a directory"):
        view_command(tmp_path / "missing", tmp_path / "x.html")
    (tmp_path / "graph.json").write_text('{"nodes": [\n  {"id": 1},\n  oops]}', encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(str(tmp_path / "graph.json"))):
        view_command(tmp_path, tmp_path / "x.html")
    # the fallback reader names the line too
    with pytest.raises(BuildError, match=re.escape(str(tmp_path / "graph.json")) + ":3: not valid JSON"):
        read_graph_json(tmp_path / "graph.json")
    (tmp_path / "graph.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(BuildError, match="not a node-link graph"):
        read_graph_json(tmp_path / "graph.json")


def test_sample_corpus_ego_view_of_sadga(request, tmp_path):
    """On the graph built from data/samples (the lead's ``sample_graph`` fixture)."""
    try:
        S = request.getfixturevalue("sample_graph")
    except pytest.FixtureLookupError:
        pytest.skip("tests/conftest.py does not provide the sample_graph fixture yet")
    before = snapshot(S)
    sadga = find_entity(S, "SADGA")
    v = select_view(S, entity=sadga)
    labels = {a.get("label") for _, a in v.nodes(data=True)}
    assert "Spider" in labels and "Text-to-SQL" in labels
    page, _ = build_page(v, title="SADGA")
    details = page_data(page)["nodeDetails"][sadga]
    assert "Spider" in details and "<q>" in details
    write_site(S, tmp_path)
    assert (tmp_path / "index.html").exists() and (tmp_path / "type-method.html").exists()
    assert snapshot(S) == before


def test_type_page_keeps_its_type_first_under_a_cap():
    S = synthetic_graph(600, seed=7)
    v = select_view(S, types=["Dataset"], with_neighbors=True, top=30)
    assert v.number_of_nodes() == 30
    types = [a["type"] for _, a in v.nodes(data=True)]
    assert types.count("Dataset") == 20 and len(set(types)) > 1
    # every neighbour shown is linked to a dataset shown
    for n, a in v.nodes(data=True):
        if a["type"] != "Dataset":
            assert any(v.nodes[m]["type"] == "Dataset" for m in nx.all_neighbors(v, n))


def test_dense_views_draw_a_backbone_and_say_so():
    S = synthetic_graph(3000, n_docs=6000, seed=2, evidence=False)
    v = select_view(S, top=150)
    page, info = build_page(v, title="t", max_edges_per_node=3)
    data = page_data(page)
    assert info["edges"] < info["links_in_view"]
    assert f"Drawing the strongest {info['edges']:,} of {info['links_in_view']:,} links" in page
    deg = {n["id"]: 0 for n in data["nodes"]}
    for e in data["edges"]:
        deg[e["from"]] += 1
        deg[e["to"]] += 1
    linked = {n for n in v if v.degree(n) > 0}
    assert all(deg[n] >= 1 for n in linked)  # no node loses all its links
    full, info_all = build_page(v, title="t", max_edges_per_node=None)
    assert info_all["edges"] == info_all["links_in_view"] and "Drawing the strongest" not in full


def test_node_tooltips_list_typed_relations_before_mentions(G):
    v = select_view(G, document="doc:sadga")
    page, _ = build_page(v, title="t")
    details = page_data(page)["nodeDetails"]["sadga"]
    # four relations, three shown: the typed ones win over the document's mention
    for rel in ("evaluatedOn", "usedFor", "proposes"):
        assert f"<b>{rel}</b>" in details
    assert "<b>mentions</b>" not in details


def test_large_views_start_from_seeded_positions_and_draw_light():
    S = synthetic_graph(3000, seed=4)
    v = select_view(S, top=1200)
    page, info = build_page(v, title="t")
    data = page_data(page)
    assert info["nodes"] == 1200
    assert all("x" in n and "y" in n for n in data["nodes"])  # sunflower seed
    assert data["options"]["physics"]["enabled"] is True  # refined in the browser
    assert not any("label" in e for e in data["edges"])
    assert data["options"]["nodes"]["scaling"]["label"]["enabled"] is True
    small, _ = build_page(select_view(S, top=100), title="t")
    assert all("x" not in n for n in page_data(small)["nodes"])


def test_pages_are_byte_identical_across_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from kg.viz import write_site; "
        "from kg.viz.synthetic import example_graph; write_site(example_graph(), Path(sys.argv[1]))"
    )
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, timeout=120)
        pages.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert pages[0].keys() == pages[1].keys() and len(pages[0]) == 8
    assert pages[0] == pages[1]


# ---------------------------------------------------------------- overview (folded co-mentions)


def _isolated(view: nx.MultiDiGraph) -> int:
    return sum(1 for n in view if view.degree(n) == 0)


def test_overview_of_the_sample_build_connects_what_documents_share(sample_graph):
    """Folding documents into co-mentions leaves few isolated nodes, and every
    folded edge is backed by documents that really mention both entities."""
    from kg.viz import overview_view
    from kg.viz.overview import fold_weight

    S = sample_graph
    before = snapshot(S)
    old = select_view(S)
    view = overview_view(S, top=100)
    assert snapshot(S) == before
    assert view.number_of_nodes() == 100
    assert _isolated(old) / old.number_of_nodes() > 0.5  # the scatter the issue reports
    assert _isolated(view) / view.number_of_nodes() < 0.1
    assert all(S.nodes[n].get("kind") in ("entity", "result") for n in view)
    folded = [(u, v, d) for u, v, k, d in view.edges(keys=True, data=True) if d.get("folded")]
    assert folded
    for u, v, d in folded:
        shared = set(S.nodes[u]["docs"]) & set(S.nodes[v]["docs"])
        assert set(d["docs"]) == shared and d["count"] == len(shared) > 0
        assert d["weight"] == fold_weight(len(shared), d["sentences"])
        for ev in d["evidence"]:
            assert ev["doc"] in shared
            if ev.get("sentence"):
                text = ev["sentence"].casefold()
                names = lambda n: [S.nodes[n]["label"]] + list(S.nodes[n].get("aliases") or [])  # noqa: E731
                assert any(x.casefold() in text for x in names(u)) or S.nodes[u]["type"] == "Metric"
    # every typed relation between two shown nodes is kept
    typed = {(u, v, k) for u, v, k in S.edges(keys=True) if u in view and v in view
             and k not in ("mentions", "coMentioned")}
    assert typed <= set(view.edges(keys=True))


def test_overview_page_names_the_documents_of_an_entity(sample_graph):
    """BERT, an isolated dot before, is linked and its tooltip names its documents."""
    from kg.viz import find_entity, overview_view

    S = sample_graph
    bert = find_entity(S, "BERT")
    view = overview_view(S, top=150)
    assert bert in view and view.degree(bert) > 0
    assert bert in select_view(S) and select_view(S).degree(bert) == 0  # before: a lone dot
    page, info = build_page(view, title="Overview")
    data = page_data(page)
    tip = data["nodeDetails"][bert]
    assert "Mentioned in" in tip
    for d in S.nodes[bert]["docs"][:5]:
        title = S.nodes[d].get("title") or S.nodes[d]["label"]
        assert html.escape(title[:60]) in tip
    assert all("Mentioned in" in data["nodeDetails"][n] for n in view if S.nodes[n]["kind"] == "entity")
    drawn = {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]}
    assert bert in drawn
    assert info["edges"] >= info["nodes"]
    assert data["labelPx"] == 12
    # co-mentions are undirected, dashed and unlabelled; typed relations solid and labelled
    for e in data["edges"]:
        tip_e = data["edgeDetails"][e["id"]]
        if e["dashes"]:
            assert e["arrows"] == {"to": {"enabled": False}} and "label" not in e
            assert "Co-mentioned in" in tip_e
        else:
            assert e["label"] and "coMentioned" not in e["label"]


def test_folded_edge_tooltips_escape_document_titles():
    from kg.viz import overview_view

    G = example_graph()
    G.nodes["coco"]["docs"] = sorted(set(G.nodes["coco"]["docs"]) | {"doc:evil"})
    view = overview_view(G)
    e = [d for u, v, k, d in view.edges(keys=True, data=True) if d.get("folded") and {u, v} == {"coco", "evil"}]
    assert e and e[0]["docs"] == ["doc:evil"]
    page, _ = build_page(view, title="t")
    data = page_data(page)
    tips = " ".join(data["edgeDetails"].values())
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Weekly AI news" in tips
    assert "<script>alert" not in tips


def test_backbone_keeps_typed_links_first():
    from kg.viz.render import backbone

    support = {("a", "b"): 9, ("a", "c"): 1, ("b", "c"): 5}
    assert backbone(support, 1) == [("a", "b"), ("b", "c")]
    assert backbone(support, 1, first={("a", "c")}) == [("a", "b"), ("a", "c")]


def test_site_and_view_command_use_the_overview(G, tmp_path):
    paths = write_site(G, tmp_path / "site")
    data = page_data(paths[0].read_text(encoding="utf-8"))
    assert any("Co-mentioned in" in t for t in data["edgeDetails"].values())
    build = tmp_path / "build"
    build.mkdir()
    (build / "graph.json").write_text(json.dumps(nx.node_link_data(G, edges="edges")), encoding="utf-8")
    out = view_command(build, tmp_path / "o.html")
    assert "Knowledge graph overview" in out.read_text(encoding="utf-8")
    assert page_data(out.read_text(encoding="utf-8"))["edges"] == data["edges"]


def test_sparse_pagerank_matches_networkx(sample_graph):
    from kg.viz.overview import pagerank

    S = sample_graph
    ours = pagerank(S, skip={"coMentioned"})
    D = nx.DiGraph()
    D.add_nodes_from(S)
    for u, v, k, c in S.edges(keys=True, data="count"):
        if k != "coMentioned":
            w = float(c or 1)
            D.add_edge(u, v, weight=D[u][v]["weight"] + w if D.has_edge(u, v) else w)
    ref = nx.pagerank(D, alpha=0.85, weight="weight", tol=1e-10)
    assert max(abs(ours[n] - ref[n]) for n in S) < 1e-5
    assert abs(sum(ours.values()) - 1) < 1e-9


def test_overview_communities_are_named_after_their_members(sample_graph, tmp_path):
    from kg.viz import overview_view

    view = overview_view(sample_graph)
    comms = view.graph["view"]["communities"]
    assert len(comms) >= 2 and comms == sorted(comms, key=lambda c: -c["size"])
    for c in comms:
        members = [n for n, a in view.nodes(data=True) if a.get("community") == c["id"]]
        assert len(members) == c["size"] >= 3
        names = {view.nodes[n]["label"] for n in members}
        assert any(c["label"].startswith(x + ",") for x in names)  # named after a member
        # a community is held together by links: most members link to another member
        inside = [n for n in members if any(view.nodes[m].get("community") == c["id"]
                                            for m in nx.all_neighbors(view, n))]
        assert len(inside) == len(members)
    page, _ = build_page(view, title="t")
    member = next(n for n, a in view.nodes(data=True) if a.get("community") == 1)
    assert f"Community 1: around {html.escape(comms[0]['label'])}" in page_data(page)["nodeDetails"][member]
    write_site(sample_graph, tmp_path)
    assert html.escape(f"Communities: around {comms[0]['label']} ({comms[0]['size']})") in (
        tmp_path / "index.html").read_text(encoding="utf-8")
