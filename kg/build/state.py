"""The merge state a build saves for the next one, in a format that cannot run code.

``kg build --out DIR`` saves what an incremental build (:mod:`kg.build.incremental`)
needs under ``DIR/.kg-state/``.  A build folder is data anyone may have handed over,
so nothing here is ever unpickled or evaluated: both files are MessagePack (plain
maps, arrays, strings, numbers; no extension types are accepted), read with
size limits, checked against a SHA-256 of their bytes and then against a schema
(field names, types, lengths, cross-references).  Whatever fails is reported as a
:class:`StateError` and the caller builds in full.  An older state written as a
pickle (``meta.pickle``, ``builder.pickle``) is never opened.

Container (both files)
----------------------
======================  =====================================================
bytes ``0:8``           magic ``b"KGSTATE\\x00"``
then                    MessagePack objects: a header map ``{"format": NAME,
                        "version": 2, "token": 32 hex digits}``, then the body
last 32 bytes           SHA-256 of every byte before them
======================  =====================================================

The ``token`` is random per build and the same in both files, so a builder file
from another build is not used with this build's metadata.

``meta.msgpack`` (format ``"kg-build-meta"``): one body map
    ``settings`` (str, the key of kg's code, pipeline and options); ``ids``,
    ``keys``, ``metas`` (per document of the build, in output order: record id,
    its :func:`kg.cache.record_key`, and :func:`meta_digest` of the metadata
    written to ``extractions.jsonl``); ``offsets`` (flat ``[start, end, ...]`` byte
    range of each document's line in ``extractions.jsonl``, which must tile the
    file); ``ent_ids``, ``ent_types``, ``ent_labels``, ``ent_families`` (the
    :class:`~kg.build.incremental.MergeInfo` ``ent_info``, family may be nil);
    ``dropped`` (str → int); ``summary`` (:func:`kg.build.graph_summary`);
    ``graphml`` (``[[scope, name, type], ...]``); ``stamps`` (``{relative path:
    [size, mtime_ns]}`` of every file of the build folder outside ``.kg-state`` —
    the outputs *and* the files of the Oxigraph store, so a hand-edited store is
    noticed; read-only opens, as ``kg query`` and ``kg serve`` do, change nothing).

``builder.msgpack`` (format ``"kg-merge-builder"``): the
:class:`~kg.build.merge.GraphBuilder` without its gazetteer index
    a map ``{"base_iri", "documents_skipped", "sizes": {section: n}}``, then for
    each section of :data:`SECTIONS` in order, frames (arrays of at most
    :data:`STATE_CHUNK` items) until ``n`` items are read.  Items are
    ``[key, value]`` with sets as sorted arrays and counters as maps, except:

    * ``edges``: a frame is ``[new strings, items]`` and an item ``[head, tail,
      relation, rows]``; ``results``: the same frames, an item ``[result id,
      method, dataset, metric, metric_id, value, unit, condition, doc,
      method_text, dataset_text, rows]``;
    * a row is one evidence item ``[doc, start, end, sentence, pattern,
      confidence]`` whose ``doc``, ``sentence`` and ``pattern`` are indexes into a
      string table that each frame extends with its ``new strings`` (sentences are
      shared by the evidence of one sentence: stored once, loaded as one object).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import msgpack

from kg.build.merge import Evidence, GraphBuilder

log = logging.getLogger("kg")

#: Folder of a build's saved merge state (inside the build directory).
STATE_DIR = ".kg-state"
META_FILE = "meta.msgpack"
BUILDER_FILE = "builder.msgpack"
#: Files of the pickle state of earlier versions: never opened.
LEGACY_FILES = ("meta.pickle", "builder.pickle")
MAGIC = b"KGSTATE\x00"
VERSION = 2
#: Items per frame of ``builder.msgpack`` (bounds the memory of one pack/unpack call).
STATE_CHUNK = 20_000
#: A state file larger than this is refused before it is read.
MAX_BYTES = 8 << 30
SECTIONS = ("docs", "type_votes", "names", "surfaces", "counts", "ent_docs", "sources", "gaz_name", "edges",
            "results", "alias_votes")
_SETS = frozenset({"surfaces", "ent_docs", "sources", "alias_votes"})
_COUNTERS = frozenset({"type_votes", "names"})
_RESULT_FIELDS = ("method", "dataset", "metric", "metric_id", "value", "unit", "condition", "doc", "method_text",
                  "dataset_text")
_SUMMARY_INTS = ("documents", "results", "nodes", "edges")
_SUMMARY_MAPS = ("entities", "relations")


class StateError(ValueError):
    """A saved state that is missing, unreadable, corrupt or not of this format (the
    message says which file and why)."""


# ----------------------------------------------------------------- container
class _Writer:
    """Packs objects into ``path`` after the magic, hashing every byte, and appends
    the SHA-256 on :meth:`close`."""

    def __init__(self, path: Path, fmt: str, token: str):
        self.fh = open(path, "wb")
        self.hash = hashlib.sha256()
        self.packer = msgpack.Packer(use_bin_type=True, unicode_errors="surrogatepass")
        self._raw(MAGIC)
        self({"format": fmt, "version": VERSION, "token": token})

    def _raw(self, b: bytes) -> None:
        self.fh.write(b)
        self.hash.update(b)

    def __call__(self, obj: Any) -> None:
        self._raw(self.packer.pack(obj))

    def close(self) -> None:
        self.fh.write(self.hash.digest())
        self.fh.close()


def _open(path: Path, fmt: str, token: str | None) -> tuple[msgpack.Unpacker, str]:
    """Read and check ``path``'s container; return an unpacker positioned after the
    header, and the header's token."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise StateError(f"{path}: missing") from None
    except OSError as exc:
        raise StateError(f"{path}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise StateError(f"{path}: not a regular file")
    if st.st_size > MAX_BYTES:
        raise StateError(f"{path}: {st.st_size} bytes, more than the {MAX_BYTES} a state may have")
    try:
        with open(path, "rb") as fh:
            data = fh.read(st.st_size + 1)  # a file that grows meanwhile fails the checksum
    except OSError as exc:
        raise StateError(f"{path}: {exc.strerror}") from None
    if len(data) < len(MAGIC) + 32 or not data.startswith(MAGIC):
        raise StateError(f"{path}: not a kg state file")
    body = memoryview(data)[:-32]
    if hashlib.sha256(body).digest() != data[-32:]:
        raise StateError(f"{path}: checksum mismatch (truncated or changed)")
    unp = msgpack.Unpacker(_Reader(body[len(MAGIC):]), raw=False, strict_map_key=True,
                           unicode_errors="surrogatepass", max_buffer_size=len(data), read_size=min(1 << 20, len(data)),
                           ext_hook=_no_ext, use_list=True)
    head = _next(unp, path)
    if not isinstance(head, dict) or head.get("format") != fmt or head.get("version") != VERSION:
        raise StateError(f"{path}: not a version-{VERSION} {fmt!r} state")
    tok = head.get("token")
    if type(tok) is not str or len(tok) != 32 or (token is not None and tok != token):
        raise StateError(f"{path}: belongs to another build")
    return unp, tok


class _Reader:
    """A file-like ``read`` over a memoryview (the checked bytes, without copying them whole)."""

    def __init__(self, view: memoryview):
        self.view, self.pos = view, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.view) if n < 0 else self.pos + n
        out = self.view[self.pos:end].tobytes()
        self.pos += len(out)
        return out


def _no_ext(code: int, data: bytes) -> Any:
    raise StateError(f"MessagePack extension type {code} is not part of the format")


def _next(unp: msgpack.Unpacker, path: Path) -> Any:
    try:
        return unp.unpack()
    except StateError as exc:
        raise StateError(f"{path}: {exc}") from None
    except (msgpack.OutOfData, ValueError, TypeError) as exc:  # ExtraData, FormatError, StackError are ValueErrors
        raise StateError(f"{path}: malformed ({type(exc).__name__})") from None


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: packing or unpacking creates millions of
    small objects, none of them garbage, and the collections they trigger over the
    growing heap took three quarters of the time (a 10k-document builder loaded in
    1.1 s instead of 4.0 s, measured 2026-12-02 on a loaded machine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ------------------------------------------------------------------ checks
def _want(ok: bool, what: str) -> None:
    if not ok:
        raise StateError(what)


def _is_str_list(v: Any) -> bool:
    return type(v) is list and all(type(x) is str for x in v)


def _is_count_map(v: Any) -> bool:
    return type(v) is dict and all(type(k) is str and type(n) is int and n >= 0 for k, n in v.items())


def _is_plain(v: Any, depth: int = 0) -> bool:
    """JSON-like values only (what document attributes and skip records hold)."""
    if v is None or type(v) in (str, int, float, bool):
        return True
    if depth > 8:
        return False
    if type(v) is list:
        return all(_is_plain(x, depth + 1) for x in v)
    if type(v) is dict:
        return all(type(k) is str and _is_plain(x, depth + 1) for k, x in v.items())
    return False


def _opt_str(v: Any) -> bool:
    return v is None or type(v) is str


# ----------------------------------------------------------------- builder
def save_builder(builder: GraphBuilder, path: Path, *, token: str, chunk: int = STATE_CHUNK) -> None:
    """Write the builder's state (not its gazetteer index) to ``path`` (see the
    module docstring for the layout).

    Parameters
    ----------
    builder : GraphBuilder
        The builder to save (only read).
    path : Path
        The file to write (``.kg-state/builder.msgpack``).
    token : str
        32 hex digits, the build's token (also written to ``meta.msgpack``).
    chunk : int
        Items per frame.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    with _no_gc():
        _save_builder(builder, path, token, chunk)


def _save_builder(builder: GraphBuilder, path: Path, token: str, chunk: int) -> None:
    w = _Writer(path, "kg-merge-builder", token)
    try:
        w({"base_iri": builder.base_iri, "documents_skipped": builder.documents_skipped,
           "sizes": {name: len(getattr(builder, name)) for name in SECTIONS}})
        table: dict[str, int] = {}

        def idx(s: str, new: list[str]) -> int:
            i = table.get(s)
            if i is None:
                i = table[s] = len(table)
                new.append(s)
            return i

        def rows(evs: Iterable[Any], new: list[str]) -> list[list]:
            return [[idx(e.doc, new), e.start, e.end, idx(e.sentence, new), idx(e.pattern, new), e.confidence]
                    for e in evs]

        for name in SECTIONS:
            items = iter(getattr(builder, name).items())
            while True:
                frame = list(islice(items, chunk))
                if not frame:
                    break
                if name == "edges":
                    new: list[str] = []
                    out = [[h, t, rel, rows(bucket.values(), new)] for (h, t, rel), bucket in frame]
                    w([new, out])
                elif name == "results":
                    new = []
                    out = [[rid] + [r[f] for f in _RESULT_FIELDS] + [rows(r["evidence"], new)] for rid, r in frame]
                    w([new, out])
                elif name in _SETS:
                    w([[k, sorted(v)] for k, v in frame])
                else:
                    w([[k, v] for k, v in frame])
    finally:
        w.close()


def load_builder(path: Path, index: Any = None, *, token: str | None = None) -> GraphBuilder:
    """Read a builder written by :func:`save_builder` and give it ``index``.

    Parameters
    ----------
    path : Path
        ``.kg-state/builder.msgpack``.
    index : GazetteerIndex, optional
        The gazetteer index of the current pipeline.
    token : str, optional
        The token of ``meta.msgpack``; the file must carry the same.

    Raises
    ------
    StateError
        If the file is missing, not a regular file, truncated, changed since it was
        written (checksum), of another format, version or build, or any item does
        not have the types and shape of the format.  Nothing in it is executed.
    """
    with _no_gc():
        return _load_builder(path, index, token)


def _load_builder(path: Path, index: Any, token: str | None) -> GraphBuilder:
    unp, _tok = _open(path, "kg-merge-builder", token)
    head = _next(unp, path)
    try:
        _want(type(head) is dict and set(head) == {"base_iri", "documents_skipped", "sizes"}, "bad header")
        sizes = head["sizes"]
        _want(type(head["base_iri"]) is str and type(head["documents_skipped"]) is list
              and all(type(d) is dict and _is_plain(d) for d in head["documents_skipped"])
              and type(sizes) is dict and set(sizes) == set(SECTIONS)
              and all(type(n) is int and n >= 0 for n in sizes.values()), "bad header")
        b = GraphBuilder(index=index, base_iri=head["base_iri"])
        b.documents_skipped = head["documents_skipped"]
        table: list[str] = []
        for name in SECTIONS:
            n = sizes[name]
            d: dict = (defaultdict(Counter) if name in _COUNTERS else defaultdict(set) if name in _SETS
                       else defaultdict(dict) if name == "edges" else Counter() if name == "counts" else {})
            while len(d) < n:
                frame = _next(unp, path)
                _want(type(frame) is list, f"{name}: a frame is not an array")
                if name in ("edges", "results"):
                    _want(len(frame) == 2 and _is_str_list(frame[0]) and type(frame[1]) is list,
                          f"{name}: bad frame")
                    table.extend(frame[0])
                    (_load_edges if name == "edges" else _load_results)(frame[1], table, d)
                else:
                    _load_items(name, frame, d)
                _want(len(d) <= n, f"{name}: more items than the header says (or repeated keys)")
            setattr(b, name, d)
        _want(all(k.startswith("doc:") and type(v) is dict and _is_plain(v) for k, v in b.docs.items()),
              "docs: bad document")
    except StateError as exc:
        raise StateError(f"{path}: {exc}") from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise StateError(f"{path}: does not match the format ({type(exc).__name__}: {exc})") from None
    try:
        unp.unpack()
    except msgpack.OutOfData:
        pass
    else:
        raise StateError(f"{path}: data after the last section")
    return b


def _load_items(name: str, frame: list, d: dict) -> None:
    for item in frame:
        k, v = item
        _want(type(k) is str, f"{name}: a key is not a string")
        if name in _SETS:
            _want(_is_str_list(v), f"{name}[{k!r}]: not a list of strings")
            d[k] = set(v)
        elif name in _COUNTERS:
            _want(_is_count_map(v), f"{name}[{k!r}]: not a map of counts")
            d[k] = Counter(v)
        elif name == "counts":
            _want(type(v) is int and v > 0, f"counts[{k!r}]: not a positive integer")
            d[k] = v
        elif name == "gaz_name":
            _want(type(v) is str, f"gaz_name[{k!r}]: not a string")
            d[k] = v
        else:  # docs, checked as a whole at the end
            d[k] = v


def _evidence(rows: Any, table: list[str]) -> list[Evidence]:
    _want(type(rows) is list and rows, "evidence is not a non-empty array")
    out = []
    for doc, start, end, sent, pat, conf in rows:
        _want(type(start) is int and type(end) is int and type(conf) is float and type(doc) is int
              and type(sent) is int and type(pat) is int and doc >= 0 and sent >= 0 and pat >= 0,
              "an evidence row has the wrong types")
        out.append(Evidence(table[doc], start, end, table[sent], table[pat], conf))
    return out


def _load_edges(items: list, table: list[str], d: dict) -> None:
    for h, t, rel, rows in items:
        _want(type(h) is str and type(t) is str and type(rel) is str, "edges: a key is not three strings")
        d[(h, t, rel)] = {(e.doc, e.start, e.pattern): e for e in _evidence(rows, table)}


def _load_results(items: list, table: list[str], d: dict) -> None:
    n = len(_RESULT_FIELDS)
    for item in items:
        _want(type(item) is list and len(item) == n + 2 and type(item[0]) is str, "results: bad item")
        r = dict(zip(_RESULT_FIELDS, item[1:-1]))
        _want(type(r["method"]) is str and type(r["doc"]) is str and type(r["value"]) is str
              and all(_opt_str(r[f]) for f in _RESULT_FIELDS), f"results[{item[0]!r}]: bad field types")
        ev = _evidence(item[-1], table)
        _want(len(ev) == 1, f"results[{item[0]!r}]: not one evidence item")
        r["evidence"] = ev
        d[item[0]] = r


# -------------------------------------------------------------------- meta
def save_meta(path: Path, meta: Mapping[str, Any]) -> None:
    """Write the build's metadata ``meta`` to ``path`` (``.kg-state/meta.msgpack``).

    ``meta`` holds ``token``, ``settings``, ``doc_keys`` ``{id: record key}``,
    ``doc_metas`` ``{id: meta digest}`` and ``jsonl`` ``{id: (start, end)}`` (same
    ids, in output order), ``info`` (a :class:`~kg.build.incremental.MergeInfo`),
    ``graphml`` (set of ``(scope, name, type)``) and ``stamps`` (:func:`tree_stamps`).

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    ids = list(meta["doc_keys"])
    info = meta["info"]
    ents = list(info.ent_info.items())
    offsets: list[int] = []
    for i in ids:
        offsets.extend(meta["jsonl"][i])
    body = {
        "settings": meta["settings"], "ids": ids, "keys": [meta["doc_keys"][i] for i in ids],
        "metas": [meta["doc_metas"][i] for i in ids], "offsets": offsets,
        "ent_ids": [e for e, _ in ents], "ent_types": [v[0] for _, v in ents],
        "ent_labels": [v[1] for _, v in ents], "ent_families": [v[2] for _, v in ents],
        "dropped": dict(info.dropped), "summary": info.summary, "graphml": sorted(meta["graphml"]),
        "stamps": {k: list(v) for k, v in meta["stamps"].items()},
    }
    w = _Writer(path, "kg-build-meta", meta["token"])
    try:
        w(body)
    finally:
        w.close()


_META_KEYS = frozenset({"settings", "ids", "keys", "metas", "offsets", "ent_ids", "ent_types", "ent_labels",
                        "ent_families", "dropped", "summary", "graphml", "stamps"})


def load_meta(path: Path) -> dict[str, Any]:
    """Read and check what :func:`save_meta` wrote.

    Returns
    -------
    dict
        The keys :func:`save_meta` takes (``stamps`` values as tuples).

    Raises
    ------
    StateError
        As :func:`load_builder`; also if the document lists differ in length, an id
        repeats, or the ``offsets`` do not tile ``[0, size of extractions.jsonl)``
        in order.
    """
    with _no_gc():
        return _load_meta(path)


def _load_meta(path: Path) -> dict[str, Any]:
    from kg.build.incremental import MergeInfo

    unp, token = _open(path, "kg-build-meta", None)
    body = _next(unp, path)
    try:
        _want(type(body) is dict and set(body) == _META_KEYS, "bad body keys")
        ids, keys, metas, offsets = body["ids"], body["keys"], body["metas"], body["offsets"]
        _want(type(body["settings"]) is str and _is_str_list(ids) and _is_str_list(keys) and _is_str_list(metas)
              and len(ids) == len(keys) == len(metas) and len(set(ids)) == len(ids), "bad document lists")
        _want(type(offsets) is list and len(offsets) == 2 * len(ids) and all(type(x) is int for x in offsets),
              "bad offsets")
        stamps = body["stamps"]
        _want(type(stamps) is dict and all(type(v) is list and len(v) == 2 and all(type(x) is int for x in v)
                                           for v in stamps.values()), "bad stamps")
        pos = 0
        for a, b in zip(offsets[0::2], offsets[1::2]):
            _want(a == pos and b > a, "offsets do not tile extractions.jsonl")
            pos = b
        _want(pos == stamps.get("extractions.jsonl", [-1])[0], "offsets do not cover extractions.jsonl")
        e_ids, e_t, e_l, e_f = body["ent_ids"], body["ent_types"], body["ent_labels"], body["ent_families"]
        _want(_is_str_list(e_ids) and _is_str_list(e_t) and _is_str_list(e_l) and type(e_f) is list
              and all(_opt_str(f) for f in e_f) and len(e_ids) == len(e_t) == len(e_l) == len(e_f),
              "bad entity lists")
        summary = body["summary"]
        _want(type(summary) is dict and set(summary) == set(_SUMMARY_INTS) | set(_SUMMARY_MAPS)
              and all(type(summary[k]) is int for k in _SUMMARY_INTS)
              and all(_is_count_map(summary[k]) for k in _SUMMARY_MAPS), "bad summary")
        _want(_is_count_map(body["dropped"]), "bad dropped counts")
        graphml = body["graphml"]
        _want(type(graphml) is list and all(_is_str_list(g) and len(g) == 3 for g in graphml), "bad graphml keys")
    except StateError as exc:
        raise StateError(f"{path}: {exc}") from None
    try:
        unp.unpack()
    except msgpack.OutOfData:
        pass
    else:
        raise StateError(f"{path}: data after the body")
    it = iter(offsets)
    return {
        "token": token, "settings": body["settings"],
        "doc_keys": dict(zip(ids, keys)), "doc_metas": dict(zip(ids, metas)),
        "jsonl": dict(zip(ids, zip(it, it))),
        "info": MergeInfo(dict(zip(e_ids, zip(e_t, e_l, e_f))), body["dropped"], summary),
        "graphml": {tuple(g) for g in graphml},
        "stamps": {k: tuple(v) for k, v in stamps.items()},
    }


from kg.build.outdir import MARKER  # noqa: E402


def tree_stamps(d: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (size, mtime_ns)}`` of every file under build folder ``d``
    except those in ``.kg-state`` (symbolic links are stamped, not followed)."""
    out: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(d):
        rel = os.path.relpath(root, d)
        if rel == ".":
            dirs[:] = [x for x in dirs if x != STATE_DIR]
            files = [x for x in files if x != MARKER]  # written after the state, new on every build
        dirs.sort()
        for f in sorted(files + [x for x in dirs if os.path.islink(os.path.join(root, x))]):
            st = os.lstat(os.path.join(root, f))
            out[f if rel == "." else f"{rel}/{f}"] = (st.st_size, st.st_mtime_ns)
    return dict(sorted(out.items()))


def meta_digest(meta: Mapping[str, Any]) -> str:
    """32 hex digits of SHA-256 of the JSON (sorted keys) of a document's ``meta``
    as written to ``extractions.jsonl``: a document whose metadata changed (e.g. its
    ``line`` in a JSONL file) gets a new line there."""
    import json

    blob = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def read_state(out_dir: Path, settings: str) -> tuple[dict[str, Any] | None, str | None]:
    """The checked metadata of the build in ``out_dir``, if it may be grown.

    Returns
    -------
    (meta or None, note or None)
        ``meta`` (:func:`load_meta`) when the state was made with ``settings`` and
        no file of the build changed since; otherwise None.  ``note`` is a one-line
        reason when a state is there but was refused (old pickle format, corrupt,
        not of this format): the caller builds in full and says so.
    """
    sd = Path(out_dir) / STATE_DIR
    meta_path = sd / META_FILE
    if not os.path.lexists(meta_path):
        if any(os.path.lexists(sd / f) for f in LEGACY_FILES):
            return None, (f"{sd}: the saved state is a pickle (older kg), which is never opened; "
                          "built in full")
        return None, None
    try:
        meta = load_meta(meta_path)
    except StateError as exc:
        return None, f"saved build state refused ({exc}); built in full"
    if meta["settings"] != settings:
        return None, None
    if meta["stamps"] != tree_stamps(Path(out_dir)):
        log.info("%s: files changed since the last build; building in full", out_dir)
        return None, None
    return meta, None


__all__ = ["BUILDER_FILE", "META_FILE", "STATE_DIR", "StateError", "load_builder", "load_meta", "meta_digest",
           "read_state", "save_builder", "save_meta", "tree_stamps"]
