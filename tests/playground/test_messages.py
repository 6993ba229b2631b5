"""Sending, editing and deleting messages: results and refusals as Telegram gives them."""

from __future__ import annotations

import httpx
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from playground import Playground
from tests.playground.support import keyboard

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


async def test_an_edit_replaces_text_and_keyboard_and_is_marked(bot: Bot, pg: Playground) -> None:
    card = await bot.send_message(1, "SEND", reply_markup=keyboard(("↻ Refresh", "refresh")))
    edited = await bot.edit_message_text("<b>DELIVERED</b>", chat_id=1, message_id=card.message_id)
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None
    shown = pg.chat(1).message(card.message_id)
    assert (shown.text, shown.edited, shown.edit_count) == ("DELIVERED", True, 1)
    # Like Telegram: an edit without reply_markup removes the keyboard.
    assert shown.buttons == ()
    assert shown.edits[0].kind == "text"


async def test_an_identical_edit_is_refused_as_not_modified(bot: Bot, pg: Playground) -> None:
    markup = keyboard(("✅ Send", "send"))
    card = await bot.send_message(1, "<b>Card</b>", reply_markup=markup)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(
            "<b>Card</b>", chat_id=1, message_id=card.message_id, reply_markup=markup
        )
    assert caught.value.message == NOT_MODIFIED
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=1, message_id=card.message_id, reply_markup=markup
        )
    # Same text, different formatting: modified.
    await bot.edit_message_text("Card", chat_id=1, message_id=card.message_id)
    assert pg.chat(1).message(card.message_id).edit_count == 1


async def test_editing_a_missing_or_deleted_message_is_not_found(bot: Bot, pg: Playground) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text("x", chat_id=1, message_id=999)
    assert caught.value.message == "Bad Request: message to edit not found"

    sent = await bot.send_message(1, "soon gone")
    assert await bot.delete_message(1, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(1, sent.message_id)
    assert pg.chat(1).messages == []
    [gone] = pg.chat(1).history
    assert gone.deleted


async def test_a_users_message_cannot_be_edited_by_the_bot(bot: Bot, pg: Playground) -> None:
    sent = await pg.user().send("hello")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=1, message_id=sent.message_id)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("   \n", "Bad Request: message text is empty"),
        ("<b></b>", "Bad Request: message text is empty"),
        ("x" * 4097, "Bad Request: message is too long"),
    ],
)
async def test_text_must_be_non_empty_and_at_most_4096(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(1, text)
    assert caught.value.message == error


async def test_4096_characters_after_parsing_fit(bot: Bot) -> None:
    sent = await bot.send_message(1, "<b>" + "я" * 4096 + "</b>")
    assert sent.text is not None
    assert len(sent.text) == 4096


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"text": "x", "callback_data": "d" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": "я" * 33}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": ""}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "", "callback_data": "d"}, "Bad Request: BUTTON_TEXT_INVALID"),
        ({"text": "x", "url": "not a url"}, "Bad Request: BUTTON_URL_INVALID"),
        (
            {"text": "x"},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
    ],
)
async def test_inline_keyboards_are_checked(
    http: httpx.AsyncClient, pg: Playground, button: dict[str, str], error: str
) -> None:
    response = await http.post(
        f"/bot{pg.token}/sendMessage",
        json={"chat_id": 1, "text": "t", "reply_markup": {"inline_keyboard": [[button]]}},
    )
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": error}


async def test_64_bytes_of_callback_data_fit(bot: Bot, pg: Playground) -> None:
    await bot.send_message(1, "t", reply_markup=keyboard(("ok", "d" * 64)))
    shown = pg.chat(1).last_bot_message
    assert shown is not None
    assert shown.button("ok").callback_data == "d" * 64


async def test_replies_keep_their_target_and_a_missing_target_is_refused(
    bot: Bot, pg: Playground
) -> None:
    asked = await pg.user().send("/status 42")
    answer = await bot.send_message(
        1, "pending", reply_parameters=ReplyParameters(message_id=asked.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "/status 42"
    assert pg.chat(1).message(answer.message_id).reply_to_message_id == asked.message_id

    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(1, "x", reply_parameters=ReplyParameters(message_id=999))
    await bot.send_message(
        1,
        "x",
        reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True),
    )


async def test_a_reply_keyboard_shows_until_removed(bot: Bot, pg: Playground) -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="SMS"), KeyboardButton(text="Viber")]]
    )
    await bot.send_message(1, "Channel?", reply_markup=markup)
    assert pg.chat(1).reply_keyboard == [["SMS", "Viber"]]
    await bot.send_message(1, "ok", reply_markup=ReplyKeyboardRemove())
    assert pg.chat(1).reply_keyboard is None


async def test_unknown_chat_and_unknown_method(
    bot: Bot, http: httpx.AsyncClient, pg: Playground
) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "x")
    response = await http.post(f"/bot{pg.token}/sendPigeon", json={})
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    response = await http.get("/botnot-a-token/getMe")
    assert response.status_code == 401


async def test_form_json_and_query_bodies_are_all_understood(
    http: httpx.AsyncClient, pg: Playground
) -> None:
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    by_form = await http.post(
        f"/bot{pg.token}/sendMessage",
        data={"chat_id": "1", "text": "<i>form</i>", "parse_mode": "HTML", "reply_markup": markup},
    )
    by_query = await http.get(f"/bot{pg.token}/sendMessage", params={"chat_id": 1, "text": "q"})
    assert by_form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"
    assert by_query.json()["ok"] is True
    form_call = pg.calls_to("sendMessage")[0]
    # Recorded as parsed: typed integers, decoded JSON.
    assert form_call.params["chat_id"] == 1
    assert form_call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "go"


async def test_commands_are_kept_per_scope_and_language(bot: Bot, pg: Playground) -> None:
    await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")], language_code="ru"
    )
    await bot.set_my_commands([BotCommand(command="help", description="Help")])
    await bot.set_my_commands(
        [BotCommand(command="operators", description="Admins only")],
        scope=BotCommandScopeChat(chat_id=1),
    )
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start"]
    assert pg.commands(language_code="ru") == [{"command": "start", "description": "Начать"}]
    # What people see: the most specific scope wins; languages fall back to none.
    assert [c["command"] for c in pg.visible_commands(1)] == ["operators"]
    pg.user(2, "Viewer", language_code="ru")
    pg.user(3, "Guest", language_code="de")
    assert [c["command"] for c in pg.visible_commands(2)] == ["start"]
    assert [c["command"] for c in pg.visible_commands(3)] == ["help"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])
    assert await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == []


async def test_chat_actions_get_chat_and_menu_button(bot: Bot, pg: Playground) -> None:
    assert await bot.send_chat_action(1, "typing")
    assert pg.chat(1).last_action == "typing"
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(1, "dancing")
    chat = await bot.get_chat(1)
    assert (chat.id, chat.type, chat.first_name) == (1, "private", "Operator")
    assert await bot.set_chat_menu_button()
