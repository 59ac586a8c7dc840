"""Which new arXiv papers the list is missing, ranked by how much they resemble it.

Pure: the papers a search found, what the list holds and the discovery record go in; ranked
candidates, and the ids kept out with the reason, come out.

Kept out: works the list has (by arXiv id, whatever the version, or by the DOI of a published
version), works a maintainer rejected, papers an earlier discovery saw already, and papers
whose title or abstract holds a negative keyword.

Resemblance is TF-IDF cosine similarity, computed with scikit-learn (``TfidfVectorizer``).
TF-IDF weighs the words that set works apart (codec, duplex, tokenizer) above those the whole
field shares (speech, model), and the cosine of length-normalised vectors is a score from 0 to
1 that means the same for a long abstract as for a short title, so candidates' titles and
abstracts can be held against the list's titles. The alternatives do less for this:
rank-bm25 is unmaintained and its scores are unbounded and not comparable between
candidates; rapidfuzz compares strings character by character, which finds near-duplicate
titles but not which words matter; embedding models need weights downloaded at run time.
scikit-learn costs an install of about 270 MB with NumPy and SciPy, so it is the optional
extra ``speechlm-bib[discover]``, imported only when a discovery ranks.

The documents: a listed work is its title as its record has it (the maintained record's,
else the stored arXiv title, else the entry's), its entries' names and the headings of its
sections, since the stored metadata has no abstracts; a candidate is its title, counted
twice, and its abstract (the title alone when arXiv gives none). Words are lowercased and
ASCII-folded, English stop words dropped, a plural "s" folded, and neighbouring words also
count as pairs. The vocabulary and its weights are learnt from the list and the candidates
together.

A candidate's score is the mean of its three highest similarities to listed works, so one
chance match does not carry it; its closest listed work is the most similar one; the section
it fits best is the one whose three most similar works are, on average, most similar (a
section of fewer works counts 0 for the rest; the survey's own record suggests no section).
"""

from __future__ import annotations

import contextlib
import itertools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .bibtex.latex import field_text
from .ids import arxiv_id_of_url, parse_arxiv_id
from .model import Library, Record, Section

if TYPE_CHECKING:
    from .sources.arxiv_search import Paper

TOP = 3
"""How many of the most similar works a score averages."""
LISTED, REJECTED, SEEN, NEGATIVE, BELOW_SCORE, OVER_LIMIT = (
    "listed", "rejected", "seen", "negative_keyword", "below_min_score", "over_limit")
HIDDEN_REASONS = (LISTED, REJECTED, SEEN, NEGATIVE, BELOW_SCORE, OVER_LIMIT)
"""Why a paper found is not shown, in the order reports give them."""
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ListedWork:
    """A work of the list as discovery compares with it."""

    key: str
    title: str
    names: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListIndex:
    """What the list holds: its works, and the arXiv ids and DOIs that identify them."""

    works: tuple[ListedWork, ...]
    sections: tuple[Section, ...]
    arxiv_ids: frozenset[str] = frozenset()
    dois: frozenset[str] = frozenset()
    survey: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A paper the list may be missing, with how much it resembles the list and where."""

    paper: Paper
    score: float
    closest: ListedWork | None
    closeness: float
    """The similarity to the closest listed work."""
    section: Section | None
    matches: tuple[str, ...] = ()
    """The query terms its title or abstract holds."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """Ranked candidates, best first, and the ids kept out, by reason."""

    candidates: tuple[Candidate, ...]
    hidden: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def hidden_ids(self, reason: str) -> tuple[str, ...]:
        """The ids kept out for one of `HIDDEN_REASONS`."""
        return dict(self.hidden).get(reason, ())


# --------------------------------------------------------------------------- the list


def index_list(library: Library) -> ListIndex:
    """The works of the list and every arXiv id and DOI under which it lists them."""
    entries = [row.entry for row in library.rows]
    ids = {e.arxiv for e in entries if e.arxiv}
    ids |= {found.id for e in entries if e.url and (found := arxiv_id_of_url(e.url))}
    dois = {normalise_doi(m.doi) for m in library.arxiv.values() if m.doi}
    for record in library.records:
        ids |= _record_ids(record)
        dois |= _record_dois(record)
    return ListIndex(tuple(_listed(r) for r in library.records), library.sections,
                     frozenset(ids), frozenset(dois), library.survey)


def _record_ids(record: Record) -> set[str]:
    ids = {record.arxiv_id} if record.arxiv_id else set()
    eprint = record.get("eprint")
    if eprint:
        with contextlib.suppress(ValueError):
            ids.add(parse_arxiv_id(eprint).id)
    return ids


def _record_dois(record: Record) -> set[str]:
    values = [record.arxiv.doi if record.arxiv else None, record.get("doi")]
    return {normalise_doi(v) for v in values if v}


def normalise_doi(doi: str) -> str:
    """A DOI as compared: lowercase, without a resolver in front.

    >>> normalise_doi("https://doi.org/10.1109/ICASSP.2015.7178964")
    '10.1109/icassp.2015.7178964'
    """
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I).lower()


def _listed(record: Record) -> ListedWork:
    names = tuple(dict.fromkeys(e.name for e in record.entries if e.name))
    entry_title = next((e.title for e in record.entries if e.title), None)
    title = field_text(record, "title") or entry_title or ""
    return ListedWork(record.key, " ".join(title.split()), names, record.sections)


# --------------------------------------------------------------------------- screening


def negative_match(paper: Paper, keywords: Iterable[str]) -> str | None:
    """The first negative keyword in a paper's title or abstract (whole words, any case)."""
    text = f"{paper.title} {paper.abstract}"
    return next((k for k in keywords if term_pattern(k).search(text)), None)


def term_pattern(term: str) -> re.Pattern[str]:
    """A term as found in text: whole words, any case, a plural "s", space or hyphen between.

    >>> bool(term_pattern("full duplex").search("a Full-Duplex model"))
    True
    >>> bool(term_pattern("EEG").search("from EEGs")), bool(term_pattern("eeg").search("legg"))
    (True, False)
    """
    words = [re.escape(w) for w in re.split(r"[\s-]+", term.strip()) if w]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"s?(?!\w)", re.IGNORECASE)


def find_terms(paper: Paper, terms: Iterable[str]) -> tuple[str, ...]:
    """The terms a paper's title or abstract holds, in the order given."""
    text = f"{paper.title} {paper.abstract}"
    return tuple(t for t in terms if term_pattern(t).search(text))


def screen(papers: Iterable[Paper], index: ListIndex, rejected: Collection[str],
           negative_keywords: Sequence[str], seen_until: datetime | None,
           ) -> tuple[list[Paper], dict[str, list[str]]]:
    """The papers to rank, and the ids of the others by the reason they are kept out."""
    kept: list[Paper] = []
    hidden: dict[str, list[str]] = {}
    for paper in papers:
        reason = _kept_out(paper, index, rejected, negative_keywords, seen_until)
        if reason is None:
            kept.append(paper)
        else:
            hidden.setdefault(reason, []).append(paper.id)
    return kept, hidden


def _kept_out(paper: Paper, index: ListIndex, rejected: Collection[str],
              negative_keywords: Sequence[str], seen_until: datetime | None) -> str | None:
    if paper.id in index.arxiv_ids or (paper.doi and normalise_doi(paper.doi) in index.dois):
        return LISTED
    if paper.id in rejected:
        return REJECTED
    if seen_until is not None and paper.published <= seen_until:
        return SEEN
    if negative_match(paper, negative_keywords):
        return NEGATIVE
    return None


# --------------------------------------------------------------------------- ranking


def rank(papers: Sequence[Paper], index: ListIndex,
         terms: Sequence[str] = ()) -> list[Candidate]:
    """The papers as candidates, best first (ties by id)."""
    if not papers:
        return []
    table = similarities([_paper_text(p) for p in papers],
                         [_work_text(w, index.sections) for w in index.works])
    candidates = [_candidate(p, row, index, terms) for p, row in zip(papers, table, strict=True)]
    return sorted(candidates, key=lambda c: (-c.score, c.paper.id))


def _candidate(paper: Paper, row: Sequence[float], index: ListIndex,
               terms: Sequence[str]) -> Candidate:
    best = max(range(len(row)), key=lambda i: (row[i], -i), default=None)
    return Candidate(
        paper=paper,
        score=top_mean(row),
        closest=index.works[best] if best is not None else None,
        closeness=row[best] if best is not None else 0.0,
        section=_best_section(row, index),
        matches=find_terms(paper, terms),
    )


def top_mean(values: Iterable[float], top: int = TOP) -> float:
    """The mean of the ``top`` highest values, missing ones counting 0.

    >>> top_mean([0.9, 0.1, 0.5, 0.2]), top_mean([0.75])
    (0.5333333333333333, 0.25)
    """
    return sum(sorted(values, reverse=True)[:top]) / top


def _best_section(row: Sequence[float], index: ListIndex) -> Section | None:
    by_section: dict[str, list[float]] = {}
    for work, value in zip(index.works, row, strict=True):
        if work.key == index.survey:
            continue
        for section in work.sections:
            by_section.setdefault(section, []).append(value)
    fits = [(top_mean(by_section[s.id]), -at, s) for at, s in enumerate(index.sections)
            if s.id in by_section]
    return max(fits, key=lambda fit: fit[:2])[2] if fits else None


def _paper_text(paper: Paper) -> str:
    return f"{paper.title}. {paper.title}. {paper.abstract}"


def _work_text(work: ListedWork, sections: Sequence[Section]) -> str:
    headings = [f"{s.group or ''} {s.heading}" for s in sections if s.id in work.sections]
    return ". ".join([work.title, *work.names, *headings])


def similarities(texts: Sequence[str], against: Sequence[str]) -> list[list[float]]:
    """The TF-IDF cosine similarity of each text to each of ``against`` (rows: texts)."""
    if not against:
        return [[] for _ in texts]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_Analyzer(ENGLISH_STOP_WORDS), sublinear_tf=True)
    matrix = vectorizer.fit_transform([*against, *texts])
    table: Any = matrix[len(against):] @ matrix[:len(against)].T
    return [[float(v) for v in row] for row in table.toarray()]


class _Analyzer:
    """Text to terms: ASCII-folded lowercase words without stop words, plurals folded, pairs."""

    def __init__(self, stop_words: Collection[str]) -> None:
        self.stop_words = stop_words

    def __call__(self, text: str) -> list[str]:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        words = [fold_plural(w) for w in _WORDS.findall(folded)
                 if len(w) > 1 and w not in self.stop_words]
        return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def fold_plural(word: str) -> str:
    """A word without its plural "s" (kept after ss, us, is and in short words).

    >>> [fold_plural(w) for w in ("models", "codecs", "corpus", "analysis", "gas")]
    ['model', 'codec', 'corpus', 'analysis', 'gas']
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --------------------------------------------------------------------------- all together


@dataclass(frozen=True, slots=True)
class Screening:
    """What keeps papers out: the rejections, the keywords, the time seen up to, the bar."""

    rejected: Collection[str] = ()
    negative_keywords: Sequence[str] = ()
    seen_until: datetime | None = None
    min_score: float = 0.0
    limit: int | None = None


def discover(papers: Sequence[Paper], index: ListIndex, screening: Screening,
             terms: Sequence[str] = ()) -> Discovery:
    """Screen the papers found, rank the rest, and cut at the minimum score and the limit."""
    kept, hidden = screen(papers, index, screening.rejected, screening.negative_keywords,
                          screening.seen_until)
    ranked = rank(kept, index, terms)
    shown = [c for c in ranked if c.score >= screening.min_score]
    hidden[BELOW_SCORE] = [c.paper.id for c in ranked if c.score < screening.min_score]
    if screening.limit is not None:
        hidden[OVER_LIMIT] = [c.paper.id for c in shown[screening.limit:]]
        shown = shown[:screening.limit]
    return Discovery(tuple(shown), _hidden(hidden))


def _hidden(hidden: Mapping[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((r, tuple(sorted(hidden[r]))) for r in HIDDEN_REASONS if hidden.get(r))
