"""In a group every member reads the bot's cards and buttons: the subscriber's number is
masked there (the last four digits shown), and only the form's author gets it whole, in an
alert nobody else sees."""

from __future__ import annotations

from tests.bot.conftest import Desk

NUMBER = "79001234560"
WHOLE = "+7 900 123-45-60"
MASKED = "*******4560"


def shows_the_number(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return NUMBER[1:] in digits


async def test_a_form_card_in_a_group_masks_the_number_and_its_json(desk: Desk) -> None:
    admin = desk.admin
    await desk.grant(2001, "operator")
    colleague = desk.user(2001, "Colleague")
    group = desk.playground.group("on-call", [admin, colleague])
    card = (await admin.send_and_wait(f"/sms {NUMBER} hi", group.id))[-1]
    await admin.click_and_wait("{ } JSON", card, chat=group.id)
    with_json = desk.playground.chat(group.id).message(card.message_id)

    revealed = await admin.click_and_wait("📞", card, chat=group.id)
    by_colleague = await colleague.click_and_wait("📞", card, chat=group.id)

    assert MASKED in card.text
    assert not shows_the_number(card.text)
    assert '"destAddr": "*******4560"' in with_json.text
    assert not shows_the_number(with_json.text)
    assert revealed.show_alert
    assert WHOLE in (revealed.text or "")
    # Another member's press is not the author's: no number for them, and whose form it is.
    assert by_colleague.show_alert
    assert (by_colleague.text or "") == "This is Admin's form: only they can use its buttons."


async def test_a_form_card_in_a_private_chat_shows_the_whole_number(desk: Desk) -> None:
    card = (await desk.admin.send_and_wait(f"/sms {NUMBER} hi"))[-1]
    assert WHOLE in card.text
    assert not any(text.startswith("📞") for text in card.button_texts)


async def test_recent_numbers_are_masked_on_the_buttons_of_a_group(desk: Desk) -> None:
    admin = desk.admin
    form = (await admin.send_and_wait(f"/sms {NUMBER} hi"))[-1]
    await admin.click_and_wait("✅", form)  # now a recent number
    group = desk.playground.group("on-call", [admin])

    await admin.send_and_wait("/send", group.id)
    await admin.click_and_wait("SMS", chat=group.id)
    in_group = desk.playground.chat(group.id).bot_messages[-1]
    await admin.send_and_wait("/send")
    await admin.click_and_wait("SMS")
    in_private = admin.chat.bot_messages[-1]

    assert in_group.button_texts == [MASKED]
    assert in_private.button_texts == [WHOLE]
    # Chosen from the masked button, the number is the whole one all the same.
    await admin.click_and_wait(MASKED, in_group, chat=group.id)
    await admin.click_and_wait("DeskTest", chat=group.id)
    await admin.send_and_wait("hello", group.id)
    card = desk.playground.chat(group.id).bot_messages[-1]
    revealed = await admin.click_and_wait("📞", card, chat=group.id)
    assert WHOLE in (revealed.text or "")
