"""The list against its records: each row's link, name and title, and links a maintainer fixes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..bibtex.latex import field_text
from ..ids import arxiv_id_of_url, clean_url
from ..keys import fold
from ..model import Column, Entry, Finding, Library, Record, Row
from .common import finding, written
from .duplicates import normalise_title

if TYPE_CHECKING:
    from .facts import Facts, LinkFacts, RecordFacts

RowProblem = tuple[str, str, str, str, str]
"""A problem of a row's: its severity, code, the field it is found at, message and about."""

_DOI_IN_URL = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/)?(10\.\d{4,9}/[^/?#]+)", re.I)
_DOI_ORG = re.compile(r"https?://(?:dx\.)?doi\.org/(10\..+)", re.I)
_ACL_ANTHOLOGY = re.compile(r"https?://aclanthology\.org/([^/?#]+?)(?:\.pdf)?/?$", re.I)
_NAMED_TITLE = re.compile(r"([^\s:]+):\s")
_OWN_NAME = re.compile(r"([^:]{1,60}?):\s")
_SPACING = re.compile(r"\s+")


def check_rows(library: Library, facts: Facts) -> Iterator[Finding]:
    """Rows whose link, name or shown title disagrees with the record they cite."""
    for record in library.records:
        for entry in record.entries:
            for severity, code, name, message, about in facts.row(entry).problems:
                yield finding(library, severity, code, entry.path, entry.line_of(name),
                              record.key, message, about)


def row_problems(entry: Entry, record: Record, made: RecordFacts,
                 link: LinkFacts | None) -> Iterator[RowProblem]:
    """What a row's link, name or shown title gets wrong about the record it cites.

    Made from the row's cells, the record and their facts alone, so that they are kept with
    the row's facts (``facts``).
    """
    if entry.url is not None and link is not None:
        yield from _link_agrees(entry.url, record, made, link)
    yield from _title_agrees(entry, record)
    yield from _name_agrees(entry, record)
    yield from _name_spelling(entry, record)


def _link_agrees(url: str, record: Record, made: RecordFacts,
                 link: LinkFacts) -> Iterator[RowProblem]:
    linked, ids = link.arxiv, made.arxiv_ids
    if linked is not None and ids and linked not in ids:
        yield ("error", "link-mismatch", "url",
               f"the row links to arXiv {linked} but cites '{record.key}', arXiv "
               f"{', '.join(ids)}", f"{url} {' '.join(ids)}")
    doi, known = link.doi, made.dois
    if doi is not None and known and doi not in known:
        yield ("error", "link-mismatch", "url",
               f"the row links to DOI {doi} but cites '{record.key}', DOI "
               f"{', '.join(known)}", f"{url} {' '.join(known)}")


def doi_of_url(url: str) -> str | None:
    """The DOI a publisher or ACL Anthology link names, lowercased, or None.

    >>> doi_of_url("https://direct.mit.edu/tacl/article-abstract/doi/10.1162/tacl_a_00545/115240")
    '10.1162/tacl_a_00545'
    >>> doi_of_url("https://aclanthology.org/2024.acl-long.97")
    '10.18653/v1/2024.acl-long.97'
    """
    for pattern, prefix in ((_DOI_ORG, ""), (_DOI_IN_URL, ""), (_ACL_ANTHOLOGY, "10.18653/v1/")):
        match = pattern.search(url) if pattern is _DOI_IN_URL else pattern.fullmatch(url)
        if match:
            return (prefix + match.group(1)).lower()
    return None


def _title_agrees(entry: Entry, record: Record) -> Iterator[RowProblem]:
    title = field_text(record, "title")
    if entry.title is None or title is None:
        return
    if normalise_title(entry.title) != normalise_title(title):
        yield ("warning", "title-mismatch", "title",
               f"the row shows the title {entry.title!r}, but '{record.key}' is titled "
               f"{title!r}", f"{entry.title} | {title}")


def _name_agrees(entry: Entry, record: Record) -> Iterator[RowProblem]:
    title = field_text(record, "title")
    if entry.name is None or title is None or names_match(entry.name, title):
        return
    yield ("warning", "name-mismatch", "name",
           f"the row is named {entry.name!r}, but it cites '{record.key}', {title!r}: the "
           "wrong paper, or a part of this one (then acknowledge it)", f"{entry.name} | {title}")


def _name_spelling(entry: Entry, record: Record) -> Iterator[RowProblem]:
    title = field_text(record, "title")
    own = own_name(title) if title else None
    if entry.name is None or own is None or entry.name == own:
        return
    if _squeezed(entry.name) == _squeezed(own):
        yield ("warning", "name-spelling", "name",
               f"the row is named {entry.name!r}, but its work calls itself {own!r}: write the "
               "name as the work does, or acknowledge the spelling", f"{entry.name} | {own}")


def own_name(title: str) -> str | None:
    """The name a work gives itself before the colon of its title (four words at most).

    >>> own_name("MinMo: A Multimodal Large Language Model"), own_name("Textually pretrained")
    ('MinMo', None)
    >>> own_name("wav2vec 2.0: A Framework for Self-Supervised Learning")
    'wav2vec 2.0'
    """
    named = _OWN_NAME.match(title)
    return named.group(1).strip() if named and len(named.group(1).split()) <= 4 else None


def _squeezed(name: str) -> str:
    """A name without case and spaces, to compare spellings.

    >>> _squeezed("Mini Omni") == _squeezed("miniomni"), _squeezed("Mini-Omni") == "miniomni"
    (True, False)
    """
    return _SPACING.sub("", name).casefold()


def names_match(name: str, title: str) -> bool:
    """Whether a row's name fits a title: the title names no work, names this one or holds it.

    >>> names_match("Mimi", "Moshi: a speech-text foundation model for real-time dialogue")
    False
    >>> names_match("Multilingual LibriSpeech", "MLS: A Large-Scale Multilingual Dataset")
    True
    >>> names_match("CSM", "Crossing the Uncanny Valley of Conversational Voice")
    True
    """
    named = _NAMED_TITLE.match(title)
    if named is None or fold(name) in fold(title):
        return True
    label = named.group(1)
    capitals = "".join(c for c in name if c.isupper() or c.isdigit())
    return fold(label) == fold(capitals) or fold(label) in fold(name)


def check_empty_rows(library: Library) -> Iterator[Finding]:
    """Rows whose shown cells are all empty: a table row of dashes beside its key."""
    for section in library.sections:
        shown = [c for c in section.columns if c.source != "key"]
        if not shown:
            continue
        for row in library.section_rows(section.id):
            if not any(_shows(row, column) for column in shown):
                yield finding(
                    library, "warning", "empty-row", row.entry.path, 1, row.key,
                    "the row shows nothing in its table but its key: give it a name, a title "
                    "or a link", ", ".join(c.heading for c in shown))


def _shows(row: Row, column: Column) -> bool:
    """Whether a row's cell in a column holds anything."""
    entry, record = row.entry, row.record
    if column.source == "name":
        return entry.name is not None
    if column.source == "title":
        return entry.title is not None or (record is not None and record.get("title") is not None)
    if column.source == "link":
        return entry.url is not None or (record is not None and record.get("url") is not None)
    return entry.column(column.source) is not None


def check_links(library: Library, facts: Facts) -> Iterator[Finding]:
    """Links with a pinned arXiv version, tracking parameters or plain http, in rows and records."""
    for entry in (row.entry for row in library.rows):
        if entry.url is not None:
            yield from _link_findings(library, entry.url, facts.link(entry.url), entry.path,
                                      entry.line_of("url"), entry.key)
    for record in library.records:
        url = written(record, "url") if record.hand is not None else None
        if url is not None:
            yield from _link_findings(library, url, facts.link(url), record.path, record.line,
                                      record.key)


def _link_findings(library: Library, url: str, link: LinkFacts, where: Path | None,
                   line: int, key: str | None) -> Iterator[Finding]:
    if link.version is not None:
        yield finding(library, "warning", "pinned-version", where, line, key,
                      f"the link pins arXiv version {link.version}; link "
                      f"https://arxiv.org/abs/{link.arxiv} for the latest", url)
    if link.tracking:
        yield finding(library, "warning", "tracking-parameter", where, line, key,
                      f"the link carries tracking parameters ({', '.join(link.tracking)}); "
                      f"use {link.clean}", url)
    if link.http:
        yield finding(library, "warning", "insecure-url", where, line, key,
                      "the link uses http; use https if the site serves it", url)


def check_shared_links(library: Library, facts: Facts) -> Iterator[Finding]:
    """One link used by rows under different names (one paper listed twice, or a wrong link)."""
    rows: dict[str, list[Entry]] = {}
    for entry in (row.entry for row in library.rows):
        if entry.url is not None and entry.name is not None:
            rows.setdefault(facts.link(entry.url).same, []).append(entry)
    for link, entries in sorted(item for item in rows.items() if len(item[1]) > 1):
        first = entries[0]
        for entry in entries[1:]:
            if fold(entry.name or "") != fold(first.name or ""):
                yield finding(
                    library, "warning", "shared-link", entry.path, entry.line_of("url"), entry.key,
                    f"the row {entry.name!r} links to what {first.name!r} "
                    f"({library.relative(first.path)}) links to", f"{entry.name} {link}")


def same_link(url: str) -> str:
    """A URL reduced so that links to the same page compare equal.

    >>> same_link("http://www.arxiv.org/pdf/2410.00037v2.pdf")
    'arxiv:2410.00037'
    >>> same_link("https://www.openslr.org/12/?utm_source=x#top")
    'openslr.org/12'
    """
    arxiv = arxiv_id_of_url(url)
    if arxiv is not None:
        return f"arxiv:{arxiv.id}"
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"

