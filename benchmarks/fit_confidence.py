"""Fit each relation rule's confidence from blind judged facts → rule_precision.json.

Data: ``benchmarks/data/judged_facts.jsonl``, one line per fact that a blind reader
judged against ``../shared/ANNOTATION.md`` in the fourth to fourteenth audits (every fact of
builds of unseen AI news, arXiv abstracts and SciREX paper bodies, each build made by
code that had not seen its corpus). A line holds no text: ``{"audit", "corpus",
"label", "sentences": [{"genre", "patterns"}], "verdict"}``, one ``sentences`` item
per distinct evidence sentence with the rules that found the fact there and the kind of
text (:func:`kg.extract.genre.doc_genre`). "partly" counts wrong.

Fit (a hierarchy of shrunken precisions, each level pulled towards the one above with
the weight of ``--weight`` judged facts): all facts → genre → label in that genre →
rule (all genres) → rule in that genre. Only facts stated in one sentence are fitted:
the build combines the sentences of a fact by noisy-or (:mod:`kg.build.merge`), so a
rule's confidence is the precision of one statement. The table gives every fitted rule
a value in each genre (``"genres"``), every label one per genre (``"label_genres"``)
and each genre its base (``"genre_base"``); :func:`kg.extract.relations.confidence.calibrated`
reads it.

The script also prints the leave-one-audit-out check of the method: fit on all audits
but one, predict the held-out audit's facts (noisy-or over their sentences), and report
ECE (10 bins), AUC and Brier score. The weight 16 was chosen on that check over audits
4-8 before audit 9 was judged; fitted on 4-8, the confidences had ECE 0.061 on audit 9
(the confidences shipped then: 0.156).

Usage::

    python benchmarks/fit_confidence.py [--weight 16] [--upto N] [--out kg/extract/data/rule_precision.json]
    python benchmarks/fit_confidence.py collect BUILD_DIR SHEETS_DIR --audit N --corpus news
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "kg" / "extract" / "data" / "rule_precision.json"
JUDGED = HERE / "data" / "judged_facts.jsonl"
GENRES = ("news", "abstract", "body")


def load_judged(path: Path = JUDGED) -> list[dict]:
    """The judged facts (see the module docstring), each with ``"correct"`` (bool) added.

    Raises
    ------
    ValueError
        On a line that is not a JSON object with the expected keys (message names
        the file and line).
    """
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            d = json.loads(line)
            d["correct"] = d["verdict"] == "correct"
            assert d["sentences"] and all(s["genre"] in GENRES and s["patterns"] for s in d["sentences"])
        except (ValueError, KeyError, TypeError, AssertionError) as e:
            raise ValueError(f"{path}:{n}: not a judged fact ({e!r})") from None
        out.append(d)
    return out


def fit(facts: Iterable[dict], weight: float = 16) -> dict:
    """Fit the confidence table from judged facts (single-sentence ones only).

    Returns ``{"base", "genre_base": {genre: p}, "labels": {label: p}, "label_genres":
    {"label@genre": p}, "rules": {"label/pattern": {"judged": [correct, n], "confidence": p}},
    "genres": {"label/pattern@genre": p}, "weight"}``; every value is
    ``(correct + weight * parent) / (n + weight)`` with its parent level's value.
    """
    cnt: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for f in facts:
        if len(f["sentences"]) != 1:
            continue
        s = f["sentences"][0]
        g, lab, ok = s["genre"], f["label"], int(f["correct"])
        total[0] += ok
        total[1] += 1
        keys = [("g", g), ("lg", lab, g), ("l", lab)]
        keys += [k for p in s["patterns"] for k in (("r", lab, p), ("rg", lab, p, g))]
        for k in keys:
            cnt[k][0] += ok
            cnt[k][1] += 1
    if not total[1]:
        raise ValueError("no single-sentence judged fact to fit")
    base = total[0] / total[1]

    def shrink(key: tuple, parent: float) -> float:
        c, n = cnt.get(key, (0, 0))
        return round((c + weight * parent) / (n + weight), 3)

    genre_base = {g: shrink(("g", g), base) for g in GENRES}
    labels = sorted({k[1] for k in cnt if k[0] == "l"})
    label_genres = {f"{lab}@{g}": shrink(("lg", lab, g), genre_base[g]) for lab in labels for g in GENRES}
    label_pooled = {lab: shrink(("l", lab), base) for lab in labels}
    rules, genres = {}, {}
    for k in sorted(k for k in cnt if k[0] == "r"):
        _, lab, p = k
        rules[f"{lab}/{p}"] = {"judged": list(cnt[k]), "confidence": shrink(k, label_pooled[lab])}
        for g in GENRES:
            # the rule pooled over genres, pulled towards its label in this genre, then
            # the rule's own verdicts in this genre
            rule_here = shrink(k, label_genres[f"{lab}@{g}"])
            genres[f"{lab}/{p}@{g}"] = shrink(("rg", lab, p, g), rule_here)
    return {"base": round(base, 3), "genre_base": genre_base, "labels": label_pooled,
            "label_genres": label_genres, "rules": rules, "genres": genres, "weight": weight}


def fact_confidence(table: dict, fact: dict) -> float:
    """A judged fact's confidence under ``table``: each sentence's best rule (its value
    in the genre, else its label's there, else the genre's base; the extractor's
    :func:`kg.extract.relations.confidence.calibrated` also caps an unjudged rule at the
    code's prior, which the judged file does not record), combined by noisy-or."""
    from kg.build.merge import combine_confidences

    def one(p: str, g: str) -> float:
        lab = fact["label"]
        v = table["genres"].get(f"{lab}/{p}@{g}", table["label_genres"].get(f"{lab}@{g}"))
        return table["genre_base"][g] if v is None else v

    return combine_confidences(max(one(p, s["genre"]) for p in s["patterns"]) for s in fact["sentences"])


def scores(pairs: Sequence[tuple[float, bool]]) -> dict:
    """``{"n", "ece", "auc", "brier", "mean", "precision"}`` of (confidence, correct) pairs
    (ECE over 10 equal-width bins, weighted by bin size)."""
    bins: dict[int, list] = defaultdict(list)
    for c, ok in pairs:
        bins[min(9, int(c * 10))].append((c, ok))
    ece = sum(abs(sum(o for _, o in b) - sum(c for c, _ in b)) for b in bins.values()) / len(pairs)
    pos = [c for c, ok in pairs if ok]
    neg = [c for c, ok in pairs if not ok]
    auc = (sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))
           if pos and neg else math.nan)
    return {"n": len(pairs), "ece": round(ece, 3), "auc": round(auc, 3),
            "brier": round(sum((c - ok) ** 2 for c, ok in pairs) / len(pairs), 4),
            "mean": round(sum(c for c, _ in pairs) / len(pairs), 3),
            "precision": round(sum(ok for _, ok in pairs) / len(pairs), 3)}


def leave_one_audit_out(facts: list[dict], weight: float) -> dict[int, dict]:
    """:func:`scores` of each audit's facts under a table fitted on the other audits."""
    out = {}
    for a in sorted({f["audit"] for f in facts}):
        table = fit((f for f in facts if f["audit"] != a), weight)
        out[a] = scores([(fact_confidence(table, f), f["correct"]) for f in facts if f["audit"] == a])
    return out


def collect(build: Path, sheets: Path, audit: int, corpus: str, out: Path = JUDGED) -> int:
    """Append the judged facts of an audit sheet to ``out`` in the format above.

    ``sheets`` holds ``facts.key.jsonl`` and ``facts.verdicts.jsonl``
    (``benchmarks/audit.py``), drawn from ``build`` (its ``graph.json`` gives each
    fact's evidence sentences and rules, its ``extractions.jsonl`` the documents'
    text for :func:`kg.extract.genre.doc_genre`). ``corpus`` names the audit corpus
    ("news", "abstracts", "bodies"). Returns the number of lines written.
    """
    import spacy

    from kg.extract.genre import doc_genre

    key = {d["i"]: d for d in map(json.loads, (sheets / "facts.key.jsonl").open(encoding="utf-8"))}
    ver = {d["i"]: d for d in map(json.loads, (sheets / "facts.verdicts.jsonl").open(encoding="utf-8"))}
    g = json.loads((build / "graph.json").read_text(encoding="utf-8"))
    edges = {(e["source"], e["target"], e.get("relation", e.get("key"))): e for e in g["edges"]}
    nlp = spacy.blank("en")
    genre = {}
    with (build / "extractions.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            genre["doc:" + d["id"]] = doc_genre(nlp(d["text"]))
    n = 0
    with out.open("a", encoding="utf-8") as w:
        for i in sorted(ver):
            k = key[i]
            e = edges[(k["source"], k["target"], k["relation"])]
            by_sent: dict[tuple, set] = defaultdict(set)
            for x in e.get("evidence", []):
                by_sent[(x["doc"], x["sentence"])].add(x["pattern"])
            sents = [{"genre": genre[d], "patterns": sorted(p)} for (d, _), p in sorted(by_sent.items())]
            w.write(json.dumps({"audit": audit, "corpus": corpus, "label": k["relation"], "sentences": sents,
                                "verdict": ver[i]["verdict"]}) + "\n")
            n += 1
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, print the leave-one-audit-out check, write the table (or, with ``collect``
    as the first argument, add an audit's judged facts: see :func:`collect`)."""
    sys.path.insert(0, str(ROOT))
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["collect"]:
        c = argparse.ArgumentParser(description=collect.__doc__.split("\n")[0])
        c.add_argument("build", type=Path)
        c.add_argument("sheets", type=Path)
        c.add_argument("--audit", type=int, required=True)
        c.add_argument("--corpus", required=True)
        c.add_argument("--out", type=Path, default=JUDGED)
        a = c.parse_args(argv[1:])
        print(f"{collect(a.build, a.sheets, a.audit, a.corpus, a.out)} judged facts added to {a.out}")
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--judged", type=Path, default=JUDGED)
    ap.add_argument("--weight", type=float, default=16)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--upto", type=int, default=None,
                    help="fit on audits up to this number only (the shipped table: --upto 26; see the README)")
    args = ap.parse_args(argv)
    facts = load_judged(args.judged)
    if args.upto is not None:
        facts = [f for f in facts if f["audit"] <= args.upto]
    for a, s in leave_one_audit_out(facts, args.weight).items():
        print(f"audit {a} held out: {s}")
    table = fit(facts, args.weight)
    table["audits_upto"] = max(f["audit"] for f in facts)  # the test refits on the same audits
    table["source"] = (f"benchmarks/fit_confidence.py: {len(facts)} blind judged facts of audits "
                       f"{min(f['audit'] for f in facts)}-{max(f['audit'] for f in facts)} "
                       f"(benchmarks/data/judged_facts.jsonl), single-sentence facts, shrinkage weight {args.weight:g}")
    args.out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
