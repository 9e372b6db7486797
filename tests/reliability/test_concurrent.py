"""Concurrency (issue 15): builds into one folder take turns; readers see whole builds.

Real processes: two ``kg build`` runs into the same ``--out`` (the second fails at
once with ``--lock-timeout 0``, or waits and then grows the finished build), and a
reader process querying in a loop while a builder process swaps builds in again
and again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from kg.paths import SAMPLES_DIR

from _kgrel import ROOT, kg_subprocess, run_cli

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _paragraph_corpus(path: Path, copies: int, first: int = 0, limit: int | None = None) -> Path:
    """The sample texts' paragraphs (the first ``limit``) as JSONL, ``copies`` times under new ids."""
    paras = [p.strip() for f in sorted(SAMPLES_DIR.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 80][:limit]
    with path.open("w", encoding="utf-8") as fh:
        for c in range(first, first + copies):
            for i, text in enumerate(paras):
                fh.write(json.dumps({"id": f"c{c}-p{i}", "text": f"{text} (copy {c})"}) + "\n")
    return path


def _wait_for(cond, proc: subprocess.Popen, what: str, deadline_s: float = 180) -> None:
    t0 = time.monotonic()
    while not cond():
        if proc.poll() is not None:
            o, e = proc.communicate()
            raise AssertionError(f"ended (exit {proc.returncode}) before {what}: {o.decode()} {e.decode()}")
        assert time.monotonic() - t0 < deadline_s, f"never reached: {what}"
        time.sleep(0.01)


def test_two_builds_into_one_folder_take_turns(tmp_path):
    corpus = _paragraph_corpus(tmp_path / "docs.jsonl", copies=2)
    out = tmp_path / "X"
    first = kg_subprocess("build", str(corpus), "--out", str(out), "--no-cache", "--no-views")
    procs = [first]
    try:
        _wait_for(lambda: any(tmp_path.glob(".X.tmp-*")), first, "the first build started writing")
        # a second build that will not wait fails at once, naming the folder
        busy = kg_subprocess("build", str(corpus), "--out", str(out), "--no-cache", "--no-views",
                             "--lock-timeout", "0")
        procs.append(busy)
        _, err = busy.communicate(timeout=120)
        err = err.decode()
        assert busy.returncode == 1, err
        assert "another kg build is writing it" in err and str(out) in err and "Traceback" not in err
        assert first.poll() is None, "the first build ended too soon for the test to mean anything"
        # a third one waits for the first, then finds its finished build and grows it (nothing new)
        waiting = kg_subprocess("build", str(corpus), "--out", str(out), "--no-cache", "--no-views")
        procs.append(waiting)
        o1, e1 = first.communicate(timeout=600)
        o3, e3 = waiting.communicate(timeout=600)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert first.returncode == 0, e1.decode()
    assert waiting.returncode == 0, e3.decode()
    assert "waiting for its lock" in e3.decode()
    assert "incremental: 0 new documents" in o3.decode(), o3.decode()
    res = run_cli("query", str(out), COUNT, "--format", "csv")
    assert res.exit_code == 0, res.output
    assert not list(tmp_path.glob(".X.tmp-*")) and not list(tmp_path.glob(".X.old-*"))


_WRITER = textwrap.dedent("""
    import json, sys
    try:
        from kg.build.outdir import build_id
    except ImportError:  # older kg (no marker): only the counts are compared
        build_id = lambda d: None  # noqa: E731
    from kg.extract import load_pipeline
    from kg.pipeline import run_build
    from kg.query import run_query

    out, a, b, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    nlp = load_pipeline()
    print("ready", flush=True)
    for i in range(n):
        run_build([b if i % 2 == 0 else a], out, nlp=nlp, views=False, incremental=False)
        print(json.dumps([build_id(out), run_query(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]]),
              flush=True)
""")

_READER = textwrap.dedent("""
    import json, os, sys, time
    import kg

    out, stop, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    try:
        from kg.build.io import open_build_store
        from kg.query import query_store
    except ImportError:  # older kg: kg.sparql only
        open_build_store = None
    seen, errors, t0 = [], [], time.monotonic()
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    while not os.path.exists(stop) and time.monotonic() - t0 < limit:
        try:
            n = int(kg.sparql(out, q)["n"][0])
            seen.append([None, n])
            if open_build_store is not None:
                bs = open_build_store(out)
                seen.append([bs.build_id, query_store(bs.store, q)[0]["n"]])
                del bs
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"seen": seen, "errors": errors}))
""")


def test_readers_see_whole_builds_while_builds_swap(tmp_path, nlp):
    from kg.pipeline import run_build
    from kg.query import run_query

    try:
        from kg.build.outdir import build_id
    except ImportError:  # older kg
        build_id = lambda d: None  # noqa: E731
    a = _paragraph_corpus(tmp_path / "a.jsonl", copies=1, limit=8)
    b = _paragraph_corpus(tmp_path / "b.jsonl", copies=1, first=1, limit=8)
    with b.open("a", encoding="utf-8") as fh:  # a different number of statements
        fh.write(json.dumps({"id": "extra", "text": "SADGA is evaluated on Spider by Huawei."}) + "\n")
    out = tmp_path / "X"
    run_build([a], out, nlp=nlp, views=False)
    counts = {build_id(out): run_query(out, COUNT)[0]["n"]}
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    stop = tmp_path / "stop"
    swaps = 8
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(out), str(a), str(b), str(swaps)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader = None
    try:
        assert writer.stdout.readline().strip() == b"ready", writer.stderr.read().decode()
        reader = subprocess.Popen([sys.executable, "-c", _READER, str(out), str(stop), "300"], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        w_out, w_err = writer.communicate(timeout=600)
        stop.touch()
        r_out, r_err = reader.communicate(timeout=120)
    finally:
        for p in (writer, reader):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    assert writer.returncode == 0, w_err.decode()
    assert reader.returncode == 0, r_err.decode()
    result = json.loads(r_out)
    assert result["errors"] == []
    for line in w_out.decode().splitlines():
        bid, n = json.loads(line)
        counts[bid] = n
    assert len(counts) == swaps + 1  # a new build id for every build
    seen = result["seen"]
    assert len(seen) >= 2 * swaps, "the reader hardly ran during the swaps"
    two = set(counts.values())
    assert len(two) == 2
    assert {n for _, n in seen} <= two  # never a mixture, never a failure
    assert {n for _, n in seen} == two  # both builds were read
    for bid, n in seen:
        if bid is not None:
            assert counts[bid] == n  # the store and the build id come from the same build


def test_loaded_graph_and_store_come_from_one_build(tmp_path, nlp):
    """``kg.load`` pins the build it read ``graph.json`` from: after a rebuild, its
    store (opened at the first query) would be another build's, so it says so."""
    import pytest

    import kg
    from kg.errors import BuildError
    from kg.pipeline import run_build

    a = _paragraph_corpus(tmp_path / "a.jsonl", copies=1, limit=4)
    b = _paragraph_corpus(tmp_path / "b.jsonl", copies=1, first=1, limit=6)
    out = tmp_path / "X"
    run_build([a], out, nlp=nlp, views=False)
    K = kg.load(out)
    run_build([b], out, nlp=nlp, views=False, incremental=False)
    with pytest.raises(BuildError, match="rebuilt since kg.load"):
        K.sparql(COUNT)
    K = kg.load(out)
    docs = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"
    n = int(K.sparql(docs)["n"][0])
    assert n == sum(1 for _, d in K.graph.nodes(data=True) if d.get("kind") == "document") == 6
