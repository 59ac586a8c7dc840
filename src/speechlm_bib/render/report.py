"""Findings as text for people, JSON for tools and GitHub workflow annotations.

The JSON schema (``SCHEMA_VERSION``) is documented in docs/check.md and kept stable: fields
are only ever added, and a change to a field's meaning bumps the version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby

from ..model import Finding

SCHEMA_VERSION = 1
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """The number of findings of each severity."""
    return {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}


def exit_status(findings: Sequence[Finding], strict: bool = False) -> int:
    """0 when nothing fails, 1 for errors (or, with strict, warnings)."""
    failing = {"error", "warning"} if strict else {"error"}
    return int(any(f.severity in failing for f in findings))


def render_text(findings: Sequence[Finding]) -> str:
    """Findings grouped by file, one line each (continuations indented), then a count."""
    lines: list[str] = []
    for path, group in groupby(findings, key=lambda f: f.path):
        lines.append(path)
        lines += (_text_line(finding) for finding in group)
    lines.append(_summary(findings))
    return "\n".join(lines) + "\n"


def _text_line(finding: Finding) -> str:
    key = f" [{finding.key}]" if finding.key else ""
    message = finding.message.replace("\n", "\n      ")
    return (f"  {finding.line}: {finding.severity} {finding.code}{key}: {message}"
            f" (fingerprint {finding.fingerprint})")


def _summary(findings: Sequence[Finding]) -> str:
    if not findings:
        return "no problems found"
    number = counts(findings)
    parts = [f"{n} {s}{'' if n == 1 or s == 'info' else 's'}" for s, n in number.items() if n]
    return ", ".join(parts)


def render_json(findings: Sequence[Finding]) -> str:
    """The findings as a JSON document of the documented schema."""
    document = {
        "version": SCHEMA_VERSION,
        "summary": counts(findings),
        "findings": [_json_finding(f) for f in findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_finding(finding: Finding) -> dict[str, object]:
    return {
        "severity": finding.severity,
        "code": finding.code,
        "path": finding.path,
        "line": finding.line,
        "key": finding.key,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
    }


def render_github(findings: Sequence[Finding]) -> str:
    """One workflow command per finding, which GitHub shows on the file and line."""
    lines = []
    for finding in findings:
        level = _GITHUB_LEVEL[finding.severity]
        properties = (f"file={_property(finding.path)},line={finding.line},"
                      f"title={_property(finding.code)}")
        key = f"{finding.key}: " if finding.key else ""
        message = f"{key}{finding.message} (fingerprint {finding.fingerprint})"
        lines.append(f"::{level} {properties}::{_data(message)}")
    return "".join(line + "\n" for line in lines)


def _data(text: str) -> str:
    r"""Escape a workflow command's message.

    >>> _data("50% done\nnext")
    '50%25 done%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value (also ':' and ',')."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


RENDERERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": render_text, "json": render_json, "github": render_github,
}
"""The renderer of each output format."""
FORMATS = tuple(RENDERERS)
