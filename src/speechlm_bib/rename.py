"""Renaming a citation key everywhere at once: entries, records.bib, LaTeX papers.

``plan_rename`` works everything out from the texts it is given, purely: edits are made on
the text (comments, quoting and layout stay as they were) and it refuses before anything
is written. It returns the edited sources and the repository as it will be after the
rename, from which the caller regenerates the generated files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .keys import is_valid_key
from .model import Entry, Finding, Library, Repository
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


def sources_to_edit(library: Library, old: str, moved: Mapping[str, str]) -> list[Path]:
    """The files of the repository whose text a rename of ``old`` edits.

    ``moved`` maps the fingerprints of acknowledged findings to their fingerprints after
    the rename: the entries acknowledging them are edited too.
    """
    paths = [row.entry.path for row in library.rows
             if row.key == old or any(a.about in moved for a in row.entry.acknowledge)]
    record = library.record(old)
    return paths + ([library.records_path] if record and record.hand else [])


def moved_fingerprints(findings: Iterable[Finding], old: str, new: str) -> dict[str, str]:
    """The fingerprint each finding about ``old`` will have once the key is ``new``.

    A fingerprint hashes a finding's code, key and data; the data names keys as words.
    """
    moved = {}
    for found in findings:
        words = found.about.split(" ")
        if found.key != old and old not in words:
            continue
        renamed = replace(found, key=new if found.key == old else found.key,
                          about=" ".join(new if word == old else word for word in words))
        moved[found.fingerprint] = renamed.fingerprint
    return moved


def plan_rename(repo: Repository, library: Library, old: str, new: str,
                texts: Mapping[Path, str], cited: CitedKeys | None = None,
                tex: Mapping[Path, bytes] | None = None,
                moved: Mapping[str, str] | None = None) -> Rename:
    """Work out a rename; ``InputError`` if old is unknown or new is invalid or taken.

    ``texts`` holds the text of every file ``sources_to_edit`` names; ``cited`` the
    citations of the LaTeX sources to rewrite and ``tex`` their bytes; ``moved`` the
    fingerprints of acknowledged findings to rewrite.
    """
    keys = {row.entry.path: row.key for row in library.rows if row.key}
    _check_names(old, new, set(keys.values()) | set(repo.hand), library)
    sources: dict[Path, str | bytes] = {}
    changes: list[Change] = []
    entries = []
    for entry in repo.entries:
        if entry.path in texts:
            entry, sources[entry.path], edits = _rename_entry(
                entry, texts[entry.path], keys.get(entry.path) == old, old, new, moved or {})
            changes += edits
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
    clash = next((k for k in sorted(known) if k.lower() == new.lower()), None)
    if clash is not None:
        spelt = "" if clash == new else f" as '{clash}' (keys differ in case only)"
        raise InputError(f"the key '{new}' is taken{spelt}: {_holder(library, clash)} holds "
                         "it; nothing was written", where)


def _holder(library: Library, key: str) -> str:
    """The file that holds a key: the first entry citing it, else entries/records.bib."""
    path = next((row.entry.path for row in library.rows if row.key == key),
                library.records_path)
    return library.relative(path)


def _rename_entry(entry: Entry, text: str, cites: bool, old: str, new: str,
                  moved: Mapping[str, str]) -> tuple[Entry, str, list[Change]]:
    """An entry citing old, or acknowledging findings about it, as it will be and read."""
    changes = []
    if cites:
        text, line = _rename_in_entry(entry, text, old, new)
        changes.append(Change(entry.path, line, old, new))
        entry = replace(entry, key=new)
    acknowledgements = []
    for acknowledgement in entry.acknowledge:
        about = acknowledgement.about
        if about is not None and about in moved:
            fingerprint = moved[about]
            text = _replace_about(text, entry, about, fingerprint)
            acknowledgement = replace(acknowledgement, about=fingerprint)
        acknowledgements.append(acknowledgement)
    return replace(entry, acknowledge=tuple(acknowledgements)), text, changes


def _replace_about(text: str, entry: Entry, old: str, new: str) -> str:
    """The entry's text with one acknowledgement's fingerprint replaced."""
    pattern = re.compile(r"(^\s*(?:-\s*)?about:\s*['\"]?)" + re.escape(old) + r"\b", re.M)
    edited, count = pattern.subn(lambda m: m.group(1) + new, text, count=1)
    if count != 1:
        raise InputError(f"cannot find 'about: {old}' to update it; nothing was written",
                         entry.path, entry.line_of("acknowledge"))
    return edited


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
