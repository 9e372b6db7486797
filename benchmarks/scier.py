"""SciER (Zhang et al., EMNLP 2024) → kg gold documents, for measurement only.

SciER is GPL-3.0: it is read from ``../shared/devsets/scier/`` at run time and never
copied into the repository nor trained into weights that ship with kg (see that
folder's README). Converted files go to ``benchmarks/_work/`` (git-ignored).

Splits (one gold document per paper, sentences joined by a space):

``dev``
    ``dev.jsonl``, 10 papers: measured while developing, never tuned on.
``train``
    ``train.jsonl`` papers outside the frozen quarter (60 papers): for measuring and
    diagnosing errors (reading them is allowed; training shipped weights is not).
``frozen``
    a quarter of ``train.jsonl`` papers chosen by :func:`is_frozen` (20 papers):
    nobody looks at them or scores them while tuning; they are scored once, at the
    end of a piece of work, with ``eval_extractor.py --frozen`` and reported beside
    the tuned figures.

Labels: Method → Method, Dataset → Dataset (SciER's Dataset covers benchmarks, so
scores use kg's ``Dataset+Benchmark`` group), Task → Task. Relations (head → tail
as in kg): ``Evaluated-With`` between a Method and a Dataset (either order) →
``evaluatedOn``; ``Used-For`` Method → Task → ``usedFor``; ``Trained-With`` Method →
Dataset → ``trainedOn``. ``Compare-With`` Method–Method pairs are kept in
``meta.compare_pairs`` (name pairs, both orders): the candidate set for
``outperforms``, which SciER does not annotate as such. SciER also marks generic
methods ("convolution neural network") that kg does not count as names, so Method
recall against SciER is a lower bound of what ANNOTATION.md asks for.

The text is tokenised ("4 2 . 2 %", "ImageNet - 2 0 1 2"); digits split into single
characters are joined back (``42.2%``, ``ImageNet-2012``) and the rest is laid out
with :func:`devsets.detokenize`.

Usage::

    python benchmarks/scier.py            # writes benchmarks/_work/scier.{dev,train,frozen}.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Iterator, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import devsets  # noqa: E402

SCIER = devsets.DEFAULT_DEVSETS / "scier"
WORK = HERE / "_work"
SPLITS = ("dev", "train", "frozen")
LABELS = {"Method": "Method", "Dataset": "Dataset", "Task": "Task"}
ANNOTATED_TYPES = ["Dataset", "Method", "Task"]
ANNOTATED_RELATIONS = ["evaluatedOn", "trainedOn", "usedFor"]

#: (SciER relation, head type, tail type) → (kg relation, swap head and tail)
REL_MAP: dict[tuple[str, str, str], tuple[str, bool]] = {
    ("Evaluated-With", "Method", "Dataset"): ("evaluatedOn", False),
    ("Evaluated-With", "Dataset", "Method"): ("evaluatedOn", True),
    ("Used-For", "Method", "Task"): ("usedFor", False),
    ("Trained-With", "Method", "Dataset"): ("trainedOn", False),
}


def is_frozen(doc_id: str) -> bool:
    """True for the SciER train papers of the frozen split (about one in four).

    The first 8 hex digits of SHA-256 of ``"kg-frozen-v1:" + doc_id``, modulo 4, are 0.
    """
    return int(hashlib.sha256(f"kg-frozen-v1:{doc_id}".encode()).hexdigest()[:8], 16) % 4 == 0


def _glue(tokens: Sequence[str]) -> frozenset[int]:
    """Indices of tokens that SciER split off a number: single digits after a digit,
    and a ``.`` or ``,`` between digits, and the digit after it."""
    out = set()
    for i in range(1, len(tokens)):
        prev, tok = tokens[i - 1], tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if len(tok) == 1 and tok.isdigit() and prev[-1:].isdigit():
            out.add(i)
        elif tok in {".", ","} and prev[-1:].isdigit() and len(nxt) == 1 and nxt.isdigit():
            out.add(i)
        elif len(tok) == 1 and tok.isdigit() and prev in {".", ","} and i - 1 in out:
            out.add(i)
    return frozenset(out)


def _document(doc_id: str, split: str, tokens: list[str], spans: list[tuple[int, int, str]],
              rels: list[tuple[tuple[int, int], tuple[int, int], str]]) -> dict:
    """One gold document; ``spans`` are token spans ``(start, end_exclusive, SciER type)``,
    ``rels`` pairs of such spans (without type) with the SciER relation name."""
    text, offsets = devsets.detokenize(tokens, glue=_glue(tokens))
    index: dict[tuple[int, int], int] = {}
    ents: list[dict] = []
    for s, e, typ in sorted(set(spans)):
        if (s, e) in index:
            continue
        index[(s, e)] = len(ents)
        start, end = offsets[s][0], offsets[e - 1][1]
        ents.append({"start": start, "end": end, "text": text[start:end], "label": LABELS[typ]})
    typ_of = {(s, e): t for s, e, t in spans}
    out_rels, compare = [], set()
    for h, t, name in rels:
        if h not in index or t not in index:
            continue
        ht, tt = typ_of[h], typ_of[t]
        if name == "Compare-With" and ht == tt == "Method":
            a, b = ents[index[h]]["text"], ents[index[t]]["text"]
            compare.update({(a, b), (b, a)})
            continue
        mapped = REL_MAP.get((name, ht, tt))
        if mapped is None:
            continue
        label, swap = mapped
        head, tail = (index[t], index[h]) if swap else (index[h], index[t])
        rel = {"label": label, "head": head, "tail": tail, "evidence": [0, len(text)],
               "pattern": "gold", "confidence": 1.0}
        if rel not in out_rels:
            out_rels.append(rel)
    return {
        "id": f"scier-{doc_id}",
        "text": text,
        "entities": ents,
        "relations": out_rels,
        "results": [],
        "meta": {
            "devset": "scier",
            "split": split,
            "annotated_types": ANNOTATED_TYPES,
            "annotated_relations": ANNOTATED_RELATIONS,
            "annotated_results": False,
            "ignore": [],
            "compare_pairs": sorted(compare),
        },
    }


def _find(tokens: list[str], words: list[str], start: int = 0) -> int:
    n = len(words)
    for i in range(start, len(tokens) - n + 1):
        if tokens[i:i + n] == words:
            return i
    return -1


def convert_train(path: Path = SCIER / "train.jsonl") -> Iterator[dict]:
    """``train.jsonl`` (one sentence a line, mentions as text) → one document per paper,
    split ``train`` or ``frozen`` by :func:`is_frozen`. A mention is the first place its
    tokens occur in its sentence; relation ends are found the same way."""
    papers: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            papers.setdefault(d["doc_id"], []).append(d)
    for pid in sorted(papers):
        tokens: list[str] = []
        spans: list[tuple[int, int, str]] = []
        rels = []
        for sent in papers[pid]:
            words = sent["sentence"].split(" ")
            base = len(tokens)
            tokens.extend(words)
            where: dict[str, tuple[int, int]] = {}
            for text, typ in sent["ner"]:
                w = text.split(" ")
                i = _find(words, w)
                if i < 0 or typ not in LABELS:
                    continue
                span = (base + i, base + i + len(w))
                where.setdefault(text, span)
                spans.append((*span, typ))
            for h, name, t in sent["rel"]:
                if h in where and t in where:
                    rels.append((where[h], where[t], name))
        yield _document(pid, "frozen" if is_frozen(pid) else "train", tokens, spans, rels)


def convert_dev(path: Path = SCIER / "dev.jsonl") -> Iterator[dict]:
    """``dev.jsonl`` (one paper a line, token offsets with inclusive ends) → documents."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            tokens = [w for sent in d["sentences"] for w in sent]
            spans = [(s, e + 1, typ) for sent in d["ner"] for s, e, typ in sent if typ in LABELS]
            rels = [((s1, e1 + 1), (s2, e2 + 1), name) for sent in d["relations"] for s1, e1, s2, e2, name in sent]
            yield _document(d["doc_id"], "dev", tokens, spans, rels)


def convert(out: Path = WORK, scier: Path = SCIER) -> dict[str, int]:
    """Write ``scier.<split>.jsonl`` for every split into ``out``; returns documents per split."""
    out.mkdir(parents=True, exist_ok=True)
    docs = {s: [] for s in SPLITS}
    for d in convert_dev(scier / "dev.jsonl"):
        docs["dev"].append(d)
    for d in convert_train(scier / "train.jsonl"):
        docs[d["meta"]["split"]].append(d)
    for split, items in docs.items():
        with (out / f"scier.{split}.jsonl").open("w", encoding="utf-8") as f:
            for d in items:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return {s: len(v) for s, v in docs.items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=WORK)
    ap.add_argument("--scier", type=Path, default=SCIER)
    args = ap.parse_args(argv)
    counts = convert(args.out, args.scier)
    print(", ".join(f"{s}: {n} papers" for s, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
