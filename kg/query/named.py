"""The library of named queries in ``ontology/queries/*.rq``.

Each file's first line is ``# <one-line description>``; the query name is the file
name without ``.rq``.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import QueryError
from kg.paths import QUERIES_DIR

__all__ = ["list_named_queries", "load_named"]


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
