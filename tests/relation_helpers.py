"""Run the relation rules alone on text whose mentions a test fixes (shared by the
relation test modules)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.relations import RelationExtractor


def relations_given(nlp, text: str, names, *, first_only: bool = False) -> Doc:
    """Parse ``text``, set its mentions to exactly ``names`` and run the relation rules.

    ``names`` holds ``(surface, label)`` or ``(surface, label, generic)``; every
    occurrence of a surface is a mention (only the first with ``first_only``), source
    ``"gazetteer"`` (``"statistical"`` when generic). Returns the Doc with
    ``doc._.kg_relations`` and ``doc._.kg_results`` set.

    Raises
    ------
    AssertionError
        If a surface is not in ``text``.
    """
    doc = nlp(text)
    ms = []
    for surface, label, *rest in names:
        generic = bool(rest and rest[0])
        start = text.find(surface)
        assert start >= 0, surface
        while start >= 0:
            ms.append({"start": start, "end": start + len(surface), "label": label,
                       "source": "statistical" if generic else "gazetteer", "gid": None, "generic": generic})
            start = -1 if first_only else text.find(surface, start + len(surface))
    doc._.kg_mentions = sorted(ms, key=lambda m: m["start"])
    return RelationExtractor()(doc)


def span_text(doc: Doc, i: int | None) -> str | None:
    """Text of mention ``i`` of ``doc._.kg_mentions`` (None for the document)."""
    if i is None:
        return None
    m = doc._.kg_mentions[i]
    return doc.text[m["start"]:m["end"]]
