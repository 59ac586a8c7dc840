"""The command reader: its fast path gives what walking the whole text with pylatexenc gives."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from speechlm_bib.tex.commands import CITE_COMMANDS, MULTICITE_COMMANDS, Argument, Command
from speechlm_bib.tex.reader import read_commands
from speechlm_bib.tex.walker import commands_in, walker_for


def walked(text: str) -> list[Command]:
    """The commands found by letting the walker read the whole text."""
    nodes, _, _ = walker_for(text).get_latex_nodes(0)
    return list(commands_in(nodes))


KEYS = st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9:_+/.-]{0,6}", fullmatch=True),
                min_size=1, max_size=3)
NOTE = st.sampled_from(["", "[see]", "[p.~3]", "[{a]}]", "[see [1]]", "[\\S~2]", "[$x$]",
                        "[a%c\n]", "[]", "[a}b]", "[\\cite{inner}]", "[(1)]", "[$]"])
GAP = st.sampled_from(["", "", "", " ", "\n", " \n  ", "%c\n", "\n\n", "\n \n", "\t"])
SEPARATOR = st.sampled_from([",", ", ", " ,\n  ", ",% note\n", ",\n\n", ",,"])
ODD_KEYS = st.sampled_from(["a$b", "#1", "\\k", "a{b}", "", "a%", "a]"])
PRE_NOTE = st.sampled_from(["(pre)", "(pre) (post)", "(a (b))", "({)})", "(x", "(a)(b)(c)",
                           "(\\S)", "([)", "($)"])
STAR = st.sampled_from(["", "", "*", " *", "\n*"])
NOISE = st.sampled_from([
    "text ", "\n", "\n\n", "{", "}", "[", "]", "(", ")", "$", "$$", "\\\\", "\\%", "\\\\%",
    "% \\cite{c1}\n", "\\textbf{x}", "\\begin{figure}", "\\end{figure}", "\\begin{verbatim}",
    "\\cite{v}", "\\end{verbatim}", "\\begin{comment}", "\\end{comment}", "\\verb|\\cite{v}|",
    "\\verb*!x!", "\\verb", "\\url{a%\\cite{u}}", "\\url{", "\\href{x}{\\cite{h}}", "\\input{ch1}",
    "\\input ch2 ", "\\import{d/}{f}", "\\subimport*{d/}{g}", "\\include{\\x}",
    "\\bibliography{a, b}", "\\addbibresource[location=remote]{x}", "\\addglobalbib{y.bib}",
    "\\(", "\\)", "\\[", "\\]", "#1", "\\", "\\citeé{x}", "\\citex{y}", "\\mycite{z}", "\r\n",
])


@st.composite
def citation(draw: st.DrawFn) -> str:
    """One citation command, often in its plain form (only spaces before its arguments)."""
    multi, plain = draw(st.booleans()), draw(st.booleans())
    gap = st.sampled_from(["", "", " ", "\t "]) if plain else GAP
    command = draw(st.sampled_from(sorted(MULTICITE_COMMANDS if multi else CITE_COMMANDS)))
    text = f"\\{command}{draw(STAR)}"
    if multi and draw(st.booleans()):
        notes = draw(st.lists(PRE_NOTE, max_size=3))
        text += "".join(draw(gap) + note for note in notes)
    for _ in range(draw(st.integers(1, 3)) if multi else 1):
        notes = draw(st.lists(NOTE, max_size=3))
        keys = draw(st.one_of(SEPARATOR.flatmap(lambda s: KEYS.map(s.join)), ODD_KEYS))
        text += "".join(draw(gap) + note for note in notes) + draw(gap) + "{" + keys + "}"
    return text + draw(st.sampled_from(["", " text", " [x]", "\n{y}", "% c\n{z}", " {w}", "."]))


DOCUMENTS = st.lists(st.one_of(citation(), citation(), NOISE), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(DOCUMENTS)
@example("\\cite[$]{a} $ ]{b}")
@example("\\cites($){a} $ ){b}")
@example("\\cite{a$b} $}")
@example("\\cites{a}[b]{c} [d]{e}")
@example("\\cites{a}{b}\n{c}")
@example("\\cites{a}{b}%\n{c}")
def test_the_fast_path_reads_what_the_walker_reads(text: str) -> None:
    assert list(read_commands(text)) == walked(text)


def test_plain_and_walked_forms_give_the_same_command() -> None:
    plain, spread = "\\citet*[see][p.~2]{a,b}", "\\citet*\n  [see] [p.~2]% x\n {a,b}"
    for text in (plain, spread):
        keys = Argument(text.index("{a,b}") + 1, "a,b")
        assert list(read_commands(text)) == [Command("citet*", 0, (keys,))]


def test_comments_in_arguments_become_nuls_keeping_offsets() -> None:
    [command] = read_commands("\\cite{a,%x\n  b}")
    assert command.arguments == (Argument(6, "a,\x00\x00\x00\x00\x00b"),)


def test_a_command_inside_the_notes_of_another_is_read_after_it() -> None:
    assert [(c.name, c.start) for c in read_commands("\\citep[\\cite{x}]{a}")] == [
        ("citep", 0), ("cite", 7)]


def test_bibliography_commands_keep_their_options() -> None:
    [command] = read_commands("\\addbibresource[label=x]{refs.bib}")
    assert command.options == ("label=x",)
    assert command.arguments == (Argument(25, "refs.bib"),)


def test_a_text_ending_in_a_backslash_or_command_name_reads_nothing() -> None:
    assert list(read_commands("\\")) == []
    assert list(read_commands("\\cite")) == []
    assert list(read_commands("\\cite{a")) == []
