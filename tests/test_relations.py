"""Relation patterns of ``kg_relations`` on real text.

Texts are documents of the sample corpus (taken from the gold file, which holds
each item's text exactly as in ``data/samples``) and SciREX abstracts (title +
abstract, shortened to the sentences a pattern needs).
"""

from __future__ import annotations

import json

import pytest

from kg.paths import ROOT
from relation_helpers import relations_given, span_text

GOLD = ROOT / "benchmarks" / "gold" / "samples.jsonl"


@pytest.fixture(scope="module")
def sample_texts() -> dict[str, str]:
    with GOLD.open(encoding="utf-8") as fh:
        return {d["id"]: d["text"] for d in map(json.loads, fh)}


def rels(nlp, text: str) -> set[tuple[str, str | None, str]]:
    """``{(label, head text or None for the document, tail text)}`` of ``text``."""
    doc = nlp(text)
    ms = doc._.kg_mentions
    def name(i):
        return None if i is None else text[ms[i]["start"]:ms[i]["end"]]
    return {(r["label"], name(r["head"]), name(r["tail"])) for r in doc._.kg_relations}


def rels_given(nlp, text: str, names: list[tuple[str, str, bool]]) -> set[tuple[str, str | None, str]]:
    """Relations of ``text`` when the mentions are exactly ``names`` ((surface,
    label, generic), every occurrence): the relation rules alone, whatever the
    entity components find."""
    doc = relations_given(nlp, text, names)
    return {(r["label"], span_text(doc, r["head"]), span_text(doc, r["tail"])) for r in doc._.kg_relations}


def test_our_approach_without_a_proposal_verb_is_the_evaluated_method(nlp, sample_texts):
    # "The contribution of this work is … a method …": no "we propose", but "our
    # approach" is still the authors' method
    got = rels(nlp, sample_texts["002-02-reviews"])
    for ds in ("IMDb", "Yelp-2013", "Yelp-2014"):
        assert ("evaluatedOn", "our approach", ds) in got
    assert ("basedOn", "our approach", "BERT-base") in got


def test_our_method_still_outperforms_when_the_title_names_a_tool(nlp, sample_texts):
    # "Reusing Models by Multi linear Operators for Efficient Training": the title
    # names a tool, not the proposed method
    got = rels(nlp, sample_texts["000-04-reuse"])
    assert ("outperforms", "our method", "bert2BERT") in got
    assert ("outperforms", "our method", "LiGO") in got


def test_title_that_states_an_aim_is_not_a_proposed_method(nlp, sample_texts):
    got = rels(nlp, sample_texts["003-16-gpv"])
    assert not [r for r in got if r[0] == "proposes"]


CKN = (
    "Convolutional Kernel Networks\n"
    "In this paper, we address this goal with a new type of convolutional neural network (CNN) "
    "whose invariance is encoded by a reproducing kernel. We evaluate our methodology on visual "
    "recognition tasks where CNNs have proven to perform well, e.g., digit recognition with the "
    "MNIST dataset, and the more challenging CIFAR-10 and STL-10 datasets, where our accuracy is "
    "competitive with the state of the art."
)


def test_title_that_is_a_method_name_is_the_documents_method(nlp):
    got = rels_given(nlp, CKN, [("Convolutional Kernel Networks", "Method", True), ("MNIST dataset", "Dataset", False),
                                ("CIFAR-10", "Dataset", False), ("STL-10", "Dataset", False)])
    assert ("proposes", None, "Convolutional Kernel Networks") in got
    for ds in ("CIFAR-10", "STL-10"):
        assert ("evaluatedOn", "Convolutional Kernel Networks", ds) in got


NAN = (
    "Neural Aggregation Network for Video Face Recognition\n"
    "This paper presents a Neural Aggregation Network (NAN) for video face recognition. "
    "The experiments on IJB-A, YouTube Face, Celebrity-1000 video face recognition benchmarks "
    "show that it consistently outperforms naive aggregation methods and achieves the "
    "state-of-the-art accuracy."
)


def test_a_name_listed_with_the_datasets_is_not_the_evaluated_method(nlp):
    got = rels(nlp, NAN)
    evaluated = {(h, t) for label, h, t in got if label == "evaluatedOn"}
    assert ("Neural Aggregation Network", "IJB-A") in evaluated or ("NAN", "IJB-A") in evaluated
    assert not [h for h, _ in evaluated if h == "Celebrity-1000"]


def test_title_method_with_a_method_head_noun_when_the_body_proposes_an_unnamed_one(nlp):
    text = (
        "Stacked Hourglass Networks for Human Pose Estimation\n"
        "This work introduces a novel convolutional network architecture for the task of human "
        "pose estimation. State-of-the-art results are achieved on the FLIC and MPII benchmarks "
        "outcompeting all recent methods."
    )
    got = rels(nlp, text)
    assert ("evaluatedOn", "Stacked Hourglass Networks", "FLIC") in got
    assert ("evaluatedOn", "Stacked Hourglass Networks", "MPII") in got


def test_subtitle_that_is_a_method_name(nlp):
    text = (
        "Striving for Simplicity: The All Convolutional Net\n"
        "Following this finding, we propose a new architecture that consists solely of "
        "convolutional layers and yields competitive or state of the art performance on several "
        "object recognition datasets (CIFAR-10, CIFAR-100, ImageNet)."
    )
    got = rels_given(nlp, text, [("All Convolutional Net", "Method", True), ("CIFAR-10", "Dataset", False),
                                 ("CIFAR-100", "Dataset", False), ("ImageNet", "Dataset", False)])
    assert ("proposes", None, "All Convolutional Net") in got
    assert ("evaluatedOn", "All Convolutional Net", "CIFAR-10") in got


def test_the_proposed_description_is_the_evaluated_method(nlp):
    text = (
        "Regularizing Face Verification Nets For Pain Intensity Regression\n"
        "The proposed regularized deep regressor is applied to estimate the pain expression "
        "intensity and verified on the widely-used UNBC-McMaster Shoulder-Pain dataset, achieving "
        "the state-of-the-art performance."
    )
    got = rels_given(nlp, text, [("regularized deep regressor", "Method", True),
                                 ("UNBC-McMaster Shoulder-Pain dataset", "Dataset", False)])
    assert ("evaluatedOn", "regularized deep regressor", "UNBC-McMaster Shoulder-Pain dataset") in got
    # without "the proposed", a lower-case description is not an evaluated method
    plain = text.replace("The proposed regularized", "A regularized")
    got = rels_given(nlp, plain, [("regularized deep regressor", "Method", True),
                                  ("UNBC-McMaster Shoulder-Pain dataset", "Dataset", False)])
    assert not [r for r in got if r[0] == "evaluatedOn"]


def test_trigger_word_inside_a_benchmark_name_is_no_evaluation(nlp, sample_texts):
    # "SuperGLUE is more challenging than the widely used general language
    # understanding evaluation (GLUE) benchmark": GLUE is compared, not used
    got = rels(nlp, sample_texts["001-01-vega"])
    assert ("evaluatedOn", "Vega v2", "SuperGLUE") in got
    assert not [r for r in got if r[0] == "evaluatedOn" and r[2] in ("GLUE", "general language understanding evaluation")]


# partOf: the samples state no Dataset -> Benchmark membership (benchmarks/gold/README.md),
# so these are real sentences of SciREX papers (MT-DNN; Very Deep Multilingual CNNs).


@pytest.mark.parametrize("sentence, dataset", [
    ("STS-B is the only example of the task in GLUE.", "STS-B"),
    ("Although QNLI is defined as a binary classification task in GLUE, in this study we "
     "formulate it as a pairwise ranking task.", "QNLI"),
])
def test_part_of_a_benchmark(nlp, sentence, dataset):
    assert ("partOf", dataset, "GLUE") in rels(nlp, sentence)


@pytest.mark.parametrize("sentence", [
    # members counted, not named
    "MT-DNN obtains new state-of-the-art results on ten NLU tasks, including SNLI, SciTail, and "
    "eight out of nine GLUE tasks, pushing the GLUE benchmark to 82.2% (1.8% absolute improvement).",
    # a parenthesis after a benchmark that is not a list of its members
    "We then evaluate the very deep CNNs on the Hub5’00 benchmark (using the 262 hours of SWB-1 "
    "training data) achieving a word error rate of 11.8% after cross-entropy training.",
])
def test_no_part_of_without_a_membership_statement(nlp, sentence):
    assert not [r for r in rels(nlp, sentence) if r[0] == "partOf"]


def test_no_part_of_on_the_samples(nlp, sample_texts):
    # "SuperGLUE … containing eight difficult language understanding tasks, including
    # question answering, …" names tasks, not datasets
    for text in sample_texts.values():
        assert not [r for r in rels(nlp, text) if r[0] == "partOf"]


def test_used_for_state_of_the_art_on_tasks(nlp, sample_texts):
    # "… and obtains new state-of-the-art performance on real-time instance
    # segmentation and rotated object detection" (the parser reads "rotated" as a verb)
    got = rels(nlp, sample_texts["002-04-rtmdet"])
    assert ("usedFor", "RTMDet", "real-time instance segmentation") in got
    assert ("usedFor", "RTMDet", "rotated object detection") in got
    # the aim "a detector that exceeds the YOLO series and is easily extensible for
    # many object recognition tasks such as instance segmentation" is not a result
    assert ("usedFor", "RTMDet", "instance segmentation") not in got


def test_used_for_purpose_of_the_proposal(nlp, sample_texts):
    # "To better handle long-tail cases in the sequence labeling (SL) task, in this
    # work, we introduce graph neural networks sequence labeling (GNN-SL)"
    got = rels(nlp, sample_texts["002-09-gnnsl"])
    assert ("usedFor", "GNN-SL", "sequence labeling") in got


def test_used_for_the_task_the_paper_studies(nlp, sample_texts):
    # "We investigate a practical domain adaptation task, called source-free
    # unsupervised domain adaptation (SFUDA)": the named task, not the modifier
    got = rels(nlp, sample_texts["000-03-dac"])
    assert ("usedFor", "Divide and Contrast", "source-free unsupervised domain adaptation") in got
    assert ("usedFor", "Divide and Contrast", "domain adaptation") not in got


def test_no_method_relation_for_software_libraries(nlp, sample_texts):
    # "FairScale: a PyTorch extension library …\nThis library extends basic PyTorch capabilities":
    # libraries and frameworks are not Method nodes (../shared/ANNOTATION.md), so no basedOn
    assert not [r for r in rels(nlp, sample_texts["003-14-fairscale"]) if r[0] == "basedOn"]


def test_based_on_keeps_prototypical_networks(nlp, sample_texts):
    got = rels(nlp, sample_texts["004-05-zslre"])
    assert ("basedOn", "ZSLRE", "prototypical networks") in got or (
        "basedOn", "zero-shot learning relation extraction", "prototypical networks") in got


def test_no_based_on_for_a_class_of_methods(nlp, sample_texts):
    # "Extensive attention has been paid to SSL approaches based on Siamese networks."
    got = rels(nlp, sample_texts["001-08-fedema"])
    assert not [r for r in got if r[0] == "basedOn"]


@pytest.mark.parametrize("text", [
    # SciREX (DFN): the acronym of the method is not its base
    "Learning a Discriminative Feature Network for Semantic Segmentation\n"
    "To tackle these two problems, we propose a Discriminative Feature Network (DFN), which contains "
    "two sub-networks: Smooth Network and Border Network. Based on our proposed DFN, we achieve "
    "state-of-the-art performance 86.2% mean IOU on PASCAL VOC 2012 and 80.3% mean IOU on Cityscapes dataset.",
    # SciREX (EDSR): earlier models, not the proposed one, are based on deep networks
    "Enhanced Deep Residual Networks for Single Image Super-Resolution\n"
    "Recently, several models based on deep neural networks have achieved great success in terms of "
    "both reconstruction accuracy and computational performance for single image super-resolution. "
    "In this paper, we develop an enhanced deep super-resolution network (EDSR).",
])
def test_no_spurious_based_on(nlp, text):
    assert not [r for r in rels(nlp, text) if r[0] == "basedOn"]


def test_a_method_inside_a_modifier_phrase_is_not_the_evaluated_one(nlp):
    # SciREX (FPN): Faster R-CNN is the host system, FPN / "our method" is evaluated
    text = (
        "Feature Pyramid Networks for Object Detection\n"
        "This architecture, called a Feature Pyramid Network (FPN), shows significant improvement as a "
        "generic feature extractor in several applications. Using FPN in a basic Faster R-CNN system, "
        "our method achieves state-of-the-art singlemodel results on the COCO detection benchmark "
        "without bells and whistles."
    )
    got = rels_given(nlp, text, [("Feature Pyramid Network", "Method", False), ("FPN", "Method", False),
                                 ("Faster R-CNN", "Method", False), ("COCO detection benchmark", "Dataset", False)])
    evaluated = {h for label, h, t in got if label == "evaluatedOn"}
    assert "Faster R-CNN" not in evaluated
    assert evaluated & {"FPN", "Feature Pyramid Network"}


def test_method_acting_on_a_dataset_without_an_evaluation_word(nlp):
    # SciREX (InfoGAN)
    text = (
        "InfoGAN: Interpretable Representation Learning by Information Maximizing Generative Adversarial Nets\n"
        "This paper describes InfoGAN, an information-theoretic extension to the Generative Adversarial "
        "Network that is able to learn disentangled representations in a completely unsupervised manner. "
        "Specifically, InfoGAN successfully disentangles writing styles from digit shapes on the MNIST "
        "dataset, pose from lighting of 3D rendered images, and background digits from the central digit "
        "on the SVHN dataset."
    )
    got = rels_given(nlp, text, [("InfoGAN", "Method", False), ("MNIST dataset", "Dataset", False)])
    assert ("evaluatedOn", "InfoGAN", "MNIST dataset") in got
    negated = text.replace("InfoGAN successfully disentangles", "InfoGAN does not disentangle")
    got = rels_given(nlp, negated, [("InfoGAN", "Method", False), ("MNIST dataset", "Dataset", False)])
    assert ("evaluatedOn", "InfoGAN", "MNIST dataset") not in got


# --------------------------------------------------------------------------- results


def results(nlp, text: str) -> list[dict]:
    """``doc._.kg_results`` of ``text`` with names instead of indices: ``method``,
    ``dataset`` (text or None), ``metric`` (the Metric mention's text or the
    metric phrase), ``value``, ``unit``, ``condition``, ``pattern``."""
    doc = nlp(text)
    ms = doc._.kg_mentions

    def name(i):
        return None if i is None else text[ms[i]["start"]:ms[i]["end"]]

    return [{"method": name(r["method"]), "dataset": name(r["dataset"]),
             "metric": name(r["metric"]) if r["metric"] is not None else r["metric_name"],
             "value": r["value"], "unit": r["unit"], "condition": r["condition"], "pattern": r["pattern"]}
            for r in doc._.kg_results]


def keys(rs: list[dict]) -> set[tuple]:
    return {(r["method"], r["dataset"], r["metric"], r["value"], r["unit"]) for r in rs}


def test_result_metric_phrase_after_a_percentage_and_margins(nlp, sample_texts):
    # "our method can save 76% computational costs on DeiT-base …, which outperforms
    # bert2BERT by +12.0% and LiGO by +20.7%": the measure is the noun phrase after
    # the number (no Metric mention), the margins carry their opponent as condition
    rs = results(nlp, sample_texts["000-04-reuse"])
    assert keys(rs) == {
        ("our method", None, "computational cost", "76.0", "%"),
        ("our method", None, None, "12.0", "%"),
        ("our method", None, None, "20.7", "%"),
    }
    assert {r["condition"] for r in rs if r["value"] == "12.0"} == {"vs bert2BERT"}


def test_result_verb_object_by_number_and_comparative(nlp, sample_texts):
    # "FedUReID not only achieves higher accuracy but also reduces computation cost by 29%"
    assert keys(results(nlp, sample_texts["001-10-fedureid"])) == {("FedUReID", None, "computation cost", "29.0", "%")}
    # "MuFL outperforms other methods while consuming 40% less energy"
    assert keys(results(nlp, sample_texts["001-04-mufl"])) == {("MuFL", None, "energy", "40.0", "%")}
    # a negated verb states no result
    text = sample_texts["001-10-fedureid"].replace("but also reduces computation cost by 29%",
                                                   "but does not reduce computation cost by 29%")
    assert not [r for r in results(nlp, text) if r["value"] == "29.0"]


def test_result_metric_mention_dataset_and_fps_condition(nlp, sample_texts):
    # "RTMDet achieves 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU": the FPS
    # is the condition of the AP result (the runsOn context), not a second result
    rs = results(nlp, sample_texts["002-04-rtmdet"])
    assert keys(rs) == {("RTMDet", "COCO", "AP", "52.8", "%")}
    assert "300+ FPS" in rs[0]["condition"] and "NVIDIA 3090 GPU" in rs[0]["condition"]
    # on its own, a frame rate is a result
    rs = results(nlp, "Mask R-CNN is simple to train and adds only a small overhead to Faster R-CNN, running at 5 fps.")
    assert keys(rs) == {("Mask R-CNN", None, "FPS", "5.0", "fps")}


def test_result_metric_before_the_number(nlp, sample_texts):
    # "… with an average score of 91.3" (SuperGLUE named earlier in the sentence)
    rs = results(nlp, sample_texts["001-01-vega"])
    assert [(r["dataset"], r["metric"], r["value"]) for r in rs] == [("SuperGLUE", "average score", "91.3")]
    assert rs[0]["method"].startswith("Vega")
    # "a compression ratio over 700X" (factor glued to the number); "To reach an
    # accuracy of 70%" sets a condition; "it saves around 99% of the total
    # communication volume" continues the previous sentence (CIFAR-10)
    rs = results(nlp, sample_texts["002-06-resfed"])
    assert {(r["dataset"], r["metric"], r["value"], r["unit"]) for r in rs} == {
        ("CIFAR-10", "compression ratio", "700.0", "x"),
        ("CIFAR-10", "communication volume", "99.0", "%"),
    }
    assert {r["condition"] for r in rs if r["value"] == "99.0"} == {"To reach an accuracy of 70%"}
    assert not [r for r in rs if r["value"] in ("70.0", "4.08", "10.0", "587.61")]


def test_result_bare_scores_each_on_its_dataset(nlp, sample_texts):
    # "GNN-SL achieves SOTA results of 96.9 (+0.2) on PKU, 98.3 (+0.4) on CITYU, …":
    # no metric named, each score on the dataset after it, the deltas are no results
    rs = results(nlp, sample_texts["002-09-gnnsl"])
    assert {(r["dataset"], r["metric"], r["value"]) for r in rs} == {
        ("PKU", None, "96.9"), ("CITYU", None, "98.3"), ("MSR", None, "98.5"), ("AS", None, "96.9"),
    }
    assert {r["method"] for r in rs} == {"GNN-SL"}


def test_result_metric_head_noun_and_parenthetical_delta(nlp):
    # BERT abstract: the dataset named in the metric phrase, the parenthesised gain no result
    text = (
        "BERT obtains new state-of-the-art results on eleven natural language processing tasks, "
        "including pushing the GLUE score to 80.5% (7.7% point absolute improvement), MultiNLI "
        "accuracy to 86.7% (4.6% absolute improvement) and SQuAD v1.1 question answering Test F1 to 93.2."
    )
    rs = results(nlp, text)
    got = {(r["dataset"], r["value"]) for r in rs}
    assert got == {("GLUE", "80.5"), ("MultiNLI", "86.7"), ("SQuAD v1.1", "93.2")}
    assert {r["metric"] for r in rs if r["value"] == "86.7"} == {"accuracy"}


def test_result_of_an_unnamed_other_system_is_not_ours(nlp):
    # SciREX (sequence to sequence learning): the second sentence's subject is a
    # baseline the text does not name; its score is not the LSTM's
    text = (
        "Sequence to Sequence Learning with Neural Networks\n"
        "In this paper, we present a general end-to-end approach to sequence learning. Our main result is "
        "that on an English to French translation task from the WMT'14 dataset, the translations produced "
        "by the LSTM achieve a BLEU score of 34.8 on the entire test set. For comparison, a phrase-based "
        "SMT system achieves a BLEU score of 33.3 on the same dataset."
    )
    values = {r["value"] for r in results(nlp, text)}
    assert "33.3" not in values
    assert "34.8" in values


def test_canonical_decimal_from_strings():
    from kg.extract.relations import canonical_decimal

    assert [canonical_decimal(v) for v in ("+12.0", "1,700", "300", "~15", "0.87")] == [
        "12.0", "1700.0", "300.0", "15.0", "0.87"]


def test_setup_numbers_are_no_results(nlp):
    # numbers that set up an experiment (data fractions, hyper-parameters) next to a
    # real result in the same text
    text = (
        "Foo: a method for image classification\n"
        "We propose Foo. We use 10% of the training data for validation and train Foo with a learning "
        "rate of 0.001 and a dropout rate of 0.1. Foo achieves an accuracy of 91.2% on CIFAR-10."
    )
    assert {(r["method"], r["dataset"], r["value"]) for r in results(nlp, text)} == {("Foo", "CIFAR-10", "91.2")}


def results_given(nlp, text: str, names: list[tuple[str, str]]) -> set[tuple]:
    """Results of ``text`` when the mentions are exactly ``names`` ((surface, label),
    every occurrence): ``{(method, dataset, metric, value, unit, condition)}``."""
    doc = relations_given(nlp, text, names)

    def name(i):
        return span_text(doc, i)

    return {(name(r["method"]), name(r["dataset"]), name(r["metric"]) if r["metric"] is not None else r["metric_name"],
             r["value"], r["unit"], r["condition"]) for r in doc._.kg_results}


def test_margin_with_metric_and_relative_reduction(nlp):
    # SciREX: "outperforms <Y> by nearly 15 BLEU": a margin in BLEU against Y
    text = ("Our neural model significantly outperforms a Templated Kneser-Ney language model by "
            "nearly 15 BLEU on WikiBio.")
    got = results_given(nlp, text, [("neural model", "Method"), ("Templated Kneser-Ney language model", "Method"),
                                    ("BLEU", "Metric"), ("WikiBio", "Dataset")])
    # (the method is "neural model" or the anaphor "Our neural model" made for it)
    assert {(r[0].lower().removeprefix("our "),) + r[1:] for r in got} == {
        ("neural model", "WikiBio", "BLEU", "15.0", None, "vs Templated Kneser-Ney language model")}
    # SciREX (NAN): a score, and an error reduction relative to another method
    text = ("Compared to previous methods, our NAN achieves a mean accuracy of 95.72%, reducing the error "
            "of FaceNet by 12.3%.")
    got = results_given(nlp, text, [("NAN", "Method"), ("FaceNet", "Method"), ("accuracy", "Metric"), ("error", "Metric")])
    assert got == {("NAN", None, "accuracy", "95.72", "%", None), ("NAN", None, "error", "12.3", "%", "vs FaceNet")}


def test_result_list_shares_its_measure_and_pairs_respectively(nlp):
    # SciREX (LSRO): three gains, one measure after the last, three datasets "respectively"
    text = ("On three large-scale datasets, Market-1501, CUHK03 and DukeMTMC-reID, we obtain + 4.37%, + 1.6% "
            "and + 2.46% improvement in rank-1 precision over the baseline CNN, respectively.")
    got = results_given(nlp, "LSRO\nWe propose LSRO. " + text, [
        ("LSRO", "Method"), ("Market-1501", "Dataset"), ("CUHK03", "Dataset"), ("DukeMTMC-reID", "Dataset"),
        ("rank-1 precision", "Metric"), ("CNN", "Method")])
    assert {(d, m, v) for _, d, m, v, _, _ in got} == {
        ("Market-1501", "rank-1 precision", "4.37"), ("CUHK03", "rank-1 precision", "1.6"),
        ("DukeMTMC-reID", "rank-1 precision", "2.46")}
    assert {h for h, *_ in got} == {"LSRO"}
    # "between 3 and 4": a range, no result
    got = results_given(nlp, "LSRO\nWe propose LSRO. LSRO improves rank-1 precision by between 3 and 4 points.",
                        [("LSRO", "Method"), ("rank-1 precision", "Metric")])
    assert not got


def test_margin_list_and_measure_modifier(nlp):
    # SciREX (iSQRT-COV): every member of a margin list is a margin against KP
    text = ("With ResNet-50 architecture, KP performs much better than CBP, while iSQRT-COV (8 K) respectively "
            "outperforms KP (14 K) by about 2.6%, 3.8% and 0.6% on Birds, Aircrafts and Cars.")
    got = results_given(nlp, text, [("iSQRT-COV", "Method"), ("KP", "Method"), ("CBP", "Method"), ("ResNet-50", "Method"),
                                    ("Birds", "Dataset"), ("Aircrafts", "Dataset"), ("Cars", "Dataset")])
    assert {(h, d, v, c) for h, d, _, v, _, c in got} == {
        ("iSQRT-COV", "Birds", "2.6", "vs KP"), ("iSQRT-COV", "Aircrafts", "3.8", "vs KP"),
        ("iSQRT-COV", "Cars", "0.6", "vs KP")}
    # SciREX (FPN): "it improves the COCO-style AP by 2.3 points": the pronoun's method,
    # not the name inside the measure
    text = ("FPN significantly increases the Average Recall (AR) by 8.0 points; for object detection, it improves "
            "the COCO-style Average Precision (AP) by 2.3 points.")
    got = results_given(nlp, text, [("FPN", "Method"), ("COCO-style", "Method"), ("Average Recall", "Metric"),
                                    ("Average Precision", "Metric")])
    assert {(h, m, v) for h, _, m, v, _, _ in got} == {("FPN", "Average Recall", "8.0"), ("FPN", "Average Precision", "2.3")}


def test_margin_counts_and_deficits_are_no_results(nlp):
    # SciREX (unsupervised NMT / parser papers): "2 BLEU points behind" is a deficit,
    # "by 48 out of 54 treebanks" a count; "by 5.1% and 6.6% in accuracy" a margin list
    text = ("Our system also outperforms the supervised WMT 2014 shared task winner in English-to-German, and is "
            "around 2 BLEU points behind it in the rest of translation directions. Our system outperforms the "
            "CoNLL Winner by 48 out of 54 treebanks.")
    assert not results_given(nlp, text, [("Our system", "Method"), ("CoNLL Winner", "Method"), ("BLEU", "Metric")])
    text = ("On the larger COCO-QA data set, the proposed two-layer SANs significantly outperform BLSTM by "
            "5.1% and 6.6% in accuracy.")
    got = results_given(nlp, text, [("SANs", "Method"), ("BLSTM", "Method"), ("accuracy", "Metric")])
    assert {(h, m, v, c) for h, _, m, v, _, c in got} == {
        ("SANs", "accuracy", "5.1", "vs BLSTM"), ("SANs", "accuracy", "6.6", "vs BLSTM")}


def test_with_a_second_score_is_a_result_with_a_speed_a_condition(nlp):
    # the RTMDet pattern on other numbers: a speed after "with" qualifies the result,
    # a second score after "with" is a result of its own
    text = ("FooNet: a real-time detector\nWe propose FooNet. FooNet achieves 52.8% AP on COCO with 45.1% AP on "
            "LVIS. FooNet reaches 40.2% AP on COCO with 120 FPS on a V100 GPU.")
    rs = results(nlp, text)
    assert keys(rs) == {("FooNet", "COCO", "AP", "52.8", "%"), ("FooNet", "LVIS", "AP", "45.1", "%"),
                        ("FooNet", "COCO", "AP", "40.2", "%")}
    assert {r["condition"] for r in rs if r["value"] == "40.2"} == {"with 120 FPS on a V100 GPU"}


def test_change_from_to_states_its_end_point(nlp):
    text = ("FooNet: a real-time detector\nWe propose FooNet. FooNet improves the accuracy on CIFAR-10 from 70.1% "
            "to 75.3%. The error ranges from 3% to 14% across runs.")
    assert keys(results(nlp, text)) == {("FooNet", "CIFAR-10", "accuracy", "75.3", "%")}


def test_times_faster_than_is_a_speed_ratio(nlp):
    # YOLOv3 abstract
    text = ("YOLOv3: An Incremental Improvement\nWe present some updates to YOLO. YOLOv3 runs at 45 FPS on a Titan X "
            "GPU and obtains a mAP of 57.9 on COCO. It is 3.8 times faster than RetinaNet.")
    rs = results(nlp, text)
    assert {(r["method"], r["metric"], r["value"], r["unit"]) for r in rs} >= {
        ("YOLOv3", "FPS", "45.0", "fps"), ("YOLOv3", "mAP", "57.9", None), ("YOLOv3", "speed", "3.8", "x")}
    assert {r["condition"] for r in rs if r["metric"] == "speed"} == {"vs RetinaNet"}


def test_hyperparameters_and_compared_numbers_are_no_results(nlp):
    # SciREX (person ReID, pose estimation papers)
    text = ("We insert a dropout layer before the final convolutional layer and set the dropout rate to 0.5 for "
            "CUHK03 and 0.75 for Market-1501 and DukeMTMC-reID, respectively. Using the deeper VGG architecture "
            "improves over more shallow AlexNet (77.9 vs. 72.4% PCK, 50.0 vs. 44.6% AUC).")
    got = results_given(nlp, text, [("dropout", "Method"), ("CUHK03", "Dataset"), ("Market-1501", "Dataset"),
                                    ("VGG", "Method"), ("AlexNet", "Method"), ("PCK", "Metric"), ("AUC", "Metric")])
    assert not {v for _, _, _, v, _, _ in got} & {"0.5", "0.75", "72.4", "44.6"}
