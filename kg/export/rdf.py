"""Graph → RDF: the merged ``networkx.MultiDiGraph`` as an rdflib ``Dataset``.

Mapping (the graph schema is in :mod:`kg.build`; the ontology in ``ontology/kg.ttl``)
------------------------------------------------------------------------------------
Instance IRIs are ``<base><kind>/<key>`` with ``kind`` one of ``entity``, ``doc``,
``result``, ``person``, ``topic``, ``venue``, ``statement``, ``evidence``, ``graph``
and ``key`` the canonical id percent-encoded by :func:`encode_key` (every character
outside RFC 3986 *unreserved* is encoded, so two different ids never share an IRI).

*Default graph* (simple to query):

* entity ``e``: ``e a kg:<Type>`` (plus ``schema:Organization`` / ``schema:Dataset``
  / ``schema:Person`` / ``schema:Place`` where they fit), ``rdfs:label`` and
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
  ``kg:confidence``.

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

Output is deterministic: :func:`write_rdf` sorts N-Triples / N-Quads lines the
JSON-LD node list and the TriG graphs; Turtle is written by rdflib's sorting
serialiser (verified across hash seeds in ``tests/test_rdf.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import BuildError
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.namespace import KG, SDO, WD
from kg.paths import CONTEXT_FILE

__all__ = [
    "DEFAULT_BASE_IRI",
    "RESULT_EDGES",
    "encode_key",
    "mint_iri",
    "graph_to_dataset",
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
    written ``%2E`` / ``%2E%2E``.

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
    """
    if not isinstance(key, str) or not key:
        raise BuildError(f"cannot mint an IRI from an empty or non-string id: {key!r}")
    if key in (".", ".."):
        return "%2E" * len(key)
    try:
        return quote(key, safe="-._~", encoding="utf-8", errors="strict")
    except UnicodeEncodeError as exc:
        raise BuildError(f"cannot mint an IRI from id {key!r}: not valid Unicode text ({exc.reason})") from None


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


def _decimal(value: Any, where: str) -> Literal:
    """``xsd:decimal`` literal from a decimal string (exact; never through float)."""
    text = str(value).strip() if isinstance(value, (str, int, Decimal)) else None
    if text is None or not _DECIMAL_RE.fullmatch(text):
        raise BuildError(f"{where}: value {value!r} is not a decimal number string")
    return Literal(text, datatype=XSD.decimal)


def _confidence(value: Any, where: str) -> Literal:
    try:
        d = Decimal(repr(float(value)))
    except (TypeError, ValueError, InvalidOperation):
        raise BuildError(f"{where}: confidence {value!r} is not a number") from None
    if not (0 <= d <= 1):
        raise BuildError(f"{where}: confidence {value!r} is outside [0, 1]")
    return Literal(format(d, "f"), datatype=XSD.decimal)


def _int(value: Any, where: str) -> Literal:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BuildError(f"{where}: {value!r} is not an integer")
    return Literal(str(value), datatype=XSD.integer)


def _date(value: Any, where: str) -> Literal:
    if isinstance(value, str):
        if _DATE_RE.fullmatch(value):
            return Literal(value, datatype=XSD.date)
        if _YEAR_MONTH_RE.fullmatch(value):
            return Literal(value, datatype=XSD.gYearMonth)
        if _YEAR_RE.fullmatch(value):
            return Literal(value, datatype=XSD.gYear)
    raise BuildError(f"{where}: date {value!r} is not ISO 8601 (YYYY-MM-DD, YYYY-MM or YYYY)")


def _iri_from_text(url: Any, where: str) -> URIRef | None:
    """An IRI from a URL found in text: characters not allowed in IRIs are encoded.

    URLs come from the open web: a scheme-less ``www.`` address gets ``http://``;
    anything else that is not an absolute URL is left out with a logged warning
    (returns None) rather than failing the whole build.
    """
    if isinstance(url, str) and url.lower().startswith("www."):
        url = "http://" + url
    if not isinstance(url, str) or not _SCHEME_RE.match(url):
        log.warning("%s: %r is not an absolute URL; left out of the RDF", where, url)
        return None
    return URIRef(quote(url, safe=_IRI_SAFE, encoding="utf-8", errors="strict"))


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise BuildError(f"{where}: expected a list of strings, got {value!r}")
    return list(value)


class _Mapper:
    """Turns one graph into a Dataset (internal; see :func:`graph_to_dataset`)."""

    def __init__(self, G: nx.MultiDiGraph, base_iri: str):
        self.G = G
        self.base = _check_base(base_iri)
        self.ds = Dataset()
        bind_prefixes(self.ds, self.base)
        self.default = default_graph(self.ds)
        self._named: dict[str, Graph] = {}

    # IRIs ---------------------------------------------------------------------------
    def node_iri(self, node: str) -> URIRef:
        data = self.G.nodes[node] if node in self.G else {}
        kind = data.get("kind")
        if kind == "document" or (kind is None and node.startswith("doc:")):
            return mint_iri(self.base, "doc", self._doc_key(node))
        if kind == "result" or (kind is None and node.startswith("result:")):
            return mint_iri(self.base, "result", node[len("result:"):] if node.startswith("result:") else node)
        return mint_iri(self.base, "entity", node)

    @staticmethod
    def _doc_key(node: str) -> str:
        if not isinstance(node, str) or not node.startswith("doc:") or len(node) == 4:
            raise BuildError(f"document node id {node!r} does not have the form 'doc:<id>'")
        return node[4:]

    def named(self, doc_node: str) -> Graph:
        g = self._named.get(doc_node)
        if g is None:
            gi = mint_iri(self.base, "graph", self._doc_key(doc_node))
            g = self.ds.graph(gi)
            self._named[doc_node] = g
            self.add(gi, PROV.wasDerivedFrom, self.node_iri(doc_node))
        return g

    # nodes --------------------------------------------------------------------------
    def add(self, s, p, o) -> None:
        self.default.add((s, p, o))

    def entity(self, node: str, data: dict[str, Any]) -> None:
        where = f"entity node {node!r}"
        etype = data.get("type")
        if etype not in ENTITY_TYPES:
            raise BuildError(f"{where}: type {etype!r} is not one of {', '.join(ENTITY_TYPES)}")
        s = self.node_iri(node)
        self.add(s, RDF.type, KG[etype])
        if etype in _SCHEMA_CLASS:
            self.add(s, RDF.type, _SCHEMA_CLASS[etype])
        label = data.get("label")
        if not isinstance(label, str) or not label:
            raise BuildError(f"{where}: missing label")
        self.add(s, RDFS.label, Literal(label))
        self.add(s, SKOS.prefLabel, Literal(label))
        for alias in _str_list(data.get("aliases"), f"{where} aliases"):
            if alias != label:
                self.add(s, SKOS.altLabel, Literal(alias))
        if data.get("count") is not None:
            self.add(s, KG.count, _int(data["count"], f"{where} count"))
        for src in _str_list(data.get("sources"), f"{where} sources"):
            self.add(s, KG.extractedBy, Literal(src))
        for doc in _str_list(data.get("docs"), f"{where} docs"):
            self.add(self.node_iri(doc), KG.mentions, s)
        qid = data.get("wikidata")
        if qid is not None:
            if not isinstance(qid, str) or not _QID_RE.fullmatch(qid):
                raise BuildError(f"{where}: wikidata id {qid!r} is not a QID like 'Q42'")
            self.add(s, OWL.sameAs, WD[qid])
        fam = data.get("family")
        if fam is not None:
            if not isinstance(fam, str) or not fam:
                raise BuildError(f"{where}: family {fam!r} is not a canonical id")
            self.add(s, KG.family, mint_iri(self.base, "entity", fam))

    def document(self, node: str, data: dict[str, Any]) -> None:
        where = f"document node {node!r}"
        d = self.node_iri(node)
        self.add(d, RDF.type, KG.Document)
        if data.get("arxiv_id") or data.get("doi"):
            self.add(d, RDF.type, SDO.ScholarlyArticle)
        label = data.get("label") or data.get("title")
        if not isinstance(label, str) or not label:
            raise BuildError(f"{where}: missing label")
        self.add(d, RDFS.label, Literal(label))
        if data.get("title"):
            self.add(d, DCTERMS.title, Literal(data["title"]))
        if data.get("date"):
            self.add(d, DCTERMS.date, _date(data["date"], where))
        if data.get("source"):
            self.add(d, DCTERMS.source, Literal(str(data["source"])))
        span = data.get("span")
        if span is not None:
            if not isinstance(span, (list, tuple)) or len(span) != 2:
                raise BuildError(f"{where}: span {span!r} is not [start, end]")
            self.add(d, KG.sourceStart, _int(span[0], f"{where} span"))
            self.add(d, KG.sourceEnd, _int(span[1], f"{where} span"))
        arxiv = data.get("arxiv_id")
        if arxiv:
            arxiv = str(arxiv)
            self.add(d, KG.arxivId, Literal(arxiv))
            self.add(d, DCTERMS.identifier, Literal("arXiv:" + arxiv))
            abs_url = URIRef("https://arxiv.org/abs/" + quote(arxiv, safe="/.-_~"))
            self.add(d, SDO.url, abs_url)
            self.add(d, RDFS.seeAlso, abs_url)
        doi = data.get("doi")
        if doi:
            doi = str(doi)
            self.add(d, KG.doi, Literal(doi))
            self.add(d, DCTERMS.identifier, Literal("doi:" + doi))
            self.add(d, RDFS.seeAlso, URIRef("https://doi.org/" + quote(doi, safe="/.-_~")))
        venue = data.get("venue")
        if venue:
            v = mint_iri(self.base, "venue", str(venue))
            self.add(d, KG.venue, v)
            self.add(v, RDF.type, KG.Venue)
            self.add(v, RDFS.label, Literal(str(venue)))
        for name in _str_list(data.get("authors"), f"{where} authors"):
            p = mint_iri(self.base, "person", name)
            self.add(d, DCTERMS.creator, p)
            self.add(d, KG.authoredBy, p)
            self.add(p, RDF.type, KG.Person)
            self.add(p, RDF.type, SDO.Person)
            self.add(p, RDFS.label, Literal(name))
        for topic in _str_list(data.get("topics"), f"{where} topics"):
            t = mint_iri(self.base, "topic", topic)
            self.add(d, DCTERMS.subject, t)
            self.add(d, KG.topic, t)
            self.add(t, RDF.type, KG.Topic)
            self.add(t, RDFS.label, Literal(topic))
            self.add(t, SKOS.prefLabel, Literal(topic))
        if data.get("url"):
            iri = _iri_from_text(data["url"], f"{where} url")
            if iri is not None:
                self.add(d, SDO.url, iri)
        for url in _str_list(data.get("urls"), f"{where} urls"):
            iri = _iri_from_text(url, f"{where} urls")
            if iri is not None:
                self.add(d, RDFS.seeAlso, iri)
        if data.get("language"):
            self.add(d, DCTERMS.language, Literal(str(data["language"])))
        if data.get("machine_translated") is not None:
            self.add(d, KG.machineTranslated, Literal(bool(data["machine_translated"])))

    def evidence_node(self, about: str, ev: Any, where: str) -> tuple[URIRef, str, Literal]:
        if not isinstance(ev, dict):
            raise BuildError(f"{where}: evidence item {ev!r} is not a dict")
        missing = [k for k in ("doc", "start", "end", "sentence", "pattern") if k not in ev]
        if missing:
            raise BuildError(f"{where}: evidence item lacks {', '.join(missing)}")
        key = json.dumps(
            {k: ev[k] for k in ("doc", "start", "end", "sentence", "pattern", "confidence") if k in ev},
            sort_keys=True,
            ensure_ascii=False,
        )
        e = mint_iri(self.base, "evidence", _hash(about, key))
        doc = ev["doc"]
        self._doc_key(doc)
        conf = _confidence(ev.get("confidence", 1.0), where)
        self.add(e, RDF.type, KG.Evidence)
        self.add(e, PROV.wasDerivedFrom, self.node_iri(doc))
        self.add(e, KG.sentence, Literal(str(ev["sentence"])))
        self.add(e, KG.start, _int(ev["start"], f"{where} evidence start"))
        self.add(e, KG.end, _int(ev["end"], f"{where} evidence end"))
        self.add(e, KG.pattern, Literal(str(ev["pattern"])))
        self.add(e, KG.confidence, conf)
        return e, doc, conf

    def result(self, node: str, data: dict[str, Any]) -> None:
        where = f"result node {node!r}"
        r = self.node_iri(node)
        doc = data.get("doc")
        triples = [(r, RDF.type, KG.Result)]
        if data.get("label"):
            self.add(r, RDFS.label, Literal(str(data["label"])))
        triples.append((r, KG.value, _decimal(data.get("value"), where)))
        for attr, prop in (("unit", KG.unit), ("metric", KG.metricName), ("condition", KG.condition)):
            if data.get(attr) is not None:
                triples.append((r, prop, Literal(str(data[attr]))))
        for _, tail, key in sorted(self.G.out_edges(node, keys=True)):
            if key not in RESULT_EDGES:
                raise BuildError(f"{where}: unexpected out-edge {key!r} to {tail!r}")
            triples.append((r, KG[key], self.node_iri(tail)))
        docs = set()
        if doc is not None:
            self.add(r, PROV.wasDerivedFrom, self.node_iri(doc))
            docs.add(doc)
        best = None
        for ev in data.get("evidence") or []:
            e, evdoc, conf = self.evidence_node(str(r), ev, where)
            self.add(r, KG.evidence, e)
            docs.add(evdoc)
            best = conf if best is None or conf.toPython() > best.toPython() else best
        if best is not None:
            self.add(r, KG.confidence, best)
        for t in triples:
            self.add(*t)
            for dn in sorted(docs):
                self.named(dn).add(t)

    # edges --------------------------------------------------------------------------
    def relation(self, u: str, v: str, key: str, data: dict[str, Any]) -> None:
        where = f"edge ({u!r}, {v!r}, {key!r})"
        if key not in _RELATION_KEYS:
            raise BuildError(f"{where}: unknown relation {key!r}")
        s, p, o = self.node_iri(u), KG[key], self.node_iri(v)
        self.add(s, p, o)
        evidence = data.get("evidence") or []
        if not evidence:
            return
        st = mint_iri(self.base, "statement", _hash(str(s), str(p), str(o)))
        self.add(st, RDF.type, KG.Statement)
        self.add(st, RDF.type, RDF.Statement)
        self.add(st, RDF.subject, s)
        self.add(st, RDF.predicate, p)
        self.add(st, RDF.object, o)
        self.add(st, KG.support, _int(data.get("count", len(evidence)), f"{where} count"))
        best = None
        for ev in evidence:
            e, doc, conf = self.evidence_node(str(st), ev, where)
            self.add(st, KG.evidence, e)
            self.named(doc).add((s, p, o))
            best = conf if best is None or conf.toPython() > best.toPython() else best
        if data.get("confidence") is not None:
            best = _confidence(data["confidence"], where)
        self.add(st, KG.confidence, best)

    def run(self) -> Dataset:
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
        for u, v, key, data in self.G.edges(keys=True, data=True):
            if self.G.nodes[u].get("kind") == "result":
                continue  # handled with the result node
            self.relation(u, v, key, data)
        return self.ds


def default_graph(ds: Dataset) -> Graph:
    """The default graph of an rdflib ``Dataset`` (``default_graph`` in newer rdflib,
    ``default_context`` in older ones)."""
    g = getattr(ds, "default_graph", None)
    return g if isinstance(g, Graph) else ds.default_context


def bind_prefixes(graph: Graph, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Bind the prefixes used in every ``kg`` RDF file (kg, schema, skos, …).

    Parameters
    ----------
    graph : rdflib.Graph or rdflib.Dataset
        Graph to bind the prefixes on (modified in place).
    base_iri : str
        Instance base; ``entity:``, ``doc:``, ``result:`` … are bound under it.
    """
    ns = graph.namespace_manager
    for prefix, iri in (
        ("kg", str(KG._NS)),
        ("rdf", str(RDF)),
        ("rdfs", str(RDFS)),
        ("owl", str(OWL)),
        ("xsd", str(XSD)),
        ("skos", str(SKOS)),
        ("dcterms", str(DCTERMS)),
        ("prov", str(PROV)),
        ("schema", str(SDO)),
        ("wd", str(WD)),
    ):
        ns.bind(prefix, iri, override=True, replace=True)
    for kind in ("entity", "doc", "result", "person", "topic", "venue", "statement", "evidence", "graph"):
        ns.bind(kind, base_iri + kind + "/", override=True, replace=True)


def graph_to_dataset(G: nx.MultiDiGraph, *, base_iri: str = DEFAULT_BASE_IRI) -> Dataset:
    """Convert the merged graph to an RDF dataset (default graph + one graph per document).

    See the module docstring for the full mapping and the provenance query pattern.

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
        Wikidata id, bad base IRI); the message names the node or edge.
    """
    return _Mapper(G, base_iri).run()


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


def _sorted_json(value: Any) -> Any:
    """Sort JSON-LD node lists and multi-values (they are sets) for stable output."""
    if isinstance(value, dict):
        return {k: (value[k] if k == "@context" else _sorted_json(value[k])) for k in sorted(value)}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return value


def _sorted_lines(text: str) -> str:
    # split at "\n" only: str.splitlines() also breaks at U+2028, U+0085, U+001C…,
    # which N-Triples keeps raw inside literals
    lines = sorted({ln.rstrip("\r") for ln in text.split("\n") if ln.strip()})
    return "\n".join(lines) + ("\n" if lines else "")


def _split_turtle(text: str) -> tuple[set[str], str]:
    """Prefix lines and body of a Turtle document written by rdflib."""
    prefixes, body = set(), []
    for line in text.split("\n"):
        if line.startswith("@prefix ") and line.rstrip().endswith("."):
            prefixes.add(line.strip())
        else:
            body.append(line)
    return prefixes, "\n".join(body).strip("\n")


def _trig(ds: Dataset, base_iri: str) -> str:
    """TriG with the default graph first, then the named graphs sorted by IRI.

    rdflib's TriG writer orders graphs by hash, which changes from run to run; each
    graph is therefore written with the (sorted, deterministic) Turtle writer.
    """
    prefixes: set[str] = set()
    blocks: list[str] = []
    graphs = [(None, default_graph(ds))]
    named = [g for g in ds.graphs() if isinstance(g.identifier, URIRef)
             and g.identifier != default_graph(ds).identifier]
    graphs += sorted(((str(g.identifier), g) for g in named), key=lambda x: x[0])
    for name, g in graphs:
        if name is not None and len(g) == 0:
            continue
        tmp = Graph()
        bind_prefixes(tmp, base_iri)
        for t in g:
            tmp.add(t)
        pre, body = _split_turtle(tmp.serialize(format="turtle"))
        prefixes |= pre
        if name is None:
            blocks.append(body)
        else:
            indented = "\n".join(("    " + ln) if ln else "" for ln in body.rstrip("\n").split("\n"))
            blocks.append(f"<{name}> {{\n{indented}\n}}")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(b for b in blocks if b) + "\n"


def _jsonld(graph: Graph, context: dict[str, Any]) -> str:
    raw = graph.serialize(format="json-ld", context=context, auto_compact=True, use_native_types=True)
    doc = json.loads(raw)
    if isinstance(doc, dict) and "@graph" not in doc and "@context" in doc:
        ctx = doc.pop("@context")
        doc = {"@context": ctx, "@graph": [doc] if doc else []}
    doc = _sorted_json(doc)
    doc["@context"] = context
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_rdf(
    G: nx.MultiDiGraph,
    out_dir: Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    dataset: Dataset | None = None,
) -> list[Path]:
    """Write the graph as RDF files into ``out_dir`` (created if missing).

    Files: ``graph.ttl`` (Turtle, default graph), ``graph.nt`` (N-Triples, default
    graph, sorted lines), ``graph.trig`` (TriG: default graph + named graphs per
    document), ``graph.nq`` (N-Quads of the same, sorted lines), ``graph.jsonld``
    (JSON-LD of the default graph compacted with ``ontology/context.jsonld``, which
    is embedded so the file reads offline).  Same input gives the same bytes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the schema of :mod:`kg.build`.
    out_dir : pathlib.Path
        Output folder.
    base_iri : str
        Base of instance IRIs.
    dataset : rdflib.Dataset, optional
        The result of :func:`graph_to_dataset` if the caller has it already (saves
        the conversion); otherwise it is built from ``G``.

    Returns
    -------
    list of pathlib.Path
        The five files written, in the order above.

    Raises
    ------
    BuildError
        If ``G`` breaks the schema (see :func:`graph_to_dataset`) or a file cannot be
        written.
    """
    out_dir = Path(out_dir)
    ds = dataset if dataset is not None else graph_to_dataset(G, base_iri=base_iri)
    default = default_graph(ds)
    dg = Graph()
    bind_prefixes(dg, base_iri)
    for t in default:
        dg.add(t)
    outputs = {
        "graph.ttl": lambda: dg.serialize(format="turtle"),
        "graph.nt": lambda: _sorted_lines(dg.serialize(format="nt")),
        "graph.trig": lambda: _trig(ds, base_iri),
        "graph.nq": lambda: _sorted_lines(ds.serialize(format="nquads")),
        "graph.jsonld": lambda: _jsonld(dg, load_context()),
    }
    paths = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, make in outputs.items():
            path = out_dir / name
            path.write_text(make(), encoding="utf-8", newline="\n")
            paths.append(path)
    except OSError as exc:
        raise BuildError(f"{out_dir}: cannot write RDF: {exc}") from exc
    except UnicodeEncodeError as exc:
        bad = exc.object[max(0, exc.start - 40): exc.end + 40]
        raise BuildError(
            f"{out_dir}: cannot write RDF: text with unpaired surrogates near {bad!r}"
        ) from None
    return paths


def iter_documents(G: nx.MultiDiGraph) -> Iterable[str]:
    """Document node ids of ``G`` in sorted order (helper for callers and tests)."""
    return sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "document")
