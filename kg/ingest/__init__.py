"""Ingestion: read inputs, split them into documents, clean them, attach metadata.

Public API
----------
:func:`iter_records`
    Stream :class:`kg.model.Record` objects (English only, de-duplicated) from
    directories, files, JSONL files and stdin, filling an :class:`IngestReport`.
:func:`segment_text`
    Split one digest / listing / news text into :class:`Segment` items.
:class:`IngestReport`
    Counts, skipped documents with reasons, warnings and errors.

How a Record is filled (text files)
-----------------------------------
``text``: the item's title line, subtitles and body paragraphs joined by blank
lines, with labels ("Abstract:"), "Read More", hashtag lines, arXiv/DOI/Created
lines, "translated by …" markers, author and date lines removed;
``extra["source_map"]`` maps it back to the file (``[text_start, source_start,
length]`` runs) and ``span``/``extra["lines"]`` locate the whole item.  ``title``,
``arxiv_id``, ``doi``, ``date`` (ISO), ``venue`` (venue part of the arXiv comments),
``authors``, ``topics`` (hashtags), ``urls`` (in the text and comments),
``machine_translated`` and ``language`` come from the item; ``extra`` may also hold
``comments``, ``section``, ``dateline``, ``newsletter``, ``subtitles``,
``translated_by``, ``part``/``cut`` (oversized input).  See
:mod:`kg.ingest.segment` for the segmentation rules.

Other formats (:mod:`kg.ingest.formats`, :mod:`kg.ingest.markdown`)
--------------------------------------------------------------------
Every reader fills the same fields, so the RDF uses the same properties for all
(``dcterms:title``, ``dcterms:date``, ``schema:url``, ``dcterms:creator``,
``kg:arxivId``, ``kg:venue``, ``dcterms:subject``): Markdown as text files (a
README-like file is one document; ``span``/``source_map`` index the Markdown
file); HTML: ``title``, ``date``, ``url`` (canonical), ``authors``; RSS/Atom
entries: ``title``, ``url`` (link), ``date``, ``authors``, ``topics``
(categories); arXiv API entries and snapshot lines also ``arxiv_id``, ``doi``,
``venue`` (journal ref or the comment's venue note), categories as ``topics``;
PDF: ``title``, ``authors``, ``date`` from the document info.  ``extra["format"]``
names the reader; ``span`` is None for HTML, feeds, arXiv and PDF documents.

Example
-------
>>> from kg.paths import SAMPLES_DIR
>>> report = IngestReport()
>>> docs = list(iter_records([SAMPLES_DIR / "001_a947d8988178f4fd.txt"], report=report))
>>> len(docs), docs[4].arxiv_id, docs[4].doi, docs[4].date, docs[4].venue
(10, '2205.12144', '10.1145/3531013', '2022-05-24', 'TOMM')

Document ids
------------
Items of text files get a content-addressed id: the first 16 hex digits of the
SHA-256 of the item's clean text after NFKC normalisation, case folding and
whitespace collapsing (:func:`content_id`).  The same item in the same file gets the
same id on every run, and the same item in two files (or twice in one file) is
recognised as a duplicate: the later copy is reported as ``"duplicate of <id>"``.
JSONL documents keep their given ``id``; a JSONL document whose text equals an
earlier document's is reported as a duplicate the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import InputError
from ..model import Record
from . import metadata
from .language import MIN_CHARS_FOR_LANGID, detect_language
from .readers import Source, TextFile, check_inputs, iter_jsonl, iter_sources, open_text
from .records import _segment_records, content_id
from .report import IngestReport
from .segment import (
    MAX_DOC_CHARS,
    MAX_LINE_CHARS,
    Segment,
    iter_lines,
    profile_lines,
    segment_lines,
    segment_text,
)
from .structured import _arxiv_records, _markdown_records, _structured_records

__all__ = [
    "IngestReport",
    "Segment",
    "content_id",
    "iter_records",
    "read_segments",
    "segment_text",
]


def iter_records(
    inputs: Sequence[str | Path],
    *,
    report: IngestReport,
    skip_bad_lines: bool = False,
    min_chars_for_langid: int = MIN_CHARS_FOR_LANGID,
    max_doc_chars: int = MAX_DOC_CHARS,
) -> Iterator[Record]:
    """Stream English documents from files, directories, JSONL files and stdin.

    Inputs are checked at once (before anything is read); the documents are then
    produced lazily, file by file and item by item, in a deterministic order.

    Parameters
    ----------
    inputs : sequence of str or Path
        Directories (walked recursively for ``.txt``, ``.md``/``.markdown``,
        ``.html``/``.htm``/``.xhtml``, ``.xml``/``.rss``/``.atom``, ``.pdf``,
        ``.jsonl``/``.ndjson``), files and ``"-"`` for stdin.  Each input's kind
        comes from its extension and first bytes
        (:func:`kg.ingest.formats.sniff_kind`): plain text and Markdown are
        segmented into items (:mod:`kg.ingest.segment`, :mod:`kg.ingest.markdown`),
        an HTML page is one document, a feed gives one document per entry, an arXiv
        snapshot one per line, a PDF one (title and abstract), JSONL one per line.
    report : IngestReport
        Filled in as documents are read and skipped.
    skip_bad_lines : bool
        Record malformed JSONL lines in ``report.documents_skipped`` and go on,
        instead of raising.
    min_chars_for_langid : int
        Latin-script texts shorter than this are assumed English (langdetect is
        unreliable on short strings).
    max_doc_chars : int
        Upper bound on one document's text (longer items are split in parts).

    Yields
    ------
    Record
        One per English, non-duplicate item; ``Record.span`` indexes the decoded
        source file, ``Record.extra["source_map"]`` maps the clean text back to it.

    Raises
    ------
    InputError
        A path does not exist (raised by this call, before iterating), or a JSONL
        line is malformed (naming file and line; unless ``skip_bad_lines``), or an
        explicitly named file cannot be read, or an explicitly named HTML page,
        feed or PDF cannot be parsed (naming file and, for XML errors, line; unless
        ``skip_bad_lines``; such a file found in a directory is skipped and
        reported).
    """
    inputs = list(inputs)
    check_inputs(inputs)
    return _iter_records(inputs, report, skip_bad_lines, min_chars_for_langid, max_doc_chars)


def _iter_records(
    inputs: list[str | Path],
    report: IngestReport,
    skip_bad_lines: bool,
    min_chars: int,
    max_doc_chars: int,
) -> Iterator[Record]:
    seen: dict[str, str] = {}  # content id -> id of the first document with that text
    given_ids: set[str] = set()
    explicit = {str(i) for i in inputs}
    for src in iter_sources(inputs, report):
        try:
            if src.kind == "other":
                report.warnings.append(f"{src.name}: JSON lines without 'text' (not documents), skipped")
                report.skip(src.name, "JSON lines without 'text' or 'abstract' (not documents)")
            elif src.kind == "arxiv-jsonl":
                yield from _arxiv_records(src, report, skip_bad_lines, min_chars, seen)
            elif src.jsonl:
                yield from _jsonl_records(src, report, skip_bad_lines, min_chars, seen, given_ids)
            elif src.kind == "markdown":
                yield from _markdown_records(src, report, min_chars, max_doc_chars, seen)
            elif src.kind in ("html", "feed", "pdf"):
                yield from _structured_records(src, report, skip_bad_lines, min_chars, seen, src.name in explicit)
            else:
                yield from _text_records(src, report, min_chars, max_doc_chars, seen)
        except OSError as e:  # permission denied, I/O error, vanished file
            msg = f"cannot read: {e.strerror or e}"
            if src.name in explicit:
                raise InputError(msg, path=src.name) from None
            report.errors.append(f"{src.name}: {msg}")
            report.skip(src.name, f"unreadable: {e.strerror or e}")


def read_segments(source: str | Path, report: IngestReport | None = None, *, keep_boilerplate: bool = False,
                  max_doc_chars: int = MAX_DOC_CHARS) -> list[Segment]:
    """Segment one text file from disk (decoding as :func:`iter_records` does).

    Parameters
    ----------
    source : str or Path
        A text file.
    report : IngestReport, optional
        Receives decoding warnings.
    keep_boilerplate : bool
        Also return boilerplate and stray segments.

    Returns
    -------
    list of Segment
        Offsets index the decoded file text.

    Raises
    ------
    InputError
        The file does not exist or is binary.
    """
    check_inputs([source])
    report = report if report is not None else IngestReport()
    tf = TextFile(Source(Path(source), str(source), False), report)
    if tf.binary_at is not None:
        raise InputError(f"binary file (NUL byte at offset {tf.binary_at})", path=str(source))
    prof = profile_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS))
    segs = segment_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS), prof, max_doc_chars=max_doc_chars)
    return [s for s in segs if keep_boilerplate or s.kind == "item"]


def _text_records(
    src: Source, report: IngestReport, min_chars: int, max_doc_chars: int, seen: dict[str, str]
) -> Iterator[Record]:
    tf = open_text(src, report)
    if tf is None:
        return
    prof = profile_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS))
    segs = segment_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS), prof, max_doc_chars=max_doc_chars)
    yield from _segment_records(segs, src.name, report, min_chars, seen)


_JSONL_FIELDS = ("title", "date", "url", "arxiv_id", "doi", "venue")


def _jsonl_records(
    src: Source,
    report: IngestReport,
    skip_bad_lines: bool,
    min_chars: int,
    seen: dict[str, str],
    given_ids: set[str],
) -> Iterator[Record]:
    report.files_read += 1
    any_line = False
    skips_before = len(report.documents_skipped)
    for n, obj in iter_jsonl(src, report, skip_bad_lines):
        any_line = True
        rid = str(obj["id"])
        text: str = obj["text"]
        where: dict[str, Any] = {"line": n, "id": rid}
        if rid in given_ids:
            msg = f"duplicate document id {rid!r} (different text)"
            if not skip_bad_lines:
                raise InputError(msg, src.name, n)
            report.skip(src.name, msg, **where)
            continue
        given_ids.add(rid)
        if not text.strip():
            report.skip(src.name, "empty", **where)
            continue
        cid = content_id(text)
        if cid in seen:
            report.skip(src.name, f"duplicate of {seen[cid]}", **where)
            continue
        lang, prob, english = detect_language(text, min_chars)
        seen[cid] = rid
        if not english:
            report.skip(src.name, f"non-English ({lang}, p={prob:.2f})", **where)
            continue
        extra = {k: v for k, v in obj.items() if k not in Record.__dataclass_fields__}
        extra["file"] = src.name
        extra["line"] = n
        date = obj.get("date") or None  # an empty date is no date
        if date is not None:
            iso = metadata.parse_date(date)
            if iso is None:
                report.warnings.append(f"{src.name}:{n}: date {date!r} not understood, kept in extra")
                extra["date_raw"] = date
            date = iso
        urls = tuple(obj.get("urls") or metadata.find_urls(text))
        report.documents_read += 1
        yield Record(
            id=rid,
            text=text,
            title=obj.get("title"),
            source=obj.get("source") or src.name,
            span=None,
            arxiv_id=obj.get("arxiv_id"),
            doi=obj.get("doi"),
            date=date,
            venue=obj.get("venue"),
            url=obj.get("url"),
            language=lang,
            authors=tuple(obj.get("authors") or ()),
            topics=tuple(obj.get("topics") or ()),
            urls=urls,
            machine_translated=bool(obj.get("machine_translated", False)),
            extra=extra,
        )
    if not any_line and len(report.documents_skipped) == skips_before:
        report.skip(src.name, "empty file")
