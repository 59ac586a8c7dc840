"""A LaTeX paper against the repository and its own bibliography files.

A cited key is defined when the repository or one of the files the paper declares has a
record of it. A key defined nowhere is an error, with the closest key of either as a
suggestion; a key the repository and one of the paper's files both define, with other
content, is a warning (BibTeX and biber take the first declared file's copy); the
repository's records the paper does not cite are information, summed up in ``coverage``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..model import Finding, Library, Record
from ..paper import BibFile, BibRecord, Coverage, Paper, definitions
from .common import finding
from .copies import content, differences

if TYPE_CHECKING:  # the scanner (and pylatexenc) loads only with a paper to read
    from ..tex.scan import Citation

Copies = Mapping[str, tuple[BibRecord, ...]]


def check_paper(library: Library, paper: Paper) -> Iterator[Finding]:
    """The paper's own findings: keys defined nowhere, copies that differ from the repository's."""
    copies = definitions(paper)
    for citation in _undefined(library, paper, copies):
        yield finding(library, "error", "undefined-citation", citation.path, citation.line,
                      citation.key, undefined_message(library, paper, citation, copies),
                      citation.key)
    yield from _conflicts(library, paper, copies)


def _undefined(library: Library, paper: Paper, copies: Copies) -> Iterator[Citation]:
    """Every citation of a key that neither the repository nor the paper's files define."""
    return (c for c in paper.cited.citations if c.key not in library.by_key and c.key not in copies)


def undefined_message(library: Library, paper: Paper, citation: Citation,
                      copies: Copies) -> str:
    """What is wrong with a citation defined nowhere, and the closest key as a suggestion."""
    where = {key: library.relative(found[0].path) for key, found in copies.items()
             if key not in library.by_key}
    return (f"\\{citation.command}{{{citation.key}}}: {_nowhere(library, paper.files)}"
            + did_you_mean(citation.key, [*library.by_key, *where], where))


def _nowhere(library: Library, files: Sequence[BibFile]) -> str:
    if not files:
        return "no record has this key (and the paper declares no bibliography file)"
    names = ", ".join(library.relative(bib.path) + ("" if bib.found else " (missing)")
                      for bib in files)
    return f"defined neither in the repository nor in {names}"


def did_you_mean(key: str, keys: Sequence[str], where: Mapping[str, str] | None = None) -> str:
    """A "did you mean" hint naming the closest key (and its file), or nothing when none is close.

    >>> did_you_mean("Defossez2024moshi", ["defossez2024moshi", "cui2024recent"])
    "; did you mean 'defossez2024moshi'? (keys are case-sensitive)"
    >>> did_you_mean("defosez2024moshi", ["defossez2024moshi", "cui2024recent"])
    "; did you mean 'defossez2024moshi'?"
    >>> did_you_mean("smith2020onw", ["smith2020own"], {"smith2020own": "paper/own.bib"})
    "; did you mean 'smith2020own' (paper/own.bib)?"
    >>> did_you_mean("zzz", ["defossez2024moshi"])
    ''
    """
    same_case = [k for k in keys if k.lower() == key.lower()]
    close = same_case or difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    if not close:
        return ""
    source = (where or {}).get(close[0])
    hint = f"; did you mean '{close[0]}'" + (f" ({source})?" if source else "?")
    return hint + (" (keys are case-sensitive)" if same_case else "")


def _cited_keys(library: Library, paper: Paper, copies: Copies) -> list[str]:
    r"""The keys whose copies matter: those cited, or every key with ``\nocite{*}``."""
    if paper.cited.all_keys:
        return [key for key in copies if key in library.by_key]
    return [key for key in paper.cited.keys if key in library.by_key and key in copies]


def _conflicts(library: Library, paper: Paper, copies: Copies) -> Iterator[Finding]:
    """A warning at each copy in the paper's files that says otherwise than the repository."""
    exported = {bib.path for bib in paper.files if bib.exported}
    for key in _cited_keys(library, paper, copies):
        record, found = library.by_key[key], copies[key]
        for copy in found:
            # A copy with the record's very fields says the same (a generated file's does).
            if copy.fields == record.fields:
                continue
            ours = content(record.fields)
            fields = differences(ours, content(copy.fields))
            if not fields:
                continue
            message = (_stale_export(library, copy, fields) if copy.path in exported
                       else _other_copy(library, fields, found[0],
                                        differences(ours, content(found[0].fields))))
            yield finding(library, "warning", "conflicting-record", copy.path, copy.line,
                          key, message, f"{key} {library.relative(copy.path)} "
                                        f"{' '.join(fields)}")


def _stale_export(library: Library, copy: BibRecord, fields: Sequence[str]) -> str:
    return (f"{library.relative(copy.path)} holds an older export of this record "
            f"({', '.join(fields)} differ from the repository's): run `speechlm-bib export` "
            "again")


def _other_copy(library: Library, fields: Sequence[str], first: BibRecord,
                first_differs: Sequence[str]) -> str:
    return (f"differs from the repository's record of this key in {', '.join(fields)}; "
            f"BibTeX and biber take the copy in {library.relative(first.path)}, the first "
            "declared file holding it"
            + ("; the paper may cite a stale copy" if first_differs else ""))


def uncited_records(library: Library, paper: Paper) -> tuple[Record, ...]:
    r"""The repository's records the paper does not cite (none with ``\nocite{*}``)."""
    if paper.cited.all_keys:
        return ()
    used = set(paper.cited.keys)
    return tuple(record for record in library.records if record.key not in used)


def check_uncited(library: Library, paper: Paper) -> Iterator[Finding]:
    """Each record the paper does not cite, as information."""
    for record in uncited_records(library, paper):
        yield finding(library, "info", "uncited-record", record.path, record.line,
                      record.key, "the paper never cites this record", record.key)


def coverage(library: Library, paper: Paper) -> Coverage:
    """How many of the repository's records the paper leaves uncited."""
    return Coverage(paper.names, len(uncited_records(library, paper)), len(library.records))
