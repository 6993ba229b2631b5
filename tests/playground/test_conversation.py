"""A real aiogram Dispatcher polling the playground, driven as a person would."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest

from playground import ActionError, Playground
from tests.playground.support import echo_router, keyboard

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.mark.usefixtures("echo_bot")
async def test_send_and_click_through_a_polling_bot(pg: Playground) -> None:
    operator = pg.user(1, "Operator", language_code="ru")

    [reply] = await operator.send_and_wait("hi <there> & co")
    assert reply.text == "echo: hi <there> & co"
    assert reply.entities_of("bold") == ["echo:"]
    assert reply.button_texts == ["✅ Confirm", "✖️ Cancel"]

    query = await operator.click_and_wait("✅")
    assert (query.answered, query.text, query.show_alert) == (True, "Confirmed", False)
    card = operator.chat.message(reply.message_id)
    assert (card.text, card.edited, card.buttons) == ("confirmed ✅", True, ())


@pytest.mark.usefixtures("echo_bot")
async def test_cancel_deletes_the_card_with_an_alert(pg: Playground) -> None:
    operator = pg.user()
    [card] = await operator.send_and_wait("/send")
    query = await operator.click_and_wait("✖️", card)
    assert (query.text, query.show_alert) == ("Cancelled", True)
    assert [m.text for m in operator.chat.messages] == ["/send"]
    assert operator.chat.history[-1].deleted


@pytest.mark.usefixtures("echo_bot")
async def test_a_forged_button_gets_the_bots_answer(pg: Playground) -> None:
    operator = pg.user()
    [card] = await operator.send_and_wait("x")
    query = await operator.click_data(card, "stale:123")
    await pg.wait_processed(query.update_id)
    assert pg.callback(query.id).text == "This button is no longer valid"


@pytest.mark.usefixtures("echo_bot")
async def test_waiting_for_the_reply_without_the_processed_signal(pg: Playground) -> None:
    operator = pg.user()
    sent = await operator.send("plain wait")
    reply = await operator.chat.wait_for_bot_message(after=sent)
    assert reply.text == "echo: plain wait"


async def test_clicking_a_missing_button_lists_the_buttons(bot: Bot, pg: Playground) -> None:
    await bot.send_message(1, "card", reply_markup=None)
    await bot.send_message(1, "confirm?", reply_markup=keyboard(("✅ Send", "s"), ("✖️ No", "n")))
    with pytest.raises(AssertionError, match=r"no button starting with '🔁'.*✅ Send.*✖️ No"):
        await pg.user().click("🔁")


async def test_answering_a_query_twice_or_an_unknown_one_is_refused(
    bot: Bot, pg: Playground
) -> None:
    await bot.send_message(1, "card", reply_markup=keyboard(("✅ Send", "send")))
    query = await pg.user().click("✅")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (query.id, "send")

    assert await bot.answer_callback_query(query.id, text="Sent")
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.answer_callback_query(query.id)
    assert caught.value.message == QUERY_TOO_OLD
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")
    assert pg.callback(query.id).text == "Sent"


async def test_wait_for_times_out_with_the_transcript(pg: Playground) -> None:
    await pg.user().send("is anyone there?")
    with pytest.raises(AssertionError) as caught:
        await pg.wait_for(lambda: pg.chat(1).last_bot_message, timeout=0.05, what="a reply")
    report = str(caught.value)
    assert "waiting for a reply" in report
    assert "#1 Operator: is anyone there?" in report
    assert "updates not yet confirmed by the bot: [1]" in report


async def test_feeding_the_dispatcher_directly(bot: Bot, pg: Playground) -> None:
    dp = Dispatcher()
    dp.include_router(echo_router())
    await pg.user().send("fed")
    for update in pg.take_updates():
        await dp.feed_raw_update(bot, update)
    last = pg.chat(1).last_bot_message
    assert last is not None
    assert last.text == "echo: fed"


@pytest.mark.usefixtures("echo_bot")
async def test_a_group_chat_with_two_people(pg: Playground) -> None:
    olga = pg.user(2, "Olga", language_code="en")
    ivan = pg.user(3, "Ivan")
    ops = pg.group("Ops", [olga, ivan])
    assert ops.id < 0

    [reply] = await ivan.send_and_wait("status?", chat=ops)
    assert reply.chat_id == ops.id
    assert reply.api["chat"] == {"id": ops.id, "type": "group", "title": "Ops"}
    query = await olga.click_and_wait("✅", chat=ops)
    assert query.user_id == 2
    assert [m.sender_name for m in ops.messages] == ["Ivan", "Delivery Desk"]
    with pytest.raises(ActionError, match="not a member"):
        await pg.user().send("let me in", chat=ops)


async def test_people_keep_their_details_unless_given_new_ones(pg: Playground) -> None:
    assert pg.user(5).first_name == "User 5"
    assert pg.user(5).language_code == "ru"
    assert pg.user(1, language_code="en").first_name == "Operator"
    assert pg.user(1).language_code == "en"
