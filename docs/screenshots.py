"""Screenshots of the survey's site, at desktop and at phone width, for the README.

    python docs/screenshots.py      # writes docs/site-desktop.png and docs/site-phone.png

The site is built from this repository into a temporary folder, served from 127.0.0.1 and
photographed in Debian's headless Chromium (``apt-get install chromium``; the Chinese title
of one work needs ``fonts-noto-cjk``). Run it again after changing the templates.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from speechlm_bib.services.site import run_site  # noqa: E402

from browser import chromium, playwright_driver, serve  # noqa: E402

DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}


def main() -> int:
    """Build the site and take both screenshots."""
    with tempfile.TemporaryDirectory(prefix="speechlm-bib-shots-") as tmp, \
            playwright_driver() as driver:
        out = Path(tmp) / "site"
        run_site(ROOT, out)
        with serve(out) as url:
            with chromium(driver, viewport=DESKTOP) as browser:
                page = browser.new_page()
                page.goto(f"{url}index.html?q=codec")
                page.locator("#sorted, #works").first.wait_for()
                page.locator(".card summary").first.click()
                page.mouse.move(0, 0)
                page.screenshot(path=DOCS / "site-desktop.png")
            with chromium(driver, viewport=PHONE, device_scale_factor=2,
                          is_mobile=True, has_touch=True) as browser:
                page = browser.new_page()
                page.goto(f"{url}index.html")
                page.locator("#count").evaluate("el => el.scrollIntoView({behavior: 'instant'})")
                page.screenshot(path=DOCS / "site-phone.png")
    print(f"wrote {DOCS / 'site-desktop.png'} and {DOCS / 'site-phone.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
