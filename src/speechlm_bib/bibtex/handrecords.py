r"""Reading entries/records.bib: hand-maintained BibTeX, checked strictly.

bibtexparser is lenient: a missing comma folds the next field into a value, a stray brace
ends a record early and what follows becomes a comment. A file people maintain by hand
deserves a loud error instead, naming the line. Values are BibTeX by design and are copied
into references.bib as written, so commands that read or write files, run programs or
redefine macros are refused: a bibliography must not do what ``\input`` or ``\write18``
can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ids import identifier_problems
from ..keys import is_valid_key
from ..model import HandRecord, Problem

UNSAFE_COMMANDS = (
    "input", "include", "InputIfFileExists", "IfFileExists", "verbatiminput", "openin",
    "openout", "read", "readline", "write", "write18", "immediate", "ShellEscape",
    "directlua", "latelua", "luaexec", "special", "csname", "endcsname", "def", "edef",
    "gdef", "xdef", "let", "futurelet", "expandafter", "catcode", "newcommand",
    "renewcommand", "providecommand", "DeclareRobustCommand", "usepackage",
    "RequirePackage", "documentclass", "makeatletter", "scantokens", "jobname", "endinput",
)
_UNSAFE = re.compile(r"\\(" + "|".join(UNSAFE_COMMANDS) + r")(?![A-Za-z])")
_NUMBER = re.compile(r"[0-9]+")


def parse_hand_records(text: str, path: Path) -> dict[str, HandRecord]:
    """Parse hand-maintained BibTeX, refusing anything that is not plainly one record a key.

    Malformed DOIs and URLs (``record_problems``) and keys equal but for case are findings
    of ``check``.
    """
    library = _parse(text, path)
    for block in library.blocks:
        _check_block(block, path)
    records: dict[str, HandRecord] = {}
    for entry in library.entries:
        record = _record(entry, path)
        records[record.key] = record
    return records


def _parse(text: str, path: Path) -> Any:
    # bibtexparser loads with the first BibTeX parsed: the cache spares most commands it.
    from bibtexparser.entrypoint import parse_string

    try:
        return parse_string(text, parse_stack=[])
    except Exception as error:  # the parser gives up on some inputs with any exception
        raise InputError(f"broken BibTeX: the parser gave up ({type(error).__name__})",
                         path) from None


def _check_block(block: Any, path: Path) -> None:
    from bibtexparser.model import ImplicitComment, ParsingFailedBlock, Preamble, String

    line = (block.start_line or 0) + 1
    if isinstance(block, ParsingFailedBlock):
        raise InputError(f"broken BibTeX: {_failure(block)}", path, line)
    if isinstance(block, String):
        raise InputError("@string macros are not supported; write the value out", path, line)
    if isinstance(block, Preamble):
        raise InputError("@preamble is not supported: references.bib has none", path, line)
    if isinstance(block, ImplicitComment):
        _check_comment(block.raw or "", path, line)


def _failure(block: Any) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or "cannot parse this record"
    reason = reason.split(". Note:")[0].strip()
    if "end of file" in reason:
        return "unbalanced braces: the record is never closed"
    return reason


def _check_comment(raw: str, path: Path, line: int) -> None:
    """Text between records is a comment to BibTeX; here it is most likely a broken record."""
    for offset, text in enumerate(raw.splitlines()):
        stripped = text.strip()
        if stripped and not stripped.startswith("%"):
            raise InputError(
                f"text outside any record: {stripped[:40]!r} (a stray brace or a comment "
                "without '%'?)", path, line + offset,
            )


def _record(entry: Any, path: Path) -> HandRecord:
    line = (entry.start_line or 0) + 1
    if not is_valid_key(entry.key):
        raise InputError(f"'{entry.key}' is not a valid citation key", path, line)
    fields, lines = [], []
    for field in entry.fields:
        field_line = (field.start_line or entry.start_line or 0) + 1
        value = _value(str(field.value), field.key, entry.key, path, field_line)
        _check_value(field.key.lower(), value, entry.key, path, field_line)
        fields.append((field.key.lower(), value))
        lines.append((field.key.lower(), field_line))
    return HandRecord(entry.key, entry.entry_type.lower(), tuple(fields), line, tuple(lines),
                      str(entry.raw or ""))


def record_problems(records: Iterable[HandRecord], path: Path) -> tuple[Problem, ...]:
    """The malformed arXiv ids, DOIs and URLs of hand records, each at its field's line."""
    return tuple(
        Problem(code, path, record.line_of(name), f"{message} (in '{record.key}')",
                key=record.key, about=dict(record.fields)[name])
        for record in records
        for code, name, message in identifier_problems(dict(record.fields))
    )


def _value(raw: str, name: str, key: str, path: Path, line: int) -> str:
    """The value without its delimiters, refusing macros, '#' and runaway values."""
    raw = raw.strip()
    if _NUMBER.fullmatch(raw):
        return raw
    where = f"field '{name}' of '{key}'"
    if raw[:1] not in {"{", '"'}:
        raise InputError(f"{where}: write the value in braces, {{...}}; @string macros and "
                         "'#' are not supported", path, line)
    depth_zero_at = _closing(raw)
    if depth_zero_at is None:
        raise InputError(f"{where}: unbalanced braces", path, line)
    if depth_zero_at != len(raw) - 1:
        rest = " ".join(raw[depth_zero_at + 1:].split())
        raise InputError(f"{where}: the value ends early, before {rest[:30]!r} (a missing "
                         "comma, a stray brace or '#'?)", path, line)
    return raw[1:-1]


def _closing(raw: str) -> int | None:
    """The index where the value opened at raw[0] closes (None when braces never balance)."""
    depth = 0
    quoted = raw[0] == '"'
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
        if not quoted and depth == 0:
            return index
        if quoted and index > 0 and char == '"' and depth == 0:
            return index
    return None


def _check_value(name: str, value: str, key: str, path: Path, line: int) -> None:
    where = f"field '{name}' of '{key}'"
    if value.count("{") != value.count("}"):
        raise InputError(f"{where}: unbalanced braces", path, line)
    unsafe = _UNSAFE.search(value)
    if unsafe:
        raise InputError(f"{where}: {unsafe.group()} is not allowed in a bibliography "
                         "(it reads or writes files, runs programs or redefines commands)",
                         path, line)
