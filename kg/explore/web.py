"""The explorer's pages as Starlette routes: search, entity, document, SPARQL editor.

Every page is a Jinja2 template with autoescaping; data for scripts travels as
JSON in ``<script type="application/json">`` (Jinja's ``tojson`` escapes ``<``,
``>``, ``&`` and ``'``) and scripts build the DOM with ``textContent``, never
``innerHTML``.  The only markup not written by a template is displaCy's
(:func:`spacy.displacy.render`, which escapes the document text; the label, link
and id it pastes are escaped here first).  Every response carries
:data:`CSP`: scripts and styles from this server only (plus inline ``style``
attributes, which displaCy writes), requests to this server only, so nothing is
fetched from elsewhere even if escaping failed.  Assets live in the package
(``static/``: CodeMirror 5.65.18, MIT; vis-network 9.1.2 is served from pyvis).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import quote

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.explore.data import Explorer, NotFound
from kg.viz.style import TYPE_STYLES, style_for

__all__ = ["CSP", "routes", "create_app", "render_document"]

_HERE = Path(__file__).parent
_STATIC = _HERE / "static"
_VIS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"

#: The views ``kg build`` writes (``index.html``, ``type-*.html``), served at ``/views/``.
_VIEW_NAME = re.compile(r"(?:index|type-[a-z0-9-]+)\.html")

#: Content-Security-Policy of every explorer response.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

#: Facts listed per relation group on an entity page (the best supported; the page
#: says how many more there are).
MAX_FACTS = 100

#: Evidence sentences listed per fact on an entity page.
MAX_EVIDENCE = 5

#: Documents listed on an entity page.
MAX_DOCUMENTS = 200

_SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def entity_url(n: str) -> str:
    """Path of an entity's page (the id percent-encoded)."""
    return "/entity/" + quote(str(n), safe="")


def doc_url(d: str) -> str:
    """Path of a document's page (``doc:`` prefix dropped, the rest percent-encoded)."""
    return "/doc/" + quote(str(d).removeprefix("doc:"), safe="")


_env = Environment(
    loader=FileSystemLoader(str(_HERE / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(entity_url=entity_url, doc_url=doc_url, colour=lambda t: style_for(t).colour)


def _page(name: str, status: int = 200, **ctx: Any) -> Response:
    body = _env.get_template(name).render(**ctx)
    return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=_SECURITY_HEADERS)


def _json(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers=_SECURITY_HEADERS)


def render_document(doc: dict) -> Markup:
    """The document text with its entity mentions highlighted, as displaCy markup.

    Parameters
    ----------
    doc : dict
        :meth:`kg.explore.data.Explorer.document` output (``text``, ``mentions``).

    Returns
    -------
    markupsafe.Markup
        :func:`spacy.displacy.render` ``style="ent", manual=True`` output: one
        ``<mark class="entity">`` per mention, coloured by type, with a link to
        the entity's page.  displaCy escapes the text; the type label, link and
        id it inserts unescaped are escaped here.
    """
    from spacy import displacy

    text = doc.get("text") or ""
    ents = []
    for m in doc.get("mentions") or ():
        e = {"start": m["start"], "end": m["end"], "label": html.escape(str(m["type"]))}
        if m.get("id"):
            e["kb_id"] = html.escape(str(m["id"]))
            e["kb_url"] = html.escape(entity_url(m["id"]))
        ents.append(e)
    colours = {html.escape(t): s.colour for t, s in TYPE_STYLES.items()}
    out = displacy.render(
        [{"text": text, "ents": ents, "title": None}],
        style="ent", manual=True, page=False, minify=True, jupyter=False,
        options={"colors": colours},
    )
    return Markup(out)


def _named_queries() -> list[dict]:
    from kg.query.named import list_named_queries

    try:
        return [{"name": n, "description": d, "path": p} for n, d, p in list_named_queries()]
    except Exception:  # noqa: BLE001 - a missing ontology folder leaves the page usable
        return []


def routes(build_dir: Path | str, *, explorer: Optional[Explorer] = None) -> list[BaseRoute]:
    """Starlette routes of the explorer for one build (graph loaded once, here).

    Parameters
    ----------
    build_dir : pathlib.Path or str
        Folder written by ``kg build``.
    explorer : Explorer, optional
        An already loaded build (default: load ``build_dir``).

    Returns
    -------
    list of starlette.routing.BaseRoute
        ``/`` (search), ``/api/search``, ``/entity/{id}``, ``/doc/{id}``,
        ``/sparql``, ``/views/NAME`` (the build's overview and type pages, as
        ``kg build`` wrote them) and ``/static/...``.  SPARQL queries from the SPARQL page are
        POSTed to ``/query``, which the caller serves.

    Raises
    ------
    BuildError
        If the build's ``graph.json`` is missing or unreadable.
    """
    ex = explorer or Explorer(build_dir)
    summary = _summary(ex)

    def index(request: Request) -> Response:
        q = request.query_params.get("q", "")
        t = request.query_params.get("type", "") or None
        hits = ex.search(q, type_=t, limit=50) if q.strip() else []
        return _page("search.html", q=q, type=t or "", types=ex.types, hits=hits, summary=summary)

    def api_search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        t = request.query_params.get("type", "") or None
        try:
            limit = max(1, min(100, int(request.query_params.get("limit", "20"))))
        except ValueError:
            return _json({"error": "limit must be an integer"}, 400)
        return _json({"query": q, "type": t, "hits": ex.search(q, type_=t, limit=limit)})

    def entity(request: Request) -> Response:
        key = request.path_params["id"]
        try:
            n = ex.resolve(key)
        except NotFound as exc:
            return _page("error.html", 404, title="Not found", message=str(exc))
        data = ex.entity(n, max_facts=MAX_FACTS, max_evidence=MAX_EVIDENCE,
                         max_documents=MAX_DOCUMENTS)
        ego = ex.ego(n)
        for node in ego["nodes"]:
            node["colour"] = style_for(node["type"]).colour
        return _page("entity.html", e=data, ego=ego)

    def document(request: Request) -> Response:
        try:
            d = ex.document(request.path_params["id"])
        except NotFound as exc:
            return _page("error.html", 404, title="Not found", message=str(exc))
        return _page("doc.html", d=d, marked=render_document(d) if d["text"] else None)

    views_dir = Path(build_dir)
    view_names = {p.name for p in views_dir.glob("*.html") if _VIEW_NAME.fullmatch(p.name)}

    def view(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in view_names:
            return _page("error.html", 404, title="Not found", message=f"no view {name!r} in this build")
        # the view is a self-contained page with its own CSP <meta> (hashes of its
        # inline scripts): the explorer's policy, which allows no inline script, is
        # replaced by one that only forbids framing (a <meta> cannot say that).
        headers = dict(_SECURITY_HEADERS, **{"Content-Security-Policy": "frame-ancestors 'none'"})
        return FileResponse(views_dir / name, media_type="text/html; charset=utf-8", headers=headers)

    def sparql(request: Request) -> Response:
        named = _named_queries()
        text = request.query_params.get("query")
        example = request.query_params.get("example")
        if text is None and example:
            hit = next((q for q in named if q["name"] == example), None)
            text = hit["path"].read_text(encoding="utf-8") if hit else None
        if text is None:
            text = "SELECT ?method ?label WHERE {\n  ?method a kg:Method ; rdfs:label ?label .\n} LIMIT 20\n"
        return _page("sparql.html", text=text, run="query" in request.query_params,
                     base_iri=str(ex.graph.graph.get("base_iri") or ""),
                     examples=[{"name": q["name"], "description": q["description"]} for q in named],
                     current=example)

    return [
        Route("/", index, name="explore-index"),
        Route("/api/search", api_search, name="explore-search"),
        Route("/entity/{id:path}", entity, name="explore-entity"),
        Route("/doc/{id:path}", document, name="explore-doc"),
        Route("/sparql", sparql, name="explore-sparql"),
        Route("/views/{name}", view, name="explore-view"),
        Mount("/static/vis", app=StaticFiles(directory=str(_VIS)), name="explore-vis"),
        Mount("/static", app=StaticFiles(directory=str(_STATIC)), name="explore-static"),
    ]


def _summary(ex: Explorer) -> dict:
    from kg.viz.select import node_kind

    kinds: dict[str, int] = {}
    for _, a in ex.graph.nodes(data=True):
        k = node_kind(a)
        kinds[k] = kinds.get(k, 0) + 1
    return {"entities": kinds.get("entity", 0), "documents": kinds.get("document", 0),
            "results": kinds.get("result", 0)}


def create_app(build_dir: Path | str, query_app: Any = None, *, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """A Starlette app serving the explorer over one build.

    Parameters
    ----------
    build_dir : pathlib.Path or str
        Folder written by ``kg build``.
    query_app : ASGI app, optional
        Serves every path the explorer does not (``/query`` among them), seeing
        the full path.  Default: :func:`kg.explore.query.query_route`, a small
        in-process SPARQL endpoint at ``/query`` with the ``kg:`` and standard
        prefixes predeclared.
    extra_routes : sequence of routes
        Routes added before the explorer's.

    Returns
    -------
    starlette.applications.Starlette
    """
    from kg.explore.query import query_route

    rs: list[BaseRoute] = list(extra_routes) + routes(build_dir)
    if query_app is None:
        rs.append(query_route(build_dir))
    else:
        rs.append(Mount("", app=query_app))
    return Starlette(routes=rs)
