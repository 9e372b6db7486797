"""Canonical ids: gazetteer entries, abbreviations and spelling variants → one id.

Within a document (:func:`resolve_document`):

* a gazetteer match keeps the gazetteer's id and preferred name;
* any other mention is looked up by its loose match key
  (:func:`kg.gazetteer.match_key`: case, hyphen and spacing variants —
  "OfficeHome" finds "Office-Home");
* the long form of an abbreviation gets the id of its short form
  ("Structure-Aware Dual Graph Aggregation Network" → ``sadga``), so both are one
  node with both labels;
* otherwise the id is :func:`kg.gazetteer.canonical_key` of the text, which keeps
  real variants apart ("DeiT-base" / "DeiT-small", "GPT-3" / "GPT-4").

Across documents (:func:`corpus_aliases`): a long form defined in one document
("Divide and Contrast (DaC)") maps its bare mentions in other documents to the
same id, unless two documents define it differently.

Families (:func:`family_of`, :func:`entity_families`): variants keep their own ids
but are linked to the family they belong to where that is clear — the gazetteer
says so ("GPT-3" → ``gpt``), or the name is a known name plus a version, size or
parameter-count suffix ("Vega v2" → ``vega`` when "Vega" is a node of the graph,
"CTB 5.1" → ``chinese-treebank``, whose alias "CTB" is, "DeiT-base" → ``deit``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kg.gazetteer import GazetteerEntry, canonical_key, load_gazetteers, match_key
from kg.model import DocExtraction


GazetteerIndex = tuple[dict[str, GazetteerEntry], dict[str, GazetteerEntry]]


@lru_cache(maxsize=4)
def gazetteer_index(directory: str | None = None) -> GazetteerIndex:
    """Return ``(by_id, by_match_key)`` over the gazetteer in ``directory``
    (default ``data/gazetteers``; cached)."""
    entries = load_gazetteers(directory) if directory else load_gazetteers()
    return index_entries(entries)


def index_entries(entries: Iterable[GazetteerEntry]) -> GazetteerIndex:
    """Index gazetteer entries as ``(by_id, by_match_key)``.

    ``by_match_key`` maps the match key of every name and alias to its entry;
    a key shared by entries of two different ids is left out (ambiguous).
    """
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    by_key: dict[str, GazetteerEntry] = {}
    clash: set[str] = set()
    for e in entries:
        for form in (e.name, *e.aliases):
            try:
                k = match_key(form)
            except ValueError:
                continue
            if k in by_key and by_key[k].id != e.id:
                clash.add(k)
            by_key.setdefault(k, e)
    for k in clash:
        by_key.pop(k, None)
    return by_id, by_key


def safe_key(text: str) -> str:
    """:func:`canonical_key`, falling back to ``"x-<hex>"`` for text with no letter
    or digit (so every mention gets an id)."""
    try:
        return canonical_key(text)
    except ValueError:
        return "x-" + text.encode("utf-8").hex()[:32]


def _strip_possessive(text: str) -> str:
    for suf in ("'s", "’s"):
        if text.endswith(suf):
            return text[: -len(suf)]
    return text


#: A plural of an acronym or model number: two capitals or a digit before a final
#: lower-case "s" ("CNNs", "RNN-LMs", "LReLUs", "H100s"; not "ResNets", "DARTS"). The
#: extractor ends mentions before that "s" (:mod:`kg.extract.entities`).
PLURAL_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2}|.*\d)[A-Za-z0-9-]*[A-Z0-9]s$")


def _singular(short: str) -> str:
    """An abbreviation without its plural "s" (ANNOTATION.md: plural endings stay
    outside): "(LReLUs)" names the node "LReLU" (ninth blind audit: "LReLUs", "R-GCNs"
    judged wrong boundaries).

    >>> _singular("LReLUs"), _singular("R-GCNs"), _singular("DARTS"), _singular("ResNets")
    ('LReLU', 'R-GCN', 'DARTS', 'ResNets')
    """
    return short[:-1] if PLURAL_ACRONYM.match(short) else short


def resolve_document(
    text: str,
    mentions: list[dict],
    abbreviations: list[dict],
    index: GazetteerIndex | None = None,
    *,
    doc_id: str = "",
    title: str | None = None,
) -> tuple[list[str], list[str]]:
    """Assign canonical ids and display names to the mentions of one document.

    Parameters
    ----------
    text : str
        The document text.
    mentions : list of dict
        ``{"start", "end", "label", "source", "gid"}`` (character offsets), as
        ``doc._.kg_mentions``.
    abbreviations : list of dict
        ``{"short_text", "long_text", ...}`` as ``doc._.kg_abbreviations``.
    index : (by_id, by_match_key), optional
        Gazetteer index (:func:`index_entries`); default :func:`gazetteer_index`.
    doc_id, title : str
        The document's id and title: an unnamed method the document proposes
        ("our method", source ``"anaphor"``) gets the id ``unnamed-method-<doc_id>``
        and the name "unnamed method of “<title>”" ("unnamed method of “<doc_id>”"
        without a title); the graph types its node ``UnnamedMethod``
        (:data:`kg.model.UNNAMED_METHOD`), not ``Method``.

    Returns
    -------
    (ids, names) : tuple of two lists of str
        Aligned with ``mentions``.
    """
    by_id, by_key = index if index is not None else gazetteer_index()

    def lookup(surface: str, label: str) -> tuple[str, str]:
        try:
            e = by_key.get(match_key(surface))
        except ValueError:
            e = None
        if e is not None and (e.type == label or {e.type, label} <= {"Dataset", "Benchmark"}):
            return e.id, e.name
        key = safe_key(surface)
        other = by_id.get(key)
        if other is not None and other.type != label and not {other.type, label} <= {"Dataset", "Benchmark"}:
            # "MAE" the measure beside the listed model "MAE": a node of its own, not merged into it
            return f"{key}-{label.lower()}", surface
        return key, surface

    long_to_short: dict[str, str] = {}
    for ab in abbreviations:
        try:
            long_to_short[match_key(ab["long_text"])] = _singular(ab["short_text"])
        except ValueError:
            continue

    ids, names = [], []
    titled = title_name(title)
    for m in mentions:
        if m.get("source") == "anaphor" and titled:
            # "DARTS: Differentiable Architecture Search": the title names the method
            # the document proposes without naming it in its text (21st audit: 5 facts
            # of two abstracts on an unnamed method whose title gave the name)
            i, n = lookup(titled, "Method")
            ids.append(i)
            names.append(n)
            continue
        if m.get("source") == "anaphor":
            ids.append("unnamed-method-" + safe_key(doc_id or text[:64]))
            label = " ".join((title or "").split()) or doc_id or " ".join(text.split()[:8])
            names.append(f"unnamed method of “{label}”")
            continue
        surface = _strip_possessive(text[m["start"]:m["end"]])
        if m.get("gid") and m["gid"] in by_id:
            e = by_id[m["gid"]]
            if not is_variant_alias(surface, e):
                ids.append(e.id)
                names.append(e.name)
                continue
            # "Trainium1", "Mixtral 8x7B", "Qwen2.5-Max": a listed family's member is a
            # node of its own (ANNOTATION.md), linked to the family by entity_families
        try:
            short = long_to_short.get(match_key(surface))
        except ValueError:
            short = None
        ident, name = lookup(short if short else surface, m["label"])
        if m.get("gid") and m["gid"] in by_id and ident == m["gid"]:
            ident, name = safe_key(surface), surface
        ids.append(ident)
        names.append(name)
    return ids, names


def corpus_aliases(extractions: Iterable[DocExtraction]) -> dict[str, str]:
    """Map ids of long forms to the id of their short form across documents.

    Only non-gazetteer abbreviation mentions whose own key differs from their id
    contribute; a long form given two different short forms is left alone.

    Returns
    -------
    dict
        ``{long-form id: short-form id}``.
    """
    targets: dict[str, set[str]] = defaultdict(set)
    for ex in extractions:
        for m in ex.entities:
            if m.source != "abbreviation":
                continue
            k = safe_key(_strip_possessive(m.text))
            if k != m.id:
                targets[k].add(m.id)
    return {k: next(iter(v)) for k, v in targets.items() if len(v) == 1}


#: What a member adds to its family's name: a number or version ("Trainium1", "WSE-3",
#: "Qwen2.5", "v5e"), a size ("8x7B", "70B") or a tier word ("-Max", " Turbo", " Ultra").
#: A title "NAME: subtitle" whose NAME (one to three words, before the first colon)
#: reads as a coined name: a capital after a word's first letter ("OLMo", "GraphCast"), a
#: digit with a capital, or all capitals of 3+ letters ("DARTS", "NER-BERT").
_TITLE_NAME = re.compile(r"^\s*(?P<n>[^\s:][^:]{0,38}?)\s*:\s+\S")
_CODED = re.compile(r"[A-Za-z][a-z0-9]*[A-Z]|[A-Z].*\d|\d.*[A-Z]|^[A-Z][A-Z0-9-]{2,}$")
#: Title prefixes of that shape that name a field or a class, not a method.
_TITLE_NOT_NAMES = {"NLP", "LLM", "LLMS", "AGI", "GNN", "GNNS", "CNN", "CNNS", "RNN", "GAN", "GANS", "RAG", "SOTA",
                    "XAI", "AIGC", "NER", "ASR", "TTS", "MT", "QA", "VQA", "RL", "MARL", "SSL", "FL", "NAS", "CV"}


def title_name(title: str | None) -> str | None:
    """The coined name before a title's colon ("DARTS: Differentiable Architecture
    Search" → "DARTS"), or ``None``: one to three words, no lower-case word, a shape of
    a coined name (:data:`_CODED`), not a field or class abbreviation
    (:data:`_TITLE_NOT_NAMES`).

    >>> [title_name(t) for t in ("DARTS: Differentiable Architecture Search", "OLMo 2: open models",
    ...                          "Survey: graph learning", "LLMs: a survey", "Attention Is All You Need")]
    ['DARTS', 'OLMo 2', None, None, None]
    """
    m = _TITLE_NAME.match(title or "")
    if m is None:
        return None
    name = m.group("n").strip()
    words = name.split()
    if not 1 <= len(words) <= 3 or any(w[:1].islower() for w in words) or name.upper() in _TITLE_NOT_NAMES:
        return None
    return name if _CODED.search(name) else None


_MEMBER_REST = re.compile(
    r"^[\s_-]*(?:v?\d[\w.-]*(?:\s+\w+)?|\d+x\d+[BMK]|(?:Max|Pro|Ultra|Turbo|Flash|Mini|Nano|Plus|Lite|Instruct|Chat|"
    r"Base|Large|Small|Medium|Opus|Sonnet|Haiku)\b[\w .-]*)$", re.I)


def is_variant_alias(surface: str, entry: GazetteerEntry) -> bool:
    """Whether ``surface``, found as a gazetteer ``entry`` (by its name or an alias),
    names one member of the entry's family rather than the family: it extends a
    shorter name of the same entry by a number, version, size or tier word.

    >>> from kg.gazetteer import GazetteerEntry
    >>> e = GazetteerEntry(id="aws-trainium", name="AWS Trainium", type="Hardware", aliases=("Trainium", "Trainium1"))
    >>> [is_variant_alias(s, e) for s in ("Trainium1", "AWS Trainium", "Trainium", "Trainium chips")]
    [True, False, False, False]
    >>> is_variant_alias("Mixtral 8x7B", GazetteerEntry(id="mixtral", name="Mixtral", type="Method", aliases=("Mixtral 8x7B",)))
    True
    """
    s = " ".join(surface.split())
    low = s.lower()
    names = [entry.name, *entry.aliases]
    names += [n.split()[-1] for n in names if len(n.split()) > 1]  # "AWS Trainium" → "Trainium"
    for n in names:
        nl = n.lower()
        if len(nl) >= 2 and low != nl and low.startswith(nl) and _MEMBER_REST.match(s[len(n):]):
            return True
    return False


# -- families ----------------------------------------------------------------

#: Model-size words that name a variant ("DeiT-base", "BERT-Large", "GPT-2 Medium").
_SIZE_WORDS = ("base", "small", "large", "tiny", "mini", "medium", "huge", "giant", "nano", "micro",
               "lite", "xl", "xxl", "xs", "b", "s", "l", "ti", "h")
#: Suffixes that make a name a variant of the name before them, tried in order on
#: the end of the name. ``method_only`` ones apply to Methods alone: "CIFAR-10" and
#: "Yelp-2013" are datasets of their own, not versions of "CIFAR" or "Yelp".
_VARIANT_SUFFIXES: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(r"[\s_-]*\(?[vV]\d+(?:\.\d+)*\)?$"), False),                   # "Vega v2", "TPU v4"
    (re.compile(r"(?<=[A-Za-z])[\s_-]*[1-9]\d?\.\d{1,2}$"), False),             # "CTB 5.1", "SQuAD 2.0"
    (re.compile(r"[\s_-]+(?:\d+x)?\d+(?:\.\d+)?[BMK]$"), True),                  # "GPT-2 1.5B", "Mixtral 8x7B"
    (re.compile(r"[\s_-]+(?:" + "|".join(_SIZE_WORDS) + r")$", re.I), True),      # "DeiT-base"
    (re.compile(r"(?<=[A-Za-z]{2})-?\d{1,3}$"), True),                             # "GPT-3", "ResNet-50"
)
_GROUPS = {"Dataset": "Dataset+Benchmark", "Benchmark": "Dataset+Benchmark"}


def variant_bases(name: str, label: str) -> list[str]:
    """Names a variant name may belong to, nearest first.

    Strips one variant suffix at a time from the end: a version ("Vega v2",
    "CTB 5.1", "SQuAD 2.0"), and for Methods also a parameter count ("GPT-2 1.5B"),
    a size word ("DeiT-base", "BERT-Large") or a number after the name ("GPT-3",
    "ResNet-50"). Dataset numbers are not stripped ("CIFAR-10", "Yelp-2013" are
    datasets of their own). A base needs two letters.

    Parameters
    ----------
    name : str
        A display name or surface form.
    label : str
        Its entity type (:data:`kg.model.ENTITY_TYPES`).

    Returns
    -------
    list of str
        Candidate family names, nearest first (``[]`` for a plain name).

    Examples
    --------
    >>> variant_bases("GPT-2 1.5B", "Method")
    ['GPT-2', 'GPT']
    >>> variant_bases("CTB 5.1", "Dataset"), variant_bases("CIFAR-10", "Dataset")
    (['CTB'], [])
    """
    out: list[str] = []
    cur = name.strip()
    changed = True
    while changed:
        changed = False
        for pattern, method_only in _VARIANT_SUFFIXES:
            if method_only and label != "Method":
                continue
            m = pattern.search(cur)
            if m is None or m.start() == 0:
                continue
            base = cur[: m.start()].rstrip(" _-(")
            if sum(c.isalpha() for c in base) < 2:
                continue
            out.append(base)
            cur = base
            changed = True
            break
    return out


def family_of(
    name: str,
    label: str,
    *,
    ident: str | None = None,
    index: GazetteerIndex | None = None,
    known: Mapping[str, str] | None = None,
) -> str | None:
    """The id of the family a name is a variant of, where that is clear.

    Clear means: the gazetteer gives the entry a family ("GPT-3" → ``gpt``), or a
    base of :func:`variant_bases` is a gazetteer entry or a ``known`` entity of the
    same type group (Method; Dataset/Benchmark). A base that itself belongs to a
    family gives that family ("GPT-2 Medium" → ``gpt``). Real variants keep their
    own ids; the family is data on them, not a merge.

    Parameters
    ----------
    name : str
        Display name of the entity.
    label : str
        Its type.
    ident : str, optional
        Its canonical id (default :func:`safe_key` of ``name``); never its own family.
    index : (by_id, by_match_key), optional
        Gazetteer index (default :func:`gazetteer_index`).
    known : mapping, optional
        ``{id: type}`` of other entities (e.g. the graph's nodes), so names no list
        knows can be families ("Vega" for "Vega v2").

    Returns
    -------
    str or None
        The family's canonical id.
    """
    if label not in ("Method", "Dataset", "Benchmark"):
        return None
    by_id, by_key = index if index is not None else gazetteer_index()
    ident = ident or safe_key(name)
    group = _GROUPS.get(label, label)
    entry = by_id.get(ident)
    if entry is not None and entry.family and entry.family != ident:
        return entry.family
    known = known or {}
    for base in variant_bases(name, label):
        try:
            e = by_key.get(match_key(base))
        except ValueError:
            e = None
        if e is not None and _GROUPS.get(e.type, e.type) == group and e.id != ident:
            return e.family or e.id
        key = safe_key(base)
        typ = known.get(key)
        if key != ident and typ is not None and _GROUPS.get(typ, typ) == group:
            e = by_id.get(key)
            return (e.family if e is not None and e.family else None) or key
    return None


def entity_families(
    nodes: Mapping[str, tuple[str, str]], index: GazetteerIndex | None = None
) -> dict[str, str]:
    """Families of a graph's entities (:func:`family_of` with the graph as ``known``).

    Parameters
    ----------
    nodes : mapping
        ``{id: (display name, type)}`` of the entity nodes.
    index : (by_id, by_match_key), optional
        Gazetteer index (default :func:`gazetteer_index`).

    Returns
    -------
    dict
        ``{id: family id}`` for the entities that belong to a family. The family id
        may have no node of its own (``gpt`` when only GPT-3 is mentioned).

    Examples
    --------
    >>> fams = entity_families({"vega": ("Vega", "Method"), "vega-v2": ("Vega v2", "Method"),
    ...                         "ctb-5-1": ("CTB 5.1", "Dataset"), "gpt-3": ("GPT-3", "Method")})
    >>> fams["vega-v2"], fams["gpt-3"], fams["ctb-5-1"]  # "CTB" is the Chinese Treebank's alias
    ('vega', 'gpt', 'chinese-treebank')
    """
    known = {i: t for i, (_, t) in nodes.items()}
    out = {}
    for ident, (name, typ) in nodes.items():
        fam = family_of(name, typ, ident=ident, index=index, known=known)
        if fam:
            out[ident] = fam
    return out
