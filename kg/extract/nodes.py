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
* **citations** — a stock-NER span that is a cited author (followed by "et al",
  inside an author-year bracket, or before a bracketed year: "(Misra et al., 2016)",
  "Le & Mikolov (2014)") is one Person per author, never an Organization or
  Location, and never a span holding "et al" (:func:`_citations`);
* **papers** — in text that reads as a paper (:func:`reads_as_paper`), a stock-NER
  Organization needs an organisation head in its span ("University of X"; three blind
  audits of paper text found 5 of 56 stock organisations right, none of 19 after the
  context rules of :func:`_org_evidence`), a stock Location is no node (2 of 14 right),
  a stock Person is a cited author or the same name cited elsewhere in the paper
  (19 of 77 right otherwise: "Hypercolumn", "Boldface", "Experiment Setup"), a
  listed organisation right before a capitalised word is a product's name ("Google
  News", "Stanford CoreNLP"), and a stock Person/Organization whose last word the paper also writes in lower
  case ("Flow Fields", "Convolution") is a capitalised common noun, and a stock
  Person with a function word inside ("Histogram of Oriented Gradients") a term;
* **organisation heads** — a stock Person ending in an organisation word ("Kestrel
  AI", "Orbital Labs") is an Organization;
* **whitespace** — every span is trimmed of whitespace tokens and cut at a line
  break (:func:`_trim_space`);
* **generic heads and headings** — a listed Method before a generic head loses it
  ("Adam optimizer" → "Adam"); a title-case phrase ending in method/model/approach/
  module ("Proposed Method", "Error Generation Methods") is a heading (1 of 9 right);
  a single capitalised word of a pattern that the document also writes in lower case
  ("Pooling", "Representation", "Setup") or a month is a common word; listed entries
  judged generic in the audits (:data:`_GENERIC_ENTRIES`, any case unless an acronym),
  losses listed as metrics ("hinge loss") and "the stack" for "The Stack" are dropped;
* **datasets and software** — a coined name that is a hyphenated variant of a
  dataset the document names ("Pose-AffectNet", "BC5CDR-chem") or an item of a
  bracketed list after "datasets" is a Dataset (:func:`_dataset_variant`); a name
  before "toolkit", "library", "package" is software, no node; a quantity
  ("1.19Mhz") is no hardware;
* **no evidence, no node** — dropped are: statistical Method spans that do not
  read as a name (no capital or digit inside a word, not a title-case run in
  running text, nor repeating such a name of the same document: "language
  models", "convolution layers", "Transformer-based model"); lower-case mentions of listed Method entries that are kinds
  (:data:`_GENERIC_ENTRIES`: "neural networks"; an acronym such as "DNN" stays); generic hardware classes ("GPU",
  "CPUs", "FPGA", "AI chips", "photonic processors", "quantum computer", "microcontrollers"); conferences typed as
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
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc

from kg.extract.doccache import doc_text

#: Size tokens after a model family: "70B", "7b", "1.5B", "8x7B", "175M", "400M".
_SIZE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[BMKT]$", re.I)
#: Capitalised variant words after a listed model family ("Gemini Ultra", "GPT-4 Turbo").
#: A model number after a hardware family ("910D", "100", "v5e", "3"), not a year or a unit.
_HW_MODEL = re.compile(r"^(?!(?:19|20)\d\d$)(?:\d{1,4}[A-Z]?|[vV]\d+[a-z]?)$")
_VARIANTS = {"Ultra", "Pro", "Nano", "Flash", "Opus", "Sonnet", "Haiku", "Turbo", "Mini", "mini",
             "Instruct", "Chat", "Max", "Plus", "Lite", "Coder", "Vision"}
#: Generic heads after an alphanumeric hardware name (ANNOTATION: "H100 GPU" → "H100").
_HW_TAIL = {"gpu", "gpus", "chip", "chips", "pod", "pods", "accelerator", "accelerators", "card", "cards",
            "processor", "processors", "superchip", "superchips"}
#: Gazetteer ids of hardware classes, not specific hardware ("GPUs", "CPU", "FPGAs").
_HW_CLASS_IDS = {"gpu", "cpu", "npu", "fpga", "asic", "microcontroller", "analog-ai-chip", "neuromorphic-chip",
                 "optical-computing-core", "photonic-processor"}
#: Listed lower-case Method entries that are kinds, not names (ANNOTATION.md lists
#: "neural network" as generic); established technique names ("prototypical
#: networks", "generative adversarial network") are not here.
_GENERIC_ENTRIES = {"neural network", "deep neural network", "feedforward neural network", "encoder-decoder",
                    "sentence embeddings", "word embeddings", "probabilistic graphical model",
                    "neural architecture search method", "top-down frozen classifier", "evolutionary algorithm",
                    # judged generic in blind audits of paper text (any case, any type)
                    "dimensionality reduction", "sigmoid function", "random performance", "document reader",
                    "entity embedding", "image understanding", "word embedding", "sentence embedding",
                    # fields and application areas are no tasks or methods (ANNOTATION.md)
                    "attention mechanism", "autonomous driving", "recommendation systems", "recommender systems",
                    "deep learning", "machine learning", "artificial intelligence", "computer vision",
                    "natural language processing", "large language model", "large language models",
                    # a field and problem formulations (judged generic in blind audits 5 and 6)
                    "representation learning", "binary classification", "medical diagnosis"}
#: Listed kinds that stay generic as acronyms too ("DNNs", "NN"): every model is one.
_ALWAYS_GENERIC = {"deep neural network", "neural network", "artificial neural network"}
#: Generic heads after a listed Method's name (ANNOTATION.md: "Adam optimizer" → "Adam").
_METHOD_TAIL = {"optimizer", "optimiser", "algorithm", "method", "approach", "framework", "model", "models"}
#: Month names: a capitalised month is never a method or dataset ("in January").
_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"}
#: Conferences and journals (venues are not organisations, methods or datasets).
VENUES = {"neurips", "nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "eacl", "coling",
          "aaai", "ijcai", "kdd", "sigir", "wsdm", "icassp", "interspeech", "miccai", "bmvc", "wacv", "uai",
          "aistats", "colt", "corl", "icra", "iros", "rss", "siggraph", "tpami", "jmlr", "tacl", "www",
          "neurips workshop", "icdm", "cikm", "recsys", "mlsys", "osdi", "sosp", "isca", "micro", "hpca",
          # industry events
          "sc", "gtc", "ces", "computex", "hotchips", "mwc", "isc"}
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
    # a BibTeX citation key left in the text: "Guo:2016", "chen-manning:2014:EMNLP", "smithJohnson07"
    re.compile(r"^[A-Za-z][\w.-]*:(?:19|20)\d\d\b|etal:|^[a-z]+[A-Z][a-z]+\d\d$"),
    re.compile(r"[=∏∑∫√≤≥±×÷∈∀∃∂∇\u2061-\u2064]"),  # a formula: "∏=i1M⁢ρti"
    # memory types and interconnects are not hardware nodes (ANNOTATION.md): "HBM3E", "GDDR6X", "NVLink"
    re.compile(r"^(?:HBM\d?[A-Ze]?|G?DDR\d[A-Z]?|LPDDR\d[A-Zx]?|NVLink|NVSwitch|InfiniBand|PCIe(?: ?\d(?:\.\d)?)?)$",
               re.I),
    # a unit of measure: "kW", "TB/s", "GB/s", "TFLOPS", "GHz", "ms"
    re.compile(r"^(?:[kMGTP]?W|[kMGTP]i?B(?:/s)?|[KMGTP]?bps|[GTPE]?FLOPS|[kMG]Hz|ms|ns|μs|mAh|Wh|kWh|MWh|GWh|tok/s)$",
               re.I),
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
#: A bracketed citation with a year: "(Misra et al., 2016)", "(Faraday, Lindqvist, and Okafor, 2016;
#: Brandt 2019)", "[Vasic 2018]": a bracket (:data:`_BRACKET`) whose body has a capitalised word,
#: then a year right before the closing bracket, ";" or "," (:data:`_CITE_YEAR`).
_BRACKET = re.compile(r"[(\[]([^()\[\]\n]{1,400})[)\]]")
_CITE_YEAR = re.compile(r"\b(?:19|20)\d\d[a-z]?\s*(?:[;,]|$)")
_CAPITAL = re.compile(r"[A-Z]")
#: Other citation signals (for :func:`reads_as_paper`): "et al", numbered references "[4, 7]".
_ET_AL = re.compile(r"\bet\s*al\b")
_NUM_CITE = re.compile(r"\[\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\]")
#: References to a paper's own tables and figures ("Table 2", "Fig. 3", "Figure [reference]").
_FIG_REF = re.compile(r"\b(?:Table|Tab\.|Figure|Fig\.)\s*(?:\d+|[IVX]+\b|\[reference\])")
#: Heading markers of text converted from a paper's structure ("section: Introduction",
#: "subsection: Datasets", as in SciREX).
_SECTION_MARK = re.compile(r"\b(?:sub)*section:\s")
#: Section headings of a paper on a line of their own ("1 Introduction", "References").
_SECTION = re.compile(
    r"(?im)^[ \t]*(?:\d+(?:\.\d+)*\.?[ \t]+)?(?:abstract|introduction|related work|background|conclusions?|"
    r"references|bibliography|experiments|acknowledge?ments)[ \t]*$"
)
#: The voice of a paper's abstract ("we propose", "in this paper", "our method",
#: "extensive experiments"): two different ones make a text without citations read as a
#: paper (for :func:`reads_as_paper`). Sixth blind audit: in abstracts, 8 of 10 stock-NER
#: organisations were fragments of longer terms or metrics ("Audio Spectrogram",
#: "Equalized Odds"), which the paper rules drop.
_ABSTRACT_VOICE = re.compile(
    r"\b(?:we (?:propose|present|introduce|develop|design)|in this (?:paper|work|study)|this (?:paper|work) "
    r"(?:propose|present|introduce|stud|investigat|address)\w*|our (?:proposed )?(?:method|approach|framework|"
    r"algorithm|model|architecture)s?\b|(?:extensive |our )?experiments? (?:on|show|demonstrate)|experimental "
    r"results|empirical results|we (?:evaluate|show|demonstrate) that)", re.I)
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d[a-z]?$")
#: Words that make a stock-NER span an organisation by its own head ("University of X",
#: "Northbridge Labs", "X Research", "X Inc."); ANNOTATION.md: companies, labs,
#: universities, agencies, consortia.
ORG_HEADS = {"university", "universities", "institute", "institution", "lab", "labs", "laboratory", "laboratories",
             "inc", "inc.", "corp", "corp.", "corporation", "co.", "ltd", "ltd.", "llc", "gmbh", "research",
             "company", "foundation", "academy", "college", "school", "center", "centre", "department", "agency",
             "council", "consortium", "ai", "group", "society", "association", "ministry", "bureau", "hospital",
             "technologies", "systems", "robotics", "administration", "commission", "bank", "capital", "ventures", "partners"}
#: Words that stand in organisation names but never make one alone ("Data Center", "Cloud AI").
_ORG_GENERIC_WORDS = {"tech", "data", "center", "centre", "cloud", "digital", "global", "international", "national",
                      "the", "and", "of", "&", "new", "open", "smart", "computing", "compute", "network", "networks"}
#: Verbs whose subject is an organisation in AI text ("Kestrel AI released the weights").
_ORG_SUBJECT_VERBS = {"release", "announce", "develop", "launch", "publish", "build", "train", "introduce",
                      "acquire", "unveil", "open-source", "invest", "partner", "fund", "sponsor", "host", "hire",
                      "ship", "license", "sell", "offer", "operate"}
#: Participles before "by X" that type X as its maker ("developed by X", "funded by X").
_BY_VERBS = {"developed", "released", "created", "built", "trained", "introduced", "published", "funded",
             "supported", "sponsored", "provided", "maintained", "collected", "hosted", "acquired", "owned",
             "led", "launched", "designed", "operated", "run", "made", "curated", "announced"}
#: Nouns before "at X" / "from X" that type X as an organisation ("researchers at X").
_AT_NOUNS = {"researcher", "researchers", "scientist", "scientists", "engineer", "engineers", "team", "teams",
             "colleague", "colleagues", "group", "lab", "intern", "interns", "employee", "employees", "staff",
             "people", "author", "authors", "work", "done", "conducted", "performed", "student", "students"}
#: Function words that never stand inside a person's name ("Histogram of Oriented
#: Gradients"); name particles ("van", "de", "del", "bin") are not among them.
_NOT_IN_NAMES = {"of", "for", "and", "the", "with", "in", "on", "to", "a", "an", "by", "from", "via", "&"}
#: Last words that make a stock-NER Person span an organisation ("Kestrel AI", "Orbital Labs").
_ORG_LAST = {"ai", "labs", "lab", "inc", "inc.", "corp", "corp.", "corporation", "ltd", "ltd.", "llc", "gmbh",
             "university", "institute", "research", "technologies", "foundation", "robotics", "laboratory",
             "laboratories", "academy", "college", "capital", "ventures", "partners"}
#: Words after a measure's name that make it a training objective ("cross-entropy loss").
_OBJECTIVE_WORDS = {"loss", "losses", "objective", "objectives", "criterion"}
#: Last words of news outlets' names ("South China Morning Post", "The Information"
#: excepted): ANNOTATION.md types outlets Organization; the stock NER often reads a place.
_OUTLET_LAST = {"post", "times", "journal", "news", "herald", "tribune", "gazette", "telegraph", "guardian",
                "insider", "wire", "chronicle", "observer", "register", "verge", "economist", "reuters", "bloomberg"}
#: Job titles and honorifics the stock NER puts inside a person's span ("CTO Mark Ross",
#: "CEO Jensen Huang"); ANNOTATION.md: the name only.
_PERSON_TITLES = {"ceo", "cto", "cfo", "coo", "cso", "vp", "svp", "evp", "president", "chairman", "chairwoman",
                  "founder", "co-founder", "cofounder", "director", "professor", "prof", "prof.", "dr", "dr.",
                  "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "sir", "chief", "head", "senator", "minister"}
#: Participles before "by X" that make a place the stock NER read an investor or owner
#: ("a round led by Temasek", "backed by Silver Lake"; fifth and sixth blind audits: 3
#: investors and companies typed Location).
_INVEST_BY = {"led", "backed", "funded", "acquired", "owned", "financed", "co-led"}
_LOCATIVE = {"in", "from", "across", "throughout", "near", "within"}


#: Last words of a title-case phrase that make it a heading or a kind, not a name
#: ("Proposed Method", "Error Detection Model", "Previous Tensor Factorization
#: Approaches"): 1 of 9 ``pattern:title-case`` nodes was good in three blind audits.
_GENERIC_TITLE_HEADS = {"method", "model", "approach", "module", "setup", "setting"}


#: A quantity with a unit ("1.19Mhz", "16GB", "300W").
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?\s*(?:[kmgt]hz|[kmgt]i?b|w|nm|tflops|gflops|pflops)$", re.I)
#: Heads that make the name before them a piece of software ("the CoreNLP toolkit").
_SOFTWARE_HEADS = {"toolkit", "toolkits", "library", "libraries", "package", "packages", "software", "toolbox",
                   "api", "apis", "plugin", "plug-in"}
#: Words whose phrase lists datasets: "five datasets (BC2GM, BC4CHEMD, …)".
_DATASET_WORDS = {"dataset", "datasets", "corpus", "corpora", "benchmark", "benchmarks", "sub-datasets"}


def _dataset_variant(doc: Doc, c: Any, dataset_texts: set[str]) -> bool:
    """A coined name that is a dataset, not a method: a hyphenated variant of a
    dataset named in the document ("Pose-AffectNet", "BC5CDR-chem",
    "Occlusion-RAF-DB"), or an item of a bracketed list right after a word for
    datasets ("five datasets (BC2GM, BC4CHEMD, JNLPBA)")."""
    text = doc[c.start:c.end].text
    if "-" in text:
        parts = text.split("-")
        for a in range(len(parts)):
            for b in range(a + 1, len(parts) + 1):
                if (a, b) != (0, len(parts)) and "-".join(parts[a:b]) in dataset_texts:
                    return True
    k, depth = c.start - 1, 0
    while k >= 0 and c.start - k <= 12:
        t = doc[k].text
        if t in (")", "]"):
            return False
        if t in ("(", "["):
            return k > 0 and doc[k - 1].lower_ in _DATASET_WORDS
        if t in (".", ";", ":"):
            return False
        k -= 1
    return False


#: Nouns that describe a name as evaluation data or as data ("PythonSaga, a novel
#: benchmark", "a new dataset, RUC-CAS-WenLan", "the POAC challenge").
_BENCHMARK_NOUNS = {"benchmark", "challenge", "suite", "leaderboard", "testbed", "test-bed", "competition",
                    "arena", "evaluation"}
_DATA_NOUNS = {"dataset", "corpus", "collection", "treebank", "data-set"}


def introduced_as_data(doc: Doc, start: int, end: int) -> str | None:
    """"Benchmark" or "Dataset" if the name ``doc[start:end]`` is described as one by
    an apposition ("PythonSaga, a novel benchmark …", "a benchmark, HaluEval 2.0,"), a
    head noun right after it ("the POAC challenge") or a naming phrase before it ("a
    dataset called X"); else None. Blind audits 4–6: 5 introduced benchmarks and
    datasets were typed Method and "proposed" (ANNOTATION.md: proposes is Document →
    Method).
    """
    span = doc[start:end]
    root = span.root

    def kind(tok) -> str | None:
        lem = tok.lemma_.lower()
        if lem in _BENCHMARK_NOUNS:
            return "Benchmark"
        if lem in _DATA_NOUNS:
            return "Dataset"
        return None

    for ch in root.children:
        if ch.dep_ == "appos" and not (start <= ch.i < end) and kind(ch):
            return kind(ch)
    if root.dep_ == "appos" and not (start <= root.head.i < end) and kind(root.head):
        return kind(root.head)
    if end < len(doc) and doc[end].pos_ == "NOUN" and kind(doc[end]) and doc[end].lemma_.lower() != "evaluation":
        return kind(doc[end])
    k = start - 1
    if k >= 1 and doc[k].lower_ in ("called", "named", "dubbed", "termed", "coined") and doc[k - 1].pos_ == "NOUN" \
            and kind(doc[k - 1]) and doc[k - 1].lemma_.lower() != "evaluation":
        return kind(doc[k - 1])
    return None


#: Acronyms of kinds of things, not names ("KB", "CAD", "LLM", "LiDAR"), with or without a plural "s".
_GENERIC_ACRONYMS = {"KB", "KG", "CAD", "LiDAR", "LIDAR", "LLM", "LM", "MLLM", "VLM", "NN", "DNN", "API", "SDK",
                     "GPU", "CPU", "RGB", "RGB-D", "IoT", "AI", "ML", "NLP", "CV", "Code-LLM", "CLLM"}


def _after_marker(doc: Doc, c: Any) -> bool:
    """A candidate right after a structure marker ("subsection: Fusion Network",
    "paragraph: Related Work …", as SciREX writes headings)."""
    return c.start >= 2 and doc[c.start - 1].text == ":" and doc[c.start - 2].lower_.endswith(("section", "paragraph"))


def _is_heading(doc: Doc, c: Any) -> bool:
    """A candidate that is a heading: right after a structure marker ("subsection:
    Fusion Network") or alone on its line ("Distributed Architecture\n")."""
    if _after_marker(doc, c):
        return True
    before = doc[c.start - 1] if c.start else None
    starts_line = before is None or "\n" in before.text or "\n" in before.whitespace_
    end = c.end + 1 if c.end < len(doc) and doc[c.end].text == ":" else c.end  # "License Concerns:"
    after = doc[end] if end < len(doc) else None
    ends_line = after is None or "\n" in after.text or "\n" in doc[end - 1].whitespace_
    return starts_line and ends_line


#: Function words that end a name at a title's start ("Learning a X", "Towards X").
_TITLE_STOP = {"a", "an", "the", "of", "for", "with", "on", "in", "to", "and", "or", "via", "from", "by", "towards",
               "toward", "at", "is", "are", "we"}


def _title_name_start(doc: Doc, start: int) -> int:
    """Where a longer name ending in the mention at token ``start`` begins, if it starts
    the title: walk left over capitalised words (hyphen-joined ones too: "Full-Resolution")
    that are no function word or leading gerund; return the title's first token
    (after an article) if the walk reaches it, else ``start``. Linear in the words walked.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = nlp("Full-Resolution Residual Networks for Semantic Segmentation")
    >>> _title_name_start(doc, 3)
    0
    >>> _title_name_start(nlp("Improving Audio Transformers for X"), 2)
    2
    """
    k = start
    while k > 0:
        t = doc[k - 1]
        if t.text == "-" and k > 1 and not doc[k - 2].whitespace_ and not t.whitespace_:
            k -= 1
            continue
        parts = t.text.split("-")
        if not (all(p.isalpha() for p in parts) and t.text[:1].isupper()) or t.lower_ in _TITLE_STOP \
                or (t.lower_.endswith("ing") and k - 1 == 0) or "\n" in t.whitespace_:
            break
        k -= 1
    if k > 0 and doc[k - 1].lower_ in ("a", "an", "the") and k - 1 == 0:
        return k
    return k if k == 0 and k < start else start


def _inner_capital(text: str) -> bool:
    """A capital or digit after the first letter of a word: "DNN", "ResNet", "GPT-4"
    (not "Neural Network", "neural network")."""
    return any(ch.isupper() or ch.isdigit() for w in text.split() for ch in w[1:])


def is_venue(text: str) -> bool:
    """True for a conference or journal name, with or without a year.

    Examples
    --------
    >>> [is_venue(t) for t in ("NeurIPS 2023", "CVPR", "ICLR'24", "COCO", "Conference on Robot Learning",
    ...                        "Neural Information Processing Systems")]
    [True, True, True, False, True, True]
    """
    t = text.strip()
    m = _VENUE_RE.match(t)
    if m and m.group("v").lower() in VENUES:
        return True
    low = t.lower()
    return low.startswith(("conference on", "workshop on", "symposium on", "proceedings of")) or low.endswith(
        (" conference", " workshop", " symposium", "information processing systems")
    )


def is_junk(text: str) -> bool:
    """True for shapes that are never names: ranges of sizes ("20T-40T"), a
    lower-case word numbered as a figure item ("network-1"), text ending in
    punctuation, BibTeX citation keys ("Guo:2016"), formulas ("x=2").

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


def reads_as_paper(doc: Doc) -> bool:
    """True for text that reads as a scholarly paper: a section heading on a line of
    its own ("1 Introduction", "References") or at least two citation signals
    ("et al", a bracketed author-year citation, a numbered reference "[4, 7]", a
    reference to a table or figure "Table 2"), or a structure marker ("section: Results"),
    or two different phrases of an abstract's voice (:data:`_ABSTRACT_VOICE`: "we propose",
    "extensive experiments show").

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> reads_as_paper(nlp("As shown by Orlov et al. (2018) and [3, 4], it works."))
    True
    >>> reads_as_paper(nlp("Orbital Systems said on Tuesday it raised $20 million in 2024."))
    False
    >>> reads_as_paper(nlp("We propose FooNet. Extensive experiments on COCO show gains."))
    True
    """
    text = doc_text(doc)
    if _SECTION.search(text):
        return True
    hits = 0
    if _SECTION_MARK.search(text):
        return True
    for rx in (_ET_AL, _NUM_CITE, _FIG_REF):
        hits += sum(1 for _ in zip(range(2), rx.finditer(text)))
        if hits >= 2:
            return True
    for _ in _cite_brackets(text):
        hits += 1
        if hits >= 2:
            return True
    voice = set()
    for m in _ABSTRACT_VOICE.finditer(text):
        voice.add(m.group(0).lower().split()[-1])
        if len(voice) >= 2:
            return True
    return False


#: Characters beyond which a text that reads as a paper is taken for a paper's body
#: rather than an abstract (arXiv caps abstracts at 1,920 characters).
BODY_CHARS = 4000


def doc_genre(doc: Doc) -> str:
    """The kind of text ``doc`` is, for genre-specific confidences: ``"body"`` (reads as
    a paper and has section structure or more than :data:`BODY_CHARS` characters),
    ``"abstract"`` (reads as a paper otherwise) or ``"news"`` (anything else: news,
    newsletters, blog posts). See :func:`reads_as_paper`.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> [doc_genre(nlp(t)) for t in ("We propose FooNet. Extensive experiments on COCO show gains.",
    ...                              "section: Method We propose FooNet. Experiments on COCO show gains.",
    ...                              "Orbital Systems said on Tuesday it raised $20 million.")]
    ['abstract', 'body', 'news']
    """
    if not reads_as_paper(doc):
        return "news"
    text = doc_text(doc)
    if len(text) > BODY_CHARS or _SECTION_MARK.search(text) or _SECTION.search(text):
        return "body"
    return "abstract"


def _cite_brackets(text: str):
    """Match objects of the bracketed author-year citations in ``text`` (one regex
    pass over the brackets, then a check of each body: linear in the text)."""
    for m in _BRACKET.finditer(text):
        body = m.group(1)
        cap = _CAPITAL.search(body)
        if cap is not None and any(y.start() > cap.start() for y in _CITE_YEAR.finditer(body)):
            yield m


def citation_tokens(doc: Doc) -> set[int]:
    """Token indices inside bracketed author-year citations ("(Misra et al., 2016)",
    "(Faraday, Lindqvist, and Okafor, 2016; Brandt 2019)"): the names there are
    cited authors."""
    out: set[int] = set()
    for m in _cite_brackets(doc_text(doc)):
        sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if sp is not None:
            out.update(range(sp.start, sp.end))
    return out


def cited_after(doc: Doc, end: int) -> str | None:
    """How a name ending at token ``end`` reads as a cited author, or None.

    ``"et al"``: followed, possibly after co-authors ("& Gimpel", ", Lindqvist,
    and Okafor"), by "et al"; ``"co-authored"``: a year in brackets after
    co-authors ("Le & Mikolov (2014)"); ``"bracket"``: a year in
    brackets right after the name alone ("Zielinski (2021)"), which a title of a
    work also has ("the novel Fairyland (1995)"); ``"number"``: a reference number
    after a lone name ("Vasic [12]", but also a cited method: "Permutohedral Lattice [1]")."""
    n = len(doc)
    j, hops, coauthors = end, 0, False
    while j + 1 < n and hops < 6:
        t, nxt = doc[j].text, doc[j + 1].text
        if t == "," and nxt in ("and", "&"):
            j += 1
            continue
        if t in ("&", "and", ",") and nxt[:1].isupper() and doc[j + 1].is_alpha:
            j += 2
            coauthors = True
            while j < n and doc[j].is_alpha and doc[j].text[:1].isupper() and hops < 6:
                j += 1  # a two-word surname ("van Dijk" is rare; "De Vries")
                hops += 1
            hops += 1
            continue
        break
    if j + 1 < n and (doc[j].lower_ == "et" and doc[j + 1].lower_.startswith("al") or doc[j].lower_ == "etal"):
        return "et al"
    if j + 1 < n and doc[j].text in ("(", "["):
        nxt = doc[j + 1].text
        closes = j + 2 < n and doc[j + 2].text in (")", "]", ",", ";")
        if closes and _YEAR_TOKEN.match(nxt):
            return "co-authored" if coauthors else "bracket"
        if closes and doc[j].text == "[" and nxt.isdigit() and len(nxt) <= 3:
            return "number"
    return None


def _et_al_at(doc: Doc, start: int, end: int) -> int | None:
    """Index of "et" in an "et al" inside the span, else None ("Ma et al" → 1)."""
    for k in range(start, end):
        if doc[k].lower_ == "et" and (k + 1 < len(doc) and doc[k + 1].lower_.startswith("al")):
            return k
    return None


def _author_parts(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span of cited authors at "&", "and" and commas into name parts that
    read as a surname or a full name (capitalised words)."""
    parts, s = [], start
    for k in range(start, end + 1):
        if k == end or doc[k].text in ("&", "and", ",", ";"):
            if k > s and all(t.text.rstrip(".").replace("-", "").replace("'", "").isalpha() or t.text in ("-", "'", ".") for t in doc[s:k]) and doc[s].text[:1].isupper():
                parts.append((s, k))
            s = k + 1
    return parts


def _org_evidence(doc: Doc, c: Any, repeated: bool) -> bool:
    """Evidence beyond the stock NER that an Organization span is one: an
    organisation head in the span (:data:`ORG_HEADS`), "researchers at X",
    "developed by X", "X released …", or the name repeated in the document."""
    span = doc[c.start:c.end]
    if repeated or any(t.lower_ in ORG_HEADS for t in span):
        return True
    p1 = doc[c.start - 1] if c.start > 0 else None
    p2 = doc[c.start - 2] if c.start > 1 else None
    if p1 is not None and p2 is not None:
        if p1.lower_ in ("at", "from") and p2.lower_ in _AT_NOUNS:
            return True
        if p1.lower_ == "by" and p2.lower_ in _BY_VERBS:
            return True
    root = span.root
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _ORG_SUBJECT_VERBS


def _loc_evidence(doc: Doc, c: Any) -> bool:
    """Evidence that a Location span is a place: a locative preposition before it
    ("in Denver", "from the U.S.") and no noun it modifies after it ("in Reddit
    comments" names a source, not a place), or another place after a comma
    ("Denver, Colorado")."""
    k = c.start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    root = doc[c.start:c.end].root
    if root.dep_ == "compound" or (c.end < len(doc) and doc[c.end].pos_ in ("NOUN", "PROPN")):
        return False
    return k >= 0 and doc[k].lower_ in _LOCATIVE


def _trim_space(doc: Doc, c: Any) -> bool:
    """Trim whitespace tokens from both ends of a candidate and cut it at a line
    break inside it ("Helix Health\n\n" → "Helix Health"); False if nothing is left."""
    while c.start < c.end and doc[c.start].is_space:
        c.start += 1
    for k in range(c.start, c.end):
        if doc[k].is_space or "\n" in doc[k].text:
            c.end = k
            break
    while c.end > c.start and doc[c.end - 1].is_space:
        c.end -= 1
    return c.end > c.start


def _citations(doc: Doc, cands: list[Any], paper: bool) -> list[Any]:
    """Rule 1 (module docstring): cited authors are not Organization, Location or
    Method nodes. A stock-NER span in a citation (:func:`citation_tokens`,
    :func:`cited_after`, or holding "et al") becomes one Person per author
    ("Hendrycks & Gimpel" → "Hendrycks", "Gimpel"; "Ma et al" → "Ma"), source
    ``ner:citation``; any other span holding "et al", and a Method, Organization or
    Location span followed by it, is dropped. A
    lone name before a bracketed year counts only in a paper (:func:`reads_as_paper`)
    or when the stock NER read a person or the name has a middle initial ("Marta K.
    Ilves (2011)"): elsewhere it is often a work's title. An Organization or Location
    before a reference number ("Permutohedral Lattice [1]") is a cited work: dropped."""
    cite_toks = citation_tokens(doc)
    out = []
    for c in cands:
        src = c.source.split(":")[0]
        if src == "gazetteer":
            out.append(c)
            continue
        et = _et_al_at(doc, c.start, c.end)
        if src == "ner":
            inside = any(i in cite_toks for i in range(c.start, c.end))
            after = cited_after(doc, c.end)
            initial = any(re.fullmatch(r"[A-Z]\.", t.text) for t in doc[c.start + 1:c.end - 1])
            if after == "bracket" and not (paper or c.label == "Person" or initial):
                after = None  # "the novel Fairyland (1995)": a work's year, outside a paper
            if not (et is not None or inside or after):
                out.append(c)
                continue
            if after == "number" and et is None and not inside:
                if c.label == "Person":
                    out.append(c)  # "Vasic [12]"; an organisation or place before "[12]" is a cited work
                continue
            end = et if et is not None else c.end
            for s, e in _author_parts(doc, c.start, end):
                out.append(replace(c, start=s, end=e, label="Person", source="ner:citation", gid=None))
            continue
        if et is not None or (c.label in ("Method", "Organization", "Location") and (
            c.end + 1 < len(doc) and doc[c.end].lower_ == "et" and doc[c.end + 1].lower_.startswith("al")
        )):
            continue  # "LeCun et al.": an author, not a method; no span holds "et al"
        out.append(c)
    return out


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
    cands = [c for c in cands if _trim_space(doc, c)]
    for c in cands:
        if c.source == "ner" and c.label == "Person" and c.end - c.start > 1 and doc[c.end - 1].lower_ in _ORG_LAST:
            c.label = "Organization"  # "Kestrel AI", "Orbital Labs": the stock NER read a person
    for c in cands:
        if c.source == "ner" and c.label == "Person":
            while c.end - c.start > 2 and (doc[c.start].lower_ in _PERSON_TITLES or doc[c.start].tag_ == "VBG"):
                c.start += 1  # "CTO Mark Ross" → "Mark Ross", "Joining Mustafa Suleyman" → "Mustafa Suleyman"
        elif c.source == "ner" and c.label == "Location" and c.start > 1 and doc[c.start - 1].lower_ == "by" \
                and doc[c.start - 2].lower_ in _INVEST_BY:
            c.label = "Organization"  # "a round led by Temasek": an investor, not a place
        if c.source == "ner" and c.label in ("Location", "Person") and c.end - c.start > 1 \
                and doc[c.end - 1].lower_ in _OUTLET_LAST:
            c.label = "Organization"  # "South China Morning Post": a news outlet, not a place
    for c in cands:
        if c.source != "ner" or c.label not in ("Organization", "Location"):
            continue
        first = doc[c.start]
        if c.end - c.start == 1 and first.is_upper and len(first) > 2 and (c.start == 0 or "\n" in doc[c.start - 1].whitespace_
                                                                           or "\n" in doc[c.start - 1].text) \
                and c.end < n and doc[c.end].text in ("(", "—", "–", "-", ","):
            c.label = "Location"  # "TAIPEI (Taiwan News) —": a dateline's city
        elif c.label == "Location" and c.start > 1 and doc[c.start - 1].lower_ == "in" \
                and doc[c.start - 2].lemma_.lower() in ("investment", "stake", "invest", "round"):
            c.label = "Organization"  # "an investment in Waabi": a company
    # a lone stock-NER organisation that is the surname of a person the text names in
    # full ("Alexandr Wang … Wang said") is that person
    surnames = {doc[c.end - 1].text for c in cands if c.source == "ner" and c.label == "Person" and c.end - c.start > 1}
    for c in cands:
        if c.source == "ner" and c.label == "Organization" and c.end - c.start == 1 and doc[c.start].text in surnames:
            c.label = "Person"
    paper = reads_as_paper(doc)
    cands = _citations(doc, cands, paper)
    lower_words = {t.text for t in doc if t.is_alpha and t.text.islower()}
    cands = [c for c in cands if not (
        c.source == "ner" and c.end - c.start == 1 and c.label in ("Person", "Organization")
        and doc[c.start].lower_ in lower_words and doc[c.start].text[1:].islower()
    )]  # "Quantum" (AI campus) where the text also writes "quantum": a capitalised common word
    cands = [c for c in cands if not (
        c.source == "ner" and c.label == "Organization"
        and all(t.lower_ in ORG_HEADS or t.lower_ in _ORG_GENERIC_WORDS for t in doc[c.start:c.end])
    )]  # "Systems", "Tech", "Data Center", "Cloud AI": words of organisation names, no name
    cands = [c for c in cands if not (c.source == "ner" and len(doc[c.start:c.end].text) < 2)]  # "K" of "128K"
    if not paper:
        # a lone capitalised word the stock NER reads as an organisation ("Normalization",
        # "Value", "Key", "Ultra") needs a typing context or a second mention
        counts: dict[str, int] = {}
        for t in doc:
            if not t.is_sent_start:
                counts[t.text] = counts.get(t.text, 0) + 1
        cands = [c for c in cands if not (
            c.source == "ner" and c.label == "Organization" and c.end - c.start == 1
            and doc[c.start].text.istitle() and doc[c.start].is_alpha
            and counts.get(doc[c.start].text, 0) < 2 and not _org_evidence(doc, c, False)
        )]
    if not paper:
        # a lone stock-NER person word is a person only as part of a full name the
        # text gives ("Musk" after "Elon Musk"); else often a product ("Bing", "Linux")
        full = {t.text for c in cands if c.source == "ner" and c.label == "Person" and c.end - c.start > 1
                for t in doc[c.start:c.end]}
        cands = [c for c in cands if not (
            c.source == "ner" and c.label == "Person" and c.end - c.start == 1 and doc[c.start].text not in full
        )]
    if paper:  # rule 2: stock Person/Organization/Location in a paper need evidence
        cited = {doc[c.start:c.end].text for c in cands if c.source == "ner:citation"}
        cited |= {doc[c.end - 1].text for c in cands if c.source == "ner:citation"}
        kept = []
        for c in cands:
            if c.source == "ner" and c.label in ("Person", "Organization") and doc[c.end - 1].lower_ in lower_words \
                    and not any(t.lower_ in ORG_HEADS for t in doc[c.start:c.end]):
                continue  # "Flow Fields", "Permutohedral Lattice": the paper writes its head word as a common noun
            if c.source == "ner" and c.label == "Person" and any(
                t.lower_ in _NOT_IN_NAMES for t in doc[c.start + 1:c.end - 1]
            ):
                continue  # "Histogram of Oriented Gradients": a term in title case, not a person
            if c.source == "ner" and c.label == "Organization" and not any(
                t.lower_ in ORG_HEADS for t in doc[c.start:c.end]
            ):
                # "Kahou", "Misra", "Wikipedia", "Attentive Reader", "Compute", "CUSPARSE":
                # in a paper only an organisation head ("University", "Labs") types one.
                # Three blind audits of paper text: 5 of 56 stock organisations right,
                # none of 19 after the context rules of 9d8c1c5
                continue
            if c.source == "ner" and c.label == "Location":
                continue  # "Reddit", "Vasic", "Cyrillic", "Unary" as a place: 2 of 14 right
            if c.source == "ner" and c.label == "Person" and doc[c.start:c.end].text not in cited \
                    and doc[c.end - 1].text not in cited:
                # "Sketchy", "Hypercolumn", "Boldface", "Experiment Setup", "Markov": in a
                # paper a person the stock NER reads outside a citation is a cited author
                # named elsewhere in one, or not a node (audits: 19 of 77 such right)
                continue
            kept.append(c)
        cands = kept
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
    dataset_texts = {doc[c.start:c.end].text for c in cands if c.label in ("Dataset", "Benchmark")}
    # the first line is the title, which names the document's method ("Convolutional
    # Kernel Networks"), not a section
    title_end = next((t.i for t in doc if "\n" in t.text or "\n" in t.whitespace_), n)
    method_starts = {c.start for c in cands if c.label == "Method"}
    # tokens of the listed names (a hardware name does not grow into another listed name)
    mention_toks = {i for c in cands if c.source in ("gazetteer", "abbreviation") for i in range(c.start, c.end)}
    # names the text introduces as a benchmark or dataset, typed so at every mention
    data_kinds: dict[str, str] = {}
    for c in cands:
        if c.label == "Method" and not c.source.startswith("gazetteer"):
            last = doc[c.end - 1].lower_
            kind = ("Benchmark" if last in _BENCHMARK_NOUNS and last != "evaluation" else
                    "Dataset" if last in _DATA_NOUNS else introduced_as_data(doc, c.start, c.end))
            if kind is not None:
                data_kinds.setdefault(doc[c.start:c.end].text, kind)
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
        if c.source == "ner" and c.label == "Organization" and ("_" in text or (
                c.end < n and doc[c.end - 1].dep_ == "compound" and doc[c.end - 1].head.i == c.end
                and c.end in method_starts)):
            # "GDT_TS": an identifier; "Tabular Domain" + "Transformer", "Audio Spectrogram"
            # + "Transformers": the first words of a longer method name (sixth blind audit)
            continue
        if c.source == "ner" and not _stock_name(doc, c.start, c.end):
            continue  # "& Lee", "Ioannis Tsapakis 1", "Cooling Time", "Bayesian" as a place
        if src == "gazetteer" and c.label != "Method":
            entry = by_id.get(c.gid) if c.gid else None
            name = entry.name if entry is not None else text
            if name.lower() in _GENERIC_ENTRIES and not _inner_capital(text):
                continue  # "Image Understanding", "entity embedding": a field or a kind
            if c.label == "Metric" and (name.lower().endswith(" loss") or text.lower().endswith(" loss") or (
                    c.end < n and doc[c.end].lower_ in _OBJECTIVE_WORDS)):
                # "hinge loss", "cross-entropy loss", "the cross-entropy objective": a
                # training objective, not an evaluation measure (blind audits: 2 of 2 wrong)
                continue
            if name.startswith("The ") and doc[c.start].text == "the":
                continue  # "the stack" is no mention of the dataset "The Stack"
            if paper and c.label == "Organization" and c.end < n and doc[c.end].is_title and doc[c.end].is_alpha \
                    and doc[c.end].lower_ not in ORG_HEADS and not doc[c.end].is_sent_start:
                continue  # "Google News", "Amazon Mechanical Turk", "Stanford CoreNLP": a product's name
        if src not in ("gazetteer", "abbreviation", "ner") and c.end - c.start == 1:
            w = doc[c.start].text
            if w in _MONTHS or (w[:1].isupper() and w[1:].islower() and w.isalpha() and w.lower() in lower_words):
                # "Pooling", "Tabular", "Representation", "Setup", "January": a capitalised
                # common word (the document also writes it in lower case), not a name
                continue
        if src not in ("gazetteer", "ner") and c.end < n and doc[c.end].lower_ in _SOFTWARE_HEADS:
            continue  # "the CUED-RNNLM toolkit", "the PyDCI package": software, not a Method
        if c.label == "Method" and src != "gazetteer" and text in data_kinds:
            c.label = data_kinds[text]  # "PythonSaga, a novel benchmark": evaluation data, not a Method
        if c.label == "Method" and src not in ("gazetteer", "abbreviation") and _dataset_variant(
            doc, c, dataset_texts
        ):
            c.label = "Dataset"  # "Pose-AffectNet", "BC5CDR-chem", "datasets (BC2GM, BC4CHEMD)"
        if text.lower() in _GENERIC_ENTRIES and not _inner_capital(text):
            continue  # "Deep Learning" read as a person, "neural network" by a pattern: a kind or a field
        if (c.source.startswith("pattern:") or (
                c.source == "ner" and c.label == "Organization" and c.end - c.start > 1
                and not any(t.lower_ in ORG_HEADS for t in doc[c.start:c.end]))) and not _inner_capital(text) \
                and (_after_marker(doc, c) or (
                    (c.start >= title_end or c.source == "pattern:title-case") and _is_heading(doc, c))):
            # "subsection: Fusion Network", "section: Related Work Sequence models …", a
            # heading line "License Concerns": the section's subject, not a name (sixth
            # blind audit: 4 such nodes, all judged junk)
            continue
        if src not in ("gazetteer",) and text.rstrip("s") in _GENERIC_ACRONYMS:
            continue  # "KB", "CAD models", "LiDAR", "LLMs": kinds of things, not names
        if c.source == "pattern:title-case" and doc[c.end - 1].lemma_.lower() in _GENERIC_TITLE_HEADS:
            continue  # "Proposed Method", "Error Generation Methods", "Attention Module": a heading
        if c.label == "Method":
            if src == "statistical" and text not in named_once:
                continue
            if src == "gazetteer" and paper and c.end <= title_end and c.start > 0:
                k = _title_name_start(doc, c.start)
                if k < c.start:
                    # "Full-Resolution Residual Networks for …", "Conservative Q-Learning for
                    # …": a paper's title that starts with a longer name around a known one
                    # names the paper's own variant (sixth blind audit: 4 proposals and
                    # 3 usedFor pairs given to the shorter, existing name)
                    c.start, c.gid = k, None
                    text = doc[c.start:c.end].text
            if src == "gazetteer":
                entry = by_id.get(c.gid) if c.gid else None
                name = entry.name if entry is not None else text
                if name.lower() in _ALWAYS_GENERIC or name.lower() in _GENERIC_ENTRIES and not _inner_capital(text):
                    continue  # "neural networks", "Neural Network" (the acronym "DNN" stays a name)
                if c.end - c.start > 1 and doc[c.end - 1].lower_ in _METHOD_TAIL and (
                    doc[c.end - 2].text[:1].isupper() or _inner_capital(doc[c.end - 2].text)
                ):
                    c.end, c.gid = c.end - 1, None  # "Adam optimizer" → "Adam", "BERT model" → "BERT"
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
            if doc[c.end - 1].lower_ in _DS_HEADS and doc[c.end - 1].text != "Corpus" and any(ch.isupper() or ch.isdigit() for ch in doc[c.end - 2].text):
                c.end -= 1
        elif c.label == "Hardware":
            if _QUANTITY.match(text):
                continue  # "1.19Mhz", "16GB": a quantity, not hardware
            if c.gid in _HW_CLASS_IDS:
                continue  # "GPUs", "CPU": a class of hardware, not a node
            if c.source == "pattern:hardware-class":
                continue  # "AI chips", "photonic processors", "quantum computer": a class, not a named chip
            if src == "gazetteer":
                # "Ascend" + "910D", "Maia" + "100": a listed family with a model number the
                # list lacks; "Bow" + "IPU": a product name before a listed kind (blind audits
                # 4 and 6: 4 developedBy facts and nodes cut to the family)
                entry = by_id.get(c.gid) if c.gid else None
                words = set(entry.name.split()) if entry is not None else set()
                if c.end < n and not doc[c.end - 1].whitespace_.count("\n") and doc[c.end - 1].whitespace_ \
                        and _HW_MODEL.match(doc[c.end].text) and not (c.end + 1 < n and doc[c.end + 1].text in ("-", "x", "×")):
                    c.end, c.gid = c.end + 1, None
                if c.start > 0 and doc[c.start - 1].pos_ == "PROPN" and doc[c.start - 1].dep_ == "compound" \
                        and doc[c.start - 1].is_title and doc[c.start - 1].is_alpha and doc[c.start - 1].text not in words \
                        and not doc[c.start - 1].is_sent_start and (c.start - 1) not in mention_toks:
                    # ("its Instinct MI300X" stays the listed "AMD Instinct MI300X": the
                    # entry's own name holds the word)
                    c.start, c.gid = c.start - 1, None
                text = doc[c.start:c.end].text
            if c.end - c.start > 1 and doc[c.end - 1].lower_ in _HW_TAIL:
                prev = doc[c.end - 2].text
                if any(ch.isalpha() for ch in prev) and any(ch.isdigit() for ch in prev) or prev in ("Hopper", "Blackwell"):
                    c.end -= 1  # "H100 GPUs" → "H100"; "NVIDIA 3090 GPU" keeps its head
        out.append(c)
    return out
