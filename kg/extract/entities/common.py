"""Pieces the ``kg_entities`` rule families share (:mod:`kg.extract.entities`).

The candidate record :class:`_Cand`, the source priorities :data:`PRIORITY` that
:func:`kg.extract.entities._select` arbitrates by, word lists read by more than one
rule family, and the title-case headline finder (:func:`_headline_tokens`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.doccache import doc_text, memoised
from kg.model import ENTITY_TYPES

KG_TYPES = frozenset(ENTITY_TYPES)
PRIORITY = {"gazetteer": 0, "abbreviation": 0, "pattern": 1, "statistical": 2, "ner": 3}

_HAS_DIGIT = re.compile(r"\d")
_STRIP = ".,;:!?()[]{}\"'“”‘’"
_VERSION = re.compile(r"^v\d+(?:\.\d+)*$")
_AMBIGUOUS_TASK_HEADS = {"generation", "prediction", "inference", "estimation", "resolution",
                         "completion", "alignment", "synthesis", "understanding", "matching",
                         "linking", "reasoning", "adaptation", "identification"}
_GENERIC_TASK_MODS = {"model", "next", "new", "brash", "future", "real", "world", "data", "system",
                      "multimedia", "vision", "language", "downstream", "target", "source", "training",
                      "low-resource", "general", "admissible", "unforeseen", "industry", "human"}
#: Head nouns of a dataset name ("the COCO detection benchmark", "Penn Treebank WSJ corpus").
_DS_HEADS = {"dataset", "datasets", "corpus", "corpora", "treebank", "treebanks", "benchmark", "benchmarks",
             "database", "databases"}
#: Language names dropped at the start of a dataset name ("English MS-MARCO dataset").
_LANGUAGES = {"english", "chinese", "german", "french", "japanese", "arabic", "spanish", "russian",
              "italian", "korean", "portuguese", "dutch", "czech", "hindi", "urdu", "turkish", "finnish",
              "swedish", "greek", "hebrew", "persian", "polish", "romanian", "vietnamese", "thai",
              "indonesian", "bengali", "tamil", "swahili", "danish", "norwegian", "hungarian"}
#: "GAN-generated", "BERT-based": a name turned into an adjective
_DERIVED_ADJ = re.compile(r"-[a-z]+(?:ed|ing|based|like|style|specific)$")
#: Pattern sources whose type comes from a head noun or appositive in the name's
#: own phrase; coordination does not re-type them.
_TYPED_BY_HEAD = frozenset({
    "pattern:hardware", "pattern:hardware-class", "pattern:head-noun", "pattern:appositive",
    "pattern:dataset-phrase", "pattern:dataset-extension", "pattern:dataset-version",
    "pattern:coordinated-dataset",
    "pattern:org-head", "pattern:task-phrase", "pattern:task-name",
})


@dataclass
class _Cand:
    start: int  # token index
    end: int  # token index, exclusive
    label: str
    source: str
    gid: str | None = None
    #: overrides the source's :data:`PRIORITY` in :func:`kg.extract.entities._select` (lower wins)
    rank: int | None = None


def _headline_tokens(doc: Doc) -> set[int]:
    """Token indices of title-case lines ("AI Can Write Disinformation Now—and
    Dupe Human Readers"): at least three words, most of them capitalised, no
    sentence-final full stop. Computed once per document (do not mutate)."""
    return memoised(doc, "headline_tokens", _find_headline_tokens)


def _find_headline_tokens(doc: Doc) -> frozenset[int]:
    out: set[int] = set()
    pos = 0
    for line in doc_text(doc).split("\n"):
        if line.rstrip().endswith("."):  # (tested first: most lines of running text end so)
            pos += len(line) + 1
            continue
        words = [w for w in line.split() if any(c.isalpha() for c in w)]
        caps = sum(1 for w in words if w[0].isupper())
        if len(words) >= 3 and caps >= 0.6 * len(words):
            sp = doc.char_span(pos, pos + len(line), alignment_mode="expand")
            if sp is not None:
                out.update(range(sp.start, sp.end))
        pos += len(line) + 1
    return frozenset(out)  # shared by the rules of one document: read-only
