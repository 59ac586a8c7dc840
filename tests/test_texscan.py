import shutil
import subprocess
from pathlib import Path

import pytest

from speechlm_bib.tex.scan import (
    Citation,
    CitedKeys,
    Inclusion,
    TexScanError,
    parse_aux,
    parse_tex,
    scan_aux,
    scan_paths,
    scan_tex,
)

TEX = Path("paper.tex")


def cited(text: str) -> list[str]:
    return [citation.key for citation in parse_tex(text, TEX).citations]


def located(text: str) -> list[tuple[str, int, int, str]]:
    return [(c.key, c.line, c.column, c.command) for c in parse_tex(text, TEX).citations]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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


# --- scanning files ------------------------------------------------------------------------


def test_scan_tex_follows_inputs_in_reading_order_with_each_files_lines(
    tmp_path: Path,
) -> None:
    main = write(tmp_path / "paper.tex", "\\cite{a}\n\\input{intro}\n\\cite{d}\n")
    write(tmp_path / "intro.tex", "Intro.\n\n\\citep{b}\n\\include{chapters/method}\n")
    write(tmp_path / "chapters" / "method.tex", "x\ny \\textcite{c}")
    result = scan_tex(main)
    assert [(c.key, c.path, c.line, c.column) for c in result.citations] == [
        ("a", main, 1, 7),
        ("b", tmp_path / "intro.tex", 3, 8),
        ("c", tmp_path / "chapters" / "method.tex", 2, 13),
        ("d", main, 3, 7),
    ]
    assert result.keys == ("a", "b", "c", "d")


def test_inputs_resolve_from_the_main_files_directory(tmp_path: Path) -> None:
    main = write(tmp_path / "paper.tex", "\\input{chapters/one}")
    write(tmp_path / "chapters" / "one.tex", "\\input{chapters/two}\\input{shared}")
    write(tmp_path / "chapters" / "two.tex", "\\cite{two}")
    write(tmp_path / "shared.tex", "\\cite{shared}")
    assert scan_tex(main).keys == ("two", "shared")


def test_an_input_name_with_extension_or_without_a_tex_file(tmp_path: Path) -> None:
    main = write(tmp_path / "paper.tex", "\\input{a.tex}\\input{table.txt}")
    write(tmp_path / "a.tex", "\\cite{a}")
    write(tmp_path / "table.txt", "\\cite{t}")
    assert scan_tex(main).keys == ("a", "t")


def test_subfile_and_subimport_resolve_from_the_including_file(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\subfile{parts/p1}\\import{lib/}{l1}")
    write(tmp_path / "parts" / "p1.tex", "\\cite{p1}\\input{p2}\\subimport{deep/}{p3}")
    write(tmp_path / "parts" / "p2.tex", "\\cite{p2}")
    write(tmp_path / "parts" / "deep" / "p3.tex", "\\cite{p3}")
    write(tmp_path / "lib" / "l1.tex", "\\cite{l1}\\input{l2}")
    write(tmp_path / "lib" / "l2.tex", "\\cite{l2}")
    assert scan_tex(main).keys == ("p1", "p2", "p3", "l1", "l2")


def test_inclusion_cycles_are_read_once(tmp_path: Path) -> None:
    main = write(tmp_path / "a.tex", "\\cite{a}\\input{b}")
    write(tmp_path / "b.tex", "\\cite{b}\\input{a}\\input{b}\\input{./a.tex}")
    assert [c.key for c in scan_tex(main).citations] == ["a", "b"]


def test_a_missing_included_file_names_the_including_file_and_line(tmp_path: Path) -> None:
    main = write(tmp_path / "paper.tex", "\\input{ok}\n")
    write(tmp_path / "ok.tex", "text\n\n\\include{intro}\n")
    with pytest.raises(TexScanError) as caught:
        scan_tex(main)
    assert caught.value.path == tmp_path / "ok.tex"
    assert caught.value.line == 3
    assert caught.value.message == "cannot read included file 'intro'"
    assert str(caught.value) == f"{tmp_path / 'ok.tex'}:3: cannot read included file 'intro'"


def test_a_missing_main_file_is_an_error_without_a_line(tmp_path: Path) -> None:
    with pytest.raises(TexScanError) as caught:
        scan_tex(tmp_path / "nope.tex")
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{tmp_path / 'nope.tex'}: cannot read file")


def test_error_message_format() -> None:
    error = TexScanError("cannot read included file 'intro.tex'", Path("paper.tex"), 12)
    assert str(error) == "paper.tex:12: cannot read included file 'intro.tex'"


def test_latin1_sources_and_byte_order_marks_are_read(tmp_path: Path) -> None:
    (tmp_path / "old.tex").write_bytes("% G\xf6del\n\\cite{g}".encode("latin-1"))
    (tmp_path / "bom.tex").write_bytes("\ufeff\\cite{b}".encode())
    assert scan_tex(tmp_path / "old.tex").citations[0].line == 2
    assert scan_tex(tmp_path / "bom.tex").citations[0].column == 7


def test_crlf_line_endings_give_the_same_positions(tmp_path: Path) -> None:
    (tmp_path / "w.tex").write_bytes(b"% x\r\n\\citep[a]\r\n{k}\r\n")
    assert [(c.line, c.column) for c in scan_tex(tmp_path / "w.tex").citations] == [(3, 2)]


def test_a_directory_scans_each_file_once_main_files_first(tmp_path: Path) -> None:
    write(tmp_path / "appendix.tex", "\\cite{appendix}\\input{common}")
    write(tmp_path / "common.tex", "\\cite{common}")
    write(tmp_path / "paper.tex", "\\cite{paper}\\input{chapters/one}\\input{appendix}")
    write(tmp_path / "chapters" / "one.tex", "\\cite{one}")
    write(tmp_path / "slides.tex", "\\cite{slides}\\input{common}")
    write(tmp_path / "notes.txt", "\\cite{txt}")
    result = scan_tex(tmp_path)
    assert [c.key for c in result.citations] == [
        "paper",
        "one",
        "appendix",
        "common",
        "slides",
    ]


def test_a_directory_whose_files_include_each_other_is_still_read(tmp_path: Path) -> None:
    write(tmp_path / "a.tex", "\\cite{a}\\input{b}")
    write(tmp_path / "b.tex", "\\cite{b}\\input{a}")
    assert [c.key for c in scan_tex(tmp_path).citations] == ["a", "b"]


def test_an_empty_directory_cites_nothing(tmp_path: Path) -> None:
    assert scan_tex(tmp_path) == CitedKeys((), False)


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


def test_scan_aux_follows_at_input_from_the_main_aux_directory(tmp_path: Path) -> None:
    main = write(
        tmp_path / "paper.aux", "\\citation{a}\n\\@input{chapters/one.aux}\n\\citation{c}\n"
    )
    write(tmp_path / "chapters" / "one.aux", "\\relax\n\\citation{b}\n\\@input{paper.aux}\n")
    result = scan_aux(main)
    assert [(c.key, c.path, c.line) for c in result.citations] == [
        ("a", main, 1),
        ("b", tmp_path / "chapters" / "one.aux", 2),
        ("c", main, 3),
    ]


def test_scan_aux_missing_at_input_is_an_error(tmp_path: Path) -> None:
    main = write(tmp_path / "paper.aux", "\\relax\n\\@input{intro.aux}\n")
    with pytest.raises(TexScanError, match=r"paper\.aux:2: cannot read included file 'intro\.aux'"):
        scan_aux(main)


# --- scan_paths ----------------------------------------------------------------------------


def test_scan_paths_dispatches_on_suffix_and_counts_each_citation_once(tmp_path: Path) -> None:
    tex = write(tmp_path / "src" / "paper.tex", "\\cite{t}\\input{src/part}")
    write(tmp_path / "src" / "src" / "part.tex", "\\cite{p}")
    aux = write(tmp_path / "build" / "paper.aux", "\\citation{x}\\citation{*}")
    result = scan_paths([tex, aux, tmp_path / "src", tex])
    assert result.keys == ("t", "p", "x")
    assert len(result.citations) == 3
    assert result.all_keys


def test_scan_paths_of_nothing() -> None:
    assert scan_paths([]) == CitedKeys((), False)


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


# --- real LaTeX runs -----------------------------------------------------------------------

BIB = r"""@article{vaswani2017attention, author = {Vaswani, Ashish}, title = {Attention Is All
You Need}, journal = {NeurIPS}, year = {2017}}
@article{hsu2021hubert, author = {Hsu, Wei-Ning}, title = {HuBERT}, journal = {TASLP},
year = {2021}}
@misc{radford2023whisper, author = {Radford, Alec}, title = {Whisper}, year = {2023}}
@misc{baevski2020wav2vec, author = {Baevski, Alexei}, title = {wav2vec 2.0}, year = {2020}}
@misc{unused2024, author = {Nobody}, title = {Unused}, year = {2024}}
"""

NATBIB_DOC = r"""\documentclass{article}
\usepackage{natbib}
\begin{document}
% \cite{commented}
Transformers \citep[see][p.~3]{vaswani2017attention,
  hsu2021hubert} and \citet*{radford2023whisper}.
\include{chapter}
\citeauthor{vaswani2017attention} \nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""

BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\begin{verbatim}
\cite{inverbatim}
\end{verbatim}
\textcite{vaswani2017attention} and \parencites[see][2]{hsu2021hubert}
  [3]{radford2023whisper,baevski2020wav2vec}.
\input{chapter}
\footcite[p.~1]{vaswani2017attention}
\printbibliography
\end{document}
"""

CHAPTER = "More by \\cite{baevski2020wav2vec,\n  hsu2021hubert}.\n"


def compile_latex(directory: Path, document: str) -> None:
    write(directory / "refs.bib", BIB)
    write(directory / "chapter.tex", CHAPTER)
    write(directory / "paper.tex", document)
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_natbib_aux_written_by_pdflatex_agrees_with_the_source(tmp_path: Path) -> None:
    compile_latex(tmp_path, NATBIB_DOC)
    from_aux = scan_aux(tmp_path / "paper.aux")
    from_tex = scan_tex(tmp_path / "paper.tex")
    assert from_aux.keys == from_tex.keys
    assert from_tex.keys == (
        "vaswani2017attention",
        "hsu2021hubert",
        "radford2023whisper",
        "baevski2020wav2vec",
    )
    assert from_aux.all_keys and from_tex.all_keys
    assert {c.path.name for c in from_aux.citations} == {"paper.aux", "chapter.aux"}


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_biblatex_aux_written_by_pdflatex_agrees_with_the_source(tmp_path: Path) -> None:
    compile_latex(tmp_path, BIBLATEX_DOC)
    from_aux = scan_aux(tmp_path / "paper.aux")
    from_tex = scan_tex(tmp_path / "paper.tex")
    assert from_aux.keys == from_tex.keys
    assert from_tex.keys == (
        "vaswani2017attention",
        "hsu2021hubert",
        "radford2023whisper",
        "baevski2020wav2vec",
    )
    assert not from_aux.all_keys and not from_tex.all_keys
