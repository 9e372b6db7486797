"""What ``kg build --out`` (and every other output path) may replace (issue 15).

A folder of the user's own files, an input, a file or a symbolic link is refused up
front (one line naming it, exit 1, nothing touched, no model loaded); a new
folder, an empty one or one a previous ``kg build`` wrote (its ``.kg-build.json``
marker) is accepted, and every build gets a new ``build_id``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from kg.paths import SAMPLES_DIR

from _kgrel import run_cli, tree_digest

TEXT = ("RTMDet achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU, "
        "outperforming YOLOv8. SADGA is evaluated on Spider.")


def _corpus(d: Path, n: int = 3) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / "docs.jsonl"
    p.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{TEXT} Item {i}."}) + "\n" for i in range(n)), encoding="utf-8")
    return p


def _user_folder(d: Path) -> Path:
    """A folder of a user's own files, a hidden ``.ssh/`` included."""
    (d / ".ssh").mkdir(parents=True)
    (d / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n", encoding="utf-8")
    (d / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (d / "thesis.docx").write_bytes(b"PK\x03\x04 not really a docx")
    return d


def _snapshot(root: Path) -> dict[str, str]:
    """Every file's digest plus every folder (so an emptied folder shows up)."""
    return {**tree_digest(root), **{str(p.relative_to(root)) + "/": "dir" for p in root.rglob("*") if p.is_dir()}}


@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if the spaCy pipeline is loaded (refusals must come first)."""
    import kg.extract

    def boom(*a, **k):
        raise AssertionError("the pipeline was loaded before the output was checked")

    monkeypatch.setattr(kg.extract, "load_pipeline", boom)


def _refused(args: list[str], name: Path) -> str:
    res = run_cli("build", *args)
    text = res.output.strip()
    assert res.exit_code == 1, text
    assert "Traceback" not in text and text.count("error:") == 1, text
    assert str(name) in text.replace("\n", ""), text
    return text


# ------------------------------------------------------------------- refusals
def test_folder_of_user_files_is_refused_untouched(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    home = _user_folder(tmp_path / "home")
    before = _snapshot(home)
    text = _refused([str(corpus), "--out", str(home)], home)
    assert "not a kg build" in text
    assert _snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "in"]  # no lock, no temporary sibling


def test_folder_holding_only_a_hidden_folder_is_refused(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text("Host *\n", encoding="utf-8")
    before = _snapshot(home)
    _refused([str(corpus), "--out", str(home)], home)
    assert _snapshot(home) == before


def test_out_equal_to_an_input_folder_is_refused(tmp_path, no_model):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES_DIR, corpus)
    before = _snapshot(corpus)
    text = _refused([str(corpus), "--out", str(corpus)], corpus)
    assert "is the input" in text
    assert _snapshot(corpus) == before


def test_out_containing_an_input_is_refused(tmp_path, no_model):
    corpus = _corpus(tmp_path / "work" / "in")
    parent = tmp_path / "work"
    before = _snapshot(parent)
    text = _refused([str(corpus), "--out", str(parent)], parent)
    assert "contains the input" in text
    assert _snapshot(parent) == before


def test_out_inside_an_input_is_refused(tmp_path, no_model):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES_DIR, corpus)
    before = _snapshot(corpus)
    out = corpus / "build"
    text = _refused([str(corpus), "--out", str(out)], out)
    assert "inside the input" in text
    assert _snapshot(corpus) == before


def test_out_naming_a_file_is_refused(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    f = tmp_path / "notes.txt"
    f.write_text("keep me\n", encoding="utf-8")
    text = _refused([str(corpus), "--out", str(f)], f)
    assert "not a directory" in text
    assert f.read_text(encoding="utf-8") == "keep me\n"
    # a path below a file cannot be created either
    _refused([str(corpus), "--out", str(f / "build")], f / "build")


def test_out_naming_a_symlink_is_refused(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    target = _user_folder(tmp_path / "target")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    before = _snapshot(target)
    _refused([str(corpus), "--out", str(link)], link)
    assert link.is_symlink() and _snapshot(target) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0555 folder; see the /proc test below")
def test_out_in_an_unwritable_folder_is_refused(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        text = _refused([str(corpus), "--out", str(ro / "build")], ro / "build")
        assert "permission" in text
    finally:
        ro.chmod(0o755)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux /proc")
def test_out_where_nothing_can_be_created_is_refused_even_as_root(tmp_path, no_model):
    # /proc refuses new entries to everyone, root included
    corpus = _corpus(tmp_path / "in")
    out = Path("/proc/kg-no-such-dir/build")
    _refused([str(corpus), "--out", str(out)], out)


# ------------------------------------------------------------------ acceptance
def test_new_empty_and_previous_build_folders_are_accepted(tmp_path, nlp):
    from kg.build.outdir import MARKER, build_id
    from kg.pipeline import run_build

    corpus = _corpus(tmp_path / "in")
    new = tmp_path / "a" / "new"
    run_build([corpus], new, nlp=nlp, views=False, store=False)
    first = build_id(new)
    assert first and len(first) == 32
    marker = json.loads((new / MARKER).read_text(encoding="utf-8"))
    assert marker["format"] == "kg-build" and marker["format_version"] == 1 and marker["kg_version"]
    # a previous build: replaced, with a new build id
    _corpus(tmp_path / "in", n=4)
    run_build([corpus], new, nlp=nlp, views=False, store=False)
    assert build_id(new) not in (None, first)
    empty = tmp_path / "empty"
    empty.mkdir()
    run_build([corpus], empty, nlp=nlp, views=False, store=False)
    assert (empty / "graph.json").is_file() and build_id(empty)


def test_forged_or_broken_marker_is_not_a_build(tmp_path, no_model):
    from kg.build.outdir import MARKER

    corpus = _corpus(tmp_path / "in")
    d = _user_folder(tmp_path / "d")
    for content in ("", "not json", json.dumps({"format": "something-else"}), json.dumps(["kg-build"])):
        (d / MARKER).write_text(content, encoding="utf-8")
        _refused([str(corpus), "--out", str(d)], d)
    assert (d / "notes.txt").is_file() and (d / ".ssh" / "id_ed25519").is_file()


# ----------------------------------------------------------------- single files
def test_extract_output_never_replaces_a_user_file_or_folder(tmp_path, no_model):
    corpus = _corpus(tmp_path / "in")
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n", encoding="utf-8")
    for target in (notes, tmp_path / "in", corpus):
        res = run_cli("extract", str(corpus), "--output", str(target))
        assert res.exit_code == 1, res.output
        assert "Traceback" not in res.output and str(target) in res.output.replace("\n", "")
    res = run_cli("extract", str(tmp_path / "in"), "--output", str(tmp_path / "in" / "out.jsonl"))
    assert res.exit_code == 1 and "inside the input" in res.output
    assert notes.read_text(encoding="utf-8") == "keep me\n"
    assert corpus.read_text(encoding="utf-8").count("\n") == 3


def test_extract_output_replaces_its_own_previous_output(tmp_path):
    corpus = _corpus(tmp_path / "in")
    out = tmp_path / "ex.jsonl"
    for _ in range(2):
        res = run_cli("extract", str(corpus), "--output", str(out))
        assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_extract_output_of_a_long_first_document_is_its_own(tmp_path):
    """A first document longer than any fixed prefix (a full paper) still marks the
    file as kg extract's own (it was refused as a user's file before)."""
    d = tmp_path / "in"
    d.mkdir()
    long_text = " ".join([TEXT] * 100)
    assert len(long_text) > 8192
    (d / "docs.jsonl").write_text(json.dumps({"id": "long", "text": long_text}) + "\n", encoding="utf-8")
    out = tmp_path / "ex.jsonl"
    for _ in range(2):
        res = run_cli("extract", str(d / "docs.jsonl"), "--output", str(out))
        assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["id"] == "long"


def test_view_out_never_replaces_a_user_file(sample_build, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>my own page</body></html>\n", encoding="utf-8")
    res = run_cli("view", str(sample_build), "--out", str(page), "--top", "5")
    assert res.exit_code == 1 and "not written by kg view" in res.output.replace("\n", " ")
    assert "my own page" in page.read_text(encoding="utf-8")
    res = run_cli("view", str(sample_build), "--out", str(tmp_path), "--top", "5")
    assert res.exit_code == 1 and "not a regular file" in res.output.replace("\n", " ")
    ours = tmp_path / "ours.html"
    for _ in range(2):  # its own page is replaced
        res = run_cli("view", str(sample_build), "--out", str(ours), "--top", "5")
        assert res.exit_code == 0, res.output
