"""Benchmark the graph views: HTML size and time to stabilise in headless Chromium.

Usage::

    python benchmarks/bench_views.py                 # 100, 1,000, 5,000 nodes + 100k-doc overview
    python benchmarks/bench_views.py --sizes 100 1000 --repeat 5 --no-large

For each size N a synthetic graph in the kg.build schema (kg.viz.synthetic,
Zipf-like entity popularity) is cut to its N most important nodes
(``select_view(top=N)``) and written with ``render_html(max_nodes=N)``; the page
is opened from file:// in Debian's chromium via Playwright and timed until
vis-network reports the end of stabilisation (physics then switched off):

* ``script→stable``: from the page's own script start to stabilisation;
* ``nav→stable``: from navigation start (includes reading/parsing the HTML and
  the inlined vis-network) — what a user waits for;
* ``iterations``: physics ticks run; ``converged``: loads whose layout came to
  rest before the time budget (kg.viz.render.LAYOUT_BUDGET_MS) stopped it.

nodes/edges are those drawn (after the per-node backbone of dense views).

The "100k docs" row builds a synthetic graph of 100,000 documents and 50,000
entities and times the overview of ``index.html`` (``overview_view``: PageRank
over the whole graph, the top 100 entities, their folded co-mentions; then
rendering and the browser).
Figures are medians over ``--repeat`` page loads (fresh browser context each).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.viz import overview_view, render_html, select_view  # noqa: E402
from kg.viz.synthetic import synthetic_graph  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def time_page(browser, path: Path, repeat: int) -> tuple[float, float, int, int, int, int]:
    """Median (script→stable s, nav→stable s) over ``repeat`` loads, nodes and edges
    drawn, median physics iterations run, and how many loads converged before
    the time budget."""
    script, nav, iters, drawn, drawn_edges, converged = [], [], [], 0, 0, 0
    for _ in range(repeat):
        ctx = browser.new_context(viewport={"width": 1280, "height": 820})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.resolve().as_uri())
        page.wait_for_function("() => window.kgStatus && window.kgStatus.stabilized", timeout=300_000)
        st = page.evaluate("() => window.kgStatus")
        drawn = page.evaluate("() => network.body.data.nodes.length")
        drawn_edges = page.evaluate("() => network.body.data.edges.length")
        ctx.close()
        if errors:
            raise RuntimeError(f"{path}: page errors {errors}")
        script.append(st["stabilizeMs"] / 1000)
        nav.append(st["sinceNavigationMs"] / 1000)
        iters.append(st.get("iterations") or 0)
        converged += bool(st.get("converged"))
    return (statistics.median(script), statistics.median(nav), drawn, drawn_edges,
            int(statistics.median(iters)), converged)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-large", action="store_true", help="skip the 100k-document overview")
    ap.add_argument("--keep", type=Path, help="keep the HTML files in this folder")
    args = ap.parse_args(argv)

    exe = shutil.which("chromium")
    if exe is None:
        print("chromium not found on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench_views_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        for n in args.sizes:
            S = synthetic_graph(max(200, int(n * 2.2)), seed=n)
            t = time.perf_counter()
            view = select_view(S, top=n)
            t_sel = time.perf_counter() - t
            t = time.perf_counter()
            path = render_html(view, out_dir / f"view-{n}.html", title=f"{n} nodes", max_nodes=n)
            t_render = time.perf_counter() - t
            rows.append((f"{n:,} nodes", path.stat().st_size, t_sel, t_render,
                         *time_page(browser, path, args.repeat)))
        if not args.no_large:
            t = time.perf_counter()
            S = synthetic_graph(50_000, n_docs=100_000, seed=1, evidence=False)
            t_build = time.perf_counter() - t
            print(f"100k-doc graph: {S.number_of_nodes():,} nodes, {S.number_of_edges():,} edges "
                  f"(built in {t_build:.1f} s)")
            t = time.perf_counter()
            view = overview_view(S)
            t_sel = time.perf_counter() - t
            t = time.perf_counter()
            path = render_html(view, out_dir / "overview-100k-docs.html", title="overview")
            t_render = time.perf_counter() - t
            rows.append(("100k docs, overview", path.stat().st_size, t_sel, t_render,
                         *time_page(browser, path, args.repeat)))
        browser.close()

    head = ("view", "nodes", "edges", "HTML MB", "select s", "render s", "script→stable s",
            "nav→stable s", "iterations", "converged")
    print(f"{head[0]:<21}{head[1]:>6}{head[2]:>6}{head[3]:>8}{head[4]:>9}{head[5]:>9}{head[6]:>16}"
          f"{head[7]:>13}{head[8]:>11}{head[9]:>10}")
    for name, size, t_sel, t_render, script, nav, drawn, drawn_edges, iters, conv in rows:
        print(f"{name:<21}{drawn:>6}{drawn_edges:>6}{size / 1e6:>8.2f}{t_sel:>9.2f}{t_render:>9.2f}"
              f"{script:>16.2f}{nav:>13.2f}{iters:>11}{f'{conv}/{args.repeat}':>10}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"(medians of {args.repeat} loads; HTML in {out_dir})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
