"""Issue 15: a build's files follow the umask; odd JSON escapes are bad lines, not crashes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from _kgrel import run_cli

TEXT = ("RTMDet achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU, "
        "outperforming YOLOv8. SADGA is evaluated on Spider.")


def _modes(root: Path) -> dict[str, int]:
    """``{relative path: permission bits}`` of the folder and everything in it."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for p in root.rglob("*"):
        out[str(p.relative_to(root))] = stat.S_IMODE(p.lstat().st_mode)
    return out


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_every_file_and_folder_of_a_build_follows_the_umask(tmp_path, nlp, mask):
    from kg.pipeline import run_build

    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{TEXT} Item {i}."}) + "\n"
                              for i in range(3)), encoding="utf-8")
    out = tmp_path / "build"
    old = os.umask(mask)
    try:
        run_build([corpus], out, nlp=nlp)  # views and store included
        run_build([corpus], out, nlp=nlp)  # the incremental path (files patched) too
    finally:
        os.umask(old)
    modes = _modes(out)
    assert {"graph.json", "graph.graphml", "store", "index.html", ".kg-state", ".kg-build.json"} <= modes.keys()
    want_dir, want_file = 0o777 & ~mask, 0o666 & ~mask
    wrong = {p: oct(m) for p, m in modes.items()
             if m != (want_dir if (out / p).is_dir() else want_file)}
    assert not wrong, f"umask {oct(mask)}: expected dirs {oct(want_dir)}, files {oct(want_file)}: {wrong}"


def test_extract_output_follows_the_umask(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "ex.jsonl"
    old = os.umask(0o022)
    try:
        res = run_cli("extract", str(corpus), "--output", str(out))
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# A lone UTF-16 surrogate is valid JSON (``"\udc80"``) but no UTF-8 text can hold it.
ODD = [
    ('{"id": "a", "text": "RTMDet on COCO \\udc80"}', "'text'"),
    ('{"id": "a\\udc80", "text": "RTMDet on COCO."}', "'id'"),
    ('{"id": "a", "title": "\\ud800", "text": "RTMDet on COCO."}', "'title'"),
    ('{"id": "a", "authors": ["X", "\\udfff"], "text": "RTMDet on COCO."}', "'authors'[1]"),
    ('{"id": "a", "text": "RTMDet on COCO.", "\\udc80": 1}', "a key"),
]


@pytest.mark.parametrize("line,where", ODD)
def test_lone_surrogate_is_a_bad_line_not_a_crash(tmp_path, nlp, line, where):
    from kg.errors import InputError
    from kg.pipeline import run_build

    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(json.dumps({"id": "ok", "text": TEXT}) + "\n" + line + "\n", encoding="utf-8")
    out = tmp_path / "build"
    with pytest.raises(InputError) as e:
        run_build([corpus], out, nlp=nlp, views=False, store=False)
    msg = str(e.value)
    assert msg.startswith(f"{corpus}:2: ") and where in msg and "surrogate" in msg and "\n" not in msg
    assert not out.exists()
    res = run_build([corpus], out, nlp=nlp, views=False, store=False, skip_bad_lines=True)
    assert res.ingest.documents_read == 1
    assert [(s["line"], "surrogate" in s["reason"]) for s in res.ingest.documents_skipped] == [(2, True)]


def test_lone_surrogate_in_the_cli(tmp_path):
    """The issue's case end to end: one line of error (no traceback), exit 1;
    with --skip-bad-lines the line is skipped and reported."""
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(json.dumps({"id": "ok", "text": TEXT}) + "\n" + ODD[0][0] + "\n", encoding="utf-8")
    out = tmp_path / "build"
    res = run_cli("build", str(corpus), "--out", str(out), "--no-cache", "--no-views")
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert f"{corpus}:2:" in res.output.replace("\n", "")
    res = run_cli("build", str(corpus), "--out", str(out), "--no-cache", "--no-views", "--skip-bad-lines")
    assert res.exit_code == 0, res.output
    assert "1 skipped" in res.output and "surrogate" in res.output


def test_surrogate_pair_and_other_escapes_are_text(tmp_path, nlp):
    """A valid pair (an emoji), NUL, control and bidi characters in ``id`` or
    ``text`` are ordinary text: the build succeeds and keeps every document."""
    lines = [
        {"id": "emoji", "text": TEXT + " \U0001F600"},  # json.dumps writes the pair \ud83d\ude00
        {"id": "nul\u0000id", "text": TEXT + " Two."},
        {"id": "ctl\u0007\u202eid", "text": TEXT + " Three.\u0000"},
    ]
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in lines), encoding="utf-8")
    assert "\\ud83d\\ude00" in corpus.read_text(encoding="utf-8")
    from kg.pipeline import run_build

    res = run_build([corpus], tmp_path / "build", nlp=nlp, views=False)
    assert res.ingest.documents_read == 3 and res.ingest.documents_skipped == []
    assert {"doc:emoji", "doc:nul\u0000id", "doc:ctl\u0007\u202eid"} <= set(res.graph.nodes)
