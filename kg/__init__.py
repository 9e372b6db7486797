"""kg: typed knowledge graphs from AI/ML research and industry text.

Notebook entry points (imported lazily, so ``import kg`` stays light for the CLI)::

    import kg
    K = kg.load("build")                       # graph (NetworkX) + RDF store
    df = kg.sparql("build", "datasets-most-methods")
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    if name in ("load", "sparql", "KGraph"):
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
