"""SPEECHLM_BIB_* settings: a bad value is one line on stderr naming the variable, exit 2.

Through CliRunner for many bad values, and as real processes of the installed command for
the values that used to end in a traceback. Nothing is asked of arXiv, nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speechlm_bib.sources.arxiv import FetchSettings

from arxiv_server import ArxivReplayServer
from conftest import SURVEY_README, Cli, run_script, tree_bytes

API = "SPEECHLM_BIB_ARXIV_API"
URL_FORM = ("an http(s) URL such as https://export.arxiv.org/api/query, without query or "
            "fragment")
FORMS = {
    API: URL_FORM,
    "SPEECHLM_BIB_ARXIV_DELAY": "a number from 0 to 3600",
    "SPEECHLM_BIB_ARXIV_TIMEOUT": "a number from 0.001 to 3600",
    "SPEECHLM_BIB_ARXIV_RETRIES": "a whole number from 0 to 20",
    "SPEECHLM_BIB_ARXIV_BATCH": "a whole number from 1 to 100",
    "SPEECHLM_BIB_LOCK_WAIT": "a number from 0 to 3600",
}
BAD = {
    API: ["ftp://export.arxiv.org/api/query", "export.arxiv.org/api/query", "http:///api/query",
          "http://[::1/api/query", "http://127.0.0.1:99999/api/query",
          "http://exa mple.org/api/query", "http://127.0.0.1/api/query?x=1",
          "http://127.0.0.1/api/query#top"],
    "SPEECHLM_BIB_ARXIV_DELAY": ["-1", "three", "nan", "inf", "1e300", "3601"],
    "SPEECHLM_BIB_ARXIV_TIMEOUT": ["0", "-2", "soon", "inf", "1e300"],
    "SPEECHLM_BIB_ARXIV_RETRIES": ["-1", "2.5", "+3", "²", "21", "many"],
    "SPEECHLM_BIB_ARXIV_BATCH": ["0", "101", "²", "1e2", "ten"],
    "SPEECHLM_BIB_LOCK_WAIT": ["-1", "inf", "nan", "1e300", "x"],
}
CASES = [(name, value) for name, values in BAD.items() for value in values]
ARXIV_SETTINGS = [name for name in FORMS if name.startswith("SPEECHLM_BIB_ARXIV_")]


def message(name: str, value: str) -> str:
    return f"speechlm-bib: error: {name} must be {FORMS[name]}, not {value!r}\n"


@pytest.mark.parametrize(("name", "value"), CASES, ids=[f"{n[13:]}={v}" for n, v in CASES])
def test_a_bad_value_stops_sync_before_any_request(
        name: str, value: str, survey_repo: Path, arxiv: ArxivReplayServer, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    before = tree_bytes(survey_repo)

    result = run("sync", "--refresh", root=survey_repo)

    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message(name, value))
    assert arxiv.requests == []
    assert tree_bytes(survey_repo) == before


@pytest.mark.parametrize("name", ARXIV_SETTINGS)
def test_a_bad_value_stops_add(name: str, survey_repo: Path, arxiv: ArxivReplayServer,
                               run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    value = BAD[name][0]
    monkeypatch.setenv(name, value)
    before = tree_bytes(survey_repo)

    result = run("add", "2407.18961", "--section", "benchmarks", root=survey_repo)

    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message(name, value))
    assert arxiv.requests == []
    assert tree_bytes(survey_repo) == before


@pytest.mark.parametrize("value", BAD["SPEECHLM_BIB_LOCK_WAIT"])
def test_a_bad_lock_wait_stops_every_writing_command(
        value: str, survey_repo: Path, tmp_path: Path, run: Cli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_LOCK_WAIT", value)
    (survey_repo / "references.bib").unlink()  # build would write it
    before = tree_bytes(survey_repo)
    expected = message("SPEECHLM_BIB_LOCK_WAIT", value)

    for args in (["build"], ["rename", "defossez2024moshi", "defossez2024moshi-kyutai"]):
        result = run(*args, root=survey_repo)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected), args
    assert tree_bytes(survey_repo) == before
    new = tmp_path / "new-list"
    imported = run("import", SURVEY_README, root=new)
    assert (imported.exit_code, imported.stderr) == (2, expected)
    assert not new.exists()


def test_read_only_commands_do_not_read_the_settings(
        survey_repo: Path, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, values in BAD.items():
        monkeypatch.setenv(name, values[0])
    assert run("build", "--check", root=survey_repo).exit_code == 0
    assert run("check", root=survey_repo).exit_code == 0
    assert run("cite", root=survey_repo).exit_code == 0


def test_the_bounds_are_accepted_and_blanks_mean_the_default() -> None:
    env = {API: " http://127.0.0.1:8080/api/query/ ", "SPEECHLM_BIB_ARXIV_DELAY": "3600",
           "SPEECHLM_BIB_ARXIV_TIMEOUT": "0.001", "SPEECHLM_BIB_ARXIV_RETRIES": "20",
           "SPEECHLM_BIB_ARXIV_BATCH": "1"}
    assert FetchSettings.from_environment(env) == FetchSettings(
        api="http://127.0.0.1:8080/api/query", delay=3600.0, timeout=0.001, retries=20,
        batch_size=1)
    blank = dict.fromkeys(FORMS, " ")
    assert FetchSettings.from_environment(blank) == FetchSettings()


PROCESS_CASES = {
    API: "http://[::1/api/query",
    "SPEECHLM_BIB_ARXIV_DELAY": "inf",
    "SPEECHLM_BIB_ARXIV_TIMEOUT": "1e300",
    "SPEECHLM_BIB_ARXIV_RETRIES": "²",
    "SPEECHLM_BIB_ARXIV_BATCH": "²",
    "SPEECHLM_BIB_LOCK_WAIT": "1e300",
}


@pytest.mark.parametrize(("name", "value"), PROCESS_CASES.items(), ids=list(PROCESS_CASES))
def test_a_bad_value_as_a_process(name: str, value: str, survey_repo: Path,
                                  arxiv: ArxivReplayServer) -> None:
    """The values that once ended in a traceback (OverflowError, ValueError)."""
    before = tree_bytes(survey_repo)

    done = run_script("sync", "--refresh", cwd=survey_repo, env={**os.environ, name: value})

    assert (done.returncode, done.stdout, done.stderr) == (2, "", message(name, value))
    assert arxiv.requests == []
    assert tree_bytes(survey_repo) == before
