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
  studies ("we investigate T"); ``trainedOn`` — "trained on <Dataset>".
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

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract.entities import _has_self_subject, _is_propose_verb
from kg.extract.lexicon import Lexicon, load_lexicon

for _ext in ("kg_relations", "kg_results"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)

_TITLE_SPLIT = re.compile(r":| for | via | with | using | through ")
_STRONG_EVAL = {"experiment", "evaluate", "evaluation", "achieve", "outperform", "result",
                "state-of-the-art", "sota", "accuracy", "surpass", "obtain", "attain", "exceed", "art"}
_HEDGE_VERBS = {"aim", "hope", "plan", "expect", "try", "seek", "intend", "want", "wish", "attempt", "goal"}
#: a number as one token, with an optional glued unit ("52.8%", "700X", "3x")
_NUM_UNIT = re.compile(r"^([+\-~]?\d+(?:,\d{3})*(?:\.\d+)?)(%|[xX×])?$")
#: units of size: a number with one describes a thing, it is not an outcome
_SIZE_UNITS = {"mb", "gb", "tb", "kb", "b", "m", "k", "bits", "bit"}
#: words between a number and the measure it names ("40% less energy", "99% of the total volume")
_FILLERS = {"less", "more", "fewer", "lower", "higher", "better", "smaller", "larger", "faster", "greater",
            "of", "the", "a", "an", "total", "overall", "entire", "whole", "relative", "absolute", "its", "their",
            "cheaper", "slower"}
#: the measure a comparative names when no noun follows ("3.8 times faster than Y")
_COMPARATIVE_MEASURE = {"faster": "speed", "slower": "speed", "smaller": "size", "larger": "size",
                        "cheaper": "cost", "fewer": "size"}
#: words between a metric and its number ("AP of 52.8", "a ratio over 700X")
_LINKS = {"of", "=", ":", "is", "was", "are", "over", "above", "around", "about", "nearly", "approximately",
          "up", "to", "reaches", "reached", "~", "("}
#: verbs of change: "improves X from A to B" states B
_CHANGE_VERBS = {"improve", "increase", "boost", "raise", "reduce", "decrease", "lower", "cut", "push", "bring",
                 "drop", "lift", "advance"}
#: words of speed and size: after "with", such a number qualifies a result
_EFFICIENCY_WORDS = {"fps", "frames", "ms", "milliseconds", "seconds", "parameters", "params", "flops", "gflops",
                     "macs", "latency", "throughput", "speed", "memory", "hours", "layers"}
#: nouns of change: "a 5% improvement in BLEU" measures BLEU
_CHANGE_NOUNS = {"improvement", "gain", "reduction", "increase", "decrease", "boost", "drop", "speedup",
                 "speed-up", "margin", "decline", "rise", "saving", "savings"}
DATASETS = ("Dataset", "Benchmark")


class _M:
    """A mention with its token span (internal)."""

    __slots__ = ("i", "label", "span", "start", "end", "source", "generic", "gid")

    def __init__(self, i: int, label: str, span: Span, source: str = "", generic: bool = False,
                 gid: str | None = None):
        self.i, self.label, self.span, self.source, self.gid = i, label, span, source, gid
        #: a lower-case technique ("federated learning"): not what a paper proposes
        self.generic = generic
        self.start, self.end = span.start, span.end

    def has_token(self, tok: Token) -> bool:
        return self.start <= tok.i < self.end




class RelationExtractor:
    """The ``kg_relations`` component (see the module docstring).

    Parameters
    ----------
    co_mentions : bool
        Also emit weak ``coMentioned`` relations between typed mentions of one
        sentence (off by default).
    """

    def __init__(self, co_mentions: bool = False):
        self.lex: Lexicon = load_lexicon()
        self.co_mentions = co_mentions

    # ------------------------------------------------------------------ utils
    def _mentions(self, doc: Doc) -> list[_M]:
        out = []
        for i, m in enumerate(doc._.kg_mentions or ()):
            sp = doc.char_span(m["start"], m["end"], alignment_mode="expand")
            if sp is not None:
                out.append(_M(i, m["label"], sp, m.get("source", ""), bool(m.get("generic")), m.get("gid")))
        return out

    def _negated(self, tok: Token) -> bool:
        lex = self.lex
        for c in tok.children:
            if c.dep_ == "neg" or c.lower_ in lex["negations"]:
                return True
            if c.dep_ == "aux" and c.lower_ in lex["hedges"] - {"could"}:
                return True
        # "we aim to design a detector that exceeds X": an aim, not a result
        for a in list(tok.ancestors)[:4]:
            if a.lemma_.lower() in _HEDGE_VERBS:
                return True
        # "fails to outperform", "does not always outperform"
        h = tok.head
        if tok.dep_ == "xcomp" and h.lemma_.lower() in lex["negations"]:
            return True
        return any(c.dep_ == "neg" for c in h.children) and tok.dep_ in ("xcomp", "ccomp")

    @staticmethod
    def _in_subtree(m: _M, tok: Token) -> bool:
        return tok.left_edge.i <= m.span.root.i <= tok.right_edge.i

    def _self_ref(self, toks) -> bool:
        words = {t.lower_ for t in toks}
        if words & {"we", "our", "ours", "us"}:
            return True
        for t in toks:
            if t.lemma_.lower() in self.lex["self_methods"] and any(
                c.lower_ in ("our", "this", "the", "proposed") for c in t.children
            ):
                return True
        return False

    # ------------------------------------------------------------------ main
    def __call__(self, doc: Doc) -> Doc:
        ms = self._mentions(doc)
        rels: list[dict] = []
        results: list[dict] = []
        seen: set = set()

        def add(label, head, tail, sent, pattern, conf):
            key = (label, head, tail, sent.start_char)
            if head == tail and head is not None:
                return
            if key in seen:
                return
            seen.add(key)
            rels.append({
                "label": label, "head": head, "tail": tail,
                "evidence": [sent.start_char, sent.end_char],
                "pattern": pattern, "confidence": conf,
            })

        sents = list(doc.sents)
        # each mention under the sentence holding its first token (bisect over the
        # sentence starts: linear in mentions, not mentions × sentences)
        sent_starts = [s.start for s in sents]
        by_sent = {id(s): [] for s in sents}
        for m in ms:
            k = bisect_right(sent_starts, m.start) - 1
            if k >= 0 and m.start < sents[k].end:
                by_sent[id(sents[k])].append(m)
        text = doc.text  # spaCy joins the tokens on every access: once per document

        # --- proposes (first, so later rules can resolve "we"/"our method")
        proposed: list[int] = []
        title_line = text.split("\n", 1)[0]
        body_self = bool(re.search(r"\b(?:we|our|this paper|this work|in this paper)\b", text[len(title_line):], re.I))
        if "\n" in text and len(title_line) < 200 and body_self:
            cut = _TITLE_SPLIT.search(title_line)
            colon = cut.start() if cut else -1
            for m in ms:
                if m.label == "Method" and not m.generic and m.span.end_char <= colon and m.span.start_char < 60:
                    add("proposes", None, m.i, doc[m.start:m.end].sent, "title", 0.8)
                    proposed.append(m.i)
        doc_proposes = any(
            _is_propose(t, self.lex) and _self_subject(t, self.lex) for t in doc
        )
        for sent in sents:
            for tok in sent:
                lem = tok.lemma_.lower()
                if _is_propose(tok, self.lex) and _self_subject(tok, self.lex) and not self._negated(tok):
                    for m in by_sent[id(sent)]:
                        if m.label == "Method" and not m.generic and m.start > tok.i and self._in_subtree(m, tok):
                            # skip methods inside "based on X"/"using X" sub-phrases
                            if not _direct_object_path(m, tok, self.lex):
                                continue
                            add("proposes", None, m.i, sent, "we-propose", 0.9)
                            proposed.append(m.i)
                if _is_propose(tok, self.lex) and _self_subject(tok, self.lex) and not self._negated(tok):
                    for m in by_sent[id(sent)]:
                        if (m.label == "Method" and not m.generic and m.start > tok.i and m.start > 0
                                and doc[m.start - 1].text in (",", ":") and (m.end >= sent.end - 1 or doc[m.end].text in (".", ",", "(", ";"))
                                and not _under_prep(m, tok, ("than", "over", "like", "with", "using"))):
                            add("proposes", None, m.i, sent, "we-propose-appositive", 0.8)
                            proposed.append(m.i)
                if lem in self.lex["naming_verbs"] and tok.dep_ in ("acl", "relcl", "advcl"):
                    # "Our method, dubbed SiamMask, …" names the authors' own method
                    own = tok.head.lemma_.lower() in self.lex["self_methods"] and any(
                        c.lower_ in ("our", "proposed") for c in tok.head.children
                    )
                    if doc_proposes or own:
                        for m in by_sent[id(sent)]:
                            if m.label == "Method" and not m.generic and m.start > tok.i and m.start - tok.i <= 3:
                                add("proposes", None, m.i, sent, "named", 0.9)
                                proposed.append(m.i)
        main = proposed[0] if proposed else None
        if main is None and "\n" in text and len(title_line) < 200 and body_self:
            # "Convolutional Kernel Networks\nIn this paper, we …": a title that is a
            # method's name, or a "Stacked Hourglass Networks for …" title when the
            # body proposes an unnamed architecture, names the document's method
            tm = self._title_method(doc, ms, title_line, doc_proposes)
            if tm is not None:
                add("proposes", None, tm.i, doc[tm.start:tm.end].sent, "title-name", 0.7)
                proposed.append(tm.i)
                main = tm.i
        if main is None and (doc_proposes or self._own_method_phrase(doc)):
            # "we propose a method that …; our method outperforms bert2BERT": the
            # unnamed method gets one anaphor mention per "our method" phrase
            for tok in doc:
                if tok.lemma_.lower() in self.lex["self_methods"] and tok.pos_ == "NOUN" and any(
                    c.lower_ == "our" or (c.lower_ == "proposed" and c.dep_ == "amod") for c in tok.children
                ):
                    first = min([c.i for c in tok.children if c.lower_ in ("our", "the", "proposed")] + [tok.i])
                    sp = doc[first:tok.i + 1]
                    info = {"start": sp.start_char, "end": sp.end_char, "label": "Method",
                            "source": "anaphor", "gid": None, "generic": False}
                    doc._.kg_mentions.append(info)
                    m = _M(len(doc._.kg_mentions) - 1, "Method", sp, "anaphor")
                    ms.append(m)
                    k = bisect_right(sent_starts, m.start) - 1
                    if k >= 0 and m.start < sents[k].end:
                        by_sent[id(sents[k])].append(m)
                    if main is None:
                        main = m.i

        ms_by_i = {m.i: m for m in ms}
        # the method a "Name: description" title is about, for "this library/model …"
        topic = None
        if "\n" in text and ":" in title_line:
            colon_at = title_line.index(":")
            topic = next((m.i for m in ms if m.label == "Method" and not m.generic
                          and m.span.start_char == 0 and m.span.end_char == colon_at), None)

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

            # --- outperforms
            beaten: set[int] = set()
            for tok in sent:
                lem = tok.lemma_.lower()
                trig = lem in self.lex["outperform_verbs"] and tok.pos_ in ("VERB", "AUX")
                if not trig or self._negated(tok):
                    continue
                winners = self._subjects(tok, methods, main)
                losers = [m for m in methods if m.start > tok.i and self._in_subtree(m, tok) and not _under_prep(m, tok, ("on", "in", "across", "with", "at"))]
                for lo in losers:
                    beaten.add(lo.i)
                    for w in winners:
                        add("outperforms", w, lo.i, sent, "outperform-verb", 0.9)
                    # margin: "Y by +12.0%"
                    val = _margin_after(doc, lo, sent, methods, [m for m in sm if m.label == "Metric"], datasets)
                    if val and winners:
                        for w in dict.fromkeys(winners):
                            results.append(_result(w, val[3].i if val[3] else None, val[2].i if val[2] else None,
                                                   val[0], val[1], sent, "outperform-margin", 0.8,
                                                   condition=f"vs {lo.span.text}", metric_name=None))
            low = sent.text.lower()
            for phrase in ("better than", "superior to"):
                k = low.find(phrase)
                if k >= 0:
                    pos = sent.start_char + k + len(phrase)
                    after = [m for m in methods if m.span.start_char >= pos and m.span.start_char - pos < 60]
                    before = [m for m in methods if m.span.end_char <= sent.start_char + k]
                    winners = [before[-1].i] if before else ([main] if main is not None and self_ref else [])
                    for lo in after[:3]:
                        beaten.add(lo.i)
                        for w in winners:
                            add("outperforms", w, lo.i, sent, "better-than", 0.8)

            # --- evaluatedOn
            if datasets and lemmas & self.lex["eval_triggers"]:
                heads = [m.i for m in methods if m.i not in beaten and not _under_prep(m, None, ("than", "over", "in", "with", "into", "without", "unlike", "like", "against"))
                         and m.span.root.dep_ not in ("pobj",) or (m.label == "Method" and m.span.root.dep_ == "pobj" and m.span.root.head.lower_ in ("of", "by"))]
                # "experiments on IJB-A, YouTube Face, Celebrity-1000 benchmarks": a
                # "method" listed with the datasets is one of them, not the evaluated method
                listed_with = _ListedWith(datasets)
                listed = {m.i for m in methods if listed_with(m)}
                heads = [h for h in heads if h not in listed]
                # "the proposed regularized deep regressor": a description, but the
                # document's own method
                generic = {m.i for m in methods if m.generic and not _own_mention(m)}
                heads = [h for h in heads if h not in beaten and h not in generic]
                pattern = "eval-sentence"
                if self_ref and main is not None:
                    heads = sorted(set(heads) | {main})
                    pattern = "eval-sentence-self"
                elif not heads and main is not None and lemmas & _STRONG_EVAL:
                    # "Extensive experiments on X show …" with no method named: the
                    # document's own method is the one evaluated
                    heads = [main]
                    pattern = "eval-sentence-main"
                trained = {m.i for m in datasets if _after_lemma(m, ("train", "pretrain", "pre-train", "fine-tune", "finetune"), participle=True)}
                for h in heads:
                    for d in datasets:
                        if d.i in trained:
                            continue
                        add("evaluatedOn", h, d.i, sent, pattern, {"eval-sentence": 0.8, "eval-sentence-self": 0.75}.get(pattern, 0.6))
                for h in heads:
                    for d in datasets:
                        if d.i in trained:
                            add("trainedOn", h, d.i, sent, "trained-on", 0.8)
            elif datasets:
                # no evaluation word, but a method does something on the dataset:
                # "InfoGAN successfully disentangles writing styles from digit shapes
                # on the MNIST dataset"
                for d in datasets:
                    r = d.span.root
                    while r.dep_ in ("conj", "appos") and r.head.i != r.i:
                        r = r.head
                    if r.dep_ != "pobj" or r.head.lower_ not in ("on", "over", "across"):
                        continue
                    # the verb the phrase belongs to (the parser often hangs it from a noun)
                    v = next((a for a in r.head.ancestors if a.pos_ == "VERB"), None)
                    if v is None or self._negated(v) or v.lemma_.lower() in self.lex["trained_on_verbs"] \
                            or v.lemma_.lower() in ("base", "build"):
                        continue
                    hs = [h for h in self._subjects(v, methods, None)
                          if h not in beaten and not ms_by_i[h].generic and not ms_by_i[h].has_token(r)]
                    for h in hs[:1]:
                        add("evaluatedOn", h, d.i, sent, "method-verb-on", 0.6)

            # --- runsOn
            for hw in hardware:
                prev = doc[hw.start - 1] if hw.start > 0 else None
                prev2 = doc[hw.start - 2] if hw.start > 1 else None
                on = any(t is not None and t.lower_ in ("on", "using", "with", "across") for t in (prev, prev2))
                if not on:
                    continue
                hs = [m.i for m in methods if m.start < hw.start and m.i not in beaten]
                if not hs and main is not None and self_ref:
                    hs = [main]
                for h in hs[:2]:
                    add("runsOn", h, hw.i, sent, "on-hardware", 0.85)

            # --- developedBy
            for o in orgs:
                root = o.span.root
                # "<Org> introduced/released X"
                if root.dep_ in ("nsubj",) and root.head.lemma_.lower() in self.lex["develop_verbs"] and not self._negated(root.head):
                    for m in methods + hardware:
                        if m.start > root.head.i and _direct_object_path(m, root.head, self.lex) and m.i not in beaten:
                            add("developedBy", m.i, o.i, sent, "org-subject", 0.9)
                # "X by <Org>", "X, developed by <Org>"
                if root.dep_ == "pobj" and root.head.lower_ == "by":
                    gov = root.head.head
                    for m in methods + hardware:
                        # the thing made is the phrase "by" hangs from ("X by Org", "X, developed
                        # by Org"), not a modifier of it ("a BERTology contribution by Org")
                        if m.end <= o.start and (m.span.root.i == gov.i or gov.head.i == m.span.root.i) and o.start - m.end < 8:
                            add("developedBy", m.i, o.i, sent, "by-org", 0.85)
            # "<Org>'s X", "OpenAI's 175 billion parameter language model GPT-3",
            # "Google, Cambridge, DeepMind & Alan Turing Institute's 'Performer'"
            org_roots = {o.span.root.i: o for o in orgs}
            for o in orgs:
                root = o.span.root
                possessive = root.dep_ == "poss" or (o.end < len(doc) and doc[o.end].lower_ in ("'s", "’s"))
                if not possessive:
                    continue
                owned = root.head if root.dep_ == "poss" else None
                target = None
                for m in sorted(methods + hardware, key=lambda x: x.start):
                    if not 0 < m.start - o.end <= 12:
                        continue
                    r = m.span.root
                    under = owned is not None and (
                        r.i == owned.i or r.head.i == owned.i or owned.head.i == r.i
                        or owned.i in [a.i for a in r.ancestors][:2]
                    )
                    if under or m.start - o.end <= 4:
                        target = m
                        break
                if target is None:
                    continue
                partners = [o] + [org_roots[c.i] for c in root.conjuncts if c.i in org_roots]
                for p in partners:
                    add("developedBy", target.i, p.i, sent, "org-possessive", 0.8)
            # "<Org> launched the latest version of X"
            for m in methods:
                r = m.span.root
                if r.dep_ == "pobj" and r.head.lower_ == "of" and r.head.head.lemma_.lower() in ("version", "release", "variant", "iteration", "generation"):
                    verb = r.head.head.head
                    if verb.lemma_.lower() in self.lex["develop_verbs"]:
                        for c in verb.children:
                            if c.dep_ == "nsubj":
                                for o in orgs:
                                    if c.left_edge.i <= o.span.root.i <= c.right_edge.i:
                                        add("developedBy", m.i, o.i, sent, "org-version-of", 0.85)

            # --- partOf (Dataset -> Benchmark)
            benches = [m for m in sm if m.label == "Benchmark"]
            dsets = [m for m in sm if m.label == "Dataset"]
            if benches and dsets:
                for d, b, pattern, conf in self._part_of(doc, sent, dsets, benches):
                    add("partOf", d.i, b.i, sent, pattern, conf)

            # --- basedOn
            for phrase in self.lex["based_on_phrases"]:
                for mm in re.finditer(r"\b" + re.escape(phrase) + r"\b", sent.text.lower()):
                    pos = sent.start_char + mm.start()
                    if phrase.startswith("as "):
                        bases = [m for m in methods if m.span.end_char <= pos and pos - m.span.end_char < 25]
                    else:
                        bases = [m for m in methods if m.span.start_char >= pos + len(phrase) and m.span.start_char - pos - len(phrase) < 40][:1]
                    derived = [m for m in methods if m.span.end_char <= pos and m not in bases]
                    if derived and not phrase.startswith("as ") and self._class_phrase(derived[-1]):
                        continue  # "SSL approaches based on Siamese networks": a class of methods
                    trig = doc.char_span(pos, pos + len(phrase), alignment_mode="expand")
                    if trig is not None and not phrase.startswith("as "):
                        # the noun the phrase describes: its syntactic head, or the word
                        # before it when the parser hangs "based on" from the verb
                        hs = [trig[0].head] if trig[0].dep_ in ("acl", "amod", "prep") else []
                        if trig.start > 0 and doc[trig.start - 1].pos_ in ("NOUN", "PROPN"):
                            hs.append(doc[trig.start - 1])
                        if any(h.tag_ in ("NNS", "NNPS") and not any(m.has_token(h) for m in methods)
                               and self.lex.head_noun_type.get(h.lemma_.lower()) == "Method"
                               and not any(c.lower_ in ("our", "proposed", "these", "this") for c in h.children)
                               for h in hs):
                            continue  # "several models based on deep neural networks"
                    head = derived[-1].i if derived and not phrase.startswith("as ") else main
                    if head is None and not derived and topic is not None and re.search(
                            r"\b(?:this|the) (?:" + "|".join(map(re.escape, self.lex["self_methods"] | {"library", "toolkit", "tool", "package", "extension"})) + r")\b",
                            text[sent.start_char:pos].lower()):
                        # "FairScale: a PyTorch extension library …\nThis library extends PyTorch"
                        head = topic
                    for b in bases:
                        if head is not None and head != b.i and not _same_name(ms_by_i.get(head), b):
                            add("basedOn", head, b.i, sent, "based-on", 0.75)

            # --- usedFor: "X for <Task>"
            for t in tasks:
                r = t.span.root
                if r.dep_ == "pobj" and r.head.lower_ == "for":
                    gov = r.head.head
                    for m in methods:
                        if (m.span.root.i == gov.i or (m.end <= r.head.i and r.head.i - m.end <= 2)
                                or (gov.dep_ == "appos" and gov.head.i == m.span.root.i)):
                            add("usedFor", m.i, t.i, sent, "method-for-task", 0.8)
            if tasks:
                for h, t, pattern, conf in self._used_for(sent, methods, tasks, proposed, main, self_ref, beaten):
                    add("usedFor", h, t.i, sent, pattern, conf)

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

    def _title_method(self, doc: Doc, ms: list[_M], title_line: str, doc_proposes: bool) -> _M | None:
        """The method a title names when no sentence names the proposed method.

        * The whole title is one Method mention ("Deeply-Supervised Nets",
          "Convolutional Kernel Networks"), generic or not.
        * Or, when the body proposes something ("we propose a novel architecture"),
          a Method mention before the title's cut (":", " for ", " via ", …) whose
          last word is a method head noun of the lexicon ("Stacked Hourglass
          Networks for Human Pose Estimation"); a mention ending in another word
          ("Multi linear Operators for …") may be a tool, not the contribution.
        """
        stripped = title_line.strip().rstrip(".")
        lead = len(title_line) - len(title_line.lstrip())
        # "Towards General Purpose Vision Systems" states an aim and "Reusing Models
        # by …" an action, not a name
        title_ms = [m for m in ms if m.label == "Method" and m.span.end_char <= len(title_line)
                    and m.span[0].pos_ not in ("ADP", "SCONJ", "VERB", "PART", "DET", "PRON", "AUX")
                    and m.span[0].tag_ != "VBG" and not m.span[0].lower_.endswith("ing")]
        for m in title_ms:
            if m.span.start_char == lead and m.span.end_char - lead == len(stripped):
                return m
        # "Striving for Simplicity: The All Convolutional Net": the subtitle is the name
        colon = title_line.find(":")
        if colon > 0:
            sub = title_line[colon + 1:].strip().rstrip(".")
            sub_start = title_line.index(sub, colon) if sub else -1
            for m in title_ms:
                before = title_line[sub_start:m.span.start_char].strip().lower()
                if sub and m.span.end_char == sub_start + len(sub) and before in ("", "the", "a", "an"):
                    return m
        if not doc_proposes:
            return None
        cut = _TITLE_SPLIT.search(title_line)
        if cut is None:
            return None
        for m in title_ms:
            last = m.span[-1]
            # "Networks" as a proper noun keeps its plural lemma
            heads = {last.lemma_.lower(), last.lower_, last.lower_.rstrip("s")}
            if (m.span.end_char <= cut.start() and len(m.span) >= 2
                    and any(self.lex.head_noun_type.get(h) == "Method" for h in heads)):
                return m
        return None

    def _own_method_phrase(self, doc: Doc) -> bool:
        """True if the text says "our method/approach/model …" (the authors' own
        method, named or not)."""
        for tok in doc:
            if tok.lemma_.lower() in self.lex["self_methods"] and tok.pos_ == "NOUN" and any(
                c.lower_ == "our" and c.dep_ == "poss" for c in tok.children
            ):
                return True
        return False

    def _part_of(self, doc: Doc, sent: Span, dsets: list[_M], benches: list[_M]) -> list[tuple[_M, _M, str, float]]:
        """``partOf`` pairs (dataset, benchmark, pattern, confidence) of one sentence.

        * ``bench-list`` — the benchmark followed by its members: "the SuperGLUE
          benchmark (BoolQ, COPA, …)", "the GLUE tasks MNLI, QQP and SST-2", "GLUE
          tasks such as / including MNLI and RTE".
        * ``bench-contains`` — "GLUE consists of / includes / contains … CoLA, SST-2";
          "GLUE, which includes …".
        * ``part-of`` — a part noun with "of/in/from <Benchmark>" said of the
          dataset: "MNLI, part of the GLUE benchmark", "QNLI is defined as a binary
          classification task in GLUE", "STS-B is the only example of the task in
          GLUE"; "RTE and CoLA from the GLUE benchmark".
        * ``bench-possessive`` — "GLUE's MNLI".

        Negated statements ("X is not part of GLUE") give nothing. Word lists are
        the lexicon's ``part_of_nouns``, ``part_of_preps``, ``contain_verbs`` and
        ``list_cues``.
        """
        lex = self.lex
        out: list[tuple[_M, _M, str, float]] = []
        starts = {d.start: d for d in dsets}
        others = {i for m in dsets + benches for i in range(m.start, m.end)}
        collection_nouns = {"benchmark", "benchmarks", "suite", "suites", "tasks", "datasets", "collection",
                            "leaderboard", "games", "environments", "subtasks", "corpora"}
        plural_members = {"tasks", "datasets", "games", "environments", "subtasks", "corpora"}
        cues = sorted((c.split() for c in lex["list_cues"]), key=len, reverse=True)

        def run_of_members(j: int, stop: int, skip_unknown: bool) -> list[_M]:
            got = []
            while j < stop:
                t = doc[j]
                if j in starts:
                    got.append(starts[j])
                    j = starts[j].end
                    continue
                if t.text in (",", ";") or t.lower_ in ("and", "or", "the"):
                    j += 1
                    continue
                # "(BoolQ, CB, COPA, …)": unknown names are skipped, but a lower-case
                # word ends the list ("(using the 262 hours of SWB-1 training data)")
                if skip_unknown and t.text != ")" and (t.text[:1].isupper() or t.text[:1].isdigit()):
                    j += 1
                    continue
                break
            return got

        for b in benches:
            # bench-list
            j = b.end
            noun = None
            while j < sent.end and j - b.end < 2 and doc[j].lower_ in collection_nouns:
                noun = doc[j].lower_
                j += 1
            members: list[_M] = []
            if j < sent.end and doc[j].text in ("(", ":"):
                close = j + 1
                while close < sent.end and doc[close].text != ")" and close - j < 40:
                    close += 1
                members = run_of_members(j + 1, close, skip_unknown=doc[j].text == "(")
            else:
                k = j + 1 if j < sent.end and doc[j].text == "," else j
                for cue in cues:
                    if [t.lower_ for t in doc[k:k + len(cue)]] == cue:
                        members = run_of_members(k + len(cue), sent.end, skip_unknown=False)
                        break
                else:
                    if noun in plural_members:
                        members = run_of_members(j, sent.end, skip_unknown=False)
            for d in members:
                out.append((d, b, "bench-list", 0.8))
            # bench-contains: "GLUE consists of …", "GLUE, which includes …"
            root = b.span.root
            verbs = []
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in lex["contain_verbs"]:
                verbs.append(root.head)
            for c in root.children:
                if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in lex["contain_verbs"]:
                    verbs.append(c)
            for v in verbs:
                if self._negated(v):
                    continue
                for d in dsets:
                    if d.start > v.i and v.left_edge.i <= d.span.root.i <= v.right_edge.i:
                        out.append((d, b, "bench-contains", 0.8))
            # bench-possessive: "GLUE's MNLI"
            if b.end < sent.end and doc[b.end].lower_ in ("'s", "’s") and b.end + 1 in starts:
                out.append((starts[b.end + 1], b, "bench-possessive", 0.7))
            # part-of
            r = b.span.root
            if not (r.dep_ == "pobj" and r.head.lower_ in lex["part_of_preps"]):
                continue
            prep = r.head
            n = prep.head
            for d in dsets:
                if d.end > prep.i or prep.i - d.end > 14:
                    continue
                if any(i in others for i in range(d.end, prep.i)):
                    continue  # another name sits between: "MNLI and SQuAD in GLUE"
                if any(t.lower_ in lex["negations"] for t in doc[d.end:prep.i]):
                    continue
                dr = d.span.root
                if n.lemma_.lower() in lex["part_of_nouns"] or n.lower_ in lex["part_of_nouns"]:
                    anc = [n] + list(n.ancestors)[:5]
                    ok = dr in anc or n.head.i == dr.i or (n.dep_ == "appos" and n.head.i == dr.i)
                    if not ok:
                        verb = next((a for a in anc if a.pos_ in ("VERB", "AUX")), None)
                        ok = verb is not None and not self._negated(verb) and any(
                            c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i <= dr.i <= c.right_edge.i
                            for c in verb.children)
                    if ok:
                        out.append((d, b, "part-of", 0.8))
                elif prep.lower_ == "from" and n.pos_ == "VERB" and not self._negated(n):
                    # "We use RTE and CoLA from the GLUE benchmark"
                    objs = [c for c in n.children if c.dep_ == "dobj"]
                    objs += [cc for o in objs for cc in o.conjuncts]
                    if any(o.i == dr.i for o in objs):
                        out.append((d, b, "part-of", 0.75))
                elif prep.lower_ == "from" and (prep.head.i == dr.i or dr.i in [c.i for c in prep.head.conjuncts]):
                    out.append((d, b, "part-of", 0.75))
        # "RTE and CoLA from the GLUE benchmark": the conjuncts of a member are members
        roots = {d.span.root.i: d for d in dsets}
        for d, b, pattern, conf in list(out):
            if pattern == "part-of":
                for c in d.span.root.conjuncts:
                    if c.i in roots and roots[c.i] is not d:
                        out.append((roots[c.i], b, pattern, conf))
        return out

    def _class_phrase(self, m: _M) -> bool:
        """True for a plural description of a class of methods ("SSL approaches",
        "existing SSL methods"): a statistical span ending in a plural method head
        noun of the lexicon."""
        last = m.span[-1]
        return (m.source == "statistical" and last.tag_ in ("NNS", "NNPS")
                and self.lex.head_noun_type.get(last.lemma_.lower()) == "Method")

    def _used_for(self, sent: Span, methods: list[_M], tasks: list[_M], proposed: list[int],
                  main: int | None, self_ref: bool, beaten: set[int]) -> list[tuple[int, _M, str, float]]:
        """``usedFor`` pairs (method index, task, pattern, confidence) beyond "X for T".

        * ``sota-on-task`` — "X obtains new state-of-the-art performance on T1 and
          T2", "X achieves the best results in T" (the subject of the evaluation
          verb, or the document's method for "we"/"our method").
        * ``propose-to-task`` — "To better handle … in the T task, we introduce X";
          "we propose X to solve T" (a purpose clause of the proposal verb).
        * ``study-task`` — "We investigate / address / tackle … T" (the document's
          own method is the one used for the task it studies).

        Negated or hedged verbs ("we aim to design a detector that …") give nothing.
        Verb lists: the lexicon's ``eval_verbs_task``, ``task_verbs``.
        """
        lex = self.lex
        out: list[tuple[int, _M, str, float]] = []
        eval_heads = lex["task_eval_heads"]
        for t in tasks:
            r = t.span.root
            while r.dep_ == "conj" and r.head.i != r.i:
                r = r.head
            if r.dep_ != "pobj" or r.head.lower_ not in ("on", "in"):
                continue
            h = r.head.head
            if not (h.lemma_.lower() in eval_heads or (h.pos_ in ("VERB", "AUX") and h.lemma_.lower() in lex["eval_verbs_task"])):
                continue
            verb = h if h.pos_ in ("VERB", "AUX") else next((a for a in h.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if verb is None or verb.lemma_.lower() not in lex["eval_verbs_task"] or self._negated(verb):
                continue
            winners = [w for w in self._subjects(verb, methods, main) if w not in beaten]
            if not winners and self_ref and main is not None:
                winners = [main]
            # "on real-time instance segmentation and rotated object detection" (the
            # parser may read "rotated" as a verb): tasks listed with this one
            listed_with = _ListedWith([t])
            listed = [t] + [o for o in tasks if o is not t and listed_with(o)]
            for w in winners:
                for lt in listed:
                    out.append((w, lt, "sota-on-task", 0.75))
        for tok in sent:
            if not (_is_propose(tok, lex) and _self_subject(tok, lex)) or self._negated(tok):
                continue
            own = [m.i for m in methods if m.i in proposed and self._in_subtree(m, tok)]
            if not own:
                continue
            for c in tok.children:
                if c.dep_ in ("advcl", "xcomp") and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children):
                    for t in tasks:
                        if self._in_subtree(t, c):
                            for h in own:
                                out.append((h, t, "propose-to-task", 0.75))
        if main is not None:
            for tok in sent:
                if tok.lemma_.lower() not in lex["task_verbs"] or tok.pos_ != "VERB" or self._negated(tok):
                    continue
                if not any(c.dep_ == "nsubj" and c.lower_ in ("we", "paper", "work") for c in tok.children):
                    continue
                for c in tok.children:
                    # "we study T", "we focus on T" — not "from the perspective of T"
                    if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "on"):
                        for t in tasks:
                            r = t.span.root
                            # "a practical domain adaptation task, called SFUDA": the
                            # named task, not the modifier of "task"
                            if r.dep_ in ("compound", "amod", "nmod") and any(
                                    a.dep_ == "acl" and a.lemma_.lower() in lex["naming_verbs"] for a in r.head.children):
                                continue
                            if self._in_subtree(t, c):
                                out.append((main, t, "study-task", 0.7))
        return out

    def _subjects(self, verb: Token, methods: list[_M], main: int | None) -> list[int]:
        """Methods that are the subject of ``verb`` (through relative pronouns,
        participles and conjunctions), or the proposed method for "we"/"our X"."""
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        v = verb
        while not subj and v.dep_ in ("conj", "advcl", "xcomp") and v.head.i != v.i:
            v = v.head
            subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj and verb.dep_ in ("relcl", "acl"):
            subj = [verb.head]
        out = []
        for s in subj:
            lo, hi = s.left_edge.i, s.right_edge.i
            if s.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
                s = verb.head
                lo, hi = s.left_edge.i, verb.left_edge.i - 1
                if self._self_ref(verb.sent) and main is not None:
                    out.append(main)
                    continue
            hits = [m.i for m in methods if lo <= m.span.root.i <= hi and not _under_prep(m, s, ("than", "over", "with", "like", "from"))]
            if hits:
                out.extend(hits[:3])
            elif main is not None and ({t.lower_ for t in s.subtree} & {"we", "our", "it", "this", "which", "approach", "method", "model", "framework", "system"}):
                out.append(main)
        return out

    def _results(self, doc, sent, sm, methods, datasets, main, self_ref, beaten, prev=None,
                 stated: list[dict] = ()) -> list[dict]:
        """Stated results of one sentence: dicts as :func:`_result` builds them.

        A result is a number (``_NUM_UNIT``: "52.8", "52.8%", "700X", "+12.0") that
        the sentence states as a method's outcome, with the measure it names:

        * ``number-metric`` — a Metric mention right after the number and its unit
          ("52.8% AP", "12% higher accuracy") or before it through "of / = / : /
          over / is" ("AP of 52.8", "an average score of 91.3", "a compression
          ratio over 700X"), or a metric head noun of the lexicon before "of";
        * ``number-phrase`` — a percentage or factor followed by the noun phrase it
          measures ("save 76% computational costs", "consuming 40% less energy",
          "saves 99% of the total communication volume"); comparatives and "of the
          total" are skipped; a change noun ("a 5% improvement in BLEU") takes the
          "in/on" phrase after it, else no metric;
        * ``verb-by`` — "reduces computation cost by 29%", "improves accuracy by 2
          points": the verb's object is the metric (an object that is a method is
          the ``outperform-margin`` of the outperforms rule instead);
        * ``number-fps`` — "runs at 140 FPS";
        * ``number-on-dataset`` — a bare score followed by "on <Dataset>" in an
          evaluation sentence ("SOTA results of 96.9 (+0.2) on PKU"): no metric;
        * lists — "80.1%, 75.2% and 60.3% top-1 accuracy on A, B and C,
          respectively": the members share the measure after the last one and pair
          with an equally long dataset list; members of a margin list ("outperforms
          KP by 2.6%, 3.8% and 0.6%") are margins like the first;
        * "improves accuracy from 70.1% to 75.3%": the end point (``verb-by``).

        Not results: dates, "Table 3", deltas in parentheses ("(+0.2)", "(7.7%
        point absolute improvement)"), ranges ("3% to 14%", "between 3 and 4"),
        sizes ("4.08 MB"), numbers inside names ("NVIDIA 3090 GPU"), deficits ("2
        BLEU points behind"), hyper-parameters ("a learning rate of 0.001",
        lexicon ``hyperparameter_words``), numbers under a setup verb ("we use 10%
        of the data", lexicon ``setup_verbs``), results of an unnamed subject ("a
        phrase-based SMT system achieves …"), numbers in a purpose clause ("To reach
        an accuracy of 70%, …") or a speed/size after "with" following a result
        ("52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU"): the last two
        become the ``condition`` of the sentence's results. The method is the subject of the verb the number hangs
        from, else the last method before it, else (for "we/our/it" sentences or
        none named) the document's method; the dataset is the first one after the
        number (before the next number), else the nearest one before it, else — for
        a pronoun subject ("it saves …") — the dataset of the previous sentence's
        result ``prev``. A number already in ``stated`` (the sentence's
        ``outperform-margin`` results) for the same method is not repeated.
        """
        lex = self.lex
        out: list[tuple[Token, dict]] = []
        conditions: list[tuple[Token, str]] = []
        metrics = [m for m in sm if m.label == "Metric"]
        in_name = {i for m in sm if m.label != "Metric" for i in range(m.start, m.end)}
        # "96.9 (+0.2)", "80.5% (7.7% point absolute improvement)": a delta in
        # parentheses after a score is no result of its own
        nums = [t for t in sent if _NUM_UNIT.match(t.text) and t.i not in in_name
                and not (t.i > sent.start + 1 and doc[t.i - 1].text == "(" and (
                    t.text[0] in "+-" or _NUM_UNIT.match(doc[t.i - 2].text) or doc[t.i - 2].lower_ in lex["units"]))]
        eval_sent = bool({t.lemma_.lower() for t in sent} & lex["eval_triggers"])

        def unit_end(t: Token) -> int:
            q = t.i + 1
            while q < sent.end and (doc[q].text == "+" or (q == t.i + 1 and doc[q].lower_ in lex["units"])):
                q += 1
            return q

        # "80.1%, 75.2% and 60.3% top-1 accuracy on A, B and C, respectively": a list
        # of numbers shares the measure after its last member (and, with
        # "respectively", pairs with an equally long list of datasets)
        group_of: dict[int, list[Token]] = {}
        run: list[Token] = []
        for t in nums + [None]:
            if t is not None and run and all(x.text in (",", "and", "or", "+") for x in doc[unit_end(run[-1]):t.i]) \
                    and t.i > unit_end(run[-1]):
                run.append(t)
                continue
            if len(run) > 1:
                for x in run:
                    group_of[x.i] = run
            run = [t] if t is not None else []
        respectively = any(t.lower_ == "respectively" for t in sent)
        for n_k, tok in enumerate(nums):
            mt = _NUM_UNIT.match(tok.text)
            value, unit = mt.group(1), _unit(mt.group(2))
            prev_t = doc[tok.i - 1] if tok.i > sent.start else None
            if tok.ent_type_ in ("DATE", "TIME") or (prev_t is not None and prev_t.lower_ in (
                    "top", "table", "figure", "fig", "fig.", "section", "sec.", "eq", "eq.", "step", "version", "v")):
                continue
            j = tok.i + 1
            while j < sent.end and doc[j].text == "+":
                j += 1  # "300+ FPS"
            if unit is None and j < sent.end and doc[j].lower_ in lex["units"]:
                unit = _unit(doc[j].text)
                j += 1
            if unit in _SIZE_UNITS:
                continue  # "a 4.08 MB CNN model", "from 587.61 Mb to 6.79 Mb"
            # ranges: "3% to 14%", "3-4%", "between 3 and 4"
            if j + 1 < sent.end and doc[j].lower_ in ("to", "-", "–", "~") and _NUM_UNIT.match(doc[j + 1].text):
                continue
            # "improves accuracy from 70.1% to 75.3%": the end point of a change is a
            # result (the verb's object its measure), the start point is not
            pv = None if prev_t is None else next((a for a in prev_t.ancestors if a.pos_ in ("VERB", "AUX")), None)
            change_to = (prev_t is not None and prev_t.lower_ == "to" and pv is not None
                         and pv.lemma_.lower() in _CHANGE_VERBS
                         and any(t.lower_ == "from" for t in doc[max(sent.start, tok.i - 5):tok.i - 1]))
            if prev_t is not None and prev_t.lower_ in ("to", "-", "–") and not change_to and any(
                    _NUM_UNIT.match(t.text) for t in doc[max(sent.start, tok.i - 4):tok.i - 1]):
                continue
            if prev_t is not None and prev_t.lower_ == "from" and j + 1 < sent.end and doc[j].lower_ == "to":
                continue
            if prev_t is not None and prev_t.lower_ in ("vs", "vs.", "versus"):
                continue  # "(77.9 vs. 72.4% PCK)": the number compared against
            if prev_t is not None and prev_t.lower_ == "and" and any(
                    t.lower_ == "between" for t in doc[max(sent.start, tok.i - 5):tok.i]):
                continue
            # "outperforms KP by about 2.6%, 3.8% and 0.6% on Birds, Aircrafts and Cars":
            # the other members of a margin list are margins too
            group = group_of.get(tok.i)
            margin = next((r for r in stated if r["pattern"] == "outperform-margin" and group
                           and any(r["value"] == canonical_decimal(_NUM_UNIT.match(x.text).group(1)) for x in group)), None)
            if margin is not None:
                if margin["value"] != canonical_decimal(value):
                    ds = margin["dataset"]
                    if respectively and len(datasets) == len(group):
                        ds = datasets[group.index(tok)].i
                    out.append((tok, _result(margin["method"], ds, margin["metric"], value, unit or margin["unit"],
                                             sent, "outperform-margin", 0.7, condition=margin["condition"],
                                             metric_name=margin["metric_name"])))
                elif respectively and len(datasets) == len(group) and margin["dataset"] is None:
                    margin["dataset"] = datasets[group.index(tok)].i
                continue
            # a condition of the sentence's result, not a result
            purpose = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX") and a.dep_ in ("advcl", "xcomp")
                            and a.i < tok.i and any(c.dep_ == "aux" and c.lower_ == "to" for c in a.children)), None)
            if purpose is not None and purpose.head.i > tok.i:
                lo_i = min(t.i for t in purpose.subtree)
                conditions.append((tok, doc[lo_i:purpose.right_edge.i + 1].text))
                continue
            # "… 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU": a speed or
            # size that qualifies the result (a second score after "with" is a result)
            with_p = next((a for a in list(tok.ancestors)[:3] if a.dep_ == "prep" and a.lower_ == "with"), None)
            efficiency = unit in ("fps", "ms", "s", "hours", "hour", "days") or any(
                t.lower_ in _EFFICIENCY_WORDS for t in doc[j:min(j + 2, sent.end)])
            if with_p is not None and out and efficiency:
                end = with_p.right_edge.i + 1
                conditions.append((tok, doc[with_p.i:end].text))
                continue

            metric, metric_name, pattern = None, None, "number-metric"
            own_cond = None
            group = group_of.get(tok.i)
            k = unit_end(group[-1]) if group else j
            comparative = None
            while k < sent.end and doc[k].lower_ in _FILLERS:
                comparative = comparative or _COMPARATIVE_MEASURE.get(doc[k].lower_)
                k += 1
            metric = next((m for m in metrics if m.start == k), None)
            if metric is None:
                for m in metrics:
                    gap = doc[m.end:tok.i]
                    if m.end <= tok.i and len(gap) <= 3 and gap and all(t.lower_ in _LINKS for t in gap):
                        metric = m
            if metric is None and prev_t is not None and prev_t.lower_ in ("of", "to", "=", ":", "over") and tok.i - 1 > sent.start:
                # "an average score of 91.3", "pushing the GLUE score to 80.5%"
                h = doc[tok.i - 2]
                if lex.head_noun_type.get(h.lemma_.lower()) == "Metric" and h.i not in in_name:
                    mods = []
                    q = h.i - 1
                    while q >= sent.start and q not in in_name and doc[q].head.i == h.i and doc[q].dep_ in ("amod", "compound", "nmod"):
                        mods.insert(0, doc[q])
                        q -= 1
                    metric_name = _metric_text(mods + [h])
            if metric is None and metric_name is None and unit in ("%", "x", "points"):
                np_toks = _noun_phrase(doc, k, sent.end, in_name)
                if np_toks:
                    head = np_toks[-1]
                    if head.lemma_.lower() in _CHANGE_NOUNS:
                        after = head.i + 1
                        if after < sent.end and doc[after].lower_ in ("in", "on") and after + 1 < sent.end:
                            rest = _noun_phrase(doc, after + 1, sent.end, in_name)
                            m2 = next((m for m in metrics if m.start == after + 1 or (rest and m.start <= rest[-1].i < m.end)), None)
                            metric = m2
                            if m2 is None and rest:
                                metric_name = _metric_text(rest)
                        elif head.lemma_.lower() in ("speedup", "speed-up"):
                            metric_name = "speedup"  # "a 3x speedup" measures speed
                        pattern = "number-change"
                    elif lex.head_noun_type.get(head.lemma_.lower()) not in ("Method", "Dataset", "Benchmark", "Task", "Hardware", "Organization"):
                        m2 = next((m for m in metrics if m.start <= head.i < m.end), None)
                        metric = m2
                        metric_name = None if m2 else _metric_text(np_toks)
                        pattern = "number-phrase"
            if metric is None and metric_name is None and pattern == "number-metric" and prev_t is not None and (
                    prev_t.lower_ == "by" or change_to):
                v = prev_t.head if prev_t.head.pos_ in ("VERB", "AUX") else pv
                objs = [c for c in v.children if c.dep_ == "dobj"] if v is not None and v.pos_ in ("VERB", "AUX") else []
                # "outperforms bert2BERT by +12.0%" is the outperforms rule's margin
                if (objs and not any(m.has_token(objs[0]) for m in methods) and not self._negated(v)
                        and v.lemma_.lower() not in lex["outperform_verbs"]):
                    o = objs[0]
                    m2 = next((m for m in metrics if self._in_subtree(m, o)), None)
                    if m2 is not None:
                        metric = m2
                    elif o.pos_ in ("NOUN", "PROPN"):
                        np_toks = [t for t in o.lefts if t.dep_ in ("amod", "compound") and t.i not in in_name] + [o]
                        metric_name = _metric_text(np_toks)
                    if metric is not None or metric_name is not None:
                        pattern = "verb-by"
                        # "reducing the error of FaceNet by 12.3%": relative to FaceNet
                        rel = [m for m in methods if self._in_subtree(m, o) and m.span.root.dep_ == "pobj"]
                        if rel:
                            own_cond = "vs " + rel[0].span.text
            if metric is None and metric_name is None and comparative and unit in ("x", "%") and k < sent.end \
                    and doc[k].lower_ == "than":
                # "3.8 times faster than RetinaNet": a speed ratio against the method after "than"
                metric_name, pattern = comparative, "number-comparative"
                rel = [m for m in methods if m.start in (k + 1, k + 2)]
                if rel:
                    own_cond = "vs " + rel[0].span.text
            if metric is None and metric_name is None and unit == "fps":
                metric_name, pattern = "FPS", "number-fps"
            if metric is None and metric_name is None and pattern == "number-metric" and eval_sent:
                # "96.9 (+0.2) on PKU": a bare score on a named dataset
                q = j
                if q < sent.end and doc[q].text == "(":
                    while q < sent.end and doc[q].text != ")" and q - j < 6:
                        q += 1
                    q += 1
                if q + 1 < sent.end and doc[q].lower_ in ("on", "in") and any(d.start == q + 1 or (d.start == q + 2 and doc[q + 1].lower_ == "the") for d in datasets):
                    pattern = "number-on-dataset"
                else:
                    continue
            elif metric is None and metric_name is None and pattern == "number-metric":
                continue
            # "around 2 BLEU points behind it": a deficit, not a result
            end_m = metric.end if metric is not None else k
            if any(t.lower_ in ("behind", "worse", "short") for t in doc[end_m:min(end_m + 3, sent.end)]):
                continue
            # --- not a result: a setup number ("we use 10% of the data", "a learning
            # rate of 0.001", "with a dropout rate of 0.1")
            mwords = (metric.span.text if metric is not None else metric_name or "").lower().replace("-", " ").split()
            # "set the dropout rate to 0.5": the words before a bare "rate" count too
            m_at = metric.start if metric is not None else (tok.i - 2 if prev_t is not None and prev_t.lower_ in ("of", "to", "=", ":") else tok.i)
            mwords += [t.lower_ for t in doc[max(sent.start, m_at - 2):max(sent.start, m_at)]]
            if set(mwords) & lex["hyperparameter_words"]:
                continue
            # --- the method
            gov = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if gov is not None and (self._negated(gov) or gov.lemma_.lower() in lex["setup_verbs"]):
                continue
            subj = _subject_of(gov) if gov is not None else None
            if subj is None and gov is not None:
                subj = _subject_of(sent.root)
            heads = [h for h in (self._subjects(subj.head, methods, main) if subj is not None else []) if h not in beaten]
            pronoun = subj is not None and subj.lower_ in ("it", "they", "this")
            own = subj is not None and bool({t.lower_ for t in subj.subtree} & {"we", "our", "it", "its", "this", "which", "they", "proposed"})
            named = subj is not None and any(subj.left_edge.i <= m.span.root.i <= subj.right_edge.i for m in methods)
            if subj is not None and not named and not own:
                continue  # "a phrase-based SMT system achieves a BLEU score of 33.3": not a method of ours
            if heads:
                # the method that is the subject word itself, else the one nearest the verb
                by_i = {m.i: m for m in methods}
                head = next((h for h in heads if h in by_i and by_i[h].has_token(subj)), heads[-1])
            elif own and not named and main is not None and subj.lower_ in ("we", "it", "they", "this"):
                head = main  # "we get 22.5 BLEU points in …": the document's method
            else:
                # a method named before the verb ("… the COCO-style AP by 2.3 points":
                # a modifier of the measure is not the method)
                limit = gov.i if gov is not None and gov.i < tok.i else tok.i
                before = [m for m in methods if m.start < limit and m.i not in beaten
                          and not _under_prep(m, None, ("than", "over", "with", "like", "from", "against", "to"))]
                head = before[-1].i if before else (
                    main if main is not None and (self_ref or pronoun or not methods) else None)
            if head is None:
                continue
            # --- the dataset
            # "52.8% AP on COCO": a dataset after the number in an "on/in/…" phrase
            # (before the next number); else "the GLUE score to 80.5%": the nearest before
            nxt = nums[n_k + 1].i if n_k + 1 < len(nums) else sent.end
            after = [d for d in datasets if tok.i < d.start < nxt and any(
                t.lower_ in ("on", "in", "across", "over", "for", "of") for t in doc[max(tok.i, d.start - 3):d.start])]
            before_d = [d for d in datasets if d.end <= tok.i]
            dataset = after[0].i if after else (before_d[-1].i if before_d else None)
            if group and respectively and len(datasets) == len(group):
                dataset = datasets[group.index(tok)].i
            if dataset is None and not datasets and pronoun and prev is not None:
                dataset = prev.get("dataset")
            if any(r["method"] == head and r["value"] == canonical_decimal(value) for r in stated):
                continue  # "outperforms Y by 15 BLEU": the outperforms rule's margin already
            out.append((tok, _result(head, dataset, metric.i if metric else None, value, unit, sent,
                                     pattern, 0.8 if pattern != "number-on-dataset" else 0.7,
                                     condition=own_cond, metric_name=metric_name)))
        results = [r for _, r in out]
        for ctok, text in conditions:
            for rtok, r in out:
                if r["condition"] is None and (rtok.i < ctok.i or text[:3].lower() == "to "):
                    r["condition"] = text
        return results


def canonical_decimal(value: str) -> str:
    """The canonical ``xsd:decimal`` lexical form of a number as written:
    no sign for positives, no thousands separators, at least one digit on each
    side of the point ("+12.0" → "12.0", "1,700" → "1700.0", "300" → "300.0").

    Examples
    --------
    >>> [canonical_decimal(v) for v in ("+12.0", "1,700", "300", "-0.5", ".5")]
    ['12.0', '1700.0', '300.0', '-0.5', '0.5']
    """
    from decimal import Decimal

    v = value.replace(",", "").lstrip("+~")
    d = Decimal(v)
    text = format(d, "f")
    if "." not in text:
        text += ".0"
    if text.startswith("."):
        text = "0" + text
    if text.startswith("-."):
        text = "-0" + text[1:]
    return text


def _subject_of(verb: Token) -> Token | None:
    """The nominal subject of ``verb``, climbing conjunctions and adverbial /
    complement clauses ("X achieves … and reduces …", "X outperforms …, while
    consuming …"); the head noun for a participle or relative clause."""
    v = verb
    for _ in range(4):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
        if v.dep_ in ("relcl", "acl"):
            return None
        if v.dep_ not in ("conj", "advcl", "xcomp") or v.head.i == v.i:
            return None
        v = v.head
    return None


def _unit(text: str | None) -> str | None:
    """A unit as written → its normal form: "%"/"percent" → "%", "x"/"X"/"×" →
    "x", "point(s)"/"pp" → "points", "FPS" → "fps", else lower case; None stays None."""
    if text is None:
        return None
    t = text.lower()
    if t in ("%", "percent"):
        return "%"
    if t in ("x", "×", "times", "fold", "-fold"):
        return "x"
    if t in ("point", "points", "pp"):
        return "points"
    return t


def _noun_phrase(doc: Doc, k: int, end: int, in_name: set[int]) -> list[Token]:
    """The adjective/noun run starting at token ``k`` (at most 4 words, before
    ``end``) that ends in a noun: "computational costs", "communication volume".
    Empty if it starts inside a name or ends in no noun."""
    toks: list[Token] = []
    while k < end and len(toks) < 4:
        t = doc[k]
        if t.i in in_name or t.is_punct or not (t.pos_ in ("ADJ", "NOUN", "PROPN") or (
                t.tag_ in ("VBG", "VBN") and toks and k + 1 < end and doc[k + 1].pos_ == "NOUN")):
            break
        toks.append(t)
        k += 1
    while toks and toks[-1].pos_ not in ("NOUN", "PROPN"):
        toks.pop()
    if not toks or toks[0].i in in_name:
        return []
    return toks


def _metric_text(toks: list[Token]) -> str:
    """A metric name from the words that state it, normalised: lower case but
    acronyms kept ("AP"), the last word singular ("computational costs" →
    "computational cost")."""
    words = []
    for n, t in enumerate(toks):
        w = t.text if any(c.isupper() for c in t.text[1:]) or (t.text.isupper() and len(t.text) > 1) else t.lower_
        if n == len(toks) - 1 and t.tag_ == "NNS" and not t.text.isupper() and t.lower_.endswith("s"):
            w = t.lemma_.lower()
        words.append(w + (t.whitespace_ if n < len(toks) - 1 else ""))
    return "".join(words)


def _result(method, dataset, metric, value, unit, sent, pattern, conf, condition=None, metric_name=None) -> dict:
    return {
        "method": method, "dataset": dataset, "metric": metric, "metric_name": metric_name,
        "value": canonical_decimal(value), "unit": unit, "condition": condition,
        "evidence": [sent.start_char, sent.end_char], "pattern": pattern, "confidence": conf,
    }


_self_subject = _has_self_subject
_is_propose = _is_propose_verb


def _direct_object_path(m: _M, verb: Token, lex: Lexicon) -> bool:
    """True if the mention is the verb's object, possibly through appositions,
    conjunctions, compounds or a naming participle ("a detector, named X") —
    not inside a prepositional phrase or a relative/adverbial clause."""
    tok = m.span.root
    while tok.i != verb.i:
        if tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"):
            return False
        if tok.dep_ in ("prep", "pobj", "relcl", "advcl", "ccomp", "pcomp", "agent", "nsubj", "nsubjpass", "mark", "xcomp"):
            return False
        if tok.dep_ == "acl" and tok.lemma_.lower() not in lex["naming_verbs"]:
            return False
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


def _listed_with(m: _M, others: list[_M]) -> bool:
    """True if the mention is coordinated with or in apposition to one of
    ``others`` ("IJB-A, YouTube Face and Celebrity-1000"), or is a modifier inside
    one of them. To test many mentions against the same ``others``, build one
    :class:`_ListedWith` (linear in the sentence instead of quadratic)."""
    return _ListedWith(others)(m)


_LIST_DEPS = ("conj", "appos")
_LIST_UP_DEPS = ("conj", "appos", "compound")


class _ListedWith:
    """``_listed_with(m, others)`` for many mentions ``m`` against one ``others``.

    The rule: walk from ``m``'s root along conj/appos edges (down and up) and
    compound edges (up only); ``m`` is listed when a token reached (other than the
    root) lies in one of ``others``. On a dependency tree the tokens reached from
    ``x`` are ``D(x)`` (its conj/appos descendants, ``x`` included) when ``x`` has
    no upward edge; ``reach(head)`` when ``x`` is a conj/appos child (then ``D(x)``
    is inside it); and ``D(x)`` plus the disjoint ``reach(head)`` when ``x`` is a
    compound. Counting the tokens of ``others`` in these sets with memos over the
    tree gives the same answer as the walk, in time linear in the sentence for all
    mentions together (the walk per mention made a 2,000-name list quadratic, issue
    15). The list-separator test looks only at ``others`` ending 1-2 tokens before
    ``m`` or starting 1-2 tokens after it, the only ones it can accept.
    """

    def __init__(self, others: list[_M]):
        self.others = others
        self.covered: set[int] = set()
        self.by_end: dict[int, list[_M]] = {}
        self.by_start: dict[int, list[_M]] = {}
        for o in others:
            self.covered.update(range(o.start, o.end))
            self.by_end.setdefault(o.end, []).append(o)
            self.by_start.setdefault(o.start, []).append(o)
        self._down: dict[int, int] = {}
        self._reach: dict[int, int] = {}

    def _down_count(self, tok: Token) -> int:
        """Tokens of ``others`` among ``tok`` and its conj/appos descendants."""
        memo = self._down
        stack = [(tok, False)]
        while stack:
            t, expanded = stack.pop()
            if t.i in memo:
                continue
            kids = [c for c in t.children if c.dep_ in _LIST_DEPS]
            if expanded:
                memo[t.i] = (t.i in self.covered) + sum(memo[c.i] for c in kids)
            else:
                stack.append((t, True))
                stack.extend((c, False) for c in kids if c.i not in memo)
        return memo[tok.i]

    def _reach_count(self, tok: Token) -> int:
        """Tokens of ``others`` reachable from ``tok`` (``tok`` included)."""
        memo = self._reach
        chain = []
        t = tok
        while t.i not in memo:
            chain.append(t)
            if t.dep_ in _LIST_UP_DEPS and t.head.i != t.i:
                t = t.head
            else:
                break
        for t in reversed(chain):
            if not (t.dep_ in _LIST_UP_DEPS and t.head.i != t.i):
                memo[t.i] = self._down_count(t)
            elif t.dep_ == "compound":
                memo[t.i] = memo[t.head.i] + self._down_count(t)
            else:
                memo[t.i] = memo[t.head.i]
        return memo[tok.i]

    def __call__(self, m: _M) -> bool:
        root = m.span.root
        if self._reach_count(root) - (root.i in self.covered) > 0:
            return True
        doc = m.span.doc
        # the parse often breaks long name lists: "YouTube Face, Celebrity-1000 video
        # face recognition benchmarks" — a name whose neighbour in a ", / and" list is a
        # dataset, or that modifies a dataset head noun, is a dataset
        lex = load_lexicon()
        if root.dep_ == "compound" and lex.head_noun_type.get(root.head.lemma_.lower()) in DATASETS:
            return True
        near = [o for k in (m.start - 1, m.start - 2) for o in self.by_end.get(k, ())]
        near += [o for k in (m.end + 1, m.end + 2) for o in self.by_start.get(k, ())]
        for o in near:
            lo, hi = (o.end, m.start) if o.end <= m.start else (m.end, o.start)
            between = doc[lo:hi]
            if 0 < len(between) <= 2 and all(t.text in (",", "and", "or", "&", ";") for t in between):
                return True
        return False


def _same_name(a: _M | None, b: _M) -> bool:
    """True if ``b`` is ``a``'s acronym or the same gazetteer entry
    ("Discriminative Feature Network" / "DFN")."""
    if a is None:
        return False
    if a.gid and a.gid == b.gid:
        return True
    for x, y in ((a, b), (b, a)):
        words = [w for w in re.split(r"[\s-]+", x.span.text) if w]
        if len(words) > 1 and "".join(w[0] for w in words).lower() == y.span.text.lower().rstrip("s"):
            return True
    return False


def _own_mention(m: _M) -> bool:
    """True for "our X" / "the proposed X" mentions (the authors' own method)."""
    for t in m.span.root.children:
        if t.lower_ == "our" or (t.lower_ == "proposed" and t.i < m.start):
            return True
    return m.start > 0 and m.span.doc[m.start - 1].lower_ in ("our", "proposed")


def _under_prep(m: _M, stop: Token | None, preps: tuple[str, ...]) -> bool:
    """True if the mention hangs under one of ``preps`` below ``stop``."""
    for a in m.span.root.ancestors:
        if stop is not None and a.i == stop.i:
            return False
        if a.dep_ == "prep" and a.lower_ in preps:
            return True
    return False


def _after_lemma(m: _M, lemmas: tuple[str, ...], participle: bool = False) -> bool:
    for a in m.span.root.ancestors:
        if a.pos_ == "VERB":
            return a.lemma_.lower() in lemmas and (not participle or a.tag_ == "VBN")
    return False


def _margin_after(doc: Doc, lo: _M, sent: Span, methods: list[_M], metrics: list[_M] = (),
                  datasets: list[_M] = ()) -> tuple[str, str | None, _M | None, _M | None] | None:
    """The margin stated right after a beaten method: "Y by +12.0%", "Y by nearly
    15 BLEU", "Y by 0.5 points of AP", "Y by 2.2% in accuracy on COCO".

    Returns ``(value, unit, metric mention or None, dataset mention or None)`` or
    None. The metric is a Metric mention right after the number and its unit or
    after "in/of/on (the)"; the dataset one after "on/in (the)" that follows.
    """
    nxt_m = min((m.start for m in methods if m.start > lo.end), default=sent.end)
    i = lo.end
    while i < min(nxt_m, lo.end + 6, sent.end):
        if doc[i].lower_ == "by" and i + 1 < sent.end:
            j = i + 1
            while j < sent.end and doc[j].lower_ in ("nearly", "over", "about", "around", "almost", "up", "to",
                                                       "more", "than", "approximately", "roughly", "+", "~"):
                j += 1
            mt = _NUM_UNIT.match(doc[j].text) if j < sent.end else None
            if mt is None:
                i += 1
                continue
            value, unit = mt.group(1).lstrip("+~"), _unit(mt.group(2))
            k = j + 1
            if unit is None and k < sent.end and doc[k].lower_ in ("%", "percent", "points", "point", "pp", "x", "×"):
                unit = _unit(doc[k].text)
                k += 1
            if k + 1 < sent.end and doc[k].lower_ in ("out", "of") and (
                    _NUM_UNIT.match(doc[k + 1].text) or doc[k + 1].lower_ == "of"):
                return None  # "by 48 out of 54 treebanks": a count, not a margin
            # "by 5.1% and 6.6% in accuracy": the measure after the list
            while k + 1 < sent.end and doc[k].text in (",", "and") and _NUM_UNIT.match(doc[k + 1].text):
                k += 2
                if k < sent.end and doc[k].lower_ in ("%", "percent", "points", "point", "pp", "x", "×"):
                    k += 1
            metric = dataset = None
            q = k
            while q < sent.end and q - k < 3 and doc[q].lower_ in ("in", "of", "on", "the", "absolute", "relative"):
                q += 1
            metric = next((m for m in metrics if m.start == q), None)
            if metric is not None:
                k = metric.end
            if k + 1 < sent.end and doc[k].lower_ in ("on", "in"):
                dataset = next((d for d in datasets if d.start in (k + 1, k + 2)), None)
            return value, unit, metric, dataset
        i += 1
    return None


@Language.factory(
    "kg_relations",
    requires=["doc._.kg_mentions", "token.dep"],
    assigns=["doc._.kg_relations", "doc._.kg_results"],
    default_config={"co_mentions": False},
)
def make_relation_extractor(nlp: Language, name: str, co_mentions: bool) -> RelationExtractor:
    """spaCy factory for :class:`RelationExtractor`."""
    return RelationExtractor(co_mentions=co_mentions)
