"""BibTeX normalisation steps, one ``BlockMiddleware`` each, and the default stack.

Fields that are still plain text (fetched from arXiv) are marked in the entry's parser
metadata; the middlewares turn them into BibTeX. Hand-maintained fields are BibTeX already
and pass through as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bibtexparser.library import Library
from bibtexparser.middlewares import SortFieldsCustomMiddleware
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import Block, Entry

from .latex import escape, protect_title
from .names import bibtex_name

FIELD_ORDER = (
    "author", "editor", "title", "booktitle", "journal", "series", "edition", "volume",
    "number", "pages", "howpublished", "publisher", "organization", "institution", "school",
    "address", "year", "month", "note", "doi", "eprint", "archiveprefix", "primaryclass",
    "url", "urldate",
)
VERBATIM = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "urldate"})
PLAIN = "speechlm_bib.plain"
"""Parser metadata of an entry: the names of its fields that are still plain text."""
TERMS = "speechlm_bib.terms"
"""Parser metadata of an entry: the terms its title protects from lowercasing."""


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


def default_stack(order: Sequence[str] = FIELD_ORDER) -> list[BlockMiddleware]:
    """The normalisation stack references.bib is written with (a new list on every call)."""
    return [
        ProtectTitleMiddleware(),
        NameListMiddleware(),
        EscapeTextMiddleware(),
        SortFieldsCustomMiddleware(order=tuple(order)),
    ]
