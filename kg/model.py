"""Plain data types that flow between the pipeline stages.

The flow is ``Record`` (one document, from :mod:`kg.ingest`) → ``DocExtraction``
(mentions, relations and results found in it, from :mod:`kg.extract`) → a merged
``networkx.MultiDiGraph`` (:mod:`kg.build`).  All types are frozen dataclasses of
plain, JSON-serialisable values (strings, ints, tuples): no spaCy objects, so a
``DocExtraction`` can be cached, sent to another process, or written as one JSON line.

Character offsets are Python string indices (code points) into ``Record.text``,
half-open ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Entity types (RDF classes in ``ontology/kg.ttl``), in display order.
ENTITY_TYPES: tuple[str, ...] = (
    "Method",
    "Dataset",
    "Benchmark",
    "Task",
    "Metric",
    "Organization",
    "Hardware",
    "Person",
    "Location",
)

#: Graph type of the stand-in for a method a document proposes without naming it
#: ("we propose a method that …; our method outperforms BERT"). Extraction keeps such
#: a mention as label ``"Method"`` with source ``"anaphor"``; the graph types its node
#: ``UnnamedMethod`` (RDF ``kg:UnnamedMethod``, ``rdfs:subClassOf kg:Method``), so it
#: keeps its facts (relation domains and ranges accept it where they accept
#: ``Method``) but is no named Method: default views and named queries leave it out.
UNNAMED_METHOD = "UnnamedMethod"

#: Types an entity node of the graph may have: :data:`ENTITY_TYPES` plus
#: :data:`UNNAMED_METHOD`, in display order.
GRAPH_ENTITY_TYPES: tuple[str, ...] = ENTITY_TYPES + (UNNAMED_METHOD,)

#: Graph-only subtypes → the entity type they specialise.
SUPERTYPES: dict[str, str] = {UNNAMED_METHOD: "Method"}


def base_type(t: str | None) -> str | None:
    """The entity type a graph node type counts as for relation domains and ranges:
    ``"UnnamedMethod"`` → ``"Method"``; any other type is returned unchanged.

    >>> base_type("UnnamedMethod"), base_type("Dataset"), base_type(None)
    ('Method', 'Dataset', None)
    """
    return SUPERTYPES.get(t, t) if t is not None else None


#: Relation types (RDF properties in ``ontology/kg.ttl``) → (domain types, range types).
#: ``Document`` as a domain means the head is the document itself.
#: rule names (``pattern``) of relations inferred beyond their sentence: "we"/"our
#: method" resolved to the proposed method, the task a paper studies, a title read as
#: the proposed method's name. Their evidence gets ``kg:inferred true`` in the RDF.
INFERRED_PATTERNS: frozenset[str] = frozenset({
    "eval-sentence-self", "eval-sentence-main", "eval-anaphor", "study-task", "title-name", "trained-on-self",
    "trained-on-hardware-self", "based-on-self", "title-anaphor",
})


def is_inferred(pattern: str | None) -> bool:
    """Whether a relation's rule name says it was inferred beyond its sentence: a
    pattern of :data:`INFERRED_PATTERNS`, or any pattern with the ``+title`` suffix (an
    end resolved through the document's title, "eval-anaphor+title")."""
    if not pattern:
        return False
    return pattern in INFERRED_PATTERNS or pattern.split("+", 1)[0] in INFERRED_PATTERNS or pattern.endswith("+title")

RELATION_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "proposes": (("Document",), ("Method",)),
    "evaluatedOn": (("Method",), ("Dataset", "Benchmark")),
    "outperforms": (("Method",), ("Method",)),
    "basedOn": (("Method",), ("Method",)),
    "usedFor": (("Method",), ("Task",)),
    "trainedOn": (("Method",), ("Dataset",)),
    "developedBy": (("Method", "Hardware"), ("Organization",)),
    "runsOn": (("Method",), ("Hardware",)),
    "partOf": (("Dataset",), ("Benchmark",)),
    "mentions": (("Document",), ENTITY_TYPES),
    "coMentioned": (ENTITY_TYPES, ENTITY_TYPES),
}


@dataclass(frozen=True)
class Record:
    """One document (a news item, an abstract) with its clean text and metadata.

    Attributes
    ----------
    id : str
        Stable document id: the first 16 hex digits of the SHA-256 of the item's
        normalised text (:func:`kg.ingest.content_id`), so the same item gets the
        same id on every run and a copy in another file is recognised as a
        duplicate; JSONL documents keep their given ``id``.
    text : str
        Clean text fed to the NLP pipeline (boilerplate removed).
    title : str or None
        The item's title where the source gives one.
    source : str
        Path of the file the item came from (as given on the command line), or
        ``"-"`` for standard input.
    span : tuple of int or None
        ``(start, end)`` character offsets of the whole item in the source file.
    arxiv_id, doi, date, venue, url, language : str or None
        Metadata read from the text; ``date`` is ISO 8601 (``YYYY-MM-DD``).
    authors, topics, urls : tuple of str
        Author names, hashtag topics (without ``#``) and URLs found in the item.
    machine_translated : bool
        The item was marked as machine-translated (e.g. "translated by 谷歌翻译").
    extra : dict
        Any further metadata (plain JSON values).
    """

    id: str
    text: str
    title: str | None = None
    source: str = ""
    span: tuple[int, int] | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    date: str | None = None
    venue: str | None = None
    url: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    machine_translated: bool = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-serialisable dict (tuples become lists)."""
        d = asdict(self)
        d["span"] = list(self.span) if self.span else None
        for key in ("authors", "topics", "urls"):
            d[key] = list(d[key])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Record":
        """Inverse of :meth:`to_dict`. Unknown keys go to ``extra``."""
        known = {f for f in cls.__dataclass_fields__}  # type: ignore[attr-defined]
        kwargs = {k: v for k, v in d.items() if k in known}
        extra = dict(kwargs.pop("extra", None) or {})
        extra.update({k: v for k, v in d.items() if k not in known})
        if kwargs.get("span") is not None:
            kwargs["span"] = tuple(kwargs["span"])
        for key in ("authors", "topics", "urls"):
            if key in kwargs and kwargs[key] is not None:
                kwargs[key] = tuple(kwargs[key])
        return cls(**kwargs, extra=extra)


@dataclass(frozen=True)
class Mention:
    """One entity mention in a document.

    ``start``/``end`` are character offsets into ``Record.text``; ``label`` is one
    of :data:`ENTITY_TYPES`; ``id`` is the canonical id after resolution (see
    :mod:`kg.resolve`); ``source`` names the component that found it
    (``"gazetteer"``, ``"pattern:<name>"``, ``"abbreviation"``, ``"ner"``).
    """

    start: int
    end: int
    text: str
    label: str
    id: str
    source: str
    name: str | None = None  # preferred display name of the canonical entity


@dataclass(frozen=True)
class Relation:
    """A typed relation between two mentions of one document.

    ``head``/``tail`` index ``DocExtraction.entities``; ``head is None`` means the
    document itself (``proposes``, ``mentions``).  ``evidence`` is the
    ``(start, end)`` character span of the sentence that states it; ``pattern`` the
    rule that produced it; ``confidence`` in ``[0, 1]``.
    """

    label: str
    head: int | None
    tail: int
    evidence: tuple[int, int]
    pattern: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Result:
    """A stated result: method scores ``value`` (``unit``) in ``metric`` on a dataset.

    ``method``/``dataset`` index ``DocExtraction.entities`` (``dataset`` may be
    None); ``metric`` is the normalised metric name (or None where the sentence
    names none); ``value`` is the number as a decimal string (``"52.8"``), never a
    float, so that ``xsd:decimal`` keeps it exactly; ``unit`` e.g. ``"%"``.
    """

    method: int
    dataset: int | None
    metric: str | None
    value: str
    unit: str | None
    evidence: tuple[int, int]
    pattern: str
    condition: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True)
class DocExtraction:
    """Everything extracted from one :class:`Record`."""

    record: Record
    entities: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    results: tuple[Result, ...] = ()
    #: ``(start, end)`` character spans of the document's sentences, in order.
    sentences: tuple[tuple[int, int], ...] = ()

    def sentence_of(self, start: int) -> tuple[int, int]:
        """The span of the sentence containing offset ``start`` (the whole text
        if sentences are unknown)."""
        import bisect

        starts = [s for s, _ in self.sentences]
        k = bisect.bisect_right(starts, start) - 1
        if 0 <= k < len(self.sentences):
            return self.sentences[k]
        return (0, len(self.record.text))

    def to_json(self) -> dict[str, Any]:
        """The ``kg extract`` JSON line: ``id``, ``text``, ``entities``, ``relations``,
        ``results`` and ``meta`` (the record's other fields)."""
        meta = self.record.to_dict()
        meta.pop("text")
        meta.pop("id")
        return {
            "id": self.record.id,
            "text": self.record.text,
            "entities": [asdict(m) for m in self.entities],
            "relations": [
                {**asdict(r), "evidence": list(r.evidence)} for r in self.relations
            ],
            "results": [
                {**asdict(r), "evidence": list(r.evidence)} for r in self.results
            ],
            "sentences": [list(s) for s in self.sentences],
            "meta": meta,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "DocExtraction":
        """Inverse of :meth:`to_json`."""
        rec = Record.from_dict({"id": d["id"], "text": d["text"], **(d.get("meta") or {})})
        ents = tuple(Mention(**e) for e in d.get("entities", ()))
        rels = tuple(
            Relation(**{**r, "evidence": tuple(r["evidence"])}) for r in d.get("relations", ())
        )
        ress = tuple(
            Result(**{**r, "evidence": tuple(r["evidence"])}) for r in d.get("results", ())
        )
        sents = tuple(tuple(s) for s in d.get("sentences", ()))
        return cls(record=rec, entities=ents, relations=rels, results=ress, sentences=sents)
