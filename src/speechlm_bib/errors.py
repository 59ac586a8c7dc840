"""The exceptions speechlm-bib raises when it cannot do its job.

Problems *in* the data are findings (see ``model.Finding``); these are failures to read
input or reach a service. Every message names the file and line it concerns, so the CLI
can print it as one line.
"""

from __future__ import annotations

from pathlib import Path


class SpeechlmBibError(Exception):
    """Base class: a failure with a message that may name a file, line and column."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message


class InputError(SpeechlmBibError):
    """Input that cannot be read: bad YAML, wrong types, broken BibTeX, bad ids."""


class RepositoryError(SpeechlmBibError):
    """The repository cannot be found or locked."""


class FetchError(SpeechlmBibError):
    """A metadata service could not be reached or answered nonsense after all retries."""

    exit_code = 1


class SettingsError(SpeechlmBibError):
    """A ``SPEECHLM_BIB_*`` environment setting whose value cannot be used."""


class EntryError(InputError):
    """A problem in one entry's own fields, with the finding code ``check`` reports it under."""

    def __init__(self, code: str, message: str, path: Path, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message, path, line, column)
        self.code = code
