"""Language identification of one document (langdetect, gated on length and script).

langdetect (a port of Nakatani Shuyo's language-detection library, 55 languages,
character n-gram profiles from Wikipedia) is unreliable on short strings, so:

* texts whose letters are mostly (> 50 %) non-Latin are never taken for English:
  langdetect names the language (``zh-cn`` → ``zh``) whatever the length;
* Latin-script texts shorter than ``min_chars`` are assumed English;
* longer ones are run through langdetect on their first 2,000 characters; a text is
  non-English only when the top language is not ``en`` with probability ≥ 0.90
  (threshold chosen so that none of the English items of ``data/samples`` is
  rejected; see ``tests/test_ingest.py``).

``DetectorFactory.seed = 0`` makes the result deterministic.
"""

from __future__ import annotations

import unicodedata

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

#: Default length (characters) under which a Latin-script text is assumed English.
MIN_CHARS_FOR_LANGID = 100
#: Probability the top non-English language needs before a Latin text is rejected.
MIN_PROB_NON_ENGLISH = 0.90
_SAMPLE = 2000


def non_latin_ratio(text: str) -> float:
    """Share of letters in ``text`` that are not Latin script (0.0 when no letters)."""
    letters = 0
    other = 0
    for ch in text[:_SAMPLE]:
        if ch.isalpha():
            letters += 1
            if not unicodedata.name(ch, "").startswith("LATIN"):
                other += 1
    return other / letters if letters else 0.0


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
