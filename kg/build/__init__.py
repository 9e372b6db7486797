"""Merge per-document extractions into one ``networkx.MultiDiGraph``.

Graph schema (the contract between build, export, query, views and analytics)
---------------------------------------------------------------------------
Nodes are keyed by canonical id (a string):

* entity nodes: ``"<Type>:<key>"`` is *not* used; the key is the canonical id from
  :mod:`kg.resolve` (e.g. ``"coco"``, ``"sadga"``, ``"nvidia-geforce-rtx-3090"``),
  unique across types. Attributes:

  - ``kind``: ``"entity"``
  - ``type``: one of :data:`kg.model.ENTITY_TYPES`, or ``"UnnamedMethod"``
    (:data:`kg.model.UNNAMED_METHOD`) for the stand-in ``unnamed-method-<doc id>``
    of a method a document proposes without naming it ("our method"), labelled
    "unnamed method of “<title>”"
  - ``label``: preferred display name (str)
  - ``aliases``: sorted list of other surface forms (list[str])
  - ``count``: number of mentions across the corpus (int)
  - ``docs``: sorted list of document node ids that mention it (list[str])
  - ``sources``: sorted list of components that found it (list[str])
  - ``wikidata``: Wikidata QID (str) where a gazetteer gives a checked one, else absent
  - ``family``: canonical id of a model family (e.g. ``"gpt"`` for GPT-3), optional

* document nodes: ``"doc:<record id>"``. Attributes: ``kind="document"``,
  ``type="Document"``, ``label`` (title, or the first words of the text), and the
  :class:`kg.model.Record` metadata that is set: ``title``, ``source``, ``span``
  (list of 2 ints), ``arxiv_id``, ``doi``, ``date`` (ISO str), ``venue``, ``url``,
  ``authors``/``topics``/``urls`` (lists), ``machine_translated`` (bool),
  ``language``.

* result nodes: ``"result:<hash>"``. Attributes: ``kind="result"``,
  ``type="Result"``, ``label`` (e.g. ``"RTMDet AP 52.8% on COCO"``), ``value``
  (decimal string), ``unit`` (str or None), ``metric`` (normalised metric name or
  None), ``condition`` (str or None), ``doc`` (document node id), ``evidence``
  (list with one evidence dict, see below). Result nodes have out-edges with keys
  ``ofMethod`` (→ method entity), ``onDataset`` (→ dataset/benchmark entity, when
  known) and ``withMetric`` (→ metric entity, when the metric is an entity node).

Edges are ``(head, tail, key)`` with ``key`` the relation name
(:data:`kg.model.RELATION_TYPES`, plus ``ofMethod``/``onDataset``/``withMetric``).
Attributes:

  - ``relation``: same as the key
  - ``count``: support, the number of evidence items (int)
  - ``confidence``: noisy-or of the evidence sentences' confidences
    (:func:`kg.build.merge.combine_confidences`; float in [0, 0.99])
  - ``evidence``: list of mappings ``{"doc": doc node id, "start": int, "end": int,
    "sentence": str, "pattern": str, "confidence": float}``, sorted by
    ``(doc, start, pattern)``; ``start``/``end`` are character offsets of the
    sentence in the document's text.  A freshly built graph holds
    :class:`kg.build.merge.Evidence` items (read-only mappings in slots, to save
    memory), a graph loaded from ``graph.json`` plain dicts: read them with
    ``ev["doc"]``/``ev.get(...)`` or ``dict(ev)``, not ``isinstance(ev, dict)``.

Graph attributes (``G.graph``): ``base_iri``, ``kg_version``, ``built_from``
(list of input paths), ``documents_read``, ``documents_skipped`` (list of
``{"source", "reason", ...}``).
"""

from kg.build.io import load_graph
from kg.build.merge import Evidence, GraphBuilder, build_graph, doc_node_id, graph_summary

__all__ = ["Evidence", "GraphBuilder", "build_graph", "doc_node_id", "graph_summary", "load_graph"]
