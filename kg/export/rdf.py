"""Graph → RDF: the merged ``networkx.MultiDiGraph`` as an rdflib ``Dataset``.

Mapping (the graph schema is in :mod:`kg.build`; the ontology in ``ontology/kg.ttl``)
------------------------------------------------------------------------------------
Instance IRIs are ``<base><kind>/<key>`` with ``kind`` one of ``entity``, ``doc``,
``result``, ``person``, ``topic``, ``venue``, ``statement``, ``evidence``, ``graph``
and ``key`` the canonical id percent-encoded by :func:`encode_key` (every character
outside RFC 3986 *unreserved* is encoded, so two different ids never share an IRI).

*Default graph* (simple to query):

* entity ``e``: ``e a kg:<Type>`` (plus ``schema:Organization`` / ``schema:Dataset``
  / ``schema:Person`` / ``schema:Place`` where they fit; the stand-in for a method a
  document proposes without naming it is ``a kg:UnnamedMethod`` only, a subclass of
  ``kg:Method`` in the ontology, so ``?m a kg:Method`` without inference leaves it out), ``rdfs:label`` and
  ``skos:prefLabel`` (label), ``skos:altLabel`` (aliases), ``kg:count``,
  ``kg:extractedBy`` (sources), ``kg:family``, ``owl:sameAs wd:Q…`` (wikidata);
* document ``d``: ``d a kg:Document`` (and ``schema:ScholarlyArticle`` when it has an
  arXiv id or DOI), ``rdfs:label``, ``dcterms:title``, ``dcterms:date`` (``xsd:date``,
  ``xsd:gYearMonth`` or ``xsd:gYear``), ``dcterms:source`` (file), ``kg:sourceStart``
  / ``kg:sourceEnd`` (span), ``kg:arxivId`` + ``dcterms:identifier "arXiv:…"`` +
  ``schema:url``/``rdfs:seeAlso <https://arxiv.org/abs/…>``, ``kg:doi`` +
  ``dcterms:identifier "doi:…"`` + ``rdfs:seeAlso <https://doi.org/…>``,
  ``kg:venue`` → a ``kg:Venue``, ``dcterms:creator`` and ``kg:authoredBy`` → a
  ``kg:Person`` per author, ``dcterms:subject`` and ``kg:topic`` → a ``kg:Topic``
  per hashtag, ``schema:url`` (url), ``rdfs:seeAlso`` (urls), ``dcterms:language``,
  ``kg:machineTranslated``;
* relation edge ``(u, v, key)``: the triple ``u kg:<key> v``;
* result ``r``: ``r a kg:Result``, ``rdfs:label``, ``kg:value`` (``xsd:decimal`` from
  the decimal string), ``kg:unit``, ``kg:metricName``, ``kg:condition``,
  ``kg:ofMethod`` / ``kg:onDataset`` / ``kg:withMetric`` (its out-edges),
  ``prov:wasDerivedFrom`` the document, ``kg:confidence``, ``kg:evidence``;
* provenance, as statement nodes: each relation edge with evidence gets a
  ``kg:Statement`` (an ``rdf:Statement``) with ``rdf:subject`` / ``rdf:predicate`` /
  ``rdf:object``, ``kg:support`` (count) and ``kg:confidence`` (max), and one
  ``kg:evidence`` → ``kg:Evidence`` per evidence item, with ``prov:wasDerivedFrom``
  the document, ``kg:sentence``, ``kg:start`` / ``kg:end`` (``xsd:integer``,
  character offsets of the sentence in the document text) , ``kg:pattern`` and
  ``kg:confidence``, and ``kg:inferred true`` when :func:`kg.model.is_inferred` says
  so (a rule of :data:`kg.model.INFERRED_PATTERNS`, or an end resolved through the
  title, ``+title``; on the statement when all its evidence is).

*Named graphs*: ``<base>graph/<doc id>`` holds the relation and result triples that
document supports (a triple supported by two documents is in both graphs); the
default graph links each named graph to its document with ``prov:wasDerivedFrom``.

Provenance query pattern (document and sentence of a relation)::

    PREFIX kg:   <https://w3id.org/kg/ontology#>
    PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?doc ?sentence ?start ?end WHERE {
      ?st rdf:subject ?s ; rdf:predicate kg:evaluatedOn ; rdf:object ?o ;
          kg:evidence ?ev .
      ?ev prov:wasDerivedFrom ?doc ; kg:sentence ?sentence ;
          kg:start ?start ; kg:end ?end .
    }

or, with the named graphs: ``GRAPH ?g { ?s kg:evaluatedOn ?o } ?g prov:wasDerivedFrom
?doc``.

How it is written: the graph is mapped once to the N-Triples text of pyoxigraph
terms (pyoxigraph checks the IRIs and escapes the literals); the lines are sorted and
de-duplicated in bounded memory (:class:`_LineSorter`, an external merge sort) and
every format is streamed from them by pyoxigraph (Turtle, TriG) or by
:func:`_write_jsonld` — no rdflib ``Dataset`` is built by ``kg build``.  Output is
deterministic: the same graph gives the same bytes whatever the hash seed or the
order the graph was built in (``tests/test_rdf.py``, ``tests/reliability``).
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import logging
import re
import tempfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import groupby, islice
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import BuildError
from kg.model import GRAPH_ENTITY_TYPES, RELATION_TYPES, is_inferred
from kg.namespace import KG, SDO, WD
from kg.paths import CONTEXT_FILE

__all__ = [
    "DEFAULT_BASE_IRI",
    "RESULT_EDGES",
    "encode_key",
    "mint_iri",
    "graph_to_dataset",
    "graph_lines",
    "rdf_prefixes",
    "write_rdf",
    "bind_prefixes",
    "default_graph",
    "load_context",
]

#: Default base of instance IRIs.
DEFAULT_BASE_IRI = "https://w3id.org/kg/"

#: Out-edge keys of result nodes (n-ary result → its parts).
RESULT_EDGES: tuple[str, ...] = ("ofMethod", "onDataset", "withMetric")

#: Relation keys an edge may carry (kg.model.RELATION_TYPES plus authoredBy).
_RELATION_KEYS = frozenset(RELATION_TYPES) | {"authoredBy"}

_SCHEMA_CLASS = {
    "Organization": SDO.Organization,
    "Dataset": SDO.Dataset,
    "Person": SDO.Person,
    "Location": SDO.Place,
}

_KINDS = frozenset(
    {"entity", "doc", "result", "person", "topic", "venue", "statement", "evidence", "graph"}
)

# xsd:decimal lexical space (XML Schema 1.1 part 2, 3.3.3).
_DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_MONTH_RE = re.compile(r"\d{4}-\d{2}")
_YEAR_RE = re.compile(r"\d{4}")
_QID_RE = re.compile(r"Q[1-9]\d*")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Characters kept as-is in IRIs taken from text (RFC 3986 reserved + unreserved + "%").
_IRI_SAFE = "!#$%&'()*+,/:;=?@[]-._~"
_BASE_RE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?[/#]")

log = logging.getLogger("kg.export.rdf")


def encode_key(key: str) -> str:
    """Percent-encode a canonical id into one IRI path segment.

    Every character outside the RFC 3986 *unreserved* set (``A-Z a-z 0-9 - . _ ~``)
    is written as ``%XX`` of its UTF-8 bytes (upper-case hex), ``%`` included, so
    the mapping is injective: two different keys never give the same segment.  The
    dot segments ``"."`` and ``".."``, which IRI resolution would remove, are
    written ``%2E`` / ``%2E%2E``, and so is a final ``.``: Turtle and TriG must
    write it escaped in a prefixed name (``entity:x\\.``), which rdflib 7's parsers
    reject.

    Parameters
    ----------
    key : str
        A non-empty canonical id (any Unicode text).

    Returns
    -------
    str
        The encoded segment (ASCII only).

    Raises
    ------
    BuildError
        If ``key`` is empty, not a string, or holds unpaired surrogates.

    Examples
    --------
    >>> encode_key("nvidia-geforce-rtx-3090")
    'nvidia-geforce-rtx-3090'
    >>> encode_key("a b/c#d")
    'a%20b%2Fc%23d'
    >>> encode_key("inc.")
    'inc%2E'
    """
    if not isinstance(key, str) or not key:
        raise BuildError(f"cannot mint an IRI from an empty or non-string id: {key!r}")
    if key in (".", ".."):
        return "%2E" * len(key)
    try:
        seg = quote(key, safe="-._~", encoding="utf-8", errors="strict")
    except UnicodeEncodeError as exc:
        raise BuildError(f"cannot mint an IRI from id {key!r}: not valid Unicode text ({exc.reason})") from None
    return seg[:-1] + "%2E" if seg.endswith(".") else seg


def _check_base(base_iri: str) -> str:
    if not isinstance(base_iri, str) or not _BASE_RE.fullmatch(base_iri):
        raise BuildError(
            f"base IRI {base_iri!r} is not an absolute http(s) IRI ending in '/' or '#'"
        )
    return base_iri


def mint_iri(base_iri: str, kind: str, key: str) -> URIRef:
    """The IRI ``<base_iri><kind>/<encode_key(key)>`` of one instance.

    Parameters
    ----------
    base_iri : str
        Absolute http(s) IRI ending in ``/`` or ``#`` (e.g. ``"https://w3id.org/kg/"``).
    kind : str
        One of ``entity``, ``doc``, ``result``, ``person``, ``topic``, ``venue``,
        ``statement``, ``evidence``, ``graph``; each kind has its own path, so ids of
        different kinds never collide.
    key : str
        The canonical id (for documents the record id without ``doc:``).

    Returns
    -------
    rdflib.URIRef

    Raises
    ------
    BuildError
        If the base IRI is malformed, the kind unknown or the key empty.
    """
    if kind not in _KINDS:
        raise BuildError(f"unknown IRI kind {kind!r}")
    return URIRef(_check_base(base_iri) + kind + "/" + encode_key(key))


def _hash(*parts: str) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


# --- terms ------------------------------------------------------------------------------
# The mapper works on the N-Triples text of pyoxigraph terms (``str(ox.NamedNode(..))``,
# ``str(ox.Literal(..))``): pyoxigraph checks every IRI and escapes every literal, and
# the strings sort, deduplicate and stream cheaply.

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_XSD = str(XSD)
_DT = {name: ox.NamedNode(_XSD + name) for name in ("decimal", "integer", "date", "gYearMonth", "gYear")}


@lru_cache(maxsize=4096)
def _n(iri: str) -> str:
    """N-Triples text of a constant IRI (vocabulary terms; cached)."""
    return str(ox.NamedNode(iri))


@lru_cache(maxsize=256)
def _kg(name: str) -> str:
    """N-Triples text of ``kg:<name>`` (AttributeError for a name not in the ontology)."""
    return str(ox.NamedNode(str(KG[name])))


def _named_node(iri: str, where: str) -> str:
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise BuildError(f"{where}: {iri!r} is not a valid IRI ({exc})") from None


def _surrogate_error(where: str, text: str) -> BuildError:
    m = _SURROGATE_RE.search(text)
    i = m.start() if m else 0
    bad = text[max(0, i - 40): i + 40]
    return BuildError(f"{where}: cannot write RDF: text with unpaired surrogates near {bad!r}")


def _lit(text: str, where: str) -> str:
    """N-Triples text of a plain (``xsd:string``) literal."""
    try:
        return str(ox.Literal(text))
    except (ValueError, TypeError, UnicodeEncodeError):
        if isinstance(text, str) and _SURROGATE_RE.search(text):
            raise _surrogate_error(where, text) from None
        raise BuildError(f"{where}: cannot write {text!r} as an RDF literal") from None


def _typed(lexical: str, datatype: str) -> str:
    return str(ox.Literal(lexical, datatype=_DT[datatype]))


def _decimal(value: Any, where: str) -> str:
    """``xsd:decimal`` literal from a decimal string (exact; never through float)."""
    text = str(value).strip() if isinstance(value, (str, int, Decimal)) else None
    if text is None or not _DECIMAL_RE.fullmatch(text):
        raise BuildError(f"{where}: value {value!r} is not a decimal number string")
    return _typed(text, "decimal")


def _confidence(value: Any, where: str) -> Decimal:
    try:
        d = Decimal(repr(float(value)))
    except (TypeError, ValueError, InvalidOperation):
        raise BuildError(f"{where}: confidence {value!r} is not a number") from None
    if not (0 <= d <= 1):
        raise BuildError(f"{where}: confidence {value!r} is outside [0, 1]")
    return d


def _conf_lit(d: Decimal) -> str:
    return _typed(format(d, "f"), "decimal")


def _int(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BuildError(f"{where}: {value!r} is not an integer")
    return _typed(str(value), "integer")


def _date(value: Any, where: str) -> str:
    if isinstance(value, str):
        if _DATE_RE.fullmatch(value):
            return _typed(value, "date")
        if _YEAR_MONTH_RE.fullmatch(value):
            return _typed(value, "gYearMonth")
        if _YEAR_RE.fullmatch(value):
            return _typed(value, "gYear")
    raise BuildError(f"{where}: date {value!r} is not ISO 8601 (YYYY-MM-DD, YYYY-MM or YYYY)")


def _iri_from_text(url: Any, where: str) -> str | None:
    """N-Triples IRI from a URL found in text: characters not allowed in IRIs are encoded.

    URLs come from the open web: a scheme-less ``www.`` address gets ``http://``;
    ``[`` / ``]`` are percent-encoded unless the URL is only valid with them (IPv6
    hosts); anything that is still not an absolute IRI is left out with a logged
    warning (returns None) rather than failing the whole build.
    """
    if isinstance(url, str) and url.lower().startswith("www."):
        url = "http://" + url
    if not isinstance(url, str) or not _SCHEME_RE.match(url):
        log.warning("%s: %r is not an absolute URL; left out of the RDF", where, url)
        return None
    for safe in (_IRI_SAFE.replace("[", "").replace("]", ""), _IRI_SAFE):
        try:
            return str(ox.NamedNode(quote(url, safe=safe, encoding="utf-8", errors="strict")))
        except (ValueError, UnicodeEncodeError):
            continue
    log.warning("%s: %r is not a valid IRI; left out of the RDF", where, url)
    return None


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise BuildError(f"{where}: expected a list of strings, got {value!r}")
    return list(value)


#: N-Triples text of the vocabulary terms the mapper writes (looked up once).
_C: dict[str, str] = {
    "DCTERMS.creator": _n(str(DCTERMS.creator)),
    "DCTERMS.date": _n(str(DCTERMS.date)),
    "DCTERMS.identifier": _n(str(DCTERMS.identifier)),
    "DCTERMS.language": _n(str(DCTERMS.language)),
    "DCTERMS.source": _n(str(DCTERMS.source)),
    "DCTERMS.subject": _n(str(DCTERMS.subject)),
    "DCTERMS.title": _n(str(DCTERMS.title)),
    "KG.Document": _n(str(KG.Document)),
    "KG.Evidence": _n(str(KG.Evidence)),
    "KG.Person": _n(str(KG.Person)),
    "KG.Result": _n(str(KG.Result)),
    "KG.Statement": _n(str(KG.Statement)),
    "KG.Topic": _n(str(KG.Topic)),
    "KG.Venue": _n(str(KG.Venue)),
    "KG.arxivId": _n(str(KG.arxivId)),
    "KG.authoredBy": _n(str(KG.authoredBy)),
    "KG.confidence": _n(str(KG.confidence)),
    "KG.count": _n(str(KG.count)),
    "KG.doi": _n(str(KG.doi)),
    "KG.end": _n(str(KG.end)),
    "KG.evidence": _n(str(KG.evidence)),
    "KG.extractedBy": _n(str(KG.extractedBy)),
    "KG.family": _n(str(KG.family)),
    "KG.inferred": _n(str(KG.inferred)),
    "KG.machineTranslated": _n(str(KG.machineTranslated)),
    "KG.mentions": _n(str(KG.mentions)),
    "KG.pattern": _n(str(KG.pattern)),
    "KG.sentence": _n(str(KG.sentence)),
    "KG.sourceEnd": _n(str(KG.sourceEnd)),
    "KG.sourceStart": _n(str(KG.sourceStart)),
    "KG.start": _n(str(KG.start)),
    "KG.support": _n(str(KG.support)),
    "KG.topic": _n(str(KG.topic)),
    "KG.value": _n(str(KG.value)),
    "KG.venue": _n(str(KG.venue)),
    "OWL.sameAs": _n(str(OWL.sameAs)),
    "PROV.wasDerivedFrom": _n(str(PROV.wasDerivedFrom)),
    "RDF.Statement": _n(str(RDF.Statement)),
    "RDF.object": _n(str(RDF.object)),
    "RDF.predicate": _n(str(RDF.predicate)),
    "RDF.subject": _n(str(RDF.subject)),
    "RDF.type": _n(str(RDF.type)),
    "RDFS.label": _n(str(RDFS.label)),
    "RDFS.seeAlso": _n(str(RDFS.seeAlso)),
    "SDO.Person": _n(str(SDO.Person)),
    "SDO.ScholarlyArticle": _n(str(SDO.ScholarlyArticle)),
    "SDO.url": _n(str(SDO.url)),
    "SKOS.altLabel": _n(str(SKOS.altLabel)),
    "SKOS.prefLabel": _n(str(SKOS.prefLabel)),
}
_TYPE = _C["RDF.type"]
_LABEL = _C["RDFS.label"]
_PREF = _C["SKOS.prefLabel"]
_DERIVED = _C["PROV.wasDerivedFrom"]
_TRUE = str(ox.Literal(True))
_SCHEMA_CLASS_NT = {k: _n(str(v)) for k, v in _SCHEMA_CLASS.items()}


class _Mapper:
    """Turns one graph into N-Triples/N-Quads lines (internal; see :func:`graph_lines`).

    The default sorter receives ``"<s> <p> o"`` for each default-graph triple and
    the named one ``"<g> <s> <p> o"`` for each named-graph quad (both deduplicate);
    :meth:`run` lets them spill to disk after each node and edge.
    """

    def __init__(self, G: nx.MultiDiGraph, base_iri: str, default: "_LineSorter", named: "_LineSorter"):
        self.G = G
        self.base = _check_base(base_iri)
        self.sorters = (default, named)
        self._emit = default.buf.add
        self._emit_named = named.buf.add
        self._iris: dict[str, tuple[str, str]] = {}
        self._named: dict[str, str] = {}

    # IRIs ---------------------------------------------------------------------------
    def mint(self, kind: str, key: str) -> tuple[str, str]:
        """(IRI, its N-Triples text) of an instance."""
        iri = self.base + kind + "/" + encode_key(key)
        return iri, _named_node(iri, f"{kind} {key!r}")

    def node_iri(self, node: str) -> tuple[str, str]:
        hit = self._iris.get(node)
        if hit is not None:
            return hit
        data = self.G.nodes[node] if node in self.G else {}
        kind = data.get("kind")
        if kind == "document" or (kind is None and node.startswith("doc:")):
            hit = self.mint("doc", self._doc_key(node))
        elif kind == "result" or (kind is None and node.startswith("result:")):
            hit = self.mint("result", node[len("result:"):] if node.startswith("result:") else node)
        else:
            hit = self.mint("entity", node)
        self._iris[node] = hit
        return hit

    def nt(self, node: str) -> str:
        return self.node_iri(node)[1]

    @staticmethod
    def _doc_key(node: str) -> str:
        if not isinstance(node, str) or not node.startswith("doc:") or len(node) == 4:
            raise BuildError(f"document node id {node!r} does not have the form 'doc:<id>'")
        return node[4:]

    def add(self, s: str, p: str, o: str) -> None:
        self._emit(f"{s} {p} {o}")

    def add_named(self, doc_node: str, s: str, p: str, o: str) -> None:
        g = self._named.get(doc_node)
        if g is None:
            g = self.mint("graph", self._doc_key(doc_node))[1]
            self._named[doc_node] = g
            self.add(g, _DERIVED, self.nt(doc_node))
        self._emit_named(f"{g} {s} {p} {o}")

    # nodes --------------------------------------------------------------------------
    def entity(self, node: str, data: dict[str, Any]) -> None:
        where = f"entity node {node!r}"
        etype = data.get("type")
        if etype not in GRAPH_ENTITY_TYPES:
            raise BuildError(f"{where}: type {etype!r} is not one of {', '.join(GRAPH_ENTITY_TYPES)}")
        s = self.nt(node)
        add = self.add
        add(s, _TYPE, _kg(etype))
        if etype in _SCHEMA_CLASS_NT:
            add(s, _TYPE, _SCHEMA_CLASS_NT[etype])
        label = data.get("label")
        if not isinstance(label, str) or not label:
            raise BuildError(f"{where}: missing label")
        lab = _lit(label, where)
        add(s, _LABEL, lab)
        add(s, _PREF, lab)
        alt = _C["SKOS.altLabel"]
        for alias in _str_list(data.get("aliases"), f"{where} aliases"):
            if alias != label:
                add(s, alt, _lit(alias, where))
        if data.get("count") is not None:
            add(s, _C["KG.count"], _int(data["count"], f"{where} count"))
        for src in _str_list(data.get("sources"), f"{where} sources"):
            add(s, _C["KG.extractedBy"], _lit(src, where))
        mentions = _C["KG.mentions"]
        for doc in _str_list(data.get("docs"), f"{where} docs"):
            add(self.nt(doc), mentions, s)
        qid = data.get("wikidata")
        if qid is not None:
            if not isinstance(qid, str) or not _QID_RE.fullmatch(qid):
                raise BuildError(f"{where}: wikidata id {qid!r} is not a QID like 'Q42'")
            add(s, _C["OWL.sameAs"], _n(str(WD[qid])))
        fam = data.get("family")
        if fam is not None:
            if not isinstance(fam, str) or not fam:
                raise BuildError(f"{where}: family {fam!r} is not a canonical id")
            add(s, _C["KG.family"], self.mint("entity", fam)[1])

    def document(self, node: str, data: dict[str, Any]) -> None:
        where = f"document node {node!r}"
        d = self.nt(node)
        add = self.add
        add(d, _TYPE, _C["KG.Document"])
        if data.get("arxiv_id") or data.get("doi"):
            add(d, _TYPE, _C["SDO.ScholarlyArticle"])
        label = data.get("label") or data.get("title")
        if not isinstance(label, str) or not label:
            raise BuildError(f"{where}: missing label")
        add(d, _LABEL, _lit(label, where))
        if data.get("title"):
            add(d, _C["DCTERMS.title"], _lit(data["title"], where))
        if data.get("date"):
            add(d, _C["DCTERMS.date"], _date(data["date"], where))
        if data.get("source"):
            add(d, _C["DCTERMS.source"], _lit(str(data["source"]), where))
        span = data.get("span")
        if span is not None:
            if not isinstance(span, (list, tuple)) or len(span) != 2:
                raise BuildError(f"{where}: span {span!r} is not [start, end]")
            add(d, _C["KG.sourceStart"], _int(span[0], f"{where} span"))
            add(d, _C["KG.sourceEnd"], _int(span[1], f"{where} span"))
        arxiv = data.get("arxiv_id")
        if arxiv:
            arxiv = str(arxiv)
            add(d, _C["KG.arxivId"], _lit(arxiv, where))
            add(d, _C["DCTERMS.identifier"], _lit("arXiv:" + arxiv, where))
            abs_url = _named_node("https://arxiv.org/abs/" + quote(arxiv, safe="/.-_~"), where)
            add(d, _C["SDO.url"], abs_url)
            add(d, _C["RDFS.seeAlso"], abs_url)
        doi = data.get("doi")
        if doi:
            doi = str(doi)
            add(d, _C["KG.doi"], _lit(doi, where))
            add(d, _C["DCTERMS.identifier"], _lit("doi:" + doi, where))
            add(d, _C["RDFS.seeAlso"], _named_node("https://doi.org/" + quote(doi, safe="/.-_~"), where))
        venue = data.get("venue")
        if venue:
            v = self.mint("venue", str(venue))[1]
            add(d, _C["KG.venue"], v)
            add(v, _TYPE, _C["KG.Venue"])
            add(v, _LABEL, _lit(str(venue), where))
        for name in _str_list(data.get("authors"), f"{where} authors"):
            p = self.mint("person", name)[1]
            add(d, _C["DCTERMS.creator"], p)
            add(d, _C["KG.authoredBy"], p)
            add(p, _TYPE, _C["KG.Person"])
            add(p, _TYPE, _C["SDO.Person"])
            add(p, _LABEL, _lit(name, where))
        for topic in _str_list(data.get("topics"), f"{where} topics"):
            t = self.mint("topic", topic)[1]
            add(d, _C["DCTERMS.subject"], t)
            add(d, _C["KG.topic"], t)
            add(t, _TYPE, _C["KG.Topic"])
            lit = _lit(topic, where)
            add(t, _LABEL, lit)
            add(t, _PREF, lit)
        if data.get("url"):
            iri = _iri_from_text(data["url"], f"{where} url")
            if iri is not None:
                add(d, _C["SDO.url"], iri)
        for url in _str_list(data.get("urls"), f"{where} urls"):
            iri = _iri_from_text(url, f"{where} urls")
            if iri is not None:
                add(d, _C["RDFS.seeAlso"], iri)
        if data.get("language"):
            add(d, _C["DCTERMS.language"], _lit(str(data["language"]), where))
        if data.get("machine_translated") is not None:
            add(d, _C["KG.machineTranslated"], str(ox.Literal(bool(data["machine_translated"]))))

    def evidence_node(self, about: str, ev: Any, where: str) -> tuple[str, str, Decimal]:
        if not isinstance(ev, Mapping):
            raise BuildError(f"{where}: evidence item {ev!r} is not a mapping")
        missing = [k for k in ("doc", "start", "end", "sentence", "pattern") if k not in ev]
        if missing:
            raise BuildError(f"{where}: evidence item lacks {', '.join(missing)}")
        key = json.dumps(
            {k: ev[k] for k in ("doc", "start", "end", "sentence", "pattern", "confidence") if k in ev},
            sort_keys=True,
            ensure_ascii=False,
        )
        e = self.mint("evidence", _hash(about, key))[1]
        doc = ev["doc"]
        self._doc_key(doc)
        conf = _confidence(ev.get("confidence", 1.0), where)
        add = self.add
        add(e, _TYPE, _C["KG.Evidence"])
        add(e, _DERIVED, self.nt(doc))
        add(e, _C["KG.sentence"], _lit(str(ev["sentence"]), where))
        add(e, _C["KG.start"], _int(ev["start"], f"{where} evidence start"))
        add(e, _C["KG.end"], _int(ev["end"], f"{where} evidence end"))
        add(e, _C["KG.pattern"], _lit(str(ev["pattern"]), where))
        add(e, _C["KG.confidence"], _conf_lit(conf))
        if is_inferred(ev["pattern"]):
            add(e, _C["KG.inferred"], _TRUE)
        return e, doc, conf

    def result(self, node: str, data: dict[str, Any]) -> None:
        where = f"result node {node!r}"
        r_iri, r = self.node_iri(node)
        doc = data.get("doc")
        triples = [(r, _TYPE, _C["KG.Result"])]
        if data.get("label"):
            self.add(r, _LABEL, _lit(str(data["label"]), where))
        triples.append((r, _C["KG.value"], _decimal(data.get("value"), where)))
        for attr, prop in (("unit", KG.unit), ("metric", KG.metricName), ("condition", KG.condition)):
            if data.get(attr) is not None:
                triples.append((r, _n(str(prop)), _lit(str(data[attr]), where)))
        for _, tail, key in sorted(self.G.out_edges(node, keys=True)):
            if key not in RESULT_EDGES:
                raise BuildError(f"{where}: unexpected out-edge {key!r} to {tail!r}")
            triples.append((r, _kg(key), self.nt(tail)))
        docs = set()
        if doc is not None:
            self.add(r, _DERIVED, self.nt(doc))
            docs.add(doc)
        best = None
        for ev in data.get("evidence") or []:
            e, evdoc, conf = self.evidence_node(r_iri, ev, where)
            self.add(r, _C["KG.evidence"], e)
            docs.add(evdoc)
            best = conf if best is None or conf > best else best
        if best is not None:
            self.add(r, _C["KG.confidence"], _conf_lit(best))
        for t in triples:
            self.add(*t)
            for dn in sorted(docs):
                self.add_named(dn, *t)

    # edges --------------------------------------------------------------------------
    def relation(self, u: str, v: str, key: str, data: dict[str, Any]) -> None:
        where = f"edge ({u!r}, {v!r}, {key!r})"
        if key not in _RELATION_KEYS:
            raise BuildError(f"{where}: unknown relation {key!r}")
        (s_iri, s), (o_iri, o) = self.node_iri(u), self.node_iri(v)
        p = _kg(key)
        p_iri = p[1:-1]
        self.add(s, p, o)
        evidence = data.get("evidence") or []
        if not evidence:
            return
        st = self.mint("statement", _hash(s_iri, p_iri, o_iri))[1]
        add = self.add
        add(st, _TYPE, _C["KG.Statement"])
        add(st, _TYPE, _C["RDF.Statement"])
        add(st, _C["RDF.subject"], s)
        add(st, _C["RDF.predicate"], p)
        add(st, _C["RDF.object"], o)
        add(st, _C["KG.support"], _int(data.get("count", len(evidence)), f"{where} count"))
        best = None
        ev_p = _C["KG.evidence"]
        if all(isinstance(ev, Mapping) and is_inferred(ev.get("pattern")) for ev in evidence):
            add(st, _C["KG.inferred"], _TRUE)
        for ev in evidence:
            e, doc, conf = self.evidence_node(st[1:-1], ev, where)
            add(st, ev_p, e)
            self.add_named(doc, s, p, o)
            best = conf if best is None or conf > best else best
        if data.get("confidence") is not None:
            best = _confidence(data["confidence"], where)
        add(st, _C["KG.confidence"], _conf_lit(best))

    def _spill_check(self) -> None:
        for sorter in self.sorters:
            if len(sorter.buf) >= sorter.chunk:
                sorter._spill()
        self._emit = self.sorters[0].buf.add
        self._emit_named = self.sorters[1].buf.add

    def run(self) -> None:
        check = self._spill_check
        for node, data in self.G.nodes(data=True):
            if not isinstance(node, str):
                raise BuildError(f"node id {node!r} is not a string")
            kind = data.get("kind")
            if kind == "entity":
                self.entity(node, data)
            elif kind == "document":
                self.document(node, data)
            elif kind == "result":
                self.result(node, data)
            else:
                raise BuildError(f"node {node!r}: kind {kind!r} is not entity, document or result")
            check()
        nodes = self.G.nodes
        for u, v, key, data in self.G.edges(keys=True, data=True):
            if nodes[u].get("kind") == "result":
                continue  # handled with the result node
            self.relation(u, v, key, data)
            check()


class _LineSorter:
    """Sorted, de-duplicated lines in bounded memory (an external merge sort).

    Lines are kept in a set until ``chunk`` distinct lines are held, then written
    sorted to a run file in ``tmp_dir``; iterating merges the runs
    (:func:`heapq.merge`) and drops duplicates.  Lines must not contain ``"\\n"``
    (N-Triples text never does: pyoxigraph escapes line feeds in literals).
    Order is Python string order (code points), the same in every run.
    """

    def __init__(self, tmp_dir: Path, name: str, chunk: int):
        self.tmp_dir, self.name, self.chunk = Path(tmp_dir), name, max(1, int(chunk))
        self.buf: set[str] = set()
        self.runs: list[Path] = []

    def add(self, line: str) -> None:
        self.buf.add(line)
        if len(self.buf) >= self.chunk:
            self._spill()

    def _spill(self) -> None:
        path = self.tmp_dir / f"{self.name}.{len(self.runs)}.run"
        lines = sorted(self.buf)
        self.buf = set()
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            _write_lines(fh, lines, "\n")
        self.runs.append(path)

    def __iter__(self):
        if not self.runs:
            lines = sorted(self.buf)
            self.buf = set()
            yield from lines
            return
        if self.buf:
            self._spill()
        files = [open(p, encoding="utf-8", newline="\n") for p in self.runs]
        try:
            last = None
            for ln in heapq.merge(*[(x.rstrip("\n") for x in f) for f in files]):
                if ln != last:
                    yield ln
                    last = ln
        finally:
            for f in files:
                f.close()


def _write_lines(fh, lines: Iterable[str], end: str, block: int = 8192) -> None:
    """Write ``line + end`` for each line, a block of lines per ``write`` call."""
    for chunk in _blocks(lines, block):
        fh.write(end.join(chunk) + end)


def _blocks(lines: Iterable[str], size: int = 8192):
    """Lists of up to ``size`` consecutive items of ``lines``."""
    it = iter(lines)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


#: Distinct lines held in memory per sorter before a sorted run is written to disk.
#: Mapping a 10k-document build (2.08 M lines) peaked at 529 MB of process RSS with
#: 500,000 and at 452 MB with 200,000, both in 7.5 s (2026-11-21).
SORT_CHUNK_LINES = 200_000


def graph_lines(
    G: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI, tmp_dir: Path, chunk: int = SORT_CHUNK_LINES
) -> tuple[_LineSorter, _LineSorter]:
    """Map ``G`` to RDF once, as sorted N-Triples text of pyoxigraph terms.

    Returns two iterables of unique, sorted lines without the final `` .``:
    the default graph (``"<s> <p> o"``) and the named graphs (``"<g> <s> <p> o"``,
    so sorted by graph first).  Runs of more than ``chunk`` lines go to files in
    ``tmp_dir`` (which the caller removes).

    Raises
    ------
    BuildError
        As :func:`graph_to_dataset`.
    """
    default = _LineSorter(tmp_dir, "default", chunk)
    named = _LineSorter(tmp_dir, "named", chunk)
    _Mapper(G, base_iri, default, named).run()
    return default, named


def rdf_prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes of every ``kg`` RDF file, ``{prefix: namespace IRI}`` (sorted by prefix):
    the vocabularies (kg, rdf, rdfs, owl, xsd, skos, dcterms, prov, schema, wd) and one
    per instance kind under ``base_iri`` (``entity:``, ``doc:``, ``result:`` …)."""
    out = {
        "kg": str(KG._NS), "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
        "skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "schema": str(SDO), "wd": str(WD),
    }
    for kind in ("entity", "doc", "result", "person", "topic", "venue", "statement", "evidence", "graph"):
        out[kind] = base_iri + kind + "/"
    return dict(sorted(out.items()))


def default_graph(ds: Dataset) -> Graph:
    """The default graph of an rdflib ``Dataset`` (``default_graph`` in newer rdflib,
    ``default_context`` in older ones)."""
    g = getattr(ds, "default_graph", None)
    return g if isinstance(g, Graph) else ds.default_context


def bind_prefixes(graph: Graph, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Bind the prefixes used in every ``kg`` RDF file (:func:`rdf_prefixes`) on an rdflib graph.

    Parameters
    ----------
    graph : rdflib.Graph or rdflib.Dataset
        Graph to bind the prefixes on (modified in place).
    base_iri : str
        Instance base; ``entity:``, ``doc:``, ``result:`` … are bound under it.
    """
    ns = graph.namespace_manager
    for prefix, iri in rdf_prefixes(base_iri).items():
        ns.bind(prefix, iri, override=True, replace=True)


def graph_to_dataset(G: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Dataset:
    """Convert the merged graph to an rdflib dataset (default graph + one graph per document).

    For users and tests that want rdflib objects; ``kg build`` does not call it (it
    streams the same quads to files with :func:`write_rdf`).  See the module
    docstring for the full mapping and the provenance query pattern.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build` (not modified).
    base_iri : str
        Base of instance IRIs: an absolute http(s) IRI ending in ``/`` or ``#``.

    Returns
    -------
    rdflib.Dataset
        Default graph with all facts, metadata and statement/evidence nodes; named
        graphs ``<base_iri>graph/<doc id>`` with the relation and result triples each
        document supports.  No blank nodes.

    Raises
    ------
    BuildError
        On a node or edge that breaks the schema (unknown kind, type or relation,
        missing label, non-decimal result value, malformed date, evidence or
        Wikidata id, bad base IRI, text with unpaired surrogates); the message names
        the node or edge.
    """
    with tempfile.TemporaryDirectory(prefix="kg-rdf-") as tmp:
        default, named = graph_lines(G, base_iri=base_iri, tmp_dir=Path(tmp))
        nq = io.StringIO()
        for ln in default:
            nq.write(ln + " .\n")
        for ln in named:
            g, rest = ln.split(" ", 1)
            nq.write(f"{rest} {g} .\n")
    ds = Dataset()
    bind_prefixes(ds, base_iri)
    ds.parse(data=nq.getvalue(), format="nquads")
    return ds


def load_context() -> dict[str, Any]:
    """The JSON-LD context of ``ontology/context.jsonld`` (the value of ``@context``).

    Raises
    ------
    BuildError
        If the file is missing or not valid JSON with an ``@context`` object.
    """
    try:
        doc = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
        ctx = doc["@context"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"{CONTEXT_FILE}: cannot read the JSON-LD context: {exc}") from exc
    if not isinstance(ctx, dict):
        raise BuildError(f"{CONTEXT_FILE}: '@context' is not an object")
    return ctx


# --- JSON-LD, compacted with ontology/context.jsonld, one node object per subject -------

_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CANON_INT = re.compile(r"0|-?[1-9][0-9]*")


class _Compactor:
    """Compaction of triples against the (flat) ``kg`` JSON-LD context.

    Handles what that context uses: prefixes (JSON-LD 1.1 simple terms ending in
    ``/`` or ``#``), ``@vocab``, ``id``/``type`` aliases, and terms with ``@id`` and
    an optional ``@type`` of ``@id``, ``@vocab`` or a datatype.  Each value goes under
    a term whose type mapping fits it (e.g. ``"date"`` only for ``xsd:date``);
    otherwise under an untyped term or the compact IRI of the property, with a value
    object.  Subject and object IRIs are written in full.  ``xsd:integer`` and
    ``xsd:boolean`` literals in canonical form become JSON numbers and booleans
    (which JSON-LD expands back to the same literals).
    """

    def __init__(self, ctx: dict[str, Any]):
        self.prefixes = {
            k: v for k, v in ctx.items()
            if not k.startswith("@") and isinstance(v, str) and v.endswith(("/", "#"))
        }
        self.vocab = ctx.get("@vocab")
        self.id_key = next((k for k, v in ctx.items() if v == "@id"), "@id")
        self.type_key = next((k for k, v in ctx.items() if v == "@type"), "@type")
        self.terms: set[str] = set(ctx)
        # property IRI -> {type mapping (None, "@id", "@vocab" or datatype IRI): term}
        self.by_prop: dict[str, dict[str | None, str]] = {}
        for term, d in sorted(ctx.items()):
            if term.startswith("@") or term in self.prefixes:
                continue
            if isinstance(d, str):
                if d.startswith("@"):
                    continue
                iri, typ = self._expand(d), None
            elif isinstance(d, dict):
                iri = self._expand(d.get("@id", term)) if "@id" in d else (self.vocab or "") + term
                typ = d.get("@type")
                if typ is not None and not typ.startswith("@"):
                    typ = self._expand(typ)
                if set(d) - {"@id", "@type"}:
                    continue  # containers, languages: not used for output
            else:
                continue
            self.by_prop.setdefault(iri, {}).setdefault(typ, term)
        self._keys: dict[str, str] = {}
        self._rules: dict[tuple[str, str | None], tuple[str, str]] = {}

    def _expand(self, value: str) -> str:
        if ":" in value:
            pre, local = value.split(":", 1)
            if pre in self.prefixes and not local.startswith("//"):
                return self.prefixes[pre] + local
            return value
        return (self.vocab or "") + value

    def key(self, prop: str) -> str:
        """Key for a property without a fitting term: vocab name, compact IRI or IRI."""
        k = self._keys.get(prop)
        if k is None:
            k = prop
            if self.vocab and prop.startswith(self.vocab):
                local = prop[len(self.vocab):]
                if _SIMPLE_NAME.fullmatch(local) and local not in self.terms:
                    k = local
            if k == prop:
                for pre, ns in sorted(self.prefixes.items()):
                    local = prop[len(ns):]
                    if prop.startswith(ns) and _SIMPLE_NAME.fullmatch(local) and f"{pre}:{local}" not in self.terms:
                        k = f"{pre}:{local}"
                        break
            self._keys[prop] = k
        return k

    def type_value(self, iri: str) -> str:
        if self.vocab and iri.startswith(self.vocab):
            local = iri[len(self.vocab):]
            if _SIMPLE_NAME.fullmatch(local) and local not in self.terms:
                return local
        return iri

    def entry(self, prop: str, obj: Any) -> tuple[str, Any]:
        """(key, JSON value) of one property value (a pyoxigraph NamedNode or Literal)."""
        if isinstance(obj, ox.NamedNode):
            rule = self._rules.get((prop, None))
            if rule is None:
                rule = self._rules[(prop, None)] = self._iri_rule(prop)
            key, mode = rule
            if mode == "type":
                return key, self.type_value(obj.value)
            return key, (obj.value if mode == "str" else {self.id_key: obj.value})
        if not isinstance(obj, ox.Literal):
            raise BuildError(f"JSON-LD: unexpected term {obj!r}")
        lex, lang = obj.value, obj.language
        terms = self.by_prop.get(prop, {})
        if lang:
            return terms.get(None) or self.key(prop), {"@value": lex, "@language": lang}
        dt = obj.datatype.value
        rule = self._rules.get((prop, dt))
        if rule is None:
            rule = self._rules[(prop, dt)] = self._literal_rule(prop, dt)
        key, mode = rule
        if mode == "lex":
            return key, lex
        if mode == "int" and _CANON_INT.fullmatch(lex):
            return key, int(lex)
        if mode == "bool" and lex in ("true", "false"):
            return key, lex == "true"
        return key, {"@value": lex, "@type": dt}

    def _iri_rule(self, prop: str) -> tuple[str, str]:
        if prop == _RDF_TYPE_IRI:
            return self.type_key, "type"
        terms = self.by_prop.get(prop, {})
        for typ in ("@id", "@vocab"):
            if typ in terms:
                return terms[typ], "str"
        return terms.get(None) or self.key(prop), "obj"

    def _literal_rule(self, prop: str, dt: str) -> tuple[str, str]:
        terms = self.by_prop.get(prop, {})
        if dt == _XSD + "string":
            return terms.get(None) or self.key(prop), "lex"
        if dt in terms:
            return terms[dt], "lex"
        key = terms.get(None) or self.key(prop)
        if dt == _XSD + "integer":
            return key, "int"
        if dt == _XSD + "boolean":
            return key, "bool"
        return key, "obj"

    def node(self, subject: str, triples: Iterable[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {self.id_key: subject}
        for t in triples:
            k, v = self.entry(t.predicate.value, t.object)
            if k in out:
                prev = out[k]
                if isinstance(prev, list):
                    prev.append(v)
                else:
                    out[k] = [prev, v]
            else:
                out[k] = v
        return out


_RDF_TYPE_IRI = str(RDF.type)


def jsonld_record(comp: "_Compactor", subject: str, quads: Iterable[Any]) -> bytes:
    """One line of ``graph.jsonld``'s ``@graph``: the node object of ``subject`` (its
    ``quads``, pyoxigraph quads or triples), with the id key first and the other keys
    sorted, so the line's subject can be read from its first bytes."""
    node = comp.node(subject, quads)
    idv = node.pop(comp.id_key)
    head = json.dumps(comp.id_key) + ": " + json.dumps(idv, ensure_ascii=False)
    rest = json.dumps(node, ensure_ascii=False, sort_keys=True)
    return ("{" + head + (", " + rest[1:] if len(rest) > 2 else "}")).encode("utf-8")


def _write_jsonld(nt_path: Path, out_path: Path, context: dict[str, Any]) -> None:
    """JSON-LD of the (sorted) N-Triples file ``nt_path``: ``{"@context", "@graph"}``,
    one node object per subject and line (:func:`jsonld_record`), in subject order;
    streamed."""
    comp = _Compactor(context)
    with open(out_path, "wb") as fh:
        fh.write(b'{\n "@context": ')
        fh.write(json.dumps(context, ensure_ascii=False, indent=1).replace("\n", "\n ").encode("utf-8"))
        fh.write(b',\n "@graph": [')
        first = True
        quads = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        for subject, group in groupby(quads, key=lambda q: q.subject):
            if not isinstance(subject, ox.NamedNode):
                raise BuildError(f"JSON-LD: unexpected subject {subject!r}")
            fh.write(b"\n  " if first else b",\n  ")
            fh.write(jsonld_record(comp, subject.value, group))
            first = False
        fh.write(b"\n ]\n}\n")


def write_rdf(
    G: nx.MultiDiGraph,
    out_dir: Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    dataset: Dataset | None = None,
    chunk_lines: int = SORT_CHUNK_LINES,
) -> list[Path]:
    """Write the graph as RDF files into ``out_dir`` (created if missing).

    The graph is mapped once (:func:`graph_lines`) to sorted, unique N-Triples text
    of pyoxigraph terms; every file is then streamed from those lines by pyoxigraph,
    so no rdflib graph and no whole-file string is held in memory.

    Files: ``graph.nt`` (N-Triples, default graph, lines sorted), ``graph.nq``
    (N-Quads: the default graph's lines, then the named graphs' quads sorted by graph
    and triple), ``graph.ttl`` (Turtle of ``graph.nt`` with the :func:`rdf_prefixes`),
    ``graph.trig`` (TriG of ``graph.nq``: default graph first, then one block per
    document graph in IRI order), ``graph.jsonld`` (JSON-LD of the default graph
    compacted with ``ontology/context.jsonld``, which is embedded so the file reads
    offline; one node object per subject).  Same input gives the same bytes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`.
    out_dir : pathlib.Path
        Output folder.
    base_iri : str
        Base of instance IRIs.
    dataset : rdflib.Dataset, optional
        Ignored (kept for compatibility: the files are always written from ``G``).
    chunk_lines : int
        Distinct lines sorted in memory before a run goes to a temporary file in
        ``out_dir`` (bounds memory on large graphs; the output does not depend on it).

    Returns
    -------
    list of pathlib.Path
        ``graph.ttl``, ``graph.nt``, ``graph.trig``, ``graph.nq``, ``graph.jsonld``.

    Raises
    ------
    BuildError
        If ``G`` breaks the schema (see :func:`graph_to_dataset`) or a file cannot be
        written.
    """
    del dataset
    out_dir = Path(out_dir)
    names = ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld")
    paths = {n: out_dir / n for n in names}
    prefixes = rdf_prefixes(base_iri)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".rdf-sort-", dir=out_dir) as tmp:
            default, named = graph_lines(G, base_iri=base_iri, tmp_dir=Path(tmp), chunk=chunk_lines)
            with open(paths["graph.nt"], "w", encoding="utf-8", newline="\n") as nt, \
                    open(paths["graph.nq"], "w", encoding="utf-8", newline="\n") as nq:
                for block in _blocks(default):
                    text = " .\n".join(block) + " .\n"
                    nt.write(text)
                    nq.write(text)
                for block in _blocks(named):
                    nq.write("".join(f"{rest} {g} .\n" for g, rest in (ln.split(" ", 1) for ln in block)))
        ox.serialize(
            (q.triple for q in ox.parse(path=str(paths["graph.nt"]), format=ox.RdfFormat.N_TRIPLES)),
            str(paths["graph.ttl"]), ox.RdfFormat.TURTLE, prefixes=prefixes,
        )
        ox.serialize(
            ox.parse(path=str(paths["graph.nq"]), format=ox.RdfFormat.N_QUADS),
            str(paths["graph.trig"]), ox.RdfFormat.TRIG, prefixes=prefixes,
        )
        _write_jsonld(paths["graph.nt"], paths["graph.jsonld"], load_context())
    except OSError as exc:
        raise BuildError(f"{out_dir}: cannot write RDF: {exc}") from exc
    except SyntaxError as exc:  # pyoxigraph could not read back what it wrote: a bug
        raise BuildError(f"{out_dir}: RDF export produced unreadable N-Triples: {exc}") from exc
    return [paths[n] for n in names]


def iter_documents(G: nx.MultiDiGraph) -> Iterable[str]:
    """Document node ids of ``G`` in sorted order (helper for callers and tests)."""
    return sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "document")
