"""Parallel extraction: a pool of forked workers that return small results.

Why not ``nlp.pipe(n_process=N)``: spaCy's multiprocessing sends every processed
``Doc`` back to the parent as bytes (tokens, vectors-free arrays and the whole
``user_data`` with kg's mention/relation lists), and the parent then deserialises
it and runs :func:`kg.extract.doc_to_extraction` (resolution) itself — on a
2-core machine the parent becomes the bottleneck and ``--jobs 2`` measured 0.78×
the speed of ``--jobs 1``.

Here each worker runs the whole extraction of a batch of records — ``nlp.pipe``
and :func:`~kg.extract.doc_to_extraction` — and sends back only the plain
entities, relations, results and sentence spans (a few hundred bytes per
document, pickled).  The parent re-attaches its own :class:`~kg.model.Record`
objects, so workers only ever receive ``id``, ``title`` and ``text``.

Workers are created with the ``fork`` start method, before any queue is used (so
no thread exists in the parent when it forks): they inherit the parent's loaded
pipeline as it is — same model, gazetteers, settings — without loading anything,
and their results are the ones the parent would compute (same code, same
weights; ``tests/test_jobs.py`` and ``tests/reliability/test_determinism.py``
check byte-identical outputs).  Where ``fork`` is unavailable (Windows, macOS
default), :func:`extract_parallel` is not used (see :func:`fork_available`).

Memory is bounded: at most ``max_in_flight`` batches are out at a time and the
reorder buffer never holds more than those, whatever the corpus size.  A worker
that dies (killed, out of memory) or raises fails the run with a
:class:`~kg.errors.KGError` naming the cause; workers exit when the parent
closes the stream, and when the parent process is killed (Linux: the kernel's
parent-death signal; elsewhere: between tasks).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
import traceback
from collections.abc import Iterable, Iterator
from typing import Any

from kg.errors import KGError
from kg.model import DocExtraction, Record

#: Seconds a worker or the parent waits on a queue before checking that the other
#: side is still alive.
_POLL = 0.5


def fork_available() -> bool:
    """Whether the ``fork`` start method exists here (Linux and other Unixes)."""
    return "fork" in mp.get_all_start_methods()


def _die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies (prctl
    ``PR_SET_PDEATHSIG``), so a killed ``kg build`` leaves no workers behind.
    Elsewhere the workers notice the parent's death between tasks."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        pass


def _worker(nlp: Any, batch_size: int, tasks: Any, results: Any, parent: int) -> None:
    """Worker loop: ``(seq, [(id, title, text), ...])`` in, ``(seq, "ok", rows)`` out.

    ``rows`` holds one ``(entities, relations, results, sentences)`` tuple per
    record.  ``None`` ends the loop; so does the parent's death."""
    from kg.extract.pipeline import extract_records

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's SIGTERM-to-exit handler (fork copies it)
    _die_with_parent()
    results.cancel_join_thread()  # never block at exit on results nobody reads any more
    while True:
        if os.getppid() != parent:  # the parent is gone (killed): stop, queued tasks or not
            return
        try:
            task = tasks.get(timeout=_POLL)
        except queue.Empty:
            continue
        if task is None:
            return
        seq, items = task
        try:
            recs = [Record(id=i, title=t, text=x) for i, t, x in items]
            rows = [
                (ex.entities, ex.relations, ex.results, ex.sentences)
                for ex in extract_records(recs, nlp, batch_size=batch_size, n_process=1)
            ]
            results.put((seq, "ok", rows))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            results.put((seq, "error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"))


def extract_parallel(
    records: Iterable[Record],
    nlp: Any,
    *,
    n_process: int = 2,
    batch_size: int = 64,
    task_size: int = 16,
    max_in_flight: int | None = None,
) -> Iterator[DocExtraction]:
    """Extract ``records`` on ``n_process`` forked workers, yielding in input order.

    Parameters
    ----------
    records : iterable of Record
        Documents, consumed lazily (at most ``max_in_flight × task_size`` ahead
        of what has been yielded).
    nlp : Language
        The loaded pipeline (inherited by the workers through ``fork``).
    n_process : int
        Worker processes (≥ 1).
    batch_size : int
        ``nlp.pipe`` batch size inside a worker.
    task_size : int
        Records per task sent to a worker: small enough to keep both workers
        busy to the end of a short corpus, large enough that queue overhead is
        negligible (16 records ≈ 1 s of work).  A record with an empty text
        ends its task early (see :func:`kg.cache.extract_cached`).
    max_in_flight : int, optional
        Tasks sent but not yet yielded (default ``3 × n_process``).

    Yields
    ------
    DocExtraction
        One per record, in input order, identical to
        ``extract_records(records, nlp, n_process=1)``.

    Raises
    ------
    KGError
        ``fork`` is not available, a worker raised (its traceback is in the
        message) or died.
    """
    if not fork_available():  # pragma: no cover - not on Linux
        raise KGError("parallel extraction needs the 'fork' start method (Linux/Unix)")
    if n_process < 1:
        raise ValueError("n_process must be ≥ 1")
    max_in_flight = max_in_flight or 3 * n_process
    ctx = mp.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    parent = os.getpid()
    # fork every worker before the first put: no queue feeder thread exists yet
    procs = [
        ctx.Process(target=_worker, args=(nlp, batch_size, tasks, results, parent), daemon=True,
                    name=f"kg-extract-{i}")
        for i in range(n_process)
    ]
    for p in procs:
        p.start()
    sent: dict[int, list[Record]] = {}  # seq -> records of tasks not yet yielded
    done: dict[int, list[tuple]] = {}
    next_out = 0
    seq = 0

    def send(batch: list[Record]) -> None:
        nonlocal seq
        sent[seq] = batch
        tasks.put((seq, [(r.id, r.title, r.text) for r in batch]))
        seq += 1

    def receive() -> None:
        while True:
            try:
                s, status, payload = results.get(timeout=_POLL)
                break
            except queue.Empty:
                dead = [p for p in procs if p.exitcode is not None]
                if dead:
                    raise KGError(
                        f"extraction worker {dead[0].name} died (exit code {dead[0].exitcode}); "
                        "out of memory? try fewer --jobs"
                    ) from None
        if status != "ok":
            first = sent[s][0].id if sent.get(s) else "?"
            raise KGError(f"extraction failed in a worker (batch starting at document {first!r}): {payload}")
        done[s] = payload

    def flush(limit: int) -> Iterator[DocExtraction]:
        nonlocal next_out
        while len(sent) > limit:
            while next_out not in done:
                receive()
            rows = done.pop(next_out)
            batch = sent.pop(next_out)
            next_out += 1
            for rec, (ents, rels, ress, sents) in zip(batch, rows, strict=True):
                yield DocExtraction(record=rec, entities=ents, relations=rels, results=ress, sentences=sents)

    try:
        batch: list[Record] = []
        for rec in records:
            batch.append(rec)
            # an empty text (e.g. kg.cache's flush placeholder) ends the task at once,
            # so the records waiting behind it downstream are released promptly
            if len(batch) >= task_size or not rec.text:
                send(batch)
                batch = []
                yield from flush(max_in_flight - 1)
        if batch:
            send(batch)
        yield from flush(0)
    finally:
        for _ in procs:
            try:
                tasks.put_nowait(None)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        for p in procs:
            p.join(timeout=2)
            if p.exitcode is None:
                p.terminate()
                p.join(timeout=2)
        for q in (tasks, results):
            q.close()
            q.cancel_join_thread()
