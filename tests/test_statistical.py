"""The statistical NER: the shipped model, the spaCy component, the training script's data handling."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from kg.errors import KGError
from kg.extract import statistical
from kg.extract.statistical import LABELS, MODEL_DIR, load_statistical_ner, statistical_spans

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

# Sentences written for these tests (not in any devset): the model must generalise.
UNSEEN = (
    "In our ablation we fine-tune BERT and a small ResNet, then report top-1 accuracy "
    "on CIFAR-10 and CIFAR-100 for image classification."
)


@pytest.fixture(scope="module")
def ner():
    return load_statistical_ner(required=True)


def _found(text: str, spans) -> set[tuple[str, str]]:
    return {(text[s:e], label) for s, e, label, *_ in spans}


def test_shipped_model_is_small_and_has_only_kg_labels(ner):
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 15 * 1024 * 1024, f"model is {size / 2**20:.1f} MiB"
    assert ner.pipe_names == ["ner"]
    assert set(ner.get_pipe("ner").labels) == set(LABELS)


def test_finds_dataset_and_method_in_unseen_sentence(ner):
    found = _found(UNSEEN, statistical_spans(ner, UNSEEN))
    assert ("CIFAR-10", "Dataset") in found
    assert ("BERT", "Method") in found
    labels = {label for _, label in found}
    assert labels <= set(LABELS)
    for s, e, label, score in statistical_spans(ner, UNSEEN):
        assert 0 <= s < e <= len(UNSEEN) and UNSEEN[s:e].strip() == UNSEEN[s:e]
        assert score is None


def test_component_offsets_index_main_doc_and_pipe_equals_call(ner):
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statistical_ner")
    texts = [
        UNSEEN,
        "Google released a new chip on Monday, the company said.",
        "",
        "We evaluate GPT-3 on SuperGLUE and SQuAD with exact match and F1.",
    ]
    one = [nlp(t)._.kg_stat_ents for t in texts]
    many = [d._.kg_stat_ents for d in nlp.pipe(texts, batch_size=2)]
    assert one == many
    assert one[2] == []
    for text, ents in zip(texts, one):
        for e in ents:
            assert set(e) == {"start", "end", "label"}
            assert e["label"] in LABELS
            assert text[e["start"]:e["end"]].strip()
    # the component on a Doc gives the same spans as statistical_spans on its text
    assert {(e["start"], e["end"], e["label"]) for e in one[0]} == {
        (s, e, lab) for s, e, lab, _ in statistical_spans(ner, UNSEEN)
    }
    assert ("CIFAR-10", "Dataset") in {(UNSEEN[e["start"]:e["end"]], e["label"]) for e in one[0]}


def test_component_label_subset_and_bad_label():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statistical_ner", config={"labels": ["Dataset"]})
    ents = nlp(UNSEEN)._.kg_stat_ents
    assert ents and {e["label"] for e in ents} == {"Dataset"}
    with pytest.raises(KGError, match="unknown labels"):
        spacy.blank("en").add_pipe("kg_statistical_ner", config={"labels": ["Dataset", "Hardware"]})


def test_missing_model_warns_and_yields_no_spans(tmp_path, caplog):
    missing = tmp_path / "no_model"
    with caplog.at_level(logging.WARNING, logger="kg.extract.statistical"):
        assert load_statistical_ner(missing) is None
    assert "not found" in caplog.text and str(missing) in caplog.text
    with pytest.raises(KGError, match="not found"):
        load_statistical_ner(missing, required=True)
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statistical_ner", config={"model_path": str(missing)})
    assert nlp("We evaluate on CIFAR-10.")._.kg_stat_ents == []


def test_broken_model_folder_is_a_clear_error(tmp_path):
    (tmp_path / "config.cfg").write_text("[nlp]\nlang = \"xx-not-a-language\"\n")
    with pytest.raises(KGError, match=str(tmp_path)):
        load_statistical_ner(tmp_path)


def test_meta_records_training_data_seed_and_dev_scores():
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    info = meta["kg_training"]
    assert isinstance(info["seed"], int)
    assert info["script"] == "benchmarks/train_ner.py"
    assert set(info["train_data"]) >= {"tdmsci", "crossner_ai", "scirex_abstracts"}
    for name, d in info["train_data"].items():
        assert d["file"] == f"{name}.train.jsonl" and d["documents"] > 0 and d["entities"] > 0
    dev = info["dev_scores"]
    assert set(dev) >= {"tdmsci", "crossner_ai", "scirex_abstracts", "pooled"}
    for key in ("Method", "Dataset+Benchmark"):
        s = dev["pooled"]["namesets"][key]
        assert s["gold"] > 0 and 0 <= s["f1"] <= 1


def test_train_script_help():
    out = subprocess.run(
        [sys.executable, str(BENCH / "train_ner.py"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "--max-steps" in out.stdout and "--seed" in out.stdout and "--scirex-full" in out.stdout


# --------------------------------------------------------------------------- training data


@pytest.fixture(scope="module")
def train_mod():
    sys.path.insert(0, str(BENCH))
    try:
        import train_ner
    finally:
        sys.path.remove(str(BENCH))
    return train_ner


def _tags(doc):
    return [(t.text, "-" if t.ent_iob_ == "" else t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "")) for t in doc]


def test_doc_from_gold_missing_values_for_unannotated_labels(train_mod):
    # a CrossNER-AI sentence (train.txt): Method annotated, Dataset not; product spans ignored
    text = "Variants of the back-propagation algorithm as well as unsupervised methods by Geoff Hinton can train ImageNet models."
    gold = {
        "text": text,
        "entities": [
            {"start": 16, "end": 42, "label": "Method"},
            {"start": 78, "end": 90, "label": "Person"},
        ],
        "meta": {
            "annotated_types": ["Location", "Method", "Metric", "Organization", "Person", "Task"],
            "ignore": [[54, 74, "misc"]],
        },
    }
    doc, stats = train_mod.doc_from_gold(spacy.blank("en"), gold)
    tags = dict(_tags(doc))
    assert tags["back"] == "B-Method" and tags["algorithm"] == "I-Method"
    assert tags["unsupervised"] == "-" and tags["methods"] == "-"  # ignore span
    assert tags["Geoff"] == "O" and tags["Hinton"] == "O"  # annotated, not a model label
    assert tags["ImageNet"] == "-"  # name-like, Dataset not annotated here
    assert tags["train"] == "O" and tags["Variants"] == "O"  # sentence-initial title case
    assert stats["entities"] == 1 and stats["missing_tokens"] == 3


def test_doc_from_gold_full_annotation_and_misaligned_span(train_mod):
    text = "We train ResNet-50 on ImageNet."
    gold = {
        "text": text,
        "entities": [
            {"start": 9, "end": 18, "label": "Method"},
            {"start": 22, "end": 30, "label": "Dataset"},
            {"start": 22, "end": 30, "label": "Task"},  # same span again: one is dropped
            {"start": 3, "end": 6, "label": "Metric"},  # "rai": not on token boundaries
        ],
        "meta": {"annotated_types": ["Dataset", "Method", "Metric", "Task"]},
    }
    doc, stats = train_mod.doc_from_gold(spacy.blank("en"), gold)
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ("ImageNet", "Dataset") in ents and ("ResNet-50", "Method") in ents
    assert stats["misaligned"] == 1 and stats["overlapping"] == 1
    assert dict(_tags(doc))["train"] == "-"  # the misaligned span's tokens are missing
    assert dict(_tags(doc))["on"] == "O"


def test_load_split_refuses_documents_of_the_other_split(train_mod, tmp_path):
    # tdmsci-0000's split is fixed by benchmarks/devsets.split_of
    sys.path.insert(0, str(BENCH))
    try:
        import devsets
    finally:
        sys.path.remove(str(BENCH))
    doc_id = next(f"tdmsci-{i:04d}" for i in range(100) if devsets.split_of("tdmsci", f"tdmsci-{i:04d}") == "dev")
    (tmp_path / "tdmsci.train.jsonl").write_text(json.dumps({"id": doc_id, "text": "x", "entities": []}) + "\n")
    with pytest.raises(KGError, match=r"tdmsci\.train\.jsonl:1"):
        train_mod.load_split(tmp_path, "tdmsci", "train")
    with pytest.raises(KGError, match="not found"):
        train_mod.load_split(tmp_path, "crossner_ai", "train")


def test_statistical_module_has_no_global_state_leak():
    # loading twice returns the cached pipeline, not a second copy
    assert load_statistical_ner() is load_statistical_ner()
    assert statistical._CACHE


def test_looks_like_name():
    from kg.extract.statistical import looks_like_name

    assert looks_like_name("CIFAR-10", True) and looks_like_name("Penn Treebank", True)
    assert looks_like_name("Adam", False) and not looks_like_name("Adam", True)
    assert not looks_like_name("deep learning models", False)
    assert not looks_like_name("Deep learning", True)


def test_names_only_and_stop_names_filter_generic_spans(ner):
    text = (
        "AI is everywhere. Deep learning models are trained with federated learning, "
        "and we fine-tune BERT on CIFAR-10."
    )
    every = _found(text, statistical_spans(ner, text, drop_stop_names=False))
    default = _found(text, statistical_spans(ner, text))
    names = _found(text, statistical_spans(ner, text, names_only=True))
    assert names <= default <= every
    assert all(t != "AI" for t, _ in default)
    assert ("BERT", "Method") in names and ("CIFAR-10", "Dataset") in names
    assert all(any(c.isupper() or c.isdigit() for c in t[1:]) or not t.islower() for t, _ in names)
    assert not any(t.islower() for t, _ in names)
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statistical_ner", config={"names_only": True})
    doc = nlp(text)
    assert {(text[e["start"]:e["end"]], e["label"]) for e in doc._.kg_stat_ents} == names
