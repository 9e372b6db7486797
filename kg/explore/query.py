"""A small in-process SPARQL endpoint at ``/query`` for :func:`kg.explore.create_app`.

Used when the explorer runs without ``kg serve``'s endpoint (standalone, tests).
SPARQL 1.1 Protocol subset: ``GET /query?query=…``, ``POST`` as
``application/sparql-query`` or an ``application/x-www-form-urlencoded`` form.
Queries run on the build's store opened read-only once, with the prefixes of
:data:`kg.query.PREFIXES` predeclared (as ``kg query``).  SELECT/ASK answer as
SPARQL JSON (CSV when ``Accept`` prefers ``text/csv``), CONSTRUCT/DESCRIBE as
N-Triples; a syntax error gets 400 with the parser's message; updates are refused
by the query parser (400).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kg.errors import KGError
from kg.query.engine import PREFIXES

__all__ = ["query_route"]

#: Largest accepted request body in bytes.
MAX_BODY = 1 << 20


def _answer(st: ox.Store, text: str, accept: str) -> Response:
    try:
        res = st.query(text, prefixes=PREFIXES)
        if isinstance(res, ox.QueryTriples):
            return Response(res.serialize(format=ox.RdfFormat.N_TRIPLES), media_type="application/n-triples")
        if "text/csv" in accept and "json" not in accept:
            return Response(res.serialize(format=ox.QueryResultsFormat.CSV), media_type="text/csv")
        return Response(res.serialize(format=ox.QueryResultsFormat.JSON),
                        media_type="application/sparql-results+json")
    except SyntaxError as exc:
        return PlainTextResponse(f"SPARQL syntax error: {exc}\n", 400)
    except (RuntimeError, OSError) as exc:
        return PlainTextResponse(f"query failed: {exc}\n", 500)


def query_route(build_dir: Path | str) -> Route:
    """``Route("/query")`` answering SPARQL over ``build_dir``'s store (opened on first use)."""
    state: dict = {}

    def store() -> ox.Store:
        if "store" not in state:
            from kg.build.io import open_build_store

            state["store"] = open_build_store(Path(build_dir)).store
        return state["store"]

    async def endpoint(request: Request) -> Response:
        params = {k: request.query_params.getlist(k) for k in request.query_params}
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY:
                return PlainTextResponse("request body too large\n", 413)
            ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return PlainTextResponse("the request body is not UTF-8\n", 400)
            if ctype == "application/x-www-form-urlencoded":
                for k, v in parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                params.setdefault("query", []).insert(0, text)
            else:
                return PlainTextResponse("POST a query as application/sparql-query or a form\n", 415)
        if "update" in params:
            return PlainTextResponse("read-only endpoint: updates are refused\n", 403)
        queries = params.get("query") or []
        if len(queries) != 1:
            return PlainTextResponse("give exactly one 'query' parameter\n", 400)
        try:
            st = store()
        except KGError as exc:
            return PlainTextResponse(f"{exc}\n", 503)
        return await run_in_threadpool(_answer, st, queries[0], request.headers.get("accept") or "")

    return Route("/query", endpoint, methods=["GET", "POST"], name="explore-query")
