"""Language identification of one document (langdetect, gated on length and script).

langdetect (a port of Nakatani Shuyo's language-detection library, 55 languages,
character n-gram profiles from Wikipedia) is unreliable on short strings, so:

* texts whose letters are mostly (> 50 %) non-Latin are never taken for English:
  langdetect names the language (``zh-cn`` → ``zh``) whatever the length;
* Latin-script texts shorter than ``min_chars`` are assumed English;
* longer ones whose words are at least 8 % English function words ("the", "of",
  "and", "that", "which", …) are English without further ado (langdetect costs
  ~10 ms per document, more than the rest of ingestion together);
* the others are run through langdetect on their first 2,000 characters; a text is
  non-English only when the top language is not ``en`` with probability ≥ 0.90
  (threshold chosen so that none of the English items of ``data/samples`` is
  rejected; see ``tests/test_ingest.py``).

``DetectorFactory.seed = 0`` makes the result deterministic.
"""

from __future__ import annotations

import re
import unicodedata

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

#: Default length (characters) under which a Latin-script text is assumed English.
MIN_CHARS_FOR_LANGID = 100
#: Probability the top non-English language needs before a Latin text is rejected.
MIN_PROB_NON_ENGLISH = 0.90
_SAMPLE = 2000


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def non_latin_ratio(text: str) -> float:
    """Share of letters in the first 2,000 characters of ``text`` that are not Latin
    script (0.0 when there are no letters)."""
    sample = text[:_SAMPLE]
    if sample.isascii():
        return 0.0
    ascii_part = sample.encode("ascii", "ignore")
    letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    other = 0
    for ch in _NON_ASCII.findall(sample):
        if ch.isalpha():
            letters += 1
            # U+0000–U+024F are Basic Latin … Latin Extended-B
            if ch > "\u024f" and not unicodedata.name(ch, "").startswith("LATIN"):
                other += 1
    return other / letters if letters else 0.0


#: Frequent English function words that are rare as words in other languages written
#: in Latin script; a share of at least ``ENGLISH_FAST_SHARE`` of the words marks a
#: text as English without running langdetect.  Measured on the 53 English items of
#: ``data/samples``: shares 0.071–0.302 (median 0.18), 52 of them ≥ 0.08 (the other
#: one goes through langdetect, which also says English); French, German and Spanish
#: test sentences: 0.0 (``tests/test_ingest.py``).
ENGLISH_MARKERS = frozenset({"the", "of", "and", "to", "that", "with", "which", "this", "we", "are", "from", "by"})
ENGLISH_FAST_SHARE = 0.08
_WORD = re.compile(r"[A-Za-z]+")


def english_marker_share(text: str) -> float:
    """Share of the words in the first 2,000 characters that are English function
    words (:data:`ENGLISH_MARKERS`)."""
    ws = _WORD.findall(text[:_SAMPLE].lower())
    if not ws:
        return 0.0
    return sum(map(ENGLISH_MARKERS.__contains__, ws)) / len(ws)


def detect_language(text: str, min_chars: int = MIN_CHARS_FOR_LANGID) -> tuple[str, float, bool]:
    """Identify the language of ``text``.

    Parameters
    ----------
    text : str
        Clean document text.
    min_chars : int
        Latin-script texts shorter than this are assumed English.

    Returns
    -------
    (lang, prob, is_english) : tuple of (str, float, bool)
        ISO 639-1 code (``"en"``, ``"zh"``, …; ``"und"`` when nothing can be said),
        its probability (1.0 when assumed), and whether the text goes to the English
        pipeline.
    """
    sample = text[:_SAMPLE]
    non_latin = non_latin_ratio(sample) > 0.5
    if not non_latin and len(text.strip()) < min_chars:
        return "en", 1.0, True
    if not non_latin and english_marker_share(sample) >= ENGLISH_FAST_SHARE:
        return "en", 1.0, True
    try:
        langs = detect_langs(sample)
    except LangDetectException:
        return ("und", 0.0, False) if non_latin else ("en", 1.0, True)
    top = langs[0]
    code = top.lang.split("-")[0]
    if non_latin:
        return (code if code != "en" else "und"), round(top.prob, 2), False
    if code == "en":
        return "en", round(top.prob, 2), True
    if top.prob >= MIN_PROB_NON_ENGLISH:
        return code, round(top.prob, 2), False
    en = next((lang.prob for lang in langs if lang.lang == "en"), 0.0)
    return "en", round(en, 2), True
