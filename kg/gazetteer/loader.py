"""The gazetteer file format: reading, validating and writing entries.

Format (version :data:`FORMAT_VERSION`), described for users in
``data/gazetteers/README.md``: a directory of UTF-8 JSON Lines files, by
convention one per type (``method.jsonl``, ``dataset.jsonl``, ...), one JSON
object per line::

    {"id": "gpt-3", "name": "GPT-3", "type": "Method", "aliases": ["GPT3"],
     "wikidata": null, "source": "epoch-ai", "sources": ["epoch-ai", "pwc-sota"],
     "family": "gpt", "case_sensitive": false}

Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import GazetteerError
from kg.model import ENTITY_TYPES
from kg.gazetteer.ids import canonical_key, is_canonical_key, match_key

__all__ = [
    "FORMAT_VERSION",
    "GAZETTEER_TYPES",
    "FILE_FOR_TYPE",
    "GazetteerEntry",
    "load_gazetteers",
    "parse_entry",
    "write_gazetteers",
]

#: Version of the file format (bump on an incompatible change).
FORMAT_VERSION: int = 1

#: Entity types a gazetteer entry may have (a subset of :data:`kg.model.ENTITY_TYPES`).
GAZETTEER_TYPES: tuple[str, ...] = tuple(t for t in ENTITY_TYPES if t not in ("Person", "Location"))

#: File name, inside a gazetteer directory, that holds each type.
FILE_FOR_TYPE: dict[str, str] = {t: t.lower() + ".jsonl" for t in GAZETTEER_TYPES}

_REQUIRED = ("id", "name", "type")
_OPTIONAL = ("aliases", "wikidata", "source", "sources", "family", "case_sensitive")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity with its names.

    Attributes
    ----------
    id : str
        Canonical id (:func:`kg.gazetteer.ids.canonical_key` form), unique across
        all types, e.g. ``"nvidia-a100"``.
    name : str
        Preferred display name, e.g. ``"NVIDIA A100"``.
    type : str
        One of :data:`GAZETTEER_TYPES`.
    aliases : tuple of str
        Other surface forms (the name itself is not repeated), e.g. ``("A100",)``.
    wikidata : str or None
        Wikidata QID, only where a source carries a checked one.
    source : str
        The source that decided the entry (``"kg-curated"``, ``"epoch-ai"``,
        ``"pwc-sota"``).
    sources : tuple of str
        All sources that contributed a name (includes ``source``).
    family : str or None
        Canonical id of the model family (``"gpt"`` for GPT-3), Methods only.
    case_sensitive : bool
        Whether single-word alphabetic surface forms ("Spider", "Huawei") are
        matched exactly as written. Other forms follow shape rules, see
        :func:`kg.gazetteer.patterns.form_is_case_sensitive`.
    path, line : str or None, int or None
        Where the entry was read from (not part of equality).
    """

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    source: str = "kg-curated"
    sources: tuple[str, ...] = ()
    family: str | None = None
    case_sensitive: bool = True
    path: str | None = field(default=None, compare=False, hash=False, repr=False)
    line: int | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def surface_forms(self) -> tuple[str, ...]:
        """The name followed by the aliases (as stored, no generated variants)."""
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of one gazetteer line (keys in file order)."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "wikidata": self.wikidata,
            "source": self.source,
            "sources": list(self.sources or (self.source,)),
            "family": self.family,
            "case_sensitive": self.case_sensitive,
        }


def _fail(path: str, line: int, message: str) -> GazetteerError:
    return GazetteerError(f"{path}:{line}: {message}")


def _string(value: Any, what: str, path: str, line: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, line, f"{what} must be a non-empty string, got {value!r}")
    if value != value.strip() or "\n" in value:
        raise _fail(path, line, f"{what} {value!r} has surrounding or embedded whitespace")
    return value


def parse_entry(obj: Any, path: str = "<string>", line: int = 1) -> GazetteerEntry:
    """Validate one decoded JSON line and return the entry.

    Parameters
    ----------
    obj : Any
        The value decoded from one line.
    path, line : str, int
        Where it came from, for error messages (1-based line).

    Returns
    -------
    GazetteerEntry

    Raises
    ------
    GazetteerError
        ``"<path>:<line>: <what is wrong>"`` if a field is missing, unknown or of
        the wrong type, the type is not one of :data:`GAZETTEER_TYPES`, the id is
        not canonical, a surface form is empty, repeated or a stop word, or a
        Wikidata id is malformed.
    """
    if not isinstance(obj, dict):
        raise _fail(path, line, f"expected a JSON object, got {type(obj).__name__}")
    for key in _REQUIRED:
        if key not in obj:
            raise _fail(path, line, f"missing field {key!r}")
    unknown = sorted(set(obj) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(path, line, f"unknown field(s) {', '.join(map(repr, unknown))}")
    ident = _string(obj["id"], "id", path, line)
    if not is_canonical_key(ident):
        raise _fail(path, line, f"id {ident!r} is not canonical (expected {canonical_key(ident)!r})")
    name = _string(obj["name"], "name", path, line)
    etype = obj["type"]
    if etype not in GAZETTEER_TYPES:
        raise _fail(path, line, f"type {etype!r} is not one of {', '.join(GAZETTEER_TYPES)}")
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list):
        raise _fail(path, line, f"aliases must be a list of strings, got {type(aliases).__name__}")
    aliases = [_string(a, "alias", path, line) for a in aliases]
    forms = [name, *aliases]
    seen: set[str] = set()
    for form in forms:
        try:
            match_key(form)
        except ValueError as exc:
            raise _fail(path, line, str(exc)) from None
        if form.lower() in STOP_WORDS:
            raise _fail(path, line, f"surface form {form!r} is an English stop word")
        if form in seen:
            raise _fail(path, line, f"surface form {form!r} is repeated")
        seen.add(form)
    wikidata = obj.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not _WIKIDATA.match(wikidata)):
        raise _fail(path, line, f"wikidata must be null or a QID like 'Q42', got {wikidata!r}")
    source = obj.get("source", "kg-curated")
    source = _string(source, "source", path, line)
    sources = obj.get("sources") or [source]
    if not isinstance(sources, list):
        raise _fail(path, line, "sources must be a list of strings")
    sources = [_string(s, "source", path, line) for s in sources]
    if source not in sources:
        raise _fail(path, line, f"source {source!r} is not listed in sources {sources!r}")
    family = obj.get("family")
    if family is not None:
        family = _string(family, "family", path, line)
        if not is_canonical_key(family):
            raise _fail(path, line, f"family {family!r} is not a canonical id")
        if etype != "Method":
            raise _fail(path, line, f"family is only allowed on Method entries, not {etype}")
    case_sensitive = obj.get("case_sensitive", True)
    if not isinstance(case_sensitive, bool):
        raise _fail(path, line, f"case_sensitive must be true or false, got {case_sensitive!r}")
    return GazetteerEntry(
        id=ident,
        name=name,
        type=etype,
        aliases=tuple(aliases),
        wikidata=wikidata,
        source=source,
        sources=tuple(sources),
        family=family,
        case_sensitive=case_sensitive,
        path=path,
        line=line,
    )


def _read_file(path: Path) -> list[GazetteerEntry]:
    entries = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 ({exc})") from None
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read ({exc.strerror})") from None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise _fail(str(path), lineno, f"invalid JSON ({exc.msg} at column {exc.colno})") from None
        entries.append(parse_entry(obj, str(path), lineno))
    return entries


def load_gazetteers(directory: Path | str | None = None) -> list[GazetteerEntry]:
    """Read and validate every ``*.jsonl`` gazetteer file of a directory.

    Parameters
    ----------
    directory : Path or str, optional
        Folder with the gazetteer files; default :data:`kg.paths.GAZETTEER_DIR`
        (``data/gazetteers/`` of the checkout).

    Returns
    -------
    list of GazetteerEntry
        All entries, files in name order and lines in file order.

    Raises
    ------
    GazetteerError
        If the directory does not exist or holds no ``*.jsonl`` file, a line is
        malformed (see :func:`parse_entry`), an id occurs twice (naming both
        places, and both types if they differ), or two entries share a surface
        form up to :func:`kg.gazetteer.ids.match_key` (an ambiguous name).
    """
    if directory is None:
        from kg.paths import GAZETTEER_DIR

        directory = GAZETTEER_DIR
    directory = Path(directory)
    if not directory.is_dir():
        raise GazetteerError(f"{directory}: gazetteer directory does not exist")
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise GazetteerError(f"{directory}: no *.jsonl gazetteer files")
    entries: list[GazetteerEntry] = []
    by_id: dict[str, GazetteerEntry] = {}
    by_form: dict[str, tuple[GazetteerEntry, str]] = {}
    for path in files:
        for entry in _read_file(path):
            other = by_id.get(entry.id)
            if other is not None:
                what = (
                    f"with a different type ({other.type} vs {entry.type})"
                    if other.type != entry.type
                    else "twice"
                )
                raise GazetteerError(
                    f"{entry.path}:{entry.line}: id {entry.id!r} occurs {what}; "
                    f"first at {other.path}:{other.line}"
                )
            by_id[entry.id] = entry
            for form in entry.surface_forms:
                key = match_key(form)
                prev = by_form.get(key)
                if prev is not None and prev[0].id != entry.id:
                    raise GazetteerError(
                        f"{entry.path}:{entry.line}: surface form {form!r} of {entry.id!r} "
                        f"is ambiguous with {prev[1]!r} of {prev[0].id!r} "
                        f"at {prev[0].path}:{prev[0].line}"
                    )
                by_form[key] = (entry, form)
            entries.append(entry)
    return entries


def write_gazetteers(entries: Iterable[GazetteerEntry], directory: Path | str) -> dict[str, int]:
    """Write entries as one ``<type>.jsonl`` file per type, sorted by id.

    Output is deterministic (same entries, same bytes). Existing files of the
    seven types are replaced; other files are left alone.

    Parameters
    ----------
    entries : iterable of GazetteerEntry
    directory : Path or str
        Created if missing.

    Returns
    -------
    dict
        Type → number of entries written.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, list[GazetteerEntry]] = {t: [] for t in GAZETTEER_TYPES}
    for entry in entries:
        by_type[entry.type].append(entry)
    counts = {}
    for etype, items in by_type.items():
        items.sort(key=lambda e: e.id)
        lines = [json.dumps(e.to_dict(), ensure_ascii=False) for e in items]
        (directory / FILE_FOR_TYPE[etype]).write_text(
            "".join(line + "\n" for line in lines), encoding="utf-8"
        )
        counts[etype] = len(items)
    return counts
