"""Debian's headless Chromium driven by Playwright, and a loopback server for a built site.

No browser is downloaded: Playwright is pointed at the system's Chromium (``chromium`` on
the PATH, else /usr/bin/chromium, or $SPEECHLM_BIB_CHROMIUM). Where it or Playwright is
missing, ``needs_browser`` skips the tests with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Playwright

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """The system's Chromium, or None."""
    configured = os.environ.get("SPEECHLM_BIB_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    found = shutil.which("chromium")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    configured = os.environ.get("SPEECHLM_BIB_CHROMIUM")
    if configured and chromium_path() is None:
        return f"$SPEECHLM_BIB_CHROMIUM names no file: {configured}"
    if chromium_path() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    return None


needs_browser = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder without logging each request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def playwright_driver() -> Iterator[Playwright]:
    """Playwright's driver (one a thread at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@contextlib.contextmanager
def chromium(playwright: Playwright, **context: Any) -> Iterator[BrowserContext]:
    """A headless Chromium with a new empty profile; yields its browser context."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(_missing())
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=CHROMIUM_FLAGS, **context)
        try:
            yield browser
        finally:
            browser.close()
