"""Sends: life cycle, lookups, paging, open sends, and the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from storage import (
    Account,
    AccountRepository,
    ApiFamily,
    Database,
    NewStatusEvent,
    NotFoundError,
    OutboxKind,
    OutboxRepository,
    SendRepository,
    SendState,
    SendStateError,
    StatusRepository,
)
from tests.storage.conftest import FakeClock, accepted_send, new_send


async def test_life_cycle_and_lookups(db: Database, account: Account) -> None:
    sends = SendRepository(db)
    created = await sends.create_submitting(
        new_send(account, "p-1", steps=("viber", "SMS"), destination="+7 (910) 123-45-67")
    )
    assert (created.state, created.status, created.final) == (SendState.SUBMITTING, None, False)
    assert (created.steps, created.summary) == (("VIBER", "SMS"), "VIBER > SMS")
    assert created.destination == "79101234567"
    assert [s.status for s in await StatusRepository(db).steps(created.id)] == [None, None]

    accepted = await sends.mark_accepted(created.id, mt_num="mt-1")
    again = await sends.mark_accepted(created.id, mt_num="mt-1")
    assert accepted.state is SendState.ACCEPTED
    assert again.mt_num == "mt-1"
    assert (await sends.get_by_mtnum("mt-1"), await sends.get_by_partner_id("p-1")) == (
        await sends.get(created.id),
        await sends.get(created.id),
    )
    assert await sends.get_by_mtnum("mt-2") is None


async def test_a_push_to_an_app_user_is_a_send_without_a_destination(
    db: Database, account: Account
) -> None:
    sends = SendRepository(db)
    created = await sends.create_submitting(
        new_send(account, "p-1", steps=("PUSH",), destination="")
    )
    since = created.created_at - timedelta(days=1)

    assert created.destination == ""
    assert (await sends.get(created.id)) == created
    assert await sends.by_destination("79101234567", since=since) == []


async def test_forbidden_transitions_raise(db: Database, account: Account) -> None:
    sends = SendRepository(db)
    send = await accepted_send(db, account, "p-1", "mt-1")
    with pytest.raises(SendStateError, match="cannot be accepted"):
        await sends.mark_accepted(send.id, mt_num="mt-other")
    with pytest.raises(SendStateError, match="accepted; cannot become failed"):
        await sends.mark_failed(send.id, "too late")
    failed = await sends.create_submitting(new_send(account, "p-2"))
    await sends.mark_failed(failed.id, "Invalid request")
    with pytest.raises(SendStateError):
        await sends.mark_accepted(failed.id, mt_num="mt-2")
    with pytest.raises(NotFoundError):
        await sends.mark_unknown(12345, "timeout")


async def test_a_lost_answer_after_a_report_leaves_the_send_accepted(
    db: Database, account: Account
) -> None:
    """The platform's report (it has the message) may come before its lost answer."""
    sends = SendRepository(db)
    send = await accepted_send(db, account, "p-1", "mt-1")
    after = await sends.mark_unknown(send.id, "ReadTimeout")
    assert (after.state, after.mt_num) == (SendState.ACCEPTED, "mt-1")

    unknown = await sends.create_submitting(new_send(account, "p-2"))
    await sends.mark_unknown(unknown.id, "ReadTimeout")
    again = await sends.mark_unknown(unknown.id, "asked again: ReadTimeout")
    assert again.state is SendState.UNKNOWN
    noted = await sends.note_error(unknown.id, "asked again: cannot reach the platform")
    assert (noted.state, noted.error) == (
        SendState.UNKNOWN,
        "asked again: cannot reach the platform",
    )


async def test_legacy_ids(db: Database) -> None:
    legacy = await AccountRepository(db).ensure("old", ApiFamily.LEGACY)
    sends = SendRepository(db)
    send = await sends.create_submitting(new_send(legacy, "p-1", steps=("VIBER", "SMS")))
    accepted = await sends.mark_accepted(
        send.id, legacy_id="1179038981", legacy_ids={"viber": "11", "sms": "12"}
    )
    assert (accepted.api_family, accepted.legacy_ids) == (
        ApiFamily.LEGACY,
        {"viber": "11", "sms": "12"},
    )
    assert await sends.get_by_legacy_id(legacy.id, "1179038981") == accepted


async def test_history_pages_do_not_overlap(db: Database, account: Account) -> None:
    sends = SendRepository(db)
    mine = [
        (await sends.create_submitting(new_send(account, f"p-{i}", operator_id=1))).id
        for i in range(25)
    ]
    await sends.create_submitting(new_send(account, "someone-else", operator_id=2))

    pages: list[list[int]] = []
    before: int | None = None
    while page := await sends.recent_for_operator(1, limit=10, before_id=before):
        pages.append([s.id for s in page])
        before = page[-1].id
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [i for p in pages for i in p] == sorted(mine, reverse=True)
    assert len(await sends.recent_all(limit=100)) == 26


async def test_trace_by_destination_and_period(
    db: Database, account: Account, clock: FakeClock
) -> None:
    sends = SendRepository(db)
    await sends.create_submitting(new_send(account, "old", destination="79101234567"))
    clock.advance(timedelta(days=3))
    since = clock.current
    await sends.create_submitting(new_send(account, "new", destination="79101234567"))
    await sends.create_submitting(new_send(account, "other", destination="79990000000"))
    found = await sends.by_destination("+7 910 123 45 67", since=since)
    assert [s.partner_id for s in found] == ["new"]
    assert len(await sends.by_destination("79101234567", since=since - timedelta(days=7))) == 2


async def test_open_sends(db: Database, account: Account) -> None:
    sends = SendRepository(db)
    statuses = StatusRepository(db)
    submitting = await sends.create_submitting(new_send(account, "submitting"))
    unknown = await sends.create_submitting(new_send(account, "unknown"))
    await sends.mark_unknown(unknown.id, "timeout")
    failed = await sends.create_submitting(new_send(account, "failed"))
    await sends.mark_failed(failed.id, "Invalid login")
    waiting = await accepted_send(db, account, "waiting", "mt-w", steps=("VIBER",))
    await statuses.record_status_event(NewStatusEvent("VIBER", "DELIVERED", mt_num="mt-w"))
    done = await accepted_send(db, account, "done", "mt-d")
    await statuses.record_status_event(NewStatusEvent("SMS", "DELIVERED", mt_num="mt-d"))

    open_ids = [s.id for s in await sends.open_sends()]
    assert open_ids == [submitting.id, unknown.id, waiting.id]
    assert done.id not in open_ids
    assert await sends.open_sends(api_family=ApiFamily.LEGACY) == []


async def test_outbox_coalesces_and_keeps_changes_made_while_rendering(
    db: Database, account: Account, clock: FakeClock
) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    outbox = OutboxRepository(db)
    first = await outbox.enqueue(send.id)
    rendered = (await outbox.pending())[0]
    second = await outbox.enqueue(send.id)  # a new report while the card was being edited
    assert (first.id, first.version, second.id, second.version) == (first.id, 1, first.id, 2)

    assert await outbox.done(rendered) is False  # stale: the newer change is still owed
    [again] = await outbox.pending()
    assert again.version == 2
    assert await outbox.done(again) is True
    assert await outbox.pending() == []
    assert await outbox.next_due() is None


async def test_outbox_records_a_back_off_and_follows_the_card_message(
    db: Database, account: Account, clock: FakeClock
) -> None:
    send = await accepted_send(db, account, "p-1", "mt-1")
    outbox = OutboxRepository(db)
    entry = await outbox.enqueue(send.id, OutboxKind.CARD)
    await SendRepository(db).set_card_message(send.id, 555)
    await outbox.retry_later(entry, delay=timedelta(seconds=30), error="Too Many Requests")
    # Still pending: the notifier times the retry itself (monotonic); due_at is for people.
    [due] = await outbox.pending()
    assert (due.attempts, due.message_id, due.last_error) == (1, 555, "Too Many Requests")
    assert due.due_at == clock.current + timedelta(seconds=30)
    assert await outbox.next_due() == clock.current + timedelta(seconds=30)


async def test_steps_must_not_be_a_bare_string(db: Database, account: Account) -> None:
    bad = replace(new_send(account, "p-1"), steps="SMS")
    with pytest.raises(TypeError, match="not a str"):
        await SendRepository(db).create_submitting(bad)
    assert await SendRepository(db).get_by_partner_id("p-1") is None
