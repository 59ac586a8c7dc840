"""Checks: the repository's data and LaTeX papers turned into findings, reported together.

Each ``check_*`` function takes the linked ``Library`` and yields findings; those that read
records' content take their ``facts`` too (made once, kept in the cache). ``check_all`` runs
them, adds the entry files that could not be read and the generated files that are out of
date, and ``conclude`` drops what entries acknowledge and sorts the rest: a paper's own
findings first, then the repository's, each by file and line.
Nothing here reads files: the caller passes the stale generated files and the paper (its
citations and the records of its own bibliography files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Finding, Library
from . import cells, duplicates, fields, identity, keys, published, rows
from .acknowledge import apply_acknowledgements
from .common import finding
from .facts import Facts, library_facts

if TYPE_CHECKING:  # the paper's model and checks load with a paper to check
    from ..paper import Paper

SEVERITIES = ("error", "warning", "info")
CODES: dict[str, str] = {
    "invalid-entry": "an entry file that cannot be read (YAML, unknown or mistyped fields)",
    "unlinked-entry": "an entry that cites no record (no key with a record, no arXiv id)",
    "missing-metadata": "an entry's arXiv id, or the version its 'published' pins, has no "
                        "stored metadata (run sync)",
    "unused-record": "a hand record no entry cites and list.yaml neither keeps nor names as survey",
    "repeated-record": "a hand record whose type and every field repeat what is fetched "
                       "(delete it)",
    "unknown-key": "a survey key of list.yaml or a 'keep' key names no record",
    "invalid-key": "a key BibTeX or biblatex cannot read",
    "duplicate-key": "two keys that differ only in case (BibTeX takes them for one)",
    "key-scheme": "a pinned key that deviates from the author-year-title-word scheme",
    "duplicate-arxiv": "two keys for one arXiv id (any version, eprint, arXiv DOI or link)",
    "duplicate-doi": "two keys for one DOI",
    "duplicate-title": "two keys whose titles are equal after normalisation",
    "similar-title": "two keys whose titles are nearly equal (one word, a spelling)",
    "unknown-type": "a record type neither BibTeX nor biblatex defines",
    "unknown-field": "a field of a hand record no style reads (most are misspelt)",
    "missing-field": "a field the record type needs in BibTeX's or biblatex's data model",
    "bad-arxiv-id": "an eprint field that is no arXiv id",
    "bad-doi": "a doi field that is no bare DOI",
    "bad-url": "a url field that is no http(s) URL",
    "bad-year": "a year that is not four digits from 1800 to next year",
    "unencodable": "characters pdflatex cannot typeset",
    "link-mismatch": "a row links to an arXiv id, DOI or record link other than its record's",
    "title-mismatch": "a row shows a title other than its record's",
    "name-mismatch": "a row's name is not the work its record's title names, or fits "
                     "another record better",
    "name-spelling": "a row's name differs from its work's own name only in case or spacing",
    "pinned-version": "a link pins an arXiv version",
    "tracking-parameter": "a link carries tracking parameters",
    "insecure-url": "a link uses plain http",
    "shared-link": "one link used by rows under different names",
    "empty-row": "a row whose shown cells are all empty (only its key is shown)",
    "stale-cell": "a cell an entry keeps as written no longer links the entry's url",
    "stale-generated": "a generated file differs from what build would write",
    "stale-acknowledgement": "an acknowledgement that no longer matches a finding",
    "undefined-citation": "a paper cites a key that neither the repository nor the paper's "
                          "own bibliography files define (with a suggestion)",
    "conflicting-record": "a key the repository and a paper's own bibliography file both "
                          "define, with other content",
    "uncited-record": "a record the paper never cites (information; text reports sum them up)",
}
"""Every finding code with what it catches."""
PAPER_FIRST = frozenset({"undefined-citation", "conflicting-record"})
"""The codes of a paper's own findings, reported before the repository's."""
PAPER_CODES = PAPER_FIRST | {"uncited-record"}

Check = Callable[[Library], Iterable[Finding]]
FactsCheck = Callable[[Library, Facts], Iterable[Finding]]


def repository_checks() -> list[Check]:
    """The checks run on every repository, in order (a new list on every call)."""
    return [
        check_problems,
        keys.check_links, keys.check_list_keys, keys.check_key_syntax,
        keys.check_duplicate_keys, fields.check_field_names, rows.check_empty_rows,
        cells.check_cells, published.check_pinned_versions, published.check_repeated_records,
    ]


def facts_checks() -> list[FactsCheck]:
    """The checks that read records' content through their facts, in order."""
    return [
        fields.check_records, keys.check_key_scheme,
        duplicates.check_same_work, duplicates.check_similar_titles,
        rows.check_rows, rows.check_links, rows.check_shared_links,
        identity.check_borrowed_links, identity.check_borrowed_names,
    ]


def check_all(library: Library, stale: Iterable[Path] = (),
              paper: Paper | None = None) -> list[Finding]:
    """Every finding on a library and, when given, on a paper: the paper's own ones first."""
    return conclude(library, [*repository_findings(library), *stale_findings(library, stale)],
                    paper)


def conclude(library: Library, found: list[Finding], paper: Paper | None = None) -> list[Finding]:
    """The findings to report: the repository's and, when given, the paper's, acknowledged.

    ``found`` holds the repository's (``repository_findings`` and ``stale_findings``); the
    result is sorted, the paper's own findings first.
    """
    checked = set(CODES) - PAPER_CODES
    if paper is not None:
        from .papers import check_paper, check_uncited  # loaded with a paper to check

        found = [*check_paper(library, paper), *found, *check_uncited(library, paper)]
        checked |= PAPER_CODES
    kept = apply_acknowledgements(found, library, checked)
    return (sort_findings(f for f in kept if f.code in PAPER_FIRST)
            + sort_findings(f for f in kept if f.code not in PAPER_FIRST))


def repository_findings(library: Library, facts: Facts | None = None) -> list[Finding]:
    """The findings of every repository check, before acknowledgements apply.

    ``facts`` are those of the library's records, links and rows (``facts.library_facts``,
    through the cache), made here when not given.
    """
    found = [f for check in repository_checks() for f in check(library)]
    facts = facts if facts is not None else library_facts(library)
    return found + [f for check in facts_checks() for f in check(library, facts)]


def check_problems(library: Library) -> Iterator[Finding]:
    """What could not be read or used as it is, each an error with its file and line."""
    for problem in library.problems:
        yield finding(library, "error", problem.code, problem.path, problem.line or 1,
                      problem.key, problem.message, problem.about)


STALE = "stale-generated"
"""The code of a generated file that differs from what build would write."""


def stale_findings(library: Library, stale: Iterable[Path]) -> list[Finding]:
    """An error for each generated file that differs from what build would write."""
    return [finding(library, "error", STALE, path, 1, None,
                    "out of date: run `speechlm-bib build`", library.relative(path))
            for path in stale]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file and line, then severity, code and key."""
    return sorted(findings, key=lambda f: (f.path, f.line, SEVERITIES.index(f.severity),
                                           f.code, f.key or "", f.message))
