"""Readers for structured inputs: HTML pages, RSS/Atom feeds, arXiv API responses,
arXiv metadata snapshot lines and PDF papers.

Each reader turns one file (or one JSON line) into :class:`Doc` objects: clean
text plus the metadata every :class:`kg.model.Record` carries (title, date, URL,
authors, source, arXiv id, DOI, venue, topics).  The parsing is done by
well-kept libraries: ``trafilatura`` (main text and metadata of web pages),
``feedparser`` (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, the arXiv API's Atom with its
``arxiv:`` extension elements), ``lxml`` (HTML fragments in feed entries) and
``pypdf`` (PDF text and document info).

Kinds of input (:func:`sniff_kind`): by extension first — ``.md``/``.markdown``,
``.html``/``.htm``/``.xhtml``, ``.xml``/``.rss``/``.atom``, ``.pdf``,
``.jsonl``/``.ndjson`` (arXiv snapshot when the first object has ``abstract`` and
no ``text``), anything else text — and for ``.txt`` and unknown extensions by
content: ``%PDF-``, an XML prolog or ``<rss``/``<feed``/``<rdf:RDF`` root, an HTML
doctype or ``<html``.

Errors: a reader raises :class:`FormatError` with a one-line message and, where
known, the 1-based line number (XML parse errors, JSON lines).
"""

from __future__ import annotations

import calendar
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import metadata as md

#: Extensions and the kind of input they name.
EXTENSIONS = {
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".pdf": "pdf",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".txt": "text",
}
#: Extensions picked up when walking a directory.
WALKED = tuple(EXTENSIONS)


class FormatError(ValueError):
    """An input that its reader cannot parse; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Doc:
    """One document read from a structured input (fields as in :class:`kg.model.Record`).

    ``line`` is the 1-based line (JSON lines) or entry number (feeds) it came from.
    """

    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    doi: str | None = None
    venue: str | None = None
    topics: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def sniff_kind(name: str, head: bytes) -> str:
    """Kind of an input from its name and its first bytes (see the module doc).

    >>> sniff_kind("x.txt", b"<?xml version='1.0'?><rss version='2.0'>")
    'feed'
    >>> sniff_kind("page", b"<!DOCTYPE html><html>")
    'html'
    >>> sniff_kind("notes.txt", b"Hello")
    'text'
    """
    low = name.lower()
    ext = low[low.rfind("."):] if "." in low.rsplit("/", 1)[-1] else ""
    kind = EXTENSIONS.get(ext)
    if kind == "jsonl":
        return "arxiv-jsonl" if _arxiv_snapshot(head) else "jsonl"
    if kind not in (None, "text"):
        return kind
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if h.startswith(b"%pdf-"):
        return "pdf"
    if h.startswith(b"<?xml"):
        return "html" if b"<html" in h else "feed"
    if re.match(rb"<(?:rss|feed|rdf:rdf)\b", h):
        return "feed"
    if h.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _arxiv_snapshot(head: bytes) -> bool:
    for raw in head.splitlines():
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            return False
        return isinstance(obj, dict) and "abstract" in obj and "text" not in obj
    return False


# --------------------------------------------------------------------------- helpers


def _squash(s: str | None) -> str:
    return " ".join((s or "").split())


def strip_html(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries): tags, scripts, styles, code,
    images and URLs removed, link text kept, paragraphs separated by blank lines.

    >>> strip_html('<p>New <b>model</b> from <a href="https://x.io">Acme</a>.</p><pre>x=1</pre><p>Two</p>')
    'New model from Acme.\\n\\nTwo'
    """
    from lxml import html as lhtml
    from lxml.etree import ParserError

    if "<" not in fragment:
        text = fragment
    else:
        try:
            root = lhtml.fragment_fromstring(fragment, create_parent="div")
        except (ParserError, ValueError):
            return _no_urls(re.sub(r"<[^>]*>", " ", fragment))
        for bad in root.xpath(".//script|.//style|.//pre|.//code|.//img|.//figure|.//iframe"):
            bad.drop_tree()
        for br in root.xpath(".//br"):
            br.tail = "\n" + (br.tail or "")
        for block in root.xpath(".//p|.//li|.//div|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//blockquote|.//tr"):
            block.tail = "\n\n" + (block.tail or "")
        text = root.text_content()
    return _no_urls(text)


_READ_MORE_TAIL = re.compile(
    r"\s*[\[(]?\b(?:read\s+more|continue\s+reading|read\s+the\s+full\s+(?:story|article)|the\s+post\s+.{1,200}?"
    r"\s+appeared\s+first\s+on)\b(?:\s+(?:at|on|here))?[^\w\n]*(?:\S+\s*)?[.…»›→\])]*\s*$", re.I)


def _no_urls(text: str) -> str:
    text = md.URL.sub(" ", text)
    text = "\n\n".join(_READ_MORE_TAIL.sub("", p) if len(p) > 0 else p for p in re.split(r"\n\s*\n", text))
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def _iso_struct(st: Any) -> str | None:
    if not st:
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(st)))
    except (TypeError, ValueError, OverflowError):
        return None


_ARXIV_ABS = re.compile(r"arxiv\.org/abs/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?P<v>v\d+)?", re.I)


def _venue(journal_ref: str | None, comment: str | None) -> str | None:
    if journal_ref and _squash(journal_ref):
        return _squash(journal_ref)
    return md.venue_from_comments(_squash(comment)) if comment and _squash(comment) else None


# --------------------------------------------------------------------------- HTML


def read_html(data: bytes) -> list[Doc]:
    """Main text and metadata of one saved web page (trafilatura).

    Returns one :class:`Doc`: ``title``, ``date`` (ISO), ``url`` (canonical URL
    from ``<link rel=canonical>``/``og:url``), ``authors``, ``venue`` = site name
    when the page names one (in ``extra["site"]``, not as venue) — plus the main
    text without navigation, comments, links' URLs or images.

    Raises
    ------
    FormatError
        No main text could be extracted.
    """
    import trafilatura
    from lxml import etree
    from lxml import html as lhtml

    try:  # code listings are not prose: remove them before extraction
        root = lhtml.document_fromstring(data)
        for bad in root.xpath("//pre|//code|//script|//style|//noscript"):
            bad.drop_tree()
        data = lhtml.tostring(root, encoding="unicode")
    except (etree.ParserError, ValueError):
        pass
    doc = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, favor_precision=True,
    )
    raw = (getattr(doc, "text", None) or "") if doc is not None else ""
    text = _no_urls(re.sub(r"\n+", "\n\n", raw))  # trafilatura ends paragraphs with one newline
    if not text:
        raise FormatError("HTML page without extractable main text")
    title = _squash(doc.title) or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    authors = [a.strip() for a in re.split(r";|\band\b|,", doc.author or "") if a.strip()] if doc.author else []
    extra: dict[str, Any] = {}
    if doc.sitename:
        extra["site"] = doc.sitename
    if doc.description:
        extra["description"] = doc.description
    return [Doc(text=text, title=title, date=md.parse_date(doc.date) if doc.date else None,
                url=doc.url or None, authors=authors, topics=[t for t in (doc.tags or []) if t],
                extra=extra)]


# --------------------------------------------------------------------------- feeds


def read_feed(data: bytes) -> tuple[list[Doc], str | None]:
    """Items of an RSS/Atom feed or an arXiv API response (feedparser).

    Returns ``(docs, warning)``: one :class:`Doc` per entry (``line`` = entry
    number, 1-based) and a warning when the XML is not well-formed but entries were
    still recovered.  Feed entries: ``title``, ``url`` (link), ``date`` (published,
    else updated), ``authors``, ``topics`` (categories), text = title + summary or
    content with HTML stripped.  arXiv API entries (an ``arxiv.org/abs/`` id) also
    give ``arxiv_id`` (without version; the version in ``extra``), ``doi``,
    ``venue`` (journal ref, else the venue note of the comment), categories as
    ``topics`` and ``extra["primary_category"]``, ``extra["updated"]``.  The
    feed's own title is ``extra["feed"]``.

    Raises
    ------
    FormatError
        Not a feed, or not well-formed with no entry recovered (with the line of
        the XML error).
    """
    import feedparser

    parsed = feedparser.parse(data)
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    line = exc.getLineNumber() if exc is not None and hasattr(exc, "getLineNumber") else None
    if not parsed.entries:
        if exc is not None and not isinstance(exc, feedparser.CharacterEncodingOverride):
            raise FormatError(f"not a well-formed feed: {exc}", line)
        if not parsed.get("version"):
            raise FormatError("not an RSS or Atom feed (no channel or feed element)")
        return [], None
    warning = None
    if exc is not None and not isinstance(exc, feedparser.CharacterEncodingOverride):
        warning = f"feed not well-formed ({exc}, line {line}); {len(parsed.entries)} entries recovered"
    docs = [_entry_doc(e, n) for n, e in enumerate(parsed.entries, start=1)]
    feed_title = _squash(strip_html(parsed.feed.get("title", ""))) if parsed.get("feed") else ""
    if feed_title:
        for d in docs:
            d.extra["feed"] = feed_title
    return docs, warning


def _entry_doc(e: Any, n: int) -> Doc:
    title = _squash(strip_html(e.get("title", ""))) or None
    body = ""
    if e.get("content"):
        body = max((c.get("value", "") for c in e["content"]), key=len)
    if not body or len(e.get("summary", "")) > len(body):
        body = e.get("summary", "") or body
    body = strip_html(body)
    m = _ARXIV_ABS.search(e.get("id", "") or "") or _ARXIV_ABS.search(e.get("link", "") or "")
    text = "\n\n".join(p for p in (title, body) if p)
    authors = [_squash(a.get("name")) for a in e.get("authors", []) if _squash(a.get("name"))]
    if not authors and e.get("author"):
        authors = [_squash(e["author"])]
    tags = [_squash(t.get("term")) for t in e.get("tags", []) if _squash(t.get("term"))]
    # (only ask for "updated_parsed" when the entry has one: feedparser maps a missing
    # one to "published_parsed" with a DeprecationWarning)
    updated = _iso_struct(e.get("updated_parsed")) if "updated" in e else None
    date = _iso_struct(e.get("published_parsed")) or updated
    doc = Doc(text=text, title=title, date=date, url=e.get("link") or None, authors=authors, topics=tags, line=n)
    if updated and e.get("published_parsed"):
        doc.extra["updated"] = updated
    if m:
        doc.arxiv_id = m.group("id")
        if m.group("v"):
            doc.extra["arxiv_version"] = m.group("v")
        doc.doi = _squash(e.get("arxiv_doi")) or None
        doc.venue = _venue(e.get("arxiv_journal_ref"), e.get("arxiv_comment"))
        if e.get("arxiv_comment"):
            doc.extra["comments"] = _squash(e["arxiv_comment"])
        prim = (e.get("arxiv_primary_category") or {}).get("term")
        if prim:
            doc.extra["primary_category"] = prim
    return doc


# --------------------------------------------------------------------------- arXiv snapshot


def arxiv_snapshot_doc(obj: dict[str, Any], n: int) -> Doc:
    """One line of the arXiv metadata snapshot (Kaggle "arxiv-metadata-oai-snapshot")
    as a :class:`Doc`.

    Fields: ``id``, ``title``, ``abstract`` (required, strings), ``authors`` (a
    string "A, B and C") or ``authors_parsed`` (``[[last, first, suffix], …]``),
    ``categories`` ("cs.CL cs.LG" → topics), ``versions`` (``[{"version": "v1",
    "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, …]``: the first gives ``date``),
    ``update_date`` (``date`` when there are no versions; else ``extra``), ``doi``,
    ``journal-ref`` (venue), ``comments``.  Title and abstract have their line
    breaks folded.  ``url`` is ``https://arxiv.org/abs/<id>``.

    Raises
    ------
    FormatError
        A required field is missing or not a string.
    """
    for key in ("id", "title", "abstract"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise FormatError(f"arXiv snapshot line without a '{key}' string", n)
    aid = obj["id"].strip()
    title = _squash(obj["title"])
    abstract = "\n\n".join(_squash(p) for p in re.split(r"\n\s*\n", obj["abstract"]) if p.strip())
    authors: list[str] = []
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and all(isinstance(a, list) and a for a in parsed):
        for a in parsed:
            last, first = str(a[0]).strip(), str(a[1]).strip() if len(a) > 1 else ""
            authors.append(_squash(f"{first} {last}"))
    elif isinstance(obj.get("authors"), str):
        authors = [_squash(a) for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", _squash(obj["authors"])) if a.strip()]
    date = None
    versions = obj.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        date = md.parse_date(str(versions[0].get("created", "")))
    extra: dict[str, Any] = {}
    if obj.get("update_date"):
        extra["updated"] = md.parse_date(str(obj["update_date"])) or str(obj["update_date"])
    date = date or (extra.get("updated") if extra.get("updated") and md.parse_date(extra["updated"]) else None)
    if obj.get("comments"):
        extra["comments"] = _squash(str(obj["comments"]))
    cats = str(obj.get("categories") or "").split()
    if cats:
        extra["primary_category"] = cats[0]
    return Doc(
        text=f"{title}\n\n{abstract}", title=title, date=date, url=f"https://arxiv.org/abs/{aid}",
        authors=authors, arxiv_id=aid, doi=_squash(obj.get("doi")) or None,
        venue=_venue(obj.get("journal-ref"), obj.get("comments")), topics=cats, line=n, extra=extra,
    )


# --------------------------------------------------------------------------- PDF

_ABSTRACT_START = re.compile(r"\babstract\b[\s.:—–-]*", re.I)
_ABSTRACT_END = re.compile(r"\n\s*(?:(?:1|I)\.?\s+)?(?:introduction|keywords|index terms|ccs concepts)\b", re.I)


def read_pdf(path_or_stream: Any) -> list[Doc]:
    """Title and abstract of a PDF paper (pypdf).

    ``title``: the document info title, else the first non-empty line of page 1.
    Text: title + the abstract (the text of page 1–2 between "Abstract" and
    "Introduction"/"Keywords"/"Index Terms"; ``extra["abstract_found"]`` says
    whether it was found, else the text of page 1 is used).  Authors and date from
    the document info (``/Author``, ``/CreationDate``) when present.

    Raises
    ------
    FormatError
        Encrypted, damaged, or without extractable text (a scanned PDF).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path_or_stream)
        if reader.is_encrypted:
            raise FormatError("encrypted PDF")
        pages = [reader.pages[i].extract_text() or "" for i in range(min(2, len(reader.pages)))]
        info = reader.metadata or {}
    except FormatError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError) as e:
        raise FormatError(f"damaged PDF: {e}") from None
    first = "\n".join(pages)
    if not first.strip():
        raise FormatError("PDF without extractable text (scanned images?)")
    title = _squash(info.get("/Title") if info else None) or next(
        (_squash(x) for x in first.splitlines() if _squash(x)), None)
    m = _ABSTRACT_START.search(first)
    extra: dict[str, Any] = {"pages": len(reader.pages)}
    if m:
        end = _ABSTRACT_END.search(first, m.end())
        abstract = first[m.end(): end.start() if end else m.end() + 3000]
        extra["abstract_found"] = True
    else:
        abstract = pages[0]
        extra["abstract_found"] = False
    # undo hyphenation at line ends, fold lines into paragraphs
    abstract = re.sub(r"(\w)-\n(\w)", r"\1\2", abstract)
    abstract = _no_urls(abstract.replace("\n", " "))
    authors = [a.strip() for a in re.split(r";|,|\band\b", str(info.get("/Author") or "")) if a.strip()] if info else []
    date = None
    raw = str(info.get("/CreationDate") or "") if info else ""
    dm = re.match(r"D:(\d{4})(\d{2})(\d{2})", raw)
    if dm:
        date = md.parse_date("-".join(dm.groups()))
    text = "\n\n".join(p for p in (title, abstract) if p)
    return [Doc(text=text, title=title, date=date, authors=authors, extra=extra)]
