"""The bot started while the Bot API is down: the platform's reports are received and stored
meanwhile, and the cards show them once Telegram is back.

The outage here is as long as it takes the bot to try each of its calls several times
with the tests' short back-off (0.05 s, doubling, at most 0.5 s; about two seconds in
all), not the issue's 20 s: with the bot's own back-off (1 s doubling to 30 s) 20 s are
four or five attempts of each call, and what is shown is the same - every call failing
again and again, the receiver answering meanwhile, everything caught up once it works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.reports.notifier import RateLimiter
from playground import Playground
from provider.reports import DeliveryStatus
from provider.sandbox import RunningSandbox
from tests.bot.conftest import Desk, make_settings, running_desk, sms_report
from tests.fault_proxy import Fault, FaultProxy, Seen, bot_method

ATTEMPTS = 3
"""Failed attempts of each call before Telegram comes back."""


async def health_until(
    desk: Desk, wanted: Callable[[dict[str, Any]], bool]
) -> tuple[int, dict[str, Any]]:
    async with asyncio.timeout(10), httpx.AsyncClient() as http:
        while True:
            response = await http.get(f"{desk.pipeline.local_url}/health")
            if wanted(response.json()):
                return response.status_code, response.json()
            await asyncio.sleep(0.05)  # polling as a monitoring system does, within a deadline


def attempted(*methods: str) -> Callable[[list[Seen]], bool]:
    return lambda seen: all(
        sum(s.fault is not None and bot_method(m)(s.path) for s in seen) >= ATTEMPTS
        for m in methods
    )


async def test_reports_are_taken_while_telegram_is_down_and_shown_once_it_is_back(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox, proxy: FaultProxy
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    quick = RateLimiter(per_chat=0.05, global_rate=1000.0)
    # A card waiting for its final status, from before.
    async with running_desk(settings, playground, sandbox, api_url=proxy.url) as desk:
        card, send = await desk.sent_card(desk.admin, "79001234563")
    admin = desk.admin

    await proxy.refuse()  # the Bot API is down: nothing listens
    async with running_desk(
        settings, playground, sandbox, api_url=proxy.url, limiter=quick
    ) as desk:
        # Up, though Telegram is not: the platform's reports are stored.
        first = await desk.post_reports(sms_report(send, DeliveryStatus.DELIVERED))
        health = await health_until(desk, lambda body: body["telegram"] == "unavailable")
        # Then it answers, but as a load balancer with nobody behind it.
        proxy.add(Fault.status(502, forward=False), times=None)
        await proxy.accept()
        outside = {"mtNum": "404040", "status": 2, "type": "SMS", "destAddr": "79001234567"}
        second = await desk.post_reports(outside)
        await proxy.wait_for(attempted("getMe", "setMyCommands", "editMessageText"), timeout=15)
        assert len(await desk.stores.outside_reports.by_mtnum("404040")) == 1
        assert "1. SMS: SEND" in admin.chat.message(card.message_id).text
        proxy.clear()  # Telegram is back

        await playground.wait_for(
            lambda: "1. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
            timeout=10,
            what="the card to show the report stored during the outage",
        )
        await playground.wait_for(
            lambda: playground.visible_commands(admin.id) != [], what="the command menu"
        )
        reply = await admin.send_and_wait("/help", timeout=10)

    assert (first.status_code, second.status_code) == (200, 200)
    status, body = health
    # Telegram away is not the bot failing (not until card updates wait a minute).
    assert status == 200
    assert body["workers"]["card-notifier"]["state"] == "running"
    assert reply
    assert "/status" in reply[-1].text
