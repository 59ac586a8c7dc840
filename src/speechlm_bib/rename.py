"""Renaming a citation key everywhere at once: entries, records.bib, generated files, papers.

``plan_rename`` works everything out first, edits as text (comments, quoting and layout
stay as they were), and refuses before anything is written; ``apply_rename`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .keys import is_valid_key
from .model import Entry, Repository
from .store import ENTRIES, LIST_FILE, RECORDS_FILE, pin_key
from .yamlfile import read_source


@dataclass(frozen=True, slots=True)
class Change:
    """One place where the key changes."""

    path: Path
    line: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RenamePlan:
    """The edited sources, the regenerated files and the changes, ready to be written."""

    sources: tuple[tuple[Path, bytes], ...]
    generated: tuple[tuple[Path, str], ...]
    changes: tuple[Change, ...]


def plan_rename(repo: Repository, old: str, new: str,
                tex: Sequence[Path] = ()) -> RenamePlan:
    """Work out a rename; ``InputError`` if old is unknown or new is invalid or taken."""
    from .build import generated_files
    from .records import assign_keys

    keys = assign_keys(repo)
    _check_names(old, new, set(keys.values()) | set(repo.hand), repo)
    sources: dict[Path, bytes] = {}
    changes: list[Change] = []
    entries = []
    for entry in repo.entries:
        if keys.get(entry.path) == old:
            sources[entry.path], line = _rename_in_entry(entry, old, new)
            changes.append(Change(entry.path, line, old, new))
            entry = replace(entry, key=new)
        entries.append(entry)
    hand = dict(repo.hand)
    if old in hand:
        path = repo.root / ENTRIES / RECORDS_FILE
        sources[path] = _rename_in_records(path, hand[old].line, old, new)
        changes.append(Change(path, hand[old].line, old, new))
        hand[new] = replace(hand.pop(old), key=new)
    tex_sources, tex_changes = _rename_in_tex(tex, old, new)
    renamed = replace(repo, entries=tuple(entries), hand=hand)
    generated = tuple(generated_files(renamed).items())
    return RenamePlan(tuple((sources | tex_sources).items()), generated,
                      (*changes, *tex_changes))


def _check_names(old: str, new: str, known: set[str], repo: Repository) -> None:
    where = repo.root / ENTRIES
    if old not in known:
        raise InputError(f"no entry or record has the key '{old}'; nothing was written", where)
    if not is_valid_key(new):
        raise InputError(f"'{new}' is not a valid citation key (letters, digits and _:.+/- "
                         "only); nothing was written", where)
    if old == repo.survey:
        raise InputError(f"'{old}' is the survey's own key, pinned in {LIST_FILE} as readers "
                         "cite it; nothing was written", where / LIST_FILE)
    clash = next((k for k in known if k.lower() == new.lower() and k != old), None)
    if clash is not None or new == old:
        raise InputError(f"the key '{new}' is taken (by '{clash or old}'); "
                         "nothing was written", where)


_KEY_LINE = re.compile(r"^(?P<lead>key:\s*(?P<quote>['\"]?))(?P<key>[^'\"#\s]+)(?P=quote)")


def _rename_in_entry(entry: Entry, old: str, new: str) -> tuple[bytes, int]:
    """The entry file with its ``key:`` line changed (or added); the line changed."""
    if entry.key is None:
        return pin_key(entry.path, new).encode(), 1
    lines = read_source(entry.path).splitlines(keepends=True)
    line = entry.line_of("key")
    match = _KEY_LINE.match(lines[line - 1])
    if match is None or match.group("key") != old:
        raise InputError(f"cannot find 'key: {old}' on this line to rename it; "
                         "nothing was written", entry.path, line)
    lines[line - 1] = lines[line - 1][:match.start("key")] + new + lines[line - 1][
        match.end("key"):]
    return "".join(lines).encode(), line


def _rename_in_records(path: Path, line: int, old: str, new: str) -> bytes:
    """records.bib with the key of the record starting on line changed."""
    lines = read_source(path).splitlines(keepends=True)
    pattern = re.compile(r"(@\s*\w+\s*[{(]\s*)" + re.escape(old) + r"(\s*,)")
    edited, count = pattern.subn(lambda m: m.group(1) + new + m.group(2), lines[line - 1],
                                 count=1)
    if count != 1:
        raise InputError(f"cannot find '@type{{{old},' on this line to rename it; "
                         "nothing was written", path, line)
    lines[line - 1] = edited
    return "".join(lines).encode()


def _rename_in_tex(paths: Sequence[Path], old: str,
                   new: str) -> tuple[dict[Path, bytes], list[Change]]:
    """Every LaTeX source the paths reach with its citations of old rewritten."""
    from .tex.files import scan_paths

    if not paths:
        return {}, []
    by_file: dict[Path, list[tuple[int, int]]] = {}
    for citation in scan_paths(paths).citations:
        if citation.key == old:
            by_file.setdefault(citation.path, []).append((citation.line, citation.column))
    sources = {path: _rewrite(path, spots, old, new) for path, spots in by_file.items()}
    changes = [Change(path, line, old, new) for path, spots in by_file.items()
               for line, _ in dict.fromkeys(spots)]
    return sources, changes


def _rewrite(path: Path, spots: Sequence[tuple[int, int]], old: str, new: str) -> bytes:
    """The file's bytes with old replaced at each (line, column), in the file's encoding."""
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text, encoding = data[len(bom):].decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for line, column in sorted(set(spots), reverse=True):
        at = starts[line - 1] + column - 1
        if text[at:at + len(old)] != old:
            raise InputError(f"expected '{old}' here; nothing was written", path, line)
        text = text[:at] + new + text[at + len(old):]
    try:
        return bom + text.encode(encoding)
    except UnicodeEncodeError:
        raise InputError(f"'{new}' cannot be written in this {encoding} file; "
                         "nothing was written", path) from None


def apply_rename(plan: RenamePlan) -> list[Path]:
    """Write the edited sources and the changed generated files; the paths written."""
    from .build import write_files
    from .fileio import write_bytes_atomic

    for path, data in plan.sources:
        write_bytes_atomic(path, data)
    return [path for path, _ in plan.sources] + write_files(dict(plan.generated))
