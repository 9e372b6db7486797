"""The cached, versioned ``patterns.json`` of the gazetteer folder (kg.gazetteer.pattern_cache)."""

from __future__ import annotations

import json
import shutil

from kg.gazetteer import load_gazetteers
from kg.gazetteer.pattern_cache import PATTERN_FILE, read_pattern_cache, write_pattern_cache
from kg.gazetteer.patterns import gazetteer_phrase_patterns
from kg.paths import GAZETTEER_DIR


def test_shipped_cache_is_current_and_equals_a_rebuild():
    cached = read_pattern_cache(GAZETTEER_DIR)
    assert cached is not None, "run python -m kg.gazetteer.make to refresh data/gazetteers/patterns.json"
    any_case, exact, _ = cached
    assert (any_case, exact) == gazetteer_phrase_patterns(load_gazetteers(GAZETTEER_DIR))


def test_stale_or_other_version_cache_is_ignored(tmp_path):
    for p in GAZETTEER_DIR.glob("*.jsonl"):
        shutil.copy(p, tmp_path / p.name)
    write_pattern_cache(load_gazetteers(tmp_path), tmp_path)
    assert read_pattern_cache(tmp_path) is not None
    # an edited gazetteer file makes the cache stale
    hw = tmp_path / "hardware.jsonl"
    hw.write_text(hw.read_text(encoding="utf-8").replace("NVIDIA H100", "NVIDIA H100X", 1), encoding="utf-8")
    assert read_pattern_cache(tmp_path) is None
    # another format version is ignored
    write_pattern_cache(load_gazetteers(tmp_path), tmp_path)
    obj = json.loads((tmp_path / PATTERN_FILE).read_text(encoding="utf-8"))
    obj["format_version"] = 999
    (tmp_path / PATTERN_FILE).write_text(json.dumps(obj), encoding="utf-8")
    assert read_pattern_cache(tmp_path) is None


# ------------------------------------------------------- pattern_tokens.json


def test_shipped_pattern_tokens_are_current():
    from kg.gazetteer.pattern_cache import pattern_tokens, pipeline_tokenizer, read_pattern_tokens

    tokenizer = pipeline_tokenizer()
    cached = read_pattern_cache(GAZETTEER_DIR)
    tokens = read_pattern_tokens(GAZETTEER_DIR, cached, tokenizer)
    assert tokens is not None, "run python -m kg.gazetteer.pattern_cache to refresh data/gazetteers/pattern_tokens.json"
    any_case, exact, _ = cached
    assert tokens == (pattern_tokens(any_case, tokenizer), pattern_tokens(exact, tokenizer))
    # "CIFAR - 10", "gpt-3": the pipeline's tokenizer splits spaced hyphens, keeps glued ones
    by_text = dict(zip((p["pattern"] for p in any_case), tokens[0]))
    assert by_text["cifar - 10"] == ["cifar", "-", "10"] and by_text["gpt-3"] == ["gpt-3"]


def _blank_with_rulers(entries, patterns, tokens):
    import spacy

    from kg.extract.pipeline import configure_tokenizer
    from kg.gazetteer import add_gazetteer_rulers

    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    add_gazetteer_rulers(nlp, entries, patterns=patterns, tokens=tokens)
    return nlp


def test_rulers_built_from_tokens_equal_rulers_built_from_texts():
    """The same phrase-matcher keys, labels, ids and pattern list as EntityRuler.add_patterns
    builds from pattern Docs, and the same entities on the sample texts."""
    import spacy

    from kg.extract.pipeline import configure_tokenizer
    from kg.gazetteer.pattern_cache import pattern_tokens
    from kg.paths import SAMPLES_DIR

    entries = load_gazetteers(GAZETTEER_DIR)
    any_case, exact, _ = read_pattern_cache(GAZETTEER_DIR)
    tok_nlp = spacy.blank("en")
    configure_tokenizer(tok_nlp)
    tokens = (pattern_tokens(any_case, tok_nlp.tokenizer), pattern_tokens(exact, tok_nlp.tokenizer))
    fast = _blank_with_rulers(entries, (any_case, exact), tokens)
    slow = _blank_with_rulers(entries, (any_case, exact), None)
    for name in ("entity_ruler", "entity_ruler_exact"):
        a, b = fast.get_pipe(name), slow.get_pipe(name)
        # PhraseMatcher.__reduce__ exposes its (key -> set of attribute-hash tuples)
        assert a.phrase_matcher.__reduce__()[1][1] == b.phrase_matcher.__reduce__()[1][1]
        assert dict(a._ent_ids) == dict(b._ent_ids)
        assert len(a) == len(b) > 1000 and a.labels == b.labels and a.patterns == b.patterns
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    got = [[(e.start_char, e.end_char, e.label_, e.ent_id_) for e in d.ents] for d in fast.pipe(texts)]
    assert got == [[(e.start_char, e.end_char, e.label_, e.ent_id_) for e in d.ents] for d in slow.pipe(texts)]
    assert sum(map(len, got)) > 50


def test_pattern_tokens_of_another_tokenizer_or_patterns_are_ignored(tmp_path):
    import spacy

    from kg.gazetteer.pattern_cache import TOKENS_FILE, read_pattern_tokens, write_pattern_tokens

    for p in GAZETTEER_DIR.glob("*.jsonl"):
        shutil.copy(p, tmp_path / p.name)
    write_pattern_cache(load_gazetteers(tmp_path), tmp_path)
    nlp = spacy.blank("en")
    write_pattern_tokens(tmp_path, nlp.tokenizer)
    cached = read_pattern_cache(tmp_path)
    assert read_pattern_tokens(tmp_path, cached, nlp.tokenizer) is not None
    # another tokenizer (one more special case) splits differently: not used
    other = spacy.blank("en")
    other.tokenizer.add_special_case("gpt-3", [{"ORTH": "gpt"}, {"ORTH": "-3"}])
    assert read_pattern_tokens(tmp_path, cached, other.tokenizer) is None
    # other patterns (another digest) or another format version: not used
    assert read_pattern_tokens(tmp_path, (cached[0], cached[1], "0" * 64), nlp.tokenizer) is None
    obj = json.loads((tmp_path / TOKENS_FILE).read_text(encoding="utf-8"))
    obj["format_version"] = 999
    (tmp_path / TOKENS_FILE).write_text(json.dumps(obj), encoding="utf-8")
    assert read_pattern_tokens(tmp_path, cached, nlp.tokenizer) is None
    # a truncated list does not fit the patterns
    obj["format_version"] = 1
    obj["exact"] = obj["exact"][:-1]
    (tmp_path / TOKENS_FILE).write_text(json.dumps(obj), encoding="utf-8")
    assert read_pattern_tokens(tmp_path, cached, nlp.tokenizer) is None


def test_gazetteer_rulers_warn_only_when_they_have_no_pattern():
    """The rulers' cheap "no patterns" check (spaCy's counts ~9k patterns per document)
    still warns W036 for an empty ruler, and only then."""
    import warnings

    import spacy

    from kg.gazetteer import add_gazetteer_rulers

    def w036(nlp):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nlp("GPT-3 was evaluated on COCO.")
        return [str(w.message) for w in caught if "W036" in str(w.message)]

    empty = spacy.blank("en")
    add_gazetteer_rulers(empty, [], patterns=([], []))
    assert len(w036(empty)) == 2
    full = spacy.blank("en")
    add_gazetteer_rulers(full, [], patterns=([{"label": "Method", "pattern": "gpt-3", "id": "gpt-3"}],
                                             [{"label": "Dataset", "pattern": "COCO", "id": "coco"}]))
    assert w036(full) == []
    assert [(e.text, e.label_, e.ent_id_) for e in full("GPT-3 was evaluated on COCO.").ents] == [
        ("GPT-3", "Method", "gpt-3"), ("COCO", "Dataset", "coco")]
