"""The query workers of ``kg serve``: processes holding the build's store read-only.

Each worker is a fresh ``python`` process (not a fork of the threaded server) that
caps its own address space with ``resource.setrlimit(RLIMIT_AS)``, opens the store
with ``pyoxigraph.Store.read_only`` and answers requests (pickled dicts of
:func:`kg.serve.answer.answer_query` arguments) on its stdin/stdout.

The :class:`Pool` runs one request per idle worker.  A request that passes its
timeout gets its worker killed (``SIGKILL``: the query stops using CPU at once) and
replaced; a worker that dies (e.g. the query needed more memory than its cap and the
allocator aborted) is replaced too, and the client gets 503.

One whole build: the workers of a *generation* all opened the same build, under the
shared :func:`kg.build.outdir.swap_lock` with its ``build_id`` read inside the same
lock.  Before each request the pool compares that id with the build folder's marker;
when a new build was swapped in, a new generation is opened at once, requests move
to it, and the old workers are killed when idle.  A replacement worker is started
only while the build is still the generation's; otherwise the whole generation is
reopened.  So two answers of one generation never come from two builds.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

from kg.build.outdir import build_id, swap_lock
from kg.errors import BuildError, KGError
from kg.export.store import STORE_DIRNAME, is_store
from kg.serve.answer import Answer, text_answer
from kg.serve.worker_main import Duplex

__all__ = ["DEFAULT_MEMORY", "Pool"]

#: Default address-space cap of one query worker, bytes (2 GiB).
DEFAULT_MEMORY = 2 << 30


_WORKER_CODE = "from kg.serve.worker_main import worker_stdio; worker_stdio()"


class _Worker:
    """One worker process; :meth:`wait_ready` waits until it opened the store."""

    def __init__(self, store_dir: str, memory: int):
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so the child imports this kg
        # glibc reserves 64 MiB of address space per malloc arena (up to 8 per core);
        # two arenas keep the RLIMIT_AS cap close to the memory really used.
        env.setdefault("MALLOC_ARENA_MAX", "2")
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.store_dir = store_dir
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER_CODE, store_dir, str(memory)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.conn = Duplex(os.dup(self.proc.stdout.fileno()), os.dup(self.proc.stdin.fileno()))
        self.proc.stdout.close()
        self.proc.stdin.close()
        self.proc.stdin = self.proc.stdout = None
        self.pid = self.proc.pid

    def wait_ready(self, timeout_s: float) -> None:
        """Wait for the worker's ``ready``; raises KGError (and kills it) otherwise."""
        if not self.conn.poll(timeout_s):
            self.kill()
            raise KGError(f"a query worker did not open {self.store_dir} within {timeout_s} s")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            msg = ("error", f"exited with status {self.proc.poll()}")
        if msg[0] != "ready":
            self.kill()
            raise KGError(f"a query worker cannot open the store {self.store_dir}: {msg[1]}")

    def kill(self) -> Optional[int]:
        """Kill the process (if alive) and return its exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()
        return self.proc.returncode


class _Generation:
    """The workers that opened one build (``build_id``; None for a folder without marker)."""

    def __init__(self, bid: Optional[str], workers: list[_Worker]):
        self.build_id = bid
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.members: set[_Worker] = set(workers)
        self.retired = False
        self.lock = threading.Lock()
        for w in workers:
            self.idle.put(w)

    def give_back(self, w: _Worker) -> None:
        with self.lock:
            if not self.retired:
                self.idle.put(w)
                return
            self.members.discard(w)
        w.kill()

    def add(self, w: _Worker) -> bool:
        with self.lock:
            if self.retired:
                return False
            self.members.add(w)
        self.idle.put(w)
        return True

    def drop(self, w: _Worker) -> None:
        with self.lock:
            self.members.discard(w)

    def retire(self) -> None:
        """Kill the idle workers now; busy ones are killed when given back."""
        with self.lock:
            self.retired = True
        while True:
            try:
                w = self.idle.get_nowait()
            except queue.Empty:
                return
            self.drop(w)
            w.kill()


class Pool:
    """``size`` query workers on the build in ``build_dir`` (see the module docstring).

    Workers are started by one long-lived spawner thread: Linux's parent-death signal
    fires when the *thread* that started a child ends.

    Parameters
    ----------
    build_dir : pathlib.Path
    size : int
        Number of worker processes (queries run at once).
    startup_timeout_s : float
        How long a worker may take to open the store.
    memory : int
        Address-space cap of each worker in bytes (0: none).

    Raises
    ------
    BuildError
        If the build has no store.
    KGError
        If a worker cannot open it.
    """

    def __init__(self, build_dir: Path, size: int, startup_timeout_s: float, memory: int = DEFAULT_MEMORY):
        self.build_dir = Path(build_dir)
        self.size = size
        self.startup_timeout_s = startup_timeout_s
        self.memory = memory
        self.killed = 0
        self.reloads = 0
        self.closed = False
        self.spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-serve-spawner")
        try:
            self.gen: _Generation = self.spawner.submit(self._open_generation).result()
        except BaseException:
            self.spawner.shutdown(wait=False)
            raise

    # ------------------------------------------------------------ on the spawner
    def _open_generation(self) -> _Generation:
        with swap_lock(self.build_dir, shared=True):
            store_dir = self.build_dir / STORE_DIRNAME
            if not is_store(store_dir):
                raise BuildError(f"{self.build_dir}: no Oxigraph store in {store_dir} (run `kg build` first)")
            bid = build_id(self.build_dir)
            path = str(store_dir.resolve())
            workers = [_Worker(path, self.memory) for _ in range(self.size)]
            try:
                for w in workers:
                    w.wait_ready(self.startup_timeout_s)
            except BaseException:
                for w in workers:
                    w.kill()
                raise
        return _Generation(bid, workers)

    def _reload(self) -> None:
        """Open a new generation if the folder holds another build than the current one."""
        if self.closed:
            return
        bid = build_id(self.build_dir)
        if bid is None or bid == self.gen.build_id:
            return
        try:
            new = self._open_generation()
        except KGError:
            return  # mid-swap or broken build: keep answering from the old one
        old, self.gen = self.gen, new
        self.reloads += 1
        old.retire()
        if self.closed:
            new.retire()

    def _replace(self, dead: _Worker, gen: _Generation) -> None:
        """Replace ``dead`` by a worker on the same build, or reopen everything if the
        build changed since ``gen`` was opened (so ``gen`` never mixes two builds)."""
        gen.drop(dead)
        dead.kill()
        for attempt in range(3):
            if self.closed or gen.retired:
                return
            with swap_lock(self.build_dir, shared=True):
                same_build = build_id(self.build_dir) == gen.build_id
                if same_build:
                    w = _Worker(str((self.build_dir / STORE_DIRNAME).resolve()), self.memory)
                    try:
                        w.wait_ready(self.startup_timeout_s)
                    except KGError:
                        w = None
            if not same_build:
                self._reload()
                return
            if w is not None:
                if not gen.add(w):
                    w.kill()
                return
            time.sleep(0.5 * (attempt + 1))

    # ------------------------------------------------------------ request threads
    def _submit_replace(self, dead: _Worker, gen: _Generation) -> None:
        try:
            self.spawner.submit(self._replace, dead, gen)
        except RuntimeError:  # the pool is closing
            dead.kill()

    def pids(self) -> list[int]:
        """Process ids of the current generation's workers."""
        gen = self.gen
        with gen.lock:
            return sorted(w.pid for w in gen.members)

    def run(self, request: dict, timeout_s: float) -> Answer:
        """Answer one request on an idle worker within ``timeout_s`` seconds (see the module)."""
        deadline = time.monotonic() + timeout_s
        bid = build_id(self.build_dir)
        if bid is not None and bid != self.gen.build_id:
            try:
                self.spawner.submit(self._reload).result(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - timeout or closing: answer from what we have
                pass
        while True:
            gen = self.gen
            left = deadline - time.monotonic()
            if left <= 0:
                return text_answer(503, f"every query worker stayed busy for the {timeout_s:g} s timeout; "
                                        "try again later")
            try:
                w = gen.idle.get(timeout=min(left, 0.2))
                break
            except queue.Empty:
                continue
        try:
            w.conn.send(request)
            if w.conn.poll(max(0.0, deadline - time.monotonic())):
                ans = w.conn.recv()
                gen.give_back(w)
                return ans
        except (EOFError, OSError):
            status = w.kill()
            self._submit_replace(w, gen)
            mib = self.memory >> 20
            return text_answer(503, f"the query worker stopped (exit status {status}): the query probably "
                                    f"needed more than the {mib} MiB memory cap of a worker; "
                                    "a new worker replaced it")
        self.killed += 1
        self._submit_replace(w, gen)
        return text_answer(503, f"query timed out after {timeout_s:g} s and was stopped")

    def close(self) -> None:
        """Kill every worker (idempotent)."""
        self.closed = True
        gen = self.gen
        gen.retire()
        with gen.lock:
            busy = list(gen.members)
            gen.members.clear()
        for w in busy:
            w.kill()
        self.spawner.shutdown(wait=False, cancel_futures=True)
