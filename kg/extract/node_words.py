"""Word lists and shape tables of the node rules (:mod:`kg.extract.nodes`).

Each table carries, in its ``#:`` comment, what it lists and where its figures come
from (``../shared/ANNOTATION.md``, the blind audits). The predicates that read them are
in :mod:`kg.extract.name_evidence`; :func:`kg.extract.nodes.refine` reads the rest.
"""

from __future__ import annotations

import re

#: Size tokens after a model family: "70B", "7b", "1.5B", "8x7B", "175M", "400M".
_SIZE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[BMKT](?:\d+[BMKT])?$", re.I)  # also "2B4T" (params, tokens)
#: A model number after a hardware family ("910D", "100", "v5e", "3"), not a year or a unit.
_HW_MODEL = re.compile(r"^(?!(?:19|20)\d\d$)(?:\d{1,4}[A-Z]?|[vV]\d+[a-z]?)$")
#: Capitalised variant words after a listed model family ("Gemini Ultra", "GPT-4 Turbo").
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
                    "representation learning", "binary classification", "medical diagnosis",
                    # generic practices, operations and kinds (seventh blind audit)
                    "data augmentation", "average pooling", "max pooling", "image representation",
                    "dialogue systems", "dialog systems", "big tech"}
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
    re.compile(r"^[-–]"),  # "-Supervised Classification": a name cut after a hyphen (16th blind audit)
    re.compile(r"^W\d+A\d+$"),  # "W8A8", "W4A16": a quantisation bit-width setting, not a method
    re.compile(r"^[a-z]+[A-Z]{2,}\d{4}[a-z]?$"),  # "marcheggianiEMNLP2017": an author-venue-year key
    re.compile(r"^\d{1,3}(?:,\d{3})+-[A-Za-z]+$"),  # "4,000-GPU": a count compound (17th blind audit)
    re.compile(r"[()\[\]%]"),  # "IoU(%": a fragment with a bracket or unit
    re.compile(r"^[A-Za-z]+name$"),  # "SIFTname": a LaTeX macro label
    # a BibTeX citation key left in the text: "Guo:2016", "chen-manning:2014:EMNLP", "smithJohnson07"
    re.compile(r"^[A-Za-z][\w.-]*:(?:19|20)\d\d\b|etal:|^[a-z]+[A-Z][a-z]+\d\d$"),
    # a Semantic Scholar / DBLP key: "Pennington2014GloveGV", "Chen2017EnhancedLF", "BowmanAPM15"
    re.compile(r"^[A-Z][a-z]+(?:(?:19|20)\d\d[A-Za-z0-9]*[A-Z]{2}|[A-Z]{2,5}\d\d)$"),
    # an author-year key: "Bowman2015", "Zaremba2014", "Chen2017_ESIM" (CITE_KEY)
    re.compile(r"^[A-Z][a-z]+(?:19|20)\d\d(?:[a-z]|_\w+)?$"),
    re.compile(r"[=∏∑∫√≤≥±×÷∈∀∃∂∇\u2061-\u2064]"),  # a formula: "∏=i1M⁢ρti"
    # memory types and interconnects are not hardware nodes (ANNOTATION.md): "HBM3E", "GDDR6X", "NVLink"
    re.compile(r"^(?:HBM\d?[A-Ze]?|G?DDR\d[A-Z]?|LPDDR\d?[A-Zx]?|[DS]RAM|NVLink|NVSwitch|InfiniBand|PCIe(?: ?\d(?:\.\d)?)?"
               r"|Dynamic Random[- ]Access Memory)$", re.I),
    # number formats are no entities (ANNOTATION.md): "FP8", "BF16", "NVFP4", "MXFP4", "INT4"
    # (19th audit: 6 such nodes typed Dataset, Metric, Task or Organization, all wrong)
    re.compile(r"^(?:(?:NV|MX)?FP\d{1,2}|BF16|TF32|INT[248]|E[45]M[23])$"),
    # a unit of measure: "kW", "TB/s", "GB/s", "TFLOPS", "GHz", "ms"
    re.compile(r"^(?:[kMGTP]?W|[kMGTP]i?B(?:/s)?|[KMGTP]?bps|(?:[GTPE]|giga|tera|peta|exa)?FLOP/?s|[kMG]Hz|ms|ns|μs|mAh|Wh|kWh|MWh|GWh|tok/s)$",
               re.I),
    # "TOPS" (tera operations per second), also before a head: "10 TOPS NPU" (twelfth blind audit)
    re.compile(r"^[GTP]OPS\b"),
    re.compile(r"[$^\\]"),  # LaTeX: "$L^2$-accurate"
    re.compile(r"^\d+(?:\.\d+)?[KMBT]-?tokens?$", re.I),  # a corpus size: "11T-token"
    re.compile(r"_[a-z]"),  # a code or figure identifier: "FC_body", "bert_base" (ANNOTATION.md: no code)
)
#: An author-year citation key as one token ("Bowman2015", "Chen2017_ESIM"): never part
#: of a name (ninth blind audit: 2 such nodes judged junk, 7 facts with one at an end).
CITE_KEY = re.compile(r"^[A-Z][a-z]+(?:19|20)\d\d(?:[a-z]|_\w+|[A-Z][A-Za-z]*[A-Z]{2})?$")
#: Shapes of text broken by PDF extraction, rejected for coined-shape names only.
_PDF_JUNK = (
    re.compile(r"[ðÞ¼½¾⇡⌦✓⇥]"),  # "PðAÞ", "iUðxiÞ": mis-decoded math
    re.compile(r"^[a-z][A-Z]$"),  # "rQ", "qN": symbols of a formula
    re.compile(r"^\d[A-Z][a-z]+$"),  # "1Actually": a footnote mark glued to a word
    re.compile(r"^[A-Z]\.[A-Z][a-z]+$|[a-z]\.[A-Z]"),  # "M.Seltzer", "IBMT.J.Watson…": glued initials
    re.compile(r"^[^-\d]{22,}$"),  # "TensorFactorizationforKnowledgeGraphCompletion": words glued together
)
#: Generic heads after a dataset name.
#: Task words between a dataset's name and its generic head ("COCO detection benchmark").
_TASK_HEADS = {"detection", "classification", "segmentation", "recognition", "retrieval", "captioning", "tracking",
               "estimation", "translation", "parsing", "tagging", "summarization", "generation", "reasoning"}
_DS_HEADS = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "database", "data"}
#: Consumer software, platforms and devices that the stock NER types as an organisation,
#: a person or a place ("Siri", "Reddit", "Windows", "MacBook Air"): products, which
#: ANNOTATION.md says are not organisations and kg has no type for (audits 19-21: 16 such
#: nodes in news, all judged wrong). Matched on the whole span, or on its first word for
#: the device lines that take a model name ("Galaxy S24", "Pixel 8", "iPhone 16 Pro").
PRODUCT_NAMES = {"Windows", "Android", "iOS", "iPadOS", "macOS", "Linux", "Ubuntu", "ChromeOS", "Chrome", "Safari",
                 "Firefox", "Siri", "Alexa", "Alexa+", "Cortana", "Bixby", "Gboard", "Reddit", "YouTube", "WhatsApp",
                 "Instagram", "Messenger", "Gmail", "Bing", "Excel", "PowerPoint", "Outlook", "Photoshop", "Django",
                 "Flask", "Kubernetes", "Docker", "Jupyter", "Unreal Engine", "Galaxy AI", "Google AI Studio",
                 "AI Studio", "Vertex AI", "Android Studio", "Visual Studio", "VS Code", "Xbox", "PlayStation",
                 "Apple Watch", "Vision Pro", "AirPods", "Kindle", "Wikipedia", "Mathstodon", "Mastodon", "Threads"}
PRODUCT_LINES = {"iPhone", "iPhones", "iPad", "iPads", "MacBook", "iMac", "Galaxy", "Pixel", "Surface", "ThinkPad",
                 "Xperia", "Echo"}
#: Software libraries and frameworks (ANNOTATION.md: not Method; kg has no type for
#: them, so they are left out — and their span is claimed, so no shape rule re-adds them).
FRAMEWORK_IDS = {"pytorch", "tensorflow", "keras", "caffe", "caffe2", "theano", "jax", "mxnet", "deepspeed",
                 "scikit-learn", "vllm", "paddlepaddle", "chainer", "torch7", "megatron-lm", "fairseq",
                 "detectron2", "mmdetection", "hugging-face-transformers", "tensorrt", "onnx", "openvino",
                 "llama-cpp", "ollama", "langchain", "llamaindex", "horovod", "xgboost", "lightgbm", "catboost",
                 "opencv", "numpy", "scipy", "spacy", "nltk", "cuda", "cudnn", "fairscale", "ivy", "ray-framework",
                 "mindspore", "tensorflow-lite", "tensorflow-js", "core-ml", "tvm", "xla", "triton",
                 "pytorch-lightning", "persia", "fedml", "flower-framework", "pysyft", "tensorflow-federated",
                 "openmmlab-toolbox", "allennlp", "mujoco", "stable-baselines3", "pytorch-geometric", "dgl", "mlx",
                 "torchinductor", "sglang"}
#: Listed frameworks whose name also starts a model's name ("Megatron-Turing NLG"): no
#: software prefix (:func:`kg.extract.nodes.refine`, "TensorRT-LLM", "Keras 3").
_PREFIX_NOT_SOFTWARE = {"megatron-lm", "ivy", "triton", "persia"}
#: Common words numbered as items of a figure or table ("Ours-5", "Network-1", "Layer-3").
_ITEM_WORDS = {"ours", "network", "pseudo", "layer", "model", "method", "baseline", "stage", "block", "step",
               "table", "figure", "fig", "eq", "section", "level", "conv", "res", "top", "variant", "setting",
               "run", "round", "iter", "epoch", "phase", "part", "case", "type", "group", "net"}
_PARTICIPLE_END = re.compile(r"(?:ed|Based|based|ing)$")
#: Words that make a stock-NER span an organisation by its own head ("University of X",
#: "Northbridge Labs", "X Research", "X Inc."); ANNOTATION.md: companies, labs,
#: universities, agencies, consortia.
ORG_HEADS = {"university", "universities", "institute", "institution", "lab", "labs", "laboratory", "laboratories",
             "inc", "inc.", "corp", "corp.", "corporation", "co.", "ltd", "ltd.", "llc", "gmbh", "research",
             "company", "foundation", "academy", "college", "school", "center", "centre", "department", "agency",
             "council", "consortium", "ai", "group", "society", "association", "ministry", "bureau", "hospital",
             "technologies", "systems", "robotics", "administration", "commission", "bank", "capital", "ventures", "partners"}
#: Words before a measure that refer back to it ("this sensitivity"): no mention of the metric.
_ANAPHORIC = {"this", "that", "these", "those", "such"}
#: Unit words after a listed organisation that name an arm or unit of it ("Salesforce Ventures").
_ORG_EXTENSION = {"ventures", "capital", "research", "labs", "center", "centre", "institute", "foundation",
                  "cloud", "brain", "fund"}
#: Adjectives of nationality (and "big"): with organisation words only ("British AI",
#: "Chinese tech", "Big Tech") they describe, they do not name.
_DEMONYMS = {"american", "british", "chinese", "european", "french", "german", "japanese", "korean", "indian",
             "canadian", "israeli", "swiss", "dutch", "italian", "spanish", "russian", "taiwanese", "emirati",
             "saudi", "arab", "asian", "african", "western", "us", "u.s.", "uk", "eu", "big"}
#: Words that stand in organisation names but never make one alone ("Data Center", "Cloud AI").
_ORG_GENERIC_WORDS = {"tech", "data", "center", "centre", "cloud", "digital", "global", "international", "national",
                      "the", "and", "of", "&", "new", "open", "smart", "computing", "compute", "network", "networks",
                      "fund", "board", "advisory", "committee"}
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
             "laboratories", "academy", "college", "capital", "ventures", "partners", "trading", "holdings",
             "group", "securities", "investments"}
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
                  "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "sir", "chief", "head", "senator", "minister",
                  "cpo", "secretary", "governor", "commissioner"}
#: Participles before "by X" that make a place the stock NER read an investor or owner
#: ("a round led by Temasek", "backed by Silver Lake"; fifth and sixth blind audits: 3
#: investors and companies typed Location).
_INVEST_BY = {"led", "backed", "funded", "acquired", "owned", "financed", "co-led"}
_LOCATIVE = {"in", "from", "across", "throughout", "near", "within"}


#: Last words of a title-case phrase that make it a heading or a kind, not a name
#: ("Proposed Method", "Error Detection Model", "Previous Tensor Factorization
#: Approaches"): 1 of 9 ``pattern:title-case`` nodes was good in three blind audits.
_GENERIC_TITLE_HEADS = {"method", "model", "approach", "module", "setup", "setting", "architecture", "framework",
                        "pipeline"}


#: A quantity with a unit ("1.19Mhz", "16GB", "300W").
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?\s*(?:[kmgt]hz|[kmgt]i?b|w|nm|tflops|gflops|pflops)$", re.I)
#: Heads that make the name before them a piece of software ("the CoreNLP toolkit").
_SOFTWARE_HEADS = {"toolkit", "toolkits", "library", "libraries", "package", "packages", "software", "toolbox",
                   "api", "apis", "plugin", "plug-in"}
#: Words whose phrase lists datasets: "five datasets (BC2GM, BC4CHEMD, …)".
_DATASET_WORDS = {"dataset", "datasets", "corpus", "corpora", "benchmark", "benchmarks", "sub-datasets"}

#: Nouns that describe a name as evaluation data or as data ("PythonSaga, a novel
#: benchmark", "a new dataset, RUC-CAS-WenLan", "the POAC challenge").
_BENCHMARK_NOUNS = {"benchmark", "challenge", "suite", "leaderboard", "testbed", "test-bed", "competition",
                    "arena", "evaluation"}
_DATA_NOUNS = {"dataset", "corpus", "collection", "treebank", "data-set"}

#: Acronyms of kinds of things, not names ("KB", "CAD", "LLM", "LiDAR"), with or without a plural "s".
_GENERIC_ACRONYMS = {"KB", "KG", "CAD", "LiDAR", "LIDAR", "LLM", "LM", "MLLM", "VLM", "NN", "DNN", "API", "SDK",
                     "GPU", "CPU", "RGB", "RGB-D", "IoT", "AI", "ML", "NLP", "CV", "Code-LLM", "CLLM", "E2E", "FPGA",
                     "ASIC", "NPU", "SoC"}

#: Function words that end a name at a title's start ("Learning a X", "Towards X").
_TITLE_STOP = {"a", "an", "the", "of", "for", "with", "on", "in", "to", "and", "or", "via", "from", "by", "towards",
               "toward", "at", "is", "are", "we"}
#: Words after a task's name that make it a training objective ("feature matching loss").
_LOSS_WORDS = {"loss", "losses", "objective", "objectives", "regularizer", "regulariser", "penalty"}
#: "Image-to-image", "Text-to-video": a listed X-to-Y task name, often a modifier.
_X_TO_Y = re.compile(r"^[A-Za-z]+-to-[A-Za-z]+$")
#: Nouns after an X-to-Y task name that keep it the task ("the Text-to-SQL task/benchmark").
_TASK_NAME_NOUNS = {"task", "problem", "setting", "challenge", "benchmark", "dataset", "data", "corpus",
                    "leaderboard", "competition"}
