"""Flood control: Telegram's 429 with retry_after, as aiogram sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter

from playground import Playground, PlaygroundConfig
from tests.playground.support import FakeClock, LoopbackSession


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def limited(clock: FakeClock) -> AsyncIterator[tuple[Playground, Bot]]:
    """A playground with flood control on and a hand-moved clock, and a bot for it."""
    config = PlaygroundConfig(flood_control=True)
    async with Playground(config, clock=clock).running() as pg:
        session = LoopbackSession(api=TelegramAPIServer.from_base(pg.base_url))
        bot = Bot(pg.token, session=session)
        try:
            yield pg, bot
        finally:
            await session.close()


async def test_a_chat_takes_a_burst_of_two_then_429_with_retry_after(
    limited: tuple[Playground, Bot], clock: FakeClock
) -> None:
    pg, bot = limited
    # A reply and its follow-up at once (what /start sends) are fine, as in Telegram.
    card = await bot.send_message(1, "SEND")
    await bot.send_message(1, "and a follow-up")
    assert pg.flood_refusals == 0
    clock.advance(0.4)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.edit_message_text("DELIVERED", chat_id=1, message_id=card.message_id)
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in str(caught.value)
    assert pg.flood_refusals == 1
    assert pg.chat(1).message(card.message_id).text == "SEND"

    clock.advance(0.6)
    await bot.edit_message_text("DELIVERED", chat_id=1, message_id=card.message_id)
    assert pg.chat(1).message(card.message_id).text == "DELIVERED"
    # The burst is spent: from here on one a second.
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "right after")
    refused = [c for c in pg.calls if c.error_code == 429]
    assert [(c.method, c.retry_after) for c in refused] == [
        ("editMessageText", 1),
        ("sendMessage", 1),
    ]


async def test_a_quiet_chat_gets_its_burst_back(
    limited: tuple[Playground, Bot], clock: FakeClock
) -> None:
    pg, bot = limited
    for _ in range(2):
        await bot.send_message(1, "burst")
    clock.advance(5.0)
    for _ in range(2):
        await bot.send_message(1, "burst again")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "one too many")
    assert pg.flood_refusals == 1


async def test_the_429_body_is_telegrams(limited: tuple[Playground, Bot]) -> None:
    pg, _ = limited
    async with httpx.AsyncClient(base_url=pg.base_url) as http:
        answers = [
            await http.post(f"/bot{pg.token}/sendMessage", json={"chat_id": 1, "text": text})
            for text in "abc"
        ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_chats_are_limited_separately_but_30_per_second_overall(
    limited: tuple[Playground, Bot], clock: FakeClock
) -> None:
    pg, bot = limited
    for user_id in range(2, 32):
        pg.user(user_id, f"User {user_id}")
    for user_id in range(2, 32):
        await bot.send_message(user_id, "broadcast")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "the 31st in this second")
    clock.advance(1.0)
    await bot.send_message(1, "next second")
    assert pg.flood_refusals == 1


async def test_group_chats_allow_20_messages_a_minute(
    limited: tuple[Playground, Bot], clock: FakeClock
) -> None:
    pg, bot = limited
    group = pg.group("Ops", [pg.user()])
    for _ in range(20):
        await bot.send_message(group.id, "status")
        clock.advance(1.0)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(group.id, "one too many")
    assert caught.value.retry_after == 40


async def test_flood_control_can_be_switched_per_test(
    limited: tuple[Playground, Bot],
) -> None:
    pg, bot = limited
    pg.flood_control = False
    card = await bot.send_message(1, "0")
    for step in range(1, 5):
        await bot.edit_message_text(str(step), chat_id=1, message_id=card.message_id)
    assert pg.chat(1).message(card.message_id).edit_count == 4
    assert pg.flood_refusals == 0


async def test_a_refused_send_does_not_use_up_the_chats_burst(
    limited: tuple[Playground, Bot],
) -> None:
    pg, bot = limited
    await bot.send_message(1, "fine")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "<oops>", parse_mode="HTML")
    await bot.send_message(1, "fine too")
    assert pg.flood_refusals == 0
