"""add by DOI, ACL Anthology id and DBLP key, over real HTTP to loopback DBLP and Crossref."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from arxiv_server import ArxivReplayServer
from conftest import Cli, point_at, run_subprocess, tree_bytes
from scholarly_server import Fault, ReplayServer

Servers = tuple[ReplayServer, ReplayServer]
LIBRISPEECH = "10.1109/ICASSP.2015.7178964"


@pytest.fixture
def fresh(tmp_path: Path, arxiv: ArxivReplayServer) -> Path:
    """An empty list with a datasets and a models section (services at the loopbacks)."""
    root = tmp_path / "fresh"
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "list.yaml").write_text(
        "sections:\n- id: datasets\n  heading: Datasets\n  columns:\n  - heading: Name\n"
        "    source: name\n- id: models\n  heading: Models\n  columns:\n  - heading: Name\n"
        "    source: name\n", encoding="utf-8")
    return root


def _record(root: Path, key: str) -> str:
    """One record of references.bib, as written."""
    bib = (root / "references.bib").read_text(encoding="utf-8")
    return next("@" + block.rstrip("\n") + "\n" for block in bib.split("\n@")[1:]
                if block.split("{", 1)[1].startswith(key + ","))


@pytest.mark.parametrize("given", [f"doi:{LIBRISPEECH}", LIBRISPEECH,
                                   f"https://doi.org/{LIBRISPEECH}"])
def test_add_by_doi_gives_librispeech_from_crossref(
        given: str, fresh: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    result = run("add", given, "--section", "datasets", "--name", "LibriSpeech", root=fresh)

    assert result.exit_code == 0, result.output
    path = fresh / "entries" / "datasets" / "010-librispeech.yaml"
    assert result.stdout == f"added {path} as panayotov2015librispeech\n"
    assert path.read_text(encoding="utf-8") == (
        "key: panayotov2015librispeech\nname: LibriSpeech\n"
        f"url: https://doi.org/{LIBRISPEECH}\npublished: doi:{LIBRISPEECH}\n"
        f"added: {date.today().isoformat()}\n")
    assert _record(fresh, "panayotov2015librispeech") == (
        "@inproceedings{panayotov2015librispeech,\n"
        "  author = {Panayotov, Vassil and Chen, Guoguo and Povey, Daniel and Khudanpur, "
        "Sanjeev},\n"
        "  title = {Librispeech: An {ASR} corpus based on public domain audio books},\n"
        "  booktitle = {2015 IEEE International Conference on Acoustics, Speech and Signal "
        "Processing (ICASSP)},\n"
        "  pages = {5206--5210},\n  publisher = {IEEE},\n  year = 2015,\n"
        f"  doi = {{{LIBRISPEECH}}}\n}}\n")
    dblp, crossref = survey_scholarly
    assert crossref.paths() == [f"/works/{LIBRISPEECH.lower()}"]
    assert [r.param("q") for r in dblp.requests] == [
        "Librispeech An ASR corpus based on public domain audio books"]
    assert arxiv.requests == []
    checked = run("check", "--strict", "--format", "json", root=fresh)
    # The corpus calls itself LibriSpeech, its paper's title Librispeech: check asks the
    # maintainer to confirm the row's spelling, and finds nothing else.
    assert [(f["code"], f["key"]) for f in json.loads(checked.stdout)["findings"]] == [
        ("name-spelling", "panayotov2015librispeech")]


def test_add_by_anthology_id_links_the_preprint_dblp_names(
        survey_repo: Path, arxiv: ArxivReplayServer, survey_scholarly: Servers,
        run: Cli) -> None:
    """VoxEval's Anthology page: Crossref by its DOI, and DBLP's CoRR record names arXiv."""
    result = run("add", "https://aclanthology.org/2025.acl-long.818/", "--section",
                 "datasets", root=survey_repo)

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" as cui2025voxeval\n")
    added = sorted((survey_repo / "entries" / "datasets").glob("*.yaml"))
    text = next(p for p in added if "voxeval" in p.name).read_text(encoding="utf-8")
    assert "arxiv: '2501.04962'\npublished: doi:10.18653/v1/2025.acl-long.818\n" in text
    assert survey_scholarly[1].paths() == ["/works/10.18653/v1/2025.acl-long.818"]
    assert len(survey_scholarly[0].requests) == 1 and arxiv.requests == []
    record = _record(survey_repo, "cui2025voxeval")
    assert "eprint = {2501.04962}" in record and "pages = {16735--16753}" in record


def test_add_by_dblp_url_takes_dblps_record(
        fresh: Path, survey_scholarly: Servers, run: Cli) -> None:
    result = run("add", "https://dblp.org/rec/conf/lrec/CieriMW04.html", "--section",
                 "datasets", root=fresh)

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" as cieri2004fisher\n")
    record = _record(fresh, "cieri2004fisher")
    assert "author = {Cieri, Christopher and Miller, David and Walker, Kevin}" in record
    assert "publisher = {European Language Resources Association}" in record
    dblp, crossref = survey_scholarly
    assert dblp.paths("/rec/") == ["/rec/conf/lrec/CieriMW04.bib"] and crossref.requests == []
    stored = json.loads((fresh / "data" / "published.json").read_text(encoding="utf-8"))
    assert list(stored["versions"]) == ["dblp:conf/lrec/CieriMW04"]
    assert stored["versions"]["dblp:conf/lrec/CieriMW04"]["dblp"].startswith(
        "@inproceedings{DBLP:conf/lrec/CieriMW04,")


@pytest.mark.parametrize(("given", "message"), [
    ("doi:10.1109/ICASSP.2099.1", "Crossref does not know the DOI 10.1109/ICASSP.2099.1"),
    ("2099.acl-long.1", "Crossref does not know 10.18653/v1/2099.acl-long.1, the DOI of ACL "
                        "Anthology paper 2099.acl-long.1 (older papers and TACL's have other "
                        "DOIs or none): add it by its DOI or DBLP key"),
    ("dblp:conf/nowhere/Nobody99", "DBLP has no record conf/nowhere/Nobody99"),
])
def test_add_of_a_work_no_database_has_writes_nothing(
        given: str, message: str, fresh: Path, run: Cli) -> None:
    before = tree_bytes(fresh)

    result = run("add", given, "--section", "models", root=fresh)

    assert result.exit_code == 2
    assert result.stderr == f"speechlm-bib: error: {message}; nothing was written\n"
    assert tree_bytes(fresh) == before


def test_add_during_a_crossref_outage_writes_nothing(
        fresh: Path, survey_scholarly: Servers, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_CROSSREF_RETRIES", "1")
    survey_scholarly[1].fail_matching({"/works": Fault.http(503)})
    before = tree_bytes(fresh)

    result = run("add", LIBRISPEECH, "--section", "datasets", root=fresh)

    assert result.exit_code == 1
    assert result.stderr == (f"speechlm-bib: error: doi:{LIBRISPEECH.lower()}: Crossref "
                             f"({survey_scholarly[1].url}): HTTP 503; nothing was written\n")
    assert tree_bytes(fresh) == before
    assert len(survey_scholarly[1].requests) == 2


def test_add_by_doi_as_a_subprocess(fresh: Path, survey_scholarly: Servers,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(survey_scholarly, monkeypatch)

    result = run_subprocess("add", f"doi:{LIBRISPEECH}", "--section", "datasets", cwd=fresh,
                            env=dict(os.environ))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("as panayotov2015librispeech")
    # The row's name, taken from the title, is protected in it.
    assert "title = {{Librispeech}: An {ASR} corpus" in _record(fresh,
                                                                "panayotov2015librispeech")
