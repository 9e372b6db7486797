"""A cached, versioned file of the gazetteer's ruler patterns: ``patterns.json``.

Building the phrase patterns (surface variants, plurals, case rules; see
:func:`kg.gazetteer.patterns.gazetteer_phrase_patterns`) takes seconds at every
start. ``python -m kg.gazetteer.make`` writes them once into
``data/gazetteers/patterns.json``; :func:`kg.extract.load_pipeline` reads that
file when it belongs to the gazetteer files beside it and rebuilds the
patterns otherwise (an edited ``*.jsonl`` is never matched with stale
patterns)::

    {"format_version": 2,
     "gazetteers_sha256": "<SHA-256 over the *.jsonl files, name and bytes, sorted by name>",
     "patterns_sha256": "<SHA-256 of the two lists below>",
     "any_case": [{"label", "pattern", "id"}, ...],   # phrase_matcher_attr LOWER
     "exact": [{"label", "pattern", "id"}, ...]}      # ORTH

The file is plain JSON (nothing in it runs code). Patterns are strings: the
pipeline's own tokenizer splits them when the rulers are built, so one file
serves every English pipeline.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from kg.gazetteer.loader import GazetteerEntry
from kg.gazetteer.patterns import gazetteer_phrase_patterns

__all__ = ["PATTERN_FILE", "PATTERN_FORMAT", "TOKENS_FILE", "TOKENS_FORMAT", "gazetteer_digest", "pattern_tokens",
           "pipeline_tokenizer", "read_pattern_cache", "read_pattern_tokens", "tokenizer_digest", "write_pattern_cache",
           "write_pattern_tokens"]

#: File name inside the gazetteer folder.
PATTERN_FILE = "patterns.json"
#: Bumped when the layout or the pattern rules change (a file of another version is ignored).
#: 2: any-case forms that tokenise otherwise in lower case also keep their own case ("GSM8K").
PATTERN_FORMAT = 2


def gazetteer_digest(directory: Path) -> str:
    """SHA-256 (hex) over the ``*.jsonl`` gazetteer files of ``directory``: each
    file's name and bytes, in name order."""
    h = hashlib.sha256()
    for p in sorted(Path(directory).glob("*.jsonl")):
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _patterns_digest(any_case: list[dict[str, Any]], exact: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps([any_case, exact], sort_keys=True).encode()).hexdigest()


def write_pattern_cache(entries: Iterable[GazetteerEntry], directory: Path) -> Path:
    """Build the phrase patterns of ``entries`` and write ``directory/patterns.json``.

    ``entries`` must be the entries of the ``*.jsonl`` files in ``directory``
    (their digest is recorded). Returns the path written.
    """
    any_case, exact = gazetteer_phrase_patterns(entries)
    obj = {
        "format_version": PATTERN_FORMAT,
        "gazetteers_sha256": gazetteer_digest(directory),
        "patterns_sha256": _patterns_digest(any_case, exact),
        "any_case": any_case,
        "exact": exact,
    }
    path = Path(directory) / PATTERN_FILE
    path.write_text(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_pattern_cache(directory: Path) -> tuple[list[dict], list[dict], str] | None:
    """Read ``directory/patterns.json`` if it is current.

    Returns
    -------
    (any_case, exact, patterns_sha256) or None
        None when the file is missing, unreadable, of another format version, or
        made from other gazetteer files than those now in ``directory``.
    """
    path = Path(directory) / PATTERN_FILE
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(obj, dict) or obj.get("format_version") != PATTERN_FORMAT:
        return None
    if obj.get("gazetteers_sha256") != gazetteer_digest(directory):
        return None
    any_case, exact = obj.get("any_case"), obj.get("exact")
    if not isinstance(any_case, list) or not isinstance(exact, list):
        return None
    digest = _patterns_digest(any_case, exact)
    if digest != obj.get("patterns_sha256"):
        return None
    return any_case, exact, digest


# ----------------------------------------------------------------- token texts
#: File name, inside the gazetteer folder, of the patterns' token texts.
TOKENS_FILE = "pattern_tokens.json"
#: Bumped when the layout of :data:`TOKENS_FILE` changes.
TOKENS_FORMAT = 1


def tokenizer_digest(tokenizer: Any) -> str:
    """SHA-256 (hex) of everything a spaCy tokenizer splits by — its serialised
    special cases, prefix/suffix/infix/token/URL rules and heuristics flag
    (``tokenizer.to_bytes(exclude=["vocab"])``, 2 ms) — and the spaCy version."""
    import spacy

    h = hashlib.sha256(spacy.__version__.encode() + b"\0")
    h.update(tokenizer.to_bytes(exclude=["vocab"]))
    return h.hexdigest()


def pattern_tokens(patterns: list[dict[str, Any]], tokenizer: Any) -> list[list[str]]:
    """The token texts of each phrase pattern as ``tokenizer`` splits it (space
    tokens included, as in the pattern ``Doc`` an ``EntityRuler`` builds)."""
    return [[t.text for t in tokenizer(p["pattern"])] for p in patterns]


def write_pattern_tokens(directory: Path, tokenizer: Any) -> Path:
    """Write ``directory/pattern_tokens.json``: the token texts of every pattern of
    the (current) ``directory/patterns.json`` as ``tokenizer`` splits them::

        {"format_version": 1,
         "patterns_sha256": "<patterns_sha256 of patterns.json>",
         "tokenizer_sha256": "<tokenizer_digest(tokenizer)>",
         "any_case": [["gpt", "-", "3"], ...],   # one list per any_case pattern
         "exact": [[...], ...]}

    ``tokenizer`` is the tokenizer of the pipeline that will use it:
    ``load_pipeline``'s (model plus :func:`kg.extract.pipeline.configure_tokenizer`).
    Plain JSON of strings; :func:`kg.extract.load_pipeline` uses it only when both
    digests match, and otherwise tokenises the patterns itself.

    Raises
    ------
    GazetteerError
        If ``directory/patterns.json`` is missing or stale.
    """
    from kg.errors import GazetteerError

    cached = read_pattern_cache(directory)
    if cached is None:
        raise GazetteerError(f"{directory}: {PATTERN_FILE} is missing or stale; run python -m kg.gazetteer.make")
    any_case, exact, digest = cached
    obj = {
        "format_version": TOKENS_FORMAT,
        "patterns_sha256": digest,
        "tokenizer_sha256": tokenizer_digest(tokenizer),
        "any_case": pattern_tokens(any_case, tokenizer),
        "exact": pattern_tokens(exact, tokenizer),
    }
    path = Path(directory) / TOKENS_FILE
    path.write_text(json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def read_pattern_tokens(
    directory: Path, patterns: tuple[list[dict], list[dict], str], tokenizer: Any
) -> tuple[list[list[str]], list[list[str]]] | None:
    """Read ``directory/pattern_tokens.json`` if it fits.

    Parameters
    ----------
    directory : Path
        The gazetteer folder.
    patterns : (any_case, exact, patterns_sha256)
        As :func:`read_pattern_cache` returns them.
    tokenizer
        The pipeline's tokenizer.

    Returns
    -------
    (any_case_tokens, exact_tokens) or None
        None when the file is missing, unreadable, of another format version,
        made for other patterns or another tokenizer, or its lists do not match
        the patterns (lengths, non-empty lists of strings).
    """
    any_case, exact, digest = patterns
    try:
        obj = json.loads((Path(directory) / TOKENS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(obj, dict) or obj.get("format_version") != TOKENS_FORMAT:
        return None
    if obj.get("patterns_sha256") != digest or obj.get("tokenizer_sha256") != tokenizer_digest(tokenizer):
        return None
    out = []
    for pats, toks in ((any_case, obj.get("any_case")), (exact, obj.get("exact"))):
        if not isinstance(toks, list) or len(toks) != len(pats):
            return None
        if not all(isinstance(ts, list) and ts and all(isinstance(t, str) and t for t in ts) for ts in toks):
            return None
        out.append(toks)
    return out[0], out[1]


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.gazetteer.pattern_cache [--gazetteers DIR] [--model NAME]``:
    rewrite ``pattern_tokens.json`` for the current ``patterns.json`` and the
    pipeline's tokenizer (also done by ``python -m kg.gazetteer.make``)."""
    import argparse

    from kg.paths import GAZETTEER_DIR

    ap = argparse.ArgumentParser(prog="python -m kg.gazetteer.pattern_cache", description=main.__doc__.split("\n")[0])
    ap.add_argument("--gazetteers", type=Path, default=GAZETTEER_DIR)
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: kg's default model)")
    args = ap.parse_args(argv)
    path = write_pattern_tokens(args.gazetteers, pipeline_tokenizer(args.model))
    print(path)
    return 0


def pipeline_tokenizer(model: str | None = None) -> Any:
    """The tokenizer :func:`kg.extract.load_pipeline` gives ``model`` (default
    :data:`kg.extract.pipeline.DEFAULT_MODEL`), without its other components."""
    import spacy

    from kg.extract.pipeline import DEFAULT_MODEL, configure_tokenizer

    nlp = spacy.load(model or DEFAULT_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"])
    configure_tokenizer(nlp)
    return nlp.tokenizer


if __name__ == "__main__":
    import sys

    sys.exit(main())
