"""Repository checks: each code triggered by a small repository, and quiet on good data."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from speechlm_bib.checks import CODES, check_all, similarity
from speechlm_bib.errors import InputError
from speechlm_bib.link import link
from speechlm_bib.model import Finding
from speechlm_bib.store.repository import load_repository

from conftest import Cli, tree_bytes

LIST = """\
survey: {survey}
{keep}sections:
- id: models
  heading: Models
  columns:
  - heading: Name
    source: name
  - heading: Title
    source: title
  - heading: Url
    source: link
"""
META = {
    "2410.00037": ("Alexandre Défossez", "2024", "Moshi: a speech-text foundation model"),
    "2106.07447": ("Wei-Ning Hsu", "2021", "HuBERT: Self-Supervised Speech Representation"),
    "2409.06666": ("Qingkai Fang", "2024", "LLaMA-Omni: Seamless Speech Interaction"),
}


def make_repo(root: Path, entries: dict[str, str], records: str = "",
              survey: str = "defossez2024moshi", keep: str = "") -> Path:
    """A small repository: one section, the given entry files and records, stored metadata."""
    (root / "entries" / "models").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "entries" / "list.yaml").write_text(LIST.format(survey=survey, keep=keep))
    (root / "entries" / "records.bib").write_text(records)
    for name, text in entries.items():
        (root / "entries" / "models" / f"{name}.yaml").write_text(text)
    store = {arxiv_id: {"version": 1, "title": title, "authors": [author, "B. Other"],
                        "published": f"{year}-01-02T00:00:00Z",
                        "updated": f"{year}-01-02T00:00:00Z"}
             for arxiv_id, (author, year, title) in META.items()}
    (root / "data" / "arxiv.json").write_text(json.dumps(store))
    return root


MOSHI = "key: defossez2024moshi\nname: Moshi\narxiv: '2410.00037'\n"


def findings(root: Path, code: str | None = None) -> list[Finding]:
    found = check_all(link(load_repository(root)))
    return [f for f in found if code is None or f.code == code]


def codes(root: Path) -> set[tuple[str, str | None]]:
    return {(f.code, f.key) for f in findings(root)}


def test_the_committed_survey_checks_clean(survey_repo: Path) -> None:
    assert findings(survey_repo) == []


def test_acknowledged_findings_come_back_when_their_data_changes(survey_repo: Path) -> None:
    entry = survey_repo / "entries" / "models" / "030-mindgpt-4o-audio.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "title: 理想同学", "title: 理想"), encoding="utf-8")
    codes = sorted(f.code for f in findings(survey_repo))
    assert codes == ["stale-acknowledgement", "title-mismatch"]


def test_a_small_good_repository_has_no_findings(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": MOSHI + "url: https://arxiv.org/abs/2410.00037\n",
        "b": "name: HuBERT\narxiv: '2106.07447'\ntitle: 'HuBERT: self-supervised speech "
             "representation'\n",
        "c": "key: smith2020corpus\nname: Corpus\nurl: https://example.org/corpus\n",
    }, "@misc{smith2020corpus, author = {Smith, Jo}, title = {A Corpus}, year = {2020},"
       " url = {https://example.org/corpus}}\n")
    assert findings(root) == []


def test_every_code_is_documented() -> None:
    text = (Path(__file__).parent.parent / "docs" / "check.md").read_text()
    assert all(f"`{code}`" in text for code in CODES)


def test_an_entry_without_a_record_or_metadata_is_unlinked(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": MOSHI, "b": "key: nobody2020x\nname: X\n", "c": "name: Y\narxiv: '2301.00001'\n",
        "d": "name: Z\nurl: https://example.org/z\n",
    })
    assert {(f.code, f.path, f.line) for f in findings(root)} == {
        ("unlinked-entry", "entries/models/b.yaml", 1),
        ("missing-metadata", "entries/models/c.yaml", 2),
        ("unlinked-entry", "entries/models/d.yaml", 1),
    }


RECORD = "@misc{{{key}, author = {{Smith, Jo}}, title = {{{title}}}, year = {{2020}}}}\n"


def test_an_uncited_record_is_flagged_unless_kept(tmp_path: Path) -> None:
    records = RECORD.format(key="smith2020corpus", title="A Corpus")
    root = make_repo(tmp_path / "one", {"a": MOSHI}, records)
    assert codes(root) == {("unused-record", "smith2020corpus")}
    kept = make_repo(tmp_path / "two", {"a": MOSHI}, records,
                     keep="keep:\n- smith2020corpus\n- gone2020x\n")
    assert {(f.code, f.key, f.line) for f in findings(kept)} == {("unknown-key", "gone2020x", 4)}


def test_an_unknown_survey_key_and_a_malformed_kept_key(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a": MOSHI}, survey="cui2024recent", keep="keep:\n- a b\n")
    assert codes(root) == {("unknown-key", "cui2024recent"), ("unknown-key", "a b"),
                           ("invalid-key", "a b")}


def test_keep_must_be_a_list(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a": MOSHI}, keep="keep: smith2020x\n")
    with pytest.raises(InputError, match="'keep' must be a list") as error:
        load_repository(root)
    assert error.value.line == 2


def test_keys_differing_in_case_are_duplicates(tmp_path: Path) -> None:
    records = (RECORD.format(key="smith2020corpus", title="A Corpus")
               + RECORD.format(key="Smith2020corpus", title="Another Corpus"))
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: C\n",
                                "c": "key: Smith2020corpus\nname: D\n"}, records)
    assert [(f.key, f.path) for f in findings(root, "duplicate-key")] == [
        ("Smith2020corpus", "entries/records.bib")]


def test_a_key_off_the_scheme_is_a_warning(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": "key: moshi\nname: Moshi\narxiv: '2410.00037'\n",
        "b": "key: hsu2021huberta\nname: HuBERT\narxiv: '2106.07447'\n",
        "c": "key: smith2020corpus\nname: C\n", "d": "key: jo2020x\nname: D\n",
    }, RECORD.format(key="smith2020corpus", title="{The} Corpus")
        + RECORD.format(key="jo2020x", title="Other"), survey="moshi")
    found = findings(root, "key-scheme")
    assert [(f.severity, f.key, f.path, f.line) for f in found] == [
        ("warning", "moshi", "entries/models/a.yaml", 1),
        ("warning", "jo2020x", "entries/models/d.yaml", 1),
    ]
    assert "'defossez2024moshi'" in found[0].message


def test_one_arxiv_work_under_two_keys(tmp_path: Path) -> None:
    record = ("@inproceedings{hsu2021hidden, author = {Hsu, Wei-Ning}, title = {Hidden Units},"
              " booktitle = {ICASSP}, year = {2021},"
              " url = {https://arxiv.org/abs/2106.07447v3}}\n")
    root = make_repo(tmp_path, {
        "a": MOSHI, "b": "key: hsu2021hubert\nname: HuBERT\narxiv: '2106.07447'\n",
        "c": "key: hsu2021hidden\nname: HuBERT again\n",
    }, record)
    assert [f.key for f in findings(root, "duplicate-arxiv")] == ["hsu2021hidden"]


def test_one_doi_under_two_keys(tmp_path: Path) -> None:
    records = ("@misc{smith2020corpus, author = {Smith, Jo}, title = {A Corpus}, year = {2020},"
               " doi = {10.1000/ABC}}\n@misc{smith2020another, author = {Smith, Jo},"
               " title = {Another}, year = {2020}, url = {https://doi.org/10.1000/abc}}\n")
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: A\n",
                                "c": "key: smith2020another\nname: B\n"}, records)
    assert codes(root) == {("duplicate-doi", "smith2020another")}


def test_titles_equal_after_normalisation_are_duplicates(tmp_path: Path) -> None:
    records = (RECORD.format(key="smith2020cafe", title=r"{Caf\'e} Speech: a Corpus")
               + RECORD.format(key="smith2020cafea", title="café speech -- A CORPUS"))
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020cafe\nname: A\n",
                                "c": "key: smith2020cafea\nname: B\n"}, records)
    assert {(f.code, f.severity) for f in findings(root)} == {("duplicate-title", "warning")}


def test_nearly_equal_titles_are_flagged_and_different_ones_not(tmp_path: Path) -> None:
    records = (RECORD.format(key="smith2020generative",
                             title="Generative Spoken Language Modeling from Raw Audio")
               + RECORD.format(key="smith2020generativea",
                               title="Generative Spoken Language Modelling from the Raw Audio")
               + RECORD.format(key="smith2020textless",
                               title="Textless Spoken Language Modeling from Raw Audio"))
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020generative\nname: A\n",
                                "c": "key: smith2020generativea\nname: B\n",
                                "d": "key: smith2020textless\nname: C\n"}, records)
    assert codes(root) == {("similar-title", "smith2020generativea")}


def test_near_duplicates_are_found_without_comparing_all_pairs() -> None:
    rng = random.Random(7)
    words = [f"w{i}x" for i in range(3000)]
    titles = {f"k{i}": " ".join(rng.sample(words, 8)) for i in range(3000)}
    titles["twin"] = titles["k5"].replace(titles["k5"].split()[2], "other")
    assert similarity.similar_pairs(titles) == {("k5", "twin")}
    stems = {key: similarity.stem_sequence(title) for key, title in titles.items()}
    # all pairs would be 4.5 million comparisons
    assert similarity.candidate_pairs(stems) == {("k5", "twin")}


@pytest.mark.parametrize(("record", "expected"), [
    ("@article{smith2020corpus, author = {Smith, Jo}, title = {A}, year = {2020}}",
     "@article needs journal or journaltitle"),
    ("@inproceedings{smith2020corpus, author = {Smith, Jo}, title = {A}, date = {2020}}",
     "@inproceedings needs booktitle"),
    ("@misc{smith2020corpus, title = {A}, year = {2020}}", "@misc needs author or editor"),
    ("@online{smith2020corpus, editor = {Smith, Jo}, title = {A}, year = {2020}}",
     "@online needs url"),
])
def test_a_record_without_a_field_its_type_needs(tmp_path: Path, record: str,
                                                  expected: str) -> None:
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: A\n"}, record)
    assert [f.message for f in findings(root, "missing-field")] == [expected]


def test_an_unknown_type_is_a_warning(tmp_path: Path) -> None:
    record = "@webpage{smith2020corpus, author = {Smith, Jo}, title = {A}, year = {2020}}"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: A\n"}, record)
    assert [(f.severity, f.code) for f in findings(root)] == [("warning", "unknown-type")]


@pytest.mark.parametrize(("fields", "code"), [
    ("eprint = {2106.7447}, archiveprefix = {arXiv}", "bad-arxiv-id"),
    ("doi = {https://doi.org/10.1000/x}", "bad-doi"),
    ("url = {www.example.org}", "bad-url"),
    ("year = {1066}", "bad-year"),
    ("year = {2020a}", "bad-year"),
    ("year = {3000}", "bad-year"),
    ("note = {理想同学}", "unencodable"),
])
def test_malformed_fields(tmp_path: Path, fields: str, code: str) -> None:
    year = "" if "year" in fields else "year = {2020}, "
    record = f"@misc{{smith2020a, author = {{Smith, Jo}}, title = {{A}}, {year}{fields}}}"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020a\nname: A\n"}, record)
    assert codes(root) - {("key-scheme", "smith2020a")} == {(code, "smith2020a")}


def test_well_formed_identifiers_pass(tmp_path: Path) -> None:
    record = ("@misc{defossez2020a, author = {D{\\'e}fossez, Jo}, title = {A}, year = {2020},"
              " eprint = {hep-th/9901001}, archiveprefix = {arXiv}, doi = {10.1000/x.y},"
              " url = {https://example.org/a?b=c}}")
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: defossez2020a\nname: A\n"}, record)
    assert findings(root) == []


def test_a_row_linking_to_another_arxiv_paper_or_doi(tmp_path: Path) -> None:
    record = ("@article{smith2020a, author = {Smith, Jo}, title = {A}, journal = {J},"
              " year = {2020}, doi = {10.1162/tacl_a_00430}}")
    root = make_repo(tmp_path, {
        "a": MOSHI + "url: https://arxiv.org/abs/2106.07447\n",
        "b": "key: smith2020a\nname: A\n"
             "url: https://direct.mit.edu/tacl/article-abstract/doi/10.1162/tacl_a_00545/1\n",
    }, record)
    found = findings(root, "link-mismatch")
    assert [(f.path, f.line, f.key) for f in found] == [
        ("entries/models/a.yaml", 4, "defossez2024moshi"),
        ("entries/models/b.yaml", 3, "smith2020a"),
    ]


def test_a_row_showing_another_title_or_naming_another_work(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": MOSHI + "title: 'MOSHI -- a Speech-Text Foundation Model!'\n",
        "b": "key: fang2024llama\nname: Mini-Omni\narxiv: '2409.06666'\n"
             "title: 'Mini-Omni: Language Models Can Hear'\n",
        "c": "key: fang2024llama\nname: InstructS2S-200K\narxiv: '2409.06666'\n",
        "d": "key: fang2024llama\nname: LLaMA Omni\narxiv: '2409.06666'\n",
    })
    assert {(f.code, f.path) for f in findings(root)} == {
        ("title-mismatch", "entries/models/b.yaml"), ("name-mismatch", "entries/models/b.yaml"),
        ("name-mismatch", "entries/models/c.yaml"),
    }


def test_a_name_spelled_otherwise_than_its_work(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": "key: defossez2024moshi\nname: MOSHI\narxiv: '2410.00037'\n",
        "b": "key: hsu2021hubert\nname: Hu BERT\narxiv: '2106.07447'\n",
        "c": "key: fang2024llama\nname: LLaMA Omni\narxiv: '2409.06666'\n",
    })
    found = findings(root, "name-spelling")
    assert [(f.path, f.line, f.key) for f in found] == [
        ("entries/models/a.yaml", 2, "defossez2024moshi"),
        ("entries/models/b.yaml", 2, "hsu2021hubert")]
    assert "named 'MOSHI', but its work calls itself 'Moshi'" in found[0].message
    acknowledged = MOSHI.replace("name: Moshi", "name: MOSHI") + (
        f"acknowledge:\n- code: name-spelling\n  about: {found[0].fingerprint}\n"
        "  reason: the list writes model names in capitals\n")
    quiet = make_repo(tmp_path / "quiet", {"a": acknowledged})
    assert findings(quiet, "name-spelling") == []


def test_survey_records_need_no_entry(tmp_path: Path) -> None:
    records = RECORD.format(key="smith2020corpus", title="A Corpus")
    root = make_repo(tmp_path, {"a": MOSHI}, records,
                     survey="\n- defossez2024moshi\n- smith2020corpus\n- gone2020x")
    assert codes(root) == {("unknown-key", "gone2020x")}


def test_links_a_maintainer_would_fix(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "a": MOSHI + "url: https://arxiv.org/pdf/2410.00037v2\n",
        "b": "key: smith2020a\nname: A\nurl: http://example.org/a?utm_source=x&id=1\n",
        "c": "key: smith2020a\nname: B\nurl: https://www.example.org/a/?id=1\n",
    }, RECORD.format(key="smith2020a", title="A"))
    assert {(f.code, f.path) for f in findings(root)} == {
        ("pinned-version", "entries/models/a.yaml"),
        ("tracking-parameter", "entries/models/b.yaml"),
        ("insecure-url", "entries/models/b.yaml"),
        ("shared-link", "entries/models/c.yaml"),
    }


def test_a_stale_references_bib(survey_repo: Path) -> None:
    bib = survey_repo / "references.bib"
    bib.write_text(bib.read_text().replace("Moshi", "Mosh", 1))
    from speechlm_bib.services import run_check

    assert [(f.code, f.path) for f in run_check(survey_repo).findings
            if f.severity == "error"] == [
        ("stale-generated", "references.bib")]


def acknowledge(path: Path, finding: Finding, about: str | None = None) -> None:
    about_line = f"  about: {about or finding.fingerprint}\n" if about != "" else ""
    with path.open("a") as handle:
        handle.write(f"acknowledge:\n- code: {finding.code}\n{about_line}  reason: on purpose\n")


def test_an_acknowledgement_holds_until_the_data_changes(tmp_path: Path) -> None:
    entry = tmp_path / "entries" / "models" / "b.yaml"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: fang2024llama\nname: Mini-Omni\n"
                                                  "arxiv: '2409.06666'\n"})
    [finding] = findings(root)
    acknowledge(entry, finding)
    assert findings(root) == []
    entry.write_text(entry.read_text().replace("Mini-Omni", "Maxi-Omni"))
    assert [(f.code, f.line) for f in findings(root)] == [
        ("name-mismatch", 2), ("stale-acknowledgement", 5)]


def test_an_acknowledgement_without_fingerprint_silences_nothing(tmp_path: Path) -> None:
    entry = tmp_path / "entries" / "models" / "b.yaml"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: fang2024llama\nname: Mini-Omni\n"
                                                  "arxiv: '2409.06666'\n"})
    [finding] = findings(root)
    acknowledge(entry, finding, about="")
    found = findings(root)
    assert [f.code for f in found] == ["name-mismatch", "stale-acknowledgement"]
    assert "names no fingerprint" in found[1].message


def test_a_record_finding_is_acknowledged_from_an_entry_citing_it(tmp_path: Path) -> None:
    record = "@webpage{smith2020a, author = {Smith, Jo}, title = {A}, year = {2020}}"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020a\nname: A\n"}, record)
    [finding] = findings(root)
    assert finding.path == "entries/records.bib"
    acknowledge(tmp_path / "entries" / "models" / "b.yaml", finding)
    assert findings(root) == []


def test_findings_are_sorted_by_file_and_line(survey_repo: Path) -> None:
    (survey_repo / "entries" / "records.bib").write_text(
        (survey_repo / "entries" / "records.bib").read_text()
        + RECORD.format(key="zed2020a", title="Zed") + RECORD.format(key="aa2020a", title="A"))
    found = findings(survey_repo)
    assert [(f.path, f.line) for f in found] == sorted((f.path, f.line) for f in found)
    assert {"unused-record", "key-scheme"} == {f.code for f in found}


def test_a_key_copied_from_another_row_is_caught_by_link_and_name(survey_repo: Path) -> None:
    entry = survey_repo / "entries" / "models" / "010-openai-advanced-voice-mode.yaml"
    entry.write_text(entry.read_text().replace("key: openai2024advanced",
                                               "key: anthropic2025using"))
    found = [(f.code, f.severity, f.line) for f in findings(survey_repo)
             if f.path.endswith("010-openai-advanced-voice-mode.yaml")]
    assert found == [("name-mismatch", "warning", 2), ("link-mismatch", "error", 3)]
    messages = [f.message for f in findings(survey_repo, "link-mismatch")]
    assert messages == ["the row links to the link of 'openai2024advanced' but cites "
                        "'anthropic2025using': a key copied from another row?"]


def test_a_row_showing_only_its_key_is_flagged(tmp_path: Path) -> None:
    record = "@misc{smith2020corpus, author = {Smith, Jo}, year = {2020}"
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\n"}, record + "}\n")
    assert [(f.code, f.key) for f in findings(root, "empty-row")] == [
        ("empty-row", "smith2020corpus")]
    (root / "entries" / "records.bib").write_text(record + ", url = {https://x.org/c}}\n")
    assert findings(root, "empty-row") == []


def test_a_misspelt_hand_record_field_is_a_warning_at_its_line(tmp_path: Path) -> None:
    records = ("@misc{smith2020corpus,\n  author = {Smith, Jo},\n  title = {A Corpus},\n"
               "  howpublishd = {Online},\n  year = {2020},\n}\n")
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: C\n"}, records)
    [found] = findings(root, "unknown-field")
    assert (found.severity, found.line, found.path) == ("warning", 4, "entries/records.bib")
    assert found.message == "no style reads the field 'howpublishd'; did you mean 'howpublished'?"


def test_a_bad_url_in_records_bib_is_reported_at_its_line_and_stops_build(
        tmp_path: Path, run: Cli) -> None:
    records = ("@misc{smith2020corpus,\n  author = {Smith, Jo},\n  title = {A Corpus},\n"
               "  year = {2020},\n  url = {www.example.org/corpus},\n}\n")
    root = make_repo(tmp_path, {"a": MOSHI, "b": "key: smith2020corpus\nname: C\n"}, records)
    [found] = findings(root, "bad-url")
    assert (found.line, found.key) == (5, "smith2020corpus")
    before = tree_bytes(root)
    result = run("build", root=root)
    assert result.exit_code == 2
    assert result.stderr == (f"speechlm-bib: error: {root}/entries/records.bib:5: "
                             "'www.example.org/corpus' is not an http(s) URL (in "
                             "'smith2020corpus')\n")
    assert tree_bytes(root) == before
