"""DBLP's and Crossref's answers, computed from replay data as the services compute them.

`scholarly_server.ReplayServer` serves these over HTTP. The replay layout
(tests/data/scholarly-replay/README.md): ``dblp/hits.jsonl`` (one search hit a line),
``dblp/rec/<key>.bib`` (``/`` in the key written ``__``), ``crossref/works/<doi>.json`` (the
whole answer for a DOI, lower-case, ``/`` written ``__``). Several directories can be served
together (the replay and the tests' decoys).

What is modelled of DBLP (its FAQ "How to use the dblp search API" and search help):
``GET /search/publ/api?q=...&format=json&h=N&f=F``: every query word must match a word of the
record's title, authors, venue or year as a case-insensitive, accent-insensitive prefix (``$``
after a word asks for the exact word, ``a|b`` for either); punctuation separates words. Hits
keep the replay's order; ``h`` defaults to 30 and is capped at 1000, ``f`` is the first hit.
The answer is ``{"result": {"query", "status", "time", "hits": {"@total", "@computed", "@sent",
"@first", "hit": [...]}}}`` with ``hit`` absent when nothing matched; a format other than json
is a 400 (only JSON is served). ``GET /rec/<key>.bib`` is the record's BibTeX
(``text/x-bibtex``), an unknown key a 404 HTML page.

What is modelled of Crossref (its REST API documentation): ``GET /works/<doi>`` with the DOI
matched case-insensitively, percent-escapes decoded; an unknown DOI is a 404 with the text
body ``Resource not found.``. ``GET /works?query.bibliographic=...&rows=N`` ranks works by
how many distinct query words (folded) occur in their title, container title, author names
and year, best first (ties by DOI), leaving out works sharing no word; ``rows`` defaults to
20, at most 1000; each item carries a ``score``. Answers carry ``X-Rate-Limit-Limit`` and
``X-Rate-Limit-Interval`` as Crossref's do.

Not modelled: XML formats, DBLP's completions and venue/author searches, Crossref filters,
facets, cursors and field queries other than ``query.bibliographic``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from speechlm_bib.keys import fold

DEFAULT_DIRS = (Path(__file__).resolve().parent / "data" / "scholarly-replay",)
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
             b"<body><h1>We'll be back soon</h1></body></html>\n")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, as the servers match them.

    >>> words("SALMon: A Suite for Acoustic-Language Défossez 2.0")
    ['salmon', 'a', 'suite', 'for', 'acoustic', 'language', 'defossez', '2', '0']
    """
    return [w for w in (fold(m) for m in _WORD.findall(text)) if w]


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send back: status, headers and body, or (status None) a connection reset."""

    status: int | None
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"

    @classmethod
    def json(cls, data: Any) -> Answer:
        """A 200 answer with a JSON document."""
        return cls(200, json.dumps(data, ensure_ascii=False).encode(), "application/json")


# --------------------------------------------------------------------------- DBLP


@dataclass
class DblpReplay:
    """DBLP's search hits and record BibTeX."""

    hits: list[dict[str, Any]]
    records: dict[str, str]

    @classmethod
    def load(cls, *directories: Path) -> DblpReplay:
        """Hits and records of replay directories, in order."""
        hits: list[dict[str, Any]] = []
        records: dict[str, str] = {}
        for directory in directories or DEFAULT_DIRS:
            lines = (directory / "dblp" / "hits.jsonl").read_text(encoding="utf-8").splitlines()
            hits += [json.loads(line) for line in lines if line.strip()]
            for path in sorted((directory / "dblp" / "rec").glob("*.bib")):
                records[path.stem.replace("__", "/")] = path.read_text(encoding="utf-8")
        return cls(hits, records)

    def answer(self, path: str, query: Mapping[str, str]) -> Answer:
        """The answer to one request."""
        if path == "/search/publ/api":
            return self._search(query)
        if path.startswith("/rec/") and path.endswith(".bib"):
            record = self.records.get(path[len("/rec/"):-len(".bib")])
            if record is None:
                return Answer(404, b"<html><body><h1>Error 404: Not Found</h1></body></html>",
                              "text/html; charset=utf-8")
            return Answer(200, record.encode(), "text/x-bibtex; charset=utf-8")
        return Answer(404, b"Not Found\n")

    def _search(self, query: Mapping[str, str]) -> Answer:
        if query.get("format", "xml") != "json" or not _digits(query, "h", "f"):
            return Answer(400, b"Bad Request\n")
        terms = [_term(t) for t in query.get("q", "").split()]
        matched = [h for h in self.hits if terms and all(t(_hit_words(h)) for t in terms)]
        first, size = int(query.get("f", "0")), min(int(query.get("h", "30")), 1000)
        page = matched[first:first + size]
        hits: dict[str, Any] = {"@total": str(len(matched)), "@computed": str(len(matched)),
                                "@sent": str(len(page)), "@first": str(first)}
        if page:
            hits["hit"] = page
        return Answer.json({"result": {
            "query": query.get("q", ""), "status": {"@code": "200", "text": "OK"},
            "time": {"@unit": "msecs", "text": "0.42"}, "hits": hits}})


def _digits(query: Mapping[str, str], *names: str) -> bool:
    return all(query.get(name, "0").isdigit() for name in names)


def _term(text: str) -> Callable[[Sequence[str]], bool]:
    """A query word as a test on a record's words: prefix, ``$`` exact, ``|`` alternatives."""
    options = [(fold(option.rstrip("$")), option.endswith("$")) for option in text.split("|")]

    def test(record_words: Sequence[str]) -> bool:
        return any(w == word or (not exact and w.startswith(word))
                   for word, exact in options if word for w in record_words)

    return test


def _hit_words(hit: Mapping[str, Any]) -> list[str]:
    info = hit["info"]
    people = info.get("authors", {}).get("author", [])
    people = people if isinstance(people, list) else [people]
    names = " ".join(p["text"] if isinstance(p, dict) else str(p) for p in people)
    venue = info.get("venue", "")
    venue = " ".join(venue) if isinstance(venue, list) else venue
    return words(f"{info.get('title', '')} {names} {venue} {info.get('year', '')}")


# --------------------------------------------------------------------------- Crossref


@dataclass
class CrossrefReplay:
    """Crossref's works, by lower-case DOI."""

    works: dict[str, dict[str, Any]]
    rate_limit: tuple[str, str] = ("50", "1s")

    @classmethod
    def load(cls, *directories: Path) -> CrossrefReplay:
        """The works of replay directories."""
        works = {}
        for directory in directories or DEFAULT_DIRS:
            for path in sorted((directory / "crossref" / "works").glob("*.json")):
                answer = json.loads(path.read_text(encoding="utf-8"))
                works[answer["message"]["DOI"].lower()] = answer
        return cls(works)

    def answer(self, path: str, query: Mapping[str, str]) -> Answer:
        """The answer to one request."""
        if path.startswith("/works/"):
            work = self.works.get(unquote(path[len("/works/"):]).lower())
            return Answer.json(work) if work is not None else Answer(404, b"Resource not found.")
        if path in {"/works", "/works/"}:
            return self._search(query)
        return Answer(404, b"Resource not found.")

    def _search(self, query: Mapping[str, str]) -> Answer:
        rows = query.get("rows", "20")
        if not rows.isdigit() or int(rows) > 1000:
            return Answer(400, b'{"status":"failed","message-type":"validation-failure"}',
                          "application/json")
        wanted = set(words(query.get("query.bibliographic", "")))
        scored = sorted(((len(wanted & set(_work_words(w))), doi) for doi, w in
                         self.works.items()), key=lambda s: (-s[0], s[1]))
        items = [dict(self.works[doi]["message"], score=float(score))
                 for score, doi in scored if score > 0]
        return Answer.json({"status": "ok", "message-type": "work-list", "message-version":
                            "1.0.0", "message": {"total-results": len(items),
                                                 "items": items[:int(rows)],
                                                 "items-per-page": int(rows)}})


def _work_words(answer: Mapping[str, Any]) -> list[str]:
    work = answer["message"]
    names = " ".join(f"{a.get('given', '')} {a.get('family', a.get('name', ''))}"
                     for a in work.get("author", []))
    year = str(work.get("issued", {}).get("date-parts", [[""]])[0][0])
    parts = [*work.get("title", []), *work.get("container-title", []), names, year]
    return words(" ".join(parts))


def load_both(directories: Iterable[Path] = DEFAULT_DIRS) -> tuple[DblpReplay, CrossrefReplay]:
    """The DBLP and Crossref replays of the same directories."""
    dirs = tuple(directories)
    return DblpReplay.load(*dirs), CrossrefReplay.load(*dirs)
