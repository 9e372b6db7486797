"""Speed and scale benchmarks (issue 9): ratios measured in one run, each printed
against its target.

Measures, on the scaled SciREX corpora of :mod:`make_corpus` (generated first if
missing):

throughput   ``kg extract`` (ingest JSONL → extract → JSON lines, in-process, the
             ``kg extract`` code path) vs bare ``nlp.pipe`` of the same pipeline over
             the same texts, one process, same batch size; best of 2 interleaved
             rounds each.  Target ≥ 0.85.
jobs         ``extract_records(n_process=2)`` vs ``n_process=1``, same documents.
             Target ≥ 1.7×.
build        ``kg build --no-views`` of N documents as a subprocess with a cold cache
             (end to end, ``/usr/bin/time``-style peak RSS via ``resource``), then the
             same corpus plus 1% new documents with the warm cache (incremental).
             Target: incremental ≤ 5% of full.
post         merge + export + store after extraction (GraphBuilder, graph(),
             write_outputs without views) in a subprocess with its peak RSS, at N and
             at ×10 / ×100 of N by *replicating* the N cached extractions under new
             document ids (same entities: the entity set does not grow as it would
             with new text — stated in the output).  Target: ≤ 15% of extraction
             time at 10k; growth no worse than linear; peak RSS at 100k ≤ 2 GB.
dask         ``extraction_stream(dask="local:2")`` vs local on the first documents:
             byte-identical JSONL.

Every line names the load average (``os.getloadavg``) when it was measured: the
machine is shared.  ``--quick`` runs CI-sized versions (200 documents).

Usage: ``python benchmarks/scale/run.py [--docs 1000] [--quick] [--only throughput,jobs,...]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "benchmarks" / "_work" / "scale"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

RESULTS: list[dict] = []


def load() -> str:
    return "load %.1f/%.1f/%.1f" % os.getloadavg()


def report(name: str, value: float, target: str, ok: bool | None, detail: str = "") -> None:
    """Print one measured figure against its target and keep it for --json."""
    mark = "n/a " if ok is None else ("MET " if ok else "MISS")
    print(f"[{mark}] {name:<44} {value:10.3f}   target {target:<10} {detail}  ({load()})", flush=True)
    RESULTS.append({"name": name, "value": value, "target": target, "met": ok, "detail": detail, "load": os.getloadavg()})


def corpus(n: int) -> tuple[Path, Path]:
    cp, np_ = WORK / f"corpus_{n}.jsonl", WORK / f"new_{n}.jsonl"
    if not cp.exists() or not np_.exists():
        from make_corpus import make

        make([n], WORK)
    return cp, np_


def head(path: Path, k: int, out: Path) -> Path:
    with open(path, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= k:
                break
            dst.write(line)
    return out


# --------------------------------------------------------------------- throughput
def bench_throughput(nlp, path: Path, k: int) -> None:
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import extraction_stream

    sub = head(path, k, WORK / f"head_{k}.jsonl")
    texts = [json.loads(line)["text"] for line in open(sub, encoding="utf-8")]
    words = sum(len(t.split()) for t in texts)

    # CPU time of this process: robust to other load on a shared machine (one process)
    def bare() -> float:
        t = time.process_time()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        return time.process_time() - t

    def kg() -> float:
        t = time.process_time()
        recs = iter_records([sub], report=IngestReport())
        with open(WORK / "throughput.jsonl", "w", encoding="utf-8") as fh, extraction_stream(recs, nlp) as exs:
            for ex in exs:
                fh.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")
        return time.process_time() - t

    tb, tk = [], []
    for _ in range(2):
        tb.append(bare())
        tk.append(kg())
    b, g = min(tb), min(tk)
    report("throughput kg extract / bare nlp.pipe", b / g, "≥ 0.85", b / g >= 0.85,
           f"{k} docs, {words} words: bare {words / b:.0f} w/CPU-s, kg {words / g:.0f} w/CPU-s")


def bench_jobs(nlp, path: Path, k: int) -> None:
    from kg.extract import extract_records
    from kg.ingest import IngestReport, iter_records

    sub = head(path, k, WORK / f"head_{k}.jsonl")
    recs = list(iter_records([sub], report=IngestReport()))
    times = {}
    for n in (1, 2):
        t = time.perf_counter()
        out = sum(1 for _ in extract_records(recs, nlp, n_process=n))
        times[n] = time.perf_counter() - t
        assert out == len(recs)
    r = times[1] / times[2]
    report("speed-up --jobs 2 / --jobs 1", r, "≥ 1.7", r >= 1.7, f"{k} docs: {times[1]:.1f} s vs {times[2]:.1f} s")


# -------------------------------------------------------------------------- build
def _peak_of(cmd: list[str]) -> tuple[float, float, str]:
    """Run cmd under /usr/bin/time -v; return (wall s, peak RSS MB, stdout).

    ``CPU[0]`` is set to the child's user + system CPU seconds."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    rss = 0.0
    cpu = 0.0
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.rsplit(":", 1)[1]) / 1024
        if "User time (seconds)" in line or "System time (seconds)" in line:
            cpu += float(line.rsplit(":", 1)[1])
    CPU[0] = cpu
    return wall, rss, proc.stdout


CPU = [0.0]


def bench_build(n: int, jobs: int) -> Path:
    cp, np_ = corpus(n)
    cache = WORK / f"cache_{n}"
    shutil.rmtree(cache, ignore_errors=True)
    kg = [sys.executable, "-m", "kg.cli", "-q", "build", "--no-views", "--jobs", str(jobs), "--cache", str(cache)]
    full_wall, rss_full, _ = _peak_of([*kg, str(cp), "-o", str(WORK / f"build_{n}")])
    full = CPU[0]
    print(f"  full build of {n} docs: {full_wall:.1f} s wall, {full:.1f} CPU-s, peak RSS {rss_full:.0f} MB ({load()})",
          flush=True)
    incr_wall, rss_incr, _ = _peak_of([*kg, str(cp), str(np_), "-o", str(WORK / f"build_{n}_incr")])
    incr = CPU[0]
    print(f"  incremental build (+{n // 100} new docs): {incr_wall:.1f} s wall, {incr:.1f} CPU-s, "
          f"peak RSS {rss_incr:.0f} MB ({load()})", flush=True)
    report(f"incremental (+1%) / full build at {n} (CPU)", incr / full, "≤ 0.05", incr / full <= 0.05,
           f"{incr:.1f} vs {full:.1f} CPU-s, wall {incr_wall:.1f} vs {full_wall:.1f} s (both incl. model load)")
    report(f"peak RSS MB, kg build {n} docs (cold)", rss_full, "≤ 2048", rss_full <= 2048)
    RESULTS.append({"name": f"full_build_s_{n}", "value": full, "load": os.getloadavg()})
    return cache


# --------------------------------------------------------------------------- post
def post_extraction(cache_dir: Path, corpus_path: Path, factor: int) -> dict:
    """(child) merge + export + store of the cached extractions ×factor; prints JSON."""
    from dataclasses import replace

    from kg.build import GraphBuilder
    from kg.cache import ExtractionCache, pipeline_version
    from kg.extract import load_pipeline
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import write_outputs

    nlp = load_pipeline()
    index = getattr(nlp.get_pipe("kg_entities"), "gazetteer_index", None)
    version = pipeline_version(nlp)
    del nlp
    clock = time.process_time  # CPU time: robust to other load (single process)
    t0 = clock()
    builder = GraphBuilder(index=index)
    docs = 0
    with ExtractionCache(cache_dir, version) as cache:
        for copy in range(factor):
            for rec in iter_records([corpus_path], report=IngestReport()):
                ex = cache.get(rec)
                if ex is None:
                    raise SystemExit(f"{rec.id} not in the cache {cache_dir}")
                if copy:
                    ex = replace(ex, record=replace(rec, id=f"{rec.id}~{copy}"))
                builder.add(ex)
                docs += 1
    t_read = clock() - t0
    t1 = clock()
    G = builder.graph()
    t_merge = clock() - t1
    out = WORK / f"post_{factor}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    t2 = clock()
    write_outputs(G, out, views=False, store=True)
    t_export = clock() - t2
    res = {"docs": docs, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "read_add_s": t_read,
           "graph_s": t_merge, "export_store_s": t_export,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(res))
    return res


def bench_post(n: int, factors: list[int], full_build_s: float | None) -> None:
    """Post-extraction cost at n × each factor; extraction time of the full build
    is estimated as (full build wall time − its post-extraction part at factor 1)
    and scaled per document."""
    cp, _ = corpus(n)
    cache = WORK / f"cache_{n}"
    rows = []
    for f in factors:
        wall, rss, out = _peak_of([sys.executable, str(Path(__file__)), "_post", str(cache), str(cp), str(f)])
        r = json.loads(out.strip().splitlines()[-1])
        post = r["graph_s"] + r["export_store_s"] + r["read_add_s"]
        rows.append((r["docs"], post))
        if f == 1 and full_build_s:
            extract_s_per_doc = (full_build_s - post) / n
        elif not full_build_s:
            extract_s_per_doc = None
        print(f"  post-extraction at {r['docs']} docs ({'replicated ×%d' % f if f > 1 else 'real'}), CPU-s: "
              f"read+add {r['read_add_s']:.1f} + graph {r['graph_s']:.1f} + export/store {r['export_store_s']:.1f}; "
              f"{r['nodes']} nodes, {r['edges']} edges; peak RSS {rss:.0f} MB ({load()})", flush=True)
        if extract_s_per_doc:
            ratio = post / (extract_s_per_doc * r["docs"])
            report(f"post-extraction / extraction at {r['docs']} docs", ratio, "≤ 0.15", ratio <= 0.15,
                   f"{post:.1f} vs {extract_s_per_doc * r['docs']:.0f} CPU-s extraction "
                   f"({'measured' if f == 1 else 'measured rate × docs'})")
        report(f"peak RSS MB, merge+export+store {r['docs']} docs", rss, "≤ 2048", rss <= 2048,
               "replicated extractions" if f > 1 else "")
    for (d0, t0), (d1, t1) in zip(rows, rows[1:]):
        g = (t1 / t0) / (d1 / d0)
        report(f"growth {d0}→{d1} docs (time ratio / size ratio)", g, "≤ 1.0", g <= 1.0 + 0.1,
               f"{t0:.1f} → {t1:.1f} CPU-s (≤ 1.1 counted as linear)")


# --------------------------------------------------------------------------- dask
def bench_dask(nlp, path: Path, k: int) -> None:
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import extraction_stream

    sub = head(path, k, WORK / f"head_{k}.jsonl")
    outs = []
    times = []
    for dask in (None, "local:2"):
        t = time.perf_counter()
        recs = iter_records([sub], report=IngestReport())
        with extraction_stream(recs, nlp, dask=dask) as exs:
            outs.append("".join(json.dumps(ex.to_json(), ensure_ascii=False) + "\n" for ex in exs).encode())
        times.append(time.perf_counter() - t)
    same = outs[0] == outs[1]
    report("dask local:2 output identical to local", float(same), "= 1", same,
           f"{k} docs, {len(outs[0])} bytes; local {times[0]:.1f} s, dask {times[1]:.1f} s (incl. worker start)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_post":
        post_extraction(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="corpus size for build/post (1000, 10000, 100000)")
    ap.add_argument("--sample", type=int, default=300, help="documents for throughput/jobs")
    ap.add_argument("--quick", action="store_true", help="CI size: 200-document corpus, 60-document samples")
    ap.add_argument("--factors", default="1,10,100", help="replication factors for the post-extraction step")
    ap.add_argument("--only", default="throughput,jobs,build,post,dask")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args()
    if a.quick:
        a.docs, a.sample, a.factors = 200, 60, "1,10"
    only = set(a.only.split(","))
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"{load()}", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    cp, _ = corpus(a.docs)
    nlp = None
    if only & {"throughput", "jobs", "dask"}:
        from kg.cache import pipeline_version
        from kg.extract import load_pipeline

        nlp = load_pipeline()
        pipeline_version(nlp)  # fixes the code version this process runs (see kg.cache.code_version)
    if "throughput" in only:
        bench_throughput(nlp, cp, a.sample)
    if "jobs" in only:
        bench_jobs(nlp, cp, a.sample)
    full = None
    if "build" in only:
        bench_build(a.docs, 1)
        full = next(r["value"] for r in RESULTS if r["name"] == f"full_build_s_{a.docs}")
    if "post" in only:
        bench_post(a.docs, [int(x) for x in a.factors.split(",")], full)
    if "dask" in only:
        bench_dask(nlp, cp, min(a.sample, 40))
    if a.json:
        a.json.write_text(json.dumps(RESULTS, indent=1) + "\n")


if __name__ == "__main__":
    main()
