"""Peak memory of one ``kg build`` by phase (issue 9): run it under ``/usr/bin/time -v``.

Runs :func:`kg.pipeline.run_build` (``--no-views``, store written) of one JSONL
corpus with the given cache folder and ``--jobs``, samples the RSS of this process
and of this process plus its extraction workers every 0.5 s, and tags each sample
with the phase running (extraction + merge input, saving the merge state,
``GraphBuilder.graph``, node-link, GraphML, RDF mapping, store).  Prints the phase timings, cache counts, graph size and
the peak RSS per phase (parent, parent + workers) as JSON; the samples go to
``OUT.samples.json``.  The README's fresh 100k figure (‡ in the scale table) is::

    /usr/bin/time -v python benchmarks/scale/build_memory.py \
        benchmarks/_work/scale/corpus_100000.jsonl /tmp/real100k \
        benchmarks/_work/scale/cache_100000 2

(an empty cache folder: every document is extracted; 51.0 min on 2 cores, 2026-11-21).

Usage: ``build_memory.py CORPUS.jsonl OUT_DIR CACHE_DIR JOBS``
"""
import sys, threading, time, json
import psutil
import kg.pipeline as P
import kg.export.rdf as R
import kg.export.store as S
from kg.build.merge import GraphBuilder
marker = ["start"]; samples = []; me = psutil.Process()
def sampler():
    t0 = time.perf_counter()
    while True:
        try:
            kids = me.children()
            tot = me.memory_info().rss + sum(k.memory_info().rss for k in kids)
        except psutil.Error:
            continue
        samples.append((round(time.perf_counter() - t0, 1), round(me.memory_info().rss / 2**20), round(tot / 2**20), marker[0]))
        time.sleep(0.5)
threading.Thread(target=sampler, daemon=True).start()
def wrap(mod, name, label):
    f = getattr(mod, name)
    def g(*a, **k):
        marker[0] = label
        try:
            return f(*a, **k)
        finally:
            marker[0] = label + ":done"
    setattr(mod, name, g)
wrap(P, "write_node_link", "node_link"); wrap(P, "write_graphml", "graphml")
wrap(R, "write_rdf", "rdf"); wrap(R, "graph_lines", "graph_lines"); wrap(S, "write_store", "store")
wrap(GraphBuilder, "graph", "builder.graph")
import kg.build.state as I
wrap(I, "save_builder", "save_state")
inp, out, cache, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
marker[0] = "extract+add"
t = time.perf_counter()
res = P.run_build([inp], out, jobs=jobs, views=False, store=True, cache_dir=cache)
wall = time.perf_counter() - t
marker[0] = "end"; time.sleep(0.6)
peak = {}
for _, p, tot, m in samples:
    a, b = peak.get(m, (0, 0)); peak[m] = (max(a, p), max(b, tot))
print(json.dumps({"wall_s": wall, "timings": res.timings, "cache": res.cache, "summary": {k: res.summary.get(k) for k in ("documents", "nodes", "edges")},
                  "peak_parent_and_total_mb": peak}, indent=1))
json.dump(samples, open(out.rstrip("/") + ".samples.json", "w"))
