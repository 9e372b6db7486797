"""``usedFor``: "X for <Task>", state of the art on a task, purpose clauses, studied tasks."""

from __future__ import annotations

from spacy.tokens import Span

from kg.extract.relations.base import _M, _inside_longer_name, _is_propose, _ListedWith, _own_mention, _self_subject


class UsedForRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_used_for(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        add, main, proposed, sent = c.add, c.main, c.proposed, s.sent
        methods, tasks, self_ref, beaten = s.methods, s.tasks, s.self_ref, s.beaten
        for t in tasks:
            r = t.span.root
            if r.dep_ == "pobj" and r.head.lower_ == "for":
                gov = r.head.head
                for m in methods:
                    if _inside_longer_name(m):
                        continue  # "Audio Transformers for Sound Event Detection": the longer name's
                    if (m.span.root.i == gov.i or (m.end <= r.head.i and r.head.i - m.end <= 2)
                            or (gov.dep_ == "appos" and gov.head.i == m.span.root.i)):
                        add("usedFor", m.i, t.i, sent, "method-for-task", 0.8)
        if tasks:
            for h, t, pattern, conf in self._used_for_linked(s):
                add("usedFor", h, t.i, sent, pattern, conf)
            for h, t, pattern, conf in self._used_for(sent, methods, tasks, proposed, main, self_ref, beaten):
                add("usedFor", h, t.i, sent, pattern, conf)
    def _used_for_linked(self, s) -> list[tuple[int, _M, str, float]]:
        """``usedFor`` pairs a parse link states beyond "X for T" next to each other.

        * ``method-noun-for-task`` — "X, a network for T", "X is a model for T", "a
          X-style model for T": the noun "for T" hangs from has the method as its
          compound, apposition or (through "be") subject.
        * ``method-based-task`` — "X-based T", "X based T": the method right before
          "based" and the task's head right after.
        * ``task-using-method`` — "T using / with / via / by X" where "using …"
          modifies the task noun.
        Named methods only (no generic or "our" mentions). SciER train (60 papers):
        method-noun-for-task 3/4, task-using-method 5/8 correct; "apply X to T" was
        2/8 and is not a rule.
        """
        out: list[tuple[int, _M, str, float]] = []
        methods = [m for m in s.methods if not m.generic and not _own_mention(m) and m.i not in s.beaten]
        if not methods:
            return out
        doc = s.sent.doc
        by_tok = {}
        for m in methods:
            for i in range(m.start, m.end):
                by_tok[i] = m
        def of(tok):
            return by_tok.get(tok.i)
        for t in s.tasks:
            r = t.span.root
            while r.dep_ in ("conj", "appos") and r.head.i != r.i:
                r = r.head
            if r.dep_ == "pobj" and r.head.lower_ == "for":
                prep = r.head
                gov = prep.head
                if prep.lower_ == "for" and gov.pos_ in ("NOUN", "PROPN") and of(gov) is None:
                    cands = [of(c) for c in gov.children if c.dep_ in ("compound", "appos", "nmod", "amod") and of(c)]
                    if not cands and gov.dep_ in ("appos",) and of(gov.head):
                        cands = [of(gov.head)]
                    if not cands and gov.dep_ == "attr" and gov.head.lemma_ == "be":
                        cands = [of(c) for c in gov.head.children if c.dep_ == "nsubj" and of(c)]
                    for m in cands[:1]:
                        out.append((m.i, t, "method-noun-for-task", 0.6))
            # "X-based T"
            k = t.start - 1
            if k >= 1 and doc[k].lower_ in ("based", "-based"):
                j = k - 1
                if doc[j].text == "-" and j >= 1:
                    j -= 1
                m = of(doc[j])
                if m is not None:
                    out.append((m.i, t, "method-based-task", 0.6))
            # "T using X"
            for c in t.span.root.children:
                if c.dep_ in ("acl", "prep") and c.lower_ in ("using", "with", "via", "by"):
                    for m in methods:
                        if c.i < m.span.root.i <= c.right_edge.i and m.span.root.head.i in (c.i,) + tuple(x.i for x in c.children):
                            out.append((m.i, t, "task-using-method", 0.6))
                            break
        return out

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
