"""Nearly equal titles: the blocking finds what comparing stem-set buckets pairwise found."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechlm_bib.checks.duplicates import normalise_title
from speechlm_bib.checks.similarity import (
    FEW_CHANGED,
    candidate_pairs,
    pairs_with,
    share_bucket,
    similar_pairs,
    similar_pairs_since,
    stem_sequence,
)

STEM = 5


def old_signatures(title: str) -> set[frozenset[str]]:
    """The stem-set buckets a title was filed under before the blocking by sequences."""
    stems = frozenset(word[:STEM] for word in title.split())
    if len(stems) < 3:
        return {stems} if stems else set()
    return {stems} | {stems - {stem} for stem in stems}


def ratio(a: str, b: str) -> float:
    """difflib's ratio, the larger of its two ways."""
    return max(difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
               for x, y in ((a, b), (b, a)))


def old_similar_pairs(titles: dict[str, str]) -> set[tuple[str, str]]:
    """The definition before rapidfuzz and the blocking: every pair sharing a stem-set bucket,
    difflib's ratio deciding (taken both ways: one way, it depended on the records' order)."""
    buckets: dict[frozenset[str], list[str]] = {}
    for key, title in titles.items():
        for signature in old_signatures(title):
            buckets.setdefault(signature, []).append(key)
    pairs: set[tuple[str, str]] = set()
    for keys in buckets.values():
        for index, first in enumerate(keys):
            for second in keys[index + 1:]:
                a, b = titles[first], titles[second]
                if a != b and ratio(a, b) >= 0.9:
                    pairs.add((min(first, second), max(first, second)))
    return pairs


def one_word_apart(first: str, second: str) -> bool:
    """Whether two stem sequences are equal once at most one word is taken out of each."""
    a, b = stem_sequence(first), stem_sequence(second)
    common = sum(block.size for block in difflib.SequenceMatcher(None, a, b).get_matching_blocks())
    lcs = _lcs(a, b) if common < max(len(a), len(b)) - 1 else common
    return lcs >= max(len(a), len(b)) - 1


def _lcs(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous, row = row, [0]
        for j, y in enumerate(b):
            row.append(previous[j] + 1 if x == y else max(previous[j + 1], row[j]))
    return row[-1]


VOCABULARY = ["speech", "speeches", "language", "model", "models", "modelling", "modeling",
              "spoken", "audio", "token", "tokens", "codec", "a", "of", "the", "to", "x",
              "neural", "neutral", "stream", "streaming", "colour", "color"]
WORDS = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=7).map(" ".join)


@st.composite
def near_duplicates(draw: st.DrawFn) -> dict[str, str]:
    """Titles and variants of them: a word added, dropped, changed, moved or misspelt."""
    titles = draw(st.lists(WORDS, min_size=1, max_size=12))
    for title in list(titles):
        words = title.split()
        edit = draw(st.sampled_from(["add", "drop", "change", "move", "spell", "two"]))
        position = draw(st.integers(0, len(words)))
        word = draw(st.sampled_from(VOCABULARY))
        if edit == "add":
            words.insert(position, word)
        elif words and edit in {"drop", "move", "change", "two"}:
            taken = words.pop(min(position, len(words) - 1))
            if edit == "move":
                words.insert(draw(st.integers(0, len(words))), taken)
            if edit in {"change", "two"}:
                words.insert(min(position, len(words)), word)
            if edit == "two" and words:
                words[-1] = draw(st.sampled_from(VOCABULARY))
        elif words and edit == "spell":
            words[min(position, len(words) - 1)] += "s"
        titles.append(" ".join(words))
    return {f"k{index:02d}": title for index, title in enumerate(titles)}


@settings(max_examples=500)
@given(near_duplicates())
def test_pairs_are_the_old_ones_one_word_apart(titles: dict[str, str]) -> None:
    old = old_similar_pairs(titles)
    assert similar_pairs(titles) == {(a, b) for a, b in old
                                     if one_word_apart(titles[a], titles[b])}


@settings(max_examples=300)
@given(near_duplicates(), st.data())
def test_the_pairs_with_some_keys_are_the_similar_pairs_that_hold_one(
        titles: dict[str, str], data: st.DataObject) -> None:
    keys = data.draw(st.sets(st.sampled_from(sorted(titles))))
    assert pairs_with(keys, titles) == {pair for pair in similar_pairs(titles)
                                        if keys.intersection(pair)}


@settings(max_examples=300)
@given(near_duplicates(), near_duplicates(), st.data())
def test_pairs_updated_after_edits_are_those_found_afresh(
        before: dict[str, str], variants: dict[str, str], data: st.DataObject) -> None:
    """Titles changed (to near duplicates of others), dropped and added, a few or many."""
    keys = sorted(before)
    titles = dict(before)
    for key in data.draw(st.lists(st.sampled_from(keys), max_size=FEW_CHANGED + 4)):
        titles[key] = data.draw(st.sampled_from(sorted(variants.values())))
    for key in data.draw(st.lists(st.sampled_from(keys), max_size=3)):
        titles.pop(key, None)
    titles |= {f"new{key}": title for key, title in data.draw(
        st.dictionaries(st.sampled_from(sorted(variants)), st.sampled_from(keys)).map(
            lambda picked: {k: before[v] for k, v in picked.items()})).items()}
    assert similar_pairs_since(titles, before, similar_pairs(before)) == similar_pairs(titles)


@settings(max_examples=500)
@given(st.dictionaries(st.from_regex(r"k[0-9]{1,2}", fullmatch=True), WORDS, max_size=15))
def test_no_pair_the_old_definition_did_not_find(titles: dict[str, str]) -> None:
    assert similar_pairs(titles) <= old_similar_pairs(titles)


@settings(max_examples=300)
@given(st.sets(st.sampled_from("abcdefg")), st.sets(st.sampled_from("abcdefg")))
def test_buckets_are_shared_as_the_old_signatures_shared_them(first: set[str],
                                                              second: set[str]) -> None:
    a, b = " ".join(sorted(first)), " ".join(sorted(second))
    old = bool(old_signatures(a) & old_signatures(b))
    assert share_bucket(frozenset(first), frozenset(second)) == old


def test_one_word_edits_of_real_titles_are_found_as_before() -> None:
    titles = {
        "a": "Generative Spoken Language Modeling from Raw Audio",
        "b": "Generative Spoken Language Modelling from the Raw Audio",
        "c": "Textless Spoken Language Modeling from Raw Audio",
        "d": "Moshi: a speech-text foundation model for real-time dialogue",
        "e": "Moshi: a speech-text foundation model for realtime dialogue",
        "f": "Recent Advances in Speech Language Models: A Survey",
        "g": "Recent Advances in Spoken Language Models: A Survey",
        "h": "A Survey: Recent Advances in Speech Language Models",
    }
    normalised = {key: normalise_title(title) for key, title in titles.items()}
    # "real-time" and "realtime" are two stems against one: their stem sets are two apart.
    assert similar_pairs(normalised) == old_similar_pairs(normalised) == {
        ("a", "b"), ("f", "g")}


@pytest.mark.parametrize(("first", "second"), [
    ("models model generation scalable", "codec models generation scalable"),
    ("full duplex self supervised tokens streaming",
     "full duplex self supervised streaming streaming"),
])
def test_a_pair_is_found_whichever_record_comes_first(first: str, second: str) -> None:
    one_way = difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()
    other_way = difflib.SequenceMatcher(None, second, first, autojunk=False).ratio()
    assert min(one_way, other_way) < 0.9 <= max(one_way, other_way)
    assert similar_pairs({"a": first, "b": second}) == {("a", "b")}
    assert similar_pairs({"a": second, "b": first}) == {("a", "b")}


def test_candidates_stay_near_linear_on_titles_from_twenty_words() -> None:
    rng = random.Random(3)
    words = VOCABULARY[:20]
    titles = {f"k{i}": " ".join(rng.choice(words) for _ in range(rng.randint(4, 11)))
              for i in range(4000)}
    stems = {key: stem_sequence(title) for key, title in titles.items()}
    candidates = candidate_pairs(stems)
    # Buckets of stem sets hold about 76,000 pairs here; shared sequences, about 1,400.
    assert len(candidates) < 2 * len(titles)
    assert similar_pairs(titles) == {(a, b) for a, b in old_similar_pairs(titles)
                                     if one_word_apart(titles[a], titles[b])}
