"""The repository on disk: reading it, writing to it, and the plans of what to write.

entries/ holds list.yaml, one YAML file per row, records.bib and terms.txt; data/arxiv.json
the stored arXiv metadata, data/published.json the published versions sync looked up;
references.bib and the other generated files sit at the top. Reading validates everything
and names file and line; writing is atomic and happens only when the content changed, under
the repository's lock.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import RepositoryError

ENTRIES = "entries"
LIST_FILE = "list.yaml"
RECORDS_FILE = "records.bib"
TERMS_FILE = "terms.txt"
ARXIV_STORE = Path("data") / "arxiv.json"
PUBLISHED_STORE = Path("data") / "published.json"
BIB_FILE = "references.bib"
README_FILE = "README.md"
CFF_FILE = "CITATION.cff"
GENERATED_FILES = (BIB_FILE, README_FILE, CFF_FILE)
"""The files build writes at the top of the repository."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds an entries/ folder."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ENTRIES).is_dir():
            return candidate
    raise RepositoryError(f"no {ENTRIES}/ folder here or in any parent directory", start)
