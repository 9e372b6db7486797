"""Split digest / listing / news-feed text into items with clean text and metadata.

The segmenter reads lines, classifies each by its *shape* and groups them into
items.  It is a single forward pass with bounded look-ahead (the first 40 lines,
for newsletter front matter, and one line for titles ending in a full stop), so it
streams over arbitrarily large inputs; a separate cheap pass
(:func:`profile_lines`) measures three file-level facts first.

Line kinds
----------
* ``blank``
* trailer metadata, which closes the item above it: ``arXiv:<id> [- doi: <doi>]``,
  ``doi: <doi>``, ``Created: <date>`` (also Published/Submitted/Date/Posted),
  ``translated by <engine>``, a ``Read More`` line (or suffix of a body line), a
  hashtag line ``#a, #b``;
* ``abstract`` label (``Abstract:`` alone on a line; a leading ``Abstract:`` on a
  body line is removed too);
* ``footer``: unsubscribe / copyright / "view in browser" lines (boilerplate);
* ``heading``: title-like (short, not prose, see :func:`kg.ingest.metadata.is_heading`);
  Markdown ``# `` headings are headings.  Among headings, author lines
  (``Last, First, Last, First``, ``First Last, First Last and …``, ``By …``) and
  date lines (``December 1, 2020``) under a title are read as metadata;
* ``separator``: ``---``, ``* * *``, ``=====`` (three or more of ``- * _ = ~ • ·``);
  right under a line (no blank line between) a setext underline, ignored;
* ``body``: prose paragraphs.  A short one-sentence body line right above a body
  line at least twice as long is a title that ends in a full stop.

Grouping rules
--------------
1. A run of headings directly before a body starts a new item.  In the run, leading
   section-shaped lines (1–3 capitalised words: "Industry", "Mobile & Edge") that
   are followed by another heading are section headers; the next heading is the
   item's title (``title``, and the first paragraph of the text, so the NLP
   pipeline sees it); further headings are subtitles (kept in the text after the
   title; an author line gives ``authors``, a date line ``date``; an ``Abstract:``
   label is dropped).
2. A file with trailer markers ("terminated": arXiv/Created/translated/Read
   More/hashtags anywhere in it) ends items at the markers: body paragraphs up to a
   marker belong to one item, so multi-paragraph news items stay whole.  Headings
   directly above an ``arXiv``/``doi``/``Created`` line are the arXiv "Comments"
   line (``comments``; its venue part is ``venue``).
3. A file without markers and without blank lines ("dense": one paragraph per
   line) makes every body line its own item (titled when headings precede it).
   Without markers but with blank lines, consecutive body blocks stay one item
   until the next heading run.
4. Newsletter front matter: if a greeting ("Hey folks,") appears among the first 12
   content lines, everything up to it is boilerplate, and so are the intro lines
   after it through a sign-off ("Until next week!") if one follows within 10
   sentence-ended lines, else the prose lines right after the greeting.  The first
   line, if title-like, is kept as the ``newsletter`` name.  Sign-off lines at the
   end of the file are boilerplate too.
5. Section headers: when a file has at least two section headers (rule 1), each
   applies to the items below it (``section``).  A single section-shaped line at
   the top of a file ("Guangdong Province" above the first title) is taken as a
   stray dateline/location tag: it is not part of any item's text or span and is
   kept as the next item's ``dateline``.
6. Items never exceed ``max_doc_chars`` characters of text; a longer run of
   paragraphs continues in a new item (``part`` 2, 3, …), and a single line longer
   than ``max_line_chars`` is cut at a sentence end (else a space) before that
   limit, so a 50 MB one-line file becomes ~500 bounded documents in linear time.
7. Run-together items: an item-closing marker glued into a line ("… end. Read
   More #ai Next item …", "…end.translated by 谷歌翻译The next…", an ``arXiv:``
   or ``Created:`` trailer after a sentence end) splits the line there, so the
   marker closes the item and the rest starts the next one.  (A title run into the
   previous body with no marker and no newline cannot be told from prose and is not
   split.)
8. A paragraph mostly in a non-Latin script inside an item whose other paragraphs
   are Latin-script (a Chinese translation printed under an English abstract) is
   left out of the text (``dropped``); whole non-English items are left to the
   language filter of :func:`kg.ingest.iter_records`.

9. Metadata above the body: in a listing whose arXiv/DOI/date lines are mostly
   followed by a body (and the first such line comes before any body), these
   lines open the item of the title run above them instead of closing it
   (``Profile.lead_meta``); each is reported as attached to its item
   (``Segment.attached``).
10. A metadata line right under an item's last line, with no blank line between
    (a date ``📅 June 3, 2024``, a bare URL, a DOI, ``Source: …``, a byline; see
    :func:`kg.ingest.metadata.meta_line`), belongs to that item: its value fills
    ``date``/``urls``/``doi``/``authors``/``extra["sources"]``, it is left out of
    the text and listed in ``Segment.attached``.  Metadata lines at the head of a
    title run fill the next item's fields the same way.  A run of metadata lines
    that belongs to no item is a ``stray`` segment (dropped, reported).
11. Separators and issue chrome: a separator line closes the current item.  The
    first item of a file is an issue introduction (boilerplate) when a later item
    follows and :func:`is_intro` holds (newsletter-shaped title such as "Issue
    57" / "Links of the week", or an introducing phrase such as "In this issue",
    and a short body).  A file title above the first item's title (newsletter
    shaped, or — in a rule-9 listing — set off by a blank line in a longer title
    run than the file's usual one) becomes ``newsletter``, not the item's title.
    A sign-off body line ("That's all for this week.") after a closed item is
    boilerplate.

Offsets
-------
All offsets are Python string indices into the decoded source text (for a file:
``open(path, encoding=<detected>, newline="").read()``).  ``Segment.span`` covers
the item from its title (or first line) to the end of its last trailer line;
``Segment.source_map`` maps the clean text back: a list of ``(text_start,
source_start, length)`` runs that are identical in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterable, Iterator

from . import metadata as md
from .language import non_latin_ratio

#: Default upper bound on one document's clean text (spaCy's default
#: ``nlp.max_length`` is 1,000,000 characters; items stay well under it).
MAX_DOC_CHARS = 100_000
#: Default upper bound on one physical line before it is cut.
MAX_LINE_CHARS = 100_000
#: Title-like lines held while waiting for a body; a longer run is reported as stray.
MAX_PENDING = 256

BLANK, HEADING, BODY, ABSTRACT, ARXIV, DOI, DATE, TRANSLATED, HASHTAGS, READMORE, FOOTER = (
    "blank", "heading", "body", "abstract", "arxiv", "doi", "date", "translated", "hashtags", "readmore", "footer",
)
SEPARATOR, META = "separator", "meta"
TRAILERS = frozenset({ARXIV, DOI, DATE, TRANSLATED, HASHTAGS, READMORE})
_LISTING_TRAILERS = frozenset({ARXIV, DOI, DATE})


@dataclass
class Line:
    """One physical line (or one piece of an oversized line), stripped.

    ``start``/``end`` are offsets of the stripped content in the source text;
    ``number`` is the 1-based line number; ``cut`` marks a piece of a longer line.
    """

    start: int
    text: str
    number: int
    cut: bool = False
    kind: str = ""
    closes: bool = False  # a body line ending in "Read More"
    title_candidate: bool = False  # a short one-sentence body line right above a long one

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Segment:
    """One item found in a text: clean text, provenance and metadata.

    Attributes
    ----------
    kind : str
        ``"item"`` (a document), ``"boilerplate"`` (newsletter chrome) or
        ``"stray"`` (lines that belong to no item, e.g. a title without a body).
    span : tuple of int
        ``(start, end)`` offsets of the item in the source text.
    text : str
        Clean text: the title line, subtitles and body paragraphs joined by blank
        lines (``"Title\\n\\nBody…"``), without section headers, author/date lines,
        labels, trailer lines or "Read More".
    title : str or None
    source_map : list of tuple of int
        ``(text_start, source_start, length)`` runs identical in text and source.
    lines : tuple of int
        First and last 1-based line numbers of the item.
    arxiv_id, doi, date, venue, comments, section, dateline, newsletter : str or None
    authors, topics, urls, subtitles : list of str
    machine_translated : bool
    translated_by : str or None
    part : int
        1 for a whole item; 2, 3, … for continuations of an oversized item.
    cut : bool
        The text comes from a line cut at ``max_line_chars``.
    dropped : list of tuple of int
        Source spans of paragraphs left out of the text because they are mostly
        in a non-Latin script while the rest of the item is not (a translation
        printed next to an English abstract).
    """

    kind: str
    span: tuple[int, int]
    text: str = ""
    title: str | None = None
    source_map: list[tuple[int, int, int]] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)
    arxiv_id: str | None = None
    doi: str | None = None
    date: str | None = None
    venue: str | None = None
    comments: str | None = None
    section: str | None = None
    dateline: str | None = None
    newsletter: str | None = None
    authors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    machine_translated: bool = False
    translated_by: str | None = None
    part: int = 1
    cut: bool = False
    notes: list[str] = field(default_factory=list)
    dropped: list[tuple[int, int]] = field(default_factory=list)
    attached: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def extra(self) -> dict[str, Any]:
        """Metadata that has no field in :class:`kg.model.Record` (only keys that are set)."""
        out: dict[str, Any] = {}
        for key in ("comments", "section", "dateline", "newsletter", "translated_by"):
            v = getattr(self, key)
            if v:
                out[key] = v
        if self.sources:
            out["sources"] = list(self.sources)
        if self.subtitles:
            out["subtitles"] = list(self.subtitles)
        if self.part > 1:
            out["part"] = self.part
        if self.cut:
            out["cut"] = True
        if self.dropped:
            out["dropped_paragraphs"] = [list(d) for d in self.dropped]
        out["lines"] = list(self.lines)
        out["source_map"] = [list(r) for r in self.source_map]
        return out


@dataclass
class Profile:
    """File-level facts measured before segmentation (see module rules 2, 3, 5)."""

    terminated: bool = False
    dense: bool = True
    section_headers: int = 0
    meta_before: int = 0  # listing trailer runs followed by a body (metadata above the abstract)
    meta_after: int = 0  # listing trailer runs followed by a heading or the end (metadata below it)
    body_first: bool = False  # a body line comes before the first listing trailer line
    _meta_seen: bool = False
    runs: dict[int, int] = field(default_factory=dict)  # title-run length -> count
    _run: int = 0

    @property
    def typical_run(self) -> int:
        """The most common number of title-like lines above an item's body or metadata."""
        return max(self.runs, key=lambda n: (self.runs[n], -n)) if self.runs else 0

    @property
    def lead_meta(self) -> bool:
        """Listing metadata (arXiv/DOI/date lines) comes *before* each item's body
        (module rule 9): at least two trailer runs are followed by a body, more
        than are followed by a title, and no body line comes before the first
        trailer line (in a listing with metadata below the abstracts, the first
        abstract does)."""
        return self.meta_before >= 2 and self.meta_before > self.meta_after and not self.body_first


# --------------------------------------------------------------------------- lines


_NEWLINE = re.compile(r"\r\n|\r|\n")


def iter_lines(chunks: Iterable[str], max_line_chars: int = MAX_LINE_CHARS) -> Iterator[Line]:
    """Split a stream of text chunks into stripped :class:`Line` objects with offsets.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``.  Linear in the input size: a
    line longer than ``max_line_chars`` is emitted in pieces (``cut=True``), each
    ending at the last sentence end (``. ``) — or else the last space — before the
    limit.

    Parameters
    ----------
    chunks : iterable of str
        The text, in order (e.g. ``[text]`` or decoded 1 MiB blocks of a file).
    max_line_chars : int
        Upper bound on the length of one emitted line.
    """
    buf = ""
    base = 0  # source offset of buf[0]
    number = 1
    for chunk in chunks:
        if not chunk:
            continue
        buf = buf + chunk if buf else chunk
        pos = 0
        n = len(buf)
        while pos < n:
            m = _NEWLINE.search(buf, pos, min(n, pos + max_line_chars + 2))
            if m is not None and not (m.group() == "\r" and m.end() == n):  # "\r" + "\n" in the next chunk?
                line = _mk_line(buf, pos, m.start(), base, number, False)
                if line:
                    yield from split_markers(line)
                number += 1
                pos = m.end()
                continue
            if n - pos > max_line_chars:
                cut = _cut_point(buf, pos, pos + max_line_chars)
                line = _mk_line(buf, pos, cut, base, number, True)
                if line:
                    yield from split_markers(line)
                pos = cut
                continue
            break
        buf = buf[pos:]
        base += pos
    if buf:
        end = len(buf) - 1 if buf.endswith("\r") else len(buf)
        line = _mk_line(buf, 0, end, base, number, False)
        if line:
            yield from split_markers(line)


#: Item-closing markers run into the text of a line (no newline before/after them):
#: "… end. Read More #tag, #tag Next item", "… end.translated by 谷歌翻译Next …",
#: "… end. arXiv:2205.12144 Created: 2022-05-24 Next …".  Each match becomes a line
#: of its own and the text after it a new line (see :func:`split_markers`).
_RUN_TOGETHER = re.compile(
    r"(?<=[.!?。)\]\"”’])\s*(?:"
    r"(?P<rm>(?:Read\s+More|Read\s+more|Continue\s+reading)(?:\s*[»›→]+)?)(?P<tags>\s+#[^\s#,;]+(?:\s*,\s*#[^\s#,;]+)*)?(?=\s*\S)"
    r"|(?P<tr>translated\s+by\s+(?:谷歌翻译|百度翻译|有道翻译|Google\s+Translate|DeepL|[^\s\w]*\S+?(?=[\s.]|$)))"
    r"|(?P<ax>arXiv:\d{4}\.\d{4,5}(?:v\d+)?(?![\w.])(?:\s*-\s*doi:\s*10\.\d{4,9}/\S+)?)"
    r")"
    r"|\s*(?P<cr>Created:\s*\d{4}-\d{2}-\d{2})(?!\d)"
)


def split_markers(line: Line) -> list[Line]:
    """Split a line where an item-closing marker is run into it (module rule 7).

    ``"…in generations. Read More #ai, #chips China flashes…"`` becomes the lines
    ``"…in generations. Read More"``, ``"#ai, #chips"`` and ``"China flashes…"``, with
    offsets kept.  A marker is only recognised right after sentence-final
    punctuation (``Created: <date>`` anywhere); "Read More" only when more text
    follows it on the line (at the end of a line :func:`classify` handles it).
    """
    t = line.text
    if line.kind == BLANK or len(t) < 20:
        return [line]
    out: list[Line] = []
    pos = 0

    def piece(a: int, b: int) -> None:
        raw = t[a:b]
        st = raw.strip()
        if st:
            out.append(Line(line.start + a + (len(raw) - len(raw.lstrip())), st, line.number, line.cut))

    for m in _RUN_TOGETHER.finditer(t):
        if m.group("rm"):
            piece(pos, m.end("rm"))
            if m.group("tags"):
                piece(m.start("tags"), m.end("tags"))
        else:
            piece(pos, m.start())
            piece(m.start(), m.end())
        pos = m.end()
    if not out:
        return [line]
    piece(pos, len(t))
    return out


def _cut_point(buf: str, lo: int, hi: int) -> int:
    window_lo = max(lo + 1, hi - max(1, (hi - lo) // 4))
    for sep in (". ", "? ", "! ", "; ", " "):
        i = buf.rfind(sep, window_lo, hi)
        if i >= 0:
            return i + len(sep)
    return hi


def _mk_line(buf: str, a: int, b: int, base: int, number: int, cut: bool) -> Line | None:
    raw = buf[a:b]
    stripped = raw.strip()
    if not stripped:
        return Line(base + a, "", number, cut, BLANK)
    lead = len(raw) - len(raw.lstrip())
    return Line(base + a + lead, stripped, number, cut)


def classify(line: Line) -> Line:
    """Set ``line.kind`` (and trim labels / "Read More" off the text, fixing offsets)."""
    t = line.text
    if not t:
        line.kind = BLANK
        return line
    if md.SEPARATOR.match(t):
        line.kind = SEPARATOR
        return line
    m = md.MD_HEADING.match(t)
    if m and not md.HASHTAG_LINE.match(t):
        line.start += m.end()
        line.text = t[m.end():].strip()
        line.kind = HEADING if line.text else BLANK
        return line
    if md.ARXIV_LINE.match(t):
        line.kind = ARXIV
    elif md.DOI_LINE.match(t):
        line.kind = DOI
    elif md.DATE_LINE.match(t) and md.parse_date(md.DATE_LINE.match(t).group("date")):
        line.kind = DATE
    elif md.TRANSLATED_LINE.match(t):
        line.kind = TRANSLATED
    elif md.HASHTAG_LINE.match(t):
        line.kind = HASHTAGS
    elif md.READ_MORE.fullmatch(t) or md.READ_MORE.match(t) and md.READ_MORE.match(t).end() == len(t):
        line.kind = READMORE
    elif md.ABSTRACT_LABEL.match(t):
        line.kind = ABSTRACT
    elif md.is_footer(t):
        line.kind = FOOTER
    else:
        m = md.ABSTRACT_PREFIX.match(t)
        if m and len(t) - m.end() > 0:
            line.start += m.end()
            line.text = t = t[m.end():]
        rm = md.READ_MORE.search(t)
        if rm and rm.start() > 0:
            line.text = t = t[: rm.start()].rstrip()
            line.closes = True
        line.kind = HEADING if (md.is_heading(t) and not line.closes) else BODY
    return line


def profile_lines(lines: Iterable[Line]) -> Profile:
    """Measure the file-level facts the segmenter needs (one pass, O(1) memory)."""
    p = Profile()
    prev: Line | None = None
    seen_content = False
    pending_blank = False
    for line in lines:
        classify(line)
        if line.kind == BLANK:
            pending_blank = seen_content
            continue
        if pending_blank:
            p.dense = False
        pending_blank = False
        seen_content = True
        if line.kind in TRAILERS or line.closes:
            p.terminated = True
        if line.kind == HEADING:
            p._run += 1
        elif p._run:
            p.runs[p._run] = p.runs.get(p._run, 0) + 1
            p._run = 0
        if line.kind in _LISTING_TRAILERS:
            p._meta_seen = True
        elif line.kind == BODY and not p._meta_seen:
            p.body_first = True
        if prev is not None and prev.kind in _LISTING_TRAILERS and line.kind not in TRAILERS | {ABSTRACT}:
            if line.kind == BODY:
                p.meta_before += 1
            else:
                p.meta_after += 1
        if (
            prev is not None
            and prev.kind == HEADING
            and md.is_section_like(prev.text)
            and line.kind == HEADING
            and not md.is_section_like(line.text)
        ):
            p.section_headers += 1
        if line.kind != ABSTRACT:
            prev = line
    if prev is not None and prev.kind in _LISTING_TRAILERS:
        p.meta_after += 1
    return p


# --------------------------------------------------------------------------- items


class _Item:
    __slots__ = ("heads", "paras", "trailer", "comments", "closed", "first", "last", "part", "chars")

    def __init__(self) -> None:
        self.heads: list[Line] = []
        self.paras: list[Line] = []
        self.trailer: list[Line] = []
        self.comments: list[Line] = []
        self.closed = False
        self.first: Line | None = None
        self.last: Line | None = None
        self.part = 1
        self.chars = 0

    def touch(self, line: Line) -> None:
        if self.first is None:
            self.first = line
        self.last = line


def segment_lines(
    lines: Iterable[Line],
    profile: Profile,
    *,
    max_doc_chars: int = MAX_DOC_CHARS,
) -> Iterator[Segment]:
    """Group classified lines into :class:`Segment` objects (see the module rules).

    Parameters
    ----------
    lines : iterable of Line
        The lines of one source, in order (from :func:`iter_lines`).
    profile : Profile
        From :func:`profile_lines` over the same lines.
    max_doc_chars : int
        Upper bound on one item's clean text.

    Yields
    ------
    Segment
        Items, boilerplate and stray segments in source order.
    """
    it = _mark_title_candidates(classify(x) for x in lines)
    head = list(islice((x for x in it if x.kind != BLANK), 40))
    newsletter, front_end = _front_matter(head)
    content: Iterator[Line] = _chain(head, it)
    state = _State(profile, newsletter, max_doc_chars)
    if front_end >= 0:
        front = head[: front_end + 1]
        yield Segment("boilerplate", (front[0].start, front[-1].end), lines=(front[0].number, front[-1].number))
        for _ in range(front_end + 1):
            next(content)
    yield from _drop_intro(_feed_all(state, content))


def _feed_all(state: "_State", content: Iterator[Line]) -> Iterator[Segment]:
    for line in content:
        yield from state.feed(line)
    yield from state.finish()


def is_intro(seg: Segment) -> bool:
    """True for an issue introduction read as an item (module rule 11): the first
    item of a file, titled, with at most 400 characters of body, no listing
    metadata, and a title shaped like a newsletter's name
    (:data:`kg.ingest.metadata.NEWSLETTER_TITLE`: "Issue 57", "Links of the week",
    "Paper roundup") or a body that introduces the issue
    (:data:`kg.ingest.metadata.INTRO_PHRASE`: "In this issue", "Here are …")."""
    if seg.kind != "item" or not seg.title or seg.arxiv_id or seg.doi or seg.topics or seg.part > 1:
        return False
    body = seg.text[len(seg.title):].strip() if seg.text.startswith(seg.title) else seg.text
    if len(body) > 400:
        return False
    return bool(md.NEWSLETTER_TITLE.search(seg.title) or md.INTRO_PHRASE.search(body))


def _drop_intro(segs: Iterator[Segment]) -> Iterator[Segment]:
    """Hold the first item until a second one arrives; an introduction followed by
    items becomes boilerplate ("issue introduction")."""
    first: Segment | None = None
    held: list[Segment] = []
    decided = False
    for seg in segs:
        if decided:
            yield seg
            continue
        if first is None:
            if seg.kind == "item":
                first = seg
            else:
                yield seg
            continue
        if seg.kind != "item":
            held.append(seg)
            continue
        decided = True
        if is_intro(first):
            first = Segment("boilerplate", first.span, lines=first.lines, notes=["issue introduction"])
        yield first
        yield from held
        yield seg
    if not decided:
        if first is not None:
            yield first
        yield from held


def _mark_title_candidates(lines: Iterator[Line]) -> Iterator[Line]:
    """Flag short one-sentence body lines (≤ 150 chars, ≤ 25 words) directly above a
    body line at least twice as long (and ≥ 120 chars): titles that end with a full
    stop, e.g. "Google's model beats GPT-4 on math." (used in dense or terminated
    files only, where a new item starts anyway; see :class:`_State`)."""
    prev: Line | None = None
    for line in lines:
        if line.kind == BLANK:
            yield line
            continue
        if (
            prev is not None
            and prev.kind == BODY
            and not prev.closes
            and line.kind == BODY
            and len(line.text) >= max(120, 2 * len(prev.text))
            and len(prev.text) <= 150
            and len(md.words(prev.text)) <= 25
            and not md.has_inner_sentence(prev.text)
        ):
            prev.title_candidate = True
        if prev is not None:
            yield prev
        prev = line
    if prev is not None:
        yield prev


def _chain(head: list[Line], rest: Iterator[Line]) -> Iterator[Line]:
    yield from head
    for x in rest:
        if x.kind != BLANK:
            yield x


def _front_matter(head: list[Line]) -> tuple[str | None, int]:
    """(newsletter name, index of the last front-matter line or -1)."""
    g = next((i for i, x in enumerate(head[:12]) if md.is_greeting(x.text)), -1)
    if g < 0:
        return None, -1
    name = head[0].text if g > 0 and head[0].kind == HEADING else None
    # a sign-off within the next 10 lines, after sentence-ended intro lines only
    j = g
    while j + 1 < min(len(head), g + 11) and not md.is_sign_off(head[j + 1].text) and (
        head[j + 1].kind == BODY or md.ends_sentence(head[j + 1].text)
    ):
        j += 1
    if j + 1 < len(head) and md.is_sign_off(head[j + 1].text):
        return name, j + 1
    # no sign-off: the prose lines after the greeting
    j = g
    while j + 1 < len(head) and head[j + 1].kind == BODY:
        j += 1
    return name, j


class _State:
    def __init__(self, profile: Profile, newsletter: str | None, max_doc_chars: int) -> None:
        self.p = profile
        self.newsletter = newsletter
        self.max = max_doc_chars
        self.cur: _Item | None = None
        self.pending: list[Line] = []
        self.section: str | None = None
        self.dateline: str | None = None
        self.prev: Line | None = None  # the previous non-blank line fed
        self.started = False  # an item was started

    def feed(self, line: Line) -> Iterator[Segment]:
        prev, self.prev = self.prev, line
        k = line.kind
        if k == SEPARATOR:
            if prev is not None and prev.number == line.number - 1 and line.text[0] in "=-":
                return  # a setext underline: the line above is a heading
            if self.cur is not None and (self.cur.paras or self.cur.trailer):
                self.cur.closed = True
            return
        if (
            k == HEADING
            and not self.pending
            and self.cur is not None
            and self.cur.paras
            and prev is not None
            and prev is self.cur.last
            and prev.number >= line.number - 1
            and md.meta_line(line.text)
        ):
            # a metadata line right under the item's last line (no blank line between):
            # it belongs to that item (rule 10)
            line.kind = META
            self.cur.trailer.append(line)
            self.cur.touch(line)
            return
        if k == BODY and md.is_sign_off(line.text) and not self.pending and (self.cur is None or self.cur.closed):
            yield from self.finish()
            yield Segment("boilerplate", (line.start, line.end), lines=(line.number, line.number), notes=["sign-off"])
            return
        if k in _LISTING_TRAILERS and self.p.lead_meta:
            cur = self.cur
            if any(p.kind == HEADING for p in self.pending):
                # metadata above the body: it opens the item of the title run above it
                if cur is not None:
                    yield from self._emit()
                cur = self.cur = self._start(self.pending)
                self.pending = []
                cur.trailer.append(line)
                cur.touch(line)
                return
            if cur is not None and not cur.paras and not cur.closed:
                cur.trailer.append(line)
                cur.touch(line)
                return
        if k in TRAILERS:
            cur = self.cur
            if self.pending and (cur is None or cur.closed) and any(p.kind == HEADING for p in self.pending):
                # a title with no body, closed by a trailer ("Title / Read More / #tag"):
                # a title-only item
                if cur is not None:
                    yield from self._emit()
                cur = self.cur = self._start(self.pending)
                self.pending = []
            elif cur is None or cur.closed and self.pending or (not cur.paras and not cur.heads):
                if cur is not None:
                    yield from self._emit()
                stray = self.pending + [line]
                self.pending = []
                yield Segment("stray", (stray[0].start, stray[-1].end), lines=(stray[0].number, stray[-1].number),
                              notes=[f"metadata line {line.number} belongs to no item"])
                return
            elif self.pending:
                if k in _LISTING_TRAILERS:
                    cur.comments.extend(self.pending)
                else:
                    cur.paras.extend(p for p in self.pending if p.kind != ABSTRACT)
                for p in self.pending:
                    cur.touch(p)
                self.pending = []
            if k in _LISTING_TRAILERS and not cur.comments and len(cur.paras) >= 2 and len(cur.paras[-1].text) < 250:
                # an arXiv "Comments" line long enough to read as prose
                cur.comments.append(cur.paras.pop())
            cur.trailer.append(line)
            cur.touch(line)
            cur.closed = True
            return
        if k == FOOTER:
            yield from self.finish()
            yield Segment("boilerplate", (line.start, line.end), lines=(line.number, line.number))
            return
        if k == BODY and line.title_candidate and not any(p.kind == HEADING for p in self.pending):
            cur = self.cur
            if (self.p.dense or self.p.terminated) and (
                cur is None or cur.closed or (self.p.dense and not self.p.terminated)
            ):
                line.kind = HEADING
                self.pending.append(line)
                return
        if k == BODY:
            cur = self.cur
            titled = any(p.kind == HEADING for p in self.pending)
            new = (
                cur is None
                or cur.closed
                or titled
                or (self.p.dense and not self.p.terminated and cur.paras)
            )
            if not new and cur is not None and cur.chars + len(line.text) > self.max and cur.paras:
                yield from self._emit()
                self.cur = _Item()
                self.cur.part = cur.part + 1
                new = False
            if new:
                if cur is not None:
                    yield from self._emit()
                self.cur = self._start(self.pending)
                self.pending = []
            assert self.cur is not None
            for p in self.pending:  # only abstract labels can be left here
                self.cur.touch(p)
            self.pending = []
            self.cur.paras.append(line)
            self.cur.chars += len(line.text) + 2
            self.cur.touch(line)
            if line.closes:
                self.cur.closed = True
            return
        # heading, abstract label
        self.pending.append(line)
        if len(self.pending) > MAX_PENDING:
            # a long run of title-like lines with no prose (a list, a table of contents):
            # report it in bounded pieces instead of holding it
            run, self.pending = self.pending[:-8], self.pending[-8:]
            if self.cur is not None:
                yield from self._emit()
            yield Segment("stray", (run[0].start, run[-1].end), lines=(run[0].number, run[-1].number),
                          notes=[f"{len(run)} title-like lines without prose"])

    def _start(self, pending: list[Line]) -> _Item:
        item = _Item()
        heads = [p for p in pending if p.kind == HEADING]
        # leading section-shaped lines followed by another heading: sections / dateline
        i = 0
        while i < len(heads) - 1 and md.is_section_like(heads[i].text):
            i += 1
        if i:
            label = heads[i - 1].text
            if self.p.section_headers >= 2:
                self.section = label
            else:
                self.dateline = label
        item.heads = heads[i:]
        if not self.started and len(item.heads) >= 2 and (
            md.NEWSLETTER_TITLE.search(item.heads[0].text)
            or (self.p.lead_meta and item.heads[1].number > item.heads[0].number + 1
                and len(item.heads) > self.p.typical_run)
        ):
            # the file's title ("AI Pulse, weekly edition", or a line set off by a blank
            # line) above the first item's title (module rule 11)
            self.newsletter = self.newsletter or item.heads[0].text
            heads = [h for h in heads if h is not item.heads[0]]
            item.heads = item.heads[1:]
        self.started = True
        for p in pending:
            if p.kind == HEADING and p in heads[:i]:
                continue
            item.touch(p)
        return item

    def finish(self) -> Iterator[Segment]:
        pending = self.pending
        self.pending = []
        k = next((i for i, p in enumerate(pending) if md.is_sign_off(p.text)), None)
        tail = pending[k:] if k is not None else []
        rest = pending[:k] if k is not None else pending
        cur = self.cur
        if rest and cur is not None and not cur.closed and not self.p.dense:
            for p in rest:  # short closing paragraphs of an open item
                if p.kind != ABSTRACT:
                    cur.paras.append(p)
                cur.touch(p)
            rest = []
        if cur is not None:
            yield from self._emit()
        if rest:
            yield Segment("stray", (rest[0].start, rest[-1].end), title=rest[0].text,
                          lines=(rest[0].number, rest[-1].number), notes=["title without body"])
        if tail:
            yield Segment("boilerplate", (tail[0].start, tail[-1].end), lines=(tail[0].number, tail[-1].number))
        self.cur = None

    def _emit(self) -> Iterator[Segment]:
        item = self.cur
        self.cur = None
        if item is None or item.first is None:
            return
        seg = Segment("item", (item.first.start, item.last.end), lines=(item.first.number, item.last.number))
        seg.newsletter = self.newsletter
        seg.section = self.section
        if self.dateline:
            seg.dateline, self.dateline = self.dateline, None
        seg.part = item.part
        heads = []
        meta_urls: list[str] = []
        for h in item.heads:
            kind = md.meta_line(h.text)
            iso = md.is_date_line(md.meta_value(h.text)) if kind == "date" else None
            if iso and not seg.date:
                seg.date = iso
            elif kind == "url" and len(item.heads) > 1:
                meta_urls.append(md.strip_trailing_punct(md.meta_value(h.text)))
            elif kind == "source" and len(item.heads) > 1:
                seg.sources.append(md.meta_value(h.text))
            else:
                heads.append(h)
        pieces: list[Line] = []
        if heads:
            title = heads.pop(0)
            seg.title = " ".join(title.text.split())
            pieces.append(title)
        for h in heads:
            names = md.parse_authors(h.text) if not seg.authors else None
            if names:
                seg.authors = names
            else:
                seg.subtitles.append(h.text)
                pieces.append(h)
        pieces.extend(item.paras)
        if len(pieces) > 1:
            # a bilingual item (an English abstract with its Chinese translation):
            # keep the Latin-script paragraphs, drop the others (reported)
            latin = [p for p in pieces if non_latin_ratio(p.text) <= 0.5]
            if latin and len(latin) < len(pieces):
                seg.dropped = [(p.start, p.end) for p in pieces if p not in latin]
                pieces = latin
        text_parts: list[str] = []
        off = 0
        for p in pieces:
            if text_parts:
                off += 2
            seg.source_map.append((off, p.start, len(p.text)))
            text_parts.append(p.text)
            off += len(p.text)
            seg.cut = seg.cut or p.cut
        seg.text = "\n\n".join(text_parts)
        if item.comments:
            seg.comments = " ".join(c.text for c in item.comments)
            seg.venue = md.venue_from_comments(seg.comments)
        trailer_date = None
        for t in item.trailer:
            if t.kind == ARXIV:
                m = md.ARXIV_LINE.match(t.text)
                seg.arxiv_id = seg.arxiv_id or m.group("id")
                if m.group("doi"):
                    seg.doi = seg.doi or md.strip_trailing_punct(m.group("doi"))
            elif t.kind == DOI:
                seg.doi = seg.doi or md.strip_trailing_punct(md.DOI_LINE.match(t.text).group("doi"))
            elif t.kind == DATE:
                if not trailer_date:  # a trailer date beats a date line under the title
                    seg.date = trailer_date = md.parse_date(md.DATE_LINE.match(t.text).group("date"))
            elif t.kind == TRANSLATED:
                seg.machine_translated = True
                seg.translated_by = re.sub(r"^\s*(?:machine[\s-]+)?translated\s+by\s*", "", t.text, flags=re.I) or None
            elif t.kind == HASHTAGS:
                for tag in md.parse_hashtags(t.text):
                    if tag not in seg.topics:
                        seg.topics.append(tag)
            elif t.kind == META:
                kind, value = md.meta_line(t.text), md.meta_value(t.text)
                if kind == "date" and not seg.date:
                    seg.date = md.is_date_line(value)
                elif kind == "url":
                    meta_urls.append(md.strip_trailing_punct(value))
                elif kind == "doi":
                    seg.doi = seg.doi or md.strip_trailing_punct(md.DOI_LINE.match(value).group("doi"))
                elif kind == "authors" and not seg.authors:
                    seg.authors = md.parse_authors(value) or []
                elif kind == "source":
                    seg.sources.append(value)
                seg.attached.append({"span": [t.start, t.end], "lines": [t.number, t.number], "metadata": kind})
        if self.p.lead_meta:
            for t in item.trailer:
                if t.kind in _LISTING_TRAILERS and item.paras and t.end <= item.paras[0].start:
                    seg.attached.append({"span": [t.start, t.end], "lines": [t.number, t.number], "metadata": t.kind})
        seg.urls = md.find_urls("\n".join([seg.text] + ([seg.comments] if seg.comments else [])))
        for u in meta_urls:
            if u not in seg.urls:
                seg.urls.append(u)
        yield seg


def segment_text(
    text: str,
    source: str = "<string>",
    *,
    keep_boilerplate: bool = False,
    max_doc_chars: int = MAX_DOC_CHARS,
    max_line_chars: int = MAX_LINE_CHARS,
) -> list[Segment]:
    """Split one digest / listing / news text into items.

    Parameters
    ----------
    text : str
        The whole source text (offsets in the result index it).
    source : str
        Name of the source, used in notes only.
    keep_boilerplate : bool
        Also return ``"boilerplate"`` and ``"stray"`` segments (default: items only).
    max_doc_chars, max_line_chars : int
        Size bounds (module rule 6).

    Returns
    -------
    list of Segment
        In source order.

    Examples
    --------
    >>> segs = segment_text("A Title Here\\nThe body of the item says something useful.\\n"
    ...                     "Read More\\n#ai, #nlp\\n")
    >>> [(s.title, s.text, s.topics) for s in segs]
    [('A Title Here', 'A Title Here\\n\\nThe body of the item says something useful.', ['ai', 'nlp'])]
    """
    prof = profile_lines(iter_lines([text], max_line_chars))
    segs = segment_lines(iter_lines([text], max_line_chars), prof, max_doc_chars=max_doc_chars)
    return [s for s in segs if keep_boilerplate or s.kind == "item"]
