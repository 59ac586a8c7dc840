"""Reading a paper's files: inclusions followed as LaTeX does, .aux files, real LaTeX runs."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from speechlm_bib.tex.files import TexScanError, scan_aux, scan_paths, scan_tex
from speechlm_bib.tex.scan import Bibliography, CitedKeys

TEX = Path("paper.tex")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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


# --- bibliographies -------------------------------------------------------------------------


def declared(result: CitedKeys) -> list[tuple[Path, Path, int, str]]:
    return [(b.file, b.path, b.line, b.command) for b in result.bibliographies]


def test_bibliographies_of_a_multi_file_paper_resolve_from_the_main_folder(
    tmp_path: Path,
) -> None:
    main = write(tmp_path / "paper" / "main.tex",
                 "\\addbibresource{bib/refs.bib}\n\\input{chapters/intro}\n\\include{chapters/end}\n")
    intro = write(tmp_path / "paper" / "chapters" / "intro.tex",
                  "\\cite{a}\n\\addbibresource[label=own]{own.bib}\n")
    end = write(tmp_path / "paper" / "chapters" / "end.tex", "\\bibliography{bib/refs,extra}")
    paper = tmp_path / "paper"
    result = scan_tex(main)
    assert declared(result) == [
        (paper / "bib" / "refs.bib", main, 1, "addbibresource"),
        (paper / "own.bib", intro, 2, "addbibresource"),
        (paper / "bib" / "refs.bib", end, 1, "bibliography"),
        (paper / "extra.bib", end, 1, "bibliography"),
    ]
    assert result.bib_files == (paper / "bib" / "refs.bib", paper / "own.bib", paper / "extra.bib")
    assert result.bibliographies[2] == Bibliography(
        paper / "bib" / "refs.bib", "bib/refs", end, 1, 15, "bibliography")


def test_a_subfile_and_an_import_declare_relative_to_the_main_folder_too(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\subfile{parts/one}\\subimport{lib/}{two}")
    write(tmp_path / "parts" / "one.tex", "\\bibliography{refs}")
    write(tmp_path / "lib" / "two.tex", "\\addbibresource{lib/more.bib}")
    assert scan_tex(main).bib_files == (tmp_path / "refs.bib", tmp_path / "lib" / "more.bib")


def test_an_absolute_bibliography_path_stays_absolute(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "all"
    main = write(tmp_path / "paper" / "main.tex", f"\\bibliography{{{shared}}}")
    assert scan_tex(main).bib_files == (shared.with_suffix(".bib"),)


def test_a_declaration_in_a_commented_input_does_not_count(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "%\\input{old}\n\\bibliography{new}")
    write(tmp_path / "old.tex", "\\bibliography{old}")
    assert scan_tex(main).bib_files == (tmp_path / "new.bib",)


def test_a_directory_resolves_from_itself(tmp_path: Path) -> None:
    write(tmp_path / "a.tex", "\\input{sub/b}")
    write(tmp_path / "sub" / "b.tex", "\\bibliography{sub/refs}")
    assert scan_tex(tmp_path).bib_files == (tmp_path / "sub" / "refs.bib",)


def test_bibdata_resolves_from_the_main_aux_folder(tmp_path: Path) -> None:
    aux = write(tmp_path / "build" / "paper.aux",
                "\\citation{a}\n\\@input{ch/one.aux}\n\\bibdata{refs,bib/more.bib}\n")
    write(tmp_path / "build" / "ch" / "one.aux", "\\citation{b}\n")
    assert declared(scan_aux(aux)) == [
        (tmp_path / "build" / "refs.bib", aux, 3, "bibdata"),
        (tmp_path / "build" / "bib" / "more.bib", aux, 3, "bibdata"),
    ]


def test_a_biblatex_aux_declares_the_resources_of_its_bcf(tmp_path: Path) -> None:
    aux = write(tmp_path / "build" / "paper.aux", "\\abx@aux@cite{0}{a}\n")
    control = write(tmp_path / "build" / "paper.bcf",
                    '<bcf:bibdata section="0">\n<bcf:datasource type="file" datatype="bibtex" '
                    'glob="false">bib/refs.bib</bcf:datasource>\n</bcf:bibdata>\n')
    assert declared(scan_aux(aux)) == [
        (tmp_path / "build" / "bib" / "refs.bib", control, 2, "datasource")]


def test_an_aux_declaring_bibdata_leaves_a_stale_bcf_unread(tmp_path: Path) -> None:
    aux = write(tmp_path / "paper.aux", "\\citation{a}\n\\bibdata{refs}\n")
    write(tmp_path / "paper.bcf", '<bcf:datasource type="file">old.bib</bcf:datasource>')
    assert declared(scan_aux(aux)) == [(tmp_path / "refs.bib", aux, 2, "bibdata")]


def test_scan_paths_keeps_each_declaration_once(tmp_path: Path) -> None:
    tex = write(tmp_path / "paper.tex", "\\bibliography{refs}")
    aux = write(tmp_path / "paper.aux", "\\bibdata{refs}")
    result = scan_paths([tex, aux, tex])
    assert declared(result) == [(tmp_path / "refs.bib", tex, 1, "bibliography"),
                                (tmp_path / "refs.bib", aux, 1, "bibdata")]
    assert result.bib_files == (tmp_path / "refs.bib",)


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


MULTI_FILE_BIB = """@misc{own2024work, author = {Own, Author}, title = {Our Own Work},
  year = {2024}}
"""


def run_tools(directory: Path, *commands: list[str]) -> None:
    for command in commands:
        subprocess.run(command, cwd=directory, check=True, capture_output=True, timeout=120)


def write_multi_file_paper(root: Path, preamble: str, chapter_end: str) -> Path:
    """A paper whose citations and bibliography declarations sit in included files."""
    write(root / "bib" / "refs.bib", BIB)
    write(root / "own.bib", MULTI_FILE_BIB)
    write(root / "chapters" / "intro.tex", "Intro \\cite{vaswani2017attention}.\n")
    write(root / "chapters" / "end.tex", "End \\cite{own2024work}.\n" + chapter_end)
    return write(root / "paper.tex", "\\documentclass{article}\n" + preamble
                 + "\\begin{document}\n\\input{chapters/intro}\n\\include{chapters/end}\n"
                 "\\end{document}\n")


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
                    reason="pdflatex or bibtex not installed")
def test_bibtex_opens_the_files_the_scan_resolves(tmp_path: Path) -> None:
    paper = write_multi_file_paper(tmp_path, "\\usepackage{natbib}\n",
                                   "\\bibliographystyle{plainnat}\n\\bibliography{bib/refs,own}\n")
    run_tools(tmp_path, ["pdflatex", "-interaction=nonstopmode", "paper.tex"], ["bibtex", "paper"])
    opened = re.findall(r"^Database file #\d+: (.+)$", (tmp_path / "paper.blg").read_text(),
                        re.MULTILINE)
    assert [tmp_path / name for name in opened] == [tmp_path / "bib" / "refs.bib",
                                                    tmp_path / "own.bib"]
    for result in (scan_tex(paper), scan_aux(tmp_path / "paper.aux")):
        assert result.bib_files == tuple(tmp_path / name for name in opened)
        assert all(file.is_file() for file in result.bib_files)


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("biber") is None,
                    reason="pdflatex or biber not installed")
def test_biber_opens_the_files_the_scan_resolves(tmp_path: Path) -> None:
    preamble = ("\\usepackage[backend=biber]{biblatex}\n\\addbibresource{bib/refs.bib}\n"
                "\\addbibresource[label=own]{own.bib}\n")
    paper = write_multi_file_paper(tmp_path, preamble, "\\printbibliography\n")
    run_tools(tmp_path, ["pdflatex", "-interaction=nonstopmode", "paper.tex"], ["biber", "paper"])
    opened = re.findall(r"Found BibTeX data source '([^']+)'",
                        (tmp_path / "paper.blg").read_text())
    assert scan_tex(paper).bib_files == tuple(tmp_path / name for name in opened)
    assert scan_aux(tmp_path / "paper.aux").bib_files == scan_tex(paper).bib_files
    assert len(opened) == 2
