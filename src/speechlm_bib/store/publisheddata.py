"""data/published.json: the published versions sync looked up, read and written deterministically.

Two parts, each sorted by key, no timestamps::

    {
     "decisions": {
      "2409.07437": {"decision": "candidates", "candidates": [
        {"version": "dblp:conf/icassp/MaimonRA25", "venue": "ICASSP", "year": 2025,
         "title": "...", "why": ["another title: '...'"]}]},
      "2410.03751": {"decision": "confirmed", "version": "dblp:conf/acl/CuiYJMZWGK25"},
      "2410.00037": {"decision": "none"}
     },
     "versions": {
      "dblp:conf/acl/CuiYJMZWGK25": {"dblp": "@inproceedings{DBLP:conf/acl/...", "crossref": {...}},
      "doi:10.1109/icassp.2015.7178964": {"crossref": {...}}
     }
    }

``decisions`` holds, for each arXiv work sync asked about, what the confirmation rule
decided; ``versions`` every version a decision confirms or an entry pins: DBLP's record
BibTeX as fetched and Crossref's metadata of its DOI. ``build`` computes the records' fields
from them offline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..bibtex.handrecords import parse_hand_records
from ..errors import InputError
from ..memo import Memo
from ..model import (
    CANDIDATES,
    CONFIRMED,
    NONE,
    CrossrefWork,
    DblpRecord,
    ListedCandidate,
    PublishedData,
    PublishedVersion,
    VersionDecision,
)
from . import PUBLISHED_STORE, memoised
from .yamlfile import read_source

KINDS = (CONFIRMED, CANDIDATES, NONE)
RESTORE = "restore it, or delete it and run sync to look the published versions up again"
_LISTS = frozenset({"authors", "families"})


class _Damaged(ValueError):
    """A part of the file that is not what sync writes."""


def load_published_store(root: Path, memo: Memo | None = None) -> PublishedData:
    """The decisions and versions sync stored (empty when the file does not exist yet).

    With a memo, the DBLP records read before are not parsed again.
    """
    path = root / PUBLISHED_STORE
    if not path.exists():
        return PublishedData()
    return parse_published_store(read_source(path), path, memo)


def parse_published_store(text: str, path: Path, memo: Memo | None = None) -> PublishedData:
    """The decisions and versions of the file's text; ``InputError`` naming what is damaged."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"damaged JSON ({error.msg}); {RESTORE}", path, error.lineno) from None
    where = "the file"
    try:
        _mapping(data, where)
        decisions = {}
        for where, item in _items(data, "decisions"):
            decisions[where] = _decision(item)
        versions = {}
        for where, item in _items(data, "versions"):
            versions[where] = _version(where, item, path, memo)
    except (_Damaged, KeyError, TypeError, ValueError) as error:
        raise InputError(f"{where} is damaged ({error}); {RESTORE}", path,
                         _line_of(text, where)) from None
    return PublishedData(decisions, versions)


def _line_of(text: str, key: str) -> int:
    r"""The line where a key of the file is written (1 when it is not found).

    >>> _line_of('{\n "decisions": {\n  "2410.00037": {}', "2410.00037")
    3
    """
    at = text.find(json.dumps(key, ensure_ascii=False) + ":")
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Damaged(f"{what} is not a mapping")
    return value


def _items(data: dict[str, Any], part: str) -> list[tuple[str, dict[str, Any]]]:
    items = _mapping(data.get(part, {}), f"'{part}'")
    return [(key, _mapping(value, key)) for key, value in items.items()]


def _decision(item: dict[str, Any]) -> VersionDecision:
    kind = item["decision"]
    if kind not in KINDS:
        raise _Damaged(f"decision {kind!r} is none of {', '.join(KINDS)}")
    version = item.get("version")
    if (kind == CONFIRMED) != isinstance(version, str):
        raise _Damaged("a confirmed decision names its version, no other does")
    candidates = tuple(_candidate(c) for c in item.get("candidates", []))
    return VersionDecision(kind, version, candidates)


def _candidate(item: dict[str, Any]) -> ListedCandidate:
    year = item.get("year")
    return ListedCandidate(str(item["version"]), str(item["venue"]),
                           int(year) if year is not None else None, str(item["title"]),
                           tuple(str(reason) for reason in item["why"]))


def _version(version_id: str, item: dict[str, Any], path: Path,
             memo: Memo | None = None) -> PublishedVersion:
    record = _record(item["dblp"], path, memo) if "dblp" in item else None
    work = _work(_mapping(item["crossref"], "crossref")) if "crossref" in item else None
    return PublishedVersion(version_id, record, work)


def _record(text: Any, path: Path, memo: Memo | None = None) -> DblpRecord:
    if not isinstance(text, str):
        raise _Damaged("'dblp' is not BibTeX text")
    try:
        records = (parse_hand_records(text, path) if memo is None
                   else memoised.parse_hand_records(text, path, memo))
    except InputError as error:
        raise _Damaged(error.message) from None
    if len(records) != 1:
        raise _Damaged(f"'dblp' holds {len(records)} records instead of one")
    record = next(iter(records.values()))
    return DblpRecord(record.key.removeprefix("DBLP:"), record.type, record.fields, text)


def _work(item: dict[str, Any]) -> CrossrefWork:
    doi, title, kind = item.get("doi"), item.get("title"), item.get("type", "")
    if not isinstance(doi, str) or not isinstance(title, str) or not isinstance(kind, str):
        raise _Damaged("'crossref' needs a DOI, a type and a title")
    year = item.get("year")
    return CrossrefWork(
        doi, kind, title, _optional(item, "container_title"),
        tuple(str(name) for name in item.get("authors", [])),
        tuple(str(name) for name in item.get("families", [])),
        int(year) if year is not None else None,
        *(_optional(item, name) for name in ("volume", "issue", "page", "publisher",
                                             "arxiv_id")),
    )


def _optional(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return None if value is None else str(value)


def render_published_store(store: PublishedData) -> str:
    """The JSON text of the store: both parts sorted by key, fixed field order."""
    data = {
        "decisions": {key: _decision_dict(store.decisions[key]) for key in sorted(store.decisions)},
        "versions": {key: _version_dict(store.versions[key]) for key in sorted(store.versions)},
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _decision_dict(decision: VersionDecision) -> dict[str, Any]:
    item: dict[str, Any] = {"decision": decision.kind}
    if decision.version is not None:
        item["version"] = decision.version
    if decision.candidates:
        item["candidates"] = [_candidate_dict(c) for c in decision.candidates]
    return item


def _candidate_dict(candidate: ListedCandidate) -> dict[str, Any]:
    return {"version": candidate.version, "venue": candidate.venue, "year": candidate.year,
            "title": candidate.title, "why": list(candidate.reasons)}


def _version_dict(version: PublishedVersion) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if version.record is not None:
        item["dblp"] = version.record.text
    if version.work is not None:
        item["crossref"] = _work_dict(version.work)
    return item


def _work_dict(work: CrossrefWork) -> Mapping[str, Any]:
    return {name: list(value) if name in _LISTS else value
            for name, value in asdict(work).items() if value not in (None, ())}
