"""FlashingCall with a text around its code, and VoiceCode, as an operator meets them.

Seed 004: a FlashingCall's text is up to 2000 characters and contains the code, 4 or 6
digits (lines 51, 60-61); a VoiceCode is a FLASHINGCALL whose text is the code alone, four
digits, read out by a voice call, a service agreed per account (lines 9-10, 69-70).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.settings import (
    AccountConfig,
    ConfigError,
    ProviderApi,
    ProviderSettings,
    load_accounts,
)
from playground import Playground
from playground.users import PlaygroundUser
from provider.sandbox import Sandbox, SandboxConfig
from tests.bot.conftest import SENDERS, Desk, make_settings, running_desk, typed_into
from tests.conftest import SANDBOX_TIME_SCALE


async def test_a_flashcall_carries_a_text_around_its_code(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall +7 900 123-45-60 Ваш код 2268"))[-1]

    assert "Fix before sending" not in card.text
    assert "Code: 2268" in card.text
    assert "2 2 6 8" in card.entities_of("bold")
    assert "Ваш код 2268" in card.text
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    assert record.request["message"]["data"]["text"] == "Ваш код 2268"
    # The code stays the thing shown big once sent: on the status card and in /status.
    status = admin.chat.message(card.message_id)
    assert "mtNum" in status.text
    assert "2 2 6 8" in status.entities_of("bold")
    reply = (await admin.send_and_wait(f"/status {record.mt_num}"))[-1]
    assert "2 2 6 8" in reply.entities_of("bold")


async def test_a_text_without_one_code_is_explained_and_nothing_is_sent(desk: Desk) -> None:
    no_code = await desk.admin.send_and_wait("/flashcall 79001234560 Your code is coming")
    two_codes = await desk.admin.send_and_wait("/flashcall 79001234560 1234 or 5678")

    for replies in (no_code, two_codes):
        assert "once: 4 or 6 digits in a row" in replies[-1].text
    assert not desk.sandbox.received


async def test_the_code_field_takes_a_text_and_the_sms_fallback_follows(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall 79001234561 1234"))[-1]
    await admin.click_and_wait("↪️", card)
    await admin.click_and_wait("✏️ Code", card)
    form = await typed_into(admin, card, "Your code: 583214, valid 5 min")

    assert "5 8 3 2 1 4" in form.entities_of("bold")
    assert "Fix before sending" not in form.text
    await admin.click_and_wait("✅", form)
    (record,) = desk.sandbox.sends.values()
    assert record.request["message"]["data"]["text"] == "Your code: 583214, valid 5 min"
    assert record.request["cascadeChainLink"]["message"]["data"]["text"] == "Your code: 583214"


async def test_the_documented_cascade_with_a_flashcall_text_goes(desk: Desk) -> None:
    """VK → Viber → FlashingCall → SMS, the FlashingCall step "Ваш код 2268" (issue #19)."""
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("VK → Viber → FlashingCall → SMS")
    await admin.send_and_wait("79001234564")  # 4: only SMS gets through
    card = (await admin.send_and_wait("Ваш код 2268"))[-1]
    assert "Fix before sending" not in card.text
    await admin.click_and_wait("{ }", card)
    preview = admin.chat.message(card.message_id).text
    # A cascade asks for a report of every step (seed 000, line 15).
    assert '"registeredDelivery": 1' in preview
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    assert record.request["registeredDelivery"] == 1
    flashcall = record.request["cascadeChainLink"]["nextLink"]["message"]
    assert flashcall == {"type": "FLASHINGCALL", "data": {"text": "Ваш код 2268", "ttl": 1}}
    await desk.playground.wait_for(
        lambda: "4. SMS: DELIVERED" in admin.chat.message(card.message_id).text,
        what="the chain down to SMS",
    )
    status = admin.chat.message(card.message_id)
    assert "2 2 6 8" in status.entities_of("bold")


async def test_failures_of_every_type_say_what_they_mean(desk: Desk) -> None:
    """FlashingCall, Push and VK failures used to read "UNDELIVERED · unknown" and nothing."""
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall 79001234561 1234"))[-1]  # 1: undelivered
    await admin.click_and_wait("✅", card)
    await admin.send_and_wait("/send")
    await admin.click_and_wait("VK")
    await admin.send_and_wait("79001234561")
    await admin.click_and_wait("DeskTest")
    vk = (await admin.send_and_wait("hi"))[-1]
    await admin.click_and_wait("✅", vk)
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Push")
    await admin.send_and_wait("79001234561")
    await admin.click_and_wait("DeskTest")
    push = (await admin.send_and_wait("hi"))[-1]
    await admin.click_and_wait("✅", push)

    for message_id in (card.message_id, vk.message_id, push.message_id):
        await desk.playground.wait_for(failed(admin, message_id), what="the failure on the card")
        text = admin.chat.message(message_id).text
        assert "UNDELIVERED · unknown" in text
        assert "The channel gave no reason" in text


def failed(user: PlaygroundUser, message_id: int) -> Callable[[], bool]:
    return lambda: "UNDELIVERED" in user.chat.message(message_id).text


# -- VoiceCode -------------------------------------------------------------------------


@asynccontextmanager
async def voice_desk(
    tmp_path: Path, playground: Playground, *, also_plain: bool = False
) -> AsyncIterator[Desk]:
    """The bot with an account that has VoiceCode (and, `also_plain`, a second one without),
    against a sandbox whose FLASHINGCALLs are read out."""
    config = SandboxConfig(time_scale=SANDBOX_TIME_SCALE, voice_code=True)
    accounts = [AccountConfig(name="voice", api=ProviderApi.SANDBOX, voice_code=True)]
    if also_plain:
        accounts.insert(0, AccountConfig(name="plain", api=ProviderApi.SANDBOX, senders=SENDERS))
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=accounts)
    async with (
        Sandbox(config).running() as sandbox,
        running_desk(settings, playground, sandbox) as desk,
    ):
        yield desk


async def test_a_voice_code_is_four_digits_read_out_and_shown_big(
    tmp_path: Path, playground: Playground
) -> None:
    async with voice_desk(tmp_path, playground) as desk:
        admin = desk.admin
        six = await admin.send_and_wait("/voicecode 79001234560 123456")
        texted = await admin.send_and_wait("/voicecode 79001234560 Ваш код 2268")
        card = (await admin.send_and_wait("/voicecode +7 900 123-45-60 4921"))[-1]
        assert "VoiceCode" in card.text
        assert "4 9 2 1" in card.entities_of("bold")
        await admin.click_and_wait("✅", card)
        (record,) = desk.sandbox.sends.values()
        await desk.playground.wait_for(
            lambda: "DELIVERED" in admin.chat.message(card.message_id).text, what="delivered"
        )
        status = admin.chat.message(card.message_id)

    for refused in (six, texted):
        assert "VoiceCode: the text must be the code alone, 4 digits" in refused[-1].text
    assert record.request["message"] == {"type": "FLASHINGCALL", "data": {"text": "4921", "ttl": 2}}
    assert "VoiceCode" in status.text
    assert "4 9 2 1" in status.entities_of("bold")


async def test_a_random_voice_code_and_the_code_field(
    tmp_path: Path, playground: Playground
) -> None:
    async with voice_desk(tmp_path, playground) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/voicecode 79001234560"))[-1]
        (code,) = card.entities_of("code")
        assert len(code) == 4
        assert code.isdigit()
        await admin.click_and_wait("✏️ Code", card)
        wrong = await admin.send_and_wait("583214")
        form = await typed_into(admin, card, "5832")

    assert "the code alone, 4 digits" in wrong[-1].text
    assert "5 8 3 2" in form.entities_of("bold")


async def test_voice_code_goes_through_an_account_that_has_it(
    tmp_path: Path, playground: Playground
) -> None:
    async with voice_desk(tmp_path, playground, also_plain=True) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/voicecode 79001234560 1234"))[-1]
        assert "Account: voice" in card.text
        await admin.click_and_wait("🏢", card)
        switched = admin.chat.message(card.message_id).text
        await admin.click_and_wait("✅", card)
        refused = admin.chat.message(card.message_id)

    assert "Account: plain" in switched
    assert "Account plain has no VoiceCode" in switched
    assert "mtNum" not in refused.text
    assert not desk.sandbox.received


async def test_without_an_account_that_has_voice_code_it_is_refused_in_words(
    desk: Desk,
) -> None:
    replies = await desk.admin.send_and_wait("/voicecode 79001234560 1234")
    assert "no account here has VoiceCode" in replies[-1].text
    assert not desk.sandbox.received


async def test_russian_words_for_the_code_rules(desk: Desk) -> None:
    operator = desk.user(2002, "Оля", language="ru")
    await desk.grant(2002, "operator")
    replies = await operator.send_and_wait("/flashcall 79001234560 Код скоро")
    assert "один раз: 4 или 6 цифр подряд" in replies[-1].text


def test_voice_code_is_an_account_setting_of_the_accounts_file(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        '[[accounts]]\nname = "calls"\napi = "sandbox"\nvoice_code = true\n'
        '[[accounts]]\nname = "plain"\napi = "sandbox"\n',
        encoding="utf-8",
    )
    legacy = tmp_path / "legacy.toml"
    legacy.write_text(
        '[[accounts]]\nname = "old"\napi = "legacy-xml"\nurl = "https://x.example/"\n'
        'login = "l"\npassword = "p"\nvoice_code = true\n',
        encoding="utf-8",
    )

    loaded = load_accounts(ProviderSettings(_env_file=None, accounts_file=accounts), {})
    with pytest.raises(ConfigError, match="no FlashingCall and so no VoiceCode"):
        load_accounts(ProviderSettings(_env_file=None, accounts_file=legacy), {})

    assert [(a.name, a.voice_code) for a in loaded] == [("calls", True), ("plain", False)]
