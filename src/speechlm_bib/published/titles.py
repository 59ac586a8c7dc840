"""Rows linked to nothing, linked by their title: which titles are searched, what a search decides.

Pure functions over plain values. A row that cites nothing (no arXiv id, no pinned version,
no hand record: `model.Row.unlinked`) but has a title is looked up in DBLP by that title,
once. A row knows a title and nothing else of its work (no authors), so the decision is as
strict as the published-version rule (``rule``), adapted:

- a title must identify a work to be searched: at least `MIN_TITLE_WORDS` words with a
  letter in them. Product names ("OpenAI Advanced Voice Mode", "Claude Voice Mode") and
  short generic titles ("Conversational Speech Generation Model") name no paper, and the
  shorter a title, the likelier another work carries it too;
- a hit counts only when its title equals the row's after folding (``rule.fold_title``);
  a hit dated more than `YEAR_SLACK` year before the year the row states (its ``date``) is
  an older work that happens to share the title, and does not count;
- the hits that count must be one work: every one has the same first author (family name,
  DBLP's homonym suffixes ignored), at most one arXiv preprint (DBLP's CoRR record, which
  names the arXiv id) is among them, and every published record of it passes the published
  rule against that preprint (not dated before it). Then the row is linked to the preprint's
  arXiv id (sync then fetches it and looks up its published version as for any work), or,
  when DBLP knows no preprint but exactly one published record, pinned to that record;
- anything else (two works with the title, a record dated before the preprint, several
  published records and no preprint) links nothing: every hit that counts is listed with the
  line that would link the row to it, none chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..model import CANDIDATES, LINKED, NONE, Entry, TitleCandidate, TitleSearch
from ..sources.dblp import DblpHit
from .rule import Preprint, family_key, fold_title, from_dblp, judge, search_query

MIN_TITLE_WORDS = 5
"""Words (with a letter in them) a title needs to be searched. Four-word titles in the
survey list are product names and generic phrases; five words is where paper titles start
("Attention Is All You Need"), and a paper with a shorter title is linked by hand."""
YEAR_SLACK = 1
"""Years a hit may be dated before the row's own year (a preprint before its publication)."""
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def title_words(title: str) -> int:
    r"""How many words of a title have a letter in them (numbers and symbols do not count).

    >>> title_words("OpenAI Advanced Voice Mode"), title_words(r"GPT-4 {Technical} Report")
    (4, 3)
    >>> title_words("Parrot: Autoregressive Spoken Dialogue Language Modeling")
    6
    """
    return sum(any(ch.isalpha() for ch in word) for word in search_query(title).split())


def identifies_work(title: str) -> bool:
    """Whether a title is long enough to be searched for (`MIN_TITLE_WORDS`)."""
    return title_words(title) >= MIN_TITLE_WORDS


def stated_year(entry: Entry) -> int | None:
    """The year a row states in its ``date``, if it states one.

    >>> from pathlib import Path
    >>> stated_year(Entry(Path("x.yaml"), "s", date="May 2024")), stated_year(Entry(Path("y"), "s"))
    (2024, None)
    """
    found = _YEAR.search(entry.date or "")
    return int(found.group()) if found else None


def decide_title(title: str, hits: Iterable[DblpHit], year: int | None = None) -> TitleSearch:
    """What DBLP's hits for a title mean for the rows carrying it (see the module docstring)."""
    counted = _counted(title, hits, year)
    if not counted:
        return TitleSearch(title, NONE)
    why = _not_one_work(counted)
    if why is None:
        preprint = next((hit for hit in counted if _preprint_id(hit)), None)
        if preprint is not None:
            return TitleSearch(title, LINKED, arxiv=_preprint_id(preprint))
        return TitleSearch(title, LINKED, published=f"dblp:{counted[0].key}")
    return TitleSearch(title, CANDIDATES, candidates=tuple(_listed(hit) for hit in counted),
                       why=why)


def _counted(title: str, hits: Iterable[DblpHit], year: int | None) -> list[DblpHit]:
    """The hits with the title, one per DBLP key, none dated far before the row's year."""
    folded = fold_title(title)
    earliest = year - YEAR_SLACK if year is not None else None
    counted: dict[str, DblpHit] = {}
    for hit in hits:
        too_old = earliest is not None and hit.year is not None and hit.year < earliest
        if fold_title(hit.title) == folded and not too_old:
            counted.setdefault(hit.key, hit)
    return list(counted.values())


def _not_one_work(hits: Sequence[DblpHit]) -> str | None:
    """Why the hits are not one work, or None when they are."""
    authors = sorted({_first(hit) for hit in hits}, key=family_key)
    if len({family_key(name) for name in authors}) > 1:
        return "works by different first authors: " + ", ".join(a or "none" for a in authors)
    preprints = sorted({i for hit in hits if (i := _preprint_id(hit))})
    if len(preprints) > 1:
        return "several arXiv preprints: " + ", ".join(preprints)
    published = [hit for hit in hits if not hit.informal]
    if preprints:
        preprint = next(hit for hit in hits if _preprint_id(hit) == preprints[0])
        early = [hit for hit in published if not _version_of(hit, preprint)]
        return (f"a record dated {early[0].year or 'nowhere'}, before the preprint"
                if early else None)
    if len(hits) > 1:
        return "several records and no arXiv preprint"
    return None if published else "an informal record that names no arXiv id"


def _version_of(version: DblpHit, preprint: DblpHit) -> bool:
    """Whether a published record passes the published-version rule against the preprint."""
    verdict = judge(Preprint(preprint.arxiv_id or "", preprint.title, _first(preprint),
                             preprint.year or 0), from_dblp(version))
    return verdict.same_work and verdict.same_author and verdict.in_time


def _preprint_id(hit: DblpHit) -> str | None:
    """The arXiv id of a CoRR hit (an informal record naming one), else None."""
    return hit.arxiv_id if hit.informal else None


def _first(hit: DblpHit) -> str:
    return hit.authors[0] if hit.authors else ""


def _listed(hit: DblpHit) -> TitleCandidate:
    """A hit as the summary and the store list it, with the line that would take it."""
    arxiv_id = _preprint_id(hit)
    line = f"arxiv: '{arxiv_id}'" if arxiv_id else f"published: dblp:{hit.key}"
    return TitleCandidate(f"dblp:{hit.key}", line, hit.venue, hit.year, _first(hit), hit.title)
