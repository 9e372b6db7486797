"""The web explorer of a build: search, entity and document pages, SPARQL editor.

``kg serve`` mounts :func:`routes` beside its ``/query`` endpoint;
:func:`create_app` serves the explorer alone (with a small in-process ``/query``)
for tests and embedding.  :class:`Explorer` is the data layer shared with
``kg search`` and ``kg show``.
"""

from kg.explore.data import Explorer, NotFound
from kg.explore.web import CSP, create_app, render_document, routes

__all__ = ["CSP", "Explorer", "NotFound", "create_app", "render_document", "routes"]
