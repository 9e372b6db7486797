"""Determinism (issue 10): the same input gives byte-identical Turtle/N-Triples (and
every other export) and the same node ids, whatever the order the files are given
or created in, and whatever ``--jobs``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.paths import SAMPLES_DIR

from _kgrel import kg_subprocess

RDF_FILES = ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld")
FILES = ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld", "graph.json", "graph.graphml")


def _build(inputs, out: Path, nlp) -> Path:
    from kg.pipeline import run_build

    return run_build(inputs, out, nlp=nlp, views=False, store=False).out_dir


def _node_ids(out: Path) -> list[str]:
    from kg.build import load_graph

    return sorted(load_graph(out).nodes)


def _same_outputs(a: Path, b: Path, *, same_command: bool = True) -> None:
    """Byte-identical exports and the same node ids. With ``same_command=False`` the
    inputs were given in a different order, which ``graph.json``/``graph.graphml``
    record as the graph attribute ``built_from`` (the command's inputs, as given):
    those two files must then be equal once that one attribute is set aside."""
    for name in FILES if same_command else RDF_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert _node_ids(a) == _node_ids(b)
    if not same_command:
        ja, jb = (json.loads((d / "graph.json").read_text(encoding="utf-8")) for d in (a, b))
        ja["graph"].pop("built_from"), jb["graph"].pop("built_from")
        assert ja == jb


@pytest.fixture(scope="module")
def reference(nlp, tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the corpus under ``<tmp>/ref/corpus`` and its build (relative input path)."""
    root = tmp_path_factory.mktemp("ref")
    shutil.copytree(SAMPLES_DIR, root / "corpus")
    mp = pytest.MonkeyPatch()
    try:
        mp.chdir(root)
        out = _build(["corpus"], root / "build", nlp)
    finally:
        mp.undo()
    return root, out


def test_directory_whose_files_were_created_in_reverse_order(reference, nlp, tmp_path, monkeypatch):
    _, ref_out = reference
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in sorted(SAMPLES_DIR.iterdir(), reverse=True):  # different creation (inode/dirent) order
        shutil.copyfile(f, corpus / f.name)
    monkeypatch.chdir(tmp_path)
    _same_outputs(ref_out, _build(["corpus"], tmp_path / "build", nlp))


def test_files_given_in_reverse_order(reference, nlp, tmp_path, monkeypatch):
    root, ref_out = reference
    monkeypatch.chdir(root)
    files = sorted(str(p.relative_to(root)) for p in (root / "corpus").iterdir())
    rev = _build(files[::-1], tmp_path / "rev", nlp)
    _same_outputs(ref_out, rev, same_command=False)
    g = json.loads((rev / "graph.json").read_text(encoding="utf-8"))["graph"]
    assert g["built_from"] == files[::-1]  # the inputs exactly as given


def test_jobs_1_and_2_give_identical_outputs(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        proc = kg_subprocess("build", "data/samples", "--out", str(out), "--no-cache", "--no-views",
                             "--jobs", jobs)
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr.decode()
        outs.append(out)
    _same_outputs(*outs)
