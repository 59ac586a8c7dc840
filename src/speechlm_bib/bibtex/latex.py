"""Plain text to BibTeX/LaTeX and back: escaping, brace protection, Unicode encoding.

The inverse, ``to_text``, is what renderers use to show a BibTeX value as plain text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..memo import MEMOISED
from ..model import Record
from .plaintext import fast_text

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
# pylatexenc writes these wrongly (Ű as \'{U}, that is Ú): the right LaTeX, first.
_CORRECTIONS = str.maketrans({"Ű": r"{\H{U}}", "ű": r"{\H{u}}"})
APPROXIMATED = "ĦħĸĿŀŉŦŧ"
"""Letters pdflatex has no glyph for that escape() writes as the nearest one (Ħ as H̄):
they do not survive a round trip and are reported by ``unencodable``, as CJK is."""
_LIGATURE_RE = re.compile(
    r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=<)(?=<)|(?<=>)(?=>)|(?<=[!?])(?=`)"
)
"""Between the characters TeX would join into one glyph (-- as an en dash, `` as a quote)."""
_ACTIVE_RE = re.compile(r"[\\{}&%$#_~^]|--|``|''|<<|>>|[!?]`")
"""What escape() changes in ASCII text: a special character or a ligature pair."""
_DIGIT_RE = re.compile(r"\d")
_WORD_RE = re.compile(r"[^\s]+")
_PART_SPLIT = re.compile(r"([-/])")
_CORE = re.compile(r"^(?P<lead>[^\w]*)(?P<core>.*?)(?P<trail>[^\w]*)$", re.UNICODE)


def escape(text: str) -> str:
    r"""Escape LaTeX's special characters and encode what is not ASCII as LaTeX commands.

    >>> escape("50% of R&D_x")
    '50\\% of R\\&D\\_x'
    >>> escape(r"\input{x}")
    '\\textbackslash{}input\\{x\\}'
    >>> escape("Défossez")
    "D{\\'e}fossez"
    >>> escape("A--B ``x''")
    "A-{}-B `{}`x'{}'"
    """
    if text.isascii() and _ACTIVE_RE.search(text) is None:
        return text
    escaped = _LIGATURE_RE.sub("{}", text.translate(_SPECIAL_TABLE))
    if escaped.isascii():
        return escaped
    return unicodedata.normalize("NFC", escaped).translate(_LATEX_TABLE)


_SPECIAL_TABLE = str.maketrans(_SPECIALS)


class _LatexTable(dict[int, str]):
    """A ``str.translate`` table of non-ASCII characters, encoded on demand.

    The encoder replaces characters one by one from a table of single characters (after
    NFC normalisation), so encoding each character once and reusing it gives the same text
    as encoding the whole string, without the encoder's cost per call. The corrections
    come first, as they do for whole strings.
    """

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        latex = char if codepoint < 127 else str(_encoder().unicode_to_latex(char))
        self[codepoint] = latex
        return latex


_LATEX_TABLE = _LatexTable({codepoint: str(latex) for codepoint, latex in _CORRECTIONS.items()})


@functools.cache
def _encoder() -> Any:
    # Built on first use: plain ASCII values, most of them, never need the encoder.
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


def unencodable(text: str) -> str:
    """The characters of text that have no LaTeX form pdflatex can typeset.

    >>> unencodable("Défossez 理想")
    '理想'
    """
    if text.isascii():
        return ""
    text = unicodedata.normalize("NFC", text)
    bad = {c for c in set(text) if c in APPROXIMATED
           or (not c.isascii() and _LATEX_TABLE[ord(c)] == c)}
    return "".join(c for c in text if c in bad) if bad else ""


def needs_protection(part: str) -> bool:
    """Whether a word part would lose meaning if a style lowercased it.

    >>> [needs_protection(w) for w in ("HuBERT", "GPT", "Qwen2.5", "Speech", "wav2vec", "A")]
    [True, True, True, False, False, False]
    """
    if sum(c.isalpha() for c in part) < 2:
        return False
    inner_capital = any(c.isupper() for c in part[1:])
    return inner_capital or (part[0].isupper() and any(c.isdigit() for c in part))


def protect_title(title: str, terms: Iterable[str] = ()) -> str:
    r"""A title as BibTeX: escaped, with acronyms, mixed-case words and terms brace-protected.

    >>> protect_title("LLaMA-Omni: Seamless Speech Interaction with GPT-4o")
    '{LLaMA}-{Omni}: Seamless Speech Interaction with {GPT}-4o'
    >>> protect_title("Kimi-Audio Technical Report", ["Kimi-Audio"])
    '{Kimi-Audio} Technical Report'
    >>> protect_title("A 10000+ Hours Mandarin Corpus", ["Mandarin"])
    'A 10000+ Hours {Mandarin} Corpus'
    """
    pieces = []
    for plain, is_term in _split_terms(title, terms):
        pieces.append("{" + escape(plain) + "}" if is_term else _protect_words(plain))
    return "".join(pieces)


def _split_terms(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    ordered = sorted({t for t in terms if t and t in text}, key=len, reverse=True)
    pieces, last = [], 0
    for start, term in whole_terms(text, ordered):
        pieces += [(text[last:start], False), (term, True)]
        last = start + len(term)
    pieces.append((text[last:], False))
    return [piece for piece in pieces if piece[0]]


def whole_terms(text: str, terms: Sequence[str]) -> Iterator[tuple[int, str]]:
    r"""Where terms stand whole in a text, left to right, never overlapping: (start, term).

    A term stands whole where no letter, digit, underscore or hyphen touches it; where several
    start at one place, the first of ``terms`` is taken. It is what the regular expression
    ``(?<![\w-])(term|term|...)(?![\w-])`` finds, without compiling one for each title's
    terms (titles protect their rows' names, so nearly every title has its own).

    >>> list(whole_terms("Kimi-Audio and Kimi", ["Kimi-Audio", "Kimi"]))
    [(0, 'Kimi-Audio'), (15, 'Kimi')]
    """
    at = 0
    while True:
        found = [(start, index) for index, term in enumerate(terms)
                 if (start := _whole(text, term, at)) >= 0]
        if not found:
            return
        start, index = min(found)
        yield start, terms[index]
        at = start + len(terms[index])


def _whole(text: str, term: str, at: int) -> int:
    """The first place from ``at`` where term stands whole in the text, or -1."""
    start = text.find(term, at)
    while start >= 0:
        end = start + len(term)
        if not (start and _joins(text[start - 1])) and not (end < len(text) and _joins(text[end])):
            return start
        start = text.find(term, start + 1)
    return -1


def _joins(char: str) -> bool:
    r"""Whether a character joins a word (as the regular expressions' ``[\w-]``)."""
    return char.isalnum() or char in "_-"


def _protect_words(text: str) -> str:
    return _WORD_RE.sub(lambda m: _protect_word(m.group()), text)


@functools.lru_cache(maxsize=MEMOISED)  # a subfield's titles share their words
def _protect_word(word: str) -> str:
    return escape(word) if _plain_word(word) else _protect_parts(word)


def _plain_word(word: str) -> bool:
    """Whether no part of an ASCII word needs protection: no inner capital, no capital with digits.

    (Encoded non-ASCII letters can hold quotes that the separators' ligature rule splits.)
    """
    return (word.isascii() and word[1:].islower()
            and not (word[0].isupper() and _DIGIT_RE.search(word) is not None))


def _protect_parts(word: str) -> str:
    match = _CORE.match(word)
    if match is None or not match.group("core"):
        return escape(word)
    parts = _PART_SPLIT.split(match.group("core"))
    words = parts[::2]
    protect = [needs_protection(p) for p in words]
    if any(protect):
        protect = [flag or p[:1].isupper() for flag, p in zip(protect, words, strict=True)]
    out = [escape(match.group("lead"))]
    for index, part in enumerate(parts):
        flagged = index % 2 == 0 and protect[index // 2]
        out.append("{" + escape(part) + "}" if flagged else escape(part))
    out.append(escape(match.group("trail")))
    # Parts are escaped one by one: the separators between them can still form ligatures.
    return _LIGATURE_RE.sub("{}", "".join(out))


@functools.lru_cache(maxsize=MEMOISED)
def to_text(value: str) -> str:
    r"""A BibTeX value as plain Unicode text: LaTeX decoded, protecting braces dropped.

    >>> to_text(r"{LLaMA}-{Omni}: D{\'e}fossez \& 50\%")
    'LLaMA-Omni: Défossez & 50%'
    """
    if "\\" not in value and "{" not in value and "$" not in value:
        return value
    fast = fast_text(value)
    if fast is not None:
        return fast
    return str(_decoder().latex_to_text(value, latex_context=_walker_context()))


@functools.cache
def _decoder() -> Any:
    # Built on first use, as the encoder: plain values never need it.
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    # escape() writes ^ as \textasciicircum{} and · as \textperiodcentered; pylatexenc
    # would read them as the spacing accents U+02C6 and U+02D9.
    context = get_default_latex_context_db()
    macros = [MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textperiodcentered", "·"),
              MacroTextSpec("href", simplify_repl=href_text)]
    context.add_context_category("speechlm_bib", macros=macros, prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim",
                           strict_latex_spaces=True)


def href_text(node: Any, l2tobj: Any) -> str:
    r"""``\href{url}{text}`` as pylatexenc writes it, "text <url>"; nothing when incomplete.

    pylatexenc's own conversion fails on an ``\href`` without its two arguments.
    """
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    if len(args) < 2 or args[0] is None or args[1] is None:
        return ""
    return f"{l2tobj.nodelist_to_text([args[1]])} <{l2tobj.nodelist_to_text([args[0]])}>"


@functools.cache
def _walker_context() -> Any:
    # The parser's default macros, built once: latex_to_text would build them per call.
    # The parser does not know that \href takes two arguments (the conversion to text does).
    from pylatexenc.latexwalker import get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec

    context = get_default_latex_context_db()
    context.add_context_category("speechlm_bib", macros=[MacroSpec("href", "{{")],
                                 prepend=True)
    return context


def field_text(record: Record, name: str) -> str | None:
    """A record's field as plain text: as fetched when it was, else its BibTeX value decoded."""
    plain = record.plain_text(name)
    if plain is not None:
        return plain
    value = record.get(name)
    return None if value is None else to_text(value)


def math_to_text(value: str) -> str:
    r"""Inline math as the Unicode text it shows.

    >>> math_to_text(r"$A/T \rightarrow -$")
    'A/T → -'
    """
    return " ".join(str(_math_decoder().latex_to_text(value)).split())


@functools.cache
def _math_decoder() -> Any:
    # Only import decodes math in table cells.
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")
