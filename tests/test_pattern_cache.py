"""The cached, versioned ``patterns.json`` of the gazetteer folder (kg.gazetteer.pattern_cache)."""

from __future__ import annotations

import json
import shutil

from kg.gazetteer import load_gazetteers
from kg.gazetteer.pattern_cache import PATTERN_FILE, read_pattern_cache, write_pattern_cache
from kg.gazetteer.patterns import gazetteer_phrase_patterns
from kg.paths import GAZETTEER_DIR


def test_shipped_cache_is_current_and_equals_a_rebuild():
    cached = read_pattern_cache(GAZETTEER_DIR)
    assert cached is not None, "run python -m kg.gazetteer.make to refresh data/gazetteers/patterns.json"
    any_case, exact, _ = cached
    assert (any_case, exact) == gazetteer_phrase_patterns(load_gazetteers(GAZETTEER_DIR))


def test_stale_or_other_version_cache_is_ignored(tmp_path):
    for p in GAZETTEER_DIR.glob("*.jsonl"):
        shutil.copy(p, tmp_path / p.name)
    write_pattern_cache(load_gazetteers(tmp_path), tmp_path)
    assert read_pattern_cache(tmp_path) is not None
    # an edited gazetteer file makes the cache stale
    hw = tmp_path / "hardware.jsonl"
    hw.write_text(hw.read_text(encoding="utf-8").replace("NVIDIA H100", "NVIDIA H100X", 1), encoding="utf-8")
    assert read_pattern_cache(tmp_path) is None
    # another format version is ignored
    write_pattern_cache(load_gazetteers(tmp_path), tmp_path)
    obj = json.loads((tmp_path / PATTERN_FILE).read_text(encoding="utf-8"))
    obj["format_version"] = 999
    (tmp_path / PATTERN_FILE).write_text(json.dumps(obj), encoding="utf-8")
    assert read_pattern_cache(tmp_path) is None
