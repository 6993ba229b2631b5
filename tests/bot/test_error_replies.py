"""What an operator hears when something goes wrong that no handler expected: an answer in
their language saying whether anything was sent, and one log line with the update's id."""

from __future__ import annotations

import logging

import pytest

from tests.bot.conftest import Desk
from tests.fault_proxy import Fault, FaultKind, FaultProxy, bot_method

SEND_MESSAGE = bot_method("sendMessage")


async def test_a_reference_too_large_for_the_database_is_not_found(desk: Desk) -> None:
    reply = await desk.admin.send_and_wait("/status #99999999999999999999")

    assert [m.text for m in reply] == [
        "Nothing known about #99999999999999999999: no send of ours and no report with that mtNum."
    ]


async def test_a_user_id_in_other_digits_is_refused_with_the_usage(desk: Desk) -> None:
    reply = await desk.admin.send_and_wait("/grant ²")

    assert len(reply) == 1
    assert reply[0].text.startswith("Write it like this: /grant")


async def test_a_user_id_too_large_for_the_database_is_refused_with_the_usage(
    desk: Desk,
) -> None:
    reply = await desk.admin.send_and_wait("/grant 99999999999999999999 viewer")

    assert len(reply) == 1
    assert reply[0].text.startswith("Write it like this: /grant")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "❌ Something went wrong on our side, and nothing was sent."),
        ("ru", "❌ У нас что-то пошло не так, и ничего не отправлено."),
    ],
)
async def test_an_answer_that_failed_is_followed_by_an_apology_in_the_users_language(
    proxied_desk: Desk,
    proxy: FaultProxy,
    caplog: pytest.LogCaptureFixture,
    language: str,
    expected: str,
) -> None:
    user = proxied_desk.user(1001, "Admin", language=language)
    proxy.add(Fault.status(502, forward=False), path=SEND_MESSAGE)

    sent = await user.send("/help")
    await proxied_desk.playground.wait_processed(sent.update_id or 0)

    [apology] = [m for m in user.chat.bot_messages if m.message_id > sent.message_id]
    assert apology.text.startswith(expected)
    assert [s.fault for s in proxy.seen if SEND_MESSAGE(s.path)] == [FaultKind.STATUS, None]
    failures = [r for r in caplog.records if "event=handler_failed" in r.getMessage()]
    assert len(failures) == 1
    assert f"update_id={sent.update_id}" in failures[0].getMessage()
    assert failures[0].levelno == logging.ERROR
    assert not any(
        r.name.startswith("aiogram") and r.levelno >= logging.ERROR for r in caplog.records
    )
    # And the next command is answered as usual.
    reply = await user.send_and_wait("/help")
    assert len(reply) == 1
    assert "/status" in reply[0].text


async def test_a_failure_after_the_send_was_made_does_not_say_nothing_was_sent(
    proxied_desk: Desk, proxy: FaultProxy, caplog: pytest.LogCaptureFixture
) -> None:
    admin = proxied_desk.admin
    form = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
    # The platform takes the send; turning the form into the status card then fails.
    proxy.add(Fault.status(502, forward=False), path=bot_method("editMessageText"))

    pressed = await admin.click_and_wait("✅", form)

    [send] = await proxied_desk.stores.sends.recent_all()
    assert len(proxied_desk.sandbox.received) == 1
    said = [m.text for m in admin.chat.bot_messages if m.message_id > form.message_id]
    assert pressed.text == "Sending…"  # the button's own answer came before the failure
    assert said == [
        f"❌ Something went wrong on our side after send #{send.id} was created."
        f" /status #{send.id} shows whether it reached the platform; it is never sent twice."
    ]
    assert len([r for r in caplog.records if "event=handler_failed" in r.getMessage()]) == 1
