"""Operator content is sacred: what the operator wrote reaches the platform byte for byte, and
every field a card shows is in the request, for every channel and option."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.settings import AccountConfig, ProviderApi
from playground import Playground
from playground.users import PlaygroundUser
from provider.sandbox import Sandbox, SandboxConfig
from tests.bot.cardcheck import assert_card_shows
from tests.bot.conftest import SENDERS, Desk, make_settings, running_desk
from tests.conftest import SANDBOX_TIME_SCALE

PASSWORD = "Pl@tf0rm-pa55"
"""The account's configured password: a secret the bot keeps out of logs and records."""
BOT_TOKEN = "123456:playground"
"""The bot token `make_settings` configures."""
TEXT = f"Your password=1234 confirm https://ex.example/c?token=abc123 ({PASSWORD}, {BOT_TOKEN})"


@pytest.fixture
async def desk(tmp_path: Path, playground: Playground) -> AsyncIterator[Desk]:
    """A real (not sandbox) REST account whose password is a configured secret."""
    config = SandboxConfig(password=SecretStr(PASSWORD), time_scale=SANDBOX_TIME_SCALE)
    async with Sandbox(config).running(host="127.0.0.1", port=0) as sandbox:
        account = AccountConfig(
            name="main",
            api=ProviderApi.REST,
            url=sandbox.rest_url,
            login="sandbox",
            password=SecretStr(PASSWORD),
            senders=SENDERS,
        )
        settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
        async with running_desk(settings, playground, sandbox) as running:
            yield running


def sent(desk: Desk, index: int = -1) -> dict[str, Any]:
    """A request the platform received, as it received it (password masked)."""
    body = desk.sandbox.received[index].body
    assert body is not None
    return body


async def test_text_with_credentials_like_words_and_the_secrets_themselves_goes_as_written(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the bot's level (DEBUG logs SQL with its parameters)
    admin = desk.admin
    card = (await admin.send_and_wait(f"/sms 79001234560 {TEXT}"))[-1]
    assert TEXT in card.text

    await admin.click_and_wait("✅", card)
    assert sent(desk)["message"]["data"]["text"] == TEXT

    # Through a field edit, and "send again" from what was stored: still exactly the text.
    await admin.click_and_wait("🔁", card)
    again = admin.chat.bot_messages[-1]
    assert TEXT in again.text
    await admin.click_and_wait("✏️ Text", again)
    await admin.send_and_wait(TEXT + " again")
    await admin.click_and_wait("✅", again)
    assert sent(desk)["message"]["data"]["text"] == TEXT + " again"
    assert len(desk.sandbox.sends) == 2

    # The secrets stay out of the log all the same.
    assert PASSWORD not in caplog.text
    assert BOT_TOKEN not in caplog.text


async def guided(user: PlaygroundUser, channel: str, content: str, sender: str = "Second") -> int:
    """/send for one channel; the form card's message id."""
    await user.send_and_wait("/send")
    await user.click_and_wait(channel)
    await user.send_and_wait("+7 900 123-45-60")
    await user.click_and_wait(sender)
    return (await user.send_and_wait(content))[-1].message_id


async def edit(user: PlaygroundUser, card: int, button: str, value: str) -> None:
    await user.click_and_wait(button, card)
    await user.send_and_wait(value)


async def press_and_compare(desk: Desk, user: PlaygroundUser, card: int) -> dict[str, Any]:
    """✅ on the card; the request the platform received, checked against the card."""
    shown = user.chat.message(card).text
    received = len(desk.sandbox.received)
    answer = await user.click_and_wait("✅", card)
    assert len(desk.sandbox.received) == received + 1, (shown, answer.text)
    request = sent(desk)
    assert_card_shows(shown, request)
    return request


async def test_every_channel_sends_every_field_its_card_shows(desk: Desk) -> None:
    admin = desk.admin
    link = "https://ex.example/p?token=abc&password=1"

    card = await guided(admin, "SMS", "SMS password=1 " + PASSWORD)
    await admin.click_and_wait("⏱", card)
    await admin.click_and_wait("1 h", card)
    await edit(admin, card, "📅", "10:00-21:00 12345 local")
    data = (request := await press_and_compare(desk, admin, card))["message"]["data"]
    assert data == {
        "text": "SMS password=1 " + PASSWORD,
        "serviceNumber": "Second",
        "ttl": 1,
        "ttlUnit": "HOURS",
    }
    assert request["useTimeDiff"] is True

    card = await guided(admin, "Viber", "Viber token=2")
    await edit(admin, card, "🔘", f"Open | {link}")
    await edit(admin, card, "🖼", "https://ex.example/a.png?token=3")
    content = (await press_and_compare(desk, admin, card))["message"]["data"]["instantContent"]
    assert content == {
        "type": "BUTTON",
        "data": {
            "text": "Viber token=2",
            "caption": "Open",
            "action": link,
            "imageURL": "https://ex.example/a.png?token=3",
        },
    }

    card = await guided(admin, "Viber", "https://ex.example/only.png")
    content = (await press_and_compare(desk, admin, card))["message"]["data"]["instantContent"]
    assert content == {"type": "IMAGE_URL", "data": {"imageURL": "https://ex.example/only.png"}}

    card = await guided(admin, "VK", "VK password=3")
    assert (await press_and_compare(desk, admin, card))["message"]["data"]["text"] == (
        "VK password=3"
    )

    card = await guided(admin, "Push", "Title token=4\nPush body password=5")
    data = (await press_and_compare(desk, admin, card))["message"]["data"]
    assert (data["title"], data["text"]) == ("Title token=4", "Push body password=5")

    card = await guided(admin, "Telegram", "Telegram text")
    await edit(admin, card, "🔗", link)
    data = (await press_and_compare(desk, admin, card))["message"]["data"]
    assert (data["text"], data["link"]) == ("Telegram text", link)

    card = await guided(admin, "WhatsApp", "https://ex.example/w.png")
    content = (await press_and_compare(desk, admin, card))["message"]["data"]["instantContent"]
    assert content == {"type": "IMAGE_URL", "data": {"imageURL": "https://ex.example/w.png"}}

    await admin.send_and_wait("/flashcall +7 900 123-45-60 4821")
    card = admin.chat.bot_messages[-1].message_id
    await admin.click_and_wait("↪️", card)
    request = await press_and_compare(desk, admin, card)
    assert request["message"]["data"]["text"] == "4821"
    assert request["cascadeChainLink"]["message"]["data"]["text"] == "Your code: 4821"


async def test_a_whatsapp_text_and_picture_are_refused_not_half_sent(desk: Desk) -> None:
    """WhatsApp carries a text or a picture: a form with both says so, and sends nothing
    (it used to send the text alone, while its card listed both)."""
    admin = desk.admin
    card = await guided(admin, "WhatsApp", "WhatsApp text")
    await edit(admin, card, "🖼", "https://ex.example/w.png")
    shown = admin.chat.message(card).text
    assert "WhatsApp text" in shown
    assert "https://ex.example/w.png" in shown
    assert "WhatsApp sends a text or a picture, not both" in shown

    answer = await admin.click_and_wait("✅", card)
    assert "not both" in (answer.text or "")
    assert not desk.sandbox.received

    await edit(admin, card, "🖼", "-")
    content = (await press_and_compare(desk, admin, card))["message"]["data"]["instantContent"]
    assert content == {"type": "TEXT", "data": {"text": "WhatsApp text"}}
