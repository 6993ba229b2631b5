"""What seed 003 allows on a legacy account is allowed, in the bot's conversations.

VK by template (lines 27-32, 88-93); cascades over every transport, GET included (the
page's own GET example is Viber > VK > SMS, lines 7, 33); a send time and a delivery name
over JSON and XML (lines 73-74, 222-223); a state that is an error text is final (lines
302-303); and no REST rule is laid on a legacy send (the page states no SMS length, no
form for button_url).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.settings import AccountConfig, ProviderApi
from playground import Playground
from provider.legacy.rules import UNKNOWN_ID_TEXT
from provider.sandbox import RunningSandbox
from storage import NewSend
from tests.bot.conftest import make_settings, running_desk, typed_into
from tests.bot.test_legacy import card_text, legacy_desk, no_refusals, poll_interval, replies_to
from tests.fault_proxy import Fault, FaultProxy
from tests.helpers import SANDBOX_LOGIN, SANDBOX_PASSWORD


async def test_a_state_that_is_an_error_text_ends_the_card_with_that_text(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with FaultProxy(sandbox.base_url).running() as proxy:
        account = AccountConfig(
            name="legacy",
            api=ProviderApi.LEGACY_GET,
            url=proxy.url,
            login=SANDBOX_LOGIN,
            password=SecretStr(SANDBOX_PASSWORD),
            senders=["DeskTest"],
        )
        settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=[account])
        settings.provider = settings.provider.model_copy(
            update={"legacy_poll_interval": poll_interval(sandbox)}
        )
        async with running_desk(settings, playground, sandbox) as desk:
            admin = desk.admin
            card = (await admin.send_and_wait("/sms 79001234563 hi"))[-1]  # 3: "send" long
            await admin.click_and_wait("✅", card)
            await playground.wait_for(
                lambda: "1. SMS: send" in card_text(admin, card.message_id), what="in progress"
            )
            # From now on the platform says it never took the message (seed 003, line 303).
            proxy.add(
                Fault.status(
                    200,
                    forward=False,
                    body=UNKNOWN_ID_TEXT.encode(),
                    headers=(("content-type", "text/plain; charset=utf-8"),),
                ),
                path="/sendmessage.php",
                times=None,
            )
            await playground.wait_for(
                lambda: "1. SMS: error" in card_text(admin, card.message_id), what="the error"
            )
            await playground.wait_for(
                lambda: any("error" in text for text in replies_to(admin, card.message_id)),
                what="the failure reply",
            )
            text = card_text(admin, card.message_id)
            (send,) = await desk.stores.sends.recent_all()
            still_open = await desk.stores.sends.open_sends()

    assert UNKNOWN_ID_TEXT in text
    assert (send.status, send.final) == ("error", True)
    assert still_open == []  # the poller no longer asks about it


async def test_vk_goes_by_its_template_over_legacy(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        await admin.send_and_wait("/send")
        await admin.click_and_wait("VK")
        await admin.send_and_wait("79001234560")
        not_json = await admin.send_and_wait("100 Name=Ivan")
        card = (await admin.send_and_wait('100 {"Name": "Иван", "Where": "Москва"}'))[-1]
        assert 'Template: 100 {"Name": "Иван"' in card.text
        assert "Fix before sending" not in card.text
        await admin.click_and_wait("✅", card)
        await playground.wait_for(
            lambda: "1. VK: deliver" in card_text(admin, card.message_id), what="delivered"
        )
        # "Send again" reads the legacy request back: the same template, the same data.
        await admin.click_and_wait("🔁", card)
        again = admin.chat.bot_messages[-1]

    assert "templateData" in not_json[-1].text
    assert 'Template: 100 {"Name": "Иван", "Where": "Москва"}' in again.text
    assert "Fix before sending" not in again.text
    (record,) = sandbox.legacy.messages.values()
    assert (record.message.send_vk, record.message.template_id) == (1, 100)
    assert record.message.template_data == {"Name": "Иван", "Where": "Москва"}
    no_refusals(sandbox)


async def test_the_pages_get_cascade_viber_vk_sms_goes_and_ends_on_the_card(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox, ProviderApi.LEGACY_GET) as desk:
        admin = desk.admin
        await admin.send_and_wait("/cascade")
        await admin.click_and_wait("🛠")
        await admin.send_and_wait("79001234564")  # 4: only SMS gets through
        card = (await admin.send_and_wait("Ваш код 2268"))[-1]
        for step in ("Viber", "VK"):
            await admin.click_and_wait("➕", card)
            await admin.click_and_wait(f"➕ {step}", card)
        await admin.click_and_wait("⬆️ Step 2", card)  # Viber, SMS, VK
        await admin.click_and_wait("⬆️ Step 3", card)  # Viber, VK, SMS
        form = admin.chat.message(card.message_id)
        assert "Step 2: VK" in form.text
        await admin.click_and_wait("🧩", card)
        form = await typed_into(admin, card, "100")
        assert "Fix before sending" not in form.text
        await admin.click_and_wait("✅", form)
        await playground.wait_for(
            lambda: "deliver" in card_text(admin, form.message_id), what="the chain's end"
        )
        text = card_text(admin, form.message_id)

    (record,) = sandbox.legacy.messages.values()
    message = record.message
    assert (message.send_viber, message.send_vk, message.send_sms) == (1, 2, 3)
    assert message.template_id == 100
    assert record.transport == "get"
    assert "The chain: deliver" in text
    assert "GET reports the overall state only" in text
    no_refusals(sandbox)


async def test_a_send_time_and_a_delivery_name_go_over_json(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        await admin.click_and_wait("📅", card)
        prompt = admin.chat.bot_messages[-1]
        wrong = await admin.send_and_wait("tomorrow at ten")
        form = await typed_into(admin, card, "2020-01-02 10:00")
        await admin.click_and_wait("🏷", form)
        form = await typed_into(admin, card, "Spring sale")
        assert "Send at 2020-01-02 10:00 (the platform's time)" in form.text
        assert "Delivery name: Spring sale" in form.text
        await admin.click_and_wait("✅", form)

    assert "in the platform's time" in prompt.text
    assert "YYYY-MM-DD hh:mm" in wrong[-1].text
    (record,) = sandbox.legacy.messages.values()
    assert record.message.name_delivery == "Spring sale"
    assert record.message.time_send is not None
    assert record.message.time_send.strftime("%Y-%m-%d %H:%M") == "2020-01-02 10:00"
    no_refusals(sandbox)


async def test_get_cannot_carry_a_send_time_and_says_so(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    accounts = [
        AccountConfig(
            name=name,
            api=api,
            url=sandbox.base_url,
            login=SANDBOX_LOGIN,
            password=SecretStr(SANDBOX_PASSWORD),
            senders=["DeskTest"],
        )
        for name, api in (("json", ProviderApi.LEGACY_JSON), ("get", ProviderApi.LEGACY_GET))
    ]
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=accounts)
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        await admin.click_and_wait("📅", card)
        form = await typed_into(admin, card, "2020-01-02 10:00")
        await admin.click_and_wait("🏢", form)
        switched = admin.chat.message(form.message_id).text
        refused = await admin.click_and_wait("✅", form)

    assert "Account: get" in switched
    assert "The send time cannot be sent over GET: only JSON and XML carry it" in switched
    assert refused.show_alert
    assert sandbox.legacy.received == []


async def test_no_rest_rule_is_laid_on_a_legacy_send(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        admin = desk.admin
        # The page states no SMS length (REST's is 2000).
        long_sms = (await admin.send_and_wait("/sms 79001234560 " + "a" * 2500))[-1]
        assert "Fix before sending" not in long_sms.text
        await admin.click_and_wait("✅", long_sms)
        # Nor a form for button_url (REST's action must start with http:// and the like).
        await admin.send_and_wait("/send")
        await admin.click_and_wait("Viber")
        await admin.send_and_wait("79001234560")
        card = (await admin.send_and_wait("See the offer"))[-1]
        await admin.click_and_wait("🔘", card)
        form = await typed_into(admin, card, "Open | www.example.com/offer")
        assert "Fix before sending" not in form.text
        await admin.click_and_wait("✅", form)

    sent = sorted(sandbox.legacy.messages.values(), key=lambda r: int(r.id_message))
    assert [r.message.channels()[0].value for r in sent] == ["sms", "viber"]
    assert sent[0].message.text_sms == "a" * 2500
    assert sent[1].message.button_url == "www.example.com/offer"
    no_refusals(sandbox)


async def test_a_legacy_send_stored_by_an_older_version_is_retried_as_it_went(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    """Older versions stored a legacy send's REST request; a retry still makes the same
    legacy request of it, under the same client_id_message."""
    async with legacy_desk(tmp_path, playground, sandbox) as desk:
        account = desk.services.platform.default
        stored = await desk.stores.sends.create_submitting(
            NewSend(
                partner_id="424242424242424242",
                account_id=account.account_id,
                channel="SMS",
                steps=["SMS"],
                destination="79001234560",
                request={
                    "destAddr": "79001234560",
                    "message": {"type": "SMS", "data": {"text": "hi", "serviceNumber": "Desk"}},
                    "id": "424242424242424242",
                },
                operator_id=1001,
                chat_id=1001,
            )
        )
        unknown = await desk.stores.sends.mark_unknown(stored.id, "interrupted by a restart")
        retried = await desk.services.sending.retry(unknown)

    assert retried.error is None
    (record,) = sandbox.legacy.messages.values()
    assert record.client_id_message == "424242424242424242"
    assert (record.message.text_sms, record.message.sender_sms) == ("hi", "Desk")
