"""Time the LaTeX citation scanner on synthetic papers: best of 5 with time.perf_counter.

    python benchmarks/texscan.py                    # papers citing 10,000 and 100,000 keys
    python benchmarks/texscan.py --sizes 10000

For each size N, ``synth.generate`` writes a synced repository whose paper.tex cites every
key, a hundred keys to a ``\\cite`` (N citations, little prose). A second paper of N/4
paragraphs of prose (comments, inline math, ``\\textbf``, ``\\citep`` with notes, biblatex
``\\parencites``; N citations too) shows the cost of reading text around the citations. The
third is the same prose with a backslash in every note and a comment in every key list, which
tex/reader.py hands to pylatexenc's walker instead of reading them itself.
Each row times ``parse_tex`` on the text in memory and ``scan_tex`` on the file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "src")]

import synth  # noqa: E402

from speechlm_bib.tex.files import scan_tex  # noqa: E402
from speechlm_bib.tex.scan import parse_tex  # noqa: E402


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Fastest of runs timings of action, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def prose_paper(citations: int, harder: bool = False) -> str:
    """Paragraphs of prose around citations: four citations a paragraph."""
    note, comment = ("\\S~", "% first\n  ") if harder else ("p.~", "")
    return "".join(
        f"Some words about speech models \\textbf{{bold}} $x_{{1}}$ % remark {i}\n"
        f"as \\citep[see][{note}{i}]{{key{i},{comment} shared}} and "
        f"\\parencites[{note}1]{{m{i}}}{{n}} show.\n\n"
        for i in range(citations // 4)
    )


def measure(name: str, path: Path, expected: int) -> None:
    """Print one row: the paper, its size, and the best times of parse_tex and scan_tex."""
    text = path.read_text(encoding="utf-8")
    found = len(parse_tex(text, path).citations)
    if found != expected:
        raise SystemExit(f"{name}: {found} citations found, {expected} expected")
    parse = best_of(5, lambda: parse_tex(text, path))
    scan = best_of(5, lambda: scan_tex(path))
    print(f"| {name} | {len(text):,} | {found:,} | {parse:.3f} | {scan:.3f} |", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the papers and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    sizes = parser.parse_args(argv).sizes
    print("| Paper | Characters | Citations | parse_tex (s) | scan_tex (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / f"synth{size}"
            root.mkdir()
            synth.generate(root, size, synced=True)
            keys = len(parse_tex((root / "paper.tex").read_text(), root / "paper.tex").citations)
            measure(f"synth paper.tex, N = {size:,}", root / "paper.tex", keys)
            for harder in (False, True):
                prose = Path(tmp) / f"prose{size}{harder}.tex"
                prose.write_text(prose_paper(size, harder), encoding="utf-8")
                kind = "prose, harder forms" if harder else "prose"
                measure(f"{kind}, N = {size:,}", prose, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
