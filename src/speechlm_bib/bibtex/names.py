"""Person names as BibTeX writes them: "Family, Given" with LaTeX-encoded letters."""

from __future__ import annotations

import functools
import re

from ..keys import name_parts
from ..memo import MEMOISED
from .latex import escape

_NAME_SYNTAX = re.compile(r"[{}\\~]")
_NOT_PLAIN_NAME = re.compile(r"[,{}\\~\r\n\t]|  |^ | $")


@functools.lru_cache(maxsize=MEMOISED)  # names recur: a lab's, a subfield's authors
def bibtex_name(name: str) -> str:
    r"""A name as arXiv writes it ("Given Family") in BibTeX's "Family, Given" form.

    >>> bibtex_name("Aäron van den Oord")
    'van den Oord, A{\\"a}ron'
    >>> bibtex_name("KimiTeam")
    'KimiTeam'
    >>> bibtex_name("Łukasz de la Cruz")
    'de la Cruz, {\\L}ukasz'
    """
    words = name.split()
    if _NAME_SYNTAX.search(name):
        # Escape word by word first: a plain name's ~ or braces are not BibTeX name syntax.
        escaped = " ".join(escape(word) for word in words)
        parts = _name_parts(escaped)
        return "{" + escaped + "}" if parts is None else _join_name(*parts)
    text = " ".join(words)
    parts = _plain_name_parts(text) or _name_parts(text)
    if parts is None:
        return "{" + escape(text) + "}"
    return _join_name(*(escape(part) for part in parts))



def _join_name(family: str, jr: str, given: str) -> str:
    pieces = [family] + ([jr] if jr else [])
    return ", ".join(pieces + ([given] if given else []))



def _plain_name_parts(name: str) -> tuple[str, str, str] | None:
    """Family, jr and given of a plain "Given ... Family" name without lowercase words.

    BibTeX's rules give such a name no von and no jr part: the last word is the family
    name. Anything else (commas, braces, particles, words that do not start with a letter)
    is left to the full parser.

    >>> _plain_name_parts("Tu Anh Nguyen"), _plain_name_parts("Aäron van den Oord")
    (('Nguyen', '', 'Tu Anh'), None)
    """
    if not name or _NOT_PLAIN_NAME.search(name):
        return None
    words = name.split(" ")
    if not all(word[:1].isalpha() for word in words):
        return None
    if len(words) > 2 and any(_lowercase_word(word) for word in words):
        return None
    return words[-1], "", " ".join(words[:-1])


def _lowercase_word(word: str) -> bool:
    """Whether BibTeX takes a word for lowercase: its first letter is not a capital."""
    letter = next((char for char in word if char.isalpha()), None)
    return letter is not None and not letter.isupper()


def _name_parts(name: str) -> tuple[str, str, str] | None:
    """Family (with von), jr and given of any name, by bibtexparser's parser."""
    parts = name_parts(name)
    if parts is None:
        return None
    return " ".join(parts.von + parts.last), " ".join(parts.jr), " ".join(parts.first)


