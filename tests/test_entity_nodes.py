"""A mention becomes a node only with evidence that it is a name (../shared/ANNOTATION.md).

Sentences written for these tests in the style of AI news and abstracts (not taken
from data/samples or SciER): generic phrases and venues are no nodes, model sizes
stay in the name, generic hardware heads stay outside, hardware architectures and
families are Hardware.
"""

from __future__ import annotations

import pytest

from kg.extract.nodes import is_junk, is_venue


def _ents(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions if m["source"] != "anaphor"]


def test_generic_phrases_are_not_nodes(nlp):
    text = ("The proposed approach trains large language models and a lightweight classifier on GPUs, "
            "and our results show that deep neural networks benefit from AI chips.")
    names = {t.lower() for t, _ in _ents(nlp, text)}
    for generic in ("large language models", "language models", "classifier", "gpus", "neural networks",
                    "deep neural networks", "ai chips", "the proposed approach"):
        assert generic not in names, (generic, names)


def test_named_models_remain_and_sizes_stay_in_the_name(nlp):
    ents = _ents(nlp, "Meta released Llama 2 70B, and Mistral 7B was fine-tuned on eight H100 GPUs.")
    assert ("Llama 2 70B", "Method") in ents
    assert ("Llama 2", "Method") not in ents
    assert ("H100", "Hardware") in ents  # "H100 GPUs" → "H100"
    assert not any(t.startswith("H100 ") for t, _ in ents)


def test_variant_word_stays_in_the_name(nlp):
    ents = _ents(nlp, "Google said Gemini Ultra beats GPT-4 on several reasoning benchmarks.")
    assert ("Gemini Ultra", "Method") in ents


def test_hardware_families_are_hardware(nlp):
    text = ("Nvidia said its Blackwell platform follows Hopper, while Microsoft showed the Maia 100 "
            "accelerator and Huawei shipped the Ascend 910C. Google offers TPU v5e pods.")
    ents = _ents(nlp, text)
    for name in ("Blackwell", "Hopper", "Maia 100", "Ascend 910C", "TPU v5e"):
        assert (name, "Hardware") in ents, (name, ents)


def test_venues_people_and_junk_are_not_methods(nlp):
    text = "At NeurIPS 2023, Yann LeCun argued that scaling from 20T-40T tokens is not enough."
    ents = _ents(nlp, text)
    labels = dict(ents)
    assert "NeurIPS" not in labels and "NeurIPS 2023" not in labels
    assert labels.get("LeCun") is None and labels.get("Yann LeCun") in (None, "Person")
    assert "20T-40T" not in labels


@pytest.mark.parametrize(
    ("text", "venue"), [("CVPR", True), ("ICLR 2024", True), ("Workshop on Efficient NLP", True), ("ImageNet", False)]
)
def test_is_venue(text, venue):
    assert is_venue(text) is venue


@pytest.mark.parametrize(("text", "junk"), [("20T-40T", True), ("layer-3", True), ("ResNet-50", False)])
def test_is_junk(text, junk):
    assert is_junk(text) is junk


def test_frameworks_are_not_methods(nlp):
    ents = _ents(nlp, "The model is implemented in PyTorch and served with vLLM on two A100 GPUs.")
    assert not [t for t, _ in ents if t in ("PyTorch", "vLLM")], ents
    assert ("A100", "Hardware") in ents


def test_a_coined_shape_needs_context_or_repetition(nlp):
    # once, with nothing that types it: not a node; repeated in the document: a node
    once = _ents(nlp, "Table 3 lists QuillStack next to the other entries.")
    assert "QuillStack" not in dict(once), once
    twice = _ents(nlp, "Table 3 lists QuillStack next to the other entries. QuillStack is smaller.")
    assert dict(twice).get("QuillStack") == "Method", twice


def test_stock_ner_debris_is_not_a_person_or_organization(nlp):
    ents = _ents(nlp, "Earlier models (Anderson, Abeywardana, Wolf, & Lee, 2009) used a Bayesian prior.")
    texts = {t for t, _ in ents}
    assert "& Lee" not in texts and "Bayesian" not in texts, ents
