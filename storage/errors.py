"""Errors storage raises on purpose (anything else is a bug or an sqlite3 error)."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class of storage's own errors."""


class MigrationError(StorageError):
    """A migration set is malformed, or applying a migration failed (and changed nothing)."""


class DatabaseTooNewError(StorageError):
    """The file was migrated by newer code; opening it with this code could corrupt it."""

    def __init__(self, path: Path, database_version: int, code_version: int) -> None:
        super().__init__(
            f"database {path} has schema version {database_version}, but this code knows "
            f"schema versions up to {code_version}; run the newer bot version (or restore a "
            "backup made by this one) instead of opening it with older code"
        )
        self.path = path
        self.database_version = database_version
        self.code_version = code_version


class SQLiteTooOldError(StorageError):
    def __init__(self, found: str, needed: str) -> None:
        super().__init__(f"SQLite {found} is too old: storage needs {needed} or newer")


class SendStateError(StorageError):
    """A send was asked to make a transition its current state does not allow."""


class NotFoundError(StorageError, LookupError):
    """The row a write refers to does not exist."""
