"""Per-rule precision of predicted relations against a gold file, and calibration error.

A predicted relation is correct when it matches some gold relation of its label as
:func:`kg.evaluate.score_relations` matches them (normalised surface forms of head and
tail, per document). Only labels in a gold document's ``meta.annotated_relations``
count. Used by ``fit_confidence.py`` (to fit each rule's confidence on data that is not
SciER) and by ``eval_extractor.py`` (expected calibration error, reliability table).

Usage (diagnosis)::

    python benchmarks/relation_diag.py GOLD.jsonl PRED.jsonl [--errors LABEL]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.evaluate import _forms_match, _meta, _relation_keys, _surface_forms, load_jsonl  # noqa: E402


def judged_relations(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[dict]:
    """Each scored predicted relation with whether it is correct.

    Parameters
    ----------
    pairs : iterable of (gold doc, predicted doc)
        Documents in kg's gold/prediction JSON shape.

    Returns
    -------
    list of dict
        ``{"doc", "label", "pattern", "confidence", "head", "tail", "correct"}``; one
        entry per distinct (label, head forms, tail forms, pattern) of a document.
    """
    out = []
    for gold, pred in pairs:
        labels = set(_meta(gold).get("annotated_relations") or ())
        gkeys = _relation_keys(gold, labels)
        forms = _surface_forms(pred)
        ents = pred.get("entities", ())
        seen = set()
        for r in pred.get("relations", ()):
            if r["label"] not in labels or r.get("head") is None:
                continue
            h, t = forms[r["head"]], forms[r["tail"]]
            key = (r["label"], h, t, r.get("pattern"))
            if key in seen:
                continue
            seen.add(key)
            ok = any(g[0] == r["label"] and _forms_match(g[1], h) and _forms_match(g[2], t) for g in gkeys)
            out.append({"doc": pred.get("id"), "label": r["label"], "pattern": r.get("pattern"),
                        "confidence": r.get("confidence"), "head": ents[r["head"]].get("text"),
                        "tail": ents[r["tail"]].get("text"), "evidence": r.get("evidence"), "correct": ok})
    return out


def per_rule(judged: Sequence[dict]) -> dict[str, dict[str, float | int]]:
    """``{"label/pattern": {"n", "correct", "precision"}}`` from :func:`judged_relations`."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for j in judged:
        a = acc[f"{j['label']}/{j['pattern']}"]
        a[0] += 1
        a[1] += int(j["correct"])
    return {k: {"n": n, "correct": c, "precision": round(c / n, 3)} for k, (n, c) in sorted(acc.items())}


def reliability(judged: Sequence[dict], bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error and reliability table over ``bins`` equal-width bins.

    ECE = sum over bins of (n_bin / n) * |accuracy_bin - mean confidence_bin|
    (Guo et al., 2017). Returns ``(ece, rows)``, rows ``{"lo", "hi", "n", "confidence",
    "accuracy"}`` for non-empty bins; ``ece`` is 0.0 for no relations.
    """
    buckets: list[list[dict]] = [[] for _ in range(bins)]
    for j in judged:
        c = float(j["confidence"] or 0.0)
        buckets[min(int(c * bins), bins - 1)].append(j)
    n = len(judged)
    ece, rows = 0.0, []
    for b, items in enumerate(buckets):
        if not items:
            continue
        conf = sum(float(j["confidence"] or 0.0) for j in items) / len(items)
        acc = sum(j["correct"] for j in items) / len(items)
        ece += len(items) / n * abs(acc - conf)
        rows.append({"lo": b / bins, "hi": (b + 1) / bins, "n": len(items), "confidence": round(conf, 3),
                     "accuracy": round(acc, 3)})
    return round(ece, 3), rows


def format_reliability(ece: float, rows: Sequence[dict], title: str) -> str:
    """The reliability table as Markdown-friendly text."""
    lines = [f"{title}: ECE {ece:.3f} over {sum(r['n'] for r in rows)} relations (10 bins)",
             "| confidence bin | n | mean confidence | accuracy |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['lo']:.1f}–{r['hi']:.1f} | {r['n']} | {r['confidence']:.3f} | {r['accuracy']:.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print per-rule precision (and errors of one label) of PRED against GOLD."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--errors", default=None, help="print wrong relations of this label")
    args = ap.parse_args(argv)
    gold = {d["id"]: d for d in load_jsonl(args.gold)}
    pred = load_jsonl(args.pred)
    judged = judged_relations((gold[p["id"]], p) for p in pred if p["id"] in gold)
    for k, v in per_rule(judged).items():
        print(f"  {k:40} n={v['n']:4}  P={v['precision']:.3f}")
    ece, rows = reliability(judged)
    print(format_reliability(ece, rows, "calibration"))
    if args.errors:
        texts = {d["id"]: d["text"] for d in gold.values()}
        for j in judged:
            if j["label"] == args.errors and not j["correct"]:
                s, e = j["evidence"] or (0, 0)
                print(f"- [{j['pattern']}] {j['head']} -> {j['tail']} :: {texts[j['doc']][s:e][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
