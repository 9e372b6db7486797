"""Name shapes: whether a single word looks like a name nobody listed.

:func:`name_shape` tells a coined mixed-case or letter+digit word ("FedEMA",
"bert2BERT", "GPT-3", "Yelp-2013", "ICRL-Net"), which is a name by its shape alone,
from an all-capital acronym ("SADGA", "ZSLRE") that needs context to count; the
``pattern`` rules (:mod:`kg.extract.entities.names`) start from it.
"""

from __future__ import annotations

import re

from kg.extract.entities.common import _HAS_DIGIT, _STRIP
from kg.extract.lexicon import Lexicon, load_lexicon  # noqa: F401 (load_lexicon: the doctest reads it)

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|[a-z]\d|\d[A-Za-z]{2,}")
_UNITLIKE = re.compile(r"^[+\-~]?\d[\d.,]*(?:[a-zA-Z]{1,2}|st|nd|rd|th|x|×)?$")
_TITLE_COMPOUND = re.compile(r"^[A-Z][a-z’']+(?:[-’'][A-Z]?[a-z’']+)+$")
_ALLCAPS = re.compile(r"^(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z][A-Z0-9]+)s?$")
_URLISH = re.compile(r"://|^www\.|\.(?:com|org|net|io|ai|cn|edu)\b|@")


def name_shape(word: str, lex: Lexicon) -> str | None:
    """Classify a single word as a possible unlisted name.

    Returns ``"mixed"`` for mixed-case or letter+digit words ("FedEMA",
    "bert2BERT", "GPT-3", "Yelp-2013", "ICRL-Net"), ``"caps"`` for all-capital
    acronyms ("SADGA", "ZSLRE") that need context to count, or None.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> [name_shape(w, lex) for w in ["FedEMA", "SADGA", "Structure-Aware", "6B", "AI", "model"]]
    ['mixed', 'caps', None, None, None, None]

    The result depends on the word and the lexicon only; it is memoised per
    lexicon (a word is classified once, not at each of its occurrences).
    """
    slot = _SHAPE_MEMO.get(id(lex))
    if slot is None or slot[0] is not lex:
        slot = _SHAPE_MEMO[id(lex)] = (lex, {})
    memo = slot[1]
    try:
        return memo[word]
    except KeyError:
        pass
    if len(memo) >= _SHAPE_MEMO_MAX:
        memo.clear()
    shape = memo[word] = _name_shape(word, lex)
    return shape


#: ``id(lexicon) → (lexicon, {word: shape})`` for :func:`name_shape`
_SHAPE_MEMO: dict[int, tuple[Lexicon, dict[str, str | None]]] = {}
#: words kept per lexicon before the memo is emptied (bounded memory on big corpora)
_SHAPE_MEMO_MAX = 200_000


def _name_shape(word: str, lex: Lexicon) -> str | None:
    w = word.strip(_STRIP)
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if len(w) < 2 or w in lex.stop_names or sum(c.isalpha() for c in w) < 2:
        return None
    if _URLISH.search(w):
        return None
    if _UNITLIKE.match(w) or _TITLE_COMPOUND.match(w):
        return None
    if _ALLCAPS.match(w) and not any(c.islower() for c in w):
        if _HAS_DIGIT.search(w) and re.search(r"[A-Z]{2,}", w) and "-" in w:
            return "mixed"  # "CIFAR-10", "MS-COCO2"
        if _HAS_DIGIT.search(w):
            return "mixed" if re.search(r"[A-Z]\d|\d[A-Z]|[A-Z]-\d", w) else None
        return "caps" if len(w.rstrip("s")) >= 2 else None
    has_upper = any(c.isupper() for c in w)
    if _HAS_DIGIT.search(w):
        # "bert2BERT", "Yelp-2013", "Llama2"; not "research1", "1layer", "a2n+"
        return "mixed" if has_upper and sum(c.isalpha() for c in w) >= 2 else None
    if _CAMEL.search(w):
        return "mixed"
    if sum(c.isupper() for c in w) >= 2 and any(c.islower() for c in w):
        return "mixed"  # "ICRL-Net", "GNN-SL"-like with a Title part
    return None
