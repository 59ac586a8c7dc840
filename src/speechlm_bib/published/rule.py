"""Published versions of arXiv preprints: which candidate is one, and the fields it gives.

Pure functions over plain values. The confirmation rule is strict, because a wrong venue in
a paper's bibliography is worse than none. A candidate (a DBLP hit, a Crossref work) is the
preprint's published version only when

- its title equals the preprint's after folding case, punctuation, a trailing period, LaTeX
  and accents, **or** it is named by an exact id: the database links it to the preprint's
  arXiv id, or it has the DOI the preprint's arXiv record names;
- its first author's family name matches the preprint's (homonym suffixes such as DBLP's
  "Wei Li 0001" ignored);
- its year is not before the preprint's;
- it is not an informal record (DBLP's CoRR copy of the preprint itself).

Exactly one such candidate is a confirmed version. Several are listed, none chosen; so is
every candidate that passes part of the rule (the same title by other authors, a retitled
version with the same first author). Nothing else is listed.

A confirmed version becomes the fields a record takes (`to_fields`): DBLP's record BibTeX,
with Crossref's metadata laid over it when the version has a DOI (the publisher's container
title, pages, volume, issue and publisher). `lay_over` puts them on a preprint's fields,
keeping its eprint, archiveprefix and primaryclass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from .. import keys
from ..bibtex import latex
from ..ids import is_doi
from ..model import ArxivMetadata, CrossrefWork, DblpRecord

if TYPE_CHECKING:
    from ..sources.dblp import DblpHit

V = TypeVar("V")

Kind = Literal["confirmed", "candidates", "none"]
PREPRINT_VENUE = ("journal", "booktitle", "howpublished")
"""Fields of a preprint record that say where it appeared: replaced by the version's."""
VENUE_FIELDS = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
                "phdthesis": "school", "mastersthesis": "school", "techreport": "institution",
                "misc": "howpublished"}
"""The field that names where a work of each entry type appeared."""
CROSSREF_TYPES = {"journal-article": "article", "proceedings-article": "inproceedings",
                  "book-chapter": "incollection", "book-part": "incollection",
                  "book-section": "incollection", "book": "book", "monograph": "book",
                  "edited-book": "book", "reference-book": "book", "dissertation": "phdthesis",
                  "report": "techreport"}
"""BibTeX entry types of Crossref's work types (anything else is @misc)."""
_DASHES = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")
_MATH = re.compile(r"\$[^$]+\$")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Preprint:
    """What the rule needs of an arXiv work."""

    arxiv_id: str
    title: str
    first_author: str
    year: int
    doi: str | None = None

    @classmethod
    def from_metadata(cls, meta: ArxivMetadata) -> Preprint:
        """The preprint of stored arXiv metadata."""
        first = meta.authors[0] if meta.authors else ""
        return cls(meta.id, meta.title, first, meta.year, meta.doi)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible published version, whatever database it comes from."""

    source: Literal["dblp", "crossref"]
    key: str
    """The DBLP key, or the DOI of a Crossref work."""
    title: str
    first_author: str
    year: int | None
    venue: str
    doi: str | None = None
    arxiv_id: str | None = None
    """The arXiv id the database links to this record."""
    informal: bool = False

    @property
    def identity(self) -> str:
        """What two listings of the same version share: its DOI, else its key."""
        return (self.doi or self.key).lower()

    @property
    def version_id(self) -> str:
        """The id a version is stored and pinned under: ``dblp:KEY`` or ``doi:DOI``."""
        return f"dblp:{self.key}" if self.source == "dblp" else f"doi:{self.key.lower()}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A candidate judged against a preprint, part of the rule by part."""

    candidate: Candidate
    same_work: bool
    """Its title equals the preprint's, or the database links it to the preprint."""
    same_author: bool
    """Its first author's family name is the preprint's."""
    in_time: bool
    """Its year is not before the preprint's."""
    formal: bool
    """It is not an informal record (the preprint itself)."""

    @property
    def confirmed(self) -> bool:
        """Whether the candidate passes the whole rule."""
        return self.same_work and self.same_author and self.in_time and self.formal

    @property
    def plausible(self) -> bool:
        """Worth listing: a formal record whose title, link or first author matches."""
        return self.formal and (self.same_work or self.same_author)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the candidate is not the published version (none when it is)."""
        candidate = self.candidate
        failed = [
            (self.formal, "an informal record (the preprint itself)"),
            (self.same_work, f"another title: {candidate.title!r}"),
            (self.same_author, f"another first author: {candidate.first_author or 'none'}"),
            (self.in_time, f"dated {candidate.year or 'nowhere'}, before the preprint"),
        ]
        return tuple(reason for passed, reason in failed if not passed)


@dataclass(frozen=True, slots=True)
class Decision:
    """For one preprint: its confirmed version, or the candidates listed, or nothing."""

    kind: Kind
    version: Candidate | None = None
    candidates: tuple[Verdict, ...] = ()
    """Listed, none chosen (beside a confirmed version: the look-alikes it beat)."""


@dataclass(frozen=True, slots=True)
class VersionFields:
    """The fields a record takes from its published version (values are BibTeX)."""

    type: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The BibTeX value of a field, or None."""
        return dict(self.fields).get(name)


# --------------------------------------------------------------------------- candidates


def from_dblp(hit: DblpHit) -> Candidate:
    """A DBLP search hit as a candidate."""
    first = hit.authors[0] if hit.authors else ""
    return Candidate("dblp", hit.key, hit.title, first, hit.year, hit.venue, hit.doi,
                     hit.arxiv_id, hit.informal)


def from_crossref(work: CrossrefWork) -> Candidate:
    """A Crossref work as a candidate (Crossref names no arXiv id; posted content is informal)."""
    first = work.families[0] if work.families else ""
    venue = work.container_title or work.publisher or ""
    return Candidate("crossref", work.doi, work.title, first, work.year, venue, work.doi,
                     informal=work.type in {"posted-content", "preprint"})


# --------------------------------------------------------------------------- the rule


def fold_title(title: str) -> str:
    r"""A title folded for comparison: LaTeX decoded, case, accents and punctuation dropped.

    >>> fold_title(r"{SALMon}: A Suite for Acoustic Language Model Evaluation.")
    'salmonasuiteforacousticlanguagemodelevaluation'
    >>> fold_title("Moshi: a speech-text model") == fold_title("MOSHI — A Speech Text Model.")
    True
    >>> fold_title(r"$\mu$-Law Codecs"), fold_title("理想同学")
    ('μlawcodecs', '理想同学')
    """
    return fold(plain_text(title))


def family_key(name: str) -> str:
    r"""A person's family name, folded, homonym suffix ignored.

    >>> family_key("Wei Li 0001"), family_key(r"Alexandre D{\'e}fossez"), family_key("Défossez, A.")
    ('li', 'defossez', 'defossez')
    """
    # The DBLP client (and HTTP) loads with the commands that compare versions.
    from ..sources.dblp import strip_homonym

    return fold(keys.family_name(plain_text(strip_homonym(name))))


def plain_text(value: str) -> str:
    r"""A title or name as plain Unicode: inline math and LaTeX decoded.

    >>> plain_text(r"{$\mu$-Law} D{\'e}fossez")
    'μ-Law Défossez'
    """
    if "$" in value:
        value = _MATH.sub(lambda m: latex.math_to_text(m.group()), value)
    return latex.to_text(value)


def fold(text: str) -> str:
    """Text folded as keys are, but keeping letters that have no ASCII form.

    >>> fold("Łukasz Défossez-Ø"), fold("Ω-Net 2.0")
    ('lukaszdefossezo', 'ωnet20')
    """
    return "".join(keys.fold(ch) or (ch.casefold() if ch.isalnum() else "") for ch in text)


def named_by_id(preprint: Preprint, candidate: Candidate) -> bool:
    """Whether the database links the candidate to the preprint by its arXiv id or DOI."""
    if candidate.arxiv_id is not None and candidate.arxiv_id == preprint.arxiv_id:
        return True
    doi = preprint.doi
    return bool(doi and candidate.doi and doi.lower() == candidate.doi.lower())


def judge(preprint: Preprint, candidate: Candidate) -> Verdict:
    """The candidate against each part of the rule."""
    return Verdict(
        candidate,
        same_work=(named_by_id(preprint, candidate)
                   or fold_title(candidate.title) == fold_title(preprint.title)),
        same_author=family_key(candidate.first_author) == family_key(preprint.first_author),
        in_time=candidate.year is not None and candidate.year >= preprint.year,
        formal=not candidate.informal,
    )


def decide(preprint: Preprint, candidates: Iterable[Candidate]) -> Decision:
    """The decision for a preprint among the candidates a database found."""
    verdicts = _distinct(judge(preprint, c) for c in candidates)
    confirmed = [v for v in verdicts if v.confirmed]
    listed = tuple(v for v in verdicts if not v.confirmed and v.plausible)
    if len(confirmed) == 1:
        return Decision("confirmed", confirmed[0].candidate, listed)
    if confirmed or listed:
        return Decision("candidates", None, (*confirmed, *listed))
    return Decision("none")


def _distinct(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """One verdict per version: the first listing of each DOI or key."""
    seen: dict[str, Verdict] = {}
    for verdict in verdicts:
        seen.setdefault(verdict.candidate.identity, verdict)
    return list(seen.values())


def search_query(title: str) -> str:
    r"""The words of a title to search a database with (DBLP matches each as a prefix).

    >>> search_query(r"{LLaMA-Omni}: Seamless Speech Interaction with $\mu$-Law Audio")
    'LLaMA Omni Seamless Speech Interaction with μ Law Audio'
    """
    return " ".join(_WORD.findall(plain_text(title)))


# --------------------------------------------------------------------------- fields


def to_fields(record: DblpRecord | None, work: CrossrefWork | None = None) -> VersionFields:
    """The fields of a confirmed version: DBLP's record, the publisher's metadata over it.

    Without a DBLP record (a version pinned by its DOI) Crossref's metadata is all there is.
    """
    entry_type = record.type if record is not None else crossref_type(work)
    venue = VENUE_FIELDS.get(entry_type, "")
    values: dict[str, str | None] = {}
    if record is not None:
        values = {name: _text(record.get(name)) for name in
                  (venue, "year", "pages", "volume", "number", "publisher", "doi") if name}
        values["doi"] = _doi(record)
    if work is not None:
        values.update(_crossref_values(venue, work))
        values.setdefault("year", str(work.year) if work.year else None)
    if not is_doi(values.get("doi") or ""):
        values["doi"] = None  # a malformed DOI from a database is left out, not copied
    return VersionFields(entry_type, tuple(_bibtex(n, v) for n, v in values.items() if v))


def crossref_type(work: CrossrefWork | None) -> str:
    """The BibTeX entry type of a Crossref work.

    >>> crossref_type(None)
    'misc'
    """
    return CROSSREF_TYPES.get(work.type, "misc") if work is not None else "misc"


def _crossref_values(venue: str, work: CrossrefWork) -> dict[str, str | None]:
    """The values Crossref has for a version: what it has wins over DBLP's."""
    found = {venue: work.container_title, "pages": work.page, "volume": work.volume,
             "number": work.issue, "publisher": work.publisher, "doi": work.doi}
    return {name: value for name, value in found.items() if value and name}


def _doi(record: DblpRecord) -> str | None:
    """DBLP's DOI in the case of its doi.org link (the field itself is upper-case)."""
    doi = record.get("doi")
    url = record.get("url") or ""
    if doi and url.lower().endswith("doi.org/" + doi.lower()):
        return url[len(url) - len(doi):]
    return doi


def _text(value: str | None) -> str | None:
    return " ".join(latex.to_text(value).split()) if value else None


def _bibtex(name: str, value: str) -> tuple[str, str]:
    """A plain value as BibTeX: page ranges with --, DOIs and numbers as they are."""
    if name == "pages":
        return name, page_range(value)
    if name in {"doi", "year", "volume", "number"}:
        return name, value
    return name, latex.escape(value)


def page_range(pages: str) -> str:
    """Pages as BibTeX writes a range.

    >>> page_range("13943-13970"), page_range("1336\u20131354"), page_range("1--5")
    ('13943--13970', '1336--1354', '1--5')
    """
    return _DASHES.sub("--", pages.strip())


def lay_over(preprint: Mapping[str, V], version: VersionFields) -> dict[str, V | str]:
    """A preprint's fields with its published version's laid over them.

    Where it appeared is replaced (the "arXiv preprint" journal goes); eprint,
    archiveprefix, primaryclass and everything else the version does not set are kept.
    """
    fields: dict[str, V | str] = {k: v for k, v in preprint.items() if k not in PREPRINT_VENUE}
    fields.update(version.fields)
    return fields


def describe(preprint: Preprint, version: Candidate) -> str:
    """The summary line of an upgrade.

    >>> describe(Preprint("2410.03751", "T", "Wenqian Cui", 2024),
    ...          Candidate("dblp", "conf/acl/CuiYJMZWGK25", "T", "Wenqian Cui", 2025, "ACL (1)"))
    'arXiv 2410.03751 -> ACL 2025'
    """
    venue = re.sub(r"\s*\(\d+\)$", "", version.venue)
    return f"arXiv {preprint.arxiv_id} -> {venue} {version.year or ''}".rstrip()


def describe_candidate(verdict: Verdict) -> str:
    """A listed candidate as one line: which record, and what keeps it from being chosen."""
    candidate = verdict.candidate
    why = "; ".join(verdict.reasons) or "passes the rule, as another does"
    return f"{candidate.source}:{candidate.key} ({candidate.venue} {candidate.year}): {why}"
