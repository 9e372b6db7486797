"""Extraction time on hostile document shapes at 1×, 2×, 4×, 8× (issue 15).

Usage::

    python benchmarks/bench_linear.py                    # every shape, base sizes below
    python benchmarks/bench_linear.py --shape list --base 500 --scales 1 2 4 8
    python benchmarks/bench_linear.py --profile abbrev   # cProfile of the 8x case

Shapes (each a single document whose size grows with the scale factor):

* ``list``: a comma-separated list of names (``"We evaluate on BERT, GPT-2, …,
  and T5."``), one sentence: issue 15 measured 1k items 12 s, 2k 33 s;
* ``abbrev``: repeated abbreviation-definition sentences, the issue's "We use
  Foo Bar Baz (FBB). " alternating with a typed one ("We evaluate on the Penn
  Tree Bank (PTB).", whose every occurrence becomes a candidate);
* ``abbrev-distinct``: definitions with distinct made-up names ("We use Alpha
  Binary Cascade (ABC).", …) so every definition is new;
* ``mentions``: many short sentences with several mentions each ("BERT
  outperforms GPT-2 on SQuAD.") — the 100k-mention document of the issue at
  scale ``--base 25000 --scales 1``.

Each case runs :func:`kg.extract.extract_records` on one record and reports
process CPU time (``time.process_time``: robust to other processes on a shared
machine), the character count and the number of mentions extracted; the last
column is the 8×/1× (largest/smallest) ratio. Linear growth gives ~8; issue 15
asks for < 10.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # an installed or PYTHONPATH kg comes first

#: Names cycled through in the list and mention shapes (all in the gazetteers or
#: name-shaped, so each yields a mention).
NAMES = ("BERT", "GPT-2", "ResNet-50", "ImageNet", "SQuAD", "RoBERTa", "VGG-16", "CIFAR-10",
         "XLNet", "MNIST", "T5", "ELMo", "COCO", "ALBERT", "WMT14", "DeiT")
_WORDS = ("Alpha", "Binary", "Cascade", "Dense", "Elastic", "Fused", "Graph", "Hybrid", "Implicit",
          "Joint", "Kernel", "Latent", "Masked", "Neural", "Ordinal", "Parallel", "Quantum",
          "Recurrent", "Sparse", "Temporal", "Unified", "Variational", "Weighted", "Xavier",
          "Yielding", "Zonal")

#: Base size (scale 1) of each shape: list items, definition sentences, sentences.
BASE = {"list": 250, "abbrev": 150, "abbrev-distinct": 150, "mentions": 150}


def list_text(n: int) -> str:
    """One sentence listing ``n`` names separated by commas (~9 characters per item)."""
    items = [NAMES[i % len(NAMES)] for i in range(n)]
    return "We evaluate on " + ", ".join(items[:-1]) + " and " + items[-1] + "."


def abbrev_text(n: int) -> str:
    """``n`` sentences alternating two repeated abbreviation definitions."""
    return " ".join("We use Foo Bar Baz (FBB)." if i % 2 == 0 else "We evaluate on the Penn Tree Bank (PTB)."
                    for i in range(n))


def abbrev_distinct_text(n: int) -> str:
    """``n`` sentences "We use Foo Bar Baz (FBB)." with distinct three-word names."""
    out = []
    k = len(_WORDS)
    for i in range(n):
        a, b, c = _WORDS[i % k], _WORDS[(i // k) % k], _WORDS[(i // (k * k) + i) % k]
        out.append(f"We use {a} {b} {c} ({a[0]}{b[0]}{c[0]}).")
    return " ".join(out)


def mentions_text(n: int) -> str:
    """``n`` sentences with three mentions each ("BERT outperforms GPT-2 on SQuAD.")."""
    out = []
    m = len(NAMES)
    for i in range(n):
        out.append(f"{NAMES[i % m]} outperforms {NAMES[(i + 5) % m]} on {NAMES[(i + 3) % m]}.")
    return " ".join(out)


SHAPES = {"list": list_text, "abbrev": abbrev_text, "abbrev-distinct": abbrev_distinct_text,
          "mentions": mentions_text}


def time_extract(nlp, text: str) -> tuple[float, int]:
    """Extract one document; return (process CPU seconds, number of mentions)."""
    from kg.extract import extract_records
    from kg.model import Record

    t0 = time.process_time()
    ex = next(extract_records([Record(id="hostile", text=text)], nlp))
    return time.process_time() - t0, len(ex.entities)


def run_shape(nlp, shape: str, base: int, scales: list[int]) -> list[tuple[int, int, float, int]]:
    """Time ``shape`` at each scale: rows of (scale, characters, CPU seconds, mentions)."""
    rows = []
    for s in scales:
        text = SHAPES[shape](base * s)
        cpu, n = time_extract(nlp, text)
        rows.append((s, len(text), cpu, n))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=sorted(SHAPES), action="append", help="shape(s) to run (default: all)")
    ap.add_argument("--base", type=int, help="size at scale 1 (default: per shape, see BASE)")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--profile", choices=sorted(SHAPES), help="print a cProfile of this shape at the largest scale")
    ap.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, …)")
    args = ap.parse_args(argv)

    from kg.extract import load_pipeline

    nlp = load_pipeline()
    time_extract(nlp, mentions_text(20))  # warm-up (lazy lexicon/gazetteer loads)
    if args.profile:
        text = SHAPES[args.profile]((args.base or BASE[args.profile]) * max(args.scales))
        prof = cProfile.Profile()
        prof.enable()
        time_extract(nlp, text)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(args.sort).print_stats(40)
        print(buf.getvalue())
        return 0
    print(f"{'shape':<9} {'scale':>5} {'chars':>8} {'mentions':>8} {'cpu s':>8} {'vs 1x':>6}")
    for shape in args.shape or list(SHAPES):
        rows = run_shape(nlp, shape, args.base or BASE[shape], args.scales)
        first = rows[0][2]
        for s, chars, cpu, n in rows:
            print(f"{shape:<9} {s:>4}x {chars:>8} {n:>8} {cpu:>8.2f} {cpu / first:>6.1f}")
        print(f"{shape:<9} ratio {rows[-1][0]}x/{rows[0][0]}x = {rows[-1][2] / first:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
