"""Benchmarks of speechlm-bib: sync requests, check latency, build and check at scale.

    python benchmarks/run.py                 # the full table (several minutes)
    python benchmarks/run.py --quick         # small sizes, one repetition

Every command runs as its own process (``python -m speechlm_bib`` from this tree's src/);
wall time is the median of the repetitions, peak memory the largest resident set of the
process (from ``os.wait4``). Sync runs against the loopback arXiv server of
tests/arxiv_server.py with no delay between requests: arXiv asks for 3 s between requests, so
a real sync costs about 3 s per request on top of the wall time shown. bibtex-tidy is
installed into benchmarks/node_modules from benchmarks/package-lock.json on first use (npm);
bibtool is Debian's /usr/bin/bibtool. A missing peer or a missing ``check`` command gives a
row saying so instead of a figure.
"""

from __future__ import annotations

import argparse
import compileall
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


def check_available() -> bool:
    """Whether this tree has a ``check`` command."""
    return run_process(tool("check", "--help"), ROOT, tool_env()).returncode == 0


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the table."""
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- sync


def bench_sync(n: int, work: Path) -> list[Row]:
    """First sync, unchanged re-sync and --refresh of n arXiv works, against the loopback."""
    root = work / f"sync-{n}"
    replay = synth.generate(root, n)
    rows = []
    with ArxivReplayServer(replay) as server:
        env = tool_env({"SPEECHLM_BIB_ARXIV_API": server.url, "SPEECHLM_BIB_ARXIV_DELAY": "0",
                        "SPEECHLM_BIB_ARXIV_TIMEOUT": "60"})
        for label, args, expected in (("sync: first", (), math.ceil(n / 100)),
                                      ("sync: unchanged re-sync", (), 0),
                                      ("sync: --refresh", ("--refresh",), math.ceil(n / 100))):
            server.reset()
            log(f"{label} N={n}")
            result = run_process(tool("sync", "--arxiv-only", *args), root, env)
            if result.returncode != 0:
                raise RuntimeError(f"{label} failed: {result.stderr.strip()}")
            requests = len(server.requests)
            rows.append(Row(label, f"{n:,}", str(requests), f"{result.wall:.2f}",
                            f"{result.peak_mb:.0f}", f"{expected} requests",
                            _met(requests <= expected)))
    return rows


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


# ----------------------------------------------------------------------------- survey


def bench_survey(times: int, work: Path, has_check: bool) -> list[Row]:
    """check and build --check on a copy of the committed survey, against bare startup."""
    root = work / "survey"
    root.mkdir()
    for name in SURVEY_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy2(source, root / name)
    env = tool_env()
    commands = {"python -c 'import click, yaml'": [sys.executable, "-c", "import click, yaml"],
                "survey: build --check": tool("build", "--check")}
    if has_check:
        commands["survey: check"] = tool("check")
    samples: dict[str, list[Run]] = {label: [] for label in commands}
    log(f"survey x{times}")
    for _ in range(times):  # interleaved, so that all see the same machine load
        for label, argv in commands.items():
            samples[label].append(run_process(argv, root, env))
    rows = []
    for label, runs in samples.items():
        if any(r.returncode not in (0, 1) for r in runs):
            raise RuntimeError(f"{label} failed: {runs[0].stderr.strip()}")
        wall = statistics.median(r.wall for r in runs)
        target = "" if label.startswith("python") else "< 0.25 s"
        note = "" if not target else _met(wall < 0.25)
        rows.append(Row(label, "survey", "", f"{wall:.3f}",
                        f"{max(r.peak_mb for r in runs):.0f}", target, note))
    if not has_check:
        rows.append(_no_check("survey"))
    return rows


def _no_check(n: str) -> Row:
    return Row("check", n, note="PLACEHOLDER: `speechlm-bib check` is not in this tree yet")


# ----------------------------------------------------------------------------- scale


def bench_scale(n: int, work: Path, times: int, has_check: bool,
                peers: bool, peer_timeout: float) -> dict[str, Figures | None]:
    """build, build --check, check, bibtex-tidy and bibtool on a synced repository of n."""
    root = work / f"scale-{n}"
    log(f"generating N={n}")
    synth.generate(root, n, synced=True)
    env = tool_env()
    bib = root / "references.bib"

    def build() -> Run:
        bib.unlink(missing_ok=True)
        return run_process(tool("build"), root, env)

    figures: dict[str, Figures | None] = {}
    log(f"build N={n}")
    figures["build"] = repeat(times, build, "build")
    figures["build --check"] = repeat(
        times, lambda: run_process(tool("build", "--check"), root, env), "build --check")
    figures["check"] = None
    if has_check:
        log(f"check N={n}")
        figures["check"] = repeat(
            times, lambda: run_process(tool("check", "paper.tex"), root, env), "check")
    if peers:
        figures.update(_peers(bib, work / f"peers-{n}", times, peer_timeout))
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


def scale_rows(results: dict[int, dict[str, Figures | None]]) -> list[Row]:
    """The rows of the scale measurements, with targets where the issue sets them."""
    rows = []
    for n, figures in results.items():
        for label, fig in figures.items():
            if fig is None:
                rows.append(_no_check(f"{n:,}") if label == "check" else
                            Row(label, f"{n:,}", note="not installed"))
                continue
            if fig.timed_out:
                rows.append(Row(label, f"{n:,}", "", f"> {fig.wall:g}", "",
                                note=f"stopped after {fig.wall:g} s"))
                continue
            target, note = _target(label, n, fig, results)
            rows.append(Row(label, f"{n:,}", "", f"{fig.wall:.2f}", f"{fig.memory:.0f}",
                            target, note))
    return rows


def _target(label: str, n: int, fig: Figures,
            results: dict[int, dict[str, Figures | None]]) -> tuple[str, str]:
    ours = label in {"build", "build --check", "check"}
    if label in {"build", "check"} and n == 10_000:
        limit = 1.5 if label == "build" else 1.0
        target = f"< {limit:g} s, < 250 MB"
        ok = fig.wall < limit and fig.memory < 250
        tidy = results[n].get("bibtex-tidy")
        if label == "build" and tidy is not None:  # a stopped bibtex-tidy took longer still
            target += ", < 1/2 bibtex-tidy"
            ok = ok and fig.wall < tidy.wall / 2
            bound = "over " if tidy.timed_out else ""
            return target, (f"{_met(ok)} ({bound}{tidy.wall / fig.wall:.1f}x faster than "
                            "bibtex-tidy)")
        return target, _met(ok)
    base = results.get(10_000, {}).get(label)
    if ours and n == 100_000 and base is not None:
        ratio_wall, ratio_memory = fig.wall / base.wall, fig.memory / base.memory
        return ("<= 12x N=10,000",
                f"{_met(max(ratio_wall, ratio_memory) <= 12)} "
                f"({ratio_wall:.1f}x time, {ratio_memory:.1f}x memory)")
    return "", ""


# ----------------------------------------------------------------------------- table


def render_table(rows: list[Row]) -> str:
    """The markdown table of every measurement."""
    lines = ["| Measurement | N | Requests | Wall (s) | Peak memory (MB) | Target | Result |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    lines += [f"| {r.what} | {r.n} | {r.requests} | {r.wall} | {r.memory} | {r.target} "
              f"| {r.note} |" for r in rows]
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
    has_check = check_available()
    rows = []
    for n in args.sync_sizes:
        rows += bench_sync(n, work)
    rows += bench_survey(args.survey_repeat, work, has_check)
    results = {n: bench_scale(n, work, 1 if n >= 100_000 else args.repeat, has_check,
                              not args.no_peers, args.peer_timeout) for n in args.sizes}
    return rows + scale_rows(results)


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
