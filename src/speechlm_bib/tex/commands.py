r"""The commands speechlm-bib reads in LaTeX text, and the value a command read becomes.

tex/walker.py tells pylatexenc's walker how each of these commands takes its arguments,
tex/reader.py finds them in a text, tex/scan.py turns each ``Command`` into what it means.
"""

from __future__ import annotations

from dataclasses import dataclass

CITE_COMMANDS = frozenset(
    {
        *("cite", "Cite", "nocite", "citep", "Citep", "citet", "Citet"),
        *("citealp", "Citealp", "citealt", "Citealt", "citenum"),
        *("citeauthor", "Citeauthor", "citefullauthor", "Citefullauthor"),
        *("citeyear", "citeyearpar", "citetitle", "Citetitle"),
        *("citeurl", "citedate", "citeurldate", "citelist", "citefield", "citename"),
        *("parencite", "Parencite", "textcite", "Textcite", "autocite", "Autocite"),
        *("footcite", "Footcite", "footcitetext", "Footcitetext", "smartcite", "Smartcite"),
        *("supercite", "fullcite", "footfullcite"),
        *("notecite", "Notecite", "pnotecite", "Pnotecite", "fnotecite"),
    }
)
MULTICITE_COMMANDS = frozenset(
    {
        *("cites", "Cites", "parencites", "Parencites", "textcites", "Textcites"),
        *("autocites", "Autocites", "footcites", "footcitetexts"),
        *("smartcites", "Smartcites", "supercites"),
    }
)
INPUT_COMMANDS = frozenset({"input", "include", "subfile", "subfileinclude"})
IMPORT_FROM_MAIN = frozenset({"import", "inputfrom", "includefrom"})
IMPORT_FROM_HERE = frozenset({"subimport", "subinputfrom", "subincludefrom"})
IMPORT_COMMANDS = IMPORT_FROM_MAIN | IMPORT_FROM_HERE
# bibtex and natbib name .bib files without their extension, biblatex one resource with it
BIBTEX_COMMANDS = frozenset({"bibliography", "nobibliography"})
BIBLATEX_COMMANDS = frozenset({"addbibresource", "addglobalbib"})
URL_COMMANDS = frozenset({"url", "nolinkurl", "href"})
VERBATIM_ENVIRONMENTS = frozenset(
    {
        *("comment", "verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim"),
        *("LVerbatim", "lstlisting", "minted", "filecontents", "filecontents*"),
    }
)
# every command whose arguments the walker reads specially
WALKED_COMMANDS = (
    CITE_COMMANDS | MULTICITE_COMMANDS | INPUT_COMMANDS | IMPORT_COMMANDS | BIBTEX_COMMANDS
    | BIBLATEX_COMMANDS | URL_COMMANDS | {"verb"}
)


@dataclass(frozen=True, slots=True)
class Argument:
    """A brace argument as written: the offset of its first character, its text.

    Comments in the text (with the line break and indentation they swallow) are NULs, so that
    offsets within it stay those of the source.
    """

    offset: int
    text: str


@dataclass(frozen=True, slots=True)
class Command:
    r"""A command read: its name (with ``*`` when starred), the offset of its ``\``, arguments."""

    name: str
    start: int
    arguments: tuple[Argument, ...]
    options: tuple[str, ...] = ()
