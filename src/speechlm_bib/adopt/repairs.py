"""The repairs import makes to a cell, each named so that the report can say what changed.

Links: an arXiv version pin dropped (the list links the latest), tracking parameters
removed, http upgraded to https for sites known to serve it. Text: mojibake (UTF-8 read as
Latin-1 or Mac Roman) repaired. Nothing else of a cell changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..ids import arxiv_id_of_url, clean_url
from ..mdinline import checked_links

HTTPS_HOSTS = frozenset({
    "arxiv.org", "www.arxiv.org", "export.arxiv.org", "github.com", "www.github.com",
    "huggingface.co", "openreview.net", "aclanthology.org", "www.aclweb.org", "doi.org",
    "dx.doi.org", "ieeexplore.ieee.org", "proceedings.neurips.cc", "papers.nips.cc",
    "proceedings.mlr.press", "openaccess.thecvf.com", "dl.acm.org", "www.isca-archive.org",
    "www.isca-speech.org", "direct.mit.edu", "link.springer.com", "www.youtube.com",
    "youtube.com", "twitter.com", "x.com", "paperswithcode.com", "colab.research.google.com",
})
"""Hosts whose http links are upgraded to https (they all serve it); ``*.github.io`` too."""
_VERSION = re.compile(r"(?<=\d)v[1-9]\d*(?=(?:\.pdf)?/?$)")


@dataclass(frozen=True, slots=True)
class CellRepair:
    """One change to a cell: its kind and the text before and after."""

    kind: str
    before: str
    after: str


def repair_url(url: str) -> tuple[str, list[CellRepair]]:
    """A link with its version pin, tracking parameters and http repaired, and each repair.

    >>> repair_url("http://arxiv.org/abs/2310.05224v1")[0]
    'https://arxiv.org/abs/2310.05224'
    >>> [r.kind for r in repair_url("http://x.org/a?utm_source=t")[1]]
    ['tracking-parameter']
    """
    repairs: list[CellRepair] = []
    steps = (("version-pin", _drop_version), ("tracking-parameter", clean_url),
             ("https", _https))
    for kind, step in steps:
        fixed = step(url)
        if fixed != url:
            repairs.append(CellRepair(kind, url, fixed))
            url = fixed
    return url, repairs


def _drop_version(url: str) -> str:
    arxiv = arxiv_id_of_url(url)
    if arxiv is None or arxiv.version is None:
        return url
    parts = urlsplit(url)
    return url.replace(parts.path, _VERSION.sub("", parts.path), 1)


def _https(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or not (host in HTTPS_HOSTS or host.endswith(".github.io")):
        return url
    return "https" + url[len("http"):]


def repair_links(cell: str) -> tuple[str, list[CellRepair]]:
    """A cell with every link's URL repaired in place; its text stays as written."""
    links = checked_links(cell)
    if not links:
        return cell, []
    repairs: list[CellRepair] = []
    for link in reversed(links):
        fixed, done = repair_url(link.url)
        cell = cell[:link.url_start] + fixed + cell[link.url_end:]
        repairs[:0] = done
    return cell, repairs


def repair_text(cell: str) -> tuple[str, list[CellRepair]]:
    """A cell with its mojibake repaired (and nothing else ftfy could change).

    >>> repair_text("ÁêÜÊÉ≥ÂêåÂ≠¶MindGPT")[0]
    '理想同学MindGPT'
    >>> repair_text("Défossez &amp; “quotes”")[1]
    []
    """
    import ftfy  # only import needs it: other commands do not pay for its start-up

    config = ftfy.TextFixerConfig(
        unescape_html=False, uncurl_quotes=False, fix_latin_ligatures=False,
        fix_character_width=False, fix_line_breaks=False, normalization=None, explain=False)
    fixed = ftfy.fix_text(cell, config)
    return fixed, [CellRepair("mojibake", cell, fixed)] if fixed != cell else []


def repair_cell(cell: str) -> tuple[str, list[CellRepair]]:
    """A cell with its text and then its links repaired, and every repair made."""
    text, text_repairs = repair_text(cell)
    fixed, link_repairs = repair_links(text)
    return fixed, text_repairs + link_repairs
