"""BibTeX normalisation steps, one ``BlockMiddleware`` each, and the default stack.

Fields that are still plain text (fetched from arXiv) are marked in the entry's parser
metadata; the middlewares turn them into BibTeX. Hand-maintained fields are BibTeX already
and pass through as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bibtexparser.library import Library
from bibtexparser.middlewares import SortFieldsCustomMiddleware
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import Block, Entry

from .keys import name_parts
from .latex import escape, protect_title
from .records import PLAIN, TERMS

FIELD_ORDER = (
    "author", "editor", "title", "booktitle", "journal", "series", "edition", "volume",
    "number", "pages", "howpublished", "publisher", "organization", "institution", "school",
    "address", "year", "month", "note", "doi", "eprint", "archiveprefix", "primaryclass",
    "url", "urldate",
)
VERBATIM = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "urldate"})


def _plain(entry: Entry) -> set[str]:
    marked: set[str] = entry.parser_metadata.get(PLAIN, set())
    return marked


class _PlainFieldMiddleware(BlockMiddleware):
    """Base: transforms the plain-text fields a subclass selects."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=True)

    def selects(self, name: str) -> bool:
        """Whether this middleware transforms the field with this name."""
        raise NotImplementedError

    def convert(self, value: Any, entry: Entry) -> str:
        """The BibTeX form of one plain field value."""
        raise NotImplementedError

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        """Convert the selected plain fields of one entry."""
        plain = _plain(entry)
        for field in entry.fields:
            if field.key in plain and self.selects(field.key):
                field.value = self.convert(field.value, entry)
                plain.discard(field.key)
        return entry


class ProtectTitleMiddleware(_PlainFieldMiddleware):
    """Escapes a fetched title and brace-protects acronyms, mixed case and protected terms."""

    def selects(self, name: str) -> bool:
        """Titles only."""
        return name == "title"

    def convert(self, value: Any, entry: Entry) -> str:
        """The protected BibTeX title."""
        return protect_title(str(value), entry.parser_metadata.get(TERMS, ()))


class NameListMiddleware(_PlainFieldMiddleware):
    """Writes a fetched author list as "Family, Given and ..." with LaTeX-encoded letters."""

    def selects(self, name: str) -> bool:
        """Author and editor lists."""
        return name in {"author", "editor"}

    def convert(self, value: Any, entry: Entry) -> str:
        """The BibTeX name list."""
        return " and ".join(bibtex_name(name) for name in value)


class EscapeTextMiddleware(_PlainFieldMiddleware):
    """Escapes LaTeX's special characters in every other fetched text field."""

    def selects(self, name: str) -> bool:
        """Every field but the verbatim ones (URLs, DOIs, ids)."""
        return name not in VERBATIM

    def convert(self, value: Any, entry: Entry) -> str:
        """The escaped value."""
        return escape(str(value))


def bibtex_name(name: str) -> str:
    r"""A name as arXiv writes it ("Given Family") in BibTeX's "Family, Given" form.

    >>> bibtex_name("Aäron van den Oord")
    'van den Oord, A{\\"a}ron'
    >>> bibtex_name("KimiTeam")
    'KimiTeam'
    >>> bibtex_name("Łukasz de la Cruz")
    'de la Cruz, {\\L}ukasz'
    """
    words = name.split()
    if _NAME_SYNTAX.search(name):
        # Escape word by word first: a plain name's ~ or braces are not BibTeX name syntax.
        escaped = " ".join(escape(word) for word in words)
        parts = _name_parts(escaped)
        return "{" + escaped + "}" if parts is None else _join_name(*parts)
    text = " ".join(words)
    parts = _plain_name_parts(text) or _name_parts(text)
    if parts is None:
        return "{" + escape(text) + "}"
    return _join_name(*(escape(part) for part in parts))


_NAME_SYNTAX = re.compile(r"[{}\\~]")


def _join_name(family: str, jr: str, given: str) -> str:
    pieces = [family] + ([jr] if jr else [])
    return ", ".join(pieces + ([given] if given else []))


_NOT_PLAIN_NAME = re.compile(r"[,{}\\~\r\n\t]|  |^ | $")


def _plain_name_parts(name: str) -> tuple[str, str, str] | None:
    """Family, jr and given of a plain "Given ... Family" name without lowercase words.

    BibTeX's rules give such a name no von and no jr part: the last word is the family
    name. Anything else (commas, braces, particles, words that do not start with a letter)
    is left to the full parser.

    >>> _plain_name_parts("Tu Anh Nguyen"), _plain_name_parts("Aäron van den Oord")
    (('Nguyen', '', 'Tu Anh'), None)
    """
    if not name or _NOT_PLAIN_NAME.search(name):
        return None
    words = name.split(" ")
    if not all(word[:1].isalpha() for word in words):
        return None
    if len(words) > 2 and any(_lowercase_word(word) for word in words):
        return None
    return words[-1], "", " ".join(words[:-1])


def _lowercase_word(word: str) -> bool:
    """Whether BibTeX takes a word for lowercase: its first letter is not a capital."""
    letter = next((char for char in word if char.isalpha()), None)
    return letter is not None and not letter.isupper()


def _name_parts(name: str) -> tuple[str, str, str] | None:
    """Family (with von), jr and given of any name, by bibtexparser's parser."""
    parts = name_parts(name)
    if parts is None:
        return None
    return " ".join(parts.von + parts.last), " ".join(parts.jr), " ".join(parts.first)


def default_stack(order: Sequence[str] = FIELD_ORDER) -> list[BlockMiddleware]:
    """The normalisation stack references.bib is written with (a new list on every call)."""
    return [
        ProtectTitleMiddleware(),
        NameListMiddleware(),
        EscapeTextMiddleware(),
        SortFieldsCustomMiddleware(order=tuple(order)),
    ]
