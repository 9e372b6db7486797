"""Bounded loopback load test of ``kg serve``: N SPARQL queries from C concurrent clients.

Starts the read-only endpoint (:func:`kg.serve.start_server`) of a build on
127.0.0.1 (a free port), sends ``--queries`` GET requests from ``--clients`` threads
(stdlib ``urllib``, one request at a time per thread), checks every answer (HTTP 200,
a SPARQL JSON result whose row count matches the expected count measured once
before the run) and prints the error count and the throughput in queries/s.

Usage::

    python benchmarks/load_endpoint.py BUILD_DIR [--queries 10000] [--clients 8]

Exit status 1 if any query failed.  Loopback only: the host is fixed to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: The queries cycled through: small, typical look-ups of a kg build.
QUERIES: tuple[str, ...] = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s LIMIT 20",
    "PREFIX kg: <https://w3id.org/kg/ontology#> "
    "SELECT ?m ?d WHERE { ?m kg:evaluatedOn ?d } ORDER BY ?m ?d LIMIT 50",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g LIMIT 10",
)


@dataclass
class LoadResult:
    """Outcome of :func:`run_load`.

    Attributes
    ----------
    queries : int
        Requests sent.
    clients : int
        Concurrent client threads.
    errors : list of str
        One message per failed request (HTTP error, wrong answer, exception).
    seconds : float
        Wall-clock time of the whole run.
    """

    queries: int
    clients: int
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Queries per second over the whole run."""
        return self.queries / self.seconds if self.seconds > 0 else 0.0


def _ask(url: str, query: str, timeout: float) -> int:
    req = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        doc = json.loads(resp.read())
    return len(doc["results"]["bindings"])


def run_load(url: str, queries: int = 10_000, clients: int = 8, timeout: float = 30.0) -> LoadResult:
    """Send ``queries`` GET requests to the SPARQL endpoint ``url`` from ``clients`` threads.

    Parameters
    ----------
    url : str
        The endpoint, ``http://127.0.0.1:<port>/query``; must be a loopback address.
    queries : int
        Total number of requests (cycled over :data:`QUERIES`).
    clients : int
        Concurrent threads.
    timeout : float
        Per-request timeout in seconds.

    Returns
    -------
    LoadResult
        Errors (empty on success) and wall-clock time.

    Raises
    ------
    ValueError
        If ``url`` is not on 127.0.0.1 / localhost / ::1, or counts are < 1.
    """
    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"{url}: the load test runs on loopback only")
    if queries < 1 or clients < 1:
        raise ValueError("queries and clients must be >= 1")
    expected = [_ask(url, q, timeout) for q in QUERIES]
    result = LoadResult(queries=queries, clients=clients)
    lock = threading.Lock()
    counter = iter(range(queries))

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            q = i % len(QUERIES)
            try:
                n = _ask(url, QUERIES[q], timeout)
                if n != expected[q]:
                    raise RuntimeError(f"{n} rows, expected {expected[q]}")
            except (urllib.error.URLError, OSError, RuntimeError, ValueError, KeyError) as exc:
                with lock:
                    result.errors.append(f"query {i} ({q}): {exc}")

    threads = [threading.Thread(target=worker, name=f"client-{k}") for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - t0
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: start ``kg serve`` on loopback, run the load, print the figure."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build_dir", type=Path)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args(argv)
    from kg.serve import start_server

    with start_server(args.build_dir, port=0, quiet=True) as srv:
        res = run_load(srv.url, args.queries, args.clients)
    print(
        f"{res.queries} queries, {res.clients} clients, {len(res.errors)} errors, "
        f"{res.seconds:.1f} s, {res.throughput:.0f} queries/s"
    )
    for e in res.errors[:10]:
        print("  " + e, file=sys.stderr)
    return 1 if res.errors else 0


if __name__ == "__main__":
    sys.exit(main())
