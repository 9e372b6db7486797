"""Relations and results from one parsed document: the ``kg_relations`` component.

Input: ``doc._.kg_mentions`` (from ``kg_entities``) and the dependency parse.
Output (plain values, character offsets into ``doc.text``):

* ``doc._.kg_relations``: dicts ``{"label", "head", "tail", "evidence": [s, e],
  "pattern", "confidence"}``; ``head``/``tail`` index ``doc._.kg_mentions``,
  ``head`` None for the document itself (``proposes``).
* ``doc._.kg_results``: dicts ``{"method", "dataset", "metric", "value", "unit",
  "condition", "evidence", "pattern", "confidence"}`` (``method``/``dataset``/
  ``metric`` index mentions; ``metric`` may instead be a plain name string under
  ``"metric_name"``).

Rules (trigger words are data in ``data/lexicon.json``):

* ``proposes`` — a proposal verb whose subject is the authors ("we propose X",
  "this paper presents X", "X is proposed"), a naming verb in such a sentence
  ("… termed X"), or a title of the form "X: long name". When no sentence names
  the method: a title (or subtitle) that is a method's name ("Convolutional
  Kernel Networks"), or a "Stacked Hourglass Networks for …" title when the body
  proposes an unnamed architecture; else "our method/approach" becomes an
  anaphor mention.
* ``evaluatedOn`` — a sentence with an evaluation trigger ("experiments",
  "achieves", "outperforms", "compare"; not counting words inside names) that
  names a dataset/benchmark; the head is the method that is the sentence's
  subject (not one inside a "than/with/in …" phrase nor one listed with the
  datasets), or — for "we"/"our method" or no method at all — the method the
  document proposes. Without a trigger, a method subject acting "on <dataset>".
  Not a backbone/feature extractor, a modifier, a dataset typed Method, a cited
  "proposed" method, nor training data (:mod:`.evaluated`).
* ``outperforms`` — "X outperforms/surpasses/beats Y (and Z)", "outperforming Y",
  "better than / superior to Y"; relative pronouns and "our method" resolve to the
  antecedent or the proposed method; negated or hedged triggers are dropped.
* ``runsOn`` — "on/using (a|an) <Hardware>" in a sentence about a method.
* ``developedBy`` — "<Org> introduced/released X", "X by <Org>", "<Org>'s X".
* ``basedOn`` — "based on / built on / extends X", "employ X as the encoder";
  "this library extends X" for the method of a "Name: …" title; not for classes
  of methods ("SSL approaches based on …") nor a name's own acronym.
* ``usedFor`` — "X for <Task>", "X achieves state-of-the-art performance on T",
  a proposal's purpose clause ("To handle T, we introduce X"), the task the paper
  studies ("we investigate T").
* ``trainedOn`` — "X is (pre-)trained / fine-tuned on D", "X, pre-trained on D", "we
  train X on D" with the model linked to the verb; "training X on D", "fine-tune X on
  D" however parsed, a model on the parse path to the training word (:mod:`.training`).
* ``partOf`` (Dataset → Benchmark) — "the SuperGLUE benchmark (BoolQ, …)", "the
  GLUE tasks MNLI and QQP", "GLUE consists of … CoLA", "MNLI, part of GLUE",
  "QNLI is … a task in GLUE", "RTE and CoLA from the GLUE benchmark".
* results — a number the sentence states as a method's outcome, with the measure
  it names: a Metric mention ("52.8% AP", "AP of 52.8", "an average score of
  91.3"), else the words next to the number ("save 76% computational costs",
  "40% less energy", "reduces computation cost by 29%", "140 FPS"), or none for a
  bare score on a dataset ("96.9 (+0.2) on PKU"); plus the dataset it is on. Lists
  share their measure and pair with a "respectively" dataset list. "outperforms Y
  by +12.0%" gives a margin result with condition "vs Y". Setup numbers (purpose
  clauses, "with … FPS" after a result, hyper-parameters, data fractions, sizes,
  ranges, parenthesised deltas) are no results; the first two become the result's
  ``condition``. Values are canonical ``xsd:decimal`` strings
  (:func:`canonical_decimal`), units separate ("%", "x", "points", "fps").
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.relations.base import DATASETS, DocCtx, RuleBase, SentCtx, _own_mention, canonical_decimal
from kg.extract.relations.based_on import BasedOnRules
from kg.extract.relations.confidence import MIN_RULE_PRECISION, calibrated
from kg.extract.relations.developed import DevelopedRules
from kg.extract.relations.evaluated import EvaluatedRules, _dataset_like
from kg.extract.relations.hardware import HardwareRules
from kg.extract.relations.outperforms import OutperformsRules
from kg.extract.relations.part_of import PartOfRules
from kg.extract.relations.proposes import ProposesRules
from kg.extract.relations.results import ResultRules
from kg.extract.relations.training import TrainingRules
from kg.extract.relations.used_for import UsedForRules
from kg.resolve import _singular, safe_key

#: relations whose tail is a method too
_METHOD_TAILS = ("basedOn", "outperforms")

__all__ = ["RelationExtractor", "canonical_decimal", "make_relation_extractor"]

for _ext in ("kg_relations", "kg_results"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


#: Rules that resolve "we"/"our method"/no method to the document's own method: in a
#: related-work section (:func:`~kg.extract.relations.base.background_spans`) they would
#: give cited work to it.
_SELF_PATTERNS = frozenset({"eval-sentence-self", "eval-anaphor", "eval-sentence-main", "propose-to-task"})


class RelationExtractor(ProposesRules, OutperformsRules, EvaluatedRules, HardwareRules, DevelopedRules,
                        PartOfRules, BasedOnRules, UsedForRules, TrainingRules, ResultRules, RuleBase):
    """The ``kg_relations`` component (see the module docstring).

    Each relation family is a mixin in its own module of this package; this class
    runs them in a fixed order per sentence (proposes first, for the whole document).

    Parameters
    ----------
    co_mentions : bool
        Also emit weak ``coMentioned`` relations between typed mentions of one
        sentence (off by default).
    """

    def __init__(self, co_mentions: bool = False):
        self.lex: Lexicon = load_lexicon()
        self.co_mentions = co_mentions

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.kg_relations`` and ``doc._.kg_results`` (see the module docstring)."""
        ms = self._mentions(doc)
        rels: list[dict] = []
        results: list[dict] = []
        seen: set = set()

        seen: set = set()

        # a name used as a hyphenated modifier ("Transformer-based counterparts") is
        # no end of a fact about itself; only basedOn reads it ("X, a Transformer-based …")
        modifiers = {m.i for m in ms if _modifier_use(doc, m.span.end)}

        def add(label, head, tail, sent, pattern, conf):
            key = (label, head, tail, sent.start_char)
            if head == tail and head is not None:
                return
            if label not in ("basedOn", "developedBy", "partOf") and (head in modifiers or tail in modifiers):
                return
            if key in seen:
                return
            if (label == "proposes" or pattern in _SELF_PATTERNS) and c.background and c.in_background(sent):
                return  # "section: Related Work … we first describe REINFORCE": cited work
            seen.add(key)
            rels.append({
                "label": label, "head": head, "tail": tail,
                "evidence": [sent.start_char, sent.end_char],
                "pattern": pattern, "confidence": conf,
            })

        sents = list(doc.sents)
        # each mention under the sentence holding its first token (bisect over the
        # sentence starts: linear in mentions, not mentions × sentences)
        by_sent = {id(s): [] for s in sents}
        c = DocCtx(doc, ms, sents, by_sent, add, rels, results)
        for m in ms:
            k = bisect_right(c.sent_starts, m.start) - 1
            if k >= 0 and m.start < sents[k].end:
                by_sent[id(sents[k])].append(m)
        text = c.text
        self._rel_proposes(c)
        main = c.main
        ms_by_i = {m.i: m for m in ms}
        c.ms_by_i = ms_by_i
        title_line = text.split("\n", 1)[0]
        # the method a "Name: description" title is about, for "this library/model …"
        topic = None
        if "\n" in text and ":" in title_line:
            colon_at = title_line.index(":")
            topic = next((m.i for m in ms if m.label == "Method" and not m.generic
                          and m.span.start_char == 0 and m.span.end_char == colon_at), None)
        c.topic = topic

        for sent in sents:
            sm = by_sent[id(sent)]
            if not sm:
                continue
            # trigger words inside a name ("general language understanding
            # evaluation", "Benchmark X") do not make the sentence an evaluation
            in_name = {i for m in sm if m.label in ("Method",) + DATASETS for i in range(m.start, m.end)}
            lemmas = {t.lemma_.lower() for t in sent if t.i not in in_name}
            methods = [m for m in sm if m.label == "Method"
                       and not (m.generic and m.source == "statistical" and not _own_mention(m))]
            datasets = [m for m in sm if m.label in DATASETS]
            hardware = [m for m in sm if m.label == "Hardware"]
            orgs = [m for m in sm if m.label == "Organization"]
            tasks = [m for m in sm if m.label == "Task"]
            self_ref = self._self_ref(sent)
            s = SentCtx()
            s.sent, s.sm, s.in_name, s.lemmas, s.self_ref = sent, sm, in_name, lemmas, self_ref
            s.methods, s.datasets, s.hardware, s.orgs, s.tasks = methods, datasets, hardware, orgs, tasks
            s.beaten = set()
            beaten = s.beaten
            self._rel_outperforms(c, s)
            self._rel_evaluated_on(c, s)
            self._rel_runs_on(c, s)
            self._rel_developed_by(c, s)
            self._rel_part_of(c, s)
            self._rel_based_on(c, s)
            self._rel_used_for(c, s)
            self._rel_trained_on(c, s)

            # --- results
            prev = next((r for r in reversed(results) if r["evidence"][1] <= sent.start_char
                         and not text[r["evidence"][1]:sent.start_char].strip()), None)
            stated = [r for r in results if r["evidence"] == [sent.start_char, sent.end_char]]
            results.extend(self._results(doc, sent, sm, methods, datasets, main, self_ref, beaten, prev, stated))

            if self.co_mentions:
                for a in sm:
                    for b in sm:
                        if a.i < b.i and a.label != b.label:
                            add("coMentioned", a.i, b.i, sent, "same-sentence", 0.3)

        # a "method" that is one of the document's datasets ("FSS-1000", "Occlusion-FERPlus"
        # beside "FERPlus") is no end of a method relation
        rels[:] = [r for r in rels if not any(
            e is not None and ms_by_i[e].label == "Method" and _dataset_like(ms_by_i[e], c)
            for e in (r["head"], r["tail"] if r["label"] in _METHOD_TAILS else None))]
        # a method class ("CNN", "the Transformer", "an autoencoder") stands in for an
        # unnamed specific model in evaluations and comparisons: no such fact
        rels[:] = [r for r in rels if not _class_end(r, ms_by_i, self.lex["method_classes"])]
        for r in rels:
            r["confidence"] = calibrated(r["label"], r["pattern"], r["confidence"], genre=c.genre)
        # a rule that blind readers judged right less than half of the time in this kind
        # of text states more wrong facts than right ones: none of its facts are kept
        # (rule_precision.json, audits 4-16 and 19-23: in paper bodies "eval-sentence-self"
        # 0.32, "based-on-self" 0.42, "better-than" 0.48, "we-propose-appositive" 0.497,
        # the hardware rules 0.28-0.45)
        rels[:] = [r for r in rels if r["confidence"] >= MIN_RULE_PRECISION]
        doc._.kg_relations = rels
        # one result per statement: two mentions of one method ("the Transformer" and
        # the title's "Transformer") stating the same number give one result
        kept, seen_res = [], set()
        for r in results:
            who = ms_by_i[r["method"]].span.text.lower() if r["method"] in ms_by_i else r["method"]
            key = (who, r["dataset"], r["metric"], r["metric_name"], r["value"], r["unit"], tuple(r["evidence"]))
            if key not in seen_res:
                seen_res.add(key)
                kept.append(r)
        doc._.kg_results = kept
        return doc


@Language.factory(
    "kg_relations",
    requires=["doc._.kg_mentions", "token.dep"],
    assigns=["doc._.kg_relations", "doc._.kg_results"],
    default_config={"co_mentions": False},
)
def make_relation_extractor(nlp: Language, name: str, co_mentions: bool) -> RelationExtractor:
    """spaCy factory for :class:`RelationExtractor`."""
    return RelationExtractor(co_mentions=co_mentions)


#: For each label, the ends ("head", "tail") that may not be a method class.
_CLASS_FREE_ENDS = {"evaluatedOn": ("head",), "trainedOn": ("head",), "runsOn": ("head",),
                    "outperforms": ("head", "tail"), "basedOn": ("head",), "proposes": ("tail",),
                    "usedFor": ("head",), "developedBy": ("head",)}


def _class_end(rel: dict, ms_by_i: dict, classes: frozenset) -> bool:
    """Whether relation ``rel`` has a method class (``lexicon.json`` ``method_classes``:
    gazetteer ids such as ``convolutional-neural-network``, ``transformer``,
    ``gradient-descent``) at an end that must be a specific model.

    "a baseline CNN outperforms …", "a fine-tuned seq2seq model reaches … on XSum",
    "we propose a sampling-based RBM", "CNNs for depth estimation" are about an
    unnamed model, not the class; the class is fine as what a model is based on
    ("FastSpeech, based on the Transformer"). A mention is a class by its gazetteer
    id or, unlisted, by the canonical key of its text ("softmax", "Markov random
    field", "LVLMs"). Blind audits 4-8 (judged facts replayed with the rules of
    2026-12-03): 21 facts with such an end, 3 correct; audits 4-11 as judged: 44
    usedFor facts with a class head, 23 correct (named heads: 51 of 70). A company
    does not develop a class either ("Tencent's newly open-sourced Mixture of Experts
    (MoE) language model": thirteenth audit, 3 such developedBy facts, all wrong).
    """
    for end in _CLASS_FREE_ENDS.get(rel["label"], ()):
        i = rel[end]
        if i is None:
            continue
        m = ms_by_i[i]
        if m.gid in classes or (not m.gid and safe_key(_singular(m.span.text)) in classes):
            return True
    return False


#: Words after a hyphen that turn the name before them into a modifier ("Transformer-based").
_MODIFIER_WORDS = {"based", "like", "style", "inspired", "driven", "guided", "powered", "oriented", "specific",
                   "free", "aware", "type", "family", "series", "class", "level"}


def _modifier_use(doc: Doc, end: int) -> bool:
    """Whether the name ending at token ``end`` is followed by a hyphenated modifier
    word ("Transformer-based", "BERT-like", "GPT-style"): it then describes another
    thing ("Transformer-based counterparts") rather than naming the thing a fact is
    about (blind audit: "SeaFormer outperforms Transformer" from "outperforms
    Transformer-based counterparts" was judged wrong)."""
    return (end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_
            and doc[end + 1].lower_ in _MODIFIER_WORDS)
