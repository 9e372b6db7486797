"""SHACL validation of an RDF export against ``ontology/shapes.ttl`` (pyshacl).

The shapes check that every entity, document, venue and topic has a type and a
label, that relations respect the domains and ranges of
:data:`kg.model.RELATION_TYPES`, that results have a method or a metric and one
``xsd:decimal`` value, and that statements and evidence carry full provenance.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import Graph

from kg.errors import BuildError
from kg.paths import ONTOLOGY_FILE, SHAPES_FILE

__all__ = ["validate_graph", "validate_build"]


@lru_cache(maxsize=1)
def _shapes_and_ontology() -> tuple[Graph, Graph]:
    graphs = []
    for path in (SHAPES_FILE, ONTOLOGY_FILE):
        try:
            graphs.append(Graph().parse(path, format="turtle"))
        except (OSError, SyntaxError, ValueError) as exc:
            raise BuildError(f"{path}: cannot read: {exc}") from exc
    return graphs[0], graphs[1]


def validate_graph(data: Graph) -> tuple[bool, str]:
    """Validate an RDF graph (the default graph of an export) with the kg shapes.

    Parameters
    ----------
    data : rdflib.Graph
        The data graph (not modified; pyshacl works on a copy mixed with the ontology).

    Returns
    -------
    conforms : bool
        True when no shape is violated.
    report_text : str
        pyshacl's human-readable report (lists each violation with its focus node,
        path and message).
    """
    shapes, ontology = _shapes_and_ontology()
    conforms, _report_graph, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    return bool(conforms), str(text)


def validate_build(build_dir: Path) -> tuple[bool, str]:
    """Validate the ``graph.ttl`` of a build directory against ``ontology/shapes.ttl``.

    Parameters
    ----------
    build_dir : pathlib.Path
        Folder written by ``kg build``.

    Returns
    -------
    conforms : bool
    report_text : str
        See :func:`validate_graph`.

    Raises
    ------
    BuildError
        If ``graph.ttl`` is missing or does not parse.
    """
    path = Path(build_dir) / "graph.ttl"
    if not path.is_file():
        raise BuildError(f"{path}: missing — the build is missing or partial (run `kg build`)")
    try:
        data = Graph().parse(path, format="turtle")
    except (SyntaxError, ValueError) as exc:
        raise BuildError(f"{path}: does not parse as Turtle: {exc}") from exc
    return validate_graph(data)
