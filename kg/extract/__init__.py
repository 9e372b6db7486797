"""Entity, relation and result extraction with spaCy (see :mod:`kg.extract.pipeline`)."""

from kg.extract.pipeline import DEFAULT_MODEL, doc_to_extraction, extract_records, load_pipeline

__all__ = ["DEFAULT_MODEL", "doc_to_extraction", "extract_records", "load_pipeline"]
