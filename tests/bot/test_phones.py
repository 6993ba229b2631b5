"""Numbers on the forms: read with DEFAULT_REGION, doubtful ones asked about before sending."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Desk


@pytest.mark.parametrize(
    "typed", ["9001234560", "89001234560", "79001234560", "+7 900 123-45-60", "8 (900) 123 45 60"]
)
async def test_a_russian_number_in_any_usual_form_goes_to_that_number(
    desk: Desk, typed: str
) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait(f"/sms {typed} test"))[-1]
    assert "+7 900 123-45-60" in card.text
    assert "Is this the number you meant?" not in card.text

    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == "79001234560"
    assert record.request["message"]["data"]["text"] == "test"


async def test_a_foreign_number_without_a_plus_is_shown_with_its_country_and_asked_about(
    desk: Desk,
) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 380442589632 test"))[-1]
    assert "+380 44 258 9632" in card.text
    assert "a number of Ukraine" in card.text
    assert "not a number of the default country (Russia)" in card.text

    answer = await admin.click_and_wait("✅", card)
    assert "Confirm the number first" in (answer.text or "")
    assert not desk.sandbox.received

    await admin.click_and_wait("✔️ Yes, Ukraine", card)
    confirmed = admin.chat.message(card.message_id)
    assert "Is this the number you meant?" not in confirmed.text
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    assert record.request["destAddr"] == "380442589632"


async def test_a_number_that_loses_a_digit_is_asked_about_in_russian_too(desk: Desk) -> None:
    russian = desk.user(2002, "Оператор", language="ru")
    await desk.grant(russian.id, "operator")
    card = (await russian.send_and_wait("/sms +9001234560 тест"))[-1]
    assert "Турция" in card.text
    assert "не все набранные цифры" in card.text
    assert card.button_texts[0] == "✔️ Да, Турция"


async def test_a_changed_number_is_read_the_same_way(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms +7 900 123-45-60 test"))[-1]
    await admin.click_and_wait("✏️ Phone", card)
    await admin.send_and_wait("9004444440")
    assert "+7 900 444-44-40" in admin.chat.message(card.message_id).text

    await admin.click_and_wait("✏️ Phone", card)
    await admin.send_and_wait("4915112345678")
    shown = admin.chat.message(card.message_id).text
    assert "a number of Germany" in shown


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("/sms 900-123 test", "That number is too short"),
        ("/sms 9OO1234560 test", "only digits, +, spaces, dashes and brackets"),
        ("/sms hello", "Write it like this"),
    ],
)
async def test_what_is_not_a_number_is_said_and_nothing_is_sent(
    desk: Desk, typed: str, said: str
) -> None:
    answer = await desk.admin.send_and_wait(typed)
    assert said in answer[-1].text
    assert not desk.sandbox.received


async def test_the_guided_form_reads_the_number_the_same_way(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("SMS")
    wrong = await admin.send_and_wait("900-123")
    assert "That number is too short" in wrong[-1].text
    await admin.send_and_wait("9001234560")
    await admin.click_and_wait("DeskTest")
    card = (await admin.send_and_wait("hi"))[-1]
    assert "+7 900 123-45-60" in card.text
