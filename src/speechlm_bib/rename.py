"""Renaming a citation key everywhere at once: entries, records.bib, LaTeX papers.

``plan_rename`` works everything out from the texts it is given, purely: edits are made on
the text (comments, quoting and layout stay as they were) and it refuses before anything
is written. It returns the edited sources and the repository as it will be after the
rename, from which the caller regenerates the generated files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .keys import is_valid_key
from .model import Entry, Library, Repository
from .store.plan import pin_key
from .tex.scan import CitedKeys

_KEY_LINE = re.compile(r"^(?P<lead>key:\s*(?P<quote>['\"]?))(?P<key>[^'\"#\s]+)(?P=quote)")


@dataclass(frozen=True, slots=True)
class Change:
    """One place where the key changes."""

    path: Path
    line: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Rename:
    """A rename worked out: the edited sources, the changes, the repository renamed."""

    sources: dict[Path, str | bytes]
    changes: tuple[Change, ...]
    repository: Repository


def sources_to_edit(library: Library, old: str) -> list[Path]:
    """The files of the repository whose text a rename of ``old`` edits."""
    paths = [row.entry.path for row in library.rows if row.key == old]
    record = library.record(old)
    return paths + ([library.records_path] if record and record.hand else [])


def plan_rename(repo: Repository, library: Library, old: str, new: str,
                texts: Mapping[Path, str], cited: CitedKeys | None = None,
                tex: Mapping[Path, bytes] | None = None) -> Rename:
    """Work out a rename; ``InputError`` if old is unknown or new is invalid or taken.

    ``texts`` holds the text of every file ``sources_to_edit`` names; ``cited`` the
    citations of the LaTeX sources to rewrite and ``tex`` their bytes.
    """
    keys = {row.entry.path: row.key for row in library.rows if row.key}
    _check_names(old, new, set(keys.values()) | set(repo.hand), library)
    sources: dict[Path, str | bytes] = {}
    changes: list[Change] = []
    entries = []
    for entry in repo.entries:
        if keys.get(entry.path) == old:
            sources[entry.path], line = _rename_in_entry(entry, texts[entry.path], old, new)
            changes.append(Change(entry.path, line, old, new))
            entry = replace(entry, key=new)
        entries.append(entry)
    hand = dict(repo.hand)
    if old in hand:
        path, line = library.records_path, hand[old].line
        sources[path] = _rename_in_records(texts[path], path, line, old, new)
        changes.append(Change(path, line, old, new))
        hand[new] = replace(hand.pop(old), key=new)
    tex_sources, tex_changes = _rename_in_tex(cited, tex or {}, old, new)
    renamed = replace(repo, entries=tuple(entries), hand=hand)
    return Rename(sources | tex_sources, (*changes, *tex_changes), renamed)


def _check_names(old: str, new: str, known: set[str], library: Library) -> None:
    where = library.list_path.parent
    if old not in known:
        raise InputError(f"no entry or record has the key '{old}'; nothing was written", where)
    if not is_valid_key(new):
        raise InputError(f"'{new}' is not a valid citation key (letters, digits and _:.+/- "
                         "only); nothing was written", where)
    if old in library.surveys:
        raise InputError(f"'{old}' is the survey's own key, pinned in {library.list_path.name} "
                         "as readers cite it; nothing was written", library.list_path)
    clash = next((k for k in known if k.lower() == new.lower() and k != old), None)
    if clash is not None or new == old:
        raise InputError(f"the key '{new}' is taken (by '{clash or old}'); "
                         "nothing was written", where)


def _rename_in_entry(entry: Entry, text: str, old: str, new: str) -> tuple[str, int]:
    """The entry file's text with its ``key:`` line changed (or added); the line changed."""
    if entry.key is None:
        return pin_key(text, new), 1
    lines = text.splitlines(keepends=True)
    line = entry.line_of("key")
    match = _KEY_LINE.match(lines[line - 1])
    if match is None or match.group("key") != old:
        raise InputError(f"cannot find 'key: {old}' on this line to rename it; "
                         "nothing was written", entry.path, line)
    lines[line - 1] = lines[line - 1][:match.start("key")] + new + lines[line - 1][
        match.end("key"):]
    return "".join(lines), line


def _rename_in_records(text: str, path: Path, line: int, old: str, new: str) -> str:
    """records.bib's text with the key of the record starting on line changed."""
    lines = text.splitlines(keepends=True)
    pattern = re.compile(r"(@\s*\w+\s*[{(]\s*)" + re.escape(old) + r"(\s*,)")
    edited, count = pattern.subn(lambda m: m.group(1) + new + m.group(2), lines[line - 1],
                                 count=1)
    if count != 1:
        raise InputError(f"cannot find '@type{{{old},' on this line to rename it; "
                         "nothing was written", path, line)
    lines[line - 1] = edited
    return "".join(lines)


def _rename_in_tex(cited: CitedKeys | None, tex: Mapping[Path, bytes], old: str,
                   new: str) -> tuple[dict[Path, str | bytes], list[Change]]:
    """Every LaTeX source citing old, rewritten; the changes, one a line."""
    by_file: dict[Path, list[tuple[int, int]]] = {}
    for citation in cited.citations if cited else ():
        if citation.key == old:
            by_file.setdefault(citation.path, []).append((citation.line, citation.column))
    sources: dict[Path, str | bytes] = {
        path: rewrite(tex[path], path, spots, old, new) for path, spots in by_file.items()}
    changes = [Change(path, line, old, new) for path, spots in by_file.items()
               for line, _ in dict.fromkeys(spots)]
    return sources, changes


def rewrite(data: bytes, path: Path, spots: Sequence[tuple[int, int]], old: str,
            new: str) -> bytes:
    """A file's bytes with old replaced at each (line, column), in the file's encoding."""
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
