"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build's store.

Starlette app (:mod:`kg.serve.app`) served by uvicorn (:mod:`kg.serve.server`);
queries run in a pool of worker processes (:mod:`kg.serve.workers`,
:mod:`kg.serve.worker_main`) holding the store read-only; answers and content
negotiation in :mod:`kg.serve.answer`; Host, Origin, CORS and ``SERVICE`` checks in
:mod:`kg.serve.security`.

Names are imported lazily (PEP 562) so that a query worker, which imports
:mod:`kg.serve.worker_main`, does not load Starlette, uvicorn or the build code.

Usage::

    with start_server(Path("build")) as srv:      # srv.url = "http://127.0.0.1:7878/query"
        ...
    serve(Path("build"))                           # blocks until Ctrl-C
    app = create_app(Path("build"), settings=Settings(), extra_routes=[...])
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "DEFAULT_LIMIT": "answer", "DEFAULT_MAX_BYTES": "answer", "Answer": "answer",
    "answer_query": "answer", "negotiate": "answer",
    "MAX_BODY": "app", "Settings": "app", "create_app": "app",
    "Server": "server", "serve": "server", "start_server": "server",
    "DEFAULT_MEMORY": "workers",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'kg.serve' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kg.serve.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
