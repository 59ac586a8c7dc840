"""The pure scanner: citations, inclusions and bibliographies of one .tex or .aux text."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechlm_bib.tex import commands
from speechlm_bib.tex.scan import (
    BibDeclaration,
    Citation,
    CitedKeys,
    Inclusion,
    parse_aux,
    parse_tex,
)

TEX = Path("paper.tex")


def cited(text: str) -> list[str]:
    return [citation.key for citation in parse_tex(text, TEX).citations]


def located(text: str) -> list[tuple[str, int, int, str]]:
    return [(c.key, c.line, c.column, c.command) for c in parse_tex(text, TEX).citations]


# --- commands ---------------------------------------------------------------------------

SINGLE_COMMANDS = [
    "cite", "Cite", "nocite", "citep", "citet", "Citep", "Citet", "citealp", "Citealp",
    "citealt", "Citealt", "citeauthor", "Citeauthor", "citefullauthor", "citeyear",
    "citeyearpar", "citetitle", "citenum", "citeurl", "citedate", "parencite", "Parencite",
    "textcite", "Textcite", "autocite", "Autocite", "footcite", "footcitetext", "smartcite",
    "Smartcite", "supercite", "fullcite", "footfullcite",
]  # fmt: skip
STARRED_COMMANDS = ["cite", "citep", "citet", "citeauthor", "citeyear", "parencite"]
MULTICITE_COMMANDS = [
    "cites", "Cites", "parencites", "Parencites", "textcites", "Textcites", "autocites",
    "Autocites", "footcites", "smartcites", "Smartcites", "supercites",
]  # fmt: skip


@pytest.mark.parametrize("command", SINGLE_COMMANDS)
def test_each_citation_command_gives_its_keys_and_name(command: str) -> None:
    text = f"Text \\{command}{{alpha,beta}} more."
    start = len(f"Text \\{command}{{") + 1
    assert located(text) == [
        ("alpha", 1, start, command),
        ("beta", 1, start + 6, command),
    ]


@pytest.mark.parametrize("command", SINGLE_COMMANDS)
def test_each_citation_command_takes_pre_and_postnotes(command: str) -> None:
    assert cited(f"\\{command}[see][p.~3]{{a}} \\{command}[p.~3]{{b}}") == ["a", "b"]


@pytest.mark.parametrize("command", STARRED_COMMANDS)
def test_starred_forms_keep_the_star_in_the_command(command: str) -> None:
    assert located(f"\\{command}*{{a}}") == [("a", 1, len(command) + 4, f"{command}*")]


def test_star_after_a_space_still_belongs_to_the_command() -> None:
    assert located("\\citet *[p.~1]{a}") == [("a", 1, 16, "citet*")]


def test_longer_names_are_not_mistaken_for_citation_commands() -> None:
    assert cited("\\citeproc{a} \\mycite{b} \\cited{c} \\Textcites@x{d} \\citep{e}") == ["e"]


def test_optional_arguments_may_hold_nested_braces_and_brackets() -> None:
    text = "\\citet[{see [1]}][p.~{3}]{a} \\citep[see [2]]{b} \\cite[{]}]{c}"
    assert cited(text) == ["a", "b", "c"]


def test_escaped_braces_in_notes_do_not_count() -> None:
    assert cited("\\citep[a \\{ b][\\}]{k1} \\citep[\\]]{k2}") == ["k1", "k2"]


def test_blanks_and_one_line_break_between_command_and_arguments() -> None:
    text = "\\citep \n  [see]\t[p.~2]\n   {a}"
    assert located(text) == [("a", 3, 5, "citep")]


def test_a_blank_line_ends_the_command() -> None:
    assert cited("\\citep\n\n{a} \\citep[x]\n  \n{b}") == []


def test_a_comment_between_command_and_arguments_is_skipped() -> None:
    text = "\\citep[see]% the note\n  %\n  {a}"
    assert located(text) == [("a", 3, 4, "citep")]


def test_key_lists_with_spaces_and_newlines_give_exact_positions() -> None:
    text = "x\n\\cite{ alpha ,beta,\n\tgamma\n   ,  delta }"
    assert located(text) == [
        ("alpha", 2, 8, "cite"),
        ("beta", 2, 15, "cite"),
        ("gamma", 3, 2, "cite"),
        ("delta", 4, 7, "cite"),
    ]


def test_columns_count_characters_not_bytes() -> None:
    assert located("Ünïcødé — \\cite{k}") == [("k", 1, 17, "cite")]


def test_key_characters_that_bibtex_allows_are_kept() -> None:
    assert cited("\\cite{Smith:2020a,arXiv:2306.12925,de_la-Cruz+2/x}") == [
        "Smith:2020a",
        "arXiv:2306.12925",
        "de_la-Cruz+2/x",
    ]


def test_empty_keys_macros_and_parameters_are_not_keys() -> None:
    text = "\\newcommand{\\mycite}[1]{\\citep{#1}} \\cite{} \\cite{a,,b,} \\cite{\\keys}"
    assert cited(text) == ["a", "b"]


def test_a_comment_inside_a_key_swallows_the_line_break() -> None:
    assert cited("\\cite{long%\n  key,other% note\n}") == ["longkey", "other"]


def test_an_unclosed_key_group_is_no_citation_and_scanning_goes_on() -> None:
    assert cited("\\cite{a \\citep[x]{b}") == ["b"]
    assert cited("\\citep[x{b} \\cite{c}") == ["c"]


def test_a_linebreak_before_cite_is_not_an_escape_of_it() -> None:
    assert cited("a\\\\\\cite{k} \\\\cite{no}") == ["k"]


# --- multicite --------------------------------------------------------------------------


@pytest.mark.parametrize("command", MULTICITE_COMMANDS)
def test_multicite_commands_read_every_key_group(command: str) -> None:
    text = f"\\{command}(multi pre)(multi post)[see][1]{{a,b}}[2]{{c}}{{d}}[e][f]{{g}} after"
    assert cited(text) == ["a", "b", "c", "d", "g"]
    assert {c.command for c in parse_tex(text, TEX).citations} == {command}


def test_multicite_notes_may_nest_and_groups_may_be_spread_over_lines() -> None:
    text = "\\textcites(see (also))(and {)})\n  [p.~1]{a}\n  {b} text {not}"
    assert located(text) == [("a", 2, 10, "textcites"), ("b", 3, 4, "textcites")]


def test_multicite_stops_at_a_paragraph_break_or_text() -> None:
    assert cited("\\cites{a}\n\n{b} \\cites{c} text {d} \\cites{e} [x] {f}") == ["a", "c", "e", "f"]


# --- nocite{*} --------------------------------------------------------------------------


def test_nocite_star_sets_all_keys_and_is_not_a_key() -> None:
    parsed = parse_tex("\\nocite{*} \\nocite{a, *}", TEX)
    assert parsed.all_keys
    assert [c.key for c in parsed.citations] == ["a"]


def test_no_star_means_not_all_keys() -> None:
    assert not parse_tex("\\cite*{a} \\nocite{b}", TEX).all_keys


# --- what LaTeX does not read -------------------------------------------------------------


def test_comments_hide_citations_but_escaped_percent_does_not() -> None:
    text = "% \\cite{a}\n50\\% of \\cite{b} % \\cite{c}\n\\\\% \\cite{d}\n\\cite{e}"
    assert located(text) == [("b", 2, 15, "cite"), ("e", 4, 7, "cite")]


def test_comment_environment_is_skipped() -> None:
    text = "\\begin{comment}\n\\cite{a}\n\\end{comment}\n\\cite{b}"
    assert located(text) == [("b", 4, 7, "cite")]


@pytest.mark.parametrize(
    "environment", ["verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "filecontents"]
)
def test_verbatim_environments_are_skipped(environment: str) -> None:
    arguments = "{python}" if environment == "minted" else ""
    text = (
        f"\\begin{{{environment}}}{arguments}\n\\cite{{a}} % \\input{{x}}\n"
        f"\\end{{{environment}}} \\cite{{b}}"
    )
    parsed = parse_tex(text, TEX)
    assert [c.key for c in parsed.citations] == ["b"]
    assert parsed.includes == ()


def test_a_commented_begin_verbatim_does_not_start_one() -> None:
    assert cited("% \\begin{verbatim}\n\\cite{a}\n\\end{verbatim}") == ["a"]


def test_a_percent_in_verbatim_does_not_start_a_comment() -> None:
    assert cited("\\begin{verbatim}50%\\end{verbatim}\\cite{a}") == ["a"]


def test_verb_is_skipped_with_any_delimiter() -> None:
    text = "\\verb|\\cite{a}| \\verb+%+\\cite{b} \\verb*!\\cite{c}! \\verbatimfoo{x}\\cite{d}"
    assert cited(text) == ["b", "d"]


def test_an_unclosed_verb_ends_at_the_line_end() -> None:
    assert cited("\\verb|\\cite{a}\n\\cite{b}") == ["b"]


def test_url_arguments_are_read_verbatim() -> None:
    text = "\\url{https://x.org/a%20b} \\cite{a} \\href{https://x.org/%7E{}}{see \\cite{b}}"
    columns = [text.index("{a}") + 2, text.index("{b}") + 2]
    assert located(text) == [("a", 1, columns[0], "cite"), ("b", 1, columns[1], "cite")]
    assert cited("\\urlstyle{same}\\cite{c} \\url{unclosed % \\cite{d}") == ["c"]


def test_other_environments_are_read() -> None:
    assert cited("\\begin{figure}\\caption{\\cite{a}}\\end{figure}") == ["a"]


# --- bibliography declarations ------------------------------------------------------------


def test_each_bibliography_file_is_declared_where_its_name_stands() -> None:
    text = (
        "\\bibliography{refs, bib/own}\n"
        "\\addbibresource[label=x]{a.bib}\\addbibresource {b v2.bib}\n"
        "  \\addglobalbib{g.bib} \\nobibliography{nb}\n"
    )
    assert parse_tex(text, TEX).bibliographies == (
        BibDeclaration("bibliography", "refs", 1, 15),
        BibDeclaration("bibliography", "bib/own", 1, 21),
        BibDeclaration("addbibresource", "a.bib", 2, 26),
        BibDeclaration("addbibresource", "b v2.bib", 2, 49),
        BibDeclaration("addglobalbib", "g.bib", 3, 17),
        BibDeclaration("nobibliography", "nb", 3, 40),
    )


def test_declarations_that_latex_does_not_read_or_that_need_expansion_are_left_out() -> None:
    text = (
        "% \\bibliography{commented}\n"
        "\\begin{verbatim}\\addbibresource{verbatim.bib}\\end{verbatim}\\verb|\\bibliography{v}|\n"
        "\\bibliography{\\jobname,#1}\\addbibresource{\\bibdir/x.bib}\n"
        "\\addbibresource[location=remote]{https://example.org/x.bib}\n"
        "\\addbibresource[location=local]{kept.bib}\\bibliography\n\n{paragraph}"
    )
    assert parse_tex(text, TEX).bibliographies == (
        BibDeclaration("addbibresource", "kept.bib", 5, 33),
    )


def test_a_comment_inside_a_bibliography_list_swallows_its_line_break() -> None:
    text = "\\bibliography{refs,% the paper's own\n  own}"
    assert [d.name for d in parse_tex(text, TEX).bibliographies] == ["refs", "own"]


def test_bibdata_of_an_aux_file_declares_its_databases() -> None:
    parsed = parse_aux(BIBTEX_AUX, Path("paper.aux"))
    assert parsed.bibliographies == (
        BibDeclaration("bibdata", "references", 10, 10),
        BibDeclaration("bibdata", "extra", 10, 21),
    )
    assert [d.file_name for d in parsed.bibliographies] == ["references.bib", "extra.bib"]


def test_file_names_are_those_bibtex_and_biber_open() -> None:
    assert BibDeclaration("bibliography", "refs.bib", 1, 1).file_name == "refs.bib"
    assert BibDeclaration("bibliography", "refs.2024", 1, 1).file_name == "refs.2024.bib"
    assert BibDeclaration("addbibresource", "refs.bib", 1, 1).file_name == "refs.bib"


# --- inclusions in the pure parser ---------------------------------------------------------


def test_parse_tex_lists_every_form_of_inclusion_with_its_position() -> None:
    text = (
        "\\input{intro}\n"
        "  \\input chapters/two.tex \\include{ three }\n"
        "\\subfile{parts/four}\\import{sections/}{five}\n"
        "\\subimport*{sub}{six} % \\input{hidden}\n"
        '\\input{"with space"}\\includeonly{x}\\inputencoding{latin1}\n'
        "\\newcommand{\\inc}[1]{\\input{#1}} \\input{\\dir/x} \\input\\foo"
    )
    assert parse_tex(text, TEX).includes == (
        Inclusion("input", "intro", 1, 1),
        Inclusion("input", "chapters/two.tex", 2, 3),
        Inclusion("include", "three", 2, 27),
        Inclusion("subfile", "parts/four", 3, 1),
        Inclusion("import", "five", 3, 21, "sections/"),
        Inclusion("subimport", "six", 4, 1, "sub"),
        Inclusion("input", "with space", 5, 1),
    )



# --- aux files ---------------------------------------------------------------------------

BIBTEX_AUX = r"""\relax 
\providecommand\hyper@newdestlabel[2]{}
\citation{vaswani2017attention,baevski2020wav2vec}
\@writefile{toc}{\contentsline {section}{\numberline {1}Introduction}{1}{}\protected@file@percent }
\citation{hsu2021hubert}
\newlabel{sec:intro}{{1}{1}{Introduction}{section.1}{}}
\citation{radford2023whisper}
\citation{vaswani2017attention}
\bibstyle{plainnat}
\bibdata{references,extra}
\bibcite{baevski2020wav2vec}{{1}{2020}{{Baevski et~al.}}{{}}}
\bibcite{hsu2021hubert}{{2}{2021}{{Hsu et~al.}}{{}}}
\gdef \@abspage@last{3}
"""  # noqa: W291

BIBLATEX_AUX = r"""\relax 
\abx@aux@refcontext{nty/global//global/global}
\abx@aux@cite{0}{vaswani2017attention}
\abx@aux@segm{0}{0}{vaswani2017attention}
\abx@aux@cite{0}{hsu2021hubert}
\abx@aux@segm{0}{0}{hsu2021hubert}
\@writefile{toc}{\boolfalse {citerequest}\boolfalse {citetracker}}
\abx@aux@cite{1}{radford2023whisper}
\abx@aux@segm{1}{0}{radford2023whisper}
\abx@aux@read@bbl@mdfivesum{5C2C8E9DCE0B1C3D2C3A1D8E4F6A9B21}
\gdef \@abspage@last{2}
"""  # noqa: W291

OLD_BIBLATEX_AUX = r"""\relax 
\abx@aux@refcontext{nty/global//global/global}
\abx@aux@cite{vaswani2017attention}
\abx@aux@segm{0}{0}{vaswani2017attention}
\abx@aux@cite{hsu2021hubert}
\abx@aux@segm{0}{0}{hsu2021hubert}
"""  # noqa: W291


def test_bibtex_aux_citations_with_positions() -> None:
    parsed = parse_aux(BIBTEX_AUX, Path("paper.aux"))
    assert [(c.key, c.line, c.column, c.command) for c in parsed.citations] == [
        ("vaswani2017attention", 3, 11, "citation"),
        ("baevski2020wav2vec", 3, 32, "citation"),
        ("hsu2021hubert", 5, 11, "citation"),
        ("radford2023whisper", 7, 11, "citation"),
        ("vaswani2017attention", 8, 11, "citation"),
    ]
    assert not parsed.all_keys
    assert parsed.includes == ()


def test_biblatex_aux_with_refsection_numbers() -> None:
    parsed = parse_aux(BIBLATEX_AUX, Path("paper.aux"))
    assert [(c.key, c.line, c.column, c.command) for c in parsed.citations] == [
        ("vaswani2017attention", 3, 18, "abx@aux@cite"),
        ("hsu2021hubert", 5, 18, "abx@aux@cite"),
        ("radford2023whisper", 8, 18, "abx@aux@cite"),
    ]


def test_biblatex_aux_of_older_versions_without_refsection() -> None:
    parsed = parse_aux(OLD_BIBLATEX_AUX, Path("paper.aux"))
    assert [(c.key, c.line, c.column) for c in parsed.citations] == [
        ("vaswani2017attention", 3, 15),
        ("hsu2021hubert", 5, 15),
    ]


@pytest.mark.parametrize(
    "text", ["\\citation{*}\n", "\\abx@aux@nociteall\n", "\\abx@aux@cite{*}\n"]
)
def test_aux_forms_of_nocite_star(text: str) -> None:
    parsed = parse_aux(text, Path("p.aux"))
    assert parsed.all_keys
    assert parsed.citations == ()


def test_aux_commands_are_whole_control_words() -> None:
    text = "\\citationstyle{x}\\abx@aux@citex{y}\\@inputenc{z}\\citation{k}"
    parsed = parse_aux(text, Path("p.aux"))
    assert [c.key for c in parsed.citations] == ["k"]
    assert parsed.includes == ()


def test_cited_keys_keeps_first_occurrence_order() -> None:
    citations = tuple(Citation(k, TEX, 1, i, "cite") for i, k in enumerate("cabac"))
    assert CitedKeys(citations, False).keys == ("c", "a", "b")


# --- size ----------------------------------------------------------------------------------


def test_a_large_source_with_many_citations_is_read_in_one_pass() -> None:
    text = "".join(
        f"Some words about speech models \\textbf{{bold}} $x_{{1}}$ % remark {i}\n"
        f"as \\citep[see][p.~{i}]{{key{i}, shared}} and \\parencites[1]{{m{i}}}{{n}} show.\n"
        for i in range(20_000)
    )
    parsed = parse_tex(text, TEX)
    assert len(parsed.citations) == 80_000
    column = text.splitlines()[-1].index("{n}") + 2
    assert parsed.citations[-1] == Citation("n", TEX, 40_000, column, "parencites")


# --- a property ----------------------------------------------------------------------------

KEY = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9:_+./-]{0,10}", fullmatch=True)
SEPARATOR = st.sampled_from([",", ", ", " ,\n\t", ",% note\n  "])
NOTES = st.sampled_from(["", "[see]", "[see][p.~2]", " [{a]}]\n", "[see [1]]"])


@st.composite
def hidden(draw: st.DrawFn, keys: list[str]) -> str:
    """A citation of keys where LaTeX does not read it."""
    cite = "\\cite{" + ",".join(keys) + "}"
    environment = draw(st.sampled_from(sorted(commands.VERBATIM_ENVIRONMENTS)))
    return draw(st.sampled_from([
        f"% {cite}\n", f"\\begin{{{environment}}}\n{cite}\n\\end{{{environment}}}",
        f"\\verb|{cite}|", f"\\url{{https://x.org/a%20{cite}}}", f"\\verb*+{cite}+",
    ]))


@st.composite
def paper(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A text of citations and hidden citations of random keys; the keys cited, in order."""
    pieces, expected = [], []
    for _ in range(draw(st.integers(0, 8))):
        keys = draw(st.lists(KEY, min_size=1, max_size=4))
        kind = draw(st.sampled_from(["cite", "multicite", "hidden", "text"]))
        if kind == "cite":
            command = draw(st.sampled_from(sorted(commands.CITE_COMMANDS)))
            star = draw(st.sampled_from(["", "*"]))
            body = draw(SEPARATOR).join(keys)
            pieces.append(f"\\{command}{star}{draw(NOTES)}{{{body}}}")
        elif kind == "multicite":
            command = draw(st.sampled_from(sorted(commands.MULTICITE_COMMANDS)))
            groups = "".join(f"[p.~{i}]{{{key}}}" for i, key in enumerate(keys))
            pieces.append(f"\\{command}(see)(and){groups} and")
        else:
            pieces.append(draw(hidden(keys)) if kind == "hidden" else "Some $x$ \\% {text}.")
        expected += keys if kind in ("cite", "multicite") else []
        pieces.append(draw(st.sampled_from([" ", "\n", "\n\n"])))
    return "".join(pieces), expected


@settings(max_examples=300, deadline=None)
@given(paper())
def test_cited_keys_come_back_exactly_where_they_stand(generated: tuple[str, list[str]]) -> None:
    text, expected = generated
    citations = parse_tex(text, TEX).citations
    assert [c.key for c in citations] == expected
    lines = text.split("\n")
    for c in citations:
        assert lines[c.line - 1][c.column - 1 :].startswith(c.key)
