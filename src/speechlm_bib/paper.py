"""A LaTeX paper as check and export see it: its citations and its own bibliography files.

Plain values: store/paperbib.py reads the files a paper declares into ``BibFile`` values,
checks/papers.py and selection.py read them. A key is defined for a paper when one of its
files or the repository has a record of it; BibTeX and biber take the first copy, in the
order the paper declares its files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the scanner (and pylatexenc) loads only with a paper to read
    from .tex.scan import CitedKeys


@dataclass(frozen=True, slots=True)
class BibRecord:
    """One record of a paper's own .bib file: key, type, BibTeX values and where it stands."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class BibFile:
    """A bibliography file a paper declares, as read: its records in file order.

    ``found`` is False for a file that does not exist (yet): an export may be what writes it.
    ``exported`` says that ``speechlm-bib export`` wrote it (its first line says so).
    """

    path: Path
    records: tuple[BibRecord, ...] = ()
    found: bool = True
    exported: bool = False


@dataclass(frozen=True, slots=True)
class Paper:
    """The citations of one or more papers and the bibliography files they declare, in order.

    ``names`` are the papers as given on the command line, to name them in reports.
    """

    cited: CitedKeys
    files: tuple[BibFile, ...] = ()
    names: tuple[str, ...] = ()

    def without(self, paths: Iterable[Path]) -> Paper:
        """The paper with the files at paths and the files export wrote left out."""
        left_out = {path.resolve() for path in paths}
        kept = tuple(f for f in self.files
                     if not f.exported and f.path.resolve() not in left_out)
        return replace(self, files=kept)


def definitions(paper: Paper) -> Mapping[str, tuple[BibRecord, ...]]:
    """Each key the paper's files define, with its copies in declaration order.

    A key written twice in one file counts once there: BibTeX and biber read the first.

    >>> from speechlm_bib.tex.scan import CitedKeys
    >>> record = lambda key, name: BibRecord(key, "misc", (), Path(name), 1)
    >>> files = (BibFile(Path("a.bib"), (record("x", "a.bib"), record("x", "a.bib"))),
    ...          BibFile(Path("b.bib"), (record("y", "b.bib"), record("x", "b.bib"))))
    >>> {key: [r.path.name for r in copies]
    ...  for key, copies in definitions(Paper(CitedKeys((), False), files)).items()}
    {'x': ['a.bib', 'b.bib'], 'y': ['b.bib']}
    """
    copies: dict[str, list[BibRecord]] = {}
    for bib in paper.files:
        for record in {r.key: r for r in reversed(bib.records)}.values():
            copies.setdefault(record.key, []).append(record)
    return {key: tuple(found) for key, found in copies.items()}


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many of the repository's records the papers checked leave uncited."""

    papers: tuple[str, ...]
    uncited: int
    records: int
