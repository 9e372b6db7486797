"""``outperforms``: "X outperforms/surpasses/beats Y", "better than / superior to Y";
margins ("by +12.0%") as results. The beaten method is what the verb's object names,
not a method in an "on/in/for/including …" phrase or in a clause below the verb."""

from __future__ import annotations

import re

from kg.extract.doccache import doc_text
from kg.extract.relations.base import _margin_after, _result, _under_prep

#: Words that end the list of methods compared after "better than" ("…, but worse than X").
_CONTRAST = re.compile(r"\b(?:worse|but|while|whereas|although|though|lower|inferior|except|unlike)\b|;", re.I)


def _in_clause_below(m, verb) -> bool:
    """True if mention ``m`` sits in a clause of its own below ``verb`` (a relative,
    adverbial, complement or coordinated clause: "dominated … after the work by Toshev
    et al. who used AlexNet", "outperforms Opus and approaches EVS"): not the verb's
    object, so not the method beaten."""
    t = m.span.root
    while t.i != verb.i and t.head.i != t.i:
        if t.dep_ in ("relcl", "acl", "advcl", "ccomp", "conj") and t.pos_ in ("VERB", "AUX"):
            return True  # ("outperforms Opus and approaches EVS": a verb of its own; 27th audit)
        t = t.head
    return False


#: Only a coordinator between two names: "A and B", "A, B", "A/B", "A or B".
_COORD = re.compile(r"^\s*(?:,|/|&|and|or|,\s*and|,\s*or)\s*$")


def _coordinated(doc, ms_by_i, w: int, lo) -> bool:
    """True if mention ``w`` (a mention index, ``ms_by_i`` maps it) and mention ``lo`` are items of one
    list, only a coordinator between them (21st audit: "the most recent model beating
    GPT-4o and Claude 3.5" read as GPT-4o beating Claude 3.5, and the reverse)."""
    a = ms_by_i[w].span if w in ms_by_i else None
    if a is None:
        return False
    b = lo.span
    first, second = (a, b) if a.end_char <= b.start_char else (b, a)
    if first.end_char > second.start_char:
        return False
    return _COORD.match(doc_text(doc)[first.end_char:second.start_char]) is not None  # (doc.text joins every token)


def _passive(verb) -> bool:
    """True for a passive comparison verb ("is outperformed", "outperformed by X")."""
    return any(ch.dep_ in ("auxpass", "agent", "nsubjpass") for ch in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ == "acl")


def _adjacent_pair(doc, tok, methods, ms_by_i) -> tuple[list[int], list]:
    """Winner and losers of a comparison verb read from the order of the words, for
    parses that lost the subject: a name ending right before ``tok`` (an adverb
    between is allowed: "X clearly beats Y") and the names starting right after it,
    with the names coordinated with them ("outperforms RoBERTa and XLNet").

    Returns ``([winner mention index], [loser mentions])``, or empty lists when either
    end is missing or the verb is passive ("X is outperformed by Y" says the reverse).
    """
    k = tok.i
    while k > 0 and doc[k - 1].pos_ == "ADV" and tok.i - k < 2:
        k -= 1
    left = [m for m in methods if m.end == k]
    right = [m for m in methods if m.start == tok.i + 1]
    if not left or not right or any(t.lower_ in ("is", "are", "was", "were", "be", "been", "being") for t in doc[k - 1:k]):
        return [], []
    if doc[tok.i + 1:tok.i + 2].text.lower() == "by":
        return [], []
    losers = [right[0]]
    for m in sorted(methods, key=lambda x: x.start):
        if m.start > losers[-1].start and _coordinated(doc, ms_by_i, losers[-1].i, m):
            losers.append(m)
    return [left[-1].i], losers


class OutperformsRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _compared(self, tok, methods, main, ms_by_i) -> tuple[list[int], list]:
        """Winners (mention indices) and losers (mentions) of comparison verb ``tok``
        from the parse. Active: the subjects win over the objects; passive ("X is
        outperformed by Y", "X, surpassed by Y"): the "by" agent wins over the subject,
        and nothing without an agent."""
        if _passive(tok):
            agent = next((ch for ch in tok.children if ch.dep_ == "agent"), None)
            if agent is None:
                return [], []
            winners = [m.i for m in methods if self._in_subtree(m, agent)][:3]
            subj = self._subjects(tok, methods, None)
            if not subj and main is not None and any(
                    t.lower_ in ("our", "proposed") for ch in tok.children if ch.dep_ == "nsubjpass" for t in ch.subtree):
                subj = [main]  # "our model is outperformed by GPT-4"; not "it" (SciER train: "it" was another method)
            losers = [ms_by_i[i] for i in dict.fromkeys(subj) if i in ms_by_i]
            return winners, [lo for lo in losers if lo.i not in winners]
        winners = self._subjects(tok, methods, main)
        losers = [m for m in methods if m.start > tok.i and self._in_subtree(m, tok)
                  and not _under_prep(m, tok, ("on", "in", "across", "with", "at", "for", "including", "after", "during"))
                  and not _in_clause_below(m, tok)]
        return winners, losers

    def _rel_outperforms(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        doc, add, main, results = c.doc, c.add, c.main, c.results
        sent, sm, methods, datasets = s.sent, s.sm, s.methods, s.datasets
        self_ref, beaten = s.self_ref, s.beaten
        for tok in sent:
            lem = tok.lemma_.lower()
            if lem not in self.lex["outperform_verbs"] or self._negated(tok):
                continue
            winners, losers = [], []
            if tok.pos_ in ("VERB", "AUX"):
                winners, losers = self._compared(tok, methods, main, c.ms_by_i)
            if not winners or not losers:
                # "FooNet outperforms RoBERTa": the small parser reads the first name as a
                # compound of the verb taken as a noun; the order of the words still says it
                w2, l2 = _adjacent_pair(doc, tok, methods, c.ms_by_i)
                if w2 and l2:
                    winners, losers = w2, l2
            for lo in losers:
                beaten.add(lo.i)
                for w in winners:
                    if w == lo.i or _coordinated(doc, c.ms_by_i, w, lo):
                        continue  # "beating GPT-4o and Claude 3.5": two of the beaten, not a winner and a loser
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
                # "better than char-CNN and, a bit worse than VDCNN": a contrast ends the
                # compared list (thirteenth blind audit)
                after = [m for m in methods if m.span.start_char >= pos and m.span.start_char - pos < 60
                         and not _CONTRAST.search(sent.text[pos - sent.start_char:m.span.start_char - sent.start_char])]
                before = [m for m in methods if m.span.end_char <= sent.start_char + k]
                winners = [before[-1].i] if before else ([main] if main is not None and self_ref else [])
                for lo in after[:3]:
                    beaten.add(lo.i)
                    for w in winners:
                        add("outperforms", w, lo.i, sent, "better-than", 0.8)
