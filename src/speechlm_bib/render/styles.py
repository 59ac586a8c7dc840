"""How a record reads in other data models and styles.

Its kind (a preprint, a web page, a data set or its BibTeX type), biblatex's types and fields,
a CSL-JSON item (CSL's data model, for pandoc, Zotero and citeproc) and a reference in ACL's
style. Model to model, shared by the renderers of exports, the citation and CITATION.cff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..bibtex.latex import to_text
from ..model import Record
from .mdtext import escape_markdown, link

DATASET_SECTIONS = frozenset({"datasets"})
"""A record without a venue cited from one of these sections is a data set, not a web page."""

PREPRINT, WEBPAGE, DATASET = "preprint", "webpage", "dataset"
_BIBLATEX_TYPES = {
    PREPRINT: "online", WEBPAGE: "online", DATASET: "dataset", "conference": "inproceedings",
    "phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report",
}
_BIBLATEX_SUBTYPES = {"phdthesis": "phdthesis", "mastersthesis": "mathesis",
                      "techreport": "techreport"}
_BIBLATEX_NAMES = {"journal": "journaltitle", "address": "location", "school": "institution",
                   "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
_HOWPUBLISHED = {WEBPAGE: "organization", DATASET: "publisher"}
BIBLATEX_ORDER = (
    "author", "editor", "title", "booktitle", "journaltitle", "series", "edition", "volume",
    "number", "pages", "organization", "publisher", "institution", "location", "type",
    "howpublished", "date", "note", "doi", "eprint", "eprinttype", "eprintclass", "url",
    "urldate",
)
_CSL_TYPES = {
    PREPRINT: "article", "article": "article-journal", "inproceedings": "paper-conference",
    "conference": "paper-conference", DATASET: "dataset", WEBPAGE: "webpage",
    "book": "book", "incollection": "chapter", "inbook": "chapter", "phdthesis": "thesis",
    "mastersthesis": "thesis", "techreport": "report", "unpublished": "manuscript",
}
EN_DASH = "\u2013"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def record_kind(record: Record) -> str:
    """What a record is: ``preprint``, ``webpage``, ``dataset`` or its BibTeX type.

    >>> record_kind(Record("k", "article", (("journal", "arXiv preprint arXiv:1"),
    ...                                     ("eprint", "1"))))
    'preprint'
    >>> from pathlib import Path
    >>> from speechlm_bib.model import Entry
    >>> record_kind(Record("k", "misc", (("url", "https://x.org"),),
    ...                    (Entry(Path("x.yaml"), "datasets"),)))
    'dataset'
    """
    journal = record.get("journal")
    venue = (journal and not journal.startswith("arXiv preprint")) or record.get("booktitle")
    if record.get("eprint") and not venue and record.type in {"article", "misc", "unpublished"}:
        return PREPRINT
    if record.type == "misc" and DATASET_SECTIONS & set(record.sections):
        return DATASET
    if record.type == "misc" and record.get("url"):
        return WEBPAGE
    return record.type


def record_date(record: Record) -> str | None:
    """The ISO 8601 date of a record from its year and month (None without a year).

    >>> record_date(Record("k", "misc", (("year", "2024"), ("month", "mar"))))
    '2024-03'
    """
    year = record.get("year")
    if year is None or not year.strip().isdigit():
        return year
    month = _month(record.get("month"))
    return f"{year.strip()}-{month:02d}" if month else year.strip()


def _month(value: str | None) -> int | None:
    text = (value or "").strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.index(text[:3]) + 1 if text[:3] in _MONTHS else None


def to_biblatex(record: Record) -> Record:
    """The record with biblatex's types and fields (online, date, journaltitle, eprinttype)."""
    kind = record_kind(record)
    fields: dict[str, str] = {}
    for name, value in record.fields:
        if name in {"year", "month"} or (name == "journal" and kind == PREPRINT):
            continue
        target = _HOWPUBLISHED.get(kind, name) if name == "howpublished" else name
        fields[_BIBLATEX_NAMES.get(target, target)] = (
            value.lower() if name == "archiveprefix" else value)
    date = record_date(record)
    if date:
        fields["date"] = date
    if record.type in _BIBLATEX_SUBTYPES:
        fields.setdefault("type", _BIBLATEX_SUBTYPES[record.type])
    entry_type = _BIBLATEX_TYPES.get(kind, kind)
    return Record(record.key, entry_type, _ordered(fields, BIBLATEX_ORDER), record.entries)


def _ordered(fields: Mapping[str, str], order: Sequence[str]) -> tuple[tuple[str, str], ...]:
    rank = {name: index for index, name in enumerate(order)}
    names = sorted(fields, key=lambda name: (rank.get(name, len(rank)), name))
    return tuple((name, fields[name]) for name in names)


def csl_json(records: Iterable[Record]) -> str:
    """CSL-JSON text of records: an array of items, UTF-8, keys in a fixed order."""
    return json.dumps([to_csl(r) for r in records], ensure_ascii=False, indent=2) + "\n"


def to_csl(record: Record) -> dict[str, Any]:
    """The CSL-JSON item of a record: CSL's type, names, issued date and variables."""
    kind = record_kind(record)
    item: dict[str, Any] = {"id": record.key, "type": _CSL_TYPES.get(kind, "document")}
    for role in ("author", "editor"):
        value = record.get(role)
        if value:
            item[role] = parse_names(value)
    item.update(_csl_text(record, kind))
    year = record.get("year")
    if year and year.strip().isdigit():
        month = _month(record.get("month"))
        item["issued"] = {"date-parts": [[int(year), month] if month else [int(year)]]}
    return item


def _csl_text(record: Record, kind: str) -> dict[str, str]:
    """The text variables of a CSL item."""
    journal = None if kind == PREPRINT else record.get("journal")
    howpublished = record.get("howpublished")
    fields = {
        "title": record.get("title"),
        "container-title": journal or record.get("booktitle")
        or (howpublished if kind == WEBPAGE else None),
        "collection-title": record.get("series"),
        "publisher": "arXiv" if kind == PREPRINT else record.get("publisher")
        or record.get("institution") or record.get("school")
        or (howpublished if kind != WEBPAGE else None),
        "publisher-place": record.get("address"),
        "volume": record.get("volume"),
        "number": f"arXiv:{record.get('eprint')}" if kind == PREPRINT else record.get("number"),
        "page": (record.get("pages") or "").replace("--", "-") or None,
        "note": record.get("note"),
    }
    item = {name: to_text(value) for name, value in fields.items() if value}
    verbatim = {"DOI": record.get("doi"), "URL": record.get("url")}
    item.update({name: value for name, value in verbatim.items() if value})
    return item


def parse_names(value: str) -> list[dict[str, str]]:
    r"""A BibTeX name list as CSL names: family, given, particle, suffix; braced ones literal.

    >>> parse_names(r"van den Oord, A{\"a}ron and {OpenAI}")  # doctest: +NORMALIZE_WHITESPACE
    [{'family': 'Oord', 'given': 'Aäron', 'non-dropping-particle': 'van den'},
     {'literal': 'OpenAI'}]
    """
    # bibtexparser's name parser loads with the first names read, not with every renderer.
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for name in split_multiple_persons_names(value):
        if _is_literal(name):
            names.append({"literal": to_text(name)})
            continue
        parts = parse_single_name_into_parts(name, strict=False)
        pieces = {"family": parts.last, "given": parts.first,
                  "non-dropping-particle": parts.von, "suffix": parts.jr}
        names.append({k: to_text(" ".join(v)) for k, v in pieces.items() if v})
    return names


def _is_literal(name: str) -> bool:
    """Whether a name is one brace group, a corporate name BibTeX never splits."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return True


def person_text(name: Mapping[str, str]) -> str:
    """A CSL name as it is read: "Given particle Family, Suffix" or the literal.

    >>> person_text({"family": "Oord", "given": "Aäron", "non-dropping-particle": "van den"})
    'Aäron van den Oord'
    """
    if "literal" in name:
        return name["literal"]
    parts = (name.get("given"), name.get("non-dropping-particle"), name.get("family"))
    text = " ".join(part for part in parts if part)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def _authors_text(names: Sequence[Mapping[str, str]]) -> str:
    people = [person_text(name) for name in names]
    if len(people) <= 2:
        return " and ".join(people)
    return ", ".join(people[:-1]) + ", and " + people[-1]


def render_reference(record: Record, markdown: bool = False) -> str:
    """One reference in ACL's style, as plain text or as Markdown (venue in italics, link).

    >>> render_reference(Record("k", "article", (("author", "Cui, Wenqian"),
    ...     ("title", "A {Survey}"), ("journal", "arXiv preprint arXiv:2410.03751"),
    ...     ("year", "2024"), ("eprint", "2410.03751"))))
    'Wenqian Cui. 2024. A Survey. arXiv preprint arXiv:2410.03751.'
    """
    item = to_csl(record)
    esc = escape_markdown if markdown else _same
    parts = [esc(_authors_text(item.get("author", []))), esc(record.get("year") or "n.d."),
             esc(item.get("title", record.key)), _venue(record, item, markdown)]
    text = " ".join(_sentence(part) for part in parts if part)
    target = f"https://doi.org/{item['DOI']}" if "DOI" in item else item.get("URL")
    if target:
        text += " " + (link(target, target) if markdown else target)
    return text


def _same(text: str) -> str:
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _venue(record: Record, item: Mapping[str, Any], markdown: bool) -> str:
    kind = record_kind(record)
    if kind == PREPRINT:
        name = f"arXiv preprint arXiv:{record.get('eprint')}"
    else:
        name = item.get("container-title") or item.get("publisher") or ""
    if not name:
        return ""
    shown = f"*{escape_markdown(name)}*" if markdown else name
    prefix = "In " if record.type in {"inproceedings", "incollection", "conference"} else ""
    details = [f"volume {item['volume']}"] if "volume" in item else []
    details += [f"pages {item['page'].replace('-', EN_DASH)}"] if "page" in item else []
    return ", ".join([prefix + shown, *details])
