"""Where a new row goes in its section, and the file name that puts it there.

Rows are ordered by their files' names, which start with a number: ``010-moshi.yaml``.
The numbers are read as decimal fractions (``010`` is 0.010), so there is always a number
between two others (``015``, then ``0125``) and no file ever has to be renamed to make room.
A file name's digits end at its ``-``, which sorts before every digit: name order and
number order agree.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import InputError
from .model import Library, Row

_NUMBER = re.compile(r"(\d+)-")
FIRST, LAST = "first", "last"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where to put a new row.

    ``FIRST``, ``LAST``, after the row citing a key, or (both None) where the section's own
    order puts it: first in a list kept newest first, else last.
    """

    position: str | None = None
    after: str | None = None


def number_between(low: str | None, high: str | None) -> str:
    """The shortest number (three digits at least) strictly between two file numbers.

    After the last number comes the next ten, as the numbers import gives.

    >>> number_between("010", "020"), number_between("010", "011"), number_between(None, "010")
    ('015', '0105', '005')
    >>> number_between("140", None), number_between("995", None), number_between(None, None)
    ('150', '997', '010')
    """
    if high is None and (low is None or int(low[:3]) < 990):
        return f"{(int(low[:3]) if low else 0) // 10 * 10 + 10:03d}"
    lower = Decimal("0." + low) if low else Decimal(0)
    upper = Decimal("0." + high) if high else Decimal(1)
    middle = str((lower + upper) / 2).split(".")[1]
    for length in range(3, len(middle) + 1):
        candidate = middle[:length]
        if lower < Decimal("0." + candidate) < upper:
            return candidate
    return middle


def file_number(name: str) -> str | None:
    """The number a file name starts with, or None.

    >>> file_number("0105-moshi.yaml"), file_number("moshi.yaml")
    ('0105', None)
    """
    match = _NUMBER.match(name)
    return match.group(1) if match else None


def newest_first(years: Sequence[int]) -> bool:
    """Whether a sequence of years mostly goes down: a list kept newest first.

    >>> newest_first([2025, 2025, 2024, 2023, 2024]), newest_first([2015, 2020, 2019, 2021])
    (True, False)
    """
    pairs = list(itertools.pairwise(years))
    return sum(a > b for a, b in pairs) > sum(a < b for a, b in pairs)


def place(library: Library, section: str, placement: Placement) -> str:
    """The file number that puts a new row where the placement says in its section."""
    rows = library.section_rows(section)
    numbers = [file_number(row.entry.path.name) for row in rows]
    if None in numbers:
        raise InputError(f"the files of section '{section}' do not all start with a number "
                         "(NNN-name.yaml), so a new row cannot be placed among them",
                         library.list_path.parent / section)
    known = [n for n in numbers if n is not None]
    index = _index(rows, placement)
    return number_between(known[index - 1] if index > 0 else None,
                          known[index] if index < len(known) else None)


def _index(rows: Sequence[Row], placement: Placement) -> int:
    """The index the new row takes among the section's rows."""
    if placement.after is not None:
        matches = [i for i, row in enumerate(rows) if row.key == placement.after]
        if not matches:
            keys = ", ".join(dict.fromkeys(row.key for row in rows if row.key)) or "none"
            raise InputError(f"--after: no row of this section cites '{placement.after}' "
                             f"(keys: {keys})")
        return matches[-1] + 1
    position = placement.position
    if position is None:
        position = FIRST if newest_first(_years(rows)) else LAST
    return 0 if position == FIRST else len(rows)


def _years(rows: Sequence[Row]) -> list[int]:
    """The years of the rows' records, where they have one."""
    years = []
    for row in rows:
        year = row.record.get("year") if row.record else None
        if year and year.strip().isdigit():
            years.append(int(year))
    return years
