"""The scheduled discovery workflow in docs/: valid YAML, valid shell, the right branches."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / "docs" / "discover-workflow.yml"


def workflow() -> Any:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def step(name: str) -> Any:
    steps = workflow()["jobs"]["discover"]["steps"]
    return next(s for s in steps if s.get("name") == name)


def test_it_is_a_weekly_workflow_not_enabled() -> None:
    data = workflow()
    triggers = data[True]  # YAML 1.1 reads the key "on" as true; GitHub reads it as "on"
    assert [s["cron"] for s in triggers["schedule"]] == ["17 6 * * 1"]
    assert "workflow_dispatch" in triggers
    assert data["permissions"] == {"contents": "write", "issues": "write"}
    assert not (REPO / ".github" / "workflows" / "discover.yml").exists()


def test_it_installs_the_ranking_extra_and_runs_discover() -> None:
    assert "'.[discover]'" in step("Install speechlm-bib with the ranking extra")["run"]
    assert "discover = [" in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert step("Discover")["run"].startswith("speechlm-bib discover --format markdown > ")


@pytest.mark.parametrize("name", ["Open or update the discovery issue", "Record the discovery"])
def test_its_scripts_are_valid_shell(name: str) -> None:
    subprocess.run(["bash", "-n", "-c", step(name)["run"]], check=True)


@pytest.mark.parametrize(("report", "open_issue", "expected"), [
    ("## New arXiv papers for the list: 0 candidates\n", "", []),
    ("## New arXiv papers\n\n### 1. [A](https://arxiv.org/abs/2506.90001)\n", "",
     ["label create", "issue list", "issue create"]),
    ("## New arXiv papers\n\n### 1. [A](https://arxiv.org/abs/2506.90001)\n", "12",
     ["label create", "issue list", "issue comment 12"]),
])
def test_the_issue_is_opened_once_then_commented(tmp_path: Path, report: str, open_issue: str,
                                                 expected: list[str]) -> None:
    """The step's own script, with a stand-in gh on PATH that logs what it is asked."""
    log = tmp_path / "gh.log"
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text(f'#!/bin/sh\necho "$1 $2 $3" >> {log}\n'
                  f'[ "$2" = list ] && echo "{open_issue}"\nexit 0\n', encoding="utf-8")
    gh.chmod(0o755)
    (tmp_path / "discover.md").write_text(report, encoding="utf-8")
    env = {**os.environ, "PATH": f"{gh.parent}:{os.environ['PATH']}",
           "REPORT": str(tmp_path / "discover.md")}

    subprocess.run(["bash", "-e", "-c", step("Open or update the discovery issue")["run"]],
                   env=env, check=True, capture_output=True)

    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert [" ".join(c.split()[:3]) if c.startswith("issue comment") else
            " ".join(c.split()[:2]) for c in calls] == expected
