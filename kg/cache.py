"""Per-document extraction cache: incremental builds redo only what changed.

Extraction of one document never depends on another (see DESIGN.md), so its
result can be stored and reused as long as the document and the pipeline are the
same.  The cache is one SQLite file, ``<cache dir>/extractions-v1.sqlite``, with
one row per (document, pipeline) pair:

key
    SHA-256 (hex) of ``[CACHE_FORMAT, pipeline version, record.id, record.title,
    record.text]`` — everything :func:`kg.extract.doc_to_extraction` reads from a
    record (the pipeline sees only the text; resolution also uses the id and the
    title).  Other metadata (source path, span, date, …) does not change what is
    extracted, so a moved or re-dated file still hits; the stored extraction is
    re-attached to the *current* record on the way out.
value
    The extraction without its record: ``{"entities", "relations", "results",
    "sentences"}`` as in :meth:`kg.model.DocExtraction.to_json`, compact JSON.

The pipeline version (:func:`pipeline_version`) combines
``nlp.meta["kg"]["fingerprint"]`` (model name and version, every gazetteer
pattern, the lexicon), the component names and the configs of the ``kg_*``
components, and a hash of the extraction code itself (``kg/extract``,
``kg/resolve``, ``kg/gazetteer`` and ``kg/model.py``).  A changed gazetteer, model,
component setting or code release therefore misses for every document; entries of
other versions stay in the file (several pipelines may share one cache) until
:meth:`ExtractionCache.prune` or :meth:`ExtractionCache.clear` removes them.

Location: ``kg build`` uses :func:`default_cache_dir` — ``$KG_CACHE_DIR``, else
``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg`` — unless given ``--cache DIR`` or
``--no-cache``.  The cache lives outside the build directory on purpose: the
build directory is replaced atomically on every build.  Several processes may use
one cache at a time (SQLite WAL mode, writes retried while the file is busy).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.model import DocExtraction, Record

#: Bump when the stored value's layout changes; old rows then never match.
CACHE_FORMAT = 1
CACHE_FILE = "extractions-v1.sqlite"

_CODE_DIRS = ("extract", "resolve", "gazetteer")


class CacheError(KGError):
    """The cache file cannot be opened, read or written (names the file)."""


def default_cache_dir() -> Path:
    """The cache folder used when none is given.

    Returns
    -------
    Path
        ``$KG_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/kg``, else
        ``~/.cache/kg`` (the XDG base directory convention).
    """
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash (16 hex digits) of the source of the extraction code.

    Covers every ``.py`` file under ``kg/extract``, ``kg/resolve``,
    ``kg/gazetteer`` and ``kg/model.py``, in sorted path order, so editing a rule
    invalidates cached results that the rule may have produced.  Computed once
    per process (the first call), to describe the code the process runs even if
    the files change afterwards.
    """
    pkg = Path(__file__).resolve().parent
    files = [pkg / "model.py"]
    for d in _CODE_DIRS:
        files += sorted((pkg / d).rglob("*.py"))
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(pkg)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def pipeline_version(nlp: Any) -> str:
    """Version string of an extraction pipeline, for cache keys.

    Parameters
    ----------
    nlp : spacy.language.Language
        A pipeline from :func:`kg.extract.load_pipeline` (it must carry
        ``nlp.meta["kg"]["fingerprint"]``).

    Returns
    -------
    str
        16 hex digits: SHA-256 of the fingerprint (model, gazetteer patterns,
        lexicon), the component names, the configs of the ``kg_*`` components
        and :func:`code_version`.

    Raises
    ------
    CacheError
        If ``nlp`` was not built by :func:`kg.extract.load_pipeline`.
    """
    fp = (nlp.meta.get("kg") or {}).get("fingerprint")
    if not fp:
        raise CacheError("pipeline has no nlp.meta['kg']['fingerprint']; build it with kg.extract.load_pipeline")
    configs = {n: nlp.get_pipe_config(n) for n in nlp.pipe_names if n.startswith("kg_")}
    blob = json.dumps([fp, list(nlp.pipe_names), configs, code_version()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def record_key(record: Record, version: str) -> str:
    """Cache key of ``record`` under pipeline ``version`` (64 hex digits).

    Parameters
    ----------
    record : Record
        The document; only ``id``, ``title`` and ``text`` enter the key.
    version : str
        From :func:`pipeline_version`.
    """
    blob = json.dumps([CACHE_FORMAT, version, record.id, record.title, record.text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def _encode(ex: DocExtraction) -> str:
    d = ex.to_json()
    return json.dumps(
        {k: d[k] for k in ("entities", "relations", "results", "sentences")},
        ensure_ascii=False, separators=(",", ":"),
    )


def _decode(record: Record, value: str) -> DocExtraction:
    d = json.loads(value)
    ex = DocExtraction.from_json({"id": record.id, "text": record.text, **d})
    return replace(ex, record=record)


class ExtractionCache:
    """A SQLite store of per-document extractions for one pipeline version.

    Parameters
    ----------
    directory : Path
        Folder of the cache file (created if missing).
    version : str
        Pipeline version (:func:`pipeline_version`); only rows of this version
        are read.
    commit_every : int
        Writes are committed in transactions of this many rows (and on
        :meth:`close`).

    Raises
    ------
    CacheError
        If the folder or the SQLite file cannot be created or opened.

    Examples
    --------
    >>> import tempfile
    >>> from kg.model import DocExtraction, Record
    >>> rec = Record(id="d1", text="We propose FooNet.")
    >>> with tempfile.TemporaryDirectory() as d, ExtractionCache(d, "v1") as c:
    ...     c.get(rec) is None, c.put(DocExtraction(rec)), c.get(rec) == DocExtraction(rec)
    (True, None, True)
    """

    def __init__(self, directory: str | Path, version: str, *, commit_every: int = 500):
        self.directory = Path(directory)
        self.path = self.directory / CACHE_FILE
        self.version = version
        self.commit_every = commit_every
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._uncommitted = 0
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS extraction ("
                " key TEXT PRIMARY KEY, version TEXT NOT NULL, doc_id TEXT NOT NULL, value TEXT NOT NULL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS extraction_version ON extraction(version)")
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"{self.path}: cannot open the extraction cache: {exc}") from exc

    # ----------------------------------------------------------------- access
    def key(self, record: Record) -> str:
        """The cache key of ``record`` (:func:`record_key` with this version)."""
        return record_key(record, self.version)

    def get(self, record: Record) -> DocExtraction | None:
        """The cached extraction of ``record`` (attached to ``record``), or None."""
        value = self._lookup(self.key(record))
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return self._decode(record, value)

    def _lookup(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM extraction WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot read the extraction cache: {exc}") from exc
        return row[0] if row else None

    def _decode(self, record: Record, value: str) -> DocExtraction:
        try:
            return _decode(record, value)
        except (ValueError, TypeError, KeyError) as exc:
            raise CacheError(
                f"{self.path}: corrupt entry for document {record.id!r} ({exc}); delete the file to rebuild it"
            ) from exc

    def put(self, ex: DocExtraction, key: str | None = None) -> None:
        """Store ``ex`` under its record's key (replacing an older row)."""
        key = key or self.key(ex.record)
        try:
            if self._uncommitted == 0:
                self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO extraction(key, version, doc_id, value) VALUES (?, ?, ?, ?)",
                (key, self.version, ex.record.id, _encode(ex)),
            )
            self._uncommitted += 1
            self.writes += 1
            if self._uncommitted >= self.commit_every:
                self.commit()
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot write the extraction cache: {exc}") from exc

    def commit(self) -> None:
        """Commit pending writes."""
        if self._uncommitted:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise CacheError(f"{self.path}: cannot write the extraction cache: {exc}") from exc
            self._uncommitted = 0

    def __len__(self) -> int:
        """Number of rows of this version."""
        return self._db.execute("SELECT COUNT(*) FROM extraction WHERE version = ?", (self.version,)).fetchone()[0]

    def prune(self) -> int:
        """Delete the rows of every other pipeline version; returns how many."""
        self.commit()
        cur = self._db.execute("DELETE FROM extraction WHERE version != ?", (self.version,))
        return cur.rowcount

    def clear(self) -> None:
        """Delete every row (all versions)."""
        self.commit()
        self._db.execute("DELETE FROM extraction")

    def close(self) -> None:
        """Commit and close the file."""
        if self._db is not None:
            self.commit()
            self._db.close()
            self._db = None

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def stats(self) -> dict[str, int]:
        """``{"hits", "misses", "writes"}`` since the cache was opened."""
        return {"hits": self.hits, "misses": self.misses, "writes": self.writes}


#: Record fed to the extractor to make it hand back what it holds (see extract_cached).
_FLUSH_ID = "\x00kg-cache-flush"


def extract_cached(
    records: Iterable[Record],
    cache: ExtractionCache,
    extract: Callable[[Iterable[Record]], Iterator[DocExtraction]],
    *,
    flush_every: int = 256,
) -> Iterator[DocExtraction]:
    """Stream extractions in input order, running ``extract`` only on cache misses.

    Misses flow lazily into one ``extract`` stream (so ``--jobs`` workers and
    ``nlp.pipe`` batches span the whole corpus); hits are read from the cache and
    yielded in their place; new results are written to the cache.

    Memory stays bounded: after ``flush_every`` consecutive hits an empty
    placeholder record is fed to ``extract``, whose output lets the hits queued
    before it go out, so at most ``flush_every`` plus the extractor's own
    look-ahead records wait (``nlp.pipe``'s batch; for ``--jobs N`` the tasks in
    flight, :func:`kg.extract.parallel.extract_parallel`, where an empty text ends
    a task early).

    Parameters
    ----------
    records : iterable of Record
        Documents, consumed lazily.
    cache : ExtractionCache
        Open cache of the pipeline that ``extract`` runs.
    extract : callable
        Takes an iterable of records, yields one :class:`DocExtraction` per
        record in the same order (e.g. ``lambda rs: extract_records(rs, nlp)``).
    flush_every : int
        Consecutive hits after which a placeholder is fed to ``extract``.

    Yields
    ------
    DocExtraction
        One per record, in input order, identical to what ``extract`` yields
        for that record.

    Raises
    ------
    CacheError
        The cache cannot be read or written.
    KGError
        If ``extract`` yields records out of order.
    """
    pending: deque[tuple[Record | None, str | None, str]] = deque()

    def feed() -> Iterator[Record]:
        run = 0
        for rec in records:
            key = cache.key(rec)
            value = cache._lookup(key)
            pending.append((rec, value, key))
            if value is None:
                cache.misses += 1
                run = 0
                yield rec
            else:
                cache.hits += 1
                run += 1
                if run >= flush_every:
                    run = 0
                    pending.append((None, None, _FLUSH_ID))
                    yield Record(id=_FLUSH_ID, text="")

    for ex in extract(feed()):
        while True:
            rec, value, key = pending.popleft()
            if rec is None:  # the placeholder's own extraction
                if ex.record.id != _FLUSH_ID:
                    raise KGError("extractor returned documents out of order")
                break
            if value is not None:
                yield cache._decode(rec, value)
                continue
            if ex.record.id != rec.id:
                raise KGError(f"extractor returned document {ex.record.id!r} where {rec.id!r} was expected")
            cache.put(ex, key)
            yield ex
            break
    while pending:
        rec, value, key = pending.popleft()
        if rec is None:
            continue
        if value is None:
            raise KGError(f"extractor returned no result for document {rec.id!r}")
        yield cache._decode(rec, value)
    cache.commit()
