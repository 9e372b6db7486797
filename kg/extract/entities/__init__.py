"""Domain entity typing: the ``kg_entities`` spaCy component.

Runs after the stock ``ner`` (and after the gazetteer ``entity_ruler``, which runs
before it) and decides the final, typed, non-overlapping mentions of a ``Doc``.
:class:`EntityTyper` gathers candidates from five sources, one module per rule family:

1. **gazetteer** — spans the ``entity_ruler`` labelled with a kg type
   (:mod:`.gazetteer_stat`). Certain, they always win.
2. **abbreviation** — Schwartz–Hearst definitions, long and short forms
   (:mod:`.gazetteer_stat`).
3. **pattern** — names nobody listed: coined name shapes (:mod:`.shapes`) typed
   from their context (:mod:`.context`), proposed and title-case names
   (:mod:`.names`), dataset phrases (:mod:`.datasets`), hardware
   (:mod:`.hardware`), Task noun phrases (:mod:`.tasks`); and coordination with a
   typed name ("on VisDA, Office-Home, and X", :func:`_propagate_coordination`).
4. **statistical** — spans of the NER trained on the devsets
   (:mod:`.gazetteer_stat`); its descriptive lower-case spans are marked ``generic``.
5. **ner** — the stock NER's ORG/PERSON/GPE/LOC (:mod:`.stock`).

Overlaps are resolved by that priority (gazetteer and abbreviation first, then
pattern, statistical, ner), longer spans first within a priority — with one
arbitration by evidence above it (:meth:`EntityTyper._dataset_extensions`,
:mod:`.datasets`): a phrase headed by a dataset noun whose name part starts with a
name is one Dataset/Benchmark and wins over the spans inside it.

Results: ``doc.ents`` holds the final spans (labels are kg types, ``ent_id_``
the gazetteer id where there is one) and ``doc._.kg_mentions`` the same as plain
dicts ``{"start", "end", "label", "source", "gid", "generic"}`` (character
offsets; ``gid`` the gazetteer id or None; ``generic`` for lower-case technique
names that relations do not treat as a paper's own method).

The candidate record and shared word lists are in :mod:`.common`; the names other
modules import (``_Cand``, ``name_shape``, ``_is_propose_verb``, ``_has_self_subject``,
...) are re-exported here.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doccache import doc_text
from kg.resolve import PLURAL_ACRONYM as _PLURAL_ACRONYM  # "CNNs" → "CNN"
from kg.extract.boundaries import fix_boundaries
from kg.extract.genre import doc_genre
from kg.extract.node_score import load_node_scorer, score_mentions
from kg.extract.entities.common import (  # noqa: F401 (re-exported)
    _TYPED_BY_HEAD,
    KG_TYPES,
    PRIORITY,
    _Cand,
    _headline_tokens,
)
from kg.extract.entities.context import ContextRules, _has_self_subject, _is_propose_verb  # noqa: F401
from kg.extract.entities.datasets import DatasetRules
from kg.extract.entities.gazetteer_stat import GazetteerStatRules
from kg.extract.entities.hardware import HardwareRules
from kg.extract.entities.names import NameRules
from kg.extract.entities.shapes import name_shape  # noqa: F401 (re-exported)
from kg.extract.entities.stock import STOCK_MAP, StockRules  # noqa: F401 (re-exported)
from kg.extract.entities.tasks import TaskRules
from kg.extract.lexicon import load_lexicon
from kg.extract.nodes import list_partners, refine

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)


class EntityTyper(ContextRules, GazetteerStatRules, NameRules, DatasetRules, HardwareRules, TaskRules, StockRules):
    """The ``kg_entities`` component (see the module docstring).

    Parameters
    ----------
    default_unknown : str or None
        Type given to a mixed-case name no context types (``"Method"``: in AI
        text most coined mixed-case names are models or methods); None drops it.
    tasks_from_noun_chunks : bool
        Find Task mentions as noun phrases headed by a task noun.
    """

    def __init__(self, default_unknown: str | None = "Method", tasks_from_noun_chunks: bool = True):
        self.lex = load_lexicon()
        #: (by_id, by_match_key) gazetteer index, set by :func:`kg.extract.load_pipeline`
        self.gazetteer_index = None
        self.default_unknown = default_unknown
        self.tasks_from_noun_chunks = tasks_from_noun_chunks
        #: apply the learned node filter (:mod:`kg.extract.node_score`) to the final mentions
        self.node_score = True
        self._sent_memo: tuple[Doc | None, dict] = (None, {})

    def __call__(self, doc: Doc) -> Doc:
        self._sent_memo = (doc, {})  # fresh per call: the memo holds facts of this parse
        gaz = self._gazetteer(doc)
        cands = list(gaz)
        cands += self._abbreviations(doc, gaz)
        cands += self._statistical(doc)
        cands += self._names(doc)
        if self.tasks_from_noun_chunks:
            cands += self._tasks(doc)
        cands += self._stock(doc)
        cands += self._dataset_extensions(doc, cands)
        cands += self._qualified_tasks(doc, gaz)
        by_id = self.gazetteer_index[0] if self.gazetteer_index else {}
        headline = _headline_tokens(doc)
        cands = fix_boundaries(doc, cands, headline)  # whole names, no generic tails (kg.extract.boundaries)
        cands = refine(doc, cands, by_id, headline)  # evidence of a name (kg.extract.nodes)
        urls = _spaced_urls(doc_text(doc))
        if urls:  # "https: // github.com / leuchine / S-LSTM": text inside a URL is no entity
            cands = [c for c in cands if not any(a < doc[c.end - 1].idx + len(doc[c.end - 1]) and doc[c.start].idx < b
                                                 for a, b in urls)]
        chosen = _select(cands)
        chosen = _propagate_coordination(doc, chosen)
        chosen = _metric_by_context(doc, chosen)
        by_id = self.gazetteer_index[0] if self.gazetteer_index else {}
        mentions = []
        # the texts of the document's names, for plurals of them ("ReasoNets" beside "ReasoNet")
        names_here = {doc[c.start:c.end].text for c in chosen}
        full = doc_text(doc)  # (doc.text joins every token: once, not per mention)
        for c in chosen:
            text = doc[c.start:c.end].text
            entry = by_id.get(c.gid) if c.gid else None
            name = entry.name if entry is not None else text
            end_char = doc[c.end - 1].idx + len(doc[c.end - 1].text)
            last = doc[c.end - 1].text
            gid = c.gid
            if c.label != "Hardware" and _NAME_SUFFIX_S.search(last):
                pass  # "FCN-8s", "Feats2s": a variant's name, not a plural (tenth blind audit)
            elif _PLURAL_ACRONYM.match(last) or (
                    c.label in ("Method", "Hardware") and last.endswith("s") and last[:-1] != last[:-1].lower()
                    and text[:-1] in names_here):
                # ANNOTATION.md: plural endings stay outside ("CNNs" → "CNN", "H100s" → "H100",
                # "ReasoNets" where the text also names "ReasoNet"; ninth blind audit)
                end_char -= 1
            plus = end_char
            while plus < len(full) and full[plus] == "+" and plus - end_char < 2:
                plus += 1
            if plus > end_char and (plus == len(full) or not full[plus].isalnum()):
                # "ABS+", "PixelCNN++", "CelebFaces+": the plus signs are part of the name
                # (tenth blind audit: "ABS" for "ABS+" judged partly), which the list
                # entry ("ABS") does not spell
                end_char, gid = plus, None
            mentions.append({
                "start": doc[c.start].idx,
                "end": end_char,
                "label": c.label,
                "source": c.source,
                "gid": gid,
                # a lower-case technique ("federated learning", "FL"): a method, but
                # not the named thing a paper proposes or evaluates
                # ("o3-mini", "o1", "word2vec": lower case with a digit is a coined name)
                "generic": c.label == "Method" and c.source != "abbreviation" and (
                    (name.islower() and not any(ch.isdigit() for ch in name))
                    or (c.source == "statistical" and not _looks_named(text))
                ),
            })
        # the learned node score (kg.extract.node_score): mentions unlikely to be a
        # correct node are dropped before relations see them
        model = load_node_scorer() if self.node_score else None
        if model is not None and mentions:
            probs = score_mentions(full, doc_genre(doc), mentions, model)
            keep = [p >= model["threshold"] for p in probs]
            chosen = [c for c, k in zip(chosen, keep) if k]
            mentions = [m for m, k in zip(mentions, keep) if k]
        ents = []
        for c in chosen:
            sp = Span(doc, c.start, c.end, label=c.label)
            if c.gid:
                sp.id_ = c.gid
            ents.append(sp)
        doc.set_ents(ents, default="outside")
        doc._.kg_mentions = mentions
        return doc


#: A URL, also as tokenised text writes it with spaces around ":" and "/" (SciREX:
#: "https: // github.com / leuchine / S-LSTM"; seventh blind audit: a proposal from one).
_SPACED_URL = re.compile(r"(?:https?|ftp)\s?:\s?/\s?/\s?[\w.-]+(?:\s?/\s?[\w.~%+-]+)*")


def _spaced_urls(text: str) -> list[tuple[int, int]]:
    """Character spans of the URLs in ``text``, spaced or not (:data:`_SPACED_URL`).

    >>> t = "Code: https: // github.com / leuchine / S-LSTM, with baselines."
    >>> [t[a:b] for a, b in _spaced_urls(t)]
    ['https: // github.com / leuchine / S-LSTM']
    """
    return [m.span() for m in _SPACED_URL.finditer(text)]


#: A number of one or two digits with an "s" after a hyphen or letters ending a
#: method's name ("FCN-8s", "Feats2s"): a variant, not a plural (chips are: "H100s").
_NAME_SUFFIX_S = re.compile(r"(?:-|[A-Za-z])\d{1,2}s$")


def _looks_named(text: str) -> bool:
    """A proper name rather than a description: a capital or digit after the
    first character of some word ("BERT", "ResNet-50", "Mask R-CNN")."""
    return any(any(c.isupper() or c.isdigit() for c in w[1:]) or (w[:1].isupper() and len(text.split()) == 1) for w in text.split())


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Choose non-overlapping candidates: lower priority number first, then longer."""
    order = sorted(
        cands,
        key=lambda c: (
            PRIORITY[c.source.split(":")[0]] if c.rank is None else c.rank, -(c.end - c.start), c.start
        ),
    )
    taken: set[int] = set()
    chosen = []
    for c in order:
        rng = set(range(c.start, c.end))
        if rng & taken:
            continue
        taken |= rng
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _propagate_coordination(doc: Doc, chosen: list[_Cand]) -> list[_Cand]:
    """Give a name the type of a gazetteer name it is listed with (coordination or
    apposition, :func:`kg.extract.nodes.list_partners`: "on VisDA, Office-Home, and
    X" → X is a Dataset)."""
    by_tok = {}
    for c in chosen:
        for i in range(c.start, c.end):
            by_tok[i] = c
    for c in chosen:
        if not c.source.startswith("pattern:") or c.source in _TYPED_BY_HEAD:
            continue  # a head noun ("the X dataset") is stronger evidence than a conjunct
        root = doc[c.start:c.end].root
        listed = [by_tok[i] for i in list_partners(root) if i in by_tok and by_tok[i].source in ("gazetteer", "abbreviation")]
        types = {p.label for p in listed if p.label != "Task"}
        if any(p.label == "Task" for p in listed):  # a task counts only as a conjunct, not an apposition
            types |= {by_tok[i].label for i in list_partners(root, appos=False)
                      if i in by_tok and by_tok[i].source in ("gazetteer", "abbreviation")}
        if len(types) == 1:
            new = types.pop()
            if new != c.label:
                c.label = new
                c.source = "pattern:coordination"
    return chosen


#: Words before an acronym that make it a measure ("lower MAE", "reduces the MAE").
_MEASURE_BEFORE = frozenset({"lower", "higher", "low", "high", "reduce", "reduces", "reduced", "reducing", "minimize",
                             "minimise", "maximize", "maximise"})


def _metric_by_context(doc: Doc, chosen: list[_Cand]) -> list[_Cand]:
    """Retype a short all-capital Method name that the sentence uses as a measure:
    listed with a Metric ("in terms of MAE and RMSE"), after "in terms of", before
    "of <number>" ("an AO of 71.2"), or after a comparative of measures ("lower
    MAE", "reduces the MAE"). The acronyms of models and measures collide ("MAE":
    masked autoencoder, mean absolute error; 26th audit: "MAE" and "AO" typed
    Method where the text measures with them). The gazetteer id is dropped (it
    names the model)."""
    metric_toks = {i for c in chosen if c.label == "Metric" for i in range(c.start, c.end)}
    for c in chosen:
        if c.label != "Method" or c.end - c.start != 1:
            continue
        tok = doc[c.start]
        if not (tok.text.isalpha() and tok.text.isupper() and 2 <= len(tok.text) <= 5):
            continue  # (letters only: "GPT-4" is a model's name, 27th audit)
        k = c.start - 1
        if k >= 0 and doc[k].lower_ == "the":
            k -= 1
        measure = (
            any(i in metric_toks for i in list_partners(tok, appos=False))
            or (tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ == "terms")
            or (c.end + 1 < len(doc) and doc[c.end].lower_ == "of" and doc[c.end + 1].like_num)
            or (k >= 0 and doc[k].lower_ in _MEASURE_BEFORE)
        )
        if measure:
            c.label, c.gid, c.source = "Metric", None, "pattern:measure"
    return chosen


@Language.factory(
    "kg_entities",
    requires=["doc.ents", "token.dep", "token.lemma", "token.pos"],  # doc._.kg_stat_ents if present
    assigns=["doc.ents", "doc._.kg_mentions"],
    default_config={"default_unknown": "Method", "tasks_from_noun_chunks": True, "node_score": True},
)
def make_entity_typer(nlp: Language, name: str, default_unknown: str | None, tasks_from_noun_chunks: bool,
                      node_score: bool = True) -> EntityTyper:
    """spaCy factory for :class:`EntityTyper` (``node_score``: apply the learned node
    filter of :mod:`kg.extract.node_score`)."""
    typer = EntityTyper(default_unknown=default_unknown, tasks_from_noun_chunks=tasks_from_noun_chunks)
    typer.node_score = node_score
    return typer
