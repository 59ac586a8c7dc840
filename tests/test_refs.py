"""References to works: what add accepts and what a row's link may carry."""

from __future__ import annotations

import pytest

from speechlm_bib.refs import parse_pin, parse_work_ref, ref_of_link

DOI = "10.1109/ICASSP.2015.7178964"


@pytest.mark.parametrize(("given", "expected"), [
    (DOI, f"doi:{DOI.lower()}"),
    (f"doi:{DOI}", f"doi:{DOI.lower()}"),
    (f"DOI: {DOI}", f"doi:{DOI.lower()}"),
    (f"https://doi.org/{DOI}", f"doi:{DOI.lower()}"),
    (f"http://dx.doi.org/{DOI}", f"doi:{DOI.lower()}"),
    ("https://doi.org/10.18653%2Fv1%2F2025.acl-long.682", "doi:10.18653/v1/2025.acl-long.682"),
    ("2025.acl-long.682", "doi:10.18653/v1/2025.acl-long.682"),
    ("2023.findings-emnlp.438", "doi:10.18653/v1/2023.findings-emnlp.438"),
    ("P18-1001", "doi:10.18653/v1/p18-1001"),
    ("https://aclanthology.org/2025.acl-long.682/", "doi:10.18653/v1/2025.acl-long.682"),
    ("https://aclanthology.org/2025.acl-long.682.pdf", "doi:10.18653/v1/2025.acl-long.682"),
    ("dblp:conf/icassp/PanayotovCPK15", "dblp:conf/icassp/PanayotovCPK15"),
    ("DBLP:conf/icassp/PanayotovCPK15", "dblp:conf/icassp/PanayotovCPK15"),
    ("conf/interspeech/0001Z25", "dblp:conf/interspeech/0001Z25"),
    ("https://dblp.org/rec/conf/icassp/PanayotovCPK15", "dblp:conf/icassp/PanayotovCPK15"),
    ("https://dblp.uni-trier.de/rec/journals/tacl/LakhotiaKHAPBNC21.html?view=bibtex",
     "dblp:journals/tacl/LakhotiaKHAPBNC21"),
    ("https://dblp.org/rec/conf/icassp/PanayotovCPK15.bib", "dblp:conf/icassp/PanayotovCPK15"),
    ("10.48550/arXiv.2410.03751", "arxiv:2410.03751"),
    ("https://arxiv.org/pdf/2410.03751v2", "arxiv:2410.03751"),
])
def test_every_form_of_a_reference(given: str, expected: str) -> None:
    assert parse_work_ref(given).id == expected


@pytest.mark.parametrize("given", ["", "Moshi", "10.1109", "doi:", "dblp:nowhere/x",
                                   "https://dblp.org/pid/00/1.html", "https://doi.org/",
                                   "ftp://doi.org/10.1/x", "2025.acl-long"])
def test_what_is_no_reference(given: str) -> None:
    with pytest.raises(ValueError, match="not an arXiv id, DOI, ACL Anthology id or DBLP key"):
        parse_work_ref(given)


@pytest.mark.parametrize(("link", "expected"), [
    ("https://direct.mit.edu/tacl/article-abstract/doi/10.1162/tacl_a_00430/108611",
     "doi:10.1162/tacl_a_00430"),
    ("https://dl.acm.org/doi/abs/10.1145/3366423.3380130", "doi:10.1145/3366423.3380130"),
    ("https://www.aclweb.org/anthology/2020.coling-main.519.pdf",
     "doi:10.18653/v1/2020.coling-main.519"),
    ("https://ieeexplore.ieee.org/document/10447112", None),
    ("https://openreview.net/forum?id=Ttndg2Jl5F", None),
    ("https://github.com/OpenBMB/MiniCPM-o", None),
])
def test_the_id_a_rows_link_carries(link: str, expected: str | None) -> None:
    found = ref_of_link(link)
    assert (found.id if found else None) == expected


def test_a_pin_takes_only_the_prefixed_forms() -> None:
    assert parse_pin(f"doi:{DOI}") == f"doi:{DOI.lower()}"
    for bad in (DOI, "dblp:", "doi:10.48550/arXiv.2410.03751", "https://doi.org/10.1/x"):
        with pytest.raises(ValueError, match="'published' takes false, doi:DOI or dblp:KEY"):
            parse_pin(bad)
