"""Calibrated confidence of relations: each rule's judged precision.

``kg/extract/data/rule_precision.json`` is written by ``benchmarks/fit_confidence.py``
from blind judged facts (``benchmarks/data/judged_facts.jsonl``: audits of builds of
unseen AI news, arXiv abstracts and paper bodies; never SciER). A rule's confidence is
the precision of one sentence it finds, by kind of text; the build combines the
sentences of a fact by noisy-or (:func:`kg.build.merge.combine_confidences`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

#: Sentence facts whose calibrated confidence is below this are dropped at extraction:
#: the rule's judged precision in that kind of text says it is more often wrong than right.
MIN_RULE_PRECISION = 0.5

RULE_PRECISION_FILE = Path(__file__).resolve().parent.parent / "data" / "rule_precision.json"


@lru_cache(maxsize=4)
def load_rule_precision(path: Path = RULE_PRECISION_FILE) -> dict:
    """The fitted table (see ``benchmarks/fit_confidence.py``: ``"genres"``,
    ``"label_genres"``, ``"genre_base"``, ``"rules"``, ``"labels"``); empty maps if the
    file is missing."""
    if not path.exists():
        return {"rules": {}, "labels": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def calibrated(label: str, pattern: str, prior: float, table: dict | None = None, genre: str | None = None) -> float:
    """The confidence (0-1) of one sentence's ``label`` relation found by rule ``pattern``.

    Lookup order, first found: with a ``genre`` the rule in that genre
    (``"label/pattern@genre"``), else (a rule never judged) the lower of the label's value
    in that genre and ``prior``, else (a label never judged) ``prior``; without a genre
    (or one the table lacks) the rule over all genres, the label, ``prior``.

    Parameters
    ----------
    label, pattern : str
        Relation label and rule name as in ``doc._.kg_relations``.
    prior : float
        The rule's confidence in the code, used when the table knows neither.
    table : dict, optional
        A table as :func:`load_rule_precision` returns (default: the shipped file).
    genre : str, optional
        ``"news"``, ``"abstract"`` or ``"body"`` (:func:`kg.extract.genre.doc_genre`):
        a rule's precision differs by kind of text.

    Examples
    --------
    >>> t = {"rules": {"usedFor/method-for-task": {"confidence": 0.61}}, "labels": {"usedFor": 0.4}}
    >>> calibrated("usedFor", "method-for-task", 0.8, t), calibrated("usedFor", "study-task", 0.7, t)
    (0.61, 0.4)
    >>> calibrated("runsOn", "on-hardware", 0.85, t)
    0.85
    >>> t.update(genres={"usedFor/method-for-task@body": 0.45}, label_genres={"usedFor@body": 0.5},
    ...          genre_base={"body": 0.6})
    >>> [calibrated("usedFor", p, 0.8, t, "body") for p in ("method-for-task", "study-task")]
    [0.45, 0.5]
    >>> calibrated("usedFor", "new-rule", 0.3, t, "body"), calibrated("runsOn", "on-hardware", 0.85, t, "body")
    (0.3, 0.85)
    >>> calibrated("usedFor", "method-for-task", 0.8, t, "news")
    0.61
    """
    t = load_rule_precision() if table is None else table
    if genre is not None and genre in t.get("genre_base", {}):
        v = t.get("genres", {}).get(f"{label}/{pattern}@{genre}")
        if v is not None:
            return float(v)
        v = t.get("label_genres", {}).get(f"{label}@{genre}")
        if v is not None:   # a rule never judged: its label here, or the code's lower prior
            return min(float(v), prior)
        return prior
    rule = t["rules"].get(f"{label}/{pattern}")
    if rule is not None:
        return float(rule["confidence"])
    return float(t["labels"].get(label, prior))
