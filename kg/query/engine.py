"""Run SPARQL over a build's Oxigraph store (or any rdflib graph, for comparison)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Union

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import BuildError, QueryError
from kg.export.store import STORE_DIRNAME, is_store
from kg.namespace import KG_NS, SDO, WD

__all__ = [
    "PREFIXES",
    "QueryRows",
    "open_store",
    "run_query",
    "query_store",
    "query_rdflib",
]

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SDO),
    "wd": str(WD),
}

BindingValue = Union[str, int, float, bool, Decimal, rdflib.term.Identifier, ox.NamedNode, ox.Literal, ox.BlankNode]

_XSD = str(XSD)
_INT_TYPES = {
    _XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
}


class QueryRows(list):
    """Rows of a query answer: a list of ``{variable: python value}`` dicts.

    Attributes
    ----------
    variables : list of str
        Column names in order (``SELECT`` variables; ``["ask"]`` for ``ASK``;
        ``["subject", "predicate", "object"]`` for ``CONSTRUCT``/``DESCRIBE``).
    kind : str
        ``"select"``, ``"ask"`` or ``"graph"``.

    Values: IRIs as ``str``, blank nodes as ``"_:id"``, ``xsd:integer`` (and its
    subtypes) as ``int``, ``xsd:decimal`` as :class:`decimal.Decimal`,
    ``xsd:double``/``xsd:float`` as ``float``, ``xsd:boolean`` as ``bool``, all
    other literals as their lexical ``str``; unbound variables as ``None``.
    """

    def __init__(self, rows=(), variables=(), kind="select"):
        super().__init__(rows)
        self.variables = list(variables)
        self.kind = kind


def _literal_value(lexical: str, datatype: str) -> Any:
    try:
        if datatype in _INT_TYPES:
            return int(lexical)
        if datatype == _XSD + "decimal":
            return Decimal(lexical)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(lexical)
        if datatype == _XSD + "boolean":
            return lexical.strip() in ("true", "1")
    except (ValueError, ArithmeticError):
        pass  # ill-typed literal: keep its text
    return lexical


def ox_to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (see :class:`QueryRows`).

    Dispatches on the exact type first (literals and IRIs are nearly every value):
    with the rows built by ``zip`` over each solution, converting the 323 rows of the
    2-hop query of ``benchmarks/bench_sparql.py`` fell from 1.1 to 0.5 ms.
    """
    t = type(term)
    if t is ox.Literal:
        return _literal_value(term.value, term.datatype.value)
    if t is ox.NamedNode:
        return term.value
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return _literal_value(term.value, term.datatype.value)
    return str(term)


def rdflib_to_python(term: Any) -> Any:
    """An rdflib term as a plain Python value (same conventions as :func:`ox_to_python`)."""
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return str(term)
    if isinstance(term, rdflib.BNode):
        return "_:" + str(term)
    if isinstance(term, rdflib.Literal):
        dt = str(term.datatype) if term.datatype else _XSD + "string"
        return _literal_value(str(term), dt)
    return str(term)


def to_ox_term(value: BindingValue, name: str = "?") -> Any:
    """Convert a binding value to a pyoxigraph term (never by pasting text).

    ``str`` → ``xsd:string`` literal (use :class:`rdflib.URIRef` or
    :class:`pyoxigraph.NamedNode` for an IRI), ``bool`` → ``xsd:boolean``, ``int``
    → ``xsd:integer``, ``float`` → ``xsd:double``, ``Decimal`` → ``xsd:decimal``,
    rdflib ``URIRef``/``Literal``/``BNode`` → the same term.

    Raises
    ------
    QueryError
        For any other type, or an invalid IRI.
    """
    try:
        if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            return value
        if isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
        if isinstance(value, float):
            return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
        if isinstance(value, Decimal):
            return ox.Literal(format(value, "f"), datatype=ox.NamedNode(_XSD + "decimal"))
        if isinstance(value, rdflib.URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, rdflib.BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, rdflib.Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
        if isinstance(value, str):
            return ox.Literal(value)
    except ValueError as exc:
        raise QueryError(f"binding ?{name}: {exc}") from exc
    raise QueryError(f"binding ?{name}: unsupported value type {type(value).__name__}")


#: Tokens of SPARQL text that may contain ``?``/``$`` without being variables
#: (strings, IRIs, comments), and variables (group 1), after the SPARQL 1.1
#: grammar (STRING_LITERAL_LONG1/2, STRING_LITERAL1/2, IRIREF, VAR1/VAR2; a
#: comment runs from ``#`` to the end of the line).
_SPARQL_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
    r"|[?$](\w+)"
)


def query_variables(query: str) -> list[str]:
    """The variable names of a SPARQL query, in order of first use.

    Strings, IRIs and comments are skipped, so ``"?"`` in a literal or ``#?x`` in
    a comment is not a variable.

    Parameters
    ----------
    query : str
        SPARQL text.

    Returns
    -------
    list of str
        Names without ``?``/``$``, each once.

    Examples
    --------
    >>> query_variables('SELECT ?s WHERE { ?s rdfs:label "what?" ; kg:count $c }  # ?not')
    ['s', 'c']
    """
    seen: dict[str, None] = {}
    for m in _SPARQL_TOKENS.finditer(query):
        if m.group(1):
            seen.setdefault(m.group(1), None)
    return list(seen)


def check_bindings(query: str, names: Iterable[str]) -> None:
    """Raise if a binding names a variable the query does not use, suggesting the right one.

    Parameters
    ----------
    query : str
        SPARQL text.
    names : iterable of str
        Bound variable names (with or without ``?``/``$``).

    Raises
    ------
    QueryError
        One line: the unknown name, the query's variable it most likely means
        (the same name in another case, else the closest by
        :func:`difflib.get_close_matches` with cutoff 0.6) and the query's variables.
    """
    variables = query_variables(query)
    folded = {v.casefold(): v for v in variables}
    for name in names:
        n = name[1:] if name[:1] in ("?", "$") else name
        if n in variables:
            continue
        close = [n.casefold()] if n.casefold() in folded else difflib.get_close_matches(
            n.casefold(), list(folded), n=1, cutoff=0.6)
        hint = f"; did you mean ?{folded[close[0]]}?" if close else ""
        listing = ", ".join("?" + v for v in variables) or "none"
        raise QueryError(f"binding ?{n}: the query has no variable ?{n}{hint} (its variables: {listing})")


def _var_name(name: str) -> str:
    n = name[1:] if name[:1] in ("?", "$") else name
    try:
        ox.Variable(n)
    except ValueError as exc:
        raise QueryError(f"binding name {name!r} is not a SPARQL variable name: {exc}") from exc
    if not n or not all(c.isalnum() or c == "_" for c in n):
        raise QueryError(f"binding name {name!r} is not a SPARQL variable name")
    return n


def open_store(build_dir: Path) -> ox.Store:
    """Open the store of a build directory read-only, never while a build replaces it.

    Opens under the shared swap lock (:func:`kg.build.io.open_build_store`): the
    store is the old build's or the new one's, whole, and keeps answering from it.

    Parameters
    ----------
    build_dir : pathlib.Path
        A folder written by ``kg build`` (it holds ``store/``).

    Returns
    -------
    pyoxigraph.Store

    Raises
    ------
    BuildError
        If the folder or its store is missing or cannot be opened.
    """
    from kg.build.io import open_build_store

    return open_build_store(build_dir).store


def open_store_unlocked(build_dir: Path) -> ox.Store:
    """:func:`open_store` without the swap lock (the caller holds it)."""
    build_dir = Path(build_dir)
    if not build_dir.is_dir():
        raise BuildError(f"{build_dir}: no such build directory (run `kg build INPUT --out {build_dir}`)")
    store_dir = build_dir / STORE_DIRNAME
    if not is_store(store_dir):
        raise BuildError(
            f"{build_dir}: no Oxigraph store in {store_dir} — the build is missing or partial "
            f"(run `kg build INPUT --out {build_dir}` again)"
        )
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise BuildError(f"{store_dir}: cannot open the store read-only: {exc}") from exc


def query_store(
    store: ox.Store,
    query: str,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
    union_default_graph: bool = False,
) -> QueryRows:
    """Run a SPARQL query on an open pyoxigraph store.

    Bindings are passed to Oxigraph as ``substitutions`` (RDF-dev SEP-0007): the
    variable takes the value as an RDF term, so no text is pasted into the query.  A
    bound variable must be in the ``SELECT`` clause (or the query ``SELECT *``).
    Oxigraph 0.5 plans the joins before it sees the substituted values: it orders
    patterns by their constants, breaking ties by text order, so a query is fast with
    a binding when the pattern holding the bound variable comes first and no
    two-constant pattern (``?x a kg:T``) is left in the join to be planned before
    it (write type tests as ``FILTER EXISTS``).  On the 1.15 M-triple graph of
    ``benchmarks/bench_sparql.py`` (machine load ~6 on 2 cores), ``?org rdfs:label
    ?orgLabel`` first took 0.5 ms with ``orgLabel`` substituted against 36–46 ms
    when it came second; the same label as a constant took 0.2 ms.  Such an order
    is slower unbound (it starts from every label), so the named queries use it only
    where a binding is their documented use (``evidence``, ``results-on-dataset``).

    Parameters
    ----------
    store : pyoxigraph.Store
    query : str
        SPARQL 1.1 query; the prefixes of :data:`PREFIXES` are predeclared.
    bindings : mapping of str to value, optional
        Variable name (with or without ``?``) → value (see :func:`to_ox_term`).
    union_default_graph : bool
        Query the union of all graphs as the default graph (default: only the
        default graph, which already holds every fact once).

    Returns
    -------
    QueryRows

    Raises
    ------
    QueryError
        On a syntax error (with the parser's message and position), a bad binding
        (one naming no variable of the query suggests the closest, see
        :func:`check_bindings`), or an evaluation error.
    """
    subs = {}
    for name, value in (bindings or {}).items():
        n = _var_name(name)
        subs[ox.Variable(n)] = to_ox_term(value, n)
    if bindings:
        check_bindings(query, bindings)
    try:
        res = store.query(
            query,
            prefixes=PREFIXES,
            use_default_graph_as_union=union_default_graph,
            substitutions=subs or None,
        )
        if isinstance(res, ox.QueryBoolean):
            return QueryRows([{"ask": bool(res)}], ["ask"], "ask")
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            # a solution iterates over its values in the order of res.variables (None
            # when unbound)
            rows = [dict(zip(names, map(ox_to_python, sol))) for sol in res]
            return QueryRows(rows, names, "select")
        rows = [
            {"subject": ox_to_python(t.subject), "predicate": ox_to_python(t.predicate),
             "object": ox_to_python(t.object)}
            for t in res
        ]
        return QueryRows(rows, ["subject", "predicate", "object"], "graph")
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except RuntimeError as exc:
        if "projection" in str(exc):
            raise QueryError(
                f"{exc}: a bound variable must appear in the SELECT clause"
            ) from exc
        raise QueryError(f"query failed: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query failed reading the store: {exc}") from exc


def run_query(
    build_dir: Path,
    query: Union[str, Path],
    *,
    bindings: Mapping[str, BindingValue] | None = None,
    fmt: str | None = None,
    union_default_graph: bool = False,
) -> Union[QueryRows, str]:
    """Run a SPARQL query over a build directory's store.

    Parameters
    ----------
    build_dir : pathlib.Path
        Folder written by ``kg build``.
    query : str or pathlib.Path
        Query text, or a :class:`~pathlib.Path` to a ``.rq`` file (use
        :func:`kg.query.load_named` for named queries).
    bindings : mapping, optional
        Values for query variables, passed as RDF terms, never pasted into the text
        (see :func:`query_store`).
    fmt : {None, "table", "csv", "json"}
        ``None`` returns the rows; a format name returns them formatted as a string
        (:func:`kg.query.format_rows`).
    union_default_graph : bool
        Let the default graph be the union of all graphs.

    Returns
    -------
    QueryRows or str

    Raises
    ------
    BuildError
        If the build directory or its store is missing or partial.
    QueryError
        On a syntax error, a bad binding, or an unreadable query file.

    Examples
    --------
    >>> rows = run_query(build, "SELECT ?m WHERE { ?m kg:evaluatedOn ?d }")  # doctest: +SKIP
    """
    from kg.query.format import format_rows

    if isinstance(query, Path):
        try:
            query = query.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{query}: cannot read the query file: {exc}") from exc
    store = open_store(build_dir)
    try:
        rows = query_store(store, query, bindings=bindings, union_default_graph=union_default_graph)
    finally:
        del store
    return rows if fmt is None else format_rows(rows, fmt)


def query_rdflib(
    graph: rdflib.Graph,
    query: str,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
) -> QueryRows:
    """Run the same kind of query with rdflib's engine (slow; for checks and benchmarks).

    Parameters
    ----------
    graph : rdflib.Graph or rdflib.Dataset
    query : str
        SPARQL query; :data:`PREFIXES` are predeclared.
    bindings : mapping, optional
        Passed as ``initBindings`` (rdflib terms; plain values become literals).

    Returns
    -------
    QueryRows

    Raises
    ------
    QueryError
        On a syntax error.
    """
    from pyparsing import ParseException

    if bindings:
        check_bindings(query, bindings)
    init = {}
    for name, value in (bindings or {}).items():
        n = _var_name(name)
        init[n] = value if isinstance(value, rdflib.term.Identifier) else rdflib.Literal(value)
    try:
        res = graph.query(query, initNs=PREFIXES, initBindings=init or None)
    except ParseException as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    if res.type == "ASK":
        return QueryRows([{"ask": bool(res.askAnswer)}], ["ask"], "ask")
    if res.type == "SELECT":
        names = [str(v) for v in res.vars]
        return QueryRows(
            [{n: rdflib_to_python(row[i]) for i, n in enumerate(names)} for row in res],
            names,
            "select",
        )
    rows = [
        {"subject": rdflib_to_python(s), "predicate": rdflib_to_python(p), "object": rdflib_to_python(o)}
        for s, p, o in res
    ]
    return QueryRows(rows, ["subject", "predicate", "object"], "graph")
