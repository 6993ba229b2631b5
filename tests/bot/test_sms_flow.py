"""/sms from the operator's first word to the live status card."""

from __future__ import annotations

from tests.bot.conftest import Desk


async def test_sms_one_liner_shows_the_form_then_sends_once(desk: Desk) -> None:
    admin = desk.admin

    replies = await admin.send_and_wait("/sms +7 900 123-45-60 Your code 1234")

    card = replies[-1]
    assert "+7 900 123-45-60" in card.text
    assert "Your code 1234" in card.text
    assert "1 part · GSM-7 · 14 characters" in card.text
    assert "SANDBOX" in card.text
    assert card.button_texts[0].startswith("✅")
    assert card.button_texts[1].startswith("✖️")
    assert not desk.sandbox.received

    await admin.click_and_wait("✅", card)

    assert len(desk.sandbox.sends) == 1
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == "79001234560"
    assert record.request["message"]["data"]["text"] == "Your code 1234"
    status = admin.chat.message(card.message_id)
    assert f"mtNum {record.mt_num}" in status.text
    # A second press on the same (now status) card sends nothing more.
    assert not any(b.startswith("✅") for b in status.button_texts)
    assert len(desk.sandbox.received) == 1


async def test_the_card_turns_delivered_when_the_report_arrives(desk: Desk) -> None:
    admin = desk.admin
    replies = await admin.send_and_wait("/sms 79001234562 Hello")  # 2: delivered, never read
    card = replies[-1]
    await admin.click_and_wait("✅", card)

    await desk.playground.wait_for(
        lambda: "DELIVERED" in admin.chat.message(card.message_id).text,
        what="the card to show DELIVERED",
    )
    text = admin.chat.message(card.message_id).text
    assert "1. SMS: DELIVERED" in text


async def test_every_edit_of_a_status_card_changes_what_it_shows(desk: Desk) -> None:
    """Reports that arrive before the card is posted are on it already: the notifier does not
    edit it again to the same (Telegram's "not modified", a call against the chat's limit)."""
    admin = desk.admin
    for last_digit in (0, 5, 5, 6):  # SEND, then DELIVERED; 5: out of order, each twice
        card = (await admin.send_and_wait(f"/sms 7900123456{last_digit} Hello"))[-1]
        await admin.click_and_wait("✅", card)
        shown = card.message_id
        await desk.playground.wait_for(
            lambda: "DELIVERED" in admin.chat.message(shown).text,  # noqa: B023 - awaited here
            what=f"card #{shown} to show DELIVERED",
        )

    edits = desk.playground.calls_to("editMessageText")
    assert edits
    assert [c.description for c in edits if not c.ok] == []
