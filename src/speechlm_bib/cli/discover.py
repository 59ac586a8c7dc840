"""The ``speechlm-bib discover`` command: options, progress bar, echo, exit codes.

It imports the discovery code only when it runs, so that the other commands do not pay for
it at start-up.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import datetime

import click

from .app import Settings, command


@command(example="speechlm-bib discover --since 2025-06-01 --format markdown")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Papers submitted from this day on (default: since the last discovery).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Show at most N candidates, the best ranked.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to report the candidates.")
@click.option("--reject", is_flag=True,
              help="Record the IDs as rejected: never suggested again.")
@click.option("--reason", help="Why the IDs are rejected (with --reject).")
@click.option("--add", "add_id", metavar="ID", help="Add this paper to the list, as add does.")
@click.option("--section", metavar="SECTION", help="The section to add to (with --add).")
@click.option("--name", metavar="NAME", help="The name the added row shows (with --add).")
def discover(settings: Settings, ids: tuple[str, ...], since: datetime | None,
             limit: int | None, fmt: str, reject: bool, reason: str | None,
             add_id: str | None, section: str | None, name: str | None) -> None:
    """Find new arXiv papers the list is missing.

    Candidates are ranked by how much they resemble the list. With --reject ID..., record
    papers as turned down; with --add ID --section SECTION, add one.
    """
    _check_options(ids, since, limit, fmt, reject, reason, add_id, section, name)
    if reject:
        _reject(settings, ids, reason)
    elif add_id is not None:
        _add(settings, add_id, section or "", name)
    else:
        _search(settings, since, limit, fmt)


def _check_options(ids: tuple[str, ...], since: datetime | None, limit: int | None, fmt: str,
                   reject: bool, reason: str | None, add_id: str | None,
                   section: str | None, name: str | None) -> None:
    """Refuse options that do not go together (exit 2, as click does)."""
    searching = since is not None or limit is not None or fmt != "text"
    problems = [
        (reject and add_id is not None, "--reject and --add do not go together"),
        (reject and not ids, "--reject needs the arXiv IDs to reject"),
        (bool(ids) and not reject, "IDs are given with --reject (or one with --add)"),
        (reason is not None and not reject, "--reason goes with --reject"),
        (add_id is not None and section is None, "--add needs --section"),
        ((section is not None or name is not None) and add_id is None,
         "--section and --name go with --add"),
        ((reject or add_id is not None) and searching,
         "--since, --limit and --format are for a search, not with --reject or --add"),
    ]
    for failed, message in problems:
        if failed:
            raise click.UsageError(message)


def _reject(settings: Settings, ids: tuple[str, ...], reason: str | None) -> None:
    from ..services.discover import run_reject  # loaded when the command runs

    for line in run_reject(settings.find_root(), ids, reason, lock_wait=settings.lock_wait,
                           cache=settings.cache):
        click.echo(line)


def _add(settings: Settings, arxiv_id: str, section: str, name: str | None) -> None:
    from ..services.discover import run_discover_add  # loaded when the command runs

    path, key = run_discover_add(settings.find_root(), arxiv_id, section, name,
                                 settings.sources, settings.lock_wait, cache=settings.cache)
    click.echo(f"added {path} as {key}")


def _search(settings: Settings, since: datetime | None, limit: int | None, fmt: str) -> None:
    from ..render.discovery import render_report  # loaded when the command runs
    from ..services.discover import run_discover

    with contextlib.ExitStack() as stack:
        progress = _progress_bar(stack) if sys.stderr.isatty() else None
        report = run_discover(settings.find_root(), settings.arxiv,
                              since=since.date() if since else None, limit=limit,
                              progress=progress, lock_wait=settings.lock_wait,
                              cache=settings.cache)
    click.echo(render_report(report, fmt), nl=False)


def _progress_bar(stack: contextlib.ExitStack) -> Callable[[int], Callable[[int], None]]:
    """Start a progress bar on stderr, one step a query, once the queries are counted."""

    def start(queries: int) -> Callable[[int], None]:
        bar = stack.enter_context(click.progressbar(length=queries, label="arXiv",
                                                    file=sys.stderr))
        return bar.update

    return start
