"""The commands that read LaTeX papers: check (the repository, and papers) and export.

A paper is read once: its citations and declarations (tex/), then the .bib files it
declares (store/paperbib.py). Checks and the selection of records are pure steps on it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks import STALE, conclude, repository_findings, stale_findings
from ..checks.facts import Facts, Memos, library_facts
from ..errors import InputError
from ..memo import Memo, digest, from_plain
from ..model import Finding, Library
from ..render.references import placed_references
from ..store import BIB_FILE
from ..store.cache import Cache, kept_for
from .common import (
    generated_files,
    link_library,
    load_library,
    read_repository,
    scan_papers,
    stale_files,
)
from .settled import generated_digest

if TYPE_CHECKING:
    from ..paper import BibRecord, Coverage, Paper


FINDINGS = "findings"
"""The cache's section of the repository's findings."""
KEPT_FINDINGS = 8
"""How many sets of findings the cache keeps (the most recently used)."""
FACTS, LINKS, ROWS, SIMILAR = "facts", "links", "rows", "similar"
"""The cache's sections of what the checks read of each record, link and row, and of the
similar titles last found (``checks.facts``)."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What check reports: the findings, and with papers how many records they leave uncited."""

    findings: list[Finding]
    coverage: Coverage | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What export writes (the text, its record count) and what it says about a paper.

    ``elsewhere`` names the keys left to the paper's other bibliography files, by file;
    ``undefined`` says, one line each, where a key defined nowhere is first cited.
    """

    text: str
    count: int
    elsewhere: tuple[tuple[str, tuple[str, ...]], ...] = ()
    undefined: tuple[str, ...] = ()


def load_paper(library: Library, paths: Collection[Path], cache: Cache | None = None) -> Paper:
    """The citations of LaTeX papers and the records of the .bib files they declare."""
    from ..paper import Paper  # loaded with a paper to read, as the reader of its files
    from ..store.paperbib import load_bib_files

    cited = scan_papers(paths)
    names = tuple(library.relative(path) for path in paths)
    memo = cache.section("bibfiles", complete=False) if cache is not None else None
    known = functools.partial(own_records, library, cache)
    return Paper(cited, load_bib_files(cited.bib_files, memo, known), names)


def own_records(library: Library, cache: Cache | None, path: Path,
                text: str) -> tuple[BibRecord, ...] | None:
    """The records of the repository's references.bib when it holds what build writes.

    They are what bibtexparser reads in that text (each record's fields as written, its
    first line), taken from the library instead: the file of 10,000 records is not parsed
    again. None for another file or another text.
    """
    from ..paper import BibRecord

    if path.resolve() != (library.root / BIB_FILE).resolve():
        return None
    placed = placed_references(library, cache.section("bibtex") if cache is not None else None)
    if placed is None or placed[0] != text:
        return None
    return tuple(BibRecord(record.key, record.type.lower(),
                           tuple((name.lower(), value) for name, value in record.fields),
                           path, line)
                 for record, line in placed[1])


def run_check(root: Path, papers: Collection[Path] = (), *, cache: bool = True) -> CheckReport:
    """Every finding on the repository and, when given, on LaTeX papers (.tex, .aux, folders)."""
    with kept_for(root, cache) as kept:
        repo, reads = read_repository(root, kept)
        sources = reads.hexdigest()
        library = link_library(repo, kept, sources)
        found = repository_report(library, sources, kept)
        if not papers:
            return CheckReport(conclude(library, found))
        paper = load_paper(library, papers, kept)
    from ..checks.papers import coverage  # loaded with a paper to check

    return CheckReport(conclude(library, found, paper), coverage(library, paper))


def repository_report(library: Library, sources: str, cache: Cache) -> list[Finding]:
    """The repository's findings before acknowledgements: its checks' and its stale files'.

    They are kept in the cache under the digest of the files the library was read from
    (``sources``), of the generated files as they are and of the year, and given again while
    none of them changes: a paper checked again and again against an unchanged repository
    costs the paper's own checks only.
    """
    memo, key, found = _kept_findings(library, sources, cache)
    if found is None:
        # Files generated from a partly read repository would all look stale.
        stale = [] if library.problems else stale_files(generated_files(library, cache))
        found = [*repository_findings(library, kept_facts(library, cache)),
                 *stale_findings(library, stale)]
        if key is not None:
            memo.put(key, found)
    return found


def checks_report(library: Library, sources: str, cache: Cache) -> list[Finding]:
    """The findings of the repository's checks, without comparing the generated files.

    Those ``repository_report`` kept for the same files (stale files aside), else made.
    """
    found = _kept_findings(library, sources, cache)[2]
    if found is None:
        return repository_findings(library, kept_facts(library, cache))
    return [f for f in found if f.code != STALE]


def kept_facts(library: Library, cache: Cache) -> Facts:
    """What the checks read of the library's records, links and rows, through the cache."""
    return library_facts(library, Memos(
        records=cache.section(FACTS), links=cache.section(LINKS), rows=cache.section(ROWS),
        similar=cache.section(SIMILAR, complete=False, limit=1)))


def _kept_findings(library: Library, sources: str,
                   cache: Cache) -> tuple[Memo, str | None, list[Finding] | None]:
    """The cache's section of findings, the digest they are kept under, and those kept."""
    memo = cache.section(FINDINGS, complete=False, limit=KEPT_FINDINGS)
    key = _findings_key(library, sources)
    return memo, key, _recall_findings(memo.get(key)) if key is not None else None


def _findings_key(library: Library, sources: str) -> str | None:
    """The digest the findings are kept under; None when a generated file cannot be read.

    Nothing is kept then: the comparison of that file with what build writes says why.
    """
    generated = generated_digest(library.root)
    if generated is None:
        return None
    return digest("findings", sources, datetime.date.today().year, generated)


def _recall_findings(plain: Any) -> list[Finding] | None:
    """Kept findings back from their plain form; None when there are none or they do not fit."""
    if not isinstance(plain, (list, tuple)):
        return None
    try:
        return [from_plain(Finding, item) for item in plain]
    except (TypeError, ValueError):
        return None


def run_export(root: Path, fmt: str, keys: Collection[str] = (),
               sections: Collection[str] = (), sources: Collection[Path] = (),
               output: Path | None = None, *, cache: bool = True) -> ExportResult:
    """The chosen records (all without a choice) in a format, and what to say about a paper.

    The paper's own bibliography files, save output and the files export wrote, define the
    keys they hold: those are left to them.
    """
    from ..checks.papers import undefined_message  # export's own modules load when it runs
    from ..paper import definitions
    from ..render.exports import RENDERERS
    from ..selection import Selection, select_records, sort_citations, split_keys

    with kept_for(root, cache) as kept:
        library = load_library(root, cache=kept)
        whole = load_paper(library, sources, kept) if sources else None
    if whole is None:
        records = select_records(library, Selection(split_keys(keys), tuple(sections)))
        return ExportResult(RENDERERS[fmt](records), len(records))
    if output is not None:
        _refuse_own_file(whole, output)
    paper = whole.without([output] if output is not None else [])
    records = select_records(library, Selection(split_keys(keys), tuple(sections), paper))
    found = sort_citations(library, paper)
    copies = definitions(paper)
    undefined = tuple(f"{c.path}:{c.line}: {undefined_message(library, paper, c, copies)}"
                      for c in found.undefined)
    elsewhere = tuple((library.relative(path), keys) for path, keys in found.elsewhere)
    return ExportResult(RENDERERS[fmt](records), len(records), elsewhere, undefined)


def _refuse_own_file(paper: Paper, output: Path) -> None:
    """Refuse to write over one of the paper's own bibliography files (not an export)."""
    for bib in paper.files:
        if bib.records and not bib.exported and bib.path.resolve() == output.resolve():
            raise InputError("is one of the paper's own bibliography files (export did not "
                             "write it): write the export to a file of its own", output)
