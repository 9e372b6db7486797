"""What kind of text a document is, and where it cites: genre and citation signals.

:func:`reads_as_paper` tells a scholarly paper from news by its section headings,
citations, references to tables and figures, and the voice of an abstract;
:func:`doc_genre` splits papers into abstracts and bodies. :func:`citation_tokens`
and :func:`cited_after` find the cited authors that the citation rule of
:func:`kg.extract.nodes.refine` makes Person nodes. Every function is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc

from kg.extract.doccache import doc_text, memoised

#: A bracketed citation with a year: "(Misra et al., 2016)", "(Faraday, Lindqvist, and Okafor, 2016;
#: Brandt 2019)", "[Vasic 2018]": a bracket (:data:`_BRACKET`) whose body has a capitalised word,
#: then a year right before the closing bracket, ";" or "," (:data:`_CITE_YEAR`).
_BRACKET = re.compile(r"[(\[]([^()\[\]\n]{1,400})[)\]]")
_CITE_YEAR = re.compile(r"\b(?:19|20)\d\d[a-z]?\s*(?:[;,]|$)")
_CAPITAL = re.compile(r"[A-Z]")
#: Other citation signals (for :func:`reads_as_paper`): "et al", numbered references "[4, 7]".
_ET_AL = re.compile(r"\bet\s*al\b")
_NUM_CITE = re.compile(r"\[\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\]")
#: References to a paper's own tables and figures ("Table 2", "Fig. 3", "Figure [reference]").
_FIG_REF = re.compile(r"\b(?:Table|Tab\.|Figure|Fig\.)\s*(?:\d+|[IVX]+\b|\[reference\])")
#: Heading markers of text converted from a paper's structure ("section: Introduction",
#: "subsection: Datasets", as in SciREX).
_SECTION_MARK = re.compile(r"\b(?:sub)*section:\s")
#: Section headings of a paper on a line of their own ("1 Introduction", "References").
_SECTION = re.compile(
    r"(?im)^[ \t]*(?:\d+(?:\.\d+)*\.?[ \t]+)?(?:abstract|introduction|related work|background|conclusions?|"
    r"references|bibliography|experiments|acknowledge?ments)[ \t]*$"
)
#: The voice of a paper's abstract ("we propose", "in this paper", "our method",
#: "extensive experiments"): two different ones make a text without citations read as a
#: paper (for :func:`reads_as_paper`). Sixth blind audit: in abstracts, 8 of 10 stock-NER
#: organisations were fragments of longer terms or metrics ("Audio Spectrogram",
#: "Equalized Odds"), which the paper rules drop.
_ABSTRACT_VOICE = re.compile(
    r"\b(?:we (?:propose|present|introduce|develop|design|evaluate|address|investigate|explore|analy[sz]e|study)"
    r"|in this (?:paper|work|study)|this (?:paper|work|(?:technical )?report) (?:\w+ly )?"
    r"(?:propose|present|introduce|describe|stud|investigat|address)\w*|our (?:proposed )?(?:method|approach|framework|"
    r"algorithm|model|architecture|methodology)s?\b|(?:extensive |our )?experiments? (?:on|show|demonstrate)|"
    r"experimental results|empirical results|we (?:evaluate|show|demonstrate) that)", re.I)
#: The voice of news ("said", "announced", "according to", money): with it, one phrase of
#: an abstract's voice is not enough to read as a paper.
_NEWS_VOICE = re.compile(r"\b(?:said|says|told|announced|announces|according to|reported|reportedly|CEO|"
                         r"spokesperson|percent|billion|million|startup|shares|investors?)\b|\$\d", re.I)
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d[a-z]?$")


def reads_as_paper(doc: Doc) -> bool:
    """True for text that reads as a scholarly paper: a section heading on a line of
    its own ("1 Introduction", "References") or at least two citation signals
    ("et al", a bracketed author-year citation, a numbered reference "[4, 7]", a
    reference to a table or figure "Table 2"), or a structure marker ("section: Results"),
    or two different phrases of an abstract's voice (:data:`_ABSTRACT_VOICE`: "we propose",
    "extensive experiments show"), or one without the voice of news (:data:`_NEWS_VOICE`).

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> reads_as_paper(nlp("As shown by Orlov et al. (2018) and [3, 4], it works."))
    True
    >>> reads_as_paper(nlp("Orbital Systems said on Tuesday it raised $20 million in 2024."))
    False
    >>> reads_as_paper(nlp("We propose FooNet. Extensive experiments on COCO show gains."))
    True
    """
    return memoised(doc, "reads_as_paper", _reads_as_paper)


def _reads_as_paper(doc: Doc) -> bool:
    """:func:`reads_as_paper`, computed (once per document: it scans the text with
    several regular expressions, and both the node and the relation rules ask)."""
    text = doc_text(doc)
    if _SECTION.search(text):
        return True
    hits = 0
    if _SECTION_MARK.search(text):
        return True
    for rx in (_ET_AL, _NUM_CITE, _FIG_REF):
        hits += sum(1 for _ in zip(range(2), rx.finditer(text)))
        if hits >= 2:
            return True
    for _ in _cite_brackets(text):
        hits += 1
        if hits >= 2:
            return True
    voice = set()
    for m in _ABSTRACT_VOICE.finditer(text):
        voice.add(m.group(0).lower().split()[-1])
        if len(voice) >= 2:
            return True
    return bool(voice) and _NEWS_VOICE.search(text) is None


#: Characters beyond which a text that reads as a paper is taken for a paper's body
#: rather than an abstract (arXiv caps abstracts at 1,920 characters).
BODY_CHARS = 4000


def doc_genre(doc: Doc) -> str:
    """The kind of text ``doc`` is, for genre-specific confidences: ``"body"`` (reads as
    a paper and has section structure or more than :data:`BODY_CHARS` characters),
    ``"abstract"`` (reads as a paper otherwise) or ``"news"`` (anything else: news,
    newsletters, blog posts). See :func:`reads_as_paper`.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> [doc_genre(nlp(t)) for t in ("We propose FooNet. Extensive experiments on COCO show gains.",
    ...                              "section: Method We propose FooNet. Experiments on COCO show gains.",
    ...                              "Orbital Systems said on Tuesday it raised $20 million.")]
    ['abstract', 'body', 'news']
    """
    if not reads_as_paper(doc):
        return "news"
    text = doc_text(doc)
    if len(text) > BODY_CHARS or _SECTION_MARK.search(text) or _SECTION.search(text):
        return "body"
    return "abstract"


def _cite_brackets(text: str):
    """Match objects of the bracketed author-year citations in ``text`` (one regex
    pass over the brackets, then a check of each body: linear in the text)."""
    for m in _BRACKET.finditer(text):
        body = m.group(1)
        cap = _CAPITAL.search(body)
        if cap is not None and any(y.start() > cap.start() for y in _CITE_YEAR.finditer(body)):
            yield m


def has_citation(text: str) -> bool:
    """Whether ``text`` carries a citation: "et al", a numbered reference ("[20]",
    "[3, 4]") or a bracketed author-year citation ("(Kim, 2017)")."""
    return bool(_NUM_CITE.search(text) or _ET_AL.search(text) or next(_cite_brackets(text), None))


def citation_tokens(doc: Doc) -> set[int]:
    """Token indices inside bracketed author-year citations ("(Misra et al., 2016)",
    "(Faraday, Lindqvist, and Okafor, 2016; Brandt 2019)"): the names there are
    cited authors."""
    out: set[int] = set()
    for m in _cite_brackets(doc_text(doc)):
        sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if sp is not None:
            out.update(range(sp.start, sp.end))
    return out


def cited_after(doc: Doc, end: int) -> str | None:
    """How a name ending at token ``end`` reads as a cited author, or None.

    ``"et al"``: followed, possibly after co-authors ("& Gimpel", ", Lindqvist,
    and Okafor"), by "et al"; ``"co-authored"``: a year in brackets after
    co-authors ("Le & Mikolov (2014)"); ``"bracket"``: a year in
    brackets right after the name alone ("Zielinski (2021)"), which a title of a
    work also has ("the novel Fairyland (1995)"); ``"number"``: a reference number
    after a lone name ("Vasic [12]", but also a cited method: "Permutohedral Lattice [1]")."""
    n = len(doc)
    j, hops, coauthors = end, 0, False
    while j + 1 < n and hops < 6:
        t, nxt = doc[j].text, doc[j + 1].text
        if t == "," and nxt in ("and", "&"):
            j += 1
            continue
        if t in ("&", "and", ",") and nxt[:1].isupper() and doc[j + 1].is_alpha:
            j += 2
            coauthors = True
            while j < n and doc[j].is_alpha and doc[j].text[:1].isupper() and hops < 6:
                j += 1  # a two-word surname ("van Dijk" is rare; "De Vries")
                hops += 1
            hops += 1
            continue
        break
    if j + 1 < n and (doc[j].lower_ == "et" and doc[j + 1].lower_.startswith("al") or doc[j].lower_ == "etal"):
        return "et al"
    if j + 1 < n and doc[j].text in ("(", "["):
        nxt = doc[j + 1].text
        closes = j + 2 < n and doc[j + 2].text in (")", "]", ",", ";")
        if closes and _YEAR_TOKEN.match(nxt):
            return "co-authored" if coauthors else "bracket"
        if closes and doc[j].text == "[" and nxt.isdigit() and len(nxt) <= 3:
            return "number"
    return None


def _et_al_at(doc: Doc, start: int, end: int) -> int | None:
    """Index of "et" in an "et al" inside the span, else None ("Ma et al" → 1)."""
    for k in range(start, end):
        if doc[k].lower_ == "et" and (k + 1 < len(doc) and doc[k + 1].lower_.startswith("al")):
            return k
    return None


def _author_parts(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span of cited authors at "&", "and" and commas into name parts that
    read as a surname or a full name (capitalised words)."""
    parts, s = [], start
    for k in range(start, end + 1):
        if k == end or doc[k].text in ("&", "and", ",", ";"):
            if k > s and all(t.text.rstrip(".").replace("-", "").replace("'", "").isalpha() or t.text in ("-", "'", ".") for t in doc[s:k]) and doc[s].text[:1].isupper():
                parts.append((s, k))
            s = k + 1
    return parts


def _citations(doc: Doc, cands: list[Any], paper: bool) -> list[Any]:
    """Rule 1 (:mod:`kg.extract.nodes`): cited authors are not Organization, Location or
    Method nodes. A stock-NER span in a citation (:func:`citation_tokens`,
    :func:`cited_after`, or holding "et al") becomes one Person per author
    ("Hendrycks & Gimpel" → "Hendrycks", "Gimpel"; "Ma et al" → "Ma"), source
    ``ner:citation``; any other span holding "et al", and a Method, Organization or
    Location span followed by it, is dropped. A
    lone name before a bracketed year counts only in a paper (:func:`reads_as_paper`)
    or when the stock NER read a person or the name has a middle initial ("Marta K.
    Ilves (2011)"): elsewhere it is often a work's title. An Organization or Location
    before a reference number ("Permutohedral Lattice [1]") is a cited work: dropped."""
    cite_toks = citation_tokens(doc)
    out = []
    for c in cands:
        src = c.source.split(":")[0]
        if src == "gazetteer":
            out.append(c)
            continue
        et = _et_al_at(doc, c.start, c.end)
        if src == "ner":
            inside = any(i in cite_toks for i in range(c.start, c.end))
            after = cited_after(doc, c.end)
            initial = any(re.fullmatch(r"[A-Z]\.", t.text) for t in doc[c.start + 1:c.end - 1])
            if after == "bracket" and not (paper or c.label == "Person" or initial):
                after = None  # "the novel Fairyland (1995)": a work's year, outside a paper
            if not (et is not None or inside or after):
                out.append(c)
                continue
            if after == "number" and et is None and not inside:
                if c.label == "Person":
                    out.append(c)  # "Vasic [12]"; an organisation or place before "[12]" is a cited work
                continue
            end = et if et is not None else c.end
            for s, e in _author_parts(doc, c.start, end):
                out.append(replace(c, start=s, end=e, label="Person", source="ner:citation", gid=None))
            continue
        if et is not None or (c.label in ("Method", "Organization", "Location") and (
            c.end + 1 < len(doc) and doc[c.end].lower_ == "et" and doc[c.end + 1].lower_.startswith("al")
        )):
            continue  # "LeCun et al.": an author, not a method; no span holds "et al"
        out.append(c)
    return out
