"""What is known of a work: stored arXiv metadata, published versions, hand records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .list import Entry
from .pairs import last_value


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version of a file: the author date of its commit and its text."""

    day: date
    text: str


@dataclass(frozen=True, slots=True)
class ArxivMetadata:
    """What arXiv says of one work, as sync stored it (no timestamps of the sync itself)."""

    id: str
    version: int
    title: str
    authors: tuple[str, ...]
    published: str
    updated: str
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    digest: str = field(default="", compare=False, repr=False)
    """The digest of the fields above (``memo.digest`` of the value), as reading the store
    through the cache computes it once; empty for metadata read otherwise. Linking makes
    each record's digest of it."""

    @property
    def year(self) -> int:
        """The year of the first version."""
        return int(self.published[:4])


KEEP_PREPRINT = "false"
"""An entry's ``published: false``: cite the preprint, never ask for a published version."""


@dataclass(frozen=True, slots=True)
class DblpRecord:
    """A record's BibTeX from DBLP's ``rec/<key>.bib``: entry type and fields (BibTeX values)."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    text: str = ""
    """The BibTeX as DBLP gave it, kept as fetched."""

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return last_value(self.fields, name)


@dataclass(frozen=True, slots=True)
class CrossrefWork:
    """What Crossref holds for one DOI (text plain Unicode, tags and entities resolved)."""

    doi: str
    type: str
    title: str
    container_title: str | None
    authors: tuple[str, ...]
    """Names as "Given Family", or an organisation's name."""
    families: tuple[str, ...]
    """Each author's family name (an organisation's whole name)."""
    year: int | None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None
    arxiv_id: str | None = None
    """The arXiv id of the preprint Crossref relates to the work, if any."""


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A published version as the databases gave it: DBLP's record, Crossref's metadata.

    ``id`` is ``dblp:KEY`` for a version found in DBLP, ``doi:DOI`` (lower case) for one
    pinned by its DOI. Either part may be missing: a DBLP record without a DOI has no
    Crossref metadata, a DOI pinned by hand no DBLP record.
    """

    id: str
    record: DblpRecord | None = None
    work: CrossrefWork | None = None


CONFIRMED, CANDIDATES, NONE = "confirmed", "candidates", "none"


@dataclass(frozen=True, slots=True)
class ListedCandidate:
    """A possible published version listed for the maintainers, with what keeps it out."""

    version: str
    """The version's id (``dblp:KEY``, ``doi:DOI``), as ``published:`` pins it."""
    venue: str
    year: int | None
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionDecision:
    """What sync decided about an arXiv work's published version."""

    kind: str
    """``CONFIRMED``, ``CANDIDATES`` (listed, none chosen) or ``NONE``."""
    version: str | None = None
    """The confirmed version's id."""
    candidates: tuple[ListedCandidate, ...] = ()


LINKED = "linked"
"""A title search that linked its rows (to an arXiv id, or by pinning a DBLP record)."""


@dataclass(frozen=True, slots=True)
class TitleCandidate:
    """A DBLP record with a row's title, listed because sync could not tell it is the row's."""

    record: str
    """The record's id, ``dblp:KEY``."""
    line: str
    """The entry line that would link the row to it: ``arxiv: 'ID'`` or ``published: dblp:KEY``."""
    venue: str
    year: int | None
    first_author: str
    title: str


@dataclass(frozen=True, slots=True)
class TitleSearch:
    """What sync's DBLP search by the title of rows linked to nothing decided."""

    title: str
    """The title searched, as the row writes it."""
    kind: str
    """``LINKED``, ``CANDIDATES`` (listed, none chosen) or ``NONE``."""
    arxiv: str | None = None
    """The arXiv id the rows were linked to."""
    published: str | None = None
    """The version the rows were pinned to (``dblp:KEY``), when DBLP knows no preprint."""
    candidates: tuple[TitleCandidate, ...] = ()
    why: str | None = None
    """Why none of the candidates was chosen."""


@dataclass(frozen=True, slots=True)
class PublishedData:
    """data/published.json: the decision for each arXiv work and the versions fetched.

    ``titles`` holds the title searches of rows linked to nothing, by folded title.
    """

    decisions: Mapping[str, VersionDecision] = field(default_factory=dict)
    versions: Mapping[str, PublishedVersion] = field(default_factory=dict)
    titles: Mapping[str, TitleSearch] = field(default_factory=dict)

    def version_of(self, entry: Entry) -> PublishedVersion | None:
        """The published version an entry's work takes: pinned, else confirmed, else None."""
        if entry.published == KEEP_PREPRINT:
            return None
        if entry.published is not None:
            return self.versions.get(entry.published)
        decision = self.decisions.get(entry.arxiv or "")
        if decision is None or decision.version is None:
            return None
        return self.versions.get(decision.version)


@dataclass(frozen=True, slots=True)
class HandRecord:
    """A hand-maintained BibTeX record from entries/records.bib (fields as written)."""

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    line: int
    lines: tuple[tuple[str, int], ...] = ()
    """The line each field starts on."""
    text: str = ""
    """The record as written, from its '@' to its closing brace."""

    def get(self, name: str) -> str | None:
        """The raw value of a field, or None."""
        return last_value(self.fields, name.lower())

    def line_of(self, name: str) -> int:
        """The line a field starts on (the record's first line when unknown)."""
        return last_value(self.lines, name.lower(), self.line)
