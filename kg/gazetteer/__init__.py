"""Gazetteers: lists of known AI entities (methods, datasets, benchmarks, tasks,
metrics, organizations, hardware) with aliases, fed to spaCy's ``entity_ruler``.

Typical use::

    from kg.gazetteer import load_gazetteers, add_gazetteer_rulers, entity_ruler_patterns
    entries = load_gazetteers()                      # data/gazetteers/*.jsonl
    add_gazetteer_rulers(nlp, entries, before="ner")  # fast: two PhraseMatcher rulers

    # or, in one token-pattern ruler (same matches, much slower on long texts):
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(entity_ruler_patterns(entries, nlp.tokenizer))

The files are regenerated from public sources by
``python -m kg.gazetteer.make`` (see ``data/gazetteers/README.md``).
"""

from kg.gazetteer.ids import canonical_key, match_key
from kg.gazetteer.loader import (
    FILE_FOR_TYPE,
    FORMAT_VERSION,
    GAZETTEER_TYPES,
    GazetteerEntry,
    load_gazetteers,
    parse_entry,
    write_gazetteers,
)
from kg.gazetteer.patterns import (
    add_gazetteer_rulers,
    entity_ruler_patterns,
    gazetteer_phrase_patterns,
    form_is_case_sensitive,
    phrase_lookup,
    surface_variants,
)

__all__ = [
    "FILE_FOR_TYPE",
    "FORMAT_VERSION",
    "add_gazetteer_rulers",
    "gazetteer_phrase_patterns",
    "GAZETTEER_TYPES",
    "GazetteerEntry",
    "canonical_key",
    "entity_ruler_patterns",
    "form_is_case_sensitive",
    "load_gazetteers",
    "match_key",
    "parse_entry",
    "phrase_lookup",
    "surface_variants",
    "write_gazetteers",
]
