"""Interrupted and concurrent runs, as real processes: nothing is ever half-written.

A process is stopped at a chosen point by running the real command under a small wrapper
that makes one call slow and says when it got there (a flag file); the test then kills or
interrupts it.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from speechlm_bib.store.files import LOCK_NAME, write_atomic

from arxiv_server import ArxivReplayServer, Fault
from conftest import REPO, run_subprocess, tree_bytes

ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}

WRAPPER = """
import os, runpy, sys, time
flag, point = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

def stall(*args, **kwargs):
    open(flag, "w").close()
    time.sleep(120)

if point == "fsync":
    os.fsync = stall
else:
    import requests
    send = requests.Session.send
    def slow_send(self, *args, **kwargs):
        open(flag, "w").close()
        return send(self, *args, **kwargs)
    requests.Session.send = slow_send
sys.argv[0] = "speechlm-bib"
runpy.run_module("speechlm_bib", run_name="__main__")
"""


def start(root: Path, point: str, *args: str) -> tuple[subprocess.Popen[str], Path]:
    """Start speechlm-bib on root, stalling at ``point``; the process and its flag file."""
    flag = root.parent / f"reached-{point}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}  # with the arxiv fixture's settings
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, str(flag), point, "--root", str(root), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"never reached {point}: {process.communicate(timeout=60)}")
        time.sleep(0.02)
    return process, flag


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Wait (up to 30 s) until condition holds; fail, killing the process, if it never does."""
    deadline = time.monotonic() + 30
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"condition never met: {process.communicate(timeout=60)}")
        time.sleep(0.02)


def change_a_record(root: Path) -> None:
    """Edit entries/records.bib so that build has something to write."""
    path = root / "entries" / "records.bib"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Advanced Voice Mode {FAQ}", "Advanced Voice Mode {FAQ}s"),
                    encoding="utf-8")


def test_a_build_killed_while_writing_leaves_references_bib_intact(survey_repo: Path) -> None:
    change_a_record(survey_repo)
    before = tree_bytes(survey_repo)

    process, _ = start(survey_repo, "fsync", "build")
    process.kill()
    process.communicate(timeout=60)

    assert process.returncode == -signal.SIGKILL
    after = tree_bytes(survey_repo)
    leftovers = [name for name in after if name.startswith(".references.bib.")]
    assert len(leftovers) == 1
    assert {k: v for k, v in after.items() if k not in leftovers} == before
    assert b"{FAQ}s" in after[leftovers[0]]

    done = run_subprocess("--root", survey_repo, "build", cwd=survey_repo, env=ENV)
    assert done.returncode == 0, done.stderr
    rebuilt = tree_bytes(survey_repo)
    assert not [name for name in rebuilt if name.startswith(".references.bib.")]
    assert b"{FAQ}s" in rebuilt["references.bib"]


@pytest.mark.parametrize("point", ["fsync", "request"])
def test_ctrl_c_leaves_the_repository_as_it_was(
    point: str, survey_repo: Path, arxiv: ArxivReplayServer
) -> None:
    """Interrupted while writing arxiv.json, or while waiting for arXiv."""
    path = survey_repo / "data" / "arxiv.json"
    path.write_text(path.read_text(encoding="utf-8").replace("VoxCeleb2", "VoxCeleb 2"),
                    encoding="utf-8")
    before = tree_bytes(survey_repo)
    if point == "request":
        arxiv.inject(Fault.slow(60))  # cut short when the test's server stops

    process, _ = start(survey_repo, point, "sync", "--refresh")
    if point == "request":
        wait_until(lambda: arxiv.in_flight == 1, process)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130
    assert stderr == ("speechlm-bib: interrupted; files already written are complete, "
                      "nothing is half-written\n")
    assert tree_bytes(survey_repo) == before


def test_a_second_writer_is_refused_while_the_lock_is_held(survey_repo: Path) -> None:
    change_a_record(survey_repo)
    before = tree_bytes(survey_repo)
    env = {**ENV, "SPEECHLM_BIB_LOCK_WAIT": "0.2"}
    with (survey_repo / LOCK_NAME).open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        done = run_subprocess("--root", survey_repo, "build", cwd=survey_repo, env=env)

    assert done.returncode == 2
    assert done.stderr == (f"speechlm-bib: error: {survey_repo / LOCK_NAME}: another "
                           "speechlm-bib process is writing this repository; try again\n")
    assert tree_bytes(survey_repo) == before


def test_concurrent_builds_take_turns(survey_repo: Path) -> None:
    change_a_record(survey_repo)
    env = ENV
    command = [sys.executable, "-m", "speechlm_bib", "--root", str(survey_repo), "build"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(*p.communicate(timeout=120), p.returncode) for p in processes]

    assert [code for _, _, code in results] == [0, 0, 0, 0]
    outputs = sorted(out for out, _, _ in results)
    assert outputs[:3] == ["nothing to write\n"] * 3
    assert outputs[3].startswith("wrote references.bib")
    check = run_subprocess("--root", survey_repo, "build", "--check", cwd=survey_repo, env=ENV)
    assert check.returncode == 0, check.stderr


def test_written_files_keep_their_mode_and_new_ones_follow_the_umask(tmp_path: Path) -> None:
    existing = tmp_path / "script.sh"
    existing.write_text("old\n", encoding="utf-8")
    existing.chmod(0o750)
    write_atomic(existing, "new\n")
    assert existing.stat().st_mode & 0o777 == 0o750
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "text\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
