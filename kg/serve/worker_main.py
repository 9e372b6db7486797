"""The process of one query worker (kept light: it imports pyoxigraph and
:mod:`kg.serve.answer` only, so a replacement worker starts in well under a second).

Protocol: the parent sends pickled dicts of :func:`kg.serve.answer.answer_query`
keyword arguments on the worker's stdin; the worker answers each with a pickled
:class:`kg.serve.answer.Answer` on its stdout; its first message is ``("ready", pid)``
or ``("error", message)``.
"""

from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection

from kg.serve.answer import text_answer

__all__ = ["Duplex", "worker_main", "worker_stdio"]


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the thread that started it dies (the pool's
    long-lived spawner thread), so a worker busy on a runaway query does not outlive
    a killed ``kg serve``."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # best effort: an idle worker still exits on EOF from the server


def worker_main(store_dir: str, memory: int, conn) -> None:
    """Worker loop: cap memory, open the store read-only, answer requests until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    if memory > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import pyoxigraph as ox

    from kg.serve.answer import answer_query

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
        except MemoryError:
            ans = text_answer(503, "the query needed more memory than a query worker may use; it was stopped")
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            ans = text_answer(500, f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(ans)
        except (BrokenPipeError, OSError):
            return


class Duplex:
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


def worker_stdio() -> None:
    """Entry point of a worker process (``python -c``): ``argv[1]`` is the store path,
    ``argv[2]`` the memory cap in bytes (0: none); requests come on stdin, answers go
    on the original stdout (fd 1 then points at stderr so nothing else writes there)."""
    out_fd = os.dup(1)
    os.dup2(2, 1)
    worker_main(sys.argv[1], int(sys.argv[2]), Duplex(0, out_fd))
