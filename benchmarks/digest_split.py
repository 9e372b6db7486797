"""Count the documents :func:`kg.ingest.iter_records` makes of each digest file and
compare them with gold item counts.

Usage::

    python benchmarks/digest_split.py tests/data/ingest/digests [--show]

The folder holds the files and ``gold.json`` (``{file name: number of items}``).
Prints one line per file (``ok``/``WRONG``, found/gold) and the number of files
split right.  Uses only the public ingest API, so it runs on older code too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kg.ingest import IngestReport, iter_records


def main(folder: str, show: bool = False) -> int:
    """Print per-file counts; return the number of files split right."""
    gold = json.loads((Path(folder) / "gold.json").read_text(encoding="utf-8"))
    right = 0
    for name, want in sorted(gold.items()):
        rep = IngestReport()
        recs = list(iter_records([Path(folder) / name], report=rep))
        ok = len(recs) == want
        right += ok
        print(f"{'ok   ' if ok else 'WRONG'} {name}: {len(recs)} documents, gold {want}")
        if show and not ok:
            for r in recs:
                print("    |", (r.title or "")[:60], "::", r.text[:90].replace("\n", " / "))
            for s in rep.documents_skipped:
                print("    skipped", s)
    print(f"{right}/{len(gold)} files split right")
    return right


if __name__ == "__main__":
    main(sys.argv[1], "--show" in sys.argv)
