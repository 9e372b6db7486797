"""Render a graph view as one self-contained, offline, script-safe HTML page.

The page is built from pyvis's data model (:class:`pyvis.network.Network`, its
node/edge option handling) and pyvis's bundled vis-network 9.1.2, inlined as pyvis
does with ``cdn_resources="in_line"``. pyvis's own page template is not used: it
links Bootstrap from a CDN and writes ``heading`` and tooltip HTML unescaped.
Instead a Jinja2 template with autoescaping lays out the page, and:

* every string that comes from the text (names, aliases, sentences, titles) is
  passed through :func:`html.escape`; the tooltip markup is built here, in
  Python, and the page inserts only that markup;
* a Content-Security-Policy ``<meta>`` allows only the page's own inline scripts
  (by SHA-256 hash), inline styles and ``data:`` images, so nothing is fetched
  from the network and an injected ``onerror=`` attribute could not run even if
  escaping failed;
* physics runs until vis-network reports ``stabilizationIterationsDone`` and is
  then switched off, so the page stops using the CPU.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network

from kg.errors import KGError
from kg.viz.select import MENTIONED_IN, node_kind, node_type, top_nodes
from kg.viz.style import TYPE_STYLES, legend_svg, style_for

#: Above this many nodes a page shows only the most important ones (by PageRank)
#: and says so. Measured with benchmarks/bench_views.py (headless Chromium, 2 CPUs
#: at load ~7): a 5,000-node page is 10 MB and gets only ~10 physics steps in the
#: layout budget, so larger pages would be slow to open and barely laid out.
MAX_NODES: int = 3000

#: Time budget of the in-browser layout (ms from the page's script start): physics
#: runs in chunks until the layout converges, ``LAYOUT_MAX_ITERATIONS`` ticks have
#: run, or another chunk would overrun this budget, then stops. Keeps "open to
#: still picture" near the issue's 5 s target whatever the view size (measured
#: from navigation, two runs at load 6–9 on 2 CPUs: 2.1–3.2 s for 100 and 1,000
#: nodes and for the 300-node overview, 3.7–5.7 s for 5,000 nodes;
#: benchmarks/bench_views.py); a 100-node view converges inside it, larger ones
#: are stopped by it.
LAYOUT_BUDGET_MS: int = 2500
LAYOUT_MAX_ITERATIONS: int = 1000

#: Layouts that can be precomputed with NetworkX (``layout=`` of :func:`render_html`).
LAYOUTS: tuple[str, ...] = ("spring", "kamada_kawai", "spectral", "circular", "shell")

#: Evidence items listed in a node tooltip / an edge tooltip.
NODE_EVIDENCE = 3
EDGE_EVIDENCE = 4
#: Smallest on-screen label size (CSS px) at the zoom that fits the layout:
#: ``view.js`` sets the canvas font size to ``LABEL_PX / scale`` once the layout
#: has stabilised (views of at most :data:`LARGE_VIEW` nodes).
LABEL_PX = 12
#: Characters of an evidence sentence shown before "…".
SENTENCE_CHARS = 400
#: Each node keeps (at least) its this-many strongest drawn edges; weaker edges
#: between nodes that already have as many are left out of the drawing (their
#: evidence stays in the node tooltips) and the page says so. Keeps dense
#: overviews readable and their layout fast.
MAX_EDGES_PER_NODE = 6
#: Views with more drawn nodes than this get a lighter drawing: no edge labels on
#: the canvas (the edge tooltip names the relations), node labels only once
#: zoomed in, straight edges, edges hidden while dragging/zooming.
LARGE_VIEW = 1000
#: Characters of a node label drawn on the canvas (the tooltip has the full name).
LABEL_CHARS = 40

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_PYVIS_LIB = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
_ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$", re.I)
_QID_RE = re.compile(r"^Q\d+$")
_TYPE_ORDER = {t: i for i, t in enumerate(TYPE_STYLES)}
#: Relations listed after the typed ones in node tooltips (they say least).
_WEAK = frozenset({"mentions", "coMentioned"})

_env = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


class RenderError(KGError):
    """A view could not be rendered or written (names the output path)."""


# --------------------------------------------------------------------------- text


def _e(value: Any) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def arxiv_url(arxiv_id: str | None) -> str | None:
    """Return ``https://arxiv.org/abs/<id>`` for a well-formed arXiv identifier.

    Parameters
    ----------
    arxiv_id : str or None
        New-style (``2111.00653``, ``2111.00653v2``) or old-style
        (``cs/0112017``) identifier, optionally prefixed ``arXiv:``
        (format: https://info.arxiv.org/help/arxiv_identifier.html).

    Returns
    -------
    str or None
        The abstract page URL, or None if the id is missing or malformed.
    """
    if not arxiv_id:
        return None
    aid = re.sub(r"^arxiv:", "", str(arxiv_id).strip(), flags=re.I)
    if not _ARXIV_RE.match(aid):
        return None
    return "https://arxiv.org/abs/" + quote(aid, safe="./")


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL, else None.

    Parameters
    ----------
    url : str or None
        A URL read from the text.

    Returns
    -------
    str or None
        The URL unchanged (callers escape it), or None for other schemes such as
        ``javascript:`` or ``data:``.
    """
    if not url:
        return None
    try:
        parts = urlsplit(str(url).strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return str(url).strip()
    return None


def _link(href: str | None, text: str) -> str:
    if not href:
        return _e(text)
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _doc_meta(view: nx.MultiDiGraph, doc: str | None) -> dict[str, Any]:
    if not doc:
        return {}
    if doc in view:
        return dict(view.nodes[doc])
    return dict((view.graph.get("documents") or {}).get(doc) or {})


def _doc_ref(view: nx.MultiDiGraph, doc: str | None) -> str:
    """Markup naming a document: its title linked to arXiv (or its URL)."""
    if not doc:
        return ""
    meta = _doc_meta(view, doc)
    title = meta.get("title") or meta.get("label") or doc
    href = arxiv_url(meta.get("arxiv_id")) or safe_url(meta.get("url"))
    out = _link(href, _clip(title, 120))
    if meta.get("arxiv_id") and arxiv_url(meta.get("arxiv_id")):
        out += f' <span class="kg-muted">arXiv:{_e(meta["arxiv_id"])}</span>'
    if meta.get("date"):
        out += f' <span class="kg-muted">{_e(meta["date"])}</span>'
    return out


def _evidence_item(view: nx.MultiDiGraph, ev: Mapping[str, Any], prefix: str = "") -> str:
    sentence = _clip(ev.get("sentence") or "", SENTENCE_CHARS)
    parts = [f"<li>{prefix}"]
    if sentence:
        parts.append(f'<q>{_e(sentence)}</q>')
    ref = _doc_ref(view, ev.get("doc"))
    if ref:
        parts.append(f' <span class="kg-src">— {ref}</span>')
    if ev.get("pattern"):
        parts.append(f' <span class="kg-muted">[{_e(ev["pattern"])}]</span>')
    parts.append("</li>")
    return "".join(parts)


def _label(view: nx.MultiDiGraph, n: str) -> str:
    a = view.nodes[n]
    return str(a.get("label") or a.get("title") or n)


# --------------------------------------------------------------------------- details


def node_details(view: nx.MultiDiGraph, n: str) -> str:
    """Build the escaped tooltip/details markup of one node.

    Shows the name, type, id, aliases, mention count and documents, Wikidata
    link, and up to :data:`NODE_EVIDENCE` evidence sentences of the node's
    relations in the view with their documents (titles linked to arXiv): typed
    relations first, then ``mentions``/``coMentioned``, each by support.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        The view the node belongs to (schema of :mod:`kg.build`).
    n : str
        Node id.

    Returns
    -------
    str
        HTML markup in which every piece of graph text is :func:`html.escape`'d.
    """
    a = view.nodes[n]
    kind = node_kind(a)
    t = node_type(a)
    out = [
        '<div class="kg-d">',
        f'<div class="kg-d-title">{_e(_label(view, n))}</div>',
        f'<div class="kg-d-type"><span class="kg-dot" style="background:{style_for(t).colour}">'
        f"</span> {_e(t)} <code>{_e(n)}</code></div>",
    ]
    if kind == "document":
        href = arxiv_url(a.get("arxiv_id")) or safe_url(a.get("url"))
        if a.get("arxiv_id"):
            out.append(f"<div>arXiv: {_link(arxiv_url(a.get('arxiv_id')), str(a['arxiv_id']))}</div>")
        elif href:
            out.append(f"<div>{_link(href, _clip(href, 80))}</div>")
        for key, name in (("date", "Date"), ("venue", "Venue"), ("source", "Source")):
            if a.get(key):
                out.append(f"<div>{name}: {_e(a[key])}</div>")
        if a.get("authors"):
            out.append(f"<div>Authors: {_e(', '.join(map(str, a['authors'])))}</div>")
        if a.get("topics"):
            out.append(f"<div>Topics: {_e(', '.join(map(str, a['topics'])))}</div>")
    elif kind == "result":
        value = " ".join(str(x) for x in (a.get("value"), a.get("unit")) if x)
        if value:
            out.append(f"<div>Value: <b>{_e(value)}</b></div>")
        if a.get("metric"):
            out.append(f"<div>Metric: {_e(a['metric'])}</div>")
        if a.get("condition"):
            out.append(f"<div>Condition: {_e(a['condition'])}</div>")
        evs = list(a.get("evidence") or [])
        if evs:
            out.append('<div class="kg-d-sec">Evidence</div><ul>')
            out.extend(_evidence_item(view, ev) for ev in evs[:NODE_EVIDENCE])
            out.append("</ul>")
        elif a.get("doc"):
            out.append(f"<div>From: {_doc_ref(view, a['doc'])}</div>")
    else:
        aliases = [str(x) for x in a.get("aliases") or ()]
        if aliases:
            out.append(f"<div>Also: {_e(', '.join(aliases))}</div>")
        docs = a.get("docs") or ()
        if a.get("count") is not None or docs:
            out.append(
                f"<div>Mentions: {_e(a.get('count', 0))} in {len(docs)} document"
                f"{'' if len(docs) == 1 else 's'}</div>"
            )
        qid = str(a.get("wikidata") or "")
        if _QID_RE.match(qid):
            out.append(f"<div>Wikidata: {_link('https://www.wikidata.org/wiki/' + qid, qid)}</div>")
        if a.get("community_label"):
            out.append(
                f"<div>Community {_e(a.get('community'))}: around {_e(a['community_label'])}</div>"
            )
        if docs:
            out.append('<div class="kg-d-sec">Mentioned in</div><ul>')
            out.extend(f"<li>{_doc_ref(view, d)}</li>" for d in list(docs)[:MENTIONED_IN])
            out.append("</ul>")
            if len(docs) > MENTIONED_IN:
                out.append(f'<div class="kg-muted">and {len(docs) - MENTIONED_IN} more</div>')
    if kind != "result":
        items = []
        total = 0
        inc = [(u, v, k, d) for u, v, k, d in view.out_edges(n, keys=True, data=True)]
        inc += [(u, v, k, d) for u, v, k, d in view.in_edges(n, keys=True, data=True)]
        inc.sort(key=lambda e: (e[2] in _WEAK, -(e[3].get("count") or 0), e[2], str(e[0]), str(e[1])))
        for u, v, k, d in inc:
            evs = d.get("evidence") or []
            total += len(evs)
            if evs and len(items) < NODE_EVIDENCE:
                prefix = (
                    f"<b>{_e(k)}</b> → {_e(_label(view, v))}: "
                    if u == n
                    else f"{_e(_label(view, u))} <b>{_e(k)}</b> → this: "
                )
                items.append(_evidence_item(view, evs[0], prefix))
        if items:
            out.append('<div class="kg-d-sec">Evidence</div><ul>')
            out.extend(items)
            out.append("</ul>")
            if total > len(items):
                out.append(
                    f'<div class="kg-muted">{total - len(items)} more evidence '
                    "sentence(s): hover or click an edge.</div>"
                )
    out.append("</div>")
    return "".join(out)


def edge_details(view: nx.MultiDiGraph, u: str, v: str, keys: list[str]) -> str:
    """Build the escaped tooltip markup of the drawn edge ``u → v``.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        The view.
    u, v : str
        Head and tail node ids.
    keys : list of str
        The relations (edge keys) from ``u`` to ``v`` drawn as this one edge.

    Returns
    -------
    str
        HTML markup with, per relation, its support ``count``, ``confidence``
        and up to :data:`EDGE_EVIDENCE` evidence sentences with their documents.
    """
    out = [
        '<div class="kg-d">',
        f'<div class="kg-d-title">{_e(_label(view, u))} → {_e(_label(view, v))}</div>',
    ]
    for k in keys:
        d = view.edges[u, v, k]
        if d.get("folded"):
            n_docs, n_sent = int(d.get("count") or 0), int(d.get("sentences") or 0)
            out.append(
                f'<div class="kg-d-sec">Co-mentioned in {n_docs} document{"" if n_docs == 1 else "s"}'
                f' <span class="kg-muted">({n_sent} in the same sentence)</span></div><ul>'
            )
            out.extend(_evidence_item(view, ev) for ev in (d.get("evidence") or [])[:EDGE_EVIDENCE])
            out.append("</ul>")
            if n_docs > EDGE_EVIDENCE:
                out.append(f'<div class="kg-muted">and more: {n_docs} documents in all</div>')
            continue
        conf = d.get("confidence")
        conf_s = f", confidence {float(conf):.2f}" if isinstance(conf, (int, float)) else ""
        out.append(
            f'<div class="kg-d-sec"><b>{_e(k)}</b> '
            f'<span class="kg-muted">support {_e(d.get("count", 0))}{conf_s}</span></div>'
        )
        evs = list(d.get("evidence") or [])
        if evs:
            out.append("<ul>")
            out.extend(_evidence_item(view, ev) for ev in evs[:EDGE_EVIDENCE])
            out.append("</ul>")
            if len(evs) > EDGE_EVIDENCE:
                out.append(f'<div class="kg-muted">and {len(evs) - EDGE_EVIDENCE} more</div>')
    out.append("</div>")
    return "".join(out)


def backbone(
    support: Mapping[tuple[str, str], int], per_node: int, first: Collection[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Choose the drawn edges: each node keeps its ``per_node`` strongest links.

    Links are taken in order of decreasing support (ties by node ids); a link
    is kept while *either* of its nodes has fewer than ``per_node`` kept links,
    so no node loses all its links and leaves keep their link to a hub.

    Parameters
    ----------
    support : mapping of (head, tail) to int
        Support (summed ``count``) of each drawn link.
    per_node : int
        Links a node is guaranteed (if it has them), >= 1.
    first : collection of (str, str), optional
        Links considered before all others (typed relations before co-mentions).

    Returns
    -------
    list of (str, str)
        The kept links, in the input's order.

    Raises
    ------
    RenderError
        If ``per_node`` < 1.
    """
    if per_node < 1:
        raise RenderError(f"max_edges_per_node must be at least 1, not {per_node!r}")
    deg: dict[str, int] = defaultdict(int)
    keep = set()
    first = set(first)
    order = sorted(support.items(), key=lambda x: (x[0] not in first, -x[1], str(x[0][0]), str(x[0][1])))
    for (u, v), _s in order:
        if deg[u] < per_node or deg[v] < per_node:
            keep.add((u, v))
            deg[u] += 1
            deg[v] += 1
    return [p for p in support if p in keep]


# --------------------------------------------------------------------------- layout


def precompute_layout(view: nx.MultiDiGraph, layout: str, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Node positions in canvas pixels from a NetworkX layout.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        The graph to lay out (treated as undirected, parallel edges merged).
    layout : {"spring", "kamada_kawai", "spectral", "circular", "shell"}
        The :mod:`networkx.drawing.layout` function to use. ``spring`` is
        Fruchterman–Reingold (O(n²) per iteration: ~3 s for 1,000 nodes on this
        machine), ``spectral`` is fast on large sparse graphs.
    seed : int
        Random seed (spring), for the same positions on every run.

    Returns
    -------
    dict
        Node id → ``(x, y)``, scaled so the drawing spans about
        ``60 * sqrt(n)`` pixels.

    Raises
    ------
    RenderError
        For an unknown layout name.
    """
    if layout not in LAYOUTS:
        raise RenderError(f"unknown layout {layout!r} (choose from {', '.join(LAYOUTS)})")
    U = nx.Graph(view.to_undirected(as_view=True))
    if U.number_of_nodes() == 0:
        return {}
    if layout == "spring":
        pos = nx.spring_layout(U, seed=seed)
    elif layout == "kamada_kawai":
        pos = nx.kamada_kawai_layout(U)
    elif layout == "spectral":
        pos = nx.spectral_layout(U) if U.number_of_nodes() > 2 else nx.circular_layout(U)
    elif layout == "circular":
        pos = nx.circular_layout(U)
    else:
        pos = nx.shell_layout(U)
    scale = 60.0 * max(1.0, U.number_of_nodes()) ** 0.5
    return {n: (round(float(p[0]) * scale, 1), round(float(p[1]) * scale, 1)) for n, p in pos.items()}


def seed_positions(view: nx.MultiDiGraph, spacing: float = 22.0) -> dict[str, tuple[float, float]]:
    """Starting positions for the in-browser layout of a large view.

    Nodes go on a sunflower (Vogel 1979 phyllotaxis) spiral, the most connected
    at the centre: point *i* at radius ``spacing * sqrt(i)`` and angle
    ``i * 137.5°``, a disc of even density. Physics then pulls linked nodes
    together for the time budget. O(n log n); without it vis-network starts
    every node on one circle, which a few physics steps on thousands of nodes
    cannot undo.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        The drawn graph.
    spacing : float, default 22.0
        Pixels between neighbouring points.

    Returns
    -------
    dict
        Node id → ``(x, y)`` in canvas pixels.
    """
    golden = math.pi * (3.0 - math.sqrt(5.0))
    order = sorted(
        view.nodes,
        key=lambda n: (-view.degree(n), -int(view.nodes[n].get("count") or 0), str(n)),
    )
    return {
        n: (
            round(spacing * math.sqrt(i) * math.cos(i * golden), 1),
            round(spacing * math.sqrt(i) * math.sin(i * golden), 1),
        )
        for i, n in enumerate(order)
    }


def _physics(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network physics options: forceAtlas2 (Jacomy et al. 2014, PLoS ONE
    9(6): e98679) with Barnes–Hut approximation; stabilisation runs in chunks of
    ``iterations`` ticks (see ``view.js`` and :data:`LAYOUT_BUDGET_MS`)."""
    del n_edges
    return {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -60,
            "centralGravity": 0.03,
            "springLength": 110,
            "springConstant": 0.08,
            "damping": 0.5,
            "avoidOverlap": 0.2 if n_nodes <= 500 else 0,
        },
        "minVelocity": 2.0,
        "maxVelocity": 60,
        "timestep": 0.5,
        "stabilization": {
            "enabled": True,
            "iterations": 100 if n_nodes <= 300 else 25 if n_nodes <= 1500 else 10,
            "updateInterval": 25,
            "fit": True,
        },
    }


# --------------------------------------------------------------------------- render


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        from kg.build.outdir import file_mode

        os.chmod(tmp, file_mode())  # as a normally created file under the umask
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def build_page(
    view: nx.MultiDiGraph,
    *,
    title: str,
    note: str | None = None,
    links: Mapping[str, str] | None = None,
    max_nodes: int = MAX_NODES,
    layout: str | None = None,
    current: str | None = None,
    max_edges_per_node: int | None = MAX_EDGES_PER_NODE,
) -> tuple[str, dict[str, Any]]:
    """Build the HTML text of a view (see :func:`render_html`) without writing it.

    Parameters
    ----------
    view, title, note, links, max_nodes, layout, current, max_edges_per_node
        As for :func:`render_html`.

    Returns
    -------
    tuple
        ``(html, info)``; ``info`` has ``nodes`` (drawn), ``edges`` (drawn,
        after merging parallel relations), ``nodes_in_view``, ``sampled`` (bool)
        and ``links_in_view`` (node pairs with an edge, before the backbone).

    Raises
    ------
    RenderError
        Bad ``max_nodes``, ``layout``, ``max_edges_per_node`` or link scheme.
    """
    if max_nodes < 1:
        raise RenderError(f"max_nodes must be positive, not {max_nodes!r}")
    n_view = view.number_of_nodes()
    sampled = n_view > max_nodes
    if sampled:
        centre = (view.graph.get("view") or {}).get("centre")
        keep = set(top_nodes(view, max_nodes, "pagerank", keep=[centre] if centre else []))
        drawn = view.subgraph([n for n in view.nodes if n in keep])
    else:
        drawn = view

    positions = precompute_layout(drawn, layout) if layout else {}
    seeded = not positions and drawn.number_of_nodes() > LARGE_VIEW
    if seeded:
        positions = seed_positions(drawn)

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    node_details_map: dict[str, str] = {}
    type_counts: dict[str, int] = defaultdict(int)
    search: list[list[str]] = []
    for n, a in drawn.nodes(data=True):
        t = node_type(a)
        type_counts[t] += 1
        label = _label(drawn, n)
        opts: dict[str, Any] = {"group": t, "value": max(1, int(a.get("count") or 1))}
        if n in positions:
            opts["x"], opts["y"] = positions[n]
        net.add_node(str(n), label=_clip(label, LABEL_CHARS), shape=style_for(t).shape, **opts)
        node_details_map[str(n)] = node_details(view, n)
        search.append([label, str(n)])

    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for u, v, k in drawn.edges(keys=True):
        pairs[(u, v)].append(k)
    support = {
        pair: sum(int(view.edges[pair[0], pair[1], k].get("count") or 1) for k in keys)
        for pair, keys in pairs.items()
    }
    typed = {p for p, keys in pairs.items() if any(k not in _WEAK for k in keys)}
    kept = backbone(support, max_edges_per_node, typed) if max_edges_per_node else list(pairs)
    edge_details_map: dict[str, str] = {}
    for i, (u, v) in enumerate(kept):
        keys = sorted(pairs[(u, v)])
        eid = f"e{i}"
        dashed = all(k in _WEAK for k in keys)
        opts_e: dict[str, Any] = {"id": eid, "value": support[(u, v)], "dashes": dashed}
        if dashed:  # co-mentions: undirected, light, unlabelled (the tooltip names the documents)
            opts_e["arrows"] = {"to": {"enabled": False}}
            opts_e["color"] = {"color": "#c5cad0", "highlight": "#222222", "hover": "#444444"}
        elif drawn.number_of_nodes() <= LARGE_VIEW:
            # folded co-mentions (kg.viz.overview) are named in the tooltip only
            opts_e["label"] = ", ".join(k for k in keys if not view.edges[u, v, k].get("folded"))
            opts_e["color"] = {"color": "#59626b", "highlight": "#222222", "hover": "#000000"}
        e = Edge(str(u), str(v), True, **opts_e)
        net.edges.append(e.options)
        edge_details_map[eid] = edge_details(view, u, v, keys)

    groups = {}
    for t in type_counts:
        st = style_for(t)
        groups[t] = {
            "shape": st.shape,
            "color": {
                "background": st.colour,
                "border": st.border,
                "highlight": {"background": st.colour, "border": "#000000"},
                "hover": {"background": st.colour, "border": "#000000"},
            },
        }
    phys = None if positions and not seeded else _physics(len(net.nodes), len(net.edges))
    big = len(net.nodes) > LARGE_VIEW
    net.options = {
        "autoResize": True,
        "groups": groups,
        "layout": {"randomSeed": 42, "improvedLayout": len(net.nodes) <= 150},
        "nodes": {
            "borderWidth": 1,
            "scaling": {
                "min": 8,
                "max": 36,
                # large views: labels scale with the node and are not drawn when
                # tiny on screen (zoom in to read them); keeps redraws fast
                "label": {"enabled": True, "min": 10, "max": 26, "drawThreshold": 7}
                if big
                else {"enabled": False},
            },
            "font": {"size": 12, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"color": "#9aa3ad", "highlight": "#222222", "hover": "#444444", "inherit": False},
            "font": {"size": 9, "align": "middle", "color": "#555555", "strokeWidth": 2},
            "scaling": {"min": 1, "max": 6, "label": {"enabled": False}},
            "smooth": False if big or len(net.edges) > 1500 else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
        },
        "physics": phys if phys else {"enabled": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "navigationButtons": False,
        },
    }
    nodes, edges, _heading, _h, _w, options_json = net.get_network_data()

    meta = view.graph.get("view") or {}
    notices = []
    total = meta.get("nodes_total")
    if isinstance(total, int) and total > n_view:
        notices.append(
            f"Showing the {n_view:,} most important of {total:,} nodes "
            f"(by {meta.get('rank') or 'pagerank'}); use kg view --top N for more."
        )
    if len(kept) < len(pairs):
        notices.append(
            f"Drawing the strongest {len(kept):,} of {len(pairs):,} links (each node keeps its "
            f"{max_edges_per_node} strongest); node tooltips list all their evidence."
        )
    if sampled:
        notices.append(
            f"This view has {n_view:,} nodes; drawing the {len(nodes):,} most important "
            "(by PageRank) so the browser stays responsive."
        )

    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
        "nodeDetails": node_details_map,
        "edgeDetails": edge_details_map,
        "centre": meta.get("centre"),
        "layout": {"budgetMs": LAYOUT_BUDGET_MS, "maxIterations": LAYOUT_MAX_ITERATIONS},
        "labelPx": None if big else LABEL_PX,
    }
    data_js = "window.KG_DATA = " + str(htmlsafe_json_dumps(payload, sort_keys=True)) + ";"
    vis_js = (_PYVIS_LIB / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (_PYVIS_LIB / "vis-9.1.2" / "vis-network.css").read_text(encoding="utf-8")
    app_js = (_TEMPLATES / "view.js").read_text(encoding="utf-8")
    for name, code in (("vis-network.min.js", vis_js), ("view.js", app_js)):
        if "</script" in code.lower():
            raise RenderError(f"{name} contains '</script' and cannot be inlined")
    scripts = [vis_js, data_js, app_js]
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_csp_hash(s) for s in scripts)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    legend = [
        {"type": t, "svg": Markup(legend_svg(t)), "count": type_counts[t], "href": (links or {}).get(t)}
        for t in sorted(type_counts, key=lambda x: (_TYPE_ORDER.get(x, 99), x))
    ]
    for label, href in (links or {}).items():
        scheme = urlsplit(str(href)).scheme.lower()
        if scheme not in ("", "http", "https", "file"):
            raise RenderError(f"link {label!r} has a disallowed URL scheme: {href!r}")
    nav = [{"label": k, "href": v, "current": k == current} for k, v in (links or {}).items()]
    page = _env.get_template("view.html").render(
        title=title,
        note=note,
        notices=notices,
        csp=csp,
        nav=nav,
        legend=legend,
        n_nodes=len(nodes),
        n_edges=len(edges),
        physics=bool(phys),
        search=sorted(search, key=lambda x: (x[0].casefold(), x[1])),
        vis_css=Markup(vis_css),
        vis_js=Markup(vis_js),
        data_js=Markup(data_js),
        app_js=Markup(app_js),
    )
    info = {
        "nodes": len(nodes),
        "edges": len(edges),
        "nodes_in_view": n_view,
        "sampled": sampled,
        "links_in_view": len(pairs),
    }
    return page, info


def render_html(
    view: nx.MultiDiGraph,
    out_path: Path,
    *,
    title: str,
    note: str | None = None,
    links: Mapping[str, str] | None = None,
    max_nodes: int = MAX_NODES,
    layout: str | None = None,
    current: str | None = None,
    max_edges_per_node: int | None = MAX_EDGES_PER_NODE,
) -> Path:
    """Write a graph view as one self-contained interactive HTML page.

    The page inlines vis-network 9.1.2 (pyvis ``cdn_resources="in_line"``) and
    makes no network request. Each node type has one colour and shape (see
    :mod:`kg.viz.style`) shown in a legend; node size follows support (mention
    ``count``); edges are labelled by relation (parallel relations between the
    same two nodes are drawn as one edge labelled with all of them). Hovering
    a node or edge shows its name, type, aliases, counts and evidence sentences
    with document titles linked to arXiv; clicking a node shows only it and its
    neighbours (its ego view) with the details pinned in a side panel; "Show
    all" returns. Physics stops once the layout has stabilised.

    Parameters
    ----------
    view : networkx.MultiDiGraph
        A graph in the schema of :mod:`kg.build`, typically from
        :func:`kg.viz.select_view`. Not modified.
    out_path : pathlib.Path
        HTML file to write (parent folders are created). Written atomically:
        a temporary file in the same folder is renamed over it.
    title : str
        Page title and heading (escaped).
    note : str, optional
        A line of explanation under the heading (escaped).
    links : mapping of str to str, optional
        Navigation links, label → relative href (e.g. ``{"Overview":
        "index.html", "Method": "type-method.html"}``). A label equal to a node
        type also links that type's legend entry.
    max_nodes : int, default :data:`MAX_NODES`
        Above this many nodes only the ``max_nodes`` most important (PageRank)
        are drawn and the page says so.
    layout : str, optional
        Precompute positions with a NetworkX layout (one of :data:`LAYOUTS`)
        and draw without physics. Default: vis-network physics in the browser.
    current : str, optional
        Label of ``links`` to mark as the current page.
    max_edges_per_node : int or None, default :data:`MAX_EDGES_PER_NODE`
        Draw only the edges that are among the strongest (by support) of one
        of their two nodes (see :func:`backbone`); None draws every edge.

    Returns
    -------
    pathlib.Path
        ``out_path``.

    Raises
    ------
    RenderError
        Bad ``max_nodes``/``layout``, a link with a scheme other than http(s)
        or file (e.g. ``javascript:``), or the file cannot be written (the
        message names the path).
    """
    out_path = Path(out_path)
    page, _info = build_page(
        view,
        title=title,
        note=note,
        links=links,
        max_nodes=max_nodes,
        layout=layout,
        current=current,
        max_edges_per_node=max_edges_per_node,
    )
    try:
        _write_atomic(out_path, page)
    except OSError as exc:
        raise RenderError(f"{out_path}: cannot write view: {exc.strerror or exc}") from exc
    return out_path
