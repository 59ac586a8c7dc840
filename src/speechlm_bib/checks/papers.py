"""A LaTeX paper against the bibliography: undefined citations and records it never cites."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

from ..model import Finding, Library
from ..tex.scan import CitedKeys
from .common import finding


def check_citations(library: Library, cited: CitedKeys) -> Iterator[Finding]:
    """Every citation of a key that is no record, and (as information) records never cited."""
    keys = tuple(library.by_key)
    known = library.by_key
    for citation in cited.citations:
        if citation.key not in known:
            yield finding(
                library, "error", "undefined-citation", citation.path, citation.line, citation.key,
                f"\\{citation.command}{{{citation.key}}}: no record has this key"
                + did_you_mean(citation.key, keys), citation.key)
    if not cited.all_keys:
        yield from _uncited(library, {c.key for c in cited.citations})


def _uncited(library: Library, used: set[str]) -> Iterator[Finding]:
    for record in library.records:
        if record.key not in used:
            yield finding(library, "info", "uncited-record", record.path, record.line,
                          record.key, "the paper never cites this record", record.key)


def did_you_mean(key: str, keys: Sequence[str]) -> str:
    """A "did you mean" hint naming the closest key, or nothing when none is close.

    >>> did_you_mean("Defossez2024moshi", ["defossez2024moshi", "cui2024recent"])
    "; did you mean 'defossez2024moshi'? (keys are case-sensitive)"
    >>> did_you_mean("defosez2024moshi", ["defossez2024moshi", "cui2024recent"])
    "; did you mean 'defossez2024moshi'?"
    >>> did_you_mean("zzz", ["defossez2024moshi"])
    ''
    """
    same_case = [k for k in keys if k.lower() == key.lower()]
    if same_case:
        return f"; did you mean '{same_case[0]}'? (keys are case-sensitive)"
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""
