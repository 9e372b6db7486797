"""A learned score of "this mention is a correct node": the last filter of ``kg_entities``.

The rules of :mod:`kg.extract.nodes` decide from the evidence of one candidate at a
time. Blind audits of unseen text judge about a fifth of the nodes they keep wrong
(generic, wrong type, wrong boundary, junk), and how often depends on combinations
(the source that found a name, its type, its shape, the kind of text, whether the text
repeats it) that single rules do not weigh against each other. This module scores each
final mention with a logistic regression over such features and drops mentions whose
probability of being a correct node is below the fitted threshold.

* :func:`mention_features` — the sparse binary features of each mention, computed from
  plain data (the document text, its genre, the mentions' offsets, types and sources),
  so that ``benchmarks/fit_node_scorer.py`` computes the same features from a build's
  ``extractions.jsonl`` as the pipeline does at run time;
* :func:`load_node_scorer` — the fitted weights, ``kg/extract/data/node_scorer.json``
  (written by ``benchmarks/fit_node_scorer.py`` from blind judged nodes,
  ``benchmarks/data/judged_nodes.jsonl``: our own judgements of builds of unseen AI
  news, arXiv abstracts and paper bodies; never SciER);
* :func:`score_mentions` — probabilities in [0, 1], one per mention.

Mentions from the gazetteer and anaphors ("our method", the proposed method's stand-in)
are never dropped: the former are listed names, the latter are no nodes of their own.
Without the weights file nothing is dropped.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

#: Version of :func:`mention_features`; the weights file records the version it was fit
#: with, and a mismatch disables the filter (features would not mean the same).
FEATURES_VERSION = 1

NODE_SCORER_FILE = Path(__file__).resolve().parent / "data" / "node_scorer.json"

#: Sources whose mentions the scorer never drops.
KEEP_SOURCES = frozenset({"gazetteer", "anaphor"})

_WORD = re.compile(r"\S+")
_INNER_UPPER = re.compile(r"[a-z0-9][A-Z]")
_DIGIT = re.compile(r"\d")
#: A word or a single other character, for the context features.
_CTX_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+|\S")


def _shape(s: str) -> list[str]:
    """Shape features of a mention's surface text ``s``."""
    words = _WORD.findall(s)
    n = len(words)
    out = ["tok1" if n <= 1 else "tok2" if n == 2 else "tok3" if n == 3 else "tok4+"]
    letters = [c for c in s if c.isalpha()]
    if _DIGIT.search(s):
        out.append("digit")
    if _INNER_UPPER.search(s):
        out.append("inner_upper")
    if letters and all(c.isupper() for c in letters) and len(letters) >= 2:
        out.append("allcaps")
    elif letters and all(c.islower() for c in letters):
        out.append("lower")
    elif words and all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        out.append("title")
    else:
        out.append("mixed")
    if "-" in s:
        out.append("hyphen")
    if len(s) <= 3:
        out.append("short")
    elif len(s) > 30:
        out.append("long")
    if s[:1] and not s[:1].isalnum():
        out.append("nonalnum_start")
    return out


def _source(src: str) -> str:
    """The source as a feature value: ``pattern:<rule>`` kept whole, ``ner:*`` kept."""
    return src or "?"


def mention_features(text: str, genre: str, mentions: Sequence[Mapping]) -> list[list[str]]:
    """The active binary features of each mention.

    Parameters
    ----------
    text : str
        The document text the offsets point into.
    genre : str
        ``"news"``, ``"abstract"`` or ``"body"`` (:func:`kg.extract.genre.doc_genre`).
    mentions : sequence of mappings
        Each with ``start``, ``end`` (character offsets into ``text``), ``label`` (kg
        type) and ``source`` (``"gazetteer"``, ``"abbreviation"``, ``"pattern:<rule>"``,
        ``"statistical"``, ``"ner"``, …), as ``doc._.kg_mentions`` and the entities of
        ``extractions.jsonl`` hold them.

    Returns
    -------
    list of list of str
        One list of feature names per mention, in order: type, source, their pairs with
        each other and with the genre, the surface shape (:func:`_shape`), repetition
        of the surface in the document and among the mentions, whether it is the first
        word(s) of a longer mention ("Vega" beside "Vega v2"), whether the document also
        writes it in lower case, the word before it, the two after it and its own last
        word (lower-cased), and where it stands (title line, brackets).

    Cost: one pass over the mentions plus one ``str.count`` per distinct surface.
    """
    surfaces = [text[m["start"]:m["end"]] for m in mentions]
    same = Counter(s.lower() for s in surfaces)
    # the first words of longer names ("Vega" beside "Vega v2"): a family's name
    heads = {" ".join(x.split()[:k]) for x in set(surfaces) for k in range(1, len(x.split()))}
    lower_text = None
    counts: dict[str, tuple[int, int]] = {}
    first_nl = text.find("\n")
    out = []
    for m, s in zip(mentions, surfaces):
        t, src = m["label"], _source(m["source"])
        f = [f"type={t}", f"src={src}", f"type={t}|src={src}", f"genre={genre}",
             f"genre={genre}|src={src}", f"genre={genre}|type={t}"]
        shape = _shape(s)
        f += [f"shape={x}" for x in shape]
        f += [f"type={t}|shape={x}" for x in shape[:2]]
        if s not in counts:
            if lower_text is None:
                lower_text = text.lower()
            exact = text.count(s) if s else 0
            anycase = lower_text.count(s.lower()) if s else 0
            counts[s] = (exact, anycase)
        exact, anycase = counts[s]
        f.append("rep1" if exact <= 1 else "rep2" if exact == 2 else "rep3+")
        if same[s.lower()] >= 2:
            f.append("mentioned2+")
        if s in heads:
            f.append("head_of_longer")
        if s != s.lower() and anycase > exact:
            f.append("other_case")
        if 0 <= first_nl and m["start"] < first_nl:
            f.append("first_line")
        # the words around it and its last word ("… said", "the … model", "… Small")
        pre = _CTX_WORD.findall(text[max(0, m["start"] - 40):m["start"]])
        post = _CTX_WORD.findall(text[m["end"]:m["end"] + 40])
        if pre:
            f.append("prev=" + pre[-1].lower())
        if post:
            f.append("next=" + post[0].lower())
            if len(post) > 1:
                f.append("next2=" + post[1].lower())
        words = s.split()
        if words:
            f.append("last=" + words[-1].lower())
        before = text[max(0, m["start"] - 1):m["start"]]
        after = text[m["end"]:m["end"] + 1]
        if before == "(" and after == ")":
            f.append("in_brackets")
        out.append(f)
    return out


@lru_cache(maxsize=4)
def load_node_scorer(path: Path = NODE_SCORER_FILE) -> dict | None:
    """The fitted scorer: ``{"version", "bias", "weights": {feature: w}, "threshold",
    ...}``, or ``None`` when the file is missing or was fit with other features
    (:data:`FEATURES_VERSION`)."""
    if not path.exists():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    if d.get("version") != FEATURES_VERSION:
        return None
    return d


def probability(features: Iterable[str], model: Mapping) -> float:
    """P(correct node) of one mention: the logistic function of the bias plus the
    weights of its active ``features`` (unknown features weigh 0)."""
    w = model["weights"]
    z = model["bias"] + sum(w.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-z))


def score_mentions(text: str, genre: str, mentions: Sequence[Mapping], model: Mapping | None = None) -> list[float]:
    """P(correct node) per mention (see :func:`mention_features`); 1.0 for the sources
    of :data:`KEEP_SOURCES`, for types outside the model's ``"scope"`` in this
    ``genre`` (``{genre: [types]}``: where cross-validation showed the filter drops
    more wrong nodes than right ones; no ``"scope"`` key means everywhere), and for
    every mention when no model is fitted."""
    model = load_node_scorer() if model is None else model
    if not model or not mentions:
        return [1.0] * len(mentions)
    scope = model.get("scope")
    types = None if scope is None else set(scope.get(genre, ()))
    if types is not None and not any(m["label"] in types for m in mentions):
        return [1.0] * len(mentions)
    feats = mention_features(text, genre, mentions)
    return [1.0 if m["source"] in KEEP_SOURCES or (types is not None and m["label"] not in types)
            else probability(f, model) for m, f in zip(mentions, feats)]
