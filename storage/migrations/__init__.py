"""Schema migrations: numbered SQL files shipped as package data.

``NNNN_name.sql`` files are applied in order, each in one transaction together with its
``PRAGMA user_version`` bump (see :meth:`storage.db.Database.open`). The first schema is
split by concern (people, sends, status pipeline, FSM) rather than being one file, so
the "upgrade from every older version" test exercises real upgrades.

Rules for a migration file:

* plain statements separated by ``;`` - no BEGIN/COMMIT/ROLLBACK/SAVEPOINT and no
  ``PRAGMA user_version``: the runner owns the transaction and the version;
* never edit a released file; add the next number instead;
* ``PRAGMA foreign_keys`` cannot change inside a transaction, so a future table rebuild
  must keep references valid at every statement (or be split into its own runner step).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Final

from storage.errors import MigrationError

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")
_FORBIDDEN_START = re.compile(
    r"^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA\s+user_version)\b", re.IGNORECASE
)
_COMMENT_LINE = re.compile(r"^\s*--.*$", re.MULTILINE)

PACKAGE: Final = __name__


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]

    @classmethod
    def from_sql(cls, version: int, name: str, sql: str) -> Migration:
        statements = tuple(split_statements(sql))
        for statement in statements:
            if _FORBIDDEN_START.match(_strip_comments(statement)):
                raise MigrationError(
                    f"migration {version:04d}_{name}: {statement.split()[0]!r} is not allowed; "
                    "the runner owns the transaction and user_version"
                )
        return cls(version=version, name=name, statements=statements)


def _strip_comments(sql: str) -> str:
    return _COMMENT_LINE.sub("", sql).strip()


def split_statements(sql: str) -> list[str]:
    """Split a script into single statements.

    ``sqlite3.Connection.executescript`` would be simpler, but it COMMITs any open
    transaction first, which would break "one migration = one transaction". SQLite's own
    tokenizer (``sqlite3.complete_statement``) decides where a statement ends, so semicolons
    inside strings, comments and trigger bodies are handled correctly.
    """
    statements: list[str] = []
    start = 0
    position = sql.find(";")
    while position != -1:
        candidate = sql[start : position + 1]
        if sqlite3.complete_statement(candidate):
            if _strip_comments(candidate).rstrip(";").strip():
                statements.append(candidate.strip())
            start = position + 1
        position = sql.find(";", position + 1)
    if _strip_comments(sql[start:]):
        raise MigrationError(f"unterminated statement at the end: {sql[start:].strip()[:80]!r}")
    return statements


def load_migrations(package: str = PACKAGE) -> tuple[Migration, ...]:
    """Read every ``NNNN_name.sql`` of a package, checking the numbers run 1, 2, 3, ..."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        found.append(
            Migration.from_sql(
                int(match["version"]), match["name"], entry.read_text(encoding="utf-8")
            )
        )
    found.sort(key=lambda migration: migration.version)
    check_sequence(found)
    return tuple(found)


def check_sequence(migrations: tuple[Migration, ...] | list[Migration]) -> None:
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migrations must be numbered 1..N without gaps; expected {expected:04d}, "
                f"found {migration.version:04d}_{migration.name}"
            )
