"""Inline Markdown read back: the plain text a cell shows and the links it holds.

An imported list keeps each cell's Markdown as its maintainers wrote it. The plain text
(for keys, checks and LaTeX tables) is what that Markdown shows, without emphasis, HTML and
emoji shortcodes; the links are found with their place in the text, so that a repair can
change a URL and nothing else. Pure helpers; markdown-it is imported when text needs it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from .memo import MEMOISED

_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:")
_MARKUP = re.compile(r"[\\`*_\[\]<>&~!]")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]*)>", re.IGNORECASE)
_BARE = re.compile(r"https?://[^\s<]+", re.IGNORECASE)
_BARE_BEFORE = " \t*_~("
_TRAILING = "?!.,:*_~'\""
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->")
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class InlineLink:
    """A link in a Markdown text: its span, its label's Markdown and its URL's span.

    ``kind`` is ``inline`` (``[label](url)``), ``autolink`` (``<url>``) or ``bare`` (a URL
    GitHub links by itself).
    """

    start: int
    end: int
    label: str
    url: str
    url_start: int
    url_end: int
    kind: str = "inline"


def strip_shortcodes(text: str) -> str:
    """Text without emoji shortcodes, its spaces folded.

    >>> strip_shortcodes(":trident: Speech  Codec Models :fire:")
    'Speech Codec Models'
    """
    return " ".join(_SHORTCODE.sub(" ", text).split())


def plain_text(markdown: str) -> str:
    r"""The text inline Markdown shows: no emphasis, code marks, HTML, links or shortcodes.

    >>> plain_text("**Moshi** <br> `v2` [paper](https://arxiv.org/abs/2410.00037) :fire:")
    'Moshi v2 paper'
    >>> plain_text(r"A &amp; B \* ![logo](x.png)")
    'A & B * logo'
    >>> plain_text("Qwen2.5-Omni: a model")
    'Qwen2.5-Omni: a model'
    """
    if _MARKUP.search(markdown) is None:
        return strip_shortcodes(markdown)
    tokens = _parser().parseInline(markdown)
    return strip_shortcodes("".join(_text(child) for token in tokens
                                    for child in token.children or ()))


def _text(token: Any) -> str:
    if token.type in {"text", "code_inline"}:
        return str(token.content)
    if token.type in {"softbreak", "hardbreak"}:
        return " "
    if token.type == "image":
        return "".join(_text(child) for child in token.children or ())
    if token.type == "html_inline":
        return " " if _LINE_BREAK.fullmatch(token.content.strip()) else ""
    return ""


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt  # only Markdown lists need it: plain lists start faster

    return MarkdownIt("commonmark").enable(["strikethrough", "table"])


def find_links(markdown: str) -> tuple[InlineLink, ...]:
    """The links of inline Markdown in order; images and links inside code are not links.

    >>> [(l.label, l.url) for l in find_links("[a](https://x.org), `[b](c)` ![i](d.png)")]
    [('a', 'https://x.org')]
    >>> [(l.label, l.kind) for l in find_links("[![s](https://b.io/s.svg)](https://g.com/x)")]
    [('![s](https://b.io/s.svg)', 'inline')]
    >>> [l.url for l in find_links("see https://x.org/a_(b). and <https://y.org>")]
    ['https://x.org/a_(b)', 'https://y.org']
    """
    links: list[InlineLink] = []
    at = 0
    while at < len(markdown):
        found, at = _scan(markdown, at)
        if found is not None:
            links.append(found)
    return tuple(links)


def _scan(text: str, at: int) -> tuple[InlineLink | None, int]:
    """The link starting at ``at`` (or None) and where scanning goes on."""
    char = text[at]
    if char == "\\":
        return None, at + 2
    if char == "`":
        return None, _after_code(text, at)
    if char == "<":
        return _angle(text, at)
    if char == "!" and text.startswith("[", at + 1):
        image = _inline_link(text, at + 1)
        return None, image.end if image else at + 2
    if char == "[":
        link = _inline_link(text, at)
        return (link, link.end) if link else (None, at + 1)
    if char in "hH" and (at == 0 or text[at - 1] in _BARE_BEFORE):
        bare = _bare(text, at)
        if bare is not None:
            return bare, bare.end
    return None, at + 1


def _after_code(text: str, at: int) -> int:
    """Where a code span opened at ``at`` ends (after the opening run when it never closes)."""
    run = len(text) - len(text[at:].lstrip("`"))
    fence = text[at:run]
    close = re.compile(rf"(?<!`){fence}(?!`)")
    match = close.search(text, run)
    return match.end() if match else run


def _angle(text: str, at: int) -> tuple[InlineLink | None, int]:
    match = _AUTOLINK.match(text, at)
    if match:
        url = match.group(1)
        return InlineLink(at, match.end(), url, url, match.start(1), match.end(1),
                          "autolink"), match.end()
    tag = _TAG.match(text, at)
    return None, tag.end() if tag else at + 1


def _inline_link(text: str, at: int) -> InlineLink | None:
    """``[label](destination "title")`` starting at the bracket at ``at``, or None."""
    close = _closing_bracket(text, at)
    if close is None or not text.startswith("(", close + 1):
        return None
    span = _destination(text, close + 2)
    if span is None:
        return None
    url_start, url_end, end = span
    return InlineLink(at, end, text[at + 1:close], text[url_start:url_end], url_start, url_end)


def _closing_bracket(text: str, at: int) -> int | None:
    depth, index = 0, at
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            index = _after_code(text, index)
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return index
        index += 1
    return None


def _destination(text: str, at: int) -> tuple[int, int, int] | None:
    """The URL's span and the end of ``(url "title")`` whose inside starts at ``at``."""
    start = at + len(text[at:]) - len(text[at:].lstrip(" "))
    if text.startswith("<", start):
        close = text.find(">", start)
        if close < 0:
            return None
        url_start, url_end = start + 1, close
        rest = close + 1
    else:
        url_start = start
        url_end = _destination_end(text, start)
        rest = url_end
    title = re.compile(r"""\s*(?:"[^"]*"|'[^']*'|\([^()]*\))?\s*\)""").match(text, rest)
    return (url_start, url_end, title.end()) if title else None


def _destination_end(text: str, at: int) -> int:
    depth, index = 0, at
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char.isspace() or (char == ")" and depth == 0):
            return index
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1
    return index


def _bare(text: str, at: int) -> InlineLink | None:
    """A URL GitHub links without brackets, less the punctuation that ends a sentence."""
    match = _BARE.match(text, at)
    if match is None:
        return None
    url = match.group().rstrip(_TRAILING)
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(_TRAILING)
    end = at + len(url)
    return InlineLink(at, end, url, url, at, end, "bare") if "://" in url[:9] else None


@functools.lru_cache(maxsize=MEMOISED)
def checked_links(markdown: str) -> tuple[InlineLink, ...] | None:
    """The links of a cell when markdown-it reads the same ones; None when they differ.

    A cell where the two disagree (a link inside a link, brackets markdown-it reads another
    way) is kept as written, its links untouched.
    """
    links = find_links(markdown)
    parser = _parser()
    expected = [parser.normalizeLink(link.url) for link in links if link.kind != "bare"]
    tokens = parser.parseInline(markdown)
    hrefs = [child.attrs.get("href") for token in tokens for child in token.children or ()
             if child.type == "link_open"]
    return links if hrefs == expected else None


def single_link(markdown: str) -> InlineLink | None:
    """The link when a text is exactly one inline link, else None.

    >>> single_link("[Moshi](https://kyutai.org)").label
    'Moshi'
    >>> single_link("[a](https://x.org), [b](https://y.org)") is None
    True
    """
    links = find_links(markdown)
    if len(links) == 1 and links[0].kind == "inline" and links[0].start == 0 \
            and links[0].end == len(markdown):
        return links[0]
    return None
