"""Large and odd documents (issue 10).

* A document longer than the chunk size (``kg.extract.pipeline.MAX_CHARS``) and than
  spaCy's ``nlp.max_length`` is processed in chunks whose offsets index the full
  text.
* Empty, blank, binary, non-UTF-8, deeply nested, symlink-looped and unreadable
  inputs in one directory go through a real ``kg build``: each gives a message naming
  its path and is counted in ``build-report.json``.

The reader-level behaviour of each case is unit-tested in ``tests/test_ingest.py``
(``test_empty_and_whitespace_files_are_reported``, ``test_binary_file_is_skipped_…``,
``test_non_utf8_bytes_fall_back_…``, ``test_symlink_loop_…``, ``test_unreadable_…``);
here they are checked end to end, through the build report and the CLI.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import kg.extract.pipeline as kpipe
from kg.ingest import IngestReport, iter_records, readers
from kg.model import Record
from kg.paths import SAMPLES_DIR

from _kgrel import run_cli


def _check_offsets(ex, text: str) -> None:
    n = len(text)
    for m in ex.entities:
        assert 0 <= m.start < m.end <= n
        assert text[m.start:m.end] == m.text, (m.start, m.end, m.text)
    for a, b in ex.sentences:
        assert 0 <= a <= b <= n
    assert [a for a, _ in ex.sentences] == sorted(a for a, _ in ex.sentences)
    for r in ex.relations:
        assert 0 <= r.evidence[0] < r.evidence[1] <= n
        assert r.head is None or 0 <= r.head < len(ex.entities)
        assert 0 <= r.tail < len(ex.entities)
        tail = ex.entities[r.tail]
        assert r.evidence[0] <= tail.start and tail.end <= r.evidence[1]
    for r in ex.results:
        assert 0 <= r.evidence[0] < r.evidence[1] <= n
        assert 0 <= r.method < len(ex.entities)


@pytest.fixture(scope="module")
def long_text() -> str:
    """~20,000 characters of real corpus text: sample items joined by blank lines."""
    texts = [r.text for r in iter_records([SAMPLES_DIR], report=IngestReport())]
    out, size = [], 0
    for t in texts:
        out.append(t)
        size += len(t) + 2
        if size > 20_000:
            break
    return "\n\n".join(out)


def test_long_document_is_chunked_with_correct_offsets(nlp, long_text, monkeypatch):
    monkeypatch.setattr(kpipe, "MAX_CHARS", 3_000)
    monkeypatch.setattr(nlp, "max_length", 4_000)  # unchunked, spaCy would refuse the text
    with pytest.raises(ValueError):
        nlp(long_text)
    (ex,) = list(kpipe.extract_records([Record(id="long", text=long_text)], nlp))
    assert ex.record.text == long_text and ex.record.id == "long"
    _check_offsets(ex, long_text)
    # Entities come from every part of the text, not only from the first chunk.
    starts = [m.start for m in ex.entities]
    assert min(starts) < 3_000 and max(starts) > len(long_text) - 3_000
    assert ex.relations and ex.results


def test_chunked_entities_match_unchunked_ones(nlp, long_text, monkeypatch):
    (whole,) = list(kpipe.extract_records([Record(id="long", text=long_text)], nlp))
    monkeypatch.setattr(kpipe, "MAX_CHARS", 3_000)
    (parts,) = list(kpipe.extract_records([Record(id="long", text=long_text)], nlp))
    a = {(m.start, m.end, m.label) for m in whole.entities}
    b = {(m.start, m.end, m.label) for m in parts.entities}
    # Chunks are cut at paragraph/sentence ends, so only context-dependent decisions
    # near the cuts may differ.
    assert len(a & b) >= 0.9 * len(a | b), (len(a), len(b), len(a & b))


def test_long_jsonl_document_through_build_keeps_offsets(nlp, long_text, tmp_path, monkeypatch):
    from kg.pipeline import EXTRACTIONS_FILE, run_build

    monkeypatch.setattr(kpipe, "MAX_CHARS", 3_000)
    src = tmp_path / "long.jsonl"
    src.write_text(json.dumps({"id": "long", "text": long_text}) + "\n", encoding="utf-8")
    out = run_build([src], tmp_path / "build", nlp=nlp, views=False, store=False).out_dir
    (line,) = (out / EXTRACTIONS_FILE).read_text(encoding="utf-8").splitlines()
    doc = json.loads(line)
    assert doc["text"] == long_text
    assert doc["entities"]
    for e in doc["entities"]:
        assert long_text[e["start"]:e["end"]] == e["text"]


@pytest.mark.slow
def test_document_longer_than_spacy_max_length(nlp):
    """A real > 1,000,000-character text (spaCy's default ``max_length``), default chunking."""
    base = (SAMPLES_DIR / sorted(os.listdir(SAMPLES_DIR))[2]).read_text(encoding="utf-8")
    text = (base + "\n\n") * (1_000_001 // (len(base) + 2) + 1)
    assert len(text) > nlp.max_length >= 1_000_000
    (ex,) = list(kpipe.extract_records([Record(id="huge", text=text)], nlp))
    _check_offsets(ex, text)
    assert max(m.start for m in ex.entities) > 1_000_000 - len(base)


# --------------------------------------------------------------------- odd inputs

DEPTH = 60


@pytest.fixture
def odd_corpus(tmp_path, monkeypatch) -> dict[str, Path]:
    root = tmp_path / "odd"
    root.mkdir()
    sample = sorted(SAMPLES_DIR.iterdir())[2]
    paths = {
        "good": root / "good.txt",
        "empty": root / "empty.txt",
        "blank": root / "blank.md",
        "binary": root / "binary.txt",
        "latin1": root / "latin1.txt",
        "locked": root / "locked.txt",
    }
    shutil.copyfile(sample, paths["good"])
    paths["empty"].write_bytes(b"")
    paths["blank"].write_bytes(b"  \n\n\t\n")
    paths["binary"].write_bytes(b"PK\x03\x04\x00\x00binary\x00data" * 20)
    paths["latin1"].write_bytes(
        "Caf\u00e9 Benchmarks Released\nThe caf\u00e9 team reports that ResNet-50 achieves 76.1% "
        "top-1 accuracy on ImageNet with a na\u00efve training recipe.\n".encode("cp1252"))
    paths["locked"].write_text("Locked Title\nBERT achieves 93.5% accuracy on SQuAD.\n", encoding="utf-8")
    deep = root.joinpath(*[f"d{i}" for i in range(DEPTH)])
    deep.mkdir(parents=True)
    paths["deep"] = deep / "deep.txt"
    paths["deep"].write_text(
        "Deep Directory Item\nGPT-4 achieves 86.4% accuracy on MMLU, outperforming GPT-3.5.\n", encoding="utf-8")
    paths["loop"] = root / "d0" / "back"
    os.symlink(root, paths["loop"])  # d0/back -> odd: a cycle
    paths["selfloop"] = root / "self.txt"
    os.symlink(paths["selfloop"], paths["selfloop"])
    # root ignores permissions: make the OS refuse to open one file instead.
    real_open = readers._open_binary

    def refuse(path):
        if Path(path) == paths["locked"]:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(readers, "_open_binary", refuse)
    return paths


def _messages(rep: dict) -> list[str]:
    ing = rep["ingest"]
    return ing["warnings"] + ing["errors"] + [f"{s['source']}: {s['reason']}" for s in ing["documents_skipped"]]


def test_odd_inputs_are_named_and_counted_in_the_build_report(nlp, odd_corpus, tmp_path):
    from kg.build import load_graph
    from kg.pipeline import REPORT_FILE, run_build

    root = odd_corpus["good"].parent
    result = run_build([root], tmp_path / "build", nlp=nlp, views=False, store=False)
    rep = json.loads((result.out_dir / REPORT_FILE).read_text(encoding="utf-8"))
    ing = rep["ingest"]
    skipped = {s["source"]: s["reason"] for s in ing["documents_skipped"]}
    assert skipped[str(odd_corpus["empty"])] == "empty file"
    assert skipped[str(odd_corpus["blank"])] in ("empty file", "empty")
    assert skipped[str(odd_corpus["binary"])].startswith("binary file")
    assert any(str(odd_corpus["latin1"]) in w for w in ing["warnings"])
    assert any(str(odd_corpus["loop"]) in w and "loop" in w for w in ing["warnings"])
    assert any(str(odd_corpus["selfloop"]) in w and "loop" in w for w in ing["warnings"])
    assert any(str(odd_corpus["locked"]) in e and "Permission denied" in e for e in ing["errors"])
    # every odd path is named by exactly the messages above; the good ones are read
    named = "\n".join(_messages(rep))
    for key in ("empty", "blank", "binary", "latin1", "loop", "selfloop", "locked"):
        assert str(odd_corpus[key]) in named, key
    G = load_graph(result.out_dir)
    sources = {d.get("source") for _, d in G.nodes(data=True) if d.get("kind") == "document"}
    assert str(odd_corpus["deep"]) in sources  # 60 levels down, read once despite the loop
    assert str(odd_corpus["latin1"]) in sources  # decoded with the fallback, not dropped
    assert str(odd_corpus["good"]) in sources
    labels = {d.get("label") for _, d in G.nodes(data=True) if d.get("kind") == "document"}
    assert "Café Benchmarks Released" in labels
    assert ing["files_read"] == 5  # good, latin1, deep, empty, blank (binary detected while reading)
    extracted = (result.out_dir / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert ing["documents_read"] == len(extracted) >= 3


def test_cli_build_on_odd_inputs_names_each_path_and_fails(nlp, odd_corpus, tmp_path, monkeypatch):
    import kg.extract

    monkeypatch.setattr(kg.extract, "load_pipeline", lambda *a, **k: nlp)  # the same pipeline, loaded once
    root = odd_corpus["good"].parent
    out = tmp_path / "build"
    res = run_cli("build", str(root), "--out", str(out), "--no-cache", "--no-views")
    text = res.output.replace("\n", "")
    assert res.exit_code == 1  # an unreadable file makes the graph incomplete
    assert "Traceback" not in text
    for key in ("empty", "binary", "latin1", "loop", "locked"):
        assert str(odd_corpus[key]) in text, key
    assert (out / "build-report.json").is_file()  # the readable part is built and reported
