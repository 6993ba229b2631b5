"""getUpdates: long polling wakes on a new update, offsets confirm, one poller at a time."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError

from playground import Playground


async def test_a_long_poll_returns_the_update_a_user_creates(bot: Bot, pg: Playground) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    # The poll is held open on the server before anything happens in the chat.
    await pg.wait_for(lambda: pg.long_polls_waiting == 1, what="the long poll")
    sent = await pg.user().send("/start")

    [update] = await poll
    assert update.message is not None
    assert (update.update_id, update.message.text) == (sent.update_id, "/start")
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "ru"
    assert update.message.entities is not None
    assert update.message.entities[0].type == "bot_command"


async def test_an_offset_confirms_and_the_update_counts_as_processed(
    bot: Bot, pg: Playground
) -> None:
    first = await pg.user().send("one")
    second = await pg.user().send("two")
    assert first.update_id is not None
    assert second.update_id is not None
    assert [u.update_id for u in await bot.get_updates()] == [first.update_id, second.update_id]
    # Delivered is not confirmed: the same updates come again until the offset moves on.
    assert len(await bot.get_updates()) == 2
    assert [u.update_id for u in await bot.get_updates(offset=second.update_id)] == [
        second.update_id
    ]
    await pg.wait_processed(first.update_id, timeout=0.1)
    assert await bot.get_updates(offset=second.update_id + 1) == []
    await pg.wait_processed(second.update_id, timeout=0.1)


async def test_allowed_updates_filters_update_types(bot: Bot, pg: Playground) -> None:
    await bot.send_message(1, "x", reply_markup=None)
    await pg.user().send("a message")
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []
    # Dropped, as Telegram drops them: they do not come back when allowed again.
    assert await bot.get_updates(allowed_updates=[]) == []


async def test_a_second_poller_terminates_the_first(bot: Bot, pg: Playground) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await pg.wait_for(lambda: pg.long_polls_waiting == 1, what="the first poll")
    second = asyncio.create_task(bot.get_updates(timeout=10))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first
    await pg.user().send("for the second")
    [update] = await second
    assert update.message is not None


async def test_drop_pending_updates(bot: Bot, pg: Playground) -> None:
    sent = await pg.user().send("old news")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []
    assert sent.update_id is not None
    await pg.wait_processed(sent.update_id, timeout=0.1)
