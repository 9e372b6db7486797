"""Regenerate ``data/gazetteers/`` from the public source lists and the curated lists.

Usage::

    python -m kg.gazetteer.make --sources ../shared/gazetteer-sources --out data/gazetteers

Steps: read candidates (:mod:`kg.gazetteer.sources`: curated lists first, then
Epoch AI, then the sota-extractor leaderboards), drop surface forms that would
match ordinary words, merge candidates that share a
:func:`~kg.gazetteer.ids.match_key` (a higher-priority source decides the name
and type), assign model families, set ``case_sensitive``, and write one JSONL
file per type plus ``manifest.json`` (counts, source file checksums). Output is
deterministic: the same inputs give the same bytes.

Word frequencies come from ``wordfreq`` (Speer et al., 2018; Zipf scale =
log10 of frequency per billion words); it is needed only here, not at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import GazetteerError, KGError
from kg.gazetteer.ids import canonical_key, match_key
from kg.gazetteer.loader import (
    FORMAT_VERSION,
    GAZETTEER_TYPES,
    GazetteerEntry,
    load_gazetteers,
    write_gazetteers,
)
from kg.gazetteer.pattern_cache import pipeline_tokenizer, write_pattern_cache, write_pattern_tokens
from kg.gazetteer.sources import CURATED, EPOCH, PWC, Candidate, read_curated, read_epoch, read_pwc

__all__ = ["build_entries", "main", "drop_reason", "word_zipf"]

#: Source priority: a lower number decides name and type when candidates merge.
PRIORITY = {CURATED: 0, EPOCH: 1, PWC: 2}

#: A single word at or above this Zipf frequency is an ordinary English word
#: (e.g. "ask" 5.3, "vision" 4.9, "moon" 4.7): dropped unless curated.
COMMON_WORD_ZIPF = 4.5
#: A single word at or above this Zipf frequency is ambiguous with a word or a
#: name ("spider" 4.3, "huawei" 3.3, "transformer" 3.4): matched case-sensitively.
AMBIGUOUS_WORD_ZIPF = 3.0
#: From bulk lists, single words naming a Method, Organization or Hardware are
#: dropped at or above this frequency ("mercury" 3.8, "infinity" 3.9) ...
BULK_NAME_ZIPF = 3.5
#: ... and single words naming a Dataset, Benchmark or Metric at or above this
#: one ("datasets" 2.9, "yelp" 3.2). Single-word Tasks from bulk lists are
#: always dropped ("multimodal", "parsing"): the curated list has the real ones.
BULK_TERM_ZIPF = 2.5

# Research fields and other generic phrases that bulk lists file as tasks or
# datasets but that are not entities of those types.
_BLOCKED = {
    match_key(x)
    for x in (
        "Computer Vision", "Natural Language Processing", "Machine Learning", "Deep Learning",
        "Artificial Intelligence", "Artificial General Intelligence", "Common Sense",
        "Language Model", "Reasoning", "Video", "Proteins", "Table tasks", "Sports",
        "Open ended play", "Miscellaneous image analysis", "Numerical simulation",
        "Mathematical simulation", "Language Structure Modeling", "Dialogue",
        "Classification", "Search", "Coding", "Chat", "Transcription", "Regression",
        "Current SOTA", "Word Level Models", "Character Level Models", "Atari", "Go",
        "Pattern recognition", "Pattern classification", "Wikipedia",
    )
}
_BAD_CHARS = re.compile(r"[:;|\"<>{}\[\]×†*=\\]")
_ALPHA_WORD = re.compile(r"^[^\W\d_]+$")


def word_zipf(word: str) -> float:
    """Zipf frequency of a lower-cased English word (0.0 if unknown), from ``wordfreq``."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def _is_all_caps(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def drop_reason(form: str, etype: str, source: str) -> str | None:
    """Why a surface form must not be matched, or None if it may.

    Parameters
    ----------
    form : str
        Surface form (whitespace already normalised).
    etype : str
        Entity type of the candidate.
    source : str
        ``"kg-curated"`` forms are trusted more (common words are kept, matched
        case-sensitively).

    Returns
    -------
    str or None
        A short reason ("stop word", "common word (zipf 5.3)", ...) or None.
    """
    if len(form) < 2 or not any(c.isalpha() for c in form):
        return "too short or no letter"
    if len(form) > 80:
        return "too long"
    if _BAD_CHARS.search(form) or not form[0].isalnum():
        return "markup or description"
    if form.lower() in STOP_WORDS:
        return "stop word"
    if match_key(form) in _BLOCKED and source != CURATED:
        return "generic phrase"
    curated = source == CURATED
    if not curated and _is_all_caps(form) and form.isalpha() and len(form) <= 3:
        return "short acronym from a bulk list"
    if _ALPHA_WORD.match(form) and not _is_all_caps(form):
        z = word_zipf(form)
        if not curated and z >= COMMON_WORD_ZIPF:
            return f"common word (zipf {z:.1f})"
        if not curated and etype == "Task":
            return "single-word task from a bulk list"
        if not curated and etype in ("Method", "Organization", "Hardware") and z >= BULK_NAME_ZIPF:
            return f"word or name (zipf {z:.1f})"
        if not curated and etype in ("Dataset", "Benchmark", "Metric") and z >= BULK_TERM_ZIPF:
            return f"generic word (zipf {z:.1f})"
    return None


@dataclass
class _Group:
    name: str
    type: str
    source: str
    forms: list[str]
    sources: set[str] = field(default_factory=set)
    family: str | None = None
    case_sensitive: bool | None = None
    wikidata: str | None = None


# Bulk-list method names that are descriptions or "<Team> <year>" entries.
_EPOCH_BAD_METHOD = re.compile(r"[+:×†]|^\d+\s+layer|\bdynamic evaluation\b|^\w+ (?:19|20)\d\d\w?$", re.I)


def _family_candidates(name: str) -> list[str]:
    out = []
    m = re.match(r"^([A-Za-z]{2,})(?=[-\s._]|\d|$)", name)
    if m:
        out.append(m.group(1))
    m = re.match(r"^([A-Za-z]+\d+)(?=[-\s])", name)
    if m:
        out.append(m.group(1))
    return out


def build_entries(candidates: list[Candidate], log=None) -> list[GazetteerEntry]:
    """Filter and merge candidates into gazetteer entries.

    Parameters
    ----------
    candidates : list of Candidate
        From :mod:`kg.gazetteer.sources`, in any order (sorted here by source
        priority, then input order).
    log : callable, optional
        ``log(str)`` receives one line per dropped form, type conflict and
        dropped alias (default: nothing).

    Returns
    -------
    list of GazetteerEntry
        Sorted by id; ids unique; no two entries share a match key.
    """
    log = log or (lambda _msg: None)
    order = sorted(range(len(candidates)), key=lambda i: (PRIORITY.get(candidates[i].source, 9), i))
    groups: list[_Group] = []
    by_key: dict[str, _Group] = {}
    for i in order:
        cand = candidates[i]
        if cand.type == "Method" and cand.source != CURATED and _EPOCH_BAD_METHOD.search(cand.name):
            log(f"drop {cand.type} {cand.name!r} ({cand.source}): description, not a name")
            continue
        forms = []
        for raw in [cand.name, *cand.aliases]:
            form = " ".join(str(raw).split())
            reason = drop_reason(form, cand.type, cand.source)
            if reason:
                log(f"drop form {form!r} of {cand.type} {cand.name!r} ({cand.source}): {reason}")
                continue
            if form not in forms:
                forms.append(form)
        if not forms:
            continue
        head_key = match_key(cand.name) if cand.name in forms else match_key(forms[0])
        target = by_key.get(head_key)
        if target is None:
            # The name is new; join an entry one of the aliases names, if any.
            for form in forms:
                g = by_key.get(match_key(form))
                if g is not None and g.type == cand.type and match_key(g.name) == match_key(form):
                    target = g
                    break
        if target is not None and target.type != cand.type:
            log(
                f"type conflict: {cand.name!r} is {cand.type} in {cand.source} but "
                f"{target.type} in {target.source}; kept {target.type}"
            )
            continue
        if target is None:
            name = cand.name if cand.name in forms else forms[0]
            target = _Group(name, cand.type, cand.source, [], wikidata=cand.wikidata)
            groups.append(target)
        target.sources.add(cand.source)
        if cand.family and target.family is None:
            target.family = canonical_key(cand.family)
        if cand.case_sensitive is not None and target.case_sensitive is None:
            target.case_sensitive = cand.case_sensitive
        for form in forms:
            key = match_key(form)
            owner = by_key.get(key)
            if owner is None:
                by_key[key] = target
                target.forms.append(form)
            elif owner is target:
                if form not in target.forms and form != target.name:
                    target.forms.append(form)
            else:
                log(f"drop alias {form!r} of {target.name!r}: already names {owner.name!r} ({owner.type})")
    method_ids = {canonical_key(g.name) for g in groups if g.type == "Method"}
    entries = []
    for g in groups:
        ident = canonical_key(g.name)
        family = g.family
        if g.type == "Method" and family is None:
            for lead in _family_candidates(g.name):
                key = canonical_key(lead)
                if key != ident and key in method_ids:
                    family = key
                    break
        if g.case_sensitive is not None:
            case_sensitive = g.case_sensitive
        else:
            case_sensitive = any(
                _ALPHA_WORD.match(f) and not _is_all_caps(f) and word_zipf(f) >= AMBIGUOUS_WORD_ZIPF
                for f in g.forms
            )
        aliases = tuple(f for f in g.forms if f != g.name)
        sources = tuple(sorted(g.sources, key=lambda s: (PRIORITY.get(s, 9), s)))
        entries.append(
            GazetteerEntry(
                id=ident,
                name=g.name,
                type=g.type,
                aliases=aliases,
                wikidata=g.wikidata,
                source=g.source,
                sources=sources,
                family=family if g.type == "Method" else None,
                case_sensitive=bool(case_sensitive),
            )
        )
    entries.sort(key=lambda e: e.id)
    return entries


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts_table(entries: list[GazetteerEntry]) -> str:
    srcs = [CURATED, EPOCH, PWC]
    lines = [
        "| type | entries | surface forms | decided by kg-curated | epoch-ai | pwc-sota |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total = [0, 0, 0, 0, 0]
    for t in GAZETTEER_TYPES:
        es = [e for e in entries if e.type == t]
        forms = sum(len(e.surface_forms) for e in es)
        per = [sum(1 for e in es if e.source == s) for s in srcs]
        lines.append(f"| {t} | {len(es)} | {forms} | " + " | ".join(map(str, per)) + " |")
        for i, v in enumerate([len(es), forms, *per]):
            total[i] += v
    lines.append("| **total** | " + " | ".join(f"**{v}**" for v in total) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (1 with a message on error)."""
    parser = argparse.ArgumentParser(prog="python -m kg.gazetteer.make", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, required=True, help="folder with epoch-ai/ and pwc-sota/")
    parser.add_argument("--out", type=Path, required=True, help="output folder (data/gazetteers)")
    parser.add_argument("--curated", type=Path, default=None, help="curated lists (default: kg/gazetteer/curated)")
    parser.add_argument("--log", type=Path, default=None, help="write dropped forms and conflicts here")
    args = parser.parse_args(argv)
    try:
        epoch_csv = args.sources / "epoch-ai" / "notable-ai-models.csv"
        pwc_dir = args.sources / "pwc-sota"
        if not epoch_csv.is_file() or not pwc_dir.is_dir():
            raise GazetteerError(f"{args.sources}: expected epoch-ai/notable-ai-models.csv and pwc-sota/")
        candidates = read_curated(args.curated) + read_epoch(epoch_csv) + read_pwc(pwc_dir)
        messages: list[str] = []
        entries = build_entries(candidates, messages.append)
        counts = write_gazetteers(entries, args.out)
        checked = load_gazetteers(args.out)  # the written files must pass the loader
        write_pattern_cache(checked, args.out)  # patterns.json, read at start instead of rebuilding
        write_pattern_tokens(args.out, pipeline_tokenizer())  # their tokens, so that start-up skips the tokenizer
        inputs = sorted([epoch_csv, *pwc_dir.glob("*.json"), pwc_dir / "synonyms.csv"])
        curated_dir = args.curated or Path(__file__).resolve().parent / "curated"
        manifest = {
            "format_version": FORMAT_VERSION,
            "counts": counts,
            "total": len(checked),
            "sources": {
                str(p.relative_to(args.sources)): _sha256(p) for p in inputs if p.exists()
            },
            "curated": {p.name: _sha256(p) for p in sorted(curated_dir.glob("*.jsonl"))},
        }
        (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if args.log:
            args.log.write_text("\n".join(messages) + "\n", encoding="utf-8")
        table = _counts_table(checked)
        readme = args.out / "README.md"
        if readme.exists():
            text = readme.read_text(encoding="utf-8")
            new = re.sub(
                r"(<!-- counts:start -->\n).*?(<!-- counts:end -->)",
                lambda m: m.group(1) + table + "\n" + m.group(2),
                text,
                flags=re.S,
            )
            if new != text:
                readme.write_text(new, encoding="utf-8")
        print(table)
        print(f"{len(checked)} entries written to {args.out} ({len(messages)} forms dropped/merged, see --log)")
        return 0
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
