"""Candidates from listed names, abbreviations and the trained NER.

Three of the five sources of :class:`kg.extract.entities.EntityTyper`:

1. **gazetteer** — spans the ``entity_ruler`` labelled with a kg type (its
   ``ent_id_`` is the gazetteer's canonical id). Certain, they always win.
2. **abbreviation** — Schwartz–Hearst definitions (``doc._.kg_abbreviations``):
   the long form and every occurrence of the short form, typed by the gazetteer,
   by the long form's head noun ("… Network (SADGA)" → Method, "… adaptation
   (SFUDA)" → Task), or by the context of the short form.
4. **statistical** — spans of the NER trained on the devsets
   (``doc._.kg_stat_ents``, :mod:`kg.extract.statistical`), below the rules;
   descriptions that are no names are dropped
   (:meth:`GazetteerStatRules._generic_statistical`).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kg.extract.boundaries import glued_variant
from kg.extract.doccache import doc_text
from kg.extract.entities.common import (
    _AMBIGUOUS_TASK_HEADS,
    _DS_HEADS,
    _GENERIC_TASK_MODS,
    _LANGUAGES,
    _STRIP,
    KG_TYPES,
    _Cand,
    _headline_tokens,
)
from kg.extract.entities.shapes import name_shape
from kg.extract.name_evidence import is_junk
from kg.gazetteer.ids import match_key

#: Heads of descriptive method phrases ("deep learning models", "defense methods",
#: "distributed training method", "self-evolution learning", "class representation"):
#: a lower-case statistical Method span with one of them is no name. Architecture
#: heads ("recurrent neural network", "pooling layer") are left to the NER: the
#: SciREX devset counts them as methods.
_GENERIC_METHOD_HEADS = {"approach", "technique", "strategy", "framework", "update", "representation", "representations", "issue",
                         "process", "paradigm", "learning", "system", "methodology",
                         "solution", "perspective", "instrument", "scheme", "design", "rule", "theory",
                         "approaches", "techniques", "strategies", "frameworks",
                         "updates", "systems", "solutions", "rules"}
#: Modifiers that make "X model/method/network" a role or scope, not a kind of model.
_ROLE_MODS = {"pretrained", "pre-trained", "global", "local", "target", "source", "teacher", "student",
              "task", "baseline", "base", "existing", "previous", "proposed", "new", "novel", "our", "vanilla",
              "unified", "aggregated", "foundation", "final", "original", "trained", "large", "small",
              "big", "simple", "standard", "traditional", "conventional", "current", "state-of-the-art",
              "buzzworthy", "popular", "modern", "various", "different", "other", "such", "these", "those",
              "defense", "optimization", "zero-shot", "few-shot", "metric-based", "server", "client"}
#: Fields and paradigms as modifiers: "deep learning models", "machine-learning models".
_FIELD_MODS = ("deep learning", "machine learning", "machine-learning", "deep-learning", "artificial intelligence",
               "neurosymbolic", "federated", "distributed training", "distributed machine")


class GazetteerStatRules:
    """Gazetteer, abbreviation and statistical candidates of
    :class:`kg.extract.entities.EntityTyper` (a mixin: needs the typer's ``lex``,
    ``gazetteer_index``, ``default_unknown`` and :class:`~kg.extract.entities.context.ContextRules`).
    """

    def _gazetteer(self, doc: Doc) -> list[_Cand]:
        out = []
        text = doc_text(doc)
        for e in doc.ents:
            if e.label_ not in KG_TYPES:
                continue
            # a match inside a larger word ("ICL" in "Z-ICL", "BERT" in "BERT-base")
            # is a different name: leave it to the name patterns
            before = text[e.start_char - 1] if e.start_char > 0 else " "
            after = text[e.end_char] if e.end_char < len(text) else " "
            if before in "-_" or before.isalnum() or (after in "-_" and e.end_char + 1 < len(text) and text[e.end_char + 1].isalnum()) or after.isalnum():
                if before in "-_" or before.isalnum() or not glued_variant(doc, e.end, e.label_):
                    continue  # kept: "MobileNetV3" + "-Large" (kg.extract.boundaries extends it)
            if e.label_ in ("Method", "Task") and self._paradigm(e.ent_id_ or None, e.text):
                continue
            out.append(_Cand(e.start, e.end, e.label_, "gazetteer", e.ent_id_ or None))
        return out

    def _paradigm(self, gid: str | None, text: str) -> bool:
        """True for a learning paradigm listed as a Method or Task ("federated
        learning" / "FL", "few-shot learning", "knowledge distillation"): the
        sample guidelines (``benchmarks/gold/README.md``) count fields and
        learning paradigms as neither. Recognised by the gazetteer entry's
        canonical name: lower-case and headed by "learning" or "distillation"
        (a named algorithm is capitalised or has another head: "Q-learning",
        "federated averaging")."""
        by_id = self.gazetteer_index[0] if self.gazetteer_index else {}
        entry = by_id.get(gid) if gid else None
        name = entry.name if entry is not None else text
        return name == name.lower() and name.rsplit(" ", 1)[-1] in ("learning", "distillation")

    def _statistical(self, doc: Doc) -> list[_Cand]:
        """Spans of the trained NER (``doc._.kg_stat_ents``), if it ran."""
        out = []
        headline_tokens = _headline_tokens(doc) if doc._.kg_stat_ents else set()
        for e in doc._.kg_stat_ents or ():
            sp = doc.char_span(e["start"], e["end"], alignment_mode="contract")
            if sp is None or not len(sp):
                continue
            text = sp.text
            if text in self.lex.stop_names or not (text[:1].isalnum() and text[-1:].isalnum()):
                continue  # "-shot" from "few-shot": a fragment, not a name
            if sum(c.isalnum() for c in text) < 2:
                continue
            label = e["label"]
            if label == "Dataset":
                words = re.split(r"[\s-]+", text)
                if words[0].lower() in _LANGUAGES and all(
                    w.lower() in _LANGUAGES or not any(ch.isupper() or ch.isdigit() for ch in w) for w in words[1:]
                ):
                    continue  # "Chinese texts", "English query", "Finnish": a language's text, not a named set
                head_type = self._head_type(sp[-1])
                if head_type in ("Method", "Metric", "Task"):
                    label = head_type  # "C&C n-best parser"
            if label in ("Method", "Task", "Metric") and self._generic_statistical(doc, sp, label, headline_tokens):
                continue
            out.append(_Cand(sp.start, sp.end, label, "statistical"))
        return out

    def _name_word(self, word: str, tok: Token, headline_tokens: set[int]) -> bool:
        """A word that makes a phrase a name: a capital or digit after its first
        character ("ResNet", "BERT", "CIFAR-10", "MT-DNN"), or a capital first
        letter that neither starts the sentence nor sits in a title-case headline
        ("Adam", "Penn"). Generic acronyms of the lexicon ("AI", "ML", "SSL",
        "DNNs") and their derived adjectives ("DNN-based") do not count.

        ``word`` is a whitespace-separated word of the span (spaCy splits some
        hyphenated names into tokens), ``tok`` its first token."""
        w = word.strip(_STRIP)
        core = re.sub(r"-[a-z]+$", "", w)
        if core in self.lex.stop_names or core.rstrip("s") in self.lex.stop_names:
            return False
        if any(c.isupper() or c.isdigit() for c in w[1:]):
            return True
        return w[:1].isupper() and not tok.is_sent_start and tok.i not in headline_tokens

    def _generic_statistical(self, doc: Doc, sp: Span, label: str, headline_tokens: set[int]) -> bool:
        """True if a statistical Method/Task/Metric span is a description, not a name.

        The devsets the NER was trained on (SciREX above all) annotate descriptive
        phrases ("deep learning models", "model prediction", "computational cost");
        the sample guidelines (``benchmarks/gold/README.md``: names, not
        descriptions) count a lower-case phrase only when it is a named problem or
        measure, or when the text introduces it as a name.

        Whatever its case, a span is dropped when it is a fragment with an unbalanced
        bracket ("ERM-RER) learning framework") or headed by a noun the lexicon
        gives another type ("… Innovation Competition"). A span with a name word
        (:meth:`_name_word`: "Pre-trained Distillation" in running text) is kept.
        One without is dropped when it is a learning paradigm ("knowledge
        distillation", "Embedded Machine Learning" in a headline), and otherwise:

        * Method — kept only in a naming context: "called/termed/named X", or an
          appositive after it ("dynamic regularization, a method used to …").
        * Task — kept when its head is a task noun of the lexicon ("relation
          extraction", "classification", "captioning"), not a learning paradigm
          ("few-shot learning") or a generic activity ("training", "optimization"),
          and an ambiguous head ("prediction", "generation", "inference") has a
          content-noun modifier ("trajectory prediction").
        * Metric — kept when its head is a metric noun ("average score",
          "word error rate"), not a cost or an efficiency.
        """
        if sp.text.count("(") != sp.text.count(")"):
            return True
        head_type = self._head_type(sp[-1])
        if head_type is not None and head_type != label and head_type not in ("Method", "Task", "Metric"):
            return True
        base = sp.start_char
        has_name = False
        for m in re.finditer(r"\S+", sp.text):
            tok = doc.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
            if tok is not None and self._name_word(m.group(0), tok[0], headline_tokens):
                has_name = True
                break
        if label in ("Method", "Task") and sp[-1].lower_ in ("learning", "distillation") and not has_name:
            return True  # a paradigm, in a headline's title case or not
        words = sp.text.split()
        if (label == "Task" and len(words) > 1 and self._head_type(sp[-1]) != "Task"
                and all(w[:1].isupper() and w[1:].islower() for w in words)):
            return True  # "Nature Communications", "Deepfake Security Competition": a venue or event
        if has_name:
            return False
        head = sp[-1]
        head_lemma = head.lemma_.lower()
        if label == "Method":
            prev = doc[sp.start - 1] if sp.start > 0 else None
            if prev is not None and prev.lemma_.lower() in self.lex["naming_verbs"]:
                return False
            # "X, a method used to …", "X (an algorithm that …)"
            k = sp.end
            if k < len(doc) and doc[k].text in (",", "(", "—", "–"):
                k += 1
                if k < len(doc) and doc[k].lower_ in ("a", "an", "the"):
                    k += 1
                for t in doc[k:min(k + 3, len(doc))]:
                    if self._head_type(t) == "Method":
                        return False
                    if t.pos_ not in ("ADJ", "NOUN", "ADV"):
                        break
            if head_lemma in _GENERIC_METHOD_HEADS or head.lower_ in _GENERIC_METHOD_HEADS:
                return True
            # "empowers", "keep expanding", "ML technologies leverage statistical
            # trends": a verb is no method name
            if head.pos_ not in ("NOUN", "PROPN") or any(t.tag_ in ("VBZ", "VBP", "VBD") for t in sp):
                return True
            # "deep learning models", "ML algorithms", "pretrained model", "global model",
            # "teacher model": a model/method of a field or in a role, no name
            words = [w.lower().rstrip(")(") for w in sp.text.split()[:-1]]
            joined = " ".join(words)
            return any(
                w in _ROLE_MODS or w.upper() in self.lex.stop_names or w.split("-")[0].upper() in self.lex.stop_names
                for w in words
            ) or any(f in joined for f in _FIELD_MODS)
        if label == "Task":
            if self._head_type(head) != "Task" or head_lemma == "task":
                return True
            mods = [t for t in sp[:-1] if t.is_alpha]
            if head_lemma in _AMBIGUOUS_TASK_HEADS and not any(
                t.pos_ in ("NOUN", "PROPN") and t.lower_ not in _GENERIC_TASK_MODS for t in mods
            ):
                return True
            return bool(mods) and mods[0].lower_ in _GENERIC_TASK_MODS
        # Metric
        return self._head_type(head) != "Metric"

    def _abbreviations(self, doc: Doc, taken: list[_Cand]) -> list[_Cand]:
        out: list[_Cand] = []
        text = doc_text(doc)  # spaCy joins the tokens on every access: once per document
        first_taken: dict[tuple[int, int], tuple[int, _Cand]] = {}
        for k, c in enumerate(taken):
            first_taken.setdefault((c.start, c.end), (k, c))
        # one scan of the text per distinct (short, long) pair, and each occurrence
        # candidate once: a definition repeated N times gave N scans and N² candidates
        # (a repeated identical candidate never changes _select's choice)
        occurrences: dict[tuple[str, str], list[tuple[int, int]]] = {}
        emitted: set[tuple] = set()
        for ab in doc._.kg_abbreviations or ():
            short = ab["short_text"]
            if short in self.lex.stop_names or is_junk(short):
                continue  # "terra bytes per second (TB/s)": a unit, no name
            sf = doc.char_span(*ab["short"], alignment_mode="expand")
            lf = doc.char_span(*ab["long"], alignment_mode="expand")
            if sf is None or lf is None:
                continue
            typ, gid = None, None
            # gazetteer typing of either form (exact spans only; the first in ``taken``)
            hits = [first_taken[k] for k in ((sf.start, sf.end), (lf.start, lf.end)) if k in first_taken]
            # a short form the document defines otherwise than the list ("Grouped-Query
            # Attention (GQA)" beside the listed dataset GQA, "Nested Music Transformer
            # (NMT)" beside neural machine translation): the definition types it, and its
            # candidates win over the listed ones (27th audit: 1 fact, 1 node wrong)
            redefined = (sf.start, sf.end) in first_taken and (lf.start, lf.end) not in first_taken \
                and not self._listed_long_form(first_taken[(sf.start, sf.end)][1].gid, lf.text)
            if redefined:
                hits = []
            if hits:
                c = min(hits, key=lambda h: h[0])[1]
                typ, gid = c.label, c.gid
            rule = "gazetteer" if typ else ""
            if typ is None:
                # a capitalised long form with a dataset head inside ("Penn Parsed Corpus
                # of Modern British English (PPCMBE)") or right after the short form
                # ("Real-World Affective Faces (RAF) Database") names a dataset
                close = sf.end + 1 if sf.end < len(doc) and doc[sf.end].text == ")" else sf.end
                after = doc[close] if close < len(doc) else None
                heads = [t for t in lf if t.lower_ in _DS_HEADS]
                if after is not None and after.lower_ in _DS_HEADS:
                    heads.append(after)
                if heads and lf[0].text[:1].isupper() and all(
                    t.text[:1].isupper() or t.is_stop or not t.is_alpha for t in lf
                ):
                    typ = "Benchmark" if heads[-1].lower_.startswith("benchmark") else "Dataset"
                    rule = "dataset-head"
            if typ is None:
                ctx, rule = self._context_type(doc, lf.start, lf.end)
                if rule in ("proposed", "named", "proposal-sentence") and name_shape(short, self.lex):
                    typ = "Method"
                else:
                    rule = ""
            if typ is None:
                typ = self._head_type(lf[-1])
                rule = "long-form-head" if typ else ""
                fors = [t.i for t in lf if t.lower_ == "for" and t.i > lf.start]
                if typ == "Task" and fors and self._head_type(doc[fors[0] - 1]) != "Task":
                    # "Self-organizing Map for Anomaly Detection (SOMAD)": a method for a
                    # task, named after both (24th audit corpus: typed Task)
                    typ, rule = "Method", "long-form-for"
            if typ is None:
                typ, rule = self._context_type(doc, sf.start, sf.end)
            if typ is None and name_shape(short, self.lex) == "mixed":
                typ = self.default_unknown
            if typ is None and redefined and all(t.text[:1].isupper() or not t.is_alpha for t in lf):
                typ, rule = "Method", "redefined"  # "Grouped-Query Attention (GQA)": a named technique
            if typ is None:
                continue
            # generic lower-case descriptions ("pretrained language model (PLM)") are
            # not names unless the short form is a coined mixed-case name or the
            # document proposes it
            if (
                typ == "Method"
                and lf.text.islower()
                and name_shape(short, self.lex) != "mixed"
                and rule not in ("proposed", "named", "proposal-sentence", "gazetteer", "dataset-head")
            ):
                continue
            out.append(_Cand(lf.start, lf.end, typ, "abbreviation", gid))
            rank = -1 if redefined else None
            # every occurrence of the short and the long form in the document
            key = (short, lf.text)
            if key not in occurrences:
                occurrences[key] = []
                for m in re.finditer(r"(?<![\w-])(?:" + re.escape(short) + "|" + re.escape(lf.text) + r")(?![\w-])", text):
                    sp = doc.char_span(m.start(), m.end())
                    if sp is not None:
                        occurrences[key].append((sp.start, sp.end))
            for a, b in occurrences[key]:
                if (a, b, typ, gid) not in emitted:
                    emitted.add((a, b, typ, gid))
                    out.append(_Cand(a, b, typ, "abbreviation", gid, rank))
        return out

    def _listed_long_form(self, gid: str | None, long_text: str) -> bool:
        """True if ``long_text`` is a surface form of the gazetteer entry ``gid`` (or the
        entry is unknown): the document spells out the listed name."""
        by_id = self.gazetteer_index[0] if self.gazetteer_index else {}
        entry = by_id.get(gid) if gid else None
        if entry is None:
            return True
        try:
            key = match_key(long_text)
            return any(match_key(f) == key for f in entry.surface_forms)
        except ValueError:
            return True
