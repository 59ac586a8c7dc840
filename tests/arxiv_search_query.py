"""arXiv's search syntax, as the loopback search server reads it (see arxiv_search_server).

`parse_search_query` turns a ``search_query`` into a predicate on `Paper`, the searchable
fields of one replay entry: field prefixes, AND/OR/ANDNOT (AND and ANDNOT binding tighter than
OR; terms side by side joined by AND), parentheses (also after a prefix), quoted phrases,
a trailing ``*`` wildcard and ``submittedDate``/``lastUpdatedDate`` ranges. Words match in any
case, with a plural "s" folded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from arxiv_server import ARXIV_NS, ATOM_NS

TEXT_FIELDS = ("ti", "abs", "au", "co", "jr", "cat")
DATE_FIELDS = {"submittedDate": "published", "lastUpdatedDate": "updated"}
_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))'
    r'|(?:(?P<field>[A-Za-z]+):)?(?:(?P<group>\()|"(?P<phrase>[^"]*)"|\[(?P<range>[^\]]*)\]'
    r'|(?P<word>[^\s()"\[\]]+)))'
)
_WORD = re.compile(r"[0-9a-z]+\*?")
_OPERATORS = ("AND", "OR", "ANDNOT")


class QueryError(ValueError):
    """A ``search_query`` this server cannot read (answered 400)."""


# --------------------------------------------------------------------------- words


def words(text: str) -> tuple[str, ...]:
    """The words of a text as they are matched: lowercase, plural "s" folded.

    >>> words("Full-Duplex Speech Language Models, codecs & HuBERT")
    ('full', 'duplex', 'speech', 'language', 'model', 'codec', 'hubert')
    """
    return tuple(_fold(w) for w in _WORD.findall(text.lower()))


def _fold(word: str) -> str:
    """A word without a final plural "s" (kept after "ss", "us", "is" and in short words)."""
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --------------------------------------------------------------------------- papers


@dataclass(frozen=True, slots=True)
class Paper:
    """The searchable fields of one replay entry, and the entry's bytes as served."""

    id: str
    entry: bytes
    fields: Mapping[str, tuple[str, ...]]
    categories: frozenset[str]
    published: str
    updated: str

    @classmethod
    def of(cls, arxiv_id: str, entry: bytes) -> Paper:
        """Read the fields of an ``<entry>`` (already checked by `load_replay`)."""
        root = ET.fromstring(
            f'<feed xmlns="{ATOM_NS}" xmlns:arxiv="{ARXIV_NS}">'.encode() + entry + b"</feed>"
        )[0]

        def text(tag: str) -> str:
            return " ".join(e.text or "" for e in root.iter(tag))

        categories = frozenset(c.get("term", "").lower()
                               for c in root.iter(f"{{{ATOM_NS}}}category"))
        fields = {
            "ti": words(text(f"{{{ATOM_NS}}}title")),
            "abs": words(text(f"{{{ATOM_NS}}}summary")),
            "au": words(text(f"{{{ATOM_NS}}}name")),
            "co": words(text(f"{{{ARXIV_NS}}}comment")),
            "jr": words(text(f"{{{ARXIV_NS}}}journal_ref")),
            "cat": tuple(sorted(categories)),
        }
        return cls(arxiv_id, entry, fields, categories,
                   _stamp(text(f"{{{ATOM_NS}}}published")), _stamp(text(f"{{{ATOM_NS}}}updated")))


def _stamp(text: str) -> str:
    """An Atom timestamp as ``YYYYMMDDTTTT`` in GMT, the form date ranges compare with."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M")


# --------------------------------------------------------------------------- queries


Matcher = Callable[[Paper], bool]


@dataclass
class _Parser:
    """A recursive-descent reader of ``search_query`` into a predicate on papers."""

    tokens: list[re.Match[str]]
    at: int = 0

    @classmethod
    def parse(cls, query: str) -> Matcher:
        """The predicate a whole query stands for."""
        parser = cls(_tokens(query))
        matcher = parser.either(None)
        if parser.at != len(parser.tokens):
            raise QueryError(f"unexpected {parser.tokens[parser.at].group().strip()!r}")
        return matcher

    def peek(self) -> re.Match[str] | None:
        """The next token, if any."""
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def operator(self) -> str | None:
        """The next token when it is a Boolean operator."""
        token = self.peek()
        word = token["word"] if token is not None and not token["field"] else None
        return word if word in _OPERATORS else None

    def either(self, field: str | None) -> Matcher:
        """Terms joined by OR (the loosest operator)."""
        left = self.both(field)
        while self.operator() == "OR":
            self.at += 1
            left = _or(left, self.both(field))
        return left

    def both(self, field: str | None) -> Matcher:
        """Terms joined by AND, ANDNOT or nothing."""
        left = self.unit(field)
        while (token := self.peek()) is not None and not token["close"]:
            operator = self.operator()
            if operator == "OR":
                break
            if operator is not None:
                self.at += 1
            right = self.unit(field)
            left = _and_not(left, right) if operator == "ANDNOT" else _and(left, right)
        return left

    def unit(self, field: str | None) -> Matcher:
        """One term, or a parenthesised group."""
        token = self.peek()
        if token is None or token["close"] or self.operator():
            raise QueryError("a term is missing")
        self.at += 1
        if token["open"] or token["group"]:
            inner = self.either(token["field"] or field)
            closing = self.peek()
            if closing is None or not closing["close"]:
                raise QueryError("a parenthesis is not closed")
            self.at += 1
            return inner
        return _term(token, token["field"] or field)


def _tokens(query: str) -> list[re.Match[str]]:
    """The tokens of a query; QueryError on anything else (an unmatched quote, say)."""
    tokens, at, rest = [], 0, query.rstrip()
    while at < len(rest):
        match = _TOKEN.match(rest, at)
        if match is None or match.end() == at:
            raise QueryError(f"cannot read {rest[at:].strip()[:20]!r}")
        tokens.append(match)
        at = match.end()
    if not tokens:
        raise QueryError("the query is empty")
    return tokens


def _term(token: re.Match[str], field: str | None) -> Matcher:
    """The predicate of one field term: a word, a phrase or a date range."""
    name = field or "all"
    if token["range"] is not None:
        return _date_range(name, token["range"])
    if name not in (*TEXT_FIELDS, "all"):
        raise QueryError(f"unknown field prefix {name!r}")
    if name == "cat":
        category = (token["word"] or token["phrase"] or "").lower()
        return lambda paper: _category(paper, category)
    wanted = words(token["phrase"] if token["phrase"] is not None else token["word"])
    if not wanted:
        raise QueryError("an empty term")
    names = TEXT_FIELDS if name == "all" else (name,)
    return lambda paper: any(_has_phrase(paper.fields[n], wanted) for n in names)


def _category(paper: Paper, category: str) -> bool:
    """Whether a paper is in a category (``cs.*`` matching any of cs)."""
    if category.endswith("*"):
        return any(c.startswith(category[:-1]) for c in paper.categories)
    return category in paper.categories


def _has_phrase(text: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """Whether the words occur consecutively in text (a final * matches any ending)."""
    size = len(wanted)
    return any(all(_same(text[i + k], wanted[k]) for k in range(size))
               for i in range(len(text) - size + 1))


def _same(word: str, wanted: str) -> bool:
    return word.startswith(wanted[:-1]) if wanted.endswith("*") else word == wanted


def _date_range(name: str, text: str) -> Matcher:
    """``[YYYYMMDDTTTT TO YYYYMMDDTTTT]`` on the submission or last-update time."""
    if name not in DATE_FIELDS:
        raise QueryError(f"{name!r} takes no date range")
    match = re.fullmatch(r"\s*(\d{12})\s+TO\s+(\d{12})\s*", text)
    if match is None:
        raise QueryError(f"a date range is [YYYYMMDDTTTT TO YYYYMMDDTTTT], not [{text}]")
    low, high, attribute = match[1], match[2], DATE_FIELDS[name]
    return lambda paper: low <= getattr(paper, attribute) <= high


def _and(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) and right(paper)


def _and_not(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) and not right(paper)


def _or(left: Matcher, right: Matcher) -> Matcher:
    return lambda paper: left(paper) or right(paper)


def parse_search_query(query: str) -> Matcher:
    """The predicate on papers that a ``search_query`` stands for; QueryError if unreadable.

    >>> paper = Paper.of("2506.00001", b'<entry><id>http://arxiv.org/abs/2506.00001v1</id>'
    ...     b'<title>Speech Codecs</title><published>2025-06-02T10:00:00Z</published>'
    ...     b'<updated>2025-06-02T10:00:00Z</updated><category term="eess.AS"/></entry>')
    >>> parse_search_query('ti:(codec OR tokenizer) AND cat:eess.AS')(paper)
    True
    >>> june = "submittedDate:[202506010000 TO 202506302359]"
    >>> parse_search_query(f'ti:"speech codec" ANDNOT {june}')(paper)
    False
    """
    return _Parser.parse(query)
