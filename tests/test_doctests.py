"""The Examples sections of the library's docstrings run as doctests."""

import doctest
import importlib

import pytest

MODULES = [
    "kg.extract.abbreviations",
    "kg.extract.boundaries",
    "kg.extract.entities",
    "kg.extract.genre",
    "kg.extract.name_evidence",
    "kg.extract.entities.shapes",
    "kg.extract.relations.confidence",
    "kg.extract.relations.base",
    "kg.build.merge",
    "kg.evaluate",
    "kg.gazetteer.ids",
    "kg.ingest.markdown",
    "kg.ingest.formats",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
