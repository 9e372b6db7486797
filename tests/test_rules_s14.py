"""Node and relation rules of session 14 (issue 17): comparisons the small parser
misreads, passive comparisons and passive makers, names cut at a variant or a full
stop, a test set read as a company, lower-case coined model names.

The sentences are written for the tests. Entity tests run the whole pipeline; relation
tests that are about the rule alone fix the mentions (:func:`relation_helpers.relations_given`).
"""

from __future__ import annotations

from relation_helpers import relations_given, span_text


def mentions(nlp, text: str) -> set[tuple[str, str]]:
    doc = nlp(text)
    return {(text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions}


def relations(doc) -> set[tuple[str, str | None, str]]:
    return {(r["label"], span_text(doc, r["head"]), span_text(doc, r["tail"])) for r in doc._.kg_relations}


# --- names: whole, without the sentence's full stop


def test_a_variant_letter_at_the_end_of_a_sentence_keeps_no_full_stop(nlp):
    got = mentions(nlp, "On ADE20K the new backbone is ahead of Swin-B.")
    assert ("Swin-B", "Method") in got
    assert not any(t.endswith(".") for t, _ in got)
    # initials stay whole tokens (spaCy's exceptions): no name is made of them
    assert [t.text for t in nlp("by J. Smith")][1] == "J."


def test_a_version_goes_on_into_its_variant(nlp):
    got = mentions(nlp, "The company shipped Qwen 2.5-Max to its cloud customers last week.")
    assert ("Qwen 2.5-Max", "Method") in got
    # a score after a name is still no version ("BERT 84.2")
    assert ("BERT 84.2", "Method") not in mentions(nlp, "We report BERT 84.2 and RoBERTa 86.1 in Table 2.")


def test_a_benchmark_edition_by_its_year(nlp):
    got = mentions(nlp, "The model solves 70% of the problems of AIME '24.")
    assert ("AIME '24", "Benchmark") in got


def test_a_coined_test_set_after_a_comparison_is_no_company(nlp):
    got = mentions(nlp, "Grok 3 clearly beats Gemini 2.0 Pro on Arena-Hard.")
    assert ("Arena-Hard", "Organization") not in got
    assert any(t == "Arena-Hard" and lab in ("Dataset", "Benchmark") for t, lab in got)
    # a company after "on" that no score or comparison governs stays a company
    assert ("OpenAI", "Organization") in mentions(nlp, "Microsoft relies on OpenAI for its assistant.")


def test_a_coined_name_said_once_is_a_model_when_trained_and_compared(nlp):
    doc = nlp("Our partner's Zeta-7 was trained on web text and beats GPT-4o-mini on MATH.")
    got = {(doc.text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions}
    assert ("Zeta-7", "Method") in got
    ms = doc._.kg_mentions
    rels = {(r["label"], doc.text[ms[r["head"]]["start"]:ms[r["head"]]["end"]],
             doc.text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]]) for r in doc._.kg_relations if r["head"] is not None}
    assert ("outperforms", "Zeta-7", "GPT-4o-mini") in rels


def test_a_lower_case_coined_model_is_evaluated(nlp):
    doc = nlp("The o3-mini model reaches 86.5% accuracy on AIME 2025.")
    ms = doc._.kg_mentions
    got = {(doc.text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], doc.text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]])
           for r in doc._.kg_relations if r["label"] == "evaluatedOn" and r["head"] is not None}
    assert ("o3-mini", "AIME 2025") in got


# --- outperforms: the order of words when the parse lost the subject; passives


def test_a_short_comparison_the_parser_misreads(nlp):
    names = [("FooNet", "Method"), ("RoBERTa", "Method"), ("XLNet", "Method")]
    got = relations(relations_given(nlp, "FooNet outperforms RoBERTa.", names[:2]))
    assert ("outperforms", "FooNet", "RoBERTa") in got
    got = relations(relations_given(nlp, "FooNet clearly beats RoBERTa and XLNet.", names))
    assert {("outperforms", "FooNet", "RoBERTa"), ("outperforms", "FooNet", "XLNet")} <= got


def test_a_passive_comparison_is_read_the_right_way_round(nlp):
    names = [("BERT", "Method"), ("RoBERTa", "Method"), ("XLNet", "Method")]
    got = relations(relations_given(nlp, "BERT is outperformed by RoBERTa and XLNet on most tasks.", names))
    assert ("outperforms", "RoBERTa", "BERT") in got and ("outperforms", "XLNet", "BERT") in got
    assert ("outperforms", "BERT", "RoBERTa") not in got
    # a passive with no "by" names no winner
    got = relations(relations_given(nlp, "BERT is outperformed on most tasks, while RoBERTa holds up.", names[:2]))
    assert not {r for r in got if r[0] == "outperforms"}


def test_it_in_a_passive_comparison_is_not_the_papers_method(nlp):
    names = [("SPA-Net", "Method"), ("Attention-Net", "Method"), ("AG-Net", "Method")]
    text = ("We propose SPA-Net. Since the code of Attention-Net is not released, and it was "
            "outperformed by AG-Net, we compare with AG-Net only.")
    got = relations(relations_given(nlp, text, names))
    assert ("outperforms", "AG-Net", "SPA-Net") not in got
    assert ("outperforms", "SPA-Net", "AG-Net") not in got


# --- developedBy: passive makers; a possessive of another noun


def test_a_passive_maker_is_the_developer(nlp):
    names = [("Trainium2", "Hardware"), ("Amazon Web Services", "Organization")]
    for text in ("Trainium2 was designed by Amazon Web Services.",
                 "The new chip, called Trainium2, was designed by Amazon Web Services."):
        assert ("developedBy", "Trainium2", "Amazon Web Services") in relations(relations_given(nlp, text, names))
    names = [("GPT-4", "Method"), ("Stanford University", "Organization")]
    got = relations(relations_given(nlp, "GPT-4 was evaluated by researchers at Stanford University.", names))
    assert not {r for r in got if r[0] == "developedBy"}


def test_a_possessive_of_another_noun_owns_no_name_after_a_comma(nlp):
    names = [("OpenAI", "Organization"), ("Gemini 1.5 Pro", "Method")]
    got = relations(relations_given(nlp, "According to OpenAI's report, Gemini 1.5 Pro was trained on TPUs.", names))
    assert ("developedBy", "Gemini 1.5 Pro", "OpenAI") not in got
    got = relations(relations_given(nlp, "OpenAI's new Gemini 1.5 Pro rival was trained on TPUs.", names[:1] + [("Gemini 1.5 Pro", "Method")]))
    # (a rival: the organisation made the other model; the existing rule still applies)
    assert ("developedBy", "Gemini 1.5 Pro", "OpenAI") not in got


# --- the gazetteer: listed names as written


def test_listed_names_split_by_a_unit_suffix_match_as_written(nlp):
    # "GSM8K" tokenises as "GSM8 K" but "gsm8k" as one token: both spellings are the listed dataset
    for text, name in (("Accuracy on GSM8K rose by 4 points.", "GSM8K"), ("Accuracy on gsm8k rose.", "gsm8k"),
                       ("We report mIoU on ADE20K.", "ADE20K")):
        doc = nlp(text)
        got = {(text[m["start"]:m["end"]], m["source"]) for m in doc._.kg_mentions}
        assert (name, "gazetteer") in got, (text, got)


def test_researchers_at_an_organisation_made_what_they_developed(nlp):
    names = [("MIT", "Organization"), ("LiquidNet", "Method"), ("GPT-4", "Method")]
    got = relations(relations_given(nlp, "Researchers at MIT developed a new method called LiquidNet.", names[:2]))
    assert ("developedBy", "LiquidNet", "MIT") in got
    got = relations(relations_given(nlp, "Researchers at MIT tested GPT-4 on new puzzles.", [names[0], names[2]]))
    assert not {r for r in got if r[0] == "developedBy"}


def test_a_coined_name_listed_with_a_listed_name_is_of_its_kind(nlp):
    got = mentions(nlp, "We test the reader on three benchmarks: HotpotQA, 2WikiMultihopQA and MuSiQue.")
    assert {("2WikiMultihopQA", "Dataset"), ("MuSiQue", "Dataset")} <= got
    # a name defined after a colon is no item of a list with the words that define it
    got = mentions(nlp, "SiamMask: Fast Online Object Tracking and Segmentation\nWe track objects with SiamMask.")
    assert ("SiamMask", "Task") not in got


def test_a_family_in_apposition_to_a_name_is_that_name(nlp):
    names = [("OLMo-X", "Method"), ("Llama 3.1", "Method"), ("Transformer", "Method")]
    got = relations(relations_given(nlp, "We release OLMo-X, a family of instruction-tuned models based on Llama 3.1.", names[:2]))
    assert ("basedOn", "OLMo-X", "Llama 3.1") in got
    got = relations(relations_given(nlp, "Llama 3.1 is strong. Several models based on Transformer exist.", names[1:]))
    assert not {r for r in got if r[0] == "basedOn"}


def test_a_family_with_a_decimal_version_before_a_model_noun(nlp):
    assert ("Granite 3.0", "Method") in mentions(nlp, "IBM's Granite 3.0 models are available to customers.")
    assert not mentions(nlp, "The Version 2.0 model is here.")


def test_a_capitalised_size_word_after_a_listed_family(nlp):
    got = mentions(nlp, "Stability AI launched Stable Diffusion 3.5 Large last week.")
    assert ("Stable Diffusion 3.5 Large", "Method") in got
    got = mentions(nlp, "Meta shared Llama 3 Large Language Model weights.")
    assert ("Llama 3 Large", "Method") not in got


def test_names_listed_after_on_in_an_evaluation_are_data(nlp):
    got = dict(mentions(nlp, "Specifically, ZetaPRM beats the baselines on ProcessBench, MATH-500, and AIME ’24."))
    assert got.get("MATH-500") in ("Dataset", "Benchmark") and got.get("AIME ’24") == "Benchmark", got


def test_a_model_the_authors_use_under_a_naming_verb_is_not_proposed(nlp):
    def proposed(text):
        doc = nlp(text)
        ms = doc._.kg_mentions
        return {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations if r["label"] == "proposes"}
    assert "BERT" not in proposed("Emotion Classification with BERT\nIn this paper, we use a strong pre-trained "
                                  "model called BERT to classify emotions in tweets.")
    assert "SentiNet" in proposed("Sentiment Analysis\nIn this paper, we propose a new deep model called SentiNet.")


def test_an_acronym_used_as_a_measure_is_a_metric(nlp):
    assert ("MAE", "Metric") in mentions(nlp, "We report results in terms of MAE and RMSE.")
    assert ("MAE", "Metric") in mentions(nlp, "Our model reduces the MAE by 12% compared to the LSTM baseline.")
    assert ("MAE", "Method") in mentions(nlp, "We pre-train a ViT with MAE on ImageNet.")


def test_a_measure_named_like_a_listed_model_is_a_node_of_its_own(tmp_path):
    from kg.resolve import resolve_document

    text = "We report MAE and RMSE. MAE outperforms BEiT."
    mentions_ = [{"start": 10, "end": 13, "label": "Metric", "source": "pattern:measure", "gid": None},
                 {"start": 24, "end": 27, "label": "Method", "source": "gazetteer", "gid": "mae"}]
    ids, _ = resolve_document(text, mentions_, [])
    assert ids[1] == "mae" and ids[0] != "mae"


# --- session 14, after audit 27's verdicts (read after judging; not out of sample for audit 27)


def test_a_coordinated_clause_holds_no_beaten_method(nlp):
    names = [("SoundNet", "Method"), ("Opus", "Method"), ("EVS", "Method")]
    got = relations(relations_given(nlp, "SoundNet at 3kbps outperforms Opus at 12kbps and approaches EVS at 9.6kbps.", names))
    assert ("outperforms", "SoundNet", "EVS") not in got


def test_bibtex_keys_with_a_year_are_no_datasets(nlp):
    got = mentions(nlp, "Networks such as VGG simonyan2014very and ResNet he2016deep do well on CIFAR AlexCIFAR2009.")
    assert not any(t == "AlexCIFAR2009" for t, _ in got)
    assert ("VOC2012", "Dataset") in mentions(nlp, "We train on COCO2017 and test on VOC2012.")


def test_a_dataset_name_with_a_slash_is_whole(nlp):
    got = mentions(nlp, "For the CNN/DM dataset, the model exceeded the previous best by 1.3 ROUGE-L.")
    assert ("CNN/DM", "Dataset") in got and ("CNN", "Method") not in got


def test_a_listed_name_in_lower_case_after_an_article_is_the_class(nlp):
    got = mentions(nlp, "This paper presents a new vision Transformer, called Swin Transformer.")
    assert ("vision Transformer", "Method") not in got and ("Swin Transformer", "Method") in got
    assert ("Vision Transformer", "Method") in mentions(nlp, "We compare with the Vision Transformer on ImageNet.")


def test_a_short_form_the_document_defines_otherwise_than_the_list(nlp):
    got = mentions(nlp, "We introduce the Nested Music Transformer (NMT), an architecture for compound tokens. "
                        "NMT outperforms REMI on POP909.")
    assert ("NMT", "Method") in got and ("NMT", "Task") not in got
    got = mentions(nlp, "We use neural machine translation (NMT) systems.")
    assert ("NMT", "Task") in got


def test_a_stock_ner_name_is_typed_by_what_the_sentence_says_it_is(nlp):
    got = mentions(nlp, "Tel Aviv-based AI21 Labs has introduced Jamba, a 52-billion parameter open-weights model.")
    assert ("Jamba", "Method") in got
    got = mentions(nlp, "Speaking about Astra, Demis Hassabis, CEO of DeepMind, said that his team wants an agent.")
    assert ("Demis Hassabis", "Person") in got
    assert ("OpenAI", "Organization") in mentions(nlp, "OpenAI, a San Francisco company, released a model.")


def test_a_group_named_after_its_model_and_a_gloss_are_no_released_models(nlp):
    doc = nlp("Alibaba's Qwen team has just released QwQ-32B (Qwen with Questions), a large reasoning model (LRM) "
              "that matches leading models.")
    ms = doc._.kg_mentions
    dev = {(doc.text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], doc.text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]])
           for r in doc._.kg_relations if r["label"] == "developedBy"}
    assert ("QwQ-32B", "Alibaba") in dev
    assert not {h for h, _ in dev} & {"Qwen", "LRM"}, dev


def test_a_proposed_lower_case_long_form_keeps_its_short_form(nlp):
    got = mentions(nlp, "We propose a graph attention model (GAM) for node classification. GAM outperforms GCN on Cora.")
    assert ("GAM", "Method") in got


def test_a_named_part_the_authors_use_is_not_the_evaluated_system(nlp):
    names = [("CmBN", "Method"), ("DropBlock", "Method"), ("MS COCO", "Dataset"), ("Tesla V100", "Hardware")]
    text = ("We use new features: CmBN, Mish activation and DropBlock regularization, and combine some of them to "
            "achieve state-of-the-art results: 43.5% AP on the MS COCO dataset at 65 FPS on Tesla V100.")
    got = relations(relations_given(nlp, text, names))
    assert not {r for r in got if r[1] in ("CmBN", "DropBlock") and r[0] in ("evaluatedOn", "runsOn")}, got
