"""Which records an export writes: chosen keys, sections and the keys a paper cites.

A paper's citations are sorted three ways (``sort_citations``): keys the repository has a
record of are exported, keys the paper's other bibliography files define are left to them
(BibTeX and biber would report a second copy), and keys defined nowhere are reported, the
rest being exported all the same.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .model import Library, Record
from .paper import Paper, definitions

if TYPE_CHECKING:
    from .tex.scan import Citation

_KEY_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class Selection:
    """Which records to export: chosen keys, sections and the keys a paper cites.

    Nothing chosen means every record; otherwise the union of what is chosen. ``paper`` holds
    the paper's citations and its bibliography files other than the export's own.
    """

    keys: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    paper: Paper | None = None

    @property
    def everything(self) -> bool:
        """Whether nothing narrows the export."""
        return not self.keys and not self.sections and self.paper is None


@dataclass(frozen=True, slots=True)
class SortedCitations:
    """A paper's cited keys sorted for an export.

    ``exported``: keys the repository's records give; ``elsewhere``: keys left to the paper's
    other bibliography files, by file in declaration order; ``undefined``: the first citation
    of each key defined nowhere.
    """

    exported: tuple[str, ...]
    elsewhere: tuple[tuple[Path, tuple[str, ...]], ...]
    undefined: tuple[Citation, ...]


def sort_citations(library: Library, paper: Paper) -> SortedCitations:
    r"""Which cited keys an export writes, leaves to the paper's other files, or cannot find.

    With ``\nocite{*}`` every record is cited, save those the other files define.
    """
    defined = definitions(paper)
    keys = tuple(library.by_key) if paper.cited.all_keys else paper.cited.keys
    elsewhere: dict[Path, list[str]] = {}
    for key in keys:
        if key in defined:
            elsewhere.setdefault(defined[key][0].path, []).append(key)
    firsts = {c.key: c for c in reversed(paper.cited.citations)}
    undefined = tuple(firsts[k] for k in paper.cited.keys
                      if k not in library.by_key and k not in defined)
    exported = tuple(k for k in keys if k in library.by_key and k not in defined)
    order = [bib.path for bib in paper.files]
    files = sorted(elsewhere.items(), key=lambda item: order.index(item[0]))
    return SortedCitations(exported, tuple((path, tuple(ks)) for path, ks in files), undefined)


def select_records(library: Library, selection: Selection) -> tuple[Record, ...]:
    """The selected records in key order; unknown keys or sections raise ``InputError``.

    A paper's keys defined nowhere raise nothing: ``sort_citations`` reports them.
    """
    records = library.in_key_order
    if selection.everything:
        return records
    _check_keys(selection.keys, library)
    _check_sections(selection.sections, library)
    wanted = set(selection.keys)
    wanted.update(r.key for r in records if set(r.sections) & set(selection.sections))
    if selection.paper is not None:
        wanted.update(sort_citations(library, selection.paper).exported)
    return tuple(r for r in records if r.key in wanted)


def _check_keys(keys: Iterable[str], library: Library) -> None:
    unknown = [key for key in dict.fromkeys(keys) if key not in library.by_key]
    if unknown:
        hints = [_hint(key, sorted(library.by_key)) for key in unknown]
        raise InputError("no record has the key " + ", ".join(hints))


def _hint(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def _check_sections(sections: Iterable[str], library: Library) -> None:
    ids = [s.id for s in library.sections]
    unknown = [s for s in sections if s not in ids]
    if unknown:
        raise InputError(f"unknown section '{unknown[0]}' (sections: {', '.join(ids)})",
                         library.list_path)


def split_keys(values: Iterable[str]) -> tuple[str, ...]:
    """Keys given as repeated options or comma/space separated lists, each once, in order.

    >>> split_keys(["a,b", "c a"])
    ('a', 'b', 'c')
    """
    keys = (key for value in values for key in _KEY_SPLIT.split(value) if key)
    return tuple(dict.fromkeys(keys))
