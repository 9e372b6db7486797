"""Evidence that a candidate mention is a name: the rules that make a node.

``../shared/ANNOTATION.md`` (the project's annotation guide): a node is a specific,
name-like entity; generic phrases ("neural networks", "GPUs", "classifiers",
"AI chips"), anaphors and junk shapes are not nodes, and spans follow the name
("Llama 2 70B" whole, "H100" without "GPU").

:func:`refine` takes the candidates of :class:`kg.extract.entities.EntityTyper`
(before arbitration) and returns them with

* **boundaries fixed** — a model family listed in the gazetteer followed by a
  size or a variant word is one name ("Llama 2" + "70B", "Gemini" + "Ultra",
  "GPT-4" + "Turbo"); a generic head after an alphanumeric hardware name is
  outside ("H100 GPUs" → "H100", "TPU v5e pods" → "TPU v5e"), but stays after a
  purely numeric model ("NVIDIA 3090 GPU"); likewise a dataset head after a name
  found by a pattern ("the YCB dataset" → "YCB");
* **no evidence, no node** — dropped are: statistical Method spans that do not
  read as a name (no capital or digit inside a word, not a title-case run in
  running text, nor repeating such a name of the same document: "language
  models", "convolution layers", "Transformer-based model"); lower-case mentions of listed Method entries that are kinds
  (:data:`_GENERIC_ENTRIES`: "neural networks"; an acronym such as "DNN" stays); generic hardware classes ("GPU",
  "CPUs", "FPGA", "AI chips", "electronic chips"); conferences typed as
  anything ("NeurIPS 2023", "CVPR"); software frameworks ("PyTorch", "vLLM",
  :data:`FRAMEWORK_IDS`, with any span over them); junk shapes ("20T-40T",
  "Network-1", "GloVe-like", "IoU(%"); a coined shape that no context types and
  the document does not repeat ("pattern:shape" once); PDF-extraction debris typed only by
  its shape ("PðAÞ", "1Actually", "M.Seltzer", words glued into 22+ letters); a coined-shape name inside a person's name ("Yann LeCun");
  stock-NER organisations ending in a participle ("Hypothesis Based") and
  stock-NER spans that do not read as proper names (:func:`_stock_name`).

All rules look at the candidate and its own phrase only, so the cost is linear
in the number of candidates.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

#: Size tokens after a model family: "70B", "7b", "1.5B", "8x7B", "175M", "400M".
_SIZE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[BMKT]$", re.I)
#: Capitalised variant words after a listed model family ("Gemini Ultra", "GPT-4 Turbo").
_VARIANTS = {"Ultra", "Pro", "Nano", "Flash", "Opus", "Sonnet", "Haiku", "Turbo", "Mini", "mini",
             "Instruct", "Chat", "Max", "Plus", "Lite", "Coder", "Vision"}
#: Generic heads after an alphanumeric hardware name (ANNOTATION: "H100 GPU" → "H100").
_HW_TAIL = {"gpu", "gpus", "chip", "chips", "pod", "pods", "accelerator", "accelerators", "card", "cards",
            "processor", "processors", "superchip", "superchips"}
#: Gazetteer ids of hardware classes, not specific hardware ("GPUs", "CPU", "FPGAs").
_HW_CLASS_IDS = {"gpu", "cpu", "npu", "fpga", "asic"}
#: Modifiers that leave a hardware-class phrase generic ("AI chips", "electronic chips").
_HW_GENERIC_WORDS = {"ai", "artificial", "intelligence", "(", ")", "electronic", "computer", "computing",
                     "hardware", "specialized", "specialised", "custom", "dedicated", "deep", "learning",
                     "modern", "commodity", "powerful", "advanced", "conventional", "traditional", "-"}
#: Listed lower-case Method entries that are kinds, not names (ANNOTATION.md lists
#: "neural network" as generic); established technique names ("prototypical
#: networks", "generative adversarial network") are not here.
_GENERIC_ENTRIES = {"neural network", "deep neural network", "feedforward neural network", "encoder-decoder",
                    "sentence embeddings", "word embeddings", "probabilistic graphical model",
                    "neural architecture search method", "top-down frozen classifier", "evolutionary algorithm"}
#: Conferences and journals (venues are not organisations, methods or datasets).
VENUES = {"neurips", "nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "eacl", "coling",
          "aaai", "ijcai", "kdd", "sigir", "wsdm", "icassp", "interspeech", "miccai", "bmvc", "wacv", "uai",
          "aistats", "colt", "corl", "icra", "iros", "rss", "siggraph", "tpami", "jmlr", "tacl", "www",
          "neurips workshop", "icdm", "cikm", "recsys", "mlsys", "osdi", "sosp", "isca", "micro", "hpca"}
_VENUE_RE = re.compile(r"^(?P<v>[A-Za-z]+)(?:[-' ]?(?:19|20)?\d{2})?$")
_JUNK = (
    re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{0,2}(?:[-–/]\d+(?:\.\d+)?[A-Za-z]{0,2})+$"),  # "20T-40T", "3B/7B"
    re.compile(r"^[a-z]+-\d+$"),  # "network-1", "pseudo-3"
    re.compile(r"[.:;,]$"),  # "IoU." (a sentence end inside the token)
    re.compile(r"-(?:like|style|variant|based|driven|free|aware|specific)$", re.I),  # "GloVe-like": an adjective
    re.compile(r"-[a-z]$"),  # "MobileNet-v", "ResNet-18-i": a name cut off
    re.compile(r"^\d+-[a-z]+$"),  # "2-crf", "50-gcn"
    re.compile(r"[()\[\]%]"),  # "IoU(%": a fragment with a bracket or unit
    re.compile(r"^[A-Za-z]+name$"),  # "SIFTname": a LaTeX macro label
)
#: Shapes of text broken by PDF extraction, rejected for coined-shape names only.
_PDF_JUNK = (
    re.compile(r"[ðÞ¼½¾⇡⌦✓⇥]"),  # "PðAÞ", "iUðxiÞ": mis-decoded math
    re.compile(r"^[a-z][A-Z]$"),  # "rQ", "qN": symbols of a formula
    re.compile(r"^\d[A-Z][a-z]+$"),  # "1Actually": a footnote mark glued to a word
    re.compile(r"^[A-Z]\.[A-Z][a-z]+$|[a-z]\.[A-Z]"),  # "M.Seltzer", "IBMT.J.Watson…": glued initials
    re.compile(r"^[^-\d]{22,}$"),  # "TensorFactorizationforKnowledgeGraphCompletion": words glued together
)
#: Generic heads after a dataset name.
_DS_HEADS = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "database", "data"}
#: Software libraries and frameworks (ANNOTATION.md: not Method; kg has no type for
#: them, so they are left out — and their span is claimed, so no shape rule re-adds them).
FRAMEWORK_IDS = {"pytorch", "tensorflow", "keras", "caffe", "caffe2", "theano", "jax", "mxnet", "deepspeed",
                 "scikit-learn", "vllm", "paddlepaddle", "chainer", "torch", "flax", "megatron-lm", "fairseq",
                 "detectron2", "mmdetection", "huggingface-transformers", "tensorrt", "onnx", "openvino",
                 "llama-cpp", "ollama", "langchain", "llamaindex", "horovod", "xgboost", "lightgbm", "dynet",
                 "torchvision", "opencv", "numpy", "scipy", "spacy", "nltk", "gensim", "cuda", "cudnn", "fairscale",
                 "ivy"}
#: Common words numbered as items of a figure or table ("Ours-5", "Network-1", "Layer-3").
_ITEM_WORDS = {"ours", "network", "pseudo", "layer", "model", "method", "baseline", "stage", "block", "step",
               "table", "figure", "fig", "eq", "section", "level", "conv", "res", "top", "variant", "setting",
               "run", "round", "iter", "epoch", "phase", "part", "case", "type", "group", "net"}
_PARTICIPLE_END = re.compile(r"(?:ed|Based|based|ing)$")


def is_venue(text: str) -> bool:
    """True for a conference or journal name, with or without a year.

    Examples
    --------
    >>> [is_venue(t) for t in ("NeurIPS 2023", "CVPR", "ICLR'24", "COCO", "Conference on Robot Learning")]
    [True, True, True, False, True]
    """
    t = text.strip()
    m = _VENUE_RE.match(t)
    if m and m.group("v").lower() in VENUES:
        return True
    low = t.lower()
    return low.startswith(("conference on", "workshop on", "symposium on", "proceedings of")) or low.endswith(
        (" conference", " workshop", " symposium")
    )


def is_junk(text: str) -> bool:
    """True for shapes that are never names: ranges of sizes ("20T-40T"), a
    lower-case word numbered as a figure item ("network-1"), text ending in
    punctuation.

    >>> [is_junk(t) for t in ("20T-40T", "network-1", "Ours-5", "IoU.", "GloVe-like", "CIFAR-10", "GPT-4", "Yelp-2013")]
    [True, True, True, True, True, False, False, False]
    """
    if any(r.search(text) for r in _JUNK):
        return True
    m = re.match(r"^([A-Za-z]+)-\d+$", text)
    return bool(m) and m.group(1).lower() in _ITEM_WORDS


def reads_as_name(doc: Doc, start: int, end: int, headline: set[int]) -> bool:
    """A span that reads as a proper name: a capital or digit after the first
    character of a word ("ResNet-50", "BERT", "Mask R-CNN"), or capitalised words
    only (not at a sentence start or in a title-case headline: "Atrous Spatial
    Pyramid Pooling", "Adam"). A name turned adjective ("Transformer-based
    model") is no name of its own."""
    words = doc[start:end].text.split()
    if any(re.search(r"-(?:based|like|style|specific|driven|guided|inspired)$", w) for w in words):
        return False
    if any(any(c.isupper() or c.isdigit() for c in w[1:]) for w in words):
        return True
    first = doc[start]
    if first.is_sent_start or start in headline:
        return False
    return all(w[:1].isupper() for w in words if w.lower() not in ("of", "for", "and", "the", "-"))


def _stock_name(doc: Doc, start: int, end: int) -> bool:
    """A stock-NER Person/Organization/Location span that reads as a proper name:
    it starts with a letter or digit (not "& Lee", "• Expected Improvement"), has no
    number token ("Ioannis Tsapakis 1"), ends in a proper noun ("Cooling Time",
    "Single Image" end in common nouns) and is not a lone adjective ("Bayesian")."""
    span = doc[start:end]
    if not span.text[:1].isalnum() or any(t.like_num for t in span):
        return False
    if span[-1].tag_ not in ("NNP", "NNPS"):
        return False
    return not (len(span) == 1 and span[0].pos_ == "ADJ")


def refine(doc: Doc, cands: list[Any], by_id: dict, headline: set[int]) -> list[Any]:
    """Apply the node rules (module docstring) to ``cands`` (``_Cand`` objects).

    Parameters
    ----------
    doc : Doc
        The processed document (tokens, tags, sentence starts).
    cands : list of _Cand
        Candidates with token offsets, label, source and gazetteer id.
    by_id : dict
        Gazetteer entries by id (``entry.name``, ``entry.aliases``).
    headline : set of int
        Token indices of title-case headlines.

    Returns
    -------
    list of _Cand
        The kept candidates, some with new boundaries (and ``gid`` None where an
        extension made a name the gazetteer entry does not spell).
    """
    n = len(doc)
    person_toks = {i for c in cands if c.source == "ner" and c.label == "Person" and c.end - c.start > 1
                   for i in range(c.start, c.end)}
    # a capitalised name read as a name once in the document is one wherever it
    # stands ("We propose Foo. Foo achieves …": the second is sentence-initial)
    named_once = {doc[c.start:c.end].text for c in cands
                  if c.label == "Method" and c.source.split(":")[0] == "statistical"
                  and reads_as_name(doc, c.start, c.end, headline)}
    framework_toks = {i for c in cands if c.source == "gazetteer" and c.gid in FRAMEWORK_IDS
                      for i in range(c.start, c.end)}
    # a coined shape no context types ("pattern:shape") counts when the document
    # repeats it; once, it is too often debris, a dataset or a person
    shape_count: dict[str, int] = {}
    for c in cands:  # occurrences found by any source
        t = doc[c.start:c.end].text
        shape_count[t] = shape_count.get(t, 0) + 1
    out = []
    for c in cands:
        src = c.source.split(":")[0]
        if c.source == "pattern:shape" and shape_count.get(doc[c.start:c.end].text, 0) < 2:
            continue
        if framework_toks and any(i in framework_toks for i in range(c.start, c.end)):
            continue  # "PyTorch", "vLLM": software, not a Method (nor anything else here)
        text = doc[c.start:c.end].text
        if src != "gazetteer" and (is_venue(text) or is_junk(text)):
            continue
        if c.source == "pattern:shape" and any(r.search(text) for r in _PDF_JUNK):
            continue
        if (c.source == "pattern:shape" or src == "statistical") and any(
            i in person_toks for i in range(c.start, c.end)
        ):
            continue  # "LeCun" in "Yann LeCun": a person, not a method
        if c.source == "ner" and c.label == "Organization" and _PARTICIPLE_END.search(doc[c.end - 1].text):
            continue  # "Hypothesis Based"
        if c.source == "ner" and not _stock_name(doc, c.start, c.end):
            continue  # "& Lee", "Ioannis Tsapakis 1", "Cooling Time", "Bayesian" as a place
        if c.label == "Method":
            if src == "statistical" and text not in named_once:
                continue
            if src == "gazetteer":
                entry = by_id.get(c.gid) if c.gid else None
                name = entry.name if entry is not None else text
                if name in _GENERIC_ENTRIES and text == text.lower():
                    continue  # "neural networks", "classifier" (the acronym "CNN" stays a name)
                # "Llama 2" + "70B", "Gemini" + "Ultra"
                end = c.end
                while end < n and end - c.end < 2 and doc[end - 1].whitespace_ and (
                    _SIZE.match(doc[end].text) or doc[end].text in _VARIANTS
                ):
                    end += 1
                if end > c.end:
                    c.end, c.gid = end, None
        elif c.label in ("Dataset", "Benchmark") and src == "pattern" and c.end - c.start > 1:
            # "the YCB dataset" → "YCB", "WikiQA benchmark" → "WikiQA" (ANNOTATION.md:
            # a generic head after a name is outside); "PASCAL VOC detection dataset" stays
            if doc[c.end - 1].lower_ in _DS_HEADS and any(ch.isupper() or ch.isdigit() for ch in doc[c.end - 2].text):
                c.end -= 1
        elif c.label == "Hardware":
            if c.gid in _HW_CLASS_IDS:
                continue  # "GPUs", "CPU": a class of hardware, not a node
            if c.source == "pattern:hardware-class":
                mods = [t.lower_ for t in doc[c.start:c.end - 1]]
                if all(m in _HW_GENERIC_WORDS for m in mods):
                    continue  # "AI chips", "electronic chips"
            if c.end - c.start > 1 and doc[c.end - 1].lower_ in _HW_TAIL:
                prev = doc[c.end - 2].text
                if any(ch.isalpha() for ch in prev) and any(ch.isdigit() for ch in prev) or prev in ("Hopper", "Blackwell"):
                    c.end -= 1  # "H100 GPUs" → "H100"; "NVIDIA 3090 GPU" keeps its head
        out.append(c)
    return out
