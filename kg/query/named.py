"""The library of named queries in ``ontology/queries/*.rq``.

Each file's first line is ``# <one-line description>``; the query name is the file
name without ``.rq``.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import QueryError
from kg.paths import QUERIES_DIR

__all__ = ["list_named_queries", "load_named", "resolve_query"]


def _description(path: Path) -> str:
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline().strip()
    except OSError as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    if not first.startswith("#") or not first.lstrip("#").strip():
        raise QueryError(f"{path}:1: the first line must be '# <one-line description>'")
    return first.lstrip("#").strip()


def list_named_queries(directory: Path | None = None) -> list[tuple[str, str, Path]]:
    """The named queries, sorted by name.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of ``.rq`` files (default ``ontology/queries``).

    Returns
    -------
    list of (name, description, path)

    Raises
    ------
    QueryError
        If a file lacks its ``# description`` first line.
    """
    d = Path(directory) if directory is not None else QUERIES_DIR
    return [(p.stem, _description(p), p) for p in sorted(d.glob("*.rq"))]


def load_named(name_or_path: str | Path, directory: Path | None = None) -> str:
    """The text of a named query or of a ``.rq`` file.

    Parameters
    ----------
    name_or_path : str or pathlib.Path
        A query name (``"evaluated-on-coco"``), or a path to a ``.rq`` file.
    directory : pathlib.Path, optional
        Folder of named queries (default ``ontology/queries``).

    Returns
    -------
    str
        The query text.

    Raises
    ------
    QueryError
        If there is no such name or file (the message lists the known names).
    """
    d = Path(directory) if directory is not None else QUERIES_DIR
    p = Path(name_or_path)
    candidates = [p] if p.suffix == ".rq" else []
    if isinstance(name_or_path, str) and "/" not in name_or_path and p.suffix != ".rq":
        candidates.append(d / f"{name_or_path}.rq")
    for c in candidates:
        if c.is_file():
            try:
                return c.read_text(encoding="utf-8")
            except OSError as exc:
                raise QueryError(f"{c}: cannot read: {exc}") from exc
    known = ", ".join(n for n, _, _ in list_named_queries(d)) or "none"
    raise QueryError(f"no named query or .rq file {str(name_or_path)!r} (named queries: {known})")


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def resolve_query(query: str | Path) -> str:
    """The SPARQL text of ``query``: a named query, a ``.rq`` file or SPARQL text.

    Parameters
    ----------
    query : str or pathlib.Path
        A name from ``ontology/queries`` (``"datasets-most-methods"``; see
        :func:`kg.query.list_named_queries`), a :class:`~pathlib.Path` to a
        ``.rq`` file (also given as a string ending in ``.rq`` or naming an
        existing file), or SPARQL text. A string that is a single word of
        letters, digits, ``-``, ``_`` and ``.`` is taken as a name; anything
        else as text.

    Returns
    -------
    str
        The query text.

    Raises
    ------
    QueryError
        If a name or file is unknown or unreadable (the message lists the names).
    """
    if isinstance(query, str) and query.strip().endswith(".rq") and "\n" not in query:
        query = Path(query.strip())
    elif isinstance(query, str) and "\n" not in query and len(query) < 256 and Path(query).is_file():
        query = Path(query)
    if isinstance(query, Path):
        try:
            return query.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{query}: cannot read the query file: {exc}") from exc
    if not isinstance(query, str):
        raise QueryError(f"query must be SPARQL text, a query name or a Path, not {type(query).__name__}")
    text = query.strip()
    if _NAME.fullmatch(text):
        return load_named(text)
    return query
