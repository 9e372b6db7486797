"""Node and relation rules from the fifteenth and sixteenth blind audits (session 11).

Each sentence is one a blind reader judged (quoted or shortened from the audited news,
abstracts and SciREX bodies; the rule's reason is in the code). Each rule has a case
it must change and one it must leave alone.
"""

from __future__ import annotations

import pytest

from relation_helpers import relations_given, span_text


def _mentions(nlp, text: str) -> set[tuple[str, str]]:
    doc = nlp(text)
    return {(text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions}


def _pipeline_rels(nlp, text: str) -> set[tuple[str, str | None, str]]:
    doc = nlp(text)
    return {(r["label"], span_text(doc, r["head"]), span_text(doc, r["tail"])) for r in doc._.kg_relations}


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # a university's bare city is a place
        ("Suno's headquarters are steps away from the Harvard campus in Cambridge, Massachusetts.",
         None, ("Cambridge", "Organization")),
        ("Researchers at Oxford University trained it.", ("Oxford University", "Organization"), None),
        # an abbreviation defined at the very start of a text; its "method" is the task's
        ("Non-exemplar class-incremental learning (NECIL) requires a model to learn new classes. "
         "We propose a more efficient NECIL method, called PRL.", ("PRL", "Method"), ("NECIL", "Method")),
        # events are no organisations
        ("He won a gold medal at the International Mathematics Olympiad last year.", None,
         ("International Mathematics Olympiad", "Organization")),
        # a place before a version number is a model's name; companies after a company noun
        ("Nous Research's new Hermes 3 AI models promise high controllability.", None, ("Hermes", "Location")),
        ("The Schwarz Group, which is behind the discounters Lidl and Kaufland, gave no details.",
         ("Lidl", "Organization"), ("Lidl", "Location")),
        ("He moved to Paris and London.", ("Paris", "Location"), None),
        # quantisation settings and cut-off names are junk; hardware classes are generic
        ("SmoothQuant enables an INT8 W8A8 quantization for LLMs.", None, ("W8A8", "Method")),
        # a task name before "loss", an X-to-Y task before another noun
        ("We train with a feature matching loss.", None, ("feature matching", "Task")),
        ("We learn image-to-image mappings without pairs.", None, ("image-to-image", "Task")),
        ("We study the Text-to-SQL task.", ("Text-to-SQL", "Task"), None),
        ("It came 3rd on the challenging Text-to-SQL benchmark Spider.", ("Text-to-SQL", "Task"),
         ("Text-to-SQL", "Benchmark")),
        # a listed dataset's generic head stays outside
        ("We test on the Movie Review dataset.", ("Movie Review", "Dataset"), None),
        # a model family's sizes are no test sets named by year; test sets still are
        ("We propose DPNs. DPN-92 consumes less FLOPs than ResNeXt-101.", ("DPN-92", "Method"), ("DPN-92", "Dataset")),
        ("We report BLEU on NIST05 and MT08.", ("NIST05", "Dataset"), None),
        # descriptions with a comparative or "-based" are no task names
        ("Our method enables faster test-time inference.", None, ("faster test-time inference", "Task")),
        # "Large Language Models" in a title is a generic phrase, no "Language" method
        ("Understanding and Defending Against Jailbreaks in Large Language Models\nWe study jailbreaks.",
         None, ("Language", "Method")),
        # a title-case task phrase of the title the text never repeats is no task
        ("CDER: Collaborative Evidence Retrieval for Document-level Relation Extraction\n"
         "We propose CDER for relation extraction.", ("relation extraction", "Task"),
         ("Collaborative Evidence Retrieval", "Task")),
        ("MDMMT-2: Multidomain Multimodal Transformer for Video Retrieval\nWe study video retrieval with it.",
         ("Video Retrieval", "Task"), None),
        # a listed family with a version (and a size) is one name; counts are no versions
        ("The model surpasses Meta's Llama 3.2 1B and Alibaba's Qwen 2.5 1.5B on GSM8K.",
         ("Llama 3.2 1B", "Method"), ("Llama", "Method")),
        ("Anthropic released Claude 2, which beats Claude 1.3.", ("Claude 1.3", "Method"), ("Claude", "Method")),
        ("Google's Gemma 3n models come in two sizes.", ("Gemma 3n", "Method"), None),
        ("The Transformer 6 layers are deep.", ("Transformer", "Method"), ("Transformer 6", "Method")),
        # a listed supercomputer's generic head stays outside
        ("They used the Department of Energy's Summit supercomputer.", ("Summit", "Hardware"), None),
        # citation keys glued to a name; count compounds
        ("Network quantization such as HashedNet Chen2015CompressingNN uses few weights.", ("HashedNet", "Method"), None),
        ("Horizon's 4,000-GPU engine is a leap.", None, ("4,000-GPU", "Method")),
        # a company with a CEO is no place; a country with a president is
        ("The deal includes the hiring of Enfabrica's CEO, Rochan Sankar.", None, ("Enfabrica", "Location")),
        ("France's president spoke.", ("France", "Location"), None),
    ],
)
def test_node_rules_of_the_session_11_audits(nlp, text, present, absent):
    got = _mentions(nlp, text)
    if present is not None:
        assert present in got, got
    if absent is not None:
        assert absent not in got, got


@pytest.mark.parametrize(
    "text, proposed, not_proposed",
    [
        # a listed name that only says the kind of the new thing is not proposed
        ("To address this, we present DreamSR, a novel SR model that suppresses over-generation.", "DreamSR", "SR"),
        ("We propose ThinkPRM, a long CoT verifier fine-tuned on fewer labels.", "ThinkPRM", "CoT"),
        ("We propose a FooNet model for parsing.", "FooNet", None),
        # an earlier release told in a "when" clause or with a year is not the text's proposal
        ("When we released GPT-Neo in early 2021 it was the most powerful open model.", None, "GPT-Neo"),
        ("We release FooLM, a model trained in 2024 on web data.", "FooLM", None),
        # what the proposal is for, or a listed kind of it, is not proposed (17th blind audit)
        ("To address these challenges, we propose a pack-based MIL framework.", None, "MIL"),
        ("We propose GS-Net, a generalizable, plug-and-play 3DGS module that densifies ellipsoids.", "GS-Net", "3DGS"),
        ("We propose EAR, a query Expansion And Reranking approach for passage retrieval.", "EAR", "Reranking"),
        ("We propose a novel training scheme for adaptive SimulMT by augmenting the corpus.", None, "SimulMT"),
    ],
)
def test_proposal_rules_of_the_session_11_audits(rules_nlp, text, proposed, not_proposed):
    got = {t for lab, h, t in _pipeline_rels(rules_nlp, text) if lab == "proposes"}
    if proposed is not None:
        assert proposed in got, got
    if not_proposed is not None:
        assert not_proposed not in got, got


def test_a_title_naming_a_class_of_methods_proposes_nothing(nlp):
    text = ("Neural Policy Gradient Methods: Global Optimality and Rates of Convergence\n"
            "We study neural policy gradient methods and prove that they converge.")
    assert not {t for lab, h, t in _pipeline_rels(nlp, text) if lab == "proposes"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The TIMIT Acoustic-Phonetic Continuous Speech Corpus is a standard dataset used for evaluation of ASR systems.",
        "The CIFAR-10 dataset was obtained by filtering the Tiny Images dataset to remove incorrect labels.",
        "We use the Lang-8 Corpus and NUCLE as our original error-corrected training data.",
        "We use IEMOCAP as the source dataset to train the source model and evaluate on seven datasets.",
    ],
)
def test_data_described_or_for_training_is_no_evaluation_of_our_method(nlp, sentence):
    text = "We propose FooNet for speech recognition. " + sentence
    names = [("FooNet", "Method"), ("TIMIT Acoustic-Phonetic Continuous Speech Corpus", "Dataset"),
             ("CIFAR-10", "Dataset"), ("Lang-8 Corpus", "Dataset"), ("NUCLE", "Dataset"), ("IEMOCAP", "Dataset")]
    doc = relations_given(nlp, text, [(n, t) for n, t in names if n in text])
    assert not [r for r in doc._.kg_relations if r["label"] == "evaluatedOn"], doc._.kg_relations
    kept = relations_given(nlp, "We propose FooNet for speech recognition. We evaluate our method on IEMOCAP.",
                           [("FooNet", "Method"), ("IEMOCAP", "Dataset")])
    assert [r for r in kept._.kg_relations if r["label"] == "evaluatedOn"]


def test_weak_triggers_alone_state_no_evaluation_of_our_method(nlp):
    names = [("FooNet", "Method"), ("IMDb", "Dataset"), ("PropBank", "Dataset")]
    weak = ("We propose FooNet. The vocabulary contains all words in the IMDb dataset, which results in 75K words. "
            "We set the maximum length according to PropBank conventions.")
    doc = relations_given(nlp, weak, names)
    assert not [r for r in doc._.kg_relations if r["label"] == "evaluatedOn"], doc._.kg_relations
    strong = "We propose FooNet. Our results on IMDb show a gain of 2 points."
    doc = relations_given(nlp, strong, names[:2])
    assert [r for r in doc._.kg_relations if r["label"] == "evaluatedOn"], doc._.kg_relations
