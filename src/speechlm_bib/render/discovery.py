"""A discovery's report as text (a terminal), Markdown (an issue) or JSON (other tools).

Every report names the since-time, the requests made and the papers kept out, by reason.
The Markdown report links each candidate, shows its closest listed work and section, the
command that adds it, and its abstract with the query terms it holds in bold; whatever a
title or abstract holds renders as text (see mdtext).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..discover import (
    BELOW_SCORE,
    LISTED,
    NEGATIVE,
    OVER_LIMIT,
    REJECTED,
    SEEN,
    Candidate,
    Discovery,
)
from .mdtext import escape_markdown

FORMATS = ("text", "markdown", "json")
_HIDDEN_WORDS = {
    LISTED: "on the list", REJECTED: "rejected", SEEN: "seen by an earlier discovery",
    NEGATIVE: "with a negative keyword", BELOW_SCORE: "below the minimum score",
    OVER_LIMIT: "over the limit",
}


@dataclass(frozen=True, slots=True)
class DiscoveryReport:
    """A discovery and how it was made: since when, with which queries, at what cost."""

    discovery: Discovery
    since: datetime
    requests: int
    queries: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    capped: tuple[int, ...] = ()
    """Queries whose oldest results were not read (too many since the since-time)."""


def render_report(report: DiscoveryReport, fmt: str) -> str:
    """The report in one of `FORMATS`."""
    renderers: dict[str, Callable[[DiscoveryReport], str]] = {
        "text": render_text, "markdown": render_markdown, "json": render_json}
    return renderers[fmt](report)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _url(candidate: Candidate) -> str:
    return f"https://arxiv.org/abs/{candidate.paper.id}"


def _hidden_summary(discovery: Discovery) -> str:
    """How many papers were kept out, by reason: ``2 on the list, 1 rejected``."""
    return ", ".join(f"{len(ids)} {_HIDDEN_WORDS[reason]}" for reason, ids in discovery.hidden)


def _headline(report: DiscoveryReport) -> str:
    count = len(report.discovery.candidates)
    found = f"{count} candidate{'s' if count != 1 else ''}" if count else "no new candidates"
    return (f"{found} submitted since {_when(report.since)} "
            f"({report.requests} request{'s' if report.requests != 1 else ''} to arXiv)")


def _capped(report: DiscoveryReport) -> list[str]:
    return [f"query {i + 1} found more papers than one discovery reads; the oldest were "
            f"not read: {report.queries[i]}" for i in report.capped]


# --------------------------------------------------------------------------- text


def render_text(report: DiscoveryReport) -> str:
    """A plain-text report for a terminal."""
    lines = [_headline(report)]
    if report.discovery.hidden:
        lines.append(f"kept out: {_hidden_summary(report.discovery)}")
    lines += [f"warning: {line}" for line in _capped(report)]
    for number, candidate in enumerate(report.discovery.candidates, 1):
        lines += ["", *_text_candidate(number, candidate)]
    return "\n".join(lines) + "\n"


def _text_candidate(number: int, candidate: Candidate) -> list[str]:
    paper, pad = candidate.paper, " " * 11
    lines = [f"{number:3d}. {candidate.score:.3f}  {paper.id}v{paper.version}  {paper.title}"]
    if candidate.section is not None:
        lines.append(f"{pad}section: {candidate.section.id} ({candidate.section.heading})")
    if candidate.closest is not None:
        lines.append(f"{pad}closest: {candidate.closest.key} ({candidate.closeness:.3f}) "
                     f"{candidate.closest.title}")
    lines.append(f"{pad}{_url(candidate)}")
    return lines


# --------------------------------------------------------------------------- Markdown


def render_markdown(report: DiscoveryReport) -> str:
    """A Markdown report, for an issue: a summary, then one part per candidate."""
    count = len(report.discovery.candidates)
    headline = _headline(report)
    parts = [f"## New arXiv papers for the list: {count} candidate{'s' if count != 1 else ''}",
             escape_markdown(headline[0].upper() + headline[1:]) + "."]
    if report.discovery.hidden:
        parts.append(f"Kept out: {escape_markdown(_hidden_summary(report.discovery))}.")
    parts += [f"**Warning:** {escape_markdown(line)}" for line in _capped(report)]
    if count:
        parts.append("Ranked by resemblance to the listed works. Add one with "
                     "`speechlm-bib discover --add ID --section SECTION`; turn one down for "
                     "good with `speechlm-bib discover --reject ID --reason \"...\"`.")
    for number, candidate in enumerate(report.discovery.candidates, 1):
        parts.append(_markdown_candidate(number, candidate, report.terms))
    return "\n\n".join(parts) + "\n"


def _markdown_candidate(number: int, candidate: Candidate, terms: Sequence[str]) -> str:
    paper = candidate.paper
    title = highlight(paper.title, terms)
    authors = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "")
    facts = [f"`{paper.id}`", escape_markdown(authors),
             f"submitted {paper.published.date().isoformat()}",
             escape_markdown(", ".join(paper.categories))]
    lines = [f"### {number}. [{title}]({_url(candidate)})", "",
             " · ".join(f for f in facts if f), "",
             f"- score {candidate.score:.3f}"]
    if candidate.closest is not None:
        lines.append(f"- closest listed work: `{candidate.closest.key}`, "
                     f"*{escape_markdown(candidate.closest.title)}* ({candidate.closeness:.3f})")
    if candidate.section is not None:
        lines += [f"- fits the section {escape_markdown(candidate.section.heading)} "
                  f"(`{candidate.section.id}`): "
                  f"`speechlm-bib discover --add {paper.id} --section {candidate.section.id}`"]
    if paper.abstract:
        lines += ["", "<details><summary>Abstract</summary>", "",
                  highlight(paper.abstract, terms), "", "</details>"]
    return "\n".join(lines)


def highlight(text: str, terms: Sequence[str]) -> str:
    r"""Text as inline Markdown with every occurrence of the terms in bold.

    >>> highlight("A Full-Duplex *speech* model", ["speech", "full duplex"])
    'A **Full-Duplex** \\***speech**\\* model'
    """
    escaped = escape_markdown(text)
    if not terms:
        return escaped
    words = sorted({escape_markdown(t) for t in terms if t.strip()}, key=len, reverse=True)
    pattern = "|".join(r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", term) if w)
                       for term in words)
    return re.sub(rf"(?<![\w\\])(?:{pattern})s?(?!\w)", lambda m: f"**{m.group()}**", escaped,
                  flags=re.IGNORECASE)


# --------------------------------------------------------------------------- JSON


def render_json(report: DiscoveryReport) -> str:
    """The report as JSON: the window, the requests, the candidates and what was kept out."""
    data = {
        "since": report.since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "requests": report.requests,
        "candidates": [_json_candidate(c) for c in report.discovery.candidates],
        "hidden": {reason: list(ids) for reason, ids in report.discovery.hidden},
        "capped_queries": [report.queries[i] for i in report.capped],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _json_candidate(candidate: Candidate) -> dict[str, Any]:
    paper = candidate.paper
    closest = candidate.closest
    return {
        "id": paper.id,
        "version": paper.version,
        "url": _url(candidate),
        "title": paper.title,
        "authors": list(paper.authors),
        "published": paper.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "categories": list(paper.categories),
        "doi": paper.doi,
        "score": round(candidate.score, 4),
        "closest": None if closest is None else {
            "key": closest.key, "title": closest.title,
            "similarity": round(candidate.closeness, 4)},
        "section": None if candidate.section is None else candidate.section.id,
        "matches": list(candidate.matches),
        "queries": [i + 1 for i in paper.queries],
        "abstract": paper.abstract,
    }
