"""The ``kg`` ontology as an rdflib :class:`~rdflib.namespace.DefinedNamespace`.

Every class and property of ``ontology/kg.ttl`` is a term here, so that a typo in
code (``KG.evalutedOn``) raises :class:`AttributeError` at once instead of minting a
new, silently wrong IRI.  ``tests/test_rdf.py`` checks that this list and the
ontology file declare exactly the same terms.

Examples
--------
>>> from kg.namespace import KG
>>> str(KG.evaluatedOn)
'https://w3id.org/kg/ontology#evaluatedOn'
>>> KG["evaluatedOn"] == KG.evaluatedOn
True
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

#: IRI of the ontology namespace (fixed; instance IRIs use the configurable base).
KG_NS = "https://w3id.org/kg/ontology#"

#: Schema.org namespace (https scheme, as schema.org publishes it).
SDO = Namespace("https://schema.org/")

#: Wikidata entity namespace used for ``owl:sameAs`` links.
WD = Namespace("http://www.wikidata.org/entity/")


class KG(DefinedNamespace):
    """Terms of the ``kg`` ontology (``ontology/kg.ttl``)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Entity: URIRef  # any named thing found in text
    Method: URIRef
    UnnamedMethod: URIRef  # stand-in for a method a document proposes without naming it
    Dataset: URIRef
    Benchmark: URIRef
    Task: URIRef
    Metric: URIRef
    Organization: URIRef
    Hardware: URIRef
    Person: URIRef
    Location: URIRef
    Venue: URIRef
    Topic: URIRef
    Document: URIRef
    Result: URIRef
    Statement: URIRef
    Evidence: URIRef

    # relations between entities and documents
    proposes: URIRef
    evaluatedOn: URIRef
    outperforms: URIRef
    basedOn: URIRef
    usedFor: URIRef
    trainedOn: URIRef
    developedBy: URIRef
    runsOn: URIRef
    partOf: URIRef
    mentions: URIRef
    authoredBy: URIRef
    coMentioned: URIRef

    # results (n-ary)
    ofMethod: URIRef
    onDataset: URIRef
    withMetric: URIRef
    value: URIRef
    unit: URIRef
    condition: URIRef
    metricName: URIRef

    # entity attributes
    count: URIRef
    family: URIRef
    extractedBy: URIRef

    # document attributes
    arxivId: URIRef
    doi: URIRef
    topic: URIRef
    venue: URIRef
    machineTranslated: URIRef
    sourceStart: URIRef
    sourceEnd: URIRef

    # provenance
    support: URIRef
    confidence: URIRef
    inferred: URIRef
    evidence: URIRef
    sentence: URIRef
    start: URIRef
    end: URIRef
    pattern: URIRef
