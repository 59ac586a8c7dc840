"""Commands as real processes: the installed entry point, its exit codes and its streams."""

from __future__ import annotations

import os
from pathlib import Path

from arxiv_server import ArxivReplayServer
from conftest import run_subprocess


def test_add_as_a_process(survey_repo: Path, arxiv: ArxivReplayServer) -> None:
    env = {**os.environ, "SPEECHLM_BIB_ARXIV_API": arxiv.url, "SPEECHLM_BIB_ARXIV_DELAY": "0"}
    result = run_subprocess("add", "https://arxiv.org/abs/2407.18961", "--section", "benchmarks",
                            "--name", "MMAU (agents)", cwd=survey_repo, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("150-mmau-agents.yaml as yin2024mmau\n")
    assert len(arxiv.requests) == 1


def test_cite_as_a_process(survey_repo: Path) -> None:
    result = run_subprocess("cite", "--format", "text", cwd=survey_repo)
    assert result.returncode == 0, result.stderr
    assert "Recent Advances in Speech Language Models: A Survey" in result.stdout
    assert "ACL" in result.stdout or "Association for Computational Linguistics" in result.stdout


def test_latex_table_as_a_process(survey_repo: Path) -> None:
    out = survey_repo / "models.tex"
    result = run_subprocess("latex-table", "models", "-o", out, cwd=survey_repo)
    assert result.returncode == 0, result.stderr
    assert "\\cite{defossez2024moshi}" in out.read_text(encoding="utf-8")


def test_unknown_command_and_help(tmp_path: Path) -> None:
    help_text = run_subprocess("--help", cwd=tmp_path)
    assert help_text.returncode == 0
    for command in ("import", "add", "sync", "build", "check", "cite", "export", "rename",
                    "latex-table", "site"):
        assert f"  {command} " in help_text.stdout
    unknown = run_subprocess("frobnicate", cwd=tmp_path)
    assert unknown.returncode == 2 and "No such command 'frobnicate'" in unknown.stderr
