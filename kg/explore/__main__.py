"""``python -m kg.explore DIR [--host H] [--port P]``: the explorer alone, with its
small in-process ``/query`` (``kg serve DIR`` serves it beside the full endpoint)."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    """Serve :func:`kg.explore.create_app` for a build with uvicorn until Ctrl-C."""
    import uvicorn

    from kg.explore import create_app

    p = argparse.ArgumentParser(prog="python -m kg.explore", description=__doc__)
    p.add_argument("build_dir", help="a kg build directory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    p.add_argument("--port", type=int, default=7878, help="TCP port (default 7878)")
    a = p.parse_args(argv)
    app = create_app(a.build_dir)
    print(f"kg explorer: http://{a.host}:{a.port}/  (Ctrl-C stops)", flush=True)
    uvicorn.run(app, host=a.host, port=a.port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    main()
