"""What sync reports: a summary for people (text) or for tools (JSON), and its failure lines.

The text summary counts what happened to the arXiv ids and prints a line per field changed
and per problem; failures that share a reason are one line with their count (``-v`` lists
the ids). The published versions follow: each upgrade, each work with candidates (listed,
none chosen, each with the pin that would choose it), the works without one, each pinned
version fetched. The JSON summary carries every id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..published import plan
from ..published.plan import (
    LISTED,
    PINNED,
    UPGRADED,
    WITHOUT,
    PublishedOutcome,
    VersionChange,
    candidate_line,
)
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


def _grouped(kind: str, ids: list[str], reason: str, verbose: bool) -> Iterator[str]:
    if len(ids) == 1:
        yield f"  {kind} {ids[0]}: {reason}"
        return
    yield f"  {kind} {len(ids)} ids: {reason}" + ("" if verbose else " (-v lists them)")
    if verbose:
        yield f"    {', '.join(ids)}"


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
    failed = outcome.published.failed
    if failed:
        reasons = "; ".join(dict.fromkeys(c.line for c in failed))
        subjects = tuple(c.key or c.subject for c in failed)
        lines.append(f"sync incomplete: {len(failed)} published "
                     f"{'version' if len(failed) == 1 else 'versions'} could not be looked up "
                     f"({reasons}): {_ids(subjects, verbose)}; nothing was stored for them; "
                     "run sync again")
    return lines


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


def _change_json(change: VersionChange) -> dict[str, Any]:
    item: dict[str, Any] = {"key": change.key, "message": change.line}
    if change.candidates:
        item["candidates"] = [{"version": c.version, "venue": c.venue, "year": c.year,
                               "title": c.title, "why": list(c.reasons)}
                              for c in change.candidates]
    return item
