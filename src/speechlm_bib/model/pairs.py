"""Looking a name up in a tuple of (name, value) pairs, as the model's values keep them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
D = TypeVar("D")


def last_value(pairs: Sequence[tuple[str, T]], name: str, default: D = None) -> T | D:  # type: ignore[assignment]
    """The value of the last pair with that name (as ``dict(pairs).get`` gives it), or default.

    Without building a dict: the pairs of a record or an entry are few.

    >>> last_value((("a", 1), ("b", 2), ("a", 3)), "a"), last_value((), "a", 0)
    (3, 0)
    """
    for key, value in reversed(pairs):
        if key == name:
            return value
    return default
