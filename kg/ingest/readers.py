"""Input discovery and decoding: directories, files, JSONL, stdin.

Streaming: text files are decoded in 1 MiB blocks and segmented line by line (two
passes: a profile pass, then the segmenting pass), JSONL files are read one line
at a time; nothing holds more than one item (plus one 1 MiB block) in memory.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import InputError
from .formats import WALKED, _arxiv_snapshot, sniff_kind
from .report import IngestReport

#: File name endings read from directories (case-insensitive): text, Markdown,
#: HTML, feeds, PDF and JSON lines (see :mod:`kg.ingest.formats`).
TEXT_SUFFIXES = WALKED
#: Bytes read to tell the kind of an input by its content.
SNIFF_BYTES = 4096
#: Marker file of a ``kg build`` output folder (its views, JSONL and graph files are
#: not inputs): such folders are not walked.
BUILD_MARKER = ".kg-build.json"


def _documents_jsonl(head: bytes) -> bool:
    """The first line of a JSONL file found in a directory is a document (has ``text``)."""
    for raw in head.splitlines():
        if raw.strip():
            try:
                obj = json.loads(raw.decode("utf-8-sig"))
            except (ValueError, UnicodeDecodeError):
                return True  # let the JSONL reader report the malformed line
            return not isinstance(obj, dict) or "text" in obj
    return True
#: File name endings read as JSONL when given explicitly.
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: Bytes inspected for NUL bytes to call a file binary (the same heuristic as git,
#: which looks at the first 8,000 bytes: ``buffer_is_binary`` in git's xdiff-interface.c).
BINARY_SNIFF_BYTES = 8000
BLOCK_BYTES = 1 << 20


@dataclass
class Source:
    """One input to read: ``path`` on disk (or a spooled copy of stdin), its display
    name (as given on the command line, or ``"-"``), whether it is JSONL and its
    ``kind`` (``text``, ``markdown``, ``html``, ``feed``, ``pdf``, ``jsonl``,
    ``arxiv-jsonl``: :func:`kg.ingest.formats.sniff_kind`)."""

    path: Path | None
    name: str
    jsonl: bool
    stream: IO[bytes] | None = None  # stdin copy
    kind: str = "text"

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        """The first ``n`` bytes (empty if the file cannot be read; the reader reports that)."""
        if self.stream is not None:
            self.stream.seek(0)
            data = self.stream.read(n)
            self.stream.seek(0)
            return data
        try:
            with _open_binary(self.path) as f:
                return f.read(n)
        except OSError:
            return b""

    def read_bytes(self) -> bytes:
        """The whole input (for readers that parse a file at once: HTML, feeds, PDF)."""
        if self.stream is not None:
            self.stream.seek(0)
            return self.stream.read()
        with _open_binary(self.path) as f:
            return f.read()


def _sniffed(src: Source) -> Source:
    src.kind = sniff_kind(src.name if src.path is None else str(src.path), src.head())
    if src.name == "-" and src.kind == "text" and src.jsonl:
        src.kind = "arxiv-jsonl" if _arxiv_snapshot(src.head()) else "jsonl"
    if src.kind == "arxiv-jsonl" or (src.kind == "jsonl" and src.name != "-"):
        src.jsonl = True
    elif src.kind != "jsonl":
        src.jsonl = False
    return src


def _open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading (one place, so tests can simulate unreadable files)."""
    return open(path, "rb")


def check_inputs(inputs: list[str | Path]) -> None:
    """Raise :class:`InputError` for inputs that do not exist or cannot be read.

    Raises
    ------
    InputError
        An input path does not exist, or is neither a file nor a directory, or no
        input was given.
    """
    if not inputs:
        raise InputError("no input given (expected files, directories or '-')")
    for item in inputs:
        s = str(item)
        if s == "-":
            continue
        p = Path(item)
        if not p.exists():
            if p.is_symlink():
                raise InputError("broken symbolic link", path=s)
            raise InputError("no such file or directory", path=s)
        if not (p.is_file() or p.is_dir()):
            raise InputError("not a regular file or directory", path=s)


def iter_sources(inputs: list[str | Path], report: IngestReport) -> Iterator[Source]:
    """Expand the inputs into sources in a deterministic order.

    Directories are walked recursively (following symbolic links to directories,
    each real directory at most once: a link back to an ancestor is reported as a
    loop and not followed); their ``.txt``/``.md`` files are visited sorted by
    relative path; names starting with ``.`` are ignored, and so are ``kg build``
    output folders (holding :data:`BUILD_MARKER`) and JSONL files whose first object
    has no ``text`` (kind ``"other"``: skipped and reported).  Files given explicitly are
    read whatever their name.  Each source's ``kind`` is set from its name and first
    bytes (:func:`kg.ingest.formats.sniff_kind`); stdin is JSONL if its first line
    parses as a JSON object, else sniffed like a file.
    """
    for item in inputs:
        s = str(item)
        if s == "-":
            yield _sniffed(_stdin_source())
            continue
        p = Path(item)
        if p.is_dir():
            for f in _walk(p, report):
                src = _sniffed(Source(f, str(f), False))
                if src.kind == "jsonl" and not _documents_jsonl(src.head()):
                    src.kind = "other"  # e.g. a gazetteer or an extraction output
                yield src
        else:
            yield _sniffed(Source(p, s, p.name.lower().endswith(JSONL_SUFFIXES)))


def _walk(root: Path, report: IngestReport) -> list[Path]:
    found: list[tuple[str, Path]] = []
    seen: set[tuple[int, int]] = set()

    def visit(d: Path, rel: str) -> None:
        try:
            st = d.stat()
        except OSError as e:
            report.errors.append(f"{d}: cannot read directory: {e.strerror or e}")
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            report.warnings.append(f"{d}: symbolic link loop (directory already visited), not followed")
            return
        seen.add(key)
        if (d / BUILD_MARKER).exists():
            report.warnings.append(f"{d}: a kg build output folder, not read as input")
            return
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as e:
            report.errors.append(f"{d}: cannot list directory: {e.strerror or e}")
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            path = d / e.name
            r = f"{rel}/{e.name}" if rel else e.name
            try:
                is_dir = e.is_dir(follow_symlinks=True)
                is_file = e.is_file(follow_symlinks=True)
            except OSError as err:
                if err.errno == errno.ELOOP:
                    report.warnings.append(f"{path}: symbolic link loop, not followed")
                else:
                    report.errors.append(f"{path}: {err.strerror or err}")
                continue
            if is_dir:
                visit(path, r)
            elif is_file:
                if e.name.lower().endswith(TEXT_SUFFIXES):
                    found.append((r, path))
            elif e.name.lower().endswith(TEXT_SUFFIXES):
                try:
                    os.stat(path)
                    report.warnings.append(f"{path}: not a regular file, skipped")
                except OSError as err:
                    if err.errno == errno.ELOOP:
                        report.warnings.append(f"{path}: symbolic link loop, not followed")
                    else:
                        report.warnings.append(f"{path}: broken symbolic link, skipped")
                        report.skip(str(path), "broken symbolic link")

    visit(root, "")
    found.sort(key=lambda t: t[0])
    return [p for _, p in found]


def _stdin_source() -> Source:
    """Spool stdin to a temporary file (memory up to 8 MiB, then disk), sniffing JSONL."""
    buf = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    src = getattr(sys.stdin, "buffer", None)
    if src is not None:
        shutil.copyfileobj(src, buf)
    else:  # a text stream (e.g. replaced in tests)
        for chunk in iter(lambda: sys.stdin.read(1 << 16), ""):
            buf.write(chunk.encode("utf-8"))
    buf.seek(0)
    jsonl = _looks_like_jsonl(buf)
    buf.seek(0)
    return Source(None, "-", jsonl, stream=buf)


def _looks_like_jsonl(f: IO[bytes]) -> bool:
    for raw in f:
        line = raw.strip().removeprefix(codecs.BOM_UTF8).strip()
        if not line:
            continue
        if not line.startswith(b"{"):
            return False
        try:
            return isinstance(json.loads(line.decode("utf-8")), dict)
        except (ValueError, UnicodeDecodeError):
            return False
    return False


class TextFile:
    """A text source decoded in blocks: sniffs binary content and the encoding.

    Parameters
    ----------
    source : Source
    report : IngestReport
        Receives the decoding warning (non-UTF-8 bytes).

    Attributes
    ----------
    encoding : str
        ``"utf-8"`` / ``"utf-8-sig"`` (BOM skipped), ``"utf-16"`` (BOM present), or —
        for bytes that are not valid UTF-8 — ``"utf-8-replace"`` when the text is
        mostly valid UTF-8 (more well-formed non-ASCII characters than bad bytes in
        the block with the first error: invalid bytes become U+FFFD) else
        ``"cp1252"`` (undecodable cp1252 bytes become U+FFFD).  Either way a warning
        names the file and the first bad byte.
    binary_at : int or None
        Offset of a NUL byte in the first :data:`BINARY_SNIFF_BYTES` bytes.
    empty : bool
        The file has no non-whitespace content.
    """

    def __init__(self, source: Source, report: IngestReport) -> None:
        self.source = source
        self.report = report
        self.encoding = "utf-8"
        self.binary_at: int | None = None
        self.empty = True
        self._nul_warned = False
        self._sniff()

    def _open(self) -> IO[bytes]:
        if self.source.stream is not None:
            self.source.stream.seek(0)
            return _NoClose(self.source.stream)
        assert self.source.path is not None
        return _open_binary(self.source.path)

    def _sniff(self) -> None:
        dec = codecs.getincrementaldecoder("utf-8")("strict")
        offset = 0
        with self._open() as f:
            first = True
            while True:
                block = f.read(BLOCK_BYTES)
                if first:
                    first = False
                    if block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                        self.encoding = "utf-16"
                        self.empty = not block[2:].replace(b"\x00", b"").strip()
                        return
                    nul = block.find(b"\x00", 0, BINARY_SNIFF_BYTES)
                    if nul >= 0:
                        self.binary_at = nul
                        return
                    if block.startswith(codecs.BOM_UTF8):
                        self.encoding = "utf-8-sig"
                if self.empty and block.strip():
                    self.empty = False
                try:
                    dec.decode(block, final=not block)
                except UnicodeDecodeError as e:
                    where = f"byte 0x{e.object[e.start]:02x} at offset {offset + e.start}"
                    text = block.decode("utf-8", "replace")
                    bad = text.count("\ufffd")
                    good = sum(1 for ch in text if ord(ch) > 127) - bad
                    if good > bad:
                        # mostly UTF-8 with a few broken bytes: keep UTF-8, mark the bad bytes
                        self.encoding = "utf-8-replace"
                        how = "decoded as UTF-8 with the invalid bytes replaced by U+FFFD"
                    else:
                        self.encoding = "cp1252"
                        how = "decoded as cp1252 (Windows-1252) instead"
                    self.report.warnings.append(f"{self.source.name}: not valid UTF-8 ({where}); {how}")
                    return
                if not block:
                    return
                offset += len(block)

    def chunks(self) -> Iterator[str]:
        """Decoded text in blocks (NUL bytes past the sniffed prefix become spaces)."""
        encoding, errors = self.encoding, "strict"
        if encoding in ("cp1252", "utf-8-replace"):
            encoding, errors = encoding.replace("-replace", "-sig"), "replace"
        dec = codecs.getincrementaldecoder(encoding)(errors)
        with self._open() as f:
            while True:
                block = f.read(BLOCK_BYTES)
                text = dec.decode(block, final=not block)
                if "\x00" in text:
                    if not self._nul_warned:
                        self._nul_warned = True
                        self.report.warnings.append(
                            f"{self.source.name}: NUL characters in the text replaced by spaces"
                        )
                    text = text.replace("\x00", " ")
                if text:
                    yield text
                if not block:
                    return


class _NoClose:
    """Context-manager wrapper that does not close the spooled stdin copy."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f

    def __enter__(self) -> IO[bytes]:
        return self.f

    def __exit__(self, *exc: Any) -> None:
        return None


def iter_jsonl(
    source: Source,
    report: IngestReport,
    skip_bad_lines: bool,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL source.

    Each line must be a JSON object (for an arXiv snapshot source, any object: its
    fields are checked by :func:`kg.ingest.formats.arxiv_snapshot_doc`) with a
    non-empty string (or integer) ``id`` and a string ``text``; optional ``title``, ``date``, ``url``, ``source`` must be
    strings.

    Raises
    ------
    InputError
        A line is not UTF-8, not JSON, not an object, or lacks ``id``/``text`` —
        naming the file and the 1-based line number — unless ``skip_bad_lines``,
        in which case it is recorded in ``report.documents_skipped`` and skipped.
    """
    name = source.name
    opener = (lambda: _NoClose(source.stream)) if source.stream is not None else (lambda: _open_binary(source.path))
    if source.stream is not None:
        source.stream.seek(0)
    with opener() as f:
        for n, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                obj = _parse_jsonl_line(raw, n, arxiv=source.kind == "arxiv-jsonl")
            except _BadLine as bad:
                if not skip_bad_lines:
                    raise InputError(str(bad), name, n) from None
                report.skip(name, str(bad), line=n)
                continue
            yield n, obj


class _BadLine(Exception):
    """A malformed JSONL line (message without the location)."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(obj: Any, where: str = "") -> str | None:
    """Where in a parsed JSON value a string (or key) holds a lone UTF-16 surrogate
    (``"\\udc80"``, which ``json`` accepts but no UTF-8 text can hold): ``"'text'"``,
    ``"'authors'[2]"``...; None if nowhere.  A valid pair is decoded to one
    character by ``json``, so any surrogate left is a lone one."""
    if isinstance(obj, str):
        return (where or "a value") if _SURROGATE.search(obj) else None
    if isinstance(obj, dict):
        for k, v in obj.items():
            if _SURROGATE.search(k):
                return f"a key of {where}" if where else "a key"
            found = _lone_surrogate(v, f"{where}[{k!r}]" if where else repr(k))
            if found:
                return found
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found = _lone_surrogate(v, f"{where}[{i}]")
            if found:
                return found
    return None


def _parse_jsonl_line(raw: bytes, n: int, arxiv: bool = False) -> dict[str, Any]:
    try:
        line = raw.decode("utf-8-sig" if n == 1 else "utf-8").rstrip("\r\n")
    except UnicodeDecodeError as e:
        raise _BadLine(f"malformed JSONL: not UTF-8 (byte offset {e.start} in the line)") from None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise _BadLine(f"malformed JSONL: {e.msg} (column {e.colno})") from None
    if not isinstance(obj, dict):
        raise _BadLine(f"malformed JSONL: expected an object, got {type(obj).__name__}")
    if "\\u" in line:  # only a \uXXXX escape can produce a lone surrogate
        where = _lone_surrogate(obj)
        if where is not None:
            raise _BadLine(f"malformed JSONL: {where} holds a lone surrogate escape (not valid Unicode text)")
    if arxiv:  # an arXiv snapshot line: its fields are checked by formats.arxiv_snapshot_doc
        return obj
    rid = obj.get("id")
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or str(rid).strip() == "":
        raise _BadLine("malformed JSONL: missing or empty 'id' (string expected)")
    if not isinstance(obj.get("text"), str):
        raise _BadLine("malformed JSONL: missing 'text' (string expected)")
    for key in ("title", "date", "url", "source", "arxiv_id", "doi", "venue"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise _BadLine(f"malformed JSONL: '{key}' must be a string")
    for key in ("authors", "topics", "urls"):
        v = obj.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise _BadLine(f"malformed JSONL: '{key}' must be a list of strings")
    return obj


def open_text(src: Source, report: IngestReport) -> TextFile | None:
    """Open ``src`` as text for a reader, or report why it is skipped.

    Returns the :class:`TextFile`, or ``None`` after recording the skip in ``report``:
    a binary file (a NUL byte early on; also a warning naming the offset) or an empty
    one.  A file that is read counts in ``report.files_read``.
    """
    tf = TextFile(src, report)
    if tf.binary_at is not None:
        report.skip(src.name, f"binary file (NUL byte at offset {tf.binary_at})")
        report.warnings.append(f"{src.name}: binary file (NUL byte at offset {tf.binary_at}), skipped")
        return None
    report.files_read += 1
    if tf.empty:
        report.skip(src.name, "empty file")
        return None
    return tf
