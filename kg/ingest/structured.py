"""Documents of Markdown files, HTML pages, feeds, arXiv snapshots and PDF papers
as :class:`kg.model.Record` objects (used by :func:`kg.ingest.iter_records`)."""

from __future__ import annotations

import io
import re
from typing import Iterator

from ..errors import InputError
from ..model import Record
from . import formats, markdown
from .readers import Source, TextFile, iter_jsonl, open_text
from .records import _doc_record, _segment_records
from .report import IngestReport
from .segment import MAX_LINE_CHARS, Segment, iter_lines, profile_lines, segment_lines


def _markdown_records(
    src: Source, report: IngestReport, min_chars: int, max_doc_chars: int, seen: dict[str, str]
) -> Iterator[Record]:
    """Markdown: rendered as plain text blocks (:mod:`kg.ingest.markdown`); a
    README-like file is one document, a digest is segmented like a text file.
    Offsets (``span``, ``source_map``) index the Markdown file."""
    tf = open_text(src, report)
    if tf is None:
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
