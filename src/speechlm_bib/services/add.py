"""The add command: a new entry for a work, with its record fetched.

The work is named by an arXiv id, a DOI, an ACL Anthology id or a DBLP key. An arXiv work's
metadata is fetched unless it is stored (another row may cite it); its published version is
left to the next sync. A DOI is fetched from Crossref, an Anthology id through the DOI the
Anthology registers for it, a DBLP key from DBLP (with Crossref's metadata when the record
has a DOI); the entry pins that version (``published:``), and when a database names the
work's arXiv preprint the entry links it too, so the record is the preprint with the
version's venue. Nothing is written unless everything was fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..adopt.names import entry_file_name, work_name
from ..errors import FetchError, InputError
from ..ids import arxiv_url
from ..keys import unique_key
from ..link import new_key
from ..model import ArxivMetadata, Library, PublishedVersion, Repository
from ..placement import Placement, place
from ..published.fields import version_key, work_fields
from ..refs import WorkRef, parse_work_ref
from ..render.mdtext import escape_markdown
from ..sources.arxiv import FetchSettings, fetch_metadata
from ..store import ARXIV_STORE, ENTRIES, LIST_FILE, PUBLISHED_STORE
from ..store.arxivdata import render_arxiv_store
from ..store.cache import Cache, kept_for
from ..store.files import LOCK_WAIT, repository_lock
from ..store.newfiles import render_entry
from ..store.plan import Plan, apply_plan
from ..store.publisheddata import render_published_store
from ..store.repository import load_repository
from .common import (
    generated_files,
    keep_written,
    link_library,
    require_complete,
    with_entry,
)
from .lookup import Lookup
from .sync import SyncSettings


@dataclass(frozen=True, slots=True)
class Work:
    """What add found: the arXiv preprint, the published version, or both."""

    ref: WorkRef
    arxiv: ArxivMetadata | None = None
    version: PublishedVersion | None = None

    @property
    def subject(self) -> str:
        """What the entry is about: its arXiv id, else the version's id."""
        return self.arxiv.id if self.arxiv is not None else self.ref.id


def run_add(root: Path, reference: str, section: str, name: str | None,
            settings: SyncSettings, lock_wait: float = LOCK_WAIT,
            placement: Placement | None = None, today: date | None = None, *,
            cache: bool = True) -> tuple[Path, str]:
    """Add an entry for a work to a section; the entry file and the work's key.

    The entry records today (or ``today``) as the day it was added. With ``cache``, what was
    parsed and normalised before is taken from the cache, and what add writes is kept in it.
    """
    try:
        ref = parse_work_ref(reference)
    except ValueError as error:
        raise InputError(f"add: {error}") from None
    with repository_lock(root, lock_wait), kept_for(root, cache) as kept:
        repo = load_repository(root, kept)
        require_complete(repo)
        _check_section(repo, section)
        work = _find(repo, ref, settings)
        _check_new(repo, work, section)
        return _write(repo, work, section, name, placement or Placement(),
                      today or date.today(), kept)


def _find(repo: Repository, ref: WorkRef, settings: SyncSettings) -> Work:
    """The work a reference names, from the stores where it is there, else fetched."""
    if ref.kind == "arxiv":
        return Work(ref, _preprint(repo, ref.value, settings.arxiv))
    with Lookup(settings.scholarly) as lookup:
        version = repo.published.versions.get(ref.id) or lookup.resolve(ref)
        arxiv_id = lookup.preprint_of(version)
    preprint = _preprint(repo, arxiv_id, settings.arxiv) if arxiv_id else None
    if version.record is not None and (version.record.get("journal") or "") == "CoRR":
        return Work(ref, preprint)  # DBLP's record of the preprint itself
    return Work(ref, preprint, version)


def _preprint(repo: Repository, arxiv_id: str, settings: FetchSettings) -> ArxivMetadata:
    stored = repo.arxiv.get(arxiv_id)
    if stored is not None:
        return stored
    result = fetch_metadata([arxiv_id], settings)
    if arxiv_id in result.found:
        return result.found[arxiv_id]
    if arxiv_id in result.failed:
        raise FetchError(f"arXiv {arxiv_id}: {result.failed[arxiv_id]}; nothing was written")
    raise InputError(f"arXiv does not know {arxiv_id}; nothing was written")


def _check_section(repo: Repository, section: str) -> None:
    if section not in {s.id for s in repo.sections}:
        known = ", ".join(s.id for s in repo.sections)
        raise InputError(f"unknown section '{section}' (sections: {known})",
                         repo.root / ENTRIES / LIST_FILE)


def _check_new(repo: Repository, work: Work, section: str) -> None:
    """Refuse a second entry for the same work in one section."""
    for entry in repo.entries:
        if entry.section != section:
            continue
        if work.arxiv is not None and entry.arxiv == work.arxiv.id:
            raise InputError(f"arXiv {work.arxiv.id} is in section '{section}' already",
                             entry.path, entry.line_of("arxiv"))
        if work.version is not None and entry.published == work.version.id:
            raise InputError(f"{work.version.id} is in section '{section}' already",
                             entry.path, entry.line_of("published"))


def _write(repo: Repository, work: Work, section: str, name: str | None,
           placement: Placement, today: date, cache: Cache) -> tuple[Path, str]:
    """Write the entry, the stores and the generated files; the entry file and its key."""
    library = link_library(repo, cache)
    fields: dict[str, object] = {**_entry_fields(library, work, name), "added": today}
    title = _shown_title(repo, section, _title(work))
    if title is not None:
        fields["title"] = title
    number = place(library, section, placement)
    path = repo.root / ENTRIES / section / entry_file_name(number, fields)
    text = render_entry(fields)
    added = with_entry(_stored(repo, work), path, text)
    plan = Plan.of({path: text}, _stores(added),
                   generated_files(link_library(added, cache), cache))
    keep_written(added, plan, apply_plan(plan), cache)
    return path, str(fields["key"])


def _shown_title(repo: Repository, section_id: str, title: str) -> str | None:
    """The title a Markdown section's new row shows (its tables never read records)."""
    section = next(s for s in repo.sections if s.id == section_id)
    if section.markdown and any(c.source == "title" for c in section.columns):
        return escape_markdown(title)
    return None


def _entry_fields(library: Library, work: Work, name: str | None) -> dict[str, str]:
    """The new entry's fields: key, name, link, arXiv id and pinned version."""
    fields = {"key": _key_for(library, work), "name": name or work_name(_title(work)),
              "url": _url(work)}
    if work.arxiv is not None:
        fields["arxiv"] = work.arxiv.id
    if work.version is not None:
        fields["published"] = f"{work.ref.kind}:{work.ref.value}"
    return fields


def _key_for(library: Library, work: Work) -> str:
    """The key another entry gives the same work, else the scheme's, made unique."""
    for row in library.rows:
        if row.key and work.subject in {row.entry.arxiv, row.entry.published}:
            return row.key
    taken = {row.key for row in library.rows if row.key} | set(library.by_key)
    if work.arxiv is not None:
        return new_key(work.arxiv, taken)
    return unique_key(version_key(work.version) if work.version else "anonymous", taken)


def _title(work: Work) -> str:
    if work.arxiv is not None:
        return work.arxiv.title
    title = work_fields(work.version).fields.get("title", "") if work.version else ""
    return title if isinstance(title, str) else ""


def _url(work: Work) -> str:
    """The row's link: the arXiv page, else the version's DOI, publisher page or DBLP page."""
    if work.arxiv is not None:
        return arxiv_url(work.arxiv.id)
    fields = work_fields(work.version).fields if work.version is not None else {}
    doi, url = fields.get("doi"), fields.get("url")
    if isinstance(doi, str):
        return f"https://doi.org/{doi}"
    if isinstance(url, str):
        return url
    return f"https://dblp.org/rec/{work.ref.value}"


def _stored(repo: Repository, work: Work) -> Repository:
    """The repository with what add fetched in its stores."""
    arxiv = {**repo.arxiv, work.arxiv.id: work.arxiv} if work.arxiv else repo.arxiv
    versions = dict(repo.published.versions)
    if work.version is not None:
        versions[work.version.id] = work.version
    return replace(repo, arxiv=arxiv, published=replace(repo.published, versions=versions))


def _stores(repo: Repository) -> dict[Path, str]:
    files = {repo.root / ARXIV_STORE: render_arxiv_store(repo.arxiv)} if repo.arxiv else {}
    if repo.published.versions or repo.published.decisions:
        files[repo.root / PUBLISHED_STORE] = render_published_store(repo.published)
    return files
