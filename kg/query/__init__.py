"""SPARQL over a build: the Oxigraph store, safe bindings, named queries, formatting.

>>> from kg.query import run_query, load_named                     # doctest: +SKIP
>>> rows = run_query(Path("build"), load_named("org-develops"),
...                  bindings={"orgLabel": "Huawei"})               # doctest: +SKIP
>>> print(format_rows(rows, "table"))                              # doctest: +SKIP
"""

from kg.query.engine import (
    PREFIXES,
    QueryRows,
    open_store,
    query_rdflib,
    query_store,
    run_query,
)
from kg.query.format import FORMATS, format_rows
from kg.query.named import list_named_queries, load_named, resolve_query

__all__ = [
    "PREFIXES",
    "QueryRows",
    "open_store",
    "query_store",
    "query_rdflib",
    "run_query",
    "FORMATS",
    "format_rows",
    "list_named_queries",
    "load_named",
    "resolve_query",
]
