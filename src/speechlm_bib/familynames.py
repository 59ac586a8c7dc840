"""Family names by BibTeX's rules, read without bibtexparser's parser where that is exact.

BibTeX splits a name into First, von, Last and Jr by its commas and by the case of each
word's first letter. A name with no braces, backslashes, tildes or line breaks (nearly every
name: "Défossez, Alexandre", "Aäron van den Oord") needs nothing more than that:
``plain_family`` applies those rules as bibtexparser's ``parse_single_name_into_parts``
does, and leaves every other name (None) to it. tests/test_familynames.py compares the two.
"""

from __future__ import annotations

import re

_SYNTAX = re.compile(r"[{}\\~\r\n\t]")
"""What makes bibtexparser read a name character by character: braces, escapes, ties."""
_GROUP = re.compile(r"\{([^{}\\~\r\n\t]*)\}")
"""A name that is one brace group of plain text: a corporate name, its Last part whole."""


def plain_family(name: str) -> str | None:
    """The Last part of a plain name (its First part when Last is empty), or None.

    >>> plain_family("Défossez, Alexandre"), plain_family("Aäron van den Oord")
    ('Défossez', 'Oord')
    >>> plain_family("{OpenAI}"), plain_family("Jo~Smith") is None
    ('OpenAI', True)
    """
    group = _GROUP.fullmatch(name)
    if group is not None:
        return group[1]
    if _SYNTAX.search(name) or name.count(",") > 2:
        return None
    sections = [[word for word in part.split(" ") if word] for part in name.split(",")]
    if not sections[-1]:
        sections.pop()
    if not any(sections):
        return ""
    if len(sections) == 1:
        first, last = _first_and_last(sections[0])
    else:
        first, last = sections[-1], _last_after_von(sections[0])
    return " ".join(last) or " ".join(first)


def _case(word: str) -> int:
    """1 when a word's first letter is a capital, 0 when it is not, -1 without letters."""
    letter = next((char for char in word if char.isalpha()), None)
    return -1 if letter is None else int(letter.isupper())


def _first_and_last(words: list[str]) -> tuple[list[str], list[str]]:
    """First and Last of the "First von Last" form."""
    if len(words) < 3:
        return words[:-1], words[-1:]
    cases = [_case(word) for word in words]
    if 0 not in cases:
        return words[:-1], words[-1:]
    first_lower = cases.index(0) - len(cases)
    last_lower = -cases[::-1].index(0) - 1
    if last_lower == -1:
        last_lower -= 1  # Last cannot be empty
    return words[:first_lower], words[last_lower + 1:]


def _last_after_von(words: list[str]) -> list[str]:
    """Last of the "von Last" part of the comma forms: after the last lowercase word."""
    if len(words) == 1:
        return words
    cases = [_case(word) for word in words]
    if 0 not in cases:
        return words
    lower = [index for index, case in enumerate(cases[:-1]) if case == 0]
    return words[(lower[-1] if lower else -1) + 1:]
