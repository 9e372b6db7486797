"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build's store.

Starlette app (:mod:`kg.serve.app`) served by uvicorn (:mod:`kg.serve.server`);
queries run in a pool of worker processes (:mod:`kg.serve.workers`) holding the
store read-only; answers and content negotiation in :mod:`kg.serve.answer`; Host,
Origin, CORS and ``SERVICE`` checks in :mod:`kg.serve.security`.

Usage::

    with start_server(Path("build")) as srv:      # srv.url = "http://127.0.0.1:7878/query"
        ...
    serve(Path("build"))                           # blocks until Ctrl-C
    app = create_app(Path("build"), settings=Settings(), extra_routes=[...])
"""

from kg.serve.answer import DEFAULT_LIMIT, DEFAULT_MAX_BYTES, Answer, answer_query, negotiate
from kg.serve.app import MAX_BODY, Settings, create_app
from kg.serve.server import Server, serve, start_server
from kg.serve.workers import DEFAULT_MEMORY

__all__ = ["DEFAULT_LIMIT", "DEFAULT_MAX_BYTES", "DEFAULT_MEMORY", "MAX_BODY", "Answer", "Server",
           "Settings", "answer_query", "create_app", "negotiate", "serve", "start_server"]
