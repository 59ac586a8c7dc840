"""The reader's site: one page of the list's works, its data, its script, its feed.

``render_site`` is pure: it takes the site's values and returns every file by its path
relative to the output folder. Searching, filtering, sorting and copying run in the page's
own script over data the page carries; nothing is fetched from anywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .jinja import environment
from .sitedata import BIB_FILE, FEED_FILE, KINDS, PUBLISHED, Site, SiteSection, SiteWork

PAGE_FILE = "index.html"
ASSETS = ("site.css", "site.js")
SHOWN_AUTHORS = 3
KIND_LABELS = {"published": "Published", "preprint": "arXiv preprint",
               "other": "Web page or other"}
_ACRONYM_YEAR = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:\s|-|')\d{2,4}\b")
_ACRONYM_PAREN = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\b")
_TRAILING_YEAR = re.compile(r"\s*,?\s*\d{4}$")


@dataclass(frozen=True, slots=True)
class Card:
    """A work as its card shows it: the work, its shortened authors, its venue's short name."""

    work: SiteWork
    authors: str
    series: str
    heading: str


@dataclass(frozen=True, slots=True)
class Part:
    """A section of the page with its cards."""

    section: SiteSection
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """Sections under one group heading (None for a section that stands alone)."""

    heading: str | None
    parts: tuple[Part, ...]


def render_page(site: Site) -> str:
    """The HTML of the page."""
    cards = to_cards(site)
    template = environment().get_template("index.html.j2")
    return template.render(
        site=site, groups=to_groups(site, cards), data=page_data(cards),
        venues=_venue_options(cards), kinds=[(k, KIND_LABELS[k]) for k in KINDS],
        years=_year_range(site.works), feed=FEED_FILE, bib=BIB_FILE,
    )


def to_cards(site: Site) -> tuple[Card, ...]:
    """The cards of every work, in list order."""
    headings = {section.id: section.heading for section in site.sections}
    return tuple(Card(work, short_authors(work.authors),
                      venue_series(work.venue) if work.kind == PUBLISHED else "",
                      headings[work.section]) for work in site.works)


def to_groups(site: Site, cards: Sequence[Card]) -> tuple[Group, ...]:
    """The sections in list order, consecutive sections of one group together."""
    groups: list[Group] = []
    for section in site.sections:
        part = Part(section, tuple(c for c in cards if c.work.section == section.id))
        if section.group and groups and groups[-1].heading == section.group:
            groups[-1] = Group(section.group, (*groups[-1].parts, part))
        else:
            groups.append(Group(section.group, (part,)))
    return tuple(groups)


def page_data(cards: Sequence[Card]) -> list[dict[str, Any]]:
    """What the page's script filters and sorts on, one item per card in list order."""
    return [{"id": c.work.id, "text": search_text(c.work), "section": c.work.section,
             "kind": c.work.kind, "venue": c.series, "year": c.work.year,
             "added": c.work.added} for c in cards]


def search_text(work: SiteWork) -> str:
    r"""What the search box looks through: name, title, authors, venue and key, folded.

    >>> search_text(SiteWork("x", "s", "Moshi", "A Model", None, None, ("Alexandre Défossez",),
    ...                      "arXiv preprint", "preprint", 2024, "defossez2024moshi", None,
    ...                      (), None)).split("\n")
    ['moshi', 'a model', 'alexandre defossez', 'arxiv preprint', 'defossez2024moshi']
    """
    fields = [work.name or "", work.title, *work.authors, work.venue, work.key or ""]
    return "\n".join(fold(field) for field in fields if field)


def fold(text: str) -> str:
    """Lowercase without accents, as the page folds what is typed.

    >>> fold("Łukasz Défossez")
    'łukasz defossez'
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return kept.lower()


def short_authors(authors: Sequence[str]) -> str:
    """Up to three authors, then "et al.".

    >>> short_authors(["A B", "C D"])
    'A B and C D'
    >>> short_authors(["A", "B", "C", "D"])
    'A, B, C et al.'
    """
    if len(authors) > SHOWN_AUTHORS:
        return ", ".join(authors[:SHOWN_AUTHORS]) + " et al."
    if len(authors) > 1:
        return ", ".join(authors[:-1]) + " and " + authors[-1]
    return "".join(authors)


def venue_series(venue: str) -> str:
    """A published venue's short name, to filter by: its acronym, else its name.

    >>> venue_series("International Conference on Learning Representations (ICLR 2025)")
    'ICLR'
    >>> venue_series("2015 IEEE International Conference on Acoustics, Speech and "
    ...              "Signal Processing (ICASSP)")
    'ICASSP'
    >>> venue_series("Findings of the Association for Computational Linguistics: EMNLP 2023")
    'Findings of EMNLP'
    >>> venue_series("NeurIPS 2020 Workshop on Self-Supervised Learning for Speech")
    'NeurIPS workshops'
    >>> venue_series("Interspeech 2021"), venue_series("Transactions on Machine Learning")
    ('Interspeech', 'Transactions on Machine Learning')
    """
    match = _ACRONYM_YEAR.search(venue) or _ACRONYM_PAREN.search(venue)
    if match is None:
        return _TRAILING_YEAR.sub("", venue)
    series = match.group(1)
    if venue.startswith("Findings of"):
        return f"Findings of {series}"
    if "Workshop" in venue[match.end():]:
        return f"{series} workshops"
    return series


def _venue_options(cards: Sequence[Card]) -> list[tuple[str, int]]:
    counts = Counter(card.series for card in cards if card.series)
    return sorted(counts.items(), key=lambda item: (item[0].lower(), item[0]))


def _year_range(works: Sequence[SiteWork]) -> tuple[int, int] | None:
    years = [work.year for work in works if work.year is not None]
    return (min(years), max(years)) if years else None
