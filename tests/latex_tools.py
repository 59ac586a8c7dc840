"""Compiling documents with the real TeX tools, for tests that use them as consumers."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HAVE_TEX = all(shutil.which(tool) for tool in ("pdflatex", "bibtex", "biber", "pdftotext"))
needs_tex = [
    pytest.mark.latex,
    pytest.mark.skipif(not HAVE_TEX, reason="pdflatex, bibtex, biber or pdftotext not installed "
                       "(Debian: texlive-latex-extra texlive-bibtex-extra biber poppler-utils)"),
]
PREAMBLE = "\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage{url}\n"
_LATEX_WARNING = re.compile(r"^(LaTeX|Package|Class) \S* ?Warning.*$|^LaTeX Warning.*$", re.M)


@dataclass(frozen=True)
class Compiled:
    """What a compilation left: the log, the bibliography tool's messages and the PDF text."""

    log: str
    bib_messages: str
    text: str

    def latex_warnings(self) -> list[str]:
        """Every LaTeX or package warning of the last run."""
        return _LATEX_WARNING.findall(self.log) and [
            m.group() for m in _LATEX_WARNING.finditer(self.log)]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180,
                          check=False, encoding="utf-8", errors="replace")


def compile_bibtex(folder: Path, body: str, style: str, packages: str = "\\usepackage{natbib}\n",
                   bib: str = "references") -> Compiled:
    """pdflatex, bibtex, pdflatex twice, in folder; raises on an error."""
    document = (f"\\documentclass{{article}}\n{PREAMBLE}{packages}\\begin{{document}}\n\\sloppy\n"
                f"{body}\n\\bibliographystyle{{{style}}}\n\\bibliography{{{bib}}}\n"
                "\\end{document}\n")
    return _compile(folder, document, ["bibtex", "paper"])


def compile_biber(folder: Path, body: str, bib: str = "references.bib") -> Compiled:
    """pdflatex, biber, pdflatex twice with biblatex, in folder; raises on an error."""
    document = (f"\\documentclass{{article}}\n{PREAMBLE}"
                f"\\usepackage[backend=biber,style=authoryear]{{biblatex}}\n"
                f"\\addbibresource{{{bib}}}\n\\begin{{document}}\n\\sloppy\n{body}\n"
                "\\printbibliography\n\\end{document}\n")
    return _compile(folder, document, ["biber", "paper"])


def _compile(folder: Path, document: str, bib_command: list[str]) -> Compiled:
    (folder / "paper.tex").write_text(document, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper"]
    first = _run(latex, folder)
    assert first.returncode == 0, first.stdout[-3000:]
    bib_run = _run(bib_command, folder)
    assert bib_run.returncode == 0, bib_run.stdout[-3000:] + bib_run.stderr[-3000:]
    _run(latex, folder)
    last = _run(latex, folder)
    assert last.returncode == 0, last.stdout[-3000:]
    text = _run(["pdftotext", "-enc", "UTF-8", "paper.pdf", "-"], folder).stdout
    messages = bib_run.stdout + bib_run.stderr
    log = (folder / "paper.log").read_text(encoding="utf-8", errors="replace")
    return Compiled(log, messages, " ".join(text.replace("-\n", "-").split()))
