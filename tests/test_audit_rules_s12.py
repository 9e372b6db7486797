"""Node rules from the nineteenth blind audit (session 12).

Each sentence is of the kind a blind reader judged wrong in the audit's news (shortened
or rephrased); the rule's reason is in the code. Each rule has a case it must change and
one it must leave alone.
"""

from __future__ import annotations

import pytest


def _mentions(nlp, text: str) -> set[tuple[str, str]]:
    doc = nlp(text)
    return {(text[m["start"]:m["end"]], m["label"]) for m in doc._.kg_mentions}


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # number formats and memory types are no entities
        ("The chips support FP8 and NVFP4 and pair them with LPDDR memory.", None, ("NVFP4", "Task")),
        ("Blackwell adds support for MXFP4, while training still runs in BF16.", None, ("MXFP4", "Organization")),
        ("It runs on NVIDIA H100 GPUs.", ("NVIDIA H100", "Hardware"), None),
        # a chip architecture is Hardware; a model architecture stays Method
        ("Intel's Xe3P architecture powers the new GPU for inference.", ("Xe3P", "Hardware"), ("Xe3P", "Method")),
        ("We build on the Transformer architecture and evaluate it on GLUE.", ("Transformer", "Method"), None),
        # a stock-NER name ending in a model-variant word is a model
        ("Mistral released Voxtral Small and Voxtral Mini, two speech models, on Tuesday.",
         ("Voxtral Mini", "Method"), ("Voxtral Mini", "Organization")),
        ("Microsoft Research and Carnegie Mellon University announced a partnership.",
         ("Carnegie Mellon University", "Organization"), None),
        # a benchmark's subset and a listed chip's tier are part of the name
        ("DeepSeek-R1 scored 71.5% on GPQA Diamond, the company said.", ("GPQA Diamond", "Benchmark"),
         ("GPQA", "Benchmark")),
        ("Models are evaluated on GPQA and MMLU.", ("GPQA", "Benchmark"), None),
        ("The phone runs on the Snapdragon 8 Elite chip.", ("Snapdragon 8 Elite", "Hardware"),
         ("Snapdragon 8", "Hardware")),
        ("Qualcomm unveiled the Snapdragon 8 Gen 3 for Android phones.", ("Snapdragon 8 Gen 3", "Hardware"), None),
        # a size word that starts a class name is not the model's size (22nd audit)
        ("Meta released Llama 3 Large Language Model to developers.", ("Llama 3", "Method"),
         ("Llama 3 Large", "Method")),
        ("BERT Large outperforms BERT Base on SQuAD.", ("BERT Large", "Method"), None),
    ],
)
def test_rules(rules_nlp, text, present, absent):
    got = _mentions(rules_nlp, text)
    if present:
        assert present in got, got
    if absent:
        assert absent not in got, got


def test_number_formats_and_memory_types_are_no_nodes(nlp):
    """Before the rule, the 19th audit's build typed these Dataset, Metric, Task or
    Organization; none of them may be a mention of any type."""
    text = ("The new chips support FP8, NVFP4 and MXFP4 formats, train in BF16 or FP32, and pair 288 GB of HBM4 "
            "with LPDDR and Dynamic Random Access Memory. Nvidia's Blackwell GPUs also run FP4.")
    got = {t for t, _ in _mentions(nlp, text)}
    assert not got & {"FP8", "NVFP4", "MXFP4", "BF16", "FP32", "HBM4", "LPDDR", "Dynamic Random Access Memory"}, got
    assert "Blackwell" in got


def test_a_title_names_the_method_the_text_calls_ours(nlp, tmp_path):
    """21st audit: an abstract whose title is "DARTS: …" and whose text says only "our
    method"/"our algorithm" gave 4 facts on an unnamed method; the title's coined name
    is the method, and the facts' patterns say the title was used."""
    import json

    from kg.pipeline import run_build

    src = tmp_path / "in.jsonl"
    rows = [{"id": "darts", "title": "DARTS: Differentiable Architecture Search",
             "text": "This paper addresses the scalability challenge of architecture search. Unlike conventional "
                     "approaches, our method is based on the continuous relaxation of the architecture "
                     "representation. Extensive experiments on CIFAR-10 and Penn Treebank show that our algorithm "
                     "excels in discovering high-performance architectures."},
            {"id": "survey", "title": "Survey: Neural Architecture Search",
             "text": "Unlike conventional approaches, our method relaxes the search space. Extensive experiments on "
                     "CIFAR-10 show that our algorithm excels."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    G = run_build([src], tmp_path / "out", nlp=nlp).graph
    assert G.nodes["darts"]["type"] == "Method"
    ev = [x["pattern"] for _, t, d in G.out_edges("darts", data=True) if t == "cifar-10" for x in d["evidence"]]
    assert ev and all(p.endswith("+title") for p in ev), ev
    # "Survey" names no method: that document's method stays unnamed
    assert any(d.get("type") == "UnnamedMethod" for _, d in G.nodes(data=True))


@pytest.mark.parametrize(
    "text, expected",
    [
        # two items of the beaten list never beat each other (21st audit: 2 facts)
        ("Google's Gemini appears to be gaining its footing, with the most recent model beating GPT-4o and "
         "Claude 3.5 in the LMSYS Chatbot Arena leaderboard.", set()),
        ("The startup claimed Claude 3.5 outperformed both OpenAI's GPT-4 and Google's Gemini 1.5 Pro on "
         "a series of benchmarks.", {("Claude 3.5", "GPT-4"), ("Claude 3.5", "Gemini 1.5 Pro")}),
    ],
)
def test_items_of_one_list_do_not_outperform_each_other(rules_nlp, text, expected):
    doc = rules_nlp(text)
    ms = doc._.kg_mentions
    got = {(text[ms[r["head"]]["start"]:ms[r["head"]]["end"]], text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]])
           for r in doc._.kg_relations if r["label"] == "outperforms" and r["head"] is not None}
    assert got == expected


def test_a_release_in_an_earlier_month_is_not_proposed(rules_nlp):
    """21st audit: a post on OLMo 2 "proposed" OLMoE from "In September, we released OLMoE"."""
    text = "Today we release OLMo 2, our new family of models. In September, we released OLMoE, a mixture-of-experts model."
    doc = rules_nlp(text)
    ms = doc._.kg_mentions
    got = {text[ms[r["tail"]]["start"]:ms[r["tail"]]["end"]] for r in doc._.kg_relations if r["label"] == "proposes"}
    assert "OLMoE" not in got and "OLMo 2" in got, got


def test_consumer_products_and_platforms_are_no_nodes(rules_nlp):
    """Audits 19-21: the stock NER typed "Siri", "Reddit", "Windows", "MacBook Air", "Galaxy S"
    and "Gboard" as organisations, people or places; the shape rules typed "iPhones" Method."""
    text = ("Apple said Siri will use Gemini, and the MacBook Air and iPhones get new features; users on "
            "Reddit and Windows complained. Samsung's Galaxy S24 brings genAI to Gboard, Samsung said in Seoul.")
    got = _mentions(rules_nlp, text)
    names = {t for t, _ in got}
    assert not names & {"Siri", "MacBook Air", "iPhones", "Reddit", "Windows", "Galaxy S24", "Galaxy S", "Gboard",
                        "genAI"}, got
    assert ("Seoul", "Location") in got and ("Gemini", "Method") in got


def test_a_technical_report_reads_as_a_paper(nlp):
    """A report's voice ("This technical report briefly describes …") is an abstract's:
    with "we propose" the text reads as a paper even beside "according to"."""
    from kg.extract.genre import doc_genre

    text = ("This technical report briefly describes our Vega v2 submission on the SuperGLUE leaderboard. "
            "We propose self-evolution learning. According to our submission record, it ranks first.")
    assert doc_genre(nlp(text)) == "abstract"
    assert doc_genre(nlp("According to the company, the report describes a new chip. It said sales rose.")) == "news"
