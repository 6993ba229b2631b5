"""Schema migrations: from empty, from every older version, refusals, atomicity."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import (
    Database,
    DatabaseTooNewError,
    InviteRejection,
    InviteRepository,
    Migration,
    MigrationError,
    OperatorRepository,
    Role,
    load_migrations,
)
from storage.migrations import split_statements

MIGRATIONS = load_migrations()
LATEST = len(MIGRATIONS)


def schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table, index and trigger with its SQL, read by a plain sqlite3 connection."""
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            " ORDER BY type, name"
        ).fetchall()
    return [(str(kind), str(name), str(sql)) for kind, name, sql in rows]


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def test_packaged_migrations_are_numbered_from_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    assert MIGRATIONS[0].name == "initial"
    assert all(m.statements for m in MIGRATIONS)


async def test_empty_file_is_migrated_to_latest(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        assert await db.user_version() == LATEST
        journal = await db.fetch_one("PRAGMA journal_mode")
        assert journal is not None
        assert journal[0] == "wal"
    tables = {name for kind, name, _ in schema(db_path) if kind == "table"}
    assert {
        "operators",
        "invites",
        "audit_log",
        "kv",
        "accounts",
        "sends",
        "send_steps",
        "status_events",
        "outside_reports",
        "outbox",
        "fsm_records",
    } <= tables


async def test_reopening_a_current_database_changes_nothing(db_path: Path) -> None:
    async with await Database.open(db_path):
        pass
    before = schema(db_path)
    async with await Database.open(db_path) as db:
        assert await db.user_version() == LATEST
    assert schema(db_path) == before


@pytest.mark.parametrize("start", range(LATEST))
async def test_upgrade_from_every_older_version(tmp_path: Path, start: int) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    async with await Database.open(fresh):
        pass

    old = tmp_path / "old.sqlite3"
    async with await Database.open(old, migrations=MIGRATIONS[:start]) as db:
        assert await db.user_version() == start
        if start >= 1:  # operators exist from version 1: data must survive the upgrade
            await OperatorRepository(db).grant(42, Role.ADMIN, by=None, display_name="Ada")

    async with await Database.open(old) as db:
        assert await db.user_version() == LATEST
        if start >= 1:
            operator = await OperatorRepository(db).get(42)
            assert operator is not None
            assert operator.display_name == "Ada"
    assert schema(old) == schema(fresh)


async def test_database_newer_than_code_is_refused(db_path: Path) -> None:
    async with await Database.open(db_path):
        pass
    older_code = MIGRATIONS[:2]
    with pytest.raises(DatabaseTooNewError) as caught:
        await Database.open(db_path, migrations=older_code)
    message = str(caught.value)
    assert f"schema version {LATEST}" in message
    assert "up to 2" in message
    assert caught.value.database_version == LATEST
    assert caught.value.code_version == 2
    assert user_version(db_path) == LATEST


async def test_failing_migration_leaves_version_and_schema_unchanged(db_path: Path) -> None:
    async with await Database.open(db_path, migrations=MIGRATIONS[:2]):
        pass
    before = schema(db_path)
    broken = Migration.from_sql(
        3,
        "broken",
        "CREATE TABLE half_done (x INTEGER);\n"
        "CREATE INDEX half_done_x ON half_done (x);\n"
        "INSERT INTO kv (key, value, updated_at) VALUES ('k', 'v', 'now');\n"
        "INSERT INTO no_such_table VALUES (1);\n",
    )
    with pytest.raises(MigrationError, match="0003_broken") as caught:
        await Database.open(db_path, migrations=(*MIGRATIONS[:2], broken))
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert user_version(db_path) == 2
    assert schema(db_path) == before
    with closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("SELECT count(*) FROM kv").fetchone()[0] == 0


async def test_migrations_before_a_failing_one_stay_applied(db_path: Path) -> None:
    broken = Migration.from_sql(LATEST + 1, "broken", "SELECT * FROM no_such_table;")
    with pytest.raises(MigrationError):
        await Database.open(db_path, migrations=(*MIGRATIONS, broken))
    assert user_version(db_path) == LATEST
    async with await Database.open(db_path) as db:
        assert await db.user_version() == LATEST


async def test_gap_in_numbering_is_rejected(db_path: Path) -> None:
    with pytest.raises(MigrationError, match="expected 0002"):
        await Database.open(db_path, migrations=(MIGRATIONS[0], MIGRATIONS[2]))
    assert not await asyncio.to_thread(db_path.exists)  # refused before creating a file


@pytest.mark.parametrize(
    "sql", ["BEGIN; CREATE TABLE t (x);", "CREATE TABLE t (x); COMMIT;", "PRAGMA user_version = 9;"]
)
def test_migration_may_not_manage_its_own_transaction(sql: str) -> None:
    with pytest.raises(MigrationError, match="not allowed"):
        Migration.from_sql(1, "bad", sql)


def test_statement_splitting_respects_strings_comments_and_triggers() -> None:
    sql = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET x = 'c;d';\n"
        "  DELETE FROM t WHERE x = 'e';\n"
        "END;\n"
        "/* block; comment */ INSERT INTO t VALUES (';');\n"
        "-- trailing comment\n"
    )
    statements = split_statements(sql)
    assert len(statements) == 3
    assert statements[0].endswith("DEFAULT 'a;b');")
    assert statements[1].startswith("CREATE TRIGGER")
    assert statements[1].endswith("END;")
    assert statements[2].endswith("VALUES (';');")


def test_unterminated_statement_is_rejected() -> None:
    with pytest.raises(MigrationError, match="unterminated"):
        split_statements("CREATE TABLE t (x);\nCREATE TABLE u (y)")


LONG_AGO_TO_NEVER = ("2000-01-01T00:00:00.000000+00:00", "9999-01-01T00:00:00.000000+00:00")


async def test_open_invites_of_former_admins_are_cancelled_by_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    before = next(m.version for m in MIGRATIONS if m.name == "invite_cancellation") - 1
    async with await Database.open(path, migrations=MIGRATIONS[:before]) as db:
        operators = OperatorRepository(db)
        await operators.grant(1, Role.ADMIN, by=None)
        await operators.grant(2, Role.ADMIN, by=None)
        async with db.transaction() as tx:
            for token, creator in (("kept", 1), ("orphan", 2)):
                await tx.execute(
                    "INSERT INTO invites (token_sha256, role, created_by, created_at, expires_at)"
                    " VALUES (?, 'admin', ?, ?, ?)",
                    (hashlib.sha256(token.encode()).hexdigest(), creator, *LONG_AGO_TO_NEVER),
                )
            # Revoked by a version that left the invite open.
            await tx.execute("UPDATE operators SET active = 0 WHERE user_id = 2")
    async with await Database.open(path) as db:
        invites = InviteRepository(db)
        assert [i.created_by for i in await invites.list_open()] == [1]
        assert await invites.consume("orphan", user_id=9) is InviteRejection.CANCELLED
        cancelled = await db.fetch_one("SELECT cancelled_at FROM invites WHERE created_by = 2")
    assert cancelled is not None
    assert cancelled[0] is not None
    assert len(cancelled[0]) == len("2026-01-01T00:00:00.000000+00:00")
