"""What the report writer does with any byte string: every failure confined to its own
request, 400 with a reason for what will never be stored, 503 for what may be later; the
writer's process never dies of a body. In-process (the store's parsing, validation and
group commit) for the bulk of generated bodies, over HTTP and the pipe for the rest."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reports.store import MAX_KEPT_RAW, ReportStore
from storage import Database, OutsideReportRepository
from storage.db import connect_sync
from storage.secrets_scrub import Scrubber
from tests.bot.receiving import Receiving, receiving_reports
from tests.bot.report_bodies import body_families, valid_reports


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "bot.sqlite3", busy_timeout=0.2) as database:
        yield database


@pytest.fixture
def store(db: Database) -> Iterator[ReportStore]:
    with closing(connect_sync(db.path, busy_timeout=0.2)) as connection:
        yield ReportStore(connection, Scrubber(["hunter2-secret"]))


@pytest.fixture
async def receiving(db: Database) -> AsyncIterator[Receiving]:
    async with receiving_reports(db.path) as running:
        yield running


def plain(mt_num: str, **fields: object) -> dict[str, object]:
    return {"mtNum": mt_num, "status": 2, "type": "SMS", **fields}


NESTED = b"[" * 100_000 + b"]" * 100_000


async def test_a_deeply_nested_body_is_400_and_the_rest_of_its_round_is_stored(
    db: Database, receiving: Receiving
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        await receiving.wait_writer_ready(http)
        # Sent together, so the writer reads them in one round.
        nested, valid, nested_object = await asyncio.gather(
            http.post(receiving.url, content=NESTED),
            http.post(receiving.url, json=plain("n-1")),
            http.post(receiving.url, content=b'{"mtNum": "n-2", "x": ' + NESTED + b"}"),
        )
        after = await http.post(receiving.url, json=plain("n-3"))
    assert nested.status_code == 400
    assert "recursion limit" in nested.json()["error"]
    assert nested_object.status_code == 400
    assert (valid.status_code, after.status_code) == (200, 200)
    assert receiving.receiver.writer.starts == 1  # the same process throughout
    assert len(await OutsideReportRepository(db).by_mtnum("n-1")) == 1


DETERMINISTICALLY_BAD = {
    "a naive doneDate": (plain("b-1", doneDate="2026-01-01T10:00:00"), "doneDate"),
    "year 1": (plain("b-2", doneDate="0001-01-01T00:00:00+0300"), "doneDate"),
    "a year 9999 past UTC": (plain("b-3", submitDate="9999-12-31T23:00:00-0300"), "submitDate"),
    "a 30-digit errorCode": (plain("b-4", errorCode="9" * 30), "errorCode"),
    "a 5000-digit number": (None, "number out of range"),
    "a lone surrogate in an extra field": (None, "not JSON"),
}
RAW_BODIES = {
    "a 5000-digit number": b'{"mtNum": "b-5", "status": 2, "type": "SMS", "x": '
    + b"1" * 5000
    + b"}",
    "a lone surrogate in an extra field": b'{"mtNum": "b-6", "status": 2, "type": "SMS",'
    b' "x": "\\ud800"}',
}


@pytest.mark.parametrize("case", sorted(DETERMINISTICALLY_BAD))
async def test_a_report_that_can_never_be_stored_is_400_with_a_reason(
    db: Database, store: ReportStore, case: str
) -> None:
    report, reason = DETERMINISTICALLY_BAD[case]
    body = json.dumps(report).encode() if report is not None else RAW_BODIES[case]
    # Alone, in a batch, and beside a good request in the same round.
    alone, batch, good = store.store([body, b"[" + body + b"]", json.dumps(plain("ok")).encode()])
    assert (alone.status, batch.status, good.status) == (400, 400, 200)
    assert alone.reason is not None
    assert reason in alone.reason
    assert batch.reason is not None
    assert reason in batch.reason
    assert len(await OutsideReportRepository(db).by_mtnum("ok")) == 1


async def test_deterministically_bad_reports_are_400_over_http(receiving: Receiving) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        answers = [
            await http.post(receiving.url, json=report)
            for report, _ in DETERMINISTICALLY_BAD.values()
            if report is not None
        ] + [await http.post(receiving.url, content=body) for body in RAW_BODIES.values()]
    assert [a.status_code for a in answers] == [400] * len(DETERMINISTICALLY_BAD)
    assert all(a.json()["error"] for a in answers)


# --- generated bodies ----------------------------------------------------------------------

FAMILIES = 5  # x 10 bodies: a round of 50 requests


@settings(
    max_examples=200,  # x 50 bodies: 10,000
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(families=st.lists(body_families(), min_size=FAMILIES, max_size=FAMILIES))
def test_no_body_gets_500_or_escapes_the_store(
    store: ReportStore, families: list[list[bytes]]
) -> None:
    round_ = [body for family in families for body in family]
    answers = store.store(round_)
    assert len(answers) == len(round_)
    for body, answer in zip(round_, answers, strict=True):
        assert answer.status in (200, 400), (body[:200], answer)
        assert (answer.reason is not None) == (answer.status == 400)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(round_=st.lists(valid_reports(), min_size=1, max_size=20))
def test_every_valid_report_is_stored(store: ReportStore, round_: list[dict[str, object]]) -> None:
    answers = store.store([json.dumps(report).encode() for report in round_])
    assert [a.status for a in answers] == [200] * len(round_), [a.reason for a in answers]


@settings(
    max_examples=6,  # x 50 bodies: 300 requests, posted 50 at a time
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(families=st.lists(body_families(), min_size=FAMILIES, max_size=FAMILIES))
async def test_the_writer_process_outlives_generated_bodies_over_http(
    receiving: Receiving, families: list[list[bytes]]
) -> None:
    round_ = [body for family in families for body in family]
    async with httpx.AsyncClient(timeout=10) as http:
        await receiving.wait_writer_ready(http)
        answers = await asyncio.gather(*(http.post(receiving.url, content=b) for b in round_))
    assert {a.status_code for a in answers} <= {200, 400}
    assert receiving.receiver.writer.starts == 1


# --- the deadline on the writer's answer ---------------------------------------------------


async def test_a_writer_that_does_not_answer_in_time_is_503_and_health_says_so(
    tmp_path: Path, db: Database
) -> None:
    # The writer waits up to 30 s for a lock that another process holds; the receiver waits
    # half a second for its answer.
    async with (
        receiving_reports(db.path, busy_timeout=30.0, answer_timeout=0.5) as receiving,
        httpx.AsyncClient(timeout=10) as http,
    ):
        await receiving.wait_writer_ready(http)
        blocker = sqlite3.connect(db.path, isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            held = await http.post(receiving.url, json=plain("d-1"))
            waited = time.monotonic() - started
            health = await http.get(receiving.health_url)
            blocker.execute("ROLLBACK")
        finally:
            blocker.close()
        # Once the lock is gone the writer answers again (the late request was stored: the
        # platform's retry is then a duplicate).
        retried = await http.post(receiving.url, json=plain("d-1"))
    assert held.status_code == 503
    assert "retry" in held.json()["error"]
    assert 0.5 <= waited < 5
    assert health.status_code == 503
    assert health.json()["reports"] == "slow"
    assert retried.status_code == 200
    assert len(await OutsideReportRepository(db).by_mtnum("d-1")) == 1


# --- what is kept of a report --------------------------------------------------------------


async def test_a_huge_report_is_kept_bounded(db: Database, store: ReportStore) -> None:
    huge = plain("h-1", destAddr="79001234567", text="x" * 500_000, junk=["y" * 100] * 4000)
    answers = store.store([json.dumps(huge).encode(), json.dumps([huge]).encode()])
    assert [a.status for a in answers] == [200, 200]
    [kept] = await OutsideReportRepository(db).by_mtnum("h-1")  # the second: a duplicate
    row = await db.fetch_one("SELECT length(raw_json) FROM outside_reports WHERE mt_num = 'h-1'")
    assert row is not None
    assert row[0] <= MAX_KEPT_RAW
    # What identifies it and what /trace shows survive; the bulk does not.
    assert kept.raw["mtNum"] == "h-1"
    assert kept.raw["destAddr"] == "79001234567"
    assert kept.raw["status"] == 2
    assert "junk" not in kept.raw
    assert kept.raw["_cut_from"] > 900_000  # what it was
