"""Nearly equal titles, found without comparing every pair: blocking, rapidfuzz, difflib.

Two normalised titles are nearly equal when three things hold:

- their sets of word stems (a word's first ``STEM`` letters) share a bucket: the sets are
  equal, or equal once one stem is left out of one of them or of each (for sets of at least
  three stems);
- their sequences of stems are equal once at most one word is taken out of each: a word
  added, dropped, changed or moved, spelling variants within a word's first letters;
- difflib's ratio of the two titles is at least ``SIMILARITY``, one way or the other (difflib's
  ratio of a to b is not always that of b to a: taking the larger keeps the findings
  independent of the order of the records).

Titles are blocked by their stem sequence and each sequence with one word left out: only
titles that share one of those signatures are candidates, so that the candidates grow with
the number of titles and not with its square, even when every title is drawn from a few
words of one subfield (where the buckets of stem sets alone hold thousands of titles).
rapidfuzz's ratio (a longest common subsequence, never below difflib's matching blocks)
then discards almost every candidate in C, and difflib decides on the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

SIMILARITY = 0.9
"""The difflib ratio from which two normalised titles count as nearly the same."""
STEM = 5
"""Words are compared by their first letters only, so "Modelling" and "Modeling" meet."""
_CUTOFF = SIMILARITY * 100 - 0.5
"""rapidfuzz's score below which difflib's ratio is surely under ``SIMILARITY`` (with a margin
for rounding: rapidfuzz's ratio is at least difflib's)."""


def similar_pairs(titles: Mapping[str, str]) -> set[tuple[str, str]]:
    """Pairs of keys (in key order) whose titles are nearly but not exactly the same.

    >>> sorted(similar_pairs({"a": "generative spoken language modeling from raw audio",
    ...                       "b": "generative spoken language modelling from raw audio",
    ...                       "c": "textless speech to speech translation"}))
    [('a', 'b')]
    """
    stems = {key: stem_sequence(title) for key, title in titles.items()}
    return {pair for pair in candidate_pairs(stems) if _similar(pair, titles, stems)}


FEW_CHANGED = 16
"""Up to how many changed titles ``similar_pairs_since`` updates the pairs found before."""


def similar_pairs_since(titles: Mapping[str, str], before: Mapping[str, str],
                        pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """``similar_pairs`` of titles, from the ``pairs`` it found among the titles ``before``.

    Two titles that did not change are as similar as they were: only the pairs that hold a
    changed title are looked for again, when few changed (else all are).

    >>> before = {"a": "textless speech", "b": "spoken language modeling from raw audio"}
    >>> titles = {**before, "c": "spoken language modelling from raw audio"}
    >>> similar_pairs_since(titles, before, similar_pairs(before))
    {('b', 'c')}
    """
    changed = [key for key, title in titles.items() if before.get(key) != title]
    gone = set(changed) | (before.keys() - titles.keys())
    if len(gone) > FEW_CHANGED:
        return similar_pairs(titles)
    return {pair for pair in pairs if gone.isdisjoint(pair)} | pairs_with(changed, titles)


def pairs_with(keys: Iterable[str], titles: Mapping[str, str]) -> set[tuple[str, str]]:
    """The pairs ``similar_pairs`` finds that hold one of ``keys``, without blocking them all.

    Each of the keys' titles is compared with every title: those whose stem sequences share
    a signature with it are its candidates (titles more than one word longer or shorter, or
    with more than one stem apart, cannot be). For a few keys this is quicker than filing
    every title again.

    >>> titles = {"a": "generative spoken language modeling from raw audio",
    ...           "b": "generative spoken language modelling from raw audio",
    ...           "c": "generative spoken language modelling", "d": "textless speech"}
    >>> sorted(pairs_with(["b"], titles)) == sorted(similar_pairs(titles))
    True
    """
    found = set()
    for key in keys:
        sequence = stem_sequence(titles[key])
        signatures, stems = _signatures(sequence), set(sequence)
        for other, title in titles.items():
            words = title.split()
            if other == key or abs(len(words) - len(sequence)) > 1:
                continue
            theirs = tuple(word[:STEM] for word in words)
            if (len(stems & set(theirs)) >= max(len(stems), len(set(theirs))) - 1
                    and not signatures.isdisjoint(_signatures(theirs))):
                pair = (key, other) if key < other else (other, key)
                if _similar(pair, titles, {key: sequence, other: theirs}):
                    found.add(pair)
    return found


def _similar(pair: tuple[str, str], titles: Mapping[str, str],
             stems: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether two candidates' titles are nearly the same, and their stem sets one apart."""
    first, second = pair
    return (_near(titles[first], titles[second])
            and share_bucket(frozenset(stems[first]), frozenset(stems[second])))


def stem_sequence(title: str) -> tuple[str, ...]:
    """The stems of a normalised title's words, in order.

    >>> stem_sequence("generative spoken language modelling")
    ('gener', 'spoke', 'langu', 'model')
    """
    return tuple(word[:STEM] for word in title.split())


def candidate_pairs(stems: dict[str, tuple[str, ...]]) -> set[tuple[str, str]]:
    """Pairs of keys (in key order) whose stem sequences share a signature."""
    buckets: dict[tuple[str, ...], list[str]] = {}
    for key, sequence in stems.items():
        for signature in _signatures(sequence):
            buckets.setdefault(signature, []).append(key)
    return {pair for keys in buckets.values() if len(keys) > 1 for pair in _pairs(keys)}


def _signatures(sequence: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A stem sequence and each sequence with one word taken out (never the empty one).

    >>> sorted(_signatures(("a", "b", "a")))
    [('a', 'a'), ('a', 'b'), ('a', 'b', 'a'), ('b', 'a')]
    """
    found = {sequence[:index] + sequence[index + 1:] for index in range(len(sequence))}
    return ({sequence} | found) - {()}


def _pairs(keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    ordered = sorted(set(keys))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            yield first, second


def share_bucket(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two sets of stems are equal, or one stem apart (sets of three stems or more).

    A set of at least three stems is filed under itself and under each set with one stem
    left out; a smaller set only under itself. Two sets filed under one signature:

    >>> share = lambda a, b: share_bucket(frozenset(a), frozenset(b))
    >>> share("abc", "ab"), share("ab", "a"), share("abc", "abd"), share("ab", "ac")
    (True, False, True, False)
    """
    if not first or not second:
        return False
    if first == second:
        return True
    small, large = sorted((first, second), key=len)
    if len(large) - len(small) == 1:
        return len(large) >= 3 and small < large
    return len(small) == len(large) >= 3 and len(small & large) == len(small) - 1


def _near(first: str, second: str) -> bool:
    # Loaded for the first candidate pair: most small lists have none.
    import difflib

    from rapidfuzz import fuzz

    if first == second or fuzz.ratio(first, second, score_cutoff=_CUTOFF) == 0:
        return False
    return any(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILARITY
               for a, b in ((first, second), (second, first)))
