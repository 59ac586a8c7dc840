"""The built site in a real headless Chromium: search, filters, copying, shared URLs, keyboard."""

from __future__ import annotations

import contextlib
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from speechlm_bib.render.sitedata import PUBLISHED, Site, SiteWork
from speechlm_bib.services.site import load_site, run_site

from browser import chromium, needs_browser, playwright_driver, serve
from conftest import REPO, Cli
from sitepage import committed_records

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

pytestmark = [pytest.mark.browser, needs_browser]

PAGE = 100
"""The cards a long list shows at once (site.js)."""

VISIBLE_CARDS = """() => Array.from(document.querySelectorAll("li.card"))
    .filter((card) => card.checkVisibility()).map((card) => card.id)"""
FOCUSED = """() => {
  const el = document.activeElement;
  const copy = el.getAttribute("data-copy");
  const style = getComputedStyle(el);
  const name = copy ? el.closest(".card, #cite").id + ":" + copy
    : el.id || el.tagName + ":" + el.textContent.trim().slice(0, 40);
  return [name, style.outlineStyle !== "none" && style.outlineWidth !== "0px"];
}"""


@dataclass(frozen=True)
class Served:
    """A built site, its values, the address it is served at and the browser."""

    site: Site
    url: str
    browser: BrowserContext
    errors: list[str]

    def open(self, query: str = "") -> Page:
        """A new tab on the page; console errors and script errors are collected."""
        page = self.browser.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(f"{self.url}index.html{query}")
        page.wait_for_selector("#filters:not([hidden])")
        return page


@pytest.fixture(scope="module")
def driver() -> Iterator[Playwright]:
    """Playwright's driver, shared by the module's browsers."""
    with playwright_driver() as playwright:
        yield playwright


@contextlib.contextmanager
def _serve(driver: Playwright, root: Path, out: Path) -> Iterator[Served]:
    run_site(root, out, cache=False)  # the committed survey is read, never written
    viewport = {"width": 1280, "height": 900}
    with serve(out) as url, chromium(driver, viewport=viewport) as browser:
        browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        yield Served(load_site(root), url, browser, [])


@pytest.fixture(scope="module")
def survey(driver: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The committed survey's site, served, in one browser for the module."""
    with _serve(driver, REPO, tmp_path_factory.mktemp("survey-site")) as served:
        yield served


@pytest.fixture
def page(survey: Served) -> Iterator[Page]:
    """A fresh tab on the survey's page; no test may leave a console error behind."""
    survey.errors.clear()
    tab = survey.open()
    yield tab
    tab.close()
    assert survey.errors == []


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def _containing(works: tuple[SiteWork, ...], term: str) -> list[str]:
    """The works whose name, title, authors, venue or key contain the term."""
    def found(work: SiteWork) -> bool:
        fields = [work.name or "", work.title, *work.authors, work.venue, work.key or ""]
        return any(_fold(term) in _fold(field) for field in fields)
    return [work.id for work in works if found(work)]


def _visible(page: Page) -> list[str]:
    return list(page.evaluate(VISIBLE_CARDS))


def _where(works: tuple[SiteWork, ...], test: Callable[[SiteWork], bool]) -> list[str]:
    return [work.id for work in works if test(work)]


def test_the_page_loads_without_a_console_error(page: Page, survey: Served) -> None:
    assert page.locator("#count").text_content() == "97 works"
    assert _visible(page) == [work.id for work in survey.site.works]
    assert page.title().startswith("Recent Advances in Speech Language Models")


def test_typing_codec_shows_exactly_the_works_that_contain_it(
        page: Page, survey: Served) -> None:
    page.locator("#q").press_sequentially("codec")
    expected = _containing(survey.site.works, "codec")
    assert 2 < len(expected) < 20
    assert _visible(page) == expected
    assert page.locator("#count").text_content() == f"Showing {len(expected)} of 97 works"
    page.locator("#q").press_sequentially(" défossez")
    both = [i for i in expected if i in _containing(survey.site.works, "defossez")]
    assert _visible(page) == both and both


def test_section_published_venue_and_year_filters_combine(page: Page, survey: Served) -> None:
    works = survey.site.works
    page.select_option("#section", "models")
    page.select_option("#kind", PUBLISHED)
    expected = _where(works, lambda w: w.section == "models" and w.kind == PUBLISHED)
    assert _visible(page) == expected and 5 < len(expected) < 51
    page.fill("#from", "2024")
    expected = _where(works, lambda w: w.section == "models" and w.kind == PUBLISHED
                      and (w.year or 0) >= 2024)
    assert _visible(page) == expected and expected
    page.select_option("#section", "")
    page.select_option("#venue", "ICLR")
    iclr = _where(works, lambda w: w.kind == PUBLISHED and "ICLR" in w.venue
                  and (w.year or 0) >= 2024)
    assert _visible(page) == iclr and iclr
    assert page.locator("#count").text_content() == f"Showing {len(iclr)} of 97 works"
    page.locator("#clear").click()
    # A form's reset event fires before the fields are cleared: the page updates just after.
    page.wait_for_function("document.querySelector('#count').textContent === '97 works'")
    assert len(_visible(page)) == 97


def test_copy_bibtex_puts_the_exact_record_on_the_clipboard(
        page: Page, survey: Served, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")  # cite on the checkout itself writes nothing
    records = committed_records(REPO)
    moshi = next(w for w in survey.site.works if w.name == "Moshi")
    card = page.locator(f'[id="{moshi.id}"]')
    card.get_by_role("button", name="Copy the BibTeX of Moshi").click()
    assert page.evaluate("navigator.clipboard.readText()") == records["defossez2024moshi"]
    assert card.locator("pre.bib").text_content() == records["defossez2024moshi"]
    assert page.locator("#announce").text_content() == "Copied the BibTeX of Moshi"
    card.get_by_role("button", name="Copy the key of Moshi").click()
    assert page.evaluate("navigator.clipboard.readText()") == "defossez2024moshi"
    page.get_by_role("button", name="Copy the BibTeX of the survey").click()
    assert page.evaluate("navigator.clipboard.readText()") == run("cite", root=REPO).stdout


def test_a_shared_url_restores_the_view(page: Page, survey: Served) -> None:
    page.locator("#q").press_sequentially("speech")
    page.select_option("#kind", "preprint")
    page.select_option("#sort", "year")
    page.wait_for_url("**/index.html?q=speech&kind=preprint&sort=year")
    shared = page.url
    shown = _visible(page)
    expected = [i for i in _containing(survey.site.works, "speech")
                if i in _where(survey.site.works, lambda w: w.kind == "preprint")]
    years = {w.id: w.year or 0 for w in survey.site.works}
    assert shown == sorted(expected, key=lambda i: -years[i])
    other = survey.open(shared[shared.index("?"):])
    try:
        assert other.locator("#q").input_value() == "speech"
        assert other.locator("#kind").input_value() == "preprint"
        assert other.locator("#sort").input_value() == "year"
        assert _visible(other) == shown
    finally:
        other.close()
    page.select_option("#sort", "")
    in_list_order = [w.id for w in survey.site.works if w.id in set(expected)]
    assert _visible(page) == in_list_order


def test_the_keyboard_reaches_the_search_box_and_every_copy_button(
        page: Page, survey: Served) -> None:
    wanted = {f"{w.id}:{copy}" for w in survey.site.works for copy in ("key", "bib")}
    wanted.add("cite:cite")
    reached: list[str] = []
    for _ in range(2000):
        page.keyboard.press("Tab")
        name, outlined = page.evaluate(FOCUSED)
        if name.startswith("BODY") or name in reached[:1]:
            break
        assert outlined, f"{name} shows no focus"
        reached.append(name)
    assert reached[0] == "A:Skip to the works"
    assert wanted <= set(reached)
    copy_order = [name for name in reached if name in wanted]
    assert reached.index("q") < reached.index(copy_order[0])
    cards = [name.rsplit(":", 1)[0] for name in copy_order[:-1:2]]
    assert cards == [w.id for w in survey.site.works]


def test_ten_thousand_works_load_and_filter(driver: Playwright,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synth

    root = tmp_path_factory.mktemp("ten-thousand")
    synth.generate(root, 10_000, synced=True)
    with _serve(driver, root, root / "site") as served:
        tab = served.open()
        works = served.site.works
        assert tab.locator("#count").text_content() == (
            f"{len(works)} works; showing the first {PAGE}")
        assert _visible(tab) == [work.id for work in works[:PAGE]]
        tab.locator("#q").press_sequentially("spoken")
        expected = _containing(works, "spoken")
        assert PAGE < len(expected) < len(works)
        assert _visible(tab) == expected[:PAGE]  # a page of cards at a time
        assert tab.locator("#count").text_content() == (
            f"{len(expected)} of {len(works)} works match; showing the first {PAGE}")
        tab.get_by_role("button", name=f"Show {PAGE} more").click()
        assert _visible(tab) == expected[:2 * PAGE]
        tab.select_option("#section", "datasets")
        datasets = [i for i in expected if i.startswith("datasets/")]
        assert _visible(tab) == datasets[:PAGE] and datasets
        tab.select_option("#sort", "year")
        years = {w.id: w.year or 0 for w in works}
        assert _visible(tab) == sorted(datasets, key=lambda i: -years[i])[:PAGE]
        tab.close()
        assert served.errors == []


CONTRASTS = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const ratio = (el) => {
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const chosen = ["h1", ".lead", ".links a", "label", ".hint", "#q", "select", "button",
                  "#count", ".n", ".card .title a", ".meta", ".venue", "dt", "code", "summary",
                  "pre.bib", "footer"];
  return chosen.map((s) => [s, ratio(document.querySelector(s))]);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_controls_are_labelled_and_text_keeps_its_contrast(
        survey: Served, scheme: Literal["light", "dark"]) -> None:
    tab = survey.browser.new_page()
    try:
        tab.emulate_media(color_scheme=scheme)
        tab.goto(f"{survey.url}index.html")
        tab.wait_for_selector("#filters:not([hidden])")
        unlabelled = tab.evaluate("""() => Array.from(document.querySelectorAll(
            "input, select")).filter((el) => el.labels.length === 0).map((el) => el.id)""")
        assert unlabelled == []
        nameless = tab.evaluate("""() => Array.from(document.querySelectorAll("button"))
            .filter((b) => !(b.getAttribute("aria-label") || b.textContent.trim()))""")
        assert nameless == []
        low = [(what, round(ratio, 2)) for what, ratio in tab.evaluate(CONTRASTS) if ratio < 4.5]
        assert low == []
    finally:
        tab.close()
