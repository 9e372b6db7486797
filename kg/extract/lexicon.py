"""The extractor's word lists (``kg/extract/data/lexicon.json``), loaded once.

The lists are data: head nouns that type a name from its context ("the X dataset",
"the object detector X"), trigger verbs and phrases for relations, negations and
hedges, and surface forms that are never names on their own ("AI", "GPU").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("data") / "lexicon.json"


@dataclass(frozen=True)
class Lexicon:
    """Read-only view of ``lexicon.json``: every list as a frozenset of lower-case
    lemmas (``stop_names`` keeps its case), ``head_nouns`` as ``{lemma: type}``."""

    head_noun_type: dict[str, str]
    sets: dict[str, frozenset[str]]
    stop_names: frozenset[str]

    def __getitem__(self, key: str) -> frozenset[str]:
        return self.sets[key]


@lru_cache(maxsize=None)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load the lexicon (cached). ``path`` defaults to the packaged file.

    Raises
    ------
    KeyError
        If the file lacks one of the lists the extractor uses.
    """
    data = json.loads(Path(path or LEXICON_FILE).read_text(encoding="utf-8"))
    head: dict[str, str] = {}
    for typ, words in data["head_nouns"].items():
        for w in words:
            head.setdefault(w.lower(), typ)
    sets = {
        k: frozenset(w.lower() for w in v)
        for k, v in data.items()
        if isinstance(v, list) and k != "stop_names"
    }
    return Lexicon(head_noun_type=head, sets=sets, stop_names=frozenset(data["stop_names"]))
