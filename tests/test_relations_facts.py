"""Relations are facts the sentence states (ANNOTATION.md): who is evaluated, negation,
training data. Sentences are real or paraphrase real papers (RetinaNet, Lin et al. 2017;
ResNet, He et al. 2016), not from data/samples nor SciER; the mentions are given, so the
relation rules alone are tested."""

from __future__ import annotations

from relation_helpers import relations_given, span_text


def _rels(nlp, text, names):
    doc = relations_given(nlp, text, names)
    return {(r["label"], span_text(doc, r["head"]), span_text(doc, r["tail"]), r["pattern"])
            for r in doc._.kg_relations}


def _triples(got):
    return {g[:3] for g in got}


def test_a_named_subject_is_the_evaluated_method_even_in_a_we_sentence(nlp):
    text = ("We propose RetinaNet, a simple dense detector. "
            "In our experiments, Faster R-CNN reaches 36.2 AP on COCO.")
    got = _rels(nlp, text, [("RetinaNet", "Method"), ("Faster R-CNN", "Method"), ("COCO", "Dataset")])
    assert ("proposes", None, "RetinaNet") in _triples(got)
    assert ("evaluatedOn", "Faster R-CNN", "COCO", "eval-linked") in got
    assert ("evaluatedOn", "RetinaNet", "COCO") not in _triples(got)


def test_we_without_a_named_subject_means_the_proposed_method(nlp):
    text = ("We propose RetinaNet, a simple dense detector. "
            "We evaluate our detector on COCO and reach 39.1 AP.")
    got = _rels(nlp, text, [("RetinaNet", "Method"), ("COCO", "Dataset")])
    assert ("evaluatedOn", "RetinaNet", "COCO", "eval-sentence-self") in got


def test_negated_outperforms_is_no_fact(nlp):
    text = "RetinaNet does not outperform Faster R-CNN on COCO."
    got = _rels(nlp, text, [("RetinaNet", "Method"), ("Faster R-CNN", "Method"), ("COCO", "Dataset")])
    assert not any(g[0] == "outperforms" for g in got)


def test_training_data_is_not_evaluation_data(nlp):
    text = "The ResNet-50 backbone, pre-trained on ImageNet, reaches 39.1 AP on COCO."
    got = _triples(_rels(nlp, text, [("ResNet-50", "Method"), ("ImageNet", "Dataset"), ("COCO", "Dataset")]))
    assert ("trainedOn", "ResNet-50", "ImageNet") in got
    assert ("evaluatedOn", "ResNet-50", "COCO") in got
    assert ("evaluatedOn", "ResNet-50", "ImageNet") not in got


def test_pretrained_model_in_apposition_is_trained_on_its_data(nlp):
    # Mask R-CNN (He et al. 2017): the backbone, not the detector's evaluation set
    text = "We use a ResNet-101 backbone, pre-trained on ImageNet, and report mask AP on COCO."
    got = _rels(nlp, text, [("ResNet-101", "Method"), ("ImageNet", "Dataset"), ("COCO", "Dataset")])
    assert ("trainedOn", "ResNet-101", "ImageNet", "trained-on") in got
    assert ("trainedOn", "ResNet-101", "COCO") not in _triples(got)


def test_passive_training_sentence_outside_any_evaluation(nlp):
    # BERT (Devlin et al. 2019): no evaluation word in the sentence
    text = "BERT is pre-trained on BooksCorpus and English Wikipedia."
    got = _rels(nlp, text, [("BERT", "Method"), ("BooksCorpus", "Dataset"), ("English Wikipedia", "Dataset")])
    assert ("trainedOn", "BERT", "BooksCorpus") in _triples(got)
    assert ("trainedOn", "BERT", "English Wikipedia") in _triples(got)


def test_dataset_before_pretrained_names_the_training_data(nlp):
    # FCN (Long et al. 2015) style: "the ImageNet-pretrained VGG-16"
    text = "We initialise the encoder from an ImageNet-pretrained VGG-16 network."
    got = _rels(nlp, text, [("ImageNet", "Dataset"), ("VGG-16", "Method")])
    assert ("trainedOn", "VGG-16", "ImageNet", "data-trained-model") in got


def test_generic_trained_networks_are_not_the_proposed_method(nlp):
    text = ("We propose ShuffleNet, an efficient network. "
            "Classic neural networks trained on ImageNet transfer poorly to mobile devices.")
    got = _rels(nlp, text, [("ShuffleNet", "Method"), ("ImageNet", "Dataset")])
    assert ("trainedOn", "ShuffleNet", "ImageNet") not in _triples(got)


def test_method_pairs_only_with_the_dataset_its_clause_evaluates(nlp):
    # a method named in a "than/as"-free other clause is not paired with every dataset
    text = ("RetinaNet reaches 39.1 AP on COCO, while the dataset of PASCAL VOC "
            "was used by SSD in earlier experiments.")
    got = _rels(nlp, text, [("RetinaNet", "Method"), ("SSD", "Method"), ("COCO", "Dataset"), ("PASCAL VOC", "Dataset")])
    assert ("evaluatedOn", "RetinaNet", "COCO", "eval-linked") in got
    assert ("evaluatedOn", "RetinaNet", "PASCAL VOC") not in _triples(got)


def test_method_noun_for_task_and_task_with_method(nlp):
    # Mask R-CNN (He et al. 2017); PointRend (Kirillov et al. 2020) figure caption style
    text = "Mask R-CNN is a simple framework for instance segmentation."
    got = _rels(nlp, text, [("Mask R-CNN", "Method"), ("instance segmentation", "Task")])
    assert ("usedFor", "Mask R-CNN", "instance segmentation") in _triples(got)
    text = "Figure 1: Semantic segmentation with PointRend on Cityscapes images."
    got = _rels(nlp, text, [("PointRend", "Method"), ("Semantic segmentation", "Task"), ("Cityscapes", "Dataset")])
    assert ("usedFor", "PointRend", "Semantic segmentation", "task-using-method") in got
