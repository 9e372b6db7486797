"""Run the endpoint app with uvicorn in a background thread (:func:`start_server`) or
until Ctrl-C (:func:`serve`).

Slow clients: uvicorn's h11 protocol has no deadline for a request's headers (a
connection that never finishes them stays open for ever), so :func:`_protocol`
subclasses it: a request must arrive whole (headers and body) within
``header_timeout_s`` of its first byte (or of the connection), else the connection is
closed.  ``limit_concurrency`` caps open connections plus running requests (uvicorn
answers 503 above it) and ``timeout_keep_alive`` closes idle kept-alive connections.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import h11
import uvicorn
from starlette.routing import BaseRoute
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.errors import KGError
from kg.serve.answer import DEFAULT_LIMIT, DEFAULT_MAX_BYTES
from kg.serve.app import Settings, create_app
from kg.serve.workers import DEFAULT_MEMORY, Pool

__all__ = ["DEFAULT_HEADER_TIMEOUT", "DEFAULT_MAX_CONNECTIONS", "Server", "serve", "start_server"]

#: Seconds a client may take to send a whole request (headers and body).
DEFAULT_HEADER_TIMEOUT = 10.0
#: Most open connections plus running requests (uvicorn ``limit_concurrency``); also
#: kept 64 below the process's open-file limit (``RLIMIT_NOFILE``) where that is lower.
DEFAULT_MAX_CONNECTIONS = 4096


def _protocol(header_timeout_s: float) -> type:
    """uvicorn's H11Protocol with a deadline on reading each request."""

    class DeadlineH11Protocol(H11Protocol):
        _deadline: Optional[asyncio.TimerHandle] = None

        def _arm(self) -> None:
            if self._deadline is None:
                self._deadline = self.loop.call_later(header_timeout_s, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                self.transport.close()  # connection_lost tells a waiting app the client is gone

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE or self.conn.their_state is h11.DONE:
                self._arm()
            super().data_received(data)
            if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
                self._disarm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return DeadlineH11Protocol


@dataclass
class Server:
    """A running endpoint (see :func:`start_server`); a context manager that stops it.

    Attributes
    ----------
    url : str
        The SPARQL endpoint, ``http://<host>:<port>/query``.
    host, port : str, int
        Where the server listens.
    limit : int
        Maximum rows/triples per answer.
    timeout_s : float
        Bound on the whole time of one request, in seconds.
    app : starlette.applications.Starlette
    """

    url: str
    host: str
    port: int
    limit: int
    timeout_s: float
    app: Any = field(repr=False)
    _pool: Pool = field(repr=False)
    _uvicorn: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers (they change when one is killed)."""
        return self._pool.pids()

    @property
    def timeouts(self) -> int:
        """How many requests have timed out (and had their worker killed) so far."""
        return self._pool.killed

    @property
    def reloads(self) -> int:
        """How many times the workers were all reopened on a newly swapped-in build."""
        return self._pool.reloads

    def stop(self) -> None:
        """Stop the server and the workers (idempotent)."""
        self._uvicorn.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._pool.close()

    def wait(self) -> None:
        """Block until Ctrl-C (or SIGTERM via :func:`serve`), then stop."""
        try:
            while self._thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise KGError(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.set_inheritable(True)
    return sock


def start_server(
    build_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout_s: float = 10,
    limit: int = DEFAULT_LIMIT,
    union_default_graph: bool = False,
    quiet: bool = False,
    workers: Optional[int] = None,
    startup_timeout_s: float = 30,
    max_bytes: int = DEFAULT_MAX_BYTES,
    memory: int = DEFAULT_MEMORY,
    cors: tuple[str, ...] = (),
    allow_hosts: tuple[str, ...] = (),
    allow_services: tuple[str, ...] = (),
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    extra_routes: tuple[BaseRoute, ...] = (),
) -> Server:
    """Start the read-only endpoint in the background and return when it answers.

    Parameters
    ----------
    build_dir : pathlib.Path
        Folder written by ``kg build`` (must hold ``store/``).
    host : str
        Address to listen on (default loopback only).
    port : int
        Port (0 picks a free one).
    timeout_s : float
        Bound on each request's whole time in seconds; on expiry the worker is killed
        and the client gets 503.
    limit : int
        Maximum rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer.
    union_default_graph : bool
        Let the default graph be the union of all graphs.
    quiet : bool
        Do not log requests.
    workers : int, optional
        Query worker processes (default: the number of CPUs, at least 2).
    startup_timeout_s : float
        How long a worker may take to open the store.
    max_bytes : int
        Largest answer body in bytes (default 50 MiB); bigger answers get 413.
    memory : int
        Address-space cap of each worker in bytes (default 2 GiB; 0: none).
    cors : tuple of str
        Origins allowed to query from a browser (``*``: any); off by default.
    allow_hosts : tuple of str
        ``Host`` names accepted besides loopback names and ``host``.
    allow_services : tuple of str
        Endpoint IRIs that ``SERVICE`` may name (none by default: no outbound connection).
    header_timeout_s : float
        Seconds a client may take to send a whole request.
    max_connections : int
        Most open connections plus running requests (503 above).
    extra_routes : tuple of starlette routes
        Served beside ``/query`` (see :func:`kg.serve.app.create_app`).

    Returns
    -------
    Server

    Raises
    ------
    BuildError
        If the build has no store.
    KGError
        If the port is taken, an option is out of range, or a worker cannot open the store.
    """
    if limit < 1:
        raise KGError(f"result limit must be >= 1, got {limit}")
    if not timeout_s > 0:
        raise KGError(f"timeout must be > 0 s, got {timeout_s}")
    if max_bytes < 1 or memory < 0:
        raise KGError(f"max_bytes must be >= 1 and memory >= 0, got {max_bytes}, {memory}")
    n_workers = workers if workers is not None else max(2, os.cpu_count() or 1)
    if n_workers < 1:
        raise KGError(f"workers must be >= 1, got {n_workers}")
    sock = _listen(host, port)  # bind first: fail fast if taken
    settings = Settings(limit=limit, timeout_s=timeout_s, union_default_graph=union_default_graph,
                        workers=n_workers, startup_timeout_s=startup_timeout_s, max_bytes=max_bytes,
                        memory=memory, host=host, allow_hosts=tuple(allow_hosts), cors=tuple(cors),
                        allow_services=tuple(allow_services))
    try:
        app = create_app(Path(build_dir), settings=settings, extra_routes=extra_routes)
    except BaseException:
        sock.close()
        raise
    pool: Pool = app.state.pool
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft != resource.RLIM_INFINITY:
            max_connections = max(16, min(max_connections, soft - 64))
    except (ImportError, OSError, ValueError):
        pass
    config = uvicorn.Config(app, http=_protocol(header_timeout_s), lifespan="on",
                            log_level="warning" if quiet else "info", access_log=not quiet,
                            log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
                            limit_concurrency=max_connections, timeout_keep_alive=5,
                            server_header=False, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="kg-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        server.should_exit = True
        pool.close()
        sock.close()
        raise KGError(f"the endpoint on {host}:{port} did not start")
    real_host, real_port = sock.getsockname()[:2]
    shown = f"[{real_host}]" if ":" in real_host else real_host
    return Server(f"http://{shown}:{real_port}/query", real_host, real_port, limit, timeout_s,
                  app, pool, server, thread)


def serve(
    build_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout_s: float = 10,
    limit: int = DEFAULT_LIMIT,
    union_default_graph: bool = False,
    workers: Optional[int] = None,
    **options: Any,
) -> None:
    """Serve the build's store as a read-only SPARQL endpoint until Ctrl-C / SIGTERM.

    Parameters are those of :func:`start_server` (``options``: ``max_bytes``,
    ``memory``, ``cors``, ``allow_hosts``, ``allow_services``, ``extra_routes``, …).
    Prints the endpoint URL.

    Raises
    ------
    BuildError, KGError
        As :func:`start_server`.
    """
    srv = start_server(build_dir, host=host, port=port, timeout_s=timeout_s, limit=limit,
                       union_default_graph=union_default_graph, workers=workers, **options)
    print(f"SPARQL endpoint: {srv.url}  (timeout {timeout_s:g} s, limit {limit} rows, "
          f"{len(srv.worker_pids())} workers; Ctrl-C stops)", flush=True)

    def _term(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _term)
    try:
        srv.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
