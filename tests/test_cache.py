"""The cache never changes an output, survives damage and stays out of git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from speechlm_bib import memo
from speechlm_bib.checks import facts, rows
from speechlm_bib.model import Entry, Record, Section
from speechlm_bib.services.common import LINKED, link_library, read_repository
from speechlm_bib.store import cache as cache_module
from speechlm_bib.store import entries, memoised
from speechlm_bib.store.cache import CACHE_DIR, open_cache
from speechlm_bib.store.fingerprints import (
    code_fingerprint,
    fingerprint,
    installed_version,
    package_digest,
)

from arxiv_server import ArxivReplayServer
from conftest import Cli, build_parses_nothing_again, tree_bytes

GENERATED = ("references.bib", "README.md")


def outputs(run: Cli, root: Path) -> dict[str, object]:
    """What build writes and what check, cite and export print."""
    assert run("build", root=root).exit_code == 0
    printed = {name: run(*args, root=root).output for name, args in {
        "check": ("check", "--format", "json"), "cite": ("cite",),
        "export": ("export", "--format", "csl-json"),
    }.items()}
    return {**{name: (root / name).read_bytes() for name in GENERATED}, **printed}


def cache_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / CACHE_DIR).glob("*.cache"))}


def test_outputs_with_a_cold_a_warm_and_no_cache_are_the_same(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = outputs(run, survey_repo)
    kept = cache_files(survey_repo)
    assert {"entries.cache", "arxiv.cache", "records.cache", "bibtex.cache"} <= kept.keys()
    warm = outputs(run, survey_repo)
    assert warm == cold
    assert cache_files(survey_repo) == kept  # an unchanged repository rewrites nothing
    shutil.rmtree(survey_repo / CACHE_DIR)
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert outputs(run, survey_repo) == cold
    assert not (survey_repo / CACHE_DIR).exists()


def test_an_edited_entry_is_read_again_not_taken_from_the_cache(
        run: Cli, survey_repo: Path) -> None:
    outputs(run, survey_repo)
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: Moshi", "name: Moshi 2"),
                     encoding="utf-8")
    assert run("build", root=survey_repo).exit_code == 0
    assert "| Moshi 2 |" in (survey_repo / "README.md").read_text(encoding="utf-8")


def test_an_edited_arxiv_store_is_read_again_and_a_damaged_one_refused_every_time(
        run: Cli, survey_repo: Path) -> None:
    outputs(run, survey_repo)
    store = survey_repo / "data" / "arxiv.json"
    text = store.read_text(encoding="utf-8")
    data = json.loads(text)
    data[next(iter(data))]["title"] = "Zanzibar: tokens of speech"
    store.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert run("build", root=survey_repo).exit_code == 0
    assert "Zanzibar" in (survey_repo / "references.bib").read_text(encoding="utf-8")
    store.write_text(text[: len(text) // 2], encoding="utf-8")
    for _ in range(2):
        result = run("build", root=survey_repo)
        assert result.exit_code == 2 and "arxiv.json: damaged JSON" in result.output


def test_the_digests_of_the_records_are_kept_for_the_files_read(
        run: Cli, survey_repo: Path) -> None:
    exported = run("export", root=survey_repo).output
    cache = open_cache(survey_repo)
    linked = cache.section(LINKED, complete=False)
    assert len(linked.items) == 1
    for sources, keys in list(linked.items.items()):  # forged: each record takes another's
        linked.put(sources, tuple(reversed(keys)))
    cache.save()
    assert run("export", root=survey_repo).output != exported
    terms = survey_repo / "entries" / "terms.txt"
    text = terms.read_text(encoding="utf-8")
    # Other files (a term every title already protects): the digests are computed again.
    terms.write_text(text + "Moshi\n", encoding="utf-8")
    assert run("export", root=survey_repo).output == exported


def test_records_have_one_digest_whether_their_metadata_were_read_through_the_cache_or_not(
        run: Cli, survey_repo: Path) -> None:
    outputs(run, survey_repo)
    cache = open_cache(survey_repo)
    repo, _ = read_repository(survey_repo, cache)
    assert all(meta.digest == memo.digest(replace(meta, digest="")) for meta in repo.arxiv.values())
    fetched = replace(repo, arxiv={key: replace(meta, digest="")
                                   for key, meta in repo.arxiv.items()})
    assert [r.digest for r in link_library(fetched, cache).records] == \
        [r.digest for r in link_library(repo, cache).records]


def test_a_changed_hand_record_is_normalised_again(run: Cli, survey_repo: Path) -> None:
    outputs(run, survey_repo)
    records = survey_repo / "entries" / "records.bib"
    text = records.read_text(encoding="utf-8")
    title = text.index("title = {Using Voice Mode")
    records.write_text(text[:title] + "note = {Edited},\n  " + text[title:], encoding="utf-8")
    assert run("build", root=survey_repo).exit_code == 0
    assert "note = {Edited}" in (survey_repo / "references.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"not json\n{}",
    lambda data: data.replace(b'"fingerprint": "', b'"fingerprint": "x', 1).replace(
        b'"code": "', b'"code": "x', 1),
    lambda data: data[:-1] + bytes([data[-1] ^ 1]),
], ids=["empty", "truncated", "garbage", "other-version", "checksum-mismatch"])
def test_a_damaged_cache_is_read_as_empty_and_rewritten(
        run: Cli, survey_repo: Path, damage: object) -> None:
    cold = outputs(run, survey_repo)
    for path in (survey_repo / CACHE_DIR).glob("*.cache"):
        path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert outputs(run, survey_repo) == cold
    header = json.loads((survey_repo / CACHE_DIR / "records.cache").read_bytes().split(b"\n")[0])
    assert (header["fingerprint"], header["code"]) == (fingerprint(), code_fingerprint())


def test_an_edit_is_kept_in_a_patch_beside_the_sections_written_whole(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = outputs(run, survey_repo)
    whole = cache_files(survey_repo)["records.cache"]
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    text = entry.read_text(encoding="utf-8")
    # The title no longer protects "Moshi" as its row's name: the record is made again.
    entry.write_text(text.replace("name: Moshi", "name: Moshi 2"), encoding="utf-8")
    edited = outputs(run, survey_repo)
    assert cache_files(survey_repo)["records.cache"] == whole
    assert (survey_repo / CACHE_DIR / "records.patch.cache").is_file()
    # The patch read back: the command after finds everything it needs in the cache.
    build_parses_nothing_again(run, survey_repo, monkeypatch)
    monkeypatch.undo()
    entry.write_text(text, encoding="utf-8")
    assert outputs(run, survey_repo) == cold
    shutil.rmtree(survey_repo / CACHE_DIR)
    entry.write_text(text.replace("name: Moshi", "name: Moshi 2"), encoding="utf-8")
    assert outputs(run, survey_repo) == edited


def _forged_patch(root: Path, generation: str | None) -> None:
    """A patch of the records giving each kept record another's normalised fields."""
    items, stored = cache_module._read_section(root / CACHE_DIR, "records")
    values = list(items.values())
    forged = dict(zip(items, [*values[1:], values[0]], strict=True))
    cache_module._write(root / CACHE_DIR, "records.patch.cache", (forged, ()),
                        base=generation or stored.generation)


def test_a_patch_applies_to_the_file_it_names_only(run: Cli, survey_repo: Path) -> None:
    cold = outputs(run, survey_repo)
    _forged_patch(survey_repo, "another")
    assert outputs(run, survey_repo) == cold
    _forged_patch(survey_repo, None)
    assert outputs(run, survey_repo) != cold  # the same patch, naming this file: read


def test_a_patch_grows_to_an_eighth_of_the_section_then_it_is_written_whole(
        tmp_path: Path) -> None:
    def save(values: dict[str, str]) -> dict[str, str]:
        cache = open_cache(tmp_path)
        section = cache.section("records")
        for key in section.items.keys() - values.keys():
            section.forget(key)
        for key, value in values.items():
            if section.get(key) != value:
                section.put(key, value)
        cache.save()
        return dict(open_cache(tmp_path).section("records").items)

    folder = tmp_path / CACHE_DIR
    values = {f"k{n}": f"v{n}" for n in range(160)}
    assert save(values) == values and not (folder / "records.patch.cache").exists()
    whole = (folder / "records.cache").read_bytes()
    for n in range(10):  # up to fifteen values changed or dropped of 155: a patch
        values[f"k{n}"] = f"changed {n}"
        if n % 2:
            del values[f"k{n + 80}"]
        assert save(values) == values
        assert (folder / "records.cache").read_bytes() == whole
    values.update({f"k{n}": "too many" for n in range(150, 155)})  # 25 of 155
    assert save(values) == values
    assert (folder / "records.cache").read_bytes() != whole
    assert not (folder / "records.patch.cache").exists()


def test_the_same_code_installed_again_reads_the_cache_other_code_does_not(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check", root=survey_repo).output == "no problems found\n"
    cache = open_cache(survey_repo)
    answers = cache.section("answers", complete=False)
    for key, value in list(answers.items.items()):
        answers.put(key, ["kept\n", "", 0, value[3]])
    cache.save()
    # Installed afresh (a CI machine restoring the folder): other times, the same content.
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "installed again")
    assert run("check", root=survey_repo).output == "kept\n"
    for path in (survey_repo / CACHE_DIR).glob("*.cache"):
        header = json.loads(path.read_bytes().split(b"\n")[0])
        assert header["code"] == code_fingerprint()
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "other code")
    assert run("check", root=survey_repo).output == "no problems found\n"


def test_the_packages_digest_follows_its_files_content_not_their_times(tmp_path: Path) -> None:
    package = tmp_path / "speechlm_bib"
    shutil.copytree(Path(cache_module.__file__).resolve().parent.parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = package_digest(package)
    for path in package.rglob("*"):
        os.utime(path, (0, 0))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"bytecode")
    assert package_digest(package) == first
    template = next(path for path in package.rglob("*") if path.suffix in {".html", ".j2",
                                                                          ".css", ".js"})
    template.write_bytes(template.read_bytes() + b" ")
    assert package_digest(package) != first


def test_a_librarys_version_is_read_from_its_installed_metadata(tmp_path: Path) -> None:
    for name in ("PyYAML-6.0.2.dist-info", "pyyaml_env-1.0.dist-info", "rapidfuzz-3.14.6.dist-info",
                 "yaml"):
        (tmp_path / name).mkdir()
    assert installed_version(tmp_path, "pyyaml") == "6.0.2"
    assert installed_version(tmp_path, "rapidfuzz") == "3.14.6"
    assert installed_version(tmp_path, "bibtexparser") is None


def test_values_of_the_wrong_shape_under_a_valid_checksum_are_dropped(
        run: Cli, survey_repo: Path) -> None:
    cold = outputs(run, survey_repo)
    cache = open_cache(survey_repo)
    for name in ("entries", "arxiv", "records", "bibtex", "hand", "findings", "answers",
                 "facts", "links", "rows", "similar"):
        section = cache.section(name)
        for digest, value in list(section.items.items()):
            # The checks' facts: as many fields as they have, of the wrong kinds.
            wrong = (("x",) * len(value) if name in {"facts", "links", "rows", "similar"}
                     else 42 if name == "bibtex" else ["wrong", "shape"])
            section.items[digest] = wrong
            section.put(digest, wrong)
    cache.save()
    assert outputs(run, survey_repo) == cold


def test_equal_parts_of_kept_values_are_written_once_and_read_back_as_one(
        survey_repo: Path) -> None:
    first = tuple([tuple(["author", "arxiv"]), tuple(["title", "arxiv"])])
    second = tuple([tuple(["author", "arxiv"]), tuple(["title", "arxiv"])])
    assert first == second and first is not second
    cache = open_cache(survey_repo)
    cache.section("records").put("a", (first, "x"))
    cache.section("records").put("b", (second, "y"))
    cache.save()
    items = open_cache(survey_repo).section("records").items
    assert items["a"] == (first, "x") and items["b"] == (second, "y")
    assert items["a"][0] is items["b"][0]


def test_a_value_put_is_found_by_the_same_command_in_plain_form(survey_repo: Path) -> None:
    section = open_cache(survey_repo).section("records")
    assert section.get("a") is None
    section.put("a", [Path("x/y"), ("b", 1)])
    assert section.get("a") == ("x/y", ("b", 1))


def test_a_cache_that_cannot_be_written_does_not_stop_a_command(
        run: Cli, survey_repo: Path) -> None:
    (survey_repo / CACHE_DIR).write_text("a file where the folder would be", encoding="utf-8")
    before = tree_bytes(survey_repo)
    assert run("build", "--check", root=survey_repo).exit_code == 0
    assert run("check", root=survey_repo).exit_code == 0
    assert tree_bytes(survey_repo) == before
    assert (survey_repo / CACHE_DIR).read_text(encoding="utf-8").startswith("a file where")


def test_bad_input_leaves_no_cache_behind(run: Cli, survey_repo: Path) -> None:
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    entry.write_text("name: [unclosed\n", encoding="utf-8")
    result = run("build", root=survey_repo)
    assert result.exit_code == 2
    assert not (survey_repo / CACHE_DIR).exists()


def test_the_cache_stays_out_of_git(run: Cli, survey_repo: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to test that the cache stays out of it")
    subprocess.run(["git", "init", "-q"], cwd=survey_repo, check=True)
    outputs(run, survey_repo)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=survey_repo, capture_output=True, text=True, check=True)
    assert (survey_repo / CACHE_DIR).is_dir()
    assert CACHE_DIR not in status.stdout


def test_an_unknown_cache_setting_is_refused(run: Cli, survey_repo: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "sometimes")
    result = run("check", root=survey_repo)
    assert result.exit_code == 2
    assert "SPEECHLM_BIB_CACHE must be on or off" in result.output


def _parses_recorded(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The entry files parsed from now on (the cache's reader's parser, recorded)."""
    parsed: list[Path] = []

    def parse_entry(text: str, path: Path, section: Section) -> Entry:
        parsed.append(path)
        return entries.parse_entry(text, path, section)

    monkeypatch.setattr(memoised, "parse_entry", parse_entry)
    return parsed


def test_add_and_rename_read_through_the_cache_and_keep_what_they_write(
        run: Cli, survey_repo: Path, arxiv: ArxivReplayServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", root=survey_repo).exit_code == 0
    parsed = _parses_recorded(monkeypatch)
    added = run("add", "2407.18961", "--section", "benchmarks", root=survey_repo)
    assert added.exit_code == 0, added.output
    new = survey_repo / "entries" / "benchmarks" / "150-mmau.yaml"
    assert parsed == [new]  # the others taken from the cache; the new one kept for the next
    renamed = run("rename", "yin2024mmau", "mmau2024", root=survey_repo)
    assert renamed.exit_code == 0, renamed.output
    assert parsed == [new, new]
    build_parses_nothing_again(run, survey_repo, monkeypatch)


def test_the_site_is_the_same_from_a_warm_and_without_the_cache(
        run: Cli, survey_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", root=survey_repo).exit_code == 0  # the records' BibTeX kept
    warm, off = tmp_path / "warm", tmp_path / "off"
    assert run("site", "--output", str(warm), root=survey_repo).exit_code == 0
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert run("site", "--output", str(off), root=survey_repo).exit_code == 0
    assert tree_bytes(warm) == tree_bytes(off)
    assert len(tree_bytes(warm)) >= 5


def test_a_check_after_an_edit_makes_the_facts_of_what_changed_only(
        run: Cli, survey_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check", root=survey_repo).exit_code == 0
    entry = next((survey_repo / "entries").rglob("*moshi*.yaml"))
    text = entry.read_text(encoding="utf-8").replace("name: Moshi", "name: Moshi 2")
    entry.write_text(text.replace("https://kyutai.org/Moshi.pdf",
                                  "http://arxiv.org/abs/2410.00037v1?utm_source=x"),
                     encoding="utf-8")
    made: list[str] = []
    record_facts, link_facts = facts._made, facts._link_made

    def record_made(record: Record, year: int) -> facts.RecordFacts:
        made.append(record.key)
        return record_facts(record, year)

    def link_made(url: str) -> facts.LinkFacts:
        made.append(url)
        return link_facts(url)

    def row_made(entry: Entry, *args: Any) -> Iterator[Any]:
        made.append(entry.path.name)
        return row_problems(entry, *args)

    row_problems = rows.row_problems
    monkeypatch.setattr(facts, "_made", record_made)
    monkeypatch.setattr(facts, "_link_made", link_made)
    monkeypatch.setattr(facts, "row_problems", row_made)
    warm = run("check", "--format", "json", root=survey_repo)
    # The name is among what the record's title protects: the record is made again, and the
    # rows that cite it.
    assert made[:2] == ["defossez2024moshi", "http://arxiv.org/abs/2410.00037v1?utm_source=x"]
    assert sorted(made[2:]) == sorted(
        e.name for e in (survey_repo / "entries").rglob("*.yaml")
        if "key: defossez2024moshi" in e.read_text(encoding="utf-8"))
    codes = {f["code"] for f in json.loads(warm.output)["findings"]}
    assert {"pinned-version", "tracking-parameter", "insecure-url"} <= codes
    monkeypatch.setenv("SPEECHLM_BIB_CACHE", "off")
    assert run("check", "--format", "json", root=survey_repo).output == warm.output
