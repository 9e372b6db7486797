"""Convert the annotated development sets to kg's gold JSONL format.

The devsets live in ``../shared/devsets`` (override with ``--devsets`` or the
``KG_DEVSETS`` environment variable); see its README for sources and licences:

* ``tdmsci``: TDMSci (Hou et al., EACL 2021), ``train_1500_v2.conll``, 1,523 NLP-paper
  sentences, ``token<TAB>char_offset<TAB>BIO``; TASK→Task, DATASET→Dataset,
  METRIC→Metric. The char offsets run through the whole file; a token that starts
  right where the previous one ends is joined without a space (``domain-specific``),
  otherwise one space is put between tokens.
* ``crossner_ai``: CrossNER AI domain (Liu et al., AAAI 2021), ``train.txt`` (100
  sentences) and ``dev.txt`` (350), ``token<TAB>BIO``; algorithm→Method, task→Task,
  metrics→Metric, organisation/university→Organization, researcher/person→Person,
  country/location→Location. product, field, conference, programlang and misc are
  not kg types: their spans go to ``meta.ignore`` (predictions there are not
  counted wrong, see :mod:`kg.evaluate`).
* ``scirex_abstracts``: SciREX (Jain et al., ACL 2020) title + abstract of 306 papers;
  Method, Task, Metric, Material→Dataset; the method→dataset pairs whose both ends
  are mentioned in the abstract become gold ``evaluatedOn`` relations (the
  abstract mentions are tied to SciREX's salient entities through the full
  papers' coreference clusters).
* ``scirex_full``: the same 306 full papers, one document per sentence (for
  training a statistical NER); the split is by paper, the same as the abstracts'.

Tokenised text is detokenised with a few rules (no space before ``, . ; : ) %``,
none after ``(``, hyphens between word characters joined: ``state - of - the - art``
→ ``state-of-the-art``), so the extractor sees text close to the original; every
mention's offsets are computed from the token offsets, so
``text[start:end]`` is exactly its tokens as laid out in ``text``.

Each document's ``meta`` says which devset and split it is from and which entity
types (``annotated_types``) and relations (``annotated_relations``) it annotates,
so :mod:`kg.evaluate` scores only those.

Usage::

    python benchmarks/devsets.py --out benchmarks/_work/

writes ``<devset>.<split>.jsonl`` (``split`` is ``train`` or ``dev``) for each devset.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.errors import InputError  # noqa: E402

#: Default location of the devsets (a sibling of the repository's parent, as in the issues).
DEFAULT_DEVSETS = Path(os.environ.get("KG_DEVSETS") or ROOT.parent / "shared" / "devsets")

#: Devset names this module converts, in output order.
DEVSETS: tuple[str, ...] = ("tdmsci", "crossner_ai", "scirex_abstracts", "scirex_full")

#: Devset label → kg type; labels mapped to ``None`` are annotated but not kg types.
LABEL_MAPS: dict[str, dict[str, str | None]] = {
    "tdmsci": {"TASK": "Task", "DATASET": "Dataset", "METRIC": "Metric"},
    "crossner_ai": {
        "algorithm": "Method",
        "task": "Task",
        "metrics": "Metric",
        "organisation": "Organization",
        "university": "Organization",
        "researcher": "Person",
        "person": "Person",
        "country": "Location",
        "location": "Location",
        "product": None,
        "field": None,
        "conference": None,
        "programlang": None,
        "misc": None,
    },
    "scirex_abstracts": {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"},
    "scirex_full": {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"},
}

#: kg types each devset annotates (the only types scored on it).
ANNOTATED_TYPES: dict[str, list[str]] = {
    name: sorted({t for t in m.values() if t}) for name, m in LABEL_MAPS.items()
}

#: Relations each devset annotates.
ANNOTATED_RELATIONS: dict[str, list[str]] = {
    "tdmsci": [],
    "crossner_ai": [],
    "scirex_abstracts": ["evaluatedOn"],
    "scirex_full": [],
}

#: Share of documents held out for evaluation (TDMSci, SciREX), in percent.
DEV_PERCENT = 25

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{"}


# --------------------------------------------------------------------------- split


def _paper_key(devset: str, doc_id: str) -> str:
    """The part of a document id that decides its split."""
    if devset.startswith("scirex"):
        # "scirex-<sha>", "scirex_full-<sha>-s12" or a bare paper sha
        parts = doc_id.split("-")
        for p in parts:
            if len(p) == 40 and all(c in "0123456789abcdef" for c in p):
                return p
        return doc_id
    return doc_id


def split_of(devset: str, doc_id: str) -> str:
    """Held-out split of a devset document: ``"train"`` or ``"dev"``.

    CrossNER-AI keeps its own files (``train.txt`` → train, ``dev.txt`` → dev;
    the id says which). TDMSci and SciREX use a stable hash: the first 8 hex
    digits of SHA-256 of the key, modulo 100, below :data:`DEV_PERCENT` → dev
    (about 25 %). For SciREX the key is the paper id, so ``scirex_abstracts`` and
    ``scirex_full`` put a paper in the same split (no abstract leaks into training).

    Parameters
    ----------
    devset : str
        One of :data:`DEVSETS`.
    doc_id : str
        A document id as written by this module (``tdmsci-0042``,
        ``crossner_ai-dev-0007``, ``scirex-<sha>``, ``scirex_full-<sha>-s12``), or a
        bare SciREX paper id.

    Returns
    -------
    str
        ``"train"`` or ``"dev"``.

    Raises
    ------
    ValueError
        Unknown devset, or a CrossNER id that names no file.
    """
    if devset not in DEVSETS:
        raise ValueError(f"unknown devset {devset!r}; expected one of {', '.join(DEVSETS)}")
    if devset == "crossner_ai":
        if "-train-" in doc_id:
            return "train"
        if "-dev-" in doc_id:
            return "dev"
        raise ValueError(f"CrossNER id {doc_id!r} names neither train nor dev")
    key = _paper_key(devset, doc_id)
    h = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    return "dev" if h % 100 < DEV_PERCENT else "train"


# --------------------------------------------------------------------------- text


def detokenize(
    tokens: Sequence[str],
    breaks: frozenset[int] = frozenset(),
    drop: frozenset[int] = frozenset(),
    glue: frozenset[int] = frozenset(),
) -> tuple[str, list[tuple[int, int] | None]]:
    """Lay tokens out as text and return each token's character offsets.

    Parameters
    ----------
    tokens : sequence of str
    breaks : set of int
        Token indices to start on a new line.
    drop : set of int
        Token indices to leave out (their offsets are ``None``).
    glue : set of int
        Token indices joined to the previous token without a space (SciER's split
        digits, see ``benchmarks/scier.py``).

    Returns
    -------
    (str, list)
        The text and, for each token, ``(start, end)`` with
        ``text[start:end] == tokens[i]``, or ``None`` for dropped tokens.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int] | None] = []
    pos = 0
    prev: str | None = None
    joined_hyphen = False
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if i in drop:
            offsets.append(None)
            continue
        if prev is None:
            sep = ""
        elif i in breaks:
            sep = "\n"
        elif i in glue:
            sep = ""
        elif tok in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
            sep = ""
        elif tok == "-" and prev[-1:].isalnum() and i + 1 < n and tokens[i + 1][:1].isalnum():
            sep = ""  # word-internal hyphen: "state - of" -> "state-of"
            joined_hyphen = True
        elif prev == "-" and joined_hyphen:
            sep = ""
            joined_hyphen = False
        else:
            sep = " "
        if sep:
            parts.append(sep)
            pos += len(sep)
        parts.append(tok)
        offsets.append((pos, pos + len(tok)))
        pos += len(tok)
        prev = tok
    return "".join(parts), offsets


def _bio_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end_exclusive, type)`` from BIO tags; a stray ``I-`` starts a span."""
    spans: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for i, tag in enumerate(labels):
        if tag == "O" or not tag:
            if cur:
                spans.append(tuple(cur))  # type: ignore[arg-type]
            cur = None
            continue
        prefix, _, typ = tag.partition("-")
        if prefix == "B" or cur is None or cur[2] != typ or prefix not in ("B", "I"):
            if cur:
                spans.append(tuple(cur))  # type: ignore[arg-type]
            cur = [i, i + 1, typ]
        else:
            cur[1] = i + 1
    if cur:
        spans.append(tuple(cur))  # type: ignore[arg-type]
    return spans


def _doc(doc_id: str, devset: str, text: str, entities: list[dict], relations=(), ignore=(), **meta) -> dict:
    return {
        "id": doc_id,
        "text": text,
        "entities": entities,
        "relations": list(relations),
        "results": [],
        "meta": {
            "devset": devset,
            "split": split_of(devset, doc_id),
            "annotated_types": ANNOTATED_TYPES[devset],
            "annotated_relations": ANNOTATED_RELATIONS[devset],
            "annotated_results": False,
            "ignore": [list(x) for x in ignore],
            **meta,
        },
    }


def _entity(text: str, offsets, s: int, e: int, label: str, **extra) -> dict:
    start = offsets[s][0]
    end = offsets[e - 1][1]
    return {"start": start, "end": end, "text": text[start:end], "label": label, **extra}


def _read_conll(path: Path, ncols: int) -> Iterator[tuple[int, list[list[str]]]]:
    """Sentences of a CoNLL-style file as (first line number, rows)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", str(path)) from exc
    rows: list[list[str]] = []
    first = 0
    for no, line in enumerate(lines, 1):
        if not line.strip():
            if rows:
                yield first, rows
            rows = []
            continue
        cols = line.split("\t")
        if len(cols) != ncols:
            raise InputError(f"expected {ncols} tab-separated columns, got {len(cols)}", str(path), no)
        if not rows:
            first = no
        rows.append(cols)
    if rows:
        yield first, rows


# --------------------------------------------------------------------------- converters


def convert_tdmsci(devsets: Path = DEFAULT_DEVSETS) -> Iterator[dict]:
    """TDMSci ``train_1500_v2.conll`` → one gold document per sentence (``tdmsci-NNNN``).

    Parameters
    ----------
    devsets : Path
        The devsets folder.

    Yields
    ------
    dict
        Gold documents (see the module docstring).

    Raises
    ------
    kg.errors.InputError
        Malformed line (bad column count, non-integer offset, unknown label).
    """
    path = devsets / "tdmsci" / "train_1500_v2.conll"
    lmap = LABEL_MAPS["tdmsci"]
    for idx, (lineno, rows) in enumerate(_read_conll(path, 3)):
        parts: list[str] = []
        offsets = []
        pos = 0
        prev_end = None
        for k, (tok, off, _) in enumerate(rows):
            try:
                o = int(off)
            except ValueError:
                raise InputError(f"offset {off!r} is not an integer", str(path), lineno + k) from None
            if prev_end is not None:
                sep = "" if o == prev_end else " "
                parts.append(sep)
                pos += len(sep)
            parts.append(tok)
            offsets.append((pos, pos + len(tok)))
            pos += len(tok)
            prev_end = o + len(tok)
        text = "".join(parts)
        ents = []
        for s, e, typ in _bio_spans([r[2] for r in rows]):
            if typ not in lmap:
                raise InputError(f"unknown label {typ!r}", str(path), lineno + s)
            ents.append(_entity(text, offsets, s, e, lmap[typ]))
        yield _doc(f"tdmsci-{idx:04d}", "tdmsci", text, ents, source_line=lineno)


def convert_crossner(devsets: Path = DEFAULT_DEVSETS) -> Iterator[dict]:
    """CrossNER-AI ``train.txt`` and ``dev.txt`` → one gold document per sentence.

    Ids are ``crossner_ai-train-NNNN`` / ``crossner_ai-dev-NNNN``; spans of labels
    that are not kg types go to ``meta.ignore``.

    Parameters
    ----------
    devsets : Path

    Yields
    ------
    dict

    Raises
    ------
    kg.errors.InputError
        Malformed line or unknown label.
    """
    lmap = LABEL_MAPS["crossner_ai"]
    for part in ("train", "dev"):
        path = devsets / "crossner_ai" / f"{part}.txt"
        for idx, (lineno, rows) in enumerate(_read_conll(path, 2)):
            tokens = [r[0] for r in rows]
            text, offsets = detokenize(tokens)
            ents, ignore = [], []
            for s, e, typ in _bio_spans([r[1] for r in rows]):
                if typ not in lmap:
                    raise InputError(f"unknown label {typ!r}", str(path), lineno + s)
                ent = _entity(text, offsets, s, e, lmap[typ] or typ)
                if lmap[typ]:
                    ents.append(ent)
                else:
                    ignore.append([ent["start"], ent["end"], typ])
            yield _doc(f"crossner_ai-{part}-{idx:04d}", "crossner_ai", text, ents, ignore=ignore, source_line=lineno)


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", str(path)) from exc
    with fh:
        for no, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield no, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"invalid JSON: {exc.msg}", str(path), no) from None


def _scirex_layout(words: Sequence[str], title_end: int | None) -> tuple[frozenset[int], frozenset[int]]:
    """Tokens to drop (``document :`` and ``section : Abstract`` headers) and the
    token starting the abstract (after the title) as a line break."""
    drop: set[int] = set()
    if len(words) >= 2 and words[0] == "document" and words[1] == ":":
        drop.update((0, 1))
    breaks: set[int] = set()
    for i in range(len(words) - 2):
        if words[i] == "section" and words[i + 1] == ":" and words[i + 2].lower() == "abstract":
            drop.update((i, i + 1, i + 2))
            breaks.add(i + 3)
    if not breaks and title_end:
        breaks.add(title_end)
    return frozenset(drop), frozenset(breaks)


def _load_scirex_full(devsets: Path) -> dict[str, dict]:
    path = devsets / "scirex_full" / "scirex_train_306docs.jsonl"
    return {d["doc_id"]: d for _, d in _read_jsonl(path)}


def convert_scirex_abstracts(devsets: Path = DEFAULT_DEVSETS, full: dict[str, dict] | None = None) -> Iterator[dict]:
    """SciREX abstracts → one gold document per paper (``scirex-<paper id>``).

    Text is the title, a newline, then the abstract (the ``document :`` and
    ``section : Abstract`` headers are dropped). Abstract mentions that are a
    mention of a salient entity's coreference cluster (from the full papers) get
    ``id`` ``scirex:<cluster>`` and the cluster name as an alias; each
    ``method_evaluated_on_dataset`` pair with ``both_in_abstract`` becomes an
    ``evaluatedOn`` relation between the first abstract mentions of the two
    clusters.

    Parameters
    ----------
    devsets : Path
    full : dict, optional
        Parsed full papers by id (read from ``scirex_full`` if not given).

    Yields
    ------
    dict

    Raises
    ------
    kg.errors.InputError
        Malformed line, unknown label, a mention on a dropped header token, or a
        relation end with no abstract mention.
    """
    path = devsets / "scirex_abstracts" / "scirex_abstracts.jsonl"
    lmap = LABEL_MAPS["scirex_abstracts"]
    full = _load_scirex_full(devsets) if full is None else full
    for lineno, d in _read_jsonl(path):
        words = d["abstract_tokens"]
        paper = full.get(d["doc_id"])
        if paper is None:
            raise InputError(f"paper {d['doc_id']} is not in scirex_full", str(path), lineno)
        title_end = paper["sentences"][0][1] if paper["sentences"] else None
        drop, breaks = _scirex_layout(words, title_end)
        text, offsets = detokenize(words, breaks=breaks, drop=drop)
        n = len(words)
        clusters_of: dict[tuple[int, int], list[str]] = {}
        for name, spans in sorted(paper.get("coref", {}).items()):
            for s, e in spans:
                if e <= n and name not in clusters_of.setdefault((s, e), []):
                    clusters_of[(s, e)].append(name)
        ents = []
        first_of_cluster: dict[str, int] = {}
        for m in sorted(d["abstract_mentions"], key=lambda m: (m["start"], m["end"])):
            s, e = m["start"], m["end"]
            if m["type"] not in lmap:
                raise InputError(f"unknown label {m['type']!r}", str(path), lineno)
            if any(offsets[k] is None for k in range(s, e)):
                raise InputError(f"mention {m['text']!r} covers a dropped header token", str(path), lineno)
            extra: dict[str, Any] = {}
            clusters = clusters_of.get((s, e))
            if clusters:
                # a span in several clusters takes the first cluster's id, all their names
                extra = {
                    "id": f"scirex:{clusters[0]}",
                    "aliases": [c.replace("_", " ").strip() for c in clusters],
                }
                for cluster in clusters:
                    first_of_cluster.setdefault(cluster, len(ents))
            ents.append(_entity(text, offsets, s, e, lmap[m["type"]], **extra))
        rels = []
        for p in d["method_evaluated_on_dataset"]:
            if not p["both_in_abstract"]:
                continue
            h, t = first_of_cluster.get(p["method"]), first_of_cluster.get(p["dataset"])
            if h is None or t is None:
                raise InputError(
                    f"pair {p['method']} -> {p['dataset']} has no abstract mention", str(path), lineno
                )
            rel = {"label": "evaluatedOn", "head": h, "tail": t, "evidence": [0, len(text)], "pattern": "gold", "confidence": 1.0}
            if rel not in rels:
                rels.append(rel)
        yield _doc(f"scirex-{d['doc_id']}", "scirex_abstracts", text, ents, relations=rels, source_line=lineno)


def convert_scirex_full(devsets: Path = DEFAULT_DEVSETS, full: dict[str, dict] | None = None) -> Iterator[dict]:
    """SciREX full papers → one gold document per sentence (``scirex_full-<paper>-sNNNN``).

    Mentions are SciREX's ``ner`` spans inside the sentence (Material → Dataset).
    Sentences are split by paper with :func:`split_of`, the same as the abstracts.

    Parameters
    ----------
    devsets : Path
    full : dict, optional
        Parsed full papers by id.

    Yields
    ------
    dict
    """
    lmap = LABEL_MAPS["scirex_full"]
    full = _load_scirex_full(devsets) if full is None else full
    for pid in sorted(full):
        paper = full[pid]
        words = paper["words"]
        ner = sorted(paper["ner"])
        for si, (a, b) in enumerate(paper["sentences"]):
            text, offsets = detokenize(words[a:b])
            ents = [
                _entity(text, offsets, s - a, e - a, lmap[typ])
                for s, e, typ in ner
                if a <= s and e <= b
            ]
            yield _doc(f"scirex_full-{pid}-s{si:04d}", "scirex_full", text, ents)


CONVERTERS = {
    "tdmsci": convert_tdmsci,
    "crossner_ai": convert_crossner,
    "scirex_abstracts": convert_scirex_abstracts,
    "scirex_full": convert_scirex_full,
}


def write_devsets(
    out: Path, devsets: Path = DEFAULT_DEVSETS, names: Sequence[str] = DEVSETS
) -> dict[str, dict[str, int]]:
    """Convert devsets and write ``<devset>.<split>.jsonl`` files into ``out``.

    Parameters
    ----------
    out : Path
        Output folder (created).
    devsets : Path
        Input folder.
    names : sequence of str
        Devsets to convert.

    Returns
    -------
    dict
        ``{devset: {split: number of documents}}``.
    """
    out.mkdir(parents=True, exist_ok=True)
    full = _load_scirex_full(devsets) if any(n.startswith("scirex") for n in names) else None
    sizes: dict[str, dict[str, int]] = {}
    for name in names:
        conv = CONVERTERS[name]
        docs = conv(devsets, full) if name.startswith("scirex") else conv(devsets)
        handles = {}
        counts = {"train": 0, "dev": 0}
        try:
            for doc in docs:
                split = doc["meta"]["split"]
                if split not in handles:
                    handles[split] = (out / f"{name}.{split}.jsonl").open("w", encoding="utf-8")
                handles[split].write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")
                counts[split] += 1
        finally:
            for h in handles.values():
                h.close()
        sizes[name] = counts
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python benchmarks/devsets.py --out DIR [--devsets DIR] [NAME ...]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "_work")
    ap.add_argument("--devsets", type=Path, default=DEFAULT_DEVSETS)
    ap.add_argument("names", nargs="*", metavar="NAME", help=f"devsets to convert (default: all of {', '.join(DEVSETS)})")
    args = ap.parse_args(argv)
    unknown = [n for n in args.names if n not in DEVSETS]
    if unknown:
        ap.error(f"unknown devset(s): {', '.join(unknown)}")
    try:
        sizes = write_devsets(args.out, args.devsets, args.names or DEVSETS)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, counts in sizes.items():
        print(f"{name}: train {counts['train']}, dev {counts['dev']} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
