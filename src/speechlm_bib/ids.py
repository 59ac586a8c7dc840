"""Identifiers: arXiv ids and URLs, DOIs and web links.

Tiny pure helpers, each with doctests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .memo import MEMOISED

_NEW_ID = r"(?P<new>\d{4}\.\d{4,5})"
_OLD_ID = r"(?P<old>[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>[1-9]\d*))?"
_ID_RE = re.compile(rf"(?:{_NEW_ID}|{_OLD_ID}){_VERSION}")
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_ARXIV_PATH = re.compile(r"/(?:abs|pdf|html|format)/(?P<rest>.+?)(?:\.pdf)?/?$")
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")


@dataclass(frozen=True, slots=True)
class ArxivId:
    """An arXiv identifier without its version, and the version if one was given."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


@functools.lru_cache(maxsize=MEMOISED)
def parse_arxiv_id(text: str) -> ArxivId:
    """Read an arXiv id from an id, an ``arXiv:`` reference or an abs/pdf/html URL.

    >>> parse_arxiv_id("arXiv:2410.00037v2")
    ArxivId(id='2410.00037', version=2)
    >>> parse_arxiv_id("https://arxiv.org/pdf/2410.00037v1.pdf")
    ArxivId(id='2410.00037', version=1)
    >>> parse_arxiv_id("http://arxiv.org/abs/math/0211159")
    ArxivId(id='math/0211159', version=None)
    >>> parse_arxiv_id("hep-th/9901001v3").id
    'hep-th/9901001'
    >>> parse_arxiv_id("2410.0037")
    Traceback (most recent call last):
    ValueError: not an arXiv id or URL: '2410.0037'
    """
    candidate = text.strip()
    if "://" in candidate:
        candidate = _path_of_arxiv_url(candidate) or ""
    elif candidate[:6].lower() == "arxiv:":
        candidate = candidate[6:].strip()
    match = _ID_RE.fullmatch(candidate)
    if match is None or not _plausible_month(match.group("new")):
        raise ValueError(f"not an arXiv id or URL: {text!r}")
    arxiv_id = match.group("new") or match.group("old")
    version = match.group("version")
    return ArxivId(arxiv_id, int(version) if version else None)


def _path_of_arxiv_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.hostname not in _ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.match(parts.path)
    return match.group("rest") if match else None


def _plausible_month(new_id: str | None) -> bool:
    """Months 01-12; four-digit numbers until 1412, five-digit ones from 1501 on."""
    if new_id is None:
        return True
    yymm, number = new_id.split(".")
    return 1 <= int(yymm[2:]) <= 12 and (len(number) == 5) == (yymm >= "1501")


def arxiv_id_of_url(url: str) -> ArxivId | None:
    """The arXiv id a URL points to, or None when it is not an arXiv URL.

    >>> arxiv_id_of_url("https://arxiv.org/abs/2401.13527v2")
    ArxivId(id='2401.13527', version=2)
    >>> arxiv_id_of_url("https://github.com/x/y") is None
    True
    """
    try:
        return parse_arxiv_id(url) if "://" in url else None
    except ValueError:
        return None


def arxiv_url(arxiv_id: str) -> str:
    """The canonical abstract page of an arXiv work.

    >>> arxiv_url("2410.00037")
    'https://arxiv.org/abs/2410.00037'
    """
    return f"https://arxiv.org/abs/{arxiv_id}"


def is_doi(text: str) -> bool:
    """Whether a string is a bare DOI (``10.prefix/suffix``).

    >>> is_doi("10.18653/v1/2025.acl-long.682")
    True
    >>> is_doi("https://doi.org/10.1/x")
    False
    """
    return _DOI_RE.fullmatch(text) is not None


def is_web_url(text: str) -> bool:
    """Whether a string is an absolute http(s) URL with a host.

    >>> is_web_url("https://www.openslr.org/12")
    True
    >>> is_web_url("www.openslr.org/12")
    False
    """
    parts = urlsplit(text)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in text


TRACKING_PARAMETERS = re.compile(
    r"utm_\w+|fbclid|gclid|mc_[ce]id|casa_token|chksm|mpshare|scene|srcid|sharer_\w+"
    r"|share_source|spm|ref_src|from"
)


def tracking_parameters(url: str) -> list[str]:
    """The names of the tracking parameters a URL carries.

    >>> tracking_parameters("https://x.org/a?id=3&utm_source=tw&casa_token=abc")
    ['utm_source', 'casa_token']
    """
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return [name for name, _ in query if TRACKING_PARAMETERS.fullmatch(name)]


def clean_url(url: str) -> str:
    """A URL without its tracking parameters (and the fragment that only they used).

    >>> clean_url("https://ieeexplore.ieee.org/document/10447112/?casa_token=rNH")
    'https://ieeexplore.ieee.org/document/10447112/'
    >>> clean_url("https://mp.weixin.qq.com/s?__biz=Mz==&mid=22&chksm=c3&scene=1#rd")
    'https://mp.weixin.qq.com/s?__biz=Mz==&mid=22'
    """
    parts = urlsplit(url)
    tracking = tracking_parameters(url)
    if not tracking:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in tracking]
    fragment = "" if parts.fragment == "rd" else parts.fragment
    query_text = urlencode(query, safe="=")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query_text, fragment))


def identifier_problems(fields: Mapping[str, str]) -> Iterator[tuple[str, str, str]]:
    """The malformed identifiers of a record's fields: (finding code, field, message).

    >>> list(identifier_problems({"doi": "https://doi.org/10.1/x", "url": "www.x.org"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    [('bad-doi', 'doi', "'https://doi.org/10.1/x' is not a DOI (give the bare DOI, 10.xxxx/...)"),
     ('bad-url', 'url', "'www.x.org' is not an http(s) URL")]
    """
    eprint, doi, url = fields.get("eprint"), fields.get("doi"), fields.get("url")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arXiv").lower()
    if eprint is not None and prefix == "arxiv" and not _is_arxiv_id(eprint):
        yield "bad-arxiv-id", "eprint", f"eprint '{eprint}' is not an arXiv id"
    if doi is not None and not is_doi(doi):
        hint = " (give the bare DOI, 10.xxxx/...)" if "10." in doi else ""
        yield "bad-doi", "doi", f"'{doi}' is not a DOI{hint}"
    if url is not None and not is_web_url(url):
        yield "bad-url", "url", f"'{url}' is not an http(s) URL"


def _is_arxiv_id(text: str) -> bool:
    try:
        return str(parse_arxiv_id(text)) == text.strip()
    except ValueError:
        return False
