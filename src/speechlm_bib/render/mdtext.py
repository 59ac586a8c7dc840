"""Untrusted text as Markdown that shows it as text: escaping, links, table cells and fences.

Pure helpers, each with doctests. Names, titles and column values come from arXiv and from
contributors; whatever they hold, they must render as the same text, never as emphasis,
links, HTML or a new table cell.
"""

from __future__ import annotations

import re

from ..ids import is_web_url

# The ASCII punctuation that can open or close inline Markdown: CommonMark's emphasis, code,
# links, HTML and entities, GitHub's strikethrough, math and table pipes. Block syntax (#, -,
# 1.) never applies: the text always follows other text on its line.
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]<>|&~$]")
_BLANKS = re.compile(r"\s+")
# Characters a link destination cannot hold as they are.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f<>\\`|\"(){}^]")


def escape_markdown(text: str) -> str:
    r"""Text as inline Markdown that renders as exactly this text, on one line.

    >>> escape_markdown("a|b *c* <img> [x](y) & `z` $m$")
    'a\\|b \\*c\\* \\<img\\> \\[x\\](y) \\& \\`z\\` \\$m\\$'
    >>> escape_markdown("VITA-Audio: Qwen2.5\n  Omni!")
    'VITA-Audio: Qwen2.5 Omni!'
    """
    flat = _BLANKS.sub(" ", text).strip()
    return _INLINE_SPECIALS.sub(lambda m: "\\" + m.group(), flat)


def safe_url(url: str | None) -> str | None:
    r"""An http(s) URL as a link destination (unsafe characters percent-encoded), else None.

    >>> safe_url("https://example.org/a|b(c)")
    'https://example.org/a%7Cb%28c%29'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if url is None or not is_web_url(url.strip()):
        return None
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()),
                              url.strip())
    return re.sub(r"&(?=#?\w+;)", "%26", encoded)


def link(label: str, url: str | None) -> str:
    r"""A Markdown link with an escaped label, or the escaped label alone without a safe URL.

    >>> link("Mimi [v2]", "https://arxiv.org/abs/2410.00037")
    '[Mimi \\[v2\\]](https://arxiv.org/abs/2410.00037)'
    """
    destination = safe_url(url)
    text = escape_markdown(label)
    return f"[{text}]({destination})" if destination else text


def code_fence(text: str, info: str = "") -> str:
    r"""A fenced code block holding text, its fence longer than any backtick run inside.

    >>> code_fence("x ``` y", "bibtex")
    '````bibtex\nx ``` y\n````'
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"
