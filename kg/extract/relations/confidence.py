"""Calibrated confidence of relations: each rule's measured precision.

``kg/extract/data/rule_precision.json`` is written by ``benchmarks/fit_confidence.py``
from SciREX full papers (train split, distant supervision from their result tuples;
never SciER). It maps ``"label/pattern"`` to ``{"n", "correct", "precision",
"confidence"}`` (confidence = (correct + 1) / (n + 2)) and each fitted label to a pooled
confidence. A relation whose rule was fitted takes that rule's confidence, else its
label's pooled value; a relation of a label the fit does not cover (``proposes``,
``developedBy``, ``runsOn``, ``trainedOn`` …) keeps the rule's own prior from the code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

RULE_PRECISION_FILE = Path(__file__).resolve().parent.parent / "data" / "rule_precision.json"


@lru_cache(maxsize=4)
def load_rule_precision(path: Path = RULE_PRECISION_FILE) -> dict:
    """The fitted table ``{"rules": {...}, "labels": {...}}``; empty maps if the file is missing."""
    if not path.exists():
        return {"rules": {}, "labels": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def calibrated(label: str, pattern: str, prior: float, table: dict | None = None, genre: str | None = None) -> float:
    """The confidence of a ``label`` relation found by rule ``pattern``.

    Parameters
    ----------
    label, pattern : str
        Relation label and rule name as in ``doc._.kg_relations``.
    prior : float
        The rule's confidence in the code, used when the fit does not cover ``label``.
    table : dict, optional
        A table as :func:`load_rule_precision` returns (default: the shipped file).
    genre : str, optional
        ``"news"``, ``"abstract"`` or ``"body"`` (:func:`kg.extract.genre.doc_genre`):
        a rule's precision differs by kind of text, and the table's ``"genres"`` map
        (``"label/pattern@genre"``) holds the fitted value where judged verdicts exist.

    Examples
    --------
    >>> t = {"rules": {"usedFor/method-for-task": {"confidence": 0.61}}, "labels": {"usedFor": 0.4}}
    >>> calibrated("usedFor", "method-for-task", 0.8, t), calibrated("usedFor", "study-task", 0.7, t)
    (0.61, 0.4)
    >>> calibrated("runsOn", "on-hardware", 0.85, t)
    0.85
    >>> t["genres"] = {"usedFor/method-for-task@body": 0.45}
    >>> calibrated("usedFor", "method-for-task", 0.8, t, "body"), calibrated("usedFor", "method-for-task", 0.8, t, "news")
    (0.45, 0.61)
    """
    t = load_rule_precision() if table is None else table
    if genre is not None:
        g = t.get("genres", {}).get(f"{label}/{pattern}@{genre}")
        if g is not None:
            return float(g)
    rule = t["rules"].get(f"{label}/{pattern}")
    if rule is not None:
        return float(rule["confidence"])
    return float(t["labels"].get(label, prior))
