"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build's store.

Queries run in a pool of worker processes, each holding the build's store opened
read-only (``pyoxigraph.Store.read_only``).  A small HTTP front (this module, on
``host:port``, 127.0.0.1 by default) speaks the SPARQL 1.1 Protocol:

* ``GET /query?query=…`` and ``POST /query`` (``application/sparql-query`` body, or an
  ``application/x-www-form-urlencoded`` form), with ``default-graph-uri`` and
  ``named-graph-uri``;
* content negotiation on ``Accept``: SELECT/ASK answers as SPARQL JSON (default), XML,
  CSV or TSV; CONSTRUCT/DESCRIBE answers as N-Triples (default), Turtle, RDF/XML,
  N-Quads, TriG, JSON-LD or N3; 406 when nothing acceptable is offered;
* a malformed query gets 400 with the parser's message (position included); SPARQL
  UPDATE is refused (``/update``, ``/store`` and any ``update=`` form: 403; an update
  sent as a query is a syntax error: 400); other paths get 404.

Result cap: the worker pulls at most ``limit + 1`` solutions (or triples) from
Oxigraph's lazy iterator and stops, so a streaming answer of any size is cut after
``limit`` rows without computing the rest; cut answers carry ``X-KG-Truncated:
<limit>``.  (Aggregates, ``ORDER BY`` and ``DISTINCT`` must still see all their input
before the first row: the timeout bounds those.)

Timeout: ``timeout_s`` bounds the whole request (waiting for a free worker, running
the query, serialising the answer).  When it passes, the worker is killed
(``SIGKILL``) — so the query stops using CPU at once, unlike Oxigraph's own server,
whose ``--timeout-s`` did not stop a running aggregate — a fresh worker replaces it,
and the client gets 503 with a message.

Usage::

    with start_server(Path("build")) as srv:      # srv.url = "http://127.0.0.1:7878/query"
        ...
    serve(Path("build"))                           # blocks until Ctrl-C
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Optional

import pyoxigraph as ox

from kg.errors import BuildError, KGError
from kg.export.store import STORE_DIRNAME, is_store

__all__ = ["DEFAULT_LIMIT", "Answer", "Server", "answer_query", "negotiate", "start_server", "serve"]

#: Default maximum number of result rows (or triples) per answer.
DEFAULT_LIMIT = 10_000

#: Largest request body accepted (bytes); a bigger POST gets 413.
MAX_BODY = 1 << 20

#: SELECT/ASK result formats by media type (first = default for ``*/*``).
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

#: CONSTRUCT/DESCRIBE formats by media type (first = default for ``*/*``).
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def negotiate(accept: Optional[str], kind: str) -> Optional[str]:
    """The media type to answer with, from an HTTP ``Accept`` header.

    Parameters
    ----------
    accept : str or None
        The header (``q`` weights honoured; ``type/*`` and ``*/*`` wildcards; a
        missing or empty header means ``*/*``).
    kind : {"solutions", "boolean", "graph"}
        The answer kind: SELECT, ASK, or CONSTRUCT/DESCRIBE.

    Returns
    -------
    str or None
        A key of :data:`RESULT_TYPES` (SELECT/ASK) or :data:`GRAPH_TYPES`
        (CONSTRUCT/DESCRIBE); ``None`` if nothing offered is acceptable (HTTP 406).
        Ties go to the type listed first in the header, then to the default
        (SPARQL JSON, N-Triples).
    """
    offered = list(GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
    if not accept or not accept.strip():
        return offered[0]
    best: Optional[str] = None
    best_key = (0.0, 0)
    for order, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        mtype = parts[0].lower()
        q = 1.0
        for p in parts[1:]:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q <= 0 or "/" not in mtype:
            continue
        if mtype == "*/*":
            choice = offered[0]
            spec = 0
        elif mtype.endswith("/*"):
            choice = next((o for o in offered if o.startswith(mtype[:-1])), None)
            spec = 1
        else:
            choice = mtype if mtype in offered else None
            spec = 2
        if choice is None:
            continue
        key = (q, spec)
        if best is None or key > best_key:
            best, best_key = choice, key
    return best


def _term_json(term: Any) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise ValueError(f"cannot write {type(term).__name__} as a SPARQL result term")


@dataclass
class Answer:
    """An HTTP answer computed by :func:`answer_query` (picklable: workers send it).

    Attributes
    ----------
    status : int
        HTTP status.
    ctype : str
        ``Content-Type``.
    body : bytes
    truncated : bool
        Whether rows were dropped by the result cap.
    """

    status: int
    ctype: str
    body: bytes
    truncated: bool = False


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def answer_query(
    store: ox.Store,
    query: str,
    *,
    accept: Optional[str] = None,
    limit: int = DEFAULT_LIMIT,
    union_default_graph: bool = False,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
) -> Answer:
    """Run ``query`` on ``store`` and serialise at most ``limit`` rows, as the endpoint does.

    At most ``limit + 1`` solutions (or triples) are pulled from Oxigraph's lazy
    iterator: the rest of a streaming answer is never computed.

    Parameters
    ----------
    store : pyoxigraph.Store
    query : str
        SPARQL 1.1 query text (no predeclared prefixes: the protocol passes text as is).
    accept : str, optional
        The client's ``Accept`` header (see :func:`negotiate`).
    limit : int
        Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) returned.
    union_default_graph : bool
        Default graph = union of all graphs (ignored when ``default_graphs`` is given).
    default_graphs, named_graphs : tuple of str
        ``default-graph-uri`` / ``named-graph-uri`` protocol parameters (IRIs).

    Returns
    -------
    Answer
        200 with the results; 400 with the parser's message for a malformed query or
        a bad graph IRI; 406 if ``accept`` allows no format for this answer kind;
        500 if evaluation fails.  Boolean (ASK) answers are never cut.
    """
    kwargs: dict[str, Any] = {}
    try:
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    except ValueError as exc:
        return _text(400, f"bad graph IRI: {exc}")
    try:
        res = store.query(query, **kwargs)
        if isinstance(res, ox.QueryBoolean):
            mtype = negotiate(accept, "boolean")
            if mtype is None:
                return _text(406, f"cannot answer an ASK query as {accept}; offered: {', '.join(RESULT_TYPES)}")
            doc = json.dumps({"head": {}, "boolean": bool(res)}).encode()
            return Answer(200, _ctype(mtype), _reformat(doc, RESULT_TYPES[mtype]))
        if isinstance(res, ox.QuerySolutions):
            mtype = negotiate(accept, "solutions")
            if mtype is None:
                return _text(406, f"cannot answer a SELECT query as {accept}; offered: {', '.join(RESULT_TYPES)}")
            names = [v.value for v in res.variables]
            rows = []
            for sol in res:
                if len(rows) == limit:
                    cut = True
                    break
                rows.append({n: _term_json(sol[n]) for n in names if sol[n] is not None})
            else:
                cut = False
            doc = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}},
                             ensure_ascii=False).encode("utf-8")
            return Answer(200, _ctype(mtype), _reformat(doc, RESULT_TYPES[mtype]), cut)
        mtype = negotiate(accept, "graph")
        if mtype is None:
            return _text(406, f"cannot answer a graph query as {accept}; offered: {', '.join(GRAPH_TYPES)}")
        triples = []
        cut = False
        for t in res:
            if len(triples) == limit:
                cut = True
                break
            triples.append(t)
        return Answer(200, _ctype(mtype), ox.serialize(triples, format=GRAPH_TYPES[mtype]), cut)
    except SyntaxError as exc:
        return _text(400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return _text(500, f"query failed: {exc}")


def _ctype(mtype: str) -> str:
    return mtype + "; charset=utf-8" if mtype.startswith("text/") else mtype


def _reformat(json_doc: bytes, fmt: ox.QueryResultsFormat) -> bytes:
    """SPARQL JSON results → the same results in ``fmt`` (Oxigraph's serialisers)."""
    if fmt == ox.QueryResultsFormat.JSON:
        return json_doc
    return ox.parse_query_results(json_doc, format=fmt.JSON).serialize(format=fmt)


# --------------------------------------------------------------------------- workers


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when its parent (the fork server) dies, so a worker
    busy on a runaway query does not outlive a killed ``kg serve``."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # best effort: an idle worker still exits on EOF from the front


def _worker_main(store_dir: str, conn) -> None:
    """Worker loop: open the store read-only, answer requests from ``conn`` until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the front's to handle
    _die_with_parent()
    try:
        store = ox.Store.read_only(store_dir)
    except OSError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            ans = answer_query(store, **req)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            ans = _text(500, f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(ans)
        except (BrokenPipeError, OSError):
            return


class _Duplex:
    """A :class:`multiprocessing.connection.Connection` pair over two pipe fds."""

    def __init__(self, read_fd: int, write_fd: int):
        self._r = Connection(read_fd, writable=False)
        self._w = Connection(write_fd, readable=False)

    def send(self, obj) -> None:
        self._w.send(obj)

    def recv(self):
        return self._r.recv()

    def poll(self, timeout: float) -> bool:
        return self._r.poll(timeout)

    def close(self) -> None:
        for c in (self._r, self._w):
            try:
                c.close()
            except OSError:
                pass


def _worker_stdio() -> None:
    """Entry point of a worker process (``python -c``): the store path is ``argv[1]``;
    requests come on stdin, answers go on the original stdout (fd 1 is then pointed
    at stderr so that nothing else can write into the channel)."""
    out_fd = os.dup(1)
    os.dup2(2, 1)
    _worker_main(sys.argv[1], _Duplex(0, out_fd))


_WORKER_CODE = "from kg.serve import _worker_stdio; _worker_stdio()"


class _Worker:
    """One worker: a fresh ``python`` process (not a fork of the threaded front, and
    no re-import of the caller's ``__main__``), talking pickles over its stdin/stdout."""

    def __init__(self, store_dir: str, startup_timeout_s: float):
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)  # so the child imports this kg
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER_CODE, store_dir],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     close_fds=True)
        # The Connections get their own copies of the pipe fds; Popen's are closed now.
        self.conn = _Duplex(os.dup(self.proc.stdout.fileno()), os.dup(self.proc.stdin.fileno()))
        self.proc.stdout.close()
        self.proc.stdin.close()
        self.proc.stdin = self.proc.stdout = None
        self.pid = self.proc.pid
        if not self.conn.poll(startup_timeout_s):
            self.kill()
            raise KGError(f"a query worker did not open {store_dir} within {startup_timeout_s} s")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            msg = ("error", f"exited with status {self.proc.poll()}")
        if msg[0] != "ready":
            self.kill()
            raise KGError(f"a query worker cannot open the store {store_dir}: {msg[1]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


class _Pool:
    """``size`` worker processes; a request runs on an idle one, killed on timeout.

    Workers are started and replaced by one long-lived spawner thread: Linux's
    parent-death signal (:func:`_die_with_parent`) fires when the *thread* that
    started a child ends, so no worker may be started from a short-lived thread.
    """

    def __init__(self, store_dir: str, size: int, startup_timeout_s: float):
        self.store_dir = store_dir
        self.startup_timeout_s = startup_timeout_s
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.killed = 0
        self.spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-serve-spawner")
        try:
            for _ in range(size):
                self._add(self.spawner.submit(_Worker, store_dir, startup_timeout_s).result())
        except BaseException:
            self.close()
            raise

    def _add(self, w: _Worker) -> None:
        with self.lock:
            if self.closed:
                w.kill()
                return
            self.all.add(w)
        self.idle.put(w)

    def _replace(self, dead: _Worker) -> None:
        with self.lock:
            self.all.discard(dead)
        dead.kill()
        for attempt in range(3):
            if self.closed:
                return
            try:
                self._add(_Worker(self.store_dir, self.startup_timeout_s))  # on the spawner
                return
            except KGError:
                time.sleep(0.5 * (attempt + 1))

    def _submit_replace(self, dead: _Worker) -> None:
        try:
            self.spawner.submit(self._replace, dead)
        except RuntimeError:  # the pool is closing
            dead.kill()

    def pids(self) -> list[int]:
        with self.lock:
            return sorted(w.pid for w in self.all)

    def run(self, request: dict, timeout_s: float) -> Answer:
        deadline = time.monotonic() + timeout_s
        try:
            w = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return _text(503, f"every query worker stayed busy for the {timeout_s:g} s timeout; "
                              "try again later")
        try:
            w.conn.send(request)
            if w.conn.poll(max(0.0, deadline - time.monotonic())):
                ans = w.conn.recv()
                self.idle.put(w)
                return ans
        except (EOFError, OSError) as exc:
            self._submit_replace(w)
            return _text(500, f"the query worker died: {exc}")
        # Timed out: kill the worker (its query stops at once) and start a fresh one.
        self.killed += 1
        self._submit_replace(w)
        return _text(503, f"query timed out after {timeout_s:g} s and was stopped")

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.all)
            self.all.clear()
        for w in workers:
            w.kill()
        self.spawner.shutdown(wait=False, cancel_futures=True)


# ----------------------------------------------------------------------------- front


@dataclass
class Server:
    """A running endpoint (see :func:`start_server`); a context manager that stops it.

    Attributes
    ----------
    url : str
        The SPARQL endpoint, ``http://<host>:<port>/query``.
    host, port : str, int
        Where the front listens.
    limit : int
        Maximum rows/triples per answer.
    timeout_s : float
        Bound on the whole time of one request, in seconds.
    """

    url: str
    host: str
    port: int
    limit: int
    timeout_s: float
    _pool: _Pool = field(repr=False)
    _httpd: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers (they change when one is killed)."""
        return self._pool.pids()

    @property
    def timeouts(self) -> int:
        """How many requests have timed out (and had their worker killed) so far."""
        return self._pool.killed

    def stop(self) -> None:
        """Stop the front and the workers (idempotent)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.server_close()
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


_HELP = (
    "kg serve: read-only SPARQL 1.1 endpoint.\n"
    "Query with GET /query?query=... or POST /query (application/sparql-query or a form).\n"
    "Results: SPARQL JSON, XML, CSV, TSV; graphs: N-Triples, Turtle, RDF/XML, JSON-LD.\n"
)


def _handler(pool: _Pool, limit: int, timeout_s: float, union: bool, quiet: bool):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # noqa: D401 - stdlib signature
            if not quiet:
                super().log_message(fmt, *args)

        def _send(self, ans: Answer) -> None:
            self.send_response(ans.status)
            self.send_header("Content-Type", ans.ctype)
            self.send_header("Content-Length", str(len(ans.body)))
            self.send_header("Vary", "Accept")
            if ans.truncated:
                self.send_header("X-KG-Truncated", str(limit))
            if ans.status == 503:
                self.send_header("Retry-After", "1")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(ans.body)

        def _route(self) -> Optional[tuple[str, dict]]:
            parts = urllib.parse.urlsplit(self.path)
            if parts.path in ("/update", "/store") or parts.path.startswith("/store/"):
                self._send(_text(403, "read-only endpoint: updates are refused"))
                return None
            if parts.path not in ("/", "/query"):
                self._send(_text(404, "not found: the SPARQL endpoint is /query"))
                return None
            try:
                params = urllib.parse.parse_qs(parts.query, keep_blank_values=True,
                                               errors="strict", max_num_fields=1000)
            except (ValueError, UnicodeDecodeError) as exc:
                self._send(_text(400, f"bad query string: {exc}"))
                return None
            return parts.path, params

        def _run(self, path: str, params: dict, query: Optional[list]) -> None:
            if "update" in params:
                self._send(_text(403, "read-only endpoint: updates are refused"))
                return
            if query is None:
                query = params.get("query", [])
            if not query:
                if path == "/":
                    self._send(_text(200, _HELP))
                else:
                    self._send(_text(400, "missing the 'query' parameter"))
                return
            if len(query) > 1:
                self._send(_text(400, "exactly one 'query' parameter is allowed"))
                return
            request = {
                "query": query[0],
                "accept": self.headers.get("Accept"),
                "limit": limit,
                "union_default_graph": union,
                "default_graphs": tuple(params.get("default-graph-uri", ())),
                "named_graphs": tuple(params.get("named-graph-uri", ())),
            }
            self._send(pool.run(request, timeout_s))

        def do_GET(self):  # noqa: N802 - stdlib naming
            routed = self._route()
            if routed is not None:
                self._run(*routed, None)

        do_HEAD = do_GET  # noqa: N815

        def do_POST(self):  # noqa: N802
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                self._send(_text(413 if length > MAX_BODY else 400,
                                 f"request body must be 0..{MAX_BODY} bytes"))
                return
            body = self.rfile.read(length) if length else b""
            routed = self._route()
            if routed is None:
                return
            path, params = routed
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                self._send(_text(400, f"the request body is not UTF-8: {exc}"))
                return
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=1000)
                except ValueError as exc:
                    self._send(_text(400, f"bad form: {exc}"))
                    return
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
                self._run(path, params, None)
            elif ctype == "application/sparql-query":
                self._run(path, params, [text] + params.get("query", []))
            elif ctype == "application/sparql-update":
                self._send(_text(403, "read-only endpoint: updates are refused"))
            else:
                self._send(_text(415, "POST a query as application/sparql-query or "
                                      "application/x-www-form-urlencoded"))

        def do_PUT(self):  # noqa: N802
            self.close_connection = True
            self._send(_text(403, "read-only endpoint: updates are refused"))

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

    return Handler


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
) -> Server:
    """Start the read-only endpoint in the background and return when it answers.

    Parameters
    ----------
    build_dir : pathlib.Path
        Folder written by ``kg build`` (must hold ``store/``).
    host : str
        Address the endpoint listens on (default loopback only).
    port : int
        Port of the endpoint (0 picks a free one).
    timeout_s : float
        Bound on each request's whole time in seconds (waiting for a worker, running
        the query, serialising); on expiry the worker is killed and the client gets 503.
    limit : int
        Maximum number of rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer.
    union_default_graph : bool
        Let the default graph be the union of all graphs.
    quiet : bool
        Do not log requests.
    workers : int, optional
        Query worker processes (default: the number of CPUs, at least 2).  At most
        this many queries run at once; others wait (within their timeout).
    startup_timeout_s : float
        How long a worker may take to open the store.

    Returns
    -------
    Server

    Raises
    ------
    BuildError
        If the build has no store.
    KGError
        If the port is taken, ``limit``/``timeout_s``/``workers`` are out of range,
        or a worker cannot open the store (with the reason).
    """
    if limit < 1:
        raise KGError(f"result limit must be >= 1, got {limit}")
    if not timeout_s > 0:
        raise KGError(f"timeout must be > 0 s, got {timeout_s}")
    n_workers = workers if workers is not None else max(2, os.cpu_count() or 1)
    if n_workers < 1:
        raise KGError(f"workers must be >= 1, got {n_workers}")
    store_dir = Path(build_dir) / STORE_DIRNAME
    if not is_store(store_dir):
        raise BuildError(f"{build_dir}: no Oxigraph store in {store_dir} (run `kg build` first)")
    try:
        httpd = ThreadingHTTPServer((host, port), None)  # bind first: fail fast if taken
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port}: {exc}") from exc
    try:
        pool = _Pool(str(store_dir.resolve()), n_workers, startup_timeout_s)
    except BaseException:
        httpd.server_close()
        raise
    httpd.RequestHandlerClass = _handler(pool, limit, timeout_s, union_default_graph, quiet)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="kg-serve", daemon=True)
    thread.start()
    real_host, real_port = httpd.server_address[:2]
    return Server(f"http://{real_host}:{real_port}/query", real_host, real_port, limit, timeout_s,
                  pool, httpd, thread)


def serve(
    build_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout_s: float = 10,
    limit: int = DEFAULT_LIMIT,
    union_default_graph: bool = False,
    workers: Optional[int] = None,
) -> None:
    """Serve the build's store as a read-only SPARQL endpoint until Ctrl-C / SIGTERM.

    Parameters are those of :func:`start_server`.  Prints the endpoint URL.

    Raises
    ------
    BuildError, KGError
        As :func:`start_server`.
    """
    srv = start_server(build_dir, host=host, port=port, timeout_s=timeout_s, limit=limit,
                       union_default_graph=union_default_graph, workers=workers)
    print(f"SPARQL endpoint: {srv.url}  (timeout {timeout_s:g} s, limit {limit} rows, "
          f"{len(srv.worker_pids())} workers; Ctrl-C stops)", flush=True)

    def _term(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _term)
    try:
        srv.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
