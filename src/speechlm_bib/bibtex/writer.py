"""Records as BibTeX text: two-space indent, brace-enclosed values, one blank line apart.

bibtexparser's writer puts each record's text after the previous one, a blank line apart,
so that a memo can keep each record's text (under the record's digest, or that of its
type, key and fields) and a file is the header and the records' texts joined.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..memo import Memo, digest
from ..model import Record

if TYPE_CHECKING:
    from bibtexparser.model import Entry

SEPARATOR = "\n"
"""What stands between two records (after the newline that ends the first)."""


def to_entry(record: Record) -> Entry:
    """The bibtexparser entry of a record, fields in the record's order."""
    from bibtexparser.model import Entry, Field  # bibtexparser loads with a record to write

    return Entry(record.type, record.key, [Field(name, value) for name, value in record.fields])


def write_bibtex(records: Iterable[Record], header: str = "", memo: Memo | None = None) -> str:
    """BibTeX text of records, in the order given, after a header.

    With a memo, the text of a record written before with the same type, key and fields is
    taken from it (found by the record's digest, when linking gave it one).
    """
    records = list(records)
    texts = record_texts(records, memo)
    if texts is None:
        return header + _write(records)  # (bibtexparser refuses records sharing a key)
    return header + SEPARATOR.join(texts)


def record_texts(records: Sequence[Record], memo: Memo | None = None) -> list[str] | None:
    """Each record's text as ``write_bibtex`` writes it; None when two records share a key.

    With a memo, a record's text is taken from it as ``write_bibtex`` says.
    """
    if len({r.key for r in records}) < len(records):
        return None
    if memo is None:
        return _each(records)
    keys = [r.digest or digest("bibtex", r.type, r.key, r.fields) for r in records]
    texts: list[str | None] = [_text(memo.get(key)) for key in keys]
    missing = [index for index, text in enumerate(texts) if text is None]
    for index, text in zip(missing, _each([records[i] for i in missing]), strict=True):
        texts[index] = text
        memo.put(keys[index], text)
    return [text or "" for text in texts]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _each(records: Sequence[Record]) -> list[str]:
    """Each record's text as bibtexparser writes it, one at a time."""
    return [_write([record]) for record in records]


def _write(records: Sequence[Record]) -> str:
    from bibtexparser.entrypoint import write_string  # loaded with a record to write
    from bibtexparser.library import Library
    from bibtexparser.middlewares import AddEnclosingMiddleware
    from bibtexparser.writer import BibtexFormat

    library = Library([to_entry(record) for record in records])
    bibtex_format = BibtexFormat()  # type: ignore[no-untyped-call]
    bibtex_format.indent = "  "
    bibtex_format.block_separator = SEPARATOR
    enclose = AddEnclosingMiddleware(
        reuse_previous_enclosing=False, enclose_integers=False, default_enclosing="{"
    )
    return str(write_string(library, unparse_stack=[enclose], bibtex_format=bibtex_format))
