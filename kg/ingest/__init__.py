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

import hashlib
import re
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import InputError
from ..model import Record
from . import formats, markdown, metadata
from .language import MIN_CHARS_FOR_LANGID, detect_language
from .readers import Source, TextFile, check_inputs, iter_jsonl, iter_sources
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

__all__ = [
    "IngestReport",
    "Segment",
    "content_id",
    "iter_records",
    "read_segments",
    "segment_text",
]


def content_id(text: str) -> str:
    """Stable content id of a document text (16 hex digits of SHA-256, see module doc)."""
    return hashlib.sha256(metadata.normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


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
    tf = TextFile(src, report)
    if tf.binary_at is not None:
        report.skip(src.name, f"binary file (NUL byte at offset {tf.binary_at})")
        report.warnings.append(f"{src.name}: binary file (NUL byte at offset {tf.binary_at}), skipped")
        return
    report.files_read += 1
    if tf.empty:
        report.skip(src.name, "empty file")
        return
    prof = profile_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS))
    segs = segment_lines(iter_lines(tf.chunks(), MAX_LINE_CHARS), prof, max_doc_chars=max_doc_chars)
    yield from _segment_records(segs, src.name, report, min_chars, seen)


def _segment_records(segs, name: str, report: IngestReport, min_chars: int, seen: dict[str, str],
                     remap=None) -> Iterator[Record]:
    """Records of the item segments of one file; boilerplate, stray lines and
    metadata blocks go to the report.  ``remap`` (optional) rewrites a segment's
    offsets to the file's before use (Markdown: plain text -> file)."""
    long_lines = 0
    n_items = 0
    for seg in segs:
        if remap is not None:
            remap(seg)
        where = {"span": list(seg.span), "lines": list(seg.lines)}
        if seg.kind == "boilerplate":
            report.boilerplate.append({"source": name, **where, "kind": seg.notes[0] if seg.notes else "newsletter chrome"})
            continue
        if seg.kind == "stray":
            note = "; ".join(seg.notes) or "stray lines"
            report.warnings.append(f"{name}:{seg.lines[0]}: {note}, dropped")
            if note.startswith("metadata line"):
                report.boilerplate.append({"source": name, **where, "kind": "metadata without an item, dropped"})
            report.skip(name, note, **where, **({"title": seg.title} if seg.title else {}))
            continue
        n_items += 1
        if seg.cut:
            long_lines += 1
        for note in seg.attached:
            report.boilerplate.append({"source": name, "kind": "metadata attached to item", **note})
        rec = _record_from_segment(seg, name, min_chars, report, seen)
        if rec is not None:
            yield rec
    if long_lines:
        report.warnings.append(
            f"{name}: lines longer than {MAX_LINE_CHARS} characters were cut into "
            f"{long_lines} bounded documents"
        )
    if n_items == 0:
        report.warnings.append(f"{name}: no document found in the file")


def _record_from_segment(
    seg: Segment, name: str, min_chars: int, report: IngestReport, seen: dict[str, str]
) -> Record | None:
    where: dict[str, Any] = {"span": list(seg.span)}
    if seg.title:
        where["title"] = seg.title
    if not seg.text.strip():
        report.skip(name, "empty", **where)
        return None
    rid = content_id(seg.text)
    if rid in seen:
        report.skip(name, f"duplicate of {seen[rid]}", id=rid, **where)
        return None
    if seg.dropped:
        report.warnings.append(
            f"{name}:{seg.lines[0]}: {len(seg.dropped)} paragraph(s) in a non-Latin script left out of "
            f"item {rid} (spans {seg.dropped})"
        )
    lang, prob, english = detect_language(seg.text, min_chars)
    if not english:
        seen[rid] = rid
        report.skip(name, f"non-English ({lang}, p={prob:.2f})", id=rid, **where)
        return None
    seen[rid] = rid
    report.documents_read += 1
    return Record(
        id=rid,
        text=seg.text,
        title=seg.title,
        source=name,
        span=seg.span,
        arxiv_id=seg.arxiv_id,
        doi=seg.doi,
        date=seg.date,
        venue=seg.venue,
        url=None,
        language=lang,
        authors=tuple(seg.authors),
        topics=tuple(seg.topics),
        urls=tuple(seg.urls),
        machine_translated=seg.machine_translated,
        extra=seg.extra(),
    )


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
        date = obj.get("date")
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


# --------------------------------------------------------------------------- Markdown, HTML, feeds, arXiv, PDF


def _markdown_records(
    src: Source, report: IngestReport, min_chars: int, max_doc_chars: int, seen: dict[str, str]
) -> Iterator[Record]:
    """Markdown: rendered as plain text blocks (:mod:`kg.ingest.markdown`); a
    README-like file is one document, a digest is segmented like a text file.
    Offsets (``span``, ``source_map``) index the Markdown file."""
    tf = TextFile(src, report)
    if tf.binary_at is not None:
        report.skip(src.name, f"binary file (NUL byte at offset {tf.binary_at})")
        report.warnings.append(f"{src.name}: binary file (NUL byte at offset {tf.binary_at}), skipped")
        return
    report.files_read += 1
    if tf.empty:
        report.skip(src.name, "empty file")
        return
    raw = "".join(tf.chunks())
    plain = markdown.to_plain(raw)
    if plain.dropped:
        what = ", ".join(f"{n} {k}" for k, n in sorted(plain.dropped.items()))
        report.boilerplate.append({"source": src.name, "kind": f"markdown markup dropped: {what}"})
    if not plain.text.strip():
        report.skip(src.name, "no text outside markup (images, code, HTML only)")
        return
    runs = plain.runs

    def to_file(off: int, end: bool) -> int:
        best = None
        for ps, fs, n in runs:
            if ps <= off <= ps + n:
                return fs + off - ps
            if not end and ps > off:
                return fs if best is None else best
            if end and ps + n <= off:
                best = fs + n
        return best if best is not None else (len(raw) if end else 0)

    def remap(seg: Segment) -> None:
        seg.span = (to_file(seg.span[0], False), to_file(seg.span[1], True))
        seg.source_map = markdown.map_runs(seg.source_map, runs)
        seg.lines = (raw.count("\n", 0, seg.span[0]) + 1, raw.count("\n", 0, max(seg.span[0], seg.span[1] - 1)) + 1)

    if markdown.is_single_document(plain):
        text = plain.text
        title = plain.headings[0][1] if plain.headings else None
        seg = Segment("item", (0, len(text)))
        # one document: heading markers, separators, link lines and section names
        # ("Installation", "License": no facts in them) removed, offsets kept
        parts, smap, off, pos = [], [], 0, 0
        for block in text.split("\n\n"):
            head = block.startswith("# ")
            start = pos + (2 if head else 0)
            b = text[start: pos + len(block)]
            pos += len(block) + 2
            if b in (markdown.SEPARATOR, markdown.LINKS_LINE) or (
                head and parts and len(b.split()) <= 4 and markdown.DOC_SECTION.match(b)
            ):
                continue
            parts.append(b)
            smap.append((off, start, len(b)))
            off += len(b) + 2
        # soft line breaks inside a paragraph become spaces (same length: offsets kept)
        seg.text = re.sub(r"(?<!\n)\n(?!\n)", " ", "\n\n".join(parts))
        seg.source_map = smap
        seg.title = title
        seg.span = (0, len(text))
        remap(seg)
        yield from _segment_records([seg], src.name, report, min_chars, seen)
        return
    prof = profile_lines(iter_lines([plain.text], MAX_LINE_CHARS))
    segs = segment_lines(iter_lines([plain.text], MAX_LINE_CHARS), prof, max_doc_chars=max_doc_chars)
    yield from _segment_records(segs, src.name, report, min_chars, seen, remap=remap)


def _structured_records(
    src: Source, report: IngestReport, skip_bad_lines: bool, min_chars: int, seen: dict[str, str], explicit: bool
) -> Iterator[Record]:
    """HTML pages, RSS/Atom feeds (and arXiv API responses) and PDF papers
    (:mod:`kg.ingest.formats`).  A file that cannot be parsed raises
    :class:`InputError` naming it (and the line, for XML errors) when it was named
    on the command line, unless ``skip_bad_lines``; found in a directory (or with
    ``skip_bad_lines``) it is skipped with the reason in the report."""
    data = src.read_bytes()
    report.files_read += 1
    if not data.strip():
        report.skip(src.name, "empty file")
        return
    try:
        if src.kind == "html":
            docs = formats.read_html(data)
        elif src.kind == "feed":
            docs, warning = formats.read_feed(data)
            if warning:
                report.warnings.append(f"{src.name}: {warning}")
            if not docs:
                report.warnings.append(f"{src.name}: feed without items")
        else:
            import io

            docs = formats.read_pdf(io.BytesIO(data))
    except formats.FormatError as e:
        if explicit and not skip_bad_lines:
            raise InputError(str(e), src.name, e.line) from None
        where = f"{src.name}:{e.line}" if e.line else src.name
        report.warnings.append(f"{where}: {e}, skipped")
        report.skip(src.name, str(e), **({"line": e.line} if e.line else {}))
        return
    for doc in docs:
        doc.extra["format"] = src.kind if not (src.kind == "feed" and doc.arxiv_id) else "arxiv-api"
        if doc.line is not None:
            doc.extra["entry"] = doc.line
        rec = _doc_record(doc, src.name, report, min_chars, seen, {"entry": doc.line} if doc.line else {})
        if rec is not None:
            yield rec


def _arxiv_records(
    src: Source, report: IngestReport, skip_bad_lines: bool, min_chars: int, seen: dict[str, str]
) -> Iterator[Record]:
    """Lines of the arXiv metadata snapshot (:func:`kg.ingest.formats.arxiv_snapshot_doc`)."""
    report.files_read += 1
    any_line = False
    for n, obj in iter_jsonl(src, report, skip_bad_lines):
        any_line = True
        try:
            doc = formats.arxiv_snapshot_doc(obj, n)
        except formats.FormatError as e:
            if not skip_bad_lines:
                raise InputError(str(e), src.name, n) from None
            report.skip(src.name, str(e), line=n)
            continue
        doc.extra.update({"format": "arxiv-snapshot", "file": src.name, "line": n})
        rec = _doc_record(doc, src.name, report, min_chars, seen, {"line": n, "id": doc.arxiv_id})
        if rec is not None:
            yield rec
    if not any_line:
        report.skip(src.name, "empty file")


def _doc_record(
    doc: formats.Doc, name: str, report: IngestReport, min_chars: int, seen: dict[str, str], where: dict[str, Any]
) -> Record | None:
    """A :class:`Record` from a :class:`kg.ingest.formats.Doc` (content id,
    duplicate and language checks as for text items), or None (reported)."""
    if doc.title:
        where = {**where, "title": doc.title}
    if not doc.text.strip():
        report.skip(name, "empty", **where)
        return None
    rid = content_id(doc.text)
    if rid in seen:
        report.skip(name, f"duplicate of {seen[rid]}", id=rid, **where)
        return None
    lang, prob, english = detect_language(doc.text, min_chars)
    seen[rid] = rid
    if not english:
        report.skip(name, f"non-English ({lang}, p={prob:.2f})", id=rid, **where)
        return None
    report.documents_read += 1
    return Record(
        id=rid, text=doc.text, title=doc.title, source=name, span=None, arxiv_id=doc.arxiv_id, doi=doc.doi,
        date=doc.date, venue=doc.venue, url=doc.url, language=lang, authors=tuple(doc.authors),
        topics=tuple(doc.topics), urls=tuple(doc.urls), machine_translated=False, extra=doc.extra,
    )
