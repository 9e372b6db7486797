"""Scale-out extraction on a Dask distributed cluster.

Extraction is embarrassingly parallel (one document never depends on another),
so :func:`extract_dask` cuts the record stream into partitions of
``partition_size`` records, runs each partition on a worker (which loads the
spaCy pipeline once per worker process and keeps it), and yields the results
back **in input order**.  Only ``max_in_flight`` partitions are out at a time,
so the client's memory stays bounded whatever the corpus size.  Merging into the
graph stays on the client (a cheap reduce, :class:`kg.build.GraphBuilder`).

The per-document results are the same objects a local
:func:`kg.extract.extract_records` run yields, so ``kg extract --dask …`` writes
byte-identical JSONL (tested on a 2-worker ``LocalCluster``).

Pointing at a real cluster
--------------------------
Start a scheduler and workers on the machines (``dask scheduler`` on one,
``dask worker tcp://SCHEDULER:8786 --nworkers N --nthreads 1`` on each), with
the same ``kg`` checkout (``pip install -e .``), the same spaCy model package
and the same gazetteers (``data/`` or ``$KG_HOME``) installed on every worker;
then run ``kg extract INPUTS -o out.jsonl --dask tcp://SCHEDULER:8786`` (or
``kg build … --dask …``).  Each worker checks that its pipeline version
(:func:`kg.cache.pipeline_version`: model, gazetteers, patterns, code) equals the
client's and the run fails with a clear error if not.  ``--dask local:N``
starts a throw-away cluster of N single-threaded worker processes on this
machine.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kg.errors import KGError
from kg.model import DocExtraction, Record

log = logging.getLogger("kg")

#: Pipelines loaded in this (worker) process, by model name.
_PIPELINES: dict[str, Any] = {}


class DistributedError(KGError):
    """The Dask cluster could not be reached or a worker failed."""


def _worker_pipeline(model: str) -> Any:
    nlp = _PIPELINES.get(model)
    if nlp is None:
        from kg.extract import load_pipeline

        nlp = _PIPELINES[model] = load_pipeline(model)
    return nlp


def extract_partition(records: list[Record], model: str, batch_size: int = 64) -> tuple[str, list[DocExtraction]]:
    """Extract one partition (runs on a worker).

    Parameters
    ----------
    records : list of Record
        The partition.
    model : str
        spaCy pipeline package (loaded once per worker process).
    batch_size : int
        ``nlp.pipe`` batch size.

    Returns
    -------
    (str, list of DocExtraction)
        The worker's pipeline version (:func:`kg.cache.pipeline_version`) and
        one extraction per record, in order.
    """
    from kg.cache import pipeline_version
    from kg.extract import extract_records

    nlp = _worker_pipeline(model)
    return pipeline_version(nlp), list(extract_records(records, nlp, batch_size=batch_size, n_process=1))


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """Connect to a Dask scheduler, or start a local cluster.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` (any address ``distributed.Client`` accepts) or
        ``local:N`` for a ``LocalCluster`` of N worker processes with one thread
        each (closed on exit).

    Yields
    ------
    distributed.Client

    Raises
    ------
    DistributedError
        Dask is not installed, ``local:N`` is malformed, or the scheduler cannot
        be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DistributedError('Dask is not installed: pip install "dask[distributed]"') from exc
    cluster = None
    try:
        if address.startswith("local:"):
            try:
                n = int(address[len("local:"):])
                if n < 1:
                    raise ValueError
            except ValueError:
                raise DistributedError(f"--dask {address!r}: expected local:N with N ≥ 1 workers") from None
            cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
            )
            client = Client(cluster)
        else:
            try:
                client = Client(address, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise DistributedError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from exc
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def extract_dask(
    records: Iterable[Record],
    client: Any,
    *,
    model: str,
    expected_version: str | None = None,
    partition_size: int = 128,
    max_in_flight: int | None = None,
    batch_size: int = 64,
) -> Iterator[DocExtraction]:
    """Extract records on a Dask cluster, yielding results in input order.

    Parameters
    ----------
    records : iterable of Record
        Documents, consumed lazily.
    client : distributed.Client
        Connected client (see :func:`dask_client`).
    model : str
        spaCy pipeline package the workers load.
    expected_version : str, optional
        The client's :func:`kg.cache.pipeline_version`; a worker with another
        version fails the run.
    partition_size : int
        Records per task.
    max_in_flight : int, optional
        Partitions submitted but not yet yielded (default: 2 per worker thread).
    batch_size : int
        ``nlp.pipe`` batch size on the workers.

    Yields
    ------
    DocExtraction
        One per record, in input order.

    Raises
    ------
    DistributedError
        A task failed on a worker, or a worker's pipeline version differs.
    """
    if max_in_flight is None:
        max_in_flight = max(2, 2 * sum(client.nthreads().values()))
    inflight: deque = deque()

    def collect(fut) -> list[DocExtraction]:
        try:
            version, out = fut.result()
        except KGError:
            raise
        except Exception as exc:
            raise DistributedError(f"extraction task failed on the cluster: {type(exc).__name__}: {exc}") from exc
        if expected_version is not None and version != expected_version:
            raise DistributedError(
                f"a worker runs pipeline version {version}, the client {expected_version}: install the same kg "
                "checkout, spaCy model and gazetteers on every worker"
            )
        return out

    part: list[Record] = []
    for rec in records:
        part.append(rec)
        if len(part) >= partition_size:
            inflight.append(client.submit(extract_partition, part, model, batch_size, pure=False))
            part = []
            while len(inflight) >= max_in_flight:
                yield from collect(inflight.popleft())
    if part:
        inflight.append(client.submit(extract_partition, part, model, batch_size, pure=False))
    while inflight:
        yield from collect(inflight.popleft())
