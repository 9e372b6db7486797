"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build's store.

The endpoint is Oxigraph's own server (the ``oxigraph`` binary of the PyPI package
``oxigraph``, pinned to the pyoxigraph version that wrote the store), started as
``oxigraph serve-read-only --location STORE --bind 127.0.0.1:<private port>
--timeout-s N``.  It gives the query timeout, refuses SPARQL UPDATE (HTTP 403) and
answers malformed queries with HTTP 400.  Oxigraph's server has no result limit, so a
small front (this module, on ``host:port``) forwards ``/query`` (GET and POST, as in
the SPARQL 1.1 Protocol) and ``/`` (Oxigraph's query page) and cuts answers to
``limit`` rows (SELECT: JSON, XML, CSV, TSV results) or ``limit`` triples
(CONSTRUCT/DESCRIBE, any RDF format), marking cut answers with the header
``X-KG-Truncated: <limit>``.  Every other path is refused: ``/update`` and
``/store`` with 403, the rest with 404.

Usage::

    with start_server(Path("build")) as srv:      # srv.url = "http://127.0.0.1:7878/query"
        ...
    serve(Path("build"))                           # blocks until Ctrl-C
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

import pyoxigraph as ox

from kg.errors import BuildError, KGError
from kg.export.store import STORE_DIRNAME, is_store

__all__ = ["DEFAULT_LIMIT", "Server", "find_oxigraph", "start_server", "serve", "truncate_answer"]

#: Default maximum number of result rows (or triples) per answer.
DEFAULT_LIMIT = 10_000

_SPARQL_XML_NS = "http://www.w3.org/2005/sparql-results#"
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}
_HOP_HEADERS = {"connection", "transfer-encoding", "content-length", "keep-alive", "server", "date"}


def find_oxigraph() -> str:
    """Path of the ``oxigraph`` server binary.

    Looks next to the running Python first (the ``oxigraph`` wheel installs it in the
    same ``bin/`` folder), then on ``PATH``.

    Returns
    -------
    str

    Raises
    ------
    KGError
        If it is not installed (``pip install oxigraph==<pyoxigraph version>``).
    """
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise KGError(
        f"the Oxigraph server binary is not installed: pip install oxigraph=={ox.__version__}"
    )


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def truncate_answer(body: bytes, content_type: str, limit: int) -> tuple[bytes, bool]:
    """Cut a SPARQL answer to at most ``limit`` rows or triples.

    Parameters
    ----------
    body : bytes
        The answer as Oxigraph sent it.
    content_type : str
        Its media type (parameters such as ``charset`` are ignored).
    limit : int
        Maximum number of solutions (SELECT) or triples (CONSTRUCT/DESCRIBE).

    Returns
    -------
    body : bytes
        The answer, cut if needed, in the same format.
    truncated : bool
        Whether rows were dropped.  Boolean (ASK) answers are never cut.
    """
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/sparql-results+json":
        doc = json.loads(body)
        rows = (doc.get("results") or {}).get("bindings")
        if rows is None or len(rows) <= limit:
            return body, False
        doc["results"]["bindings"] = rows[:limit]
        return json.dumps(doc, ensure_ascii=False).encode("utf-8"), True
    if ctype == "application/sparql-results+xml":
        ET.register_namespace("", _SPARQL_XML_NS)
        root = ET.fromstring(body)
        results = root.find(f"{{{_SPARQL_XML_NS}}}results")
        if results is None or len(results) <= limit:
            return body, False
        for extra in list(results)[limit:]:
            results.remove(extra)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True), True
    if ctype == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        if len(rows) - 1 <= limit:
            return body, False
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows[: limit + 1])
        return out.getvalue().encode("utf-8"), True
    if ctype == "text/tab-separated-values":
        lines = body.decode("utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) - 1 <= limit:
            return body, False
        return ("\n".join(lines[: limit + 1]) + "\n").encode("utf-8"), True
    fmt = _RDF_TYPES.get(ctype)
    if fmt is not None:
        quads = list(ox.parse(body, format=fmt))
        if len(quads) <= limit:
            return body, False
        return ox.serialize(quads[:limit], format=fmt), True
    return body, False


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
    """

    url: str
    host: str
    port: int
    limit: int
    _proc: subprocess.Popen = field(repr=False)
    _httpd: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop the front and the Oxigraph process (idempotent)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.server_close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)

    def wait(self) -> None:
        """Block until the Oxigraph process ends or Ctrl-C, then stop."""
        try:
            while self._proc.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _handler(upstream: str, limit: int, timeout_s: float, quiet: bool):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # noqa: D401 - stdlib signature
            if not quiet:
                super().log_message(fmt, *args)

        def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
                  headers: Optional[dict] = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refuse(self) -> Optional[str]:
            path = self.path.split("?", 1)[0]
            if path in ("/update", "/store") or path.startswith("/store/"):
                self._send(403, b"read-only endpoint: updates are refused\n")
                return None
            if path not in ("/", "/query"):
                self._send(404, b"not found: the SPARQL endpoint is /query\n")
                return None
            return path

        def _forward(self, body: Optional[bytes]) -> None:
            path = self._refuse()
            if path is None:
                return
            headers = {}
            for name in ("Accept", "Content-Type"):
                if self.headers.get(name):
                    headers[name] = self.headers[name]
            req = urllib.request.Request(upstream + self.path, data=body, headers=headers,
                                         method=self.command)
            try:
                with urllib.request.urlopen(req, timeout=timeout_s + 5) as resp:
                    status, rbody, rheaders = resp.status, resp.read(), resp.headers
            except urllib.error.HTTPError as err:
                status, rbody, rheaders = err.code, err.read(), err.headers
            except (urllib.error.URLError, TimeoutError, OSError) as err:
                self._send(504, f"SPARQL engine did not answer: {err}\n".encode())
                return
            ctype = rheaders.get("Content-Type", "application/octet-stream")
            extra = {}
            if status == 200 and path == "/query":
                try:
                    rbody, cut = truncate_answer(rbody, ctype, limit)
                except (ValueError, SyntaxError, ET.ParseError, UnicodeDecodeError) as err:
                    self._send(502, f"cannot apply the result limit: {err}\n".encode())
                    return
                if cut:
                    extra["X-KG-Truncated"] = str(limit)
            self._send(status, rbody, ctype, extra)

        def do_GET(self):  # noqa: N802 - stdlib naming
            self._forward(None)

        def do_HEAD(self):  # noqa: N802
            self._forward(None)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self._forward(body)

        def do_PUT(self):  # noqa: N802
            self._send(403, b"read-only endpoint: updates are refused\n")

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
        Query timeout in seconds (Oxigraph's ``--timeout-s``).
    limit : int
        Maximum number of rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer.
    union_default_graph : bool
        Let the default graph be the union of all graphs (``--union-default-graph``).
    quiet : bool
        Do not log requests.
    startup_timeout_s : float
        How long to wait for Oxigraph to answer.

    Returns
    -------
    Server

    Raises
    ------
    BuildError
        If the build has no store.
    KGError
        If the ``oxigraph`` binary is missing, the port is taken, or the server does
        not start (with Oxigraph's message).
    """
    if limit < 1:
        raise KGError(f"result limit must be >= 1, got {limit}")
    store_dir = Path(build_dir) / STORE_DIRNAME
    if not is_store(store_dir):
        raise BuildError(f"{build_dir}: no Oxigraph store in {store_dir} (run `kg build` first)")
    binary = find_oxigraph()
    try:
        httpd = ThreadingHTTPServer((host, port), None)  # bind first: fail fast if taken
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port}: {exc}") from exc
    inner = _free_port()
    cmd = [binary, "serve-read-only", "--location", str(store_dir),
           "--bind", f"127.0.0.1:{inner}", "--timeout-s", str(int(max(1, timeout_s)))]
    if union_default_graph:
        cmd.append("--union-default-graph")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    upstream = f"http://127.0.0.1:{inner}"
    deadline = time.monotonic() + startup_timeout_s
    while True:
        if proc.poll() is not None:
            httpd.server_close()
            err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
            raise KGError(f"oxigraph server exited with status {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(upstream + "/", timeout=2):
                break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                proc.terminate()
                httpd.server_close()
                raise KGError(f"oxigraph server did not answer within {startup_timeout_s} s")
            time.sleep(0.1)
    httpd.RequestHandlerClass = _handler(upstream, limit, timeout_s, quiet)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="kg-serve", daemon=True)
    thread.start()
    real_host, real_port = httpd.server_address[:2]
    return Server(f"http://{real_host}:{real_port}/query", real_host, real_port, limit,
                  proc, httpd, thread)


def serve(
    build_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout_s: float = 10,
    limit: int = DEFAULT_LIMIT,
    union_default_graph: bool = False,
) -> None:
    """Serve the build's store as a read-only SPARQL endpoint until Ctrl-C / SIGTERM.

    Parameters are those of :func:`start_server`.  Prints the endpoint URL.

    Raises
    ------
    BuildError, KGError
        As :func:`start_server`.
    """
    srv = start_server(build_dir, host=host, port=port, timeout_s=timeout_s, limit=limit,
                       union_default_graph=union_default_graph)
    print(f"SPARQL endpoint: {srv.url}  (query page: {srv.url[:-len('query')]}; "
          f"timeout {timeout_s} s, limit {limit} rows; Ctrl-C stops)", flush=True)

    def _term(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _term)
    try:
        srv.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
