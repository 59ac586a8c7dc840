"""A new list from the survey README, with the installed ``speechlm-bib`` command only.

import into an empty folder -> sync over the loopback arXiv, DBLP and Crossref servers (rows
whose link no database resolves are linked by their title) -> build -> check, each a real
process of the console script pip installed (not ``python -m``), as a maintainer runs it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml
from bibtexparser.entrypoint import parse_file

from speechlm_bib.published.rule import search_query

from arxiv_server import ArxivReplayServer
from conftest import REPO, SURVEY_README, run_script
from scholarly_server import ReplayServer

SYNC_SUMMARY = ("54 added, 0 changed, 0 unchanged, 0 already stored (not fetched), "
                "0 unknown to arXiv, 0 failed")
TITLE_SUMMARY = ("rows linked to nothing, searched by title: 5 linked, 0 with candidates (none "
                 "chosen), 2 not found, 4 too short to search, 0 searched before, 0 failed "
                 "(DBLP 7 requests)")
MODELS = "entries/existing_speechlms/"
LINKED_BY_TITLE = {f"{MODELS}270-moshi.yaml": "2410.00037",  # a PDF on kyutai.org
                   f"{MODELS}340-spectron.yaml": "2305.15255",  # OpenReview
                   f"{MODELS}380-voxtlm.yaml": "2309.07937",  # IEEE Xplore
                   f"{MODELS}410-voicebox.yaml": "2306.15687",  # NeurIPS proceedings
                   f"{MODELS}440-twist.yaml": "2305.13009"}  # NeurIPS proceedings
"""Rows whose link no database resolves, linked by their title to the preprint DBLP knows."""
NOT_FOUND = [f"{MODELS}170-minicpm-o.yaml", f"{MODELS}260-parrot.yaml"]
"""A GitHub page and an OpenReview submission whose titles DBLP does not have."""
TOO_SHORT = [f"{MODELS}010-openai-advanced-voice-mode.yaml", f"{MODELS}020-claude-voice-mode.yaml",
             f"{MODELS}030-mindgpt-4o-audio.yaml", f"{MODELS}110-csm.yaml"]
"""Product names and a generic phrase: never searched."""
NAME_SPELLINGS = ["120-minmo.yaml", "250-uniaudio.yaml", "060-w2v-bert.yaml",
                  "070-wav2vec-2-0.yaml", "380-voxtlm.yaml"]


def _entries(root: Path) -> dict[str, dict[str, str]]:
    """Every entry file (but list.yaml) by its path under root, as YAML data."""
    return {str(path.relative_to(root)): yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((root / "entries").rglob("*.yaml")) if path.name != "list.yaml"}


def _records(path: Path) -> dict[str, str]:
    """The text of each record of a .bib file, by key."""
    text = path.read_text(encoding="utf-8")
    return {m[1]: m[0] for m in re.finditer(r"^@\w+\{([^,]+),\n.*?^\}$", text, re.M | re.S)}


def test_import_sync_build_check_with_the_installed_command(
        tmp_path: Path, arxiv: ArxivReplayServer,
        survey_scholarly: tuple[ReplayServer, ReplayServer]) -> None:
    root = tmp_path / "new-list"
    root.mkdir()
    env = dict(os.environ)  # with the loopback server's address

    imported = run_script("import", SURVEY_README, cwd=root, env=env)
    assert (imported.returncode, imported.stderr) == (0, ""), imported.stderr
    assert imported.stdout.startswith(
        f"{SURVEY_README}: imported 6 tables, 97 entries; wrote 101 files\n")
    assert "<!-- speechlm-bib:begin table existing_speechlms -->" in (
        root / "README.md").read_text(encoding="utf-8")
    entries = _entries(root)
    with_arxiv = {path: e["arxiv"] for path, e in entries.items() if "arxiv" in e}
    without = sorted(set(entries) - set(with_arxiv))
    assert (len(entries), len(set(with_arxiv.values())), len(without)) == (97, 50, 47)
    assert all("key" not in e for path, e in entries.items() if path not in with_arxiv)
    # Rows linking the published version (two TACL DOIs, an ACL Anthology page) pin it.
    pinned = {path: e["published"] for path, e in entries.items() if "published" in e}
    assert sorted(pinned.values()) == ["doi:10.1162/tacl_a_00430", "doi:10.1162/tacl_a_00545",
                                       "doi:10.18653/v1/2024.acl-long.97"]

    synced = run_script("sync", cwd=root, env=env)
    assert (synced.returncode, synced.stderr) == (0, ""), synced.stderr
    lines = synced.stdout.splitlines()
    assert lines[0] == SYNC_SUMMARY
    assert lines[lines.index(TITLE_SUMMARY) + 1:][:6] == [
        *(f"  {path}: linked to arXiv {arxiv_id} by its title"
          for path, arxiv_id in LINKED_BY_TITLE.items()),
        "  6 more rows left unlinked (-v lists them)"]
    _assert_requests(root, arxiv, survey_scholarly, entries)
    linked = {path: e["arxiv"] for path, e in _entries(root).items() if "arxiv" in e}
    assert linked == {**with_arxiv, **LINKED_BY_TITLE}
    assert not any("arxiv" in e or "published" in e for path, e in _entries(root).items()
                   if path in NOT_FOUND + TOO_SHORT)
    committed = json.loads((REPO / "data" / "arxiv.json").read_text(encoding="utf-8"))
    stored = json.loads((root / "data" / "arxiv.json").read_text(encoding="utf-8"))
    assert stored == {i: committed[i] for i in sorted(set(linked.values()))}

    keys = {path: e["key"] for path, e in _entries(root).items() if path in linked}
    assert len(keys) == len(linked), "sync pins the key of every arXiv entry"
    assert keys[f"{MODELS}270-moshi.yaml"] == keys["entries/mixed_tokenizers/020-mimi.yaml"]
    _assert_references(root, keys, linked)

    built = run_script("build", cwd=root, env=env)
    assert (built.returncode, built.stdout, built.stderr) == (0, "nothing to write\n", "")
    up_to_date = run_script("build", "--check", cwd=root / "entries", env=env)
    assert (up_to_date.returncode, up_to_date.stdout) == (0, "up to date\n")

    _assert_check(root, [path for path in without
                         if path not in pinned and path not in LINKED_BY_TITLE], env)
    assert sorted(p.name for p in root.iterdir()) == [
        ".gitignore", ".speechlm-bib-cache", ".speechlm-bib.lock", "CITATION.cff", "README.md",
        "data", "entries", "references.bib"]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["preferred-citation"]["journal"] == "arXiv preprint arXiv:2410.03751"


def _assert_requests(root: Path, arxiv: ArxivReplayServer,
                     scholarly: tuple[ReplayServer, ReplayServer],
                     imported: dict[str, dict[str, str]]) -> None:
    """One arXiv request for every work, the imported and those linked by title; one DBLP
    search a searched title, before the published versions are looked up; no title search
    for a title too short; data/published.json keeps each search's outcome."""
    ids = {e["arxiv"] for e in imported.values() if "arxiv" in e} | set(LINKED_BY_TITLE.values())
    assert [sorted(r.id_list) for r in arxiv.requests] == [sorted(ids)]
    dblp, crossref = scholarly
    searches = [r.param("q") or "" for r in dblp.requests if r.path == "/search/publ/api"]
    titled = [imported[path]["title"] for path in [*NOT_FOUND, *LINKED_BY_TITLE]]
    assert sorted(searches[:7]) == sorted(search_query(title) for title in titled)
    assert not {search_query(imported[path]["title"]) for path in TOO_SHORT} & set(searches)
    assert (len(arxiv.requests), len(dblp.requests), len(crossref.requests)) == (1, 93, 15)
    stored = json.loads((root / "data" / "published.json").read_text(encoding="utf-8"))
    assert sorted((s["outcome"], s.get("arxiv")) for s in stored["titles"].values()) == sorted(
        [*(("linked", i) for i in LINKED_BY_TITLE.values()), ("none", None), ("none", None)])


def _assert_references(root: Path, keys: dict[str, str], arxiv_ids: dict[str, str]) -> None:
    """references.bib: one record per arXiv work, under the pinned keys, as the survey has it,
    and the survey's own record as the README's citation block writes it."""
    library = parse_file(str(root / "references.bib"))
    assert library.failed_blocks == []
    eprints = {entry.key: entry["eprint"] for entry in library.entries if "eprint" in entry}
    assert eprints == {keys[path]: arxiv_ids[path] for path in keys}
    assert {entry.key for entry in library.entries} == {
        *keys.values(), "cui2024recent", "lakhotia2021generative", "nguyen2023generative"}
    fresh = _records(root / "references.bib")
    survey = _records(REPO / "references.bib")
    hand = set(_records(REPO / "entries" / "records.bib"))
    # The survey's hand records (corrections and works no database knows) are not there;
    # every other record, published versions looked up in DBLP and Crossref included, is the
    # survey's, Moshi's too: its row, which links a PDF on kyutai.org, is linked to the paper
    # by its title, as the survey links it, so the row's name is a protected term.
    differing = {key for key in fresh if key in survey and key not in hand
                 and key != "cui2024recent" and fresh[key] != survey[key]}
    assert differing == set()
    assert {"nachmani2023spoken", "le2023voicebox", "hassid2023textually",
            "maiti2023voxtlm"} <= set(fresh)
    # dGSLM's row links its TACL version, without the preprint: its key is the version's year.
    assert set(fresh) - set(survey) == {"nguyen2023generative"}
    assert "journal = {Transactions of the Association for Computational Linguistics}" in \
        fresh["nguyen2023generative"]
    assert "title = {{Moshi}: a speech-text" in fresh["defossez2024moshi"]
    assert "booktitle = {International Conference on Learning Representations (ICLR 2024)}" \
        in fresh["nachmani2023spoken"]


def _assert_check(root: Path, unlinked: list[str], env: dict[str, str]) -> None:
    """check: every row without an arXiv id or a pinned version is unlinked (an error): 39,
    down from 44 before rows were searched by title; Mimi cites Moshi, and five rows spell
    their work's name otherwise than the work does (VoxtLM's preprint calls itself
    "Voxtlm")."""
    report = run_script("check", "--format", "json", cwd=root, env=env)
    assert (report.returncode, report.stderr) == (1, "")
    document = json.loads(report.stdout)
    assert document["summary"] == {"error": 40, "warning": 6, "info": 0}
    errors = [(f["code"], f["path"]) for f in document["findings"] if f["severity"] == "error"]
    # GPST's version is not in the Crossref replay: pinned, it waits for its metadata.
    assert errors == sorted([("missing-metadata", "entries/existing_speechlms/450-gpst.yaml"),
                             *(("unlinked-entry", path) for path in unlinked)],
                            key=lambda error: error[1])
    warnings = [(f["code"], Path(f["path"]).name) for f in document["findings"]
                if f["severity"] == "warning"]
    assert sorted(warnings) == sorted([("name-mismatch", "020-mimi.yaml"),
                                       *(("name-spelling", name) for name in NAME_SPELLINGS)])
    text = run_script("check", cwd=root, env=env)
    assert text.returncode == 1
    assert text.stdout.splitlines()[-1] == "40 errors, 6 warnings"
