"""Boundaries of model and dataset names (kg.extract.boundaries, ../shared/ANNOTATION.md).

Sentences in the style of ML papers, some quoting public arXiv abstracts (MobileNetV3,
Howard et al. 2019; I3D, Carreira and Zisserman 2017), others written for these tests
with the shapes a blind audit of paper text found cut short: sizes and versions
written apart from the name ("ResNet 50", "UCF 101", "YOLOv 3", as pre-tokenised
corpora lay them out), variants glued by a hyphen ("MobileNetV3-Large"), generic tails
("FERPlus test set"). Negative cases: coordination ("ResNet and VGG"), a year after
a model ("BERT 2019"), a count after a name ("ResNet 50 epochs"), a hyphenated
modifier ("Transformer-based").
"""

from __future__ import annotations

import pytest

from kg.extract.boundaries import fix_boundaries
from kg.extract.entities import _Cand


def _ents(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions if m["source"] != "anaphor"]


def _fix(nlp, text: str, name: str, label: str, source: str, others=()) -> list[str]:
    """Run :func:`fix_boundaries` on one candidate over ``name`` (first occurrence)
    plus optional ``(name, label, source)`` others; return the candidates' texts."""
    doc = nlp.make_doc(text)
    for pname, proc in nlp.pipeline:  # tags and sentence starts, as in the real pipeline
        if pname == "kg_entities":  # stop before the typer
            break
        doc = proc(doc)

    def cand(n: str, lab: str, src: str) -> _Cand:
        sp = doc.char_span(text.index(n), text.index(n) + len(n))
        assert sp is not None, n
        return _Cand(sp.start, sp.end, lab, src, None)

    cands = [cand(name, label, source)] + [cand(*o) for o in others]
    return [doc[c.start:c.end].text for c in fix_boundaries(doc, cands)]


def test_variant_glued_by_a_hyphen_stays_in_the_name(nlp):
    text = ("MobileNetV3-Large is 3.2% more accurate on ImageNet classification while reducing latency by 20% "
            "compared to MobileNetV2. MobileNetV3-Small is 6.6% more accurate compared to a MobileNetV2 model "
            "with comparable latency.")
    ents = _ents(nlp, text)
    assert ("MobileNetV3-Large", "Method") in ents
    assert ("MobileNetV3-Small", "Method") in ents
    assert not any(t in ("MobileNetV3", "MobileNetV", "3-Large", "3-Small") for t, _ in ents), ents


def test_size_written_apart_extends_model_and_dataset_names(nlp):
    ents = _ents(nlp, "We fine-tune a VGG 16 network and a ResNet 50 backbone and evaluate them on HMDB 51.")
    assert ("VGG 16", "Method") in ents
    assert ("ResNet 50", "Method") in ents  # the generic head "backbone" stays outside
    assert ("HMDB 51", "Dataset") in ents
    assert not any(t in ("VGG", "ResNet", "HMDB") for t, _ in ents), ents
    ents = _ents(nlp, "We distil BERT SMALL from a BERT teacher.")
    assert ("BERT SMALL", "Method") in ents


def test_hyphenated_size_is_one_name_and_no_generic_head(nlp):
    ents = _ents(nlp, "Our detector uses a ResNet-50 backbone pretrained on ImageNet.")
    assert ("ResNet-50", "Method") in ents
    assert not any(t.startswith("ResNet-50 ") or t == "ResNet" for t, _ in ents), ents


def test_coordination_year_and_counts_do_not_extend(nlp):
    ents = _ents(nlp, "ResNet and VGG are strong baselines, and BERT 2019 was the strongest. "
                      "We train ResNet 50 epochs on COCO 2017.")
    names = [t for t, _ in ents]
    assert names.count("ResNet") == 2 and "VGG" in names and "BERT" in names, names
    assert not any(t.startswith(("ResNet and", "BERT 2019", "ResNet 50")) for t in names), names
    assert ("COCO 2017", "Dataset") in ents  # a year names a dataset's release


def test_a_listed_organisation_glued_into_a_model_name_is_no_node(nlp):
    ents = _ents(nlp, "We train a Meta-BiLSTM tagger over character and word encodings of the sentence.")
    assert ("Meta", "Organization") not in ents, ents


def test_hyphenated_modifier_leaves_the_name(nlp):
    ents = _ents(nlp, "We fine-tune BERT-base and compare it with a Transformer-based model.")
    assert ("BERT-base", "Method") in ents
    assert ("Transformer", "Method") in ents
    assert not any("based" in t for t, _ in ents), ents


def test_version_split_off_by_tokenisation_is_joined(nlp):
    # pre-tokenised corpora write "YOLOv3" as "YOLOv 3" and "v1.1" as "v 1.1"
    assert _fix(nlp, "It is faster than YOLOv 3 [45] on COCO.", "YOLOv", "Method", "pattern:shape") == ["YOLOv 3"]
    assert _fix(nlp, "Results on SQuAD v 1.1 are in Table 2.", "SQuAD", "Dataset", "gazetteer") == ["SQuAD v 1.1"]
    assert _fix(nlp, "We pretrain on Sports-1 M and test on ADE 20 k.", "Sports-1", "Dataset", "pattern") == ["Sports-1 M"]
    assert _fix(nlp, "We test on ADE 20 k for scene parsing.", "ADE", "Dataset", "pattern") == ["ADE 20 k"]
    assert _fix(nlp, "We pretrain on Sports-1M videos.", "Sports-1", "Dataset", "pattern") == ["Sports-1M"]
    assert _fix(nlp, "FCN-8 s is the baseline.", "FCN-8", "Method", "gazetteer") == ["FCN-8 s"]
    assert _fix(nlp, "A ResNet-18-I 3 D model is used.", "ResNet-18-I", "Method", "pattern") == ["ResNet-18-I 3 D"]
    assert _fix(nlp, "It runs at 0.2 s/img on a ResNet-50 s/img budget.", "ResNet-50", "Method", "gazetteer") == [
        "ResNet-50"]
    # a footnote mark before a citation is no version
    assert _fix(nlp, "We compare with RetinaNet 2 [31] here.", "RetinaNet", "Method", "gazetteer") == ["RetinaNet"]


@pytest.mark.parametrize("text, span, label, want", [
    ("We report accuracy on the FERPlus test set.", "FERPlus test set", "Dataset", "FERPlus"),
    ("Perplexity on the WikiText-2 language modeling datasets drops.", "WikiText-2 language modeling datasets",
     "Dataset", "WikiText-2"),
    ("We use the ADE 20 k benchmark for scene parsing.", "ADE 20 k benchmark", "Benchmark", "ADE 20 k"),
    ("Scores on the PASCAL VOC 2011 validation dataset improve.", "PASCAL VOC 2011 validation dataset", "Dataset",
     "PASCAL VOC 2011"),
    # a plain capitalised word before a descriptive tail is not a dataset name by itself
    ("We count birds in the Oxford penguin counting dataset.", "Oxford penguin counting dataset", "Dataset",
     "Oxford penguin counting dataset"),
])
def test_generic_tails_of_datasets_are_outside(nlp, text, span, label, want):
    # the task phrase in a tail is a Task candidate of its own (the gazetteer finds it)
    others = [(t, "Task", "gazetteer") for t in ("language modeling",) if t in text]
    assert _fix(nlp, text, span, label, "pattern:dataset-phrase", others)[0] == want


def test_descriptive_words_before_a_head_stay(nlp):
    text = "We collect the Twitter keyword dataset and the WikiText-2 language modeling datasets."
    # without a Task candidate over "language modeling" the tail is not known to be generic
    assert _fix(nlp, text, "Twitter keyword dataset", "Dataset", "pattern") == ["Twitter keyword dataset"]
    assert _fix(nlp, text, "WikiText-2 language modeling datasets", "Dataset", "pattern") == [
        "WikiText-2 language modeling datasets"]


def test_a_capitalised_corpus_head_is_part_of_the_name(nlp):
    ents = _ents(nlp, "The United Nations Parallel Corpus (UN) is large; we sample the UN Parallel Corpus "
                      "and the YCB dataset.")
    assert ("UN Parallel Corpus", "Dataset") in ents
    assert ("YCB", "Dataset") in ents  # a lower-case head is generic


def test_a_fragment_of_a_capitalised_name_is_the_name_or_nothing(nlp):
    text = "We apply Partial Shuffle to the batches and evaluate on Multi-Genre NLI."
    assert _fix(nlp, text, "Shuffle", "Method", "statistical")[0] == "Partial Shuffle"
    # the rest of the run is a listed name of its own: the fragment is dropped
    assert _fix(nlp, text, "Multi-Genre", "Dataset", "pattern:shape",
                others=[("NLI", "Task", "gazetteer")]) == ["NLI"]
    # a gazetteer name inside a capitalised run is left alone ("Google BERT")
    assert _fix(nlp, "We use Google BERT here.", "BERT", "Method", "gazetteer") == ["BERT"]
