"""Recording several status events in one transaction: the same result as one by one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import (
    Account,
    AccountRepository,
    ApiFamily,
    Database,
    NewStatusEvent,
    NotFoundError,
    OutboxRepository,
    OutsideReportRepository,
    RecordOutcome,
    RecordResult,
    SendRepository,
    StatusRepository,
    UnknownStatusError,
)
from storage.secrets_scrub import Scrubber
from storage.statuses import ScrubbedJson, scrubbed_json
from tests.storage.conftest import FakeClock, accepted_send, new_send

DONE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
STEPS = ("VIBER", "SMS")


def shape(result: RecordResult) -> tuple[Any, ...]:
    """A result without the ids and times that differ between two sends."""
    send = result.send
    step = result.step
    return (
        result.outcome,
        result.changed,
        result.event_id is not None,
        None if send is None else (send.state, send.status, send.final, send.mt_num is not None),
        None if step is None else (step.step_type, step.status, step.error_code, step.final),
    )


Report = tuple[str, str, int | None, int]

reports_strategy = st.lists(
    st.tuples(
        st.sampled_from(STEPS),
        st.sampled_from(["SEND", "DELIVERED", "UNDELIVERED", "READ", "send", "expired"]),
        st.one_of(st.none(), st.integers(1, 3)),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=10,
)

_serial = count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reports=reports_strategy)
async def test_a_batch_records_like_the_same_events_one_by_one(
    db: Database, account: Account, reports: list[Report]
) -> None:
    one, two = next(_serial), next(_serial)
    single = await accepted_send(db, account, f"b-{one}", f"mt-{one}", steps=STEPS)
    batched = await accepted_send(db, account, f"b-{two}", f"mt-{two}", steps=STEPS)
    statuses = StatusRepository(db)

    def events(mt_num: str) -> list[NewStatusEvent]:
        return [
            NewStatusEvent(
                step,
                status,
                mt_num=mt_num,
                error_code=code,
                done_at=DONE + timedelta(minutes=minute),
                raw={"status": status},
            )
            for step, status, code, minute in reports
        ]

    one_by_one = [await statuses.record_status_event(e) for e in events(f"mt-{one}")]
    in_one_batch = await statuses.record_status_events(events(f"mt-{two}"))

    assert [shape(r) for r in in_one_batch] == [shape(r) for r in one_by_one]
    steps_single = [(s.step_type, s.status, s.error_code) for s in await statuses.steps(single.id)]
    steps_batched = [
        (s.step_type, s.status, s.error_code) for s in await statuses.steps(batched.id)
    ]
    assert steps_batched == steps_single
    outbox = {(e.send_id, e.kind, e.version) for e in await OutboxRepository(db).pending(limit=500)}
    assert {(kind, version) for send_id, kind, version in outbox if send_id == batched.id} == {
        (kind, version) for send_id, kind, version in outbox if send_id == single.id
    }


# Whole-database equivalence: several sends in every state a report can meet, matched by
# mtNum, by partner id (one send gets its mtNum from a report mid-batch), by explicit id,
# contradicting partner ids and outside traffic.
TARGETS: dict[str, dict[str, Any]] = {
    "a by mtNum": {"mt_num": "mt-a"},
    "a by id": {"send_id": 1},
    "a by partner, other mtNum": {"partner_id": "p-a", "mt_num": "other"},
    "b by partner": {"partner_id": "p-b", "mt_num": "mt-b"},
    "b by mtNum": {"mt_num": "mt-b"},
    "c by partner": {"partner_id": "p-c"},
    "outside": {"mt_num": "x-1", "destination": "79990001122"},
}

wide_reports = st.lists(
    st.tuples(
        st.sampled_from(sorted(TARGETS)),
        st.sampled_from(["VIBER", "SMS", "PUSH"]),
        st.sampled_from(["SEND", "DELIVERED", "UNDELIVERED", "READ"]),
        st.one_of(st.none(), st.integers(1, 2)),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=12,
)


async def _three_sends(db: Database) -> None:
    account = await AccountRepository(db).ensure("main", ApiFamily.REST)
    sends = SendRepository(db)
    await accepted_send(db, account, "p-a", "mt-a", steps=("VIBER", "SMS"))
    await sends.create_submitting(new_send(account, "p-b"))
    unknown = await sends.create_submitting(new_send(account, "p-c", steps=("VIBER",)))
    await sends.mark_unknown(unknown.id, "no answer")


_DUMP = {
    "sends": "SELECT partner_id, state, mt_num, status, final, updated_at FROM sends ORDER BY id",
    "steps": "SELECT * FROM send_steps ORDER BY send_id, step_type",
    "events": "SELECT * FROM status_events ORDER BY id",
    "outside": "SELECT * FROM outside_reports ORDER BY id",
    "outbox": "SELECT * FROM outbox ORDER BY id",
}


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in _DUMP.items()}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reports=wide_reports)
async def test_a_batch_leaves_the_database_as_one_by_one_does(
    tmp_path: Path, reports: list[tuple[str, str, str, int | None, int]]
) -> None:
    events = [
        NewStatusEvent(
            step,
            status,
            error_code=code,
            done_at=DONE + timedelta(minutes=minute),
            raw={"status": status, "n": n},
            **TARGETS[target],
        )
        for n, (target, step, status, code, minute) in enumerate(reports)
    ]
    run = next(_serial)
    results: list[list[RecordResult]] = []
    dumps = []
    for mode in ("single", "batch"):
        path = tmp_path / f"{run}-{mode}.sqlite3"
        async with await Database.open(path, clock=FakeClock()) as db:
            await _three_sends(db)
            statuses = StatusRepository(db)
            if mode == "single":
                results.append([await statuses.record_status_event(e) for e in events])
            else:  # two batches: the second meets what the first left pending
                half = len(events) // 2
                first = await statuses.record_status_events(events[:half])
                results.append(first + await statuses.record_status_events(events[half:]))
        dumps.append(_dump(path))
    single, batch = results
    assert batch == single
    assert dumps[1] == dumps[0]


async def test_a_batch_mixes_own_duplicate_and_outside_reports(
    db: Database, account: Account
) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    delivered = NewStatusEvent("SMS", "DELIVERED", mt_num="mt-1", done_at=DONE)
    foreign = NewStatusEvent("SMS", "SEND", mt_num="other", destination="79990001122")
    results = await StatusRepository(db).record_status_events([delivered, foreign, delivered])
    assert [(r.outcome, r.changed) for r in results] == [
        (RecordOutcome.RECORDED, True),
        (RecordOutcome.OUTSIDE, False),
        (RecordOutcome.DUPLICATE, False),
    ]
    assert len(await StatusRepository(db).events(send.id)) == 1
    assert len(await OutsideReportRepository(db).by_mtnum("other")) == 1


async def test_an_empty_batch_is_nothing(db: Database) -> None:
    assert await StatusRepository(db).record_status_events([]) == []


async def test_an_unknown_status_refuses_the_whole_batch(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    with pytest.raises(UnknownStatusError):
        await StatusRepository(db).record_status_events(
            [NewStatusEvent("SMS", "SEND", mt_num="mt-1"), NewStatusEvent("SMS", "LOST")]
        )
    assert await StatusRepository(db).events(send.id) == []


async def test_an_error_in_the_batch_rolls_all_of_it_back(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    with pytest.raises(NotFoundError):
        await StatusRepository(db).record_status_events(
            [
                NewStatusEvent("SMS", "DELIVERED", mt_num="mt-1"),
                NewStatusEvent("SMS", "SEND", send_id=send.id + 100),
            ]
        )
    assert await StatusRepository(db).events(send.id) == []
    stored = await SendRepository(db).get(send.id)
    assert stored is not None
    assert stored.status is None
    assert await OutboxRepository(db).pending() == []


SECRET = "hunter2-pass"
TOKEN = "123456789:" + "A" * 35

texts = st.one_of(
    st.sampled_from(
        [
            "plain",
            "79001234567",
            "2025-03-01T09:00:00+0300",
            SECRET,
            f"x{SECRET}y",
            TOKEN,
            f"see {TOKEN}",
            "password=abc&x=1",
            '{"token": "abc"}',
            '<password value="abc"/>',
            'quote " back \\ slash',
        ]
    ),
    st.text(max_size=12),
)
keys = st.one_of(
    st.sampled_from(["mtNum", "status", "Password", "apiKey", "x_secret", "text"]),
    st.text(max_size=8),
)
values = st.one_of(texts, st.integers(), st.none(), st.booleans(), st.lists(texts, max_size=2))


@settings(max_examples=200, deadline=None)
@given(payload=st.dictionaries(keys, values, max_size=6))
def test_the_cheap_serialisation_equals_the_scrubbing_one(payload: dict[str, Any]) -> None:
    expected = _SCRUBBING.to_json(payload)
    assert scrubbed_json(_SCRUBBING, payload) == expected
    # And from one instance shared by every example, asked twice.
    assert _REUSED(payload) == expected
    assert _REUSED(payload) == expected


# Database's to_json with a literal secret, without opening a file.
_SCRUBBING = Scrubber([SECRET, 'quote " back'])
_REUSED = ScrubbedJson(_SCRUBBING)


async def test_the_scrubbing_matches_the_database_s(db_path: Path) -> None:
    payload = {"mtNum": "1", "note": f"pw {SECRET}", "status": 2}
    async with await Database.open(db_path, literal_secrets=[SECRET]) as db:
        assert scrubbed_json(db, payload) == db.to_json(payload)
        assert SECRET not in scrubbed_json(db, payload)
