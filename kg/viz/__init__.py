"""Interactive, offline HTML views of the knowledge graph (pyvis / vis-network).

* :func:`select_view` — pick an overview, type/relation subset, ego graph of an
  entity, one document's subgraph, or a date window, as a *new* graph;
* :func:`overview_view` — the overview of ``index.html``: top entities joined by
  typed relations and by the documents that mention both (folded co-mentions);
* :func:`render_html` — write a view as one self-contained HTML page with a
  legend, escaped evidence tooltips and physics that stops once stable;
* :func:`write_site` — what ``kg build`` writes: ``index.html`` plus one page per
  entity type;
* :func:`view_command` — what ``kg view`` runs.

None of them changes the graph it is given.
"""

from kg.viz.overview import OVERVIEW_TOP, fold_mentions, overview_view
from kg.viz.render import MAX_NODES, RenderError, render_html
from kg.viz.select import DEFAULT_TOP, ViewError, find_document, find_entity, select_view
from kg.viz.site import load_build, type_page_name, view_command, write_site

__all__ = [
    "DEFAULT_TOP",
    "MAX_NODES",
    "OVERVIEW_TOP",
    "RenderError",
    "ViewError",
    "find_document",
    "find_entity",
    "fold_mentions",
    "load_build",
    "overview_view",
    "render_html",
    "select_view",
    "type_page_name",
    "view_command",
    "write_site",
]
