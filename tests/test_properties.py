"""hypothesis properties of escaping, rendering and keys.

The supported alphabet is what pdflatex with T1 fonts can typeset from references.bib:
printable ASCII, Latin-1, Latin Extended-A (but the letters in ``latex.APPROXIMATED``) and
the typographic dashes, quotes and ellipsis. CJK and other scripts cannot be encoded for
pdflatex: ``latex.unencodable`` reports them (tested separately below) rather than the
property pretending they survive.
"""

from __future__ import annotations

from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import RemoveEnclosingMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from speechlm_bib.bibtex.latex import APPROXIMATED, escape, to_text, unencodable
from speechlm_bib.bibtex.writer import write_bibtex
from speechlm_bib.keys import is_valid_key, make_key, unique_key
from speechlm_bib.link import link
from speechlm_bib.model import ArxivMetadata, Entry, Repository, Section
from speechlm_bib.services import run_build

ALPHABET = "".join(
    chr(code) for code in [*range(0x21, 0x7F), *range(0xA1, 0x180)]
    if chr(code) not in APPROXIMATED and chr(code) != "\xad"
) + "\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
"""Characters a word may hold (the soft hyphen U+00AD is invisible and left out)."""

WORD = st.text(st.sampled_from(ALPHABET), min_size=1, max_size=10)
TITLE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
NAME_WORD = WORD.filter(lambda w: "," not in w and w.lower() != "and"
                        and w.count("{") == w.count("}") == 0)
"""Name words: a comma or the word "and" would split a name in BibTeX, and arXiv names
never carry braces; arXiv separates authors itself, so a name never holds them."""
NAME = st.lists(NAME_WORD, min_size=1, max_size=4).map(" ".join)


def render(title: str, authors: list[str], terms: tuple[str, ...] = ()) -> dict[str, str]:
    """Render one fetched work through the real middlewares and parse it back."""
    meta = ArxivMetadata("2401.00001", 1, title, tuple(authors), "2024-01-01", "2024-01-01")
    row = Entry(Path("x.yaml"), "models", key="key", arxiv="2401.00001")
    repo = Repository(Path(), (Section("models", "Models", ()),), (row,),
                      {meta.id: meta}, terms=terms)
    text = write_bibtex(link(repo).records)
    library = parse_string(text, parse_stack=[RemoveEnclosingMiddleware()])
    assert not library.failed_blocks
    (entry,) = library.entries
    return {field.key: str(field.value) for field in entry.fields}


def parts(name: str) -> tuple[tuple[str, ...], ...]:
    """First, von, last and jr parts of a BibTeX name (whose von/last split may differ from
    the plain name's: an encoded letter such as {\\dh} has no case to BibTeX)."""
    split = parse_single_name_into_parts(name, strict=False)
    return (tuple(split.first), tuple(split.von), tuple(split.last), tuple(split.jr))


@settings(max_examples=300, deadline=None)
@given(TITLE, st.lists(WORD, max_size=2))
def test_any_title_survives_render_and_parse(title: str, terms: list[str]) -> None:
    for candidate in (title, "R&D " + title):  # with a special, to_text decodes all of it
        fields = render(candidate, ["Ada Lovelace"], tuple(terms))
        assert to_text(fields["title"]) == candidate


@settings(max_examples=300, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=4))
def test_any_author_list_survives_render_and_parse(authors: list[str]) -> None:
    fields = render("A Title", authors)
    rendered = fields["author"].split(" and ")
    assert len(rendered) == len(authors)
    for original, written in zip(authors, rendered, strict=True):
        first, von, last, jr = parts(written)
        assert jr == ()
        assert " ".join(to_text(word) for word in (*first, *von, *last)) == original


@given(st.text(st.sampled_from(ALPHABET + " "), max_size=40))
def test_escaped_text_has_no_active_special_characters(text: str) -> None:
    """No unescaped %, #, &, $, _ and no ligature: the text reads back as it was."""
    escaped = escape(text)
    for char in "%#&$_":
        assert escaped.count(char) == escaped.count("\\" + char)
    for ligature in ("--", "``", "''", "<<", ">>"):
        assert ligature not in escaped
    assert to_text("\\& " + escaped) == "& " + text


def test_commands_in_fetched_text_stay_text() -> None:
    for hostile in (r"\input{/etc/passwd}", r"\immediate\write18{rm -rf ~}",
                    r"\csname foo\endcsname", "<script>alert(1)</script>", "**bold** [x](y)"):
        fields = render(hostile, [hostile.replace(",", "")])
        assert "\\input" not in fields["title"] and "\\write18" not in fields["title"]
        assert to_text(fields["title"]) == hostile


def test_scripts_pdflatex_cannot_typeset_are_reported_not_mangled() -> None:
    title = "理想同学 MindGPT 音声 Ħ"
    assert unencodable(title) == "理想同学音声Ħ"
    assert unencodable("理 a 理 Ħ b 想 Ħ") == "理理Ħ想Ħ"  # each as often as, and where, it stands
    assert escape("理想同学") == "理想同学"


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.integers(0, 9999)), st.text())
def test_key_generation_never_fails_and_gives_a_valid_key(
    author: str | None, year: int | None, title: str
) -> None:
    key = make_key(author, year, title)
    assert is_valid_key(key)
    taken = {key, key + "a", key.upper() + "B"}
    unique = unique_key(key, taken)
    assert is_valid_key(unique) and unique.lower() not in {k.lower() for k in taken}


def test_build_is_idempotent(survey_repo: Path) -> None:
    first = run_build(survey_repo)
    text = (survey_repo / "references.bib").read_bytes()
    assert first == []
    (survey_repo / "references.bib").unlink()
    assert run_build(survey_repo) == [survey_repo / "references.bib"]
    assert (survey_repo / "references.bib").read_bytes() == text
    assert run_build(survey_repo) == []


@settings(max_examples=50, deadline=None)
@given(TITLE)
def test_rendering_is_deterministic(title: str) -> None:
    assert render(title, ["Ada Lovelace"]) == render(title, ["Ada Lovelace"])
