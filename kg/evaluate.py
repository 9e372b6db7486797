"""Score ``kg extract`` output against gold annotations.

Both sides use the ``kg extract`` JSON-lines format (:meth:`kg.model.DocExtraction.to_json`):
one document per line, ``{"id", "text", "entities", "relations", "results", "meta"}``.
Entities carry ``start``/``end`` character offsets into ``text`` (half-open), the
surface ``text`` and a ``label`` (one of :data:`kg.model.ENTITY_TYPES`); relations
carry ``label`` and ``head``/``tail`` indices into ``entities`` (``head: null`` is
the document itself, used by ``proposes``); results carry ``method``/``dataset``
indices, a ``metric`` name and a decimal-string ``value``.

Gold documents may carry, in ``meta``:

``annotated_types``
    entity types the annotation covers (default: all of :data:`ENTITY_TYPES`).
    Only these types are scored for that document; predictions of other types are
    ignored there (a devset that does not annotate Hardware cannot say a predicted
    Hardware mention is wrong).
``annotated_relations``
    relation labels the annotation covers (default: none). Predicted relations of
    other labels are ignored.
``annotated_results``
    ``true`` if stated results were annotated (default ``false``).
``ignore``
    list of ``[start, end, label]`` spans the devset annotates with a label kg does
    not score (e.g. CrossNER ``product``, ``misc``). A predicted mention that
    overlaps such a span and matches no gold mention is neither a true nor a false
    positive (the usual "don't care" region of NER evaluation).

A gold entity may carry ``"anaphor": true`` ("our method" where the document's
method has no name): it is not scored as a mention or a name, predictions on it are
ignored like an ``ignore`` span, but it can be the head or tail of a gold relation.
A gold or predicted entity may carry ``aliases`` (list of str); entities of one
document that share a non-empty ``id`` are one entity with several surface forms.

Scores (all micro-averaged: true/false positives and false negatives are summed
over documents before computing precision, recall and F1):

* mentions, exact: a prediction is right if a gold mention of the same type has the
  same ``(start, end)``;
* mentions, overlap: right if it overlaps a gold mention of the same type (one-to-one
  matching, largest overlap first);
* name sets: per document, the set of ``(type, normalised name)`` pairs
  (:func:`normalize_name`; a mention "Penn Treebank (PTB)" gives both names,
  :func:`name_keys`);
* relations: per document, the set of ``(label, head, tail)`` where head and tail
  match if any normalised surface form of the predicted entity equals any surface
  form of the gold entity (``"<doc>"`` for a document head);
* results: per document, ``(method, dataset, metric, value)`` (strict) and
  ``(method, value)`` (loose), method/dataset matched as for relations, metric by
  normalised name, value as a decimal number.

The group ``Dataset+Benchmark`` scores Dataset and Benchmark as one type, so a
Dataset predicted where the gold says Benchmark (or the reverse) counts as right in
the group (the two are often interchangeable: "Spider" is both).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from kg.errors import InputError
from kg.model import ENTITY_TYPES, RELATION_TYPES

#: Groups of types scored as one; the group name is reported next to the types.
TYPE_GROUPS: dict[str, tuple[str, ...]] = {"Dataset+Benchmark": ("Dataset", "Benchmark")}

#: Relation labels that a gold annotation can claim to cover.
SCORABLE_RELATIONS: tuple[str, ...] = tuple(
    r for r in RELATION_TYPES if r not in ("mentions", "coMentioned")
)

DOC_HEAD = "<doc>"
_NONE = "<none>"
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)

__all__ = [
    "TYPE_GROUPS",
    "normalize_name",
    "name_keys",
    "prf",
    "score_mentions",
    "score_namesets",
    "score_relations",
    "score_results",
    "evaluate_docs",
    "evaluate_files",
    "diff_docs",
    "load_jsonl",
    "validate_doc",
    "format_report",
]


# --------------------------------------------------------------------------- basics


_LEADING_THE = re.compile(r"^the\s+")
_GENERIC_HEAD = re.compile(r"[\s-]+(?:datasets?|data\s+sets?|databases?|benchmarks?|corpus|corpora)$")
#: split and "data" heads, dropped only after a name ("PASCAL VOC data", not "big data")
_SPLIT_HEAD = re.compile(
    r"[\s-]+(?:(?:test|testing|training|train|dev|development|validation|evaluation|held-out)\s+"
    r"(?:sets?|data|datasets?|data\s+sets?)|data)$",
    re.I,
)
_NAME_MARK = re.compile(r"[A-Z0-9]")
#: A final word that is the plural of an acronym or model number ("CNNs", "DC-NNs", "H100s").
_ACRONYM_PLURAL = re.compile(r"(?:^|\s)(?=\S*[A-Z]\S*[A-Z]|\S*\d)[A-Za-z0-9-]*[A-Z0-9]s$")
#: "Penn Treebank (PTB)": a name followed by its parenthesised abbreviation.
_WITH_ABBREVIATION = re.compile(r"^(?P<long>.*\S)\s*\((?P<short>[^()\s]*[A-Z][^()\s]*)\)$")


def normalize_name(name: str) -> str:
    """Normalise an entity name for set comparison.

    Unicode NFKC, case-folded, with a leading "the" and a trailing generic head
    word ("dataset(s)", "data set", "database(s)", "benchmark(s)", "corpus") dropped, and after
    a name (a capital or digit before it) also "data" and a data split ("test
    set", "training data", "evaluation set", "dev set") — so "the MNIST dataset",
    "MNIST data", "the MNIST test set" and "MNIST" are one name, as annotators
    differ on whether to include the head noun and a split of a dataset is that
    dataset for a per-document name set, while "big data" stays — and everything that is not a letter or digit removed
    (spaces, hyphens, punctuation, underscores), so ``"Office-Home"``,
    ``"OfficeHome"`` and ``"office home"`` all become ``"officehome"``; a final
    plural "s" is dropped from keys longer than four characters ("ReasoNets" =
    "ReasoNet") and from the plural of an acronym ("CNNs" = "CNN").

    Parameters
    ----------
    name : str
        A surface form.

    Returns
    -------
    str
        The normalised key (may be empty for a name made only of punctuation).

    Examples
    --------
    >>> normalize_name("Office-Home")
    'officehome'
    >>> normalize_name("ＣＩＦＡＲ－１０")
    'cifar10'
    >>> normalize_name("the MNIST dataset")
    'mnist'
    >>> normalize_name("CTB test set") == normalize_name("CTB data") == normalize_name("CTB")
    True
    >>> normalize_name("CNNs") == normalize_name("CNN"), normalize_name("deep CNNs"), normalize_name("H100s")
    (True, 'deepcnn', 'h100')
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if _ACRONYM_PLURAL.search(text):
        text = text[:-1]  # "CNNs" = "CNN", "H100s" = "H100" (ANNOTATION.md: plural endings outside)
    m = _SPLIT_HEAD.search(text)
    if m and _NAME_MARK.search(text[: m.start()]):
        text = text[: m.start()]
    text = text.casefold()
    stripped = _GENERIC_HEAD.sub("", _LEADING_THE.sub("", text))
    if _NON_ALNUM.sub("", stripped):
        text = stripped
    key = _NON_ALNUM.sub("", text)
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss") and key[-2].isalpha():
        key = key[:-1]  # plural: "ReasoNets" = "ReasoNet", "Transformers" = "Transformer"
    return key


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 from counts.

    Parameters
    ----------
    tp, fp, fn : int
        True positives, false positives, false negatives.

    Returns
    -------
    dict
        ``{"tp", "fp", "fn", "gold", "pred", "precision", "recall", "f1"}``;
        ``gold = tp + fn``, ``pred = tp + fp``. A ratio with a zero denominator is
        ``0.0`` (an empty prediction has precision 0, not undefined), except that
        precision and recall are both reported as ``0.0`` when there is nothing to
        find and nothing predicted; check ``gold``/``pred`` before reading them.
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "gold": tp + fn,
        "pred": tp + fp,
        "precision": p,
        "recall": r,
        "f1": f,
    }


class _Counts:
    """tp/fp/fn per key, summed over documents."""

    def __init__(self) -> None:
        self.c: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, key: str, tp: int, fp: int, fn: int) -> None:
        v = self.c[key]
        v[0] += tp
        v[1] += fp
        v[2] += fn

    def result(self, order: Sequence[str] = ()) -> dict[str, dict[str, float | int]]:
        keys = [k for k in order if k in self.c] + sorted(k for k in self.c if k not in order)
        return {k: prf(*self.c[k]) for k in keys}


_TYPE_ORDER = tuple(ENTITY_TYPES) + tuple(TYPE_GROUPS)
_REL_ORDER = tuple(RELATION_TYPES)


def _meta(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    return doc.get("meta") or {}


def _annotated_types(gold: Mapping[str, Any]) -> set[str]:
    types = _meta(gold).get("annotated_types")
    return set(ENTITY_TYPES if types is None else types)


def _scored_keys(annotated: set[str]) -> list[tuple[str, set[str]]]:
    """(report key, set of labels counted under it) for one document."""
    keys = [(t, {t}) for t in ENTITY_TYPES if t in annotated]
    for group, members in TYPE_GROUPS.items():
        if annotated & set(members):
            keys.append((group, set(members)))
    return keys


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _ignore_spans(gold: Mapping[str, Any]) -> list[tuple[int, int]]:
    spans = [(int(s), int(e)) for s, e, *_ in _meta(gold).get("ignore") or ()]
    spans += [(e["start"], e["end"]) for e in gold.get("entities", ()) if e.get("anaphor")]
    return spans


def _gold_mentions(gold: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [e for e in gold.get("entities", ()) if not e.get("anaphor")]


def _kept_predictions(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Predicted mentions minus anaphors and those in ignore regions that match no gold span."""
    ignore = _ignore_spans(gold)
    gold_spans = {(e["start"], e["end"]) for e in _gold_mentions(gold)}
    kept = []
    for e in pred.get("entities", ()):
        if e.get("source") == "anaphor":
            continue  # "our method": a reference, not a name (gold anaphors are not scored either)
        span = (e["start"], e["end"])
        if span not in gold_spans and any(_overlaps(span, i) for i in ignore):
            continue
        kept.append(e)
    return kept


def _match_overlap(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> int:
    """Size of a one-to-one matching of overlapping spans, largest overlap first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if _overlaps(g, p):
                pairs.append((min(g[1], p[1]) - max(g[0], p[0]), i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return len(used_g)


# --------------------------------------------------------------------------- mentions


def score_mentions(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Mention-level precision/recall/F1 per type, exact and overlapping span match.

    Parameters
    ----------
    pairs : iterable of (gold doc, predicted doc)
        Parsed JSON documents with the same ``text``.

    Returns
    -------
    dict
        ``{"exact": {type: counts}, "overlap": {type: counts}}`` where ``counts`` is
        :func:`prf`'s dict. Types are those annotated by at least one gold
        document, plus the groups of :data:`TYPE_GROUPS`.
    """
    exact, overlap = _Counts(), _Counts()
    for gold, pred in pairs:
        gm = _gold_mentions(gold)
        pm = _kept_predictions(gold, pred)
        for key, labels in _scored_keys(_annotated_types(gold)):
            g = [(e["start"], e["end"]) for e in gm if e["label"] in labels]
            p = [(e["start"], e["end"]) for e in pm if e["label"] in labels]
            gs, ps = set(g), set(p)
            tp = len(gs & ps)
            exact.add(key, tp, len(ps) - tp, len(gs) - tp)
            tp = _match_overlap(sorted(gs), sorted(ps))
            overlap.add(key, tp, len(ps) - tp, len(gs) - tp)
    return {"exact": exact.result(_TYPE_ORDER), "overlap": overlap.result(_TYPE_ORDER)}


# --------------------------------------------------------------------------- name sets


def name_keys(text: str) -> set[str]:
    """The normalised names one mention's text contributes to a name set.

    Usually ``{normalize_name(text)}``. A text that is a name followed by its
    parenthesised abbreviation — "Penn Treebank (PTB)", which TDMSci annotates as
    one mention where kg (and the sample gold) mark the long form and the
    abbreviation as two mentions of one entity — contributes both names, so the
    two annotation conventions give the same name set. Applied alike to gold and
    predicted mentions.

    Parameters
    ----------
    text : str
        A mention's surface text.

    Returns
    -------
    set of str
        Non-empty normalised keys (empty set for punctuation only).

    Examples
    --------
    >>> sorted(name_keys("Penn Treebank (PTB)"))
    ['penntreebank', 'ptb']
    >>> sorted(name_keys("accuracy (%)"))
    ['accuracy']
    """
    m = _WITH_ABBREVIATION.match(text.strip())
    forms = [m.group("long"), m.group("short")] if m else [text]
    return {k for k in map(normalize_name, forms) if k}


def _name_set(mentions: Iterable[Mapping[str, Any]], labels: set[str]) -> set[str]:
    out: set[str] = set()
    for e in mentions:
        if e["label"] in labels:
            out |= name_keys(e["text"])
    return out


def score_namesets(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, dict[str, float | int]]:
    """Per-document name-set precision/recall/F1 per type, micro-averaged over documents.

    For each document and type the gold and predicted sets of normalised names
    (:func:`normalize_name` of each mention's text) are compared; a group of
    :data:`TYPE_GROUPS` pools the names of its member types, so the label confusion
    Dataset/Benchmark does not count there.

    Parameters
    ----------
    pairs : iterable of (gold doc, predicted doc)

    Returns
    -------
    dict
        ``{type: counts}`` (see :func:`prf`).
    """
    counts = _Counts()
    for gold, pred in pairs:
        gm = _gold_mentions(gold)
        pm = _kept_predictions(gold, pred)
        for key, labels in _scored_keys(_annotated_types(gold)):
            g, p = _name_set(gm, labels), _name_set(pm, labels)
            tp = len(g & p)
            counts.add(key, tp, len(p) - tp, len(g) - tp)
    return counts.result(_TYPE_ORDER)


# --------------------------------------------------------------------------- relations


def _surface_forms(doc: Mapping[str, Any]) -> list[frozenset[str]]:
    """For each entity of ``doc``: its normalised surface forms (text, name, aliases,
    and the texts of the document's other entities sharing its non-empty id)."""
    ents = doc.get("entities", ())
    by_id: dict[str, set[str]] = defaultdict(set)
    own: list[set[str]] = []
    for e in ents:
        forms = {e.get("text") or ""}
        if e.get("name"):
            forms.add(e["name"])
        forms.update(e.get("aliases") or ())
        forms = {normalize_name(f) for f in forms} - {""}
        own.append(forms)
        if e.get("id"):
            by_id[e["id"]].update(forms)
    out = []
    for e, forms in zip(ents, own):
        if e.get("id"):
            forms = forms | by_id[e["id"]]
        out.append(frozenset(forms))
    return out


def _greedy_match(gold: list[Any], pred: list[Any], same) -> int:
    used: set[int] = set()
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and same(g, p):
                used.add(i)
                tp += 1
                break
    return tp


def _forms_match(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a & b)


def _relation_keys(doc: Mapping[str, Any], labels: set[str]) -> list[tuple[str, frozenset, frozenset]]:
    forms = _surface_forms(doc)
    doc_head = frozenset([DOC_HEAD])
    keys = []
    for r in doc.get("relations", ()):
        if r["label"] not in labels:
            continue
        head = doc_head if r.get("head") is None else forms[r["head"]]
        key = (r["label"], head, forms[r["tail"]])
        if key not in keys:
            keys.append(key)
    return keys


def score_relations(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, dict[str, float | int]]:
    """Relation precision/recall/F1 per label, per document, micro-averaged.

    A predicted relation matches a gold one of the same label when some normalised
    surface form of its head equals one of the gold head's, and likewise for the
    tail (see the module docstring for surface forms); matching is one-to-one.
    Duplicates (the same relation stated twice in a document) count once. Only
    labels listed in the gold document's ``meta.annotated_relations`` are scored.

    Parameters
    ----------
    pairs : iterable of (gold doc, predicted doc)

    Returns
    -------
    dict
        ``{label: counts}`` (see :func:`prf`).
    """
    counts = _Counts()
    for gold, pred in pairs:
        labels = set(_meta(gold).get("annotated_relations") or ())
        g = _relation_keys(gold, labels)
        p = _relation_keys(pred, labels)
        for label in sorted(labels):
            gl = [k for k in g if k[0] == label]
            pl = [k for k in p if k[0] == label]
            tp = _greedy_match(
                gl, pl, lambda a, b: _forms_match(a[1], b[1]) and _forms_match(a[2], b[2])
            )
            counts.add(label, tp, len(pl) - tp, len(gl) - tp)
    return counts.result(_REL_ORDER)


# --------------------------------------------------------------------------- results


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").lstrip("+"))
    except (InvalidOperation, ValueError):
        return None


def _result_keys(doc: Mapping[str, Any]) -> list[tuple[frozenset, frozenset, str, Decimal | None]]:
    forms = _surface_forms(doc)
    keys = []
    for r in doc.get("results", ()):
        ds = frozenset([_NONE]) if r.get("dataset") is None else forms[r["dataset"]]
        metric = normalize_name(r.get("metric") or "") or _NONE
        key = (forms[r["method"]], ds, metric, _decimal(r["value"]))
        if key not in keys:
            keys.append(key)
    return keys


def score_results(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, dict[str, float | int]]:
    """Result precision/recall/F1, strict and loose.

    ``strict`` matches ``(method, dataset, metric, value)``: method and dataset by
    surface forms as for relations (no dataset on both sides also matches),
    metric by :func:`normalize_name` (no metric on both sides matches), value as a
    decimal number (``"52.8"`` = ``"52.80"``). ``loose`` matches ``(method, value)``.
    Only gold documents with ``meta.annotated_results`` true are scored.

    Parameters
    ----------
    pairs : iterable of (gold doc, predicted doc)

    Returns
    -------
    dict
        ``{"strict": counts, "loose": counts}`` (see :func:`prf`); empty if no
        gold document annotates results.
    """
    counts = _Counts()
    for gold, pred in pairs:
        if not _meta(gold).get("annotated_results"):
            continue
        g, p = _result_keys(gold), _result_keys(pred)
        tp = _greedy_match(
            g,
            p,
            lambda a, b: _forms_match(a[0], b[0])
            and _forms_match(a[1], b[1])
            and a[2] == b[2]
            and a[3] is not None
            and a[3] == b[3],
        )
        counts.add("strict", tp, len(p) - tp, len(g) - tp)
        tp = _greedy_match(
            g, p, lambda a, b: _forms_match(a[0], b[0]) and a[3] is not None and a[3] == b[3]
        )
        counts.add("loose", tp, len(p) - tp, len(g) - tp)
    return counts.result(("strict", "loose"))


# --------------------------------------------------------------------------- errors


def diff_docs(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """List the errors behind the name-set and relation scores, per document.

    Parameters
    ----------
    gold, pred : sequence of dict
        Parsed documents, matched by ``id`` (a gold document without prediction
        is compared with an empty one).

    Returns
    -------
    list of dict
        One dict per document with any error: ``{"id", "missed_names",
        "spurious_names", "missed_relations", "spurious_relations"}``. Names are
        ``"Type:surface"`` strings (one surface per normalised name), relations
        ``"label(head, tail)"`` with one surface form per end; the Dataset/Benchmark
        confusion is not listed (the group forgives it).
    """
    preds = {d["id"]: d for d in pred}
    out = []
    for g in gold:
        p = preds.get(g["id"], {"id": g["id"], "text": g["text"]})
        annotated = _annotated_types(g)
        def names(mentions):
            found: dict[tuple[str, str], str] = {}
            for e in mentions:
                if e["label"] in annotated or (e["label"] in ("Dataset", "Benchmark") and annotated & {"Dataset", "Benchmark"}):
                    group = "Dataset+Benchmark" if e["label"] in ("Dataset", "Benchmark") else e["label"]
                    key = normalize_name(e["text"])
                    if key:
                        found.setdefault((group, key), f"{e['label']}:{e['text']}")
            return found
        gn, pn = names(_gold_mentions(g)), names(_kept_predictions(g, p))
        labels = set(_meta(g).get("annotated_relations") or ())
        def rels(doc):
            ents = doc.get("entities", ())
            forms = _surface_forms(doc)
            texts: dict[tuple, str] = {}
            for r in doc.get("relations", ()):
                if r["label"] not in labels:
                    continue
                head = frozenset([DOC_HEAD]) if r.get("head") is None else forms[r["head"]]
                shown = DOC_HEAD if r.get("head") is None else ents[r["head"]]["text"]
                key = (r["label"], head, forms[r["tail"]])
                texts.setdefault(key, f"{r['label']}({shown}, {ents[r['tail']]['text']})")
            return list(texts.items())

        gr, pr = rels(g), rels(p)
        def unmatched(a, b):
            used: set[int] = set()
            left = []
            for key, txt in a:
                hit = None
                for i, (k2, _) in enumerate(b):
                    if i not in used and k2[0] == key[0] and _forms_match(k2[1], key[1]) and _forms_match(k2[2], key[2]):
                        hit = i
                        break
                if hit is None:
                    left.append(txt)
                else:
                    used.add(hit)
            return left
        item = {
            "id": g["id"],
            "missed_names": sorted(v for k, v in gn.items() if k not in pn),
            "spurious_names": sorted(v for k, v in pn.items() if k not in gn),
            "missed_relations": unmatched(gr, pr),
            "spurious_relations": unmatched(pr, gr),
        }
        if any(item[k] for k in item if k != "id"):
            out.append(item)
    return out


# --------------------------------------------------------------------------- documents


def validate_doc(doc: Any, path: str | None = None, line: int | None = None) -> dict[str, Any]:
    """Check that one parsed document is well-formed.

    Parameters
    ----------
    doc : Any
        A parsed JSON line.
    path, line : str, int, optional
        Where it came from, for the error message.

    Returns
    -------
    dict
        ``doc`` itself.

    Raises
    ------
    kg.errors.InputError
        If ``id``/``text`` are missing, an entity's offsets are out of range or do
        not give its ``text``, a relation or result index is out of range.
    """

    def bad(msg: str) -> InputError:
        return InputError(msg, path, line)

    if not isinstance(doc, dict):
        raise bad("expected a JSON object per line")
    if not isinstance(doc.get("id"), str) or not isinstance(doc.get("text"), str):
        raise bad("document needs a string 'id' and a string 'text'")
    text = doc["text"]
    ents = doc.get("entities") or []
    if not isinstance(ents, list):
        raise bad(f"doc {doc['id']!r}: 'entities' must be a list")
    for i, e in enumerate(ents):
        try:
            s, t, surface, label = e["start"], e["end"], e["text"], e["label"]
        except (KeyError, TypeError):
            raise bad(f"doc {doc['id']!r}: entity {i} needs start, end, text, label") from None
        if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)):
            raise bad(f"doc {doc['id']!r}: entity {i} has bad offsets [{s}, {t})")
        if text[s:t] != surface:
            raise bad(
                f"doc {doc['id']!r}: entity {i} text {surface!r} != text[{s}:{t}] {text[s:t]!r}"
            )
        if not isinstance(label, str):
            raise bad(f"doc {doc['id']!r}: entity {i} label must be a string")
    n = len(ents)

    def index_ok(x: Any, allow_none: bool) -> bool:
        return (x is None and allow_none) or (isinstance(x, int) and 0 <= x < n)

    for i, r in enumerate(doc.get("relations") or []):
        if not isinstance(r, dict) or not isinstance(r.get("label"), str):
            raise bad(f"doc {doc['id']!r}: relation {i} needs a string label")
        if not index_ok(r.get("head"), True) or not index_ok(r.get("tail"), False):
            raise bad(f"doc {doc['id']!r}: relation {i} head/tail index out of range")
    for i, r in enumerate(doc.get("results") or []):
        if not isinstance(r, dict) or "value" not in r:
            raise bad(f"doc {doc['id']!r}: result {i} needs a value")
        if not index_ok(r.get("method"), False) or not index_ok(r.get("dataset"), True):
            raise bad(f"doc {doc['id']!r}: result {i} method/dataset index out of range")
    return doc


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a ``kg extract``-format JSONL file.

    Parameters
    ----------
    path : str or Path
        File with one JSON document per line (blank lines allowed).

    Returns
    -------
    list of dict
        The documents, in file order.

    Raises
    ------
    kg.errors.InputError
        Unreadable file, invalid JSON, a malformed document (:func:`validate_doc`)
        or a duplicate id, naming the file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", str(path)) from exc
    docs, seen = [], {}
    for no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", str(path), no) from None
        validate_doc(doc, str(path), no)
        if doc["id"] in seen:
            raise InputError(
                f"duplicate document id {doc['id']!r} (first on line {seen[doc['id']]})",
                str(path),
                no,
            )
        seen[doc["id"]] = no
        docs.append(doc)
    return docs


def evaluate_docs(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Score predicted documents against gold documents, matched by ``id``.

    Parameters
    ----------
    gold, pred : sequence of dict
        Parsed documents (see the module docstring). A gold document with no
        prediction is scored as an empty prediction and listed in
        ``missing_predictions``.

    Returns
    -------
    dict
        ``{"documents": int, "missing_predictions": [ids], "mentions": {"exact",
        "overlap"}, "namesets": {...}, "relations": {...}, "results": {...}}``; each
        leaf is a :func:`prf` dict.

    Raises
    ------
    kg.errors.InputError
        A predicted id that is not in the gold set, or a prediction whose text
        differs from the gold text (offsets would not be comparable).
    """
    by_id = {d["id"]: d for d in gold}
    preds: dict[str, Mapping[str, Any]] = {}
    for d in pred:
        if d["id"] not in by_id:
            raise InputError(f"predicted document id {d['id']!r} is not in the gold set")
        if d["text"] != by_id[d["id"]]["text"]:
            raise InputError(f"predicted document {d['id']!r}: text differs from the gold text")
        preds[d["id"]] = d
    missing = [d["id"] for d in gold if d["id"] not in preds]
    pairs = [(g, preds.get(g["id"], {"id": g["id"], "text": g["text"]})) for g in gold]
    return {
        "documents": len(gold),
        "missing_predictions": missing,
        "mentions": score_mentions(pairs),
        "namesets": score_namesets(pairs),
        "relations": score_relations(pairs),
        "results": score_results(pairs),
    }


def evaluate_files(gold_path: str | Path, pred_path: str | Path) -> dict[str, Any]:
    """Score a ``kg extract`` output file against a gold file (the ``kg eval`` command).

    Parameters
    ----------
    gold_path, pred_path : str or Path
        JSONL files in the ``kg extract`` format.

    Returns
    -------
    dict
        As :func:`evaluate_docs`, plus ``"gold"`` and ``"pred"`` (the paths).

    Raises
    ------
    kg.errors.InputError
        Malformed line (names file and line), duplicate id, a predicted id not in
        the gold file or a text mismatch (names the prediction file and line).
    """
    gold = load_jsonl(gold_path)
    pred = load_jsonl(pred_path)
    gold_ids = {d["id"]: d["text"] for d in gold}
    # re-find line numbers only when we must report an error
    for d in pred:
        if d["id"] not in gold_ids or d["text"] != gold_ids[d["id"]]:
            no = _line_of(pred_path, d["id"])
            what = "is not in the gold file" if d["id"] not in gold_ids else "has a text that differs from the gold text"
            raise InputError(f"document id {d['id']!r} {what} {gold_path}", str(pred_path), no)
    out = evaluate_docs(gold, pred)
    out["gold"] = str(gold_path)
    out["pred"] = str(pred_path)
    return out


def _line_of(path: str | Path, doc_id: str) -> int | None:
    for no, raw in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if raw.strip():
            try:
                if json.loads(raw).get("id") == doc_id:
                    return no
            except json.JSONDecodeError:
                continue
    return None


# --------------------------------------------------------------------------- report


def _table(title: str, rows: Mapping[str, Mapping[str, float | int]]) -> list[str]:
    if not rows:
        return []
    width = max(len(k) for k in rows) + 2
    out = [title, f"  {'':{width}}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for k, v in rows.items():
        out.append(
            f"  {k:{width}}{v['gold']:>6}{v['pred']:>6}{v['tp']:>6}"
            f"{v['precision']:>8.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}"
        )
    return out


def format_report(scores: Mapping[str, Any], title: str | None = None) -> str:
    """Render :func:`evaluate_docs` output as plain-text tables.

    Parameters
    ----------
    scores : dict
        Output of :func:`evaluate_docs` or :func:`evaluate_files`.
    title : str, optional
        First line of the report.

    Returns
    -------
    str
        Tables (gold, pred, tp, P, R, F1) for mentions (exact, overlap), name sets,
        relations and results; empty sections are left out.
    """
    lines = []
    if title:
        lines.append(title)
    lines.append(f"documents: {scores['documents']}")
    if scores.get("missing_predictions"):
        lines.append(f"WARNING: no prediction for {len(scores['missing_predictions'])} documents")
    sections = [
        ("entity mentions, exact span", scores["mentions"]["exact"]),
        ("entity mentions, overlapping span", scores["mentions"]["overlap"]),
        ("entity names per document (normalised name sets)", scores["namesets"]),
        ("relations (per document, names matched through aliases)", scores["relations"]),
        ("results (strict: method, dataset, metric, value; loose: method, value)", scores["results"]),
    ]
    for name, rows in sections:
        block = _table(name, rows)
        if block:
            lines.append("")
            lines.extend(block)
    return "\n".join(lines)
