"""What sync reports: a summary for people (text) or for tools (JSON), and its failure lines.

The text summary counts what happened to the arXiv ids and prints a line per field changed
and per problem; failures that share a reason are one line with their count (``-v`` lists
the ids). The rows linked to nothing that sync searched DBLP for by their title follow:
each one linked, each with candidates (listed with the line that would link it); ``-v``
lists the ones not found, too short to search or searched before. The published versions
follow: each upgrade, each work with candidates (listed, none chosen, each with the pin that
would choose it), the works without one, each pinned version fetched. The JSON summary
carries every id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from ..model import CANDIDATES, LINKED, NONE, TitleSearch
from ..published import plan, titleplan
from ..published.plan import (
    LISTED,
    PINNED,
    UPGRADED,
    WITHOUT,
    PublishedOutcome,
    VersionChange,
    candidate_line,
)
from ..published.titleplan import TitleChange, TitleOutcome
from ..published.titles import MIN_TITLE_WORDS, title_words
from ..sync import ADDED, CHANGED, FAILED, UNCHANGED, UNKNOWN, Change, SyncOutcome

SHOWN_IDS = 10
"""Ids a failure line names before it says how many more there are."""
JSON_VERSION = 1


def render_sync_text(outcome: SyncOutcome, verbose: bool = False) -> str:
    """The summary sync prints on stdout."""
    lines = [_arxiv_counts(outcome), *_arxiv_lines(outcome.changes, verbose)]
    if outcome.withdrawn:
        lines.append("withdrawn on arXiv (still listed; check them): "
                     + ", ".join(outcome.withdrawn))
    lines += _title_lines(outcome.titles, verbose)
    lines += _published_lines(outcome.published, verbose)
    return "\n".join(lines)


def _arxiv_counts(outcome: SyncOutcome) -> str:
    counts = {kind: outcome.count(kind) for kind in (ADDED, CHANGED, UNCHANGED, UNKNOWN, FAILED)}
    return (f"{counts[ADDED]} added, {counts[CHANGED]} changed, {counts[UNCHANGED]} unchanged, "
            f"{outcome.skipped} already stored (not fetched), {counts[UNKNOWN]} unknown to "
            f"arXiv, {counts[FAILED]} failed")


def _arxiv_lines(changes: Iterable[Change], verbose: bool) -> Iterator[str]:
    """A line per detail; failures sharing a reason grouped into one line."""
    failed: dict[str, list[str]] = {}
    for change in changes:
        if change.kind == FAILED:
            failed.setdefault(change.details[0], []).append(change.arxiv_id)
        elif change.kind != UNCHANGED or change.details:
            yield from (f"  {change.kind} {change.arxiv_id}: {detail}"
                        for detail in change.details or ("new",))
    for reason, ids in failed.items():
        yield from _grouped("failed", ids, reason, verbose)


def _grouped(kind: str, ids: list[str], reason: str, verbose: bool,
             noun: str = "ids") -> Iterator[str]:
    if len(ids) == 1:
        yield f"  {kind} {ids[0]}: {reason}"
        return
    yield f"  {kind} {len(ids)} {noun}: {reason}" + ("" if verbose else " (-v lists them)")
    if verbose:
        yield f"    {', '.join(ids)}"


def _title_lines(titles: TitleOutcome, verbose: bool) -> list[str]:
    """The rows searched by their title: each linked, each with candidates; -v the rest."""
    if not titles.changes:
        return []
    lines, rest = [_title_counts(titles)], []
    for change in titles.changes:
        if change.kind == LINKED and change.search is not None:
            lines.append(f"  {change.entry}: {_link(change.search)} by its title")
        elif change.kind == CANDIDATES and change.search is not None:
            lines += _candidate_lines(change.entry, change.search)
        elif change.kind != titleplan.FAILED:
            rest.append(f"  {change.entry}: {_left_alone(change)}")
    lines += rest if verbose or not rest else [
        f"  {len(rest)} more {'row' if len(rest) == 1 else 'rows'} left unlinked (-v lists them)"]
    failed: dict[str, list[str]] = {}
    for change in titles.failed:
        failed.setdefault(change.reason, []).append(change.entry)
    for reason, entries in failed.items():
        lines += _grouped("failed", entries, reason, verbose, "rows")
    return lines


def _title_counts(titles: TitleOutcome) -> str:
    requests = ", ".join(f"{service} {count}" for service, count in titles.requests.items())
    return (f"rows linked to nothing, searched by title: {titles.count(LINKED)} linked, "
            f"{titles.count(CANDIDATES)} with candidates (none chosen), "
            f"{titles.count(NONE)} not found, {titles.count(titleplan.SHORT)} too short to "
            f"search, {titles.count(titleplan.BEFORE)} searched before, "
            f"{len(titles.failed)} failed ({requests or 'no'} requests)")


def _link(search: TitleSearch) -> str:
    """What a search linked its rows to."""
    if search.arxiv is not None:
        return f"linked to arXiv {search.arxiv}"
    return f"pinned to {search.published}"


def _candidate_lines(entry: str, search: TitleSearch) -> list[str]:
    lines = [f"  {entry}: none chosen among DBLP's records with its title ({search.why})"]
    for c in search.candidates:
        lines.append(f"    {c.record} ({c.venue} {c.year or ''}".rstrip() +
                     f", {c.first_author or 'no author'}): add `{c.line}` if it is this row's")
    return lines


def _left_alone(change: TitleChange) -> str:
    """Why a row is still linked to nothing (-v)."""
    search = change.search
    if change.kind == titleplan.SHORT:
        return (f"not searched: {change.title!r} is too short to identify a work "
                f"({title_words(change.title)} words, {MIN_TITLE_WORDS} needed)")
    if change.kind == titleplan.BEFORE and search is not None:
        if search.kind == LINKED:
            return (f"searched before, which {_link(search)} (the entry no longer says so); "
                    "not searched again")
        return (f"searched before ({'candidates' if search.kind == CANDIDATES else 'not found'}"
                "); `sync --refresh` searches again")
    return "no DBLP record has its title"


def _published_lines(published: PublishedOutcome, verbose: bool) -> list[str]:
    if published.skipped:
        return [f"published versions: not looked up ({published.skipped})"]
    if not published.changes:
        waiting = f"; {published.waiting} wait for their arXiv metadata" \
            if published.waiting else ""
        return [f"published versions: nothing to look up ({published.decided} works decided "
                f"before{waiting}; `sync --refresh` asks again about those without one)"]
    lines = [_published_counts(published)]
    for change in published.changes:
        lines += _change_lines(change)
    without = [c.key or c.subject for c in published.changes if c.kind == WITHOUT]
    if without:
        lines.append(f"  without a published version ({len(without)}): {', '.join(without)}")
    failed: dict[str, list[str]] = {}
    for change in published.failed:
        failed.setdefault(change.line, []).append(change.key or change.subject)
    for reason, subjects in failed.items():
        lines += _grouped("failed", subjects, reason, verbose)
    return lines


def _published_counts(published: PublishedOutcome) -> str:
    requests = ", ".join(f"{service} {count}" for service, count in published.requests.items())
    pinned = published.count(PINNED) + published.count(plan.UNKNOWN)
    pins = f", {pinned} pinned fetched" if pinned else ""
    return (f"published versions: {published.count(UPGRADED)} upgraded, "
            f"{published.count(LISTED)} with candidates (none chosen), "
            f"{published.count(WITHOUT)} without, {len(published.failed)} failed{pins} "
            f"({requests} requests)")


def _change_lines(change: VersionChange) -> list[str]:
    who = f"  {change.key}: " if change.key else "  "
    if change.kind == UPGRADED:
        return [who + change.line]
    if change.kind == PINNED:
        return [f"{who}pinned {change.line}"]
    if change.kind == plan.UNKNOWN:
        return [f"{who}unknown {change.subject}: {change.line}"]
    if change.kind == LISTED:
        return [who + change.line, *(f"    {candidate_line(c)}" for c in change.candidates)]
    return []


def sync_failures(outcome: SyncOutcome, verbose: bool = False) -> list[str]:
    """One line per part of the sync that failed, for stderr; none when nothing did."""
    lines = []
    if outcome.failed:
        reasons = "; ".join(dict.fromkeys(c.details[0] for c in outcome.changes
                                          if c.kind == FAILED))
        kept = ("what was stored for them is kept" if outcome.written or outcome.found_anything
                else "nothing was written")
        lines.append(f"sync incomplete: {len(outcome.failed)} arXiv "
                     f"{'id' if len(outcome.failed) == 1 else 'ids'} could not be fetched "
                     f"from {outcome.endpoint} ({reasons}): {_ids(outcome.failed, verbose)}; "
                     f"{kept}; run sync again")
    lines += _title_failures(outcome.titles, verbose)
    failed = outcome.published.failed
    if failed:
        reasons = "; ".join(dict.fromkeys(c.line for c in failed))
        subjects = tuple(c.key or c.subject for c in failed)
        lines.append(f"sync incomplete: {len(failed)} published "
                     f"{'version' if len(failed) == 1 else 'versions'} could not be looked up "
                     f"({reasons}): {_ids(subjects, verbose)}; nothing was stored for them; "
                     "run sync again")
    return lines


def _title_failures(titles: TitleOutcome, verbose: bool) -> list[str]:
    failed = titles.failed
    if not failed:
        return []
    reasons = "; ".join(dict.fromkeys(c.reason for c in failed))
    return [f"sync incomplete: {len(failed)} {'row' if len(failed) == 1 else 'rows'} could not "
            f"be searched by title ({reasons}): {_ids(tuple(c.entry for c in failed), verbose)}; "
            "nothing was stored for them; run sync again"]


def _ids(ids: tuple[str, ...], verbose: bool) -> str:
    """The ids a failure line names: the first few, and how many more (-v names them all).

    >>> _ids(("a", "b"), False), _ids(tuple("abcdefghijkl"), False)
    ('a, b', 'a, b, c, d, e, f, g, h, i, j and 2 more (-v lists them all)')
    """
    if verbose or len(ids) <= SHOWN_IDS:
        return ", ".join(ids)
    return (f"{', '.join(ids[:SHOWN_IDS])} and {len(ids) - SHOWN_IDS} more "
            "(-v lists them all)")


def render_sync_json(outcome: SyncOutcome) -> str:
    """The summary as one JSON document, every id in it (schema version 1)."""
    data = {"version": JSON_VERSION, "arxiv": _arxiv_json(outcome),
            "titles": _titles_json(outcome.titles),
            "published": _published_json(outcome.published),
            "written": [str(path) for path in outcome.written]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _arxiv_json(outcome: SyncOutcome) -> dict[str, Any]:
    by_kind = {kind: [c for c in outcome.changes if c.kind == kind]
               for kind in (ADDED, CHANGED, UNCHANGED, UNKNOWN, FAILED)}
    return {
        "endpoint": outcome.endpoint, "requests": outcome.requests,
        "already_stored": outcome.skipped,
        "added": [c.arxiv_id for c in by_kind[ADDED]],
        "changed": {c.arxiv_id: list(c.details) for c in by_kind[CHANGED]},
        "unchanged": [c.arxiv_id for c in by_kind[UNCHANGED]],
        "unknown": [c.arxiv_id for c in by_kind[UNKNOWN]],
        "failed": {c.arxiv_id: c.details[0] for c in by_kind[FAILED]},
        "withdrawn": list(outcome.withdrawn),
    }


def _published_json(published: PublishedOutcome) -> dict[str, Any]:
    def subjects(kind: str) -> dict[str, Any]:
        return {c.subject: _change_json(c) for c in published.changes if c.kind == kind}

    return {
        "requests": dict(published.requests), "decided_before": published.decided,
        "waiting_for_arxiv": published.waiting,
        "skipped": published.skipped or None,
        "upgraded": subjects(UPGRADED), "candidates": subjects(LISTED),
        "none": subjects(WITHOUT), "pinned": subjects(PINNED),
        "unknown": subjects(plan.UNKNOWN), "failed": subjects(plan.FAILED),
    }


def _titles_json(titles: TitleOutcome) -> dict[str, Any]:
    def entries(kind: str) -> dict[str, Any]:
        return {c.entry: _title_json(c) for c in titles.changes if c.kind == kind}

    return {
        "requests": dict(titles.requests), "linked": entries(LINKED),
        "candidates": entries(CANDIDATES), "none": entries(NONE),
        "too_short": entries(titleplan.SHORT), "searched_before": entries(titleplan.BEFORE),
        "failed": {c.entry: c.reason for c in titles.failed},
    }


def _title_json(change: TitleChange) -> dict[str, Any]:
    item: dict[str, Any] = {"title": change.title}
    search = change.search
    if search is None:
        return item
    if change.kind == titleplan.BEFORE:
        item["outcome"] = search.kind
    found = {"arxiv": search.arxiv, "published": search.published, "why": search.why}
    item.update({name: value for name, value in found.items() if value is not None})
    if search.candidates:
        item["candidates"] = [asdict(c) for c in search.candidates]
    return item


def _change_json(change: VersionChange) -> dict[str, Any]:
    item: dict[str, Any] = {"key": change.key, "message": change.line}
    if change.candidates:
        item["candidates"] = [{"version": c.version, "venue": c.venue, "year": c.year,
                               "title": c.title, "why": list(c.reasons)}
                              for c in change.candidates]
    return item
