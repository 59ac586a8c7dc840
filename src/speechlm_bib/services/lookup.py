"""Published versions looked up in DBLP and Crossref: the network half of `published`.

`Lookup` holds one DBLP and one Crossref client (each with its delay, retries and
Retry-After) and keeps to the request budget: one DBLP search per preprint, one record per
version, one Crossref request per DOI. What it returns is plain data: the decision for each
preprint (by `published.decide`), the versions fetched, and what failed with why.

`Lookup.search_titles` searches DBLP by the titles of rows linked to nothing (one search a
title; ``published.titles`` decides what the hits mean).

`Lookup.resolve` turns a reference (a DOI, an ACL Anthology id, a DBLP key; see ``refs``)
into its fetched version, and `Lookup.preprint_of` finds the arXiv preprint a database
names for a version: ``add`` uses both, and an importer can, with ``refs.ref_of_link``, for
rows whose link carries one of these ids.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from ..bibtex.latex import to_text
from ..errors import FetchError, InputError
from ..model import ArxivMetadata, CrossrefWork, DblpRecord, PublishedVersion
from ..published.fields import dblp_names
from ..published.plan import Found
from ..published.rule import (
    Candidate,
    Decision,
    Preprint,
    decide,
    from_crossref,
    from_dblp,
    judge,
    search_query,
)
from ..refs import WorkRef
from ..sources import ProgressBar, Result, progress_of
from ..sources.crossref import Crossref
from ..sources.dblp import Dblp, DblpHit
from ..sources.http import HttpSettings


@dataclass(frozen=True, slots=True)
class ScholarlySettings:
    """Where and how politely to ask DBLP and Crossref."""

    dblp: HttpSettings
    crossref: HttpSettings


class Lookup:
    """DBLP's search and records and Crossref's works, for published versions."""

    def __init__(self, settings: ScholarlySettings) -> None:
        self.settings = settings
        self.dblp = Dblp(settings.dblp)
        self.crossref = Crossref(settings.crossref)

    def __enter__(self) -> Lookup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dblp.close()
        self.crossref.close()

    @property
    def labels(self) -> tuple[str, str]:
        """How failures name DBLP and Crossref: the service and the endpoint asked."""
        return (f"DBLP ({self.settings.dblp.api})",
                f"Crossref ({self.settings.crossref.api})")

    @property
    def requests(self) -> dict[str, int]:
        """Requests sent so far to each service."""
        return {"DBLP": self.dblp.client.requests, "Crossref": self.crossref.client.requests}

    def versions_of(self, preprints: Mapping[str, ArxivMetadata], pins: Collection[str] = (),
                    known: Collection[str] = (), bar: ProgressBar | None = None) -> Found:
        """Decide each preprint's published version and fetch the versions not ``known``.

        ``pins`` are version ids entries pin, fetched unless known. A preprint whose search,
        confirmed record or DOI failed is failed as a whole: nothing of it is kept.
        """
        decisions, failed = self._decide(preprints, bar)
        wanted = {d.version.version_id for d in decisions.values() if d.version is not None}
        fetched = self.fetch_versions(sorted((wanted | set(pins)) - set(known)), bar)
        for arxiv_id, decision in list(decisions.items()):
            version = decision.version.version_id if decision.version is not None else ""
            if version in fetched.failed or version in fetched.unknown:
                failed[arxiv_id] = fetched.failed.get(
                    version, f"{self.labels[0]}: no record of the version its search found")
                del decisions[arxiv_id]
        failed.update({pin: fetched.failed[pin] for pin in pins if pin in fetched.failed})
        unknown = tuple(pin for pin in pins if pin in fetched.unknown)
        return Found(decisions, fetched.found, unknown, failed, self.requests)

    def _decide(self, preprints: Mapping[str, ArxivMetadata],
                bar: ProgressBar | None) -> tuple[dict[str, Decision], dict[str, str]]:
        """One DBLP search per preprint, decided by the rule; the failed ones with why."""
        queries = {arxiv_id: search_query(meta.title) for arxiv_id, meta in preprints.items()}
        with progress_of(bar, "DBLP search", len(set(queries.values()))) as advance:
            searched = self.dblp.search(list(dict.fromkeys(queries.values())), advance)
        decisions: dict[str, Decision] = {}
        failed: dict[str, str] = {}
        for arxiv_id, query in queries.items():
            if query in searched.failed:
                failed[arxiv_id] = f"{self.labels[0]}: {searched.failed[query]}"
                continue
            hits = searched.found.get(query, ())
            decisions[arxiv_id] = decide(Preprint.from_metadata(preprints[arxiv_id]),
                                         [from_dblp(hit) for hit in hits])
        return decisions, failed

    def search_titles(self, titles: Mapping[str, str], bar: ProgressBar | None = None
                      ) -> tuple[dict[str, tuple[DblpHit, ...]], dict[str, str]]:
        """One DBLP search per title (by any key): each one's hits, and the failed ones with why.

        A title nothing matched has no hits; titles giving the same query share its search.
        """
        queries = {key: search_query(title) for key, title in titles.items()}
        with progress_of(bar, "DBLP title search", len(set(queries.values()))) as advance:
            searched = self.dblp.search(list(dict.fromkeys(queries.values())), advance)
        failed = {key: f"{self.labels[0]}: {searched.failed[query]}"
                  for key, query in queries.items() if query in searched.failed}
        hits = {key: searched.found.get(query, ()) for key, query in queries.items()
                if key not in failed}
        return hits, failed

    def fetch_versions(self, ids: Iterable[str],
                       bar: ProgressBar | None = None) -> Result[PublishedVersion]:
        """The versions of ids (``dblp:KEY``, ``doi:DOI``): DBLP's record, Crossref's work."""
        wanted = list(dict.fromkeys(ids))
        keys = [i.removeprefix("dblp:") for i in wanted if i.startswith("dblp:")]
        with progress_of(bar, "DBLP records", len(keys)) as advance:
            records = self.dblp.records(keys, advance)
        dois = _dois(wanted, records.found)
        with progress_of(bar, "Crossref", len(set(dois.values()))) as advance:
            works = self.crossref.works(list(dict.fromkeys(dois.values())), advance)
        return _versions(wanted, records, works, dois, self.labels)

    def resolve(self, ref: WorkRef) -> PublishedVersion:
        """The fetched version a DOI or DBLP key names; ``InputError`` when none has it."""
        fetched = self.fetch_versions([ref.id])
        if ref.id in fetched.found:
            return fetched.found[ref.id]
        if ref.id in fetched.failed:
            raise FetchError(f"{ref.id}: {fetched.failed[ref.id]}; nothing was written")
        raise InputError(f"{_unknown(ref)}; nothing was written")

    def preprint_of(self, version: PublishedVersion) -> str | None:
        """The arXiv id of the version's preprint, when a database names it.

        Crossref's ``has-preprint`` relation, the arXiv id of a DBLP record of the preprint
        (CoRR), or else the CoRR record a DBLP search by the title finds that the
        confirmation rule matches with the version (one search).
        """
        named = _named_preprint(version)
        if named is not None:
            return named
        candidate = _candidate(version)
        if candidate is None or not candidate.title:
            return None
        searched = self.dblp.search([search_query(candidate.title)])
        if searched.failed:
            raise FetchError(f"{self.labels[0]}: {next(iter(searched.failed.values()))}; "
                             "nothing was written")
        hits = next(iter(searched.found.values()), ())
        return _matching_preprint(candidate, hits)


def _dois(wanted: Iterable[str], records: Mapping[str, DblpRecord]) -> dict[str, str]:
    """The DOI (lower case) of each version that has one: pinned, or in its DBLP record."""
    dois: dict[str, str] = {}
    for version_id in wanted:
        record = records.get(version_id.removeprefix("dblp:"))
        doi = version_id[4:] if version_id.startswith("doi:") else (
            record.get("doi") if record is not None else None)
        if doi:
            dois[version_id] = doi.lower()
    return dois


def _versions(wanted: list[str], records: Result[DblpRecord], works: Result[CrossrefWork],
              dois: Mapping[str, str], labels: tuple[str, str]) -> Result[PublishedVersion]:
    """Each wanted id's version, failed when its record or its DOI failed."""
    found: dict[str, PublishedVersion] = {}
    unknown: list[str] = []
    failed: dict[str, str] = {}
    for version_id in wanted:
        key, doi = version_id.removeprefix("dblp:"), dois.get(version_id)
        record = records.found.get(key) if version_id.startswith("dblp:") else None
        work = works.found.get(doi or "")
        if key in records.failed:
            failed[version_id] = f"{labels[0]}: {records.failed[key]}"
        elif doi is not None and doi in works.failed:
            failed[version_id] = f"{labels[1]}: {works.failed[doi]}"
        elif record is None and work is None:
            unknown.append(version_id)
        else:
            found[version_id] = PublishedVersion(version_id, record, work)
    return Result(found, tuple(unknown), failed, 0)


def _unknown(ref: WorkRef) -> str:
    if ref.kind == "dblp":
        return f"DBLP has no record {ref.value}"
    if ref.anthology is not None:
        return (f"Crossref does not know {ref.value}, the DOI of ACL Anthology paper "
                f"{ref.anthology} (older papers and TACL's have other DOIs or none): add it "
                "by its DOI or DBLP key")
    return f"Crossref does not know the DOI {ref.value}"


def _named_preprint(version: PublishedVersion) -> str | None:
    """The arXiv id the version's own metadata names (Crossref's relation, DBLP's CoRR)."""
    if version.work is not None and version.work.arxiv_id:
        return version.work.arxiv_id
    record = version.record
    if record is None:
        return None
    volume, journal = record.get("volume") or "", record.get("journal") or ""
    if journal == "CoRR" and volume.startswith("abs/"):
        return volume[4:]
    eprint = record.get("eprint")
    return eprint if eprint and (record.get("eprinttype") or "").lower() == "arxiv" else None


def _candidate(version: PublishedVersion) -> Candidate | None:
    """The version as the confirmation rule sees it."""
    record = version.record
    if record is None:
        return from_crossref(version.work) if version.work is not None else None
    authors = dblp_names(record.get("author") or "")
    year = record.get("year") or ""
    return Candidate("dblp", record.key, to_text(record.get("title") or ""),
                     authors[0] if authors else "", int(year) if year.isdigit() else None, "")


def _matching_preprint(version: Candidate, hits: Iterable[DblpHit]) -> str | None:
    """The arXiv id of the one CoRR hit the rule matches with the version, if exactly one."""
    matches = set()
    for hit in hits:
        if not hit.informal or hit.arxiv_id is None or hit.year is None:
            continue
        preprint = Preprint(hit.arxiv_id, hit.title, hit.authors[0] if hit.authors else "",
                            hit.year)
        verdict = judge(preprint, version)
        if verdict.same_work and verdict.same_author and verdict.in_time:
            matches.add(hit.arxiv_id)
    return matches.pop() if len(matches) == 1 else None
