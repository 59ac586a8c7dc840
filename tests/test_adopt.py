"""Adopting lists laid out as real lists are: their vocabularies, links, Markdown and BibTeX."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from bibtexparser.entrypoint import parse_string
from markdown_it import MarkdownIt

from speechlm_bib.model import Entry
from speechlm_bib.store.repository import load_repository

from arxiv_server import ArxivReplayServer
from conftest import ADOPT, REPLAY, Cli, adopt_copy, changed_lines, tree_bytes

DIALOGUE = ADOPT / "dialogue-list.README.md"
VOCABULARY = ADOPT / "vocabulary-list.README.md"


def _adopt(source: Path, root: Path, run: Cli) -> dict[str, Any]:
    adopt_copy(source, root)
    result = run("import", root / "README.md", "--format", "json", root=root)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _entry(root: Path, name: str) -> Entry:
    return next(e for e in load_repository(root).entries if e.name == name)


def _roles(report: dict[str, Any]) -> dict[str | None, list[tuple[str, str]]]:
    return {t["section"]: [(r["heading"], r["role"]) for r in t["roles"]]
            for t in report["tables"]}


def _tables(text: str) -> list[list[list[str]]]:
    """Every table of a README as rows of cells' inline Markdown (as markdown-it reads it)."""
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
            tables[-1].append(row)
        elif token.type == "tr_close":
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
    return tables


@pytest.mark.parametrize("source", [DIALOGUE, VOCABULARY], ids=["dialogue", "vocabulary"])
def test_import_then_build_gives_back_the_readme_but_for_reported_repairs(
        source: Path, tmp_path: Path, run: Cli) -> None:
    report = _adopt(source, tmp_path, run)
    assert run("build", root=tmp_path).exit_code == 0
    rebuilt = (tmp_path / "README.md").read_text(encoding="utf-8")
    changed = changed_lines(source.read_text(encoding="utf-8"), rebuilt)
    assert changed == {r["line"] for r in report["repairs"]}


def test_date_model_name_paper_title_link_columns(tmp_path: Path, run: Cli) -> None:
    report = _adopt(DIALOGUE, tmp_path, run)
    roles = _roles(report)
    assert roles["spoken_dialogue_models"] == [
        ("Date", "date"), ("Model Name", "name"), ("Paper Title", "title"), ("Link", "link")]
    assert roles["speech_audio_codec_models"] == roles["spoken_dialogue_models"]
    names = sorted(p.name for p in (tmp_path / "entries" / "spoken_dialogue_models").iterdir())
    assert names == ["010-moshi.yaml", "020-glm-4-voice.yaml", "030-mini-omni.yaml",
                     "040-hertz-dev.yaml", "050-minmo.yaml", "060-speechgpt.yaml",
                     "070-recent-advances-in-speech-language-model.yaml",
                     "080-qwen2-5-omni.yaml"]
    moshi = _entry(tmp_path, "Moshi")
    assert (moshi.name, moshi.date, moshi.arxiv) == ("Moshi", "2024-09", "2410.00037")


def test_every_link_of_a_cell_is_kept_and_the_paper_link_decides(tmp_path: Path,
                                                                 run: Cli) -> None:
    _adopt(DIALOGUE, tmp_path, run)
    moshi = _entry(tmp_path, "Moshi")
    assert moshi.url == "https://arxiv.org/abs/2410.00037"
    assert moshi.links == ("[code](https://github.com/kyutai-labs/moshi)",)
    omni = _entry(tmp_path, "Mini-Omni")
    assert omni.markdown("name") == "**Mini-Omni** :star:"
    assert (omni.url, omni.arxiv) == ("https://arxiv.org/abs/2408.16725", "2408.16725")
    assert omni.links == ("[code](https://github.com/gpt-omni/mini-omni)",
                          "[demo](https://huggingface.co/spaces/gradio/omni-mini)")
    hertz = _entry(tmp_path, "Hertz-dev")
    assert hertz.markdown("title") == "[blog](https://si.inc/hertz-dev/)"
    assert hertz.title == "blog" and hertz.url is None
    assert hertz.links == ("[code](https://github.com/Standard-Intelligence/hertz-dev)",)


def test_a_related_repository_row_keeps_both_its_links(tmp_path: Path, run: Cli) -> None:
    report = _adopt(DIALOGUE, tmp_path, run)
    assert _roles(report)["related_repository"] == [
        ("Repository", "name"), ("Description", "column"), ("Links", "link")]
    row = _entry(tmp_path, "awesome-speechlm")
    assert row.markdown("name") == "[awesome-speechlm](https://github.com/example/awesome-speechlm)"
    assert row.arxiv == "2410.03751"
    assert row.cell("link") == ("[GitHub](https://github.com/example/awesome-speechlm) "
                                "[paper](https://arxiv.org/abs/2410.03751)")
    run("build", root=tmp_path)
    table = _tables((tmp_path / "README.md").read_text(encoding="utf-8"))[2]
    assert table[1][2] == row.cell("link")


def test_a_shortcode_heading_gives_a_clean_section_id(tmp_path: Path, run: Cli) -> None:
    _adopt(DIALOGUE, tmp_path, run)
    listing = yaml.safe_load((tmp_path / "entries" / "list.yaml").read_text(encoding="utf-8"))
    sections = {s["id"]: s for s in listing["sections"]}
    assert list(sections) == ["spoken_dialogue_models", "speech_audio_codec_models",
                              "related_repository"]
    assert sections["speech_audio_codec_models"]["heading"] == \
        ":trident: Speech Audio Codec Models"
    assert sections["speech_audio_codec_models"]["columns"][0] == {
        "heading": "Date", "source": "date", "align": "center"}
    assert "key_column" not in listing and listing["markdown"] is True


def test_other_vocabularies(tmp_path: Path, run: Cli) -> None:
    report = _adopt(VOCABULARY, tmp_path, run)
    assert _roles(report) == {
        "methods": [("Method", "name"), ("Paper", "title"), ("Venue", "venue"),
                    ("Year", "date"), ("Code", "links")],
        "systems": [("System", "name"), ("Title", "title"), ("Url", "link"),
                    ("Conference", "venue")],
        "benchmarks": [("Benchmark", "name"), ("Publication", "title"), ("Month", "date"),
                       ("Project", "links"), ("Demo", "links")],
        "datasets": [("Name", "name"), ("Dataset", "column"), ("Hours", "column"),
                     ("Link", "link")],
    }
    audiopalm = _entry(tmp_path, "AudioPaLM")
    assert audiopalm.title == "AudioPaLM: A Large Language Model That Can Speak and Listen"
    assert audiopalm.arxiv == "2306.12925" and audiopalm.venue == "arXiv"
    assert audiopalm.column("Code") == "Star"
    assert (audiopalm.markdown("Code") or "").startswith("[![Star](https://img.shields.io/")
    nameless = [e for e in load_repository(tmp_path).entries if e.section == "methods"][3]
    assert nameless.name is None and nameless.arxiv == "2310.08715"
    assert nameless.path.name == "040-toward-joint-language-modeling-for-speec.yaml"
    superb = _entry(tmp_path, "SUPERB")
    assert (superb.arxiv, superb.date) == ("2105.01051", "2021-05")
    assert superb.markdown("Project") == "[project](https://superbbenchmark.org)"
    whisper = _entry(tmp_path, "Whisper")
    assert whisper.venue == "ICML 2023" and whisper.arxiv == "2212.04356"
    assert whisper.label is None
    hubert = _entry(tmp_path, "HuBERT")
    assert (hubert.label, hubert.cells) == ("arXiv:2106.07447", ())


def test_a_table_without_links_is_left_as_it_is_and_reported(tmp_path: Path,
                                                             run: Cli) -> None:
    report = _adopt(DIALOGUE, tmp_path, run)
    skipped = [t for t in report["tables"] if t["section"] is None]
    assert skipped == [{"line": 54, "heading": "Feature Overview", "rows": 2, "section": None,
                        "reason": "no link column: left as it is", "roles": []}]
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "\n\n| Model | Full duplex | Open weights |\n| --- | --- | --- |\n" in text
    result = run("import", tmp_path / "README.md", root=tmp_path)
    assert "no link column: left as it is" in result.stdout


def test_citation_records_become_records_and_the_citation_block(tmp_path: Path,
                                                                run: Cli) -> None:
    report = _adopt(DIALOGUE, tmp_path, run)
    assert [(r["key"], r["line"]) for r in report["records"]] == [
        ("cui2024recent", 9), ("cui2025voxeval", 71), ("example2025awesome", 78)]
    repo = load_repository(tmp_path)
    assert repo.surveys == ("cui2024recent", "cui2025voxeval", "example2025awesome")
    assert repo.hand["example2025awesome"].get("howpublished") == "GitHub repository"
    run("build", root=tmp_path)
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    fences = [t for t in MarkdownIt("commonmark").parse(text) if t.type == "fence"]
    assert len(fences) == 2 and fences[0].content == fences[1].content.split("\n\n@")[0] + "\n"
    cited = parse_string(run("cite", root=tmp_path).stdout)
    assert [e.key for e in cited.entries] == list(repo.surveys)
    references = parse_string((tmp_path / "references.bib").read_text(encoding="utf-8"))
    assert {"cui2024recent", "cui2025voxeval", "example2025awesome"} <= {
        e.key for e in references.entries}


def test_an_intro_record_outside_the_citation_section_is_kept(tmp_path: Path,
                                                              run: Cli) -> None:
    source = tmp_path / "source.md"
    text = DIALOGUE.read_text(encoding="utf-8").replace(
        "@article{cui2024recent,\n  title={Recent Advances in Speech Language Models: A Survey}",
        "@article{cui2024survey,\n  title={Recent Advances in Speech Language Models: A Survey}",
        1)
    source.write_text(text, encoding="utf-8")
    report = _adopt(source, tmp_path / "repo", run)
    repo = load_repository(tmp_path / "repo")
    assert "cui2024survey" in repo.hand and "cui2024survey" not in repo.surveys
    assert list(repo.keep) == ["cui2024survey"]
    assert report["records"][0]["key"] == "cui2024survey"
    assert run("check", "--format", "json", root=tmp_path / "repo").stdout.count(
        "unused-record") == 0


def test_a_key_column_is_the_maintainers_choice(tmp_path: Path, run: Cli) -> None:
    _adopt(DIALOGUE, tmp_path, run)
    run("build", root=tmp_path)
    listing = tmp_path / "entries" / "list.yaml"
    listing.write_text("key_column: true\n" + listing.read_text(encoding="utf-8"),
                       encoding="utf-8")
    run("build", root=tmp_path)
    tables = _tables((tmp_path / "README.md").read_text(encoding="utf-8"))
    assert [table[0][-1] for table in tables] == ["Key", "Key", "Key", "Open weights"]
    codecs = tables[1]
    assert [row[-1] for row in codecs[1:]] == ["-"] * 4


def test_after_sync_and_build_the_readme_is_the_same_and_every_known_row_has_a_record(
        tmp_path: Path, run: Cli, arxiv: ArxivReplayServer) -> None:
    _adopt(DIALOGUE, tmp_path, run)
    run("build", root=tmp_path)
    built = (tmp_path / "README.md").read_bytes()
    result = run("sync", root=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_bytes() == built
    assert run("build", "--check", root=tmp_path).exit_code == 0
    library = parse_string((tmp_path / "references.bib").read_text(encoding="utf-8"))
    eprints = {str(e.fields_dict["eprint"].value) for e in library.entries
               if "eprint" in e.fields_dict}
    known = {path.stem for path in REPLAY.glob("*.xml")}
    rows = {e.arxiv for e in load_repository(tmp_path).entries if e.arxiv}
    assert rows <= known and rows <= eprints
    survey = next(e for e in library.entries if e.key == "cui2024recent")
    assert str(survey.fields_dict["journal"].value) == "arXiv preprint arXiv:2410.03751"


def test_check_flags_a_name_spelled_otherwise_than_its_work(
        tmp_path: Path, run: Cli, arxiv: ArxivReplayServer) -> None:
    _adopt(DIALOGUE, tmp_path, run)
    run("sync", root=tmp_path)
    findings = json.loads(run("check", "--format", "json", root=tmp_path).stdout)["findings"]
    spelling = [f for f in findings if f["code"] == "name-spelling"]
    assert [(f["path"], f["key"]) for f in spelling] == [
        ("entries/spoken_dialogue_models/050-minmo.yaml", "chen2025minmo")]
    assert "'Minmo'" in spelling[0]["message"] and "'MinMo'" in spelling[0]["message"]


def test_second_import_of_an_adopted_list_changes_nothing(tmp_path: Path, run: Cli) -> None:
    _adopt(VOCABULARY, tmp_path, run)
    run("build", root=tmp_path)
    before = tree_bytes(tmp_path)
    result = run("import", tmp_path / "README.md", "--format", "json", root=tmp_path)
    assert json.loads(result.stdout)["nothing_to_import"] is True
    assert tree_bytes(tmp_path) == before


def test_a_citation_block_with_more_than_records_is_left_as_written(tmp_path: Path,
                                                                    run: Cli) -> None:
    source = tmp_path / "source.md"
    source.write_text(DIALOGUE.read_text(encoding="utf-8").replace(
        "```bibtex\n@article{cui2024recent,", "```bibtex\n% the survey\n@article{cui2024recent,"),
        encoding="utf-8")
    report = _adopt(source, tmp_path / "repo", run)
    text = (tmp_path / "repo" / "README.md").read_text(encoding="utf-8")
    assert "speechlm-bib:begin citation" not in text and "% the survey\n" in text
    assert [n["line"] for n in report["notes"]] == [9, 65]
    repo = load_repository(tmp_path / "repo")
    assert repo.surveys == () and set(repo.keep) == {
        "cui2024recent", "cui2025voxeval", "example2025awesome"}
