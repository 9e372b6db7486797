"""Gazetteer entries → spaCy ``EntityRuler`` patterns and a lookup table.

Matching rule (decides how each surface form is matched; see
``data/gazetteers/README.md``):

* forms with a space ("object detection", "International Energy Agency") and
  forms with a digit of 4+ characters ("GPT-3", "A100", "CIFAR-10") or inner
  punctuation ("Office-Home", "Text-to-SQL") are matched case-insensitively
  (token attribute ``LOWER``);
* short forms with a digit ("T5", "M1") and all-caps forms ("AP", "IEA",
  "COCO", "MOON", "SCAFFOLD") are matched exactly (``ORTH``);
* single alphabetic words follow the entry's ``case_sensitive`` flag, which the
  regeneration script sets when the word is also an English word or name
  ("Spider", "Huawei"): exact match, plus the capitalised form of an
  all-lower-case word ("accuracy" → also "Accuracy"). Other single words
  ("SuperGLUE", "PyTorch") match in any case.

Spelling variants are generated: a hyphen between two words also matches a
space ("Office-Home" → "Office Home") and, between capitalised words, nothing
("OfficeHome"); a hyphen between letters and digits also matches nothing
("GPT-3" → "GPT3"); any inner hyphen also matches a spaced hyphen ("CIFAR - 10",
as in text extracted from PDFs); a generic term ending in a lower-case word gets
its plural ("neural network" → "neural networks"). Variants other than plurals
share the entry's :func:`~kg.gazetteer.ids.match_key`; a plural that names
another entry is not generated.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from kg.errors import GazetteerError
from kg.gazetteer.ids import match_key
from kg.gazetteer.loader import GazetteerEntry

__all__ = [
    "add_gazetteer_rulers",
    "gazetteer_phrase_patterns",
    "form_is_case_sensitive",
    "surface_variants",
    "entity_ruler_patterns",
    "phrase_lookup",
]

_ALPHA_WORD = re.compile(r"^[^\W\d_]+$")
_HAS_DIGIT = re.compile(r"\d")
_WORD_HYPHEN_WORD = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_CAP_HYPHEN_CAP = re.compile(r"(?<=[^\W\d_])-(?=[A-Z])")
_ALPHA_HYPHEN_DIGIT = re.compile(r"(?<=[^\W\d_])-(?=\d)")
_ANY_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def _is_all_caps(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def form_is_case_sensitive(form: str, entry_case_sensitive: bool = True) -> bool:
    """Decide whether one surface form is matched exactly (True) or in any case.

    Parameters
    ----------
    form : str
        A surface form, e.g. ``"Spider"``, ``"GPT-3"``, ``"AP"``.
    entry_case_sensitive : bool
        The entry's ``case_sensitive`` flag; used only for single alphabetic
        words that are not all capitals.

    Returns
    -------
    bool
        See the module docstring for the rule.
    """
    if any(c.isspace() for c in form):
        return False
    if _HAS_DIGIT.search(form):
        return len(form) <= 3
    if _is_all_caps(form):
        return True
    if not _ALPHA_WORD.match(form):
        return False
    return entry_case_sensitive


_LAST_LOWER_WORD = re.compile(r"(?:^|\s)([a-z]{4,})$")


def _plural(form: str) -> str | None:
    """English plural of a generic term ("neural network" → "neural networks"), or
    None for names, single short words and words already ending in "s"."""
    m = _LAST_LOWER_WORD.search(form)
    if not m or (m.start(1) == 0 and len(form) < 6):
        return None
    word = m.group(1)
    if word.endswith(("s", "x", "z")):
        return None
    if word.endswith(("ch", "sh")):
        return form + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return form[:-1] + "ies"
    return form + "s"


def surface_variants(form: str) -> list[str]:
    """Return the form and its generated spelling variants (form first, no repeats).

    Parameters
    ----------
    form : str

    Returns
    -------
    list of str
        E.g. ``"Office-Home"`` → ``["Office-Home", "Office Home", "OfficeHome"]``,
        ``"GPT-3"`` → ``["GPT-3", "GPT3", "GPT - 3"]``, ``"photonic processor"`` →
        ``["photonic processor", "photonic processors"]``.
    """
    out = [form]
    if _WORD_HYPHEN_WORD.search(form):
        out.append(_WORD_HYPHEN_WORD.sub(" ", form))
        if all(part[:1].isupper() for part in form.split("-") if part):
            out.append(_CAP_HYPHEN_CAP.sub("", form))
    if _ALPHA_HYPHEN_DIGIT.search(form):
        out.append(_ALPHA_HYPHEN_DIGIT.sub("", form))
    plural = _plural(form)
    if plural:
        out.append(plural)
    if _ANY_HYPHEN.search(form):
        # Text extracted from PDFs and pre-tokenised corpora spaces hyphens out
        # ("CIFAR - 10"); spaCy keeps "CIFAR-10" as one token, so this is a new pattern.
        out.append(_ANY_HYPHEN.sub(" - ", form))
    seen: list[str] = []
    for v in out:
        if v not in seen:
            seen.append(v)
    return seen


@lru_cache(maxsize=1)
def _blank_tokenizer() -> Callable[[str], Any]:
    import spacy

    return spacy.blank("en").tokenizer


def _pattern_specs(
    entries: Iterable[GazetteerEntry], tokenizer: Callable[[str], Any] | None
) -> Iterator[tuple[GazetteerEntry, str, bool, list[str]]]:
    """Yield ``(entry, text, exact, tokens)`` for every surface variant to match."""
    tok = tokenizer or _blank_tokenizer()
    entries = list(entries)
    owner = {match_key(f): e.id for e in entries for f in e.surface_forms}
    seen: set[tuple[str, tuple[str, ...], bool]] = set()
    for entry in entries:
        for form in entry.surface_forms:
            for variant in surface_variants(form):
                if owner.get(match_key(variant), entry.id) != entry.id:
                    continue  # a generated plural that names another entry
                exact = form_is_case_sensitive(variant, entry.case_sensitive)
                texts = [variant]
                if exact and variant.islower():
                    texts.append(variant[0].upper() + variant[1:])
                for text in texts:
                    tokens = [t.text for t in tok(text) if not t.is_space]
                    if not tokens:
                        raise GazetteerError(
                            f"{entry.path or '<entry>'}:{entry.line or 0}: surface form "
                            f"{text!r} of {entry.id!r} has no tokens"
                        )
                    # keyed by the tokens: "Flickr30K" tokenises as "Flickr30 K" and
                    # "Flickr30k" as one token, so two case variants may need two patterns
                    key = (entry.id, tuple(tokens) if exact else tuple(t.lower() for t in tokens), exact)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield entry, text, exact, tokens


def entity_ruler_patterns(
    entries: Iterable[GazetteerEntry],
    tokenizer: Callable[[str], Any] | None = None,
) -> list[dict[str, Any]]:
    """Build spaCy ``EntityRuler`` token patterns for gazetteer entries.

    Token patterns work in any ``entity_ruler`` but spaCy's ``Matcher`` tries every
    pattern at every token (about 9k patterns: ~0.4 µs per token × pattern on this
    machine, i.e. seconds per thousand words). For bulk runs use
    :func:`add_gazetteer_rulers`, which matches the same forms with
    ``PhraseMatcher`` hash look-ups.

    Parameters
    ----------
    entries : iterable of GazetteerEntry
        E.g. from :func:`kg.gazetteer.load_gazetteers`.
    tokenizer : callable, optional
        ``str → Doc``; the tokenizer of the pipeline the ruler will run in
        (``nlp.tokenizer``), so that patterns tokenise exactly like the text.
        Default: the tokenizer of ``spacy.blank("en")`` (identical rules to
        ``en_core_web_sm``).

    Returns
    -------
    list of dict
        ``{"label": entry.type, "pattern": [token dicts], "id": entry.id}``,
        one per distinct (form variant, case mode), in entry order. Token dicts
        are ``{"LOWER": ...}`` or ``{"ORTH": ...}`` (see the module docstring). A
        form without spaces that the tokenizer splits ("Text-to-SQL") also gets a
        one-token pattern, for pre-tokenised input that keeps it whole.

    Raises
    ------
    GazetteerError
        If a surface form tokenises to nothing.

    Examples
    --------
    >>> from kg.gazetteer import GazetteerEntry
    >>> e = GazetteerEntry(id="gpt-3", name="GPT-3", type="Method")
    >>> [p["pattern"] for p in entity_ruler_patterns([e])]
    [[{'LOWER': 'gpt-3'}], [{'LOWER': 'gpt3'}], [{'LOWER': 'gpt'}, {'LOWER': '-'}, {'LOWER': '3'}]]
    """
    patterns: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for entry, text, exact, tokens in _pattern_specs(entries, tokenizer):
        token_lists = [tokens]
        if len(tokens) > 1 and not any(c.isspace() for c in text):
            # Pre-tokenised input (CoNLL files, other tokenizers) may keep
            # "Text-to-SQL" or "k-means" as one token.
            token_lists.append([text])
        for toks in token_lists:
            attr = "ORTH" if exact else "LOWER"
            pattern = [{attr: t if exact else t.lower()} for t in toks]
            key = (entry.id, attr, tuple(d[attr] for d in pattern))
            if key in seen:
                continue
            seen.add(key)
            patterns.append({"label": entry.type, "pattern": pattern, "id": entry.id})
    return patterns


def gazetteer_phrase_patterns(
    entries: Iterable[GazetteerEntry],
    tokenizer: Callable[[str], Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split the surface variants into phrase patterns for two ``PhraseMatcher`` rulers.

    Parameters
    ----------
    entries : iterable of GazetteerEntry
    tokenizer : callable, optional
        As in :func:`entity_ruler_patterns` (used only to check that every form
        has a token).

    Returns
    -------
    (list of dict, list of dict)
        ``(any_case, exact)``: ``{"label", "pattern": str, "id"}`` dicts; the
        first list is for a ruler with ``phrase_matcher_attr="LOWER"`` (patterns
        in lower case), the second for one matching ``ORTH``.
    """
    any_case: list[dict[str, Any]] = []
    exact_list: list[dict[str, Any]] = []
    tok = tokenizer or _blank_tokenizer()
    for entry, text, exact, tokens in _pattern_specs(entries, tokenizer):
        if exact:
            exact_list.append({"label": entry.type, "pattern": text, "id": entry.id})
            continue
        low = text.lower()
        any_case.append({"label": entry.type, "pattern": low, "id": entry.id})
        if low != text and [t.lower() for t in tokens] != [t.text for t in tok(low) if not t.is_space]:
            # "GSM8K" splits as "GSM8 K" (a unit suffix after a digit) but "gsm8k" stays
            # whole: the lower-case pattern alone never matched the name as written
            any_case.append({"label": entry.type, "pattern": text, "id": entry.id})
    return any_case, exact_list


def add_gazetteer_rulers(
    nlp: Any,
    entries: Iterable[GazetteerEntry],
    name: str = "entity_ruler",
    before: str | None = None,
    after: str | None = None,
    overwrite_ents: bool = True,
    patterns: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    tokens: tuple[list[list[str]], list[list[str]]] | None = None,
) -> tuple[str, str]:
    """Add the gazetteer to ``nlp`` as two fast phrase-matching ``entity_ruler`` pipes.

    ``name`` matches case-insensitive forms (``phrase_matcher_attr="LOWER"``);
    ``name + "_exact"``, right after it, matches case-sensitive forms (``ORTH``)
    and only where the first left no entity, so a longer any-case match ("NVIDIA
    3090 GPU") wins over an exact one inside it ("NVIDIA"). Same labels and ids
    (``ent_id_``) as :func:`entity_ruler_patterns`, without its one-token
    variants for pre-tokenised text; ~9k token patterns cost seconds per
    thousand words, these two rulers about nothing.

    Parameters
    ----------
    nlp : spacy.language.Language
        Its tokenizer builds the pattern docs, so forms tokenise like the text.
    entries : iterable of GazetteerEntry
    name : str
        Name of the first ruler; the second is ``name + "_exact"``.
    before, after : str, optional
        Where to put the first ruler (as in ``nlp.add_pipe``), e.g. ``before="ner"``.
    overwrite_ents : bool
        Passed to the first ruler (the exact ruler never overwrites).
    patterns : (list of dict, list of dict), optional
        ``(any_case, exact)`` as :func:`gazetteer_phrase_patterns` returns them
        for ``entries`` (e.g. read from the cached ``patterns.json``,
        :mod:`kg.gazetteer.pattern_cache`); built from ``entries`` when None.
    tokens : (list of list of str, list of list of str), optional
        The token texts of every pattern of ``patterns``, in the same order, as
        ``nlp.tokenizer`` splits them (the cached ``pattern_tokens.json``,
        :func:`kg.gazetteer.pattern_cache.read_pattern_tokens`). With them the
        rulers are built without tokenising the ~9k patterns (about 0.5 s at
        every start); the rulers match exactly as when built from the texts.
        Ignored without ``patterns``.

    Returns
    -------
    (str, str)
        The names of the two pipes.
    """
    any_case, exact = patterns if patterns is not None else gazetteer_phrase_patterns(entries, nlp.tokenizer)
    first = nlp.add_pipe(
        "entity_ruler", name=name, before=before, after=after,
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": overwrite_ents, "validate": False},
    )
    second_name = name + "_exact"
    second = nlp.add_pipe(
        "entity_ruler", name=second_name, after=name,
        config={"phrase_matcher_attr": None, "overwrite_ents": False, "validate": False},
    )
    first.__class__ = second.__class__ = _linear_entity_ruler()
    # add_patterns runs every enabled pipe before the ruler over the ~9k pattern texts;
    # LOWER/ORTH matching needs only the tokens (2.6 of 3.1 CPU-s saved per ruler), and
    # with only the ruler itself enabled the first ruler does not run over the second's
    # texts either (spaCy's EntityRuler counts all its patterns on every call)
    if patterns is not None and tokens is not None:
        first.add_phrase_tokens(any_case, tokens[0])
        second.add_phrase_tokens(exact, tokens[1])
        return name, second_name
    with nlp.select_pipes(enable=[name]):
        first.add_patterns(any_case)
    with nlp.select_pipes(enable=[second_name]):
        second.add_patterns(exact)
    return name, second_name


class PhrasePattern(NamedTuple):
    """Stands for a phrase pattern's ``Doc`` in ``EntityRuler.phrase_patterns`` when
    the ruler was built from token texts (:meth:`LinearEntityRuler.add_phrase_tokens`):
    spaCy reads only its ``text`` there (``len(ruler)``, ``ruler.patterns``)."""

    text: str


@lru_cache(maxsize=None)
def _linear_entity_ruler() -> type:
    """spaCy's ``EntityRuler`` with ``set_annotations`` linear in the matches.

    spaCy 3's version filters the whole entity list once per accepted match, which
    made documents with thousands of gazetteer names quadratic (issue 15). This one
    accepts the same matches in the same order and then drops, in one pass, the
    previous entities that share a token with an accepted match: the same entities.
    It also checks for "no patterns" without counting them at every document, and
    can be filled from cached token texts (``add_phrase_tokens``).
    """
    from spacy.pipeline import EntityRuler
    from spacy.tokens import Span

    class LinearEntityRuler(EntityRuler):
        def set_annotations(self, doc, matches):
            entities = list(doc.ents)
            new_entities = []
            seen_tokens: set[int] = set()
            for match_id, start, end in matches:
                if any(t.ent_type for t in doc[start:end]) and not self.overwrite:
                    continue
                # check for end - 1 here because boundaries are inclusive
                if start not in seen_tokens and end - 1 not in seen_tokens:
                    if match_id in self._ent_ids:
                        label, ent_id = self._ent_ids[match_id]
                        span = Span(doc, start, end, label=label, span_id=ent_id)
                    else:
                        span = Span(doc, start, end, label=match_id)
                    new_entities.append(span)
                    seen_tokens.update(range(start, end))
            entities = [e for e in entities if not any(i in seen_tokens for i in range(e.start, e.end))]
            doc.ents = entities + new_entities

        def _require_patterns(self) -> None:
            """Warn (W036) when the ruler has no pattern, as spaCy's does, but without
            counting all ~9k patterns on every document (``len(self)``: 0.3 ms a call)."""
            if not any(self.phrase_patterns.values()) and not any(self.token_patterns.values()):
                import warnings

                from spacy.errors import Warnings

                warnings.warn(Warnings.W036.format(name=self.name))

        def add_phrase_tokens(self, patterns, tokens) -> None:
            """Add phrase patterns (``{"label", "pattern": str, "id"}``) whose token
            texts are known (``tokens[k]`` for ``patterns[k]``, as the pipeline's
            tokenizer splits the text), without tokenising them.

            The phrase matcher gets, for each pattern, the hashes of the tokens'
            ``ORTH`` or ``LOWER`` values (whichever it matches; ``LOWER`` is the
            vocabulary's own lower-case function) in the order ``add_patterns``
            adds them, and the ruler the same labels and ids: the same matcher as
            ``add_patterns`` builds from the pattern ``Doc`` objects.

            Raises
            ------
            ValueError
                If the lists differ in length, or the ruler matches another attribute.
            """
            from spacy.attrs import LOWER, ORTH
            from spacy.strings import get_string_id

            if len(patterns) != len(tokens):
                raise ValueError(f"{len(patterns)} patterns but {len(tokens)} token lists")
            attr = self.phrase_matcher_attr  # as PhraseMatcher reads it: None and "TEXT" are ORTH
            attr = "ORTH" if attr is None else str(attr).upper()
            if attr in ("ORTH", "TEXT", str(ORTH)):
                def norm(t):
                    return t
            elif attr in ("LOWER", str(LOWER)):
                norm = self.nlp.vocab.lex_attr_getters[LOWER]
            else:
                raise ValueError(f"add_phrase_tokens matches ORTH or LOWER, not {attr}")
            for entry, toks in zip(patterns, tokens):
                label = entry["label"]
                ent_id = entry.get("id")
                if ent_id:
                    ent_label = label
                    label = self._create_label(label, ent_id)
                    self._ent_ids[self.matcher._normalize_key(label)] = (ent_label, ent_id)
                self.phrase_patterns[label].append(PhrasePattern(entry["pattern"]))
                self.phrase_matcher.add(label, [[get_string_id(norm(t)) for t in toks]])

    LinearEntityRuler.__module__ = __name__
    LinearEntityRuler.__qualname__ = "LinearEntityRuler"
    return LinearEntityRuler


def __getattr__(name: str):
    # ``kg.gazetteer.patterns.LinearEntityRuler`` (for pickle) without importing
    # spaCy's pipeline package when the module is imported
    if name == "LinearEntityRuler":
        return _linear_entity_ruler()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def phrase_lookup(entries: Iterable[GazetteerEntry]) -> dict[str, GazetteerEntry]:
    """Map the :func:`~kg.gazetteer.ids.match_key` of every surface form to its entry.

    Parameters
    ----------
    entries : iterable of GazetteerEntry

    Returns
    -------
    dict
        ``match_key(form) → entry`` for the name and aliases of every entry, so
        ``lookup[match_key("office home")]`` finds the Office-Home entry.

    Raises
    ------
    GazetteerError
        If two different entries share a match key (ambiguous surface form).
    """
    table: dict[str, GazetteerEntry] = {}
    for entry in entries:
        for form in entry.surface_forms:
            key = match_key(form)
            prev = table.get(key)
            if prev is not None and prev.id != entry.id:
                raise GazetteerError(
                    f"{entry.path or '<entry>'}:{entry.line or 0}: surface form {form!r} of "
                    f"{entry.id!r} is ambiguous with {prev.id!r}"
                )
            table[key] = entry
    return table
