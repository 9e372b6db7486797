"""Per-document memo for values spaCy recomputes on every access.

``Doc.text`` joins the text of every token each time it is read (0.6 µs a token
on this machine): the extraction components read it a dozen times per document,
more than a second on 150k words. A ``Doc``'s text never changes (merging or
splitting tokens keeps it), so it is computed once per document here.

The memo keeps the last :data:`SLOTS` documents (strong references, compared by
identity, so a recycled ``id()`` never returns another document's value): a
document passes through ``kg_abbreviations``, ``kg_entities``,
``kg_relations`` and :func:`kg.extract.pipeline.doc_to_extraction` before the
next one starts. Only values that depend on the text alone belong here.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["SLOTS", "doc_memo", "doc_text", "memoised"]

#: Number of recent documents whose values are kept.
SLOTS = 4

_recent: list[tuple[Any, dict]] = []


def doc_memo(doc: Any) -> dict:
    """The memo dict of ``doc`` (a new, empty one for a document not among the
    last :data:`SLOTS`)."""
    for d, memo in _recent:
        if d is doc:
            return memo
    memo: dict = {}
    _recent.insert(0, (doc, memo))
    del _recent[SLOTS:]
    return memo


def doc_text(doc: Any) -> str:
    """``doc.text``, computed once per document."""
    memo = doc_memo(doc)
    text = memo.get("text")
    if text is None:
        text = memo["text"] = doc.text
    return text


def memoised(doc: Any, key: str, compute: Callable[[Any], Any]) -> Any:
    """``compute(doc)`` once per document under ``key``; ``compute`` must depend on
    the text and tokens only (not on annotations later components change), and
    callers must not mutate the value."""
    memo = doc_memo(doc)
    if key not in memo:
        memo[key] = compute(doc)
    return memo[key]
