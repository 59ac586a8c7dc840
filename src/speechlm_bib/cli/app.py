"""The command group: shared settings, global options, error handling and the decorators.

Commands (``commands.py``, ``discover.py``) register on ``cli``; each parses its options,
calls one service and reports. Only this package echoes, prompts or exits.
"""

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

from .. import settings as env
from ..errors import RepositoryError, SpeechlmBibError
from ..store import ENTRIES, LIST_FILE, find_root
from ..store.files import LOCK_WAIT

if TYPE_CHECKING:
    from ..services.lookup import ScholarlySettings
    from ..services.sync import SyncSettings
    from ..sources.arxiv import FetchSettings

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
    def cache(self) -> bool:
        """Whether to keep parsed entries and normalised records: $SPEECHLM_BIB_CACHE."""
        return env.switch(os.environ, "SPEECHLM_BIB_CACHE", True)

    @property
    def arxiv(self) -> FetchSettings:
        """How to reach arXiv: $SPEECHLM_BIB_ARXIV_API, _DELAY, _TIMEOUT, _RETRIES, _BATCH."""
        from ..sources.arxiv import FetchSettings  # loaded by the commands that fetch

        return FetchSettings.from_environment(os.environ)

    @property
    def scholarly(self) -> ScholarlySettings:
        """How to reach DBLP and Crossref: $SPEECHLM_BIB_DBLP_*, _CROSSREF_*, _MAILTO."""
        # Loaded with the commands that ask these services, not for --help.
        from ..services.lookup import ScholarlySettings
        from ..sources import crossref, dblp

        return ScholarlySettings(dblp.settings_from_environment(os.environ),
                                 crossref.settings_from_environment(os.environ))

    @property
    def sources(self) -> SyncSettings:
        """How to reach arXiv, DBLP and Crossref."""
        from ..services.sync import SyncSettings  # as scholarly

        return SyncSettings(self.arxiv, self.scholarly)


@contextlib.contextmanager
def progress_bar(label: str, length: int) -> Iterator[Callable[[int], None]]:
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
    # pylatexenc notes each LaTeX error its walker reads past, which the scanner does on purpose.
    logging.getLogger("pylatexenc").setLevel(logging.WARNING)


def _global_options(function: F) -> F:
    """--root and -v, accepted before the command name and after it alike."""
    root = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                        expose_value=False, callback=_set_root, metavar="DIR",
                        help="Repository to work on (default: the nearest parent holding "
                             "entries/).")
    verbose = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                           callback=_set_verbose, help="Log what is being done.")
    return root(verbose(function))


def command(name: str | None = None, example: str = "") -> Callable[[F], F]:
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


def main() -> None:
    """Console entry point."""
    # A run is short-lived and builds many long-lived objects (entries, records and the
    # tuples they are read back from) and next to no cyclic garbage: the cycle collector
    # would only scan them again and again (0.05 s of a warm check of 10,000 entries).
    # Memory is freed by reference counting as ever, and all of it when the run ends.
    gc.disable()
    cli(prog_name="speechlm-bib")
