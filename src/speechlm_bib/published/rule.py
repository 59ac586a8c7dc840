"""Published versions of arXiv preprints: which candidate is one (``fields`` gives its fields).

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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .. import keys
from ..bibtex import latex
from ..model import ArxivMetadata, CrossrefWork

if TYPE_CHECKING:
    from ..sources.dblp import DblpHit

Kind = Literal["confirmed", "candidates", "none"]
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
