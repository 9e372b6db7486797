"""Records from segments and from structured documents: content ids, the
duplicate and language checks, and the report entries for boilerplate, stray
lines and attached metadata (used by :func:`kg.ingest.iter_records`)."""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

from ..model import Record
from . import formats, metadata
from .language import detect_language
from .report import IngestReport
from .segment import MAX_LINE_CHARS, Segment


def content_id(text: str) -> str:
    """Stable content id of a document text (16 hex digits of SHA-256, see module doc)."""
    return hashlib.sha256(metadata.normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


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


def _new_id(text: str, name: str, report: IngestReport, seen: dict[str, str], where: dict[str, Any]) -> str | None:
    """The content id of ``text``, or None after reporting it as empty or a duplicate."""
    if not text.strip():
        report.skip(name, "empty", **where)
        return None
    rid = content_id(text)
    if rid in seen:
        report.skip(name, f"duplicate of {seen[rid]}", id=rid, **where)
        return None
    return rid


def _english(text: str, rid: str, name: str, report: IngestReport, seen: dict[str, str], min_chars: int,
             where: dict[str, Any]) -> str | None:
    """The language code of an English document (marking ``rid`` seen either way), or
    None after reporting it as non-English (:func:`detect_language`)."""
    lang, prob, english = detect_language(text, min_chars)
    seen[rid] = rid
    if not english:
        report.skip(name, f"non-English ({lang}, p={prob:.2f})", id=rid, **where)
        return None
    return lang


def _record_from_segment(
    seg: Segment, name: str, min_chars: int, report: IngestReport, seen: dict[str, str]
) -> Record | None:
    where: dict[str, Any] = {"span": list(seg.span)}
    if seg.title:
        where["title"] = seg.title
    rid = _new_id(seg.text, name, report, seen, where)
    if rid is None:
        return None
    if seg.dropped:
        report.warnings.append(
            f"{name}:{seg.lines[0]}: {len(seg.dropped)} paragraph(s) in a non-Latin script left out of "
            f"item {rid} (spans {seg.dropped})"
        )
    lang = _english(seg.text, rid, name, report, seen, min_chars, where)
    if lang is None:
        return None
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


def _doc_record(
    doc: formats.Doc, name: str, report: IngestReport, min_chars: int, seen: dict[str, str], where: dict[str, Any]
) -> Record | None:
    """A :class:`Record` from a :class:`kg.ingest.formats.Doc` (content id,
    duplicate and language checks as for text items), or None (reported)."""
    if doc.title:
        where = {**where, "title": doc.title}
    rid = _new_id(doc.text, name, report, seen, where)
    if rid is None:
        return None
    lang = _english(doc.text, rid, name, report, seen, min_chars, where)
    if lang is None:
        return None
    report.documents_read += 1
    return Record(
        id=rid, text=doc.text, title=doc.title, source=name, span=None, arxiv_id=doc.arxiv_id, doi=doc.doi,
        date=doc.date, venue=doc.venue, url=doc.url, language=lang, authors=tuple(doc.authors),
        topics=tuple(doc.topics), urls=tuple(doc.urls), machine_translated=False, extra=doc.extra,
    )
