"""Discovery's settings and record: ``discover:`` in entries/list.yaml, data/discover.json.

The settings are the maintainers' (queries in arXiv's search syntax, categories, negative
keywords, a minimum score) and are validated with the rest of list.yaml, naming file and line.

The record is what discovery remembers between runs: when it last looked and which works a
maintainer turned down, with the reason and the date. It lives in data/discover.json beside
data/arxiv.json, the other file speechlm-bib writes and people review in git: JSON written by
the tool only (so no hand-written comment can be lost when it is rewritten), sorted by id,
a fixed field order and no run timestamps, so the same record gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ids import parse_arxiv_id
from .fields import check_mapping
from .yamlfile import Node, read_source

DISCOVER_STORE = Path("data") / "discover.json"
_SETTING_FIELDS = {"queries", "categories", "negative_keywords", "min_score"}
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?")


@dataclass(frozen=True, slots=True)
class DiscoverSettings:
    """The ``discover:`` settings of entries/list.yaml."""

    queries: tuple[str, ...]
    categories: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    min_score: float = 0.0


@dataclass(frozen=True, slots=True)
class Rejection:
    """A work a maintainer turned down: never suggested again."""

    date: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DiscoveryRecord:
    """What data/discover.json holds: the last discovery and the rejections, by arXiv id.

    ``last_discovery`` is the submission time of the newest paper the last discovery saw;
    the next one asks for papers submitted from then on.
    """

    last_discovery: datetime | None = None
    rejected: Mapping[str, Rejection] = field(default_factory=dict)


# --------------------------------------------------------------------------- settings


def parse_discover_settings(node: Node, path: Path) -> DiscoverSettings:
    """The ``discover:`` mapping of list.yaml; InputError naming the line of what is wrong."""
    from ..sources.arxiv_query import check_query

    fields = check_mapping(node, path, _SETTING_FIELDS, "'discover'")
    queries = _texts(fields.get("queries"), "queries", path)
    if not queries:
        raise InputError("'discover' needs 'queries': a list of arXiv searches", path, node.line)
    for query, item in zip(queries, _items(fields["queries"]), strict=True):
        problem = check_query(query)
        if problem:
            raise InputError(f"query {problem}: {query}", path, item.line, item.column)
    categories = _texts(fields.get("categories"), "categories", path)
    for category, item in zip(categories, _items(fields.get("categories")), strict=True):
        if not _CATEGORY.fullmatch(category):
            raise InputError(f"'{category}' is not an arXiv category such as cs.CL",
                             path, item.line, item.column)
    return DiscoverSettings(queries, categories,
                            _texts(fields.get("negative_keywords"), "negative_keywords", path),
                            _score(fields.get("min_score"), path))


def _items(node: Node | None) -> list[Node]:
    return [] if node is None else list(node.value)


def _texts(node: Node | None, name: str, path: Path) -> tuple[str, ...]:
    """A list of non-empty texts (none when absent)."""
    if node is None:
        return ()
    if not isinstance(node.value, list):
        raise InputError(f"'{name}' must be a list", path, node.line, node.column)
    texts = []
    for item in node.value:
        if not isinstance(item.value, str) or not item.value.strip():
            raise InputError(f"'{name}' lists texts", path, item.line, item.column)
        texts.append(" ".join(item.value.split()))
    return tuple(texts)


def _score(node: Node | None, path: Path) -> float:
    if node is None:
        return 0.0
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError("'min_score' must be a number from 0 to 1", path, node.line,
                         node.column)
    return float(value)


# --------------------------------------------------------------------------- the record


def load_discovery_record(root: Path) -> DiscoveryRecord:
    """data/discover.json (an empty record when there is none)."""
    path = root / DISCOVER_STORE
    if not path.exists():
        return DiscoveryRecord()
    try:
        data = json.loads(read_source(path))
    except json.JSONDecodeError as error:
        raise InputError(f"damaged JSON ({error.msg}); restore it from git", path,
                         error.lineno) from None
    try:
        return _record(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"damaged: {error}; restore it from git", path) from None


def _record(data: Any) -> DiscoveryRecord:
    if not isinstance(data, dict) or set(data) - {"last_discovery", "rejected"}:
        raise ValueError("expected a mapping with 'last_discovery' and 'rejected'")
    last = data.get("last_discovery")
    rejected = {}
    for arxiv_id, item in dict(data.get("rejected", {})).items():
        if parse_arxiv_id(arxiv_id).id != arxiv_id:
            raise ValueError(f"rejected id {arxiv_id!r} is not a bare arXiv id")
        date.fromisoformat(item["date"])
        reason = item.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise TypeError(f"the reason for {arxiv_id} is not text")
        rejected[arxiv_id] = Rejection(str(item["date"]), reason)
    return DiscoveryRecord(parse_moment(last) if last is not None else None, rejected)


def parse_moment(text: str) -> datetime:
    """A stored time (``2025-06-27T15:00:00Z``) as an aware UTC datetime.

    >>> parse_moment("2025-06-27T15:00:00Z").isoformat()
    '2025-06-27T15:00:00+00:00'
    """
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone")
    return moment.astimezone(UTC)


def render_discovery_record(record: DiscoveryRecord) -> str:
    """The JSON text of the record: fixed field order, rejections sorted by id."""
    data: dict[str, Any] = {}
    if record.last_discovery is not None:
        data["last_discovery"] = record.last_discovery.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    data["rejected"] = {arxiv_id: _rejection(record.rejected[arxiv_id])
                        for arxiv_id in sorted(record.rejected)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _rejection(rejection: Rejection) -> dict[str, str]:
    item = {"date": rejection.date}
    if rejection.reason:
        item["reason"] = rejection.reason
    return item
