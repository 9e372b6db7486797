"""The Starlette app of ``kg serve``: the SPARQL 1.1 Protocol at ``/query``.

Routes (all other paths are free for other routes given to :func:`create_app`,
e.g. the web explorer at ``/``; without them they get 404):

* ``GET /query?query=…`` and ``POST /query`` (``application/sparql-query`` body, or an
  ``application/x-www-form-urlencoded`` form; plain or chunked bodies up to
  :data:`MAX_BODY` bytes), with ``default-graph-uri`` and ``named-graph-uri``;
* ``/update``, ``/store`` and any ``update=`` parameter: 403 (read-only);
* a query holding ``SERVICE`` is refused with 400 unless its endpoint is allowed
  (:func:`kg.serve.security.service_refusal`);
* every request passes :class:`kg.serve.security.GuardMiddleware` (Host and Origin
  checks) and, with ``cors``, Starlette's ``CORSMiddleware``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kg.query.engine import PREFIXES
from kg.serve.answer import DEFAULT_LIMIT, DEFAULT_MAX_BYTES, Answer, text_answer
from kg.serve.security import GuardMiddleware, service_refusal
from kg.serve.workers import DEFAULT_MEMORY, Pool

__all__ = ["MAX_BODY", "Settings", "create_app"]

#: Largest request body accepted (bytes); a bigger POST gets 413.
MAX_BODY = 1 << 20
#: Threads that may wait for a query worker at once (requests beyond wait for a thread).
_THREADS = 256


@dataclass
class Settings:
    """Options of the endpoint (``kg serve`` flags).

    Attributes
    ----------
    limit : int
        Most result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer.
    timeout_s : float
        Bound on each request's whole time (waiting for a worker, running, serialising).
    union_default_graph : bool
        Default graph = union of all graphs.
    workers : int
        Query worker processes.
    startup_timeout_s : float
        How long a worker may take to open the store.
    max_bytes : int
        Largest answer body in bytes (413 above).
    memory : int
        Address-space cap of each worker in bytes (0: none; 503 when a query needs more).
    host : str
        The address the server is bound to (accepted as a ``Host`` name).
    allow_hosts : tuple of str
        More accepted ``Host`` names (``--allow-host``).
    cors : tuple of str
        Origins allowed to use the endpoint from a browser (``--cors``; ``*`` any).
    allow_services : tuple of str
        Endpoint IRIs a ``SERVICE`` may name (``--allow-service``); none by default.
    """

    limit: int = DEFAULT_LIMIT
    timeout_s: float = 10
    union_default_graph: bool = False
    workers: int = 2
    startup_timeout_s: float = 30
    max_bytes: int = DEFAULT_MAX_BYTES
    memory: int = DEFAULT_MEMORY
    host: str = "127.0.0.1"
    allow_hosts: tuple[str, ...] = ()
    cors: tuple[str, ...] = ()
    allow_services: tuple[str, ...] = field(default=())


def _response(ans: Answer, limit: int) -> Response:
    headers = {"Vary": "Accept"}
    if ans.truncated:
        headers["X-KG-Truncated"] = str(limit)
    if ans.status == 503:
        headers["Retry-After"] = "1"
    return Response(ans.body, status_code=ans.status, media_type=ans.ctype, headers=headers)


def _refused() -> Response:
    return _response(text_answer(403, "read-only endpoint: updates are refused"), 0)


async def _body(request: Request) -> Optional[bytes]:
    """The request body (Content-Length or chunked), or None past :data:`MAX_BODY`."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_qs(text: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)


def create_app(build_dir: Path, *, settings: Settings, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The endpoint's Starlette app, with its worker pool already running.

    Parameters
    ----------
    build_dir : pathlib.Path
        Folder written by ``kg build`` (must hold ``store/``).
    settings : Settings
    extra_routes : sequence of starlette routes
        Routes served beside ``/query`` (e.g. the explorer's ``/``, ``/api/...``);
        they pass the same Host/Origin checks.  The endpoint itself takes only
        ``/query``, ``/update``, ``/store`` and ``/store/...``.

    Returns
    -------
    starlette.applications.Starlette
        ``app.state.pool`` is the :class:`kg.serve.workers.Pool` (closed on shutdown
        by the app's lifespan; :meth:`kg.serve.server.Server.stop` also closes it).

    Raises
    ------
    BuildError
        If the build has no store.
    KGError
        If a worker cannot open it.
    """
    s = settings
    pool = Pool(Path(build_dir), s.workers, s.startup_timeout_s, s.memory)

    async def query(request: Request) -> Response:
        try:
            params = _parse_qs(request.url.query)
        except (ValueError, UnicodeDecodeError) as exc:
            return _response(text_answer(400, f"bad query string: {exc}"), 0)
        texts: list[str] = []
        if request.method == "POST":
            try:
                body = await _body(request)
            except ClientDisconnect:
                return Response(status_code=400)
            if body is None:
                return _response(text_answer(413, f"request body must be at most {MAX_BODY} bytes"), 0)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                return _response(text_answer(400, f"the request body is not UTF-8: {exc}"), 0)
            ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = _parse_qs(text)
                except ValueError as exc:
                    return _response(text_answer(400, f"bad form: {exc}"), 0)
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                texts.append(text)
            elif ctype == "application/sparql-update":
                return _refused()
            else:
                return _response(text_answer(415, "POST a query as application/sparql-query or "
                                                  "application/x-www-form-urlencoded"), 0)
        if "update" in params:
            return _refused()
        texts += params.get("query", [])
        if not texts:
            return _response(text_answer(400, "missing the 'query' parameter"), 0)
        if len(texts) > 1:
            return _response(text_answer(400, "exactly one 'query' parameter is allowed"), 0)
        why = service_refusal(texts[0], s.allow_services)
        if why:
            return _response(text_answer(400, why), 0)
        req = {
            "query": texts[0],
            "accept": request.headers.get("accept"),
            "limit": s.limit,
            "max_bytes": s.max_bytes,
            "union_default_graph": s.union_default_graph,
            "default_graphs": tuple(params.get("default-graph-uri", ())),
            "named_graphs": tuple(params.get("named-graph-uri", ())),
            "prefixes": PREFIXES,
        }
        ans = await run_in_threadpool(pool.run, req, s.timeout_s)
        return _response(ans, s.limit)

    async def refuse(request: Request) -> Response:
        return _refused()

    every = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
    routes: list[BaseRoute] = [
        Route("/query", query, methods=["GET", "HEAD", "POST"]),
        Route("/update", refuse, methods=every),
        Route("/store", refuse, methods=every),
        Route("/store/{rest:path}", refuse, methods=every),
        *extra_routes,
    ]
    middleware = [Middleware(GuardMiddleware, hosts=(s.host, *s.allow_hosts), cors=s.cors)]
    if s.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(s.cors),
                                     allow_methods=["GET", "POST", "HEAD"],
                                     allow_headers=["Accept", "Content-Type"],
                                     expose_headers=["X-KG-Truncated"], max_age=600))

    @asynccontextmanager
    async def lifespan(app):
        # Requests wait for a free worker in threads; AnyIO's default of 40 threads
        # would make the 41st concurrent query queue before its timeout starts.
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = _THREADS
        yield
        pool.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.settings = s
    return app
