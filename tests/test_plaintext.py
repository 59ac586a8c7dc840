"""The fast decoder of BibTeX values gives pylatexenc's text wherever it answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_walker_context_db
from pylatexenc.macrospec import MacroSpec

from speechlm_bib.bibtex.latex import escape, href_text, protect_title, to_text
from speechlm_bib.bibtex.names import bibtex_name
from speechlm_bib.bibtex.plaintext import SYMBOLS, fast_text


def _reference() -> Any:
    """The decoder to_text used before it had a fast path, built the same way."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "speechlm_bib", prepend=True,
        macros=[MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textperiodcentered", "·"),
                MacroTextSpec("href", simplify_repl=href_text)])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


def _parser() -> Any:
    """pylatexenc's parser's macros, and \\href's two arguments."""
    context = get_walker_context_db()
    context.add_context_category("speechlm_bib", macros=[MacroSpec("href", "{{")],
                                 prepend=True)
    return context


REFERENCE, PARSER = _reference(), _parser()


def pylatexenc_text(value: str) -> str:
    return str(REFERENCE.latex_to_text(value, latex_context=PARSER))


def agrees(value: str) -> bool:
    fast = fast_text(value)
    return fast is None or fast == pylatexenc_text(value)


LETTERS = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))
HAND_PIECES = st.sampled_from([
    "{", "}", "{}", "-", "--", "---", "'", "''", "`", "``", "!`", "?`", "!", "?", "~", " ",
    "  ", "\n", "\t", "%", "% note\n", "$", "$x^2$", "&", "\\&", "\\%", "\\$", "\\#", "\\_",
    "\\{", "\\}", "\\\\", "\\ ", "\\'e", "\\'{e}", "{\\'e}", "\\'ea", "\\' e", "\\'{}",
    "\\'\\i}", "{\\^\\j}", "\\v{\\i}", "\\\"o", "\\\"{O}", "\\^{i}", "\\~n", "\\=a",
    "\\.z", "\\c{c}", "\\c c", "\\H{o}",
    "\\v{s}", "\\u{a}", "\\k{a}", "\\r{u}", "\\d{a}", "\\b{a}", "\\'\\i", "\\'{\\i}", "\\L",
    "\\L{}", "{\\L}", "\\L ", "\\l", "\\ss", "\\ss{}", "{\\o}", "\\textbackslash{}",
    "\\textbackslash", "\\textasciitilde{}", "\\textasciicircum{}", "\\textendash{}",
    "{\\textemdash}", "\\emph{x}", "\\textbf{Bold}", "\\url{x}", "\\cite{k}", "\\unknown",
    "\\newline", "\\alpha", "{\\em x}", "^", "_", "#", "[", "]", "x", "Word", "é", "\u0301",
    "\\ensuremath{\\alpha}", "\\textsc{abc}", "\\mbox{A}", "{{A}}", "}{", "\\",
    "\\href{https://x.org}{X}", "\\href", "\\href{u}",
])
HAND_WRITTEN = st.lists(HAND_PIECES | st.text(LETTERS, max_size=4), max_size=12).map("".join)


@pytest.mark.parametrize("name", sorted(SYMBOLS))
@pytest.mark.parametrize("form", ["{\\%s}", "\\%s{}", "\\%s", "{\\%s}x", "\\%s{} x", "A{\\%s}B"])
def test_every_symbol_decodes_as_pylatexenc_does(name: str, form: str) -> None:
    value = form % name
    assert fast_text(value) == pylatexenc_text(value)


@settings(max_examples=400)
@given(st.text())
def test_escaped_text_decodes_as_pylatexenc_does(text: str) -> None:
    assert agrees(escape(text))


@settings(max_examples=300)
@given(st.text(), st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_protected_titles_decode_as_pylatexenc_does(title: str, terms: list[str]) -> None:
    assert agrees(protect_title(title, terms))


@settings(max_examples=300)
@given(st.text(LETTERS | st.sampled_from(" -'.~{}\\"), max_size=30))
def test_names_decode_as_pylatexenc_does(name: str) -> None:
    assert agrees(bibtex_name(name))


@settings(max_examples=1000)
@given(HAND_WRITTEN)
def test_hand_written_bibtex_decodes_as_pylatexenc_does(value: str) -> None:
    assert agrees(value)
    assert to_text(value) == (pylatexenc_text(value)
                              if {"\\", "{", "$"} & set(value) else value)


@pytest.mark.parametrize(("value", "text"), [
    ("{LLaMA}-{Omni}: Seamless Speech Interaction with {GPT}-4o",
     "LLaMA-Omni: Seamless Speech Interaction with GPT-4o"),
    ("van den Oord, A{\\\"a}ron", "van den Oord, Aäron"),
    ("{\\L}ukasz Kaiser and D{\\'e}fossez, Alexandre", "Łukasz Kaiser and Défossez, Alexandre"),
    ("50\\% of {R\\&D} in C\\#", "50% of R&D in C#"),
    ("A-{}-B `{}`quoted'{}'", "A--B ``quoted''"),
    ("Garc{\\'\\i}a and Mar\\'{\\i}a {\\u{\\i}}", "García and María ĭ"),
    ("{\\'\\i x}", None),  # the accent's argument is not the dotless i alone
    ("{A} -- B", None),
    ("$\\alpha$-Net", None),
    ("\\emph{Moshi}", None),
    ("{unbalanced", None),
])
def test_fast_path_reads_what_the_tool_writes_and_leaves_the_rest(value: str,
                                                                   text: str | None) -> None:
    assert fast_text(value) == text
    assert to_text(value) == pylatexenc_text(value)


@pytest.mark.parametrize("text", ["Défossez", "Łukasz", "Aäron", "Chloé Jörg", "Thành",
                                  "Müller-Lüdenscheidt", "Straße", "Øyvind Åsen",
                                  "\N{LATIN CAPITAL LETTER C WITH CEDILLA}a\u011fr\u0131",
                                  "50% R&D_x #1 ~ ^",
                                  "“quoted” \N{EN DASH} dash — em… 3\N{MULTIPLICATION SIGN}4 ·",
                                  "Dvořák Šimánek Ždánský Łódź Ős Ű"])
def test_what_escape_writes_for_european_names_takes_the_fast_path(text: str) -> None:
    escaped = escape(text)
    assert fast_text(escaped) == pylatexenc_text(escaped) == text
