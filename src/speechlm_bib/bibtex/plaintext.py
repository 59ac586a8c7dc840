r"""BibTeX values decoded to plain text without a LaTeX parser, where that is exact.

``latex.to_text`` decodes with pylatexenc's ``latex_to_text``, a full LaTeX parse that costs
tens of microseconds a value. Most values hold only what speechlm-bib writes itself, and what
people write in BibTeX by hand: protective braces, escaped specials (``\&``, ``\%``) and
accents on letters (``{\'e}``, ``\"{o}``, ``{\L}``). ``fast_text`` decodes those forms and
gives the text pylatexenc gives; for anything else (math, other macros, ligatures such as
``--`` and ``''``, comments, unbalanced braces) it returns None and the caller falls back to
pylatexenc. tests/test_plaintext.py checks the two agree over escape()'s and
protect_title()'s output and over hand-written BibTeX.
"""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {
    "'": "\N{COMBINING ACUTE ACCENT}", "`": "\N{COMBINING GRAVE ACCENT}",
    '"': "\N{COMBINING DIAERESIS}", "^": "\N{COMBINING CIRCUMFLEX ACCENT}",
    "~": "\N{COMBINING TILDE}", "=": "\N{COMBINING MACRON}", ".": "\N{COMBINING DOT ABOVE}",
    "c": "\N{COMBINING CEDILLA}", "H": "\N{COMBINING DOUBLE ACUTE ACCENT}",
    "k": "\N{COMBINING OGONEK}", "b": "\N{COMBINING MACRON BELOW}",
    "d": "\N{COMBINING DOT BELOW}", "r": "\N{COMBINING RING ABOVE}",
    "u": "\N{COMBINING BREVE}", "v": "\N{COMBINING CARON}",
}
"""pylatexenc's accent macros: the combining mark each puts on its letter."""
SYMBOLS = {
    "L": "Ł", "l": "ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "aa": "å", "AA": "Å", "i": "\N{LATIN SMALL LETTER DOTLESS I}", "j": "ȷ",
    "ij": "ĳ", "IJ": "Ĳ", "DH": "Ð", "dh": "ð", "DJ": "Đ", "dj": "đ", "NG": "Ŋ", "ng": "ŋ",
    "TH": "Þ", "th": "þ",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textperiodcentered": "·", "textendash": "\N{EN DASH}", "textemdash": "—",
    "textquoteleft": "\N{LEFT SINGLE QUOTATION MARK}",
    "textquoteright": "\N{RIGHT SINGLE QUOTATION MARK}",
    "textquotedblleft": "“", "textquotedblright": "”",
    "quotesinglbase": "\N{SINGLE LOW-9 QUOTATION MARK}", "quotedblbase": "„",
    "guillemotleft": "«", "guillemotright": "»",
    "guilsinglleft": "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK}",
    "guilsinglright": "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}",
    "textellipsis": "…", "textexclamdown": "¡", "textquestiondown": "¿",
    "textsterling": "£", "texteuro": "€", "textyen": "¥", "textcent": "¢",
    "textdegree": "°", "textcopyright": "©", "textregistered": "®", "texttrademark": "™",
    "textsection": "§", "textparagraph": "¶", "textdagger": "†", "textdaggerdbl": "‡",
    "textbullet": "•", "texttimes": "\N{MULTIPLICATION SIGN}", "textdiv": "÷",
    "textmu": "µ", "textonehalf": "½", "textonequarter": "¼", "textthreequarters": "¾",
    "textonesuperior": "¹", "texttwosuperior": "²", "textthreesuperior": "³",
    "textordfeminine": "ª", "textordmasculine": "º", "textperthousand": "‰",
}
"""Macros without arguments and the text pylatexenc decodes them to (``textasciicircum``
and ``textperiodcentered`` as ``latex.to_text`` redefines them)."""

_TOKEN = re.compile(r"""
    (?P<text>[^\\{}$%&~`'!?\-]+)
  | (?P<open>\{) | (?P<close>\})
  | -(?!-) | '(?!') | `(?!`) | [!?](?!`)
  | (?P<tilde>~)
  | \\(?P<special>[&%$\#_{}])
  | \\(?P<accent>['`"^~=.])(?:(?P<bare>[A-Za-z])|\{(?P<braced>[A-Za-z])\}
                             |\\(?P<dotless>[ij])(?=\})|\{\\(?P<dotless_braced>[ij])\})
  | \\(?P<lettered>[cHkbdruv])\{(?:(?P<argument>[A-Za-z])|\\(?P<dotless_argument>[ij]))\}
  | \\(?P<symbol>[A-Za-z]+)(?:\{\}|(?=\})|\Z)
""", re.VERBOSE)
"""One piece of a value the fast path reads: text, a brace, a lone dash or quote, a tilde,
an escaped special, an accented letter (``\\i`` and ``\\j`` accented as i and j, as
pylatexenc does) or an argument-less macro (ended by ``{}``, by the group's closing brace or
by the end of the value, so that no space follows it)."""


def fast_text(value: str) -> str | None:
    r"""The plain text of a BibTeX value, or None where only a LaTeX parser can tell.

    >>> fast_text(r"{LLaMA}-{Omni}: D{\'e}fossez \& {\L}ukasz 50\%")
    'LLaMA-Omni: Défossez & Łukasz 50%'
    >>> fast_text(r"A-{}-B `{}`x'{}'"), fast_text("A--B"), fast_text(r"$x$")
    ("A--B ``x''", None, None)
    """
    pieces: list[str] = []
    depth, position = 0, 0
    for match in _TOKEN.finditer(value):
        if match.start() != position:
            return None
        position = match.end()
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        else:
            piece = _piece(match, kind)
            if piece is None:
                return None
            pieces.append(piece)
    if position != len(value) or depth:
        return None
    return "".join(pieces)


def _piece(match: re.Match[str], kind: str | None) -> str | None:
    """The text of one piece that is not a brace (None: an unknown macro)."""
    if kind == "tilde":
        return "\N{NO-BREAK SPACE}"
    if kind == "special":
        return match.group("special")
    if kind in {"bare", "braced", "dotless", "dotless_braced"}:
        return _accented(match.group(kind), match.group("accent"))
    if kind in {"argument", "dotless_argument"}:
        return _accented(match.group(kind), match.group("lettered"))
    if kind == "symbol":
        return SYMBOLS.get(match.group("symbol"))
    return match.group()


def _accented(letter: str, accent: str) -> str:
    """A letter with an accent, composed as pylatexenc composes it.

    >>> _accented("e", "'"), _accented("c", "c")
    ('é', 'ç')
    """
    return unicodedata.normalize("NFC", letter + _ACCENTS[accent])
