"""What ``kg`` may write or replace: output checks, the build marker, locks, modes.

Rules (README, "What happens on bad input")
-------------------------------------------
* ``kg build --out DIR`` replaces ``DIR`` as a whole, so :func:`check_output_dir`
  accepts only a new path, an empty folder, or a folder holding the marker file
  :data:`MARKER` (``DIR/.kg-build.json``) that every completed ``kg build`` writes.
  Anything else (a folder of the user's files, a file, a symbolic link, a folder
  that is, contains or lies inside an input) is refused with one line naming the
  folder and the reason, before anything is read, loaded or written.
* Single output files (``kg extract --output``, ``kg view --out``) replace an
  existing file only if it is empty or is recognisably what that command writes
  (:func:`check_output_file`); a directory, a symbolic link, an input or a file
  inside an input folder is never replaced.
* Builders into the same folder exclude each other with :func:`output_lock`
  (``filelock`` on ``.DIR.lock`` next to ``DIR``).
* The swap of a finished build and the opening of a build by a reader exclude
  each other with :func:`swap_lock` (``fcntl.flock`` on the folder holding
  ``DIR``: exclusive for the two renames of the swap, shared while a reader
  opens files), so a reader sees either the old build or the new one, whole.
* Files and folders kg writes get the modes the process umask gives a normally
  created file (``0o666 & ~umask``) or folder (``0o777 & ~umask``):
  :func:`file_mode`, :func:`dir_mode`.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import KGError

#: Marker file of a completed build, at the top of the build folder.
MARKER = ".kg-build.json"
#: Value of the marker's ``"format"`` key.
MARKER_FORMAT = "kg-build"
#: Layout version of the marker (``"format_version"``).
MARKER_VERSION = 1
#: Largest marker file read (bytes); a bigger one is not a kg marker.
_MARKER_MAX = 65536


class OutputError(KGError):
    """An output path kg must not write or replace (one line naming the path and why)."""


# ----------------------------------------------------------------- umask and modes
def umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux
    ``/proc/self/status``); elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """Mode of a normally created file under the current umask (``0o666 & ~umask``)."""
    return 0o666 & ~umask()


def dir_mode() -> int:
    """Mode of a normally created folder under the current umask (``0o777 & ~umask``)."""
    return 0o777 & ~umask()


# ------------------------------------------------------------------------- marker
def read_marker(build_dir: Path | str) -> dict[str, Any] | None:
    """The marker of the build in ``build_dir`` (a dict with ``format``,
    ``format_version``, ``kg_version``, ``build_id``), or None if there is no
    valid one (missing, not a regular file, too large, not JSON, wrong format)."""
    path = Path(build_dir) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MARKER_MAX:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MARKER_FORMAT:
        return None
    return data


def build_id(build_dir: Path | str) -> str | None:
    """The ``build_id`` of the build in ``build_dir`` (32 hex digits, new for every
    completed build), or None if it has no valid marker."""
    m = read_marker(build_dir)
    bid = m.get("build_id") if m else None
    return bid if isinstance(bid, str) else None


def write_marker(build_dir: Path) -> str:
    """Write :data:`MARKER` into ``build_dir`` (the finished temporary build, just
    before it is swapped in) and return its new ``build_id`` (``uuid4().hex``)."""
    from kg import __version__

    bid = uuid.uuid4().hex
    data = {"format": MARKER_FORMAT, "format_version": MARKER_VERSION, "kg_version": __version__, "build_id": bid}
    path = Path(build_dir) / MARKER
    path.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(path, file_mode())
    return bid


# ------------------------------------------------------------------ output checks
def _resolved(p: Path | str) -> Path:
    return Path(os.path.abspath(p)).resolve()


def _overlap(out: Path, inputs: Iterable[str | Path], what: str) -> None:
    ro = _resolved(out)
    for i in inputs:
        if str(i) == "-":
            continue
        ri = _resolved(i)
        if ro == ri:
            raise OutputError(f"{out}: is the input {i}; {what} would replace it")
        if ro in ri.parents:
            raise OutputError(f"{out}: contains the input {i}; {what} would replace it")
        if ri in ro.parents:
            raise OutputError(f"{out}: lies inside the input {i}; write the output elsewhere")


def _check_parent(out: Path) -> None:
    """The nearest existing ancestor of ``out`` must be a writable folder."""
    anc = Path(os.path.abspath(out)).parent
    while not anc.exists() and not anc.is_symlink():
        anc = anc.parent
    if not anc.is_dir():
        raise OutputError(f"{out}: cannot be created: {anc} is not a directory")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: cannot be created: no write permission in {anc}")


def check_output_dir(out_dir: Path | str, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse an ``--out`` folder that ``kg build`` must not replace.

    Accepted: a path that does not exist (its nearest existing parent must be a
    writable folder), an empty folder, or a folder holding a valid :data:`MARKER`.

    Raises
    ------
    OutputError
        One line naming the folder and why: it is a symbolic link, an existing
        non-folder, a non-empty folder without the marker (not made by
        ``kg build``), is/contains/lies inside one of ``inputs``, or its parent
        cannot be written.
    """
    out = Path(out_dir)
    inputs = list(inputs)
    if out.is_symlink():
        raise OutputError(f"{out}: is a symbolic link; name the build folder itself")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; kg build writes a folder")
    _overlap(out, inputs, "kg build")
    _check_parent(out)
    if out.is_dir():
        try:
            empty = next(os.scandir(out), None) is None
        except OSError as exc:
            raise OutputError(f"{out}: cannot be read: {exc.strerror or exc}") from exc
        if not empty and read_marker(out) is None:
            raise OutputError(
                f"{out}: not empty and not a kg build (no {MARKER}); kg build replaces its --out folder, "
                f"so it only writes into a new folder, an empty one, or one a kg build wrote"
            )


#: What a file output of each command looks like: a test on its first 4 KiB.
_SIGNATURES = {
    # kg extract: JSON lines whose objects have at least these keys
    "extract": lambda head: _extract_line(head),
    # kg view: a page of kg.viz (templates/view.html)
    "view": lambda head: re.search(rb'<meta name="generator" content="kg[ "]', head) is not None,
}


#: Longest first line read to recognise a file of ``kg extract`` (bytes).
_FIRST_LINE_MAX = 64 * 1024 * 1024


def _extract_line(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    try:
        obj = json.loads(line.decode("utf-8"))
    except ValueError:
        return False
    return isinstance(obj, dict) and {"id", "text", "entities", "relations"} <= obj.keys()


def check_output_file(path: Path | str, kind: str, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse a single output file that ``kg`` must not write or replace.

    Parameters
    ----------
    path : Path
        The file ``kg extract --output`` or ``kg view --out`` will write.
    kind : {"extract", "view"}
        Which command writes it: an existing file is replaced only if it is empty
        or starts like that command's output (a JSON line with ``id``, ``text``,
        ``entities`` and ``relations``; an HTML page with kg's ``generator`` meta).
    inputs : iterable of path
        The command's inputs: the output may not be one of them or lie inside one.

    Raises
    ------
    OutputError
        One line naming the path and why.
    """
    p = Path(path)
    if p.is_symlink():
        raise OutputError(f"{p}: is a symbolic link; kg will not replace it")
    if p.exists() and not p.is_file():
        raise OutputError(f"{p}: exists and is not a regular file; kg will not replace it")
    _overlap(p, inputs, f"kg {kind}")
    _check_parent(p)
    if p.is_file():
        try:
            with open(p, "rb") as fh:
                # the whole first line: a JSON line of kg extract holds the document's
                # text and is often longer than any fixed prefix
                head = fh.readline(_FIRST_LINE_MAX) if kind == "extract" else fh.read(4096)
        except OSError as exc:
            raise OutputError(f"{p}: cannot be read: {exc.strerror or exc}") from exc
        if head and not _SIGNATURES[kind](head):
            raise OutputError(f"{p}: exists and was not written by kg {kind}; kg will not replace it "
                              f"(delete it yourself or choose another name)")


# -------------------------------------------------------------------------- locks
def lock_file(out_dir: Path | str) -> Path:
    """Path of the builders' lock file of ``out_dir``: ``.NAME.lock`` next to it."""
    out = Path(os.path.abspath(out_dir))
    return out.parent / f".{out.name}.lock"


@contextmanager
def output_lock(out_dir: Path | str, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive builders' lock of ``out_dir`` (``filelock`` on
    :func:`lock_file`), waiting up to ``timeout`` seconds (None: as long as needed;
    a message is logged when another build holds it).

    Raises
    ------
    OutputError
        The lock file cannot be created (the parent is not writable) or another
        build held the lock for ``timeout`` seconds.
    """
    import logging

    from filelock import FileLock, Timeout

    path = lock_file(out_dir)
    lock = FileLock(str(path), mode=file_mode())
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            logging.getLogger("kg").warning("%s: another kg build is writing it; waiting for its lock %s",
                                            out_dir, path)
            lock.acquire(timeout=-1 if timeout is None else timeout)
    except Timeout:
        raise OutputError(f"{out_dir}: another kg build is writing it (lock {path} held for {timeout:g} s)") from None
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the lock file {path}: {exc.strerror or exc}") from exc
    try:
        yield
    finally:
        lock.release()


@contextmanager
def swap_lock(build_dir: Path | str, *, shared: bool) -> Iterator[None]:
    """Hold the swap lock of ``build_dir``: ``fcntl.flock`` on the folder that
    holds it, exclusive (``shared=False``, the builder's two renames) or shared
    (a reader opening the build's files).  Taking no file of its own, it needs
    only read access to that folder.  A no-op where ``fcntl`` is missing
    (Windows) or the folder cannot be opened (the build is then missing and the
    reader reports it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    parent = Path(os.path.abspath(build_dir)).resolve().parent
    try:
        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def fresh_tmp_dir(out_dir: Path) -> Path:
    """Create the temporary sibling ``.NAME.tmp-*`` of ``out_dir`` a build is
    written into, with the umask's folder mode (``mkdtemp`` makes it 0700)."""
    import tempfile

    out = Path(os.path.abspath(out_dir))
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    os.chmod(tmp, dir_mode())
    return tmp

