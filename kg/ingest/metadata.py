"""Line-shape patterns and metadata parsers used by the segmenter.

Everything here works on one stripped line (or one item's text) and returns plain
values; no state.  The patterns describe the *shapes* seen in AI/ML digests and
listings (arXiv listing trailers, newsletter chrome, news-feed trailers), not the
exact strings of the sample corpus.

Sources of the shapes:

* arXiv identifiers: new-style ``YYMM.NNNNN`` with optional version and old-style
  ``archive(.SC)/YYMMNNN`` (https://info.arxiv.org/help/arxiv_identifier.html).
* DOIs: ``10.<registrant>/<suffix>`` (https://www.doi.org/the-identifier/resources/handbook/2_numbering).
* Listing trailer lines ``arXiv:<id> - doi: <doi>`` and ``Created: YYYY-MM-DD``, the
  arXiv "Comments" line above them (venue notes such as ``ICLR'22``), "translated
  by <engine>" markers, "Read More" links and ``#tag, #tag`` lines: the shapes of the
  listing / news-feed exports in ``data/samples``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

#: ``arXiv:2205.12144`` optionally followed by `` - doi: 10.1145/3531013``.
ARXIV_LINE = re.compile(
    r"^\s*arxiv\s*:\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)"
    r"(?:\s*[-–—,;]?\s*doi\s*:\s*(?P<doi>10\.\d{4,9}/\S+))?\s*$",
    re.IGNORECASE,
)
#: A line holding only a DOI (``doi: 10.1/x`` or ``https://doi.org/10.1/x``).
DOI_LINE = re.compile(
    r"^\s*(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+)\s*$", re.IGNORECASE
)
#: ``Created: 2022-05-24`` and similar dated trailer lines.
DATE_LINE = re.compile(
    r"^\s*(?:created|published|submitted(?:\s+on)?|date|posted(?:\s+on)?|updated)\s*:\s*(?P<date>.+?)\s*$",
    re.IGNORECASE,
)
#: ``translated by 谷歌翻译`` / ``Translated by Google Translate`` (machine translation marker).
TRANSLATED_LINE = re.compile(r"^\s*(?:machine[\s-]+)?translated\s+by\b.{0,60}$", re.IGNORECASE)
#: A line made only of hashtags: ``#nvidia, #performance``.
HASHTAG_LINE = re.compile(r"^\s*#[^\s#,;]+(?:\s*[,;]?\s*#[^\s#,;]+)*\s*[,;]?\s*$")
HASHTAG = re.compile(r"#([^\s#,;]+)")
#: A "Read More" link at the end of a line (or alone on it).
READ_MORE = re.compile(
    r"(?:^|\s+)[\[(]?(?:read\s+more|continue\s+reading|read\s+the\s+full\s+(?:story|article))"
    r"\s*(?:[.…»›→>]+)?[\])]?\s*$",
    re.IGNORECASE,
)
#: An ``Abstract:`` label alone on a line, or leading a line.
ABSTRACT_LABEL = re.compile(r"^\s*(?:abstract|summary)\s*[:.—–-]?\s*$", re.IGNORECASE)
ABSTRACT_PREFIX = re.compile(r"^\s*(?:abstract|summary)\s*[:.—–-]\s*(?=\S)", re.IGNORECASE)
#: Newsletter greetings and sign-offs (short lines only; see :func:`is_greeting`).
GREETING = re.compile(
    r"^(?:hey|hi|hello|dear|greetings|good\s+(?:morning|afternoon|evening|day)|welcome)\b",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"^(?:until\s+next\s+(?:week|time|issue|month)|see\s+you\b|cheers\b|happy\s+(?:reading|hacking|learning)"
    r"|thanks\s+for\s+reading|best\s+(?:regards|wishes)|stay\s+tuned|that'?s\s+(?:all|it)\s+for"
    r"|talk\s+soon|bye\b)",
    re.IGNORECASE,
)
#: Newsletter / web page footer lines (unsubscribe links, copyright).
FOOTER = re.compile(
    r"^(?:unsubscribe\b|manage\s+(?:your\s+)?(?:subscription|preferences|email)|view\s+(?:this|it)\s+"
    r"(?:email\s+)?in\s+(?:your|a)\s+browser|©|\(c\)\s+\d{4}|copyright\s+(?:©|\(c\)|\d{4})"
    r"|forward(?:ed)?\s+(?:this\s+)?(?:email\s+|newsletter\s+)?to\s+a\s+friend"
    r"|you\s+(?:are\s+)?receiv(?:ed|ing)\s+this\s+(?:email|newsletter)|(?:was\s+)?this\s+(?:email|newsletter)\s+"
    r"forwarded\s+to\s+you)",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(r"^[\w\s,./:-]{6,40}$")
_BYLINE = re.compile(r"^(?:by|authors?\s*:)\s+", re.IGNORECASE)
#: Markdown ATX heading marker (``# Title``; a space is required, so ``#tag`` is not one).
MD_HEADING = re.compile(r"^(#{1,6})\s+")
URL = re.compile(r"""(?:https?://|www\.)[^\s<>"'\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+""", re.IGNORECASE)
DOI_IN_TEXT = re.compile(r"(?:\bdoi\s*:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s,;]+)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…。！？]['\"’”)\]]*$")
_INNER_SENTENCE = re.compile(r"[a-z0-9)\]][.!?]['\"’”]?\s+[A-Z]")
_ABBREV_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_PAGES_NOTE = re.compile(
    r"^\s*\d+\s*(?:pages?|figures?|figs?\.?|tables?)\b|^\s*(?:code|project page|website)\b",
    re.IGNORECASE,
)
_NOT_A_VENUE = re.compile(
    r"^(?:(?:a\s+)?tech(?:nical|\.)?\s+rep(?:ort|\.)?|pre-?print|under\s+review|in\s+submission"
    r"|work\s+in\s+progress|draft|extended\s+(?:version|abstract)|full\s+version|short\s+paper"
    r"|survey|white\s*paper|position\s+paper)$",
    re.IGNORECASE,
)
_ADMIN_NOTE = re.compile(r"\barxiv\s+admin\s+note\s*:.*$", re.IGNORECASE | re.DOTALL)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "la", "le", "bin", "al", "dos", "das"}
_NON_NAME_WORDS = {
    "the", "of", "for", "with", "in", "on", "to", "and", "or", "via", "by", "from",
    "is", "are", "more", "new", "our", "at", "as", "learning", "network", "networks", "model",
    "models", "data", "ai", "deep", "neural", "university", "institute", "lab", "inc",
}


def strip_trailing_punct(url: str) -> str:
    """Remove sentence punctuation glued to the end of a URL (``…/rtmdet.`` → ``…/rtmdet``).

    A closing parenthesis is kept only when the URL has a matching opening one.
    """
    while url and url[-1] in ".,;:!?'\"’”»)]}":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[str]:
    """URLs in ``text`` in order of appearance, without duplicates or glued punctuation."""
    out: list[str] = []
    for m in URL.finditer(text):
        u = strip_trailing_punct(m.group(0))
        if len(u) > 8 and u not in out:
            out.append(u)
    return out


def parse_hashtags(line: str) -> list[str]:
    """Topics of a hashtag line: ``"#nvidia, #performance"`` → ``["nvidia", "performance"]``."""
    out: list[str] = []
    for t in HASHTAG.findall(line):
        t = t.strip(".,;:")
        if t and t not in out:
            out.append(t)
    return out


def parse_date(value: str) -> str | None:
    """Parse a trailer date into ISO ``YYYY-MM-DD``; None if it is not a valid date.

    Accepts ``2022-05-24``, ``2022/05/24``, ``24 May 2022``, ``May 24, 2022`` and
    ``Tue, 24 May 2022 …`` (leading weekday and trailing time ignored).
    """
    v = value.strip()
    m = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b", v)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        v2 = re.sub(r"^[A-Za-z]{3,9},?\s+", "", v) if re.match(r"^(?:mon|tue|wed|thu|fri|sat|sun)", v, re.I) else v
        m = re.match(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", v2)
        if m:
            d, mon, y = int(m.group(1)), m.group(2).lower(), int(m.group(3))
        else:
            m = re.match(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b", v2)
            if not m:
                return None
            mon, d, y = m.group(1).lower(), int(m.group(2)), int(m.group(3))
        if mon not in _MONTHS:
            return None
        mo = _MONTHS[mon]
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def is_date_line(line: str) -> str | None:
    """ISO date if the whole (short) line is a date (``"December 1, 2020"``), else None."""
    if not _DATE_ONLY.match(line) or len(words(line)) > 6:
        return None
    iso = parse_date(line)
    if iso is None:
        return None
    rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|utc|gmt|[+-]\d{2}:?\d{2})?", "", line, flags=re.I)
    rest = re.sub(r"[\d\s,./:-]+", " ", rest)
    leftover = [w for w in rest.split() if w.lower().strip(".") not in _MONTHS and w.lower()[:3] not in
                {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}]
    return iso if not leftover else None


def is_footer(line: str) -> bool:
    """A newsletter/web footer line, ≤ 250 chars, *starting* with an unsubscribe /
    manage-preferences / view-in-browser / copyright / "you are receiving this email"
    phrase (a body sentence that merely mentions one is not a footer)."""
    return len(line) <= 250 and bool(FOOTER.search(line))


def venue_from_comments(comments: str) -> str | None:
    """The venue note of an arXiv "Comments" line.

    ``"ICME'22. arXiv admin note: substantial text overlap with arXiv:2105.07606"`` →
    ``"ICME'22"``; ``"Submitted to ACM Computing Surveys"`` → itself;
    ``"10 pages, 5 figures. Accepted at CVPR 2022"`` → ``"Accepted at CVPR 2022"``;
    ``"Technical report"`` → None.  The admin note, page/figure counts and notes
    that name a kind of publication rather than a venue ("Technical report",
    "Preprint", "Under review", "Work in progress", "Extended version") are
    dropped; the first remaining sentence is the venue note.  The whole line stays
    available as the item's ``comments``.
    """
    c = _ADMIN_NOTE.sub("", comments).strip()
    parts = [p.strip(" .;,") for p in re.split(r"(?<=[.;])\s+|;\s*", c)]
    parts = [p for p in parts if p and not _PAGES_NOTE.match(p) and not _NOT_A_VENUE.match(p)]
    return parts[0] if parts else None


def words(line: str) -> list[str]:
    """Whitespace-separated tokens of a line."""
    return line.split()


def is_body(line: str) -> bool:
    """True if a (stripped) line reads as prose: a paragraph rather than a title.

    Long lines (> 200 chars) are prose.  Shorter lines are prose when they end with
    sentence punctuation: a full stop after at least three words, or ``?``/``!``
    only when the line holds more than one sentence.  A line ending in an
    abbreviation (``… the most of A.I.``) stays title-like up to 120 chars, and one
    ending in an ellipsis (a truncated title) when it holds one sentence.
    """
    n = len(line)
    if n > 200:
        return True
    if not _SENTENCE_END.search(line):
        return False
    inner = bool(_INNER_SENTENCE.search(line))
    core = line.rstrip("'\"’”)]")
    if core.endswith(("…", "...")) and not inner:
        return False  # a truncated title ("Lots of cheap…")
    if core.endswith(("?", "!", "？", "！")):
        return inner
    if _ABBREV_END.search(core):
        return inner or n > 120
    return inner or len(words(line)) >= 3


def has_inner_sentence(line: str) -> bool:
    """True if a sentence ends inside the line (``"… here. The next …"``)."""
    return bool(_INNER_SENTENCE.search(line))


def ends_sentence(line: str) -> bool:
    """True if the line ends with sentence punctuation (``.``, ``!``, ``?``, ``…``, ``。``)."""
    return bool(_SENTENCE_END.search(line))


def is_heading(line: str) -> bool:
    """Title-like: short (≤ 200 chars, ≤ 30 words), not prose, no trailing ``,;:``."""
    if not line or len(line) > 200 or len(words(line)) > 30:
        return False
    if line.endswith((",", ";", ":")):
        return False
    return not is_body(line)


def is_section_like(line: str) -> bool:
    """A section header or dateline shape: 1–3 capitalised words, no other punctuation.

    ``"Industry"``, ``"Mobile & Edge"``, ``"Papers & Publications"``,
    ``"Guangdong Province"``; not ``"TernaryBERT: Quantization Meets Distillation"``.
    """
    ws = words(line)
    if not 1 <= len(ws) <= 3 or len(line) > 40:
        return False
    for w in ws:
        if w in {"&", "and", "+", "/"}:
            continue
        if not re.fullmatch(r"[^\W\d_][\w'’.-]*", w) or not w[0].isupper():
            return False
    return True


def is_greeting(line: str) -> bool:
    """A newsletter greeting line (``"Hey folks,"``, ``"Hi everyone!"``): at most 50
    chars, starts with a salutation and ends with ``,``/``!``/``:`` or has at most
    three words (so a title such as "Welcome to the Era of Experience" is not one)."""
    if len(line) > 50 or not GREETING.match(line):
        return False
    return line.endswith((",", "!", ":", "—")) or len(words(line)) <= 3


def is_sign_off(line: str) -> bool:
    """A newsletter sign-off line (``"Until next week!"``, ``"Cheers,"``): short."""
    return len(line) <= 60 and bool(SIGN_OFF.match(line))


def parse_authors(line: str) -> list[str] | None:
    """Parse an author line into display names ("First Last"), or None if it is not one.

    Shapes accepted (no sentence punctuation at the end, every name part capitalised,
    no common title words):

    * ``"Bermudez, Yaiza, Perlaza, Samir, Esnaola, Iñaki"`` — ``Last, First`` pairs
      separated by commas (every part one token, an even number of parts) →
      ``["Yaiza Bermudez", "Samir Perlaza", "Iñaki Esnaola"]``;
    * ``"Bermudez, Yaiza; Perlaza, Samir"`` — ``Last, First`` separated by ``;``;
    * ``"Yaiza Bermudez, Samir Perlaza and Iñaki Esnaola"`` — full names;
    * a byline ``"By Jane Doe"`` / ``"Authors: Jane Doe, John Roe"``.
    """
    s = line.strip()
    by = _BYLINE.match(s)
    if by:
        s = s[by.end():]
    if not s or len(s) > 600 or s.endswith((".", "?", "!", ":")) or any(c.isdigit() for c in s):
        return None
    if "," not in s and ";" not in s and " and " not in s and " & " not in s:
        if by and 2 <= len(s.split()) <= 4 and all(t[0].isupper() or t.lower() in _NAME_PARTICLES for t in s.split()):
            return [s]
        return None

    def ok_name(part: str) -> bool:
        toks = part.split()
        if not 1 <= len(toks) <= 4:
            return False
        for t in toks:
            if t.lower() in _NAME_PARTICLES:
                continue
            if t.lower().strip(".") in _NON_NAME_WORDS:
                return False
            if not re.fullmatch(r"[^\W\d_][\w'’.-]*", t) or not t[0].isupper():
                return False
        return True

    if ";" in s:
        out = []
        for chunk in (c.strip() for c in s.split(";")):
            if not chunk:
                continue
            bits = [b.strip() for b in chunk.split(",")]
            if len(bits) == 2 and ok_name(bits[0]) and ok_name(bits[1]):
                out.append(f"{bits[1]} {bits[0]}")
            elif len(bits) == 1 and ok_name(bits[0]):
                out.append(bits[0])
            else:
                return None
        return out if len(out) >= 1 else None
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", s) if p.strip()]
    if len(parts) < 2 or not all(ok_name(p) for p in parts):
        return None
    if all(len(p.split()) == 1 for p in parts):
        if len(parts) % 2:
            return None
        return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
    if sum(len(p.split()) >= 2 for p in parts) < len(parts) - 1:
        return None
    return parts


def normalise_for_id(text: str) -> str:
    """Normalised form used for content ids: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


#: A separator line: three or more of ``- * _ = ~ • ·`` (spaces allowed), e.g.
#: ``---``, ``* * *``, ``=====`` (also a setext underline when right under a line).
SEPARATOR = re.compile(r"^(?:[-*_=~•·]\s*){3,}$")
#: Leading emoji / symbols / bullets before a metadata value ("📅 June 3", "🔗 https://…").
_LEAD_SYMBOLS = re.compile(r"^[^\w\s(\[\"'#@]+\s*")
_SOURCE_LINE = re.compile(r"^(?:source|via|from|posted\s+by|filed\s+under|tags?|categories|category)\s*[:|]\s*\S",
                          re.IGNORECASE)
#: Newsletter / digest titles ("AI Weekly — Issue 57", "Links of the week", "Paper roundup").
NEWSLETTER_TITLE = re.compile(
    r"\b(?:issue|no\.\s*\d|#\d+|edition|weekly|week|digest|newsletter|round-?up|briefing|bulletin|links"
    r"|this\s+month|monthly|daily)\b", re.IGNORECASE)
#: Phrases of an issue introduction ("In this issue: …", "Here are the stories …").
INTRO_PHRASE = re.compile(
    r"\b(?:in\s+this\s+(?:issue|edition|week)|this\s+(?:week|issue|edition)|here\s+(?:are|is)|below\s+(?:are|is)"
    r"|today\s+we|we\s+(?:read|picked|collected)|a\s+(?:short\s+)?(?:list|selection|roundup)\s+of|welcome\s+to)\b",
    re.IGNORECASE)


def meta_line(line: str) -> str | None:
    """The kind of metadata a short line holds on its own, or None.

    ``"date"`` (``"📅 June 3, 2024"``, ``"Jan 8, 2024"``), ``"url"`` (only a URL,
    maybe after a symbol: ``"🔗 https://…"``), ``"doi"``, ``"source"`` (``"Source:
    Reuters"``, ``"Via: …"``, ``"Tags: …"``) or ``"authors"`` (an author line, see
    :func:`parse_authors`; bylines ``"By Jane Doe"`` included).
    """
    s = _LEAD_SYMBOLS.sub("", line.strip())
    if not s or len(s) > 300:
        return None
    if is_date_line(s):
        return "date"
    if URL.fullmatch(s) or (URL.match(s) and len(URL.match(s).group(0)) == len(s.rstrip(".,;"))):
        return "url"
    if DOI_LINE.match(s):
        return "doi"
    if _SOURCE_LINE.match(s):
        return "source"
    if _BYLINE.match(s) and parse_authors(s):
        return "authors"
    return None


def meta_value(line: str) -> str:
    """The value of a metadata line without leading symbols or label."""
    s = _LEAD_SYMBOLS.sub("", line.strip())
    return re.sub(r"^(?:source|via|from|posted\s+by|filed\s+under)\s*[:|]\s*", "", s, flags=re.IGNORECASE)
