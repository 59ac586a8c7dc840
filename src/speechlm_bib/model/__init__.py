"""Plain values that flow through speechlm-bib, one module per concern.

``list``: sections, columns and entries; ``works``: what sources and hand records say of a
work; ``library``: the repository loaded and linked; ``findings``: problems in the data;
``imports``: what an import did. The model imports nothing of the rest of the package:
everything else builds on it.
"""

from __future__ import annotations

from .findings import (
    Finding,
    Problem,
)
from .imports import (
    ImportedTable,
    ImportNote,
    ImportReport,
    Repair,
)
from .library import (
    ARXIV,
    AS_WRITTEN,
    CITATION_STYLES,
    GENERATED,
    HAND,
    PUBLISHED,
    Library,
    Record,
    Repository,
    Row,
)
from .list import (
    Acknowledgement,
    Column,
    Entry,
    Section,
)
from .works import (
    CANDIDATES,
    CONFIRMED,
    KEEP_PREPRINT,
    LINKED,
    NONE,
    ArxivMetadata,
    CrossrefWork,
    DblpRecord,
    HandRecord,
    ListedCandidate,
    PublishedData,
    PublishedVersion,
    TitleCandidate,
    TitleSearch,
    Version,
    VersionDecision,
)

__all__ = [
    "ARXIV",
    "AS_WRITTEN",
    "CANDIDATES",
    "CITATION_STYLES",
    "CONFIRMED",
    "GENERATED",
    "HAND",
    "KEEP_PREPRINT",
    "LINKED",
    "NONE",
    "PUBLISHED",
    "Acknowledgement",
    "ArxivMetadata",
    "Column",
    "CrossrefWork",
    "DblpRecord",
    "Entry",
    "Finding",
    "HandRecord",
    "ImportNote",
    "ImportReport",
    "ImportedTable",
    "Library",
    "ListedCandidate",
    "Problem",
    "PublishedData",
    "PublishedVersion",
    "Record",
    "Repair",
    "Repository",
    "Row",
    "Section",
    "TitleCandidate",
    "TitleSearch",
    "Version",
    "VersionDecision",
]
