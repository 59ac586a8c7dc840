"""data/published.json: the published versions sync looked up, read and written deterministically.

Two parts, and a third once sync searched a title, each sorted by key, no timestamps::

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
     },
     "titles": {
      "moshiaspeechtextfoundationmodelforrealtimedialogue": {"title": "Moshi: a speech-text
        foundation model for real-time dialogue", "outcome": "linked", "arxiv": "2410.00037"},
      "textuallypretrainedspeechlanguagemodels": {"title": "...", "outcome": "candidates",
        "why": "works by different first authors: ...", "candidates": [
        {"record": "dblp:journals/corr/abs-2305-13009", "line": "arxiv: '2305.13009'",
         "venue": "CoRR", "year": 2023, "first_author": "...", "title": "..."}]},
      "parrotautoregressivespokendialogue...": {"title": "...", "outcome": "none"}
     }
    }

``decisions`` holds, for each arXiv work sync asked about, what the confirmation rule
decided; ``versions`` every version a decision confirms or an entry pins: DBLP's record
BibTeX as fetched and Crossref's metadata of its DOI. ``build`` computes the records' fields
from them offline. ``titles`` holds what DBLP's search by the title of rows linked to
nothing decided (``published.titles``), by the folded title (``rule.fold_title``): the
search is the title's, so rows sharing a title share it, and a row whose title is edited
is searched again. It is written only once it holds something.
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
    LINKED,
    NONE,
    CrossrefWork,
    DblpRecord,
    ListedCandidate,
    PublishedData,
    PublishedVersion,
    TitleCandidate,
    TitleSearch,
    VersionDecision,
)
from . import PUBLISHED_STORE, memoised
from .yamlfile import read_optional

KINDS = (CONFIRMED, CANDIDATES, NONE)
OUTCOMES = (LINKED, CANDIDATES, NONE)
RESTORE = "restore it, or delete it and run sync to look the published versions up again"
_LISTS = frozenset({"authors", "families"})


class _Damaged(ValueError):
    """A part of the file that is not what sync writes."""


def load_published_store(root: Path, memo: Memo | None = None) -> PublishedData:
    """The decisions and versions sync stored (empty when the file does not exist yet).

    With a memo, the DBLP records read before are not parsed again.
    """
    path = root / PUBLISHED_STORE
    text = read_optional(path)
    return PublishedData() if text is None else parse_published_store(text, path, memo)


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
        titles = {}
        for where, item in _items(data, "titles"):
            titles[where] = _title_search(item)
    except (_Damaged, KeyError, TypeError, ValueError) as error:
        raise InputError(f"{where} is damaged ({error}); {RESTORE}", path,
                         _line_of(text, where)) from None
    return PublishedData(decisions, versions, titles)


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


def _title_search(item: dict[str, Any]) -> TitleSearch:
    kind = item["outcome"]
    if kind not in OUTCOMES:
        raise _Damaged(f"outcome {kind!r} is none of {', '.join(OUTCOMES)}")
    arxiv, published = _optional(item, "arxiv"), _optional(item, "published")
    if (kind == LINKED) != ((arxiv is None) != (published is None)):
        raise _Damaged("a linked title names its arXiv id or its version, no other does")
    candidates = tuple(_title_candidate(_mapping(c, "a candidate"))
                       for c in item.get("candidates", []))
    return TitleSearch(str(item["title"]), kind, arxiv, published, candidates,
                       _optional(item, "why"))


def _title_candidate(item: dict[str, Any]) -> TitleCandidate:
    year = item.get("year")
    return TitleCandidate(str(item["record"]), str(item["line"]), str(item["venue"]),
                          int(year) if year is not None else None, str(item["first_author"]),
                          str(item["title"]))


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
    """The JSON text of the store: each part sorted by key, fixed field order."""
    data = {
        "decisions": {key: _decision_dict(store.decisions[key]) for key in sorted(store.decisions)},
        "versions": {key: _version_dict(store.versions[key]) for key in sorted(store.versions)},
    }
    if store.titles:
        data["titles"] = {key: _title_dict(store.titles[key]) for key in sorted(store.titles)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _title_dict(search: TitleSearch) -> dict[str, Any]:
    item: dict[str, Any] = {"title": search.title, "outcome": search.kind}
    optional = {"arxiv": search.arxiv, "published": search.published, "why": search.why}
    item.update({name: value for name, value in optional.items() if value is not None})
    if search.candidates:
        item["candidates"] = [asdict(candidate) for candidate in search.candidates]
    return item


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
