"""Markdown to plain text lines, with offsets back to the file (markdown-it-py).

The file is parsed with ``markdown-it-py`` (CommonMark plus tables and
strikethrough) and rendered as plain text for the segmenter, one block per
paragraph:

* kept: the text of headings (written ``# Title`` so the segmenter sees a
  heading), paragraphs, list items, blockquotes, table cells and the *text* of
  links (``[Read more](https://…)`` becomes ``Read more``);
* dropped: URLs, images (alt text too, so badges disappear), raw HTML (blocks
  and inline), code blocks, fenced code and inline code, and thematic breaks
  (``---``, written as an empty block so they still separate items).

Soft line breaks stay line breaks (an item written as ``**Title**`` + newline +
body keeps its title on its own line).  Blocks are separated by blank lines.

Offsets: :func:`to_plain` returns runs ``(plain_start, source_start, length)``
for every piece of text that appears verbatim in the file (CommonMark escapes and
entities make a piece differ; such a piece is left out of the map), so evidence
offsets can be mapped back to the Markdown source with :func:`map_runs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .metadata import READ_MORE, URL

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])

#: Headings that name a part of one document rather than an item of a digest
#: (README and paper sections).  Used by :func:`is_single_document`.
DOC_SECTION = re.compile(
    r"^(?:\W*\s*)?(?:about|abstract|acknowledg\w*|api(?:\s+reference)?|architecture|background|benchmarks?"
    r"|build(?:ing)?(?:\s+from\s+source)?|changelog|citation|cite|citing|community|conclusions?"
    r"|configuration|contact|contribut\w*|credits|data(?:sets?)?|demo|dependencies|development|docs"
    r"|documentation|evaluation|examples?|experiments?|faq|features?|further\s+reading|getting\s+started"
    r"|highlights|how\s+it\s+works|install\w*|introduction|key\s+features|license|licence|limitations"
    r"|method(?:s|ology)?|models?|news|overview|pre-?trained\s+models|quick\s*start|quick\s+tour"
    r"|references|related\s+work|release\s+notes|requirements|results|roadmap|setup|summary"
    r"|support|table\s+of\s+contents|testing|tests|training|troubleshooting|tutorials?|updates"
    r"|usage|what'?s\s+new)\b",
    re.IGNORECASE,
)


#: The line written for a paragraph made only of links ("[paper](…) · [code](…)"):
#: a per-item link line closes an item like "Read more" does.
LINKS_LINE = "Read more"
#: The line written for a thematic break and between the items of an item list.
SEPARATOR = "---"
#: An item list: at least this many top-level items, of at least ``ITEM_CHARS``
#: characters of text on average.
ITEM_LIST_MIN, ITEM_CHARS = 3, 60


@dataclass
class Plain:
    """Plain text rendered from a Markdown file.

    Attributes
    ----------
    text : str
        Blocks separated by blank lines; headings start with ``"# "``.
    runs : list of tuple of int
        ``(plain_start, source_start, length)`` runs identical in ``text`` and the file.
    headings : list of tuple of int and str
        ``(level, text)`` of each heading, in order.
    item_lists : int
        Items in lists of items (:func:`_item_lists`).
    read_more : int
        Paragraphs that are only a "Read more" / "Continue reading" link.
    dropped : dict of str to int
        How many images/badges, code blocks, inline code spans and HTML pieces were left out.
    """

    text: str
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    item_lists: int = 0
    read_more: int = 0


def _line_starts(src: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", src):
        starts.append(m.end())
    return starts


def to_plain(src: str) -> Plain:
    """Render Markdown ``src`` as plain text blocks (see the module doc).

    >>> p = to_plain("# Tool [![CI](https://x/badge.svg)](https://x)\\n\\nSee [the docs](https://d.io) and `pip install`.\\n")
    >>> p.text
    '# Tool\\n\\nSee the docs and .'
    >>> p.dropped
    {'image': 1, 'code': 1}
    """
    tokens = _MD.parse(src)
    starts = _line_starts(src)
    out: list[str] = []
    runs: list[tuple[int, int, int]] = []
    headings: list[tuple[int, str]] = []
    dropped: dict[str, int] = {}
    pos = 0  # length of the plain text so far
    heading_level = 0
    row: list[str] = []

    def drop(kind: str) -> None:
        dropped[kind] = dropped.get(kind, 0) + 1

    def add_block(pieces: list[tuple[str, int | None]], prefix: str = "") -> None:
        nonlocal pos
        text = "".join(p for p, _ in pieces)
        if not text.strip():
            return
        if out:
            out.append("\n\n")
            pos += 2
        out.append(prefix)
        pos += len(prefix)
        # strip leading whitespace of the block (keep offsets right)
        for piece, at in pieces:
            if at is not None and piece:
                runs.append((pos, at, len(piece)))
            out.append(piece)
            pos += len(piece)

    item_lists = _item_lists(tokens)
    read_more = 0
    depth = 0
    for i, tok in enumerate(tokens):
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif t == "list_item_open" and depth == 1 and tok.map and tok.map[0] in item_lists:
            # an item of a list of items (a link list, a digest as bullets): a separator
            if out:
                out.append("\n\n" + SEPARATOR)
                pos += 2 + len(SEPARATOR)
        elif t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t == "inline":
            lo = starts[tok.map[0]] if tok.map else 0
            hi = starts[tok.map[1]] if tok.map and tok.map[1] < len(starts) else len(src)
            pieces = _inline_pieces(tok, src, lo, hi, drop)
            if tokens[i - 1].type in ("th_open", "td_open"):
                row.append("".join(p for p, _ in pieces).strip())
                continue
            pieces = _trim(pieces)
            if heading_level:
                headings.append((heading_level, "".join(p for p, _ in pieces)))
                add_block(pieces, "# ")
            elif _links_only(tok):
                if READ_MORE.fullmatch("".join(p for p, _ in pieces).strip()):
                    read_more += 1
                add_block([(LINKS_LINE, None)])
            else:
                lead = _bold_lead(tok, pieces)
                if lead:
                    add_block(lead[0], "# ")
                    add_block(lead[1])
                else:
                    add_block(pieces)
        elif t == "tr_close":
            cells = [c for c in row if c]
            row = []
            if cells:
                add_block([("; ".join(cells), None)])
        elif t in ("fence", "code_block"):
            drop("code")
        elif t == "html_block":
            drop("html")
        elif t == "hr":
            # a separator: keep it as a separator line the segmenter understands
            if out:
                out.append("\n\n" + SEPARATOR)
                pos += 2 + len(SEPARATOR)
    return Plain("".join(out), runs, headings, dropped, len(item_lists), read_more)


def _inline_pieces(tok, src: str, lo: int, hi: int, drop) -> list[tuple[str, int | None]]:
    """Text pieces of an inline token with their offsets in ``src`` (None if not verbatim)."""
    pieces: list[tuple[str, int | None]] = []
    cursor = lo
    for c in tok.children or []:
        if c.type == "image":
            drop("image")
            continue
        if c.type == "code_inline":
            drop("code")
            continue
        if c.type == "html_inline":
            drop("html")
            continue
        if c.type in ("softbreak", "hardbreak"):
            pieces.append(("\n", None))
            continue
        if c.type == "text" and c.content:
            at = src.find(c.content, cursor, hi)
            if at >= 0:
                cursor = at + len(c.content)
            # bare URLs (autolinks, pasted links) are dropped, the text around them kept
            last = 0
            for m in URL.finditer(c.content):
                drop("url")
                if m.start() > last:
                    pieces.append((c.content[last:m.start()], None if at < 0 else at + last))
                last = m.end()
            if last < len(c.content):
                pieces.append((c.content[last:], None if at < 0 else at + last))
    return pieces


def _trim(pieces: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Strip whitespace at both ends and around line breaks (offsets adjusted);
    collapse whitespace-only lines left by dropped images/code."""
    out: list[tuple[str, int | None]] = []
    for piece, at in pieces:
        if piece == "\n":
            while out and out[-1][0] != "\n" and not out[-1][0].strip():
                out.pop()
            if out and out[-1][0] != "\n":
                p, a = out[-1]
                s = p.rstrip()
                out[-1] = (s, a)
            if out and out[-1][0] != "\n":
                out.append(("\n", None))
            continue
        if not out or out[-1][0] == "\n":
            s = piece.lstrip()
            if not s:
                continue
            at = None if at is None else at + len(piece) - len(s)
            piece = s
        out.append((piece, at))
    while out and (out[-1][0] == "\n" or not out[-1][0].strip()):
        out.pop()
    if out:
        p, a = out[-1]
        out[-1] = (p.rstrip(), a)
    return out


def is_single_document(plain: Plain) -> bool:
    """True when a Markdown file is one document (a README, a paper, an article)
    rather than a digest of items.

    A file is a digest when it shows a digest's marks: a first heading shaped like
    a newsletter's name (:data:`kg.ingest.metadata.NEWSLETTER_TITLE`: "Issue 57",
    "Paper roundup — week 12"), a greeting ("Hi everyone,") or an introducing
    phrase (:data:`kg.ingest.metadata.INTRO_PHRASE`: "In this issue", "Here are")
    among its first three blocks, or three or more "Read more" links.  Anything else
    (a README, however many sections and feature lists it has) is one document.
    """
    from .metadata import INTRO_PHRASE, NEWSLETTER_TITLE, is_greeting

    blocks = [b.strip() for b in plain.text.split("\n\n") if b.strip()]
    if plain.headings and NEWSLETTER_TITLE.search(plain.headings[0][1]):
        return False
    if any(is_greeting(b) or INTRO_PHRASE.search(b) for b in blocks[:3]):
        return False
    return plain.read_more < 3


def map_runs(seg_runs: list[tuple[int, int, int]], plain_runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Compose two run maps: ``seg_runs`` maps a document's text to the plain text,
    ``plain_runs`` maps the plain text to the file; the result maps the document
    text to the file (only where both maps cover it)."""
    out: list[tuple[int, int, int]] = []
    for ts, ps, n in seg_runs:
        for qs, fs, m in plain_runs:
            a, b = max(ps, qs), min(ps + n, qs + m)
            if a < b:
                out.append((ts + a - ps, fs + a - qs, b - a))
    return out


def _item_lists(tokens) -> set[int]:
    """First source lines of the items of top-level lists that read as lists of
    items (:data:`ITEM_LIST_MIN` items or more, :data:`ITEM_CHARS` characters of
    text each on average), e.g. a digest written as bullets; a README's short
    feature bullets are not."""
    out: set[int] = set()
    depth = 0
    items: list[int] = []
    chars = 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 1:
                items, chars = [], 0
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and len(items) >= ITEM_LIST_MIN and chars / len(items) >= ITEM_CHARS:
                out.update(items)
        elif tok.type == "list_item_open" and depth == 1 and tok.map:
            items.append(tok.map[0])
        elif tok.type == "inline" and depth >= 1:
            chars += len(tok.content)
    return out


def _links_only(tok) -> bool:
    """An inline token made only of links (and separators such as ``·``, ``|``)."""
    kids = tok.children or []
    depth = 0
    link_words = False
    for c in kids:
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth -= 1
        elif c.type == "text" and re.search(r"\w", c.content):
            if depth == 0:
                return False
            link_words = True
    return link_words  # image-only links (badges) are not a link line


def _bold_lead(tok, pieces):
    """``**Title**: text`` / ``**Title** — text`` as (title pieces, body pieces), or None.

    Only when the paragraph starts with strong text of 2–200 characters followed by
    at least 20 characters of text."""
    kids = [c for c in tok.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(kids) < 3 or kids[0].type != "strong_open":
        return None
    close = next((i for i, c in enumerate(kids) if c.type == "strong_close"), None)
    if close is None:
        return None
    title = "".join(c.content for c in kids[1:close] if c.type == "text").strip()
    # split the rendered pieces at the end of the title text
    acc, k = "", 0
    while k < len(pieces) and len(acc.strip()) < len(title):
        acc += pieces[k][0]
        k += 1
    if acc.strip() != title or not 2 <= len(title) <= 200:
        return None
    rest = pieces[k:]
    # strip the separator after the title (":", "—", "-", "|")
    while rest:
        piece, at = rest[0]
        s = re.sub(r"^[\s:—–|-]+", "", piece)
        if s:
            rest[0] = (s, None if at is None else at + len(piece) - len(s))
            break
        rest = rest[1:]
    if len("".join(p for p, _ in rest).strip()) < 20:
        return None
    return pieces[:k], rest
