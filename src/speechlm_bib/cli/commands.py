"""The commands that keep the list: import, add, sync, build, check, cite, export, tables, rename.

Each parses its options, calls one service (imported when the command runs, so that --help
and errors stay instant) and echoes what it did.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from .app import Settings, command, progress_bar
from .formats import CITE_FORMATS, EXPORT_FORMATS, IMPORT_FORMATS, REPORT_FORMATS

if TYPE_CHECKING:
    from ..store.answers import Answer


@command("import", "speechlm-bib import README.md --dry-run")
@click.argument("markdown", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the report; write nothing.")
@click.option("--format", "output", type=click.Choice(IMPORT_FORMATS), default="text",
              show_default=True, help="How to write the report.")
def import_command(settings: Settings, markdown: Path, dry_run: bool, output: str) -> None:
    """Take over an awesome list's README in place.

    Each table with links becomes a section of entries/, wrapped where it stands in markers
    that build regenerates; the report lists every repair, the column roles and the rows
    left without a link.
    """
    from ..render.adoption import IMPORT_RENDERERS  # loaded when the command runs, as below
    from ..services.adoption import run_import  # the core loads when a command runs

    root = (settings.root or Path.cwd()).resolve()
    report = run_import(root, markdown, dry_run=dry_run, lock_wait=settings.lock_wait)
    click.echo(IMPORT_RENDERERS[output](report), nl=False)


@command(example="speechlm-bib add doi:10.1109/ICASSP.2015.7178964 --section datasets")
@click.argument("id_or_url", metavar="ID_OR_URL")
@click.option("--section", required=True, metavar="SECTION",
              help="The section (folder under entries/) to add to.")
@click.option("--name", metavar="NAME",
              help="The name the row shows (default: the name the title gives the work).")
@click.option("--first", "position", flag_value="first",
              help="Put the row first in its section.")
@click.option("--last", "position", flag_value="last", help="Put the row last in its section.")
@click.option("--after", metavar="KEY", help="Put the row after the row citing KEY.")
def add(settings: Settings, id_or_url: str, section: str, name: str | None,
        position: str | None, after: str | None) -> None:
    """Add an entry for a paper, fetching its record.

    ID_OR_URL is an arXiv id or URL, a DOI (bare, doi:..., or a doi.org URL), an ACL
    Anthology id or URL, or a DBLP key (dblp:...) or record URL. An arXiv paper's metadata
    is fetched unless it is stored already (its published version is looked up by the next
    sync); a DOI comes from Crossref and a DBLP key from DBLP, and the entry pins that
    version and links the arXiv preprint a database names. Without --first, --last or
    --after the row goes where the section's order puts a new paper: first in a list kept
    newest first, else last.
    """
    from ..placement import Placement
    from ..services.add import run_add  # the core loads when a command runs, not for --help

    placement = Placement(position, after)
    path, key = run_add(settings.find_root(), id_or_url, section, name, settings.sources,
                        settings.lock_wait, placement, cache=settings.cache)
    click.echo(f"added {path} as {key}")


@command(example="speechlm-bib sync --only defossez2024moshi")
@click.option("--refresh", is_flag=True,
              help="Fetch again what is stored already, ask again about the published "
                   "version of works that have none confirmed, and search again the titles "
                   "that linked nothing.")
@click.option("--arxiv-only", is_flag=True,
              help="Fetch arXiv metadata only; look up no published versions, search no "
                   "titles.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--only", "only", multiple=True, metavar="KEY",
              help="Sync only the entries with this key or arXiv id (repeatable).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report what was done (json names every id).")
@click.pass_context
def sync(ctx: click.Context, settings: Settings, refresh: bool, arxiv_only: bool,
         dry_run: bool, only: tuple[str, ...], output: str) -> None:
    """Fetch arXiv metadata and published versions.

    Rows linked to nothing whose title was not searched before are searched in DBLP by it,
    and linked when the title names one work. Only ids without stored metadata are fetched
    (all of them with --refresh); works without a stored decision on their published
    version are looked up in DBLP and Crossref. What is fetched is stored, new links and
    keys are written into their entries and the generated files are rebuilt.
    """
    from ..render.syncreport import render_sync_json, render_sync_text, sync_failures
    from ..services.sync import SyncOptions, run_sync  # the core loads when a command runs

    verbose = bool(ctx.meta.get("speechlm_bib.verbose"))
    options = SyncOptions(refresh, dry_run, only, published=not arxiv_only,
                          cache=settings.cache)
    outcome = run_sync(settings.find_root(), settings.sources, options,
                       progress_bar if sys.stderr.isatty() else None, settings.lock_wait)
    click.echo(render_sync_json(outcome) if output == "json"
               else render_sync_text(outcome, verbose), nl=output != "json")
    if outcome.withdrawn:
        click.echo(f"speechlm-bib: warning: withdrawn on arXiv: {', '.join(outcome.withdrawn)}",
                   err=True)
    for line in sync_failures(outcome, verbose):
        click.echo(f"speechlm-bib: {line}", err=True)
    if outcome.partial:
        raise click.exceptions.Exit(1)


@command(example="speechlm-bib build --check")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 naming the generated files that are out of date.")
def build(settings: Settings, check: bool) -> None:
    """Regenerate references.bib and the other generated files.

    Works offline, from entries/ and the stored metadata; writes only what changed.
    """
    root = settings.find_root()
    if check:
        _answer(settings, root, ("build", "--check"), lambda: _build_check(root, settings))
    from ..services.repository import run_build  # the core loads when a command runs

    paths = run_build(root, lock_wait=settings.lock_wait, cache=settings.cache)
    click.echo(f"wrote {_names(root, paths)}" if paths else "nothing to write")


def _build_check(root: Path, settings: Settings) -> Answer:
    """The answer of ``build --check``: it writes nothing, so it takes no lock."""
    from ..services.repository import run_build  # the core loads when a command runs
    from ..store.answers import Answer

    paths = run_build(root, check=True, cache=settings.cache)
    if paths:
        return Answer("", f"out of date: {_names(root, paths)} (run `speechlm-bib build`)\n", 1)
    return Answer("up to date\n", "", 0)


def _names(root: Path, paths: list[Path]) -> str:
    return ", ".join(str(p.relative_to(root)) for p in paths)


def _answer(settings: Settings, root: Path, command: tuple[str, ...] | None,
            make: Callable[[], Answer]) -> NoReturn:
    """Print a read-only command's answer: kept from the last run on the same files, or made.

    Without a command to keep it under, without the cache, or with -v (whose log lines are
    not kept), the answer is made.
    """
    from ..store.answers import remembered  # loaded by the commands that keep answers

    verbose = bool(click.get_current_context().meta.get("speechlm_bib.verbose"))
    if command is None or not settings.cache or verbose:
        answer = make()
    else:
        answer = remembered(root, command, make)
    click.echo(answer.stdout, nl=False)
    click.echo(answer.stderr, nl=False, err=True)
    raise click.exceptions.Exit(answer.status)


@command(example="speechlm-bib check --strict paper/main.tex")
@click.argument("papers", nargs=-1, metavar="[PAPER]...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output", type=click.Choice(REPORT_FORMATS),
              default="text", show_default=True, help="How to report the findings.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--unused", is_flag=True,
              help="List each record the papers do not cite (text and github; json always "
                   "does).")
def check(settings: Settings, papers: tuple[Path, ...], output: str, strict: bool,
          unused: bool) -> None:
    """Check the repository and the citations of LaTeX papers.

    Each PAPER is a .tex file, an .aux file or a folder of .tex files; the bibliography
    files it declares define keys as the repository does. The papers' findings come
    first; the records they do not cite are summed up in one line.
    """
    root = settings.find_root()

    def make() -> Answer:
        from ..render.report import RENDERERS, exit_status  # loaded when the command runs
        from ..services.papers import run_check  # the core loads when a command runs
        from ..store.answers import Answer

        report = run_check(root, papers, cache=settings.cache)
        return Answer(RENDERERS[output](report.findings, report.coverage, unused), "",
                      exit_status(report.findings, strict))

    # Papers are named from the folder the command runs in.
    where = (str(Path.cwd()), *map(str, papers)) if papers else ()
    _answer(settings, root, ("check", output, str(strict), str(unused), *where), make)


@command(example="speechlm-bib cite --format biblatex")
@click.option("--format", "fmt", type=click.Choice(CITE_FORMATS),
              default="bibtex", show_default=True, help="The form of the citation.")
def cite(settings: Settings, fmt: str) -> None:
    """Print the survey's own citation.

    Its published version where there is one, as BibTeX, biblatex, CSL-JSON, text or
    Markdown.
    """
    from ..services.repository import run_cite  # the core loads when a command runs

    click.echo(run_cite(settings.find_root(), fmt, cache=settings.cache), nl=False)


@command(example="speechlm-bib export --tex paper/main.tex -o paper/refs.bib")
@click.option("--key", "keys", multiple=True, metavar="KEY",
              help="Export this record (repeatable; commas separate several).")
@click.option("--section", "sections", multiple=True, metavar="SECTION",
              help="Export the records of this section (repeatable).")
@click.option("--aux", multiple=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Export what this .aux file cites (repeatable).")
@click.option("--tex", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="Export what this .tex file, or folder of them, cites (repeatable).")
@click.option("--format", "fmt", default="bibtex", show_default=True,
              type=click.Choice(EXPORT_FORMATS), help="The form of the records.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(path_type=Path),
              help="Write to this file instead of stdout ('-' for stdout).")
def export(settings: Settings, keys: tuple[str, ...], sections: tuple[str, ...],
           aux: tuple[Path, ...], tex: tuple[Path, ...], fmt: str,
           output: Path | None) -> None:
    """Export the bibliography or a part of it.

    Without a choice every record; otherwise the union of the chosen keys, sections and
    what the papers cite (--aux and --tex combine). Keys a paper's other bibliography files
    define are left to them; keys defined nowhere are reported and exit with 1, after what
    could be exported is written.
    """
    from ..services.papers import run_export  # the core loads when a command runs

    root = settings.find_root()
    target = None if output is None or str(output) == "-" else output
    result = run_export(root, fmt, keys, sections, (*aux, *tex), target, cache=settings.cache)
    _output(root, result.text, output, f"wrote {_count(result.count, 'record')} to {output}")
    if result.elsewhere:
        click.echo(_left_to_others(result.elsewhere), err=True)
    for line in result.undefined:
        click.echo(f"speechlm-bib: error: {line}", err=True)
    if result.undefined:
        click.echo(f"speechlm-bib: {_nowhere(len(result.undefined))}", err=True)
        raise click.exceptions.Exit(1)


@command("latex-table", example="speechlm-bib latex-table datasets -o tables/datasets.tex")
@click.argument("section", metavar="SECTION")
@click.option("-o", "--output", metavar="FILE", type=click.Path(path_type=Path),
              help="Write to this file instead of stdout ('-' for stdout).")
def latex_table(settings: Settings, section: str, output: Path | None) -> None:
    r"""Write a section as a LaTeX table with \cite keys.

    A booktabs table (a longtable when long) whose columns fit the line width.
    """
    from ..services.repository import run_latex_table  # the core loads when a command runs

    root = settings.find_root()
    _output(root, run_latex_table(root, section, cache=settings.cache), output,
            f"wrote {output}")


@command(example="speechlm-bib rename defossez2024moshi moshi --tex paper/")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--tex", multiple=True, metavar="PATH",
              type=click.Path(exists=True, path_type=Path),
              help="Rewrite the citations in this .tex file or folder (repeatable).")
def rename(settings: Settings, old: str, new: str, tex: tuple[Path, ...]) -> None:
    """Rename a citation key everywhere it is used.

    In its entries, entries/records.bib, the generated files, the acknowledgements that
    name it and the given LaTeX sources.
    """
    from ..services.rename import run_rename  # the core loads when a command runs

    result = run_rename(settings.find_root(), old, new, tex, settings.lock_wait,
                        cache=settings.cache)
    for line in result.lines:
        click.echo(line)
    for warning in result.warnings:
        click.echo(f"speechlm-bib: warning: {warning}", err=True)


@command(example="speechlm-bib site -o public --base-url https://example.org/list/")
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the site into (default: site/ in the repository).")
@click.option("--base-url", default="", metavar="URL",
              help="The site's public address, to make its feed's links absolute.")
def site(settings: Settings, output: Path | None, base_url: str) -> None:
    """Write a static site for the list's readers.

    One page with search, filters and BibTeX to copy, every record, and an Atom feed of
    additions; offline, the same bytes for the same entries.
    """
    from ..services.site import run_site  # the core loads when a command runs

    folder, written = run_site(settings.find_root(), output, base_url, cache=settings.cache)
    click.echo(f"wrote {_count(written, 'file')} to {folder}" if written
               else f"{folder} is up to date")


def _output(root: Path, text: str, output: Path | None, done: str) -> None:
    """Print text, or write it to the output file and say so on stderr."""
    from ..services.common import write_output  # loaded with the command that called this

    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_output(root, output, text)
    click.echo(done, err=True)


def _left_to_others(elsewhere: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """One line naming the cited keys left to the paper's other bibliography files.

    >>> _left_to_others((("paper/own.bib", ("a", "b")), ("x.bib", ("c",))))
    "left to the paper's own bibliography files: a, b (paper/own.bib); c (x.bib)"
    """
    parts = "; ".join(f"{', '.join(keys)} ({path})" for path, keys in elsewhere)
    return f"left to the paper's own bibliography files: {parts}"


def _nowhere(number: int) -> str:
    """What an export of a paper citing keys defined nowhere did.

    >>> _nowhere(2)
    "2 cited keys defined nowhere: the paper shows '?' for them (the other records were exported)"
    """
    them = "it" if number == 1 else "them"
    return (f"{_count(number, 'cited key')} defined nowhere: the paper shows '?' for {them} "
            "(the other records were exported)")


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number.

    >>> _count(1, "record"), _count(2, "entry", "entries")
    ('1 record', '2 entries')
    """
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


