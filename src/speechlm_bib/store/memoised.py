"""Reading entry files and BibTeX through the cache: parsed once, read back while unchanged.

Each reader looks up the digest of the file's text (and of everything else its result
depends on: the path, the entry's section) in a ``Memo`` and parses only what it does not
find. What cannot be parsed is never kept: it is parsed again, and raises the same error,
every time. A kept value that does not decode is dropped and parsed again.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..memo import Memo, digest, digest_bytes, from_plain, recall, through
from ..model import Acknowledgement, ArxivMetadata, Entry, HandRecord, Section
from .entries import parse_entry
from .yamlfile import read_source_digest

if TYPE_CHECKING:
    from ..paper import BibRecord

BibRead = tuple["tuple[BibRecord, ...]", tuple[int, ...]]
"""A .bib file's records and the lines of the blocks skipped."""


def load_entry(path: Path, section: Section, memo: Memo) -> Entry:
    """One entry file, read and validated (or as it was the last time it had this text)."""
    text, data = read_source_digest(path)
    key = _entry_key(path, section, data)
    # The path is part of the digest: the kept entry's is this one (not parsed again).
    kept = recall(memo, key, lambda plain: _decode_entry(plain, path))
    if kept is not None:
        return kept
    entry = parse_entry(text, path, section)
    memo.put(key, entry)
    return entry


def keep_entry(path: Path, section: Section, text: str, memo: Memo) -> None:
    """Keep an entry file a command writes, parsed, where the next ``load_entry`` looks.

    A text that does not parse is left for that load to report.
    """
    with contextlib.suppress(InputError):
        memo.put(_entry_key(path, section, digest_bytes(text.encode("utf-8"))),
                 parse_entry(text, path, section))


def _entry_key(path: Path, section: Section, found: str) -> str:
    """The digest an entry is kept under: its path, its section's and its bytes' (``found``)."""
    return digest("entry", str(path), _section_digest(section), found)


def parse_hand_records(text: str, path: Path, memo: Memo) -> dict[str, HandRecord]:
    """``bibtex.handrecords.parse_hand_records`` through the cache."""
    from ..bibtex.handrecords import parse_hand_records as parse  # bibtexparser, on a miss

    return through(memo, digest("hand", str(path), text), _decode_hand_records,
                   lambda: parse(text, path), lambda records: list(records.values()))


def parse_bib_records(text: str, path: Path, memo: Memo,
                      read: Callable[[], BibRead]) -> BibRead:
    """A paper's .bib file's records and the lines of the blocks bibtexparser skipped.

    ``read`` reads them from the text on a miss (store/paperbib.py's reader).
    """
    # Hashed as bytes: a paper's .bib file can run to megabytes.
    key = digest("bib", str(path), digest_bytes(text.encode("utf-8")))
    return through(memo, key, lambda plain: _decode_bib(plain, path), read, list)


def keep_arxiv_store(text: str, path: Path, memo: Memo) -> None:
    """Keep a data/arxiv.json a command writes, parsed, where ``parse_arxiv_store`` looks.

    A text that does not parse is left for that load to report.
    """
    with contextlib.suppress(InputError):
        parse_arxiv_store(text, path, memo)


def parse_arxiv_store(text: str, path: Path, memo: Memo) -> dict[str, ArxivMetadata]:
    """``arxivdata.parse_arxiv_store`` through the cache."""
    from .arxivdata import parse_arxiv_store as parse  # json, on a miss

    def parsed() -> dict[str, ArxivMetadata]:
        return {key: replace(meta, digest=digest(meta)) for key, meta in parse(text, path).items()}

    # Hashed as bytes: the store of 10,000 works is a file of 4 MB.
    return through(memo, digest("arxiv", digest_bytes(text.encode("utf-8"))),
                   _decode_arxiv_store, parsed, lambda store: list(store.values()))


@functools.lru_cache(maxsize=256)
def _section_digest(section: Section) -> str:
    return digest(section)


def _decode_entry(plain: Any, path: Path) -> Entry:
    return from_plain(Entry, plain, {"path": lambda _: path, "acknowledge": _acknowledgements})


def _acknowledgements(items: Any) -> tuple[Acknowledgement, ...]:
    return tuple(from_plain(Acknowledgement, item) for item in items) if items else ()


def _decode_hand_records(plain: Any) -> dict[str, HandRecord]:
    records = (from_plain(HandRecord, item) for item in plain)
    return {record.key: record for record in records}


def _decode_arxiv_store(plain: Any) -> dict[str, ArxivMetadata]:
    metadata = (from_plain(ArxivMetadata, item) for item in plain)
    return {meta.id: meta for meta in metadata}


def _decode_bib(plain: Any, path: Path) -> BibRead:
    from ..paper import BibRecord

    records, skipped = plain
    return (tuple(from_plain(BibRecord, item, {"path": lambda _: path}) for item in records),
            tuple(skipped))
