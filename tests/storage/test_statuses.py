"""Recording status events: idempotent, monotonic per step, independent of arrival order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import (
    STATUS_TABLE,
    Account,
    Database,
    NewStatusEvent,
    NotFoundError,
    OutboxKind,
    OutboxRepository,
    OutsideReportRepository,
    RecordOutcome,
    SendRepository,
    SendState,
    StatusRepository,
    UnknownStatusError,
)
from storage.status_ranks import status_key
from tests.storage.conftest import accepted_send, new_send

DONE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


async def test_same_report_twice_is_one_event(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    statuses = StatusRepository(db)
    report = NewStatusEvent("SMS", "DELIVERED", mt_num="mt-1", done_at=DONE, raw={"status": 2})

    first = await statuses.record_status_event(report)
    second = await statuses.record_status_event(report)

    assert (first.outcome, first.changed) == (RecordOutcome.RECORDED, True)
    assert (second.outcome, second.changed) == (RecordOutcome.DUPLICATE, False)
    assert second.event_id is None
    assert [e.id for e in await statuses.events(send.id)] == [first.event_id]


async def test_status_never_moves_backwards(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1", steps=("VIBER",))
    statuses = StatusRepository(db)

    read = await statuses.record_status_event(NewStatusEvent("VIBER", "READ", mt_num="mt-1"))
    late = await statuses.record_status_event(NewStatusEvent("VIBER", "SEND", mt_num="mt-1"))

    assert read.changed
    assert not late.changed
    assert late.outcome is RecordOutcome.RECORDED  # kept as history, not as current status
    [step] = await statuses.steps(send.id)
    assert step.status == "READ"
    assert len(await statuses.events(send.id)) == 2


async def test_read_wins_over_undelivered(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1", steps=("VIBER",))
    statuses = StatusRepository(db)
    await statuses.record_status_event(NewStatusEvent("VIBER", "READ", mt_num="mt-1"))
    result = await statuses.record_status_event(
        NewStatusEvent("VIBER", "UNDELIVERED", mt_num="mt-1", error_code=7)
    )
    assert not result.changed
    stored = await SendRepository(db).get(send.id)
    assert stored is not None
    assert (stored.status, stored.final) == ("READ", True)


def test_rank_table_is_a_total_order_with_the_documented_sequence() -> None:
    by_rank = sorted(STATUS_TABLE.values(), key=lambda info: info.rank)
    assert [info.name for info in by_rank] == [
        "SEND",
        "send",
        "DELIVERED",
        "deliver",
        "expired",
        "partly_deliver",
        "not_deliver",
        "UNDELIVERED",
        "error",
        "READ",
    ]
    assert len({info.rank for info in by_rank}) == len(by_rank)


async def test_cascade_status_follows_the_furthest_step(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1", steps=("VIBER", "SMS"))
    statuses = StatusRepository(db)

    viber = await statuses.record_status_event(
        NewStatusEvent("viber", "UNDELIVERED", mt_num="mt-1", error_code=2)
    )
    assert viber.send is not None
    # Viber failed but the SMS fallback is still to come: not final yet.
    assert (viber.send.status, viber.send.final) == ("UNDELIVERED", False)

    sms = await statuses.record_status_event(NewStatusEvent("SMS", "DELIVERED", mt_num="mt-1"))
    assert sms.send is not None
    assert (sms.send.status, sms.send.final) == ("DELIVERED", True)  # SMS never reports READ
    steps = await statuses.steps(send.id)
    assert [(s.step_type, s.status, s.error_code) for s in steps] == [
        ("VIBER", "UNDELIVERED", 2),
        ("SMS", "DELIVERED", None),
    ]


async def test_final_failure_queues_card_and_alert(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    statuses = StatusRepository(db)
    await statuses.record_status_event(NewStatusEvent("SMS", "SEND", mt_num="mt-1"))
    await statuses.record_status_event(
        NewStatusEvent("SMS", "UNDELIVERED", mt_num="mt-1", error_code=2)
    )
    pending = await OutboxRepository(db).pending()
    assert sorted((e.send_id, e.kind, e.version) for e in pending) == [
        (send.id, OutboxKind.CARD, 2),
        (send.id, OutboxKind.FAILURE_ALERT, 1),
    ]


async def test_report_before_mark_accepted_is_matched_by_partner_id(
    db: Database, account: Account
) -> None:
    sends = SendRepository(db)
    send = await sends.create_submitting(new_send(account, "p-1"))
    result = await StatusRepository(db).record_status_event(
        NewStatusEvent("SMS", "SEND", mt_num="mt-1", partner_id="p-1")
    )
    assert result.outcome is RecordOutcome.RECORDED
    assert result.send is not None
    assert (result.send.id, result.send.mt_num) == (send.id, "mt-1")
    assert result.send.state is SendState.ACCEPTED
    accepted = await sends.mark_accepted(send.id, mt_num="mt-1")  # the late HTTP answer
    assert accepted.status == "SEND"


async def test_unknown_send_is_settled_by_a_report(db: Database, account: Account) -> None:
    sends = SendRepository(db)
    send = await sends.create_submitting(new_send(account, "p-1"))
    await sends.mark_unknown(send.id, "timeout")
    await StatusRepository(db).record_status_event(
        NewStatusEvent("SMS", "DELIVERED", mt_num="mt-9", partner_id="p-1")
    )
    settled = await sends.get(send.id)
    assert settled is not None
    assert (settled.state, settled.mt_num) == (SendState.ACCEPTED, "mt-9")


async def test_foreign_report_goes_to_outside_reports(db: Database, account: Account) -> None:
    # Same partner id as ours but a different mtNum: another system on the account.
    await accepted_send(db, account, "p-1", "mt-1")
    statuses = StatusRepository(db)
    foreign = NewStatusEvent(
        "SMS", "DELIVERED", mt_num="other-7", partner_id="p-1", destination="+7 999 000-11-22"
    )
    first = await statuses.record_status_event(foreign)
    again = await statuses.record_status_event(foreign)
    assert (first.outcome, first.send, first.changed) == (RecordOutcome.OUTSIDE, None, False)
    assert again.outcome is RecordOutcome.OUTSIDE
    stored = await OutsideReportRepository(db).by_mtnum("other-7")
    assert [(r.status, r.destination) for r in stored] == [("DELIVERED", "79990001122")]


async def test_unknown_status_is_rejected(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    with pytest.raises(UnknownStatusError, match="'LOST'"):
        await StatusRepository(db).record_status_event(
            NewStatusEvent("SMS", "LOST", send_id=send.id)
        )
    assert await StatusRepository(db).events(send.id) == []


async def test_explicit_send_id_must_exist(db: Database) -> None:
    with pytest.raises(NotFoundError):
        await StatusRepository(db).record_status_event(NewStatusEvent("SMS", "send", send_id=99))


async def test_legacy_statuses_rank_like_rest(db: Database, account: Account) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1", steps=("VIBER", "SMS"))
    statuses = StatusRepository(db)
    for status in ("deliver", "send", "expired"):
        await statuses.record_status_event(NewStatusEvent("viber", status, send_id=send.id))
    await statuses.record_status_event(NewStatusEvent("sms", "not_deliver", send_id=send.id))
    await statuses.record_status_event(NewStatusEvent("sms", "partly_deliver", send_id=send.id))
    steps = await statuses.steps(send.id)
    assert [(s.step_type, s.status, s.final) for s in steps] == [
        ("VIBER", "expired", True),
        ("SMS", "not_deliver", True),
    ]
    stored = await SendRepository(db).get(send.id)
    assert stored is not None
    assert (stored.status, stored.final) == ("not_deliver", True)


# --- the property: any order, any duplicates, same outcome ------------------------------

STEPS = ("VIBER", "SMS")
Report = tuple[str, str, int | None, int | None]  # step, status, error code, done minute

reports_strategy = st.lists(
    st.tuples(
        st.sampled_from(STEPS),
        st.sampled_from(sorted(STATUS_TABLE)),
        st.one_of(st.none(), st.integers(1, 3)),
        st.one_of(st.none(), st.integers(0, 2)),
    ),
    min_size=1,
    max_size=8,
    unique=True,
)


def as_event(send_id: int, report: Report) -> NewStatusEvent:
    step, status, error_code, minute = report
    return NewStatusEvent(
        step,
        status,
        send_id=send_id,
        error_code=error_code,
        done_at=None if minute is None else DONE + timedelta(minutes=minute),
        raw={"step": step, "status": status},
    )


_serial = count()


@settings(
    max_examples=60,
    deadline=None,
    # The examples share one database on purpose (opening one per example is slow); each
    # example creates and inspects only sends of its own.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reports=reports_strategy, data=st.data())
async def test_any_arrival_order_gives_the_same_result(
    db: Database, account: Account, reports: list[Report], data: st.DataObject
) -> None:
    duplicates = data.draw(st.lists(st.sampled_from(reports), max_size=6), label="duplicates")
    arrival = data.draw(st.permutations(reports + duplicates), label="arrival")
    statuses = StatusRepository(db)
    first, second = next(_serial), next(_serial)
    shuffled = await accepted_send(db, account, f"prop-{first}", f"mt-{first}", steps=STEPS)
    canonical = await accepted_send(db, account, f"prop-{second}", f"mt-{second}", steps=STEPS)

    current: dict[str, tuple[int, int]] = {}
    seen: set[Report] = set()
    for report in arrival:
        result = await statuses.record_status_event(as_event(shuffled.id, report))
        step, status, error_code, _ = report
        key = status_key(status, error_code)
        if report in seen:
            assert result.outcome is RecordOutcome.DUPLICATE
            assert not result.changed
            continue
        seen.add(report)
        rank_increased = step not in current or key > current[step]
        assert result.outcome is RecordOutcome.RECORDED
        assert result.changed == rank_increased
        if rank_increased:
            current[step] = key

    for report in sorted(reports, key=repr):
        await statuses.record_status_event(as_event(canonical.id, report))

    expected = {
        step: max(status_key(s, code) for st_, s, code, _ in reports if st_ == step)
        for step in {r[0] for r in reports}
    }
    shuffled_steps = await statuses.steps(shuffled.id)
    observed = {
        s.step_type: status_key(s.status, s.error_code)
        for s in shuffled_steps
        if s.status is not None
    }
    assert observed == expected
    assert len(await statuses.events(shuffled.id)) == len(reports)

    canonical_steps = await statuses.steps(canonical.id)
    assert [(s.step_type, s.status, s.error_code) for s in shuffled_steps] == [
        (s.step_type, s.status, s.error_code) for s in canonical_steps
    ]
    sends = SendRepository(db)
    after_shuffled, after_canonical = await sends.get(shuffled.id), await sends.get(canonical.id)
    assert after_shuffled is not None
    assert after_canonical is not None
    assert (after_shuffled.status, after_shuffled.final) == (
        after_canonical.status,
        after_canonical.final,
    )
