"""Published versions in the linked library: laid over preprints, whole records off arXiv,
hand fields over both, the origin of every field, and repeated hand records found."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from speechlm_bib.bibtex.handrecords import parse_hand_records
from speechlm_bib.checks import check_all
from speechlm_bib.errors import InputError
from speechlm_bib.link import link
from speechlm_bib.model import (
    ARXIV,
    HAND,
    KEEP_PREPRINT,
    PUBLISHED,
    ArxivMetadata,
    CrossrefWork,
    DblpRecord,
    Entry,
    PublishedData,
    PublishedVersion,
    Repository,
    Section,
    VersionDecision,
)
from speechlm_bib.sources.dblp import parse_record

SECTION = Section("models", "Models", ())


def meta(arxiv_id: str, title: str, authors: tuple[str, ...], year: int = 2024) -> ArxivMetadata:
    return ArxivMetadata(arxiv_id, 1, title, authors, f"{year}-10-01", f"{year}-10-01", "cs.CL")


MOSHI = meta("2410.00037", "Moshi: a speech-text foundation model for real-time dialogue",
             ("Alexandre Défossez", "Laurent Mazaré"))
SURVEY = meta("2410.03751", "Recent Advances in Speech Language Models: A Survey",
              ("Wenqian Cui", "Dianzhi Yu"))
ACL_BIB = """@inproceedings{DBLP:conf/acl/CuiYJMZWGK25,
  author       = {Wenqian Cui and Dianzhi Yu},
  title        = {Recent Advances in Speech Language Models: {A} Survey},
  booktitle    = {Proceedings of the 63rd Annual Meeting of the {ACL} (Volume 1: Long Papers)},
  pages        = {13943--13970},
  publisher    = {Association for Computational Linguistics},
  year         = {2025},
  url          = {https://doi.org/10.18653/v1/2025.acl-long.682},
  doi          = {10.18653/V1/2025.ACL-LONG.682},
  biburl       = {https://dblp.org/rec/conf/acl/CuiYJMZWGK25.bib}
}
"""
ACL = PublishedVersion("dblp:conf/acl/CuiYJMZWGK25", parse_record(ACL_BIB))
LIBRISPEECH = PublishedVersion("doi:10.1109/icassp.2015.7178964", None, CrossrefWork(
    "10.1109/ICASSP.2015.7178964", "proceedings-article",
    "Librispeech: An ASR corpus based on public domain audio books",
    "2015 IEEE International Conference on Acoustics, Speech and Signal Processing (ICASSP)",
    ("Vassil Panayotov", "Guoguo Chen"), ("Panayotov", "Chen"), 2015, page="5206-5210",
    publisher="IEEE"))
FISHER_BIB = """@inproceedings{DBLP:conf/lrec/CieriMW04,
  author = {Christopher Cieri and David Miller and Kevin Walker},
  title = {The Fisher Corpus: a Resource for the Next Generations of Speech-to-Text},
  booktitle = {Proceedings of LREC'04, Lisbon},
  pages = {69--71},
  year = {2004},
  url = {http://www.lrec-conf.org/proceedings/lrec2004/summaries/767.htm}
}
"""
FISHER = PublishedVersion("dblp:conf/lrec/CieriMW04", parse_record(FISHER_BIB))


def entry(name: str, arxiv: str | None = None, key: str | None = None,
          published: str | None = None) -> Entry:
    return Entry(Path(f"/r/entries/models/{name}.yaml"), "models", name=name, arxiv=arxiv,
                 key=key, published=published, lines=(("published", 4),))


def repository(entries: list[Entry], hand: str = "", decisions: dict[str, str] | None = None,
               versions: tuple[PublishedVersion, ...] = (ACL, LIBRISPEECH, FISHER)) -> Repository:
    data = PublishedData({i: VersionDecision("confirmed", v) for i, v in
                          (decisions or {}).items()}, {v.id: v for v in versions})
    return Repository(Path("/r"), (SECTION,), tuple(entries),
                      {m.id: m for m in (MOSHI, SURVEY)},
                      parse_hand_records(hand, Path("/r/entries/records.bib")), published=data)


def test_a_confirmed_version_is_laid_over_the_preprint() -> None:
    repo = repository([entry("Cui et al.", "2410.03751")], decisions={"2410.03751": ACL.id})
    record = link(repo).records[0]

    assert record.type == "inproceedings" and record.version == ACL
    assert dict(record.fields) == {
        "author": "Cui, Wenqian and Yu, Dianzhi",
        "title": "Recent Advances in Speech Language Models: A Survey",
        "booktitle": "Proceedings of the 63rd Annual Meeting of the ACL (Volume 1: Long Papers)",
        "pages": "13943--13970", "publisher": "Association for Computational Linguistics",
        "year": "2025", "doi": "10.18653/v1/2025.acl-long.682", "eprint": "2410.03751",
        "archiveprefix": "arXiv", "primaryclass": "cs.CL",
        "url": "https://arxiv.org/abs/2410.03751",
    }
    origins = dict(record.origins)
    assert origins["booktitle"] == origins["doi"] == origins["year"] == PUBLISHED
    assert origins["title"] == origins["eprint"] == ARXIV


def test_keeping_the_preprint_ignores_a_stored_decision() -> None:
    repo = repository([entry("Cui et al.", "2410.03751", published=KEEP_PREPRINT)],
                      decisions={"2410.03751": ACL.id})
    record = link(repo).records[0]

    assert record.type == "article" and record.version is None
    assert record.get("journal") == "arXiv preprint arXiv:2410.03751"


def test_a_pin_wins_over_the_decision_and_all_citing_entries_must_agree() -> None:
    pinned = repository([entry("Cui et al.", "2410.03751", published=LIBRISPEECH.id),
                         entry("Again", "2410.03751")], decisions={"2410.03751": ACL.id})
    assert link(pinned).records[0].version == LIBRISPEECH

    clash = replace(pinned, entries=(*pinned.entries, entry("Third", "2410.03751",
                                                            published=ACL.id)))
    with pytest.raises(InputError, match="entries citing one work agree on it") as error:
        link(clash)
    assert error.value.path == Path("/r/entries/models/Third.yaml") and error.value.line == 4


def test_a_work_off_arxiv_takes_the_whole_record_and_its_key() -> None:
    library = link(repository([entry("LibriSpeech", published=LIBRISPEECH.id),
                               entry("Fisher", published=FISHER.id)]))
    libri, fisher = library.records

    assert libri.key == "panayotov2015librispeech" and fisher.key == "cieri2004fisher"
    assert dict(libri.fields) == {
        "author": "Panayotov, Vassil and Chen, Guoguo",
        "title": "Librispeech: An {ASR} corpus based on public domain audio books",
        "booktitle": "2015 IEEE International Conference on Acoustics, Speech and Signal "
                     "Processing (ICASSP)",
        "pages": "5206--5210", "publisher": "IEEE", "year": "2015",
        "doi": "10.1109/ICASSP.2015.7178964",
    }
    assert fisher.get("author") == "Cieri, Christopher and Miller, David and Walker, Kevin"
    assert fisher.get("booktitle") == "Proceedings of LREC'04, Lisbon"
    assert fisher.get("url") == "http://www.lrec-conf.org/proceedings/lrec2004/summaries/767.htm"
    assert {origin for _, origin in libri.origins} == {PUBLISHED}
    assert (libri.path, libri.line) == (Path("/r/entries/models/LibriSpeech.yaml"), 4)


def test_hand_fields_win_field_by_field_and_repeats_are_found(tmp_path: Path) -> None:
    hand = ("@inproceedings{cui2024recent,\n  address = {Vienna, Austria},\n"
            "  pages = {13943--13970},\n}\n"
            "@inproceedings{panayotov2015librispeech,\n  booktitle = {2015 {IEEE} International "
            "Conference on Acoustics, Speech and Signal Processing ({ICASSP})},\n"
            "  author = {Panayotov, Vassil and Chen, Guoguo},\n}\n")
    repo = repository([entry("Cui et al.", "2410.03751", key="cui2024recent"),
                       entry("LibriSpeech", key="panayotov2015librispeech",
                             published=LIBRISPEECH.id)], hand,
                      decisions={"2410.03751": ACL.id})
    survey, libri = link(replace(repo, root=tmp_path)).records

    assert survey.get("address") == "Vienna, Austria" and survey.origin("address") == HAND
    assert survey.origin("booktitle") == PUBLISHED and survey.get("eprint") == "2410.03751"
    repeated = [f for f in check_all(link(replace(repo, root=tmp_path)))
                if f.code == "repeated-record"]
    assert [(f.key, f.severity) for f in repeated] == [("panayotov2015librispeech", "warning")]
    assert libri.fetched[0] == ("type", "inproceedings")


def test_a_pinned_version_not_stored_is_missing_metadata(tmp_path: Path) -> None:
    repo = repository([entry("Cui et al.", "2410.03751", published="dblp:conf/x/Y")])
    findings = check_all(link(replace(repo, root=tmp_path)))

    assert [(f.code, f.line, f.message) for f in findings if f.code == "missing-metadata"] == [
        ("missing-metadata", 4, "no stored published version dblp:conf/x/Y; run "
                                "`speechlm-bib sync`")]


def test_an_unknown_record_type_of_dblp_is_kept() -> None:
    record = DblpRecord("books/x/Y", "book", (("author", "A B"), ("title", "T"),
                                              ("publisher", "P"), ("year", "2020")))
    version = PublishedVersion("dblp:books/x/Y", record)
    library = link(repository([entry("Book", published=version.id)], versions=(version,)))

    assert library.records[0].type == "book"
    assert dict(library.records[0].fields) == {"author": "B, A", "title": "T",
                                               "publisher": "P", "year": "2020"}
