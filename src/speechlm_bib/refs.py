"""References to a work in a database: arXiv ids, DOIs, ACL Anthology ids and DBLP keys.

What a maintainer gives ``add`` or writes in an entry's ``published:`` field, and what a
row's link may carry, read into one `WorkRef`. Tiny pure helpers, each with doctests; the
records they name are fetched by ``lookup``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from .ids import arxiv_id_of_url, is_doi, parse_arxiv_id

Kind = Literal["arxiv", "doi", "dblp"]
ANTHOLOGY_DOI_PREFIX = "10.18653/v1/"
"""The prefix of the DOIs the ACL Anthology registers: the DOI of paper ID is PREFIX + ID."""
DBLP_HOSTS = frozenset({"dblp.org", "www.dblp.org", "dblp.uni-trier.de", "dblp.dagstuhl.de"})
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
ANTHOLOGY_HOSTS = frozenset({"aclanthology.org", "www.aclanthology.org", "aclweb.org",
                             "www.aclweb.org"})
DBLP_KINDS = ("conf", "journals", "books", "series", "phd", "reference", "tr", "persons")
"""The first part of every DBLP record key."""
_DBLP_KEY = re.compile(rf"(?:{'|'.join(DBLP_KINDS)})/[\w.-]+(?:/[\w.-]+)*")
_ANTHOLOGY_ID = re.compile(r"\d{4}\.[a-z\d]+(?:-[a-z\d]+)*\.\d+|[A-Z]\d{2}-\d{4}")
_DOI_IN_PATH = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/)?(?P<doi>10\.\d{4,9}/[^/?#]+)")
_DBLP_SUFFIX = re.compile(r"\.(?:html|bib|xml|ris|nt|rdf|ttl)$")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WorkRef:
    """A work named by one database's identifier."""

    kind: Kind
    value: str
    """The arXiv id, the DOI (as written) or the DBLP key."""
    anthology: str | None = None
    """The ACL Anthology id the DOI was worked out from, if it was."""

    @property
    def id(self) -> str:
        """The id a version is stored and pinned under (a DOI in lower case).

        >>> WorkRef("doi", "10.1109/ICASSP.2015.7178964").id
        'doi:10.1109/icassp.2015.7178964'
        """
        return f"doi:{self.value.lower()}" if self.kind == "doi" else f"{self.kind}:{self.value}"


def parse_work_ref(text: str) -> WorkRef:
    """A work named by an arXiv id or URL, a DOI, an ACL Anthology id or a DBLP key or URL.

    >>> parse_work_ref("doi:10.1109/ICASSP.2015.7178964")
    WorkRef(kind='doi', value='10.1109/ICASSP.2015.7178964', anthology=None)
    >>> parse_work_ref("https://doi.org/10.1162/tacl_a_00430").value
    '10.1162/tacl_a_00430'
    >>> parse_work_ref("2025.acl-long.682").value
    '10.18653/v1/2025.acl-long.682'
    >>> parse_work_ref("https://dblp.org/rec/conf/icassp/PanayotovCPK15.html").id
    'dblp:conf/icassp/PanayotovCPK15'
    >>> parse_work_ref("arXiv:2410.00037v2").id
    'arxiv:2410.00037'
    >>> parse_work_ref("Moshi")
    Traceback (most recent call last):
    ValueError: not an arXiv id, DOI, ACL Anthology id or DBLP key: 'Moshi'
    """
    candidate = text.strip()
    found = ref_of_link(candidate) if "://" in candidate else _ref_of_name(candidate)
    if found is None:
        raise ValueError(f"not an arXiv id, DOI, ACL Anthology id or DBLP key: {text!r}")
    return found


def doi_ref(doi: str) -> WorkRef:
    """A DOI as a reference; arXiv's own DOIs name the preprint.

    >>> doi_ref("10.48550/arXiv.2410.03751")
    WorkRef(kind='arxiv', value='2410.03751', anthology=None)
    """
    match = _ARXIV_DOI.fullmatch(doi)
    if match:
        try:
            return WorkRef("arxiv", parse_arxiv_id(match["id"]).id)
        except ValueError:
            pass
    return WorkRef("doi", doi)


def _ref_of_name(text: str) -> WorkRef | None:
    """A reference written without a URL: prefixed (``doi:``, ``dblp:``) or bare."""
    prefix, _, rest = text.partition(":")
    if prefix.lower() == "doi" and is_doi(rest.strip()):
        return doi_ref(rest.strip())
    if prefix.lower() == "dblp" and _DBLP_KEY.fullmatch(rest.strip()):
        return WorkRef("dblp", rest.strip())
    if is_doi(text):
        return doi_ref(text)
    if _DBLP_KEY.fullmatch(text):
        return WorkRef("dblp", text)
    if _ANTHOLOGY_ID.fullmatch(text):
        return anthology_ref(text)
    try:
        return WorkRef("arxiv", parse_arxiv_id(text).id)
    except ValueError:
        return None


def ref_of_link(url: str) -> WorkRef | None:
    """The work a link names by an id a database resolves, if it names one.

    doi.org links, publishers' pages whose path holds ``/doi/10...``, ACL Anthology pages,
    DBLP record pages and arXiv pages; anything else is None.

    >>> ref_of_link("https://direct.mit.edu/tacl/article/doi/10.1162/tacl_a_00430/108611/x").value
    '10.1162/tacl_a_00430'
    >>> ref_of_link("https://aclanthology.org/2023.findings-emnlp.438.pdf").anthology
    '2023.findings-emnlp.438'
    >>> ref_of_link("https://www.aclweb.org/anthology/P18-1001").value
    '10.18653/v1/P18-1001'
    >>> ref_of_link("https://dblp.org/rec/journals/tacl/LakhotiaKHAPBNC21.bib?param=1").id
    'dblp:journals/tacl/LakhotiaKHAPBNC21'
    >>> ref_of_link("https://ieeexplore.ieee.org/document/10447112") is None
    True
    """
    parts = urlsplit(url.strip())
    host, path = (parts.hostname or "").lower(), unquote(parts.path)
    if parts.scheme not in {"http", "https"}:
        return None
    if host in DOI_HOSTS:
        doi = path.strip("/")
        return doi_ref(doi) if is_doi(doi) else None
    if host in DBLP_HOSTS:
        key = _DBLP_SUFFIX.sub("", path.removeprefix("/rec/").strip("/"))
        return WorkRef("dblp", key) if path.startswith("/rec/") and _DBLP_KEY.fullmatch(key) \
            else None
    if host in ANTHOLOGY_HOSTS:
        return _anthology_link(path)
    found = arxiv_id_of_url(url)
    if found is not None:
        return WorkRef("arxiv", found.id)
    match = _DOI_IN_PATH.search(path)
    return doi_ref(match["doi"]) if match else None


def _anthology_link(path: str) -> WorkRef | None:
    name = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".pdf")
    return anthology_ref(name) if _ANTHOLOGY_ID.fullmatch(name) else None


def anthology_ref(anthology_id: str) -> WorkRef:
    """The DOI the ACL Anthology registers for one of its papers.

    >>> anthology_ref("2025.acl-long.682")
    WorkRef(kind='doi', value='10.18653/v1/2025.acl-long.682', anthology='2025.acl-long.682')
    """
    return WorkRef("doi", ANTHOLOGY_DOI_PREFIX + anthology_id, anthology_id)


def parse_pin(text: str) -> str:
    """The version id of an entry's ``published:`` value (``doi:...`` or ``dblp:KEY``).

    >>> parse_pin("doi:10.18653/v1/2025.acl-long.682"), parse_pin("dblp:conf/acl/CuiYJMZWGK25")
    ('doi:10.18653/v1/2025.acl-long.682', 'dblp:conf/acl/CuiYJMZWGK25')
    >>> parse_pin("10.1/x")
    Traceback (most recent call last):
    ValueError: 'published' takes false, doi:DOI or dblp:KEY, not '10.1/x'
    """
    prefix = text.partition(":")[0].lower()
    ref = _ref_of_name(text.strip()) if prefix in {"doi", "dblp"} else None
    if ref is None or ref.kind == "arxiv":
        raise ValueError(f"'published' takes false, doi:DOI or dblp:KEY, not {text!r}")
    return ref.id
