"""Two copies of one record compared on what they say, not on how they are written.

A paper's .bib file and the repository may both hold a record of a key. The copies count as
different only where both give a field that names the work or where it appeared (authors,
title, year, venue, volume, number, pages, DOI, arXiv id) and the values differ once read
as text: braces, LaTeX accents, case, spacing, dash forms, a DOI's link form, an arXiv
version, BibTeX's or biblatex's field names (journal or journaltitle, year or date) and
"and others" in place of the later authors do not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from ..bibtex.latex import to_text
from ..keys import family_name, fold
from .duplicates import normalise_title

_YEAR = re.compile(r"\d{4}")
_WORD = re.compile(r"\w+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_VERSION = re.compile(r"v\d+$")
_SOURCES: dict[str, tuple[str, ...]] = {
    "author": ("author",), "title": ("title",), "year": ("year", "date"),
    "venue": ("journal", "journaltitle", "booktitle"), "volume": ("volume",),
    "number": ("number",), "pages": ("pages",), "doi": ("doi",), "eprint": ("eprint",),
}
"""Each compared field and the BibTeX or biblatex fields it is read from, first found."""


def _names(value: str) -> str:
    r"""Family names, folded, one per person; "and others" kept as a trailing ``+``.

    >>> _names(r"D{\'e}fossez, Alexandre and Laurent Mazar{\'e} and others")
    'defossez mazare +'
    """
    # bibtexparser's name splitter loads with the first list of names compared.
    from bibtexparser.middlewares.names import split_multiple_persons_names

    people = split_multiple_persons_names(value)
    return " ".join("+" if name.strip() == "others" else fold(to_text(family_name(name)))
                    for name in people)


def _year(value: str) -> str:
    match = _YEAR.search(value)
    return match.group() if match else value


def _words(value: str) -> str:
    return "-".join(_WORD.findall(to_text(value).casefold()))


def _doi(value: str) -> str:
    return _DOI_PREFIX.sub("", value.strip()).casefold()


def _eprint(value: str) -> str:
    return _VERSION.sub("", value.strip().casefold())


def _title(value: str) -> str:
    return normalise_title(to_text(value))


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "author": _names, "title": _title, "year": _year, "venue": _title, "volume": _words,
    "number": _words, "pages": _words, "doi": _doi, "eprint": _eprint,
}


def content(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The compared fields a record gives, each normalised.

    >>> content([("Journal", "{IEEE} TASLP"), ("pages", "1--10"), ("date", "2021-05")])
    {'year': '2021', 'venue': 'ieee taslp', 'pages': '1-10'}
    """
    values = {name.lower(): value for name, value in fields}
    found = {}
    for name, sources in _SOURCES.items():
        value = next((values[s] for s in sources if values.get(s, "").strip()), None)
        if value is not None:
            found[name] = _NORMALISERS[name](value)
    return found


def differences(first: Mapping[str, str], second: Mapping[str, str]) -> tuple[str, ...]:
    """The compared fields both contents give with different values, in a fixed order.

    >>> differences(content([("author", "Smith, J. and others"), ("year", "2020")]),
    ...             content([("author", "Jane Smith and John Doe"), ("year", "2021")]))
    ('year',)
    """
    return tuple(name for name in _SOURCES
                 if name in first and name in second and not _same(name, first[name],
                                                                    second[name]))


def _same(name: str, first: str, second: str) -> bool:
    """Whether two normalised values agree; authors cut short by "others" agree on a prefix.

    >>> _same("author", "smith +", "smith doe"), _same("author", "smith", "smith doe +")
    (True, False)
    """
    if name != "author":
        return first == second
    left, right = first.split(), second.split()
    cut_left, cut_right = left[-1:] == ["+"], right[-1:] == ["+"]
    left, right = left[: len(left) - cut_left], right[: len(right) - cut_right]
    if not cut_left and not cut_right:
        return left == right
    shortest = min(len(left), len(right))
    too_short = (not cut_left and len(left) < len(right)) or (
        not cut_right and len(right) < len(left))
    return left[:shortest] == right[:shortest] and not too_short
