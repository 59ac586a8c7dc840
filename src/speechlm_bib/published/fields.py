"""The fields a stored published version gives a work, computed offline from what was fetched.

Over an arXiv preprint a version gives its venue (``published.to_fields``: DBLP's record
with Crossref's metadata over it). A work that is not on arXiv takes the version's whole
record: authors and title as well, from DBLP's record or, for a DOI pinned by hand, from
Crossref's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bibtex.latex import escape, to_text
from ..ids import is_web_url
from ..keys import make_key
from ..model import PUBLISHED, CrossrefWork, DblpRecord, PublishedVersion
from .rule import VersionFields, to_fields

Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkFields:
    """A work's entry type and fields, where each came from, and which are still plain text."""

    type: str
    fields: dict[str, Value]
    origins: dict[str, str]
    plain: frozenset[str]
    """The fields that are plain text (the normalisation stack encodes them)."""

    def as_version(self) -> VersionFields:
        """The fields as a version's, to lay over a preprint's."""
        return VersionFields(self.type, tuple((n, _flat(v)) for n, v in self.fields.items()))


def work_fields(version: PublishedVersion, whole: bool = True) -> WorkFields:
    """The fields a version gives: its venue, and with ``whole`` its authors and title too."""
    venue = to_fields(version.record, version.work)
    fields: dict[str, Value] = dict(venue.fields)
    plain: set[str] = set()
    if whole:
        people, title = _people_and_title(version.record, version.work)
        fields = {**people, "title": title, **fields} if title else {**people, **fields}
        plain = {"title", *(name for name, value in people.items() if isinstance(value, tuple))}
        url = _url(version.record)
        if url and "doi" not in fields:
            fields["url"] = url
    return WorkFields(venue.type, fields, dict.fromkeys(fields, PUBLISHED),
                      frozenset(name for name in plain if name in fields))


def _people_and_title(record: DblpRecord | None,
                      work: CrossrefWork | None) -> tuple[dict[str, Value], str]:
    """Authors (plain names from DBLP, BibTeX from Crossref) and the plain title."""
    if record is not None:
        names = dblp_names(record.get("author") or "")
        title = " ".join(to_text(record.get("title") or "").split())
        return ({"author": names} if names else {}), title
    if work is not None:
        bibtex = " and ".join(crossref_name(n, f) for n, f in zip(work.authors, work.families,
                                                                    strict=True))
        return ({"author": bibtex} if bibtex else {}), work.title
    return {}, ""


def dblp_names(value: str) -> tuple[str, ...]:
    r"""The people of a DBLP author field as plain names, homonym suffixes dropped.

    >>> dblp_names(r"Alexandre D{\'{e}}fossez and Wei Li 0001")
    ('Alexandre Défossez', 'Wei Li')
    """
    # Loaded with the first DBLP record read, not with every command (the DBLP client
    # brings in HTTP).
    from bibtexparser.middlewares.names import split_multiple_persons_names

    from ..sources.dblp import strip_homonym

    people = split_multiple_persons_names(" ".join(value.split())) if value.strip() else []
    return tuple(strip_homonym(" ".join(to_text(person).split())) for person in people)


def crossref_name(name: str, family: str) -> str:
    r"""A Crossref author in BibTeX's "Family, Given" form (an organisation braced whole).

    >>> crossref_name("Luc Van Gool", "Van Gool"), crossref_name("OpenAI", "OpenAI")
    ('Van Gool, Luc', '{OpenAI}')
    """
    given = name[: len(name) - len(family)].strip() if name.endswith(family) else ""
    if not given:
        return "{" + escape(family) + "}"
    return f"{escape(family)}, {escape(given)}"


def _url(record: DblpRecord | None) -> str | None:
    """DBLP's link to the publisher's page, when it is not the DOI's."""
    url = record.get("url") if record is not None else None
    if url is None or not is_web_url(url) or "doi.org/" in url:
        return None
    return url


def version_key(version: PublishedVersion) -> str:
    """The key the scheme gives a work known only by its published version.

    >>> from speechlm_bib.model import CrossrefWork, PublishedVersion
    >>> work = CrossrefWork("10.1109/ICASSP.2015.7178964", "proceedings-article",
    ...     "Librispeech: An ASR corpus based on public domain audio books", None,
    ...     ("Vassil Panayotov",), ("Panayotov",), 2015)
    >>> version_key(PublishedVersion("doi:10.1109/icassp.2015.7178964", work=work))
    'panayotov2015librispeech'
    """
    people, title = _people_and_title(version.record, version.work)
    authors = people.get("author", ())
    first = authors[0] if isinstance(authors, tuple) and authors else _first_bibtex(authors)
    year = dict(to_fields(version.record, version.work).fields).get("year", "")
    return make_key(first, int(year) if year.isdigit() else None, title)


def _first_bibtex(names: Value) -> str | None:
    """The first person of a BibTeX name list ("Family, Given and ...")."""
    from bibtexparser.middlewares.names import split_multiple_persons_names  # as above

    people = split_multiple_persons_names(str(names)) if names else []
    return to_text(people[0]) if people else None


def _flat(value: Value) -> str:
    return " and ".join(value) if isinstance(value, tuple) else value
