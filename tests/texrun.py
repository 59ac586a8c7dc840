"""Compile small LaTeX documents with pdflatex and bibtex or biber, and collect warnings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PREAMBLE = "\\usepackage[T1]{fontenc}\\usepackage{lmodern}\\usepackage{url}\n"
needs_bibtex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
    reason="pdflatex or bibtex not installed",
)
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext not installed (Debian: poppler-utils)")
needs_biber = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("biber") is None,
    reason="pdflatex or biber not installed",
)
needs_latexmk = pytest.mark.skipif(
    shutil.which("latexmk") is None or shutil.which("pdflatex") is None
    or shutil.which("bibtex") is None or shutil.which("biber") is None,
    reason="latexmk, pdflatex, bibtex or biber not installed (Debian: latexmk)",
)
needs_checkcites = pytest.mark.skipif(
    shutil.which("checkcites") is None or shutil.which("pdflatex") is None,
    reason="checkcites or pdflatex not installed (Debian: texlive-extra-utils)",
)
_BLG_PROBLEMS = ("WARN", "Warning--", "ERROR", "error message")
_LOG_WARNING = re.compile(
    r"^(?:LaTeX|Package|Class) .*Warning.*$|Citation .* undefined", re.MULTILINE)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120,
                            check=False, errors="replace")
    if result.returncode != 0:
        log = (cwd / "paper.log").read_text(errors="replace") if (cwd / "paper.log").exists() \
            else ""
        raise AssertionError(f"{command[0]} failed:\n{result.stdout[-3000:]}\n{log[-3000:]}")
    return result


def write_document(directory: Path, body: str, *, biblatex: bool = False,
                   packages: str = "", bib: str = "refs.bib", style: str = "plain") -> Path:
    """A document paper.tex citing with body, using the bib with BibTeX (style) or biblatex."""
    if biblatex:
        head = f"\\usepackage[backend=biber,style=numeric]{{biblatex}}\\addbibresource{{{bib}}}\n"
        tail = "\\printbibliography\n"
    else:
        head = ""
        tail = f"\\bibliographystyle{{{style}}}\\bibliography{{{Path(bib).stem}}}\n"
    text = ("\\documentclass{article}\n" + PREAMBLE + packages + head
            + "\\begin{document}\n" + body + "\n" + tail + "\\end{document}\n")
    path = directory / "paper.tex"
    path.write_text(text, encoding="utf-8")
    return path


def compile_document(directory: Path, *, biber: bool = False) -> list[str]:
    """Run pdflatex, bibtex or biber, pdflatex twice; the warnings of the last two runs."""
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    _run(latex, directory)
    _run(["biber", "paper"] if biber else ["bibtex", "paper"], directory)
    _run(latex, directory)
    _run(latex, directory)
    log = (directory / "paper.log").read_text(errors="replace")
    blg = (directory / "paper.blg").read_text(errors="replace")
    warnings = _LOG_WARNING.findall(log)
    warnings += [line for line in blg.splitlines()
                 if "WARN" in line or "Warning--" in line or "ERROR" in line]
    assert (directory / "paper.pdf").exists()
    return warnings


def latexmk(directory: Path, main: str = "main.tex",
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run latexmk -pdf on a main file (bibtex or biber as the document asks), as it is."""
    return subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", main], cwd=directory,
                          env=env, capture_output=True, text=True, timeout=300, check=False,
                          errors="replace")


def run_warnings(directory: Path, main: str = "main.tex") -> list[str]:
    """The warnings of a finished run: LaTeX's last pass (.log) and BibTeX's or biber's (.blg)."""
    stem = Path(main).stem
    log = (directory / f"{stem}.log").read_text(errors="replace")
    blg = (directory / f"{stem}.blg").read_text(errors="replace")
    warnings = _LOG_WARNING.findall(log)
    return warnings + [line for line in blg.splitlines()
                       if any(word in line for word in _BLG_PROBLEMS)]


def bibliography_keys(directory: Path, stem: str = "paper") -> list[str]:
    """The keys the compiled bibliography (.bbl) lists, BibTeX or biblatex."""
    bbl = (directory / f"{stem}.bbl").read_text(errors="replace")
    keys = re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}", bbl)
    return keys + re.findall(r"\\entry\{([^}]*)\}", bbl)


def pdf_text(directory: Path) -> str:
    """The text of paper.pdf on one line (pdftotext joins words hyphenated at line ends)."""
    text = _run(["pdftotext", "-enc", "UTF-8", "paper.pdf", "-"], directory).stdout
    return " ".join(text.replace("-\n", "-").split())


def box_warnings(directory: Path) -> list[str]:
    """The boxes paper.log reports too wide, and the table rows it reports short.

    (Underfull lines of paragraphs are left out: a bibliography's long URLs make them.)
    """
    log = (directory / "paper.log").read_text(errors="replace")
    return re.findall(r"^(?:Overfull \\[hv]box.*|Underfull \\hbox.* in alignment.*)$", log,
                      re.MULTILINE)
