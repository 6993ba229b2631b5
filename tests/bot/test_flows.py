"""The sending conversations, driven like a person on a phone would."""

from __future__ import annotations

from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from bot.settings import AccountConfig, ProviderApi
from playground import Playground
from provider.sandbox import RunningSandbox
from tests.bot.conftest import ADMIN_ID, SENDERS, Desk, make_settings, running_desk


async def test_flashcall_shows_the_code_big_and_sends_it(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall +7 900 123-45-60 5821"))[-1]

    assert "Code: 5821" in card.text
    assert "5 8 2 1" in card.entities_of("bold")
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    assert record.request["message"] == {"type": "FLASHINGCALL", "data": {"text": "5821", "ttl": 2}}


async def test_flashcall_generates_a_code_and_can_fall_back_to_sms(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall 79001234561"))[-1]  # 1: undelivered
    code = card.entities_of("code")[0]
    assert len(code) == 4
    assert code.isdigit()

    await admin.click_and_wait("↪️", card)
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    assert record.request["cascadeChainLink"]["state"] == "DELIVERED"
    assert record.request["cascadeChainLink"]["message"]["data"]["text"] == f"Your code: {code}"


async def test_a_bad_flashcall_code_is_explained_and_nothing_is_sent(desk: Desk) -> None:
    replies = await desk.admin.send_and_wait("/flashcall 79001234560 12345")
    assert "4 or 6 digits" in replies[-1].text
    assert not desk.sandbox.received


async def test_guided_send_of_a_viber_image_with_a_button(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Viber")
    await admin.send_and_wait("+7 900 123-45-60")
    await admin.click_and_wait("Second")  # the account has two senders
    card = (await admin.send_and_wait("https://example.com/a.png"))[-1]
    await admin.click_and_wait("🔘", card)
    await admin.send_and_wait("Open & see | https://example.com/?a=1&b=2")
    card = admin.chat.message(card.message_id)

    assert "Open & see → https://example.com/?a=1&b=2" in card.text
    assert "Fix before sending" in card.text  # a button needs a text too
    await admin.click_and_wait("✏️ Text", card)
    await admin.send_and_wait("<b>Sale</b> & more")
    card = admin.chat.message(card.message_id)
    assert "<b>Sale</b> & more" in card.text
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    content = record.request["message"]["data"]["instantContent"]
    assert record.request["message"]["data"]["serviceNumber"] == "Second"
    assert content == {
        "type": "BUTTON",
        "data": {
            "text": "<b>Sale</b> & more",
            "caption": "Open & see",
            "action": "https://example.com/?a=1&b=2",
            "imageURL": "https://example.com/a.png",
        },
    }


async def test_guided_push_takes_title_and_text(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("Push")
    await admin.send_and_wait("79001234560")
    await admin.click_and_wait("DeskTest")
    card = (await admin.send_and_wait("Title <1>\nBody & text"))[-1]

    assert "Title: Title <1>" in card.text
    assert "Body & text" in card.text


async def test_too_long_sms_lists_the_problem_and_refuses_to_send(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234560 " + "я" * 2001))[-1]

    assert "SMS: the text is 2001 characters; the limit is 2000." in card.text
    query = await admin.click_and_wait("✅", card)
    assert query.show_alert
    assert "2001" in (query.text or "")
    assert not desk.sandbox.received


async def test_lifetime_presets_stay_within_the_channel_rules(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/flashcall 79001234560 1234"))[-1]
    await admin.click_and_wait("⏱", card)
    presets = admin.chat.message(card.message_id).button_texts

    assert presets == ["account default", "1 min", "2 min", "5 min"]
    await admin.click_and_wait("5 min", card)
    assert "Lifetime: 5 min" in admin.chat.message(card.message_id).text


async def test_a_russian_form_card_words_lifetimes_in_russian(desk: Desk) -> None:
    await desk.grant(2002, "operator")
    olga = desk.user(2002, "Оля", language="ru")
    card = (await olga.send_and_wait("/sms +79001234560 Ваш код 1234"))[-1]

    await olga.click_and_wait("⏱", card)
    presets = olga.chat.message(card.message_id).button_texts
    await olga.click_and_wait("1 ч", card)
    chosen = olga.chat.message(card.message_id).text

    assert presets == [
        "по умолчанию аккаунта", "1 мин", "2 мин", "5 мин", "30 мин", "1 ч", "6 ч", "1 сут",
        "2 сут",
    ]  # fmt: skip
    assert "⏱ Время жизни: 1 ч" in chosen


async def test_an_operators_text_of_4500_characters_is_shown_not_lost(desk: Desk) -> None:
    await desk.grant(2002, "operator")
    olga = desk.user(2002, "Оля", language="ru")
    text = "&<" * 2250  # escaped, it is twice as long again

    card = (await olga.send_and_wait(f"/sms +79001234560 {text}"))[-1]

    assert "{???}" not in card.text
    assert "💬 " + text[:1000] in card.text
    assert "SMS: в тексте 4500 символов, а можно не больше 2000." in card.text


async def test_cascade_preset_and_the_read_rule(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/cascade")
    await admin.click_and_wait("FlashingCall → SMS")
    await admin.send_and_wait("79001234564")
    card = (await admin.send_and_wait("Your code"))[-1]

    refused = await admin.click_and_wait("⇄ Step 2", card)
    assert refused.show_alert
    assert "FlashingCall never reports READ" in (refused.text or "")
    await admin.click_and_wait("➕", card)
    await admin.click_and_wait("➕ Viber", card)
    await admin.click_and_wait("⇄ Step 3", card)  # after SMS: READ impossible either
    assert "DELIVERED" in admin.chat.message(card.message_id).text
    await admin.click_and_wait("✖ Remove step 3", card)
    await admin.click_and_wait("✅", card)

    (record,) = desk.sandbox.sends.values()
    assert [s.type.value for s in record.steps] == ["FLASHINGCALL", "SMS"]


async def test_platform_refusal_is_explained_and_the_form_kept(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
    desk.sandbox.faults.answer_next(7)

    await admin.click_and_wait("✅", card)
    messages = admin.chat.bot_messages
    assert "code 7" in messages[-1].text
    assert "Pick another sender" in messages[-1].text
    form = messages[-2]
    await admin.click_and_wait("✅", form)

    assert len(desk.sandbox.sends) == 1
    assert "mtNum" in admin.chat.message(form.message_id).text


async def test_a_busy_platform_is_explained_and_nothing_is_lost(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
    desk.sandbox.faults.fail_next(3, status=503)

    await admin.click_and_wait("✅", card)

    assert "code 1" in admin.chat.bot_messages[-1].text
    assert "Try again in a minute" in admin.chat.bot_messages[-1].text
    assert {r.partner_id for r in desk.sandbox.received} != set()
    assert len({r.partner_id for r in desk.sandbox.received}) == 1  # retried with one id
    assert not desk.sandbox.sends


async def test_with_duplicate_control_an_unknown_outcome_offers_asking_again_with_its_id(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    account = AccountConfig(
        name="sandbox", api=ProviderApi.SANDBOX, senders=SENDERS, duplicate_control=True
    )
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
    # Long enough for the retry's answer on a loaded machine; the hang is much longer.
    settings.provider.provider_timeout = 1.0
    settings.provider.provider_attempts = 1
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        # Longer than the test: only the retry gets through.
        sandbox.faults.hang_next(1, seconds=30)
        await admin.click_and_wait("✅", card)
        unknown = admin.chat.message(card.message_id)
        assert "the platform may have it" in unknown.text
        assert "has duplicate control" in unknown.text

        await admin.click_and_wait("↩️", card)

        assert "mtNum" in admin.chat.message(card.message_id).text
    partner_ids = [r.partner_id for r in sandbox.received]
    assert len(partner_ids) == 2
    assert len(set(partner_ids)) == 1
    assert len(sandbox.sends) == 1


async def test_a_restart_keeps_a_half_filled_form(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url)
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        await admin.send_and_wait("/send")
        await admin.click_and_wait("SMS")
        await admin.send_and_wait("79001234560")
        await admin.click_and_wait("Second")
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("Still here"))[-1]
        await admin.click_and_wait("✅", card)

    (record,) = sandbox.sends.values()
    assert record.request["message"]["data"] == {"text": "Still here", "serviceNumber": "Second"}


async def test_cancel_works_in_every_state(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("SMS")
    cancelled = await admin.send_and_wait("/cancel")
    after = await admin.send_and_wait("79001234560")

    assert "Cancelled" in cancelled[-1].text
    # No flow takes the number any more: it is offered what to do with it.
    assert "what shall I do with this number?" in after[-1].text
    assert not desk.sandbox.received


async def test_an_answer_to_a_form_an_older_bot_saved_starts_over(desk: Desk) -> None:
    """A form the bot can no longer read (saved by an older version): what is typed into
    it says so, sends nothing and leaves no half-open flow behind."""
    admin = desk.admin
    await admin.send_and_wait("/send")
    await admin.click_and_wait("SMS")
    key = StorageKey(bot_id=123456, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    await desk.stores.fsm.set_data(key, {"draft": {"kind": "from an older bot"}})

    replies = await admin.send_and_wait("+7 900 123-45-60")

    assert "no longer active" in replies[-1].text
    assert await desk.stores.fsm.get_state(key) is None
    assert not desk.sandbox.received
