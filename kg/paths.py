"""Where the project's data files live (ontology, gazetteers, named queries).

The package is installed from a checkout (``pip install -e .``); data files stay in
the repository's top-level ``ontology/`` and ``data/`` folders. ``KG_HOME`` may point
elsewhere (a folder with the same layout).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the checkout: the folder holding ``ontology/`` and ``data/``.
ROOT: Path = Path(os.environ.get("KG_HOME") or Path(__file__).resolve().parent.parent)
ONTOLOGY_DIR: Path = ROOT / "ontology"
ONTOLOGY_FILE: Path = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE: Path = ONTOLOGY_DIR / "shapes.ttl"
CONTEXT_FILE: Path = ONTOLOGY_DIR / "context.jsonld"
QUERIES_DIR: Path = ONTOLOGY_DIR / "queries"
GAZETTEER_DIR: Path = ROOT / "data" / "gazetteers"
SAMPLES_DIR: Path = ROOT / "data" / "samples"
