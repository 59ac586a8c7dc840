"""The reader's site: the data it is built from, the page, and the ``site`` command."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from speechlm_bib.render.sitedata import ARXIV_VENUE, PREPRINT, PUBLISHED, Site
from speechlm_bib.services.site import load_site, site_files
from speechlm_bib.store.repository import load_repository

from conftest import REPO, Cli, run_subprocess, tree_bytes
from sitepage import (
    bib_records,
    card_ids,
    card_record,
    committed_records,
    page_data,
    parse_page,
)

PAGE_BUDGET = 300_000


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(REPO)


@pytest.fixture(scope="module")
def files(site: Site) -> dict[str, str]:
    return site_files(site)


def test_every_row_of_the_listed_sections_is_one_card_in_list_order(
        site: Site, files: dict[str, str]) -> None:
    repo = load_repository(REPO)
    listed = [section.id for section in repo.sections if section.columns]
    rows = [entry for entry in repo.entries if entry.section in listed]
    assert len(rows) == 97
    assert [(w.section, w.name) for w in site.works] == [(e.section, e.name) for e in rows]
    page = parse_page(files["index.html"])
    ids = card_ids(page)
    assert ids == [work.id for work in site.works]
    assert len(set(ids)) == len(ids)
    for section in listed:
        in_section = page.xpath(
            f'//section[@data-section="{section}"]//li[@class="card"]/@id')
        assert in_section == [w.id for w in site.works if w.section == section]


def test_each_card_holds_its_record_exactly_as_references_bib_does(
        site: Site, files: dict[str, str]) -> None:
    records = committed_records(REPO)
    page = parse_page(files["index.html"])
    assert all(work.key for work in site.works)
    for work in site.works:
        assert work.key is not None
        assert work.bibtex == records[work.key]
        assert card_record(page, work.id) == records[work.key]
    moshi = [w for w in site.works if w.key == "defossez2024moshi"]
    assert [w.section for w in moshi] == ["models", "mixed_tokenizers"]


def test_the_survey_block_is_what_cite_prints(site: Site, files: dict[str, str], run: Cli,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")  # the checkout itself: nothing written
    cite = run("cite", root=REPO)
    assert cite.exit_code == 0
    assert site.survey is not None and site.survey.bibtex == cite.stdout
    page = parse_page(files["index.html"])
    assert page.xpath('//pre[@id="cite-bib"]')[0].text_content() == cite.stdout


def test_cards_show_the_published_version_else_arxiv_preprint(site: Site) -> None:
    by_key = {work.key: work for work in site.works}
    wavtokenizer = by_key["ji2024wavtokenizer"]
    assert (wavtokenizer.venue, wavtokenizer.year, wavtokenizer.kind) == (
        "International Conference on Learning Representations (ICLR 2025)", 2025, PUBLISHED)
    salmonn = by_key["yu2024salmonn"]
    assert (salmonn.venue, salmonn.year, salmonn.kind) == (ARXIV_VENUE, 2024, PREPRINT)
    assert by_key["openai2024advanced"].venue == "OpenAI Help Center"
    records = committed_records(REPO)
    for work in site.works:
        record = records[str(work.key)]
        published = "booktitle =" in record or (
            "journal =" in record and "journal = {arXiv preprint" not in record)
        assert (work.kind == PUBLISHED) == published, work.key
        assert (work.venue == ARXIV_VENUE) == (work.kind == PREPRINT), work.key


def test_text_is_plain_authors_as_read_and_links_lead_to_the_paper(site: Site) -> None:
    for work in site.works:
        for text in (work.title, work.venue, *work.authors):
            assert not set(text) & set("{}\\"), text
    by_key = {work.key: work for work in site.works}
    encodec = by_key["defossez2022high"]
    assert encodec.authors[0] == "Alexandre Défossez"
    assert encodec.paper_url == "https://arxiv.org/abs/2210.13438"
    moshi = next(w for w in site.works if w.name == "Moshi")
    assert (moshi.paper_url, moshi.link) == ("https://arxiv.org/abs/2410.00037",
                                             "https://kyutai.org/Moshi.pdf")
    libri = next(w for w in site.works if w.name == "LibriSpeech")
    assert libri.link == "https://www.openslr.org/12"


def test_the_sections_own_columns_are_on_the_cards(site: Site, files: dict[str, str]) -> None:
    libri = next(w for w in site.works if w.name == "LibriSpeech")
    assert libri.columns == (("Type", "ASR"), ("Phase", "Pre-Training"), ("Hours", "1k"),
                             ("Year", "2015"))
    page = parse_page(files["index.html"])
    terms = page.xpath(f'//li[@id="{libri.id}"]//dt/text()')
    values = page.xpath(f'//li[@id="{libri.id}"]//dd/text()')
    assert list(zip(terms, values, strict=True)) == list(libri.columns)
    stsp = next(w for w in site.works if w.name == "STSP")
    assert dict(stsp.columns)["I/O"] == "A/T → A/T"
    headings = {s.id: s.columns for s in site.sections}
    assert headings["benchmarks"] == ("Eval Type", "# Tasks", "Audio Type", "I/O")


def test_the_page_data_follows_the_cards(site: Site, files: dict[str, str]) -> None:
    data = page_data(parse_page(files["index.html"]))
    assert [item["id"] for item in data] == [work.id for work in site.works]
    libri = next(item for item, w in zip(data, site.works, strict=True) if w.name == "LibriSpeech")
    assert libri["kind"] == PUBLISHED and libri["venue"] == "ICASSP" and libri["year"] == 2015
    assert "panayotov2015librispeech" in libri["text"] and "vassil panayotov" in libri["text"]


def test_the_page_loads_nothing_from_elsewhere_and_stays_small(files: dict[str, str]) -> None:
    page = parse_page(files["index.html"])
    loaded = page.xpath("//script/@src | //link/@href | //img/@src")
    assert set(loaded) <= {*files, "data:,"}
    for name in ("site.css", "site.js"):
        assert "http" not in files[name] and "@import" not in files[name]
    size = sum(len(files[name].encode("utf-8")) for name in ("index.html", "site.css", "site.js"))
    assert size < PAGE_BUDGET


def test_the_bibliography_download_holds_every_record(files: dict[str, str]) -> None:
    assert bib_records(files["references.bib"]) == committed_records(REPO)


def test_markup_in_the_data_is_shown_as_text(survey_repo: Path, run: Cli) -> None:
    name, title = "<img src=x onerror=alert(1)>", "</script><b>Bold</b> & more"
    entry = survey_repo / "entries" / "models" / "999-markup.yaml"
    entry.write_text(f"name: '{name}'\ntitle: '{title}'\nurl: https://example.org/x\n",
                     encoding="utf-8")
    result = run("site", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    page = parse_page((survey_repo / "site" / "index.html").read_text(encoding="utf-8"))
    card = page.xpath('//li[@id="models/999-markup"]')[0]
    assert card.xpath(".//strong")[0].text_content() == name
    assert title in card.text_content()
    assert not page.xpath("//img") and not page.xpath("//b")
    assert any(item["id"] == "models/999-markup" for item in page_data(page))


def test_site_writes_the_same_bytes_twice_and_build_check_ignores_it(
        survey_repo: Path, run: Cli) -> None:
    first = run("site", root=survey_repo)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"wrote 5 files to {survey_repo / 'site'}\n"
    before = tree_bytes(survey_repo / "site")
    assert sorted(before) == ["feed.xml", "index.html", "references.bib", "site.css", "site.js"]
    again = run("site", root=survey_repo)
    assert again.stdout == f"{survey_repo / 'site'} is up to date\n"
    assert tree_bytes(survey_repo / "site") == before
    check = run("build", "--check", root=survey_repo)
    assert (check.exit_code, check.stdout) == (0, "up to date\n")


def test_site_into_another_folder_and_a_bad_base_url(survey_repo: Path, run: Cli) -> None:
    out = survey_repo.parent / "public"
    result = run("site", "-o", out, "--base-url", "https://example.org/list", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    assert 'href="https://example.org/list/feed.xml"' in (out / "feed.xml").read_text("utf-8")
    bad = run("site", "-o", survey_repo / "other", "--base-url", "example.org",
              root=survey_repo)
    assert bad.exit_code == 2
    assert bad.stderr == ("speechlm-bib: error: --base-url is not an http(s) URL: "
                          "'example.org'\n")
    assert not (survey_repo / "other").exists()


def test_site_as_a_process_writes_readable_files(survey_repo: Path) -> None:
    result = run_subprocess("site", cwd=survey_repo / "entries")
    assert result.returncode == 0, result.stderr
    umask = os.umask(0o022)
    os.umask(umask)
    for path in (survey_repo / "site").iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_other_commands_do_not_load_the_template_engine() -> None:
    command = [sys.executable, "-X", "importtime", "-m", "speechlm_bib", "--root", str(REPO),
               "build", "--check"]
    # Without the cache: build --check does its work (no kept answer) and writes nothing here.
    env = {**os.environ, "SPEECHLM_BIB_CACHE": "off"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert "speechlm_bib.link" in done.stderr
    assert "jinja2" not in done.stderr


def test_names_and_titles_read_as_the_exports_read_them(site: Site) -> None:
    from speechlm_bib.bibtex.latex import to_text
    from speechlm_bib.render.styles import parse_names, person_text
    from speechlm_bib.services import load_library

    repo = load_repository(REPO)
    records = load_library(REPO).by_key
    own_titles = {f"{e.section}/{e.path.stem}": e.title for e in repo.entries}
    for work in site.works:
        record = records[str(work.key)]
        names = parse_names(record.get("author") or "")
        assert work.authors == tuple(person_text(name) for name in names)
        title = own_titles[work.id] or to_text(record.get("title") or "").strip()
        assert work.title == title
    assert "Juan Felipe Cerón" in {name for work in site.works for name in work.authors}


def test_the_pages_workflow_builds_the_site(survey_repo: Path, run: Cli,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = yaml.safe_load((REPO / "docs" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = [step["run"] for step in steps if step.get("run", "").startswith("speechlm-bib")]
    assert [shlex.split(command)[1] for command in commands] == ["build", "site"]
    monkeypatch.chdir(survey_repo)
    for command in commands:
        line = command.replace("${{ steps.pages.outputs.base_url }}", "https://o.github.io/l")
        result = run(*shlex.split(line)[1:], root=survey_repo)
        assert result.exit_code == 0, result.stderr
    feed = (survey_repo / "public" / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://o.github.io/l/feed.xml"' in feed
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert not (REPO / ".github").exists()  # documented, not enabled


def test_a_list_without_a_survey_has_no_citation_block(survey_repo: Path, run: Cli) -> None:
    config = survey_repo / "entries" / "list.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("survey: cui2024recent\n", "")
                      .replace("- id: survey\n  heading: Citation\n  columns: []\n", ""),
                      encoding="utf-8")
    (survey_repo / "entries" / "survey" / "010-recent-advances-in-speech-language-model.yaml") \
        .unlink()
    (survey_repo / "entries" / "survey").rmdir()
    result = run("site", root=survey_repo)
    assert result.exit_code == 0, result.stderr
    page = parse_page((survey_repo / "site" / "index.html").read_text(encoding="utf-8"))
    assert page.xpath('//*[@id="cite"]') == [] and len(card_ids(page)) == 97
    assert page.xpath("//h1")[0].text_content() == "survey"


def test_names_on_the_page_never_collide(tmp_path: Path, run: Cli) -> None:
    """Sections named like the page's own parts (data, sort, cite) break nothing."""
    readme = tmp_path / "README.md"
    tables = "".join(f"## {name}\n\n| Name | Url |\n| --- | --- |\n| {name} work | "
                     f"[Link](https://example.org/{name}) |\n\n"
                     for name in ("Data", "Sort", "Cite"))
    readme.write_text(tables, encoding="utf-8")
    root = tmp_path / "list"
    assert run("import", readme, root=root).exit_code == 0
    assert run("site", root=root).exit_code == 0
    page = parse_page((root / "site" / "index.html").read_text(encoding="utf-8"))
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert page.xpath('//script[@id="data"]') and len(page_data(page)) == 3
