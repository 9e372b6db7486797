"""Canonical ids and loose match keys for entity names.

Two functions, used by the gazetteers and by the resolver (:mod:`kg.resolve`):

* :func:`canonical_key` gives the *id* of an entity. It is strict enough to keep
  real variants apart ("gpt-3" vs "gpt-4", "deit-base" vs "deit-small") and loose
  enough to merge case and punctuation variants ("GPT-3", "gpt 3" → "gpt-3").
* :func:`match_key` is looser: it also drops the separators, so "Office-Home",
  "OfficeHome" and "office home" compare equal ("officehome"). Use it to look
  names up, not to mint ids.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["canonical_key", "match_key", "is_canonical_key"]

# Symbols that carry meaning in names ("C++", "C#", "AT&T"); spelt out so that
# "C++" and "C" do not collapse to one id.
_SYMBOLS = {"+": " plus ", "#": " sharp ", "&": " and "}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CANONICAL = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def canonical_key(name: str) -> str:
    """Return the canonical id of a name.

    The name is Unicode-normalised (NFKC), transliterated to ASCII with
    ``anyascii`` (so "Université de Montréal" → "universite-de-montreal" and
    CJK names get a romanisation), lower-cased; "+", "#" and "&" are spelt out
    ("plus", "sharp", "and"); every run of other non-alphanumeric characters
    becomes one "-", and leading/trailing "-" are stripped.

    Parameters
    ----------
    name : str
        Any surface form, e.g. ``"GPT-3"``, ``"NVIDIA A100 SXM4 80 GB"``.

    Returns
    -------
    str
        A non-empty id matching ``^[a-z0-9]+(-[a-z0-9]+)*$``, e.g. ``"gpt-3"``.

    Raises
    ------
    ValueError
        If ``name`` is not a string or has no letter or digit at all.

    Examples
    --------
    >>> canonical_key("DeiT-base"), canonical_key("DeiT-small")
    ('deit-base', 'deit-small')
    >>> canonical_key("  GPT 3 ")
    'gpt-3'
    >>> canonical_key("C++")
    'c-plus-plus'
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a string, not {type(name).__name__}")
    text = anyascii(unicodedata.normalize("NFKC", name)).lower()
    for symbol, word in _SYMBOLS.items():
        if symbol in text:
            text = text.replace(symbol, word)
    key = _NON_ALNUM.sub("-", text).strip("-")
    if not key:
        raise ValueError(f"name {name!r} has no letter or digit to build an id from")
    return key


def match_key(name: str) -> str:
    """Return the loose lookup key of a name: its canonical key without separators.

    Case, hyphen, space and punctuation variants share one match key
    ("Office-Home", "OfficeHome", "office home" → ``"officehome"``); names that
    differ in a letter or digit do not ("GPT-3" → ``"gpt3"``, "GPT-4" → ``"gpt4"``).

    Parameters
    ----------
    name : str
        Any surface form.

    Returns
    -------
    str
        Non-empty string of ``[a-z0-9]``.

    Raises
    ------
    ValueError
        As :func:`canonical_key`.

    Examples
    --------
    >>> match_key("Office-Home") == match_key("OfficeHome") == match_key("office home")
    True
    """
    return canonical_key(name).replace("-", "")


def is_canonical_key(key: str) -> bool:
    """Return True if ``key`` is already in canonical form (``canonical_key(key) == key``)."""
    return isinstance(key, str) and bool(_CANONICAL.match(key))
