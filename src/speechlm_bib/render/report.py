"""Findings as text for people, JSON for tools and GitHub workflow annotations.

With a paper checked, the repository's records it does not cite are one line in text and
GitHub reports ("85 of 90 records not cited by paper/main.tex"), listed one by one only when
asked (``unused``); JSON keeps every finding and adds the counts. The JSON schema
(``SCHEMA_VERSION``) is documented in docs/check.md and kept stable: fields are only ever
added, and a change to a field's meaning bumps the version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from ..model import Finding

if TYPE_CHECKING:
    from ..paper import Coverage

SCHEMA_VERSION = 1
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
UNCITED = "uncited-record"


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """The number of findings of each severity."""
    return {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}


def exit_status(findings: Sequence[Finding], strict: bool = False) -> int:
    """0 when nothing fails, 1 for errors (or, with strict, warnings)."""
    failing = {"error", "warning"} if strict else {"error"}
    return int(any(f.severity in failing for f in findings))


def render_text(findings: Sequence[Finding], coverage: Coverage | None = None,
                unused: bool = False) -> str:
    """Findings grouped by file, one line each (continuations indented), then a count.

    With coverage, the uncited records are one line before the count unless ``unused``.
    """
    shown = _shown(findings, coverage, unused)
    lines: list[str] = []
    for path, group in groupby(shown, key=lambda f: f.path):
        lines.append(path)
        lines += (_text_line(finding) for finding in group)
    if coverage is not None:
        lines.append(coverage_line(coverage, unused))
    lines.append(_summary(shown))
    return "\n".join(lines) + "\n"


def _shown(findings: Sequence[Finding], coverage: Coverage | None,
           unused: bool) -> Sequence[Finding]:
    """The findings listed one by one: uncited records only when asked for."""
    if coverage is None or unused:
        return findings
    return [f for f in findings if f.code != UNCITED]


def coverage_line(coverage: Coverage, unused: bool = False) -> str:
    """How many records the papers leave uncited, in one line.

    >>> from speechlm_bib.paper import Coverage
    >>> coverage_line(Coverage(("paper/main.tex",), 85, 90))
    '85 of 90 records not cited by paper/main.tex (--unused lists them)'
    >>> coverage_line(Coverage(("a.tex", "b.aux"), 0, 90))
    'all 90 records cited by a.tex, b.aux'
    """
    papers = ", ".join(coverage.papers)
    if not coverage.uncited:
        return f"all {coverage.records} records cited by {papers}"
    hint = "" if unused else " (--unused lists them)"
    return f"{coverage.uncited} of {coverage.records} records not cited by {papers}{hint}"


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


def render_json(findings: Sequence[Finding], coverage: Coverage | None = None,
                unused: bool = True) -> str:
    """The findings (every one, whatever ``unused`` says) as a JSON document of the schema."""
    document = {
        "version": SCHEMA_VERSION,
        "summary": counts(findings),
        "findings": [_json_finding(f) for f in findings],
        "coverage": None if coverage is None else {
            "papers": list(coverage.papers), "records": coverage.records,
            "uncited": coverage.uncited},
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


def render_github(findings: Sequence[Finding], coverage: Coverage | None = None,
                  unused: bool = False) -> str:
    """One workflow command per finding, which GitHub shows on the file and line.

    With coverage, the uncited records are one notice unless ``unused``.
    """
    lines = [_github_line(finding) for finding in _shown(findings, coverage, unused)]
    if coverage is not None:
        lines.append(f"::notice title={UNCITED}::{_data(coverage_line(coverage, unused))}")
    return "".join(line + "\n" for line in lines)


def _github_line(finding: Finding) -> str:
    level = _GITHUB_LEVEL[finding.severity]
    properties = (f"file={_property(finding.path)},line={finding.line},"
                  f"title={_property(finding.code)}")
    key = f"{finding.key}: " if finding.key else ""
    message = f"{key}{finding.message} (fingerprint {finding.fingerprint})"
    return f"::{level} {properties}::{_data(message)}"


def _data(text: str) -> str:
    r"""Escape a workflow command's message.

    >>> _data("50% done\nnext")
    '50%25 done%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value (also ':' and ',')."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


Renderer = Callable[[Sequence[Finding], "Coverage | None", bool], str]
"""Renders findings, the coverage of the papers checked (or None) and whether to list unused."""
RENDERERS: dict[str, Renderer] = {
    "text": render_text, "json": render_json, "github": render_github,
}
"""The renderer of each output format."""
FORMATS = tuple(RENDERERS)
