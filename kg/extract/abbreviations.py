"""Abbreviation detection with the Schwartz–Hearst algorithm, as a spaCy component.

Source: A. S. Schwartz and M. A. Hearst, "A simple algorithm for identifying
abbreviation definitions in biomedical text", Pacific Symposium on Biocomputing
8:451-462, 2003. Candidates are ``long form (SHORT)`` pairs; the short form has
2-10 characters, at most two words, starts with an alphanumeric character and
contains a letter; the long form is searched in the ``min(|SF| + 5, 2·|SF|)``
words before the parenthesis, matching the short form's characters right to left,
its first character at the start of a word. The component layout follows
scispaCy's ``abbreviation.py`` (Apache-2.0), re-implemented here on character
offsets so that the results are plain values.

``doc._.kg_abbreviations`` holds a list of dicts
``{"short": [start, end], "long": [start, end], "short_text": str, "long_text": str}``
(character offsets into ``doc.text``), one per definition, in text order.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.doccache import doc_text

_PAREN = re.compile(r"\(([^()]{1,40})\)")
_WORD = re.compile(r"\S+")

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=None)


def _is_short_form_candidate(s: str) -> bool:
    s = s.strip()
    if not (2 <= len(s) <= 10):
        return False
    if len(s.split()) > 2:
        return False
    if not s[0].isalnum():
        return False
    if not any(c.isalpha() for c in s):
        return False
    # "(i)", "(e.g.)", "(2021)" and plain lower-case words are not abbreviations
    if s.islower() and not any(c.isdigit() for c in s) and "-" not in s:
        return False
    return True


def best_long_form(short: str, long: str) -> str | None:
    """Return the shortest suffix of ``long`` that the short form abbreviates.

    Parameters
    ----------
    short : str
        The short form, e.g. ``"SADGA"``.
    long : str
        The candidate text before the parenthesis.

    Returns
    -------
    str or None
        The long form (a suffix of ``long`` that starts at a word boundary), or
        None when the characters of ``short`` cannot be matched in order.

    Examples
    --------
    >>> best_long_form("DaC", "we present Divide and Contrast")
    'Divide and Contrast'
    """
    s_idx = len(short) - 1
    l_idx = len(long) - 1
    while s_idx >= 0:
        c = short[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            long[l_idx].lower() != c
            or (s_idx == 0 and l_idx > 0 and long[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = max(long.rfind(" ", 0, l_idx + 1), long.rfind("\n", 0, l_idx + 1)) + 1
    result = long[start:].strip()
    if not result or len(result) <= len(short):
        return None
    return result


def find_abbreviations(text: str) -> list[dict]:
    """Find ``long form (SHORT)`` definitions in ``text``.

    Returns a list of dicts with ``short``/``long`` character spans and texts,
    in text order (see the module docstring).

    Examples
    --------
    >>> d = find_abbreviations("we propose a Structure-Aware Dual Graph Aggregation Network (SADGA) for it")
    >>> d[0]["long_text"], d[0]["short_text"]
    ('Structure-Aware Dual Graph Aggregation Network', 'SADGA')
    """
    found: list[dict] = []
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        short = inner.strip()
        if not _is_short_form_candidate(short):
            continue
        # words before the parenthesis, within the same sentence-ish window
        before = text[max(0, m.start() - 300) : m.start()]
        # (a separator not found gives 0, not rfind's -1 plus its length: a long form
        # that starts the text keeps its first character)
        cut = max(
            max((k + len(sep) if (k := before.rfind(sep)) >= 0 else 0) for sep in (". ", "; ", ": ", "? ", "! ")),
            before.rfind("\n") + 1,
        )
        before = before[cut:]
        words = list(_WORD.finditer(before))
        max_words = min(len(short) + 5, 2 * len(short))
        if not words:
            continue
        window_start = words[max(0, len(words) - max_words)].start()
        window = before[window_start:].rstrip()
        long = best_long_form(short, window)
        if long is None:
            continue
        long_end_in_text = m.start() - (len(before) - len(before.rstrip()))
        long_start_in_text = long_end_in_text - len(long)
        if text[long_start_in_text:long_end_in_text] != long:
            continue
        short_start = m.start(1) + (len(inner) - len(inner.lstrip()))
        found.append(
            {
                "short": [short_start, short_start + len(short)],
                "long": [long_start_in_text, long_end_in_text],
                "short_text": short,
                "long_text": long,
            }
        )
    return found


@Language.factory(
    "kg_abbreviations",
    assigns=["doc._.kg_abbreviations"],
    default_config={},
)
def make_abbreviation_detector(nlp: Language, name: str) -> "AbbreviationDetector":
    """spaCy factory for :class:`AbbreviationDetector`."""
    return AbbreviationDetector()


class AbbreviationDetector:
    """Set ``doc._.kg_abbreviations`` with Schwartz–Hearst definitions (plain values)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_abbreviations = find_abbreviations(doc_text(doc))
        return doc
