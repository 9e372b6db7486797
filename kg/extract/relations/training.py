"""``trainedOn``: "X is trained / pre-trained / fine-tuned on D", "X, pre-trained on D",
"we train X on D", "the ImageNet-pretrained X" — the model linked in the parse to the training verb.

A dataset counts when it is the object of "on", "using" or "with" (or coordinated with
one) under a verb of the lexicon's ``trained_on_verbs``; the model is that verb's
passive subject, its direct object, or the noun a participle or relative clause
modifies ("the ResNet-50 backbone, pre-trained on ImageNet"). "We train our model on
D" gives the proposed method under ``trained-on-self`` (inferred, see
:data:`kg.model.INFERRED_PATTERNS`). Negated or hedged verbs give nothing.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.relations.base import _own_mention

#: prepositions that introduce training data ("trained on D", "fine-tuned using D")
TRAIN_PREPS = ("on", "using", "with", "over", "for")
#: head nouns of a dataset's phrase ("the MNIST dataset", "the SQuAD training set")
_DATA_NOUNS = frozenset({"dataset", "data", "set", "corpus", "benchmark", "database", "split", "collection"})
#: words after a dataset name that make it the model's training data ("ImageNet-pretrained X")
_PRETRAINED_WORDS = ("trained", "pretrained", "pre-trained", "finetuned", "fine-tuned")


#: words of training: a dataset reached through one is training data, not evaluation data
_TRAIN_WORDS = {"train", "pretrain", "pre-train", "fine-tune", "finetune", "training", "pretraining",
                "pre-training", "finetuning", "fine-tuning", "trained", "pretrained", "pre-trained",
                "finetuned", "fine-tuned", "initialize", "initialise", "initialized", "initialised",
                "initialization", "initialisation", "auxiliary"}
#: evaluation verbs that, coordinated with a training word, keep the evaluation ("train and evaluate on D")
_EVAL_VERBS = {"evaluate", "test", "validate", "assess", "benchmark", "compare"}


def _train_word(t: Token) -> bool:
    """A word of :data:`_TRAIN_WORDS`, or "tune" of "fine - tune" split by the tokenizer."""
    if t.lemma_.lower() in _TRAIN_WORDS or t.lower_ in _TRAIN_WORDS or t.lower_.replace("-", "") in _TRAIN_WORDS:
        return True
    return t.lower_ == "tune" and t.i >= 2 and t.doc[t.i - 2].lower_ == "fine"


def _training_modifier(t: Token) -> Token | None:
    """A training word modifying ``t`` ("training ResNet-18", "pre-trained weights"), or None.

    Only the left dependents are read (English modifiers precede their noun): the head
    of a long list has its conjuncts as right children, and reading them for every
    dataset of the list made this quadratic in the list's length."""
    return next((c for c in t.lefts if c.dep_ in ("amod", "compound") and _train_word(c)), None)


def training_path(data: Token) -> list[Token] | None:
    """The parse path from the dataset root ``data`` up to the word that makes it
    training data, or None when it is not training data.

    Training data: a training word on the path up to the clause's verb ("pre-training on
    D", "pretrained on D", "D pretraining", "ImageNet initialisation", "fine-tune BERT on
    D") or modifying a word of it ("auxiliary dataset D", "ImageNet pre-trained weights",
    "training ResNet-18 on D"); not when an evaluation verb is coordinated with the
    training word ("we train and evaluate X on D") nor when the training word heads an
    infinitival purpose clause ("to train X on D, our approach achieves …").
    """
    path = [data]
    if _training_modifier(data) is not None:
        return path
    t = data
    for _ in range(8):
        if t.head.i == t.i:
            return None
        t = t.head
        path.append(t)
        if _train_word(t):
            if t.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
                return None
            coord = [c for c in t.children if c.dep_ == "conj"] + ([t.head] if t.dep_ == "conj" else [])
            return None if any(c.lemma_.lower() in _EVAL_VERBS for c in coord) else path
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound"):
            return None
        if _training_modifier(t) is not None:
            return path
    return None


def training_context(data: Token) -> bool:
    """True if the dataset root ``data`` is training data (:func:`training_path`)."""
    return training_path(data) is not None


def training_verb(d, datasets: list, verbs) -> Token | None:
    """The training verb whose "on/using/with" object dataset mention ``d`` is ("trained
    on D", "fine-tune X on D and E"), or None. ``datasets`` are the sentence's dataset
    mentions (a name the parser hangs from the next one in a list counts as listed)."""
    r = d.span.root
    # "on BooksCorpus and English Wikipedia" (the parser may hang the first
    # name from the last as a modifier)
    while r.head.i != r.i and (r.dep_ in ("conj", "appos") or (
            r.dep_ in ("nmod", "compound") and any(o.has_token(r.head) for o in datasets))):
        r = r.head
    # "on the MNIST dataset": the head noun of the name is the preposition's object
    if r.dep_ in ("compound", "nmod") and r.head.lemma_.lower() in _DATA_NOUNS:
        r = r.head
        while r.dep_ in ("conj", "appos") and r.head.i != r.i:
            r = r.head
    if r.dep_ != "pobj" or r.head.lower_ not in TRAIN_PREPS:
        return None
    v = r.head.head
    # "we train VAEs on D", "train ResNet-50 for 90 epochs on D": the parser may hang
    # the phrase from the object; climb object and preposition links to the verb
    u = v
    if v.pos_ in ("NOUN", "PROPN") and v.dep_ == "pobj" and v.head.lower_ == "for":
        v = v.head.head  # "for 90 epochs on D"
    if v.pos_ in ("NOUN", "PROPN") and v.dep_ == "dobj":
        v = v.head  # "train VAEs on D"
    if v is not u and v.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
        return None  # "to train a CNN on D, our approach achieves …": the setting of a result
    if v.lemma_.lower() not in verbs and v.lower_.replace("-", "") not in ("pretrained", "finetuned"):
        return None
    return v


class TrainingRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_trained_on(self, c, s) -> None:
        """Add ``trainedOn`` relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        verbs = set(self.lex["trained_on_verbs"])
        doc = s.sent.doc
        for d in s.datasets:
            # "the ImageNet-trained VGG-16", "Kinetics pretrained 3D CNNs"
            k = d.end
            while k < s.sent.end and k - d.end < 2 and doc[k].text == "-":
                k += 1
            if k < s.sent.end and doc[k].lower_.lstrip("-") in _PRETRAINED_WORDS:
                m = next((m for m in s.methods if k < m.start <= k + 2 and not m.generic), None)
                if m is not None:
                    c.add("trainedOn", m.i, d.i, s.sent, "data-trained-model", 0.7)
            v = training_verb(d, s.datasets, verbs)
            if v is None:
                # "training ResNet-18 on Kinetics", "fine-tune BERT on RACE" (parsed as a
                # noun phrase): a named model on the path from the dataset to the training word
                path = training_path(d.span.root)
                if not path:
                    continue
                on_path = [m.i for m in s.methods if not m.generic and not _own_mention(m)
                           and not m.has_token(d.span.root) and any(m.span.root.i == t.i for t in path[1:])]
                for h in on_path[:2]:
                    c.add("trainedOn", h, d.i, s.sent, "train-context", 0.6)
                continue
            r = d.span.root
            if self._negated(v):
                continue
            heads, pattern = self._trained_models(v, s.methods, c.main)
            for h in heads:
                if h in c.ms_by_i and c.ms_by_i[h].has_token(r):
                    continue
                # the inferred rule is trusted no more than the audited "trained-on" (0.05, fit_confidence.py)
                c.add("trainedOn", h, d.i, s.sent, pattern, 0.7 if pattern == "trained-on" else 0.05)

    def _trained_models(self, v: Token, methods: list, main: int | None) -> tuple[list[int], str]:
        """Model mention indices the training verb ``v`` is about, and the rule name."""
        def within(tok: Token, hi: int | None = None) -> list:
            lo, top = tok.left_edge.i, tok.right_edge.i if hi is None else hi
            return [m for m in methods if lo <= m.span.root.i <= top]

        # "the ResNet-50 backbone, pre-trained on ImageNet": the modified noun
        if v.dep_ in ("acl", "relcl", "amod") and v.head.i != v.i:
            noun = v.head
            ms = within(noun, v.left_edge.i - 1) or [m for m in methods if m.span.root.i == noun.i]
            named = [m.i for m in ms if not m.generic and not _own_mention(m)]
            if named:
                return named[:2], "trained-on"
            if any(_own_mention(m) for m in ms) and main is not None:
                return [main], "trained-on-self"
            return [], "trained-on"
        # "a ResNet-101 backbone, pre-trained on ImageNet" parsed as a clause of its
        # own: the noun phrase right before the participle
        k = v.i - 1
        while k >= v.sent.start and v.doc[k].lower_ in ("pre", "-", ","):
            k -= 1
        if v.tag_ == "VBN" and k >= v.sent.start and k < v.i - 1 and not any(
                c.dep_ in ("nsubjpass", "auxpass") for c in v.children):
            prev = v.doc[k]
            named = [m.i for m in methods if not m.generic and not _own_mention(m)
                     and (m.has_token(prev) or m.span.root.head.i == prev.i)]
            if named:
                return named[:2], "trained-on"
        u = v
        while u.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in u.children) and u.head.i != u.i:
            u = u.head
        subj = [c for c in u.children if c.dep_ in ("nsubj", "nsubjpass")]
        obj = [c for c in v.children if c.dep_ == "dobj"]
        for group in ([o for o in obj], [x for x in subj if x.dep_ == "nsubjpass" or not obj]):
            ms = [m for g in group for m in within(g)]
            named = [m.i for m in ms if not m.generic and not _own_mention(m)]
            if named:
                return named[:2], "trained-on"
            if any(_own_mention(m) for m in ms) and main is not None:
                return [main], "trained-on-self"
        if main is not None and any(x.lower_ == "we" for x in subj) and any(
                t.lower_ in ("model", "network", "method", "approach", "framework", "detector") for g in obj for t in g.subtree
                if any(a.lower_ in ("our", "proposed") for a in t.children)):
            return [main], "trained-on-self"
        return [], "trained-on"
