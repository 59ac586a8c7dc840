"""``speechlm-bib discover`` on a copy of the survey, against the loopback search server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from arxiv_search_server import ArxivSearchServer
from arxiv_server import Fault, FaultKind
from conftest import Cli, run_subprocess, tree_bytes

RECORD = Path("data") / "discover.json"
ON_TOPIC = {"2506.90001", "2506.90002", "2506.90003", "2506.90004", "2506.90005",
            "2506.90006", "2506.90007", "2506.90008"}
OFF_TOPIC = {"2506.90021", "2506.90022", "2506.90023"}
NEVER_SHOWN = {"2506.00975", "2506.90041", "2506.90051", "2506.90031", "2505.90061",
               "2506.90071"}
QUERIES = 5
REJECTED = "2506.90051"
CANDIDATE_LINE = re.compile(r"^ *\d+\. (\d\.\d{3})  (\S+)v\d+  (.+)$")


def candidates(stdout: str) -> list[str]:
    """The ids of the text report's candidates, in order."""
    return [m[2] for line in stdout.splitlines() if (m := CANDIDATE_LINE.match(line))]


def reject_one(run: Cli, root: Path) -> None:
    result = run("discover", "--reject", f"https://arxiv.org/abs/{REJECTED}v1",
                 "--reason", "an application of speech language models", root=root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"rejected arXiv {REJECTED}: an application of speech language "
                             "models\n")


def discover_json(run: Cli, root: Path, *args: str) -> Any:
    result = run("discover", *args, "--format", "json", root=root)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def new_entry(arxiv_id: str, title: str, abstract: str, published: str) -> bytes:
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v1</id>
    <updated>{published}</updated>
    <published>{published}</published>
    <title>{title}</title>
    <summary>{abstract}</summary>
    <author><name>New Author</name></author>
    <link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
""".encode()


# --------------------------------------------------------------------------- the survey


def test_discover_since_june_on_the_survey(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    reject_one(run, survey_repo)

    result = run("discover", "--since", "2025-06-01", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    shown = candidates(result.stdout)
    assert set(shown[:len(ON_TOPIC)]) == ON_TOPIC
    assert set(shown[len(ON_TOPIC):]) == OFF_TOPIC
    assert not NEVER_SHOWN & set(re.findall(r"\d{4}\.\d{5}", result.stdout))
    assert result.stdout.startswith("11 candidates submitted since 2025-06-01 00:00 UTC")
    assert "kept out: 2 on the list, 1 rejected, 1 with a negative keyword" in result.stdout
    first = result.stdout.split("\n\n")[1]
    assert re.search(r"closest: \S+ \(0\.\d{3}\) \S", first)
    assert "closest: lakhotia2021generative" in result.stdout  # the textless spoken LM
    assert "closest: zhang2023speechtokenizer" in result.stdout  # the unified tokenizer
    record = json.loads((survey_repo / RECORD).read_text(encoding="utf-8"))
    assert record["last_discovery"] == "2025-06-27T15:00:00Z"
    assert list(record["rejected"]) == [REJECTED]

    # The best candidate goes into the section it fits, and the list still checks clean.
    section = re.search(r"section: (\S+) ", first)
    assert section is not None
    added = run("discover", "--add", shown[0], "--section", section[1], root=survey_repo)
    assert added.exit_code == 0, added.stderr
    assert run("build", "--check", root=survey_repo).exit_code == 0
    assert run("check", "--strict", root=survey_repo).exit_code == 0


def test_a_discovered_paper_is_added_and_checks_clean(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    added = run("discover", "--add", "2506.90002", "--section", "mixed_tokenizers",
                "--name", "UniTok", root=survey_repo)

    assert added.exit_code == 0, added.stderr
    path = survey_repo / "entries" / "mixed_tokenizers" / "030-unitok.yaml"
    assert added.stdout == f"added {path} as weber2025unitok\n"
    assert path.read_text(encoding="utf-8") == (
        "key: weber2025unitok\nname: UniTok\nurl: https://arxiv.org/abs/2506.90002\n"
        f"arxiv: '2506.90002'\nadded: {date.today().isoformat()}\n")
    assert "{UniTok}: A Unified Speech Tokenizer" in (survey_repo / "references.bib").read_text(
        encoding="utf-8")
    assert run("build", "--check", root=survey_repo).exit_code == 0
    checked = run("check", "--strict", root=survey_repo)
    assert checked.exit_code == 0, checked.stdout
    after = discover_json(run, survey_repo, "--since", "2025-06-01")
    assert "2506.90002" in after["hidden"]["listed"]


def test_a_second_run_with_nothing_new_shows_nothing(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    run("discover", "--since", "2025-06-01", root=survey_repo)
    record = (survey_repo / RECORD).read_bytes()
    arxiv_search.reset()

    again = run("discover", root=survey_repo)

    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("no new candidates submitted since 2025-06-27 15:00 UTC "
                                   "(5 requests to arXiv)")
    assert candidates(again.stdout) == []
    assert len(arxiv_search.requests) == QUERIES
    assert all("submittedDate:[202506271500 TO " in r.search_query
               for r in arxiv_search.requests)
    assert (survey_repo / RECORD).read_bytes() == record


def test_the_next_run_shows_only_what_is_new(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    run("discover", "--since", "2025-06-01", root=survey_repo)
    new_id = "2507.90001"
    arxiv_search.set_entry(new_id, new_entry(
        new_id, "Streaming Spoken Dialogue with a Speech Language Model",
        "A speech language model for full-duplex spoken dialogue.", "2025-07-02T10:00:00Z"))
    try:
        found = discover_json(run, survey_repo)
    finally:
        arxiv_search.remove_entry(new_id)

    assert [c["id"] for c in found["candidates"]] == [new_id]
    assert found["since"] == "2025-06-27T15:00:00Z"
    record = json.loads((survey_repo / RECORD).read_text(encoding="utf-8"))
    assert record["last_discovery"] == "2025-07-02T10:00:00Z"


def test_paging_asks_one_page_at_a_time(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    run("discover", "--since", "2025-06-01", root=survey_repo)
    by_query: dict[str, list[int]] = {}
    for request in arxiv_search.requests:
        by_query.setdefault(request.search_query, []).append(request.start)
    assert len(by_query) == QUERIES
    assert sorted(by_query.values()) == [[0], [0], [0], [0, 4, 8], [0, 4, 8, 12]]
    assert {r.max_results for r in arxiv_search.requests} == {4}
    assert {(r.sort_by, r.sort_order) for r in arxiv_search.requests} == {
        ("submittedDate", "descending")}


def test_limit_shows_the_best_only(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    result = run("discover", "--since", "2025-06-01", "--limit", "3", root=survey_repo)
    assert len(candidates(result.stdout)) == 3
    assert set(candidates(result.stdout)) <= ON_TOPIC
    assert "9 over the limit" in result.stdout


# --------------------------------------------------------------------------- faults


def test_a_transient_fault_is_survived(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    expected = run("discover", "--since", "2025-06-01", "--format", "json",
                   root=copy_of(survey_repo)).stdout
    arxiv_search.reset()
    arxiv_search.inject(Fault.http(500), Fault.none(), Fault.empty(), Fault.rate_limited())

    result = run("discover", "--since", "2025-06-01", "--format", "json", root=survey_repo)

    assert result.exit_code == 0, result.stderr
    assert {**json.loads(result.stdout), "requests": 10} == json.loads(expected)
    assert json.loads(result.stdout)["requests"] == 10 + 3  # three tries again
    assert arxiv_search.pending_faults == 0


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.reset(), Fault.truncated()],
                         ids=["500", "reset", "truncated"])
def test_arxiv_failing_is_exit_1_and_nothing_recorded(
    fault: Fault, arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPEECHLM_BIB_ARXIV_RETRIES", "1")
    run("discover", "--since", "2025-06-01", root=survey_repo)
    before = tree_bytes(survey_repo)
    arxiv_search.inject(Fault.none(), fault, fault)

    result = run("discover", "--since", "2025-05-01", root=survey_repo)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.fullmatch(r"speechlm-bib: error: arXiv search failed \(.+; 2 tries\) for "
                        r'query 1, abs:"speech language model" OR abs:"spoken language model"; '
                        r"nothing was recorded\n", result.stderr)
    assert tree_bytes(survey_repo) == before


def test_retry_after_is_honoured(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    arxiv_search.inject(Fault.rate_limited(retry_after=1))
    assert run("discover", "--since", "2025-06-01", root=survey_repo).exit_code == 0
    first, second = arxiv_search.requests[:2]
    assert first.fault is not None and first.fault.kind is FaultKind.HTTP
    assert second.received_at - first.received_at >= 1


# --------------------------------------------------------------------------- reject


def test_rejections_are_recorded_once(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    reject_one(run, survey_repo)
    text = (survey_repo / RECORD).read_text(encoding="utf-8")
    today = datetime.now(UTC).date().isoformat()
    assert json.loads(text) == {"rejected": {REJECTED: {
        "date": today, "reason": "an application of speech language models"}}}

    again = run("discover", "--reject", REJECTED, "arXiv:2506.90022", root=survey_repo)

    assert again.exit_code == 0
    assert again.stdout == (
        f"arXiv {REJECTED} was rejected on {today} already (an application of speech "
        "language models); kept as it was\nrejected arXiv 2506.90022\n")
    assert list(json.loads((survey_repo / RECORD).read_text(encoding="utf-8"))["rejected"]) == [
        "2506.90022", REJECTED]
    assert arxiv_search.requests == []


@pytest.mark.parametrize(("args", "message"), [
    (("--reject", "2506.00975"), "--reject: arXiv 2506.00975 is on the list; nothing was "
     "written"),
    (("--reject", "2506.9"), "--reject: not an arXiv id or URL: '2506.9'"),
])
def test_bad_rejections_write_nothing(survey_repo: Path, run: Cli, args: tuple[str, ...],
                                      message: str) -> None:
    before = tree_bytes(survey_repo)
    result = run("discover", *args, root=survey_repo)
    assert result.exit_code == 2
    assert result.stderr == f"speechlm-bib: error: {message}\n"
    assert tree_bytes(survey_repo) == before


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(("args", "message"), [
    (("2506.90001",), "IDs are given with --reject"),
    (("--reject",), "--reject needs the arXiv IDs"),
    (("--reason", "x"), "--reason goes with --reject"),
    (("--add", "2506.90001"), "--add needs --section"),
    (("--section", "models"), "--section and --name go with --add"),
    (("--reject", "2506.90001", "--add", "2506.90002"), "do not go together"),
    (("--reject", "2506.90001", "--since", "2025-06-01"), "are for a search"),
    (("--since", "June"), "'June' does not match the format '%Y-%m-%d'"),
    (("--limit", "0"), "0 is not in the range x>=1"),
])
def test_options_that_do_not_go_together(survey_repo: Path, run: Cli, args: tuple[str, ...],
                                         message: str) -> None:
    result = run("discover", *args, root=survey_repo)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_list_without_settings_cannot_discover(survey_repo: Path, run: Cli) -> None:
    path = survey_repo / "entries" / "list.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("discover:")], encoding="utf-8")
    result = run("discover", root=survey_repo)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"speechlm-bib: error: {path}: has no 'discover' settings")


def test_without_scikit_learn_discover_says_what_to_install(
    survey_repo: Path, run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    result = run("discover", root=survey_repo)
    assert result.exit_code == 2
    assert "pip install 'speechlm-bib[discover]'" in result.stderr
    assert not (survey_repo / RECORD).exists()


# --------------------------------------------------------------------------- reports


def test_the_markdown_report_reads_back(
    arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli
) -> None:
    reject_one(run, survey_repo)
    result = run("discover", "--since", "2025-06-01", "--format", "markdown", root=survey_repo)
    assert result.exit_code == 0, result.stderr

    tokens = MarkdownIt("commonmark").parse(result.stdout)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.tag == "h3"
                and t.type == "heading_open"]
    assert len(headings) == len(ON_TOPIC | OFF_TOPIC)
    links = [c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or []
             if c.type == "link_open"]
    assert {str(h).rsplit("/", 1)[1] for h in links} == ON_TOPIC | OFF_TOPIC
    bold = {c.content.lower() for t in tokens if t.type == "inline"
            for c in _after_strong(t.children or [])}
    assert {"speech language model", "full-duplex", "codec", "benchmark"} <= bold
    assert "discover --add 2506.90002 --section" in result.stdout
    html = MarkdownIt("commonmark").render(result.stdout)
    assert "<strong>Full-Duplex</strong>" in html


def _after_strong(children: list[Token]) -> list[Token]:
    return [children[i + 1] for i, c in enumerate(children) if c.type == "strong_open"]


def test_the_json_report(arxiv_search: ArxivSearchServer, survey_repo: Path, run: Cli) -> None:
    data = discover_json(run, survey_repo, "--since", "2025-06-01")
    first = data["candidates"][0]
    assert set(first) == {"id", "version", "url", "title", "authors", "published",
                          "categories", "doi", "score", "closest", "section", "matches",
                          "queries", "abstract"}
    assert first["closest"]["key"] and first["section"] in {
        "models", "semantic_tokenizers", "acoustic_tokenizers", "mixed_tokenizers",
        "datasets", "benchmarks"}
    assert data["hidden"] == {"listed": ["2506.00975", "2506.90041"],
                              "negative_keyword": ["2506.90031"]}
    assert data["requests"] == 10


# --------------------------------------------------------------------------- processes


def copy_of(root: Path) -> Path:
    target = root.parent / "copy"
    subprocess.run(["cp", "-r", str(root), str(target)], check=True)
    return target


def test_discover_as_a_process(arxiv_search: ArxivSearchServer, survey_repo: Path) -> None:
    result = run_subprocess("discover", "--since", "2025-06-01", "--format", "json",
                            cwd=survey_repo, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar off a terminal
    shown = [c["id"] for c in json.loads(result.stdout)["candidates"]]
    assert set(shown[:len(ON_TOPIC)]) == ON_TOPIC


def test_a_progress_bar_on_a_terminal(arxiv_search: ArxivSearchServer,
                                      survey_repo: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "speechlm_bib", "discover", "--since", "2025-06-01"]
    with subprocess.Popen(command, cwd=survey_repo, stdout=subprocess.PIPE, stderr=follower,
                          env=dict(os.environ)) as process:
        os.close(follower)
        out, _ = process.communicate(timeout=60)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
    os.close(leader)
    assert process.returncode == 0
    assert b"arXiv" in screen and b"100%" in screen
    assert out.startswith(b"12 candidates")  # nothing rejected in this copy


def test_start_up_does_not_import_discovery() -> None:
    code = ("import sys, speechlm_bib.cli; "
            "print(sorted(m for m in ('sklearn', 'numpy', 'arxiv', 'speechlm_bib.discover', "
            "'speechlm_bib.sources.arxiv_search') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout == "[]\n"
