"""Shared pieces of the relation rules: the mention wrapper, word lists, the document and
sentence contexts the rule families read, and small parse helpers."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kg.extract.doccache import doc_text
from kg.extract.entities import _has_self_subject, _is_propose_verb
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.genre import doc_genre

_TITLE_SPLIT = re.compile(r":| for | via | with | using | through ")
_STRONG_EVAL = {"experiment", "evaluate", "evaluation", "achieve", "outperform", "result",
                "state-of-the-art", "sota", "accuracy", "surpass", "obtain", "attain", "exceed", "art"}
#: subordinators of a condition: the clause they open asserts nothing
_CONDITION_MARKS = frozenset({"if", "unless", "whether"})
#: verbs whose negation still reports a result ("did not work well on D")
_RESULT_VERBS = frozenset({"work", "perform", "do", "achieve", "reach", "improve", "generalize", "generalise",
                           "converge", "score", "yield", "scale", "transfer", "lead", "help", "drop", "degrade"})
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





class DocCtx:
    """Per-document state shared by the rule families (internal).

    ``add(label, head, tail, sent, pattern, conf)`` appends one relation dict to ``rels``
    (duplicates and self-loops dropped); ``main`` is the index of the proposed method
    (or None), ``proposed`` all proposed mention indices, ``topic`` the method of a
    "Name: description" title.
    """

    def __init__(self, doc, ms, sents, by_sent, add, rels, results):
        self.doc, self.ms, self.sents, self.by_sent = doc, ms, sents, by_sent
        #: ``doc.text`` once (spaCy joins the tokens on every access)
        self.text: str = doc_text(doc)
        #: first token of each sentence, for :func:`bisect.bisect_right`
        self.sent_starts: list[int] = [s.start for s in sents]
        self.add, self.rels, self.results = add, rels, results
        self.proposed: list[int] = []
        self.main: int | None = None
        self.topic: int | None = None
        self.ms_by_i: dict = {}
        #: lower-case texts of the Dataset/Benchmark mentions (set on first use)
        self.dataset_names: set[str] | None = None
        #: method name → whether the document cites it (filled on use)
        self.cited: dict[str, bool] = {}
        #: character spans of the document's related-work/background sections
        self.background: list[tuple[int, int]] = background_spans(self.text)
        #: end of the title line (a short first line followed by more text), else 0
        first = self.text.find("\n")
        self.title_end: int = first if 0 < first < 200 else 0
        #: "news", "abstract" or "body" (:func:`kg.extract.genre.doc_genre`)
        self.genre: str = doc_genre(doc)

    def in_background(self, sent) -> bool:
        """True if sentence ``sent`` lies in a related-work or background section."""
        return any(a <= sent.start_char < b for a, b in self.background)


#: Headings of sections about prior work ("section: Related Work", "2 Background",
#: "II. RELATED WORK"): the methods they describe are cited ones.
_BACKGROUND_HEAD = re.compile(
    r"(?im)(?:(?<![a-z])section:[ \t]*|^[ \t]*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)?[ \t]*)"
    r"(?:related work|related works|related literature|background|preliminaries|prior work|previous work|"
    r"literature review)\b")
#: Where the next section starts: a top-level structure marker or a numbered heading line.
_NEXT_SECTION = re.compile(r"(?im)(?<![a-z])section:[ \t]|^[ \t]*(?:\d+|[IVX]+)\.?[ \t]+[A-Z][^\n]{0,60}$")


def background_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``[(start, end)]`` of the related-work and background sections of
    ``text``: from a heading (:data:`_BACKGROUND_HEAD`, as a SciREX structure marker or a
    heading line) to the next top-level section. A "we propose/describe X" there is about
    cited work (blind audits 4–6 of SciREX bodies: 6 of 7 proposals and self-evaluations
    from such sections wrong). Linear in the text.

    >>> t = "section: Related Work REINFORCE is old. section: Method We propose MIXER."
    >>> [t[a:b] for a, b in background_spans(t)]
    ['section: Related Work REINFORCE is old. ']
    """
    out = []
    for m in _BACKGROUND_HEAD.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        nxt = _NEXT_SECTION.search(text, m.end())
        out.append((m.start(), nxt.start() if nxt else len(text)))
    return out


class SentCtx:
    """Per-sentence mention groups the rule families read (internal)."""

    __slots__ = ("sent", "sm", "in_name", "lemmas", "methods", "datasets", "hardware", "orgs", "tasks",
                 "self_ref", "beaten")


class RuleBase:
    """Parse helpers shared by the rule families (mixin; needs ``self.lex``)."""

    lex: Lexicon

    def _mentions(self, doc: Doc) -> list[_M]:
        out = []
        for i, m in enumerate(doc._.kg_mentions or ()):
            sp = doc.char_span(m["start"], m["end"], alignment_mode="expand")
            if sp is not None:
                out.append(_M(i, m["label"], sp, m.get("source", ""), bool(m.get("generic")), m.get("gid")))
        return out

    def _hedged(self, tok: Token) -> bool:
        """True if ``tok`` has a hedging auxiliary ("may", "might"; not "could") or a verb
        of aim or expectation above it within four heads ("we aim to design a detector
        that exceeds X": an aim, not a result), not across an adverbial clause ("Since X
        was trained on D, we expect …")."""
        hedges = self.lex["hedges"] - {"could"}
        if any(c.dep_ == "aux" and c.lower_ in hedges for c in tok.children):
            return True
        a = tok
        for _ in range(4):
            if a.dep_ == "advcl" or a.head.i == a.i:
                return False
            a = a.head
            if a.lemma_.lower() in _HEDGE_VERBS:
                return True
        return False

    def _negated(self, tok: Token) -> bool:
        lex = self.lex
        if any((c.dep_ == "neg" or c.lower_ in lex["negations"]) and c.dep_ != "preconj" for c in tok.children):
            return True  # (not "not only … but also")
        if self._hedged(tok):
            return True
        # "fails to outperform", "does not always outperform"
        h = tok.head
        if tok.dep_ == "xcomp" and h.lemma_.lower() in lex["negations"]:
            return True
        return any(c.dep_ == "neg" for c in h.children) and tok.dep_ in ("xcomp", "ccomp")

    def _unasserted(self, verb: Token) -> bool:
        """True if the clause of ``verb`` states no evaluation: its verb is negated or
        hedged (:meth:`_negated`: "they do not evaluate on D", "we expect X would perform
        well on D") and is no verb of a result ("X did not work well on D" reports a
        result), or it is a condition ("if X is trained on D", "unless", "whether")."""
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in verb.children):
            return True
        if self._hedged(verb):
            return True
        return verb.lemma_.lower() not in _RESULT_VERBS and self._negated(verb)

    @staticmethod
    def _in_subtree(m: _M, tok: Token) -> bool:
        return tok.left_edge.i <= m.span.root.i <= tok.right_edge.i

    def _self_ref(self, toks) -> bool:
        words = {t.lower_ for t in toks}
        if words & {"we", "our", "ours", "us"}:
            return True
        for t in toks:
            if t.lemma_.lower() in self.lex["self_methods"] and any(
                c.lower_ in ("our", "this", "proposed") for c in t.children
            ):
                return True
        return False

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


def _inside_longer_name(m) -> bool:
    """True if Method mention ``m`` is only the head of a longer capitalised name: its
    left neighbour is a capitalised word modifying a token of ``m`` ("Vision
    Transformers", "the Tabular Domain Transformer", "Conservative Q-Learning"), so the
    proposed method is the longer name, not ``m`` (sixth blind audit: 3 wrong
    proposals, 3 wrong ``method-for-task`` pairs). A sentence's first word counts too
    ("Vision Transformers are …"): only a modifier's dependency makes it part of the name."""
    span = m.span
    if span.start == 0:
        return False
    left = span.doc[span.start - 1]
    if not left.is_alpha or not (left.is_title or left.is_upper) or len(left) < 2:
        return False
    if left.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):
        return False  # "Meta Llama 3", "Google Gemini": a maker, not part of the name
    if left.pos_ in ("DET", "ADP", "CCONJ", "PRON", "AUX", "VERB", "PART", "SCONJ") or left.tag_ in ("VBG", "VBN", "VBD", "VBZ"):
        return False
    return left.dep_ in ("compound", "amod", "nmod") and span.start <= left.head.i < span.end


#: Verbs whose objects, with "we" as subject, are parts the authors put together
#: ("We use new features: WRC, CSP, CmBN, … and combine some of them to achieve …").
_ASSEMBLE_VERBS = frozenset({"use", "employ", "adopt", "combine", "integrate", "incorporate", "leverage", "utilize",
                             "utilise", "apply", "add"})


def used_by_authors(root: Token) -> bool:
    """True if the mention with root token ``root`` is (in a list) the object of a verb
    of :data:`_ASSEMBLE_VERBS` whose subject is "we": a part the authors use, not the
    system a result in the sentence belongs to (27th audit: "CmBN evaluatedOn COCO",
    "CmBN runsOn V100" from a list of YOLOv4's parts, both judged wrong). Walks up at
    most 8 links, through lists and noun modifiers only."""
    t = root
    for _ in range(8):
        if t.head.i == t.i:
            return False
        if t.dep_ not in ("conj", "appos", "compound", "dobj", "npadvmod", "dep", "nmod", "amod"):
            return False
        t = t.head
        if t.pos_ == "VERB":
            return t.lemma_.lower() in _ASSEMBLE_VERBS and any(
                c.dep_ == "nsubj" and c.lower_ == "we" for c in t.children)
    return False
