"""A cached, versioned file of the gazetteer's ruler patterns: ``patterns.json``.

Building the phrase patterns (surface variants, plurals, case rules; see
:func:`kg.gazetteer.patterns.gazetteer_phrase_patterns`) takes seconds at every
start. ``python -m kg.gazetteer.make`` writes them once into
``data/gazetteers/patterns.json``; :func:`kg.extract.load_pipeline` reads that
file when it belongs to the gazetteer files beside it and rebuilds the
patterns otherwise (an edited ``*.jsonl`` is never matched with stale
patterns)::

    {"format_version": 1,
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

__all__ = ["PATTERN_FILE", "PATTERN_FORMAT", "gazetteer_digest", "write_pattern_cache", "read_pattern_cache"]

#: File name inside the gazetteer folder.
PATTERN_FILE = "patterns.json"
#: Bumped when the layout or the pattern rules change (a file of another version is ignored).
PATTERN_FORMAT = 1


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
