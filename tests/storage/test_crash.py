"""A writer killed with SIGKILL mid-burst leaves a sound database holding every
acknowledged write."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

from storage import Database, StatusRepository
from tests.storage.processes import read_line, start_child

ACKNOWLEDGED_BEFORE_KILL = 150
DEADLINE = 45.0


async def test_sigkill_mid_burst_loses_no_acknowledged_event(db_path: Path) -> None:
    async with await Database.open(db_path):
        pass  # the parent creates and migrates the file, as the bot would

    deadline = asyncio.get_running_loop().time() + DEADLINE
    child = await start_child("crash", str(db_path), "crash-victim")
    acknowledged: list[int] = []
    try:
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            acknowledged.append(int(await read_line(child, deadline)))
    finally:
        child.send_signal(signal.SIGKILL)
        await asyncio.wait_for(child.communicate(), DEADLINE)
    assert child.returncode == -signal.SIGKILL

    with closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    async with await Database.open(db_path) as db:
        send = await db.fetch_one("SELECT id FROM sends WHERE partner_id = 'crash-victim'")
        assert send is not None
        stored = {event.id for event in await StatusRepository(db).events(send["id"])}
        assert set(acknowledged) <= stored
