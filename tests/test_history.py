"""The day each entry was added: import reads a README's git history, add writes today."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from speechlm_bib.adopt.history import read_history
from speechlm_bib.adopt.plan import list_rows
from speechlm_bib.model import Version
from speechlm_bib.services import run_import
from speechlm_bib.store.git import load_versions
from speechlm_bib.store.newfiles import render_entry
from speechlm_bib.store.repository import load_repository

from conftest import Cli

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

SURVEY_BLOCK = """\
```bibtex
@article{doe2023list,
  title = {A List of Speech Models},
  journal = {arXiv preprint arXiv:2301.00009},
}
```
"""


def _readme(heading: str, rows: list[str]) -> str:
    table = "| Model | Title | Url |\n| --- | --- | --- |\n" + "".join(r + "\n" for r in rows)
    return f"# A list\n\n## {heading}\n\n{table}\n## Citation\n\n{SURVEY_BLOCK}"


ROW_A_PDF = "| A | Alpha Modle | [Link](https://arxiv.org/pdf/2401.00001v2.pdf) |"
ROW_A = "| A | Alpha Model | [Link](https://arxiv.org/abs/2401.00001) |"
ROW_B = "| B | Beta | [Link](https://b.example.org/) |"
ROW_C = "| C | Gamma | [Link](https://arxiv.org/abs/2402.00002) |"
ROW_E = "| E | Epsilon | [Link](https://arxiv.org/abs/2405.00005) |"


def _commit(repo: Path, day: str, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00",
           "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00", "GIT_AUTHOR_NAME": "A",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.org", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    for command in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A git repository whose list grew over three commits, was renamed, and has an edit."""
    repo = tmp_path / "upstream"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    readme = repo / "README.md"
    readme.write_text(_readme("Models", [ROW_A_PDF, ROW_B]), encoding="utf-8")
    _commit(repo, "2023-03-01", "First rows")
    readme.write_text(_readme("Models", [ROW_A, ROW_B, ROW_C]), encoding="utf-8")
    _commit(repo, "2023-06-15", "Add C; A's link and title fixed")
    (repo / "docs").mkdir()
    subprocess.run(["git", "mv", "README.md", "docs/LIST.md"], cwd=repo, check=True)
    datasets = "\n## Datasets\n\n| Dataset | Url |\n| --- | --- |\n" \
        "| D | [Link](https://arxiv.org/abs/2401.00001) |\n"
    text = _readme("Speech Models", [ROW_A, ROW_B, ROW_C]).replace("\n## Citation",
                                                                   datasets + "\n## Citation")
    (repo / "docs" / "LIST.md").write_text(text, encoding="utf-8")
    _commit(repo, "2024-01-10", "Move the list; a datasets table with D")
    (repo / "docs" / "LIST.md").write_text(text.replace(ROW_C, ROW_C + "\n" + ROW_E),
                                           encoding="utf-8")
    return repo / "docs" / "LIST.md"


def _added(root: Path) -> dict[tuple[str, str | None], str | None]:
    repo = load_repository(root)
    return {(e.section, e.name): e.added for e in repo.entries}


@needs_git
def test_import_dates_each_row_by_the_first_commit_that_holds_it(
        history: Path, tmp_path: Path) -> None:
    root = tmp_path / "list"
    run_import(root, history, today=date(2025, 2, 2))
    assert _added(root) == {
        ("speech_models", "A"): "2023-03-01",  # link and title changed, heading renamed
        ("speech_models", "B"): "2023-03-01",
        ("speech_models", "C"): "2023-06-15",
        ("speech_models", "E"): "2025-02-02",  # not committed yet: the day of the import
        ("datasets", "D"): "2024-01-10",  # the same paper as A, listed later elsewhere
    }


@needs_git
def test_versions_follow_the_file_across_its_rename(history: Path) -> None:
    versions = load_versions(history)
    assert [v.day.isoformat() for v in versions] == ["2024-01-10", "2023-06-15", "2023-03-01"]
    assert ROW_A_PDF in versions[-1].text and ROW_E not in versions[0].text


@needs_git
def test_a_file_git_does_not_track_has_no_versions(history: Path) -> None:
    untracked = history.parent / "NEW.md"
    untracked.write_text(_readme("Models", [ROW_A]), encoding="utf-8")
    assert load_versions(untracked) == ()


def test_a_readme_outside_git_is_dated_by_the_import(tmp_path: Path, run: Cli) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(_readme("Models", [ROW_A, ROW_B]), encoding="utf-8")
    first_day = date.today().isoformat()
    result = run("import", readme, root=tmp_path / "list")
    assert result.exit_code == 0, result.output
    days = set(_added(tmp_path / "list").values())
    assert len(days) == 1 and days <= {first_day, date.today().isoformat()}


def test_history_keeps_the_earliest_day_whatever_the_order() -> None:
    versions = [Version(date(2024, 5, 1), _readme("Models", [ROW_A, ROW_C])),
                Version(date(2024, 1, 1), _readme("Models", [ROW_A])),
                Version(date(2024, 3, 1), _readme("Models", [ROW_A, ROW_C]))]
    history = read_history(versions, Path("README.md"))
    assert history.counted[("arxiv:2401.00001", 1)] == date(2024, 1, 1)
    assert history.counted[("arxiv:2402.00002", 1)] == date(2024, 3, 1)
    assert history.placed["models|arxiv:2401.00001"] == date(2024, 1, 1)
    rows = list_rows(_readme("Models", [ROW_C, ROW_E, ROW_A]), Path("README.md"))
    assert history.days(rows, date(2025, 1, 1)) == [
        date(2024, 3, 1), date(2025, 1, 1), date(2024, 1, 1)]


def test_entries_read_and_write_the_added_day(tmp_path: Path) -> None:
    text = render_entry({"added": date(2024, 2, 29), "name": "X", "key": "x2024y",
                         "acknowledge": [{"code": "c", "reason": "r"}]})
    assert list(yaml.safe_load(text)) == ["key", "name", "acknowledge", "added"]
    assert text.endswith("added: 2024-02-29\n")
