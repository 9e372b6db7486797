"""Hostile documents, linear time (issue 15): extraction of one document 8× as
large takes less than 10× the CPU time of the 1× document, for each shape of
``benchmarks/bench_linear.py`` (a long comma list of names, repeated and distinct
abbreviation definitions, many short sentences full of mentions).

Process CPU time (``time.process_time``) rather than wall time, so that other
processes on a shared machine do not count. Both sizes are run once untimed
first: a document of new words fills per-word memos (``name_shape``, spaCy's
vocabulary) on its first pass, and a warm 1× against a cold 8× measured that
warm-up, not the algorithm (CI: 10.5× cold where the warm ratio was 7.5×). Then
each round times eight 1× runs and one 8× run right after them (the same
amount of text), and the test takes the median ratio of five rounds. On this
shared machine the speed drifts by up to 1.5× over tens of seconds; a
best-of-three 1× against a single later 8× run came out at 9–11× where the
interleaved rounds give 6–9×. Quadratic code (the 8× case then takes ~64× as
long) still fails by far.
"""

from __future__ import annotations

import importlib.util
import statistics
import time

import pytest

from _kgrel import ROOT

_spec = importlib.util.spec_from_file_location("bench_linear", ROOT / "benchmarks" / "bench_linear.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

#: Allowed CPU time of the 8× document over the 1× one (issue 15).
MAX_RATIO = 10


def _cpu(nlp, text: str) -> tuple[float, int]:
    from kg.extract import extract_records
    from kg.model import Record

    t0 = time.process_time()
    ex = next(extract_records([Record(id="hostile", text=text)], nlp))
    return time.process_time() - t0, len(ex.entities)


def _ratio(nlp, shape: str, base: int, rounds: int = 5) -> tuple[float, float, int, int]:
    """Median over ``rounds`` of (one 8× run) / (mean of eight 1× runs just before
    it), with the two times of the median round; and the mention counts."""
    make = bench.SHAPES[shape]
    small_text, big_text = make(base), make(8 * base)
    n1 = _cpu(nlp, small_text)[1]  # warm-up: lazy loads, caches
    n8 = _cpu(nlp, big_text)[1]  # the 8x document's new words, too (see the module docstring)
    pairs = []
    for _ in range(rounds):
        t1 = statistics.fmean(_cpu(nlp, small_text)[0] for _ in range(8))
        pairs.append((_cpu(nlp, big_text)[0] / t1, t1))
    ratio, t1 = sorted(pairs)[len(pairs) // 2]
    t8 = ratio * t1
    print(f"{shape}: 1x {t1:.2f} s, 8x {t8:.2f} s CPU ({ratio:.1f}x; {n1} -> {n8} mentions; rounds {[round(r, 1) for r, _ in pairs]})")
    return t1, t8, n1, n8


@pytest.mark.parametrize("shape, base", [("list", 200), ("abbrev", 100), ("abbrev-distinct", 100), ("mentions", 100)])
def test_eight_times_the_document_takes_less_than_ten_times_the_cpu(nlp, shape, base):
    t1, t8, n1, n8 = _ratio(nlp, shape, base)
    # the shape really grows: about eight times the mentions (not one giant span or
    # none); the node rules (kg.extract.nodes) drop some made-up names, so not exactly 8x
    assert n1 > 0 and n8 >= 6 * n1, (n1, n8)
    assert t8 < MAX_RATIO * t1, f"{shape}: 1x {t1:.2f} s, 8x {t8:.2f} s CPU ({t8 / t1:.1f}x)"


@pytest.mark.slow
@pytest.mark.parametrize("shape, base", [("list", 1000), ("mentions", 1500)])
def test_large_hostile_documents_stay_linear(nlp, shape, base):
    """The issue's sizes: a 1k-item list (12 s on the old code; 8k items here) and
    ~4.5k mentions growing to ~36k (chunked past ``MAX_CHARS``)."""
    t1, t8, n1, n8 = _ratio(nlp, shape, base)
    assert n8 >= 7 * n1, (n1, n8)
    assert t8 < MAX_RATIO * t1, f"{shape}: 1x {t1:.2f} s, 8x {t8:.2f} s CPU ({t8 / t1:.1f}x)"
