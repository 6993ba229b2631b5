"""Group commit in the report receiver: one transaction for concurrent requests, each
answered only after its own reports are durable; errors reach only the requests they hit."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.receiver import ReportReceiver, ReportWriter, WriterStopped
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from storage import (
    Database,
    NewStatusEvent,
    OutsideReportRepository,
    RecordOutcome,
    StatusRepository,
    UnknownStatusError,
)


class Changes:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "bot.sqlite3", busy_timeout=0.2) as database:
        yield database


def outside(n: int, status: str = "SEND") -> NewStatusEvent:
    return NewStatusEvent("SMS", status, mt_num=f"x-{n}", destination="79001234567")


async def test_concurrent_submissions_share_one_transaction(db: Database) -> None:
    changes = Changes()
    writer = ReportWriter(StatusRepository(db), on_change=changes)
    writer.start()
    try:
        # All ten are queued before the writer task gets to run (tasks start in order).
        results = await asyncio.gather(*(writer.record([outside(n)]) for n in range(10)))
    finally:
        await writer.stop()
    assert writer.rounds == 1
    assert [r[0].outcome for r in results] == [RecordOutcome.OUTSIDE] * 10
    for n in range(10):
        assert len(await OutsideReportRepository(db).by_mtnum(f"x-{n}")) == 1
    assert changes.calls == 0  # outside traffic changes no card


async def test_a_bad_report_fails_only_its_own_request(db: Database) -> None:
    writer = ReportWriter(StatusRepository(db), on_change=Changes())
    writer.start()
    try:
        good, bad, other = await asyncio.gather(
            writer.record([outside(1)]),
            writer.record([outside(2, status="LOST")]),
            writer.record([outside(3)]),
            return_exceptions=True,
        )
    finally:
        await writer.stop()
    assert isinstance(bad, UnknownStatusError)
    assert not isinstance(good, BaseException)
    assert not isinstance(other, BaseException)
    assert len(await OutsideReportRepository(db).by_mtnum("x-1")) == 1
    assert await OutsideReportRepository(db).by_mtnum("x-2") == []
    assert len(await OutsideReportRepository(db).by_mtnum("x-3")) == 1


async def test_a_stopped_writer_refuses_with_a_storage_error(db: Database) -> None:
    writer = ReportWriter(StatusRepository(db), on_change=Changes())
    with pytest.raises(WriterStopped):
        await writer.record([outside(1)])


async def test_stopping_fails_what_is_still_queued(db: Database) -> None:
    writer = ReportWriter(StatusRepository(db), on_change=Changes())
    writer.start()
    async with db.transaction():  # the writer cannot commit meanwhile
        pending = asyncio.gather(
            *(writer.record([outside(n)]) for n in range(3)), return_exceptions=True
        )
        await asyncio.sleep(0)  # let the three requests queue up (a yield, not a wait)
        await writer.stop()
    results = await pending
    assert all(isinstance(r, WriterStopped) for r in results)
    assert await OutsideReportRepository(db).by_mtnum("x-0") == []


# --- over HTTP: the receiver as the pipeline wires it ------------------------------------


@pytest.fixture
async def receiver_url(db: Database) -> AsyncIterator[str]:
    async def health() -> dict[str, Any]:
        return {"database": "ok"}

    receiver = ReportReceiver(StatusRepository(db), "s3cret", on_change=Changes(), health=health)
    runner = web.AppRunner(receiver.make_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/reports/s3cret"
    finally:
        await runner.cleanup()


def report(n: int) -> dict[str, Any]:
    return DeliveryReport(
        mt_num=f"r-{n}", status=DeliveryStatus.DELIVERED, type=MessageType.SMS
    ).to_json()


async def test_every_200_is_already_in_the_database(db: Database, receiver_url: str) -> None:
    async with httpx.AsyncClient() as http:
        responses = await asyncio.gather(
            *(http.post(receiver_url, json=report(n)) for n in range(40))
        )
        batch = await http.post(receiver_url, json=[report(100), report(101)])
    assert [r.status_code for r in responses] == [200] * 40
    assert batch.json() == {"stored": 2}
    for n in [*range(40), 100, 101]:
        assert len(await OutsideReportRepository(db).by_mtnum(f"r-{n}")) == 1


async def test_a_locked_database_answers_503_to_every_waiting_request(
    db: Database, receiver_url: str
) -> None:
    blocker = sqlite3.connect(db.path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        async with httpx.AsyncClient() as http:
            locked = await asyncio.gather(
                *(http.post(receiver_url, json=report(n)) for n in range(5))
            )
        blocker.execute("ROLLBACK")
        async with httpx.AsyncClient() as http:
            retried = await asyncio.gather(
                *(http.post(receiver_url, json=report(n)) for n in range(5))
            )
    finally:
        blocker.close()
    assert [r.status_code for r in locked] == [503] * 5
    assert [r.status_code for r in retried] == [200] * 5
    for n in range(5):
        assert len(await OutsideReportRepository(db).by_mtnum(f"r-{n}")) == 1
