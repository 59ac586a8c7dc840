"""Column roles: which column of an imported table is the name, the title, the paper link.

The header decides first, over the words real lists use; the cells decide where the header
says nothing or could mean two things ("Paper" is a title when its cells are titles, a link
when they are links). A date column is never the name. The paper link lives in one column:
a link column, else a title or name column whose cells are links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..ids import arxiv_id_of_url
from ..mdinline import InlineLink, checked_links, plain_text, single_link

NAME, TITLE, LINK, LINKS, DATE, VENUE, COLUMN = (
    "name", "title", "link", "links", "date", "venue", "column")
VOCABULARY = {
    NAME: {"model", "model name", "name", "method", "system", "dataset", "benchmark",
           "models", "methods", "systems", "datasets", "benchmarks", "dataset name",
           "benchmark name", "method name", "short name", "abbreviation", "toolkit"},
    TITLE: {"title", "paper", "paper title", "paper name", "titles", "papers"},
    LINK: {"link", "links", "url", "paper", "code", "github", "project", "demo", "pdf",
           "arxiv", "paper link", "code link", "project page", "homepage", "repo",
           "repository", "resources", "papers", "demo page", "website"},
    DATE: {"date", "year", "month", "time", "release date", "published", "release"},
    VENUE: {"venue", "conference", "publication", "journal", "conf", "published in"},
}
"""Header words (lowercase, punctuation dropped) of each role; "paper" is title or link."""
PAPER_HEADINGS = {"paper", "link", "links", "url", "pdf", "arxiv", "paper link", "papers"}
EMPTY = frozenset({"", "-", "--", "\u2013", "\u2014", "N/A", "n/a"})
"""What an empty cell shows."""
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"\d{{4}}(?:[./-]\d{{1,2}}){{0,2}}|\d{{1,2}}[./-]\d{{4}}|{_MONTH},? \d{{4}}"
                   rf"|\d{{4}},? {_MONTH}", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;|/\u00b7\u2022&+]*(?:and)?[\s,;|/\u00b7\u2022&+]*")
_CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "github.io")
_CODE_LABELS = {"code", "github", "demo", "model", "models", "dataset", "data", "weights",
                "checkpoint", "checkpoints", "huggingface", "hf", "repo", "colab", "star",
                "stars"}


@dataclass(frozen=True, slots=True)
class Layout:
    """The role of each column, and the column whose links hold each row's paper link.

    ``paper`` is a ``link`` column or a name/title column ``linked`` to the paper link
    (None: the table shows no paper link of its own).
    """

    roles: tuple[str, ...]
    paper: int | None
    linked: bool = False


def heading_words(heading: str) -> str:
    r"""A header cell as the vocabulary spells it.

    >>> heading_words("**Paper Title** :fire:"), heading_words(r"\# Tasks")
    ('paper title', 'tasks')
    """
    words = re.sub(r"[^\w\s]", " ", plain_text(heading).lower()).replace("_", " ")
    return " ".join(words.split())


def cell_links(cell: str) -> tuple[InlineLink, ...]:
    """The links of a cell (none when markdown-it would read them otherwise)."""
    return checked_links(cell) or ()


def links_only(cell: str) -> bool:
    """Whether a cell holds links and nothing else but separators.

    >>> links_only("[paper](https://a.org), [code](https://b.org)"), links_only("See [a](b)")
    (True, False)
    """
    links = cell_links(cell)
    if not links:
        return False
    rest, at = [], 0
    for link in links:
        rest.append(cell[at:link.start])
        at = link.end
    rest.append(cell[at:])
    return all(_SEPARATORS.fullmatch(part) for part in rest)


def is_date(cell: str) -> bool:
    """Whether a cell shows a date, a month or a year.

    >>> is_date("2024-10"), is_date("Oct 2024"), is_date("2024"), is_date("ICML 2023")
    (True, True, True, False)
    """
    return _DATE.fullmatch(plain_text(cell)) is not None


def assign_roles(header: Sequence[str], columns: Sequence[Sequence[str]]) -> Layout:
    """The layout of a table from its header cells and each column's cells."""
    roles = [_role(heading_words(head), cells) for head, cells in zip(header, columns,
                                                                       strict=True)]
    _keep_first(roles, NAME)
    _keep_first(roles, TITLE)
    _name_by_position(roles, columns)
    link = _link_column(roles, header, columns)
    linked = _linked_column(roles, columns)
    if linked is not None and (link is None or _arxiv_count(columns[linked]) > _arxiv_count(
            columns[link]) or not _paper_like(header[link], columns[link])):
        link = None
    roles = [LINKS if role == LINK and index != link else role
             for index, role in enumerate(roles)]
    if link is not None:
        return Layout(tuple(roles), link)
    return Layout(tuple(roles), linked, linked is not None)


def _role(words: str, cells: Sequence[str]) -> str:
    filled = [cell for cell in cells if cell not in EMPTY]
    if words in VOCABULARY[DATE]:
        return DATE
    if words not in VOCABULARY[NAME] and filled and _mostly(filled, _titled_link):
        return TITLE
    if words in VOCABULARY[VENUE]:
        return VENUE
    if filled and _mostly(filled, is_date):
        return DATE
    if words in VOCABULARY[TITLE] and words in VOCABULARY[LINK]:
        return LINK if _mostly(filled, links_only) else TITLE
    for role in (TITLE, NAME, LINK):
        if words in VOCABULARY[role]:
            return role
    return LINK if filled and _mostly(filled, links_only) else COLUMN


def _titled_link(cell: str) -> bool:
    """A cell that is one link whose label reads as a title (four words or more)."""
    link = single_link(cell)
    return link is not None and len(plain_text(link.label).split()) >= 4


def _mostly(cells: Sequence[str], test: Callable[[str], object]) -> bool:
    return sum(1 for cell in cells if test(cell)) * 2 > len(cells)


def _keep_first(roles: list[str], role: str) -> None:
    for index in [i for i, r in enumerate(roles) if r == role][1:]:
        roles[index] = COLUMN


def _name_by_position(roles: list[str], columns: Sequence[Sequence[str]]) -> None:
    """Without a name column, the first column (after a date) names the rows."""
    if NAME in roles:
        return
    first = 1 if roles[:1] == [DATE] else 0
    if first < len(roles) and roles[first] in {COLUMN, LINK} and not _is_paper_links(
            columns[first]):
        roles[first] = NAME


def _is_paper_links(cells: Sequence[str]) -> bool:
    return any(arxiv_id_of_url(link.url) for cell in cells for link in cell_links(cell))


def _link_column(roles: Sequence[str], header: Sequence[str],
                 columns: Sequence[Sequence[str]]) -> int | None:
    """The link column most likely to hold the paper links: arXiv links, then its header."""
    candidates = [i for i, role in enumerate(roles) if role == LINK]
    if not candidates:
        return None
    return max(candidates, key=lambda i: (_arxiv_count(columns[i]),
                                          heading_words(header[i]) in PAPER_HEADINGS, -i))


def _paper_like(heading: str, cells: Sequence[str]) -> bool:
    """A link column that names papers: arXiv links or a heading such as Paper or Link."""
    return _arxiv_count(cells) > 0 or heading_words(heading) in PAPER_HEADINGS


def _arxiv_count(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells for link in cell_links(cell) if arxiv_id_of_url(link.url))


def _linked_column(roles: Sequence[str], columns: Sequence[Sequence[str]]) -> int | None:
    """The title column, else the name column, when most of its cells are one link."""
    for role in (TITLE, NAME):
        if role in roles:
            index = roles.index(role)
            filled = [cell for cell in columns[index] if cell not in EMPTY]
            if filled and _mostly(filled, lambda cell: single_link(cell) is not None):
                return index
    return None


def paper_link(cell: str) -> InlineLink | None:
    """The link of a cell that points to the work itself: arXiv first, code pages last.

    >>> paper_link("[code](https://github.com/a/b), [arXiv](https://arxiv.org/abs/2401.13527)").url
    'https://arxiv.org/abs/2401.13527'
    >>> paper_link("[code](https://github.com/a/b)") is None
    True
    >>> paper_link("[Link](https://github.com/OpenBMB/MiniCPM-o)").url
    'https://github.com/OpenBMB/MiniCPM-o'
    """
    links = cell_links(cell)
    arxiv = [link for link in links if arxiv_id_of_url(link.url)]
    if arxiv:
        return arxiv[0]
    papers = [link for link in links if not _code_like(link)]
    return papers[0] if papers else None


def _code_like(link: InlineLink) -> bool:
    """A link to code, data or a demo: by its label, or a bare code-host URL; badges too."""
    label = plain_text(link.label).lower()
    host = link.url.split("://", 1)[-1].split("/", 1)[0].lower()
    bare = link.kind != "inline" and host.endswith(_CODE_HOSTS)
    return bare or label in _CODE_LABELS or link.label.startswith("!")
