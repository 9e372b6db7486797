"""Notebook entry points: :func:`load` a build, run :func:`sparql` into a DataFrame.

>>> import kg                                                     # doctest: +SKIP
>>> K = kg.load("build")                                          # doctest: +SKIP
>>> K.graph.number_of_nodes()                                     # doctest: +SKIP
244
>>> kg.sparql("build", "org-develops", orgLabel="Huawei")         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

import networkx as nx
import pandas as pd

from kg.build import load_graph
from kg.query import QueryRows, open_store, query_store, resolve_query

__all__ = ["KGraph", "load", "sparql", "rows_to_frame", "resolve_query"]

#: A named query is a bare file stem: letters, digits, ``-``, ``_`` and ``.``.


def _column(values: list[Any]) -> pd.Series:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64")
    if present and all(
        isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present
    ):
        return pd.Series([float(v) if v is not None else float("nan") for v in values], dtype="float64")
    return pd.Series(values, dtype="object")


def rows_to_frame(rows: QueryRows) -> pd.DataFrame:
    """Turn query rows into a :class:`pandas.DataFrame`.

    Parameters
    ----------
    rows : kg.query.QueryRows
        Answer of :func:`kg.query.query_store` / :func:`kg.query.run_query`.

    Returns
    -------
    pandas.DataFrame
        One column per variable, in ``SELECT`` order (``ask`` for ``ASK``;
        ``subject``/``predicate``/``object`` for ``CONSTRUCT``). Column types: a
        column of integers only is ``Int64`` (nullable); one of numbers with
        ``xsd:decimal``/``xsd:double`` values is ``float64`` (unbound → NaN;
        pandas has no decimal dtype, so decimals are rounded to the nearest
        double); everything else (IRIs, labels, dates as ISO text) is ``object``
        with unbound values as ``None``.
    """
    cols = list(rows.variables)
    data = {c: _column([r.get(c) for r in rows]) for c in cols}
    return pd.DataFrame(data, columns=cols)


@dataclass
class KGraph:
    """A loaded build: the NetworkX graph plus read-only access to its RDF store.

    Attributes
    ----------
    build_dir : pathlib.Path
        The folder written by ``kg build``.
    graph : networkx.MultiDiGraph
        The merged graph (schema in :mod:`kg.build`), read from ``graph.json``.
    build_id : str or None
        The ``build_id`` of the build ``graph`` was read from (its
        ``.kg-build.json`` marker; None without one).

    Notes
    -----
    The Oxigraph store (``build_dir/store``) is opened read-only on first use of
    :attr:`store` or :meth:`sparql` and shared by later queries.  It must come from
    the same build as :attr:`graph`: if ``kg build`` replaced the folder in
    between, opening it raises :class:`~kg.errors.BuildError` (load again).
    """

    build_dir: Path
    graph: nx.MultiDiGraph
    build_id: str | None = None
    _store: Any = field(default=None, init=False, repr=False)

    @property
    def store(self):
        """The build's :class:`pyoxigraph.Store`, opened read-only.

        Raises
        ------
        BuildError
            If the build has no store (``kg build --no-store``), it cannot be
            opened, or the folder holds a newer build than :attr:`graph`.
        """
        if self._store is None:
            from kg.build.io import open_build_store
            from kg.errors import BuildError

            opened = open_build_store(self.build_dir)
            if self.build_id is not None and opened.build_id != self.build_id:
                raise BuildError(f"{self.build_dir}: rebuilt since kg.load() read its graph (build {self.build_id} "
                                 f"→ {opened.build_id}); call kg.load() again")
            self._store = opened.store
        return self._store

    def sparql(self, query: Union[str, Path], /, **bindings: Any) -> pd.DataFrame:
        """Run a SPARQL query on this build's store.

        Parameters
        ----------
        query : str or pathlib.Path
            SPARQL text, a named query (``"org-develops"``) or a ``.rq`` path
            (see :func:`resolve_query`).
        **bindings
            Variable values passed as RDF terms (see :func:`sparql`).

        Returns
        -------
        pandas.DataFrame
            See :func:`rows_to_frame`.

        Raises
        ------
        BuildError
            If the build has no store.
        QueryError
            Unknown name, syntax error or bad binding.
        """
        text = resolve_query(query)
        return rows_to_frame(query_store(self.store, text, bindings=bindings))

    def summary(self) -> pd.DataFrame:
        """Counts of nodes per kind and type and of edges per relation.

        Returns
        -------
        pandas.DataFrame
            Columns ``what`` (``"node"`` or ``"edge"``), ``kind`` (node kind or
            ``"relation"``), ``name`` (type or relation name) and ``count``;
            sorted by ``what``, ``kind``, descending ``count``, then ``name``.
        """
        counts: dict[tuple[str, str, str], int] = {}
        for _, a in self.graph.nodes(data=True):
            k = ("node", str(a.get("kind")), str(a.get("type")))
            counts[k] = counts.get(k, 0) + 1
        for _, _, key in self.graph.edges(keys=True):
            k = ("edge", "relation", str(key))
            counts[k] = counts.get(k, 0) + 1
        df = pd.DataFrame(
            [(w, k, n, c) for (w, k, n), c in counts.items()],
            columns=["what", "kind", "name", "count"],
        )
        df = df.sort_values(["what", "kind", "count", "name"], ascending=[False, True, False, True])
        return df.reset_index(drop=True)

    def close(self) -> None:
        """Release the store (it is reopened on the next query)."""
        self._store = None


def load(build_dir: Union[str, Path]) -> KGraph:
    """Load a build directory for analysis.

    Parameters
    ----------
    build_dir : str or pathlib.Path
        A folder written by ``kg build INPUT --out DIR``.

    Returns
    -------
    KGraph
        ``.graph`` is the :class:`networkx.MultiDiGraph` (a fresh copy read from
        ``graph.json``; changing it changes no file), ``.store`` the read-only
        Oxigraph store, ``.sparql(query, **bindings)`` a DataFrame.

    Raises
    ------
    BuildError
        If the folder or its ``graph.json`` is missing or unreadable.
    """
    from kg.build.outdir import build_id

    d = Path(build_dir)
    for _ in range(10):  # the build id before and after reading: the graph is that build's
        bid = build_id(d)
        G = load_graph(d)
        if build_id(d) == bid:
            break
    return KGraph(build_dir=d, graph=G, build_id=bid)


def sparql(build_dir: Union[str, Path], query: Union[str, Path], /, **bindings: Any) -> pd.DataFrame:
    """Run a SPARQL query over a build and return the answer as a DataFrame.

    Parameters
    ----------
    build_dir : str or pathlib.Path
        A folder written by ``kg build`` (with its ``store/``).
    query : str or pathlib.Path
        SPARQL text, the name of a query in ``ontology/queries`` (e.g.
        ``"datasets-most-methods"``), or a path to a ``.rq`` file. The prefixes
        of :data:`kg.query.PREFIXES` (``kg:``, ``rdfs:``, ``schema:``...) are
        predeclared.
    **bindings
        Values for query variables, e.g. ``orgLabel="Huawei"``: passed to
        Oxigraph as RDF terms (``str`` → ``xsd:string`` literal, ``int``,
        ``float``, ``Decimal``, ``bool``, or an rdflib/pyoxigraph term such as
        ``rdflib.URIRef`` for an IRI), never pasted into the query text. A bound
        variable must be selected by the query.

    Returns
    -------
    pandas.DataFrame
        See :func:`rows_to_frame` for columns and types.

    Raises
    ------
    BuildError
        If the build directory or its store is missing or partial.
    QueryError
        Unknown query name, unreadable file, SPARQL syntax error, or bad binding.
    """
    text = resolve_query(query)
    store = open_store(Path(build_dir))
    try:
        rows = query_store(store, text, bindings=bindings)
    finally:
        del store
    return rows_to_frame(rows)
