"""`GET /health` on the receiver: what a monitoring system polls. It says how each part is,
answers 503 when the bot cannot do its job, and costs Telegram nothing per request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from provider.reports import DeliveryStatus
from tests.bot.conftest import Desk, sms_report
from tests.fault_proxy import Fault, FaultProxy, bot_method


async def health(desk: Desk) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{desk.pipeline.local_url}/health")
    return response.status_code, response.json()


async def health_until(
    desk: Desk, wanted: Callable[[int, dict[str, Any]], bool]
) -> tuple[int, dict[str, Any]]:
    """/health polled as a monitoring system does, until it says what is `wanted`."""
    async with asyncio.timeout(10):
        while True:
            status, body = await health(desk)
            if wanted(status, body):
                return status, body
            await asyncio.sleep(0.05)  # polling, bounded by the deadline


async def settled_health(desk: Desk) -> tuple[int, dict[str, Any]]:
    """/health once the report writer's process (started in the background) runs."""
    return await health_until(desk, lambda _, body: body["reports"] != "starting")


async def test_health_says_how_each_part_is(desk: Desk) -> None:
    # The command menus are set by a worker that runs on (menus follow roles and languages).
    await desk.playground.wait_for(lambda: desk.playground.commands() != [], what="the menu")
    status, body = await settled_health(desk)

    assert status == 200
    assert body["failing"] == []
    assert (body["database"], body["reports"], body["telegram"]) == ("ok", "ok", "ok")
    assert 0 <= body["telegram_checked_s"] < 30
    assert body["workers"] == {
        "report-writer": {"state": "running", "failures": 0, "last_error": None},
        "card-notifier": {"state": "running", "failures": 0, "last_error": None},
        "outside-reports-retention": {"state": "running", "failures": 0, "last_error": None},
        "command-menu": {"state": "running", "failures": 0, "last_error": None},
    }
    assert body["card_updates"] == {"pending": 0, "oldest_s": 0.0, "failed": 0}


async def test_polling_health_does_not_call_telegram_each_time(desk: Desk) -> None:
    before = len(desk.playground.calls_to("getMe"))
    answers = [await health(desk) for _ in range(10)]

    assert answers[-1][1]["telegram"] == "ok"
    # Polling's own calls say Telegram answers; a getMe at most every 30 s otherwise.
    assert len(desk.playground.calls_to("getMe")) - before <= 1


async def test_a_notifier_stopped_by_force_is_503_until_it_runs_again(desk: Desk) -> None:
    await settled_health(desk)
    notifier = desk.workers["card-notifier"]

    await notifier.stop()
    stopped = await health(desk)
    notifier.start()
    running = await health(desk)

    assert stopped[0] == 503
    assert stopped[1]["failing"] == ["worker card-notifier"]
    assert stopped[1]["workers"]["card-notifier"]["state"] == "stopped"
    assert running[0] == 200
    assert running[1]["workers"]["card-notifier"]["state"] == "running"
    # And it works again: a card is edited.
    card, send = await desk.sent_card(desk.admin, "79001234563")
    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))
    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in desk.admin.chat.message(card.message_id).text
    )


async def test_a_card_update_waiting_too_long_is_503(proxied_desk: Desk, proxy: FaultProxy) -> None:
    desk = proxied_desk
    await settled_health(desk)
    card, send = await desk.sent_card(desk.admin, "79001234563")
    desk.pipeline.health.card_wait_limit = 0.3  # 60 s in the bot: the logic, not the wait
    proxy.add(Fault.status(502, forward=False), path=bot_method("editMessageText"), times=None)

    await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))
    answer = await health_until(desk, lambda status, _: status == 503)
    proxy.clear()
    await desk.playground.wait_for(
        lambda: "1. SMS: DELIVERED" in desk.admin.chat.message(card.message_id).text
    )
    # The edit shows before the outbox row is gone.
    after = await health_until(desk, lambda status, _: status == 200)

    assert answer[0] == 503
    assert answer[1]["failing"] == ["card updates"]
    assert answer[1]["card_updates"]["pending"] == 1
    assert answer[1]["card_updates"]["oldest_s"] >= 0.3
    assert after[1]["card_updates"] == {"pending": 0, "oldest_s": 0.0, "failed": 0}
