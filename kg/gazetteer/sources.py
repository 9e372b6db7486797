"""Readers that turn the public source lists into gazetteer candidates.

Each reader returns :class:`Candidate` objects (a name, its type, aliases and
the source); :mod:`kg.gazetteer.make` filters, merges and writes them.

Sources (see ``data/gazetteers/README.md`` for licenses and attribution):

* ``epoch-ai/notable-ai-models.csv`` — Epoch AI, "Notable AI Models"
  (CC BY 4.0, "Data: Epoch AI (epochai.org)"): model names (Method), base
  models, organizations, training hardware, tasks and training datasets.
* ``pwc-sota/*.json`` — leaderboards from the sota-extractor project
  (Apache-2.0; nlp-progress content MIT; Papers with Code content CC BY-SA 4.0):
  tasks, datasets, metrics and model names; ``synonyms.csv``: task synonyms.
* ``kg/gazetteer/curated/*.jsonl`` — lists written for this project.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kg.errors import GazetteerError
from kg.gazetteer.hardware import normalise_hardware
from kg.gazetteer.loader import FILE_FOR_TYPE, GAZETTEER_TYPES

__all__ = [
    "Candidate",
    "CURATED_DIR",
    "read_curated",
    "read_epoch",
    "read_pwc",
    "split_parenthetical",
    "split_top_level",
]

#: Folder of the hand-curated lists shipped with the package.
CURATED_DIR: Path = Path(__file__).resolve().parent / "curated"

EPOCH = "epoch-ai"
PWC = "pwc-sota"
CURATED = "kg-curated"


@dataclass
class Candidate:
    """A name proposed by a source, before filtering and merging.

    ``case_sensitive`` None means "decide from word frequencies" (see
    :mod:`kg.gazetteer.make`); ``origin`` says where it came from, for logs.
    """

    name: str
    type: str
    source: str
    aliases: list[str] = field(default_factory=list)
    family: str | None = None
    case_sensitive: bool | None = None
    wikidata: str | None = None
    origin: str = ""


def split_top_level(value: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside parentheses/brackets; strip the parts; drop empty ones.

    >>> split_top_level("BookCorpus (BooksCorpus, Toronto Book Corpus),C4")
    ['BookCorpus (BooksCorpus, Toronto Book Corpus)', 'C4']
    """
    parts, depth, cur = [], 0, []
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [" ".join(p.split()) for p in parts if p.strip()]


def split_parenthetical(value: str) -> tuple[str, list[str]]:
    """Split ``"Name (Alias)"`` / ``"Name / Alias"`` into the name and its aliases.

    A parenthesis holding ``originally X`` or ``FKA X`` gives ``X``; commas inside
    a parenthesis separate several aliases; parts without a capital letter or
    digit are qualifiers and are dropped.

    >>> split_parenthetical("Carnegie Mellon University (CMU)")
    ('Carnegie Mellon University', ['CMU'])
    >>> split_parenthetical("University of Montreal / Université de Montréal")
    ('University of Montreal', ['Université de Montréal'])
    """
    value = " ".join(value.split())
    aliases: list[str] = []
    for inner in re.findall(r"\(([^()]*)\)?", value):
        for part in inner.split(","):
            part = re.sub(r"^(?:originally|FKA|formerly|aka)\s+", "", part.strip(), flags=re.I)
            # Lower-case parentheses are qualifiers ("(single model)", "(pairs)"), not names.
            if part and re.search(r"[A-Z0-9]", part):
                aliases.append(part)
    name = re.sub(r"\s*\([^()]*\)?", "", value).strip()
    if " / " in name:
        first, *rest = [p.strip() for p in name.split(" / ")]
        name, aliases = first, rest + aliases
    return name, [a for a in aliases if a and a != name]


# --------------------------------------------------------------------------- curated


def read_curated(directory: Path | str | None = None) -> list[Candidate]:
    """Read the hand-curated lists (``<type>.jsonl``; type from the file name).

    Each line: ``{"name": str, "aliases": [str], "family": str?,
    "case_sensitive": bool?, "type": str?}`` (``type`` overrides the file's).

    Raises
    ------
    GazetteerError
        ``"<file>:<line>: ..."`` for malformed lines or unknown file names.
    """
    directory = Path(directory) if directory is not None else CURATED_DIR
    by_file = {v: k for k, v in FILE_FOR_TYPE.items()}
    out: list[Candidate] = []
    for path in sorted(directory.glob("*.jsonl")):
        if path.name not in by_file:
            raise GazetteerError(f"{path}: unknown curated file (expected one of {sorted(by_file)})")
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            raw = raw.strip()
            if not raw or raw.startswith("#"):
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise GazetteerError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
                raise GazetteerError(f"{path}:{lineno}: expected an object with a string 'name'")
            unknown = set(obj) - {"name", "aliases", "family", "case_sensitive", "type", "wikidata", "ref"}
            if unknown:
                raise GazetteerError(f"{path}:{lineno}: unknown field(s) {sorted(unknown)}")
            etype = obj.get("type", by_file[path.name])
            if etype not in GAZETTEER_TYPES:
                raise GazetteerError(f"{path}:{lineno}: unknown type {etype!r}")
            aliases = obj.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise GazetteerError(f"{path}:{lineno}: aliases must be a list of strings")
            out.append(
                Candidate(
                    name=obj["name"],
                    type=etype,
                    source=CURATED,
                    aliases=list(aliases),
                    family=obj.get("family"),
                    case_sensitive=obj.get("case_sensitive"),
                    wikidata=obj.get("wikidata"),
                    origin=f"{path.name}:{lineno}",
                )
            )
    return out


# --------------------------------------------------------------------------- Epoch AI

_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*[KMBT]$", re.I)
# Training-dataset values that are descriptions, web sites or models, not datasets.
_EPOCH_NOT_DATASET = re.compile(
    r"unspecified|unreleased|subset|\bdataset\b|\bdata\b|\[|\+|^books$|^GitHub$|^Instagram|"
    r"^BigQuery$|^Google news$|^CLIP$|^DALL-E$|^GloVe$|^ALIGN$|^RT-1$|^DNS$|^Fisher$|"
    r"^Gibson$|^RAINBOW$|^Matterport$|^Proceedings|collections|^Wikipedia$|^arXiv$",
    re.I,
)


def _epoch_model_name(raw: str) -> str:
    """``"PaLM (540B)"`` → ``"PaLM 540B"``; other parentheticals are dropped."""
    raw = " ".join(raw.split())

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        return " " + inner if _SIZE.match(inner) else ""

    return " ".join(re.sub(r"\s*\(([^()]*)\)", repl, raw).split())


def read_epoch(csv_path: Path | str) -> list[Candidate]:
    """Read Epoch AI's ``notable-ai-models.csv``.

    Returns Method candidates for the ``Model`` and ``Base model`` columns,
    Organization candidates for ``Organization`` (comma-separated; ``"Name
    (ACRONYM)"`` and ``"A / B"`` give aliases), Hardware candidates for
    ``Training hardware`` (normalised by :func:`kg.gazetteer.hardware.normalise_hardware`),
    Task candidates for ``Task`` and Dataset candidates for ``Training dataset``
    (descriptions such as "Unspecified unreleased" are left out).

    Raises
    ------
    GazetteerError
        If the file is missing or lacks one of those columns.
    """
    csv_path = Path(csv_path)
    try:
        handle = csv_path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GazetteerError(f"{csv_path}: cannot read ({exc.strerror})") from None
    out: list[Candidate] = []
    with handle:
        reader = csv.DictReader(handle)
        needed = ["Model", "Organization", "Training hardware", "Task", "Training dataset", "Base model"]
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError(f"{csv_path}:1: missing column(s) {missing}")
        for row in reader:
            where = f"{csv_path.name}:{reader.line_num}"
            model = _epoch_model_name(row["Model"] or "")
            if model:
                out.append(Candidate(model, "Method", EPOCH, origin=where))
            for base in split_top_level(row["Base model"] or ""):
                base = _epoch_model_name(base)
                if base:
                    out.append(Candidate(base, "Method", EPOCH, origin=where))
            for org in split_top_level(row["Organization"] or ""):
                name, aliases = split_parenthetical(org)
                if name:
                    out.append(Candidate(name, "Organization", EPOCH, aliases, origin=where))
            for hw in split_top_level(row["Training hardware"] or ""):
                name, aliases = normalise_hardware(hw)
                out.append(Candidate(name, "Hardware", EPOCH, aliases, origin=where))
            for task in split_top_level(row["Task"] or ""):
                if task.startswith("(") or ":" in task or "/" in task:
                    continue
                name, aliases = split_parenthetical(task)
                out.append(Candidate(name, "Task", EPOCH, aliases, origin=where))
            for ds in split_top_level(row["Training dataset"] or ""):
                if _EPOCH_NOT_DATASET.search(ds):
                    continue
                name, aliases = split_parenthetical(ds)
                out.append(Candidate(name, "Dataset", EPOCH, aliases, origin=where))
    return out


# --------------------------------------------------------------------------- Papers with Code / sota-extractor

_PWC_SUFFIX = re.compile(
    r"\s*\((?:single|ensemble|single model|ensemble model|[^()]*\d{4}[^()]*)\)\s*$", re.I
)
_PWC_BAD_MODEL = re.compile(r"[+&,:;/=<>@?!\"']|\bw/|\bet al\b|\bon\b|\bwith\b|\bbaseline\b|\bmodel\b|"
                            r"\banonymous\b|\bhuman\b|\bensemble\b|\bsingle\b|\bour\b|\bthe\b", re.I)
_NAME_LIKE = re.compile(r"[A-Z].*[A-Z]|\d|[a-z][A-Z]")


def _pwc_model_name(raw: str) -> str | None:
    """Clean a leaderboard model name; None if it is not a usable method name.

    Keeps short identifier-like names ("FPNet", "AWD-LSTM", "Transformer-XL",
    "BiDAF"); drops descriptions ("100D LSTM encoders", "BERT + MMFT + ADA").
    """
    name = html.unescape(" ".join(raw.split()))
    prev = None
    while prev != name:
        prev = name
        name = _PWC_SUFFIX.sub("", name).strip()
    if not name or "(" in name or ")" in name or _PWC_BAD_MODEL.search(name):
        return None
    words = name.split()
    if len(words) > 3 or not words[0][:1].isalpha() or not words[0][:1].isupper():
        return None
    if not all(w[:1].isupper() or w[:1].isdigit() or w[:1] == "v" for w in words):
        return None
    if not _NAME_LIKE.search(name):
        return None
    return name


_METRIC_WORDS = re.compile(
    r"accuracy|error|\bf1\b|f1-|\bem\b|exact match|bleu|rouge|meteor|cider|spice|\bauc\b|roc|"
    r"precision|recall|perplexity|\bppl\b|bits? per|\bbpc\b|\bmrr\b|hits@|\bmap\b|\bap\b|\bwer\b|"
    r"\bcer\b|\belo\b|\bsari\b|\bter\b|\bchrf\b|\bmae\b|\brmse\b|\bmse\b|\buas\b|\blas\b",
    re.I,
)


def _pwc_metric_name(raw: str) -> str | None:
    name = " ".join(html.unescape(raw).split())
    name = re.sub(r"^(?:%\s*)?(?:Test|Validation|Dev|Val)\s+", "", name, flags=re.I)
    name = re.sub(r"^%\s*", "", name)
    if not name or len(name.split()) > 4 or not _METRIC_WORDS.search(name) or ":" in name:
        return None
    return name


def _walk_tasks(tasks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for task in tasks:
        yield task
        yield from _walk_tasks(task.get("subtasks") or [])


_PWC_NOT_DATASET = re.compile(
    r"\bresults?\b|\bdatasets\b|^supervised$|^social media$|^google dataset$|\btest$|-based$", re.I
)


def _pwc_dataset(raw: str) -> tuple[str, list[str]] | None:
    raw = " ".join(html.unescape(raw).split())
    if not raw or ":" in raw or _PWC_NOT_DATASET.search(raw) or not re.match(r"[A-Z0-9]", raw):
        return None
    name, aliases = split_parenthetical(raw)
    if not name or len(name.split()) > 6:
        return None
    # "(English)", "(en-fr fr-en)" and the like are qualifiers, not names.
    aliases = [a for a in aliases if len(a) > 2 and not re.match(r"^(?:English|Chinese|en|de|fr)\b", a)]
    return name, aliases


def read_pwc(directory: Path | str) -> list[Candidate]:
    """Read the sota-extractor leaderboards (``*.json``) and ``synonyms.csv``.

    Returns Task candidates (task and subtask names, with their ``synonyms``
    and those of ``synonyms.csv``), Dataset candidates (leaderboard datasets;
    not from ``eff.json``, whose "datasets" are measurements;
    ``"Name (Long name)"`` and ``"A / B"`` give aliases), Metric candidates
    (column names that name a known metric family, with "Test"/"Validation"
    prefixes removed) and Method candidates (cleaned model names of the rows).

    Raises
    ------
    GazetteerError
        If a file is not valid JSON or not a list of tasks.
    """
    directory = Path(directory)
    out: list[Candidate] = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GazetteerError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(data, list):
            raise GazetteerError(f"{path}:1: expected a JSON list of tasks")
        where = path.name
        # eff.json (EFF AI progress) files measurements ("timit PER", "CIFAR-10
        # Image Recognition") and aspirations ("Bias Avoidance") under its
        # "datasets" and "tasks": only its model names and metrics are used.
        names_only = path.name == "eff.json"
        for task in _walk_tasks(data):
            tname = " ".join((task.get("task") or "").split())
            if not names_only and tname and ":" not in tname and tname.lower() not in ("current sota",) and len(tname.split()) <= 6:
                name, aliases = split_parenthetical(tname)
                aliases += [s for s in (task.get("synonyms") or []) if isinstance(s, str)]
                out.append(Candidate(name, "Task", PWC, aliases, origin=where))
            for ds in task.get("datasets") or []:
                parsed = None if names_only else _pwc_dataset(ds.get("dataset") or "")
                if parsed:
                    out.append(Candidate(parsed[0], "Dataset", PWC, parsed[1], origin=where))
                sota = ds.get("sota") or {}
                for metric in sota.get("metrics") or []:
                    m = _pwc_metric_name(metric)
                    if m:
                        out.append(Candidate(m, "Metric", PWC, origin=where))
                for row in sota.get("rows") or []:
                    mname = _pwc_model_name(row.get("model_name") or "")
                    if mname:
                        out.append(Candidate(mname, "Method", PWC, origin=where))
    syn = directory / "synonyms.csv"
    if syn.exists():
        with syn.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            header = next(reader, None)
            if header != ["task", "synonym"]:
                raise GazetteerError(f"{syn}:1: expected header 'task,synonym', got {header!r}")
            for row in reader:
                if len(row) != 2:
                    raise GazetteerError(f"{syn}:{reader.line_num}: expected 2 fields, got {len(row)}")
                task, synonym = (" ".join(x.split()) for x in row)
                if task.endswith("Models"):  # "Word Level Models" → "Language Model": not a task synonym
                    continue
                out.append(Candidate(task, "Task", PWC, [synonym], origin=f"{syn.name}:{reader.line_num}"))
    return out
