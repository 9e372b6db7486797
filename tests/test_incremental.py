"""Incremental builds (kg.build.incremental, kg.export.patch): a build grown by new
documents equals a from-scratch build of all of them, file for file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.paths import SAMPLES_DIR

OUTPUTS = ("graph.json", "graph.graphml", "graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld",
           "extractions.jsonl", "build-report.json")


@pytest.fixture(scope="module")
def records():
    from kg.ingest import IngestReport, iter_records

    return list(iter_records([SAMPLES_DIR], report=IngestReport()))


@pytest.fixture(scope="module")
def extractions(nlp, records):
    from kg.extract import extract_records

    return list(extract_records(records, nlp))


def _canon(attrs) -> str:
    return json.dumps(attrs, sort_keys=True, default=dict, ensure_ascii=False)


def _apply(G_old, delta):
    """G_old with the delta applied, checking the delta's old versions against G_old."""
    G = G_old.copy()
    for (u, v, k), a in delta.edges_old.items():
        if a is None:
            assert not G.has_edge(u, v, k), (u, v, k)
        else:
            assert _canon(G.edges[u, v, k]) == _canon(a), (u, v, k)
            G.remove_edge(u, v, k)
    for n, a in delta.nodes_old.items():
        if a is None:
            assert n not in G, n
        else:
            assert _canon(G.nodes[n]) == _canon(a), n
    for n, a in delta.nodes_new.items():
        if a is None:
            assert not list(G.in_edges(n)) and not list(G.out_edges(n)), n
            G.remove_node(n)
        else:
            G.add_node(n)
            G.nodes[n].clear()
            G.nodes[n].update(a)
    for (u, v, k), a in delta.edges_new.items():
        if a is not None:
            G.add_edge(u, v, key=k, **a)
    G.graph.update(delta.graph)
    return G


@pytest.mark.parametrize("split", [1, 10, 26, 45, 52])
def test_delta_turns_the_old_graph_into_the_full_one(nlp, extractions, split):
    """Every split of the 53 sample documents: the delta's old versions are exactly the
    old graph's, and applying it gives the graph of all documents merged at once."""
    from kg.build import GraphBuilder, build_graph, graph_summary
    from kg.build.incremental import MergeInfo, add_documents

    index = nlp.get_pipe("kg_entities").gazetteer_index
    b = GraphBuilder(index=index)
    for ex in extractions[:split]:
        b.add(ex)
    G_old = b.graph()
    delta = add_documents(b, MergeInfo.of_graph(G_old, graph_summary(G_old)), extractions[split:])
    assert delta is not None
    full = build_graph(extractions, index=index)
    G = _apply(G_old, delta)
    assert sorted(G.nodes) == sorted(full.nodes)
    assert {n: _canon(a) for n, a in G.nodes(data=True)} == {n: _canon(a) for n, a in full.nodes(data=True)}
    assert sorted(G.edges(keys=True)) == sorted(full.edges(keys=True))
    for u, v, k, a in full.edges(keys=True, data=True):
        assert _canon(G.edges[u, v, k]) == _canon(a), (u, v, k)
    assert G.graph["relations_dropped"] == full.graph["relations_dropped"]
    assert G.graph["documents_read"] == full.graph["documents_read"]
    assert delta.info.summary == graph_summary(full)
    assert delta.info.ent_info == MergeInfo.of_graph(full, graph_summary(full)).ent_info


def test_delta_follows_a_new_abbreviation_that_folds_an_old_entity(nlp):
    """A new document defines "HGN" for an entity earlier documents named only by its
    long form: the long form's node folds into the abbreviation's, with its edges."""
    from kg.build import GraphBuilder, build_graph, graph_summary
    from kg.build.incremental import MergeInfo, add_documents
    from kg.extract import extract_records
    from kg.model import Record

    texts = [
        "We propose Hierarchical Graph Networks, a model for node classification.",
        "Hierarchical Graph Networks outperform GCN on Cora.",
        "We introduce Hierarchical Graph Networks (HGN) for node classification. HGN outperforms GAT on Cora.",
    ]
    exs = list(extract_records([Record(id=f"d{i}", text=t) for i, t in enumerate(texts)], nlp))
    index = nlp.get_pipe("kg_entities").gazetteer_index
    b = GraphBuilder(index=index)
    for ex in exs[:2]:
        b.add(ex)
    G_old = b.graph()
    before = b.alias_map()
    delta = add_documents(b, MergeInfo.of_graph(G_old, graph_summary(G_old)), exs[2:])
    assert before == {} and b.alias_map() == {"hierarchical-graph-networks": "hgn"}
    assert "hierarchical-graph-networks" in G_old and delta.nodes_new["hierarchical-graph-networks"] is None
    full = build_graph(exs, index=index)
    G = _apply(G_old, delta)
    assert {n: _canon(a) for n, a in G.nodes(data=True)} == {n: _canon(a) for n, a in full.nodes(data=True)}
    assert {e: _canon(G.edges[e]) for e in G.edges(keys=True)} == {e: _canon(full.edges[e]) for e in full.edges(keys=True)}


def _jsonl(path: Path, recs) -> Path:
    path.write_text("".join(json.dumps({"id": r.id, "title": r.title, "text": r.text}, ensure_ascii=False) + "\n"
                            for r in recs), encoding="utf-8")
    return path


def _same_build(a: Path, b: Path) -> None:
    import pyoxigraph as ox

    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    sa, sb = ox.Store.read_only(str(a / "store")), ox.Store.read_only(str(b / "store"))
    try:
        assert set(sa) == set(sb)
    finally:
        del sa, sb


@pytest.fixture
def corpus(records, tmp_path):
    """Three JSONL files of sample documents: 40, then 8, then 5."""
    return (_jsonl(tmp_path / "old.jsonl", records[:40]), _jsonl(tmp_path / "new1.jsonl", records[40:48]),
            _jsonl(tmp_path / "new2.jsonl", records[48:]))


def test_grown_build_patches_the_files_into_those_of_a_fresh_build(nlp, corpus, tmp_path):
    from kg.pipeline import run_build

    old, new1, new2 = corpus
    cache, out = tmp_path / "cache", tmp_path / "build"
    first = run_build([old], out, nlp=nlp, views=False, cache_dir=cache)
    assert first.graph is not None and (out / ".kg-state" / "builder.msgpack").is_file()
    grown = run_build([old, new1], out, nlp=nlp, views=False, cache_dir=cache)
    assert grown.graph is None, "the files should have been patched, not rewritten"
    assert grown.cache["misses"] == 8 and grown.ingest.documents_read == 48
    fresh = run_build([old, new1], tmp_path / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "fresh")
    assert grown.summary == fresh.summary
    # and once more on top of the patched build
    again = run_build([old, new1, new2], out, nlp=nlp, views=False, cache_dir=cache)
    run_build([old, new1, new2], tmp_path / "fresh2", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    assert again.graph is None
    _same_build(out, tmp_path / "fresh2")


def test_changed_removed_or_touched_inputs_build_in_full(nlp, records, corpus, tmp_path):
    from kg.pipeline import run_build

    old, new1, _ = corpus
    cache, out = tmp_path / "cache", tmp_path / "build"
    run_build([old, new1], out, nlp=nlp, views=False, cache_dir=cache)
    # a document of the last build changed
    changed = _jsonl(tmp_path / "changed.jsonl", records[:40])
    text = changed.read_text(encoding="utf-8").replace("the", "a", 1)
    changed.write_text(text, encoding="utf-8")
    res = run_build([changed, new1], out, nlp=nlp, views=False, cache_dir=cache)
    assert res.graph is not None
    run_build([changed, new1], tmp_path / "f1", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "f1")
    # documents of the last build are gone
    res = run_build([changed], out, nlp=nlp, views=False, cache_dir=cache)
    assert res.graph is not None and res.ingest.documents_read == 40
    # an output file was edited by hand since
    st = (out / "graph.nt").stat()
    os.utime(out / "graph.nt", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    res = run_build([changed, new1], out, nlp=nlp, views=False, cache_dir=cache)
    assert res.graph is not None
    _same_build(out, tmp_path / "f1")
    # other settings
    res = run_build([changed, new1], out, nlp=nlp, views=False, cache_dir=cache, base_iri="https://example.org/kg/")
    assert res.graph is not None


def test_a_corrupt_state_costs_a_full_build_not_a_failure(nlp, corpus, tmp_path):
    from kg.pipeline import run_build

    old, new1, _ = corpus
    cache, out = tmp_path / "cache", tmp_path / "build"
    run_build([old], out, nlp=nlp, views=False, cache_dir=cache)
    (out / ".kg-state" / "builder.msgpack").write_bytes(b"not a state")
    res = run_build([old, new1], out, nlp=nlp, views=False, cache_dir=cache)
    assert res.graph is not None and res.ingest.documents_read == 48
    run_build([old, new1], tmp_path / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "fresh")


def test_views_are_drawn_from_the_grown_graph(nlp, corpus, tmp_path):
    """With views (the default) the files are still patched and the HTML views equal
    those of a fresh build."""
    from kg.pipeline import run_build

    old, new1, _ = corpus
    cache, out, fresh = tmp_path / "cache", tmp_path / "build", tmp_path / "fresh"
    run_build([old], out, nlp=nlp, cache_dir=cache)
    grown = run_build([old, new1], out, nlp=nlp, cache_dir=cache)
    assert grown.incremental == {"new_documents": 8, "files": "patched"} and grown.graph is not None
    run_build([old, new1], fresh, nlp=nlp, cache_dir=cache, incremental=False)
    _same_build(out, fresh)
    pages = sorted(p.name for p in fresh.glob("*.html"))
    assert pages and pages == sorted(p.name for p in out.glob("*.html"))
    for name in pages:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_cli_says_what_an_incremental_build_did(corpus, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kg.cli import app

    old, new1, _ = corpus
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    out = str(tmp_path / "build")
    first = CliRunner().invoke(app, ["build", str(old), "--out", out, "--no-views"])
    assert first.exit_code == 0, first.output
    assert "incremental:" not in first.output
    grown = CliRunner().invoke(app, ["build", str(old), str(new1), "--out", out, "--no-views"])
    assert grown.exit_code == 0, grown.output
    assert "incremental: 8 new documents added to the previous build (files patched)" in grown.output
    again = CliRunner().invoke(app, ["build", str(old), str(new1), "--out", out, "--no-views", "--no-incremental"])
    assert again.exit_code == 0 and "incremental:" not in again.output


def test_a_missing_store_makes_the_grown_build_a_full_one(nlp, corpus, tmp_path):
    import shutil

    from kg.pipeline import run_build

    old, new1, _ = corpus
    cache, out = tmp_path / "cache", tmp_path / "build"
    run_build([old], out, nlp=nlp, views=False, cache_dir=cache)
    shutil.rmtree(out / "store")
    grown = run_build([old, new1], out, nlp=nlp, views=False, cache_dir=cache)
    assert grown.incremental == {}, "the store is stamped: a removed store is a changed build"
    run_build([old, new1], tmp_path / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "fresh")


HOSTILE = [
    {"id": "q\"uote <id> & 'x' ~.%20", "title": '"} ; DROP ALL # <http://x> .',
     "text": '"} ; DROP ALL # <http://x> . BERT achieves 93.5% accuracy on SQuAD. '
             "The model was trained on 8 NVIDIA A100 GPUs."},
    {"id": "ctl\u202e-ünï", "title": "bell\x07 esc\x1b[31mred\x1b[0m rtl\u202eevil\nsecond line",
     "text": "Control\x07 chars\x1b[31m and RTL \u202eTNEMEVORPMI\u202c: GPT-4 achieves 86.4% "
             "accuracy on MMLU, outperforming GPT-3.5. <script>alert(3)</script>\t\"tab\""},
]


def test_hostile_documents_patch_into_the_same_bytes(nlp, corpus, tmp_path):
    """Markup, RDF syntax, control characters, quotes and odd ids in the new documents'
    ids, titles and text: the patched files still equal a fresh build's."""
    from kg.pipeline import run_build

    old, _, _ = corpus
    new = tmp_path / "hostile.jsonl"
    new.write_text("".join(json.dumps(d) + "\n" for d in HOSTILE), encoding="utf-8")
    cache, out = tmp_path / "cache", tmp_path / "build"
    run_build([old], out, nlp=nlp, views=False, cache_dir=cache)
    grown = run_build([old, new], out, nlp=nlp, views=False, cache_dir=cache)
    assert grown.incremental == {"new_documents": 2, "files": "patched"} and grown.ingest.documents_read == 42
    run_build([old, new], tmp_path / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "fresh")
