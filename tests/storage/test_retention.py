"""Retention removes old outside reports and nothing else."""

from __future__ import annotations

from datetime import timedelta

from storage import (
    Account,
    Database,
    NewStatusEvent,
    OutsideReportRepository,
    SendRepository,
    StatusRepository,
)
from tests.storage.conftest import FakeClock, accepted_send


def outside(mt_num: str) -> NewStatusEvent:
    return NewStatusEvent("SMS", "DELIVERED", mt_num=mt_num, destination="79990001122")


async def count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT count(*) FROM {table}")  # noqa: S608 - test constant
    assert row is not None
    return int(row[0])


async def test_purge_removes_only_outside_reports_older_than_the_period(
    db: Database, account: Account, clock: FakeClock
) -> None:
    reports = OutsideReportRepository(db)
    statuses = StatusRepository(db)
    start = clock.current

    # Our own send and its events are older than anything else here.
    own = await accepted_send(db, account, "own-1", "own-mt")
    await statuses.record_status_event(NewStatusEvent("SMS", "DELIVERED", mt_num="own-mt"))
    clock.advance(timedelta(days=1))
    await reports.store(outside("eight-days-old"))
    clock.advance(timedelta(days=2))
    await reports.store(outside("exactly-at-cutoff"))
    clock.advance(timedelta(days=1))
    await reports.store(outside("six-days-old"))

    clock.current = start + timedelta(days=10)
    removed = await reports.purge_older_than(timedelta(days=7))

    assert removed == 1
    assert await reports.by_mtnum("eight-days-old") == []
    assert len(await reports.by_mtnum("exactly-at-cutoff")) == 1  # strictly older goes
    assert len(await reports.by_mtnum("six-days-old")) == 1
    assert await SendRepository(db).get_by_mtnum("own-mt") is not None
    assert len(await statuses.events(own.id)) == 1
    assert await count(db, "send_steps") == 1


async def test_default_period_is_seven_days(db: Database, clock: FakeClock) -> None:
    reports = OutsideReportRepository(db)
    await reports.store(outside("old"))
    clock.advance(timedelta(days=7, seconds=1))
    await reports.store(outside("new"))
    assert await reports.purge_older_than() == 1
    assert [
        r.mt_num
        for r in await reports.by_destination(
            "79990001122", since=clock.current - timedelta(days=30)
        )
    ] == ["new"]


async def test_purge_works_in_batches_until_done(db: Database, clock: FakeClock) -> None:
    reports = OutsideReportRepository(db)
    for index in range(10):
        await reports.store(outside(f"old-{index}"))
    clock.advance(timedelta(days=2))
    await reports.store(outside("fresh"))
    assert await reports.purge_older_than(timedelta(days=1), batch_size=3) == 10
    assert await count(db, "outside_reports") == 1
