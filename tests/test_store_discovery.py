"""Discovery's settings in entries/list.yaml and its record in data/discover.json."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from speechlm_bib.errors import InputError
from speechlm_bib.store.discovery import (
    DISCOVER_STORE,
    DiscoverSettings,
    DiscoveryRecord,
    Rejection,
    load_discovery_record,
    render_discovery_record,
)
from speechlm_bib.store.entries import load_list_config

from conftest import Cli

LIST_HEAD = """\
sections:
- id: models
  heading: Models
  columns:
  - heading: Name
    source: name
"""


def list_root(tmp_path: Path, discover: str) -> Path:
    (tmp_path / "entries" / "models").mkdir(parents=True)
    (tmp_path / "entries" / "list.yaml").write_text(LIST_HEAD + discover, encoding="utf-8")
    return tmp_path


def test_settings_are_read_with_the_list(tmp_path: Path) -> None:
    root = list_root(tmp_path, """\
discover:
  queries:
  - abs:"speech language model"
  - >-
    (ti:speech OR ti:audio)
    AND ti:codec
  categories: [cs.CL, eess.AS, q-bio.NC, hep-th]
  negative_keywords: [EEG, sign language]
  min_score: 0.05
""")
    assert load_list_config(root).discover == DiscoverSettings(
        queries=('abs:"speech language model"', "(ti:speech OR ti:audio) AND ti:codec"),
        categories=("cs.CL", "eess.AS", "q-bio.NC", "hep-th"),
        negative_keywords=("EEG", "sign language"),
        min_score=0.05,
    )


def test_a_list_without_settings_has_none(tmp_path: Path) -> None:
    assert load_list_config(list_root(tmp_path, "")).discover is None


@pytest.mark.parametrize(("settings", "line", "message"), [
    ("discover: [a]\n", 7, "'discover' must be a mapping of fields"),
    ("discover:\n  categories: [cs.CL]\n", 8, "'discover' needs 'queries'"),
    ("discover:\n  queries: ti:codec\n", 8, "'queries' must be a list"),
    ("discover:\n  queries:\n  - ti:codec\n  - ''\n", 10, "'queries' lists texts"),
    ("discover:\n  queries:\n  - ti:codec\n  - ti:(codec\n", 10,
     "query a parenthesis is not closed: ti:(codec"),
    ("discover:\n  queries: [ti:codec]\n  categories: [cs.CL, Computer Science]\n", 9,
     "'Computer Science' is not an arXiv category"),
    ("discover:\n  queries: [ti:codec]\n  min_score: 2\n", 9,
     "'min_score' must be a number from 0 to 1"),
    ("discover:\n  queries: [ti:codec]\n  min_score: yes\n", 9, "'min_score' must be a number"),
    ("discover:\n  queries: [ti:codec]\n  exclude: [EEG]\n", 9, "unknown field 'exclude'"),
])
def test_bad_settings_name_file_and_line(tmp_path: Path, settings: str, line: int,
                                         message: str) -> None:
    root = list_root(tmp_path, settings)
    with pytest.raises(InputError) as caught:
        load_list_config(root)
    assert caught.value.line == line
    assert caught.value.path == root / "entries" / "list.yaml"
    assert message in caught.value.message


def test_bad_settings_stop_every_command(survey_repo: Path, run: Cli) -> None:
    path = survey_repo / "entries" / "list.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("(ti:tokenizer OR ti:codec)", "(ti:tokenizer OR ti:codec"),
                    encoding="utf-8")
    line = text.splitlines().index(
        "  - (ti:speech OR ti:audio) AND (ti:tokenizer OR ti:codec)") + 1

    result = run("build", root=survey_repo)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"speechlm-bib: error: {path}:{line}:")
    assert "a parenthesis is not closed" in result.stderr


# --------------------------------------------------------------------------- the record


def test_record_round_trip_and_bytes(tmp_path: Path) -> None:
    record = DiscoveryRecord(
        datetime(2025, 6, 27, 15, 0, tzinfo=UTC),
        {"2506.90051": Rejection("2025-07-01", "an application, not a model"),
         "2506.00001": Rejection("2025-07-02")},
    )
    text = render_discovery_record(record)
    assert text == (
        '{\n "last_discovery": "2025-06-27T15:00:00Z",\n "rejected": {\n'
        '  "2506.00001": {\n   "date": "2025-07-02"\n  },\n'
        '  "2506.90051": {\n   "date": "2025-07-01",\n'
        '   "reason": "an application, not a model"\n  }\n }\n}\n'
    )
    (tmp_path / DISCOVER_STORE).parent.mkdir()
    (tmp_path / DISCOVER_STORE).write_text(text, encoding="utf-8")
    assert load_discovery_record(tmp_path) == record
    assert render_discovery_record(load_discovery_record(tmp_path)) == text


def test_no_record_is_an_empty_one(tmp_path: Path) -> None:
    assert load_discovery_record(tmp_path) == DiscoveryRecord()
    assert render_discovery_record(DiscoveryRecord()) == '{\n "rejected": {}\n}\n'


@pytest.mark.parametrize(("text", "line", "message"), [
    ('{\n "rejected": {\n', 3, "damaged JSON"),
    ('{"rejected": {"2506.1": {"date": "2025-07-01"}}}', None, "not an arXiv id"),
    ('{"rejected": {"2506.90051v2": {"date": "2025-07-01"}}}', None, "not a bare arXiv id"),
    ('{"rejected": {"2506.90051": {"date": "July"}}}', None, "damaged"),
    ('{"rejected": {"2506.90051": {}}}', None, "damaged"),
    ('{"last_discovery": "2025-06-27T15:00:00"}', None, "has no time zone"),
    ('{"seen": []}', None, "expected a mapping"),
])
def test_a_damaged_record_is_an_input_error(tmp_path: Path, text: str, line: int | None,
                                            message: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / DISCOVER_STORE).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_discovery_record(tmp_path)
    assert caught.value.path == tmp_path / DISCOVER_STORE and caught.value.line == line


def test_the_readme_example_is_valid_settings(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("### Discovering new papers"):]
    example = part[part.index("```yaml\n") + 8:part.index("```\n", part.index("```yaml"))]
    settings = load_list_config(list_root(tmp_path, example)).discover
    assert settings is not None and len(settings.queries) == 2
    assert settings.negative_keywords == ("EEG", "sign language")
    assert settings.min_score == 0.05
