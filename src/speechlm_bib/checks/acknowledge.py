"""Acknowledged findings: a maintainer's decision, kept in the entry, until the data changes.

An entry's ``acknowledge`` list names a finding by its code and its fingerprint (``about``),
a short hash of the finding's code, key and the data it was about. The finding stays quiet
while that data stays the same. When the data changes the fingerprint changes: the finding
comes back, and the acknowledgement that no longer matches anything is reported as stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from ..model import Acknowledgement, Entry, Finding
from ..records import assign_keys
from .catalog import Catalog


@dataclass(frozen=True, slots=True)
class _Scope:
    """An acknowledgement and what it may silence: findings in its entry or on its key."""

    entry: Entry
    path: str
    key: str | None
    acknowledgement: Acknowledgement

    def covers(self, finding: Finding) -> bool:
        """Whether this acknowledgement silences the finding."""
        where = finding.path == self.path or (self.key is not None and finding.key == self.key)
        return (where and finding.code == self.acknowledgement.code
                and self.acknowledgement.about == fingerprint(finding))


def fingerprint(finding: Finding) -> str:
    """A short hash of what a finding is about: its code, key and data.

    >>> fingerprint(Finding("warning", "key-scheme", "x.yaml", 1, "a2020b", "...", "a2020b c"))
    '0ca1bcc5cf'
    """
    text = "\0".join((finding.code, finding.key or "", finding.about))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def apply_acknowledgements(findings: Iterable[Finding], catalog: Catalog,
                           checked: Collection[str]) -> list[Finding]:
    """The findings no acknowledgement silences, plus the acknowledgements that went stale.

    ``checked`` holds the codes of the checks that ran: an acknowledgement of another code
    (an undefined citation when no paper was given) is neither used nor stale.
    """
    scopes = list(_scopes(catalog))
    used: set[int] = set()
    kept = []
    for finding in findings:
        matches = [i for i, scope in enumerate(scopes) if scope.covers(finding)]
        used.update(matches)
        if not matches:
            kept.append(finding)
    stale = (s for i, s in enumerate(scopes) if i not in used and s.acknowledgement.code in checked)
    return kept + [_stale(catalog, scope) for scope in stale]


def _scopes(catalog: Catalog) -> Iterator[_Scope]:
    keys = assign_keys(catalog.repo)
    for entry in catalog.repo.entries:
        for acknowledgement in entry.acknowledge:
            yield _Scope(entry, catalog.relative(entry.path), keys.get(entry.path),
                         acknowledgement)


def _stale(catalog: Catalog, scope: _Scope) -> Finding:
    code, about = scope.acknowledgement.code, scope.acknowledgement.about
    if about is None:
        detail = "names no fingerprint ('about'), so it silences nothing; copy it from the finding"
    else:
        detail = (f"matches no finding (fingerprint {about}): the data it was about changed "
                  "or the problem is gone; check again, then update or remove it")
    return catalog.finding("warning", "stale-acknowledgement", scope.entry.path,
                           scope.entry.line_of("acknowledge"), scope.key,
                           f"the acknowledgement of {code} {detail}", f"{code} {about}")
