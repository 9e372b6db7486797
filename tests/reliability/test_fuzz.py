"""Fuzzing (issue 10): hypothesis over the ingest/segment entry point
(:func:`kg.ingest.segment_text`, :func:`kg.ingest.iter_records` on JSONL) and the
extract entry point (:func:`kg.extract.extract_records` with the real pipeline): no
crash, every offset valid.

Bounded for CI: ``KG_FUZZ_EXAMPLES`` examples per property (default 50 for
segmentation, a fifth of it for extraction, which runs the spaCy pipeline).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import IngestReport, iter_records, segment_text
from kg.model import Record

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "50"))

#: Lines in the shapes the corpus has (titles, bodies, bylines, dates, markers,
#: hashtags, URLs, arXiv listings, "Read More"), plus hostile and odd ones.
CORPUS_LINES = [
    "RTMDet: An Empirical Study of Designing Real-Time Object Detectors",
    "RTMDet achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU.",
    "Authors: Chengqi Lyu, Wenwei Zhang, Haian Huang",
    "Comments: Accepted at ICME'22", "arXiv:2212.07784", "December 14, 2022",
    "Read More", "#ai, #nlp, #computervision", "https://github.com/open-mmlab/mmdetection",
    "By Jane Doe", "Subscribe to our newsletter!", "---", "# Heading", "* bullet item",
    "Our method outperforms bert2BERT by +12.0% and LiGO by +20.7%.",
    "<img src=x onerror=alert(1)>Net achieves 90% accuracy on ImageNet",
    '"} ; DROP ALL # <http://x> .', "\u202eevil\u202c", "\x00\x07\x1b[31m", "中文标题", "",
    "   ", "\t", "x" * 300,
]
lines = st.one_of(st.sampled_from(CORPUS_LINES), st.text(max_size=120))
texts = st.one_of(
    st.text(max_size=2000),
    st.lists(lines, max_size=40).map("\n".join),
    st.lists(lines, max_size=40).map("\r\n".join),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, keep=st.booleans())
def test_segment_text_never_crashes_and_offsets_are_valid(text, keep):
    segs = segment_text(text, "fuzz.txt", keep_boilerplate=keep)
    prev_end = 0
    for s in segs:
        a, b = s.span
        assert 0 <= a <= b <= len(text)
        assert a >= prev_end or s.part > 1 or s.kind != "item"
        if s.kind == "item":
            prev_end = max(prev_end, a)
        for t0, s0, n in s.source_map:  # runs identical in the clean text and the source
            assert n >= 0 and 0 <= t0 and t0 + n <= len(s.text) and 0 <= s0 and s0 + n <= len(text)
            assert s.text[t0:t0 + n] == text[s0:s0 + n]
        lo, hi = s.lines
        assert 1 <= lo <= hi or (lo, hi) == (0, 0)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(st.tuples(st.text(max_size=30), texts), max_size=5))
def test_jsonl_ingest_never_crashes_and_keeps_text(docs, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": f"{i}-{k}", "text": t}) + "\n" for i, (k, t) in enumerate(docs)),
                    encoding="utf-8")
    report = IngestReport()
    recs = list(iter_records([path], report=report))
    given = {f"{i}-{k}": t for i, (k, t) in enumerate(docs)}
    assert report.documents_read == len(recs)
    if docs:
        assert len(recs) + len(report.documents_skipped) == len(docs)
    else:
        assert [s["reason"] for s in report.documents_skipped] == ["empty file"]
    for r in recs:
        assert r.text == given[r.id]  # JSONL text is kept exactly (offsets index it)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_text_file_ingest_never_crashes_and_accounts_for_every_item(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "doc.txt"
    path.write_text(text, encoding="utf-8", newline="")
    report = IngestReport()
    recs = list(iter_records([path], report=report))
    assert report.documents_read == len(recs) and report.ok
    if not text:
        assert [s["reason"] for s in report.documents_skipped] == ["empty file"]
    for r in recs:
        assert r.text.strip()
        a, b = r.span
        assert 0 <= a <= b <= len(text)


def _check(ex, text: str) -> None:
    n = len(text)
    assert ex.record.text == text
    for m in ex.entities:
        assert 0 <= m.start < m.end <= n and text[m.start:m.end] == m.text
    for a, b in ex.sentences:
        assert 0 <= a <= b <= n
    for r in ex.relations:
        assert 0 <= r.evidence[0] <= r.evidence[1] <= n
        assert r.head is None or 0 <= r.head < len(ex.entities)
        assert 0 <= r.tail < len(ex.entities)
    for r in ex.results:
        assert 0 <= r.evidence[0] <= r.evidence[1] <= n
        assert 0 <= r.method < len(ex.entities)
        assert r.dataset is None or 0 <= r.dataset < len(ex.entities)


@settings(max_examples=max(5, EXAMPLES // 5), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(batch=st.lists(texts, min_size=1, max_size=4))
def test_extract_records_never_crashes_and_offsets_are_valid(nlp, batch):
    from kg.extract import extract_records

    recs = [Record(id=f"fuzz-{i}", text=t) for i, t in enumerate(batch)]
    out = list(extract_records(recs, nlp))
    assert sorted(ex.record.id for ex in out) == sorted(r.id for r in recs)
    for ex in out:
        _check(ex, batch[int(ex.record.id.split("-")[1])])
    nonempty = [r.id for r in recs if r.text]
    assert [ex.record.id for ex in out if ex.record.text] == nonempty


def test_extract_records_keeps_input_order_with_empty_texts(nlp):
    from kg.extract import extract_records

    recs = [Record(id="r0", text="BERT is good."), Record(id="r1", text=""), Record(id="r2", text="x")]
    assert [ex.record.id for ex in extract_records(recs, nlp)] == ["r0", "r1", "r2"]
