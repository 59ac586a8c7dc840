"""The ``site`` command's work: read the site's values, render its files, write what changed."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..ids import is_web_url
from ..render.sitedata import BIB_FILE, FEED_FILE, Site, to_site
from ..store.cache import Cache, kept_for
from ..store.files import write_if_changed
from .common import load_library

SITE_DIR = "site"


def run_site(root: Path, output: Path | None = None, base_url: str = "", *,
             cache: bool = True) -> tuple[Path, int]:
    """Write the reader's site of the repository; its folder and the number of files written.

    The folder defaults to site/ in the repository; ``base_url`` (the site's public address)
    makes the feed's links absolute. With ``cache``, what was parsed, normalised and written
    before is taken from the cache.
    """
    folder = output if output is not None else root / SITE_DIR
    with kept_for(root, cache) as kept:
        site = load_site(root, kept)
    files = site_files(site, _base(base_url))
    written = [name for name, text in files.items() if write_if_changed(folder / name, text)]
    return folder, len(written)


def load_site(root: Path, cache: Cache | None = None) -> Site:
    """The site's values for the repository at root (through the cache, when given)."""
    library = load_library(root, cache=cache)
    memo = cache.section("bibtex") if cache is not None else None
    return to_site(library, root.resolve().name, memo)


def site_files(site: Site, base_url: str = "") -> dict[str, str]:
    """Every file of the site, by path relative to its folder: page, feed, records, assets."""
    # Jinja2 loads for this command only.
    from ..render.feed import render_feed
    from ..render.jinja import asset
    from ..render.site import ASSETS, PAGE_FILE, render_page

    files = {PAGE_FILE: render_page(site), FEED_FILE: render_feed(site, base_url),
             BIB_FILE: site.bibliography}
    files.update({name: asset(name) for name in ASSETS})
    return files


def _base(url: str) -> str:
    """The site's address ending in a slash ('' when none is given)."""
    if not url:
        return ""
    if not is_web_url(url):
        raise InputError(f"--base-url is not an http(s) URL: {url!r}")
    return url if url.endswith("/") else url + "/"
