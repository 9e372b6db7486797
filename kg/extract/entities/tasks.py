"""Task names (``pattern`` source of :class:`kg.extract.entities.EntityTyper`).

Task noun phrases by their head noun ("rotated object detection"), kept only when
they read as a name (:func:`_task_phrase_is_name`); "the X task" where X is a name
("the Text-to-SQL task"); and a listed Task after a hyphenated setting adjective,
the qualified task ("the cross-domain Text-to-SQL task").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kg.extract.entities.common import _AMBIGUOUS_TASK_HEADS, _DERIVED_ADJ, _GENERIC_TASK_MODS, _Cand, _headline_tokens

# Predicate of :meth:`ContextRules._token_mask` (module level: a memo key): the
# first test of the rule that uses it, on the token's string.


def _is_task_word(low: str) -> bool:
    return low in ("task", "tasks")


#: Heads of noun phrases that describe a step of a method more often than they name a
#: task ("semantic term matching", "output resolution", "parameter estimation",
#: "feature extraction"): 1 of 8 such task phrases was a name in three blind audits.
_STEP_TASK_HEADS = {"matching", "resolution", "extraction", "estimation", "alignment"}
#: Modifiers that describe how or which part, not what task: "final detection",
#: "better object localization", "entire output translation", "high-resolution
#: predictions" (blind audits: none of 14 such phrases was a task name).
_DESCRIPTIVE_TASK_MODS = {"final", "better", "entire", "full", "aggressive", "exact", "conditional", "coarse",
                          "static", "integral", "whole", "overall", "initial", "intermediate", "accurate",
                          "efficient", "fast", "robust", "joint", "simple", "high-level", "low-level", "unary",
                          "output", "input", "regression", "parameter", "network", "pixellevel",
                          "improved", "direct", "standard", "naive", "separate", "subsequent", "additional",
                          "global", "local", "partial", "proper", "correct", "successful", "efficient",
                          "large-scale", "small-scale", "precise", "reliable", "automatic", "manual", "iterative"}


def _task_phrase_is_name(toks: list[Token]) -> bool:
    """Whether a noun phrase with a task head ("scene text detection") reads as the
    name of a task rather than a description of a step: at most four words (hyphens
    not counted: "single-image activity recognition"), a
    singular head (not "person detections", "final pose predictions"), no step head
    (:data:`_STEP_TASK_HEADS`), no descriptive modifier or resolution/level word
    (:data:`_DESCRIPTIVE_TASK_MODS`, "low-resolution predictions"), no bullet, colon
    or quote inside ("• MR: Sentiment prediction").

    Measured on 58 ``pattern:task-phrase`` nodes judged blind (three audits of paper
    text): 20 good before; the rule keeps 19 of them and drops 31 of the 38 others."""
    head = toks[-1]
    phrase = " ".join(t.lower_ for t in toks)
    if "- level" in phrase or "-level" in phrase:
        return False  # "frontier-level reasoning", "pixel-level prediction"
    if sum(1 for t in toks if t.text != "-") > 4 or head.tag_ in ("NNS", "NNPS") or head.lower_ in _STEP_TASK_HEADS:
        return False
    for t in toks[:-1]:
        low = t.lower_
        if low in _DESCRIPTIVE_TASK_MODS or "resolution" in low or low.endswith("-level"):
            return False
        if not any(ch.isalnum() for ch in t.text) and t.text != "-":
            return False
    return True


#: Fields and areas written before "task(s)": "NLP tasks", "core IR tasks", "vision tasks".
_FIELD_WORDS = {"nlp", "ir", "cv", "ai", "ml", "dl", "vision", "language", "speech", "core", "nlu", "nlg"}


def _task_name_ok(name: Span) -> bool:
    """Whether the words before "task" ("the Text-to-SQL task") can name one: not a
    field ("NLP", "core IR"), not a bare dimension ("2D"), no heading marker, bullet
    or colon ("section: Vision", "stream • Dual")."""
    if any(t.text in ("•", ":", "·", "*") or t.lower_ in ("section", "subsection") for t in name):
        return False
    if all(t.lower_ in _FIELD_WORDS for t in name):
        return False
    if not name[0].text[:1].isupper():
        return False  # "target NLP task": a lower-case start is a description
    # a capital only at the sentence's start is no name ("Depth annotation task",
    # "Sequential visual tasks"): blind audits 4-11, "the X task" nodes judged right
    # 0 of 6 (in-sample replay at f98cfa9)
    caps = [c for t in name for c in (t.text[1:] if t.is_sent_start else t.text) if c.isupper()]
    if not caps:
        return False
    return not (len(name) == 1 and re.fullmatch(r"\d+[A-Za-z]", name.text))


class TaskRules:
    """Task finders of :class:`kg.extract.entities.EntityTyper` (a mixin: needs the
    typer's ``lex`` and :class:`~kg.extract.entities.context.ContextRules`)."""

    def _tasks(self, doc: Doc) -> list[_Cand]:
        out = []
        skip_mod = {"new", "novel", "various", "different", "several", "many", "other", "such",
                    "challenging", "difficult", "practical", "existing", "previous", "current",
                    "downstream", "typical", "specific", "multiple", "certain", "same", "main",
                    "more", "most", "less", "further", "key", "popular", "general", "whole", "above"}
        for nc in self._noun_chunks(doc):
            head = nc.root
            if self.lex.head_noun_type.get(head.lemma_.lower()) != "Task" or head.lemma_.lower() == "task":
                continue
            toks = [t for t in nc if t.i <= head.i]
            while toks and (toks[0].pos_ in ("DET", "PRON", "NUM", "PUNCT", "ADV") or toks[0].lower_ in skip_mod or toks[0].dep_ == "poss"):
                toks = toks[1:]
            if len(toks) < 2 or len(toks) > 6:
                continue
            if any(t.pos_ not in ("NOUN", "PROPN", "ADJ", "PUNCT", "VERB") for t in toks):
                continue
            if toks[0].pos_ == "PUNCT":
                continue
            mods = toks[:-1]
            noun_mod = any(t.pos_ in ("NOUN", "PROPN") and t.lower_ not in _GENERIC_TASK_MODS for t in mods)
            if head.lemma_.lower() in _AMBIGUOUS_TASK_HEADS and not noun_mod:
                continue
            if not noun_mod and not any(t.lower_.endswith(("ic", "al", "ive", "ed")) for t in mods if t.pos_ == "ADJ"):
                continue
            if any(t.lower_ in _GENERIC_TASK_MODS for t in mods[:1]):
                continue
            if not _task_phrase_is_name(toks):
                continue
            out.append(_Cand(toks[0].i, head.i + 1, "Task", "pattern:task-phrase"))
        # "the X task" where X is a name: "the Text-to-SQL task"; not in a title-case
        # headline ("AI Evolves to Tackle Complex Tasks")
        headline = None
        for i in self._token_indices(doc, "LOWER", _is_task_word):
            tok = doc[i]
            if tok.lower_ in ("task", "tasks") and i > 0:
                j = i
                while j > 0 and doc[j - 1].pos_ in ("PROPN", "NOUN", "PUNCT", "ADJ") and doc[j - 1].text not in (",", ".", "(", ")") and doc[j - 1].lower_ not in skip_mod:
                    j -= 1
                # a fragment of a hyphenated word ("multi-", "-shot learning") is no name
                broken = doc[j].text == "-" or doc[i - 1].text == "-" or (
                    j > 0 and doc[j - 1].text == "-" and not doc[j - 1].whitespace_
                )
                name = doc[j:i]
                if headline is None and j < i:
                    headline = _headline_tokens(doc)
                if j < i and not broken and any(any(c.isupper() for c in t.text) for t in name) \
                        and _task_name_ok(name) and not any(k in headline for k in range(j, i + 1)):
                    out.append(_Cand(j, i, "Task", "pattern:task-name"))
        return out

    def _qualified_tasks(self, doc: Doc, gaz: list[_Cand]) -> list[_Cand]:
        """A listed Task after a hyphenated setting adjective is the qualified task
        ("the cross-domain Text-to-SQL task", "real-time instance segmentation"):
        the sample guidelines keep qualified variants as names of their own. Ranked
        with the gazetteer so it wins over the listed name inside it; adjectives made
        from a name ("BERT-based") do not qualify."""
        out = []
        for c in gaz:
            if c.label != "Task" or c.start < 3:
                continue
            a, hyph, b = doc[c.start - 3], doc[c.start - 2], doc[c.start - 1]
            if not (hyph.text == "-" and not a.whitespace_ and not hyph.whitespace_):
                continue
            if not (a.is_alpha and b.is_alpha and a.text.islower() and b.text.islower()):
                continue
            if _DERIVED_ADJ.search("-" + b.text) or b.lower_ in ("shot", "level", "scale"):
                continue  # "-based", "few-shot" (a paradigm), "large-scale"
            if c.start >= 4 and doc[c.start - 4].text == "-" and not doc[c.start - 4].whitespace_:
                continue  # "state-of-the-art object detection": the last piece of a longer compound
            out.append(_Cand(c.start - 3, c.end, "Task", "pattern:qualified-task", rank=0))
        return out
