"""The per-document extraction cache (kg.cache) on the real sample corpus."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cache import CACHE_FILE, CacheError, ExtractionCache, extract_cached, pipeline_version
from kg.errors import BuildError
from kg.extract import extract_records
from kg.ingest import iter_records
from kg.model import Record
from kg.paths import GAZETTEER_DIR, SAMPLES_DIR


@pytest.fixture(scope="module")
def sample_records():
    """The first 10 documents of the sample corpus (keeps the suite fast)."""
    from kg.ingest import IngestReport

    return list(iter_records([SAMPLES_DIR], report=IngestReport()))[:10]


@pytest.fixture(scope="module")
def primed(nlp, sample_records, tmp_path_factory):
    """(cache folder filled with all but the last sample record, fresh lines of all)."""
    d = tmp_path_factory.mktemp("primed")
    fresh = list(extract_records(sample_records, nlp))
    with ExtractionCache(d, pipeline_version(nlp)) as cache:
        for ex in fresh[:-1]:
            cache.put(ex)
    return d, _lines(fresh)


def _copy(primed, tmp_path) -> Path:
    dst = tmp_path / "cache"
    shutil.copytree(primed[0], dst)
    return dst


class CountingExtractor:
    """Runs the real pipeline and remembers which records it was given."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.seen: list[str] = []

    def __call__(self, records):
        def tap():
            for r in records:
                self.seen.append(r.id)
                yield r

        return extract_records(tap(), self.nlp)

    @property
    def real(self) -> list[str]:
        return [i for i in self.seen if not i.startswith("\x00")]


def _lines(exs) -> list[str]:
    return [json.dumps(ex.to_json(), sort_keys=True, ensure_ascii=False) for ex in exs]


def test_warm_run_extracts_nothing_and_matches_a_fresh_run(nlp, sample_records, primed, tmp_path):
    fresh = primed[1]
    version = pipeline_version(nlp)
    recs = sample_records[:4]
    with ExtractionCache(tmp_path, version) as cache:
        cold = CountingExtractor(nlp)
        first = _lines(extract_cached(recs, cache, cold))
        assert cache.stats() == {"hits": 0, "misses": len(recs), "writes": len(recs)}
    assert cold.real == [r.id for r in recs]
    assert first == fresh[:4]
    tmp_path = _copy(primed, tmp_path)
    sample_records = sample_records[:-1]
    fresh = fresh[:-1]
    with ExtractionCache(tmp_path, version) as cache:
        warm = CountingExtractor(nlp)
        second = _lines(extract_cached(sample_records, cache, warm))
        assert cache.stats()["hits"] == len(sample_records) and cache.stats()["misses"] == 0
    assert warm.real == []
    assert second == fresh


def test_new_and_edited_documents_are_the_only_ones_extracted(nlp, sample_records, primed, tmp_path):
    version = pipeline_version(nlp)
    old = sample_records[:-1]
    tmp_path = _copy(primed, tmp_path)
    edited = replace(old[3], text=old[3].text.replace("We ", "Here we ", 1))
    assert edited.text != old[3].text
    corpus = old[:3] + [edited] + old[4:] + [sample_records[-1]]
    ex = CountingExtractor(nlp)
    with ExtractionCache(tmp_path, version) as cache:
        out = list(extract_cached(corpus, cache, ex))
        assert cache.stats()["misses"] == 2
    assert ex.real == [edited.id, sample_records[-1].id]
    assert [o.record for o in out] == corpus
    assert _lines(out) == _lines(extract_records(corpus, nlp))


def test_metadata_that_extraction_ignores_still_hits(nlp, sample_records, primed, tmp_path):
    version = pipeline_version(nlp)
    tmp_path = _copy(primed, tmp_path)
    moved = [replace(r, source="elsewhere/" + Path(r.source).name, date="2020-01-01") for r in sample_records[:5]]
    ex = CountingExtractor(nlp)
    with ExtractionCache(tmp_path, version) as cache:
        out = list(extract_cached(moved, cache, ex))
    assert ex.real == []
    # the cached extraction is attached to the *current* record
    assert [o.record for o in out] == moved


def test_changed_gazetteer_invalidates(nlp, tmp_path):
    """A new gazetteer entry changes the fingerprint: every document is redone and
    the new name is found."""
    from kg.extract import load_pipeline

    gaz = tmp_path / "gaz"
    shutil.copytree(GAZETTEER_DIR, gaz)
    entry = {"id": "zorblax", "name": "zorblax", "type": "Benchmark", "aliases": [], "wikidata": None,
             "source": "kg-curated", "sources": ["kg-curated"], "family": None, "case_sensitive": False}
    with open(gaz / "dataset.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
    nlp2 = load_pipeline(gazetteer_dir=gaz)
    assert pipeline_version(nlp2) != pipeline_version(nlp)
    rec = Record(id="z1", text="We train GPT-2 on the zorblax benchmark and report accuracy on ImageNet.")
    cache_dir = tmp_path / "cache"
    with ExtractionCache(cache_dir, pipeline_version(nlp)) as cache:
        before = list(extract_cached([rec], cache, CountingExtractor(nlp)))
    assert "zorblax" not in {m.id for m in before[0].entities}
    ex = CountingExtractor(nlp2)
    with ExtractionCache(cache_dir, pipeline_version(nlp2)) as cache:
        after = list(extract_cached([rec], cache, ex))
        assert cache.stats()["misses"] == 1
        assert cache.prune() == 1 and len(cache) == 1
    assert ex.real == ["z1"]
    assert "zorblax" in {m.id for m in after[0].entities}


def test_hits_stream_out_without_reading_the_whole_input(nlp, sample_records, primed, tmp_path):
    version = pipeline_version(nlp)
    tmp_path = _copy(primed, tmp_path)
    sample_records = sample_records[:-1]
    consumed = []

    def lazy():
        for r in sample_records:
            consumed.append(r.id)
            yield r

    with ExtractionCache(tmp_path, version) as cache:
        it = extract_cached(lazy(), cache, lambda rs: extract_records(rs, nlp, batch_size=2), flush_every=2)
        first = next(it)
        assert first.record == sample_records[0]
        # flush placeholders let hits out long before the input ends
        assert len(consumed) <= 6 < len(sample_records)
        rest = list(it)
    assert len(rest) == len(sample_records) - 1


def test_hits_stream_out_with_jobs(nlp, sample_records, primed, tmp_path):
    """Same with two workers: their tasks hold 16 records, but the cache's
    placeholder (an empty text) ends a task, so hits still go out early (one
    task in flight here; by default 3 per worker, a bounded look-ahead)."""
    from kg.extract.parallel import extract_parallel

    version = pipeline_version(nlp)
    tmp_path = _copy(primed, tmp_path)
    consumed = []

    def lazy():
        for r in sample_records:  # the last one is not in the cache
            consumed.append(r.id)
            yield r

    with ExtractionCache(tmp_path, version) as cache:
        it = extract_cached(lazy(), cache, lambda rs: extract_parallel(rs, nlp, n_process=2, max_in_flight=1),
                            flush_every=2)
        first = next(it)
        assert first.record == sample_records[0]
        assert len(consumed) <= 4 < len(sample_records)
        rest = list(it)
        assert cache.stats() == {"hits": 9, "misses": 1, "writes": 1}
    assert _lines([first, *rest]) == primed[1]


def test_corrupt_entry_names_the_file(nlp, sample_records, primed, tmp_path):
    version = pipeline_version(nlp)
    rec = sample_records[0]
    tmp_path = _copy(primed, tmp_path)
    db = sqlite3.connect(tmp_path / CACHE_FILE)
    db.execute("UPDATE extraction SET value = '{not json'")
    db.commit()
    db.close()
    with ExtractionCache(tmp_path, version) as cache, pytest.raises(CacheError, match=CACHE_FILE):
        cache.get(rec)


def test_unwritable_cache_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot open the extraction cache"):
        ExtractionCache(blocker / "cache", "v")


def test_run_build_incremental_equals_full(nlp, sample_records, primed, tmp_path):
    """kg build with a cache: the rebuild extracts only the new document and writes
    the same graph as a build without cache."""
    from kg.pipeline import run_build

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": r.id, "title": r.title, "text": r.text}) + "\n" for r in sample_records))
    cache = _copy(primed, tmp_path)
    a = run_build([src], tmp_path / "a", nlp=nlp, views=False, store=False)
    b = run_build([src], tmp_path / "b", nlp=nlp, cache_dir=cache, views=False, store=False)
    assert b.cache == {"hits": len(sample_records) - 1, "misses": 1, "writes": 1}
    assert a.cache == {}
    for name in ("graph.ttl", "graph.nq", "extractions.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_cache_inside_the_output_is_refused(nlp, tmp_path):
    from kg.pipeline import run_build

    with pytest.raises(BuildError, match="outside the output directory"):
        run_build([SAMPLES_DIR], tmp_path / "out", nlp=nlp, cache_dir=tmp_path / "out" / ".cache")


def test_cli_extract_cache_and_no_cache(tmp_path):
    from kg.cli import app

    src = tmp_path / "in.jsonl"
    texts = [
        "We propose FooNet, which achieves 52.8% AP on COCO.",
        "BarNet outperforms ResNet-50 on ImageNet with 81.2% top-1 accuracy.",
    ]
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    runner = CliRunner()
    outs = []
    for extra in (["--cache", str(tmp_path / "c")], ["--cache", str(tmp_path / "c")], ["--no-cache"]):
        out = tmp_path / f"out{len(outs)}.jsonl"
        res = runner.invoke(app, ["extract", str(src), "-o", str(out), *extra])
        assert res.exit_code == 0, res.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert (tmp_path / "c" / CACHE_FILE).is_file()
    with sqlite3.connect(tmp_path / "c" / CACHE_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM extraction").fetchone()[0] == 2
