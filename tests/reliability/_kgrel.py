"""Helpers of the reliability suite (issue 10): run the real ``kg`` CLI.

Imported by the test modules as ``_kgrel`` (pytest puts this folder on ``sys.path``).

The session fixtures ``nlp``, ``sample_build`` and ``sample_graph`` come from
``tests/conftest.py``.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]


def _default_sigint() -> None:
    # A shell's background job (CI runners, `cmd &`) starts with SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler; a runner may also *block*
    # SIGINT, and the signal mask survives exec, so the signal would stay pending
    # until the child exits (seen in CI: the interrupted build finished with exit 0).
    # Give the child the default disposition and an unblocked SIGINT, as a terminal
    # user's `kg build` has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def kg_subprocess(*args: str, **kw) -> subprocess.Popen:
    """Start ``python -m kg.cli ARGS`` (no extraction cache) as a child process, with
    SIGINT at its default disposition and unblocked, whatever the test runner inherited."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "KG_CACHE_DIR": str(kw.pop("cache_dir", ""))}
    if not env["KG_CACHE_DIR"]:
        env.pop("KG_CACHE_DIR")
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint, **kw)


def run_cli(*args: str):
    """Run ``kg ARGS`` in-process with Typer's runner; returns the click Result."""
    from kg.cli import app

    return CliRunner().invoke(app, list(args))


def tree_digest(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``root`` (the build's content)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
