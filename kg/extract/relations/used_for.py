"""``usedFor``: "X for <Task>", state of the art on a task, purpose clauses, studied tasks."""

from __future__ import annotations

from spacy.tokens import Span

from kg.extract.relations.base import _M, _is_propose, _ListedWith, _self_subject


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
                    if (m.span.root.i == gov.i or (m.end <= r.head.i and r.head.i - m.end <= 2)
                            or (gov.dep_ == "appos" and gov.head.i == m.span.root.i)):
                        add("usedFor", m.i, t.i, sent, "method-for-task", 0.8)
        if tasks:
            for h, t, pattern, conf in self._used_for(sent, methods, tasks, proposed, main, self_ref, beaten):
                add("usedFor", h, t.i, sent, pattern, conf)
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
