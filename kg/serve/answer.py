"""Answers of the endpoint: content negotiation, serialisation, the row and byte caps.

:func:`answer_query` runs one SPARQL query on an open store and returns an
:class:`Answer` (status, content type, body), the way a query worker does for
``kg serve`` (see :mod:`kg.serve.workers`).  Prefixes: the endpoint predeclares
:data:`kg.query.engine.PREFIXES` (``kg:``, ``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``,
``skos:``, ``dcterms:``, ``prov:``, ``schema:``, ``wd:``), as ``kg query`` does; a
query's own ``PREFIX`` lines override them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

import pyoxigraph as ox

__all__ = ["DEFAULT_LIMIT", "DEFAULT_MAX_BYTES", "GRAPH_TYPES", "RESULT_TYPES", "Answer",
           "answer_query", "negotiate", "short_syntax_error", "text_answer"]

#: Default maximum number of result rows (or triples) per answer.
DEFAULT_LIMIT = 10_000

#: Default largest answer body in bytes (50 MiB); a bigger answer gets 413.
DEFAULT_MAX_BYTES = 50 << 20

#: SELECT/ASK result formats by media type (first = default for ``*/*``).
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

#: CONSTRUCT/DESCRIBE formats by media type (first = default for ``*/*``).
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Longest syntax error message sent to a client (characters).
_MAX_ERROR = 160


def negotiate(accept: Optional[str], kind: str) -> Optional[str]:
    """The media type to answer with, from an HTTP ``Accept`` header.

    Parameters
    ----------
    accept : str or None
        The header (``q`` weights honoured; ``type/*`` and ``*/*`` wildcards; a
        missing or empty header means ``*/*``).
    kind : {"solutions", "boolean", "graph"}
        The answer kind: SELECT, ASK, or CONSTRUCT/DESCRIBE.

    Returns
    -------
    str or None
        A key of :data:`RESULT_TYPES` (SELECT/ASK) or :data:`GRAPH_TYPES`
        (CONSTRUCT/DESCRIBE); ``None`` if nothing offered is acceptable (HTTP 406).
        Ties go to the more specific type, then to the type listed first in the
        header, then to the default (SPARQL JSON, N-Triples).
    """
    offered = list(GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
    if not accept or not accept.strip():
        return offered[0]
    best: Optional[str] = None
    best_key = (0.0, 0)
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        mtype = parts[0].lower()
        q = 1.0
        for p in parts[1:]:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q <= 0 or "/" not in mtype:
            continue
        if mtype == "*/*":
            choice, spec = offered[0], 0
        elif mtype.endswith("/*"):
            choice, spec = next((o for o in offered if o.startswith(mtype[:-1])), None), 1
        else:
            choice, spec = (mtype if mtype in offered else None), 2
        if choice is None:
            continue
        if best is None or (q, spec) > best_key:
            best, best_key = choice, (q, spec)
    return best


def _term_json(term: Any) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise ValueError(f"cannot write {type(term).__name__} as a SPARQL result term")


@dataclass
class Answer:
    """An HTTP answer computed by :func:`answer_query` (picklable: workers send it).

    Attributes
    ----------
    status : int
        HTTP status.
    ctype : str
        ``Content-Type``.
    body : bytes
    truncated : bool
        Whether rows were dropped by the row cap.
    """

    status: int
    ctype: str
    body: bytes
    truncated: bool = False


def text_answer(status: int, message: str) -> Answer:
    """A ``text/plain`` answer holding ``message`` (one line added at the end)."""
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def short_syntax_error(exc: BaseException) -> str:
    """Oxigraph's parser message, short (at most 160 characters) and with its position.

    Oxigraph says ``error at LINE:COLUMN: expected one of …`` where the list may hold
    hundreds of characters of Unicode character classes (``['-' | '0' ..= '9' | …]``).
    Those classes are dropped, "Prefix not found" becomes "undeclared prefix", and
    what is left is cut at a token boundary with ``…``.  Short messages are kept as is.
    """
    msg = " ".join(str(exc).split())
    m = re.match(r"(error at \d+:\d+: )(?:expected one of |expected )?(.*)", msg)
    if m is None:
        return msg if len(msg) <= _MAX_ERROR else msg[: _MAX_ERROR - 2] + " …"
    items = [w.strip() for w in re.split(r",\s*(?![^\[]*\])", m.group(2)) if w.strip()]
    words = [w for w in items if not w.startswith("[")]
    if len(msg) <= _MAX_ERROR and len(words) == len(items):
        return msg
    if "Prefix not found" in words:
        return m.group(1) + "undeclared prefix (add a PREFIX line; kg:, rdf:, rdfs:, owl:, xsd:, skos:, " \
                            "dcterms:, prov:, schema:, wd: are predeclared)"
    if not words:
        return m.group(1) + "unexpected character"
    out = m.group(1) + ("expected " if len(words) == 1 else "expected one of ")
    for i, w in enumerate(words):
        piece = (", " if i else "") + w
        if len(out) + len(piece) > _MAX_ERROR - 2:
            return out + " …"
        out += piece
    return out


def _too_big(max_bytes: int) -> Answer:
    return text_answer(413, f"the answer is larger than the {max_bytes} byte cap of this endpoint; "
                            "ask for fewer rows (LIMIT) or fewer columns")


def answer_query(
    store: ox.Store,
    query: str,
    *,
    accept: Optional[str] = None,
    limit: int = DEFAULT_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    union_default_graph: bool = False,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    prefixes: Optional[dict[str, str]] = None,
) -> Answer:
    """Run ``query`` on ``store`` and serialise at most ``limit`` rows, as the endpoint does.

    At most ``limit + 1`` solutions (or triples) are pulled from Oxigraph's lazy
    iterator: the rest of a streaming answer is never computed.  The size of the
    rows read so far is counted (their SPARQL JSON) and the query stops as soon as
    it passes ``max_bytes``.

    Parameters
    ----------
    store : pyoxigraph.Store
    query : str
        SPARQL 1.1 query text; the prefixes of :data:`kg.query.engine.PREFIXES` are
        predeclared.
    accept : str, optional
        The client's ``Accept`` header (see :func:`negotiate`).
    limit : int
        Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned.
    max_bytes : int
        Largest answer body in bytes.
    union_default_graph : bool
        Default graph = union of all graphs (ignored when ``default_graphs`` is given).
    default_graphs, named_graphs : tuple of str
        ``default-graph-uri`` / ``named-graph-uri`` protocol parameters (IRIs).
    prefixes : dict of str to str, optional
        Predeclared prefixes (default :data:`kg.query.engine.PREFIXES`; the server
        passes them in each request so that workers need not import rdflib).

    Returns
    -------
    Answer
        200 with the results; 400 with a short parser message (``error at LINE:COL:
        …``) for a malformed query or a bad graph IRI; 406 if ``accept`` allows no
        format for this answer kind; 413 if the answer passes ``max_bytes``; 503 if
        the worker ran out of memory; 500 if evaluation fails.  Boolean (ASK)
        answers are never cut.
    """
    if prefixes is None:
        from kg.query.engine import PREFIXES as prefixes
    kwargs: dict[str, Any] = {"prefixes": prefixes}
    try:
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    except ValueError as exc:
        return text_answer(400, f"bad graph IRI: {exc}")
    try:
        res = store.query(query, **kwargs)
        if isinstance(res, ox.QueryBoolean):
            mtype = negotiate(accept, "boolean")
            if mtype is None:
                return text_answer(406, f"cannot answer an ASK query as {accept}; offered: {', '.join(RESULT_TYPES)}")
            doc = json.dumps({"head": {}, "boolean": bool(res)}).encode()
            return Answer(200, _ctype(mtype), _reformat(doc, RESULT_TYPES[mtype]))
        if isinstance(res, ox.QuerySolutions):
            mtype = negotiate(accept, "solutions")
            if mtype is None:
                return text_answer(406, f"cannot answer a SELECT query as {accept}; offered: {', '.join(RESULT_TYPES)}")
            names = [v.value for v in res.variables]
            rows, size, cut = [], 0, False
            for sol in res:
                if len(rows) == limit:
                    cut = True
                    break
                row = {n: _term_json(sol[n]) for n in names if sol[n] is not None}
                size += len(json.dumps(row, ensure_ascii=False).encode("utf-8"))
                if size > max_bytes:
                    return _too_big(max_bytes)
                rows.append(row)
            doc = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}},
                             ensure_ascii=False).encode("utf-8")
            del rows
            body = _reformat(doc, RESULT_TYPES[mtype])
            return _too_big(max_bytes) if len(body) > max_bytes else Answer(200, _ctype(mtype), body, cut)
        mtype = negotiate(accept, "graph")
        if mtype is None:
            return text_answer(406, f"cannot answer a graph query as {accept}; offered: {', '.join(GRAPH_TYPES)}")
        triples, size, cut = [], 0, False
        for t in res:
            if len(triples) == limit:
                cut = True
                break
            size += len(str(t))
            if size > max_bytes:
                return _too_big(max_bytes)
            triples.append(t)
        body = ox.serialize(triples, format=GRAPH_TYPES[mtype])
        return _too_big(max_bytes) if len(body) > max_bytes else Answer(200, _ctype(mtype), body, cut)
    except SyntaxError as exc:
        return text_answer(400, f"SPARQL syntax error: {short_syntax_error(exc)}")
    except MemoryError:
        return text_answer(503, "the query needed more memory than a query worker may use; "
                                "it was stopped")
    except (OSError, RuntimeError, ValueError) as exc:
        return text_answer(500, f"query failed: {exc}")


def _ctype(mtype: str) -> str:
    return mtype + "; charset=utf-8" if mtype.startswith("text/") else mtype


def _reformat(json_doc: bytes, fmt: ox.QueryResultsFormat) -> bytes:
    """SPARQL JSON results → the same results in ``fmt`` (Oxigraph's serialisers)."""
    if fmt == ox.QueryResultsFormat.JSON:
        return json_doc
    return ox.parse_query_results(json_doc, format=fmt.JSON).serialize(format=fmt)
