"""Concurrent writers - two tasks in this process and a second process - never see
"database is locked"."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import (
    Account,
    Database,
    NewStatusEvent,
    OutboxRepository,
    RecordOutcome,
    SendRepository,
    StatusRepository,
)
from tests.storage.conftest import accepted_send, new_send
from tests.storage.processes import read_line, start_child

WRITES = 300
CHILD_SENDS = 300
DEADLINE = 45.0
DONE = datetime(2025, 3, 1, tzinfo=UTC)


async def test_receiver_bot_and_another_process_write_together(
    db: Database, db_path: Path, account: Account
) -> None:
    targets = [await accepted_send(db, account, f"target-{i}", f"mt-{i}") for i in range(10)]
    statuses = StatusRepository(db)
    sends = SendRepository(db)
    outbox = OutboxRepository(db)
    windows: dict[str, tuple[float, float]] = {}

    async def receiver() -> None:
        start = time.monotonic()
        for index in range(WRITES):
            result = await statuses.record_status_event(
                NewStatusEvent(
                    "SMS",
                    ("SEND", "DELIVERED")[index % 2],
                    mt_num=targets[index % len(targets)].mt_num,
                    done_at=DONE + timedelta(seconds=index),
                )
            )
            assert result.outcome is RecordOutcome.RECORDED
        windows["receiver"] = (start, time.monotonic())

    async def bot() -> None:
        start = time.monotonic()
        for index in range(WRITES // 2):
            send = await sends.create_submitting(new_send(account, f"bot-{index}"))
            await outbox.enqueue(send.id)
        windows["bot"] = (start, time.monotonic())

    deadline = asyncio.get_running_loop().time() + DEADLINE
    child = await start_child("burst", str(db_path), "child", str(CHILD_SENDS))
    try:
        ready = (await read_line(child, deadline)).split()
        assert ready[0] == "ready"
        await asyncio.wait_for(asyncio.gather(receiver(), bot()), DEADLINE)
        done = (await read_line(child, deadline)).split()
        _, stderr = await asyncio.wait_for(child.communicate(), DEADLINE)
    finally:
        if child.returncode is None:
            child.kill()
            await child.communicate()

    assert child.returncode == 0, stderr.decode()
    assert done[:2] == ["done", str(CHILD_SENDS)]
    # The child's writes overlapped ours in time, so the test really was concurrent.
    child_start, child_end = float(ready[1]), float(done[2])
    ours_start = min(start for start, _ in windows.values())
    ours_end = max(end for _, end in windows.values())
    assert child_start < ours_end
    assert ours_start < child_end

    counts = await db.fetch_one(
        "SELECT (SELECT count(*) FROM sends) AS sends,"
        " (SELECT count(*) FROM status_events) AS events,"
        " (SELECT count(*) FROM outbox) AS outbox"
    )
    assert counts is not None
    assert counts["sends"] == len(targets) + WRITES // 2 + CHILD_SENDS
    assert counts["events"] == WRITES + CHILD_SENDS
    # One coalesced card entry per target (events) + one per bot send + one per child send.
    assert counts["outbox"] == len(targets) + WRITES // 2 + CHILD_SENDS


async def test_many_tasks_share_one_database(db: Database, account: Account) -> None:
    """Fifty tasks at once: the write lock serialises them, nothing is lost."""
    send = await accepted_send(db, account, "p-1", "mt-1")
    statuses = StatusRepository(db)

    async def report(second: int) -> RecordOutcome:
        result = await statuses.record_status_event(
            NewStatusEvent("SMS", "SEND", send_id=send.id, done_at=DONE + timedelta(seconds=second))
        )
        return result.outcome

    outcomes = await asyncio.gather(*(report(i % 25) for i in range(50)))
    assert outcomes.count(RecordOutcome.RECORDED) == 25
    assert outcomes.count(RecordOutcome.DUPLICATE) == 25
    assert len(await statuses.events(send.id)) == 25


async def test_cancelled_writer_leaves_no_open_transaction(db: Database, account: Account) -> None:
    """A writer cancelled mid-transaction (e.g. the report's HTTP client went away) must
    not leave the connection inside a transaction for the next writer."""
    sends = SendRepository(db)
    started = asyncio.Event()

    async def stalled() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO kv (key, value, updated_at) VALUES ('half', 'done', 'x')")
            started.set()
            await asyncio.Event().wait()  # cancelled here, inside the transaction

    task = asyncio.create_task(stalled())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    send = await sends.create_submitting(new_send(account, "after-cancel"))
    assert (await sends.get(send.id)) is not None
    assert await db.fetch_one("SELECT 1 FROM kv WHERE key = 'half'") is None
