"""DBLP: publication search and record BibTeX, over the shared HTTP layer.

``GET {api}/search/publ/api?q=...&format=json&h=N`` finds publications (DBLP matches every
query word as a case-insensitive prefix of a word of the record); ``GET {api}/rec/{key}.bib``
gives one record's BibTeX, the only place with a conference's full booktitle. DBLP has no
Python client worth a dependency: two GET requests and a JSON walk.

The answers' quirks, kept out of the values: ``authors.author`` is an object when there is
one author and a list otherwise (and absent for some records); titles end with a period;
DOIs are written upper-case (the ``ee`` link keeps the publisher's case); ``venue`` is a
short name (``ACL (1)``, ``INTERSPEECH``); an author who shares a name with another carries a
numeric suffix (``Wei Li 0001``); ``hit`` is absent when nothing matched. Every arXiv preprint
also has a CoRR record (venue ``CoRR``, type ``Informal and Other Publications``, volume
``abs/<id>``): the preprint itself, never a published version.

DBLP asks for at least one or two seconds between consecutive requests and answers 429 with a
Retry-After header to clients that go faster (its FAQ on crawling and rate limits); the
default delay is 2 seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..bibtex.handrecords import parse_hand_records
from ..errors import InputError
from ..ids import arxiv_id_of_url
from ..model import DblpRecord as DblpRecord
from . import Progress, Result
from .http import Client, HttpSettings, Reply, ServiceFault, fetch_each

DEFAULT_API = "https://dblp.org"
DEFAULT_DELAY = 2.0
HITS = 20
"""Hits asked for per search: the published version, its CoRR record and look-alikes."""
INFORMAL_TYPES = frozenset({"Informal and Other Publications", "Informal Publications"})
_HOMONYM = re.compile(r"\s+\d{4}$")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)
_DOI_LINK = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<doi>10\..+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DblpHit:
    """One publication a DBLP search found, its quirks smoothed out."""

    key: str
    title: str
    """As DBLP writes it, without the trailing period."""
    authors: tuple[str, ...]
    """Names without homonym suffixes."""
    venue: str
    year: int | None
    type: str
    doi: str | None
    ee: tuple[str, ...] = ()
    pages: str | None = None
    volume: str | None = None
    informal: bool = False
    """A CoRR (or other informal) record: a preprint, not a published version."""
    arxiv_id: str | None = None
    """The arXiv id the record names (its CoRR volume, arXiv DOI or an arxiv.org link)."""


def settings_from_environment(env: Mapping[str, str]) -> HttpSettings:
    """DBLP's settings: SPEECHLM_BIB_DBLP_API, _DELAY, _TIMEOUT, _RETRIES, SPEECHLM_BIB_MAILTO."""
    return HttpSettings.from_environment(env, "DBLP", DEFAULT_API, DEFAULT_DELAY)


class Dblp:
    """DBLP's search and records, two sources sharing one client (and so one delay)."""

    def __init__(self, settings: HttpSettings, hits: int = HITS) -> None:
        self.client = Client(settings)
        self.hits = hits

    def search(self, keys: Sequence[str],
               progress: Progress | None = None) -> Result[tuple[DblpHit, ...]]:
        """Search each query once; a query nothing matched is unknown."""
        return fetch_each(self.client, keys, self._search_one, progress)

    def records(self, keys: Sequence[str], progress: Progress | None = None) -> Result[DblpRecord]:
        """Fetch each record's BibTeX; a key DBLP does not have is unknown."""
        return fetch_each(self.client, keys, self._record_one, progress)

    def _search_one(self, query: str) -> tuple[DblpHit, ...] | None:
        params = {"q": query, "format": "json", "h": str(self.hits)}
        hits = self.client.get("/search/publ/api", params, _read_search)
        return hits or None

    def _record_one(self, key: str) -> DblpRecord | None:
        return self.client.get(f"/rec/{quote(key)}.bib", None, _read_record)

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def _read_search(reply: Reply) -> tuple[DblpHit, ...]:
    if reply.status != 200:
        raise reply.fault()
    try:
        return parse_search(reply.json())
    except (KeyError, TypeError, ValueError) as error:
        raise ServiceFault(f"a search answer DBLP does not give ({error})", retry=False) from None


def _read_record(reply: Reply) -> DblpRecord | None:
    if reply.status == 404:
        return None
    if reply.status != 200:
        raise reply.fault()
    if reply.body.lstrip()[:1] != b"@":
        raise ServiceFault("a record answer that is not BibTeX", retry=True)
    try:
        return parse_record(reply.text())
    except ValueError as error:
        raise ServiceFault(f"unreadable record BibTeX ({error})", retry=True) from None


def parse_search(data: Any) -> tuple[DblpHit, ...]:
    """The hits of a search answer (``result.hits.hit``; absent when nothing matched)."""
    result = data["result"]
    code = str(result.get("status", {}).get("@code", "200"))
    if code != "200":
        raise ValueError(f"status {code}")
    return tuple(parse_hit(hit["info"]) for hit in as_list(result["hits"].get("hit")))


def parse_hit(info: Mapping[str, Any]) -> DblpHit:
    """One hit's ``info`` object as a `DblpHit`."""
    authors = as_list(info.get("authors", {}).get("author"))
    ee = tuple(str(link) for link in as_list(info.get("ee")))
    venue = ", ".join(str(v) for v in as_list(info.get("venue")))
    kind = str(info.get("type", ""))
    doi = _doi(info.get("doi"), ee)
    year = str(info.get("year", ""))
    return DblpHit(
        key=str(info["key"]),
        title=strip_period(" ".join(str(info.get("title", "")).split())),
        authors=tuple(strip_homonym(_name(a)) for a in authors),
        venue=venue, year=int(year) if year.isdigit() else None, type=kind, doi=doi, ee=ee,
        pages=_text(info.get("pages")), volume=_text(info.get("volume")),
        informal=kind in INFORMAL_TYPES or venue == "CoRR",
        arxiv_id=_arxiv_id(venue, info.get("volume"), doi, ee),
    )


def parse_record(text: str) -> DblpRecord:
    """A ``rec/<key>.bib`` answer: one BibTeX record, key without its ``DBLP:`` prefix."""
    try:
        records = parse_hand_records(text, Path("rec.bib"))
    except InputError as error:
        raise ValueError(error.message) from None
    if len(records) != 1:
        raise ValueError(f"{len(records)} records instead of one")
    record = next(iter(records.values()))
    key = record.key.removeprefix("DBLP:")
    return DblpRecord(key, record.type, record.fields, text)


def as_list(value: Any) -> list[Any]:
    """A JSON value that may be absent, one object or a list, as a list.

    >>> as_list(None), as_list({"text": "A"}), as_list(["x", "y"])
    ([], [{'text': 'A'}], ['x', 'y'])
    """
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def strip_homonym(name: str) -> str:
    """A DBLP name without its numeric homonym suffix.

    >>> strip_homonym("Wei Li 0001"), strip_homonym("Yossi Adi")
    ('Wei Li', 'Yossi Adi')
    """
    return _HOMONYM.sub("", name.strip())


def strip_period(title: str) -> str:
    """A DBLP title without the period DBLP ends every title with.

    >>> strip_period("Language Model Can Listen While Speaking.")
    'Language Model Can Listen While Speaking'
    >>> strip_period("What Do Self-Supervised Speech Models Know?")
    'What Do Self-Supervised Speech Models Know?'
    """
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _name(author: Any) -> str:
    return " ".join(str(author.get("text", "") if isinstance(author, dict) else author).split())


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _doi(doi: Any, ee: tuple[str, ...]) -> str | None:
    """The DOI, in the case its doi.org link keeps (DBLP's own field is upper-case)."""
    if not doi:
        return None
    for link in ee:
        match = _DOI_LINK.fullmatch(link)
        if match and match["doi"].lower() == str(doi).lower():
            return match["doi"]
    return str(doi)


def _arxiv_id(venue: str, volume: Any, doi: str | None, ee: tuple[str, ...]) -> str | None:
    """The arXiv id a record names: an arxiv.org link, an arXiv DOI or a CoRR volume."""
    for link in ee:
        found = arxiv_id_of_url(link)
        if found is not None:
            return found.id
    match = _ARXIV_DOI.fullmatch(doi or "")
    if match:
        return match["id"]
    if venue == "CoRR" and str(volume or "").startswith("abs/"):
        return str(volume)[4:]
    return None
