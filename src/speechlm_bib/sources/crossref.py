"""Crossref: the publisher's metadata of a DOI, and bibliographic search.

``GET {api}/works/{doi}`` answers ``{"status": "ok", "message-type": "work", "message":
{...}}``; an unknown DOI is a 404 whose text body is ``Resource not found.`` (DOIs are
case-insensitive). ``GET {api}/works?query.bibliographic=...&rows=N`` answers a
``work-list`` whose ``message.items`` are works ranked by relevance. A work carries its
``type``, ``title`` and ``container-title`` (lists), ``author`` (``given``/``family``, or
``name`` for an organisation), ``issued.date-parts``, ``volume``, ``issue``, ``page``,
``publisher`` and ``DOI``; titles may carry JATS/HTML tags and entities.

Crossref's etiquette: say who you are in the User-Agent with a ``mailto:`` contact (the
"polite pool", set SPEECHLM_BIB_MAILTO), and stay under the rate it advertises in
``X-Rate-Limit-Limit``/``X-Rate-Limit-Interval`` (the client slows down to it) or receive
429. Requests go through the shared HTTP layer (``sources/http.py``); the default delay of 1
second keeps even list queries of the public pool within bounds.

Why not habanero: it does let one set the base URL, a timeout and a mailto, but it sends each
request with a bare module-level ``httpx2.get``: no delay between requests, no retries, no
Retry-After, no way to count requests or slow down to the advertised rate, a DOI put into the
path without escaping, and it would add httpx2, tqdm and a urllib3 pin beside the ``requests``
the arXiv client already brings. Two GET requests and a JSON walk do not need it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from ..ids import parse_arxiv_id
from ..model import CrossrefWork as CrossrefWork
from . import Progress, Result
from .http import Client, HttpSettings, Reply, ServiceFault, fetch_each

DEFAULT_API = "https://api.crossref.org"
DEFAULT_DELAY = 1.0
ROWS = 5
NOT_FOUND = "Resource not found."
_TAG = re.compile(r"<[^>]+>")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)
T = TypeVar("T")


def settings_from_environment(env: Mapping[str, str]) -> HttpSettings:
    """Crossref's settings: SPEECHLM_BIB_CROSSREF_API, _DELAY, _TIMEOUT, _RETRIES, _MAILTO."""
    return HttpSettings.from_environment(env, "CROSSREF", DEFAULT_API, DEFAULT_DELAY)


class Crossref:
    """Crossref's works by DOI and its bibliographic search, sharing one client."""

    def __init__(self, settings: HttpSettings, rows: int = ROWS) -> None:
        self.client = Client(settings)
        self.rows = rows

    def works(self, keys: Sequence[str], progress: Progress | None = None) -> Result[CrossrefWork]:
        """Fetch each DOI's work; a DOI Crossref does not know is unknown."""
        return fetch_each(self.client, keys, self._work, progress)

    def search(self, keys: Sequence[str],
               progress: Progress | None = None) -> Result[tuple[CrossrefWork, ...]]:
        """Search each bibliographic query once; a query nothing matched is unknown."""
        return fetch_each(self.client, keys, self._search_one, progress)

    def _work(self, doi: str) -> CrossrefWork | None:
        return self.client.get(f"/works/{quote(doi, safe='/')}", None, _read_work)

    def _search_one(self, query: str) -> tuple[CrossrefWork, ...] | None:
        params = {"query.bibliographic": query, "rows": str(self.rows)}
        return self.client.get("/works", params, _read_list) or None

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def _read_work(reply: Reply) -> CrossrefWork | None:
    if reply.status == 404 and reply.body.strip() == NOT_FOUND.encode():
        return None
    return _parsed(reply, "work", parse_work)


def _read_list(reply: Reply) -> tuple[CrossrefWork, ...]:
    return _parsed(reply, "work-list", parse_list)


def _parsed(reply: Reply, kind: str, parse: Callable[[Mapping[str, Any]], T]) -> T:
    if reply.status != 200:
        raise reply.fault()
    data = reply.json()
    try:
        if data["status"] != "ok" or data["message-type"] != kind:
            raise ValueError(f"status {data['status']!r}, type {data['message-type']!r}")
        return parse(data["message"])
    except (KeyError, TypeError, ValueError) as error:
        raise ServiceFault(f"an answer Crossref does not give ({error})", retry=False) from None


def parse_list(message: Mapping[str, Any]) -> tuple[CrossrefWork, ...]:
    """The works of a ``work-list`` message."""
    return tuple(parse_work(item) for item in message["items"])


def parse_work(message: Mapping[str, Any]) -> CrossrefWork:
    """A ``work`` message as a `CrossrefWork`."""
    people = [_person(a) for a in message.get("author", [])]
    return CrossrefWork(
        doi=str(message["DOI"]),
        type=str(message.get("type", "")),
        title=_first(message.get("title")) or "",
        container_title=_first(message.get("container-title")),
        authors=tuple(name for name, _ in people),
        families=tuple(family for _, family in people),
        year=issued_year(message.get("issued")),
        volume=_text(message.get("volume")),
        issue=_text(message.get("issue")),
        page=_text(message.get("page")),
        publisher=_text(message.get("publisher")),
        arxiv_id=preprint_arxiv_id(message.get("relation")),
    )


def preprint_arxiv_id(relation: Any) -> str | None:
    """The arXiv id of the preprint a ``relation`` names (``has-preprint``, an arXiv DOI).

    >>> preprint_arxiv_id({"has-preprint": [{"id-type": "doi", "id": "10.48550/arXiv.2410.03751"}]})
    '2410.03751'
    >>> preprint_arxiv_id({"is-preprint-of": [{"id-type": "doi", "id": "10.1/x"}]}) is None
    True
    """
    links = relation.get("has-preprint", []) if isinstance(relation, dict) else []
    for link in links if isinstance(links, list) else []:
        text = str(link.get("id", "")) if isinstance(link, dict) else ""
        match = _ARXIV_DOI.fullmatch(text.removeprefix("https://doi.org/"))
        if match:
            try:
                return parse_arxiv_id(match["id"]).id
            except ValueError:
                continue
    return None


def issued_year(issued: Any) -> int | None:
    """The year of an ``issued`` date (``{"date-parts": [[2025, 3]]}``), if it has one.

    >>> issued_year({"date-parts": [[2025, 3, 1]]}), issued_year({"date-parts": [[None]]})
    (2025, None)
    """
    try:
        year = issued["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return int(year) if isinstance(year, int | str) and str(year).isdigit() else None


def plain(text: str) -> str:
    r"""Crossref text without JATS/HTML tags and entities, spaces collapsed.

    >>> plain("Speech in <i>the</i> Wild &amp; Elsewhere\n")
    'Speech in the Wild & Elsewhere'
    """
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _person(author: Mapping[str, Any]) -> tuple[str, str]:
    """An author's display name and family name."""
    family = plain(str(author.get("family", "")))
    if not family:
        name = plain(str(author.get("name", "")))
        return name, name
    given = plain(str(author.get("given", "")))
    return (f"{given} {family}" if given else family), family


def _first(values: Any) -> str | None:
    if isinstance(values, list) and values:
        return plain(str(values[0])) or None
    return None


def _text(value: Any) -> str | None:
    text = "" if value is None else plain(str(value))
    return text or None
