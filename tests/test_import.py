"""Importing the survey's README in place: every row, the repairs it reports, nothing else."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from bibtexparser.entrypoint import parse_string

from speechlm_bib.store.repository import load_repository

from arxiv_server import ArxivReplayServer
from conftest import REPO, SURVEY_README, Cli, adopt_copy, changed_lines, run_subprocess, tree_bytes


def _adopted(tmp_path: Path, run: Cli, *args: str) -> dict[str, Any]:
    """Import a copy of the survey README in place; the JSON report."""
    adopt_copy(SURVEY_README, tmp_path)
    result = run("import", tmp_path / "README.md", "--format", "json", *args, root=tmp_path)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _repairs(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in report["repairs"] if r["kind"] == kind]


def test_import_then_build_gives_back_the_readme_but_for_reported_repairs(
        tmp_path: Path, run: Cli) -> None:
    report = _adopted(tmp_path, run)
    assert run("build", root=tmp_path).exit_code == 0
    rebuilt = (tmp_path / "README.md").read_text(encoding="utf-8")
    original = SURVEY_README.read_text(encoding="utf-8")
    assert changed_lines(original, rebuilt) == {r["line"] for r in report["repairs"]}
    assert run("build", "--check", root=tmp_path).exit_code == 0


def test_the_report_names_each_known_defect_of_the_survey(tmp_path: Path, run: Cli) -> None:
    report = _adopted(tmp_path, run)
    pins = {(r["before"], r["after"]) for r in _repairs(report, "version-pin")}
    assert ("https://arxiv.org/abs/2310.05224v1", "https://arxiv.org/abs/2310.05224") in pins
    assert len(pins) == 3
    tracking = _repairs(report, "tracking-parameter")
    assert any("casa_token" in r["before"] and "casa_token" not in r["after"] for r in tracking)
    assert any("chksm" in r["before"] and r["row"] == 3 for r in tracking)
    https = _repairs(report, "https")
    assert len(https) == 12
    assert all(r["before"].startswith("http://arxiv.org/abs/") for r in https)
    mojibake = _repairs(report, "mojibake")
    assert [(r["line"], r["after"]) for r in mojibake] == [
        (27, "理想同学MindGPT-4o-Audio实时语音对话大模型发布")]
    assert mojibake[0]["before"].startswith("ÁêÜÊÉ≥")
    documented = (REPO / "docs" / "adopting.md").read_text(encoding="utf-8")
    assert all(f"| `{r['kind']}` |" in documented for r in report["repairs"])


def test_every_row_becomes_an_entry_in_readme_order(tmp_path: Path, run: Cli) -> None:
    report = _adopted(tmp_path, run)
    repo = load_repository(tmp_path)
    counts = {s.id: sum(e.section == s.id for e in repo.entries) for s in repo.sections}
    assert counts == {
        "existing_speechlms": 51, "semantic_tokenizers": 7, "acoustic_tokenizers": 4,
        "mixed_tokenizers": 2, "popular_training_datasets": 19, "evaluation_benchmarks": 14}
    assert report["entries"] == 97
    models = [e.name for e in repo.entries if e.section == "existing_speechlms"]
    assert models[:3] == ["OpenAI Advanced Voice Mode", "Claude Voice Mode", "MindGPT-4o-Audio"]
    assert models[21] is None and models[-1] == "GSLM"
    assert repo.surveys == ("cui2024recent",)
    assert repo.hand["cui2024recent"].get("journal") == "arXiv preprint arXiv:2410.03751"


def test_each_table_keeps_its_columns_and_their_roles(tmp_path: Path, run: Cli) -> None:
    report = _adopted(tmp_path, run)
    roles = {t["section"]: [(r["heading"], r["role"]) for r in t["roles"]]
             for t in report["tables"]}
    assert roles["existing_speechlms"] == [("Model", "name"), ("Title", "title"),
                                           ("Url", "link")]
    assert roles["popular_training_datasets"] == [
        ("Dataset", "name"), ("Type", "column"), ("Phase", "column"), ("Hours", "column"),
        ("Year", "date")]
    repo = load_repository(tmp_path)
    libri = next(e for e in repo.entries if e.name == "LibriSpeech")
    assert (libri.url, libri.date, dict(libri.columns)) == (
        "https://www.openslr.org/12", "2015", {"Type": "ASR", "Phase": "Pre-Training",
                                              "Hours": "1k"})
    stsp = next(e for e in repo.entries if e.name == "STSP")
    assert stsp.markdown("I/O") == r"$A/T \rightarrow A/T$"
    instruct = next(e for e in repo.entries if e.name == "InstructS2S-200K")
    assert instruct.column("Hours") is None and instruct.url is None
    gen = next(e for e in repo.entries if e.name == "SpeechGPT-Gen")
    assert (gen.url, gen.arxiv) == ("https://arxiv.org/abs/2401.13527", "2401.13527")


def test_rows_without_a_paper_link_are_reported(tmp_path: Path, run: Cli) -> None:
    report = _adopted(tmp_path, run)
    assert [(n["section"], n["row"]) for n in report["unlinked"]] == [
        ("popular_training_datasets", 18), ("evaluation_benchmarks", 1),
        ("evaluation_benchmarks", 2), ("evaluation_benchmarks", 3)]


def test_a_second_import_changes_nothing_and_says_so(tmp_path: Path, run: Cli) -> None:
    _adopted(tmp_path, run)
    run("build", root=tmp_path)
    before = tree_bytes(tmp_path)
    result = run("import", tmp_path / "README.md", root=tmp_path)
    assert result.exit_code == 0
    assert "nothing to import: 6 tables are under speechlm-bib markers already" in result.stdout
    assert tree_bytes(tmp_path) == before


def test_the_survey_repositorys_own_readme_is_imported_already(survey_repo: Path,
                                                               run: Cli) -> None:
    before = tree_bytes(survey_repo)
    result = run("import", survey_repo / "README.md", "--format", "json", root=survey_repo)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["nothing_to_import"] and report["marked"] == 6
    assert tree_bytes(survey_repo) == before


def test_dry_run_shows_the_report_and_writes_nothing(tmp_path: Path, run: Cli) -> None:
    readme = adopt_copy(SURVEY_README, tmp_path)
    result = run("import", readme, "--dry-run", root=tmp_path)
    assert result.exit_code == 0
    assert "would import 6 tables, 97 entries (dry run: nothing written)" in result.stdout
    assert "version-pin: 'https://arxiv.org/abs/2310.05224v1'" in result.stdout
    assert "README.md:24: existing_speechlms: whitespace: 52 lines (lines 24-75)" in result.stdout
    assert "'InstructS2S-200K': no paper link" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    assert readme.read_bytes() == SURVEY_README.read_bytes()


def test_import_refuses_an_existing_list_and_writes_nothing(tmp_path: Path, run: Cli) -> None:
    _adopted(tmp_path, run)
    other = tmp_path / "other.md"
    other.write_text(SURVEY_README.read_text(encoding="utf-8"), encoding="utf-8")
    before = tree_bytes(tmp_path)
    result = run("import", other, root=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"speechlm-bib: error: {tmp_path}/entries/list.yaml: a list exists "
                             "already here: add rows to it with `speechlm-bib add` or by editing "
                             "entries/, or import into an empty folder\n")
    assert tree_bytes(tmp_path) == before


def test_another_file_is_copied_into_a_repository_without_readme(tmp_path: Path,
                                                                 run: Cli) -> None:
    result = run("import", SURVEY_README, root=tmp_path / "repo")
    assert result.exit_code == 0, result.output
    readme = (tmp_path / "repo" / "README.md").read_text(encoding="utf-8")
    assert "<!-- speechlm-bib:begin table existing_speechlms -->" in readme
    assert "speechlm-bib" not in SURVEY_README.read_text(encoding="utf-8")


def test_another_file_is_refused_where_the_repository_has_its_own_readme(
        tmp_path: Path, run: Cli) -> None:
    (tmp_path / "README.md").write_text("# Mine\n", encoding="utf-8")
    result = run("import", SURVEY_README, root=tmp_path)
    assert result.exit_code == 2
    assert "README.md: the repository has its own README.md" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_every_imported_entry_records_the_day_it_was_added(tmp_path: Path) -> None:
    from speechlm_bib.services import run_import

    day = date(2025, 3, 4)
    adopt_copy(SURVEY_README, tmp_path)
    run_import(tmp_path, tmp_path / "README.md", today=day)
    entries = load_repository(tmp_path).entries
    assert len(entries) == 97 and {entry.added for entry in entries} == {"2025-03-04"}
    moshi = next(e for e in entries if e.name == "Moshi")
    assert moshi.path.read_text(encoding="utf-8").endswith("\nadded: 2025-03-04\n")


def test_import_refuses_markdown_without_tables(tmp_path: Path, run: Cli) -> None:
    source = tmp_path / "plain.md"
    source.write_text("# A list\n\nNo tables here.\n", encoding="utf-8")
    result = run("import", source, root=tmp_path / "repo")
    assert result.exit_code == 2
    assert "plain.md:1: no markdown table with links found" in result.stderr
    assert not (tmp_path / "repo").exists()


def test_import_and_build_as_real_processes(tmp_path: Path) -> None:
    adopt_copy(SURVEY_README, tmp_path)
    result = run_subprocess("import", "README.md", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["entries"] == 97 and "entries/list.yaml" in report["written"]
    assert len(list((tmp_path / "entries").rglob("*.yaml"))) == 98
    built = run_subprocess("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    rebuilt = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert changed_lines(SURVEY_README.read_text(encoding="utf-8"), rebuilt) == {
        r["line"] for r in report["repairs"]}


def test_after_sync_and_build_the_readme_stays_and_every_arxiv_row_has_a_record(
        tmp_path: Path, run: Cli, arxiv: ArxivReplayServer) -> None:
    _adopted(tmp_path, run)
    run("build", root=tmp_path)
    built = (tmp_path / "README.md").read_bytes()
    result = run("sync", root=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_bytes() == built
    references = parse_string((tmp_path / "references.bib").read_text(encoding="utf-8"))
    eprints = {str(e.fields_dict["eprint"].value) for e in references.entries
               if "eprint" in e.fields_dict}
    rows = {e.arxiv for e in load_repository(tmp_path).entries if e.arxiv}
    # 50 ids the rows' links give, and 4 more works sync linked rows to by their titles
    # (Spectron, VoxtLM, Voicebox, TWIST; Moshi's row is linked to Mimi's paper).
    assert len(rows) == 54 and rows <= eprints
    assert run("build", "--check", root=tmp_path).exit_code == 0
