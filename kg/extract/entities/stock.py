"""Candidates from the stock NER: the ``ner`` source of :class:`kg.extract.entities.EntityTyper`.

The stock NER's ORG/PERSON/GPE/LOC mapped to Organization, Person and Location,
minus known errors ("AI" as a place, numbers as places, a mixed-case model name as
an organisation, title-case headlines, journal names).
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.entities.common import _HAS_DIGIT, _Cand, _headline_tokens
from kg.extract.entities.hardware import _HW_HEADS
from kg.extract.entities.shapes import name_shape
from kg.extract.name_evidence import company_title_end
from kg.extract.node_words import _PERSON_TITLES

STOCK_MAP = {"ORG": "Organization", "PERSON": "Person", "GPE": "Location", "LOC": "Location"}
#: Last words of journal and proceedings names: venues are not organisations.
_VENUE_HEADS = {"communications", "transactions", "journal", "proceedings", "letters"}
#: Head nouns that make a vendor's named product a chip ("Intel's Meteor Lake chips").
_CHIP_HEADS = _HW_HEADS | {"soc", "socs", "superchip", "superchips"}
#: Last words that make a stock-NER organisation or person a model's variant name.
_MODEL_VARIANT_ENDS = {"Mini", "Small", "Medium", "Large", "Pro", "Ultra", "Flash", "Turbo", "Nano", "Lite", "Instruct",
                       "Opus", "Sonnet", "Haiku"}
_ORG_FUNCTION_WORDS = {"of", "for", "and", "the", "de", "la", "du", "der", "für", "at", "on", "in", "&"}


#: Verbs and nouns whose "on X" names a test set, never a company ("scores 79.8 on X",
#: "accuracy on X"); with the comparison verbs of the lexicon.
_SCORE_ON_HEADS = frozenset({"achieve", "obtain", "reach", "attain", "score", "evaluate", "test", "benchmark", "rank",
                             "perform", "top", "place", "fail", "struggle", "excel", "succeed", "accuracy",
                             "performance", "result", "error", "gain", "improvement", "sota", "state-of-the-art",
                             "%", "percent"})


def _titled_after(doc: Doc, end: int) -> bool:
    """True if a comma and a person's title follow token ``end`` ("…, CEO of",
    "…, co-founder and chief scientist at")."""
    return end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in _PERSON_TITLES


def _benchmark_slot(e, lex) -> bool:
    """True if the stock-NER span ``e`` is the object of "on" after a score, a result
    or a comparison ("beats DeepSeek-V3 on Arena-Hard", "79.8% on X", "scores 60 on
    X"): the slot of a test set, where the small English NER reads coined names as
    organisations (session-14 probe: "Arena-Hard" typed Organization)."""
    root = e.root
    if root.dep_ != "pobj" or root.head.lower_ != "on":
        return False
    head = root.head.head
    heads = (head, head.head) if head.dep_ in ("dobj", "conj", "appos") else (head,)  # "beats X on Y": on → X
    return head.like_num or any(
        h.lemma_.lower() in _SCORE_ON_HEADS or h.lemma_.lower() in lex["outperform_verbs"] for h in heads)


class StockRules:
    """The stock-NER candidates of :class:`kg.extract.entities.EntityTyper` (a mixin:
    needs the typer's ``lex`` and :class:`~kg.extract.entities.context.ContextRules`)."""

    def _said_type(self, e) -> str | None:
        """The type the sentence gives a stock-NER name: an apposition headed by a typed
        noun ("Jamba, a 52-billion parameter open-weights model") or a copula ("R1 is a
        mixture-of-experts model"); only Method, Hardware, Dataset and Benchmark (27th
        audit: 12 of its 30 stock-NER news nodes were judged wrong, 9 of them models,
        products or people typed Organization, Person or Location). None otherwise."""
        root = e.root
        for ap in root.children:
            if ap.dep_ == "appos" and ap.i > root.i and ap.pos_ == "NOUN":
                t = self._phrase_type(ap)
                if t in ("Method", "Hardware", "Dataset", "Benchmark"):
                    return t
        t = self._copula_type(root)
        return t if t in ("Method", "Hardware", "Dataset", "Benchmark") else None

    def _stock(self, doc: Doc) -> list[_Cand]:
        out = []
        headline_tokens = _headline_tokens(doc)
        for e in doc.ents:
            typ = STOCK_MAP.get(e.label_)
            if typ is None:
                continue
            text = e.text.strip()
            if text in self.lex.stop_names or not any(c.isalpha() for c in text):
                continue
            if _HAS_DIGIT.search(text) and typ != "Organization":
                continue  # "+12.0%" as GPE
            if typ == "Location" and (text.isupper() and len(text) <= 4 and text not in ("US", "UK", "USA", "EU", "UAE")):
                continue
            if text.lower().startswith(("the ", "a ")):
                e = e[1:]
                if not len(e):
                    continue
            k = e.start - 1
            while k > 0 and doc[k].pos_ == "ADJ":  # "Intel's previous/new/next Meteor Lake chips"
                k -= 1
            if typ == "Organization" and k > 0 and doc[k].text in ("'s", "’s") and e.end < len(doc) \
                    and doc[e.end].lower_ in _CHIP_HEADS:
                typ = "Hardware"  # "Intel's previous Meteor Lake chips": a vendor's product line (twelfth blind audit)
            if len(e) >= 3 and e[0].lower_ in _PERSON_TITLES and all(t.is_title and t.is_alpha for t in e[1:]):
                # "CTO Mira Murati", "CEO Sam Altman" read as one organisation: the
                # title is outside, the rest is the person (eleventh blind audit)
                e, typ = e[1:], "Person"
            if len(e) == 1 and name_shape(e.text, self.lex) in ("mixed", "caps") and not (typ == "Organization" and len(e.text) > 4 and e.text.isupper()):
                continue  # "GPT-3"/"TernaryBERT"/"EMA" tagged ORG: leave it to the name patterns
            if e[0].text[:1].islower():
                continue  # "node" as a place
            if typ in ("Organization", "Person") and len(e) >= 2 and e[-1].text in _MODEL_VARIANT_ENDS:
                typ = "Method"  # "Voxtral Small", "Magistral Small", "Voxtral Mini": a model's variant (19th audit: 4)
            if typ in ("Organization", "Person", "Location"):
                said = self._said_type(e)
                if said is not None:
                    typ = said  # "Jamba, a 52-billion parameter open-weights model"; "R1 is a … model"
                elif typ != "Person" and len(e) >= 2 and all(t.is_title and t.is_alpha for t in e) \
                        and _titled_after(doc, e.end):
                    typ = "Person"  # "Demis Hassabis, CEO of DeepMind" read as an organisation
            if typ == "Organization" and _benchmark_slot(e, self.lex):
                if all(t.text[:1].isupper() or t.is_punct or t.like_num for t in e):
                    out.append(_Cand(e.start, e.end, "Dataset", "pattern:evaluated-on"))
                continue  # "beats DeepSeek-V3 on Arena-Hard": a test set, typed as the "on X" rule types it
            if typ == "Organization" and any(
                t.is_alpha and t.text[:1].islower() and t.lower_ not in _ORG_FUNCTION_WORDS for t in e
            ):
                continue  # "neurosymbolic models"
            if self._head_type(e[-1]) not in (None, "Organization") and e[-1].lower_ not in ("ai",):
                continue  # "Deep Neural Networks", "Vision Systems"
            if typ == "Organization" and e[-1].lower_ in _VENUE_HEADS:
                continue  # "Nature Communications", "IEEE Transactions": a venue (sample guidelines)
            if len(e) > 1 and e.start in headline_tokens:
                continue  # title-case headlines: "AI Can Write Disinformation Now"
            # split "Institute for Artificial Intelligence, Tsinghua University"
            start = e.start
            for k in range(e.start, e.end + 1):
                if k == e.end or doc[k].text in (",", ";"):
                    if k > start:
                        out.append(_Cand(start, k, typ, "ner"))
                    start = k + 1
        out += _company_of_officer(doc, out, self.lex.stop_names)
        return out


def _company_of_officer(doc: Doc, taken: list[_Cand], stop_names) -> list[_Cand]:
    """Organizations named by a company title before a person the stock NER found:
    "Kyutai CEO Patrick Perez" (24th audit corpus: 3 of 8 such companies were no node,
    "Kyutai" read as a person); "co-founder" split by the tokenizer counts too. A lone
    word found here still needs :func:`kg.extract.nodes._drop_stock`'s evidence outside
    papers (:func:`kg.extract.name_evidence._org_evidence` accepts the title). The one to three title-case
    words right before the title become an Organization candidate; a stock-NER person or
    place with exactly that span is retyped. Returns the new candidates."""
    by_span = {(c.start, c.end): c for c in taken}
    used = {i for c in taken for i in range(c.start, c.end)}
    out = []
    for e in doc.ents:
        if e.label_ != "PERSON" or e.start < 2:
            continue
        t = next((k for k in (e.start - 3, e.start - 1) if k >= 0 and company_title_end(doc, k) == e.start), None)
        if t is None:
            continue
        k = t
        while k - 1 >= 0 and t - (k - 1) <= 3 and doc[k - 1].is_title and doc[k - 1].is_alpha \
                and doc[k - 1].lower_ not in _NOT_COMPANY_WORDS:
            k -= 1
        if k == t or (k > 0 and doc[k - 1].is_title and doc[k - 1].is_alpha and not doc[k - 1].is_sent_start):
            continue  # no words, or a longer capitalised run than a company name
        if doc[k:t].text in stop_names:
            continue
        c = by_span.get((k, t))
        if c is not None and c.label in ("Person", "Location"):
            c.label = "Organization"
        elif not any(i in used for i in range(k, t)):
            out.append(_Cand(k, t, "Organization", "ner"))
    return out


#: Capitalised words before a title that are not a company's name ("Former CEO …")
_NOT_COMPANY_WORDS = frozenset({"former", "then", "the", "our", "its", "their", "new", "interim", "acting", "longtime",
                                "and", "as", "by", "with", "said", "says", "company", "startup"})
