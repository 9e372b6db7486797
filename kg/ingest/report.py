"""The ingest report: what was read, what was skipped and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class IngestReport:
    """Counts and problems collected while reading inputs.

    :func:`kg.ingest.iter_records` fills one in as it streams; the CLI prints it
    and writes the skips to the build log.

    Attributes
    ----------
    files_read : int
        Files (or stdin) opened and segmented.
    documents_read : int
        Documents yielded to the pipeline (English, not duplicates).
    documents_skipped : list of dict
        One dict per document or file not yielded: ``{"source": path, "reason":
        str, ...}`` plus ``"span": [start, end]`` (character offsets in the source
        file) for segmented items, ``"line": n`` (1-based) for JSONL lines, and
        ``"id"`` / ``"title"`` where known.  Reasons: ``"non-English (zh, p=0.99)"``,
        ``"duplicate of <id>"``, ``"empty"``, ``"empty file"``, ``"binary file (NUL
        byte at offset N)"``, ``"malformed JSONL: …"``, ``"unreadable: …"``,
        ``"title without body"``.
    warnings : list of str
        Recoverable oddities, each naming the file (non-UTF-8 bytes decoded with a
        fallback, symlink loops, stray lines dropped, oversized lines cut).
    errors : list of str
        Problems that make the run incomplete (unreadable files inside a directory);
        a CLI should exit non-zero when this is not empty.
    boilerplate : list of dict
        What was left out of the documents or attached to them, ``{"source",
        "kind", ...}`` with ``"span"``/``"lines"`` where known.  Kinds:
        ``"newsletter chrome"`` (greeting, intro, footer), ``"issue
        introduction"``, ``"sign-off"``, ``"metadata attached to item"`` (a
        metadata line or block — date, URL, DOI, arXiv id, byline, source — that
        went into its item's fields, with ``"metadata"`` naming which),
        ``"metadata without an item, dropped"`` and ``"markdown markup dropped: 3
        code, 2 image, …"`` (counts per file).  Section headers are not listed.
    """

    files_read: int = 0
    documents_read: int = 0
    documents_skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    boilerplate: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no error was recorded (skips and warnings are fine)."""
        return not self.errors

    def skip(self, source: str, reason: str, **where: Any) -> None:
        """Record one skipped document or file."""
        self.documents_skipped.append({"source": source, **where, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy."""
        return asdict(self)

    def summary(self) -> str:
        """One line: ``"5 files, 36 documents read, 1 skipped, 0 warnings, 0 errors"``."""
        return (
            f"{self.files_read} files, {self.documents_read} documents read, "
            f"{len(self.documents_skipped)} skipped, {len(self.warnings)} warnings, "
            f"{len(self.errors)} errors"
        )
