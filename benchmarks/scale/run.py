"""Speed and scale benchmarks (issue 9): every ratio measured in one run and
printed against its target with PASS/FAIL.

Corpora: the scaled SciREX corpora of :mod:`make_corpus` (generated if missing)
under ``benchmarks/_work/scale/`` (git-ignored).  Steps (dask runs first):

throughput  ``kg extract``'s code path in-process (JSONL ingest → extraction
            stream → JSON lines) vs bare ``nlp.pipe`` of the same pipeline over the
            same texts, single process, same batch size, best of 2 interleaved
            rounds, CPU time of the process.  Target ≥ 0.85.
jobs        the same ``kg extract`` path with ``--jobs 2`` vs ``--jobs 1`` on
            ``--jobs-sample`` documents, wall time (the target is about wall time;
            noisy when the machine is shared — the load average is printed), plus
            the CPU seconds of both runs (workers included) and a byte-identity check.
            Target ≥ 1.7.
build       ``kg build --no-views --jobs B`` (``run_build`` exactly as the CLI calls it,
            in a child process under ``/usr/bin/time -v``) of the N-document corpus
            with a cold cache: phase times (ingest+extraction, merge, outputs) from
            :class:`kg.pipeline.PhaseTimer`, peak RSS, and the RSS of the parent and
            of the extraction workers at every tenth of the corpus.  Targets:
            merge + outputs ≤ 15% of extraction (CPU); worker RSS at the end ≤ 1.1×
            at the first tenth (extraction memory independent of corpus size).
incremental the same corpus plus 1% new documents, built over the full build's
            folder (``run_build`` adds the new documents to the saved merge state and
            patches the files); the new documents are extracted (cold for them), the
            others not at all.  Target: wall time ≤ 5% of the full build's (CPU ratio
            printed too).  Then a full rebuild of the same inputs from the warm cache
            (``incremental=False``): every output must be identical (files byte for
            byte, the store as a set of quads).
post        merge + outputs at 1k, N and ``--max-docs`` documents, from the cache:
            1k = the first 1,000 documents of the corpus, N = all, and the larger size
            = the N documents *replicated* under new ids (each copy's text gets a
            ``[copy k]`` suffix so ingest does not drop it as a duplicate; its cache
            rows are copies of the original's, so the copies have the same entities —
            the entity set does not grow as it would with new text).  Targets:
            growth no worse than linear (time ratio / size ratio ≤ 1.1, the 10% for
            noise); peak RSS of that ``kg build`` ≤ 2 GB.
dask        ``extraction_stream(dask="local:2")`` vs local on 40 documents:
            byte-identical JSONL (run first: the Dask workers import kg afresh
            and refuse to run if kg's code changed since the benchmark started).

Every figure carries the load average when it was measured (the machine may be
shared); results go to ``benchmarks/_work/scale/results_N.json`` (or ``--json``).
Unattended at ``--docs 10000`` on 2 quiet cores: about 25 minutes (the full build
is the only run that extracts all N documents).

Usage::

    python benchmarks/scale/run.py --docs 10000          # the issue-9 figures
    python benchmarks/scale/run.py --quick               # CI size (200 documents)
    python benchmarks/scale/run.py --docs 1000 --only throughput,jobs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
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
STEPS = ("throughput", "jobs", "build", "post", "dask")


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def report(name: str, value: float, target: str, ok: bool | None, detail: str = "") -> None:
    """Print one measured figure against its target (PASS/FAIL) and keep it."""
    mark = "INFO" if ok is None else ("PASS" if ok else "FAIL")
    print(f"[{mark}] {name:<48} {value:10.3f}  target {target:<9} {detail}  ({load()})", flush=True)
    RESULTS.append({"name": name, "value": value, "target": target, "pass": ok, "detail": detail,
                    "loadavg": os.getloadavg(), "time": time.strftime("%Y-%m-%dT%H:%M:%S")})


def note(msg: str) -> None:
    print(f"       {msg}  ({load()})", flush=True)


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


def _cpu_all() -> float:
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


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
    report("throughput kg extract / bare nlp.pipe", b / g, ">= 0.85", b / g >= 0.85,
           f"{k} docs, {words} words: bare {words / b:.0f}, kg {words / g:.0f} words/CPU-s")


# --------------------------------------------------------------------------- jobs
def bench_jobs(nlp, path: Path, k: int) -> None:
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import extraction_stream

    sub = head(path, k, WORK / f"head_{k}.jsonl")
    wall, cpu, outs = {}, {}, {}
    for n in (1, 2):
        t, c = time.perf_counter(), _cpu_all()
        recs = iter_records([sub], report=IngestReport())
        with extraction_stream(recs, nlp, jobs=n) as exs:
            outs[n] = [json.dumps(ex.to_json(), ensure_ascii=False) for ex in exs]
        wall[n], cpu[n] = time.perf_counter() - t, _cpu_all() - c
    r = wall[1] / wall[2]
    same = outs[1] == outs[2]
    report("speed-up --jobs 2 / --jobs 1 (wall)", r, ">= 1.7", r >= 1.7,
           f"{k} docs: {wall[1]:.1f} s vs {wall[2]:.1f} s; CPU {cpu[1]:.1f} vs {cpu[2]:.1f} s "
           f"(workers included); outputs {'identical' if same else 'DIFFER'}")
    if not same:
        report("--jobs 2 output identical to --jobs 1", 0.0, "= 1", False)


# -------------------------------------------------------------------------- build
def _child_build(args: list[str]) -> None:
    """(child) run_build as ``kg build --no-views`` does; print one JSON line:
    timings, cache stats, graph size, RSS samples (MB) at each tenth of the input."""
    import psutil

    import kg.cache
    from kg.extract import load_pipeline
    from kg.pipeline import run_build

    if os.environ.get("KG_BENCH_PIN"):  # --pin-version (kg.pipeline and kg.distributed import it at call time)
        kg.cache.pipeline_version = lambda nlp: os.environ["KG_BENCH_PIN"]
    pipeline_version = kg.cache.pipeline_version
    nlp = load_pipeline()
    expected = os.environ.get("KG_BENCH_VERSION")
    if expected and pipeline_version(nlp) != expected:
        raise SystemExit(f"pipeline version {pipeline_version(nlp)} != {expected} of the benchmark's start: kg's "
                         "extraction code or data changed during the run (the cache would miss); run it again")

    out, cache, jobs, expect = Path(args[0]), Path(args[1]), int(args[2]), int(args[3])
    inputs = args[4:]
    me = psutil.Process()
    samples: list[dict] = []
    seen = [0]
    step = max(1, expect // 10)

    def sample() -> None:
        kids = me.children()
        samples.append({"docs": seen[0], "parent_mb": me.memory_info().rss / 2**20,
                        "workers_mb": [round(k.memory_info().rss / 2**20) for k in kids]})

    def on_record(_rec) -> None:
        seen[0] += 1
        if seen[0] % step == 0:
            try:
                sample()
            except psutil.Error:
                pass

    t = time.perf_counter()
    res = run_build(inputs, out, jobs=jobs, views=False, store=True, cache_dir=cache, on_record=on_record, nlp=nlp,
                    incremental=not os.environ.get("KG_BENCH_FULL"))
    wall = time.perf_counter() - t
    print(json.dumps({"wall_s": wall, "timings": res.timings, "cache": res.cache, "docs": seen[0],
                      "patched": res.graph is None, "read": res.ingest.documents_read,
                      "nodes": res.summary.get("nodes"), "edges": res.summary.get("edges"),
                      "rss": samples}))


def _timed_child(cmd: list[str]) -> tuple[float, float, float, str]:
    """Run a python child under /usr/bin/time -v: (wall s, CPU s, peak RSS MB, stdout)."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, *cmd], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    rss = cpu = 0.0
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.rsplit(":", 1)[1]) / 1024
        if "User time (seconds)" in line or "System time (seconds)" in line:
            cpu += float(line.rsplit(":", 1)[1])
    return wall, cpu, rss, proc.stdout


def build(inputs: list[Path], out: Path, cache: Path, jobs: int, expect: int, *, keep: bool = False,
          full: bool = False) -> dict:
    """One ``kg build --no-views`` in a child; its JSON plus wall/CPU/peak RSS.  The
    output folder is removed afterwards unless ``keep``; ``full`` turns incremental
    building off (``run_build(incremental=False)``)."""
    env = os.environ.get("KG_BENCH_FULL")
    if full:
        os.environ["KG_BENCH_FULL"] = "1"
    try:
        wall, cpu, rss, stdout = _timed_child([str(Path(__file__)), "_build", str(out), str(cache), str(jobs),
                                               str(expect), *map(str, inputs)])
    finally:
        os.environ.pop("KG_BENCH_FULL", None)
        if env is not None:
            os.environ["KG_BENCH_FULL"] = env
    r = json.loads(stdout.strip().splitlines()[-1])
    r.update(process_wall_s=wall, process_cpu_s=cpu, peak_rss_mb=rss, loadavg=os.getloadavg())
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    return r


def same_build(a: Path, b: Path) -> list[str]:
    """Names of the outputs that differ between build folders ``a`` and ``b`` (files
    byte for byte, the store as a set of quads)."""
    import pyoxigraph as ox

    names = ("graph.json", "graph.graphml", "graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld",
             "extractions.jsonl", "build-report.json")
    diff = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    sa, sb = ox.Store.read_only(str(a / "store")), ox.Store.read_only(str(b / "store"))
    if len(sa) != len(sb) or set(sa) != set(sb):
        diff.append("store")
    del sa, sb
    return diff


def _phases(r: dict) -> str:
    t = r["timings"]
    return ", ".join(f"{k} {v['s']:.1f} s/{v['cpu_s']:.1f} CPU-s" for k, v in t.items())


def post_of(r: dict, key: str) -> float:
    """merge + outputs seconds of a build (key "s" wall or "cpu_s")."""
    return r["timings"]["merge"][key] + r["timings"]["outputs"][key]


def bench_build(n: int, jobs: int) -> tuple[Path, dict]:
    cp, np_ = corpus(n)
    cache = WORK / f"cache_{n}"
    shutil.rmtree(cache, ignore_errors=True)
    out = WORK / f"build_{n}"
    shutil.rmtree(out, ignore_errors=True)
    full = build([cp], out, cache, jobs, n, keep=True)
    RESULTS.append({"name": f"full_build_{n}", **full})
    note(f"full build, {full['docs']} docs, --jobs {jobs}: {full['process_wall_s']:.1f} s wall, "
         f"{full['process_cpu_s']:.1f} CPU-s (process), peak RSS {full['peak_rss_mb']:.0f} MB; {_phases(full)}; "
         f"{full['nodes']} nodes, {full['edges']} edges; cache {full['cache']}")
    ext = full["timings"]["extract"]["cpu_s"]
    post = post_of(full, "cpu_s")
    report(f"merge+outputs / extraction at {n} docs (CPU)", post / ext, "<= 0.15", post / ext <= 0.15,
           f"{post:.1f} vs {ext:.1f} CPU-s (wall {post_of(full, 's'):.1f} vs {full['timings']['extract']['s']:.1f} s)")
    rss = full["rss"]
    if len(rss) >= 2 and rss[0]["workers_mb"]:
        w0, w1 = sum(rss[0]["workers_mb"]), sum(rss[-1]["workers_mb"])
        report(f"extraction workers RSS, {rss[-1]['docs']} / {rss[0]['docs']} docs", w1 / w0, "<= 1.1",
               w1 / w0 <= 1.1, f"{w0:.0f} MB → {w1:.0f} MB (all workers); parent "
               f"{rss[0]['parent_mb']:.0f} → {rss[-1]['parent_mb']:.0f} MB (holds the growing graph)")
    report(f"peak RSS MB, kg build {n} docs", full["peak_rss_mb"], "<= 2048", full["peak_rss_mb"] <= 2048,
           "largest process of the build (/usr/bin/time)")

    # the same corpus plus 1% new documents, built over the full build's folder
    incr = build([cp, np_], out, cache, jobs, n + n // 100, keep=True)
    RESULTS.append({"name": f"incremental_build_{n}", **incr})
    note(f"incremental build (+{n // 100} new docs), --jobs {jobs}: {incr['process_wall_s']:.1f} s wall, "
         f"{incr['process_cpu_s']:.1f} CPU-s; {_phases(incr)}; cache {incr['cache']}; "
         f"{'files patched' if incr['patched'] else 'files rewritten'}")
    ref = build([cp, np_], WORK / f"build_{n}_ref", cache, jobs, n + n // 100, keep=True, full=True)
    diff = same_build(out, WORK / f"build_{n}_ref")
    report("incremental build output identical to a full build", float(not diff), "= 1", not diff,
           f"{ref['read']} docs, full rebuild from the cache {ref['process_wall_s']:.1f} s; differing: {diff or 'none'}")
    for d in (out, WORK / f"build_{n}_ref"):
        shutil.rmtree(d, ignore_errors=True)
    rw = incr["process_wall_s"] / full["process_wall_s"]
    rc = incr["process_cpu_s"] / full["process_cpu_s"]
    report(f"incremental (+1%) / full build at {n} (wall)", rw, "<= 0.05", rw <= 0.05,
           f"{incr['process_wall_s']:.1f} vs {full['process_wall_s']:.1f} s; CPU ratio {rc:.3f}; "
           "both whole processes (start-up, model load included)")
    return cache, full


# --------------------------------------------------------------------------- post
def replicate(cache: Path, corpus_path: Path, copies: int, out: Path) -> int:
    """Write ``copies`` copies of the corpus (ids ``ID~k``, text + `` [copy k]``) to
    ``out`` and give each copy the cache rows of its original; returns the number
    of documents."""
    from kg.cache import CACHE_FILE, pipeline_version, record_key
    from kg.extract import load_pipeline
    from kg.model import Record

    version = os.environ.get("KG_BENCH_VERSION") or pipeline_version(load_pipeline())
    db = sqlite3.connect(str(cache / CACHE_FILE))
    n = 0
    with open(corpus_path, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        rows = [json.loads(line) for line in src]
        db.execute("BEGIN")
        for d in rows:
            value = db.execute(
                "SELECT value FROM extraction WHERE key = ?",
                (record_key(Record(id=str(d["id"]), text=d["text"]), version),),
            ).fetchone()
            for k in range(copies):
                rid = str(d["id"]) if k == 0 else f"{d['id']}~{k}"
                text = d["text"] if k == 0 else f"{d['text']} [copy {k}]"
                dst.write(json.dumps({"id": rid, "text": text}, ensure_ascii=False) + "\n")
                n += 1
                if k and value is not None:
                    db.execute("INSERT OR REPLACE INTO extraction(key, version, doc_id, value) VALUES (?, ?, ?, ?)",
                               (record_key(Record(id=rid, text=text), version), version, rid, value[0]))
        db.execute("COMMIT")
    db.close()
    return n


def bench_post(n: int, jobs: int, cache: Path, full: dict | None, max_docs: int) -> None:
    cp, _ = corpus(n)
    rows: list[tuple[int, float, dict]] = []
    sizes = sorted({min(1000, n), n})
    for size in sizes:
        src = cp if size == n else head(cp, size, WORK / f"head_{size}.jsonl")
        if size == n and full is not None:
            r = full  # the full build itself: merge + outputs at n documents
        else:
            r = build([src], WORK / f"build_post_{size}", cache, jobs, size)
        rows.append((r["docs"], post_of(r, "cpu_s"), r))
    if max_docs > n:
        copies = max_docs // n
        t = time.perf_counter()
        rep = WORK / f"replicated_{n}x{copies}.jsonl"
        total = replicate(cache, cp, copies, rep)
        note(f"replicated corpus: {total} documents ({copies} copies of {n}) in {time.perf_counter() - t:.0f} s")
        r = build([rep], WORK / f"build_post_{total}", cache, jobs, total)
        RESULTS.append({"name": f"replicated_build_{total}", **r})
        rows.append((r["docs"], post_of(r, "cpu_s"), r))
        report(f"peak RSS MB, kg build {r['docs']} docs (replicated)", r["peak_rss_mb"], "<= 2048",
               r["peak_rss_mb"] <= 2048, f"extraction served by the cache ({r['cache']})")
    for docs, post, r in rows:
        note(f"post-extraction at {docs} docs: merge+outputs {post:.1f} CPU-s ({post_of(r, 's'):.1f} s); "
             f"{_phases(r)}; {r['nodes']} nodes, {r['edges']} edges; peak RSS {r['peak_rss_mb']:.0f} MB")
    for (d0, t0, _), (d1, t1, _) in zip(rows, rows[1:]):
        g = (t1 / t0) / (d1 / d0)
        report(f"growth {d0}→{d1} docs (time ratio / size ratio)", g, "<= 1.1", g <= 1.1,
               f"merge+outputs {t0:.1f} → {t1:.1f} CPU-s")


# --------------------------------------------------------------------------- dask
def bench_dask(nlp, path: Path, k: int) -> None:
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import extraction_stream

    sub = head(path, k, WORK / f"head_{k}.jsonl")
    outs, times = [], []
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
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        _child_build(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="corpus size N (1000, 10000, 100000)")
    ap.add_argument("--sample", type=int, default=300, help="documents for the throughput ratio")
    ap.add_argument("--jobs-sample", type=int, default=400, help="documents for the --jobs ratio")
    ap.add_argument("--build-jobs", type=int, default=2, help="--jobs of the kg build runs")
    ap.add_argument("--max-docs", type=int, default=100_000, help="size of the replicated post-extraction build")
    ap.add_argument("--quick", action="store_true", help="CI size: 200 documents, small samples, replicated ×10")
    ap.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}")
    ap.add_argument("--pin-version", action="store_true",
                    help="every child uses the pipeline version of the start for its cache keys (for a machine where "
                         "kg's code or data is being edited during the run; the cache then ignores those edits)")
    ap.add_argument("--json", type=Path, help="results file (default benchmarks/_work/scale/results_N.json)")
    a = ap.parse_args()
    if a.quick:
        a.docs, a.sample, a.jobs_sample, a.max_docs = 200, 60, 80, 2000
    only = set(a.only.split(","))
    if only - set(STEPS):
        ap.error(f"--only: unknown step(s) {sorted(only - set(STEPS))}")
    started = time.perf_counter()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    machine = (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, "
               f"python {platform.python_version()}")
    print(f"machine: {machine}; uptime: {uptime}", flush=True)
    RESULTS.append({"name": "machine", "detail": machine, "uptime": uptime, "args": vars(a) | {"json": str(a.json)}})
    WORK.mkdir(parents=True, exist_ok=True)
    cp, _ = corpus(a.docs)
    from kg.cache import pipeline_version
    from kg.extract import load_pipeline

    nlp = load_pipeline()
    if a.pin_version:
        os.environ["KG_BENCH_PIN"] = pipeline_version(nlp)
    # the version every child must also see: a concurrent edit of kg's extraction code
    # would otherwise make the warm-cache builds re-extract everything
    os.environ["KG_BENCH_VERSION"] = pipeline_version(nlp)
    if "dask" in only:  # early: its workers load kg afresh, so a later code edit would stop it
        bench_dask(nlp, cp, 40)
    if "throughput" in only:
        bench_throughput(nlp, cp, a.sample)
    if "jobs" in only:
        bench_jobs(nlp, cp, a.jobs_sample)
    cache, full = WORK / f"cache_{a.docs}", None
    if "build" in only:
        cache, full = bench_build(a.docs, a.build_jobs)
    if "post" in only:
        if full is None and not cache.exists():
            raise SystemExit(f"--only post needs the cache of a build step ({cache})")
        bench_post(a.docs, a.build_jobs, cache, full, a.max_docs)
    figures = [r for r in RESULTS if "pass" in r]
    failed = [r["name"] for r in figures if r["pass"] is False]
    total = time.perf_counter() - started
    print(f"{len(figures) - len(failed)}/{len(figures)} targets met in {total / 60:.1f} min"
          + (f"; not met: {', '.join(failed)}" if failed else ""), flush=True)
    out = a.json or WORK / f"results_{a.docs}.json"
    out.write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
