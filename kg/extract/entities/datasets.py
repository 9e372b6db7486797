"""Dataset and benchmark names built around a dataset head noun (``pattern`` source).

Named dataset phrases nobody listed ("the Stanford twitter corpus", "CoNLL 2012
English test set"), and the arbitration by evidence of
:meth:`DatasetRules._dataset_extensions`: a phrase headed by a dataset noun whose
name part starts with a name is one Dataset/Benchmark and wins over the spans inside
it ("the COCO detection benchmark", "Twitter sarcasm dataset", "Penn Treebank WSJ
corpus"), a listed dataset followed by a version is the variant ("CTB 7.0"), a coined
name typed only by its shape takes the type of its dataset head ("the NTCIR-9
data"), and names coordinated under one plural dataset head are each a Dataset ("the
Paris and Holidays datasets").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.doccache import doc_text
from kg.extract.entities.common import (
    _DERIVED_ADJ,
    _DS_HEADS,
    _LANGUAGES,
    _TYPED_BY_HEAD,
    PRIORITY,
    _Cand,
)
from kg.extract.entities.shapes import name_shape

#: Split words before "set"/"data" ("test set", "evaluation data").
_SPLIT_WORDS = {"test", "testing", "training", "train", "dev", "development", "validation", "evaluation",
                "held-out", "heldout"}
#: Lower-case modifiers that end a dataset name part ("our new X dataset").
_DS_STOP_MODS = {"new", "novel", "large", "larger", "largest", "small", "public", "publicly", "standard",
                 "popular", "several", "various", "different", "other", "existing", "following", "same",
                 "many", "multiple", "challenging", "widely", "commonly", "benchmark", "own", "such"}
_DS_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DS_VERSION = re.compile(r"^v?[1-9]\.\d{1,2}$")
_UNIT_WORDS = {"million", "billion", "thousand", "k", "m", "images", "sentences", "hours", "points", "percent"}

# Predicates of :meth:`EntityTyper._token_mask` (module level: memo keys). Each is
# the first test of the rule that uses it, on the token's string.
_DS_PLURALS = frozenset({"datasets", "corpora", "benchmarks", "treebanks", "databases"})


def _is_ds_head_word(low: str) -> bool:
    return low in _DS_HEADS or low in ("set", "sets", "data")


def _is_ds_plural_word(low: str) -> bool:
    return low == "sets" or low in _DS_PLURALS


class DatasetRules:
    """Dataset phrase, extension and coordination rules of
    :class:`kg.extract.entities.EntityTyper` (a mixin: needs the typer's ``lex`` and
    :class:`~kg.extract.entities.context.ContextRules`)."""

    def _dataset_phrases(self, doc: Doc) -> list[_Cand]:
        """Named dataset phrases nobody listed: "the Stanford twitter corpus",
        "CoNLL 2012 English test set", "Amazon Movie corpus" — a noun phrase headed
        by a dataset noun whose name part starts with a capitalised word."""
        out = []
        for nc in self._noun_chunks(doc):
            head = nc.root
            lem = head.lemma_.lower()
            if lem in ("set", "data"):
                prev = doc[head.i - 1] if head.i > nc.start else None
                if prev is None or prev.lower_ not in ("test", "training", "evaluation", "dev", "development", "validation"):
                    continue
                typ = "Dataset"
            elif lem in ("dataset", "corpus", "corpora", "treebank", "benchmark", "collection"):
                typ = "Benchmark" if lem == "benchmark" else "Dataset"
            else:
                continue
            toks = [t for t in nc if t.i < head.i]
            k = 0
            while k < len(toks) and not (toks[k].text[:1].isupper() or toks[k].like_num and k > 0):
                k += 1
            name = toks[k:]
            if not name or not name[0].text[:1].isupper() or name[0].is_sent_start or name[0].lower_ in ("the", "a", "an", "this", "our", "these"):
                continue
            if all(t.text in self.lex.stop_names or t.is_stop for t in name):
                continue
            if all(t.lower_.strip("-") in _LANGUAGES or t.lower_ in _SPLIT_WORDS or not t.text[:1].isupper()
                   for t in name):
                continue  # "the English test set": a language's split, not a name
            out.append(_Cand(name[0].i, head.i + 1, typ, "pattern:dataset-phrase"))
        return out

    def _dataset_extensions(self, doc: Doc, cands: list[_Cand]) -> list[_Cand]:
        """Arbitration by evidence for dataset names that contain other names.

        A phrase headed by a dataset noun (:data:`_DS_HEADS`: "dataset", "corpus",
        "treebank", "benchmark", or a split "test/training/evaluation set/data")
        whose name part starts with a name is one Dataset (Benchmark for
        "benchmark") and wins over the shorter spans inside it, whatever found
        them: "the COCO detection benchmark", "IJB-B face recognition dataset",
        "Penn Treebank WSJ corpus", "Twitter keyword dataset", "NIST 2003 MT
        evaluation set", "Stanford twitter corpus" (an organisation name in front
        of a dataset head names a data collection, not the organisation).

        The name part is the run of noun/adjective/number tokens before the head
        (no determiner, preposition, conjunction or punctuation besides a
        hyphen), trimmed on the left to its first name-like token (a capital,
        a listed name or a coined shape; not a leading year or language such as
        "2013" or "English"). Not extended: a name part that adds nothing to one
        existing candidate ("the COCO dataset", "ImageNet test set" stay "COCO",
        "ImageNet"), one made only of Task/Metric names ("ReID datasets",
        "NER datasets"), a lone organisation ("Google datasets"), or one that
        contains a listed Method, Metric or Hardware.

        A listed Dataset/Benchmark followed by a year or a version number is
        extended to the variant: "PASCAL VOC 2011", "SFEW 2.0", "CTB 5.0" (real
        variants stay apart, as "GPT-3" and "GPT-4" do).

        Returns candidates ranked above every source (``rank=-1``), so that
        :func:`_select` prefers them to the spans they contain.
        """
        out: list[_Cand] = []
        cover: dict[int, _Cand] = {}
        for c in sorted(cands, key=lambda c: (PRIORITY[c.source.split(":")[0]], -(c.end - c.start))):
            if c.source == "ner" and c.label != "Organization":
                continue
            for i in range(c.start, c.end):
                cover.setdefault(i, c)
        n = len(doc)
        out += self._coordinated_datasets(doc, cands)
        for ti in self._token_indices(doc, "LOWER", _is_ds_head_word):  # the only tokens the tests below pass
            tok = doc[ti]
            low = tok.lower_
            h0 = tok.i  # first token of the head ("test" of "test set")
            if low in ("set", "sets", "data") and tok.i > 0 and doc[tok.i - 1].lower_ in _SPLIT_WORDS:
                h0 = tok.i - 1
            elif low not in _DS_HEADS and low != "data":
                continue
            if tok.dep_ == "compound" and tok.head.i > tok.i and not doc[tok.i + 1].is_stop:
                continue  # "dataset construction": the head modifies another noun
            j = h0
            while j > 0 and h0 - j < 7:
                prev = doc[j - 1]
                if prev.text == "-" or (prev.pos_ in ("PROPN", "NOUN", "ADJ", "NUM", "X") and any(ch.isalnum() for ch in prev.text)):
                    pass
                elif prev.tag_ in ("VBG", "VBN") and j - 1 > 0 and doc[j - 2].text == "-":
                    pass  # "question-answering"
                else:
                    break
                if prev.lower_ in _DS_STOP_MODS or prev.dep_ in ("det", "poss") or (prev.is_stop and prev.text.islower()):
                    break
                j -= 1
            # trim to the first name-like token
            while j < h0:
                t = doc[j]
                c = cover.get(j)
                starts_cand = c is not None and c.start == j
                if t.text == "-" or t.lower_.strip("-") in _LANGUAGES or t.ent_type_ in ("NORP", "LANGUAGE") and not starts_cand:
                    j += 1
                    continue
                if t.like_num and not starts_cand:
                    j += 1
                    continue
                if not any(ch.isupper() for ch in t.text):
                    j += 1
                    continue
                if t.is_sent_start and not starts_cand and not name_shape(t.text, self.lex):
                    j += 1
                    continue
                if c is not None and c.start < j:
                    j += 1  # inside a longer candidate that starts before the phrase
                    continue
                break
            if j >= h0:
                continue
            inner = {id(cover[i]): cover[i] for i in range(j, h0) if i in cover}
            if any(c.end > tok.i + 1 for c in inner.values()):
                continue  # a candidate runs past the head: leave the arbitration to _select
            strong = [c for c in inner.values() if c.source.split(":")[0] in ("gazetteer", "abbreviation")]
            if any(c.label in ("Method", "Metric", "Hardware") for c in strong):
                continue
            label = "Benchmark" if low.startswith("benchmark") else "Dataset"
            uncovered = [i for i in range(j, h0) if i not in cover and doc[i].text != "-"]
            weak = [c for c in inner.values() if c.source == "statistical"
                    or c.source.startswith("pattern:") and c.source not in _TYPED_BY_HEAD]
            if not uncovered and len(inner) == 1 and weak and (weak[0].start, weak[0].end) == (j, h0):
                if weak[0].label not in ("Dataset", "Benchmark") and not _DERIVED_ADJ.search(doc[j:h0].text):
                    # "the bAbI dataset", "NTCIR-9 data": a coined name typed only by its
                    # shape or the statistical NER takes the type of its head noun
                    out.append(_Cand(j, h0, label, "pattern:head-noun", rank=-1))
                continue
            if low == "data" and h0 == tok.i:
                continue  # "X data" only re-types a weakly typed name
            names = [c for c in inner.values() if c.label not in ("Task", "Metric", "Method") or c in weak]
            name_toks = [i for i in uncovered if any(ch.isupper() for ch in doc[i].text)
                         and doc[i].text not in self.lex.stop_names]
            if not names and not name_toks:
                continue  # "ReID datasets": a task's data, not a named collection
            if not uncovered and len(inner) == 1:
                continue  # "the COCO dataset", "Google datasets": nothing to add to one name
            out.append(_Cand(j, tok.i + 1, label, "pattern:dataset-extension", rank=-1))
        # listed datasets with a year or version: "PASCAL VOC 2011", "SFEW 2.0"
        for c in cands:
            if c.source != "gazetteer" or c.label not in ("Dataset", "Benchmark") or c.end >= n:
                continue
            nxt = doc[c.end]
            after = doc[c.end + 1] if c.end + 1 < n else None
            if not (_DS_YEAR.match(nxt.text) or _DS_VERSION.match(nxt.text)):
                continue
            if after is not None and (after.text in ("%", "/") or after.like_num or after.lower_ in _UNIT_WORDS):
                continue
            if after is not None and after.pos_ in ("NOUN", "PROPN") and not (
                after.lower_ in _DS_HEADS or after.lower_ in _SPLIT_WORDS
            ):
                continue  # "the COCO 2016 challenge", "ILSVRC 2015 classification task": an event
            if doc_text(doc)[doc[c.end - 1].idx + len(doc[c.end - 1].text):nxt.idx] != " ":
                continue
            out.append(_Cand(c.start, c.end + 1, c.label, "pattern:dataset-version", rank=-1))
        return out

    def _coordinated_datasets(self, doc: Doc, cands: list[_Cand]) -> list[_Cand]:
        """Names coordinated under one plural dataset head are each a Dataset:
        "the Paris and Holidays datasets", "CNN and Daily Mail datasets", "on
        MNIST, SVHN and USPS benchmarks" (Benchmark for "benchmarks").

        Each conjunct must be one name: a single candidate that is not a Task,
        Metric or Hardware ("NER and POS datasets" stay tasks), or capitalised /
        digit-bearing words only ("image and video datasets" are no names).
        Conjuncts already typed Dataset/Benchmark keep their candidate (and id).
        Returns candidates with ``rank=-1`` (see :meth:`_dataset_extensions`).
        """
        out: list[_Cand] = []
        plural = _DS_PLURALS
        # candidates by start token, each list in priority order: a coordination reads
        # only the candidates starting inside it (sorting all per head was quadratic)
        by_start: dict[int, list[_Cand]] = {}
        for c in cands:
            by_start.setdefault(c.start, []).append(c)
        for lst in by_start.values():
            lst.sort(key=lambda c: (PRIORITY[c.source.split(":")[0]], -(c.end - c.start)))
        for ti in self._token_indices(doc, "LOWER", _is_ds_plural_word):  # "sets" or a plural head
            tok = doc[ti]
            h0 = tok.i
            if tok.lower_ == "sets" and tok.i > 0 and doc[tok.i - 1].lower_ in _SPLIT_WORDS:
                h0 = tok.i - 1
            elif tok.lower_ not in plural:
                continue
            j, coords = h0, []
            while j > 0 and h0 - j < 16:
                prev = doc[j - 1]
                if prev.lower_ in ("and", "or", ",", "&"):
                    coords.append(j - 1)
                elif not (prev.text == "-" or prev.pos_ in ("PROPN", "NOUN", "ADJ", "NUM", "X")) or prev.dep_ in ("det", "poss"):
                    break
                j -= 1
            if not coords:
                continue
            bounds = sorted(coords)
            segs, start = [], j
            for b in bounds:
                segs.append((start, b))
                start = b + 1
            segs.append((start, h0))
            segs = [(a, b) for a, b in segs if b > a]
            if len(segs) < 2:
                continue
            # candidates inside the coordination (not those that run into the head,
            # such as a noun-chunk phrase "Paris and Holidays datasets")
            cover: dict[int, _Cand] = {}
            inside = sorted((c for k in range(j, h0) for c in by_start.get(k, ())),
                            key=lambda c: (PRIORITY[c.source.split(":")[0]], -(c.end - c.start)))
            for c in inside:
                if c.end > h0 or c.start < j or c.source == "ner" and c.label != "Organization":
                    continue
                for i in range(c.start, c.end):
                    cover.setdefault(i, c)
            # the leftmost conjunct may carry leading modifiers: trim to its name
            a0, b0 = segs[0]
            while a0 < b0 and not (cover.get(a0) is not None and cover[a0].start == a0) and not any(
                ch.isupper() or ch.isdigit() for ch in doc[a0].text
            ):
                a0 += 1
            segs[0] = (a0, b0)
            label = "Benchmark" if tok.lower_ == "benchmarks" else "Dataset"
            new: list[_Cand] = []
            ok = True
            for a, b in segs:
                if a >= b:
                    ok = False
                    break
                c = cover.get(a)
                if c is not None and (c.start, c.end) == (a, b):
                    if c.label in ("Task", "Metric", "Hardware", "Person", "Location", "Organization"):
                        ok = False  # "NER and POS datasets"; "Google and Facebook datasets"
                        break
                    if not (c.source == "gazetteer" and c.label in ("Dataset", "Benchmark")):
                        new.append(_Cand(a, b, label, "pattern:coordinated-dataset", rank=-1))
                    continue
                words = doc[a:b]
                if any(i in cover and not (cover[i].start >= a and cover[i].end <= b) for i in range(a, b)):
                    ok = False  # a candidate crosses the conjunct's edge
                    break
                if not all(t.text == "-" or any(ch.isupper() or ch.isdigit() for ch in t.text) for t in words):
                    ok = False
                    break
                if words[0].is_sent_start or all(t.text in self.lex.stop_names for t in words) or not any(
                    ch.isalpha() for ch in words.text
                ) or all(t.lower_ in _LANGUAGES for t in words):
                    # "the 2014 and 2015 datasets": years; "Japanese and English datasets":
                    # languages (fourteenth blind audit), not names
                    ok = False
                    break
                new.append(_Cand(a, b, label, "pattern:coordinated-dataset", rank=-1))
            if ok:
                out.extend(new)
        return out
