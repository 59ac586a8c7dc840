"""Family names read by BibTeX's rules give what bibtexparser's parser gives."""

from __future__ import annotations

import pytest
from bibtexparser.middlewares.names import parse_single_name_into_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from speechlm_bib.familynames import plain_family

WORDS = st.sampled_from(["van", "den", "de", "la", "Oord", "Défossez", "Alexandre", "Tu",
                         "Anh", "Nguyen", "Jr.", "III", "d'Alembert", "O'Brien",
                         "García-López", "1st", "", "ängström", "Ängström", "von", "Łukasz",
                         "x", "Y.", "-", "e.", "ǅemal"])
NAMES = st.lists(WORDS | st.sampled_from([",", " ", "  ", ", "]), max_size=9).map(" ".join)
CHARS = st.text(st.characters(codec="utf-8", exclude_characters="{}\\~\r\n\t") | st.just(","),
                max_size=24)


def bibtexparser_family(name: str) -> str:
    parts = parse_single_name_into_parts(name, strict=False)
    return (" ".join(parts.last) or " ".join(parts.first)).replace("{", "").replace("}", "")


@settings(max_examples=1500)
@given(NAMES)
def test_names_of_words_read_as_bibtexparser_reads_them(name: str) -> None:
    plain = plain_family(name)
    assert plain is None or plain == bibtexparser_family(name)


@settings(max_examples=1500)
@given(CHARS)
def test_any_text_without_braces_reads_as_bibtexparser_reads_it(name: str) -> None:
    plain = plain_family(name)
    assert plain is None or plain == bibtexparser_family(name)


@settings(max_examples=1500)
@given(CHARS)
def test_one_brace_group_reads_as_bibtexparser_reads_it(text: str) -> None:
    name = "{" + text + "}"
    assert plain_family(name) == bibtexparser_family(name)


@pytest.mark.parametrize(("name", "family"), [
    ("Défossez, Alexandre", "Défossez"), ("van den Oord, Aäron", "Oord"),
    ("Aäron van den Oord", "Oord"), ("Tu Anh Nguyen", "Nguyen"), ("KimiTeam", "KimiTeam"),
    ("Beeblebrox, IV, Zaphod", "Beeblebrox"), ("de la Cruz, María José", "Cruz"),
    (", Only", "Only"), ("Smith,", "Smith"), ("", ""), ("{OpenAI}", "OpenAI"),
    ("{Li Auto}", "Li Auto"),
])
def test_plain_names_take_the_fast_path(name: str, family: str) -> None:
    assert plain_family(name) == family == bibtexparser_family(name)


@pytest.mark.parametrize("name", ["{Open}{AI}", "{\\L}ukasz Kaiser", "Jo~Smith", "a, b, c, d",
                                  "{OpenAI} Team"])
def test_names_with_braces_escapes_ties_or_many_commas_are_left_to_bibtexparser(
        name: str) -> None:
    assert plain_family(name) is None
