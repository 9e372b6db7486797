"""Scaled benchmark corpora from real text: the 306 SciREX full papers.

Source: ``/work/shared/devsets/scirex_full/scirex_train_306docs.jsonl`` (SciREX,
Jain et al., ACL 2020; 306 full ML papers, ≈1.5 M tokens given as ``words``,
``sentences`` and ``sections`` — word-index spans).

* **Base documents**: each paper is cut, section by section, into runs of whole
  consecutive sentences of 150–250 words (abstract-sized); section-heading
  sentences (``section : …``, ``subsection : …``) and sentences of > 250 or < 3 words (tables,
  debris) are dropped.  Tokens are joined back into text (no space before
  closing punctuation, ``a - b`` → ``a-b`` between word characters).
* **Composed documents** (when more documents are asked for than there are base
  documents): pick a paper with ``random.Random(seed)``, then random sentences of
  that paper, kept in paper order, until 150–250 words.
* ``corpus_N.jsonl``: the base documents in a seeded shuffle, cut at N, topped
  up with composed documents (ids ``mix-<seed>-<i>``); ``new_N.jsonl``: 1% of N
  further composed documents with another seed (ids ``new-<i>``), for the
  incremental-build benchmark.

Every line is ``{"id": ..., "text": ...}``.  Output goes to ``benchmarks/_work/
scale/`` (git-ignored; never commit generated corpora).  Same seed, same bytes.

Usage: ``python benchmarks/scale/make_corpus.py 1000 10000 100000``
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SOURCE = Path("/work/shared/devsets/scirex_full/scirex_train_306docs.jsonl")
OUT_DIR = Path(__file__).resolve().parent.parent / "_work" / "scale"
MIN_WORDS, MAX_WORDS = 150, 250
SEED = 13
NEW_SEED = 29

_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s\b|n't\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{]) ")
_HEADINGS = {"section", "subsection", "subsubsection", "paragraph"}
_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")


#: Work-around, 2026-11-21: ``kg build`` fails in the RDF export on a document whose
#: text has a scheme-less URL ("www.vlfeat.org" → "urls: ... is not an absolute
#: URL"); until ingest or export normalise such URLs, the corpus gives them a scheme.
_BARE_WWW = re.compile(r"(?<![/\w.])www\.", re.IGNORECASE)


def detokenize(words: list[str]) -> str:
    """Join SciREX tokens into plain text (see the module docstring)."""
    s = " ".join(words)
    s = _NO_SPACE_BEFORE.sub(r"\1", s)
    s = _NO_SPACE_AFTER.sub(r"\1", s)
    s = _BARE_WWW.sub("https://www.", s)
    return _HYPHEN.sub("-", s)


def paper_sentences(paper: dict) -> list[list[list[str]]]:
    """The usable sentences of one paper, grouped by section: ``[[tokens, ...], ...]``."""
    words = paper["words"]
    sents = paper["sentences"]
    out = []
    for s0, s1 in paper["sections"]:
        group = []
        for a, b in sents:
            if a < s0 or b > s1:
                continue
            toks = words[a:b]
            if (len(toks) > 1 and toks[1] == ":" and toks[0] in _HEADINGS) or not 3 <= len(toks) <= MAX_WORDS:
                continue
            group.append(toks)
        if group:
            out.append(group)
    return out


def base_documents(papers: list[list[list[list[str]]]]) -> list[dict]:
    """Abstract-sized runs of consecutive sentences (150–250 words)."""
    docs = []
    for p, sections in enumerate(papers):
        k = 0
        for group in sections:
            run: list[list[str]] = []
            n = 0
            for toks in group:
                if n + len(toks) > MAX_WORDS and n >= MIN_WORDS:
                    docs.append({"id": f"scirex-{p:03d}-{k:03d}", "text": " ".join(detokenize(t) for t in run)})
                    k += 1
                    run, n = [], 0
                if n + len(toks) > MAX_WORDS:
                    run, n = [], 0
                run.append(toks)
                n += len(toks)
            if n >= MIN_WORDS:
                docs.append({"id": f"scirex-{p:03d}-{k:03d}", "text": " ".join(detokenize(t) for t in run)})
                k += 1
    return docs


def composed_documents(papers, n: int, seed: int, prefix: str) -> list[dict]:
    """``n`` documents of random sentences of one random paper each (seeded)."""
    rng = random.Random(seed)
    flat = [[t for g in sections for t in g] for sections in papers]
    flat = [f for f in flat if sum(map(len, f)) >= MAX_WORDS]
    docs = []
    for i in range(n):
        sents = flat[rng.randrange(len(flat))]
        order = list(range(len(sents)))
        rng.shuffle(order)
        chosen, words = [], 0
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        for j in order:
            if words + len(sents[j]) > MAX_WORDS:
                continue
            chosen.append(j)
            words += len(sents[j])
            if words >= target:
                break
        docs.append({"id": f"{prefix}-{i}", "text": " ".join(detokenize(sents[j]) for j in sorted(chosen))})
    return docs


def load_papers(source: Path = SOURCE) -> list:
    """Read the SciREX file: one list of sections (lists of token lists) per paper."""
    with open(source, encoding="utf-8") as fh:
        return [paper_sentences(json.loads(line)) for line in fh if line.strip()]


def make(sizes: list[int], out_dir: Path = OUT_DIR, source: Path = SOURCE) -> dict[int, tuple[Path, Path]]:
    """Write ``corpus_N.jsonl`` and ``new_N.jsonl`` for each N; returns their paths."""
    papers = load_papers(source)
    base = base_documents(papers)
    random.Random(SEED).shuffle(base)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for n in sizes:
        docs = base[:n] + composed_documents(papers, max(0, n - len(base)), SEED, f"mix-{SEED}")
        new = composed_documents(papers, max(1, n // 100), NEW_SEED, "new")
        cp, np_ = out_dir / f"corpus_{n}.jsonl", out_dir / f"new_{n}.jsonl"
        for path, rows in ((cp, docs), (np_, new)):
            with open(path, "w", encoding="utf-8") as fh:
                for d in rows:
                    fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        paths[n] = (cp, np_)
        words = sum(len(d["text"].split()) for d in docs)
        print(f"{cp}: {len(docs)} documents ({min(n, len(base))} base, {max(0, n - len(base))} composed), {words} words")
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    a = ap.parse_args()
    make(a.sizes, a.out)
