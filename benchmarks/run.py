"""Benchmarks of speechlm-bib: sync requests, check latency, build and check at scale.

    python benchmarks/run.py                 # the full table (several minutes)
    python benchmarks/run.py --quick         # small sizes, one repetition

Every command runs as its own process (``python -m speechlm_bib`` from this tree's src/);
wall time is the median of the repetitions, peak memory the largest resident set of the
process (from GNU time, else ``os.wait4``). Sync runs against the loopback arXiv server of
tests/arxiv_server.py with no delay between requests: arXiv asks for 3 s between requests, so
a real sync costs about 3 s per request on top of the wall time shown. Build and check run on
both synthetic corpora (synth.py's ``varied`` and ``adversarial``), with no cache and with the
cache the previous run left. bibtex-tidy is installed into benchmarks/node_modules from
benchmarks/package-lock.json on first use (npm); bibtool is Debian's /usr/bin/bibtool. A
missing peer gives a row saying so instead of a figure. Every ratio compares figures of the
same run."""

from __future__ import annotations

import argparse
import compileall
import itertools
import math
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]

import synth  # noqa: E402

from arxiv_server import ArxivReplayServer  # noqa: E402

SURVEY_FILES = ("entries", "data", "references.bib", "README.md", "CITATION.cff")
TIDY = BENCH / "node_modules" / ".bin" / "bibtex-tidy"
TIMED_OUT = -1000
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


@dataclass(frozen=True, slots=True)
class Run:
    """One finished process: wall seconds, peak resident memory in MB, exit code, output."""

    wall: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    what: str
    n: str
    corpus: str = ""
    requests: str = ""
    wall: str = ""
    memory: str = ""
    target: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figures:
    """Wall time and peak memory of one measured command at one size (or its time limit)."""

    wall: float
    memory: float
    timed_out: bool = False


def run_process(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
                timeout: float | None = None) -> Run:
    """Run a command to its end, measuring its wall time and its own peak memory.

    A command still running after ``timeout`` seconds is killed: its Run has returncode
    ``TIMED_OUT`` and the time it was given.

    The peak comes from GNU time when it is installed: a child forked straight from this
    (large) process would count this process's memory as its own until it execs.
    """
    with tempfile.TemporaryDirectory() as scratch:
        files = Path(scratch)
        timed = [GNU_TIME, "-q", "-f", "%M", "-o", str(files / "rss"), *argv] if GNU_TIME else argv
        with (files / "out").open("wb") as out, (files / "err").open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(timed, cwd=cwd, env=env, stdout=out, stderr=err,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            finished = _wait_until(process.pid, timeout)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status) if finished else TIMED_OUT
        if not finished:
            return Run(timeout or wall, 0.0, TIMED_OUT, "", "")
        peak_kb = int((files / "rss").read_text().split()[-1]) if GNU_TIME else usage.ru_maxrss
        return Run(wall, peak_kb / 1024, process.returncode,
                   (files / "out").read_text(errors="replace"),
                   (files / "err").read_text(errors="replace"))


def _wait_until(pid: int, timeout: float | None) -> bool:
    """Wait for a process to end; kill its session and say False when it takes too long."""
    handle = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([handle], [], [], timeout)
    finally:
        os.close(handle)
    if not ready:
        os.killpg(pid, signal.SIGKILL)
    return bool(ready)


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for speechlm-bib: this tree's src/ first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                      env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def tool(*args: str) -> list[str]:
    """The argv of a speechlm-bib command."""
    return [sys.executable, "-m", "speechlm_bib", *args]


def repeat(times: int, once: Callable[[], Run], what: str) -> Figures:
    """Median wall time and largest peak memory over repetitions; fails on a crash."""
    runs = []
    for _ in range(times):
        result = once()
        if result.returncode == TIMED_OUT:
            return Figures(result.wall, 0.0, timed_out=True)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"{what} failed ({result.returncode}): {result.stderr.strip()}")
        runs.append(result)
    return Figures(statistics.median(r.wall for r in runs), max(r.peak_mb for r in runs))


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the table."""
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- sync


AGAIN = "sync: unchanged re-sync, again"
"""The first re-sync reads the entry files the first sync pinned keys in (new to the cache);
the second one finds them there, as every later sync does."""
UNCHANGED = ("sync: unchanged re-sync", AGAIN)


def bench_sync(n: int, work: Path, times: int) -> list[Row]:
    """First sync, unchanged re-sync and --refresh of n arXiv works, against the loopback.

    The re-syncs take the median of ``times`` runs, as build does: each first re-sync on the
    repository as the first sync left it (restored from a copy), then the later ones in place.
    """
    root = work / f"sync-{n}"
    replay = synth.generate(root, n)
    with ArxivReplayServer(replay) as server:
        env = tool_env({"SPEECHLM_BIB_ARXIV_API": server.url, "SPEECHLM_BIB_ARXIV_DELAY": "0",
                        "SPEECHLM_BIB_ARXIV_TIMEOUT": "60"})

        def sync(label: str, *args: str) -> tuple[Run, int]:
            server.reset()
            log(f"{label} N={n}")
            result = run_process(tool("sync", "--arxiv-only", *args), root, env)
            if result.returncode != 0:
                raise RuntimeError(f"{label} failed: {result.stderr.strip()}")
            return result, len(server.requests)

        batches = {"sync: first": [sync("sync: first")]}
        synced = work / f"sync-{n}-as-synced"
        shutil.copytree(root, synced)
        batches[UNCHANGED[0]] = []
        for _ in range(times):
            _restore(synced, root)
            batches[UNCHANGED[0]].append(sync(UNCHANGED[0]))
        batches[AGAIN] = [sync(AGAIN) for _ in range(times)]
        batches["sync: --refresh"] = [sync("sync: --refresh", "--refresh")]
        shutil.rmtree(synced)
    fetched = math.ceil(n / 100)
    return [_sync_row(label, n, runs, 0 if label in UNCHANGED else fetched)
            for label, runs in batches.items()]


def _restore(copy: Path, root: Path) -> None:
    """Put the repository at root back as the copy holds it."""
    shutil.rmtree(root)
    shutil.copytree(copy, root)


def _sync_row(label: str, n: int, runs: list[tuple[Run, int]], expected: int) -> Row:
    """A sync's row: median wall time, largest peak and request count of its runs."""
    wall = statistics.median(run.wall for run, _ in runs)
    requests = max(count for _, count in runs)
    return Row(label, f"{n:,}", "varied", str(requests), f"{wall:.2f}",
               f"{max(run.peak_mb for run, _ in runs):.0f}", f"{expected} requests",
               _met(requests <= expected))


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


# ----------------------------------------------------------------------------- survey

SURVEY_LIMIT = 1.5
"""survey check and build --check: at most this many times a bare ``import click, yaml``."""
TIDY_SHARE, MEMORY_MB, SCALE_LIMIT = 0.5, 250, 12
"""N = 10,000: at most half bibtex-tidy's time and 250 MB; N = 100,000 within 12x of it."""
BARE = "python -c 'import click, yaml'"
MODULES = "survey: import of the modules check loads, no work"
_LOADED = "import speechlm_bib.cli, speechlm_bib.services.papers, speechlm_bib.render.report"
"""The modules check loads to make its answer (rather than print the one kept): a figure
without a target, what such a run spends before any work."""


def bench_survey(times: int, work: Path) -> list[Row]:
    """check and build --check on copies of the committed survey, against bare startup.

    Three cases, each on its own copy: unchanged since the previous run (the cache warm, as in
    a pre-commit hook run again), one entry edited before each run (a new comment line in it:
    the cache warm but for that file) and without the cache (``SPEECHLM_BIB_CACHE=off``, as
    on a fresh clone); beside them, the import alone of the modules check loads in the last
    two cases.
    """
    warm, cold = tool_env(), tool_env({"SPEECHLM_BIB_CACHE": "off"})
    commands: dict[str, tuple[list[str], Path, dict[str, str], Path | None]] = {
        BARE: ([sys.executable, "-c", "import click, yaml"], work, warm, None),
        MODULES: ([sys.executable, "-c", _LOADED], work, warm, None)}
    for args in (("build", "--check"), ("check",)):
        what = " ".join(args)
        for case, env, edited in (("unchanged, warm cache", warm, False),
                                  ("one entry edited, warm cache", warm, True),
                                  ("no cache", cold, False)):
            root = _survey_copy(work / f"survey-{len(commands)}")
            run_process(tool(*args), root, env)  # leaves the cache a run leaves
            entry = sorted((root / "entries").rglob("*.yaml"))[-1] if edited else None
            commands[f"survey: {what}, {case}"] = (tool(*args), root, env, entry)
    samples: dict[str, list[Run]] = {label: [] for label in commands}
    log(f"survey x{times}")
    for turn in range(times):  # interleaved, so that all see the same machine load
        for label, (argv, root, env, entry) in commands.items():
            if entry is not None:
                with entry.open("a", encoding="utf-8") as handle:
                    handle.write(f"# edited {turn}\n")
            samples[label].append(run_process(argv, root, env))
    bare = statistics.median(r.wall for r in samples[BARE])
    return [_survey_row(label, runs, bare) for label, runs in samples.items()]


def _survey_copy(root: Path) -> Path:
    """A copy of the committed survey's repository at root."""
    root.mkdir()
    for name in SURVEY_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy2(source, root / name)
    return root


def _survey_row(label: str, runs: list[Run], bare: float) -> Row:
    if any(r.returncode not in (0, 1) for r in runs):
        raise RuntimeError(f"{label} failed: {runs[0].stderr.strip()}")
    wall = statistics.median(r.wall for r in runs)
    memory = f"{max(r.peak_mb for r in runs):.0f}"
    ratio = wall / bare
    if label == BARE:
        return Row(label, "survey", "", "", f"{wall:.3f}", memory)
    if label == MODULES:
        return Row(label, "survey", "", "", f"{wall:.3f}", memory, "", f"{ratio:.2f}x bare")
    return Row(label, "survey", "", "", f"{wall:.3f}", memory,
               f"<= {SURVEY_LIMIT:g}x bare import", f"{_met(ratio <= SURVEY_LIMIT)} "
               f"({ratio:.2f}x)")


# ----------------------------------------------------------------------------- scale

OURS = ("build, no cache", "build, warm cache", "build --check, warm cache",
        "check paper.tex, no cache", "check paper.tex, warm cache",
        "check paper.tex edited, warm cache", "check, one entry edited, warm cache",
        "site, warm cache")
Results = dict[tuple[int, str], dict[str, Figures | None]]


def bench_scale(n: int, corpus: str, work: Path, times: int,
                peers: bool, peer_timeout: float) -> dict[str, Figures | None]:
    """build, build --check, check, site, bibtex-tidy and bibtool on a synced repository of n.

    "no cache" runs start without .speechlm-bib-cache/ (as a fresh clone does) and leave
    theirs behind; "warm cache" runs find the one the previous run left. "paper.tex edited"
    runs add a line to the paper first: the repository is unchanged, the paper is not. "one
    entry edited" runs give one row a new name first, as a contributor's edit does: its
    entry, its record and the findings are made again.
    """
    root = work / f"scale-{corpus}-{n}"
    log(f"generating N={n} ({corpus})")
    synth.generate(root, n, synced=True, corpus=corpus)
    env = tool_env()
    bib = root / "references.bib"
    cache = root / ".speechlm-bib-cache"

    entry = sorted((root / "entries" / "models").glob("*.yaml"))[-1]
    original, edits = entry.read_text(encoding="utf-8"), itertools.count()
    unnamed = "".join(line for line in original.splitlines(keepends=True)
                      if not line.startswith("name:"))

    def timed(args: tuple[str, ...], cold: bool, fresh_bib: bool = False,
              edit: str = "") -> Callable[[], Run]:
        def once() -> Run:
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            if fresh_bib:
                bib.unlink(missing_ok=True)
            if edit == "paper":
                with (root / "paper.tex").open("a", encoding="utf-8") as paper:
                    paper.write("% edited\n")
            if edit == "entry":
                entry.write_text(f"{unnamed}name: Edited {next(edits)}\n", encoding="utf-8")
            return run_process(tool(*args), root, env)
        return once

    figures: dict[str, Figures | None] = {}
    for label, args, cold, fresh, edit in (
            ("build, no cache", ("build",), True, True, ""),
            ("build, warm cache", ("build",), False, True, ""),
            ("build --check, warm cache", ("build", "--check"), False, False, ""),
            ("check paper.tex, no cache", ("check", "paper.tex"), True, False, ""),
            ("check paper.tex, warm cache", ("check", "paper.tex"), False, False, ""),
            ("check paper.tex edited, warm cache", ("check", "paper.tex"), False, False,
             "paper"),
            ("check, one entry edited, warm cache", ("check",), False, False, "entry"),
            ("site, warm cache", ("site",), False, False, "")):
        log(f"{label} N={n} ({corpus})")
        if not cold:  # the cache the same command leaves, whatever ran before it
            timed(args, cold, fresh, edit)()
        figures[label] = repeat(times, timed(args, cold, fresh, edit), label)
    entry.write_text(original, encoding="utf-8")
    if peers:
        figures.update(_peers(bib, work / f"peers-{corpus}-{n}", times, peer_timeout))
    return figures


def _peers(bib: Path, work: Path, times: int, timeout: float) -> dict[str, Figures | None]:
    """bibtex-tidy --sort --duplicates and bibtool -s on a copy of the same references.bib."""
    work.mkdir()
    source = work / "in.bib"
    shutil.copy2(bib, source)
    out = work / "out.bib"
    figures: dict[str, Figures | None] = {"bibtex-tidy": None, "bibtool": None}
    tidy = ensure_bibtex_tidy()
    if tidy is not None:
        log(f"bibtex-tidy on {bib}")
        argv = [str(tidy), str(source), "-o", str(out), "--sort", "--duplicates"]
        figures["bibtex-tidy"] = repeat(
            times, lambda: run_process(argv, work, timeout=timeout), "bibtex-tidy")
    bibtool = shutil.which("bibtool")
    if bibtool is not None:
        log(f"bibtool on {bib}")
        argv = [bibtool, "-s", "-i", str(source), "-o", str(out)]
        figures["bibtool"] = repeat(
            times, lambda: run_process(argv, work, timeout=timeout), "bibtool")
    return figures


def ensure_bibtex_tidy() -> Path | None:
    """bibtex-tidy from benchmarks/node_modules, installing it with npm when missing."""
    npm = shutil.which("npm")
    if not TIDY.exists() and npm is not None:
        log("installing bibtex-tidy (npm ci --prefix benchmarks)")
        subprocess.run([npm, "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"],
                       check=False, stdout=sys.stderr)
    return TIDY if TIDY.exists() else None


def scale_rows(results: Results) -> list[Row]:
    """The rows of the scale measurements, with targets where the issue sets them."""
    rows = []
    for (n, corpus), figures in results.items():
        for label, fig in figures.items():
            if fig is None:
                rows.append(Row(label, f"{n:,}", corpus, note="not installed"))
                continue
            if fig.timed_out:
                rows.append(Row(label, f"{n:,}", corpus, "", f"> {fig.wall:g}", "",
                                note=f"stopped after {fig.wall:g} s"))
                continue
            target, note = _target(label, n, corpus, fig, results)
            rows.append(Row(label, f"{n:,}", corpus, "", f"{fig.wall:.2f}",
                            f"{fig.memory:.0f}", target, note))
    return rows


def _target(label: str, n: int, corpus: str, fig: Figures,
            results: Results) -> tuple[str, str]:
    if label not in OURS:
        return "", ""
    if n == 10_000 and label.startswith(("build,", "check")):
        return _against_tidy(fig, results[(n, corpus)].get("bibtex-tidy"))
    base = results.get((10_000, corpus), {}).get(label)
    if n == 100_000 and base is not None and not base.timed_out:
        ratio_wall, ratio_memory = fig.wall / base.wall, fig.memory / base.memory
        return (f"<= {SCALE_LIMIT}x N=10,000",
                f"{_met(max(ratio_wall, ratio_memory) <= SCALE_LIMIT)} "
                f"({ratio_wall:.1f}x time, {ratio_memory:.1f}x memory)")
    return "", ""


def _against_tidy(fig: Figures, tidy: Figures | None) -> tuple[str, str]:
    """The N = 10,000 target: half of bibtex-tidy's time, under 250 MB."""
    target = f"<= {TIDY_SHARE:g}x bibtex-tidy, < {MEMORY_MB} MB"
    if tidy is None:
        return target, f"{_met(fig.memory < MEMORY_MB)} in memory (no bibtex-tidy figure)"
    share = fig.wall / tidy.wall  # a stopped bibtex-tidy took longer still
    ok = (share <= TIDY_SHARE or tidy.timed_out) and fig.memory < MEMORY_MB
    bound = "under " if tidy.timed_out else ""
    return target, f"{_met(ok)} ({bound}{share:.2f}x)"


def sync_against_build(sync_rows: list[Row], results: Results) -> list[Row]:
    """The unchanged re-sync's target: no request, and no longer than a build of the same N."""
    out = []
    for row in sync_rows:
        n = int(row.n.replace(",", ""))
        build = results.get((n, "varied"), {}).get("build, warm cache")
        if row.what in UNCHANGED and build is not None and not build.timed_out:
            wall = float(row.wall)
            ok = row.requests == "0" and wall <= build.wall
            row = Row(row.what, row.n, row.corpus, row.requests, row.wall, row.memory,
                      "0 requests, <= build", f"{_met(ok)} ({wall / build.wall:.2f}x build)")
        out.append(row)
    return out


# ----------------------------------------------------------------------------- table


def render_table(rows: list[Row]) -> str:
    """The markdown table of every measurement."""
    lines = ["| Measurement | N | Corpus | Requests | Wall (s) | Peak memory (MB) | Target "
             "| Result |", "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    lines += [f"| {r.what} | {r.n} | {r.corpus} | {r.requests} | {r.wall} | {r.memory} "
              f"| {r.target} | {r.note} |" for r in rows]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sync-sizes", type=int, nargs="*", default=[100, 1_000, 10_000])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000],
                        help="sizes for build and check")
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions of each scale measurement (one at 100,000 and more)")
    parser.add_argument("--survey-repeat", type=int, default=9)
    parser.add_argument("--corpora", nargs="*", default=list(synth.CORPORA),
                        choices=synth.CORPORA, help="synthetic corpora for build and check")
    parser.add_argument("--no-peers", action="store_true", help="skip bibtex-tidy and bibtool")
    parser.add_argument("--peer-timeout", type=float, default=300,
                        help="seconds after which a peer is stopped and reported as slower")
    parser.add_argument("--quick", action="store_true",
                        help="sync at 100, build at 1,000, one repetition (a smoke run)")
    parser.add_argument("--work", type=Path, help="keep the generated repositories here")
    args = parser.parse_args(argv)
    if args.quick:
        args.sync_sizes, args.sizes, args.repeat, args.survey_repeat = [100], [1_000], 1, 3
    return args


def measure(args: argparse.Namespace, work: Path) -> list[Row]:
    """Every measurement the arguments ask for, as table rows."""
    # Compiled as an installed package is, even where PYTHONDONTWRITEBYTECODE is set:
    # otherwise every run would pay for compiling the package from source.
    compileall.compile_dir(ROOT / "src", quiet=1)
    sync_rows = [row for n in args.sync_sizes for row in bench_sync(n, work, args.repeat)]
    rows = bench_survey(args.survey_repeat, work)
    results: Results = {
        (n, corpus): bench_scale(n, corpus, work, 1 if n >= 100_000 else args.repeat,
                                 not args.no_peers, args.peer_timeout)
        for corpus in args.corpora for n in args.sizes}
    return sync_against_build(sync_rows, results) + rows + scale_rows(results)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    args = parse_args(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        rows = measure(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="speechlm-bib-bench-") as work:
            rows = measure(args, Path(work))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()}; "
          "medians of the repetitions; arXiv delay 0 (real arXiv: 3 s per request).\n")
    print(render_table(rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
