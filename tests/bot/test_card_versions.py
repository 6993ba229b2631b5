"""A card is its draft: one card per form, edited in place; ✅ sends what the card shows, and
a press on a card showing another version of the form sends nothing and says so."""

from __future__ import annotations

from playground.users import PlaygroundUser
from playground.views import MessageView
from tests.bot.cardcheck import assert_card_shows, messages
from tests.bot.conftest import Desk


def live_cards(user: PlaygroundUser) -> list[MessageView]:
    """Bot messages that still carry a ✅ button."""
    return [m for m in user.chat.bot_messages if any(b.startswith("✅") for b in m.button_texts)]


def button_data(card: MessageView, prefix: str) -> str:
    data = card.button(prefix).callback_data
    assert data is not None
    return data


async def test_every_edit_redraws_the_one_card_and_its_send_is_what_it_shows(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms +7 900 333-33-30 First text"))[-1]
    outdated: list[str] = [button_data(card, "✅")]

    edits = [
        # (button, what is typed after it or the choice pressed after it, what the card shows)
        ("✏️ Phone", "type", "+7 900 444-44-40", "+7 900 444-44-40"),
        ("✏️ Text", "type", "Second text", "Second text"),
        ("👤 Sender", None, None, "Sender: Second"),
        ("⏱", "press", "1 h", "Lifetime: 1 h"),
        ("📅", "type", "10:00-21:00 12345", "Schedule: 10:00–21:00, days 12345"),
    ]
    for button, then, value, shown in edits:
        await admin.click_and_wait(button, card)
        if then == "type" and value is not None:
            replies = await admin.send_and_wait(value)
            assert "Changed on the card above" in replies[-1].text
        elif then == "press" and value is not None:
            await admin.click_and_wait(value, card)
        now = admin.chat.message(card.message_id)
        assert shown in now.text
        # One card for the form: the same message, redrawn; no second live card.
        assert [m.message_id for m in live_cards(admin)] == [card.message_id]
        outdated.append(button_data(now, "✅"))

    # A stray copy of any earlier drawing (another device, an edit that never arrived):
    # its ✅ sends nothing, and says so.
    for data in outdated[:-1]:
        answer = await admin.click_data(card.message_id, data)
        await desk.playground.wait_processed(answer.update_id)
        assert "Nothing was sent" in (desk.playground.callback(answer.id).text or "")
    assert not desk.sandbox.received

    pressed_card = admin.chat.message(card.message_id).text
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    request = record.request
    assert request["destAddr"] == "79004444440"
    assert request["message"]["data"]["text"] == "Second text"
    assert request["message"]["data"]["serviceNumber"] == "Second"
    assert request["message"]["data"]["ttl"] == 1
    assert request["message"]["data"]["ttlUnit"] == "HOURS"
    assert request["scheduleInfo"] == {
        "timeBegin": "10:00",
        "timeEnd": "21:00",
        "weekdaysSchedule": "12345",
    }
    # The card pressed is the request sent.
    assert "mtNum" in admin.chat.message(card.message_id).text
    assert_card_shows(pressed_card, request)


async def test_a_new_form_takes_the_buttons_off_the_old_card(desk: Desk) -> None:
    admin = desk.admin
    old = (await admin.send_and_wait("/sms +7 900 333-33-30 Old"))[-1]
    new = (await admin.send_and_wait("/sms +7 900 444-44-40 New"))[-1]

    assert [m.message_id for m in live_cards(admin)] == [new.message_id]
    assert not admin.chat.message(old.message_id).button_texts
    # Even a press that was on its way (a stale copy of the old card) sends nothing.
    answer = await admin.click_data(old.message_id, button_data(old, "✅"))
    await desk.playground.wait_processed(answer.update_id)
    assert not desk.sandbox.received

    await admin.click_and_wait("✅", new)
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == "79004444440"
    assert record.request["message"]["data"]["text"] == "New"


async def test_every_cascade_edit_redraws_the_card_and_the_chain_sent_is_the_one_shown(
    desk: Desk,
) -> None:
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("🛠")
    await admin.send_and_wait("79001234560")
    card = (await admin.send_and_wait("Code text"))[-1]
    outdated = button_data(card, "✅")

    for button in (
        "➕",
        "➕ Viber",
        "➕",
        "➕ VK",
        "⬆️ Step 2 up",
        "⇄ Step 3",
        "✖ Remove step 2",
    ):
        await admin.click_and_wait(button, card)
        if not button.startswith("➕"):  # "➕" shows the channels to add on the card
            assert [m.message_id for m in live_cards(admin)] == [card.message_id]

    answer = await admin.click_data(card.message_id, outdated)
    await desk.playground.wait_processed(answer.update_id)
    assert not desk.sandbox.received

    shown = admin.chat.message(card.message_id).text
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    # SMS, + Viber, + VK; Viber moved up; the third step's condition switched; SMS removed.
    assert [m["type"] for m in messages(record.request)] == ["VIBER", "VK"]
    assert_card_shows(shown, record.request)
