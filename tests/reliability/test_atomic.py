"""Atomic outputs (issue 10): an interrupted ``kg build`` leaves the previous build
intact and usable; ``kg query`` on a missing or partial build says so clearly.

Each interruption test copies the session's complete sample build to ``X``, starts
a real ``kg build ... --out X`` over it in a child process, waits until that run is
demonstrably mid-way (its temporary sibling ``.X.tmp-*`` already holds extracted
documents of a long corpus, or graph output files of the samples) and sends SIGINT
or SIGKILL.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path


from kg.paths import SAMPLES_DIR

from _kgrel import kg_subprocess, run_cli, tree_digest

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _tmp_siblings(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*"))


def _previous_build(sample_build: Path, tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    out = tmp_path / "X"
    shutil.copytree(sample_build, out)
    res = run_cli("query", str(out), COUNT, "--format", "csv")
    assert res.exit_code == 0, res.output
    return out, tree_digest(out), res.output


def _long_corpus(tmp_path: Path, copies: int = 20) -> Path:
    """A JSONL corpus of the sample texts' paragraphs, ``copies`` times under new ids
    (about 1,000 documents): its extraction takes far longer than the moment we
    need, so an interruption "mid extraction" can never arrive after the build."""
    paras = [p.strip() for f in sorted(SAMPLES_DIR.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 80]
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for c in range(copies):
            for i, text in enumerate(paras):
                fh.write(json.dumps({"id": f"c{c}-p{i}", "text": text}) + "\n")
    return path


def _interrupt(out: Path, sig: int, *, when: str, deadline_s: float = 120, extra: tuple[str, ...] = ()
               ) -> tuple[int, str]:
    """Run ``kg build`` over ``out`` and send ``sig`` once the run reaches ``when``:
    ``"extracting"`` (a long corpus next to ``out``; its temporary directory's
    extractions.jsonl already holds extracted documents) or ``"writing"`` (the
    sample corpus; the temporary directory already holds graph outputs)."""
    source = _long_corpus(out.parent) if when == "extracting" else SAMPLES_DIR
    proc = kg_subprocess("build", str(source), "--out", str(out), "--no-cache", *extra)
    t0 = time.monotonic()
    try:
        while True:
            if proc.poll() is not None:
                o, e = proc.communicate()
                raise AssertionError(f"the build finished (exit {proc.returncode}) before it could be "
                                     f"interrupted: {o.decode()} {e.decode()}")
            assert time.monotonic() - t0 < deadline_s, "the build never reached the point to interrupt"
            tmps = _tmp_siblings(out)
            if when == "extracting":
                files = [t / "extractions.jsonl" for t in tmps]
                if any(f.exists() and f.stat().st_size > 0 for f in files):
                    break
            elif any((t / "graph.json").exists() for t in tmps):
                break
            time.sleep(0.005)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, stderr.decode("utf-8", "replace")


def _assert_intact(out: Path, digest: dict[str, str], count: str) -> None:
    assert tree_digest(out) == digest  # same files, same bytes (graph.ttl included)
    res = run_cli("query", str(out), COUNT, "--format", "csv")
    assert res.exit_code == 0, res.output
    assert res.output == count


def test_sigint_mid_extraction_keeps_previous_build(sample_build, tmp_path):
    out, digest, count = _previous_build(sample_build, tmp_path)
    rc, stderr = _interrupt(out, signal.SIGINT, when="extracting")
    assert rc != 0, stderr
    _assert_intact(out, digest, count)
    # SIGINT unwinds run_build, which deletes its temporary directory (the builders'
    # lock file .X.lock stays next to X, empty, for the next build).
    assert _tmp_siblings(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".X.lock", "X", "long.jsonl"]


def test_sigterm_mid_extraction_cleans_up_like_sigint(sample_build, tmp_path):
    """Issue 15: SIGTERM (``kill``, systemd, CI timeouts) removes ``.X.tmp-*`` as
    SIGINT does, exits 143 (128 + 15) and keeps the previous build."""
    out, digest, count = _previous_build(sample_build, tmp_path)
    rc, stderr = _interrupt(out, signal.SIGTERM, when="extracting")
    assert rc == 128 + signal.SIGTERM, stderr
    _assert_intact(out, digest, count)
    assert _tmp_siblings(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".X.lock", "X", "long.jsonl"]


def test_sigterm_with_extraction_workers_cleans_up(sample_build, tmp_path):
    """The same with ``--jobs 2``: the forked workers do not inherit the build's
    SIGTERM handler, and the run still ends, cleaned up, with 143."""
    out, digest, count = _previous_build(sample_build, tmp_path)
    rc, stderr = _interrupt(out, signal.SIGTERM, when="extracting", extra=("--jobs", "2"))
    assert rc == 128 + signal.SIGTERM, stderr
    _assert_intact(out, digest, count)
    assert _tmp_siblings(out) == []


def test_sigkill_mid_extraction_keeps_previous_build(sample_build, tmp_path):
    out, digest, count = _previous_build(sample_build, tmp_path)
    rc, _ = _interrupt(out, signal.SIGKILL, when="extracting")
    assert rc == -signal.SIGKILL
    _assert_intact(out, digest, count)
    # Documented behaviour: SIGKILL cannot be caught, so the half-written temporary
    # sibling `.X.tmp-*` stays next to X (never inside it); the next build ignores it.
    left = _tmp_siblings(out)
    assert len(left) == 1 and not (left[0] / "build-report.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".X.tmp-")) == [
        ".X.lock", "X", "long.jsonl"]


def test_sigkill_while_writing_outputs_keeps_previous_build(sample_build, tmp_path):
    out, digest, count = _previous_build(sample_build, tmp_path)
    rc, _ = _interrupt(out, signal.SIGKILL, when="writing")
    assert rc == -signal.SIGKILL
    _assert_intact(out, digest, count)
    assert not list(tmp_path.glob(".X.old-*"))  # killed before the swap: nothing moved aside


def test_query_on_missing_build_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-build"
    res = run_cli("query", str(missing), COUNT)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert str(missing) in res.output.replace("\n", "")


def test_query_on_partial_build_is_a_clear_error(sample_build, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(sample_build, partial)
    shutil.rmtree(partial / "store")
    res = run_cli("query", str(partial), COUNT)
    assert res.exit_code == 1
    text = res.output.replace("\n", "")
    assert "Traceback" not in text
    assert str(partial) in text and "store" in text


def test_query_on_emptied_store_is_a_clear_error(sample_build, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(sample_build, partial)
    for f in (partial / "store").iterdir():
        f.unlink() if f.is_file() else shutil.rmtree(f)
    res = run_cli("query", str(partial), COUNT)
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and "store" in res.output
