"""kg.evaluate (scorer), benchmarks/devsets.py (converters, split) and the gold samples."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import (
    evaluate_docs,
    diff_docs,
    evaluate_files,
    format_report,
    load_jsonl,
    name_keys,
    normalize_name,
    score_mentions,
    score_namesets,
    score_relations,
    score_results,
)
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.paths import ROOT

BENCH = ROOT / "benchmarks"
GOLD = BENCH / "gold" / "samples.jsonl"


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


devsets = _load_module("kg_bench_devsets", BENCH / "devsets.py")
build_samples = _load_module("kg_bench_build_samples", BENCH / "gold" / "build_samples.py")

needs_devsets = pytest.mark.skipif(
    not (devsets.DEFAULT_DEVSETS / "README.md").exists(), reason="devsets folder not present"
)


def ent(text: str, surface: str, label: str, nth: int = 0, **extra) -> dict:
    """Entity dict for the nth occurrence of surface in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "text": surface, "label": label, **extra}


def doc(text: str, entities=(), relations=(), results=(), meta=None, id="d1") -> dict:
    return {
        "id": id,
        "text": text,
        "entities": list(entities),
        "relations": list(relations),
        "results": list(results),
        "meta": meta or {},
    }


def rel(label, head, tail):
    return {"label": label, "head": head, "tail": tail, "evidence": [0, 1], "pattern": "t", "confidence": 1.0}


# --------------------------------------------------------------------------- scorer


def test_normalize_name_merges_case_hyphen_space_variants_only():
    assert normalize_name("Office-Home") == normalize_name("OfficeHome") == normalize_name("office home")
    assert normalize_name("ＣＩＦＡＲ－１０") == "cifar10"  # NFKC full-width forms
    assert normalize_name("DeiT-base") != normalize_name("DeiT-small")
    assert normalize_name("GPT-3") != normalize_name("GPT-4")


def test_normalize_name_drops_data_split_heads_after_a_name_only():
    assert normalize_name("the ImageNet test set") == normalize_name("ImageNet") == "imagenet"
    assert normalize_name("PASCAL VOC data") == normalize_name("PASCAL VOC") == "pascalvoc"
    assert normalize_name("IWSLT 2010 evaluation datasets") == "iwslt2010"
    assert normalize_name("the CACD database") == normalize_name("CACD") == "cacd"
    # no name before the head: the words are the name
    assert normalize_name("training data") == "trainingdata"
    assert normalize_name("test set") == "testset"
    # versions stay apart
    assert normalize_name("CTB 5.0 test set") != normalize_name("CTB 7.0")


def test_name_with_parenthesised_abbreviation_gives_both_names():
    assert name_keys("Penn Treebank (PTB)") == {"penntreebank", "ptb"}
    assert name_keys("Penn Treebank") == {"penntreebank"}
    assert name_keys("accuracy (%)") == {"accuracy"}  # no abbreviation in the brackets
    text = "We parse the Penn Treebank (PTB) and report F1."
    gold = doc(text, [ent(text, "Penn Treebank (PTB)", "Dataset")])
    pred = doc(text, [ent(text, "Penn Treebank", "Dataset"), ent(text, "PTB", "Dataset")])
    ns = score_namesets([(gold, pred)])["Dataset"]
    assert (ns["tp"], ns["fp"], ns["fn"]) == (2, 0, 0)
    only_long = doc(text, [ent(text, "Penn Treebank", "Dataset")])
    ns = score_namesets([(gold, only_long)])["Dataset"]
    assert (ns["tp"], ns["fp"], ns["fn"]) == (1, 0, 1)


def test_exact_vs_overlap_span_match():
    text = "We propose SADGA for Text-to-SQL."
    gold = doc(text, [ent(text, "SADGA", "Method"), ent(text, "Text-to-SQL", "Task")])
    pred = doc(
        text,
        [
            {"start": 3, "end": 16, "text": text[3:16], "label": "Method"},  # "propose SADGA": overlaps
            ent(text, "Text-to-SQL", "Task"),
        ],
    )
    m = score_mentions([(gold, pred)])
    assert (m["exact"]["Method"]["tp"], m["exact"]["Method"]["fp"], m["exact"]["Method"]["fn"]) == (0, 1, 1)
    assert (m["overlap"]["Method"]["tp"], m["overlap"]["Method"]["fp"], m["overlap"]["Method"]["fn"]) == (1, 0, 0)
    assert m["exact"]["Task"]["f1"] == 1.0


def test_overlap_matching_is_one_to_one():
    text = "ResNet-50 and ResNet-101"
    gold = doc(text, [{"start": 0, "end": 24, "text": text, "label": "Method"}])
    pred = doc(text, [ent(text, "ResNet-50", "Method"), ent(text, "ResNet-101", "Method")])
    ov = score_mentions([(gold, pred)])["overlap"]["Method"]
    assert (ov["tp"], ov["fp"], ov["fn"]) == (1, 1, 0)


def test_name_sets_normalise_and_count_once_per_document():
    text = "Results on Office-Home and OfficeHome and office home; also on VisDA."
    gold = doc(text, [ent(text, "Office-Home", "Dataset"), ent(text, "VisDA", "Dataset")])
    pred = doc(text, [ent(text, "OfficeHome", "Dataset"), ent(text, "office home", "Dataset")])
    ns = score_namesets([(gold, pred)])["Dataset"]
    assert (ns["tp"], ns["fp"], ns["fn"]) == (1, 0, 1)
    assert ns["precision"] == 1.0 and ns["recall"] == 0.5


def test_dataset_benchmark_group_forgives_the_confusion():
    text = "3rd place on the benchmark Spider and 91.3 on COCO"
    gold = doc(text, [ent(text, "Spider", "Benchmark"), ent(text, "COCO", "Dataset")])
    pred = doc(text, [ent(text, "Spider", "Dataset"), ent(text, "COCO", "Dataset")])
    ns = score_namesets([(gold, pred)])
    assert ns["Benchmark"]["fn"] == 1 and ns["Benchmark"]["tp"] == 0
    assert ns["Dataset"]["fp"] == 1 and ns["Dataset"]["tp"] == 1
    assert ns["Dataset+Benchmark"]["f1"] == 1.0
    ex = score_mentions([(gold, pred)])["exact"]
    assert ex["Dataset+Benchmark"]["tp"] == 2


def test_only_annotated_types_are_scored_and_ignore_spans_are_dont_care():
    text = "TensorFlow runs on a TPU in Mountain View"
    meta = {"annotated_types": ["Method", "Location"], "ignore": [[0, 10, "product"]]}
    gold = doc(text, [ent(text, "Mountain View", "Location")], meta=meta)
    pred = doc(
        text,
        [ent(text, "TensorFlow", "Method"), ent(text, "TPU", "Hardware"), ent(text, "Mountain View", "Location")],
    )
    ns = score_namesets([(gold, pred)])
    assert "Hardware" not in ns  # not annotated: not scored
    assert ns["Method"]["fp"] == 0  # on an ignored span
    assert ns["Location"]["f1"] == 1.0


def test_relations_match_through_aliases_and_ids():
    text = "We propose a Structure-Aware Dual Graph Aggregation Network (SADGA). SADGA beats RAT-SQL on Spider."
    g_ents = [
        ent(text, "Structure-Aware Dual Graph Aggregation Network", "Method", id="sadga"),
        ent(text, "SADGA", "Method", id="sadga"),
        ent(text, "SADGA", "Method", nth=1, id="sadga"),
        ent(text, "RAT-SQL", "Method", id="ratsql"),
        ent(text, "Spider", "Benchmark", id="spider"),
    ]
    meta = {"annotated_relations": ["proposes", "outperforms", "evaluatedOn"]}
    gold = doc(
        text,
        g_ents,
        [rel("proposes", None, 0), rel("outperforms", 0, 3), rel("evaluatedOn", 0, 4)],
        meta=meta,
    )
    p_ents = [
        ent(text, "SADGA", "Method", nth=1, id="sadga"),
        ent(text, "RAT-SQL", "Method"),
        ent(text, "Spider", "Dataset"),
    ]
    pred = doc(
        text,
        p_ents,
        [
            rel("proposes", None, 0),
            rel("proposes", None, 0),  # duplicate statement counts once
            rel("outperforms", 1, 0),  # reversed: wrong
            rel("evaluatedOn", 0, 2),
            rel("coMentioned", 0, 1),  # not annotated: ignored
        ],
    )
    r = score_relations([(gold, pred)])
    assert set(r) == {"proposes", "outperforms", "evaluatedOn"}
    assert (r["proposes"]["tp"], r["proposes"]["fp"], r["proposes"]["fn"]) == (1, 0, 0)
    assert (r["outperforms"]["tp"], r["outperforms"]["fp"], r["outperforms"]["fn"]) == (0, 1, 1)
    assert r["evaluatedOn"]["f1"] == 1.0


def test_anaphor_is_not_an_entity_but_can_head_a_relation():
    text = "Our method beats LiGO. Experiments show our method wins."
    g = doc(
        text,
        [ent(text, "LiGO", "Method"), ent(text, "our method", "Method", anaphor=True, id="ours")],
        [rel("outperforms", 1, 0)],
        meta={"annotated_relations": ["outperforms"]},
    )
    p = doc(text, [ent(text, "LiGO", "Method"), ent(text, "our method", "Method")], [rel("outperforms", 1, 0)])
    assert score_namesets([(g, p)])["Method"]["fp"] == 0
    assert score_relations([(g, p)])["outperforms"]["tp"] == 1


def test_results_strict_and_loose():
    text = "RTMDet achieves 52.8% AP on COCO with 300+ FPS"
    ents = [ent(text, "RTMDet", "Method"), ent(text, "COCO", "Dataset")]
    base = {"evidence": [0, len(text)], "pattern": "t", "condition": None, "confidence": 1.0}
    gold = doc(
        text, ents,
        results=[{"method": 0, "dataset": 1, "metric": "AP", "value": "52.8", "unit": "%", **base}],
        meta={"annotated_results": True},
    )
    same = doc(text, ents, results=[{"method": 0, "dataset": 1, "metric": "ap", "value": "52.80", "unit": "%", **base}])
    wrong_metric = doc(text, ents, results=[{"method": 0, "dataset": 1, "metric": "FPS", "value": "52.8", "unit": "%", **base}])
    assert score_results([(gold, same)])["strict"]["f1"] == 1.0
    r = score_results([(gold, wrong_metric)])
    assert r["strict"]["tp"] == 0 and r["loose"]["tp"] == 1


def test_evaluate_docs_rejects_unknown_ids_and_text_mismatch():
    gold = [doc("abc", id="a")]
    with pytest.raises(InputError, match="not in the gold"):
        evaluate_docs(gold, [doc("abc", id="zzz")])
    with pytest.raises(InputError, match="text differs"):
        evaluate_docs(gold, [doc("abd", id="a")])
    out = evaluate_docs(gold + [doc("x", id="b")], [doc("abc", id="a")])
    assert out["missing_predictions"] == ["b"]


def test_evaluate_files_names_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(doc("SADGA wins", [{"start": 0, "end": 5, "text": "SADGA", "label": "Method"}])) + "\n")
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text("\n{not json\n")
    with pytest.raises(InputError) as err:
        evaluate_files(gold, bad_json)
    assert f"{bad_json}:2:" in str(err.value)
    bad_offsets = tmp_path / "off.jsonl"
    bad_offsets.write_text(json.dumps(doc("SADGA wins", [{"start": 1, "end": 5, "text": "SADGA", "label": "Method"}])) + "\n")
    with pytest.raises(InputError, match=r"off\.jsonl:1: .*text\[1:5\]"):
        evaluate_files(gold, bad_offsets)
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps(doc("SADGA wins")) + "\n" + json.dumps(doc("x", id="nope")) + "\n")
    with pytest.raises(InputError, match=r"unknown\.jsonl:2: .*'nope'"):
        evaluate_files(gold, unknown)
    bad_rel = tmp_path / "rel.jsonl"
    bad_rel.write_text(json.dumps(doc("SADGA wins", relations=[rel("proposes", None, 3)])) + "\n")
    with pytest.raises(InputError, match=r"rel\.jsonl:1: .*index out of range"):
        evaluate_files(gold, bad_rel)
    scores = evaluate_files(gold, gold)
    assert scores["namesets"]["Method"]["f1"] == 1.0
    assert "Method" in format_report(scores)


# --------------------------------------------------------------------------- gold samples


@pytest.fixture(scope="module")
def gold_samples():
    return load_jsonl(GOLD)  # validates offsets and indices


def test_gold_samples_are_well_formed(gold_samples):
    assert len(gold_samples) >= 50
    ids = [d["id"] for d in gold_samples]
    assert len(ids) == len(set(ids))
    labels = Counter()
    for d in gold_samples:
        for e in d["entities"]:
            assert d["text"][e["start"] : e["end"]] == e["text"]
            assert e["label"] in ENTITY_TYPES
            labels[e["label"]] += 1
        for r in d["relations"]:
            domain, rng = RELATION_TYPES[r["label"]]
            tail = d["entities"][r["tail"]]
            assert tail["label"] in rng, (d["id"], r)
            if r["head"] is None:
                assert domain == ("Document",), (d["id"], r)
            else:
                assert d["entities"][r["head"]]["label"] in domain, (d["id"], r)
        for res in d["results"]:
            assert d["entities"][res["method"]]["label"] == "Method"
            assert res["dataset"] is None or d["entities"][res["dataset"]]["label"] in ("Dataset", "Benchmark")
            assert float(res["value"]) >= 0
        assert "Read More" not in d["text"] and "translated by" not in d["text"]
        assert "arXiv:" not in d["text"]
    # every type the issue targets is present in the yardstick
    for t in ("Method", "Dataset", "Benchmark", "Task", "Metric", "Organization", "Hardware", "Location"):
        assert labels[t] > 0, t


def test_gold_samples_file_is_what_the_annotation_builds(gold_samples):
    built = [build_samples.build_doc(d) for d in build_samples.DOCS]
    assert [json.loads(json.dumps(b, sort_keys=True)) for b in built] == gold_samples


def test_gold_samples_score_perfectly_against_themselves(gold_samples):
    s = evaluate_docs(gold_samples, gold_samples)
    for table in (s["namesets"], s["mentions"]["exact"], s["relations"]):
        for key, v in table.items():
            if v["gold"]:
                assert v["f1"] == 1.0, key


# --------------------------------------------------------------------------- devset converters


def _raw_bio(path: Path, ncols: int):
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
        else:
            cur.append(line.split("\t"))
    if cur:
        sents.append(cur)
    return sents


@pytest.fixture(scope="module")
def converted():
    if not (devsets.DEFAULT_DEVSETS / "README.md").exists():
        pytest.skip("devsets folder not present")
    full = devsets._load_scirex_full(devsets.DEFAULT_DEVSETS)
    return {
        "tdmsci": list(devsets.convert_tdmsci()),
        "crossner_ai": list(devsets.convert_crossner()),
        "scirex_abstracts": list(devsets.convert_scirex_abstracts(full=full)),
        "_full": full,
    }


@needs_devsets
@pytest.mark.parametrize("name", ["tdmsci", "crossner_ai", "scirex_abstracts"])
def test_converted_offsets_give_the_mention_text(converted, name):
    docs = converted[name]
    assert docs
    for d in docs:
        for e in d["entities"]:
            assert d["text"][e["start"] : e["end"]] == e["text"]
        for s, e, _ in d["meta"]["ignore"]:
            assert 0 <= s < e <= len(d["text"])
        assert set(e["label"] for e in d["entities"]) <= set(d["meta"]["annotated_types"])


@needs_devsets
def test_crossner_mentions_are_exactly_their_tokens(converted):
    docs = [d for d in converted["crossner_ai"] if "-dev-" in d["id"]]
    raw = _raw_bio(devsets.DEFAULT_DEVSETS / "crossner_ai" / "dev.txt", 2)
    assert len(docs) == len(raw) == 350
    for d, rows in zip(docs, raw):
        spans = devsets._bio_spans([r[1] for r in rows])
        toks = [r[0] for r in rows]
        got = sorted((e["start"], e["end"]) for e in d["entities"]) + sorted((s, e) for s, e, _ in d["meta"]["ignore"])
        assert len(got) == len(spans)
        texts = sorted(d["text"][s:e].replace(" ", "") for s, e in got)
        assert texts == sorted("".join(toks[s:e]) for s, e, _ in spans)


@needs_devsets
def test_tdmsci_mentions_match_its_tokens_and_labels(converted):
    docs = converted["tdmsci"]
    raw = _raw_bio(devsets.DEFAULT_DEVSETS / "tdmsci" / "train_1500_v2.conll", 3)
    assert len(docs) == len(raw) == 1523
    n = Counter()
    for d, rows in zip(docs, raw):
        spans = devsets._bio_spans([r[2] for r in rows])
        toks = [r[0] for r in rows]
        assert [e["text"].replace(" ", "") for e in d["entities"]] == ["".join(toks[s:e]) for s, e, _ in spans]
        n.update(e["label"] for e in d["entities"])
    assert n == {"Task": 1219, "Dataset": 420, "Metric": 536}  # the README's counts


@needs_devsets
def test_scirex_abstracts_relations_and_text(converted):
    docs = converted["scirex_abstracts"]
    assert len(docs) == 306
    assert sum(len(d["relations"]) for d in docs) > 100
    for d in docs:
        assert not d["text"].startswith("document :")
        assert "section : Abstract" not in d["text"]
        for r in d["relations"]:
            assert d["entities"][r["head"]]["label"] == "Method"
            assert d["entities"][r["tail"]]["label"] == "Dataset"


@needs_devsets
def test_split_is_deterministic_disjoint_and_about_a_quarter(converted):
    for name, docs in converted.items():
        if name.startswith("_"):
            continue
        ids = [d["id"] for d in docs]
        first = {i: devsets.split_of(name, i) for i in ids}
        assert first == {i: devsets.split_of(name, i) for i in ids}
        assert all(d["meta"]["split"] == first[d["id"]] for d in docs)
        dev = {i for i, s in first.items() if s == "dev"}
        train = {i for i, s in first.items() if s == "train"}
        assert dev and train and not dev & train
        if name != "crossner_ai":
            assert 0.18 < len(dev) / len(ids) < 0.32
    # full papers follow their abstract's split
    for d in converted["scirex_abstracts"]:
        paper = d["id"].split("-", 1)[1]
        assert devsets.split_of("scirex_full", f"scirex_full-{paper}-s0003") == d["meta"]["split"]


def test_split_of_rejects_unknown_devsets():
    with pytest.raises(ValueError):
        devsets.split_of("conll2003", "x")
    with pytest.raises(ValueError):
        devsets.split_of("crossner_ai", "crossner_ai-test-0001")


def test_detokenize_offsets_and_hyphen_joining():
    toks = ["state", "-", "of", "-", "the", "-", "art", "(", "SOTA", ")", "results", ",", "71.8", "%", "."]
    text, offs = devsets.detokenize(toks)
    assert text == "state-of-the-art (SOTA) results, 71.8%."
    assert all(text[s:e] == t for t, (s, e) in zip(toks, offs))
    text, offs = devsets.detokenize(["Title", "section", ":", "Abstract", "Body"], breaks=frozenset({4}), drop=frozenset({1, 2, 3}))
    assert text == "Title\nBody" and offs[1] is None


def test_diff_docs_lists_missed_and_spurious():
    text = "Huawei introduced TernaryBERT; Spider is used."
    gold = doc(
        text,
        [ent(text, "Huawei", "Organization"), ent(text, "TernaryBERT", "Method"), ent(text, "Spider", "Benchmark")],
        [rel("developedBy", 1, 0)],
        meta={"annotated_relations": ["developedBy", "proposes"]},
    )
    pred = doc(
        text,
        [ent(text, "Huawei", "Location"), ent(text, "TernaryBERT", "Method"), ent(text, "Spider", "Dataset")],
        [rel("proposes", None, 1)],
    )
    (item,) = diff_docs([gold], [pred])
    assert item["missed_names"] == ["Organization:Huawei"]
    assert item["spurious_names"] == ["Location:Huawei"]  # Spider's label confusion is forgiven
    assert item["missed_relations"] == ["developedBy(TernaryBERT, Huawei)"]
    assert item["spurious_relations"] == ["proposes(<doc>, TernaryBERT)"]
    assert diff_docs([gold], [gold]) == []


@needs_devsets
def test_scirex_mentions_are_exactly_their_tokens(converted):
    raw = {}
    for line in (devsets.DEFAULT_DEVSETS / "scirex_abstracts" / "scirex_abstracts.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        raw[f"scirex-{d['doc_id']}"] = d
    for d in converted["scirex_abstracts"]:
        r = raw[d["id"]]
        want = sorted(
            ("".join(r["abstract_tokens"][m["start"] : m["end"]]), "Dataset" if m["type"] == "Material" else m["type"])
            for m in r["abstract_mentions"]
        )
        got = sorted((e["text"].replace(" ", "").replace("\n", ""), e["label"]) for e in d["entities"])
        assert got == want, d["id"]


@needs_devsets
def test_scirex_full_sentences_keep_their_mentions_and_paper_split(converted):
    full = converted["_full"]
    some = {pid: full[pid] for pid in sorted(full)[:3]}
    docs = list(devsets.convert_scirex_full(full=some))
    assert len(docs) == sum(len(p["sentences"]) for p in some.values())
    for pid, paper in some.items():
        mine = [d for d in docs if d["id"].startswith(f"scirex_full-{pid}-")]
        in_sentences = sum(
            1 for s, e, _ in paper["ner"] if any(a <= s and e <= b for a, b in paper["sentences"])
        )
        assert sum(len(d["entities"]) for d in mine) == in_sentences
        assert {d["meta"]["split"] for d in mine} == {devsets.split_of("scirex_abstracts", f"scirex-{pid}")}
        for d in mine:
            for e in d["entities"]:
                assert d["text"][e["start"] : e["end"]] == e["text"]
