"""The Database object's own guarantees: pragmas, transactions, read isolation, time."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime

import pytest

from storage import Account, Database, SendRepository
from storage.timeutil import from_db, to_db
from tests.storage.conftest import T0, new_send


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO send_steps (send_id, step_type) VALUES (999, 'SMS')")


async def test_failed_transaction_is_rolled_back(db: Database, account: Account) -> None:
    async def write_then_fail() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO kv (key, value, updated_at) VALUES ('a', 'b', 'c')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await write_then_fail()
    assert await db.fetch_one("SELECT 1 FROM kv") is None
    # The connection is usable afterwards: no transaction was left open.
    assert await SendRepository(db).create_submitting(new_send(account, "after"))


async def test_reads_do_not_see_uncommitted_writes(db: Database) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO kv (key, value, updated_at) VALUES ('k', 'v', 'x')")
            inside.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await asyncio.wait_for(inside.wait(), 5)
    assert await db.fetch_one("SELECT value FROM kv WHERE key = 'k'") is None
    release.set()
    await task
    row = await db.fetch_one("SELECT value FROM kv WHERE key = 'k'")
    assert row is not None
    assert row["value"] == "v"


async def test_reader_cannot_write(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.fetch_all("INSERT INTO kv (key, value, updated_at) VALUES ('a', 'b', 'c')")


async def test_nested_transaction_is_an_error_not_a_deadlock(db: Database) -> None:
    with pytest.raises(RuntimeError, match="nested"):
        async with db.transaction(), db.transaction():
            pass


def test_time_is_stored_as_sortable_utc_text() -> None:
    moscow = datetime.fromisoformat("2019-05-05T10:20:35+03:00")
    assert to_db(moscow) == "2019-05-05T07:20:35.000000+00:00"
    assert from_db(to_db(moscow)) == moscow
    assert to_db(T0) < to_db(datetime.fromisoformat("2025-03-01T13:00:00.5+01:00"))
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2025, 1, 1))  # a naive datetime on purpose
