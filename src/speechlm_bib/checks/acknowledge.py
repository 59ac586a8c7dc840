"""Acknowledged findings: a maintainer's decision, kept in the entry, until the data changes.

An entry's ``acknowledge`` list names a finding by its code and its fingerprint (``about``),
a short hash of the finding's code, key and the data it was about. The finding stays quiet
while that data stays the same. When the data changes the fingerprint changes: the finding
comes back, and the acknowledgement that no longer matches anything is reported as stale.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from ..model import Acknowledgement, Entry, Finding, Library
from .common import finding


@dataclass(frozen=True, slots=True)
class _Scope:
    """An acknowledgement and what it may silence: findings in its entry or on its key."""

    entry: Entry
    path: str
    key: str | None
    acknowledgement: Acknowledgement

    def covers(self, found: Finding) -> bool:
        """Whether this acknowledgement silences the finding."""
        where = found.path == self.path or (self.key is not None and found.key == self.key)
        return (where and found.code == self.acknowledgement.code
                and self.acknowledgement.about == found.fingerprint)


def apply_acknowledgements(findings: Iterable[Finding], library: Library,
                           checked: Collection[str]) -> list[Finding]:
    """The findings no acknowledgement silences, plus the acknowledgements that went stale.

    ``checked`` holds the codes of the checks that ran: an acknowledgement of another code
    (an undefined citation when no paper was given) is neither used nor stale.
    """
    scopes = list(_scopes(library))
    used: set[int] = set()
    kept = []
    for found in findings:
        matches = [i for i, scope in enumerate(scopes) if scope.covers(found)]
        used.update(matches)
        if not matches:
            kept.append(found)
    stale = (s for i, s in enumerate(scopes) if i not in used and s.acknowledgement.code in checked)
    return kept + [_stale(library, scope) for scope in stale]


def _scopes(library: Library) -> Iterator[_Scope]:
    for row in library.rows:
        for acknowledgement in row.entry.acknowledge:
            yield _Scope(row.entry, library.relative(row.entry.path), row.key, acknowledgement)


def _stale(library: Library, scope: _Scope) -> Finding:
    code, about = scope.acknowledgement.code, scope.acknowledgement.about
    if about is None:
        detail = "names no fingerprint ('about'), so it silences nothing; copy it from the finding"
    else:
        detail = (f"matches no finding (fingerprint {about}): the data it was about changed "
                  "or the problem is gone; check again, then update or remove it")
    return finding(library, "warning", "stale-acknowledgement", scope.entry.path,
                   scope.entry.line_of("acknowledge"), scope.key,
                   f"the acknowledgement of {code} {detail}", f"{code} {about}")
