"""Linking: one record per work, keys assigned once and kept, hand fields winning."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from speechlm_bib.bibtex.handrecords import parse_hand_records
from speechlm_bib.bibtex.writer import write_bibtex
from speechlm_bib.errors import InputError
from speechlm_bib.link import assign_keys, link
from speechlm_bib.model import ARXIV, HAND, ArxivMetadata, Entry, Repository, Section
from speechlm_bib.store.cache import Section as CacheSection

SECTION = Section("models", "Models", ())


def meta(arxiv_id: str, title: str, authors: tuple[str, ...], year: int = 2024) -> ArxivMetadata:
    return ArxivMetadata(arxiv_id, 1, title, authors, f"{year}-10-01", f"{year}-10-01", "cs.CL")


def entry(name: str, arxiv: str | None = None, key: str | None = None) -> Entry:
    return Entry(Path(f"/r/entries/models/{name}.yaml"), "models", name=name, arxiv=arxiv, key=key)


def repository(entries: list[Entry], store: list[ArxivMetadata], hand: str = "") -> Repository:
    return Repository(Path("/r"), (SECTION,), tuple(entries), {m.id: m for m in store},
                      parse_hand_records(hand, Path("/r/entries/records.bib")))


MOSHI = meta("2410.00037", "Moshi: a speech-text foundation model for real-time dialogue",
             ("Alexandre Défossez", "Laurent Mazaré"))


def test_entries_citing_one_paper_share_one_record() -> None:
    repo = repository([entry("Moshi", "2410.00037"), entry("Mimi", "2410.00037")], [MOSHI])
    library = link(repo)
    assert [(r.key, len(r.entries)) for r in library.records] == [("defossez2024moshi", 2)]
    assert [row.key for row in library.rows] == ["defossez2024moshi"] * 2
    assert all(row.record is library.records[0] for row in library.rows)


def test_pinned_key_wins_and_others_follow_it() -> None:
    repo = repository([entry("Moshi", "2410.00037", key="moshi"),
                       entry("Mimi", "2410.00037")], [MOSHI])
    assert set(assign_keys(repo).values()) == {"moshi"}


def test_colliding_keys_get_deterministic_suffixes() -> None:
    other = meta("2410.99999", "Moshi revisited", ("Alexandre Défossez",))
    repo = repository([entry("A", "2410.00037"), entry("B", "2410.99999")], [MOSHI, other])
    keys = assign_keys(repo)
    assert [keys[e.path] for e in repo.entries] == ["defossez2024moshi", "defossez2024moshia"]


def test_a_key_does_not_change_when_metadata_changes_once_pinned() -> None:
    renamed = meta("2410.00037", "Kyutai's model", ("Someone Else",), 2025)
    repo = repository([entry("Moshi", "2410.00037", key="defossez2024moshi")], [renamed])
    assert list(assign_keys(repo).values()) == ["defossez2024moshi"]


def test_one_key_for_two_papers_is_an_input_error() -> None:
    other = meta("2410.99999", "Other", ("A B",))
    repo = repository([entry("A", "2410.00037", key="k"), entry("B", "2410.99999", key="k")],
                      [MOSHI, other])
    with pytest.raises(InputError, match="one key cannot cite two works"):
        link(repo)


def test_arxiv_preprint_fields() -> None:
    text = write_bibtex(link(repository([entry("Moshi", "2410.00037")], [MOSHI])).records)
    assert text == (
        "@article{defossez2024moshi,\n"
        "  author = {D{\\'e}fossez, Alexandre and Mazar{\\'e}, Laurent},\n"
        "  title = {{Moshi}: a speech-text foundation model for real-time dialogue},\n"
        "  journal = {arXiv preprint arXiv:2410.00037},\n"
        "  year = 2024,\n"
        "  eprint = {2410.00037},\n"
        "  archiveprefix = {arXiv},\n"
        "  primaryclass = {cs.CL},\n"
        "  url = {https://arxiv.org/abs/2410.00037}\n"
        "}\n"
    )


def test_published_version_takes_type_and_fields_and_keeps_eprint() -> None:
    hand = ("@inproceedings{defossez2024moshi,\n  booktitle = {Proc. {ICLR}},\n"
            "  year = {2025},\n  title = {Moshi, as published},\n}\n")
    library = link(repository([entry("Moshi", "2410.00037")], [MOSHI], hand))
    text = write_bibtex(library.records)
    assert text.startswith("@inproceedings{defossez2024moshi,")
    assert "journal" not in text
    assert "  title = {Moshi, as published},\n" in text
    assert "  booktitle = {Proc. {ICLR}},\n" in text
    assert "  year = 2025,\n" in text and "  eprint = {2410.00037},\n" in text
    record = library.records[0]
    assert [record.origin(name) for name in ("title", "booktitle", "author", "eprint")] == [
        HAND, HAND, ARXIV, ARXIV]
    assert record.origin("journal") is None


def test_hand_records_without_arxiv_are_kept_as_written() -> None:
    hand = ("@misc{openai2024advanced,\n  author = {{OpenAI}},\n"
            "  title = {Advanced Voice Mode {FAQ}},\n  year = {2024},\n}\n")
    repo = repository([entry("OpenAI", key="openai2024advanced")], [], hand)
    text = write_bibtex(link(repo).records)
    assert "  author = {{OpenAI}},\n  title = {Advanced Voice Mode {FAQ}},\n" in text


def test_unsynced_arxiv_entry_has_no_record_yet() -> None:
    library = link(repository([entry("Moshi", "2410.00037")], []))
    assert library.records == ()
    assert [(row.key, row.record) for row in library.rows] == [(None, None)]


def test_entry_names_are_protected_terms_in_their_titles() -> None:
    kimi = meta("2504.18425", "Kimi-Audio Technical Report", ("KimiTeam", "Ding Ding"), 2025)
    library = link(repository([entry("Kimi-Audio", "2504.18425")], [kimi]))
    assert "title = {{Kimi-Audio} Technical Report}" in write_bibtex(library.records)


def test_a_records_digest_changes_with_a_rows_name_only_where_the_record_does() -> None:
    def linked(name: str) -> tuple[str, str]:
        repo = repository([entry(name, "2410.00037")], [MOSHI])
        record = link(repo, memo=CacheSection("records", {})).records[0]
        return record.digest, write_bibtex(link(repo).records)

    names = ("Moshi", "Moshi 2", "Kyutai", "real-time dialogue", "Dialogue")
    made = {name: linked(name) for name in names}
    # Moshi 2, Kyutai and Dialogue give the record it has with no name.
    assert len({bibtex for _, bibtex in made.values()}) == 3
    for first, second in itertools.combinations(names, 2):
        assert (made[first][0] == made[second][0]) == (made[first][1] == made[second][1])


def test_a_record_keeps_the_fetched_text_beside_its_bibtex() -> None:
    record = link(repository([entry("Moshi", "2410.00037")], [MOSHI])).records[0]
    assert record.get("author") == "D{\\'e}fossez, Alexandre and Mazar{\\'e}, Laurent"
    assert dict(record.plain)["author"] == "Alexandre Défossez and Laurent Mazaré"
    assert record.path == Path("/r/entries/models/Moshi.yaml")
