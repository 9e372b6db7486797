"""Patch the files of a previous build with a :class:`~kg.build.incremental.GraphDelta`.

Every output of ``kg build`` is a sorted run of *records* — N-Triples lines, Turtle
and TriG subject blocks, TriG graph blocks, JSON-LD node objects, node-link and
GraphML nodes and edges — so a small change to the graph is a small change to each
file: a few records replaced, inserted or removed.  :func:`patch_outputs` maps the
old and the new version of every changed node and edge to RDF (the same
:class:`~kg.export.rdf._Mapper` a full export uses), takes the difference of the two
line sets, finds each affected record in the old file by binary search over byte
offsets (records are found by their first bytes; keys are parsed from them) and
copies everything else through unchanged.  The Oxigraph store is copied with
``Store.backup`` (a RocksDB checkpoint: hard links where the file system allows)
and the removed and added quads are applied to the copy.

The files are byte-identical to what a full export of the new graph writes
(``tests/test_incremental.py``).  The old build is only read; the new files go to
another folder, which the caller swaps into place.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import shutil
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import BuildError
from kg.export.graphio import _graphml_type, edge_record, graph_data_lines, graphml_keys, node_record
from kg.export.rdf import (
    _DERIVED,
    RESULT_EDGES,
    _Compactor,
    _Mapper,
    jsonld_record,
    load_context,
    rdf_prefixes,
)

#: Below this many bytes a binary search finishes with a linear scan.
_SCAN = 4096


class _Section:
    """Records in ``buf[lo:hi]`` sorted by ``key``; a record starts at ``lo`` or
    right after a ``"\\n"`` matched by ``start_re`` (a pattern of ``"\\n"`` plus a
    look-ahead), or on every line when ``start_re`` is None."""

    def __init__(self, buf: Any, lo: int, hi: int, key: Callable[[int], Any], start_re: re.Pattern | None = None):
        self.buf, self.lo, self.hi, self.key, self.start_re = buf, lo, hi, key, start_re

    def next_start(self, pos: int) -> int:
        """The first record start at or after ``pos`` (``hi`` if none)."""
        if pos <= self.lo:
            return self.lo
        if pos >= self.hi:
            return self.hi
        if self.start_re is None:
            if self.buf[pos - 1] == 10:
                return pos
            i = self.buf.find(b"\n", pos, self.hi)
            return i + 1 if 0 <= i < self.hi - 1 else self.hi
        m = self.start_re.search(self.buf, pos - 1, self.hi)
        return m.start() + 1 if m else self.hi

    def end_of(self, start: int) -> int:
        return self.next_start(start + 1)

    def lower_bound(self, target: Any, lo: int) -> int:
        """Start of the first record at or after ``lo`` whose key is >= ``target``.

        Gallops from ``lo`` (steps of 4 KB, doubling) before bisecting, so a run of
        look-ups in key order costs about the log of the distance between them, not
        of the whole section."""
        hi = self.hi
        step = _SCAN
        while lo + step < hi:
            s = self.next_start(lo + step)
            if s >= hi or not self.key(s) < target:
                hi = s
                break
            lo = self.end_of(s)
            step *= 2
        while hi - lo > _SCAN:
            mid = (lo + hi) // 2
            s = self.next_start(mid)
            if s >= hi:
                break
            if self.key(s) < target:
                lo = self.end_of(s)
            else:
                hi = s
        s = lo
        while s < hi and self.key(s) < target:
            s = self.end_of(s)
        return s

    def splice(self, ops: Iterable[tuple[Any, bytes | None]], out: Callable[[Any], None]) -> None:
        """Write the section with each ``(key, text)`` applied in key order: the
        record with that key (if any) is dropped and ``text`` (if not None) is
        written in its place."""
        view = memoryview(self.buf)
        cur = self.lo
        for key, text in ops:
            pos = self.lower_bound(key, cur)
            if pos > cur:
                out(view[cur:pos])
            cur = self.end_of(pos) if pos < self.hi and self.key(pos) == key else pos
            if text:
                out(text)
        if cur < self.hi:
            out(view[cur:self.hi])


# ------------------------------------------------------------------ key parsers
_UNESCAPE = re.compile(rb"\\(.)")
_JSON_STR = rb'"(?:[^"\\]|\\.)*"'


def _line(buf: Any, s: int) -> bytes:
    return buf[s:buf.find(b"\n", s)]


def _nt_key(buf: Any) -> Callable[[int], bytes]:
    def key(s: int) -> bytes:
        return buf[s:buf.find(b"\n", s) - 2]  # without " ."
    return key


def _nq_named_key(buf: Any) -> Callable[[int], bytes]:
    def key(s: int) -> bytes:
        rest, g, _dot = buf[s:buf.find(b"\n", s)].rsplit(b" ", 2)
        return g + b" " + rest
    return key


def _expand(token: bytes, prefixes: Mapping[bytes, bytes]) -> bytes:
    if token.startswith(b"<"):
        return token
    pfx, local = token.split(b":", 1)
    return b"<" + prefixes[pfx] + _UNESCAPE.sub(rb"\1", local) + b">"


def _block_key(buf: Any, prefixes: Mapping[bytes, bytes]) -> Callable[[int], bytes]:
    def key(s: int) -> bytes:
        return _expand(buf[s:buf.find(b" ", s)], prefixes)
    return key


_JSON_ID = re.compile(rb'  \{"[^"]*": (' + _JSON_STR + rb")")


def _jsonld_key(buf: Any) -> Callable[[int], bytes]:
    def key(s: int) -> bytes:
        m = _JSON_ID.match(buf, s)
        return b"<" + json.loads(m.group(1)).encode("utf-8") + b">"
    return key


_NODE_ID = re.compile(rb'  \{"id": (' + _JSON_STR + rb")")
_EDGE_ID = re.compile(rb'  \{"source": (' + _JSON_STR + rb'), "target": (' + _JSON_STR + rb'), "key": ('
                      + _JSON_STR + rb")")


def _json_node_key(buf: Any) -> Callable[[int], str]:
    return lambda s: json.loads(_NODE_ID.match(buf, s).group(1))


def _json_edge_key(buf: Any) -> Callable[[int], tuple[str, str, str]]:
    def key(s: int) -> tuple[str, str, str]:
        m = _EDGE_ID.match(buf, s)
        return json.loads(m.group(1)), json.loads(m.group(2)), json.loads(m.group(3))
    return key


_XML_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_XML_UNESC = {b"&amp;": b"&", b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&#13;": b"\r", b"&#10;": b"\n",
              b"&#9;": b"\t"}
_XML_REF = re.compile(rb"&(?:amp|lt|gt|quot|#13|#10|#9);")


def _xml_unescape(b: bytes) -> str:
    return _XML_REF.sub(lambda m: _XML_UNESC[m.group(0)], b).decode("utf-8")


def _graphml_key(buf: Any) -> Callable[[int], Any]:
    def key(s: int) -> Any:
        head = _line(buf, s)
        attrs = {k.decode(): _xml_unescape(v) for k, v in _XML_ATTR.findall(head)}
        if head.startswith(b"    <node"):
            return attrs["id"]
        return attrs["source"], attrs["target"], attrs["id"]
    return key


_TTL_START = re.compile(rb"\n(?=[^\t\n ])")
_TRIG_NAMED_START = re.compile(rb"\n(?=[^\t\n}])")
_JSON_START = re.compile(rb"\n(?=  \{)")
_GRAPHML_NODE = re.compile(rb"\n(?=    <node )")
_GRAPHML_EDGE = re.compile(rb"\n(?=    <edge )")


# ------------------------------------------------------------------ RDF lines
def _lines_of(nodes: Mapping[str, dict | None], edges: Mapping[tuple, dict | None], base_iri: str
              ) -> tuple[set[str], set[str]]:
    """Default-graph and named-graph lines (as in :func:`kg.export.rdf.graph_lines`)
    of the given nodes and edges (None values are skipped)."""
    G = nx.MultiDiGraph()
    for n, a in nodes.items():
        if a is not None:
            G.add_node(n, **a)
    for (u, v, k), a in edges.items():
        if a is not None:
            G.add_edge(u, v, key=k, **a)

    class _Sink:
        def __init__(self) -> None:
            self.buf: set[str] = set()

    default, named = _Sink(), _Sink()
    m = _Mapper(G, base_iri, default, named)  # type: ignore[arg-type]
    for n, a in nodes.items():
        if a is None:
            continue
        kind = a.get("kind")
        if kind == "entity":
            m.entity(n, G.nodes[n])
        elif kind == "document":
            m.document(n, G.nodes[n])
        elif kind == "result":
            m.result(n, G.nodes[n])
        else:
            raise BuildError(f"node {n!r}: kind {kind!r} is not entity, document or result")
    for (u, v, k), a in edges.items():
        if a is None or k in RESULT_EDGES and G.nodes[u].get("kind") == "result":
            continue
        m.relation(u, v, k, G.edges[u, v, k])
    return default.buf, named.buf


def _subject(line: bytes) -> bytes:
    return line[:line.index(b" ")]


def _parse_triples(lines: Iterable[bytes]) -> list[Any]:
    data = b"".join(ln + b" .\n" for ln in lines)
    return list(ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES)) if data else []


def _parse_named(lines: Iterable[bytes]) -> list[Any]:
    data = b"".join(rest + b" " + g + b" .\n" for g, rest in (ln.split(b" ", 1) for ln in lines))
    return list(ox.parse(input=data, format=ox.RdfFormat.N_QUADS)) if data else []


def _blocks_by_key(text: bytes, start_re: re.Pattern, key_of: Callable[[bytes], bytes]) -> dict[bytes, bytes]:
    """Split serialised Turtle/TriG (header removed) into records keyed by ``key_of``."""
    out: dict[bytes, bytes] = {}
    starts = [0] + [m.start() + 1 for m in start_re.finditer(text)]
    starts = [s for s in starts if s < len(text)]
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(text)
        block = text[s:e]
        out[key_of(block)] = block
    return out


def _strip_prefixes(text: bytes) -> bytes:
    i = 0
    while text.startswith(b"@prefix", i):
        i = text.index(b"\n", i) + 1
    return text[i:]


class _Writer:
    """A file written from pieces (bytes or memoryviews)."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "wb")

    def __call__(self, piece: Any) -> None:
        self.fh.write(piece)

    def close(self) -> None:
        self.fh.close()


def _json_section(out: Callable[[Any], None]) -> tuple[Callable[[Any], None], Callable[[], None]]:
    """A writer for a JSON array section whose records are ``"  {...},\\n"`` except the
    last (``"  {...}\\n"``): fixes the commas where copied runs and new records meet."""
    pending: list[Any] = []

    def write(piece: Any) -> None:
        if not len(piece):
            return
        if pending:
            prev = pending.pop()
            tail = bytes(prev[-2:])
            if tail != b",\n":  # the old last record, now followed by another
                out(prev[:-1])
                out(b",\n")
            else:
                out(prev)
        pending.append(piece)

    def finish() -> None:
        if pending:
            prev = pending.pop()
            if bytes(prev[-2:]) == b",\n":
                out(prev[:-2])
                out(b"\n")
            else:
                out(prev)
    return write, finish


def _mm(path: Path) -> Any:
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def patch_outputs(
    old_dir: Path,
    new_dir: Path,
    delta: Any,
    G_graph: Mapping[str, Any],
    *,
    base_iri: str,
    store: bool,
    graphml_found: set[tuple[str, str, str]],
    also: Callable[[], None] | None = None,
) -> tuple[list[Path], set[tuple[str, str, str]]] | None:
    """Write the outputs of the new graph into ``new_dir`` by patching ``old_dir``'s.

    Parameters
    ----------
    old_dir, new_dir : Path
        The previous build (read only) and an empty folder.
    delta : kg.build.incremental.GraphDelta
        What changed.
    G_graph : mapping
        The new graph's ``G.graph`` (written to the node-link and GraphML headers).
    base_iri : str
        Base of instance IRIs (as in the previous build).
    store : bool
        Also update a copy of ``old_dir/store``.
    graphml_found : set
        The GraphML attribute keys ``(scope, name, type)`` of the previous build.
    also : callable, optional
        More work for the forked process that writes ``graph.nt`` and ``graph.nq``
        (``kg build`` saves its merge state there); it must not use RocksDB.

    Returns
    -------
    (files, graphml keys) or None
        The files written (as :func:`kg.pipeline.write_outputs` lists them) and
        the new GraphML key set; None when the GraphML key set changes (every
        ``<data key=…>`` id would move: the caller writes everything anew).

    Raises
    ------
    BuildError
        If an old file does not have the expected layout.
    """
    found = set(graphml_found)
    for k, v in G_graph.items():
        found.add(("graph", str(k), _graphml_type(v)))
    for a in delta.nodes_new.values():
        for k, v in (a or {}).items():
            found.add(("node", str(k), _graphml_type(v)))
    for a in delta.edges_new.values():
        for k, v in (a or {}).items():
            found.add(("edge", str(k), _graphml_type(v)))
    if found != graphml_found:
        return None
    try:
        files = _patch(Path(old_dir), Path(new_dir), delta, G_graph, base_iri, store, found, also)
    except (KeyError, ValueError, AttributeError, IndexError) as exc:
        raise BuildError(f"{old_dir}: cannot patch the previous build ({type(exc).__name__}: {exc})") from exc
    return files, found


def _patch(old: Path, new: Path, delta: Any, G_graph: Mapping[str, Any], base_iri: str, store: bool,
           found: set[tuple[str, str, str]], also: Callable[[], None] | None = None) -> list[Path]:
    # ---- RDF: line difference of the changed elements
    od, on = _lines_of(delta.nodes_old, delta.edges_old, base_iri)
    nd, nn = _lines_of(delta.nodes_new, delta.edges_new, base_iri)
    d_del = {s.encode("utf-8") for s in od - nd}
    d_add = {s.encode("utf-8") for s in nd - od}
    n_del = {s.encode("utf-8") for s in on - nn}
    n_add = {s.encode("utf-8") for s in nn - on}

    nt_old, nq_old = _mm(old / "graph.nt"), _mm(old / "graph.nq")
    nt_len = len(nt_old)
    edge = min(nt_len, 65536)  # graph.nq is graph.nt followed by the named graphs' quads
    if len(nq_old) < nt_len or nq_old[:edge] != nt_old[:edge] or nq_old[nt_len - edge:nt_len] != nt_old[nt_len - edge:]:
        raise ValueError("graph.nq does not start with graph.nt")
    nt_sec = _Section(nt_old, 0, nt_len, _nt_key(nt_old))
    named_sec = _Section(nq_old, nt_len, len(nq_old), _nq_named_key(nq_old))

    # a graph's prov:wasDerivedFrom link goes only when the graph has no quad left
    derived = b" " + _DERIVED.encode("utf-8") + b" "
    for ln in sorted(d_del):
        if derived in ln and ln.startswith(b"<" + base_iri.encode("utf-8") + b"graph/"):
            g = _subject(ln)
            a, b = _prefix_range(named_sec, g)
            left = [x for x in _records(named_sec, a, b) if x not in n_del]
            if left or any(x.startswith(g + b" ") for x in n_add):
                d_del.discard(ln)

    # new lines of every subject (default graph) and graph (named) that changed
    subjects = sorted({_subject(x) for x in d_del | d_add})
    graphs = sorted({_subject(x) for x in n_del | n_add})
    subj_lines: dict[bytes, list[bytes]] = {}
    pos = 0
    add_by_subj: dict[bytes, list[bytes]] = defaultdict(list)
    for x in d_add:
        add_by_subj[_subject(x)].append(x)
    for s in subjects:
        a, b = _prefix_range(nt_sec, s, pos)
        pos = a
        lines = [x for x in _records(nt_sec, a, b) if x not in d_del] + add_by_subj.get(s, [])
        subj_lines[s] = sorted(set(lines))
    graph_lines: dict[bytes, list[bytes]] = {}
    add_by_graph: dict[bytes, list[bytes]] = defaultdict(list)
    for x in n_add:
        add_by_graph[_subject(x)].append(x)
    pos = nt_len
    for g in graphs:
        a, b = _prefix_range(named_sec, g, pos)
        pos = a
        lines = [x for x in _records(named_sec, a, b) if x not in n_del] + add_by_graph.get(g, [])
        graph_lines[g] = sorted(set(lines))

    # graph.nt and graph.nq in a forked process (plain file I/O: a child must not use
    # RocksDB, whose background threads do not survive a fork); the other files here
    def lines() -> None:
        line_ops = sorted([(x, None) for x in d_del] + [(x, x + b" .\n") for x in d_add])
        w_nt, w_nq = _Writer(new / "graph.nt"), _Writer(new / "graph.nq")
        try:
            def both(piece: Any) -> None:
                w_nt(piece)
                w_nq(piece)
            nt_sec.splice(line_ops, both)

            def named_text(x: bytes) -> bytes:
                g, rest = x.split(b" ", 1)
                return rest + b" " + g + b" .\n"
            named_ops = sorted([(x, None) for x in n_del] + [(x, named_text(x)) for x in n_add])
            named_sec.splice(named_ops, w_nq)
        finally:
            w_nt.close()
            w_nq.close()
        if also is not None:
            also()

    with _in_child(lines):
        if store:
            _patch_store(old / "store", new / "store", d_del, d_add, n_del, n_add)
        _patch_rest(old, new, delta, G_graph, base_iri, found, subjects, subj_lines, graphs, graph_lines)
    files = [new / n for n in ("graph.json", "graph.graphml", "graph.ttl", "graph.nt", "graph.trig", "graph.nq",
                               "graph.jsonld")]
    if store:
        files.append(new / "store")
    return files


@contextmanager
def _in_child(fn: Callable[[], None]) -> Iterator[None]:
    """Run ``fn`` in a forked child while the ``with`` block runs here (the two use
    both cores); re-raise its failure as a :class:`BuildError` when both are done.
    Without ``os.fork`` (Windows), ``fn`` runs first, in this process."""
    if not hasattr(os, "fork"):
        fn()
        yield
        return
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        code = 0
        try:
            fn()
        except BaseException:
            os.write(w, traceback.format_exc().encode("utf-8", "replace")[-4000:])
            code = 1
        finally:
            os.close(w)
            os._exit(code)
    os.close(w)
    try:
        yield
    finally:
        with os.fdopen(r, "rb") as fh:
            err = fh.read()
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise BuildError("patching graph.nt and graph.nq (or saving the state) failed: "
                         + err.decode("utf-8", "replace"))


def _patch_rest(old: Path, new: Path, delta: Any, G_graph: Mapping[str, Any], base_iri: str,
                found: set[tuple[str, str, str]], subjects: list[bytes], subj_lines: Mapping[bytes, list[bytes]],
                graphs: list[bytes], graph_lines: Mapping[bytes, list[bytes]]) -> None:
    """Patch graph.json, graph.graphml, graph.ttl, graph.trig and graph.jsonld."""
    node_ops = sorted((n, delta.nodes_new[n]) for n in delta.nodes_new)
    edge_ops = sorted((k, delta.edges_new[k]) for k in delta.edges_new)
    _patch_node_link(old / "graph.json", new / "graph.json", node_ops, edge_ops, G_graph)
    _patch_graphml(old / "graph.graphml", new / "graph.graphml", node_ops, edge_ops, G_graph, found)

    prefixes = rdf_prefixes(base_iri)
    bpfx = {k.encode(): v.encode() for k, v in prefixes.items()}

    # graph.ttl: one block per subject
    triples = _parse_triples(x for s in subjects for x in subj_lines[s])
    ttl_new = _strip_prefixes(ox.serialize([q.triple for q in triples], format=ox.RdfFormat.TURTLE,
                                           prefixes=prefixes)) if triples else b""
    blocks = _blocks_by_key(ttl_new, _TTL_START, lambda blk: _expand(blk[:blk.index(b" ")], bpfx))
    _patch_blocks(old / "graph.ttl", new / "graph.ttl", subjects, blocks, bpfx)

    # graph.trig: default-graph subject blocks, then one block per named graph
    trig_default = _strip_prefixes(ox.serialize(triples, format=ox.RdfFormat.TRIG, prefixes=prefixes)) if triples else b""
    d_blocks = _blocks_by_key(trig_default, _TTL_START, lambda blk: _expand(blk[:blk.index(b" ")], bpfx))
    quads = _parse_named(x for g in graphs for x in graph_lines[g])
    trig_named = _strip_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)) if quads else b""
    g_blocks = _blocks_by_key(trig_named, _TRIG_NAMED_START, lambda blk: _expand(blk[:blk.index(b" ")], bpfx))
    _patch_trig(old / "graph.trig", new / "graph.trig", subjects, d_blocks, graphs, g_blocks, bpfx)

    # graph.jsonld: one node object per subject
    comp = _Compactor(load_context())
    recs: dict[bytes, bytes] = {}
    for subject, group in groupby(triples, key=lambda t: t.subject):
        recs[b"<" + subject.value.encode("utf-8") + b">"] = jsonld_record(comp, subject.value, group)
    _patch_jsonld(old / "graph.jsonld", new / "graph.jsonld", subjects, recs)


def _records(sec: _Section, a: int, b: int) -> list[bytes]:
    out = []
    s = a
    while s < b:
        e = sec.end_of(s)
        out.append(sec.key(s))
        s = e
    return out


def _prefix_range(sec: _Section, prefix: bytes, lo: int | None = None) -> tuple[int, int]:
    """Byte range of the records whose key starts with ``prefix + b" "``."""
    lo = sec.lo if lo is None else lo
    a = sec.lower_bound(prefix + b" ", lo)
    b = a
    p = prefix + b" "
    while b < sec.hi and sec.key(b).startswith(p):
        b = sec.end_of(b)
    return a, b


def _patch_blocks(old: Path, new: Path, subjects: list[bytes], blocks: Mapping[bytes, bytes],
                  bpfx: Mapping[bytes, bytes]) -> Path:
    buf = _mm(old)
    start = _header_end(buf)
    sec = _Section(buf, start, len(buf), _block_key(buf, bpfx), _TTL_START)
    w = _Writer(new)
    try:
        w(memoryview(buf)[:start])
        sec.splice([(s, blocks.get(s)) for s in subjects], w)
    finally:
        w.close()
    return new


def _header_end(buf: Any) -> int:
    i = 0
    while buf[i:i + 7] == b"@prefix":
        i = buf.find(b"\n", i) + 1
    return i


def _patch_trig(old: Path, new: Path, subjects: list[bytes], d_blocks: Mapping[bytes, bytes], graphs: list[bytes],
                g_blocks: Mapping[bytes, bytes], bpfx: Mapping[bytes, bytes]) -> Path:
    buf = _mm(old)
    start = _header_end(buf)
    m = re.compile(rb"(?:^|\n)(?=[^\t\n ][^\n]* \{\n)").search(buf, start)
    named_at = len(buf) if m is None else (m.start() + 1 if buf[m.start():m.start() + 1] == b"\n" else m.start())
    dsec = _Section(buf, start, named_at, _block_key(buf, bpfx), _TTL_START)
    gsec = _Section(buf, named_at, len(buf), _block_key(buf, bpfx), _TRIG_NAMED_START)
    w = _Writer(new)
    try:
        w(memoryview(buf)[:start])
        dsec.splice([(s, d_blocks.get(s)) for s in subjects], w)
        gsec.splice([(g, g_blocks.get(g)) for g in graphs], w)
    finally:
        w.close()
    return new


def _patch_jsonld(old: Path, new: Path, subjects: list[bytes], recs: Mapping[bytes, bytes]) -> Path:
    buf = _mm(old)
    start = buf.find(b'\n "@graph": [') + len(b'\n "@graph": [') + 1
    end = buf.rfind(b" ]\n}\n")
    w = _Writer(new)
    try:
        w(memoryview(buf)[:start])
        if end > start:
            sec = _Section(buf, start, end, _jsonld_key(buf), _JSON_START)
            write, finish = _json_section(w)
            sec.splice([(s, (b"  " + recs[s] + b",\n") if s in recs else None) for s in subjects], write)
            finish()
        else:
            write, finish = _json_section(w)
            for s in subjects:
                if s in recs:
                    write(b"  " + recs[s] + b",\n")
            finish()
        w(memoryview(buf)[max(end, start):])
    finally:
        w.close()
    return new


def _patch_node_link(old: Path, new: Path, node_ops: list, edge_ops: list, G_graph: Mapping[str, Any]) -> Path:
    buf = _mm(old)
    e0 = buf.find(b'\n "edges": [\n') + len(b'\n "edges": [\n')
    e1 = buf.find(b' ],\n "graph": ', e0)
    n0 = buf.find(b'\n "nodes": [\n', e1) + len(b'\n "nodes": [\n')
    n1 = buf.rfind(b" ]\n}\n")
    if min(e0, e1, n0, n1) < 0:
        raise ValueError("graph.json does not have the kg node-link layout")
    w = _Writer(new)
    try:
        w(memoryview(buf)[:e0])
        write, finish = _json_section(w)
        esec = _Section(buf, e0, e1, _json_edge_key(buf), _JSON_START)
        esec.splice([(k, ("  " + edge_record(k, a) + ",\n").encode("utf-8") if a is not None else None)
                     for k, a in edge_ops], write)
        finish()
        w(b' ],\n "graph": ')
        w(json.dumps(dict(G_graph), ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n ").encode("utf-8"))
        w(b',\n "multigraph": true,\n "nodes": [\n')
        write, finish = _json_section(w)
        nsec = _Section(buf, n0, n1, _json_node_key(buf), _JSON_START)
        nsec.splice([(n, ("  " + node_record(n, a) + ",\n").encode("utf-8") if a is not None else None)
                     for n, a in node_ops], write)
        finish()
        w(memoryview(buf)[n1:])
    finally:
        w.close()
    return new


def _patch_graphml(old: Path, new: Path, node_ops: list, edge_ops: list, G_graph: Mapping[str, Any],
                   found: set[tuple[str, str, str]]) -> Path:
    buf = _mm(old)
    keys = graphml_keys(found)
    g0 = buf.find(b'  <graph edgedefault="directed">\n') + len(b'  <graph edgedefault="directed">\n')
    nm = re.compile(rb"\n    <node ").search(buf, g0 - 1)
    em = re.compile(rb"\n    <edge ").search(buf, g0 - 1)
    end = buf.rfind(b"  </graph>\n</graphml>\n")
    n0 = nm.start() + 1 if nm else (em.start() + 1 if em else end)
    n1 = em.start() + 1 if em else end
    w = _Writer(new)
    try:
        w(memoryview(buf)[:g0])
        w("".join(graph_data_lines(G_graph, keys)).encode("utf-8"))
        nsec = _Section(buf, n0, n1, _graphml_key(buf), _GRAPHML_NODE)
        nsec.splice([(n, _node_xml(n, a, keys)) for n, a in node_ops], w)
        esec = _Section(buf, n1, end, _graphml_key(buf), _GRAPHML_EDGE)
        esec.splice([(k, _edge_xml(k, a, keys)) for k, a in edge_ops], w)
        w(memoryview(buf)[end:])
    finally:
        w.close()
    return new


def _node_xml(n: str, a: Mapping[str, Any] | None, keys: Mapping) -> bytes | None:
    from kg.export.graphio import graphml_node

    return None if a is None else graphml_node(n, a, keys).encode("utf-8")


def _edge_xml(k: tuple, a: Mapping[str, Any] | None, keys: Mapping) -> bytes | None:
    from kg.export.graphio import graphml_edge

    return None if a is None else graphml_edge(k, a, keys).encode("utf-8")


def _patch_store(old: Path, new: Path, d_del: set[bytes], d_add: set[bytes], n_del: set[bytes],
                 n_add: set[bytes]) -> Path:
    from kg.export.store import is_store

    if not is_store(old):
        raise BuildError(f"{old}: missing or not an Oxigraph store")
    if new.exists():
        shutil.rmtree(new)
    src = ox.Store.read_only(str(old))  # the previous build stays as it was
    try:
        src.backup(str(new))
    finally:
        del src
    st = ox.Store(str(new))
    try:
        for q in _parse_triples(sorted(d_del)) + _parse_named(sorted(n_del)):
            st.remove(q)
        adds = _parse_triples(sorted(d_add)) + _parse_named(sorted(n_add))
        if adds:
            st.extend(adds)
        st.flush()
    finally:
        del st
    return new
