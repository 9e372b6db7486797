"""Fast relation-rule iteration: parse a gold set once, re-run only ``kg_relations``.

The first run parses each document with the full pipeline minus ``kg_relations`` and
stores the docs (with ``kg_mentions``) in ``benchmarks/_work/cache/<set>.spacy``; later
runs load them, apply a fresh :class:`kg.extract.relations.RelationExtractor` and score
relations per label and per rule (:mod:`relation_diag`). Entities are those of the
cached parse, so a change in ``kg/extract/entities/`` needs ``--reparse``.

Usage::

    python benchmarks/relation_cache.py benchmarks/_work/scier.train.jsonl [--errors evaluatedOn] [--reparse]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from relation_diag import judged_relations, per_rule, reliability  # noqa: E402

from kg.evaluate import evaluate_docs, load_jsonl  # noqa: E402
from kg.model import Record  # noqa: E402


def cached_docs(gold_path: Path, reparse: bool = False):
    """``[(doc, (record, offset, n_pieces))]`` for a gold file, parsed once and cached."""
    import spacy
    from spacy.tokens import DocBin

    from kg.extract import load_pipeline
    from kg.extract.pipeline import MAX_CHARS, _chunks

    gold = load_jsonl(gold_path)
    cache = HERE / "_work" / "cache" / (gold_path.stem + ".spacy")
    nlp = load_pipeline()
    pieces = []
    for d in gold:
        rec = Record(id=d["id"], text=d["text"])
        parts = [(0, d["text"])] if len(d["text"]) <= MAX_CHARS else _chunks(d["text"], MAX_CHARS)
        pieces += [(p, (rec, off, len(parts))) for off, p in parts]
    if cache.exists() and not reparse:
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
    else:
        with nlp.select_pipes(disable=["kg_relations"]):
            docs = [doc for doc, _ in nlp.pipe(pieces, as_tuples=True, batch_size=8)]
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(DocBin(docs=docs, store_user_data=True).to_bytes())
    return gold, nlp, [(doc, ctx) for doc, (_, ctx) in zip(docs, pieces)]


def predict(nlp, items) -> list[dict]:
    """Prediction dicts per record from cached docs, running a fresh relation extractor."""
    from kg.extract.pipeline import _join, _shift, doc_to_extraction
    from kg.extract.relations import RelationExtractor

    rel = RelationExtractor()
    index = getattr(nlp.get_pipe("kg_entities"), "gazetteer_index", None)
    out, pending = [], []
    for doc, (rec, off, total) in items:
        # a fresh copy: the extractor appends anaphor mentions; the cache gives tuples
        if "kg_mentions0" not in doc.user_data:
            doc.user_data["kg_mentions0"] = [dict(m) for m in doc._.kg_mentions or ()]
        doc._.kg_mentions = [dict(m) for m in doc.user_data["kg_mentions0"]]
        rel(doc)
        ex = doc_to_extraction(doc, rec if total == 1 else Record(id=rec.id, text=doc.text), index)
        if total == 1:
            out.append(ex.to_json())
            continue
        pending.append(_shift(ex, off))
        if len(pending) == total:
            out.append(_join(rec, pending).to_json())
            pending = []
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print relation P/R per label, per-rule precision and ECE for one gold file."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--reparse", action="store_true")
    ap.add_argument("--errors", default=None)
    ap.add_argument("--min-confidence", type=float, default=0.0)
    args = ap.parse_args(argv)
    gold, nlp, items = cached_docs(args.gold, args.reparse)
    pred = predict(nlp, items)
    if args.min_confidence:
        for p in pred:
            p["relations"] = [r for r in p["relations"] if (r.get("confidence") or 0) >= args.min_confidence]
    scores = evaluate_docs(gold, pred)
    for lab, v in sorted(scores["relations"].items()):
        print(f"{lab:14} P={v.get('precision', 0):.3f} R={v.get('recall', 0):.3f} "
              f"tp={v.get('tp')} fp={v.get('fp')} fn={v.get('fn')}")
    judged = judged_relations(zip(gold, pred))
    for k, v in per_rule(judged).items():
        print(f"  {k:40} n={v['n']:4}  P={v['precision']:.3f}")
    print("ECE", reliability(judged)[0])
    if args.errors:
        texts = {d["id"]: d["text"] for d in gold}
        for j in judged:
            if j["label"] == args.errors:
                s, e = j["evidence"] or (0, 0)
                print(f"{'+' if j['correct'] else '-'} [{j['pattern']}] {j['head']} -> {j['tail']} :: "
                      f"{texts[j['doc']][s:e][:260]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
