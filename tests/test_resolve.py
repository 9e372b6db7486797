"""Canonical ids and family links (kg.resolve) on names from the sample corpus and the real gazetteer."""

import pytest

from kg.resolve import entity_families, family_of, resolve_document, variant_bases


@pytest.mark.parametrize(
    "name, label, expected",
    [
        ("Vega v2", "Method", ["Vega"]),
        ("YOLOv3", "Method", ["YOLO"]),
        ("CTB 5.1", "Dataset", ["CTB"]),
        ("SQuAD 2.0", "Dataset", ["SQuAD"]),
        ("DeiT-base", "Method", ["DeiT"]),
        ("GPT-2 1.5B", "Method", ["GPT-2", "GPT"]),
        ("ResNet-50", "Method", ["ResNet"]),
        # numbers are part of a dataset's name, and plain names have no base
        ("CIFAR-10", "Dataset", []),
        ("Yelp-2013", "Dataset", []),
        ("bert2BERT", "Method", []),
        ("T5", "Method", []),
        ("SADGA", "Method", []),
    ],
)
def test_variant_bases(name, label, expected):
    assert variant_bases(name, label) == expected


def test_real_variants_keep_their_ids_and_share_a_family():
    """'DeiT-base' vs 'DeiT-small', 'GPT-3' vs 'GPT-4': apart, linked to one family."""
    text = "DeiT-base beats DeiT-small, and GPT-4 beats GPT-3."
    names = ["DeiT-base", "DeiT-small", "GPT-4", "GPT-3"]
    mentions = [{"start": text.index(n), "end": text.index(n) + len(n), "label": "Method",
                 "source": "pattern:shape", "gid": None} for n in names]
    ids, _ = resolve_document(text, mentions, [])
    assert len(set(ids)) == 4
    fams = entity_families({i: (n, "Method") for i, n in zip(ids, names)})
    assert fams[ids[0]] == fams[ids[1]] == "deit"
    assert fams[ids[2]] == fams[ids[3]] == "gpt"


def test_family_of_an_unlisted_name_needs_the_base_in_the_graph():
    """'Vega v2' (001-01-vega) is a variant of 'Vega' only where 'Vega' is an entity."""
    assert family_of("Vega v2", "Method", ident="vega-v2") is None
    assert family_of("Vega v2", "Method", ident="vega-v2", known={"vega": "Method"}) == "vega"
    # a base of another type group is no family: 'Vega' the organisation
    assert family_of("Vega v2", "Method", ident="vega-v2", known={"vega": "Organization"}) is None


def test_dataset_versions_and_groups():
    # "CTB" is the gazetteer alias of the Chinese Treebank: the version is its variant
    assert family_of("CTB 5.1", "Dataset") == "chinese-treebank"
    assert family_of("SQuAD 2.0", "Dataset") == "squad"
    # a Benchmark base counts for a Dataset variant (one group), a Method base does not
    assert family_of("Zorb 2.1", "Dataset", known={"zorb": "Benchmark"}) == "zorb"
    assert family_of("Zorb 2.1", "Dataset", known={"zorb": "Method"}) is None
    # a name is never its own family; other types have none
    assert entity_families({"gpt": ("GPT", "Method"), "a100": ("A100", "Hardware")}) == {}


def test_a_listed_family_member_is_a_node_of_its_own(nlp):
    """ANNOTATION.md: "Llama 2" and "Llama 2 70B" are separate nodes; a gazetteer that
    lists a member as an alias of its family ("Trainium1" of AWS Trainium, "Mixtral 8x7B"
    of Mixtral) must not fold the member into the family."""
    text = "Amazon's Trainium1 chips and AWS Trainium servers run Mixtral 8x7B and Mixtral."
    doc = nlp(text)
    ids, names = resolve_document(text, doc._.kg_mentions, doc._.kg_abbreviations or [])
    got = {(text[m["start"]:m["end"]], i) for m, i in zip(doc._.kg_mentions, ids)}
    assert ("Trainium1", "trainium1") in got and ("AWS Trainium", "aws-trainium") in got, got
    assert ("Mixtral 8x7B", "mixtral-8x7b") in got and ("Mixtral", "mixtral") in got, got
    fams = entity_families({"trainium1": ("Trainium1", "Hardware"), "aws-trainium": ("AWS Trainium", "Hardware"),
                            "mixtral-8x7b": ("Mixtral 8x7B", "Method"), "mixtral": ("Mixtral", "Method")})
    assert fams.get("mixtral-8x7b") == "mixtral", fams
