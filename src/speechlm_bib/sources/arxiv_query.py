"""arXiv's search syntax, as the arXiv API User's Manual writes it: read, checked, built.

Field prefixes, AND/OR/ANDNOT, parentheses, quoted phrases and date ranges. Pure functions,
loaded without the ``arxiv`` client: list.yaml's discovery queries are checked by every
command that reads the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all", "submittedDate",
          "lastUpdatedDate")
"""The field prefixes of arXiv's search syntax."""
OPERATORS = ("AND", "OR", "ANDNOT")
_TEXT_FIELDS = frozenset({"ti", "abs", "all", "co"})
_TOKEN = re.compile(r'"[^"]*"?|\[[^\]]*\]?|[()]|[^\s()"\[\]]+')
_PREFIX = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)


def _tokens(query: str) -> list[str]:
    """The tokens of a query: phrases, ranges, parentheses, words and ``prefix:``.

    >>> _tokens('ti:"speech codec" AND (cat:cs.CL OR x)')
    ['ti:', '"speech codec"', 'AND', '(', 'cat:cs.CL', 'OR', 'x', ')']
    """
    return _TOKEN.findall(query)


def check_query(query: str) -> str | None:
    """What is wrong with a query in arXiv's search syntax, or None when it reads well.

    >>> check_query('abs:"speech language model" OR ti:(codec OR tokenizer)') is None
    True
    >>> check_query('ti:(codec OR tokenizer')
    'a parenthesis is not closed'
    >>> check_query('speech AND')
    "'AND' needs a term on each side"
    >>> check_query('title:speech')
    "unknown field prefix 'title:' (arXiv's are ti, au, abs, co, jr, cat, rn, id, all, ...)"
    """
    tokens = _tokens(query)
    if not tokens:
        return "is empty"
    return _check_quotes(tokens) or _check_nesting(tokens) or _check_operators(tokens) \
        or _check_prefixes(tokens)


def _check_quotes(tokens: list[str]) -> str | None:
    for token in tokens:
        if token.startswith('"') and (len(token) == 1 or not token.endswith('"')):
            return "a quote is not closed"
        if token.startswith("[") and not token.endswith("]"):
            return "a date range is not closed with ]"
    return None


def _check_nesting(tokens: list[str]) -> str | None:
    depth = 0
    for token in tokens:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            return "a parenthesis closes what was not opened"
    return "a parenthesis is not closed" if depth else None


def _check_operators(tokens: list[str]) -> str | None:
    for at, token in enumerate(tokens):
        if token not in OPERATORS:
            continue
        before = tokens[at - 1] if at else "("
        after = tokens[at + 1] if at + 1 < len(tokens) else ")"
        if before in (*OPERATORS, "(") or before.endswith(":") or after in (*OPERATORS, ")"):
            return f"'{token}' needs a term on each side"
    return None


def _check_prefixes(tokens: list[str]) -> str | None:
    for token in tokens:
        match = _PREFIX.match(token)
        if match and match[1] not in FIELDS:
            known = ", ".join(FIELDS[:9])
            return f"unknown field prefix '{match[1]}:' (arXiv's are {known}, ...)"
    return None


def build_query(query: str, categories: Sequence[str], since: datetime,
                until: datetime) -> str:
    """The search_query sent for one discovery query: it, the categories, the date range.

    >>> build_query("ti:codec", ["cs.SD", "eess.AS"], datetime(2025, 6, 1, tzinfo=UTC),
    ...             datetime(2025, 6, 30, 12, 5, tzinfo=UTC)).split(" AND ")
    ['(ti:codec)', '(cat:cs.SD OR cat:eess.AS)', 'submittedDate:[202506010000 TO 202506301205]']
    """
    parts = [f"({query})"]
    if categories:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in categories) + ")")
    parts.append(f"submittedDate:[{_minute(since)} TO {_minute(until)}]")
    return " AND ".join(parts)


def _minute(moment: datetime) -> str:
    """A time as arXiv's date ranges write it: YYYYMMDDTTTT in GMT."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def query_terms(queries: Iterable[str]) -> tuple[str, ...]:
    """The words and phrases the queries look for in titles, abstracts and comments.

    Operators, categories, authors and dates are left out; a trailing ``*`` is dropped.

    >>> query_terms(['abs:"speech language model" OR ti:(codec OR token*) ANDNOT au:smith'])
    ('speech language model', 'codec', 'token')
    """
    terms: dict[str, None] = {}
    for query in queries:
        for term in _terms(_tokens(query)):
            terms.setdefault(term.lower(), None)
    return tuple(terms)


def _terms(tokens: list[str]) -> Iterable[str]:
    """The text terms of a token list, tracking the prefix a parenthesised group applies."""
    groups: list[str] = []
    prefix = None
    for part in tokens:
        if part == "(":
            groups.append(prefix or (groups[-1] if groups else "all"))
            prefix = None
        elif part == ")":
            groups = groups[:-1]
        elif part.endswith(":") and _PREFIX.match(part):
            prefix = part[:-1]
        else:
            field, value = _field_value(part, prefix or (groups[-1] if groups else "all"))
            prefix = None
            if field in _TEXT_FIELDS and value not in OPERATORS and not value.startswith("["):
                yield value.strip('"').rstrip("*")


def _field_value(token: str, default: str) -> tuple[str, str]:
    match = _PREFIX.match(token)
    return (match[1], match[2]) if match else (default, token)
