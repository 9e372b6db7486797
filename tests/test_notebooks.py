"""Every notebook in notebooks/ runs top to bottom on the sample build, with real rows.

Each notebook runs in its own ``python3`` kernel (nbclient) with ``KG_BUILD_DIR``
pointing at the session's sample build, so the notebooks do not build anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.paths import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 120  # seconds per cell; the sample graph answers in well under one

#: Strings each notebook's outputs must show (real rows of the sample corpus).
EXPECTED = {
    "01_explore.ipynb": ["Google", "Organization", "Document", "<iframe srcdoc=", "ego view of"],
    "02_sparql.ipynb": ["COCO", "Spider", "Huawei", "datasets-most-methods", "RTMDet"],
    "03_analytics.ipynb": ["SuperGLUE", "RTMDet", "52.8", "image/png"],
}


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            for mime, data in (out.get("data") or {}).items():
                parts.append(mime)
                if mime.startswith("text/"):
                    parts.append(data if isinstance(data, str) else "".join(data))
    return "\n".join(parts)


def test_every_notebook_is_listed_and_stripped():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(EXPECTED), "add new notebooks to EXPECTED"
    for name in found:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs not stripped"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_without_errors(name, sample_build, monkeypatch):
    monkeypatch.setenv("KG_BUILD_DIR", str(sample_build))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,
    )
    try:
        client.execute(env=dict(os.environ))
    except nbclient.exceptions.CellExecutionError as exc:  # pragma: no cover - message is the point
        pytest.fail(f"{name}: a cell failed:\n{exc}")
    text = _outputs_text(nb)
    assert str(Path(sample_build).resolve()) in text  # it used the sample build, not ../build
    for s in EXPECTED[name]:
        assert s in text, f"{name}: {s!r} not in the outputs"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.slow
def test_notebook_builds_the_sample_corpus_when_no_build_exists(tmp_path, monkeypatch):
    """A fresh clone has no build/: the notebook builds data/samples itself."""
    build = tmp_path / "fresh" / "build"
    monkeypatch.setenv("KG_BUILD_DIR", str(build))
    nb = nbformat.read(NOTEBOOKS / "02_sparql.ipynb", as_version=4)
    nbclient.NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    text = _outputs_text(nb)
    assert "holds no build: building it from" in text
    assert (build / "graph.json").is_file() and (build / "store").is_dir()
    assert "COCO" in text and "Spider" in text
