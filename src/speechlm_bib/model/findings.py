"""Problems in the data: findings, reported together, and input that cannot be used."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in the data, reported with the others rather than raised."""

    severity: str
    code: str
    path: str
    line: int
    key: str | None
    message: str
    about: str = ""
    """The data the finding is about; an acknowledgement names its fingerprint."""

    @property
    def fingerprint(self) -> str:
        """A short hash of what the finding is about: its code, key and data.

        >>> Finding("warning", "key-scheme", "x.yaml", 1, "a2020b", "...", "a2020b c").fingerprint
        '0ca1bcc5cf'
        """
        text = "\0".join((self.code, self.key or "", self.about))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]




@dataclass(frozen=True, slots=True)
class Problem:
    """Input that cannot be used as it is, with the finding code of what is wrong.

    An entry file that cannot be read, or a malformed identifier in a hand record.
    """

    code: str
    path: Path
    line: int | None
    message: str
    column: int | None = None
    key: str | None = None
    about: str = ""
