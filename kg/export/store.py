"""Write the RDF export into an on-disk Oxigraph store (pyoxigraph) for fast SPARQL.

``kg build`` calls :func:`write_store` with the dataset of
:func:`kg.export.rdf.graph_to_dataset` (or the ``graph.nq`` it wrote); ``kg query``
and ``kg serve`` open the store read-only (:mod:`kg.query`, :mod:`kg.serve`).  The
store keeps the default graph and the named graphs per document.  It must be opened
by the same Oxigraph version that wrote it (pyoxigraph / ``oxigraph`` 0.5.13).
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Iterable, Union

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.errors import BuildError

__all__ = ["write_store", "STORE_DIRNAME", "is_store"]

#: Name of the store folder inside a build directory.
STORE_DIRNAME = "store"

_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
}

Source = Union[Dataset, Graph, str, Path, Iterable[Union[str, Path]]]


def is_store(path: Path) -> bool:
    """True if ``path`` looks like an Oxigraph (RocksDB) store folder.

    Parameters
    ----------
    path : pathlib.Path
        Folder to inspect.

    Returns
    -------
    bool
        Whether the folder holds RocksDB's ``CURRENT`` manifest pointer.
    """
    return Path(path).is_dir() and (Path(path) / "CURRENT").is_file()


def write_store(dataset_or_files: Source, store_dir: Path) -> Path:
    """Load RDF into a fresh on-disk Oxigraph store at ``store_dir``.

    Parameters
    ----------
    dataset_or_files : rdflib.Dataset or rdflib.Graph or path or iterable of paths
        An rdflib ``Dataset`` (default graph and named graphs are kept) or ``Graph``
        (loaded into the default graph), or RDF files whose format is given by the
        extension (``.nq``, ``.trig``, ``.nt``, ``.ttl``, ``.jsonld``; triples go to
        the default graph).
    store_dir : pathlib.Path
        Folder of the store, usually ``<build dir>/store``.  An existing store there
        is replaced; any other non-empty folder is refused.

    Returns
    -------
    pathlib.Path
        ``store_dir``.

    Raises
    ------
    BuildError
        If ``store_dir`` is a non-empty folder that is not a store, a file is missing
        or has an unknown extension, or the data does not parse.
    """
    store_dir = Path(store_dir)
    if store_dir.exists():
        if is_store(store_dir):
            shutil.rmtree(store_dir)
        elif store_dir.is_dir() and not any(store_dir.iterdir()):
            store_dir.rmdir()
        else:
            raise BuildError(
                f"{store_dir}: exists and is not an Oxigraph store; refusing to overwrite it"
            )
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(store_dir))
    try:
        if isinstance(dataset_or_files, Dataset):
            data = dataset_or_files.serialize(format="nquads", encoding="utf-8")
            store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
        elif isinstance(dataset_or_files, Graph):
            data = dataset_or_files.serialize(format="nt", encoding="utf-8")
            store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
        else:
            files = (
                [dataset_or_files]
                if isinstance(dataset_or_files, (str, Path))
                else list(dataset_or_files)
            )
            for f in files:
                f = Path(f)
                fmt = _FORMATS.get(f.suffix.lower())
                if fmt is None:
                    raise BuildError(f"{f}: unknown RDF file extension {f.suffix!r}")
                if not f.is_file():
                    raise BuildError(f"{f}: no such file")
                try:
                    store.bulk_load(path=str(f), format=fmt)
                except SyntaxError as exc:
                    raise BuildError(f"{f}: {exc}") from exc
        store.flush()
    except (SyntaxError, ValueError, OSError) as exc:
        raise BuildError(f"{store_dir}: cannot load RDF into the store: {exc}") from exc
    finally:
        del store
        gc.collect()
    return store_dir
