"""Rules only vs rules + statistical NER: name-set F1 on the dev splits and the gold samples.

Simulates the integration the extractor will do (``kg_statistical_ner`` before
``kg_entities``, its spans a candidate source between the gazetteer and the rule
patterns) without touching the extractor::

    python benchmarks/eval_statistical.py [--max-docs N] [--labels Method,Dataset] [--json OUT]

For each document of the gold samples (``benchmarks/gold/samples.jsonl``) and of each
devset's *dev* split:

1. the current extractor without the statistical component
   (``load_pipeline(statistical=False)``) gives the rules-only mentions, each with
   its ``source``;
2. the statistical NER (:mod:`kg.extract.statistical`) gives its spans;
3. the combination keeps, without overlaps (character ranges), first the rule
   mentions whose source is ``gazetteer`` or ``abbreviation``, then the statistical
   spans (only ``--labels``), then the other rule mentions (``pattern:*``, ``ner``);

4. with ``--integrated``, the extractor as it ships (``load_pipeline()``, the
   component inside ``kg_entities``) is scored too;

and :func:`kg.evaluate.score_namesets` scores the systems (rules, statistical
alone, combined, integrated) per set and pooled over the devsets' dev splits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from kg.errors import KGError  # noqa: E402
from kg.evaluate import load_jsonl, score_namesets  # noqa: E402

from eval_extractor import EVAL_DEVSETS, GOLD_SAMPLES, WORK  # noqa: E402  (one definition)
#: Rule sources that outrank the statistical NER.
FIRST_SOURCES = ("gazetteer", "abbreviation")


def combine(
    rule_ents: Sequence[dict], stat_ents: Sequence[dict], labels: Sequence[str], priority: str = "middle"
) -> list[dict]:
    """Merge rule mentions and statistical spans without overlaps.

    Parameters
    ----------
    rule_ents : sequence of dict
        Extractor mentions (``start``, ``end``, ``label``, ``source``, ``text``).
    stat_ents : sequence of dict
        Statistical spans (``start``, ``end``, ``label``, ``text``).
    labels : sequence of str
        Statistical labels used; others are ignored.
    priority : str
        ``"middle"``: statistical spans after gazetteer/abbreviation mentions and
        before the other rule mentions (the planned integration); ``"last"``: they
        only fill gaps no rule mention covers.

    Returns
    -------
    list of dict
        Chosen mentions sorted by start: gazetteer/abbreviation mentions first, then
        statistical spans, then the remaining rule mentions, each kept only if it
        overlaps nothing chosen before it.
    """
    first = [e for e in rule_ents if e.get("source", "").split(":")[0] in FIRST_SOURCES]
    rest = [e for e in rule_ents if e.get("source", "").split(":")[0] not in FIRST_SOURCES]
    stat = [dict(e, source="statistical") for e in stat_ents if e["label"] in labels]
    chosen: list[dict] = []
    if priority not in ("middle", "last"):
        raise ValueError(f"priority must be 'middle' or 'last', not {priority!r}")
    order = [*first, *stat, *rest] if priority == "middle" else [*first, *rest, *stat]
    for e in order:
        if any(e["start"] < c["end"] and c["start"] < e["end"] for c in chosen):
            continue
        chosen.append(e)
    return sorted(chosen, key=lambda e: (e["start"], e["end"]))


def _doc(gold: dict, ents: list[dict]) -> dict:
    return {"id": gold["id"], "text": gold["text"], "entities": ents, "relations": [], "results": []}


def _f1s(scores: dict) -> dict[str, float]:
    return {k: round(v["f1"], 3) for k, v in scores.items() if v["gold"]}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(description="Rules only vs rules + statistical NER (name-set F1).")
    ap.add_argument("--max-docs", type=int, default=400, help="documents per devset dev split (default 400)")
    ap.add_argument("--labels", default="Method,Dataset,Task,Metric", help="statistical labels used in the combination")
    ap.add_argument("--model-path", type=Path, default=None, help="statistical pipeline (default kg/models/kg_ner)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--integrated", action="store_true", help="also score the extractor with its statistical component")
    ap.add_argument("--names-only", action="store_true", help="statistical spans that read as names only")
    ap.add_argument("--keep-stop-names", action="store_true", help="keep generic acronyms (AI, ML) from the statistical NER")
    ap.add_argument("--priority", choices=("middle", "last"), default="middle", help="rank of the statistical spans")
    ap.add_argument(
        "--reuse-rules", action="store_true",
        help="reuse the rules-only predictions of the last run (benchmarks/_work/pred_rules/) instead of re-running the extractor",
    )
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", message=r".*\[W036\]")
    labels = [x for x in args.labels.split(",") if x]
    from kg.extract import extract_records, load_pipeline
    from kg.extract.statistical import load_statistical_ner, statistical_spans
    from kg.model import Record

    try:
        sets: dict[str, list[dict]] = {"samples": load_jsonl(GOLD_SAMPLES)}
        for name in EVAL_DEVSETS:
            docs = sorted(load_jsonl(WORK / f"{name}.dev.jsonl"), key=lambda d: d["id"])
            sets[name] = docs[: args.max_docs]
        import inspect

        has_flag = "statistical" in inspect.signature(load_pipeline).parameters
        nlp = None if args.reuse_rules else (load_pipeline(statistical=False) if has_flag else load_pipeline())
        nlp_full = load_pipeline() if args.integrated and has_flag else None
        ner = load_statistical_ner(args.model_path, required=True)
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    figures: dict[str, Any] = {}
    pooled: dict[str, list] = {"rules": [], "statistical": [], "combined": [], "integrated": []}
    for name, gold in sets.items():
        cache = WORK / "pred_rules" / f"{name}.jsonl"
        t0 = time.perf_counter()
        if nlp is None:
            rules = load_jsonl(cache)
            if [r["id"] for r in rules] != [d["id"] for d in gold]:
                print(f"error: {cache} does not match the gold documents; run without --reuse-rules", file=sys.stderr)
                return 1
        else:
            rules = [ex.to_json() for ex in extract_records((Record(id=d["id"], text=d["text"]) for d in gold), nlp=nlp)]
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rules), encoding="utf-8")
        t_rules = time.perf_counter() - t0
        t0 = time.perf_counter()
        stat = []
        for d in gold:
            stat.append(
                [{"start": s, "end": e, "label": lab, "text": d["text"][s:e]} for s, e, lab, _ in statistical_spans(
                    ner, d["text"], names_only=args.names_only, drop_stop_names=not args.keep_stop_names
                )]
            )
        t_stat = time.perf_counter() - t0
        words = sum(len(d["text"].split()) for d in gold)
        systems = {
            "rules": [_doc(g, r["entities"]) for g, r in zip(gold, rules)],
            "statistical": [_doc(g, s) for g, s in zip(gold, stat)],
            "combined": [_doc(g, combine(r["entities"], s, labels, args.priority)) for g, r, s in zip(gold, rules, stat)],
        }
        if nlp_full is not None:
            full = [ex.to_json() for ex in extract_records((Record(id=d["id"], text=d["text"]) for d in gold), nlp=nlp_full)]
            systems["integrated"] = [_doc(g, r["entities"]) for g, r in zip(gold, full)]
        figures[name] = {
            "documents": len(gold),
            "words": words,
            "rules_words_per_second": None if nlp is None else round(words / t_rules),
            "statistical_words_per_second": round(words / t_stat),
        }
        for sysname, pred in systems.items():
            figures[name][sysname] = score_namesets(list(zip(gold, pred)))
            if name != "samples":
                pooled[sysname] += list(zip(gold, pred))
        speed = "cached" if nlp is None else f"{words / t_rules:.0f} w/s"
        print(f"{name}: {len(gold)} docs, {words} words; rules {speed}, statistical {words / t_stat:.0f} w/s")
        for sysname in systems:
            print(f"  {sysname:12} {_f1s(figures[name][sysname])}")
    figures["devsets"] = {s: score_namesets(p) for s, p in pooled.items() if p}
    print("devsets pooled (dev splits):")
    for sysname in figures["devsets"]:
        print(f"  {sysname:12} {_f1s(figures['devsets'][sysname])}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
