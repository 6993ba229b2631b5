"""The status cards against a Bot API that fails: a real fault proxy between the bot and the
playground. Every card still reaches its final status; what Telegram refuses for good is
marked and skipped, never retried forever nor in the way of other cards."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from provider.reports import DeliveryStatus
from storage import Database, NewStatusEvent, OutboxRepository, StatusRepository
from storage.timeutil import utc_now
from tests.bot.conftest import Desk, sms_report
from tests.fault_proxy import Fault, FaultKind, FaultProxy, Seen, bot_method

EDIT = "editMessageText"


@pytest.fixture
def desk(proxied_desk: Desk) -> Desk:
    return proxied_desk


def telegram_error(status: int, description: str, **parameters: int) -> Fault:
    """What the Bot API answers when it refuses a call (JSON, not a load balancer's page)."""
    body: dict[str, object] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Fault.status(
        status,
        forward=False,
        body=json.dumps(body).encode(),
        headers=(("content-type", "application/json"),),
    )


def faulted(method: str, kind: FaultKind, count: int = 1) -> Callable[[list[Seen]], bool]:
    """A `proxy.wait_for` predicate: `count` calls of `method` got the fault."""
    path = bot_method(method)
    return lambda seen: sum(s.fault == kind and path(s.path) for s in seen) >= count


async def test_a_502_on_a_card_edit_does_not_stop_the_cards(desk: Desk, proxy: FaultProxy) -> None:
    admin = desk.admin
    card, send = await desk.sent_card(admin, "79001234563")  # 3: SEND and nothing more
    proxy.add(Fault.status(502, forward=False), path=bot_method(EDIT))

    assert (await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))).status_code == 200

    await proxy.wait_for(faulted(EDIT, FaultKind.STATUS))
    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
        what="the card to show DELIVERED after the 502",
    )
    # And the next card too: the notifier did not end with the first error.
    second, other = await desk.sent_card(admin, "79001234563")
    await desk.post_reports(sms_report(other, DeliveryStatus.UNDELIVERED, errorCode=1))
    await desk.playground.wait_for(
        lambda: "1. SMS: UNDELIVERED" in admin.chat.message(second.message_id).text,
        what="a later card to be edited too",
    )


async def test_a_database_error_in_the_notifier_is_logged_and_outlived(
    desk: Desk, proxy: FaultProxy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    admin = desk.admin
    _, send = await desk.sent_card(admin, "79001234563")
    # The edit is held in the proxy (Telegram did it); meanwhile the file gets locked, so
    # the notifier's next step, recording that the edit was done, fails.
    proxy.add(Fault.delay(0.5, forward=True), path=bot_method(EDIT))
    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))
    await proxy.wait_for(faulted(EDIT, FaultKind.DELAY))
    blocker = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        await desk.playground.wait_for(
            lambda: any(
                r.levelno >= logging.ERROR and "worker=card-notifier" in r.getMessage()
                for r in caplog.records
            ),
            what="the notifier's failure on the locked database to be logged",
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    card, other = await desk.sent_card(admin, "79001234563")
    await desk.post_reports(sms_report(other, DeliveryStatus.DELIVERED))
    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
        what="a later card to be edited once the database is free",
    )


async def test_a_clock_step_back_does_not_delay_the_cards(desk: Desk, tmp_path: Path) -> None:
    admin = desk.admin
    card, send = await desk.sent_card(admin, "79001234563")
    # The report was stored while the clock was an hour ahead; then it was set right.
    ahead = await Database.open(
        tmp_path / "bot.sqlite3", clock=lambda: utc_now() + timedelta(hours=1)
    )
    async with ahead:
        await StatusRepository(ahead).record_status_event(
            NewStatusEvent(step_type="SMS", status="DELIVERED", send_id=send.id)
        )
    desk.pipeline.notifier.wake()

    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
        what="the card to show DELIVERED at once, whatever the stored due time",
    )


BLOCKED = "Forbidden: bot was blocked by the user"


async def test_a_chat_that_blocked_the_bot_fails_alone_and_is_not_retried(
    desk: Desk, proxy: FaultProxy
) -> None:
    admin = desk.admin
    await desk.grant(2002, "operator")
    other = desk.user(2002, "Other")
    blocked_card, blocked = await desk.sent_card(admin, "79001234563")
    card, send = await desk.sent_card(other, "79001234563")
    proxy.add(telegram_error(403, BLOCKED), path=bot_method(EDIT))
    edits = len(desk.playground.calls_to(EDIT))

    # One batch: the blocked chat's update is first in the outbox, and fails for good.
    await desk.post_reports(
        sms_report(blocked, DeliveryStatus.DELIVERED), sms_report(send, DeliveryStatus.DELIVERED)
    )

    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in other.chat.message(card.message_id).text,
        what="the other chat's card to be edited",
    )
    [failed] = await OutboxRepository(desk.stores.db).failed()
    assert (failed.send_id, failed.failure) == (blocked.id, BLOCKED)
    assert desk.pipeline.notifier.failed == 1
    assert "SMS: SEND" in admin.chat.message(blocked_card.message_id).text
    # Not tried again: no other edit reached Telegram than the other chat's.
    assert len(desk.playground.calls_to(EDIT)) == edits + 1
    # A later change of that send tries again (the chat may be back): it is.
    await desk.post_reports(sms_report(blocked, DeliveryStatus.UNDELIVERED, errorCode=1))
    await desk.playground.wait_for(
        lambda: "1. SMS: UNDELIVERED" in admin.chat.message(blocked_card.message_id).text,
        what="the card to be edited once the send changed again",
    )


async def test_a_deleted_card_that_cannot_be_posted_again_fails_with_the_reason(
    desk: Desk, proxy: FaultProxy
) -> None:
    admin = desk.admin
    _, send = await desk.sent_card(admin, "79001234563")
    proxy.add(telegram_error(400, "Bad Request: message to edit not found"), path=bot_method(EDIT))
    proxy.add(telegram_error(403, BLOCKED), path=bot_method("sendMessage"))

    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))

    outbox = OutboxRepository(desk.stores.db)
    await desk.playground.wait_for(
        lambda: desk.pipeline.notifier.failed == 1, what="the update to be marked failed"
    )
    [failed] = await outbox.failed()
    assert (failed.send_id, failed.failure) == (send.id, BLOCKED)
    assert await outbox.owed() == []


async def test_a_deleted_card_is_posted_again(desk: Desk, proxy: FaultProxy) -> None:
    admin = desk.admin
    card, send = await desk.sent_card(admin, "79001234563")
    proxy.add(telegram_error(400, "Bad Request: message to edit not found"), path=bot_method(EDIT))

    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))

    await desk.playground.wait_for(
        lambda: any(
            "1. SMS: DELIVERED" in m.text and m.message_id > card.message_id
            for m in admin.chat.bot_messages
        ),
        what="the card posted again",
    )


async def test_cards_follow_a_group_that_became_a_supergroup(desk: Desk, proxy: FaultProxy) -> None:
    admin = desk.admin
    group = desk.playground.group("On call", [admin])
    form = (await admin.send_and_wait("/sms 79001234563 hi", chat=group))[-1]
    await admin.click_and_wait("✅", form, chat=group)
    await desk.playground.wait_for(lambda: ": SEND" in group.message(form.message_id).text)
    [send] = await desk.stores.sends.recent_all()
    supergroup = desk.playground.group("On call", [admin])
    proxy.add(
        telegram_error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=supergroup.id,
        ),
        path=bot_method(EDIT),
    )

    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))

    await desk.playground.wait_for(
        lambda: any("1. SMS: DELIVERED" in m.text for m in supergroup.bot_messages),
        what="the card in the supergroup",
    )
    moved = await desk.stores.sends.get(send.id)
    assert moved is not None
    assert moved.chat_id == supergroup.id
