"""The same work under two keys: shared arXiv ids, DOIs, and the same or nearly the same title.

Nearly identical titles (a word added, dropped, changed or moved, a spelling, punctuation)
are found without comparing every pair, as ``similarity`` describes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..ids import arxiv_id_of_url, is_doi, parse_arxiv_id
from ..keys import fold
from ..memo import MEMOISED
from ..model import Finding, Library, Record
from .common import finding, written

if TYPE_CHECKING:
    from .facts import Facts

_WORD_SPLIT = re.compile(r"[^\w]+|_")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\..+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)", re.IGNORECASE)


@functools.lru_cache(maxsize=MEMOISED)
def normalise_title(title: str) -> str:
    """A title as lowercase ASCII words, accents, case, punctuation and markup gone.

    >>> normalise_title("{LLaMA}-Omni: Seamless Speech Interaction with Large Language Models")
    'llama omni seamless speech interaction with large language models'
    >>> normalise_title("Défossez's wav2vec 2.0")
    'defossez s wav2vec 2 0'
    """
    words = (fold(word) for word in _WORD_SPLIT.split(title.replace("{", "").replace("}", "")))
    return " ".join(word for word in words if word)


def arxiv_ids(record: Record) -> set[str]:
    """Every arXiv id a record names: its eprint, its arXiv DOI and arXiv links."""
    ids = {record.arxiv_id} if record.arxiv_id else set()
    eprint = written(record, "eprint")
    if eprint and (written(record, "archiveprefix") or "arXiv").lower() == "arxiv":
        ids |= _parsed(eprint)
    for doi in dois(record):
        match = _ARXIV_DOI.fullmatch(doi)
        ids |= _parsed(match.group(1)) if match else set()
    url = written(record, "url")
    found = arxiv_id_of_url(url) if url else None
    return ids | ({found.id} if found else set())


def _parsed(text: str) -> set[str]:
    try:
        return {parse_arxiv_id(text).id}
    except ValueError:
        return set()


def dois(record: Record) -> set[str]:
    """The DOIs a record names, lowercased: its doi field and a doi.org link."""
    found = set()
    for value in (written(record, "doi"), record.arxiv.doi if record.arxiv else None,
                  written(record, "url")):
        match = _DOI_URL.fullmatch(value or "")
        doi = match.group(1) if match else value
        if doi and is_doi(doi):
            found.add(doi.lower())
    return found


def check_same_work(library: Library, facts: Facts) -> Iterator[Finding]:
    """Records that share an arXiv id, a DOI or a normalised title."""
    records = [(r, facts.of(r)) for r in library.records]
    yield from _shared(library, "duplicate-arxiv", "error", "arXiv id",
                       ((r, made.arxiv_ids) for r, made in records))
    yield from _shared(library, "duplicate-doi", "error", "DOI",
                       ((r, made.dois) for r, made in records))
    yield from _shared(library, "duplicate-title", "warning", "title",
                       ((r, (made.title,) if made.title else ()) for r, made in records))


def _shared(library: Library, code: str, severity: str, what: str,
            values: Iterable[tuple[Record, tuple[str, ...]]]) -> Iterator[Finding]:
    """Records that share a value (each record's values in order)."""
    owners: dict[str, list[Record]] = {}
    for record, found in values:
        for value in found:
            owners.setdefault(value, []).append(record)
    for value, records in sorted(item for item in owners.items() if len(item[1]) > 1):
        first = records[0]
        for record in records[1:]:
            yield finding(
                library, severity, code, record.path, record.line, record.key,
                f"'{record.key}' and '{first.key}' have the same {what} ({value}): "
                "one work under two keys?", f"{first.key} {record.key} {value}")


def check_similar_titles(library: Library, facts: Facts) -> Iterator[Finding]:
    """Records whose titles differ a little (a word, a spelling), found by blocking."""
    titles = {r.key: facts.of(r).title for r in library.records}
    by_key = {r.key: r for r in library.records}
    for first, second in sorted(facts.similar):
        record = by_key[second]
        yield finding(
            library, "warning", "similar-title", record.path, record.line, second,
            f"the title is nearly that of '{first}': one work under two keys?\n"
            f"  {titles[first]}\n  {titles[second]}",
            f"{first} {second} {titles[first]} | {titles[second]}")
