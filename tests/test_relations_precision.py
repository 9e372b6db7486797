"""Precision rules of the relation families on real sentences (issue 17).

Sentences are from SciREX paper bodies (Apache-2.0) and the sample corpus, some
shortened or given a "we propose X" sentence for the document's method; each rule has
a sentence it must drop and one it must keep. Mentions are given explicitly
(:func:`rels_given`) so that the tests check the relation rules, whatever the entity
components find.
"""

from __future__ import annotations

import json

import pytest

from relation_helpers import relations_given, span_text
from kg.paths import ROOT


@pytest.fixture(scope="module")
def sample_texts() -> dict[str, str]:
    with (ROOT / "benchmarks" / "gold" / "samples.jsonl").open(encoding="utf-8") as fh:
        return {d["id"]: d["text"] for d in map(json.loads, fh)}


def rels_given(nlp, text: str, names: list[tuple[str, str]]) -> set[tuple[str, str | None, str, str]]:
    """``{(label, head text, tail text, pattern)}`` of ``text`` when its mentions are exactly
    ``names`` ((surface, label), every occurrence)."""
    doc = relations_given(nlp, text, names)
    return {(r["label"], span_text(doc, r["head"]), span_text(doc, r["tail"]), r["pattern"])
            for r in doc._.kg_relations}


def pairs(got, label="evaluatedOn") -> set[tuple[str, str]]:
    return {(h, t) for lab, h, t, _ in got if lab == label}


# --- evaluatedOn: the method evaluated is not a backbone or a feature extractor

def test_backbone_is_not_the_evaluated_method(nlp):
    text = ("When using ResNet as the backbone, the Rank-1 accuracy rises by +8.4%, +15.6% and +11.2% "
            "respectively on Market-1501, CUHK03 and DukeMTMC-reID dataset.")
    got = rels_given(nlp, text, [("ResNet", "Method"), ("Market-1501", "Dataset"), ("CUHK03", "Dataset")])
    assert not pairs(got)


def test_method_evaluated_on_a_dataset_is_kept(nlp):
    text = "We evaluate SNIPER on the COCO dataset for object detection."
    got = rels_given(nlp, text, [("SNIPER", "Method"), ("COCO", "Dataset")])
    assert ("SNIPER", "COCO") in pairs(got)


# --- evaluatedOn: a name modifying a method noun is that method; a modifier is not

def test_name_of_a_model_noun_is_the_evaluated_method(nlp):
    text = ("Here we train and evaluate the iBOWIMG model on the Full release of COCO VQA dataset, "
            "the largest VQA dataset so far.")
    got = rels_given(nlp, text, [("iBOWIMG", "Method"), ("COCO VQA", "Dataset")])
    # "train and evaluate": the evaluation verb keeps the dataset as evaluation data
    assert ("iBOWIMG", "COCO VQA") in pairs(got)


def test_possessive_of_a_non_result_noun_is_no_evaluated_method(nlp):
    # SciREX (Reactor): "Rainbow" and "Noisy Networks" are named in a remark, not evaluated
    text = ("Additionally, unlike Rainbow's agent, Reactor's memory does not grow with the number of "
            "games, and we report results on Atari 2600.")
    got = rels_given(nlp, text, [("Rainbow", "Method"), ("Reactor", "Method"), ("Atari 2600", "Benchmark")])
    assert ("Rainbow", "Atari 2600") not in pairs(got)
    assert ("Reactor", "Atari 2600") not in pairs(got)


# --- evaluatedOn: training data is not evaluation data

FINETUNE = ("We propose B-CNN, an architecture for fine-grained recognition. By finetuning our models "
            "pre-trained on ImageNet, we establish state-of-the-art results on three challenging "
            "fine-grained benchmarks such as CUB-200-2011.")


def test_finetuning_keeps_the_benchmark_and_drops_pretraining_data(nlp):
    got = rels_given(nlp, FINETUNE, [("B-CNN", "Method"), ("ImageNet", "Dataset"), ("CUB-200-2011", "Dataset")])
    assert ("B-CNN", "ImageNet") not in pairs(got)
    assert ("B-CNN", "CUB-200-2011") in pairs(got)


@pytest.mark.parametrize("setting", ["With ImageNet pre-trained weights", "Compared with pre-training on ImageNet"])
def test_pretraining_data_beside_a_result_is_not_evaluation_data(nlp, setting):
    text = f"We propose B-CNN for fine-grained recognition. {setting}, B-CNN achieves 84.1% accuracy on CUB-200-2011."
    got = rels_given(nlp, text, [("B-CNN", "Method"), ("ImageNet", "Dataset"), ("CUB-200-2011", "Dataset")])
    assert ("B-CNN", "ImageNet") not in pairs(got)
    assert ("B-CNN", "CUB-200-2011") in pairs(got)


def test_purpose_clause_of_training_keeps_the_result(nlp, sample_texts):
    # "to train a 4.08 MB CNN model on CIFAR-10 …, our approach achieves …": the setting
    # of the stated result, so the evaluation stays (samples gold)
    text = next(t for t in sample_texts.values() if "to train a 4.08 MB CNN model on CIFAR-10" in t)
    sent = text[text.index("For instance, to train"):]
    sent = sent[:sent.index(".", sent.index("700X")) + 1]
    got = rels_given(nlp, "We propose FedRes, a residual-based federated learning framework. " + sent,
                     [("FedRes", "Method"), ("CIFAR-10", "Dataset")])
    assert ("FedRes", "CIFAR-10") in pairs(got)


# --- evaluatedOn: a named method the sentence evaluates displaces the paper's own

def test_named_method_evaluated_by_us_is_not_the_papers_method(nlp):
    text = ("Here we present the Partial Shuffle method, which improves the performance of the model. "
            "We evaluate SPINN on the Stanford Natural Language Inference entailment task.")
    got = rels_given(nlp, text, [("Partial Shuffle", "Method"), ("SPINN", "Method"),
                                 ("Stanford Natural Language Inference", "Dataset")])
    assert ("SPINN", "Stanford Natural Language Inference") in pairs(got)
    assert ("Partial Shuffle", "Stanford Natural Language Inference") not in pairs(got)


def test_our_method_evaluated_stays_the_papers_method(nlp):
    text = ("Here we present the Partial Shuffle method, which improves the performance of the model. "
            "We evaluate our method on the Penn Treebank and WikiText-2 language modeling datasets.")
    got = rels_given(nlp, text, [("Partial Shuffle", "Method"), ("Penn Treebank", "Dataset"),
                                 ("WikiText-2", "Dataset")])
    assert {("Partial Shuffle", "Penn Treebank"), ("Partial Shuffle", "WikiText-2")} <= pairs(got)


# --- evaluatedOn: a cited method is no "proposed" method; a dataset typed Method is none

CITED = ("We present the Fully Convolutional Network (FCN){cite} for semantic segmentation. "
         "Extensive experiments on PASCAL VOC show strong results.")


def test_cited_method_gets_no_document_level_pair(nlp):
    got = rels_given(nlp, CITED.format(cite=" [10]"), [("Fully Convolutional Network", "Method"),
                                                      ("PASCAL VOC", "Dataset")])
    assert not pairs(got)


def test_uncited_proposed_method_gets_the_document_level_pair(nlp):
    got = rels_given(nlp, CITED.format(cite=""), [("Fully Convolutional Network", "Method"),
                                                 ("PASCAL VOC", "Dataset")])
    assert ("Fully Convolutional Network", "PASCAL VOC") in pairs(got)


def test_sentence_citing_a_method_gets_no_main_pair(nlp):
    text = CITED.format(cite="").replace("Extensive experiments on PASCAL VOC show strong results.",
                                        "[67] reports strong results on PASCAL VOC.")
    got = rels_given(nlp, text, [("Fully Convolutional Network", "Method"), ("PASCAL VOC", "Dataset")])
    assert not pairs(got)


def test_dataset_citation_keeps_the_main_pair(nlp):
    text = CITED.format(cite="").replace("Extensive experiments on PASCAL VOC show strong results.",
                                        "Extensive experiments on the PASCAL VOC dataset [11] show strong results.")
    got = rels_given(nlp, text, [("Fully Convolutional Network", "Method"), ("PASCAL VOC", "Dataset")])
    assert ("Fully Convolutional Network", "PASCAL VOC") in pairs(got)


def test_dataset_variant_typed_method_is_not_evaluated(nlp):
    text = ("We evaluate our method on Occluded-Market-1501, built from Market-1501, and report results on "
            "Market-1501 and CUHK03.")
    got = rels_given(nlp, "We propose Occluded-Market-1501 for occluded person re-identification. " + text,
                     [("Occluded-Market-1501", "Method"), ("Market-1501", "Dataset"), ("CUHK03", "Dataset")])
    assert not any(h == "Occluded-Market-1501" for h, _ in pairs(got))


# --- basedOn: the document's method only where the sentence speaks of the authors

def test_backbone_of_cited_work_is_not_based_on(nlp):
    text = ("We propose the Cascaded Pyramid Network. Huang et al. developed a coarse-to-fine model with "
            "Inception-v2 network as the backbone.")
    got = rels_given(nlp, text, [("Cascaded Pyramid Network", "Method"), ("Inception-v2", "Method")])
    assert not pairs(got, "basedOn")


def test_our_backbone_is_based_on(nlp):
    text = "We propose the Cascaded Pyramid Network. We adopt ResNet-50 as the backbone."
    got = rels_given(nlp, text, [("Cascaded Pyramid Network", "Method"), ("ResNet-50", "Method")])
    assert ("Cascaded Pyramid Network", "ResNet-50") in pairs(got, "basedOn")


# --- outperforms: what the verb's object names, not a phrase or clause below it

def test_no_outperforms_for_a_method_in_a_clause_below_the_verb(nlp):
    text = ("Deep neural networks based models have quickly dominated the pose estimation problem after the "
            "initial work by Toshev et al. who used the AlexNet architecture to directly regress spatial joint "
            "coordinates.")
    got = rels_given(nlp, text, [("Deep neural networks", "Method"), ("AlexNet", "Method")])
    assert not pairs(got, "outperforms")


def test_outperforms_its_object(nlp):
    # SciREX (KIM)
    text = "KIM outperforms ESIM in 13 out of 14 categories, and only performs worse on synonyms."
    got = rels_given(nlp, text, [("KIM", "Method"), ("ESIM", "Method")])
    assert ("KIM", "ESIM") in pairs(got, "outperforms")


# --- trainedOn: training cues move the pair from evaluatedOn to trainedOn

@pytest.mark.parametrize("text, model, data", [
    # "fine - tune VGG-16" parsed as a noun phrase with the model as its root
    ("We first fine-tune VGG-16 on CUB-200-2011, and then test on the Stanford Cars dataset.",
     "VGG-16", "CUB-200-2011"),
    # SciREX (adversarial autoencoders)
    ("We found batch-normalization to be crucial in training the AAE network on the SVHN dataset.", "AAE", "SVHN"),
])
def test_training_cue_gives_trained_on_not_evaluated_on(nlp, text, model, data):
    got = rels_given(nlp, text, [(model, "Method"), (data, "Dataset")])
    assert (model, data) in pairs(got, "trainedOn")
    assert (model, data) not in pairs(got)


# --- any method relation: a "method" that is one of the document's datasets is no end

@pytest.mark.parametrize("name, kept", [("Market-1501-Occluded", False), ("PCB", True)])
def test_dataset_variant_is_no_method_for_a_task(nlp, name, kept):
    text = (f"We present {name} for person re-identification. Our experiments use Market-1501, "
            "a large-scale dataset.")
    got = rels_given(nlp, text, [(name, "Method"), ("Market-1501", "Dataset"), ("person re-identification", "Task")])
    assert ((name, "person re-identification") in pairs(got, "usedFor")) == kept


@pytest.mark.parametrize("text, head, base, kept", [
    # SciREX: composition of two parts
    ("Since we stack an LSTM neural network on top of the CNN, we will not apply pooling after the "
     "convolution operation.", "LSTM", "CNN", False),
    ("We build PAN on top of ResNet-50.", "PAN", "ResNet-50", True),
])
def test_on_top_of_is_based_on_only_for_building(nlp, text, head, base, kept):
    got = rels_given(nlp, text, [(head, "Method"), (base, "Method")])
    assert ((head, base) in pairs(got, "basedOn")) == kept


def test_derived_from_describing_a_non_method_noun_is_no_based_on(nlp):
    # SciREX (matching networks): the features are derived from a CNN, not the LSTM
    text = ("The second issue can be fixed via an LSTM with read-attention over the whole set, whose inputs "
            "are equal to the features (e.g., derived from a CNN) which are input to the LSTM.")
    got = rels_given(nlp, text, [("LSTM", "Method"), ("CNN", "Method")])
    assert ("LSTM", "CNN") not in pairs(got, "basedOn")


def test_a_name_used_as_a_hyphenated_modifier_is_no_end(nlp):
    """"outperforms Transformer-based counterparts" says nothing about Transformer itself
    (a blind audit judged "SeaFormer outperforms Transformer" wrong)."""
    def facts(text):
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {(r["label"], text[ms[r["head"]]["start"]:ms[r["head"]]["end"]] if r["head"] is not None else None,
                 text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]]) for r in doc._.kg_relations}

    assert ("outperforms", "SeaFormer", "Transformer") not in facts(
        "SeaFormer outperforms Transformer-based counterparts on ADE20K.")
    assert ("outperforms", "SeaFormer", "SegFormer") in facts("SeaFormer outperforms SegFormer on ADE20K.")


def test_a_method_class_is_no_end_of_a_comparison_or_evaluation(nlp):
    """"a baseline CNN", "the Transformer" in a comparison stand for an unnamed model
    (blind audits: 18 of 21 such facts judged wrong or partly); a named model is kept."""
    def facts(text):
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {(r["label"], text[ms[r["head"]]["start"]:ms[r["head"]]["end"]] if r["head"] is not None else None,
                 text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]]) for r in doc._.kg_relations}

    assert not {f for f in facts("SeaFormer outperforms Transformer on ADE20K.") if f[0] == "outperforms"}
    assert facts("BERT outperforms ELMo on GLUE.") >= {("outperforms", "BERT", "ELMo"), ("evaluatedOn", "BERT", "GLUE")}


def test_a_cited_method_named_in_passing_is_not_proposed(nlp):
    def proposed(text):
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations if r["label"] == "proposes"}

    assert "DisturbLabel" not in proposed(
        "We propose a new regularizer. Recently, a regularization method named DisturbLabel is introduced by "
        "adding noise at the loss layer.")
    assert "SiamMask" in proposed("We propose a new tracker. Our method, dubbed SiamMask, runs in real time.")


def test_lists_pair_respectively_and_never_the_cross_product(nlp):
    """ANNOTATION.md: in a list, pair each method with its own data; with no
    "respectively" two lists say nothing of which method met which dataset."""
    def pairs(text):
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {(text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]])
                for r in doc._.kg_relations if r["label"] == "evaluatedOn" and r["head"] is not None}

    assert pairs("BERT and XLNet reach 80.1 and 82.3 on GLUE and SQuAD, respectively.") == {
        ("BERT", "GLUE"), ("XLNet", "SQuAD")}
    assert not pairs("We evaluate ResNet34, WideResNet, DenseNet and LeNet5 on CIFAR10, SVHN and MNIST.")
    assert pairs("We evaluate BERT and XLNet on GLUE.") == {("BERT", "GLUE"), ("XLNet", "GLUE")}


# --- proposes: a title or sentence that works on an existing method does not propose it

def _proposed(nlp, text):
    doc = nlp(text)
    ms = doc._.kg_mentions
    return {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations
            if r["label"] == "proposes"}


def test_a_title_that_improves_an_existing_model_does_not_propose_it(nlp):
    # abstracts of the sixth blind audit's kind (written here): the titles name
    # Whisper and Transformers as what the work starts from
    assert "Whisper" not in _proposed(nlp, "Enhancing Whisper's Accuracy for Indian Languages through Prompt-Tuning\n"
                                           "In this paper we adapt Whisper with prompts. Experiments on Kathbath show gains.")
    assert not _proposed(nlp, "Vision Transformers for Action Recognition: A Survey\nIn this work we review "
                              "transformer models for action recognition and compare their results on Kinetics.")


def test_a_title_that_starts_with_the_name_proposes_it(nlp):
    text = ("SiamMask: Fast Online Object Tracking and Segmentation\nIn this paper we show how to perform visual "
            "object tracking and segmentation in real time with SiamMask. Experiments on VOT-2018 show gains.")
    doc = nlp(text)
    ms = doc._.kg_mentions
    title = {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations
             if r["label"] == "proposes" and r["pattern"] == "title"}
    assert title == {"SiamMask"}, doc._.kg_relations


def test_the_head_of_a_longer_name_is_not_the_proposed_method(nlp):
    got = _proposed(nlp, "Language Models Are Good Tabular Learners\nTransformer-based language models are strong. "
                         "We propose the Tabular Domain Transformer (TDTransformer) framework for tables. Experiments "
                         "on 14 datasets show that our method is better.")
    assert "TDTransformer" in got and "Transformer" not in got, got


def test_a_related_work_section_proposes_nothing(nlp):
    # SciREX writes headings as structure markers: what "we describe" there is cited work
    text = ("section: Related Work Sequence models are trained with maximum likelihood. Since MIXER extends the "
            "REINFORCE algorithm, we first describe REINFORCE. section: Method We propose MIXER, which mixes "
            "both objectives. Experiments on Gigaword show that MIXER is better.")
    got = _proposed(nlp, text)
    assert "REINFORCE" not in got and "MIXER" in got, got


def test_a_possessive_vendor_owns_the_product_after_its_family(nlp):
    doc = nlp("Nvidia's Hopper H100 GPUs power the cluster.")
    ms = doc._.kg_mentions
    got = {(doc.text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], doc.text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]])
           for r in doc._.kg_relations if r["label"] == "developedBy"}
    assert got == {("H100", "Nvidia")}, got


def test_architectures_a_paper_compares_are_not_proposed(nlp):
    # in the style of an ECG abstract of the seventh blind audit (written here)
    text = ("Deep Architectures for Arrhythmia Classification: A Comprehensive Evaluation\nWe developed and "
            "compared four architectures, including LeNet-5, VGG-16 and ResNet-50, to classify arrhythmia. "
            "In this paper we show experiments on PTB-XL.")
    got = _proposed(nlp, text)
    assert not got & {"LeNet-5", "VGG-16", "ResNet-50"}, got


def test_examples_after_such_as_are_not_proposed(nlp):
    got = _proposed(nlp, "Open Arena: Open-style Questions for LLMs\nWe introduce the Open Arena to track LLMs, "
                         "such as GPT-4o, Claude 3, Gemini, etc. In this paper we show experiments on it.")
    assert not got & {"GPT-4o", "Claude 3", "Gemini"}, got


def test_a_model_equivalent_to_another_is_not_the_other(nlp):
    doc = nlp("Inspur unveils GPT-3 equivalent for Chinese language\nInspur said on Monday it built the model.")
    assert not [r for r in doc._.kg_relations if r["label"] == "developedBy"], doc._.kg_relations


def test_training_hardware_is_a_qualified_runs_on_and_optimizers_do_not_run(nlp):
    doc = nlp("FooNet: Fast Nets\nIn this paper we propose FooNet. We train the network using SGD with weight decay "
              "0.0001 on 4 NVIDIA V100 GPUs. FooNet runs on an NVIDIA A100 at 300 FPS.")
    ms = doc._.kg_mentions
    got = {(doc.text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], doc.text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]],
            r["pattern"]) for r in doc._.kg_relations if r["label"] == "runsOn"}
    assert ("FooNet", "NVIDIA A100", "on-hardware") in got, got
    assert any(h == "FooNet" and p.startswith("trained-on-hardware") for h, _, p in got), got
    assert not [g for g in got if g[0] in ("SGD", "weight decay")], got


def test_datasets_introduced_as_a_set_or_version_are_not_proposed(nlp):
    got = _proposed(nlp, "Entity Questions for Retrievers\nWe first construct EntityQuestions, a set of simple, "
                         "entity-rich questions based on facts from Wikidata. In this paper we show experiments.")
    assert "EntityQuestions" not in got, got


def test_getting_data_and_a_cited_systems_results_are_no_evaluation_of_ours(nlp):
    """ninth blind audit: "we obtained X" and "the system of [reference] achieving … on
    X" in a paper body gave the paper's own method 6 evaluations judged wrong/partly."""
    def evaluated(sentence):
        text = ("section: Introduction We propose a new approach for generating text from data. "
                "Our approach is simple. " + sentence + " The model is small." * 100)
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations
                if r["label"] == "evaluatedOn"}

    assert not evaluated("We obtained an Amazon review dataset from the Stanford Network Analysis Project.")
    assert not evaluated("The Yelp reviews dataset is obtained from the Yelp Dataset Challenge in 2015.")
    assert not evaluated("Neural systems have shown strong results, with the system of [reference] achieving "
                         "BLEU scores in the 60s on WEATHERGOV.")
    assert evaluated("Our approach obtains 91.2% accuracy on the Yelp reviews dataset.")
    assert evaluated("The results in Table [reference] show a gain of 0.7 dB on Set5.") == {"Set5"}
