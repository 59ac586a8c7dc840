"""The discover command: search arXiv, screen and rank, record; reject; add.

A discovery loads the repository and its discovery record, asks arXiv for what was submitted
since the last discovery (or since a given date), ranks what the list does not have, and
records how far it looked, all under the repository's lock. When arXiv fails, nothing is
recorded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from ..discover import Screening, discover, index_list
from ..errors import InputError, SpeechlmBibError
from ..ids import parse_arxiv_id
from ..model import Library
from ..placement import Placement
from ..render.discovery import DiscoveryReport
from ..sources.arxiv import FetchSettings
from ..sources.arxiv_query import query_terms
from ..sources.arxiv_search import Paper, fetch_new_papers
from ..store import ENTRIES, LIST_FILE
from ..store.cache import kept_for
from ..store.discovery import (
    DISCOVER_STORE,
    DiscoverSettings,
    DiscoveryRecord,
    Rejection,
    load_discovery_record,
    render_discovery_record,
)
from ..store.entries import load_list_config
from ..store.files import LOCK_WAIT, repository_lock, write_if_changed
from .add import run_add
from .common import load_library
from .sync import SyncSettings

DEFAULT_LOOKBACK = timedelta(days=7)
"""How far back the first discovery looks when no date is given."""

ProgressStart = Callable[[int], Callable[[int], None]]
"""Called with the number of queries; returns what to call as each one is done."""


def run_discover(root: Path, arxiv: FetchSettings, *, since: date | None = None,
                 limit: int | None = None, now: datetime | None = None,
                 progress: ProgressStart | None = None,
                 lock_wait: float = LOCK_WAIT, cache: bool = True) -> DiscoveryReport:
    """Search, screen, rank and record a discovery; FetchError (nothing recorded) on failure."""
    _require_ranking()
    settings = load_discover_settings(root)
    now = now or datetime.now(UTC)
    with repository_lock(root, lock_wait):
        library = _listed(root, cache)
        record = load_discovery_record(root)
        start, seen_until = _window(record, since, now)
        found = fetch_new_papers(settings.queries, settings.categories, start, now, arxiv,
                                 progress(len(settings.queries)) if progress else None)
        terms = query_terms(settings.queries)
        screening = Screening(frozenset(record.rejected), settings.negative_keywords,
                              seen_until, settings.min_score, limit)
        discovery = discover(found.papers, index_list(library), screening, terms)
        write_if_changed(root / DISCOVER_STORE,
                         render_discovery_record(advance(record, found.papers)))
    return DiscoveryReport(discovery, start, found.requests, settings.queries, terms,
                           found.capped)


def _require_ranking() -> None:


    if importlib.util.find_spec("sklearn") is None:
        raise SpeechlmBibError("discover ranks papers with scikit-learn, which is not "
                               "installed: pip install 'speechlm-bib[discover]'")


def load_discover_settings(root: Path) -> DiscoverSettings:
    """The list's discovery settings; InputError when list.yaml has none."""
    settings = load_list_config(root).discover
    if settings is None:
        raise InputError("has no 'discover' settings: give the arXiv queries to run "
                         "(see README, Discovering new papers)", root / ENTRIES / LIST_FILE)
    return settings


def _window(record: DiscoveryRecord, since: date | None,
            now: datetime) -> tuple[datetime, datetime | None]:
    """Since when to ask, and up to when papers were seen already (None: show them all)."""
    if since is not None:
        return datetime.combine(since, time(), UTC), None
    if record.last_discovery is not None:
        return record.last_discovery, record.last_discovery
    return now - DEFAULT_LOOKBACK, None


def advance(record: DiscoveryRecord, papers: Sequence[Paper]) -> DiscoveryRecord:
    """The record after a discovery: the newest submission seen, if later than the last."""
    newest = max((p.published for p in papers), default=None)
    if newest is None or (record.last_discovery and newest <= record.last_discovery):
        return record
    return replace(record, last_discovery=newest)


def run_reject(root: Path, ids: Sequence[str], reason: str | None,
               today: date | None = None, lock_wait: float = LOCK_WAIT, *,
               cache: bool = True) -> list[str]:
    """Record works as rejected; one line per id saying what was done."""
    try:
        wanted = list(dict.fromkeys(parse_arxiv_id(i).id for i in ids))
    except ValueError as error:
        raise InputError(f"--reject: {error}") from None
    day = (today or datetime.now(UTC).date()).isoformat()
    with repository_lock(root, lock_wait):
        listed = index_list(_listed(root, cache)).arxiv_ids
        on_list = [i for i in wanted if i in listed]
        if on_list:
            raise InputError(f"--reject: arXiv {', '.join(on_list)} is on the list; nothing "
                             "was written")
        record = load_discovery_record(root)
        lines = [_rejection_line(i, record, reason) for i in wanted]
        fresh = {i: Rejection(day, reason) for i in wanted if i not in record.rejected}
        updated = replace(record, rejected={**record.rejected, **fresh})
        write_if_changed(root / DISCOVER_STORE, render_discovery_record(updated))
    return lines


def _rejection_line(arxiv_id: str, record: DiscoveryRecord, reason: str | None) -> str:
    earlier = record.rejected.get(arxiv_id)
    if earlier is not None:
        why = f" ({earlier.reason})" if earlier.reason else ""
        return f"arXiv {arxiv_id} was rejected on {earlier.date} already{why}; kept as it was"
    return f"rejected arXiv {arxiv_id}" + (f": {reason}" if reason else "")


def run_discover_add(root: Path, arxiv_id: str, section: str, name: str | None,
                     settings: SyncSettings, lock_wait: float = LOCK_WAIT, *,
                     cache: bool = True) -> tuple[Path, str]:
    """Add a discovered paper to a section, as ``add`` does; its entry file and key."""
    return run_add(root, arxiv_id, section, name, settings, lock_wait, Placement(),
                   cache=cache)


def _listed(root: Path, cache: bool) -> Library:
    """The linked library (unreadable entries left out), through the cache when asked."""
    with kept_for(root, cache) as kept:
        return load_library(root, complete=False, cache=kept)
