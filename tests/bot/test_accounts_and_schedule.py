"""Several platform accounts, and the schedule field."""

from __future__ import annotations

from pathlib import Path

from bot.settings import AccountConfig, ProviderApi
from playground import Playground
from provider.sandbox import RunningSandbox
from tests.bot.conftest import Desk, make_settings, running_desk


async def test_with_two_accounts_the_operator_picks_and_the_card_names_it(
    tmp_path: Path, playground: Playground, sandbox: RunningSandbox
) -> None:
    accounts = [
        AccountConfig(name="retail", api=ProviderApi.SANDBOX, senders=["Retail"]),
        AccountConfig(name="bank", api=ProviderApi.SANDBOX, senders=["Bank"]),
    ]
    settings = make_settings(tmp_path / "bot.sqlite3", playground.base_url, accounts=accounts)
    async with running_desk(settings, playground, sandbox) as desk:
        admin = desk.admin
        card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
        assert "Account: retail" in card.text
        await admin.click_and_wait("🏢", card)
        switched = admin.chat.message(card.message_id)
        assert "Account: bank" in switched.text
        assert "Sender: Bank" in switched.text
        await admin.click_and_wait("✅", card)
        status = admin.chat.message(card.message_id)
        assert "Account: bank" in status.text

        await admin.send_and_wait("/send")
        await admin.click_and_wait("retail")
        await admin.click_and_wait("SMS")
        await admin.send_and_wait("79001234560")
        form = (await admin.send_and_wait("second"))[-1]
        assert "Account: retail" in form.text

    (record,) = sandbox.sends.values()
    assert record.request["message"]["data"]["serviceNumber"] == "Bank"


async def test_schedule_is_read_shown_and_sent(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234560 hi"))[-1]
    await admin.click_and_wait("📅", card)
    wrong = await admin.send_and_wait("tomorrow morning")
    assert "could not read that schedule" in wrong[-1].text
    answer = await admin.send_and_wait("9:00-21:00 12345 2026-12-31T18:00:00+0300 local")
    assert "Changed on the card above" in answer[-1].text
    form = admin.chat.message(card.message_id)  # one card per form, edited in place

    assert "Schedule: 09:00–21:00, days 12345, until 2026-12-31T18:00:00+0300" in form.text
    assert "Times in the subscriber's time zone" in form.text
    await admin.click_and_wait("✅", form)
    (record,) = desk.sandbox.sends.values()
    assert record.request["scheduleInfo"] == {
        "timeBegin": "09:00",
        "timeEnd": "21:00",
        "weekdaysSchedule": "12345",
        "deadline": "2026-12-31T18:00:00+0300",
    }
    assert record.request["useTimeDiff"] is True
