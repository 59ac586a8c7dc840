"""The ``site`` command's work: read the site's values, render its files, write what changed."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .fileio import write_if_changed
from .ids import is_web_url

SITE_DIR = "site"


def run_site(root: Path, output: Path | None = None, base_url: str = "") -> tuple[Path, int]:
    """Write the reader's site of the repository; its folder and the number of files written.

    The folder defaults to site/ in the repository; ``base_url`` (the site's public address)
    makes the feed's links absolute.
    """
    from .render.site import render_site
    from .sitedata import load_site

    folder = output if output is not None else root / SITE_DIR
    files = render_site(load_site(root), _base(base_url))
    written = [name for name, text in files.items() if write_if_changed(folder / name, text)]
    return folder, len(written)


def _base(url: str) -> str:
    """The site's address ending in a slash ('' when none is given)."""
    if not url:
        return ""
    if not is_web_url(url):
        raise InputError(f"--base-url is not an http(s) URL: {url!r}")
    return url if url.endswith("/") else url + "/"
