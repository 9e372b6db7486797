"""Format query rows as a text table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from kg.errors import QueryError

__all__ = ["FORMATS", "format_rows"]

#: Output formats of :func:`format_rows`.
FORMATS: tuple[str, ...] = ("table", "csv", "json")

_MAX_CELL = 80


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: Characters a terminal would act on: C0/C1 controls (ANSI escape sequences, bell)
#: and bidirectional overrides/isolates (U+202A–U+202E, U+2066–U+2069).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _visible(match: re.Match) -> str:
    c = match.group(0)
    return {"\r": "\\r", "\n": "\\n", "\t": " "}.get(c) or (
        f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
    )


def _cell(value: Any) -> str:
    """One table cell: controls and bidi marks shown as escapes (``\\x1b``,
    ``\\u202e``) so text from the data cannot drive the terminal; cut at 80."""
    text = _UNSAFE.sub(_visible, _text(value))
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        f = float(value)  # a JSON number when exact, else the decimal's text
        return f if Decimal(repr(f)) == value else str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def format_rows(rows: Any, fmt: str = "table") -> str:
    """Format :class:`kg.query.QueryRows` (or a list of dicts) as text.

    Parameters
    ----------
    rows : QueryRows or list of dict
        Query answer; column order from ``rows.variables`` when present, else from
        the first row.
    fmt : {"table", "csv", "json"}
        ``table``: aligned plain-text columns (cells cut at 80 characters, newlines
        shown as ``\\n``) and a row count; ``csv``: RFC 4180 with a header line;
        ``json``: a list of objects (decimals as JSON numbers when a float holds them
        exactly, else as strings; unbound as null).

    Returns
    -------
    str

    Raises
    ------
    QueryError
        If ``fmt`` is not one of :data:`FORMATS`.
    """
    variables = list(getattr(rows, "variables", None) or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps([{v: r.get(v) for v in variables} for r in rows], ensure_ascii=False,
                          indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(variables)
        for r in rows:
            w.writerow([_text(r.get(v)) for v in variables])
        return buf.getvalue()
    if fmt == "table":
        cells = [[_cell(r.get(v)) for v in variables] for r in rows]
        widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
        line = lambda items: "  ".join(s.ljust(w) for s, w in zip(items, widths)).rstrip()  # noqa: E731
        out = [line(variables), line(["-" * w for w in widths])] if variables else []
        out += [line(c) for c in cells]
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        return "\n".join(out) + "\n"
    raise QueryError(f"unknown output format {fmt!r} (choose one of {', '.join(FORMATS)})")
