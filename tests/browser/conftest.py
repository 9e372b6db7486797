"""Headless Chromium for the view tests: Debian ``chromium`` driven by Playwright.

Never ``playwright install``: the browser is the system one (``apt-get install
chromium``), found on PATH. Tests skip with the reason when either is missing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Path of the system Chromium, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skips when unavailable)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium not found on PATH (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class OpenedPage:
    """A view opened in the browser, with everything it asked the network for."""

    page: Any
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No page errors, dialogs, failed requests, or requests leaving file:/data:."""
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.failed == [], self.failed
        assert self.console_errors == [], self.console_errors
        outside = [u for u in self.requests if not u.startswith(("file://", "data:"))]
        assert outside == [], outside

    def drawn_nodes(self) -> int:
        return self.page.evaluate("network.body.data.nodes.length")

    def hover_node(self, node_id: str) -> str:
        """Move the mouse onto a node; return the tooltip's text."""
        pos = self.page.evaluate(
            "(id) => network.canvasToDOM(network.getPositions([id])[id])", node_id
        )
        box = self.page.locator("#kg-network").bounding_box()
        self.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        self.page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=5000)
        return self.page.locator("#kg-tooltip").text_content()


@pytest.fixture
def open_view(browser):
    """Open an HTML file; wait until its layout has stabilised; record traffic."""
    contexts = []

    def _open(path: Path, timeout_ms: int = 20000) -> OpenedPage:
        ctx = browser.new_context(viewport={"width": 1280, "height": 820})
        contexts.append(ctx)
        page = ctx.new_page()
        rec = OpenedPage(page)
        page.on("request", lambda r: rec.requests.append(r.url))
        page.on("requestfailed", lambda r: rec.failed.append(f"{r.url}: {r.failure}"))
        page.on("pageerror", lambda e: rec.errors.append(str(e)))

        def on_dialog(d):
            rec.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_function("() => window.kgStatus && window.kgStatus.stabilized", timeout=timeout_ms)
        return rec

    yield _open
    for ctx in contexts:
        ctx.close()
