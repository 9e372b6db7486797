"""Readers for Markdown, HTML, RSS/Atom, arXiv API, arXiv snapshot JSONL and PDF,
the digest segmentation corpus, and `kg build` on a folder of mixed formats.

Fixtures (tests/data/ingest/formats/) and the digest corpus
(tests/data/ingest/digests/, gold counts in gold.json) are written for this
project; none is copied from elsewhere.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import IngestReport, iter_records
from kg.ingest import metadata as md
from kg.ingest.formats import FormatError, read_feed, read_pdf, sniff_kind, strip_html
from kg.ingest.markdown import is_single_document, to_plain

DATA = Path(__file__).parent / "data" / "ingest"
FORMATS = DATA / "formats"
DIGESTS = DATA / "digests"
#: Markup, URLs and code that must never reach the extractor.
MARKUP = re.compile(r"https?://|www\.|\]\(|\]\[|!\[|\*\*|`|<[a-z/][^>]*>|\bdef |import |pip install|\{|\}", re.I)


def _records(*paths, **kw):
    report = IngestReport()
    return list(iter_records([str(p) for p in paths], report=report, **kw)), report


# --------------------------------------------------------------------------- kinds


def test_kind_from_extension_and_content(tmp_path):
    assert sniff_kind("a/notes.md", b"# x") == "markdown"
    assert sniff_kind("feed.txt", b"\xef\xbb\xbf  <rss version='2.0'>") == "feed"
    assert sniff_kind("saved", b"<!doctype html><html><body>x") == "html"
    assert sniff_kind("paper.bin", b"%PDF-1.4\n") == "pdf"
    assert sniff_kind("x.jsonl", b'{"id": "1", "text": "t"}\n') == "jsonl"
    assert sniff_kind("x.jsonl", b'{"id": "2401.1", "title": "t", "abstract": "a"}\n') == "arxiv-jsonl"
    assert sniff_kind("plain.txt", b"Title\nBody.") == "text"


# --------------------------------------------------------------------------- Markdown


def test_markdown_readme_is_one_clean_document():
    src = (FORMATS / "README.md").read_text(encoding="utf-8")
    (rec,), report = _records(FORMATS / "README.md")
    assert rec.title == "Lumen: sparse retrieval for long documents"
    assert "MS MARCO passages" in rec.text and "outperforms BM25" in rec.text
    assert not MARKUP.search(rec.text), MARKUP.search(rec.text)
    assert "PyPI" not in rec.text and "Colab" not in rec.text  # badges dropped
    assert "lumen.Index" not in rec.text  # inline code dropped
    # every mapped run is the same text in the Markdown file
    runs = rec.extra["source_map"]
    assert len(runs) >= 5
    for ts, fs, n in runs:
        assert rec.text[ts:ts + n] == src[fs:fs + n]
    dropped = [b for b in report.boilerplate if "markdown markup dropped" in b["kind"]]
    assert dropped and "image" in dropped[0]["kind"] and "code" in dropped[0]["kind"]


def test_markdown_link_text_kept_urls_and_html_dropped():
    p = to_plain("Intro <b>x</b> with [the paper](https://arxiv.org/abs/1) and https://bare.example.com here.\n\n"
                 "<div>block</div>\n\n    indented code\n")
    assert p.text == "Intro x with the paper and  here."
    assert p.dropped == {"html": 3, "url": 1, "code": 1}


def test_markdown_digest_is_segmented_and_readme_is_not():
    assert not is_single_document(to_plain((DIGESTS / "01_markdown_newsletter.md").read_text(encoding="utf-8")))
    assert is_single_document(to_plain((FORMATS / "README.md").read_text(encoding="utf-8")))


def test_markdown_bold_lead_bullets_become_items():
    recs, report = _records(DIGESTS / "07_bulleted.md")
    assert [r.title for r in recs] == ["Phi-3 technical report", "OpenELM", "Llama 3 evaluation notes",
                                      "Stable Audio 2", "SWE-agent"]
    assert recs[1].text.startswith("OpenELM\n\nApple released")
    assert any(b["kind"] == "issue introduction" for b in report.boilerplate)


# --------------------------------------------------------------------------- HTML


def test_html_article_main_text_and_metadata():
    (rec,), _ = _records(FORMATS / "article.html")
    assert rec.title == "Orbital Labs releases Kestrel-7B, an open model for chemistry"
    assert rec.date == "2024-03-14"
    assert rec.url == "https://news.example.org/2024/03/orbital-kestrel"
    assert rec.authors == ("Priya Raman",)
    assert "61.2 percent accuracy" in rec.text and "512 Nvidia H100 GPUs" in rec.text
    for junk in ("Subscribe", "Ten things about GPUs", "All rights reserved", "load(", "https://"):
        assert junk not in rec.text, junk
    assert rec.extra["format"] == "html"


# --------------------------------------------------------------------------- feeds


def test_rss_one_document_per_item_without_html():
    recs, _ = _records(FORMATS / "news.rss")
    assert [r.date for r in recs] == ["2024-03-05", "2024-03-06", "2024-03-07"]
    assert recs[0].title == "Northwind AI trains a speech recognizer for Swahili"
    assert recs[0].url == "https://wire.example.com/items/northwind-swahili"
    assert recs[0].authors == ("Amina Odhiambo",) and recs[1].authors == ("Tom Becker",)
    assert "word error rate on the Common Voice test set" in recs[0].text
    assert recs[1].text.endswith("trained on 40,000 clips.")  # "Read more at <url>" removed
    assert all(not MARKUP.search(r.text) for r in recs)


def test_atom_entries_content_html_and_code_dropped():
    recs, _ = _records(FORMATS / "blog.atom")
    assert [(r.title, r.date, r.authors) for r in recs] == [
        ("Distilling vision transformers for phones", "2024-02-12", ("Lena Fischer",)),
        ("A benchmark for table question answering in finance", "2024-02-19", ("Omar Haddad",)),
    ]
    assert recs[0].topics == ("model compression",) and recs[0].extra["updated"] == "2024-02-13"
    assert "79 percent top-1 accuracy" in recs[0].text and "distill.py" not in recs[0].text


def test_arxiv_api_response():
    recs, _ = _records(FORMATS / "arxiv_api.xml")
    a, b = recs
    assert (a.arxiv_id, a.doi, a.venue, a.date) == ("2403.11111", "10.18653/v1/2024.acl-long.101", "ACL 2024",
                                                    "2024-03-18")
    assert a.title == "Sparse Mixture Adapters for Multilingual Summarization"
    assert a.authors == ("Hana Sato", "Diego Alvarez") and a.topics == ("cs.CL", "cs.LG")
    assert a.extra["arxiv_version"] == "v2" and a.extra["format"] == "arxiv-api"
    assert b.venue is None  # "Technical report" is not a venue
    assert "\n" not in a.title and "ROUGE-L by 1.8 points" in a.text


def test_malformed_feed_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.rss"
    bad.write_text("<?xml version='1.0'?>\n<rss>\n<channel>\n<title>T</title>\n<<<\n")
    with pytest.raises(InputError) as exc:
        _records(bad)
    assert re.search(r"bad\.rss:5: not a well-formed feed", str(exc.value))
    # found in a directory: skipped, with the reason and the line in the report
    recs, report = _records(tmp_path)
    assert recs == [] and report.documents_skipped[0]["line"] == 5
    assert any("bad.rss:5" in w for w in report.warnings)
    # entries recovered from a feed that is not well-formed: kept, with a warning naming the line
    bad.write_text("<?xml version='1.0'?>\n<rss version='2.0'><channel>\n"
                   "<item><title>Kept item about a new model</title></channel>\n</rss>\n")
    recs, report = _records(bad)
    assert [r.title for r in recs] == ["Kept item about a new model"]
    assert any("line 3" in w and "1 entries recovered" in w for w in report.warnings)
    with pytest.raises(FormatError):
        read_feed(b"just some words, not a feed")


def test_strip_html_keeps_link_text_only():
    assert strip_html('<p>See <a href="https://x.io/a">the post</a>: <code>f(x)</code> done.</p>') == "See the post: done."


# --------------------------------------------------------------------------- arXiv snapshot


def test_arxiv_snapshot_lines():
    recs, _ = _records(FORMATS / "arxiv_snapshot.jsonl")
    a, b = recs
    assert (a.arxiv_id, a.title, a.date) == ("2402.05555", "Token Pruning for Efficient Speech Transformers",
                                             "2024-02-08")
    assert a.authors == ("Ravi Kumar", "Sofia Rossi", "Jun Park") and a.venue == "Accepted at Interspeech 2024"
    assert a.url == "https://arxiv.org/abs/2402.05555" and a.extra["updated"] == "2024-03-05"
    assert (b.doi, b.venue, b.topics) == ("10.1109/TSG.2024.0001", "IEEE Transactions on Smart Grid 15 (2024)",
                                          ("cs.LG", "eess.SY"))
    assert a.text.startswith(a.title + "\n\nWe present a token pruning method")


def test_arxiv_snapshot_bad_line_names_file_and_line(tmp_path):
    p = tmp_path / "snap.jsonl"
    good = (FORMATS / "arxiv_snapshot.jsonl").read_text(encoding="utf-8").splitlines()[0]
    p.write_text(good + "\n" + json.dumps({"id": "2401.1", "abstract": "No title here."}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"snap\.jsonl:2: arXiv snapshot line without a 'title' string"):
        _records(p)
    recs, report = _records(p, skip_bad_lines=True)
    assert len(recs) == 1 and report.documents_skipped == [
        {"source": str(p), "line": 2, "reason": "arXiv snapshot line without a 'title' string"}]


# --------------------------------------------------------------------------- PDF


def _pdf(lines: list[str], title: str | None = None) -> bytes:
    """A one-page PDF (Helvetica text lines) written by hand, with an optional info dict."""
    content = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({ln}) '" for ln in lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if title:
        objs.append(f"<< /Title ({title}) /Author (Ana Ruiz) /CreationDate (D:20240305120000Z) >>")
    out, offs = "%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offs)
    info = f" /Info {len(objs)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_title_and_abstract(tmp_path):
    p = tmp_path / "paper.pdf"
    p.write_bytes(_pdf(["Sparse Routing for Vision Transformers", "Ana Ruiz, Lab X", "Abstract",
                        "We route image patches to experts. On ImageNet the model reaches",
                        "81 percent top-1 accuracy with half the compute.", "1 Introduction",
                        "Vision transformers are costly to run."], title="Sparse Routing for Vision Transformers"))
    (rec,), _ = _records(p)
    assert rec.title == "Sparse Routing for Vision Transformers" and rec.date == "2024-03-05"
    assert rec.text.endswith("reaches 81 percent top-1 accuracy with half the compute.")
    assert "costly" not in rec.text and rec.extra["abstract_found"] is True
    with pytest.raises(FormatError, match="damaged PDF|without extractable text"):
        read_pdf(io.BytesIO(b"%PDF-1.4\ngarbage"))


# --------------------------------------------------------------------------- digest corpus


def _only_metadata(text: str) -> bool:
    paras = [p for p in text.split("\n\n") if p.strip()]
    return all(md.meta_line(p) or md.READ_MORE.fullmatch(p) or md.HASHTAG_LINE.match(p) for p in paras)


@pytest.mark.parametrize("name, gold", sorted(json.loads((DIGESTS / "gold.json").read_text()).items()))
def test_digest_corpus_item_counts(name, gold):
    recs, report = _records(DIGESTS / name)
    assert len(recs) == gold, [r.title for r in recs]
    assert not any(_only_metadata(r.text) for r in recs)
    assert all(r.title for r in recs)
    assert not report.errors


def test_metadata_blocks_attach_to_their_item_and_are_reported():
    recs, report = _records(DIGESTS / "03_emoji_headers.txt")
    assert [r.date for r in recs] == ["2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"]
    assert recs[0].urls == ("https://example.com/pulse/claude-context",)
    assert all("📅" not in r.text and "https" not in r.text for r in recs)
    attached = [b for b in report.boilerplate if b["kind"] == "metadata attached to item"]
    assert [b["metadata"] for b in attached] == ["date", "url"] * 4


def test_metadata_above_the_abstract_opens_the_item():
    recs, _ = _records(DIGESTS / "05_listing_meta_before.txt")
    assert [(r.arxiv_id, r.date) for r in recs] == [("2402.00101", "2024-02-01"), ("2402.00202", "2024-02-02"),
                                                    ("2402.00303", "2024-02-03")]
    assert recs[0].title == "Structured Pruning of Multilingual Encoders"
    assert recs[0].extra["newsletter"] == "New submissions in Computation and Language"
    assert recs[1].authors == ("Paul Meyer", "Aiko Tanaka")
    assert recs[2].text.startswith("Measuring Bias in Text-to-Image Models\n\nWe measure")


# --------------------------------------------------------------------------- kg build


def test_build_folder_of_mixed_formats(tmp_path, nlp):
    """`kg build FOLDER` on a README, an HTML article, RSS and Atom feeds, an arXiv API
    response and an arXiv snapshot: one document per item, titles and dates in
    the RDF, no entity label with markup, URLs or code."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDFS

    from kg.pipeline import run_build

    folder = tmp_path / "inputs"
    shutil.copytree(FORMATS, folder)
    result = run_build([folder], tmp_path / "build", nlp=nlp, views=False)
    assert result.ingest.documents_read == 1 + 1 + 3 + 2 + 2 + 2
    assert result.ingest.ok and not result.ingest.documents_skipped
    g = rdflib.Graph().parse(result.out_dir / "graph.ttl")
    titles = {str(o) for o in g.objects(None, DCTERMS.title)}
    assert {"Lumen: sparse retrieval for long documents", "Northwind AI trains a speech recognizer for Swahili",
            "Calibrated Retrieval for Open-Domain Question Answering",
            "Token Pruning for Efficient Speech Transformers"} <= titles
    dates = {str(o) for o in g.objects(None, DCTERMS.date)}
    assert {"2024-03-14", "2024-03-05", "2024-02-12", "2024-03-18", "2024-01-15"} <= dates
    docs_with_title = set(g.subjects(DCTERMS.title, None))
    assert len(docs_with_title) == 11
    labels = [str(o) for o in g.objects(None, RDFS.label)]
    assert len(labels) > 20
    assert [lb for lb in labels if MARKUP.search(lb)] == []


def test_directory_walk_reads_every_format_and_skips_non_documents(tmp_path):
    shutil.copy(FORMATS / "news.rss", tmp_path / "news.rss")
    (tmp_path / "docs.jsonl").write_text('{"id": "d1", "text": "Acme trained a new model on ImageNet."}\n')
    (tmp_path / "method.jsonl").write_text('{"id": "m1", "label": "BERT", "type": "Method"}\n')
    (tmp_path / "config.xml").write_text("<?xml version='1.0'?>\n<config><a>1</a></config>\n")
    old = tmp_path / "old-build"
    old.mkdir()
    (old / ".kg-build.json").write_text("{}")
    (old / "index.html").write_text("<!doctype html><html><body><p>A view page.</p></body></html>")
    recs, report = _records(tmp_path)
    assert sorted(Path(r.source).name for r in recs) == ["docs.jsonl", "news.rss", "news.rss", "news.rss"]
    reasons = {Path(s["source"]).name: s["reason"] for s in report.documents_skipped}
    assert reasons["method.jsonl"].startswith("JSON lines without 'text'")
    assert reasons["config.xml"].startswith("not an RSS or Atom feed")
    assert any("kg build output folder" in w for w in report.warnings)


def test_stdin_feed_and_arxiv_snapshot(monkeypatch):
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((FORMATS / "news.rss").read_bytes())))
    recs, _ = _records("-")
    assert len(recs) == 3 and recs[0].source == "-" and recs[0].extra["feed"] == "Example AI Newswire"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((FORMATS / "arxiv_snapshot.jsonl").read_bytes())))
    recs, _ = _records("-")
    assert [r.arxiv_id for r in recs] == ["2402.05555", "2401.07777"]
