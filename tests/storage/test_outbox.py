"""The outbox as the notifier reads it: owed updates oldest first whatever their due time,
updates Telegram refused for good kept aside with the reason, chats that moved."""

from __future__ import annotations

from datetime import timedelta

from storage import (
    Account,
    Database,
    NewStatusEvent,
    OutboxKind,
    OutboxRepository,
    SendRepository,
    StatusRepository,
)
from tests.storage.conftest import FakeClock, accepted_send


async def posted_send(db: Database, account: Account, n: int) -> int:
    send = await accepted_send(db, account, f"p-{n}", f"mt-{n}")
    await SendRepository(db).set_card_message(send.id, 500 + n)
    return send.id


async def test_owed_updates_come_oldest_first_whatever_their_due_time(
    db: Database, account: Account, clock: FakeClock
) -> None:
    outbox = OutboxRepository(db)
    first = await posted_send(db, account, 1)
    second = await posted_send(db, account, 2)
    # Written while the clock was an hour ahead: still owed now, and still first.
    await outbox.enqueue(first, due_at=clock.current + timedelta(hours=1))
    await outbox.enqueue(second)

    assert [e.send_id for e in await outbox.owed()] == [first, second]


async def test_updates_of_cards_not_posted_wait_without_filling_the_page(
    db: Database, account: Account
) -> None:
    outbox = OutboxRepository(db)
    for n in range(3):  # cards never posted (their message failed)
        unposted = await accepted_send(db, account, f"u-{n}", f"mt-u-{n}")
        await outbox.enqueue(unposted.id)
    posted = await posted_send(db, account, 9)
    await outbox.enqueue(posted)

    assert [e.send_id for e in await outbox.owed(limit=1)] == [posted]
    assert len(await outbox.pending()) == 4


async def test_a_failed_update_is_kept_aside_until_the_send_changes(
    db: Database, account: Account
) -> None:
    outbox = OutboxRepository(db)
    send_id = await posted_send(db, account, 1)
    entry = await outbox.enqueue(send_id)

    assert await outbox.fail(entry, "Forbidden: bot was blocked by the user") is True

    assert await outbox.owed() == []
    assert await outbox.pending() == []
    [failed] = await outbox.failed()
    assert (failed.failure, failed.attempts) == ("Forbidden: bot was blocked by the user", 1)
    # A new status of the send: tried again.
    await StatusRepository(db).record_status_event(NewStatusEvent("SMS", "SEND", mt_num="mt-1"))
    [again] = await outbox.owed()
    assert (again.id, again.failure) == (entry.id, None)
    assert await outbox.failed() == []


async def test_a_report_batch_also_tries_a_failed_update_again(
    db: Database, account: Account
) -> None:
    outbox = OutboxRepository(db)
    send_id = await posted_send(db, account, 1)
    entry = await outbox.enqueue(send_id)
    await outbox.fail(entry, "Bad Request: chat not found")

    await StatusRepository(db).record_status_events([NewStatusEvent("SMS", "SEND", mt_num="mt-1")])

    assert [e.send_id for e in await outbox.owed()] == [send_id]


async def test_failing_an_update_that_changed_meanwhile_keeps_it_owed(
    db: Database, account: Account
) -> None:
    outbox = OutboxRepository(db)
    send_id = await posted_send(db, account, 1)
    rendered = await outbox.enqueue(send_id)
    await outbox.enqueue(send_id)  # a newer change while it was being delivered

    assert await outbox.fail(rendered, "Bad Request: message is too long") is False
    assert [e.version for e in await outbox.owed()] == [2]


async def test_a_chat_that_moved_takes_its_sends_and_updates_along(
    db: Database, account: Account
) -> None:
    outbox = OutboxRepository(db)
    send_id = await posted_send(db, account, 1)
    queued = await outbox.enqueue(send_id, OutboxKind.FAILURE_ALERT)

    await outbox.move_chat(queued.chat_id, -100_123)

    [entry] = await outbox.owed()
    assert entry.chat_id == -100_123
    moved = await SendRepository(db).get(send_id)
    assert moved is not None
    assert moved.chat_id == -100_123
