"""sync links rows by their title, over real HTTP to loopback arXiv, DBLP and Crossref.

A row linked to nothing with a title that names one work in DBLP gets its arXiv id (or the
published record's pin) written into its entry; every other row stays as it was, with what
DBLP had listed; the outcome is stored, so an unchanged sync asks nothing; a failed search
leaves the repository byte for byte as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from speechlm_bib.published.rule import search_query

from arxiv_server import ArxivReplayServer
from conftest import Cli, point_at, tree_bytes
from scholarly_server import Fault, ReplayServer, settle

Servers = tuple[ReplayServer, ReplayServer]
PUBLISHED = Path("data") / "published.json"
VOICEBOX = "Voicebox: Text-guided multilingual universal speech generation at scale"
TWIST = "Textually pretrained speech language models"
PARROT = ("Parrot: Autoregressive Spoken Dialogue Language Modeling with Decoder-only "
          "Transformers")
LIBRISPEECH = "Librispeech: An ASR corpus based on public domain audio books"
LIST = """\
markdown: true
sections:
- id: models
  heading: Models
  columns:
  - heading: Name
    source: name
  - heading: Title
    source: title
- id: datasets
  heading: Datasets
  columns:
  - heading: Name
    source: name
  - heading: Year
    source: date
"""
NEURIPS = "https://proceedings.neurips.cc/paper_files/paper/2023/hash/x-Abstract-Conference.html"


@pytest.fixture
def fresh(tmp_path: Path, arxiv: ArxivReplayServer) -> Path:
    """An empty Markdown list with a models and a datasets section (services at the loopbacks)."""
    root = tmp_path / "fresh"
    (root / "entries" / "models").mkdir(parents=True)
    (root / "entries" / "datasets").mkdir()
    (root / "entries" / "list.yaml").write_text(LIST, encoding="utf-8")
    return root


@pytest.fixture
def decoys(arxiv: ArxivReplayServer, scholarly_servers: Servers,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Servers]:
    """DBLP and Crossref serving the replay and the decoys (cleared after the test)."""
    point_at(scholarly_servers, monkeypatch)
    yield scholarly_servers
    for server in scholarly_servers:
        server.clear()


def _entry(root: Path, name: str, text: str, section: str = "models") -> Path:
    path = root / "entries" / section / name
    path.write_text(text, encoding="utf-8")
    return path


def _searches(server: ReplayServer) -> list[str]:
    return [r.param("q") or "" for r in server.requests if r.path == "/search/publ/api"]


def _titles(root: Path) -> dict[str, dict[str, object]]:
    stored: dict[str, dict[str, object]] = json.loads(
        (root / PUBLISHED).read_text(encoding="utf-8")).get("titles", {})
    return stored


# ----------------------------------------------------------------------------- linked


def test_a_title_naming_one_work_links_the_row_to_its_preprint_and_its_version(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    text = (f"# Meta's model\nname: Voicebox\ntitle: '{VOICEBOX}'\nurl: {NEURIPS}\n"
            "# kept\nadded: 2024-01-05\n")
    path = _entry(fresh, "010-voicebox.yaml", text)

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:4] == [
        "  added 2306.15687: new",
        "rows linked to nothing, searched by title: 1 linked, 0 with candidates (none chosen), "
        "0 not found, 0 too short to search, 0 searched before, 0 failed (DBLP 1 requests)",
        "  entries/models/010-voicebox.yaml: linked to arXiv 2306.15687 by its title"]
    assert "  le2023voicebox: arXiv 2306.15687 -> NeurIPS 2023" in lines
    assert path.read_text(encoding="utf-8") == (
        f"# Meta's model\nkey: le2023voicebox\nname: Voicebox\ntitle: '{VOICEBOX}'\n"
        f"url: {NEURIPS}\narxiv: '2306.15687'\n# kept\nadded: 2024-01-05\n")
    dblp, crossref = survey_scholarly
    assert _searches(dblp)[0] == search_query(VOICEBOX)
    assert (len(_searches(dblp)), dblp.paths("/rec/"), crossref.requests) == (
        2, ["/rec/conf/nips/LeVSKSMWM23.bib"], [])
    assert [r.id_list for r in arxiv.requests] == [("2306.15687",)]
    assert _titles(fresh) == {"voiceboxtextguidedmultilingualuniversalspeechgenerationatscale": {
        "title": VOICEBOX, "outcome": "linked", "arxiv": "2306.15687"}}
    bib = (fresh / "references.bib").read_text(encoding="utf-8")
    assert "@inproceedings{le2023voicebox," in bib and "eprint = {2306.15687}" in bib


def test_an_unchanged_sync_after_title_searches_sends_nothing_and_changes_nothing(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    _entry(fresh, "010-voicebox.yaml", f"name: Voicebox\ntitle: '{VOICEBOX}'\n")
    _entry(fresh, "020-parrot.yaml", f"name: Parrot\ntitle: '{PARROT}'\n")
    _entry(fresh, "030-voice-mode.yaml", "name: AVM\ntitle: OpenAI Advanced Voice Mode\n")
    assert run("sync", root=fresh).exit_code == 0
    before = tree_bytes(fresh)
    arxiv.reset()
    for server in survey_scholarly:
        server.clear()

    again = run("sync", "-v", root=fresh)

    assert again.exit_code == 0, again.output
    assert (arxiv.requests, *(s.requests for s in survey_scholarly)) == ([], [], [])
    assert tree_bytes(fresh) == before
    assert again.stdout.splitlines()[1:5] == [
        "rows linked to nothing, searched by title: 0 linked, 0 with candidates (none chosen), "
        "0 not found, 1 too short to search, 1 searched before, 0 failed (no requests)",
        "  entries/models/020-parrot.yaml: searched before (not found); `sync --refresh` "
        "searches again",
        "  entries/models/030-voice-mode.yaml: not searched: 'OpenAI Advanced Voice Mode' is too "
        "short to identify a work (4 words, 5 needed)",
        "published versions: nothing to look up (1 works decided before; `sync --refresh` asks "
        "again about those without one)"]


def test_an_empty_arxiv_field_is_filled_in_where_it_stands(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    path = _entry(fresh, "010-voicebox.yaml",
                  f"name: Voicebox\narxiv:  # unknown\ntitle: '{VOICEBOX}'\n")

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == (
        f"key: le2023voicebox\nname: Voicebox\narxiv: '2306.15687'\ntitle: '{VOICEBOX}'\n")


def test_an_entry_the_line_cannot_be_added_to_stops_sync_before_it_writes(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    path = _entry(fresh, "010-voicebox.yaml", f"{{name: Voicebox, title: '{VOICEBOX}'}}\n")
    before = tree_bytes(fresh)

    result = run("sync", root=fresh)

    assert result.exit_code == 2
    assert result.stderr == (
        f"speechlm-bib: error: {path}: its title links it to arxiv 2306.15687, but the line "
        "cannot be added to the file as written: add `arxiv: '2306.15687'` by hand\n")
    assert tree_bytes(fresh) == before


def test_rows_sharing_a_title_share_one_search_and_are_both_linked(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    first = _entry(fresh, "010-voicebox.yaml", f"name: Voicebox\ntitle: '{VOICEBOX}'\n")
    second = _entry(fresh, "020-voicebox.yaml", f"name: Voicebox\ntitle: '{VOICEBOX.upper()}'\n")

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    assert _searches(survey_scholarly[0])[0] == search_query(VOICEBOX)
    assert search_query(VOICEBOX.upper()) not in _searches(survey_scholarly[0])
    for path in (first, second):
        assert "arxiv: '2306.15687'\n" in path.read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8").startswith("key: le2023voicebox\n")


def test_a_title_only_a_published_record_has_is_pinned_and_fetched(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    path = _entry(fresh, "010-librispeech.yaml",
                  f"name: LibriSpeech\ntitle: '{LIBRISPEECH}'\ndate: '2015'\n", "datasets")

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    assert ("  entries/datasets/010-librispeech.yaml: pinned to dblp:conf/icassp/PanayotovCPK15 "
            "by its title") in result.stdout
    assert "  pinned dblp:conf/icassp/PanayotovCPK15 fetched" in result.stdout.splitlines()
    assert path.read_text(encoding="utf-8") == (
        f"key: panayotov2015librispeech\nname: LibriSpeech\ntitle: '{LIBRISPEECH}'\n"
        "date: '2015'\npublished: dblp:conf/icassp/PanayotovCPK15\n")
    dblp, crossref = survey_scholarly
    assert _searches(dblp) == [search_query(LIBRISPEECH)]
    assert dblp.paths("/rec/") == ["/rec/conf/icassp/PanayotovCPK15.bib"]
    assert crossref.paths() == ["/works/10.1109/icassp.2015.7178964"]
    assert arxiv.requests == []
    bib = (fresh / "references.bib").read_text(encoding="utf-8")
    assert "doi = {10.1109/ICASSP.2015.7178964}" in bib
    check = run("check", root=fresh)
    assert (check.exit_code, check.stdout.splitlines()[-1]) == (0, "1 warning")


# ----------------------------------------------------------------------------- not linked


def test_the_same_title_by_other_authors_is_listed_and_nothing_is_linked(
        fresh: Path, decoys: Servers, run: Cli) -> None:
    text = f"name: TWIST\ntitle: {TWIST}\nurl: {NEURIPS}\n"
    path = _entry(fresh, "010-twist.yaml", text)

    result = run("sync", root=fresh)
    summary = json.loads(run("sync", "--format", "json", "--refresh", root=fresh).stdout)

    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == text
    assert result.stdout.splitlines()[2:6] == [
        "  entries/models/010-twist.yaml: none chosen among DBLP's records with its title "
        "(works by different first authors: Michael Hassid, Ana Silva)",
        "    dblp:journals/corr/abs-2305-13009 (CoRR 2023, Michael Hassid): add "
        "`arxiv: '2305.13009'` if it is this row's",
        "    dblp:conf/nips/HassidRNGCKCD23 (NeurIPS 2023, Michael Hassid): add "
        "`published: dblp:conf/nips/HassidRNGCKCD23` if it is this row's",
        "    dblp:journals/spl/SilvaH24 (IEEE Signal Process. Lett. 2024, Ana Silva): add "
        "`published: dblp:journals/spl/SilvaH24` if it is this row's"]
    stored = _titles(fresh)["textuallypretrainedspeechlanguagemodels"]
    assert stored["outcome"] == "candidates"
    assert [c["record"] for c in stored["candidates"]] == [  # type: ignore[attr-defined]
        "dblp:journals/corr/abs-2305-13009", "dblp:conf/nips/HassidRNGCKCD23",
        "dblp:journals/spl/SilvaH24"]
    listed = summary["titles"]["candidates"]["entries/models/010-twist.yaml"]
    assert [c["line"] for c in listed["candidates"]] == [
        "arxiv: '2305.13009'", "published: dblp:conf/nips/HassidRNGCKCD23",
        "published: dblp:journals/spl/SilvaH24"]
    assert summary["titles"]["requests"] == {"DBLP": 1}


def test_moshi_by_its_title_meets_a_homonymous_paper_and_stays_unlinked(
        fresh: Path, decoys: Servers, run: Cli) -> None:
    title = "Moshi: a speech-text foundation model for real-time dialogue"
    _entry(fresh, "010-moshi.yaml", f"name: Moshi\ntitle: '{title}'\n")

    result = run("sync", "--format", "json", root=fresh)

    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["titles"]["candidates"]["entries/models/010-moshi.yaml"]
    assert listed["why"] == "works by different first authors: Alexandre Défossez, Maria Rossi"
    assert [c["record"] for c in listed["candidates"]] == [
        "dblp:journals/corr/abs-2410-00037", "dblp:conf/slt/RossiT25"]


def test_a_preprint_whose_title_has_one_word_more_is_not_linked(
        fresh: Path, decoys: Servers, run: Cli) -> None:
    title = "Self-Supervised Speech Models Without Transcripts"
    text = f"name: SSL\ntitle: {title}\n"
    path = _entry(fresh, "010-ssl.yaml", text)
    found = decoys[0].service.answer("/search/publ/api",
                                     {"q": search_query(title), "format": "json"})
    assert b"abs-2501-10006" in found.body  # DBLP's search does find the longer title

    result = run("sync", "-v", root=fresh)

    assert result.exit_code == 0, result.output
    assert "  entries/models/010-ssl.yaml: no DBLP record has its title" in result.stdout
    assert path.read_text(encoding="utf-8") == text
    assert _titles(fresh) == {"selfsupervisedspeechmodelswithouttranscripts": {
        "title": title, "outcome": "none"}}


def test_a_record_dated_before_the_preprint_keeps_the_row_unlinked(
        fresh: Path, decoys: Servers, run: Cli) -> None:
    _entry(fresh, "010-prosody.yaml",
           "name: Prosody\ntitle: Prosody Tokens for Speech Generation\n")

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    assert ("  entries/models/010-prosody.yaml: none chosen among DBLP's records with its title "
            "(a record dated 2024, before the preprint)") in result.stdout


def test_generic_titles_are_never_searched(
        fresh: Path, decoys: Servers, run: Cli) -> None:
    for number, title in enumerate(["OpenAI Advanced Voice Mode", "Claude Voice Mode",
                                    "Conversational Speech Generation Model"]):
        _entry(fresh, f"0{number}0-product.yaml", f"name: Product\ntitle: {title}\n")

    result = run("sync", root=fresh)

    assert result.exit_code == 0, result.output
    assert decoys[0].requests == [] and decoys[1].requests == []
    assert "0 failed (no requests)" in result.stdout.splitlines()[1]
    assert "  3 more rows left unlinked (-v lists them)" in result.stdout
    assert not (fresh / PUBLISHED).exists()


# ----------------------------------------------------------------------------- options


def test_refresh_searches_again_the_titles_that_linked_nothing(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    _entry(fresh, "010-parrot.yaml", f"name: Parrot\ntitle: '{PARROT}'\n")
    removed = _entry(fresh, "020-voicebox.yaml", f"name: Voicebox\ntitle: '{VOICEBOX}'\n")
    assert run("sync", root=fresh).exit_code == 0
    removed.write_text(f"name: Voicebox\ntitle: '{VOICEBOX}'\n", encoding="utf-8")
    dblp = survey_scholarly[0]
    dblp.clear()

    result = run("sync", "--refresh", "-v", root=fresh)

    assert result.exit_code == 0, result.output
    assert _searches(dblp) == [search_query(PARROT)]
    assert ("  entries/models/020-voicebox.yaml: searched before, which linked to arXiv "
            "2306.15687 (the entry no longer says so); not searched again") in result.stdout
    assert removed.read_text(encoding="utf-8") == f"name: Voicebox\ntitle: '{VOICEBOX}'\n"


def test_arxiv_only_searches_no_title_and_dry_run_writes_nothing(
        fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers, run: Cli) -> None:
    text = f"name: Voicebox\ntitle: '{VOICEBOX}'\n"
    path = _entry(fresh, "010-voicebox.yaml", text)

    only_arxiv = run("sync", "--arxiv-only", root=fresh)

    assert only_arxiv.exit_code == 0, only_arxiv.output
    assert all(server.requests == [] for server in survey_scholarly)
    assert "searched by title" not in only_arxiv.stdout
    assert path.read_text(encoding="utf-8") == text and not (fresh / PUBLISHED).exists()
    before = tree_bytes(fresh)

    dry = run("sync", "--dry-run", root=fresh)

    assert dry.exit_code == 0, dry.output
    assert "  entries/models/010-voicebox.yaml: linked to arXiv 2306.15687 by its title" \
        in dry.stdout
    assert tree_bytes(fresh) == before


# ----------------------------------------------------------------------------- faults


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.html(), Fault.truncated()])
def test_a_failed_title_search_leaves_the_repository_byte_identical(
        fault: Fault, fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_DBLP_RETRIES", "1")
    _entry(fresh, "010-parrot.yaml", f"name: Parrot\ntitle: '{PARROT}'\n")
    assert run("build", root=fresh).exit_code == 0
    before = tree_bytes(fresh)
    dblp = survey_scholarly[0]
    dblp.fail_matching({"/search/": fault})

    result = run("sync", root=fresh)

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].startswith(
        f"speechlm-bib: sync incomplete: 1 row could not be searched by title (DBLP "
        f"({dblp.url}): ")
    assert result.stderr.splitlines()[-1].endswith(
        "): entries/models/010-parrot.yaml; nothing was stored for them; run sync again")
    assert tree_bytes(fresh) == before
    settle(dblp, 2)
    dblp.clear()
    again = run("sync", root=fresh)
    assert again.exit_code == 0, again.output
    assert _titles(fresh)[next(iter(_titles(fresh)))]["outcome"] == "none"


# ----------------------------------------------------------------------------- the survey


def test_the_committed_survey_has_no_row_to_search(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    before = tree_bytes(survey_repo)

    result = run("sync", "--refresh", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert "searched by title" not in result.stdout
    assert search_query(TWIST) not in _searches(survey_scholarly[0])
    assert all(q.lower() != search_query(t).lower() for q in _searches(survey_scholarly[0])
               for t in ("OpenAI Advanced Voice Mode", PARROT))
    assert tree_bytes(survey_repo) == before
    assert run("build", "--check", root=survey_repo).exit_code == 0
    assert run("check", "--strict", root=survey_repo).exit_code == 0
