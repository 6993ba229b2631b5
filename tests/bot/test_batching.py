"""Group commit in the report writer: one transaction for concurrent requests, each
answered only after its own reports are durable; errors reach only the requests they hit.
Over HTTP, through the writer's own process as the pipeline runs it."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.reports.health import HealthReport
from bot.reports.receiver import ReportReceiver
from bot.reports.store import BadReport, ReportStore, parse_reports, parse_single_report
from bot.reports.writer.client import MALLOC_TUNABLES, child_environment
from bot.reports.writer.protocol import WriterConfig
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from storage import Database, NewStatusEvent, OutsideReportRepository
from storage.db import connect_sync
from storage.secrets_scrub import Scrubber
from tests.helpers import process_alive


class Changes:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "bot.sqlite3", busy_timeout=0.2) as database:
        yield database


@pytest.fixture
def store(db: Database) -> Iterator[ReportStore]:
    with closing(connect_sync(db.path, busy_timeout=0.2)) as connection:
        yield ReportStore(connection, Scrubber(["hunter2-secret"]))


def outside(n: int, status: str = "SEND") -> NewStatusEvent:
    return NewStatusEvent("SMS", status, mt_num=f"x-{n}", destination="79001234567")


def body(n: int) -> bytes:
    return json.dumps(report(n)).encode()


async def test_requests_stored_together_share_one_transaction(
    db: Database, store: ReportStore
) -> None:
    answers = store.store([body(n) for n in range(10)])
    assert store.transactions == 1
    assert [a.status for a in answers] == [200] * 10
    assert not any(a.changed for a in answers)  # outside traffic changes no card
    for n in range(10):
        assert len(await OutsideReportRepository(db).by_mtnum(f"r-{n}")) == 1


async def test_a_transaction_holds_at_most_max_batch_reports(db: Database) -> None:
    with closing(connect_sync(db.path, busy_timeout=0.2)) as connection:
        store = ReportStore(connection, Scrubber([]), max_batch=3)
        answers = store.store([body(n) for n in range(5)] + [json.dumps([report(5)] * 4).encode()])
    assert [a.status for a in answers] == [200] * 6
    assert store.transactions == 3  # 3 + 2 + the request of 4, which goes whole


async def test_a_bad_request_fails_alone(db: Database, store: ReportStore) -> None:
    malformed = store.store([body(1), b'{"mtNum": "r-2"', body(3)])
    assert [(a.status, a.reason) for a in malformed] == [
        (200, None),
        (400, "body is not JSON (EOF while parsing an object at line 1 column 15)"),
        (200, None),
    ]
    # A report the storage refuses after validation (no such send) breaks the transaction;
    # retried alone, it fails only its own request.
    refused = store.record(
        [[outside(4)], [NewStatusEvent("SMS", "SEND", send_id=999)], [outside(5)]]
    )
    assert [a.status for a in refused] == [200, 500, 200]
    # One the storage cannot map can never be stored: 400, or the platform posts it for ever.
    unknown = store.record([[outside(6, status="LOST")], [outside(7)]])
    assert [(a.status, a.reason) for a in unknown] == [
        (400, "report 0: cannot be stored (UnknownStatusError)"),
        (200, None),
    ]
    for mt_num, count in [("r-1", 1), ("r-3", 1), ("x-4", 1), ("x-5", 1), ("x-6", 0), ("x-7", 1)]:
        assert len(await OutsideReportRepository(db).by_mtnum(mt_num)) == count


async def test_a_locked_database_answers_503_to_the_whole_transaction(
    db: Database, store: ReportStore
) -> None:
    blocker = sqlite3.connect(db.path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        locked = store.store([body(n) for n in range(3)])
        blocker.execute("ROLLBACK")
        retried = store.store([body(n) for n in range(3)])
    finally:
        blocker.close()
    assert [a.status for a in locked] == [503] * 3
    assert [a.status for a in retried] == [200] * 3


# --- over HTTP: the receiver as the pipeline wires it, with the writer's process -----------


@dataclass
class Receiving:
    url: str
    receiver: ReportReceiver
    runner: web.AppRunner
    changes: Changes

    def child_pid(self) -> int:
        process = self.receiver.writer._process
        assert process is not None
        return process.pid


@pytest.fixture
async def receiving(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Receiving]:
    monkeypatch.setenv("BOT_TOKEN", SECRET)  # in the bot's environment, not the writer's

    async def health() -> HealthReport:
        state = receiver.writer.state
        return HealthReport(healthy=state == "ok", body={"reports": state})

    config = WriterConfig(database=str(db.path), busy_timeout=0.2, literal_secrets=[SECRET])
    changes = Changes()
    receiver = ReportReceiver(config, "s3cret", on_change=changes, health=health)
    runner = web.AppRunner(receiver.make_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/reports/s3cret"
    try:
        yield Receiving(url, receiver, runner, changes)
    finally:
        await runner.cleanup()


@pytest.fixture
def receiver_url(receiving: Receiving) -> str:
    return receiving.url


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
    assert {r.headers["content-type"] for r in responses} == {"application/json"}
    assert [r.json() for r in responses] == [{"stored": 1}] * 40
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


SECRET = "hunter2-secret"


async def test_the_writer_process_lives_as_long_as_the_receiver(
    db: Database, receiving: Receiving, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient() as http:
        answer = await http.post(receiving.url, json=report(1))
    assert answer.status_code == 200
    assert receiving.receiver.writer.starts == 1  # started with the receiver, once
    pid = receiving.child_pid()
    # The configuration (with the literal secrets) went through stdin, not argv or env.
    assert SECRET.encode() not in _proc(pid, "cmdline")
    assert SECRET.encode() not in _proc(pid, "environ")
    # Its allocator keeps freed memory (see MALLOC_TUNABLES).
    assert b"GLIBC_TUNABLES=glibc.malloc.trim_threshold=" in _proc(pid, "environ")
    await receiving.runner.cleanup()  # the bot stops: the process exits and is reaped
    assert not process_alive(pid)
    assert receiving.receiver.writer._process is None
    # A quiet stop: its exit collected by asyncio (no "unknown child process"), no error.
    assert [r.getMessage() for r in caplog.records] == []


def _proc(pid: int, name: str) -> bytes:
    return (Path("/proc") / str(pid) / name).read_bytes()


async def test_a_writer_process_that_died_is_replaced(db: Database, receiving: Receiving) -> None:
    health = receiving.url.replace("/reports/s3cret", "/health")
    async with httpx.AsyncClient() as http:
        assert (await http.post(receiving.url, json=report(1))).status_code == 200
        os.kill(receiving.child_pid(), signal.SIGKILL)
        async with asyncio.timeout(10):
            while True:  # /health notices...
                if (await http.get(health)).json()["reports"] == "unavailable":
                    break
                await asyncio.sleep(0.02)  # polling, bounded by the deadline
        # ...the platform is told to come back later, and nothing is acknowledged unstored,
        during = await http.post(receiving.url, json=report(2))
        async with asyncio.timeout(10):
            while True:  # ...and a new process runs a second later, with no report needed.
                if (await http.get(health)).status_code == 200:
                    break
                await asyncio.sleep(0.05)  # polling, bounded by the deadline
        after = await http.post(receiving.url, json=report(3))
    assert (during.status_code, after.status_code) == (503, 200)
    assert receiving.receiver.writer.starts == 2
    assert await OutsideReportRepository(db).by_mtnum("r-2") == []
    assert len(await OutsideReportRepository(db).by_mtnum("r-3")) == 1


async def test_a_report_with_a_destination_without_digits_is_kept(
    db: Database, store: ReportStore
) -> None:
    odd = {"mtNum": "w-1", "status": 0, "type": "SMS", "destAddr": "hidden"}
    [answer] = store.store([json.dumps(odd).encode()])
    assert answer.status == 200  # refusing it would only make the platform post it again
    [kept] = await OutsideReportRepository(db).by_mtnum("w-1")
    assert kept.destination is None
    assert kept.raw["destAddr"] == "hidden"


SINGLE_BODIES = [
    '{"mtNum": "1", "status": 2, "type": "SMS", "errorCode": "0", "doneDate": ""}',
    '{"mtNum": 17, "status": 5, "type": "VIBER", "errorCode": 2, "id": 9,'
    ' "submitDate": "2026-11-23T18:00:01+0300", "doneDate": "2026-11-23T18:00:03+0300"}',
    '{"mtNum": "1", "status": 9, "type": "PUSH", "price": "1.20", "destAddr": "79001234567"}',
    '{"status": 2, "type": "SMS"}',
    '{"mtNum": "", "status": 2, "type": "SMS"}',
    '{"mtNum": "1", "status": 7, "type": "SMS"}',
    '{"mtNum": "1", "status": 2, "type": "FAX"}',
    '{"mtNum": "1", "status": 2, "type": "SMS", "doneDate": "yesterday"}',
    '{"mtNum": "1", "status": 2, "type": "SMS", "errorCode": "many"}',
    '{"mtNum": "1", "status": 2',
    '{"mtNum": "1"} trailing',
    "{}",
]


@pytest.mark.parametrize("text", SINGLE_BODIES)
def test_the_single_report_path_parses_as_the_general_one(text: str) -> None:
    def outcome(parse: Callable[[], DeliveryReport]) -> object:
        try:
            return parse()
        except BadReport as exc:
            return exc.reason

    general = outcome(lambda: parse_reports(text.encode())[0][0])
    assert outcome(lambda: parse_single_report(text)) == general


async def test_a_report_is_stored_as_posted_unless_it_needs_scrubbing(
    db: Database, store: ReportStore
) -> None:
    plain = '{"mtNum": "v-1",  "status": 0, "type": "SMS"}'  # odd spacing kept
    secret = json.dumps({"mtNum": "v-2", "status": 0, "type": "SMS", "text": SECRET})
    # The secret written with an escape: not in the text, but in what it decodes to.
    escaped = '{"mtNum": "v-3", "status": 0, "type": "SMS", "text": "hunter2-\\u0073ecret"}'
    answers = store.store([body.encode() for body in (plain, secret, escaped)])
    assert [a.status for a in answers] == [200] * 3
    rows = {
        row["mt_num"]: row["raw_json"]
        for row in await db.fetch_all("SELECT mt_num, raw_json FROM outside_reports")
    }
    assert rows["v-1"] == plain
    assert SECRET not in rows["v-2"]
    assert json.loads(rows["v-2"])["text"] == "***"
    assert json.loads(rows["v-3"])["text"] == "***"


def test_the_writer_gets_the_allocator_settings_before_the_operators_own() -> None:
    bot_env = {"PATH": "/usr/bin", "PROVIDER_PASSWORD": "pw", "BOT_TOKEN": "t"}
    env = child_environment(bot_env)
    assert env == {"PATH": "/usr/bin", "GLIBC_TUNABLES": MALLOC_TUNABLES}
    own = "glibc.malloc.trim_threshold=0"
    # glibc applies tunables in order: the operator's setting comes last and wins.
    assert child_environment({"GLIBC_TUNABLES": own})["GLIBC_TUNABLES"] == (
        f"{MALLOC_TUNABLES}:{own}"
    )
