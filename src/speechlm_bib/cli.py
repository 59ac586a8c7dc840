"""The ``speechlm-bib`` command: thin wrappers that load, call the core, write and report."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import settings as env
from .errors import SpeechlmBibError
from .render.adoption import IMPORT_FORMATS, IMPORT_RENDERERS
from .render.citation import CITE_FORMATS
from .render.exports import FORMATS as EXPORT_FORMATS
from .render.report import FORMATS as REPORT_FORMATS
from .render.report import RENDERERS as REPORTS
from .render.report import exit_status
from .sources.arxiv import FetchSettings
from .store import find_root
from .store.files import LOCK_WAIT, write_if_changed


@dataclass(frozen=True, slots=True)
class Settings:
    """What every command shares: the repository root as given (None: search from here).

    The ``SPEECHLM_BIB_*`` settings are read here, once, by the commands that use them.
    """

    root: Path | None

    def find_root(self) -> Path:
        """The repository to work on."""
        return self.root.resolve() if self.root else find_root(Path.cwd())

    @property
    def lock_wait(self) -> float:
        """Seconds to wait for another writer: $SPEECHLM_BIB_LOCK_WAIT."""
        return env.number(os.environ, "SPEECHLM_BIB_LOCK_WAIT", LOCK_WAIT)

    @property
    def arxiv(self) -> FetchSettings:
        """How to reach arXiv: $SPEECHLM_BIB_ARXIV_API, _DELAY, _TIMEOUT, _RETRIES, _BATCH."""
        return FetchSettings.from_environment(os.environ)


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


@click.group(cls=_Group)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository to work on (default: the nearest parent holding entries/).")
@click.option("-v", "--verbose", is_flag=True, help="Log what is being done.")
@click.version_option(package_name="speechlm-bib")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, verbose: bool) -> None:
    """Keep a survey's list, its BibTeX records and references.bib in one place."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="speechlm-bib: %(message)s")
    # speechlm-bib reports broken BibTeX itself, as one line naming file and line.
    logging.getLogger("bibtexparser").setLevel(logging.INFO if verbose else logging.CRITICAL)
    ctx.obj = Settings(root)


@cli.command("import")
@click.argument("markdown", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the report; write nothing.")
@click.option("--format", "output", type=click.Choice(IMPORT_FORMATS), default="text",
              show_default=True, help="How to write the report.")
@click.pass_obj
def import_command(settings: Settings, markdown: Path, dry_run: bool, output: str) -> None:
    """Take over an awesome list's README in place: its tables become entries/."""
    from .services import run_import  # the core loads when a command runs, not for --help

    root = (settings.root or Path.cwd()).resolve()
    report = run_import(root, markdown, dry_run=dry_run, lock_wait=settings.lock_wait)
    click.echo(IMPORT_RENDERERS[output](report), nl=False)


@cli.command()
@click.argument("id_or_url")
@click.option("--section", required=True, help="The section (folder under entries/) to add to.")
@click.option("--name", help="The name the row shows (model, dataset or benchmark).")
@click.pass_obj
def add(settings: Settings, id_or_url: str, section: str, name: str | None) -> None:
    """Add an entry for an arXiv paper, given by id or URL, fetching its metadata."""
    from .services import run_add  # the core loads when a command runs, not for --help

    path, key = run_add(settings.find_root(), id_or_url, section, name, settings.arxiv,
                        settings.lock_wait)
    click.echo(f"added {path} as {key}")


@cli.command()
@click.option("--refresh", is_flag=True, help="Fetch again what is stored already.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--only", "only", multiple=True, metavar="KEY",
              help="Sync only the entries with this key or arXiv id (repeatable).")
@click.pass_obj
def sync(settings: Settings, refresh: bool, dry_run: bool, only: tuple[str, ...]) -> None:
    """Fetch arXiv metadata for the entries, store it, and build."""
    from .services import run_sync  # the core loads when a command runs, not for --help

    outcome = run_sync(settings.find_root(), settings.arxiv, refresh=refresh, dry_run=dry_run,
                       only=only, progress=_progress_bar if sys.stderr.isatty() else None,
                       lock_wait=settings.lock_wait)
    click.echo(outcome.summary)
    if outcome.withdrawn:
        click.echo(f"speechlm-bib: warning: withdrawn on arXiv: {', '.join(outcome.withdrawn)}",
                   err=True)
    if outcome.partial:
        click.echo(f"speechlm-bib: {outcome.failure}", err=True)
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 naming the generated files that are out of date.")
@click.pass_obj
def build(settings: Settings, check: bool) -> None:
    """Regenerate references.bib and the other generated files, offline."""
    from .services import run_build  # the core loads when a command runs, not for --help

    root = settings.find_root()
    paths = run_build(root, check=check, lock_wait=settings.lock_wait)
    names = ", ".join(str(p.relative_to(root)) for p in paths)
    if check and paths:
        click.echo(f"out of date: {names} (run `speechlm-bib build`)", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"{'up to date' if check else 'wrote ' + names if paths else 'nothing to write'}")


@cli.command()
@click.argument("papers", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output", type=click.Choice(REPORT_FORMATS),
              default="text", show_default=True, help="How to report the findings.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_obj
def check(settings: Settings, papers: tuple[Path, ...], output: str, strict: bool) -> None:
    """Check the repository and, for each PAPER (.tex, .aux or folder), its citations."""
    from .services import run_check  # the core loads when a command runs, not for --help

    findings = run_check(settings.find_root(), papers)
    click.echo(REPORTS[output](findings), nl=False)
    raise click.exceptions.Exit(exit_status(findings, strict))


def main() -> None:
    """Console entry point."""
    # A run builds many long-lived objects and little cyclic garbage: collect less often
    # (as mypy does), so that large repositories are not rescanned again and again.
    gc.set_threshold(200_000, 30, 30)
    cli(prog_name="speechlm-bib")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(CITE_FORMATS),
              default="bibtex", show_default=True, help="The form of the citation.")
@click.pass_obj
def cite(settings: Settings, fmt: str) -> None:
    """Print the survey's own citation (its published version where there is one)."""
    from .services import run_cite  # the core loads when a command runs, not for --help

    click.echo(run_cite(settings.find_root(), fmt), nl=False)


@cli.command()
@click.option("--key", "keys", multiple=True, metavar="KEY",
              help="Export this record (repeatable; commas separate several).")
@click.option("--section", "sections", multiple=True, metavar="SECTION",
              help="Export the records of this section (repeatable).")
@click.option("--aux", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Export what this .aux file cites (repeatable).")
@click.option("--tex", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Export what this .tex file, or folder of them, cites (repeatable).")
@click.option("--format", "fmt", default="bibtex", show_default=True,
              type=click.Choice(EXPORT_FORMATS))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.pass_obj
def export(settings: Settings, keys: tuple[str, ...], sections: tuple[str, ...],
           aux: tuple[Path, ...], tex: tuple[Path, ...], fmt: str,
           output: Path | None) -> None:
    """Export the bibliography, or the chosen keys, sections or a paper's citations."""
    from .services import run_export  # the core loads when a command runs, not for --help

    text, count = run_export(settings.find_root(), fmt, keys, sections, (*aux, *tex))
    _output(text, output, f"wrote {count} records to {output}")


@cli.command("latex-table")
@click.argument("section")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.pass_obj
def latex_table(settings: Settings, section: str, output: Path | None) -> None:
    r"""Write a section's entries as a LaTeX table (booktabs) with \cite keys."""
    from .services import run_latex_table  # the core loads when a command runs, not for --help

    _output(run_latex_table(settings.find_root(), section), output, f"wrote {output}")


def _output(text: str, output: Path | None, done: str) -> None:
    """Print text, or write it to the output file and say so on stderr."""
    if output is None:
        click.echo(text, nl=False)
        return
    write_if_changed(output, text)
    click.echo(done, err=True)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--tex", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Rewrite the citations in this .tex file or folder (repeatable).")
@click.pass_obj
def rename(settings: Settings, old: str, new: str, tex: tuple[Path, ...]) -> None:
    """Rename a citation key in the entries, references.bib and LaTeX sources."""
    from .services import run_rename  # the core loads when a command runs, not for --help

    for line in run_rename(settings.find_root(), old, new, tex, settings.lock_wait):
        click.echo(line)
