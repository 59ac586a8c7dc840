"""The fast paths give what the general code gives: encoder, name parser, key suffixes, reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bibtexparser.middlewares.names import parse_single_name_into_parts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from speechlm_bib.bibtex.latex import (
    _CORRECTIONS,
    _LIGATURE_RE,
    _encoder,
    _plain_word,
    _protect_parts,
    escape,
    protect_title,
    whole_terms,
)
from speechlm_bib.bibtex.names import _name_parts, _plain_name_parts, bibtex_name
from speechlm_bib.keys import free_key, unique_key
from speechlm_bib.memo import read_bytes
from speechlm_bib.store.yamlfile import parse_yaml

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEXT = st.text(st.sampled_from(
    list("aAzZ09 -_&%$#{}~^\\/:.,'`<>!?")
    + list("űŰ\u201déèüßøłŁÅ\u0301\u212b\u00a0ñçİ\u0131Æ理想ọ\x7f")
), max_size=30)
_NAMES = st.lists(
    st.text(st.sampled_from([*"aAbBzZéÉłŁ'.-0", "\u0301"]), min_size=1, max_size=8),
    min_size=1, max_size=5,
).map(" ".join)


def _reference_escape(text: str) -> str:
    """Escaping as one call of the encoder over the whole string."""
    escaped = re.sub(r"[\\{}&%$#_~^]", lambda m: _SPECIALS[m.group()], text)
    escaped = _LIGATURE_RE.sub("{}", escaped)
    if escaped.isascii():
        return escaped
    return str(_encoder().unicode_to_latex(escaped.translate(_CORRECTIONS)))


@given(_TEXT)
def test_escape_encodes_as_the_whole_string_encoder(text: str) -> None:
    assert escape(text) == _reference_escape(text)


def test_escape_examples() -> None:
    assert escape("Défossez & 50%") == r"D{\'e}fossez \& 50\%"
    assert escape("Ångström") == escape("A\u030angstro\u0308m") == r'{\r{A}}ngstr{\"o}m'


@given(_NAMES)
def test_plain_names_split_as_bibtexparser_splits_them(name: str) -> None:
    plain = _plain_name_parts(name)
    if plain is not None:
        parts = parse_single_name_into_parts(name, strict=False)
        assert plain == (" ".join(parts.von + parts.last), " ".join(parts.jr),
                         " ".join(parts.first))
        assert plain == _name_parts(name)


@given(_NAMES)
def test_names_split_on_their_letters_then_escaped(name: str) -> None:
    parts = parse_single_name_into_parts(name, strict=False)
    family = escape(" ".join(parts.von + parts.last))
    given = escape(" ".join(parts.first))
    jr = escape(" ".join(parts.jr))
    expected = ", ".join([family] + ([jr] if jr else []) + ([given] if given else []))
    assert bibtex_name(name) == expected


def test_plain_name_path_leaves_particles_and_commas_to_the_parser() -> None:
    assert _plain_name_parts("Ludwig van Beethoven") is None
    assert _plain_name_parts("Knuth, Donald") is None
    assert _plain_name_parts("Jean-Pierre De La Cruz") == ("Cruz", "", "Jean-Pierre De La")
    assert bibtex_name("Ludwig van Beethoven") == "van Beethoven, Ludwig"
    assert bibtex_name("Łukasz Kaiser") == r"Kaiser, {\L}ukasz"


@given(st.text(st.sampled_from(list("aAbB2.-/:()_&`'<>!éÉİ\u201d")), min_size=1, max_size=12))
def test_plain_words_protect_as_the_general_rule_does(word: str) -> None:
    if _plain_word(word):
        assert _protect_parts(word) == escape(word)


_TERM_TEXT = st.lists(st.sampled_from([*"ab A-_ 1é².", "ab", "a-b"]), max_size=16).map("".join)


@settings(max_examples=800)
@given(_TERM_TEXT, st.lists(st.text(st.sampled_from([*"abA-_1é²."]), min_size=1, max_size=4),
                            max_size=4))
def test_whole_terms_are_found_as_the_regular_expression_finds_them(
        text: str, terms: list[str]) -> None:
    ordered = sorted(set(terms), key=len, reverse=True)
    found = list(whole_terms(text, ordered))
    if ordered:
        pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")
        assert found == [(m.start(), m.group()) for m in pattern.finditer(text)]
    else:
        assert found == []


def test_protect_title_examples() -> None:
    assert protect_title("full-duplex Speech-Text with Qwen2.5 and wav2vec-GPT") == (
        "full-duplex Speech-Text with {Qwen2.5} and wav2vec-{GPT}"
    )


def test_free_key_matches_unique_key_with_a_kept_set() -> None:
    taken = ["cui2024recent", "Cui2024recentA", "cui2024recentb"]
    used = {key.lower() for key in taken}
    assert free_key("cui2024recent", used) == unique_key("cui2024recent", taken)
    assert free_key("cui2024recent", used) == "cui2024recentc"
    assert free_key("new2024key", used) == "new2024key"


def test_yaml_strings_read_as_the_constructor_reads_them(tmp_path: Path) -> None:
    node = parse_yaml("a: 'x: y'\nb: 2410.00037\nc: null\nd: yes\ne: plain text\n",
                      tmp_path / "e.yaml")
    assert node is not None
    values = {name: item.value for name, item in node.value.items()}
    assert values == {"a": "x: y", "b": 2410.00037, "c": None, "d": True, "e": "plain text"}
    assert node.value["b"].raw == "2410.00037"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3 << 17), st.binary(min_size=1, max_size=64))
@example(0, b"x")
@example((1 << 16) - 1, b"xy")
@example(1 << 16, b"xyz")
@example((1 << 16) + 1, b"x")
@example((1 << 16) + (1 << 20) + 7, b"abc")
def test_a_files_bytes_are_read_whole_whatever_its_size(
        tmp_path_factory: pytest.TempPathFactory, size: int, pattern: bytes) -> None:
    path = tmp_path_factory.mktemp("read") / "file"
    data = (pattern * (size // len(pattern) + 1))[:size]
    path.write_bytes(data)
    assert read_bytes(path) == data
