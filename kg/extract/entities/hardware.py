"""Hardware names (``pattern`` source of :class:`kg.extract.entities.EntityTyper`).

Vendor + model number (+ head): "NVIDIA 3090 GPU", "TPU v4", "A100 GPUs"; and
hardware classes: "GPU", "CPUs", "AI chips", "photonic processors", "quantum
computer", "optical computing core", "AI accelerators".
"""

from __future__ import annotations

import re

import numpy as np

from spacy.tokens import Doc

from kg.extract.entities.common import _HAS_DIGIT, _Cand
from kg.gazetteer import match_key

_VENDORS = ("nvidia", "amd", "intel", "google", "apple", "qualcomm", "graphcore",
            "cerebras", "huawei", "tesla", "samsung", "arm", "habana", "sambanova")
_HW_PHRASE_HEADS = {"chip", "processor", "accelerator", "microcontroller", "fpga", "asic", "npu",
                    "ipu", "supercomputer"}
_HW_COMPUTER_MODS = {"quantum", "optical", "photonic", "analog", "neuromorphic"}
_HW_GENERIC_MODS = {"first", "new", "next", "such", "these", "those", "most", "many", "several",
                    "huge", "typical", "various", "different", "dedicated", "other", "latest",
                    "industry", "cutting-edge", "next-generation", "so-called", "own", "same"}
#: Counts and quantities before a hardware head ("4 GPUs", "1.19Mhz CPU", "16GB"), not model numbers.
_HW_COUNT = re.compile(r"^(?:\d{1,2}|\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+(?:\.\d+)?\s*(?:[kmgt]hz|[kmgt]b|gib|mib|w|nm|x|×)"
                       r"|million|billion|thousand|hundred)$", re.I)
#: A family name of four or more letters and a model number: "Trainium4", "Gaudi3".
_FAMILY_MEMBER = re.compile(r"^([A-Za-z]{4,})[- ]?v?\d{1,4}[A-Za-z]?$")
_HW_HEADS = {"gpu", "gpus", "tpu", "tpus", "chip", "chips", "processor", "processors",
             "accelerator", "accelerators", "card", "cards", "cpu", "cpus", "npu", "ipu"}

# Predicates of :meth:`ContextRules._token_mask` (module level: memo keys). Each is
# the first test of the rule that uses it, on the token's string.


def _is_model_plural(text: str) -> bool:
    return len(text) > 2 and text.endswith("s") and any(ch.isdigit() for ch in text)


def _is_hw_head_word(low: str) -> bool:
    return low in _HW_HEADS or low in ("tpu", "tpus")


def _is_hw_class_word(low: str) -> bool:
    return low in ("gpu", "gpus", "cpu", "cpus", "tpu", "tpus") or low.rstrip("s") in _HW_PHRASE_HEADS or low == "core"


def _is_hw_class_lemma(lemma: str) -> bool:
    lem = lemma.lower()
    return lem in _HW_PHRASE_HEADS or lem == "computer"


class HardwareRules:
    """Hardware finders of :class:`kg.extract.entities.EntityTyper` (a mixin: needs
    :class:`~kg.extract.entities.context.ContextRules`)."""

    def _hardware(self, doc: Doc) -> list[_Cand]:
        """Vendor + model number (+ head): "NVIDIA 3090 GPU", "TPU v4", "A100 GPUs"."""
        out = []
        for i in self._token_indices(doc, "LOWER", _is_hw_head_word):  # both tests need a head word
            tok = doc[i]
            low = tok.lower_
            if low in _HW_HEADS:
                j = i
                # walk left over model numbers / vendor names
                while j > 0 and (
                    doc[j - 1].like_num or _HAS_DIGIT.search(doc[j - 1].text) or doc[j - 1].lower_ in _VENDORS
                    or (doc[j - 1].text[:1].isupper() and doc[j - 1].pos_ == "PROPN" and doc[j - 1].lower_ not in ("the", "a"))
                ):
                    j -= 1
                # a count or a quantity is no model number: "4 GPUs", "1.19Mhz CPU", "8 x"
                while j < i and (_HW_COUNT.match(doc[j].text) or (doc[j].like_num and doc[j].is_alpha)):
                    j += 1
                has_model = any(
                    (_HAS_DIGIT.search(t.text) and not _HW_COUNT.match(t.text)) or t.lower_ in _VENDORS
                    for t in doc[j:i]
                )
                # a bare number is a model number only after a vendor ("NVIDIA 3090 GPU";
                # ANNOTATION.md); "576 GPUs", "200 million GPUs" count chips (eleventh
                # blind audit: both judged junk)
                if has_model and not any(t.lower_ in _VENDORS or (t.text[:1].isupper() and not _HAS_DIGIT.search(t.text))
                                         or re.search(r"[A-Za-z]", t.text) and _HAS_DIGIT.search(t.text)
                                         for t in doc[j:i]):
                    has_model = False
                if j < i and has_model:
                    # ANNOTATION.md: a generic head after an alphanumeric name is outside
                    # ("Mach-1 AI accelerator" → "Mach-1"); a purely numeric model after its
                    # vendor keeps it ("NVIDIA 3090 GPU")
                    end = i + 1
                    if any(re.search(r"[A-Za-z]", t.text) and t.lower_ not in _VENDORS for t in doc[j:i]):
                        end = i
                        while end - 1 > j and doc[end - 1].text == "AI":
                            end -= 1
                    out.append(_Cand(j, end, "Hardware", "pattern:hardware"))
            if low in ("tpu", "tpus") and i + 1 < len(doc) and re.match(r"^v\d", doc[i + 1].lower_):
                out.append(_Cand(i, i + 2, "Hardware", "pattern:hardware"))
        return out

    def _hardware_family(self, word: str) -> bool:
        """Whether ``word`` is a new member of a listed chip family: its letters before
        a trailing model number ("Trainium4" → "trainium") are the stem of gazetteer
        Hardware names ("Trainium3", "Trainium2") and of no other type's. A coined
        shape is typed Method by default; a family member is Hardware (twelfth blind
        audit: "Trainium4" typed Method)."""
        m = _FAMILY_MEMBER.match(word)
        if m is None or not self.gazetteer_index:
            return False
        stems = getattr(self, "_hw_stems", None)
        if stems is None:
            kinds: dict[str, set[str]] = {}
            for e in self.gazetteer_index[0].values():
                for name in [e.name, *e.aliases]:
                    mm = _FAMILY_MEMBER.match(name.replace(" ", ""))
                    if mm is not None:
                        kinds.setdefault(mm.group(1).lower(), set()).add(e.type)
            stems = self._hw_stems = frozenset(k for k, v in kinds.items() if v == {"Hardware"})
        return m.group(1).lower() in stems

    def _hardware_plurals(self, doc: Doc) -> list[_Cand]:
        """A listed chip written in the plural ("8 H100s", "thousands of MI300Xs"): the
        gazetteer's rulers match only the singular. Candidates of source ``gazetteer``
        with the entry's id; the mention ends before the "s" (ANNOTATION.md)."""
        if not self.gazetteer_index:
            return []
        by_key = self.gazetteer_index[1]
        out = []
        for i in self._token_indices(doc, "ORTH", _is_model_plural):
            try:
                e = by_key.get(match_key(doc[i].text[:-1]))
            except ValueError:
                continue
            if e is not None and e.type == "Hardware":
                out.append(_Cand(i, i + 1, "Hardware", "gazetteer", gid=e.id))
        return out

    def _hardware_phrases(self, doc: Doc) -> list[_Cand]:
        """Hardware classes: "GPU", "CPUs", "AI chips", "photonic processors",
        "quantum computer", "optical computing core", "AI accelerators"."""
        out = []
        # the tokens that can pass the tests below: a processor word, or a head word
        # by its lower-case form or lemma
        maybe = self._token_mask(doc, "LOWER", _is_hw_class_word) | self._token_mask(doc, "LEMMA", _is_hw_class_lemma)
        for ti in np.flatnonzero(maybe).tolist():
            tok = doc[ti]
            low = tok.lower_
            if low in ("gpu", "gpus", "cpu", "cpus", "tpu", "tpus") and tok.text[:3].isupper():
                out.append(_Cand(tok.i, tok.i + 1, "Hardware", "pattern:hardware-class"))
                continue
            if tok.pos_ not in ("NOUN", "PROPN"):
                continue
            lem = tok.lemma_.lower()
            is_head = lem in _HW_PHRASE_HEADS or low.rstrip("s") in _HW_PHRASE_HEADS
            if lem == "computer" or low == "core":
                is_head = False
                mods = {c.lower_ for c in doc[max(0, tok.i - 2):tok.i]}
                if mods & _HW_COMPUTER_MODS or (low == "core" and "computing" in mods):
                    is_head = True
            if not is_head:
                continue
            # the head must head its phrase ("AI chips"), not modify another noun ("chip design")
            if tok.dep_ == "compound" or (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "NOUN" and doc[tok.i + 1].dep_ != "conj"):
                continue
            j = tok.i
            while j > 0:
                prev = doc[j - 1]
                if prev.lower_ in _HW_GENERIC_MODS or prev.pos_ in ("DET", "NUM", "PRON", "ADP", "CCONJ", "PUNCT", "ADV", "AUX", "VERB") and not (prev.text == "-" or prev.tag_ == "VBN" and "-" in prev.text):
                    if prev.text in (")",) and j > 3:  # "artificial intelligence (AI) accelerators"
                        k = j - 1
                        while k > 0 and doc[k].text != "(":
                            k -= 1
                        if doc[k].text == "(" and k > 0 and doc[k - 1].pos_ in ("NOUN", "PROPN", "ADJ"):
                            j = k
                            continue
                    break
                if prev.pos_ not in ("NOUN", "PROPN", "ADJ", "X") and "-" not in prev.text:
                    break
                j -= 1
            if j == tok.i and lem in ("processor", "accelerator", "chip", "core") and tok.lower_ not in ("microcontrollers",):
                # a bare "chips"/"processors" is too vague unless it is a known class
                continue
            if any(t.lower_ in ("gpu", "gpus", "cpu", "cpus", "tpu", "tpus") for t in doc[j:tok.i]):
                continue  # "GPU accelerators": the GPU is the hardware named
            if lem == "computer":
                while j < tok.i and doc[j].lower_ not in _HW_COMPUTER_MODS:
                    j += 1
            out.append(_Cand(j, tok.i + 1, "Hardware", "pattern:hardware-class"))
        return out
