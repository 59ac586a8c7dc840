r"""The bibliography files a biblatex document declares, read from the .bcf file biber reads.

biblatex writes its citations into the .aux file but not its resources: those go into the
control file (``paper.bcf``) beside it, one ``<bcf:datasource>`` element a file. Like .aux
files, .bcf files are machine-written, one element a line, and are read with a regular
expression; only local BibTeX data sources count (a remote resource is no file of the paper).
"""

from __future__ import annotations

import html
import re

from .scan import BibDeclaration

_DATASOURCE = re.compile(r"<bcf:datasource\b([^>]*)>([^<]*)</bcf:datasource>")
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def parse_bcf(text: str) -> tuple[BibDeclaration, ...]:
    r"""The local BibTeX data sources of a .bcf text, with their line and column.

    >>> parse_bcf('<bcf:bibdata>\n  <bcf:datasource type="file" datatype="bibtex" '
    ...           'glob="false">refs &amp; more.bib</bcf:datasource>\n'
    ...           '  <bcf:datasource type="url" datatype="bibtex">http://x/y.bib</bcf:datasource>')
    (BibDeclaration(command='datasource', name='refs & more.bib', line=2, column=62),)
    """
    found = []
    for match in _DATASOURCE.finditer(text):
        if _local_bibtex(match.group(1)):
            start = match.start(2)
            line = text.count("\n", 0, start) + 1
            column = start - text.rfind("\n", 0, start)
            found.append(BibDeclaration("datasource", html.unescape(match.group(2)), line,
                                        column))
    return tuple(found)


def _local_bibtex(attributes: str) -> bool:
    """Whether a data source's attributes name a local BibTeX file."""
    values: dict[str, str] = dict(_ATTRIBUTE.findall(attributes))
    return values.get("type", "file") == "file" and values.get("datatype", "bibtex") == "bibtex"
