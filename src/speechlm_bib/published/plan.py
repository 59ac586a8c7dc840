"""Sync planning for published versions: what to look up, what a lookup changed, the outcome.

Pure functions between the repository and `services.lookup.Lookup`. A work is looked up when it has
stored arXiv metadata, no entry decides for it (``published: false`` or a pinned version)
and sync stored no decision yet (with ``refresh``, none confirming a version). A version an
entry pins is fetched once. A lookup that failed leaves nothing behind: its work is asked
again by the next sync.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from ..model import (
    CANDIDATES,
    CONFIRMED,
    ArxivMetadata,
    ListedCandidate,
    PublishedData,
    PublishedVersion,
    Repository,
    VersionDecision,
)
from .rule import Decision, Preprint, Verdict, describe


@dataclass(frozen=True, slots=True)
class Found:
    """What a lookup found: decisions by arXiv id, versions by id, failures by either."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    versions: Mapping[str, PublishedVersion] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    """Versions pinned by hand that the database does not have."""
    failed: Mapping[str, str] = field(default_factory=dict)
    """Why each arXiv id or version id could not be looked up, naming the service."""
    requests: Mapping[str, int] = field(default_factory=dict)
    """Requests sent to each service: ``DBLP``, ``Crossref``."""


UPGRADED, LISTED, WITHOUT, PINNED, UNKNOWN, FAILED = (
    "upgraded", "candidates", "none", "pinned", "unknown", "failed")


@dataclass(frozen=True, slots=True)
class VersionChange:
    """What one lookup did: a work upgraded, listed, left alone; a pin fetched; a failure."""

    kind: str
    subject: str
    """The arXiv id, or the pinned version's id."""
    key: str | None
    line: str
    """One line saying what happened ("arXiv 2410.03751 -> ACL 2025")."""
    candidates: tuple[ListedCandidate, ...] = ()


@dataclass(frozen=True, slots=True)
class PublishedOutcome:
    """What the published-version part of a sync did."""

    changes: tuple[VersionChange, ...] = ()
    decided: int = 0
    """Works left alone because their decision is stored (or an entry makes it)."""
    waiting: int = 0
    """Works not looked up because their arXiv metadata could not be fetched."""
    requests: Mapping[str, int] = field(default_factory=dict)
    skipped: str = ""
    """Why nothing was looked up at all, when nothing was."""

    def count(self, kind: str) -> int:
        """How many changes are of this kind."""
        return sum(change.kind == kind for change in self.changes)

    @property
    def failed(self) -> tuple[VersionChange, ...]:
        """The lookups that failed."""
        return tuple(c for c in self.changes if c.kind == FAILED)


def decided_by_entries(repo: Repository) -> set[str]:
    """The arXiv ids an entry decides for: ``published: false`` or a pinned version."""
    return {e.arxiv for e in repo.entries if e.arxiv and e.published is not None}


def works_to_look_up(repo: Repository, arxiv: Mapping[str, ArxivMetadata], ids: Collection[str],
                     refresh: bool = False) -> dict[str, ArxivMetadata]:
    """The works among ``ids`` to ask DBLP about, with their metadata, in the order given."""
    decided = decided_by_entries(repo)
    wanted: dict[str, ArxivMetadata] = {}
    for arxiv_id in ids:
        decision = repo.published.decisions.get(arxiv_id)
        asked = decision is not None and (not refresh or decision.kind == CONFIRMED)
        if arxiv_id in arxiv and arxiv_id not in decided and not asked:
            wanted[arxiv_id] = arxiv[arxiv_id]
    return wanted


def pins_to_fetch(repo: Repository, keys: Collection[str] = ()) -> list[str]:
    """The versions entries pin (those citing ``keys``, or all) that are not stored yet."""
    pins = (e.published for e in repo.entries if e.published and e.published.partition(":")[0]
            in {"doi", "dblp"} and (not keys or e.key in keys or e.arxiv in keys))
    return [pin for pin in dict.fromkeys(pins) if pin not in repo.published.versions]


def merge_found(store: PublishedData, found: Found) -> PublishedData:
    """The store with the lookup's decisions and versions added (failures add nothing)."""
    decisions = {**store.decisions,
                 **{arxiv_id: to_decision(d) for arxiv_id, d in found.decisions.items()}}
    return replace(store, decisions=decisions, versions={**store.versions, **found.versions})


def to_decision(decision: Decision) -> VersionDecision:
    """The stored form of a decision: the confirmed version's id, or the candidates listed."""
    if decision.kind == CONFIRMED and decision.version is not None:
        return VersionDecision(CONFIRMED, decision.version.version_id)
    return VersionDecision(decision.kind, None, tuple(listed(v) for v in decision.candidates))


def listed(verdict: Verdict) -> ListedCandidate:
    """A candidate as the store and the summary list it."""
    candidate = verdict.candidate
    return ListedCandidate(candidate.version_id, candidate.venue, candidate.year,
                           candidate.title, verdict.reasons or ("passes the rule, as another "
                                                                "does",))


def changes_of(found: Found, preprints: Mapping[str, ArxivMetadata],
               keys: Mapping[str, str], pins: Collection[str]) -> list[VersionChange]:
    """One change per work looked up and per pin fetched, in the order asked."""
    changes = [_work_change(i, found, preprints[i], keys.get(i)) for i in preprints]
    for pin in pins:
        if pin in found.failed:
            changes.append(VersionChange(FAILED, pin, keys.get(pin), found.failed[pin]))
        elif pin in found.unknown:
            changes.append(VersionChange(UNKNOWN, pin, keys.get(pin),
                                         "no database has it: check the entry's 'published'"))
        else:
            changes.append(VersionChange(PINNED, pin, keys.get(pin), f"{pin} fetched"))
    return changes


def _work_change(arxiv_id: str, found: Found, meta: ArxivMetadata,
                 key: str | None) -> VersionChange:
    if arxiv_id in found.failed:
        return VersionChange(FAILED, arxiv_id, key, found.failed[arxiv_id])
    decision = found.decisions[arxiv_id]
    if decision.kind == CONFIRMED and decision.version is not None:
        line = describe(Preprint.from_metadata(meta), decision.version)
        return VersionChange(UPGRADED, arxiv_id, key, line)
    if decision.kind == CANDIDATES:
        return VersionChange(LISTED, arxiv_id, key, f"arXiv {arxiv_id}: none chosen among",
                             tuple(listed(v) for v in decision.candidates))
    return VersionChange(WITHOUT, arxiv_id, key, f"arXiv {arxiv_id}: no published version found")


def candidate_line(candidate: ListedCandidate) -> str:
    """A listed candidate as the summary shows it, with the pin that would choose it.

    >>> candidate_line(ListedCandidate("dblp:conf/icassp/MaimonRA25", "ICASSP", 2025, "SALMon",
    ...                                ("another title: 'SALMon'",)))
    "dblp:conf/icassp/MaimonRA25 (ICASSP 2025): another title: 'SALMon' (pin it with \
`published: dblp:conf/icassp/MaimonRA25`)"
    """
    why = "; ".join(candidate.reasons)
    return (f"{candidate.version} ({candidate.venue} {candidate.year or ''}".rstrip() +
            f"): {why} (pin it with `published: {candidate.version}`)")

