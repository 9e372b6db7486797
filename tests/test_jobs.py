"""Parallel extraction (``--jobs N``, :mod:`kg.extract.parallel`): same output as one
process, input order, bounded look-ahead, clear errors, no stray processes."""

from __future__ import annotations

import json
import multiprocessing as mp
import os

import pytest
import spacy
from spacy.language import Language

from kg.errors import KGError
from kg.extract import extract_records
from kg.extract.parallel import extract_parallel, fork_available
from kg.ingest import IngestReport, iter_records
from kg.model import Record
from kg.paths import SAMPLES_DIR

pytestmark = pytest.mark.skipif(not fork_available(), reason="needs the fork start method")


@pytest.fixture(scope="module")
def sample_records():
    return list(iter_records([SAMPLES_DIR], report=IngestReport()))[:24]


def _lines(exs) -> list[str]:
    return [json.dumps(ex.to_json(), ensure_ascii=False, sort_keys=True) for ex in exs]


def test_two_workers_give_the_single_process_output(nlp, sample_records, monkeypatch):
    # an empty text and an over-long text (processed in chunks; the limit is lowered
    # to keep the test fast, and the forked workers inherit it) among real documents
    import kg.extract.pipeline as kpipe

    monkeypatch.setattr(kpipe, "MAX_CHARS", 2_000)
    long_text = " ".join(r.text for r in sample_records[:6])
    assert len(long_text) > 3 * 2_000
    recs = sample_records[:5] + [Record(id="empty", text=""), Record(id="long", text=long_text)] + sample_records[5:]
    one = _lines(extract_records(recs, nlp, n_process=1))
    two = _lines(extract_records(recs, nlp, n_process=2))
    assert len(one) == len(recs)
    assert two == one
    # the parent's own records (all metadata) come back, not the workers' slim copies
    assert [json.loads(x)["meta"]["source"] for x in two[:5]] == [r.source for r in recs[:5]]


def test_small_tasks_keep_order_and_read_ahead_is_bounded(nlp, sample_records):
    pulled = []

    def feed():
        for r in sample_records:
            pulled.append(r.id)
            yield r

    seen = []
    for ex in extract_parallel(feed(), nlp, n_process=2, task_size=2, max_in_flight=3):
        seen.append(ex.record.id)
        # records pulled but not yet yielded: at most max_in_flight tasks of task_size
        assert len(pulled) - len(seen) <= 3 * 2
    assert seen == [r.id for r in sample_records]
    assert not mp.active_children()


# ---------------------------------------------------------------- failures
@Language.component("_test_jobs_trap")
def _trap(doc):
    if "BOOM" in doc.text:
        raise ValueError("trap sprung on BOOM")
    if "DIE" in doc.text:
        os._exit(7)
    return doc


@pytest.fixture(scope="module")
def trap_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("_test_jobs_trap")
    return nlp


def _recs(*texts):
    return [Record(id=f"r{i}", text=t) for i, t in enumerate(texts)]


def test_blank_pipeline_runs_in_workers(trap_nlp):
    recs = _recs(*[f"Sentence {i}. Another one." for i in range(40)])
    out = list(extract_parallel(recs, trap_nlp, n_process=2, task_size=3))
    assert [ex.record.id for ex in out] == [r.id for r in recs]
    assert out[0].sentences == ((0, 11), (12, 24))


def test_a_worker_exception_fails_the_run_with_its_message(trap_nlp):
    recs = _recs(*["fine."] * 10, "a BOOM here.", *["fine."] * 10)
    with pytest.raises(KGError, match="trap sprung on BOOM"):
        list(extract_parallel(recs, trap_nlp, n_process=2, task_size=4))
    assert not mp.active_children()


def test_a_dead_worker_fails_the_run(trap_nlp):
    recs = _recs(*["fine."] * 5, "we DIE here.", *["fine."] * 5)
    with pytest.raises(KGError, match="died"):
        list(extract_parallel(recs, trap_nlp, n_process=2, task_size=2))
    assert not mp.active_children()


def test_closing_the_stream_early_stops_the_workers(trap_nlp):
    gen = extract_parallel(_recs(*["fine."] * 200), trap_nlp, n_process=2, task_size=5)
    assert next(gen).record.id == "r0"
    assert len(mp.active_children()) == 2
    gen.close()
    assert not mp.active_children()


def test_cache_with_jobs(nlp, sample_records, tmp_path):
    from kg.pipeline import extraction_stream

    recs = sample_records[:12]
    ref = _lines(extract_records(recs, nlp))
    for expect in ({"hits": 0, "misses": 12, "writes": 12}, {"hits": 12, "misses": 0, "writes": 0}):
        stats: dict = {}
        with extraction_stream(iter(recs), nlp, jobs=2, cache_dir=tmp_path, stats=stats) as exs:
            assert _lines(exs) == ref
        assert stats == expect


_PARENT = r"""
import sys, time, spacy
from spacy.language import Language
from kg.extract.parallel import extract_parallel
from kg.model import Record

@Language.component("_slow")
def _slow(doc):
    time.sleep(0.05)
    return doc

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
nlp.add_pipe("_slow")
for ex in extract_parallel((Record(id=str(i), text="Some text.") for i in range(10_000)), nlp, n_process=2,
                           task_size=4):
    print(ex.record.id, flush=True)
"""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_workers_die_with_a_killed_parent(sig, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    import psutil

    proc = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True)
    workers: list = []
    try:
        assert proc.stdout.readline().strip() == "0"  # the workers are running
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
            w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers
        ):
            time.sleep(0.1)
        assert not [w.pid for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    finally:
        proc.kill()
        proc.wait()
        for w in workers:  # a failed run must not leave them behind
            try:
                w.kill()
            except psutil.Error:
                pass


def test_build_timings_count_the_workers_cpu(nlp, sample_records, tmp_path):
    """run_build's phase times: the extract phase's CPU includes the workers' (they
    are joined when the stream closes), so --jobs 2 reports about the CPU of --jobs 1."""
    from kg.pipeline import run_build

    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": r.id, "text": r.text}) + "\n" for r in sample_records[:12]))
    cpu = {}
    for jobs in (1, 2):
        res = run_build([src], tmp_path / f"b{jobs}", nlp=nlp, jobs=jobs, views=False, store=False)
        assert set(res.timings) == {"extract", "merge", "extractions_jsonl", "outputs", "state"}
        assert all(v["s"] >= 0 and v["cpu_s"] >= 0 for v in res.timings.values())
        cpu[jobs] = res.timings["extract"]["cpu_s"]
    assert cpu[2] > 0.5 * cpu[1] > 0
