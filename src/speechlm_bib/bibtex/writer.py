"""Records as BibTeX text: two-space indent, brace-enclosed values, one blank line apart."""

from __future__ import annotations

from collections.abc import Iterable

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from ..model import Record


def to_entry(record: Record) -> Entry:
    """The bibtexparser entry of a record, fields in the record's order."""
    return Entry(record.type, record.key, [Field(name, value) for name, value in record.fields])


def write_bibtex(records: Iterable[Record], header: str = "") -> str:
    """BibTeX text of records, in the order given, after a header."""
    library = Library([to_entry(record) for record in records])
    bibtex_format = BibtexFormat()  # type: ignore[no-untyped-call]
    bibtex_format.indent = "  "
    bibtex_format.block_separator = "\n"
    enclose = AddEnclosingMiddleware(
        reuse_previous_enclosing=False, enclose_integers=False, default_enclosing="{"
    )
    body = write_string(library, unparse_stack=[enclose], bibtex_format=bibtex_format)
    return header + body
