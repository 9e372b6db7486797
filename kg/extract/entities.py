"""Domain entity typing: the ``kg_entities`` spaCy component.

Runs after the stock ``ner`` (and after the gazetteer ``entity_ruler``, which runs
before it) and decides the final, typed, non-overlapping mentions of a ``Doc``:

1. **gazetteer** — spans the ``entity_ruler`` labelled with a kg type (its
   ``ent_id_`` is the gazetteer's canonical id). Certain, they always win.
2. **abbreviation** — Schwartz–Hearst definitions (``doc._.kg_abbreviations``):
   the long form and every occurrence of the short form, typed by the gazetteer,
   by the long form's head noun ("… Network (SADGA)" → Method, "… adaptation
   (SFUDA)" → Task), or by the context of the short form.
3. **pattern** — names nobody listed: mixed-case and digit-bearing words
   ("FedEMA", "ICRL-Net", "bert2BERT", "Yelp-2013"), vendor + model number
   ("NVIDIA 3090 GPU", "TPU v4"), typed from context — a head noun after the
   name ("the X dataset"), an appositive before it ("the benchmark Spider",
   "detector, named RTMDet"), the proposal verb ("we propose X"), a verb
   it is the subject of ("X achieves/outperforms"), "on X" in an evaluation
   sentence, coordination with a typed name ("on VisDA, Office-Home, and X");
   Task noun phrases by their head noun ("rotated object detection").
4. **statistical** — spans of the NER trained on the devsets
   (``doc._.kg_stat_ents``, :mod:`kg.extract.statistical`), below the rules;
   its descriptive lower-case spans are marked ``generic``.
5. **ner** — the stock NER's ORG/PERSON/GPE/LOC mapped to Organization, Person
   and Location, minus known errors ("AI" as a place, numbers as places,
   a mixed-case model name as an organisation, title-case headlines).

Overlaps are resolved by that priority (gazetteer and abbreviation first, then
pattern, statistical, ner), longer spans first within a priority — with one
arbitration by evidence above it (:meth:`EntityTyper._dataset_extensions`): a
phrase headed by a dataset noun whose name part starts with a name is one
Dataset/Benchmark and wins over the spans inside it ("the COCO detection
benchmark", "Twitter sarcasm dataset", "Penn Treebank WSJ corpus"), a listed
dataset followed by a version is the variant ("CTB 7.0"), and a coined name typed
only by its shape takes the type of its dataset head ("the NTCIR-9 data").

Results: ``doc.ents`` holds the final spans (labels are kg types, ``ent_id_``
the gazetteer id where there is one) and ``doc._.kg_mentions`` the same as plain
dicts ``{"start", "end", "label", "source", "gid", "generic"}`` (character
offsets; ``gid`` the gazetteer id or None; ``generic`` for lower-case technique
names that relations do not treat as a paper's own method).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract.boundaries import fix_boundaries, glued_variant
from kg.extract.doccache import doc_text, memoised
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.nodes import is_junk, refine
from kg.model import ENTITY_TYPES

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)

KG_TYPES = frozenset(ENTITY_TYPES)
STOCK_MAP = {"ORG": "Organization", "PERSON": "Person", "GPE": "Location", "LOC": "Location"}
PRIORITY = {"gazetteer": 0, "abbreviation": 0, "pattern": 1, "statistical": 2, "ner": 3}

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|[a-z]\d|\d[A-Za-z]{2,}")
_HAS_DIGIT = re.compile(r"\d")
_UNITLIKE = re.compile(r"^[+\-~]?\d[\d.,]*(?:[a-zA-Z]{1,2}|st|nd|rd|th|x|×)?$")
_TITLE_COMPOUND = re.compile(r"^[A-Z][a-z’']+(?:[-’'][A-Z]?[a-z’']+)+$")
_ALLCAPS = re.compile(r"^(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z][A-Z0-9]+)s?$")
_URLISH = re.compile(r"://|^www\.|\.(?:com|org|net|io|ai|cn|edu)\b|@")
_STRIP = ".,;:!?()[]{}\"'“”‘’"
_MODEL_LIKE = re.compile(
    r"(?:-(?:base|large|small|tiny|xl|xxl|medium|mini|nano|huge)\b|(?:Net|BERT|GPT|Former|former|LM|GAN|NN)s?$|^(?:GPT|BERT|T5|ViT|ResNet|LLaMA|Llama)\b)"
)
def _citation_key(doc, start: int, text: str) -> bool:
    """True for a citation key shaped like a test set named by year: a two-digit year
    glued to letters after "in", "by", "see", "cf." or a bracket or slash ("as NBSVM in
    WM12", "DBLP:conf/icfhr/PhamBKL14"); blind audits 4 and 6 judged both junk."""
    if not re.fullmatch(r"[A-Za-z]+\d{2}", text) or start == 0:
        return False
    return doc[start - 1].lower_ in ("in", "by", "see", "cf", "cf.", "/", "[", "(")


_YEAR_SET = re.compile(r"^(?:[A-Z][A-Za-z]*[A-Z]|CoNLL|SemEval|WMT|NIST|DUC|TAC|TREC|MT)[-'’ ]?(?:19|20)?\d{2}[a-z]?$")
_VERSION = re.compile(r"^v\d+(?:\.\d+)*$")
_VENDORS = ("nvidia", "amd", "intel", "google", "apple", "qualcomm", "graphcore",
            "cerebras", "huawei", "tesla", "samsung", "arm", "habana", "sambanova")
_AMBIGUOUS_TASK_HEADS = {"generation", "prediction", "inference", "estimation", "resolution",
                         "completion", "alignment", "synthesis", "understanding", "matching",
                         "linking", "reasoning", "adaptation", "identification"}
_GENERIC_TASK_MODS = {"model", "next", "new", "brash", "future", "real", "world", "data", "system",
                      "multimedia", "vision", "language", "downstream", "target", "source", "training",
                      "low-resource", "general", "admissible", "unforeseen", "industry", "human"}
_HW_PHRASE_HEADS = {"chip", "processor", "accelerator", "microcontroller", "fpga", "asic", "npu",
                    "ipu", "supercomputer"}
_HW_COMPUTER_MODS = {"quantum", "optical", "photonic", "analog", "neuromorphic"}
_HW_GENERIC_MODS = {"first", "new", "next", "such", "these", "those", "most", "many", "several",
                    "huge", "typical", "various", "different", "dedicated", "other", "latest",
                    "industry", "cutting-edge", "next-generation", "so-called", "own", "same"}
#: Head nouns of a dataset name ("the COCO detection benchmark", "Penn Treebank WSJ corpus").
_DS_HEADS = {"dataset", "datasets", "corpus", "corpora", "treebank", "treebanks", "benchmark", "benchmarks",
             "database", "databases"}
#: Split words before "set"/"data" ("test set", "evaluation data").
_SPLIT_WORDS = {"test", "testing", "training", "train", "dev", "development", "validation", "evaluation",
                "held-out", "heldout"}
#: Lower-case modifiers that end a dataset name part ("our new X dataset").
_DS_STOP_MODS = {"new", "novel", "large", "larger", "largest", "small", "public", "publicly", "standard",
                 "popular", "several", "various", "different", "other", "existing", "following", "same",
                 "many", "multiple", "challenging", "widely", "commonly", "benchmark", "own", "such"}
#: Language names dropped at the start of a dataset name ("English MS-MARCO dataset").
_LANGUAGES = {"english", "chinese", "german", "french", "japanese", "arabic", "spanish", "russian",
              "italian", "korean", "portuguese", "dutch", "czech", "hindi", "urdu", "turkish", "finnish",
              "swedish", "greek", "hebrew", "persian", "polish", "romanian", "vietnamese", "thai",
              "indonesian", "bengali", "tamil", "swahili", "danish", "norwegian", "hungarian"}
#: "GAN-generated", "BERT-based": a name turned into an adjective
_DERIVED_ADJ = re.compile(r"-[a-z]+(?:ed|ing|based|like|style|specific)$")
_DS_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DS_VERSION = re.compile(r"^v?[1-9]\.\d{1,2}$")
_UNIT_WORDS = {"million", "billion", "thousand", "k", "m", "images", "sentences", "hours", "points", "percent"}
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
#: Last words of journal and proceedings names: venues are not organisations.
_VENUE_HEADS = {"communications", "transactions", "journal", "proceedings", "letters"}
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
#: Counts and quantities before a hardware head ("4 GPUs", "1.19Mhz CPU", "16GB"), not model numbers.
_HW_COUNT = re.compile(r"^(?:\d{1,2}|\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+(?:\.\d+)?\s*(?:[kmgt]hz|[kmgt]b|gib|mib|w|nm|x|×)"
                       r"|million|billion|thousand|hundred)$", re.I)
_HW_HEADS = {"gpu", "gpus", "tpu", "tpus", "chip", "chips", "processor", "processors",
             "accelerator", "accelerators", "card", "cards", "cpu", "cpus", "npu", "ipu"}


@dataclass
class _Cand:
    start: int  # token index
    end: int  # token index, exclusive
    label: str
    source: str
    gid: str | None = None
    #: overrides the source's :data:`PRIORITY` in :func:`_select` (lower wins)
    rank: int | None = None


def name_shape(word: str, lex: Lexicon) -> str | None:
    """Classify a single word as a possible unlisted name.

    Returns ``"mixed"`` for mixed-case or letter+digit words ("FedEMA",
    "bert2BERT", "GPT-3", "Yelp-2013", "ICRL-Net"), ``"caps"`` for all-capital
    acronyms ("SADGA", "ZSLRE") that need context to count, or None.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> [name_shape(w, lex) for w in ["FedEMA", "SADGA", "Structure-Aware", "6B", "AI", "model"]]
    ['mixed', 'caps', None, None, None, None]

    The result depends on the word and the lexicon only; it is memoised per
    lexicon (a word is classified once, not at each of its occurrences).
    """
    slot = _SHAPE_MEMO.get(id(lex))
    if slot is None or slot[0] is not lex:
        slot = _SHAPE_MEMO[id(lex)] = (lex, {})
    memo = slot[1]
    try:
        return memo[word]
    except KeyError:
        pass
    if len(memo) >= _SHAPE_MEMO_MAX:
        memo.clear()
    shape = memo[word] = _name_shape(word, lex)
    return shape


#: ``id(lexicon) → (lexicon, {word: shape})`` for :func:`name_shape`
_SHAPE_MEMO: dict[int, tuple[Lexicon, dict[str, str | None]]] = {}
#: words kept per lexicon before the memo is emptied (bounded memory on big corpora)
_SHAPE_MEMO_MAX = 200_000


def _name_shape(word: str, lex: Lexicon) -> str | None:
    w = word.strip(_STRIP)
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if len(w) < 2 or w in lex.stop_names or sum(c.isalpha() for c in w) < 2:
        return None
    if _URLISH.search(w):
        return None
    if _UNITLIKE.match(w) or _TITLE_COMPOUND.match(w):
        return None
    if _ALLCAPS.match(w) and not any(c.islower() for c in w):
        if _HAS_DIGIT.search(w) and re.search(r"[A-Z]{2,}", w) and "-" in w:
            return "mixed"  # "CIFAR-10", "MS-COCO2"
        if _HAS_DIGIT.search(w):
            return "mixed" if re.search(r"[A-Z]\d|\d[A-Z]|[A-Z]-\d", w) else None
        return "caps" if len(w.rstrip("s")) >= 2 else None
    has_upper = any(c.isupper() for c in w)
    if _HAS_DIGIT.search(w):
        # "bert2BERT", "Yelp-2013", "Llama2"; not "research1", "1layer", "a2n+"
        return "mixed" if has_upper and sum(c.isalpha() for c in w) >= 2 else None
    if _CAMEL.search(w):
        return "mixed"
    if sum(c.isupper() for c in w) >= 2 and any(c.islower() for c in w):
        return "mixed"  # "ICRL-Net", "GNN-SL"-like with a Title part
    return None


#: "keep walking" for :meth:`EntityTyper._up_chain`
_GO_ON = object()
#: dependency links a "we propose X" walk goes up through
_PROPOSED_PATH = ("dobj", "appos", "conj", "compound", "oprd", "attr", "nmod")


class EntityTyper:
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
        self._sent_memo: tuple[Doc | None, dict] = (None, {})

    # -- helpers -------------------------------------------------------------
    def _head_type(self, tok: Token) -> str | None:
        return self.lex.head_noun_type.get(tok.lemma_.lower()) or self.lex.head_noun_type.get(
            tok.lower_
        )

    def _up_chain(self, tok: Token, key: str, top, at, through: tuple[str, ...] | None = None):
        """Walk from ``tok`` up its head chain, memoised per document.

        At each head ``h`` reached, ``at(h)`` returns the walk's value or
        :data:`_GO_ON`; the walk ends with ``top`` at the root or, if ``through`` is
        given, at a token whose dependency label is not in it. Every token of a
        chain gets the value, so the walks of all mentions in a 2,000-name
        coordination cost linear time together instead of quadratic.
        """
        memo = self._doc_memo(tok.doc)
        chain = []
        t = tok
        while (key, t.i) not in memo:
            chain.append(t)
            if t.head.i == t.i or (through is not None and t.dep_ not in through):
                memo[(key, t.i)] = top
                break
            v = at(t.head)
            if v is not _GO_ON:
                memo[(key, t.i)] = v
                break
            t = t.head
        val = memo[(key, t.i)]
        for c in chain:
            memo[(key, c.i)] = val
        return val

    def _doc_memo(self, doc: Doc) -> dict:
        """A memo dict for the current document (only the last one is kept)."""
        if self._sent_memo[0] is not doc:
            self._sent_memo = (doc, {})
        return self._sent_memo[1]

    def _sent_of(self, doc: Doc, i: int) -> Span:
        """The sentence holding token ``i``: ``doc[i:i+1].sent`` by bisect over the
        document's sentence starts (spaCy walks the tokens to both sentence ends
        on every call, quadratic in a one-sentence 2,000-name list)."""
        memo = self._doc_memo(doc)
        if "sents" not in memo:
            if "sent" in doc.user_span_hooks or "sents" in doc.user_hooks:
                return doc[i:i + 1].sent
            sents = list(doc.sents)
            memo["sents"] = (sents, [s.start for s in sents])
        sents, starts = memo["sents"]
        return sents[bisect_right(starts, i) - 1]

    def _token_mask(self, doc: Doc, attr: str, pred) -> np.ndarray:
        """Boolean array over the tokens: ``pred(value)`` of each token's string
        ``attr`` ("ORTH" → ``tok.text``, "LOWER" → ``tok.lower_``, "LEMMA" →
        ``tok.lemma_``, "DEP" → ``tok.dep_``), evaluated once per distinct value
        (a few hundred per document) instead of once per token; memoised per
        document for a module-level ``pred``.

        The rules below walk only the tokens the mask selects: each rule's own
        first test, so the same tokens pass as when every token is tried."""
        memo = self._doc_memo(doc)
        key = ("mask", attr, pred)
        mask = memo.get(key)
        if mask is None:
            arr = self._token_array(doc, attr)
            uniq, inv = np.unique(arr, return_inverse=True)
            strings = doc.vocab.strings
            ok = np.fromiter((bool(pred(strings[int(h)])) for h in uniq), dtype=bool, count=len(uniq))
            mask = memo[key] = ok[inv.reshape(-1)] if len(arr) else np.zeros(0, dtype=bool)
        return mask

    def _token_array(self, doc: Doc, attr: str) -> np.ndarray:
        """``doc.to_array(attr)``, once per document (e.g. "IS_ALPHA": ``tok.is_alpha``
        of every token as 0/1)."""
        memo = self._doc_memo(doc)
        arr = memo.get(("array", attr))
        if arr is None:
            arr = memo[("array", attr)] = doc.to_array(attr)
        return arr

    def _token_indices(self, doc: Doc, attr: str, pred) -> list[int]:
        """Indices, in order, of the tokens whose ``attr`` value satisfies ``pred``
        (:meth:`_token_mask`)."""
        return np.flatnonzero(self._token_mask(doc, attr, pred)).tolist()

    def _noun_chunks(self, doc: Doc) -> list[Span]:
        """``list(doc.noun_chunks)``, once per document (two rules read them)."""
        memo = self._doc_memo(doc)
        if "noun_chunks" not in memo:
            memo["noun_chunks"] = list(doc.noun_chunks)
        return memo["noun_chunks"]

    def _sent_fact(self, sent: Span, key: str, compute):
        """``compute(sent)``, memoised per sentence of the current document.

        ``_context_type`` runs once per candidate name; looking at the whole
        sentence each time made long sentences (a 2,000-name list) quadratic.
        Only the last document's results are kept (the memo holds that ``Doc``).
        """
        memo = self._doc_memo(sent.doc)
        k = (key, sent.start, sent.end)
        if k not in memo:
            memo[k] = compute(sent)
        return memo[k]

    def _context_type(self, doc: Doc, start: int, end: int) -> tuple[str | None, str]:
        """Type a name span from its syntactic context. Returns (type, rule)."""
        lex = self.lex
        span = doc[start:end]
        root = span.root
        # a0) "JDExplore d-team", "X research team": an organisation head a few tokens on
        for k in range(end, min(end + 3, len(doc))):
            t = doc[k]
            if self._head_type(t) == "Organization" and t.lower_ in ("team", "lab", "group", "laboratory"):
                return "Organization", "org-head"
            if not (t.text in ("-", "d") or t.pos_ == "PUNCT" and t.text == "-"):
                break
        # a) head noun right after the name: "the X dataset", "X model"
        if end < len(doc):
            nxt = doc[end]
            t = self._head_type(nxt)
            if t and nxt.pos_ in ("NOUN", "PROPN") and (root.head.i == nxt.i or root.head.i >= end):
                return t, "head-noun"
        # a') a coined name in a sentence where the authors propose something:
        #     "we propose federated ... for face recognition, FedFR"
        if name_shape(span.text, lex) == "mixed" and self._sent_fact(
            self._sent_of(doc, start), "proposal", lambda sent: any(_is_propose_verb(t, lex) and _has_self_subject(t, lex) for t in sent)
        ) and not self._up_chain(root, "compared", False, lambda a: (
            True if a.lemma_.lower() in lex["outperform_verbs"] or a.lower_ in ("than", "over", "like") else _GO_ON
        )):
            return "Method", "proposal-sentence"
        # b) appositive / naming: "benchmark Spider", "generator GPT-3", "detector, named X"
        head = root.head
        if root.dep_ in ("appos", "oprd", "attr", "compound", "nmod", "npadvmod", "dobj", "pobj", "conj") and head.i != root.i:
            if head.lemma_.lower() in lex["naming_verbs"] and head.head.i != head.i:
                t = self._head_type(head.head)
                if t:
                    return t, "named"
                return "Method", "named"
            if root.dep_ in ("appos", "oprd", "attr") or (root.dep_ in ("dobj", "pobj", "compound", "nmod") and head.i == start - 1):
                t = self._head_type(head)
                if t and head.pos_ in ("NOUN", "PROPN") and head.i < start:
                    return t, "appositive"
        if start > 0:
            prev = doc[start - 1]
            t = self._head_type(prev)
            if t and prev.pos_ in ("NOUN", "PROPN") and prev.i in [c.i for c in root.ancestors] + [root.head.i]:
                return t, "appositive"
        # c) naming verb: "called X", "termed X", "dubbed X"
        for tok in (doc[start - 1] if start > 0 else None, doc[start - 2] if start > 1 else None):
            if tok is not None and tok.lemma_.lower() in lex["naming_verbs"]:
                t = self._head_type(tok.head) if tok.head.i != tok.i else None
                return (t or "Method"), "named"
        # d) proposal: "we propose X"
        # (up the head chain through object/apposition/conjunct links to the first
        # verb; memoised, as a 2,000-name list is one chain)
        if self._up_chain(root, "proposed", False, lambda tok: (
            (_is_propose_verb(tok, lex) and _has_self_subject(tok, lex))
            if tok.pos_ == "VERB" or _is_propose_verb(tok, lex) else _GO_ON
        ), _PROPOSED_PATH):
            return "Method", "proposed"
        # e) subject of an evaluation / comparison verb: "X achieves", "X outperforms"
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in (
            lex["outperform_verbs"] | {"achieve", "obtain", "reach", "attain", "improve", "yield"}
        ):
            return "Method", "subject"
        # "… FedEMA, which beats FedAvg": the antecedent of a relative clause that compares
        if any(c.dep_ == "relcl" and c.lemma_.lower() in lex["outperform_verbs"] for c in root.children):
            return "Method", "subject"
        # e') object of a comparison verb: "DaC outperforms SHOT"
        if root.dep_ in ("dobj", "conj") and any(
            a.lemma_.lower() in lex["outperform_verbs"] for a in [root.head, root.head.head]
        ):
            return "Method", "compared"
        # f) model-like names: "DeiT-base", "ICRL-Net", "TernaryBERT", "Vega v2"
        if _MODEL_LIKE.search(span.text) or (end < len(doc) and _VERSION.match(doc[end].text)):
            return "Method", "model-like"
        # e'') test sets named by year: "NIST05", "MT08", "DUC2001", "CoNLL-2003", "WMT14"
        if _YEAR_SET.match(span.text) and sum(c.isalpha() for c in span.text) <= 12 and not _citation_key(doc, start, span.text):
            return "Dataset", "year-named"
        # g) "on X" / "experiments on X" in an evaluation sentence
        if root.dep_ == "pobj" and root.head.lower_ in ("on", "over", "across"):
            sent_lemmas = self._sent_fact(self._sent_of(doc, root.i), "lemmas", lambda sent: {t.lemma_.lower() for t in sent})
            if sent_lemmas & lex["eval_triggers"]:
                return "Dataset", "evaluated-on"
        return None, ""

    # -- candidate finders ---------------------------------------------------
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
            if typ is None:
                typ, rule = self._context_type(doc, sf.start, sf.end)
            if typ is None and name_shape(short, self.lex) == "mixed":
                typ = self.default_unknown
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
                    out.append(_Cand(a, b, typ, "abbreviation", gid))
        return out

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
                t = self._head_type(prev.head) if prev.head.i != prev.i else None
                out.append(_Cand(tok.i, tok.i + 1, t if t in ("Method", "Dataset", "Benchmark") else "Method", "pattern:named"))
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
            elif t in ("Method", "Dataset", "Benchmark") and nxt.lower_ not in ("system", "group", "team", "lab"):
                out.append(_Cand(tok.i, tok.i + 1, t, "pattern:head-noun"))
        out.extend(self._proposed_names(doc))
        out.extend(self._title_case_methods(doc))
        out.extend(self._hardware(doc))
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
            if any(c.dep_ == "compound" for c in tok.children):
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
                ):  # "the 2014 and 2015 datasets": years, not names
                    ok = False
                    break
                new.append(_Cand(a, b, label, "pattern:coordinated-dataset", rank=-1))
            if ok:
                out.extend(new)
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
            out.append(_Cand(a, b, "Method", "pattern:title-case"))
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
                if j < i and has_model:
                    out.append(_Cand(j, i + 1, "Hardware", "pattern:hardware"))
            if low in ("tpu", "tpus") and i + 1 < len(doc) and re.match(r"^v\d", doc[i + 1].lower_):
                out.append(_Cand(i, i + 2, "Hardware", "pattern:hardware"))
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
        # "the X task" where X is a name: "the Text-to-SQL task"
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
                if j < i and not broken and any(any(c.isupper() for c in t.text) for t in name) \
                        and _task_name_ok(name):
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
            if len(e) == 1 and name_shape(e.text, self.lex) in ("mixed", "caps") and not (typ == "Organization" and len(e.text) > 4 and e.text.isupper()):
                continue  # "GPT-3"/"TernaryBERT"/"EMA" tagged ORG: leave it to the name patterns
            if e[0].text[:1].islower():
                continue  # "node" as a place
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
        return out

    # -- main ------------------------------------------------------------------
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
        chosen = _select(cands)
        chosen = _propagate_coordination(doc, chosen)
        ents = []
        for c in chosen:
            sp = Span(doc, c.start, c.end, label=c.label)
            if c.gid:
                sp.id_ = c.gid
            ents.append(sp)
        doc.set_ents(ents, default="outside")
        by_id = self.gazetteer_index[0] if self.gazetteer_index else {}
        mentions = []
        for c in chosen:
            text = doc[c.start:c.end].text
            entry = by_id.get(c.gid) if c.gid else None
            name = entry.name if entry is not None else text
            end_char = doc[c.end - 1].idx + len(doc[c.end - 1].text)
            if _PLURAL_ACRONYM.match(doc[c.end - 1].text):
                end_char -= 1  # ANNOTATION.md: plural endings stay outside ("CNNs" → "CNN", "H100s" → "H100")
            mentions.append({
                "start": doc[c.start].idx,
                "end": end_char,
                "label": c.label,
                "source": c.source,
                "gid": c.gid,
                # a lower-case technique ("federated learning", "FL"): a method, but
                # not the named thing a paper proposes or evaluates
                "generic": c.label == "Method" and c.source != "abbreviation" and (
                    name.islower() or (c.source == "statistical" and not _looks_named(text))
                ),
            })
        doc._.kg_mentions = mentions
        return doc


#: A whole word of :meth:`EntityTyper._names` (a maximal run of characters other than
#: whitespace, "/" and brackets) that holds an ASCII capital or a non-ASCII character.
_WORD_MAYBE_CAPITAL = re.compile(r"(?<![^\s/()\[\]{}])(?=[^\s/()\[\]{}]*[A-Z\u0080-\U0010FFFF])[^\s/()\[\]{}]+")

# Predicates of :meth:`EntityTyper._token_mask` (module level: memo keys). Each is
# the first test of the rule that uses it, on the token's string.
_DS_PLURALS = frozenset({"datasets", "corpora", "benchmarks", "treebanks", "databases"})


def _starts_upper(text: str) -> bool:
    return text[:1].isupper()


def _is_object_dep(dep: str) -> bool:
    return dep in ("dobj", "attr", "oprd")


def _is_ds_head_word(low: str) -> bool:
    return low in _DS_HEADS or low in ("set", "sets", "data")


def _is_ds_plural_word(low: str) -> bool:
    return low == "sets" or low in _DS_PLURALS


def _is_hw_head_word(low: str) -> bool:
    return low in _HW_HEADS or low in ("tpu", "tpus")


def _is_hw_class_word(low: str) -> bool:
    return low in ("gpu", "gpus", "cpu", "cpus", "tpu", "tpus") or low.rstrip("s") in _HW_PHRASE_HEADS or low == "core"


def _is_hw_class_lemma(lemma: str) -> bool:
    lem = lemma.lower()
    return lem in _HW_PHRASE_HEADS or lem == "computer"


def _is_task_word(low: str) -> bool:
    return low in ("task", "tasks")


#: A plural of an acronym or model number: two capitals or a digit before a final
#: lower-case "s" ("CNNs", "RNN-LMs", "LBPs", "H100s"; not "ResNets", "DARTS").
_PLURAL_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2}|.*\d)[A-Za-z0-9-]*[A-Z0-9]s$")
#: First words of paper titles that do not start with a method's name.
_TITLE_NOT_NAME = {"towards", "toward", "on", "beyond", "rethinking", "revisiting", "understanding", "improving",
                   "exploring", "why", "how", "what", "when", "does", "do", "can", "is", "are", "a", "an"}
_SELF_BODY = re.compile(r"\b(?:we|our|this paper|this work)\b", re.I)
_TITLE_SPLIT = re.compile(r":| for | via | with | using | in | on | through ")
_CORE_PROPOSE = {"propose", "introduce", "present", "develop", "design", "devise"}
_ORG_FUNCTION_WORDS = {"of", "for", "and", "the", "de", "la", "du", "der", "für", "at", "on", "in", "&"}


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
    return not (len(name) == 1 and re.fullmatch(r"\d+[A-Za-z]", name.text))


def _looks_named(text: str) -> bool:
    """A proper name rather than a description: a capital or digit after the
    first character of some word ("BERT", "ResNet-50", "Mask R-CNN")."""
    return any(any(c.isupper() or c.isdigit() for c in w[1:]) or (w[:1].isupper() and len(text.split()) == 1) for w in text.split())


def _headline_tokens(doc: Doc) -> set[int]:
    """Token indices of title-case lines ("AI Can Write Disinformation Now—and
    Dupe Human Readers"): at least three words, most of them capitalised, no
    sentence-final full stop. Computed once per document (do not mutate)."""
    return memoised(doc, "headline_tokens", _find_headline_tokens)


def _find_headline_tokens(doc: Doc) -> frozenset[int]:
    out: set[int] = set()
    pos = 0
    for line in doc_text(doc).split("\n"):
        if line.rstrip().endswith("."):  # (tested first: most lines of running text end so)
            pos += len(line) + 1
            continue
        words = [w for w in line.split() if any(c.isalpha() for c in w)]
        caps = sum(1 for w in words if w[0].isupper())
        if len(words) >= 3 and caps >= 0.6 * len(words):
            sp = doc.char_span(pos, pos + len(line), alignment_mode="expand")
            if sp is not None:
                out.update(range(sp.start, sp.end))
        pos += len(line) + 1
    return frozenset(out)  # shared by the rules of one document: read-only


def _is_propose_verb(tok: Token, lex: Lexicon) -> bool:
    """A proposal verb ("propose", "present", "introduce"); the tagger sometimes
    reads "We present X" as an adjective, so a root "present" counts too."""
    return tok.lemma_.lower() in lex["propose_verbs"] and (
        tok.pos_ == "VERB" or (tok.dep_ == "ROOT" and tok.pos_ in ("ADJ", "NOUN"))
    )


def _has_self_subject(verb: Token, lex: Lexicon) -> bool:
    """True when ``verb``'s subject is the authors ("we", "this paper", "our work")
    or the verb is passive/participial ("is proposed", "the proposed")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            words = {t.lower_ for t in child.subtree} | {child.lemma_.lower()}
            if words & lex["self_words"]:
                return True
            if child.dep_ == "nsubjpass" and verb.lemma_.lower() in _CORE_PROPOSE:
                return True
        if child.dep_ == "auxpass" and verb.lemma_.lower() in _CORE_PROPOSE:
            return True
    return verb.dep_ in ("xcomp", "conj") and verb.head.pos_ == "VERB" and _has_self_subject(verb.head, lex)


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


#: Pattern sources whose type comes from a head noun or appositive in the name's
#: own phrase; coordination does not re-type them.
_TYPED_BY_HEAD = frozenset({
    "pattern:hardware", "pattern:hardware-class", "pattern:head-noun", "pattern:appositive",
    "pattern:dataset-phrase", "pattern:dataset-extension", "pattern:dataset-version",
    "pattern:coordinated-dataset",
    "pattern:org-head", "pattern:task-phrase", "pattern:task-name",
})


def _propagate_coordination(doc: Doc, chosen: list[_Cand]) -> list[_Cand]:
    """Give a name the type of a gazetteer name it is coordinated with
    ("on VisDA, Office-Home, and X" → X is a Dataset)."""
    by_tok = {}
    for c in chosen:
        for i in range(c.start, c.end):
            by_tok[i] = c
    for c in chosen:
        if not c.source.startswith("pattern:") or c.source in _TYPED_BY_HEAD:
            continue  # a head noun ("the X dataset") is stronger evidence than a conjunct
        root = doc[c.start:c.end].root
        partners = [t for t in list(root.conjuncts) if t.i in by_tok]
        types = {by_tok[t.i].label for t in partners if by_tok[t.i].source in ("gazetteer", "abbreviation")}
        if len(types) == 1:
            new = types.pop()
            if new != c.label:
                c.label = new
                c.source = "pattern:coordination"
    return chosen


@Language.factory(
    "kg_entities",
    requires=["doc.ents", "token.dep", "token.lemma", "token.pos"],  # doc._.kg_stat_ents if present
    assigns=["doc.ents", "doc._.kg_mentions"],
    default_config={"default_unknown": "Method", "tasks_from_noun_chunks": True},
)
def make_entity_typer(nlp: Language, name: str, default_unknown: str | None, tasks_from_noun_chunks: bool) -> EntityTyper:
    """spaCy factory for :class:`EntityTyper`."""
    return EntityTyper(default_unknown=default_unknown, tasks_from_noun_chunks=tasks_from_noun_chunks)
