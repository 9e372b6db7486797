"""Build ``benchmarks/gold/samples.jsonl``, the hand annotation of ``data/samples/``.

The annotation is written below as data, one :class:`Doc` per news item or
abstract (guidelines in ``README.md`` next to this file). The text of each document
is cut from the sample file by line prefixes, so it is exactly the source text;
each annotated name is marked at *every* occurrence in the text (case-sensitive,
not inside a longer word, not inside a URL, longest name first; ``skip`` lists
contexts in which an occurrence is not a mention). Offsets are computed here, never
typed by hand, and checked (``text[start:end] == mention``).

Run ``python benchmarks/gold/build_samples.py`` after editing; it rewrites
``samples.jsonl`` deterministically and fails with the document id on any
inconsistency (a prefix matching no line or several, a name not found, two names
claiming the same span, a relation or result naming an unknown entity).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES = ROOT / "data" / "samples"
OUT = HERE / "samples.jsonl"

sys.path.insert(0, str(ROOT))
from kg.model import ENTITY_TYPES, RELATION_TYPES  # noqa: E402

M, D, B, T, ME, O, H, P, L = (
    "Method", "Dataset", "Benchmark", "Task", "Metric", "Organization", "Hardware", "Person", "Location",
)
ANAPHOR = "anaphor"

#: Relation labels annotated in the samples (all but mentions/coMentioned).
ANNOTATED_RELATIONS = [r for r in RELATION_TYPES if r not in ("mentions", "coMentioned")]


@dataclass
class Doc:
    """One gold document.

    ``ents`` maps an entity id to ``(label, [surface forms])`` or
    ``(label, [surface forms], "anaphor")``; ``rels`` are ``(label, head id or None,
    tail id)``; ``results`` are ``(method id, dataset id or None, metric or None,
    value, unit or None)``.
    """

    id: str
    file: str
    lines: list[str]
    ents: dict[str, tuple] = field(default_factory=dict)
    rels: list[tuple] = field(default_factory=list)
    results: list[tuple] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)


F0, F1, F2, F3, F4 = (
    "000_0c20c2f8ae263eb6.txt",
    "001_a947d8988178f4fd.txt",
    "002_cb996de503f80330.txt",
    "003_bb586130821273ce.txt",
    "004_0c66e323bfd52bdd.txt",
)

DOCS: list[Doc] = [
    # ------------------------------------------------------------------ 000
    Doc(
        "000-01-energy", F0, ["China's secret weapon", "In the race against China"],
        ents={
            "china": (L, ["China"]),
            "us": (L, ["US", "United States"]),
            "iea": (O, ["International Energy Agency", "IEA"]),
        },
    ),
    Doc(
        "000-02-sadga", F0, ["SADGA: Structure-Aware", "The Text-to-SQL task"],
        ents={
            "sadga": (M, ["SADGA", "Structure-Aware Dual Graph Aggregation Network"]),
            "text-to-sql": (T, ["Text-to-SQL"]),
            "cross-domain-text-to-sql": (T, ["cross-domain Text-to-SQL"]),
            "global-graph-linking": (M, ["Global Graph Linking"]),
            "local-graph-linking": (M, ["Local Graph Linking"]),
            "dualgraph-aggregation": (M, ["DualGraph Aggregation Mechanism"]),
            "spider": (B, ["Spider"]),
        },
        rels=[
            ("proposes", None, "sadga"),
            ("usedFor", "sadga", "text-to-sql"),
            ("usedFor", "sadga", "cross-domain-text-to-sql"),
            ("evaluatedOn", "sadga", "spider"),
        ],
    ),
    Doc(
        "000-03-dac", F0, ["Divide and Contrast:", "We investigate a practical"],
        ents={
            "dac": (M, ["DaC", "Divide and Contrast"]),
            "sfuda": (T, ["SFUDA", "source-free unsupervised domain adaptation"]),
            "sfda": (T, ["Source-free Domain Adaptation"]),
            "domain-adaptation": (T, ["domain adaptation"]),
            "mmd": (M, ["MMD", "maximum mean discrepancy"]),
            "visda": (D, ["VisDA"]),
            "office-home": (D, ["Office-Home"]),
            "domainnet": (D, ["DomainNet"]),
        },
        rels=[
            ("proposes", None, "dac"),
            ("usedFor", "dac", "sfda"),
            ("usedFor", "dac", "sfuda"),
            ("evaluatedOn", "dac", "visda"),
            ("evaluatedOn", "dac", "office-home"),
            ("evaluatedOn", "dac", "domainnet"),
        ],
    ),
    Doc(
        "000-04-reuse", F0, ["Reusing Models by", "Training large models"],
        ents={
            "bert2bert": (M, ["bert2BERT"]),
            "ligo": (M, ["LiGO"]),
            "deit-base": (M, ["DeiT-base"]),
            "deit-small": (M, ["DeiT-small"]),
            "our-method": (M, ["our method"], ANAPHOR),
        },
        rels=[
            ("outperforms", "our-method", "bert2bert"),
            ("outperforms", "our-method", "ligo"),
        ],
        results=[
            ("our-method", None, "computational costs", "76", "%"),
            ("our-method", None, None, "12.0", "%"),
            ("our-method", None, None, "20.7", "%"),
        ],
    ),
    Doc(
        "000-05-gibbs", F0, ["Decentralized Machine Learning with", "In this paper, it is shown"],
        ents={
            "gibbs-algorithm": (M, ["Gibbs Algorithms"]),
            "erm-rer": (M, ["ERM-RER", "empirical risk minimization with relative-entropy regularization"]),
        },
    ),
    Doc(
        "000-06-canton", F0, ["China flashes new tech", "Attendees at the Canton Fair"],
        ents={
            "china": (L, ["China"]),
            "guangzhou": (L, ["Guangzhou"]),
            "middle-east": (L, ["Middle East"]),
        },
    ),
    # ------------------------------------------------------------------ 001
    Doc(
        "001-01-vega", F1, ["This technical report briefly"],
        ents={
            "jdexplore": (O, ["JDExplore d-team"]),
            "vega": (M, ["Vega v2", "Vega"]),
            "superglue": (B, ["SuperGLUE"]),
            "glue": (B, ["GLUE", "general language understanding evaluation"]),
            "qa": (T, ["question answering"]),
            "nli": (T, ["natural language inference"]),
            "wsd": (T, ["word sense disambiguation"]),
            "coref": (T, ["coreference resolution"]),
            "reasoning": (T, ["reasoning"]),
            "average-score": (ME, ["average score"]),
        },
        rels=[
            ("proposes", None, "vega"),
            ("developedBy", "vega", "jdexplore"),
            ("evaluatedOn", "vega", "superglue"),
        ],
        results=[("vega", "superglue", "average score", "91.3", None)],
    ),
    Doc("001-02-mlenergy", F1, ["Transitioning from fossil"]),
    Doc(
        "001-03-icrlnet", F1, ["Few-shot visual recognition refers"],
        ents={
            "icrl-net": (M, ["ICRL-Net", "instance-adaptive class representation learning network"]),
            "fsvr": (T, ["Few-shot visual recognition", "few-shot visual recognition"]),
            "miniimagenet": (D, ["miniImageNet"]),
            "tieredimagenet": (D, ["tieredImageNet"]),
            "cifar-fs": (D, ["CIFAR-FS"]),
            "fc100": (D, ["FC100"]),
        },
        rels=[
            ("proposes", None, "icrl-net"),
            ("usedFor", "icrl-net", "fsvr"),
            ("evaluatedOn", "icrl-net", "miniimagenet"),
            ("evaluatedOn", "icrl-net", "tieredimagenet"),
            ("evaluatedOn", "icrl-net", "cifar-fs"),
            ("evaluatedOn", "icrl-net", "fc100"),
        ],
    ),
    Doc(
        "001-04-mufl", F1, ["Federated learning (FL) is an emerging"],
        ents={"mufl": (M, ["MuFL"])},
        rels=[("proposes", None, "mufl")],
        results=[("mufl", None, "energy", "40", "%")],
    ),
    Doc(
        "001-05-fedreid", F1, ["The increasingly stringent"],
        ents={
            "fedreid": (M, ["FedReID", "federated person re-identification"]),
            "reid": (T, ["person re-identification", "person ReID", "ReID"]),
        },
        rels=[("proposes", None, "fedreid"), ("usedFor", "fedreid", "reid")],
    ),
    # "GPU" alone is a class of hardware, not a node (ANNOTATION.md)
    Doc("001-06-gpusched", F1, ["Deep learning (DL) shows"]),
    Doc(
        "001-07-fedfr", F1, ["Given labeled data in a source"],
        ents={
            "fedfr": (M, ["FedFR"]),
            "dcl": (M, ["DCL", "domain constraint loss"]),
            "face-recognition": (T, ["face recognition"]),
            "uda": (T, ["unsupervised domain adaptation"]),
        },
        rels=[
            ("proposes", None, "fedfr"),
            ("proposes", None, "dcl"),
            ("usedFor", "fedfr", "face-recognition"),
        ],
        skip=["federated unsupervised domain adaptation"],
    ),
    Doc(
        "001-08-fedema", F1, ["Self-supervised learning (SSL) is capable"],
        ents={
            "fedema": (M, ["FedEMA", "Federated Divergence-aware Exponential Moving Average update"]),
            "fedssl": (M, ["FedSSL", "federated self-supervised learning"]),
            "siamese": (M, ["Siamese networks"]),
        },
        rels=[("proposes", None, "fedssl"), ("proposes", None, "fedema")],
    ),
    Doc("001-09-carbon", F1, ["Data centers are carbon-intensive"]),
    Doc(
        "001-10-fedureid", F1, ["Person re-identification (ReID) aims"],
        ents={
            "fedureid": (M, ["FedUReID"]),
            "reid": (T, ["Person re-identification", "person ReID", "ReID"]),
            "accuracy": (ME, ["accuracy"]),
        },
        rels=[("proposes", None, "fedureid"), ("usedFor", "fedureid", "reid")],
        results=[("fedureid", None, "computation cost", "29", "%")],
    ),
    # ------------------------------------------------------------------ 002 (the Chinese paragraph is skipped)
    Doc(
        "002-01-zicl", F2, ["Although large language models"],
        ents={"z-icl": (M, ["Z-ICL"])},
        rels=[("proposes", None, "z-icl")],
    ),
    Doc(
        "002-02-reviews", F2, ["User and product information"],
        ents={
            "imdb": (D, ["IMDb"]),
            "yelp-2013": (D, ["Yelp-2013"]),
            "yelp-2014": (D, ["Yelp-2014"]),
            "bert-base": (M, ["BERT-base"]),
            "spanbert": (M, ["Span-BERT"]),
            "longformer": (M, ["Longformer"]),
            "spp": (T, ["sentiment polarity prediction"]),
            "our-approach": (M, ["our approach"], ANAPHOR),
        },
        rels=[
            ("evaluatedOn", "our-approach", "imdb"),
            ("evaluatedOn", "our-approach", "yelp-2013"),
            ("evaluatedOn", "our-approach", "yelp-2014"),
            ("basedOn", "our-approach", "bert-base"),
        ],
    ),
    Doc("002-03-defense", F2, ["Deep Neural Networks have been widely"]),
    Doc(
        "002-04-rtmdet", F2, ["In this paper, we aim to design an efficient"],
        ents={
            "rtmdet": (M, ["RTMDet"]),
            "yolo": (M, ["YOLO"]),
            "instance-segmentation": (T, ["instance segmentation"]),
            "rt-instance-segmentation": (T, ["real-time instance segmentation"]),
            "rotated-od": (T, ["rotated object detection"]),
            "object-recognition": (T, ["object recognition"]),
            "ap": (ME, ["AP"]),
            "fps": (ME, ["FPS"]),
            "accuracy": (ME, ["accuracy"]),
            "coco": (D, ["COCO"]),
            "rtx3090": (H, ["NVIDIA 3090 GPU"]),
        },
        rels=[
            ("proposes", None, "rtmdet"),
            ("evaluatedOn", "rtmdet", "coco"),
            ("runsOn", "rtmdet", "rtx3090"),
            ("usedFor", "rtmdet", "rt-instance-segmentation"),
            ("usedFor", "rtmdet", "rotated-od"),
        ],
        results=[("rtmdet", "coco", "AP", "52.8", "%")],
        skip=["parameter-accuracy"],
    ),
    Doc(
        "002-05-fedskip", F2, ["The statistical heterogeneity"],
        ents={
            "fedprox": (M, ["FedProx"]),
            "scaffold": (M, ["SCAFFOLD"]),
            "moon": (M, ["MOON"]),
            "fednova": (M, ["FedNova"]),
            "feddyn": (M, ["FedDyn"]),
            "fedskip": (M, ["FedSkip"]),
            "fedavg": (M, ["federated averaging"]),
            "accuracy": (ME, ["accuracy"]),
        },
        rels=[("proposes", None, "fedskip")],
    ),
    Doc(
        "002-06-resfed", F2, ["Federated learning enables cooperative"],
        ents={
            "resfed": (M, ["ResFed", "residual-based federated learning framework"]),
            "cifar-10": (D, ["CIFAR-10"]),
            "accuracy": (ME, ["accuracy"]),
            "compression-ratio": (ME, ["compression ratio"]),
        },
        rels=[("proposes", None, "resfed"), ("evaluatedOn", "resfed", "cifar-10")],
        results=[
            ("resfed", "cifar-10", "compression ratio", "700", "X"),
            ("resfed", "cifar-10", "communication volume", "99", "%"),
        ],
    ),
    Doc(
        "002-07-dct", F2, ["Existing natural language understanding"],
        ents={
            "dct": (M, ["DCT", "debiasing contrastive learning"]),
            "nlu": (T, ["natural language understanding", "NLU"]),
        },
        rels=[("proposes", None, "dct")],
    ),
    Doc(
        "002-08-aisc", F2, ["The security of artificial intelligence"],
        ents={
            "zgc-lab": (O, ["Zhongguancun Laboratory"]),
            "china-ics-cert": (O, ["China Industrial Control Systems Cyber Emergency Response Team"]),
            "iai": (O, ["Institute for Artificial Intelligence"]),
            "tsinghua": (O, ["Tsinghua University"]),
            "realai": (O, ["RealAI"]),
        },
    ),
    Doc(
        "002-09-gnnsl", F2, ["To better handle long-tail"],
        ents={
            "gnn-sl": (M, ["GNN-SL", "graph neural networks sequence labeling"]),
            "sl": (T, ["sequence labeling", "SL"]),
            "ner": (T, ["Named Entity Recognition", "NER"]),
            "pos": (T, ["Part of Speech Tagging", "POS"]),
            "cws": (T, ["Chinese Word Segmentation", "CWS"]),
            "pku": (D, ["PKU"]),
            "cityu": (D, ["CITYU"]),
            "msr": (D, ["MSR"]),
            "as": (D, ["AS"]),
        },
        rels=[
            ("proposes", None, "gnn-sl"),
            ("usedFor", "gnn-sl", "sl"),
            ("evaluatedOn", "gnn-sl", "pku"),
            ("evaluatedOn", "gnn-sl", "cityu"),
            ("evaluatedOn", "gnn-sl", "msr"),
            ("evaluatedOn", "gnn-sl", "as"),
        ],
        results=[
            ("gnn-sl", "pku", None, "96.9", None),
            ("gnn-sl", "cityu", None, "98.3", None),
            ("gnn-sl", "msr", None, "98.5", None),
            ("gnn-sl", "as", None, "96.9", None),
        ],
    ),
    # ------------------------------------------------------------------ 003 (newsletter)
    Doc(
        "003-00-issue", F3,
        ["Deep Learning Weekly: Issue #202", "Quantum AI, Global AI Index", "This week in deep learning", "You may also enjoy"],
        ents={
            "facebook": (O, ["Facebook"]),
            "google": (O, ["Google"]),
            "china": (L, ["China"]),
        },
    ),
    Doc(
        "003-01-quantum", F3, ["Unveiling our new Quantum AI campus", "Google has unveiled"],
        ents={"google": (O, ["Google"])},  # "quantum computer": a class of hardware (ANNOTATION.md)
    ),
    Doc("003-02-aiindex", F3, ["The Global AI Index is an index"]),
    Doc(
        "003-03-gpt3", F3, ["AI Can Write Disinformation", "Georgetown researchers"],
        ents={"georgetown": (O, ["Georgetown"]), "gpt-3": (M, ["GPT-3"])},
    ),
    Doc(
        "003-04-pytorchfb", F3, ["PyTorch builds the future", "Facebook announced"],
        ents={"facebook": (O, ["Facebook"])},
    ),
    Doc(
        "003-05-wudao", F3, ["Chinese AI lab challenges", "The Beijing Academy"],
        ents={
            "google": (O, ["Google"]),
            "openai": (O, ["OpenAI"]),
            "baai": (O, ["Beijing Academy of Artificial Intelligence"]),
            "wudao": (M, ["Wudao"]),
        },
        rels=[("developedBy", "wudao", "baai")],
    ),
    Doc(
        "003-06-covid", F3, ["China’s response to COVID", "This article states"],
        ents={"china": (L, ["China"])},
    ),
    Doc(
        "003-07-embedded", F3, ["Introduction to Embedded Machine Learning", "This course on Coursera"],
        ents={"coursera": (O, ["Coursera"])},  # "microcontrollers": a class of hardware
    ),
    Doc(
        "003-08-dynreg", F3, ["Improving federated learning with dynamic", "This article introduces dynamic"],
        ents={"dynamic-regularization": (M, ["dynamic regularization"])},
    ),
    Doc(
        "003-09-mythic", F3, ["Mythic Launches", "Having recently raised"],
        # "Analog AI Chip": a kind of chip, not a named one (ANNOTATION.md: "AI chips" are generic)
        ents={"mythic": (O, ["Mythic AI", "Mythic"])},
    ),
    Doc(
        "003-10-sidechannel", F3, ["Hacker's guide", "A security researcher at Google"],
        ents={"google": (O, ["Google"])},
    ),
    Doc(
        "003-11-autograd", F3, ["Overview of PyTorch Autograd Engine", "This post dives deep"],
        ents={},
    ),
    Doc(
        "003-12-textstylebrush", F3, ["AI can now emulate", "Facebook introduced TextStyleBrush"],
        ents={"facebook": (O, ["Facebook"]), "textstylebrush": (M, ["TextStyleBrush"])},
        rels=[("developedBy", "textstylebrush", "facebook")],
    ),
    Doc(
        "003-13-ovh", F3, ["Network devices overheat", "In this post, OVHCloud"],
        ents={"ovhcloud": (O, ["OVHCloud"])},
    ),
    Doc(
        "003-14-fairscale", F3, ["FairScale: a PyTorch", "This library extends"],
        ents={},
    ),
    Doc(
        "003-15-ivy", F3, ["IVY: the templated", "Ivy is a templated"],
        ents={},
    ),
    Doc(
        "003-16-gpv", F3, ["Towards General Purpose Vision Systems", "A special purpose learning system"],
        ents={
            "classification": (T, ["classification"]),
            "localization": (T, ["localization"]),
            "qa": (T, ["question answering"]),
            "captioning": (T, ["captioning"]),
        },
    ),
    Doc(
        "003-17-chip", F3, ["A graph placement methodology", "Chip floorplanning is the engineering"],
        ents={
            "google": (O, ["Google"]),
            "chip-floorplanning": (T, ["Chip floorplanning", "chip floorplanning"]),
            "chip-design": (T, ["chip design"]),
        },
    ),
    Doc("003-18-kd", F3, ["Does Knowledge Distillation Really Work?", "Knowledge distillation is a popular"]),
    # ------------------------------------------------------------------ 004 (newsletter)
    Doc(
        "004-01-optical", F4, ["Accelerating AI computing", "Artificial intelligence and machine learning are already"],
        ents={},  # "optical computing core": a class of hardware (ANNOTATION.md)
    ),
    Doc(
        "004-02-photonic", F4, ["Light-carrying chips advance", "Researchers found that so-called photonic"],
        ents={},  # "photonic processors": a class of hardware (ANNOTATION.md)
    ),
    Doc(
        "004-03-deepmind", F4, ["DeepMind researchers claim", "So-called neurosymbolic models"],
        ents={"deepmind": (O, ["DeepMind"])},
    ),
    Doc(
        "004-04-shrunk", F4, ["Honey I Shrunk", "Bigger is not always better", "At the pace the machine"],
        ents={"gpt-3": (M, ["GPT-3"]), "umass": (O, ["UMass Amherst"]), "openai": (O, ["OpenAI"])},
    ),
    Doc(
        "004-05-zslre", F4, ["Zero-shot Learning for Relation", "Most existing supervised"],
        ents={
            "zslre": (M, ["ZSLRE", "zero-shot learning relation extraction"]),
            "protonet": (M, ["prototypical networks", "prototype networks"]),
            "nyt": (D, ["NYT"]),
            "fewrel": (D, ["FewRel"]),
            "relation-extraction": (T, ["Relation\u00a0Extraction", "relation extraction"]),
        },
        rels=[
            ("proposes", None, "zslre"),
            ("basedOn", "zslre", "protonet"),
            ("evaluatedOn", "zslre", "nyt"),
            ("evaluatedOn", "zslre", "fewrel"),
        ],
    ),
    Doc(
        "004-06-underspec", F4,
        ["The way we train AI", "The process used to build", "It’s no secret", "Now a group of 40"],
        ents={"google": (O, ["Google"])},
    ),
    Doc("004-07-gol", F4, ["It’s Hard For Neural Networks", "Efforts to improve the learning"]),
    Doc(
        "004-08-performer", F4, ["Google, Cambridge, DeepMind", "It’s no coincidence"],
        ents={
            "google": (O, ["Google"]),
            "cambridge": (O, ["Cambridge"]),
            "deepmind": (O, ["DeepMind"]),
            "turing": (O, ["Alan Turing Institute"]),
            "openai": (O, ["OpenAI"]),
            "performer": (M, ["Performer"]),
            "transformer": (M, ["Transformers", "Transformer"]),
            "gpt-3": (M, ["GPT-3"]),
            "alphastar": (M, ["AlphaStar"]),
        },
        rels=[
            ("developedBy", "performer", "google"),
            ("developedBy", "performer", "cambridge"),
            ("developedBy", "performer", "deepmind"),
            ("developedBy", "performer", "turing"),
            ("developedBy", "gpt-3", "openai"),
            ("developedBy", "alphastar", "deepmind"),
        ],
    ),
    Doc(
        "004-09-lessthanone", F4, ["‘Less Than One’-Shot Learning", "Deep neural networks require large"],
        ents={"knn": (M, ["k-Nearest Neighbors"]), "accuracy": (ME, ["accuracy"])},
    ),
    Doc(
        "004-10-ternarybert", F4,
        ["TernaryBERT: Quantization Meets", "A BERTology contribution", "The ongoing trend", "On September 27, Huawei"],
        ents={
            "ternarybert": (M, ["TernaryBERT"]),
            "huawei": (O, ["Huawei"]),
            "bert": (M, ["BERT"]),
            "gpt-3": (M, ["GPT-3"]),
            "pd": (M, ["Pre-trained Distillation"]),
            "distilbert": (M, ["DistilBERT"]),
            "mobilebert": (M, ["MobileBERT"]),
            "tinybert": (M, ["TinyBERT"]),
            "q-bert": (M, ["Q-BERT"]),
            "q8bert": (M, ["Q8BERT"]),
            "accuracy": (ME, ["accuracy"]),
        },
        rels=[("developedBy", "ternarybert", "huawei")],
    ),
]

_URL = re.compile(r"https?://\S+")
_READ_MORE = " Read More"


class GoldError(Exception):
    """The annotation above is inconsistent (names the document)."""


def doc_text(doc: Doc) -> str:
    """Cut the document's text from its sample file: the lines starting with each
    prefix (each must match exactly one line), joined by newlines, with a trailing
    " Read More" link label removed."""
    lines = (SAMPLES / doc.file).read_text(encoding="utf-8").splitlines()
    out = []
    for prefix in doc.lines:
        hits = [ln for ln in lines if ln.startswith(prefix)]
        if len(hits) != 1:
            raise GoldError(f"{doc.id}: prefix {prefix!r} matches {len(hits)} lines of {doc.file}")
        line = hits[0].rstrip()
        if line.endswith(_READ_MORE):
            line = line[: -len(_READ_MORE)].rstrip()
        out.append(line)
    return "\n".join(out)


def _occurrences(text: str, surface: str) -> list[int]:
    starts = []
    for m in re.finditer(re.escape(surface), text):
        s, e = m.start(), m.end()
        if s > 0 and text[s - 1].isalnum():
            continue
        if e < len(text) and text[e].isalnum():
            continue
        starts.append(s)
    return starts


def build_doc(doc: Doc) -> dict:
    """Turn one :class:`Doc` into a gold JSON document (entities sorted by offset)."""
    text = doc_text(doc)
    blocked = [(m.start(), m.end()) for m in _URL.finditer(text)]
    for ctx in doc.skip:
        found = [(m.start(), m.end()) for m in re.finditer(re.escape(ctx), text)]
        if not found:
            raise GoldError(f"{doc.id}: skip context {ctx!r} not in the text")
        blocked += found
    candidates = []
    for eid, spec in doc.ents.items():
        label, surfaces = spec[0], spec[1]
        anaphor = len(spec) > 2 and spec[2] == ANAPHOR
        if label not in ENTITY_TYPES:
            raise GoldError(f"{doc.id}: {eid}: unknown label {label!r}")
        for surface in surfaces:
            occ = _occurrences(text, surface)
            if not occ:
                raise GoldError(f"{doc.id}: {eid}: {surface!r} does not occur in the text")
            for s in occ:
                candidates.append((s, s + len(surface), surface, label, eid, anaphor))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    chosen: list[tuple] = []
    for c in candidates:
        if any(c[0] < b[1] and b[0] < c[1] for b in blocked):
            continue
        clash = [x for x in chosen if c[0] < x[1] and x[0] < c[1]]
        if clash:
            if any((x[0], x[1]) == (c[0], c[1]) for x in clash):
                raise GoldError(f"{doc.id}: {c[2]!r} claimed by {c[4]} and {clash[0][4]}")
            continue
        chosen.append(c)
    chosen.sort(key=lambda c: (c[0], c[1]))
    entities = []
    first: dict[str, int] = {}
    for s, e, surface, label, eid, anaphor in chosen:
        assert text[s:e] == surface
        ent = {"start": s, "end": e, "text": surface, "label": label, "id": eid, "source": "gold"}
        if anaphor:
            ent["anaphor"] = True
        first.setdefault(eid, len(entities))
        entities.append(ent)
    for eid in doc.ents:
        if eid not in first:
            raise GoldError(f"{doc.id}: every occurrence of {eid} is blocked")

    def idx(eid: str | None, what: str) -> int | None:
        if eid is None:
            return None
        if eid not in first:
            raise GoldError(f"{doc.id}: {what} names unknown entity {eid!r}")
        return first[eid]

    relations = []
    for label, head, tail in doc.rels:
        if label not in ANNOTATED_RELATIONS:
            raise GoldError(f"{doc.id}: unknown relation {label!r}")
        if (head is None) != (label == "proposes"):
            raise GoldError(f"{doc.id}: only proposes has the document as head")
        relations.append(
            {"label": label, "head": idx(head, label), "tail": idx(tail, label),
             "evidence": [0, len(text)], "pattern": "gold", "confidence": 1.0}
        )
    results = []
    for method, dataset, metric, value, unit in doc.results:
        results.append(
            {"method": idx(method, "result"), "dataset": idx(dataset, "result"), "metric": metric,
             "value": value, "unit": unit, "evidence": [0, len(text)], "pattern": "gold",
             "condition": None, "confidence": 1.0}
        )
    return {
        "id": doc.id,
        "text": text,
        "entities": entities,
        "relations": relations,
        "results": results,
        "meta": {
            "source": f"data/samples/{doc.file}",
            "annotated_types": list(ENTITY_TYPES),
            "annotated_relations": ANNOTATED_RELATIONS,
            "annotated_results": True,
            "ignore": [],
        },
    }


def main() -> int:
    """Write ``samples.jsonl``; print counts."""
    ids = [d.id for d in DOCS]
    if len(set(ids)) != len(ids):
        print("error: duplicate document ids", file=sys.stderr)
        return 1
    try:
        docs = [build_doc(d) for d in DOCS]
    except GoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
    n_ent = sum(len(d["entities"]) for d in docs)
    n_rel = sum(len(d["relations"]) for d in docs)
    n_res = sum(len(d["results"]) for d in docs)
    print(f"{OUT}: {len(docs)} documents, {n_ent} mentions, {n_rel} relations, {n_res} results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
