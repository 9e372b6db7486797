"""Canonical ids: gazetteer entries, abbreviations and spelling variants → one id.

Within a document (:func:`resolve_document`):

* a gazetteer match keeps the gazetteer's id and preferred name;
* any other mention is looked up by its loose match key
  (:func:`kg.gazetteer.match_key`: case, hyphen and spacing variants —
  "OfficeHome" finds "Office-Home");
* the long form of an abbreviation gets the id of its short form
  ("Structure-Aware Dual Graph Aggregation Network" → ``sadga``), so both are one
  node with both labels;
* otherwise the id is :func:`kg.gazetteer.canonical_key` of the text, which keeps
  real variants apart ("DeiT-base" / "DeiT-small", "GPT-3" / "GPT-4").

Across documents (:func:`corpus_aliases`): a long form defined in one document
("Divide and Contrast (DaC)") maps its bare mentions in other documents to the
same id, unless two documents define it differently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from kg.gazetteer import GazetteerEntry, canonical_key, load_gazetteers, match_key
from kg.model import DocExtraction


GazetteerIndex = tuple[dict[str, GazetteerEntry], dict[str, GazetteerEntry]]


@lru_cache(maxsize=4)
def gazetteer_index(directory: str | None = None) -> GazetteerIndex:
    """Return ``(by_id, by_match_key)`` over the gazetteer in ``directory``
    (default ``data/gazetteers``; cached)."""
    entries = load_gazetteers(directory) if directory else load_gazetteers()
    return index_entries(entries)


def index_entries(entries: Iterable[GazetteerEntry]) -> GazetteerIndex:
    """Index gazetteer entries as ``(by_id, by_match_key)``.

    ``by_match_key`` maps the match key of every name and alias to its entry;
    a key shared by entries of two different ids is left out (ambiguous).
    """
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    by_key: dict[str, GazetteerEntry] = {}
    clash: set[str] = set()
    for e in entries:
        for form in (e.name, *e.aliases):
            try:
                k = match_key(form)
            except ValueError:
                continue
            if k in by_key and by_key[k].id != e.id:
                clash.add(k)
            by_key.setdefault(k, e)
    for k in clash:
        by_key.pop(k, None)
    return by_id, by_key


def safe_key(text: str) -> str:
    """:func:`canonical_key`, falling back to ``"x-<hex>"`` for text with no letter
    or digit (so every mention gets an id)."""
    try:
        return canonical_key(text)
    except ValueError:
        return "x-" + text.encode("utf-8").hex()[:32]


def _strip_possessive(text: str) -> str:
    for suf in ("'s", "’s"):
        if text.endswith(suf):
            return text[: -len(suf)]
    return text


def resolve_document(
    text: str,
    mentions: list[dict],
    abbreviations: list[dict],
    index: GazetteerIndex | None = None,
    *,
    doc_id: str = "",
    title: str | None = None,
) -> tuple[list[str], list[str]]:
    """Assign canonical ids and display names to the mentions of one document.

    Parameters
    ----------
    text : str
        The document text.
    mentions : list of dict
        ``{"start", "end", "label", "source", "gid"}`` (character offsets), as
        ``doc._.kg_mentions``.
    abbreviations : list of dict
        ``{"short_text", "long_text", ...}`` as ``doc._.kg_abbreviations``.
    index : (by_id, by_match_key), optional
        Gazetteer index (:func:`index_entries`); default :func:`gazetteer_index`.
    doc_id, title : str
        The document's id and title: an unnamed method the document proposes
        ("our method", source ``"anaphor"``) gets the id ``unnamed-method-<doc_id>``
        and the name "method of “<title>”".

    Returns
    -------
    (ids, names) : tuple of two lists of str
        Aligned with ``mentions``.
    """
    by_id, by_key = index if index is not None else gazetteer_index()

    def lookup(surface: str, label: str) -> tuple[str, str]:
        try:
            e = by_key.get(match_key(surface))
        except ValueError:
            e = None
        if e is not None and (e.type == label or {e.type, label} <= {"Dataset", "Benchmark"}):
            return e.id, e.name
        return safe_key(surface), surface

    long_to_short: dict[str, str] = {}
    for ab in abbreviations:
        try:
            long_to_short[match_key(ab["long_text"])] = ab["short_text"]
        except ValueError:
            continue

    ids, names = [], []
    for m in mentions:
        if m.get("source") == "anaphor":
            ids.append("unnamed-method-" + safe_key(doc_id or text[:64]))
            label = title or " ".join(text.split()[:8])
            names.append(f"method of “{label}”")
            continue
        surface = _strip_possessive(text[m["start"]:m["end"]])
        if m.get("gid") and m["gid"] in by_id:
            e = by_id[m["gid"]]
            ids.append(e.id)
            names.append(e.name)
            continue
        try:
            short = long_to_short.get(match_key(surface))
        except ValueError:
            short = None
        ident, name = lookup(short if short else surface, m["label"])
        ids.append(ident)
        names.append(name)
    return ids, names


def corpus_aliases(extractions: Iterable[DocExtraction]) -> dict[str, str]:
    """Map ids of long forms to the id of their short form across documents.

    Only non-gazetteer abbreviation mentions whose own key differs from their id
    contribute; a long form given two different short forms is left alone.

    Returns
    -------
    dict
        ``{long-form id: short-form id}``.
    """
    targets: dict[str, set[str]] = defaultdict(set)
    for ex in extractions:
        for m in ex.entities:
            if m.source != "abbreviation":
                continue
            k = safe_key(_strip_possessive(m.text))
            if k != m.id:
                targets[k].add(m.id)
    return {k: next(iter(v)) for k, v in targets.items() if len(v) == 1}
