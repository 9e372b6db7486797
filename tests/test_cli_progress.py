"""`kg build` progress: phases reported through ``on_phase``, ``-q`` prints nothing on success."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.paths import SAMPLES_DIR
from kg.pipeline import PHASES, run_build

SAMPLE_FILES = sorted(Path(SAMPLES_DIR).glob("*.txt"))


@pytest.fixture
def corpus(tmp_path) -> Path:
    """One real sample file (a digest of several documents) in its own folder."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLE_FILES[0], d / SAMPLE_FILES[0].name)
    return d


def test_build_reports_every_phase_in_order(nlp, corpus, tmp_path):
    phases: list[tuple[str, int | None]] = []
    records: list[str] = []
    res = run_build([corpus], tmp_path / "out", nlp=nlp, on_phase=lambda p, n: phases.append((p, n)),
                    on_record=lambda r: records.append(r.id))
    assert [p for p, _ in phases] == list(PHASES)
    assert phases[0] == ("extract", None)  # a full build does not know the count in advance
    assert len(records) == res.ingest.documents_read > 1
    # without the store and views their phases are not reported
    phases.clear()
    run_build([corpus], tmp_path / "out2", nlp=nlp, views=False, store=False,
              on_phase=lambda p, n: phases.append((p, n)))
    assert [p for p, _ in phases] == ["extract", "merge", "export"]


def test_incremental_build_knows_how_many_documents_it_extracts(nlp, corpus, tmp_path):
    out = tmp_path / "out"
    first = run_build([corpus], out, nlp=nlp, store=False)
    shutil.copy(SAMPLE_FILES[1], corpus / SAMPLE_FILES[1].name)
    phases: list[tuple[str, int | None]] = []
    records: list[str] = []
    res = run_build([corpus], out, nlp=nlp, store=False, on_phase=lambda p, n: phases.append((p, n)),
                    on_record=lambda r: records.append(r.id))
    new = res.incremental["new_documents"]
    assert new == res.ingest.documents_read - first.ingest.documents_read > 0
    assert ("extract", new) in phases and len(records) == new
    names = [p for p, _ in phases]
    assert names[0] == "extract" and names.index("merge") < names.index("views")
    assert set(names) <= set(PHASES)


def test_quiet_build_prints_nothing_on_success(corpus, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / "q"), "--no-cache", "-q"])
    assert res.exit_code == 0, res.output
    assert res.output == ""
    assert (tmp_path / "q" / "graph.ttl").is_file()
    res = runner.invoke(app, ["-q", "build", str(corpus), "--out", str(tmp_path / "q2"), "--no-cache"])
    assert res.exit_code == 0 and res.output == "", res.output
    # without -q: the summary, and no progress bar (the output is not a terminal)
    res = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / "v"), "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "documents:" in res.output and "entities by type" in res.output
    assert "0:00:" not in res.output  # the bar's elapsed-time column


def test_quiet_build_still_reports_errors(tmp_path):
    res = CliRunner().invoke(app, ["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 1
    assert "error:" in res.output and "missing" in res.output
