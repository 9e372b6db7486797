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
    # in a paper: once, with nothing that types it, not a node; repeated, a node
    once = _ents(nlp, "In this paper, Table 3 lists QuillStack next to the other entries.")
    assert "QuillStack" not in dict(once), once
    twice = _ents(nlp, "In this paper, Table 3 lists QuillStack next to the other entries. QuillStack is smaller.")
    assert dict(twice).get("QuillStack") == "Method", twice


def test_a_coined_shape_in_news_needs_a_model_word(rules_nlp):
    nlp = rules_nlp  # the rule alone, before the learned node filter
    # news: a repeated coined shape is as often a chip, a company or software; it is a
    # Method only with a model word near it (blind audits 5-15)
    chip = _ents(nlp, "Oracle said AmpereOne VMs would come last year. AmpereOne availability is still awaited.")
    assert "AmpereOne" not in dict(chip), chip
    model = _ents(nlp, "Microsoft dropped Florence-2, a unified vision model. Florence-2 is small.")
    assert dict(model).get("Florence-2") == "Method", model


def test_a_listed_frameworks_versions_and_products_are_software(nlp):
    ents = dict(_ents(nlp, "Keras 3 introduces a multi-backend architecture, and NVIDIA released TensorRT-LLM."))
    assert "Keras 3" not in ents and "TensorRT-LLM" not in ents, ents
    assert dict(_ents(nlp, "Megatron-Turing NLG 530B is a language model.")).get("Megatron-Turing NLG 530B") == "Method"


def test_stock_ner_debris_is_not_a_person_or_organization(nlp):
    ents = _ents(nlp, "Earlier models (Anderson, Abeywardana, Wolf, & Lee, 2009) used a Bayesian prior.")
    texts = {t for t, _ in ents}
    assert "& Lee" not in texts and "Bayesian" not in texts, ents


# --- citations, evidence for stock-NER organisations and places, whitespace ------------------
_PAPER = (
    "1 Introduction\n"
    "Contrastive pretraining has been studied widely (Orlov et al., 2018; Brandt and Kowalczyk, 2019). "
    "Quandt & Vesely (2017) first trained a ranking model, and Sorensen et al. extended it to video [4, 7]. "
    "Following Halvorsen et al (2020), we pretrain on Reddit comments.\n\n"
    "2 Related Work\n"
    "Prior detectors (Faraday, Lindqvist, and Okafor, 2016) relied on anchors. Researchers "
    "at the University of Tessaly trained the baseline in Denver. Our approach differs from Takeda & Moreau (2015). "
    "We follow the protocol of Vasquez, which uses a GRU on Reddit data in Canada.\n"
)


def test_cited_authors_are_never_organizations_or_places(nlp):
    ents = _ents(nlp, _PAPER)
    for surname in ("Brandt", "Kowalczyk", "Quandt", "Vesely", "Sorensen", "Halvorsen", "Lindqvist", "Okafor",
                    "Takeda", "Moreau"):
        assert all(label == "Person" for t, label in ents if surname in t), (surname, ents)
    assert not [t for t, _ in ents if "et al" in t or "&" in t or " and " in t], ents


def test_organizations_and_places_in_a_paper_need_evidence(nlp):
    ents = _ents(nlp, _PAPER)
    assert ("University of Tessaly", "Organization") in ents  # an organisation head
    # in a paper the stock NER's places were right 2 times in 14 (blind audits): none is kept
    assert not [t for t, label in ents if label == "Location"], ents
    assert ("Vasquez", "Organization") not in ents  # once, no organisation head or context
    assert ("Vasquez", "Person") not in ents  # read outside any citation, and never cited


def test_news_organizations_are_kept_without_citations(nlp):
    ents = _ents(nlp, "Orbital Systems said on Tuesday that its engineers in Denver built a cheaper robot arm.")
    assert ("Orbital Systems", "Organization") in ents and ("Denver", "Location") in ents, ents


def test_a_name_before_a_citation_year_is_no_organization(nlp):
    from kg.extract.nodes import cited_after, reads_as_paper

    doc = nlp("The loss of Marchetti & Oyelaran (2014) is used, as in Dunmore [12].")
    toks = [t.text for t in doc]
    assert cited_after(doc, toks.index("Oyelaran") + 1) and cited_after(doc, toks.index("Marchetti") + 1)
    assert cited_after(doc, toks.index("Dunmore") + 1)
    assert not cited_after(doc, toks.index("loss") + 1)
    assert not reads_as_paper(nlp("Orbital Systems (2019 revenue: $4 million) hired Dunmore."))


def test_mention_spans_never_start_or_end_in_whitespace(nlp):
    text = "Tessaly Robotics\n\nTessaly Robotics said on Monday that Mirafield Capital \n\n invested in it."
    doc = nlp(text)
    labels = [text[m["start"]:m["end"]] for m in doc._.kg_mentions]
    assert labels, labels
    assert all(lab == lab.strip() and "\n" not in lab for lab in labels), labels
    assert "Tessaly Robotics" in labels


def test_trim_space_cuts_a_span_at_a_line_break(nlp):
    from kg.extract.entities import _Cand
    from kg.extract.nodes import _trim_space

    doc = nlp.make_doc("Helix Health\n\n Annual report")
    c = _Cand(0, len(doc), "Organization", "ner")
    assert _trim_space(doc, c) and doc[c.start:c.end].text == "Helix Health"
    c = _Cand(2, 3, "Organization", "ner")  # the "\n\n" token alone
    assert not _trim_space(doc, c)


def test_a_cited_full_name_with_an_initial_stays_one_person(nlp):
    ents = _ents(nlp, "The tagger of Marta K. Ilves (2011) is a strong baseline for parsing.")
    assert ("Marta K. Ilves", "Person") in ents, ents


def test_a_capitalised_common_noun_in_a_paper_is_no_person(nlp):
    from kg.extract.entities import _Cand
    from kg.extract.nodes import refine

    text = ("1 Introduction\nWe estimate the flow between frames. Dense Flow is computed first, "
            "as in Marchetti et al. (2014).\n")
    doc = nlp(text)
    toks = [t.text for t in doc]
    i = toks.index("Dense")
    kept = refine(doc, [_Cand(i, i + 2, "Person", "ner")], {}, set())
    assert kept == [], kept  # "flow" is a common noun of this paper
    j = toks.index("Marchetti")
    kept = refine(doc, [_Cand(j, j + 1, "Organization", "ner")], {}, set())
    assert [(doc[c.start:c.end].text, c.label) for c in kept] == [("Marchetti", "Person")]


def test_a_coined_name_before_et_al_is_an_author_not_a_method(nlp):
    text = ("2 Method\nDeVries et al. (2019) and DeVries et al. (2020) trained a detector, "
            "and TorqueNet beats it. TorqueNet is small.")
    ents = _ents(nlp, text)
    assert not [t for t, lab in ents if t.startswith("DeVries") and lab != "Person"], ents
    assert ("TorqueNet", "Method") in ents, ents


def test_a_title_case_term_in_a_paper_is_no_person(nlp):
    from kg.extract.entities import _Cand
    from kg.extract.nodes import refine

    text = "As in Orlov et al. (2018) and Brandt et al. (2019), we pool a Bag of Oriented Edges feature.\n"
    doc = nlp(text)
    toks = [t.text for t in doc]
    i = toks.index("Bag")
    assert refine(doc, [_Cand(i, i + 4, "Person", "ner")], {}, set()) == []
    news = nlp("Lena van Dorp said the feature helps.")
    kept = refine(news, [_Cand(0, 3, "Person", "ner")], {}, set())
    assert [(news[c.start:c.end].text, c.label) for c in kept] == [("Lena van Dorp", "Person")]


def test_a_person_ending_in_an_organisation_word_is_an_organization(nlp):
    ents = _ents(nlp, "The weights were released by Kestrel AI on Monday.")
    assert ("Kestrel AI", "Organization") in ents, ents


# --- precision rules measured on three blind audits of paper text (session 7) ----------------
_BODY = (
    "1 Introduction\n"
    "Scene text detection and single-image activity recognition are hard (Orlov et al., 2018). "
    "Our model refines the final pose predictions and the low-resolution predictions by semantic term "
    "matching, as Table 2 and Figure 3 show. Pooling is applied after every block; max pooling halves "
    "the size. We train with the Adam optimizer and report results for NLP tasks. Unlike "
    "state-of-the-art object detection models, the Global Convolution Network of Peng et al. (2017) uses "
    "large kernels. Text comes from Google News and the stack of layers is shallow.\n"
    "2 Proposed Method\n"
    "The Hypercolumn features are pooled as in Sketchy. We study scene text detection and "
    "single-image activity recognition.\n"
)


def test_task_phrases_that_describe_a_step_are_no_tasks(nlp):
    ents = _ents(nlp, _BODY)   # (in a paper body a task phrase counts when said twice)
    tasks = {t for t, label in ents if label == "Task"}
    assert "Scene text detection" in tasks and "single-image activity recognition" in tasks, tasks
    assert not tasks & {"final pose predictions", "low-resolution predictions", "semantic term matching",
                        "pose predictions", "NLP", "the-art object detection"}, tasks


def test_a_task_phrase_said_once_counts_in_an_abstract_not_in_a_paper_body(nlp):
    sentence = "Our detector improves scene text detection on curved text. "
    abstract = "We propose a new detector. " + sentence
    body = "1 Introduction\nWe propose a new detector (Orlov et al., 2018). " + sentence + "The model is small. " * 150
    assert ("scene text detection", "Task") in _ents(nlp, abstract)
    assert ("scene text detection", "Task") not in _ents(nlp, body)
    assert ("scene text detection", "Task") in _ents(nlp, body + "Scene text detection is hard.")


def test_headings_and_capitalised_common_words_are_no_methods(nlp):
    ents = _ents(nlp, _BODY)
    texts = {t for t, _ in ents}
    assert "Proposed Method" not in texts and "Pooling" not in texts, ents
    assert ("Global Convolution Network", "Method") in ents, ents


def test_listed_names_lose_generic_heads_and_products_their_vendor(nlp):
    ents = _ents(nlp, _BODY)
    assert ("Adam", "Method") in ents and ("Adam optimizer", "Method") not in ents, ents
    assert ("Google", "Organization") not in ents, ents  # "Google News": a product's name in a paper
    assert not [t for t, _ in ents if t.lower() == "the stack"], ents


def test_stock_persons_in_a_paper_are_cited_authors_only(nlp):
    ents = _ents(nlp, _BODY)
    persons = {t for t, label in ents if label == "Person"}
    assert "Peng" in persons, persons
    assert not persons & {"Hypercolumn", "Sketchy"}, persons


def test_paper_structure_markers_make_a_paper(nlp):
    from kg.extract.nodes import reads_as_paper

    assert reads_as_paper(nlp("section: Experiments We train on COCO. subsection: Results It works."))
    assert reads_as_paper(nlp("As Table 2 shows, the model wins; Figure 3 plots the loss."))
    assert not reads_as_paper(nlp("The table shows that Orbital Systems raised $20 million."))


def test_dataset_variants_and_listed_datasets_are_datasets(nlp):
    ents = _ents(nlp, "We build six test datasets: Occlusion-AffectNet, Pose-AffectNet and Occlusion-RAF-DB "
                      "from AffectNet and RAF-DB. Our RAN uses ResNet-18. We used 5 datasets (BC2GM, BC5CDR, "
                      "JNLPBA), all of which were collected by experts.")
    for name in ("Occlusion-AffectNet", "Pose-AffectNet", "Occlusion-RAF-DB", "BC2GM"):
        assert (name, "Dataset") in ents, (name, ents)
    assert ("ResNet-18", "Method") in ents, ents


def test_software_counts_and_quantities_are_no_nodes(nlp):
    ents = _ents(nlp, "Our RNN-LMs are trained with the CUED-RNNLM toolkit on 4 GPUs; the console has a "
                      "1.19Mhz CPU. We also train on 8 A100 GPUs.")
    texts = {t for t, _ in ents}
    assert not texts & {"4 GPUs", "1.19Mhz CPU", "1.19Mhz", "CUED-RNNLM"}, ents
    assert ("A100", "Hardware") in ents, ents


def test_plural_acronyms_end_before_the_s(nlp):
    ents = _ents(nlp, "We compare GANs with VAEs and LSTMs, and ResNets stay as they are.")
    texts = {t for t, _ in ents}
    assert {"GAN", "LSTM"} <= texts and not texts & {"GANs", "LSTMs"}, ents


def test_a_plural_of_a_name_the_text_also_writes_is_that_name(rules_nlp, tmp_path):
    nlp = rules_nlp  # the rule alone, before the learned node filter
    # ninth blind audit: "ReasoNets" and "LReLUs" (from "(LReLUs)") judged wrong boundaries
    from kg.pipeline import run_build

    text = ("We use leaky rectified linear units (LReLUs) in all layers. ReasoNets read a passage "
            "several times, and a ReasoNet decides when to stop.")
    texts = {t for t, _ in _ents(nlp, text)}
    assert "ReasoNet" in texts and "ReasoNets" not in texts and "LReLUs" not in texts, texts
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(text, encoding="utf-8")
    labels = {d.get("label") for _, d in run_build([src], tmp_path / "out", nlp=nlp).graph.nodes(data=True)}
    assert {"LReLU", "ReasoNet"} <= labels and not labels & {"LReLUs", "ReasoNets"}, labels


def test_an_author_year_citation_key_is_no_name(nlp):
    ents = _ents(nlp, "We reimplement an architecture for entailment called ESIM Chen2017_ESIM and test on "
                      "the SNLI dataset Bowman2015 and on MultiNLI.")
    texts = {t for t, _ in ents}
    assert "ESIM" in texts and not any("2015" in t or "2017" in t for t in texts), ents
    assert is_junk("Zaremba2014") and not is_junk("CIFAR-10")


def test_listed_chips_in_the_plural_and_variants_with_a_number(nlp):
    # tenth blind audit: "FCN-8" for "FCN-8s" judged partly; chips in the plural were missed
    ents = _ents(nlp, "Llama was trained on 2,048 A100s, and our model beats FCN-8s on PASCAL VOC.")
    assert ("A100", "Hardware") in ents and ("FCN-8s", "Method") in ents, ents
    assert not {t for t, _ in ents} & {"A100s", "FCN-8"}, ents


def test_modifiers_and_common_words_are_no_names(nlp):
    # tenth blind audit: "Open-Weight", "single-GPU" judged junk/generic; "a silicon
    # moonshot" is not the company Moonshot
    text = ("Open-Weight models with single-GPU training are popular, and the open weight release "
            "was a single run. The company called its chip a silicon moonshot.")
    texts = {t for t, _ in _ents(nlp, text)}
    assert not texts & {"Open-Weight", "single-GPU", "moonshot"}, texts


def test_hardware_classes_and_generic_model_kinds_are_no_nodes(nlp):
    ents = _ents(nlp, "Researchers found that photonic processors and a quantum computer beat microcontrollers; "
                      "the startup's analog AI chip runs DNNs, while NVIDIA's H100 runs BERT.")
    texts = {t for t, _ in ents}
    assert not texts & {"photonic processors", "quantum computer", "microcontrollers", "analog AI chip", "DNN",
                        "DNNs"}, ents
    assert ("H100", "Hardware") in ents and ("BERT", "Method") in ents, ents


def test_a_title_about_a_goal_names_no_method(nlp):
    ents = _ents(nlp, "Towards General Purpose Vision Systems\nWe propose a system that learns many tasks.")
    assert "Towards General Purpose Vision Systems" not in {t for t, _ in ents}, ents


def test_news_units_counts_and_lone_person_words(nlp):
    text = ("Nvidia CEO Jensen Huang said the H200 has 141 GB of memory that delivers 4.8 terra bytes per "
            "second (TB/s). Racks exceed 60 kW, and the cluster holds 1,152 GPU nodes. The model also powers "
            "Bing and runs on Linux, Huang said. Cloud AI and Data Center teams agreed.")
    ents = _ents(nlp, text)
    texts = {t for t, _ in ents}
    assert not texts & {"TB/s", "terra bytes per second", "kW", "1,152 GPU", "Cloud AI", "Data Center"}, ents
    assert ("Bing", "Person") not in ents and ("Linux", "Person") not in ents, ents
    assert ("Jensen Huang", "Person") in ents, ents


def test_a_quoted_speakers_our_models_is_no_unnamed_method(nlp):
    text = ("Google introduced Trillium, its sixth-generation TPU. \"We are looking forward to the increase in "
            "performance for training and inference at scale of our Gemini models,\" said a Google executive.")
    doc = nlp(text)
    assert not [m for m in doc._.kg_mentions if m["source"] == "anaphor"], doc._.kg_mentions


def test_components_fields_memory_and_events_are_no_nodes(nlp):
    ents = _ents(nlp, "The block computes Query, Key and Value projections before Normalization. Deep Learning "
                      "helps autonomous driving. The chip pairs HBM3E memory with NVLink, shown at SC23 and "
                      "at GTC 2024. Context grows to 128K tokens.")
    texts = {t for t, _ in ents}
    assert not texts & {"Key", "Value", "Normalization", "Deep Learning", "autonomous driving", "HBM3E", "NVLink",
                        "SC23", "GTC 2024", "K"}, ents


def test_a_heading_line_is_no_method(nlp):
    ents = _ents(nlp, "subsection: Fusion Network The fusion network merges the two streams. We compare with the "
                      "Global Convolution Network of earlier work.")
    assert "Fusion Network" not in {t for t, _ in ents}, ents
    assert ("Global Convolution Network", "Method") in ents, ents


def test_an_abstract_reads_as_a_paper_and_its_title_terms_are_no_organizations(nlp):
    # no citation at all: the voice of an abstract ("we propose", "experiments on")
    # puts it under the paper rules, where title-case terms need an organisation head
    text = ("Fair Classifiers Without Surrogates\nWe propose a neural network that enforces Equalized Odds and "
            "Demographic Parity during training. Experiments on the Adult dataset show smaller violations.")
    ents = _ents(nlp, text)
    assert not [t for t, label in ents if label == "Organization"], ents
    news = _ents(nlp, "Orbital Systems said on Tuesday that its engineers in Denver built a cheaper robot arm.")
    assert ("Orbital Systems", "Organization") in news, news


def test_a_structure_marker_heading_and_a_heading_line_are_no_names(nlp):
    ents = _ents(nlp, "section: Related Work Sequence models are typically trained with teacher forcing.\n"
                      "Licence Concerns\nThe weights of Falcon 40B ship under a custom licence.")
    texts = {t for t, _ in ents}
    assert not {"Related Work Sequence", "Licence Concerns"} & texts, ents
    assert "Falcon 40B" in texts, ents


def test_job_titles_stay_outside_a_person_and_investors_are_organizations(nlp):
    ents = _ents(nlp, "The round was led by Temasek, said CTO Mark Ross in an interview on Monday.")
    assert ("Mark Ross", "Person") in ents and ("CTO Mark Ross", "Person") not in ents, ents
    assert ("Temasek", "Location") not in ents, ents


def test_a_title_that_starts_with_a_longer_name_names_the_papers_variant(nlp):
    text = ("Light Gated Recurrent Units for Speech Recognition\nIn this paper we revise gated recurrent units "
            "for speech recognition. Our experiments on TIMIT show that the proposed model is faster.")
    ents = _ents(nlp, text)
    assert ("Light Gated Recurrent Units", "Method") in ents, ents
    assert ("Gated Recurrent Units", "Method") not in ents, ents


def test_a_name_introduced_as_a_benchmark_is_no_method(nlp):
    text = ("CodeSaga: Redefining the Benchmark for Code LLMs\nIn this paper we propose CodeSaga, a novel benchmark "
            "with 185 hand-crafted prompts. Experiments on CodeSaga show that open models lag behind.")
    ents = _ents(nlp, text)
    assert ("CodeSaga", "Benchmark") in ents and ("CodeSaga", "Method") not in ents, ents
    # a comma after a benchmark word is no apposition: the agent stays a method
    ents = _ents(nlp, "With two hours of gameplay in the Atari 100k benchmark, IRIS achieves a mean human "
                      "normalized score of 1.046. We introduce IRIS, a data-efficient agent.")
    assert ("IRIS", "Method") in ents, ents


def test_outlets_surnames_and_training_objectives(nlp):
    ents = _ents(nlp, "Alexandr Wang founded Scale AI in 2016. In an interview, Wang told reporters that the firm "
                      "grew. The South China Morning Post reported the deal. The model is trained with a "
                      "cross-entropy loss and reaches 91% accuracy.")
    assert ("South China Morning Post", "Location") not in ents and ("South China Morning Post", "Organization") in ents
    assert ("Wang", "Organization") not in ents, ents
    assert not [t for t, label in ents if label == "Metric" and "cross-entropy" in t], ents
    assert ("accuracy", "Metric") in ents, ents


def test_hardware_model_numbers_and_product_names_stay_in_the_name(nlp):
    ents = _ents(nlp, "Huawei's Ascend 910D chip rivals the Microsoft Maia 100, and the Graphcore Bow IPU "
                      "shipped in 2022 with 8 H100 GPUs in the same rack.")
    for name in ("Ascend 910D", "Maia 100", "Bow IPU", "H100"):
        assert any(t.endswith(name) and label == "Hardware" for t, label in ents), (name, ents)
    assert not [t for t, _ in ents if t.endswith("2022") or t == "Ascend"], ents


def test_a_citation_key_is_no_dataset(nlp):
    ents = _ents(nlp, "We also tested NB-LM, which first appeared as NBSVM in WM12. Results on WMT14 are strong.")
    texts = {t for t, _ in ents}
    assert "WM12" not in texts and "WMT14" in texts, ents


def test_datelines_heading_lines_identifiers_and_name_fragments_are_no_organizations(nlp):
    text = ("Foundry orders rise\nTAIPEI (Taiwan News) — TSMC has increased its orders.\nLicence Concerns:\n"
            "The system produced GDT_TS scores of 70. We fine-tune three large Audio Spectrogram Transformers on "
            "DESED.")
    ents = _ents(nlp, text)
    assert ("TAIPEI", "Location") in ents, ents
    orgs = {t for t, label in ents if label == "Organization"}
    assert not orgs & {"TAIPEI", "Licence Concerns", "GDT_TS", "Audio Spectrogram"}, ents
    assert "TSMC" in orgs, ents


def test_descriptive_organisations_citation_keys_and_references_back_are_no_nodes(nlp):
    ents = _ents(nlp, "Cohere raised money from Nvidia, Oracle and Salesforce Ventures, said Wang Xiaochuan. "
                      "Wang added that Big Tech and British AI firms follow. AI's Future Role is debated.")
    texts = {t for t, _ in ents}
    assert ("Salesforce Ventures", "Organization") in ents, ents
    assert not texts & {"Big Tech", "British AI", "AI's Future Role"}, ents
    assert ("Wang", "Organization") not in ents, ents
    paper = _ents(nlp, "section: Results Recall that the model is trained on COCO. This sensitivity is high. "
                       "In this paper we propose FooNet, unlike Pennington2014GloveGV and BowmanAPM15. Experiments "
                       "show gains at 585 petaFLOPS.")
    texts = {t for t, _ in paper}
    assert not texts & {"Recall", "sensitivity", "Pennington2014GloveGV", "BowmanAPM15", "petaFLOPS"}, paper
    assert ("COCO", "Dataset") in paper, paper
