"""Exception hierarchy. Every error names what went wrong and where (file, line)."""

from __future__ import annotations


class KGError(Exception):
    """Base class of all errors ``kg`` raises on purpose; the CLI prints the message
    and exits with status 1 instead of a traceback."""


class InputError(KGError):
    """Bad or unreadable input. ``path`` and ``line`` (1-based) say where, if known."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class GazetteerError(KGError):
    """A gazetteer file is malformed (names the file and line)."""


class BuildError(KGError):
    """A build directory is missing, partial or inconsistent."""


class QueryError(KGError):
    """A SPARQL query failed to parse or run."""
