"""A row against the other records: a link or a name that belongs to another work.

A key copied from another row makes the README show one work's title beside another's link.
The row's link is the giveaway when it is another record's own link; its name when it fits
another record's title better than the cited one's. Names are compared word by word, and
only through the rarer words of the titles, so the check stays linear in the list's size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING

from ..bibtex.latex import field_text
from ..model import Finding, Library, Record, Row
from .common import finding
from .duplicates import normalise_title

if TYPE_CHECKING:
    from .facts import Facts

RARE = 50
"""A title word found in more titles than this says nothing about which work a name means."""
_STOP = frozenset({"a", "an", "and", "for", "from", "in", "of", "on", "the", "to", "with",
                   "via", "towards", "toward", "using", "model", "models"})


def check_borrowed_links(library: Library, facts: Facts) -> Iterator[Finding]:
    """Rows that link to another record's own link (an error: the row means that work)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for record in library.records:
        link = facts.of(record).link
        if link is not None:
            owners[link].add(record.key)
    for row in library.rows:
        if row.entry.url is None or row.record is None:
            continue
        linked = facts.link(row.entry.url).same
        owning = owners.get(linked)
        if not owning or (len(owning) == 1 and row.record.key in owning):  # most rows
            continue
        others = sorted(owning - {row.record.key})
        if facts.of(row.record).link != linked:
            yield finding(
                library, "error", "link-mismatch", row.entry.path, row.entry.line_of("url"),
                row.key, f"the row links to the link of '{others[0]}' but cites "
                f"'{row.record.key}': a key copied from another row?",
                f"{row.entry.url} {others[0]}")


def check_borrowed_names(library: Library, facts: Facts) -> Iterator[Finding]:
    """Rows whose name fits another record's title better than their own record's."""
    titles = {r.key: facts.of(r).words for r in library.records}
    index = _rare_index(titles)
    for row in library.rows:
        if row.entry.name is None or row.record is None:
            continue
        other = _better_fit(facts.row(row.entry).name_words, row.record.key, titles, index)
        if other is not None:
            yield _borrowed_name(library, row, row.record, library.by_key[other])


def _borrowed_name(library: Library, row: Row, record: Record, other: Record) -> Finding:
    theirs = field_text(other, "title") or other.key
    return finding(
        library, "warning", "name-mismatch", row.entry.path, row.entry.line_of("name"),
        record.key, f"the row is named {row.entry.name!r}, which fits '{other.key}' "
        f"({theirs!r}) better than the '{record.key}' it cites: a key copied from another row?",
        f"{row.entry.name} | {other.key}")


def name_words(name: str) -> set[str]:
    """The words of a row's name that can tell one work from another."""
    return title_words(normalise_title(name))


def title_words(title: str) -> set[str]:
    """The words of a normalised title that can tell one work from another."""
    return {w for w in title.split() if len(w) > 1 and w not in _STOP}


def _rare_index(titles: Mapping[str, Collection[str]]) -> dict[str, list[str]]:
    """The keys of the titles each rare word appears in."""
    index: dict[str, list[str]] = defaultdict(list)
    for key, words in titles.items():
        for word in words:
            index[word].append(key)
    return {word: keys for word, keys in index.items() if len(keys) <= RARE}


def _better_fit(name: Collection[str], key: str, titles: Mapping[str, Collection[str]],
                index: Mapping[str, list[str]]) -> str | None:
    """Another key whose title shares more of the name's words than the cited one's.

    ``name`` holds each word once. Another title shares at least two of them, or none fits.
    """
    found = [index[word] for word in name if word in index]
    if len(found) < 2:
        return None
    shared = Counter(other for keys in found for other in keys if other != key)
    if not shared:
        return None
    best, count = max(shared.items(), key=lambda item: (item[1], item[0]))
    own = len(set(name).intersection(titles[key]))
    return best if count > own and count >= 2 else None
