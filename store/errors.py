"""Errors a user sees: one line naming the file and the problem.

Every failure caused by input (a corpus file, a store file, a schema, an import) is a
``WarraqError`` whose ``str()`` is that one line, so the CLI prints it and exits non-zero and
the app shows it in a notification without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class WarraqError(Exception):
    """Base for user-facing errors; ``path`` is the file at fault when there is one."""

    def __init__(self, reason: str, path: str | Path | None = None, line: int | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.reason}" if where else self.reason


class CorpusError(WarraqError):
    """A corpus file that cannot be read as an article (bad encoding, binary, empty)."""


class StoreError(WarraqError):
    """A store file that is damaged, of another schema version, or locked."""


class SchemaError(WarraqError):
    """A label schema file that does not parse or is inconsistent."""


class ImportFormatError(WarraqError):
    """A record of an imported file that is malformed or does not match its text."""


class GazetteerError(WarraqError):
    """A gazetteer data file line that does not parse (unknown kind, empty form, bad flag)."""


class SuggesterError(WarraqError):
    """A suggestion plugin that cannot be loaded, lacks its library or local model data, or
    failed (or returned unusable spans) on an article."""
