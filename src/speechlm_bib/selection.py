"""Which records an export writes: chosen keys, sections and the keys a paper cites."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InputError
from .model import Library, Record
from .tex.scan import CitedKeys

_KEY_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class Selection:
    """Which records to export: chosen keys, sections and the keys a paper cites.

    Nothing chosen means every record; otherwise the union of what is chosen.
    """

    keys: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    cited: CitedKeys | None = None

    @property
    def everything(self) -> bool:
        """Whether nothing narrows the export."""
        return not self.keys and not self.sections and self.cited is None


def select_records(library: Library, selection: Selection) -> tuple[Record, ...]:
    """The selected records in key order; unknown keys or sections raise ``InputError``."""
    records = library.in_key_order
    if selection.everything or (selection.cited is not None and selection.cited.all_keys):
        return records
    _check_keys(selection.keys, library)
    _check_sections(selection.sections, library)
    wanted = set(selection.keys)
    wanted.update(r.key for r in records if set(r.sections) & set(selection.sections))
    if selection.cited is not None:
        _check_cited(selection.cited, library)
        wanted.update(selection.cited.keys)
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


def _check_cited(cited: CitedKeys, library: Library) -> None:
    missing = [c for c in cited.citations if c.key not in library.by_key]
    if missing:
        keys = ", ".join(dict.fromkeys(c.key for c in missing))
        first = missing[0]
        raise InputError(f"cited but not in the bibliography: {keys}", first.path, first.line)


def split_keys(values: Iterable[str]) -> tuple[str, ...]:
    """Keys given as repeated options or comma/space separated lists, each once, in order.

    >>> split_keys(["a,b", "c a"])
    ('a', 'b', 'c')
    """
    keys = (key for value in values for key in _KEY_SPLIT.split(value) if key)
    return tuple(dict.fromkeys(keys))
