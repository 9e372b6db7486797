"""Relations are facts the sentence states (ANNOTATION.md): who is evaluated, negation,
training data. Sentences are real or paraphrase real papers (RetinaNet, Lin et al. 2017;
ResNet, He et al. 2016), not from data/samples nor SciER; the mentions are given, so the
relation rules alone are tested."""

from __future__ import annotations

from kg.extract.relations import RelationExtractor


def _rels(nlp, text, names):
    doc = nlp(text)
    ms = []
    for surface, label in names:
        start = text.find(surface)
        while start >= 0:
            ms.append({"start": start, "end": start + len(surface), "label": label, "source": "gazetteer",
                       "gid": None, "generic": False})
            start = text.find(surface, start + len(surface))
    doc._.kg_mentions = sorted(ms, key=lambda m: m["start"])
    doc = RelationExtractor()(doc)
    m = doc._.kg_mentions
    return {(r["label"], None if r["head"] is None else text[m[r["head"]]["start"]:m[r["head"]]["end"]],
             text[m[r["tail"]]["start"]:m[r["tail"]]["end"]], r["pattern"]) for r in doc._.kg_relations}


def _triples(got):
    return {g[:3] for g in got}


def test_a_named_subject_is_the_evaluated_method_even_in_a_we_sentence(nlp):
    text = ("We propose RetinaNet, a simple dense detector. "
            "In our experiments, Faster R-CNN reaches 36.2 AP on COCO.")
    got = _rels(nlp, text, [("RetinaNet", "Method"), ("Faster R-CNN", "Method"), ("COCO", "Dataset")])
    assert ("proposes", None, "RetinaNet") in _triples(got)
    assert ("evaluatedOn", "Faster R-CNN", "COCO", "eval-sentence") in got
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
