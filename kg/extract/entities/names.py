"""Names nobody listed: the ``pattern`` source of :class:`kg.extract.entities.EntityTyper`.

Mixed-case and digit-bearing words ("FedEMA", "ICRL-Net", "bert2BERT",
"Yelp-2013"; :func:`kg.extract.entities.shapes.name_shape`) typed from their
context (:mod:`kg.extract.entities.context`); a capitalised word after a naming
verb or before a head noun or version ("called Reactor", "our Vega method", "Vega
v2"); a capitalised word the authors propose, at every occurrence; title-case
method names in running text ("Gated Graph Neural Network"); a paper title that
starts with its method's name. :meth:`NameRules._names` also runs the hardware and
dataset-phrase finders (:mod:`kg.extract.entities.hardware`,
:mod:`kg.extract.entities.datasets`).
"""

from __future__ import annotations

import re

import numpy as np

from spacy.tokens import Doc

from kg.extract.doccache import doc_text
from kg.extract.entities.common import _DERIVED_ADJ, _STRIP, _VERSION, _Cand, _headline_tokens
from kg.extract.entities.context import _has_self_subject, _is_propose_verb
from kg.extract.entities.shapes import name_shape
from kg.extract.node_words import _GENERIC_ENTRIES

#: A whole word of :meth:`EntityTyper._names` (a maximal run of characters other than
#: whitespace, "/" and brackets) that holds an ASCII capital or a non-ASCII character.
_WORD_MAYBE_CAPITAL = re.compile(r"(?<![^\s/()\[\]{}])(?=[^\s/()\[\]{}]*[A-Z\u0080-\U0010FFFF])[^\s/()\[\]{}]+")
#: First words of paper titles that do not start with a method's name.
_TITLE_NOT_NAME = {"towards", "toward", "on", "beyond", "rethinking", "revisiting", "understanding", "improving",
                   "exploring", "why", "how", "what", "when", "does", "do", "can", "is", "are", "a", "an"}
_SELF_BODY = re.compile(r"\b(?:we|our|this paper|this work)\b", re.I)
_TITLE_SPLIT = re.compile(r":| for | via | with | using | in | on | through ")

# Predicates of :meth:`ContextRules._token_mask` (module level: memo keys). Each is
# the first test of the rule that uses it, on the token's string.


def _starts_upper(text: str) -> bool:
    return text[:1].isupper()


def _is_object_dep(dep: str) -> bool:
    return dep in ("dobj", "attr", "oprd")


#: A decimal version ("3.0", "2.5") between a capitalised word and a model noun
_DECIMAL_VERSION = re.compile(r"^\d\.\d{1,2}$")
#: Nouns that make "<Word> <version>" a model's name ("Granite 3.0 models")
_MODEL_HEADS = frozenset({"model", "models", "llm", "llms"})
#: Capitalised words that number things, not model families ("the Version 2.0 model")
_NOT_FAMILY_WORDS = frozenset({"version", "release", "phase", "stage", "level", "model", "table", "figure", "fig",
                               "section", "step", "part", "tier", "type", "class", "series", "generation", "update",
                               "edition", "chapter", "appendix", "eq", "equation"})


class NameRules:
    """Pattern name finders of :class:`kg.extract.entities.EntityTyper` (a mixin:
    needs the typer's ``lex``, ``default_unknown`` and the other rule mixins)."""

    def _names(self, doc: Doc) -> list[_Cand]:
        out: list[_Cand] = []
        # the words (runs of characters other than spaces, slashes and brackets) with an
        # ASCII capital or a non-ASCII character: the others have no capital, so no name
        # shape, and the regex skips them in C
        for m in _WORD_MAYBE_CAPITAL.finditer(doc_text(doc)):
            word = m.group(0)
            if word.islower():
                continue  # no capital anywhere: no name shape (the common case; tested again below)
            lead = len(word) - len(word.lstrip(_STRIP))
            core = word.strip(_STRIP)
            if core.endswith("'s") or core.endswith("’s"):
                core = core[:-2]
            if core.islower():
                continue  # no capital: never a name shape (see name_shape), the common case
            shape = name_shape(core, self.lex)
            if shape is None:
                continue
            if _DERIVED_ADJ.search(core) or core.endswith("-driven"):
                continue  # "AI-designed", "ML-driven", "PyTorch-based": an adjective, not a name
            s = m.start() + lead
            sp = doc.char_span(s, s + len(core), alignment_mode="expand")
            if sp is None or any(t.like_url or "://" in t.text or t.like_email for t in sp):
                continue
            typ, rule = self._context_type(doc, sp.start, sp.end)
            if typ is None and shape == "mixed":
                typ, rule = self.default_unknown, "shape"
            if rule in ("shape", "model-like", "year-named") and self._hardware_family(core):
                typ, rule = "Hardware", "hardware-family"
            if typ is None:
                continue
            end = sp.end
            if rule == "org-head":  # include the head: "JDExplore d-team"
                while end < len(doc) and end < sp.end + 3 and doc[end].lower_ not in ("team", "lab", "group", "laboratory"):
                    end += 1
                end = min(end + 1, len(doc))
            out.append(_Cand(sp.start, end, typ, f"pattern:{rule}"))
        for i in self._token_indices(doc, "ORTH", _starts_upper):  # both patterns start with a capital
            tok = doc[i]
            # "an agent architecture, called Reactor": a capitalised name after a naming verb
            prev = doc[tok.i - 1] if tok.i > 0 else None
            if prev is not None and prev.text == "," and tok.i > 1:
                prev = doc[tok.i - 2] if doc[tok.i - 2].lemma_.lower() in self.lex["naming_verbs"] else None
            if (prev is not None and prev.lemma_.lower() in self.lex["naming_verbs"] and tok.text[:1].isupper()
                    and tok.is_alpha and not tok.is_stop and tok.text not in self.lex.stop_names):
                t = self._named_type(prev)
                if t == "":
                    continue  # "the formal language called Lean": no node of ours
                end = tok.i + 1  # "code-named Arrow Lake": the capitalised words that follow
                while end < min(len(doc), tok.i + 3) and doc[end].pos_ == "PROPN" and doc[end].is_alpha \
                        and doc[end].text[:1].isupper() and not doc[end].is_stop:
                    end += 1
                out.append(_Cand(tok.i, end, t if t in ("Method", "Dataset", "Benchmark", "Hardware") else "Method",
                                 "pattern:named"))
                continue
            # "our Vega method", "the Persia system", "Vega v2": a capitalised word
            # typed by the head noun or version number after it
            if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.i + 1 >= len(doc):
                continue
            if tok.text in self.lex.stop_names or tok.is_stop or name_shape(tok.text, self.lex):
                continue
            nxt = doc[tok.i + 1]
            t = self._head_type(nxt) if nxt.pos_ == "NOUN" else None
            if _VERSION.match(nxt.text):
                out.append(_Cand(tok.i, tok.i + 2, "Method", "pattern:version"))
            elif _DECIMAL_VERSION.match(nxt.text) and tok.i + 2 < len(doc) and doc[tok.i + 2].pos_ == "NOUN" \
                    and doc[tok.i + 2].lower_ in _MODEL_HEADS and tok.lower_ not in _NOT_FAMILY_WORDS:
                out.append(_Cand(tok.i, tok.i + 2, "Method", "pattern:version"))  # "IBM's Granite 3.0 models"
            elif t in ("Method", "Dataset", "Benchmark") and nxt.lower_ not in ("system", "group", "team", "lab"):
                if tok.i > 0 and f"{doc[tok.i - 1].lower_} {tok.lower_} {nxt.lower_}" in _GENERIC_ENTRIES:
                    continue  # "Large Language Models" in a title: a generic phrase (15th and 17th audits: "Language" junk)
                out.append(_Cand(tok.i, tok.i + 1, t, "pattern:head-noun"))
        out.extend(self._proposed_names(doc))
        out.extend(self._title_case_methods(doc))
        out.extend(self._hardware(doc))
        out.extend(self._hardware_plurals(doc))
        out.extend(self._hardware_phrases(doc))
        out.extend(self._title_method(doc))
        out.extend(self._dataset_phrases(doc))
        return out

    def _proposed_names(self, doc: Doc) -> list[_Cand]:
        """A capitalised single word the authors propose ("We propose Foo.", "we
        introduce Vega") is a Method — a naming pattern — and so is every other
        occurrence of that word in the document ("Foo achieves 91.2%")."""
        names: set[tuple[str, ...]] = set()
        for i in self._token_indices(doc, "DEP", _is_object_dep):
            tok = doc[i]
            if not (tok.dep_ in ("dobj", "attr", "oprd") and tok.pos_ == "PROPN" and tok.is_alpha
                    and tok.text[:1].isupper() and not tok.is_stop and tok.text not in self.lex.stop_names):
                continue
            if any(c.dep_ == "det" for c in tok.children):
                continue  # "the Foo model": left to the head-noun rules
            start = tok.i
            # "We introduce Self-Instruct", "We present Co-Teaching": capitalised words
            # joined by hyphens without spaces (24th audit corpus: no node at all)
            while start > 1 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
                    and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha and doc[start - 2].text[:1].isupper():
                start -= 2
            if start == tok.i and any(c.dep_ == "compound" for c in tok.children):
                # "We propose Hierarchical Graph Networks": a title-case multi-word name,
                # every word capitalised and directly before the head
                while start > 0 and doc[start - 1].head.i == tok.i and doc[start - 1].dep_ in ("compound", "amod") \
                        and doc[start - 1].is_alpha and doc[start - 1].text[:1].isupper() and not doc[start - 1].is_stop:
                    start -= 1
                if start == tok.i or any(c.dep_ == "compound" and c.i < start for c in tok.children):
                    continue  # "the Foo model" and mixed-case compounds: left to the head-noun rules
            if _is_propose_verb(tok.head, self.lex) and _has_self_subject(tok.head, self.lex):
                names.add(tuple(t.text for t in doc[start:tok.i + 1]))
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            by_first.setdefault(name[0], []).append(name)
        out = []
        for t in doc if by_first else ():  # one pass; a word starts few proposed names
            for name in by_first.get(t.text, ()):
                if tuple(x.text for x in doc[t.i:t.i + len(name)]) == name:
                    out.append(_Cand(t.i, t.i + len(name), "Method", "pattern:proposed"))
        return out

    def _title_case_methods(self, doc: Doc) -> list[_Cand]:
        """Title-case names in running text headed by a method noun ("DualGraph
        Aggregation Mechanism", "Gated Graph Neural Network") and the title-case
        phrases coordinated with them ("featured with Global Graph Linking, Local
        Graph Linking and DualGraph Aggregation Mechanism"). A run of two or more
        capitalised words that neither starts a sentence nor sits in a title-case
        headline; a run that only repeats generic acronyms is skipped."""
        headline = _headline_tokens(doc)
        runs: list[tuple[int, int]] = []
        # maximal runs of capitalised alphabetic non-stop words, from per-token arrays
        capital = (self._token_mask(doc, "ORTH", _starts_upper) & (self._token_array(doc, "IS_ALPHA") != 0)
                   & (self._token_array(doc, "IS_STOP") == 0))
        edges = np.diff(np.concatenate(([0], capital.astype(np.int8), [0])))
        for i, j in zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()):
            if j - i >= 2 and not doc[i].is_sent_start and not any(k in headline for k in range(i, j)):
                runs.append((i, j))
        by_tok = {k: r for r in runs for k in range(*r)}
        out: list[_Cand] = []
        for a, b in runs:
            if self._head_type(doc[b - 1]) != "Method":
                continue
            if all(t.text in self.lex.stop_names for t in doc[a:b - 1]):
                continue
            # "the Multi-scale Context-Aware Network": a capitalised hyphen compound
            # with a lower-case second part starts the name (twelfth blind audit)
            k, first = a, a
            while k >= 2 and doc[k - 1].text == "-" and not doc[k - 1].whitespace_ and not doc[k - 2].whitespace_ \
                    and doc[k - 2].is_alpha and not doc[k - 2].is_stop:
                k -= 2
                if doc[k].is_title and not doc[k].is_sent_start and k not in headline:
                    first = k
            k = first
            if k >= 3 and doc[k - 1].is_alpha and doc[k - 1].is_lower and doc[k - 2].text == "-" \
                    and not doc[k - 2].whitespace_ and not doc[k - 3].whitespace_ and doc[k - 3].is_title \
                    and doc[k - 3].is_alpha and not doc[k - 3].is_sent_start and k - 3 not in headline:
                first = k - 3  # "Multi-scale Context-Aware Network"
            out.append(_Cand(first, b, "Method", "pattern:title-case"))
            for conj in doc[b - 1].conjuncts:
                r = by_tok.get(conj.i)
                if r is not None and r != (a, b) and self._head_type(doc[r[1] - 1]) in (None, "Method", "Task"):
                    out.append(_Cand(r[0], r[1], "Method", "pattern:title-case"))
        return out

    def _title_method(self, doc: Doc) -> list[_Cand]:
        """A paper title that starts with its method's name: "Full-Resolution
        Residual Networks for Semantic Segmentation", "Learning a Discriminative
        Feature Network for …" → a Method (only when the body speaks for the
        authors: "we", "our", "this paper")."""
        first, sep, body = doc_text(doc).partition("\n")
        if not sep or len(first) > 200 or not _SELF_BODY.search(body):
            return []
        m = _TITLE_SPLIT.search(first)
        prefix = first[: m.start()] if m else first
        words = prefix.split()
        if words and words[0].lower() in _TITLE_NOT_NAME:
            return []  # "Towards General Purpose Vision Systems": a title about a goal, not a name
        # "Learning a Discriminative Feature Network": the name starts after an article
        for k, w in enumerate(words):
            if w.lower() in ("a", "an", "the") and k + 1 < len(words):
                words = words[k + 1:]
                break
        if not (2 <= len(words) <= 7) or not all(w[:1].isupper() or w[:1].isdigit() for w in words):
            return []
        head = words[-1].lower().rstrip("s")
        if self.lex.head_noun_type.get(head) != "Method" and self.lex.head_noun_type.get(words[-1].lower()) != "Method":
            return []
        start = first.find(" ".join(words))
        sp = doc.char_span(start, start + len(" ".join(words)), alignment_mode="contract")
        return [_Cand(sp.start, sp.end, "Method", "pattern:title")] if sp is not None and len(sp) else []
