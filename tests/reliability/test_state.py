"""Issue 15: the saved merge state cannot run code, is checked before use, and a grown
build equals a fresh one (a hand-edited store, documents that moved in their file).

Every grown build here is compared with a fresh build of the same inputs: every file
byte for byte and the store's quads.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import msgpack
import pytest

from kg.paths import SAMPLES_DIR

OUTPUTS = ("graph.json", "graph.graphml", "graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld",
           "extractions.jsonl", "build-report.json")


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


@pytest.fixture(scope="module")
def records():
    from kg.ingest import IngestReport, iter_records

    return list(iter_records([SAMPLES_DIR], report=IngestReport()))


@pytest.fixture(scope="module")
def builds(nlp, records, tmp_path_factory):
    """A build of 40 sample documents (``first``, to be grown by copies of it) and a
    fresh build of those 40 plus 8 more (``fresh``)."""
    from kg.pipeline import run_build

    d = tmp_path_factory.mktemp("state")
    old, new = _jsonl(d / "old.jsonl", records[:40]), _jsonl(d / "new.jsonl", records[40:48])
    cache = d / "cache"
    run_build([old], d / "first", nlp=nlp, views=False, cache_dir=cache)
    run_build([old, new], d / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    return SimpleNamespace(old=old, new=new, cache=cache, first=d / "first", fresh=d / "fresh")


def _copy(builds, tmp_path: Path) -> Path:
    out = tmp_path / "build"
    shutil.copytree(builds.first, out)  # copy2: sizes and modification times kept, so the stamps still match
    return out


def _grow(nlp, builds, out: Path):
    from kg.pipeline import run_build

    return run_build([builds.old, builds.new], out, nlp=nlp, views=False, cache_dir=builds.cache)


def _container(*objs, token: str = "0" * 32, fmt: str = "kg-build-meta") -> bytes:
    """A state file with a valid magic, header and checksum around ``objs``."""
    from kg.build.state import MAGIC, VERSION

    data = MAGIC + msgpack.packb({"format": fmt, "version": VERSION, "token": token})
    data += b"".join(msgpack.packb(o, use_bin_type=True) for o in objs)
    return data + hashlib.sha256(data).digest()


class _Payload:
    """Unpickling it creates ``path`` (what a crafted pickle could do instead)."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_the_state_is_grown_from_and_is_not_a_pickle(nlp, builds, tmp_path):
    out = _copy(builds, tmp_path)
    state = out / ".kg-state"
    assert sorted(p.name for p in state.iterdir()) == ["builder.msgpack", "meta.msgpack"]
    for p in state.iterdir():
        assert p.read_bytes().startswith(b"KGSTATE\x00")
    grown = _grow(nlp, builds, out)
    assert grown.incremental == {"new_documents": 8, "files": "patched"} and grown.notes == []
    _same_build(out, builds.fresh)


def test_a_pickle_state_is_never_opened(nlp, builds, tmp_path):
    """A folder holding an old-format (pickle) state whose unpickling would create a
    file: the build never opens it, builds in full and says so."""
    out = _copy(builds, tmp_path)
    state = out / ".kg-state"
    for p in state.iterdir():
        p.unlink()
    marker = tmp_path / "payload-ran"
    (state / "meta.pickle").write_bytes(pickle.dumps(_Payload(marker)))
    (state / "builder.pickle").write_bytes(pickle.dumps(_Payload(marker)))
    grown = _grow(nlp, builds, out)
    assert not marker.exists(), "the pickle in the build folder was unpickled"
    assert grown.incremental == {} and len(grown.notes) == 1 and "pickle" in grown.notes[0]
    _same_build(out, builds.fresh)


def _craft_builder_with_wrong_types(state: Path) -> None:
    from kg.build.state import SECTIONS, load_meta

    token = load_meta(state / "meta.msgpack")["token"]
    sizes = {s: 0 for s in SECTIONS}
    sizes["counts"] = 1
    head = {"base_iri": "https://w3id.org/kg/", "documents_skipped": [], "sizes": sizes}
    (state / "builder.msgpack").write_bytes(
        _container(head, [["bert", "not a count"]], token=token, fmt="kg-merge-builder"))


def _crafted_meta_pickle_bytes(state: Path) -> None:
    (state / "meta.msgpack").write_bytes(pickle.dumps(_Payload(state.parent.parent / "payload-ran")))


def _crafted_meta_ext_type(state: Path) -> None:
    (state / "meta.msgpack").write_bytes(_container({"settings": msgpack.ExtType(1, b"x")}))


def _truncated_builder(state: Path) -> None:
    p = state / "builder.msgpack"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _flipped_meta_byte(state: Path) -> None:
    p = state / "meta.msgpack"
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01
    p.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_craft_builder_with_wrong_types, _crafted_meta_pickle_bytes,
                                    _crafted_meta_ext_type, _truncated_builder, _flipped_meta_byte],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_crafted_or_damaged_state_costs_a_full_build(nlp, builds, tmp_path, damage):
    out = _copy(builds, tmp_path)
    damage(out / ".kg-state")
    grown = _grow(nlp, builds, out)
    assert not (tmp_path / "payload-ran").exists()
    assert grown.incremental == {}
    assert len(grown.notes) == 1 and grown.notes[0].startswith("saved build state refused"), grown.notes
    _same_build(out, builds.fresh)


def test_a_hand_edited_store_is_not_grown(nlp, builds, tmp_path):
    """A quad added to the store by hand: the store is stamped, so growing the build
    rebuilds it rather than keeping the edit."""
    import pyoxigraph as ox

    out = _copy(builds, tmp_path)
    st = ox.Store(str(out / "store"))
    st.add(ox.Quad(ox.NamedNode("http://example.org/edited"), ox.NamedNode("http://example.org/by"),
                   ox.Literal("hand")))
    st.flush()
    del st
    grown = _grow(nlp, builds, out)
    assert grown.incremental == {}
    _same_build(out, builds.fresh)


def test_documents_prepended_to_a_jsonl_file_get_their_new_lines(nlp, records, tmp_path):
    """New documents put before the old ones in the same JSONL file: the old documents'
    ``line`` in ``extractions.jsonl`` follows them; the build is still grown."""
    from kg.pipeline import run_build

    src, cache, out = tmp_path / "docs.jsonl", tmp_path / "cache", tmp_path / "build"
    _jsonl(src, records[:20])
    run_build([src], out, nlp=nlp, views=False, cache_dir=cache)
    _jsonl(src, records[20:24] + records[:20])
    grown = run_build([src], out, nlp=nlp, views=False, cache_dir=cache)
    assert grown.incremental == {"new_documents": 4, "files": "patched"}
    run_build([src], tmp_path / "fresh", nlp=nlp, views=False, cache_dir=cache, incremental=False)
    _same_build(out, tmp_path / "fresh")
    lines = [json.loads(x) for x in (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["meta"]["extra"]["line"] for d in lines] == list(range(1, 25))


# ---------------------------------------------------------------- the format itself
def test_the_builder_round_trips(nlp, builds, tmp_path):
    """Loading and saving again gives the same bytes, and the loaded builder's graph
    is the build's graph."""
    from kg.build.state import load_builder, load_meta, save_builder
    from kg.export.graphio import write_node_link

    state = builds.first / ".kg-state"
    token = load_meta(state / "meta.msgpack")["token"]
    b = load_builder(state / "builder.msgpack", nlp.get_pipe("kg_entities").gazetteer_index, token=token)
    save_builder(b, tmp_path / "again.msgpack", token=token)
    assert (tmp_path / "again.msgpack").read_bytes() == (state / "builder.msgpack").read_bytes()
    G = b.graph()
    G.graph["built_from"] = [str(builds.old)]
    write_node_link(G, tmp_path / "graph.json")
    assert (tmp_path / "graph.json").read_bytes() == (builds.first / "graph.json").read_bytes()


def _refused(state: Path, settings: str) -> str:
    from kg.build.state import read_state

    meta, note = read_state(state.parent, settings)
    assert meta is None and note
    return note


def test_read_state_refuses_what_is_not_a_state(builds, tmp_path):
    from kg.build.state import StateError, load_builder, load_meta, read_state

    out = _copy(builds, tmp_path)
    state = out / ".kg-state"
    settings = load_meta(state / "meta.msgpack")["settings"]
    meta, note = read_state(out, settings)
    assert meta is not None and note is None
    with pytest.raises(StateError, match="another build"):
        load_builder(state / "builder.msgpack", token="f" * 32)
    good = (state / "meta.msgpack").read_bytes()
    for bad, why in [
        (_container({"settings": settings}), "bad body keys"),
        (_container({"a": 1}, fmt="kg-merge-builder"), "not a version-2"),
        (good[:-1] + bytes([good[-1] ^ 1]), "checksum"),
        (good + b"\0", "checksum"),
        (b"", "not a kg state file"),
        (_container([1] * 3, {"b": 2}), "bad body keys"),
    ]:
        (state / "meta.msgpack").write_bytes(bad)
        assert why in _refused(state, settings)
    (state / "meta.msgpack").unlink()
    os.mkfifo(state / "meta.msgpack")  # would block a reader that opened it
    assert "not a regular file" in _refused(state, settings)


def test_the_quick_metadata_digest_is_that_of_the_written_metadata(records):
    """The digest an incremental build computes for every old document is the one of
    the ``meta`` written to ``extractions.jsonl`` (else every document would look moved)."""
    from dataclasses import replace

    from kg.build.state import meta_digest
    from kg.pipeline import _meta_digest_of, _record_meta

    odd = replace(records[0], span=(3, 9), authors=("A. B",), extra={"line": 7, "source_map": [1, 2], "k": [1]})
    for rec in records + [odd]:
        assert _meta_digest_of(rec) == meta_digest(_record_meta(rec)), rec.id
    assert _meta_digest_of(odd) != _meta_digest_of(replace(odd, extra={"line": 8, "k": [1]}))
