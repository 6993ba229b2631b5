"""Every lookup the bot makes is served by an index, not a table scan."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey

from storage import (
    Account,
    Database,
    NewStatusEvent,
    OutboxRepository,
    OutsideReportRepository,
    SendRepository,
    StatusRepository,
)
from storage.fsm import SQLiteStorage
from tests.storage.conftest import T0, accepted_send

Lookup = Callable[[Database], Awaitable[Any]]

LOOKUPS: dict[str, Lookup] = {
    "send by mtNum": lambda db: SendRepository(db).get_by_mtnum("mt-1"),
    "send by partner id": lambda db: SendRepository(db).get_by_partner_id("p-1"),
    "send by legacy id": lambda db: SendRepository(db).get_by_legacy_id(1, "111"),
    "trace": lambda db: SendRepository(db).by_destination("79101234567", since=T0),
    "history": lambda db: SendRepository(db).recent_for_operator(100, limit=10),
    "history next page": lambda db: SendRepository(db).recent_for_operator(100, before_id=9),
    "open sends": lambda db: SendRepository(db).open_sends(),
    "steps": lambda db: StatusRepository(db).steps(1),
    "events": lambda db: StatusRepository(db).events(1),
    "outside by mtNum": lambda db: OutsideReportRepository(db).by_mtnum("x"),
    "outside trace": lambda db: OutsideReportRepository(db).by_destination("7999", since=T0),
    "outbox pending": lambda db: OutboxRepository(db).pending(),
    "outbox owed": lambda db: OutboxRepository(db).owed(),
    "fsm": lambda db: SQLiteStorage(db).get_state(StorageKey(bot_id=1, chat_id=2, user_id=3)),
}

# Rows of one send (a few steps, tens of events) may be sorted in memory; lists that grow
# with traffic must come out of an index already in order.
SORTED_IN_MEMORY_IS_FINE = {"steps", "events"}


@pytest.mark.parametrize("name", LOOKUPS)
async def test_lookup_uses_an_index(db: Database, account: Account, name: str) -> None:
    await accepted_send(db, account, "p-1", "mt-1")
    await OutsideReportRepository(db).store(NewStatusEvent("SMS", "SEND", mt_num="x"))
    statements: list[str] = []
    # The reader connection is private; tracing it is the only way to see the SQL the
    # repositories really run (expanded with their parameters).
    await db._reader.set_trace_callback(statements.append)
    try:
        await LOOKUPS[name](db)
    finally:
        await db._reader.set_trace_callback(None)  # type: ignore[arg-type]
    assert statements
    with closing(sqlite3.connect(db.path)) as connection:
        for statement in statements:
            plan = [
                str(row[3])
                for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
            ]
            scans = [step for step in plan if step.startswith("SCAN") and "USING" not in step]
            assert scans == [], (statement, plan)
            if name not in SORTED_IN_MEMORY_IS_FINE:
                assert not any("TEMP B-TREE" in step for step in plan), (statement, plan)


async def test_purge_selects_by_index(db: Database) -> None:
    statements: list[str] = []
    await db._writer.set_trace_callback(statements.append)
    try:
        await OutsideReportRepository(db).purge_older_than(timedelta(days=7))
    finally:
        await db._writer.set_trace_callback(None)  # type: ignore[arg-type]
    delete = next(s for s in statements if s.startswith("DELETE"))
    with closing(sqlite3.connect(db.path)) as connection:
        plan = [str(r[3]) for r in connection.execute(f"EXPLAIN QUERY PLAN {delete}")]
    assert any("outside_reports_received" in step for step in plan), plan


async def test_recording_a_batch_scans_only_its_own_json(db: Database, account: Account) -> None:
    """The group commit reads once and writes by index: a bigger database never slows it."""
    send = await accepted_send(db, account, "p-1", "mt-1", steps=("VIBER", "SMS"))
    batch = [
        NewStatusEvent("VIBER", "SEND", mt_num="mt-1"),
        NewStatusEvent("VIBER", "UNDELIVERED", mt_num="mt-1", error_code=2),
        NewStatusEvent("PUSH", "SEND", send_id=send.id),  # a step the send did not declare
        NewStatusEvent("SMS", "SEND", partner_id="p-1"),
        NewStatusEvent("SMS", "SEND", mt_num="not-ours", destination="79990001122"),
    ]
    statements: list[str] = []
    await db._writer.set_trace_callback(statements.append)
    try:
        await StatusRepository(db).record_status_events(batch)
    finally:
        await db._writer.set_trace_callback(None)  # type: ignore[arg-type]
    planned = [s for s in statements if s.split()[0] in {"WITH", "INSERT", "UPDATE"}]
    # One load, then one statement per kind of write (a row each: executemany).
    kinds = [" ".join(s.split()[:3]) for s in planned]
    assert list(dict.fromkeys(kinds)) == [
        "WITH candidates (id)",
        "INSERT OR IGNORE",
        "UPDATE send_steps SET",
        "UPDATE sends SET",
        "INSERT INTO outside_reports",
        "INSERT INTO outbox",
        "INSERT INTO status_events",
    ]
    assert kinds.count("INSERT INTO status_events") == len(batch) - 1  # one is not ours
    with closing(sqlite3.connect(db.path)) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_schema")}
        for statement in planned:
            plan = [str(r[3]) for r in connection.execute(f"EXPLAIN QUERY PLAN {statement}")]
            # json_each and subqueries are the batch's own rows; a table is the database.
            scans = [s for s in plan if s.startswith("SCAN ") and s.split()[1] in tables]
            assert [s for s in scans if "USING" not in s] == [], (statement, plan)
