"""Push to an app user, Push extra options, and the Telegram link, as an operator meets them.

The platform's Push page (provider-api.md, line 42): destAddr is required only when
externalUserId is absent; extraOptions' param_value is an object for RICH, LIVE_ACTIVITY
and SECURE, a list for SENDING_PLATFORMS, a string for any other name. A Telegram link
that is empty or no URL is rejected by the platform (line 43).
"""

from __future__ import annotations

from tests.bot.conftest import Desk, typed_into


async def test_a_push_goes_to_an_app_user_without_a_phone(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Push")
    await admin.click_and_wait("👤")
    await admin.send_and_wait("client-7")  # 7: SEND, DELIVERED, READ
    await admin.click_and_wait("DeskTest")
    card = (await admin.send_and_wait("Order shipped\nIt leaves today"))[-1]

    assert "App user: client-7" in card.text
    assert "Fix before sending" not in card.text
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    await desk.playground.wait_for(
        lambda: "READ" in admin.chat.message(card.message_id).text, what="read"
    )
    status = admin.chat.message(card.message_id).text
    reply = (await admin.send_and_wait(f"/status {record.mt_num}"))[-1]
    history = (await admin.send_and_wait("/history"))[-1]
    await admin.click_and_wait("🔁", admin.chat.message(card.message_id))
    again = admin.chat.bot_messages[-1]

    assert "destAddr" not in record.request
    assert record.request["message"]["data"]["externalUserId"] == "client-7"
    for text in (status, reply.text, history.text):
        assert "app user client-7" in text
    assert "App user: client-7" in again.text


async def test_the_phone_step_and_field_take_an_app_user_id(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Push")
    await admin.send_and_wait("user: 5f1c-22a")
    await admin.click_and_wait("DeskTest")
    card = (await admin.send_and_wait("Hello"))[-1]
    assert "App user: 5f1c-22a" in card.text
    await admin.click_and_wait("✏️ Phone", card)
    phone = await typed_into(admin, card, "+7 900 123-45-60")
    assert "+7 900 123-45-60" in phone.text
    assert "App user" not in phone.text
    await admin.click_and_wait("✏️ Phone", phone)
    back = await typed_into(admin, card, "user:42")
    await admin.click_and_wait("✅", back)

    (record,) = desk.sandbox.sends.values()
    assert "destAddr" not in record.request
    assert record.request["message"]["data"]["externalUserId"] == "42"


async def test_only_a_push_goes_to_an_app_user(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
    await admin.click_and_wait("✏️ Phone", card)
    replies = await admin.send_and_wait("user:42")
    assert "Only a Push goes to an app user" in replies[-1].text
    assert not desk.sandbox.received


async def test_push_extra_options_are_json_of_the_documented_types(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Push")
    await admin.send_and_wait("79001234560")
    await admin.click_and_wait("DeskTest")
    card = (await admin.send_and_wait("Sale"))[-1]
    await admin.click_and_wait("⚙️", card)
    not_json = await admin.send_and_wait("RICH please")
    wrong_type = await admin.send_and_wait('{"RICH": "big picture"}')
    options = (
        '{"RICH": {"imageUrl": "https://example.com/a.png"}, '
        '"SENDING_PLATFORMS": ["ANDROID", "IOS"], "BADGE": "3"}'
    )
    form = await typed_into(admin, card, options)
    assert "RICH" in form.text
    assert "Fix before sending" not in form.text
    await admin.click_and_wait("✅", form)

    assert "not JSON" in not_json[-1].text
    assert "RICH takes a JSON object" in wrong_type[-1].text
    (record,) = desk.sandbox.sends.values()
    assert record.request["message"]["data"]["extraOptions"] == [
        {"param_name": "RICH", "param_value": {"imageUrl": "https://example.com/a.png"}},
        {"param_name": "SENDING_PLATFORMS", "param_value": ["ANDROID", "IOS"]},
        {"param_name": "BADGE", "param_value": "3"},
    ]


async def test_a_telegram_link_that_is_no_url_is_refused_in_the_operators_words(
    desk: Desk,
) -> None:
    await desk.grant(2002, "operator")
    for user, expected in (
        (desk.admin, "The Telegram link must be a URL"),
        (desk.user(2002, "Оля", language="ru"), "Ссылка Telegram должна быть адресом"),
    ):
        await user.send_and_wait("/send")
        await user.click_and_wait("Telegram")
        await user.send_and_wait("79001234560")
        await user.click_and_wait("DeskTest")
        card = (await user.send_and_wait("hi"))[-1]
        await user.click_and_wait("🔗", card)
        form = await typed_into(user, card, "our site")
        assert expected in form.text
        assert "must start with" not in form.text
        refused = await user.click_and_wait("✅", form)
        assert refused.show_alert
        # An alert has no parse mode: the words, not the card's markup.
        assert refused.text is not None
        assert refused.text.startswith(expected)
        assert "<" not in refused.text
        assert "&lt;" not in refused.text
    assert not desk.sandbox.received
