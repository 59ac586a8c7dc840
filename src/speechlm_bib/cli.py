"""The ``speechlm-bib`` command: thin wrappers that parse options, call a service and report."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import settings as env
from .errors import RepositoryError, SpeechlmBibError
from .render.citation import CITE_FORMATS
from .render.exports import FORMATS as EXPORT_FORMATS
from .render.report import FORMATS as REPORT_FORMATS
from .render.report import RENDERERS as REPORTS
from .render.report import exit_status
from .sources.arxiv import FetchSettings
from .store import ENTRIES, LIST_FILE, find_root
from .store.files import LOCK_WAIT

if TYPE_CHECKING:
    from .lookup import ScholarlySettings
    from .syncservice import SyncSettings

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"]}


@dataclass(frozen=True, slots=True)
class Settings:
    """What every command shares: the repository root as given (None: search from here).

    The ``SPEECHLM_BIB_*`` settings are read here, once, by the commands that use them.
    """

    root: Path | None = None

    def find_root(self) -> Path:
        """The repository to work on: --root, checked, else the nearest one above here."""
        if self.root is None:
            return find_root(Path.cwd())
        root = self.root.resolve()
        if not root.is_dir():
            raise RepositoryError("--root: no such directory", root)
        if not (root / ENTRIES).is_dir():
            hint = (f"; give the repository holding it: --root {root.parent}"
                    if (root / LIST_FILE).is_file() else "")
            raise RepositoryError(f"--root: no {ENTRIES}/ folder here{hint}", root)
        return root

    @property
    def lock_wait(self) -> float:
        """Seconds to wait for another writer: $SPEECHLM_BIB_LOCK_WAIT."""
        return env.number(os.environ, "SPEECHLM_BIB_LOCK_WAIT", LOCK_WAIT)

    @property
    def arxiv(self) -> FetchSettings:
        """How to reach arXiv: $SPEECHLM_BIB_ARXIV_API, _DELAY, _TIMEOUT, _RETRIES, _BATCH."""
        return FetchSettings.from_environment(os.environ)

    @property
    def scholarly(self) -> ScholarlySettings:
        """How to reach DBLP and Crossref: $SPEECHLM_BIB_DBLP_*, _CROSSREF_*, _MAILTO."""
        from .lookup import ScholarlySettings  # loaded with the commands that ask them
        from .sources import crossref, dblp

        return ScholarlySettings(dblp.settings_from_environment(os.environ),
                                 crossref.settings_from_environment(os.environ))

    @property
    def sources(self) -> SyncSettings:
        """How to reach arXiv, DBLP and Crossref."""
        from .syncservice import SyncSettings  # as scholarly

        return SyncSettings(self.arxiv, self.scholarly)


@contextlib.contextmanager
def _progress_bar(label: str, length: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, for a terminal."""
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


class _Group(click.Group):
    """A group that turns speechlm-bib errors into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpeechlmBibError as error:
            click.echo(f"speechlm-bib: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("speechlm-bib: interrupted; files already written are complete, "
                       "nothing is half-written", err=True)
            ctx.exit(130)


def _set_root(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.obj = Settings(value)


def _set_verbose(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    # ctx.meta is shared by the group and the command: -v before or after the command counts.
    verbose = ctx.meta["speechlm_bib.verbose"] = value or ctx.meta.get("speechlm_bib.verbose",
                                                                       False)
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="speechlm-bib: %(message)s", force=True)
    # speechlm-bib reports broken BibTeX and cut-off arXiv pages itself, in one line each.
    for library in ("bibtexparser", "arxiv"):
        logging.getLogger(library).setLevel(logging.INFO if verbose else logging.CRITICAL)


def _global_options(function: F) -> F:
    """--root and -v, accepted before the command name and after it alike."""
    root = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                        expose_value=False, callback=_set_root, metavar="DIR",
                        help="Repository to work on (default: the nearest parent holding "
                             "entries/).")
    verbose = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                           callback=_set_verbose, help="Log what is being done.")
    return root(verbose(function))


def _command(name: str | None = None, example: str = "") -> Callable[[F], F]:
    """A subcommand with -h, the global options and a one-line example under its help."""
    def decorate(function: F) -> F:
        epilog = f"\b\nExample:\n  {example}" if example else None
        command = cli.command(name, context_settings=CONTEXT, epilog=epilog)
        return command(_global_options(click.pass_obj(function)))  # type: ignore[return-value]
    return decorate


@click.group(cls=_Group, context_settings=CONTEXT)
@_global_options
@click.version_option(package_name="speechlm-bib")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Keep a survey's list, its BibTeX records and references.bib in one place."""
    if ctx.obj is None:
        ctx.obj = Settings()


@_command("import", "speechlm-bib import README.md")
@click.argument("markdown", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(settings: Settings, markdown: Path) -> None:
    """Create entries/ from an awesome-list README.

    Every table with links becomes a section, every row an entry; the README's citation
    block becomes the survey's entry.
    """
    from .services import run_import  # the core loads when a command runs, not for --help

    root = (settings.root or Path.cwd()).resolve()
    written = run_import(root, markdown, settings.lock_wait)
    click.echo(f"imported {_count(written, 'entry', 'entries')} into {root / ENTRIES}")


@_command(example="speechlm-bib add doi:10.1109/ICASSP.2015.7178964 --section datasets")
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
    from .addservice import run_add  # the core loads when a command runs, not for --help
    from .placement import Placement

    placement = Placement(position, after)
    path, key = run_add(settings.find_root(), id_or_url, section, name, settings.sources,
                        settings.lock_wait, placement)
    click.echo(f"added {path} as {key}")


@_command(example="speechlm-bib sync --only defossez2024moshi")
@click.option("--refresh", is_flag=True,
              help="Fetch again what is stored already, and ask again about the published "
                   "version of works that have none confirmed.")
@click.option("--arxiv-only", is_flag=True,
              help="Fetch arXiv metadata only; look up no published versions.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--only", "only", multiple=True, metavar="KEY",
              help="Sync only the entries with this key or arXiv id (repeatable).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report what was done (json names every id).")
@click.pass_context
def sync(ctx: click.Context, settings: Settings, refresh: bool, arxiv_only: bool,
         dry_run: bool, only: tuple[str, ...], output: str) -> None:
    """Fetch arXiv metadata and published versions, store them and build.

    Only ids without stored metadata are fetched (all of them with --refresh); works
    without a stored decision on their published version are looked up in DBLP and
    Crossref. New keys are pinned in their entries and the generated files rebuilt.
    """
    from .render.syncreport import render_sync_json, render_sync_text, sync_failures
    from .syncservice import SyncOptions, run_sync  # the core loads when a command runs

    verbose = bool(ctx.meta.get("speechlm_bib.verbose"))
    options = SyncOptions(refresh, dry_run, only, published=not arxiv_only)
    outcome = run_sync(settings.find_root(), settings.sources, options,
                       _progress_bar if sys.stderr.isatty() else None, settings.lock_wait)
    click.echo(render_sync_json(outcome) if output == "json"
               else render_sync_text(outcome, verbose), nl=output != "json")
    if outcome.withdrawn:
        click.echo(f"speechlm-bib: warning: withdrawn on arXiv: {', '.join(outcome.withdrawn)}",
                   err=True)
    for line in sync_failures(outcome, verbose):
        click.echo(f"speechlm-bib: {line}", err=True)
    if outcome.partial:
        raise click.exceptions.Exit(1)


@_command(example="speechlm-bib build --check")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 naming the generated files that are out of date.")
def build(settings: Settings, check: bool) -> None:
    """Regenerate references.bib and the other generated files.

    Works offline, from entries/ and the stored metadata; writes only what changed.
    """
    from .services import run_build  # the core loads when a command runs, not for --help

    root = settings.find_root()
    paths = run_build(root, check=check, lock_wait=settings.lock_wait)
    names = ", ".join(str(p.relative_to(root)) for p in paths)
    if check and paths:
        click.echo(f"out of date: {names} (run `speechlm-bib build`)", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"{'up to date' if check else 'wrote ' + names if paths else 'nothing to write'}")


@_command(example="speechlm-bib check --strict paper/main.tex")
@click.argument("papers", nargs=-1, metavar="[PAPER]...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output", type=click.Choice(REPORT_FORMATS),
              default="text", show_default=True, help="How to report the findings.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check(settings: Settings, papers: tuple[Path, ...], output: str, strict: bool) -> None:
    """Check the repository and the citations of LaTeX papers.

    Each PAPER is a .tex file, an .aux file or a folder of .tex files.
    """
    from .services import run_check  # the core loads when a command runs, not for --help

    findings = run_check(settings.find_root(), papers)
    click.echo(REPORTS[output](findings), nl=False)
    raise click.exceptions.Exit(exit_status(findings, strict))


@_command(example="speechlm-bib cite --format biblatex")
@click.option("--format", "fmt", type=click.Choice(CITE_FORMATS),
              default="bibtex", show_default=True, help="The form of the citation.")
def cite(settings: Settings, fmt: str) -> None:
    """Print the survey's own citation.

    Its published version where there is one, as BibTeX, biblatex, CSL-JSON, text or
    Markdown.
    """
    from .services import run_cite  # the core loads when a command runs, not for --help

    click.echo(run_cite(settings.find_root(), fmt), nl=False)


@_command(example="speechlm-bib export --tex paper/main.tex -o paper/refs.bib")
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
    what the papers cite (--aux and --tex combine).
    """
    from .services import run_export  # the core loads when a command runs, not for --help

    root = settings.find_root()
    text, count = run_export(root, fmt, keys, sections, (*aux, *tex))
    _output(root, text, output, f"wrote {_count(count, 'record')} to {output}")


@_command("latex-table", example="speechlm-bib latex-table datasets -o tables/datasets.tex")
@click.argument("section", metavar="SECTION")
@click.option("-o", "--output", metavar="FILE", type=click.Path(path_type=Path),
              help="Write to this file instead of stdout ('-' for stdout).")
def latex_table(settings: Settings, section: str, output: Path | None) -> None:
    r"""Write a section as a LaTeX table with \cite keys.

    A booktabs table (a longtable when long) whose columns fit the line width.
    """
    from .services import run_latex_table  # the core loads when a command runs

    root = settings.find_root()
    _output(root, run_latex_table(root, section), output, f"wrote {output}")


@_command(example="speechlm-bib rename defossez2024moshi moshi --tex paper/")
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
    from .services import run_rename  # the core loads when a command runs, not for --help

    result = run_rename(settings.find_root(), old, new, tex, settings.lock_wait)
    for line in result.lines:
        click.echo(line)
    for warning in result.warnings:
        click.echo(f"speechlm-bib: warning: {warning}", err=True)


def _output(root: Path, text: str, output: Path | None, done: str) -> None:
    """Print text, or write it to the output file and say so on stderr."""
    from .services import write_output  # loaded with the command that called this

    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_output(root, output, text)
    click.echo(done, err=True)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number.

    >>> _count(1, "record"), _count(2, "entry", "entries")
    ('1 record', '2 entries')
    """
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def main() -> None:
    """Console entry point."""
    # A run builds many long-lived objects and little cyclic garbage: collect less often
    # (as mypy does), so that large repositories are not rescanned again and again.
    gc.set_threshold(200_000, 30, 30)
    cli(prog_name="speechlm-bib")
