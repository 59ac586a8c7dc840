"""Citation keys in Google Scholar's style: family name, year, first significant title word.

Pure helpers, each with doctests.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

from .familynames import plain_family
from .memo import MEMOISED

if TYPE_CHECKING:
    from bibtexparser.middlewares.names import NameParts

STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "over", "the", "to", "via", "with",
})
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "\u0131": "i", "ŋ": "n"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
VALID_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.+/-]*")


@functools.lru_cache(maxsize=MEMOISED)
def fold(text: str) -> str:
    """Fold text to lowercase ASCII letters and digits, dropping accents and the rest.

    >>> fold("Défossez")
    'defossez'
    >>> fold("Łukasz Kaiser-Ø")
    'lukaszkaisero'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub("", ascii_only)


def name_parts(name: str) -> NameParts | None:
    """A person's name split into first, von, last and jr parts; None when it cannot be.

    >>> name_parts("Aäron van den Oord").von
    ['van', 'den']
    """
    # bibtexparser loads with the first name that needs its parser, not at start-up.
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        return parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return None


@functools.lru_cache(maxsize=MEMOISED)
def family_name(name: str) -> str:
    """The family name of a person, particles such as "van den" dropped.

    >>> family_name("Aäron van den Oord")
    'Oord'
    >>> family_name("Défossez, Alexandre")
    'Défossez'
    >>> family_name("{OpenAI}")
    'OpenAI'
    """
    plain = plain_family(name)
    if plain is not None:
        return plain
    parts = name_parts(name)
    if parts is None:
        return name.strip("{} ")
    last = " ".join(parts.last) or " ".join(parts.first)
    return last.replace("{", "").replace("}", "")


def title_word(title: str) -> str:
    """The first title word that is not a stop word, folded.

    >>> title_word("On Generative Spoken Language Modeling from Raw Audio")
    'generative'
    >>> title_word("{LLaMA}-{Omni}: Seamless Speech Interaction")
    'llama'
    >>> title_word("wav2vec 2.0: A Framework")
    'wav2vec'
    """
    for word in re.split(r"[\s\-/:\u2013\u2014]+", title):
        folded = fold(word)
        if folded and folded not in STOP_WORDS:
            return folded
    return ""


def make_key(first_author: str | None, year: int | None, title: str) -> str:
    """The Scholar-style key of a work; parts that are unknown are left out.

    >>> make_key("Alexandre Défossez", 2024, "Moshi: a speech-text foundation model")
    'defossez2024moshi'
    >>> make_key("Wenqian Cui", 2024, "Recent Advances in Speech Language Models: A Survey")
    'cui2024recent'
    >>> make_key(None, None, "")
    'anonymous'
    """
    author = fold(family_name(first_author)) if first_author else ""
    key = f"{author}{year or ''}{title_word(title)}"
    return key if VALID_KEY.fullmatch(key) else "anonymous" + key


def unique_key(base: str, taken: Iterable[str]) -> str:
    """The base key, or the base with the first free suffix a, b, ..., z, aa, ab, ...

    Keys are compared case-insensitively, as BibTeX does.

    >>> unique_key("cui2024recent", ["cui2024recent", "cui2024recenta"])
    'cui2024recentb'
    """
    return free_key(base, {k.lower() for k in taken})


def free_key(base: str, used: Container[str]) -> str:
    """Like ``unique_key``, given the taken keys lowercased (a set kept across many calls).

    >>> free_key("Cui2024recent", {"cui2024recent"})
    'Cui2024recenta'
    """
    if base.lower() not in used:
        return base
    index = 0
    while True:
        candidate = base + _suffix(index)
        if candidate.lower() not in used:
            return candidate
        index += 1


def _suffix(index: int) -> str:
    """The index-th suffix of the sequence a..z, aa..zz, ...

    >>> [_suffix(i) for i in (0, 25, 26)]
    ['a', 'z', 'aa']
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def is_valid_key(key: str) -> bool:
    """Whether a key is safe for both BibTeX and biblatex.

    >>> is_valid_key("defossez2024moshi"), is_valid_key("two words"), is_valid_key("a,b")
    (True, False, False)
    """
    return VALID_KEY.fullmatch(key) is not None
