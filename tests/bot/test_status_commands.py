"""/status, /history, /trace, /lang and the command menu."""

from __future__ import annotations

import httpx

from playground.users import PlaygroundUser
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from tests.bot.conftest import Desk


async def send_sms(desk: Desk, user: PlaygroundUser, phone: str, text: str = "hi") -> str:
    card = (await user.send_and_wait(f"/sms {phone} {text}"))[-1]
    await user.click_and_wait("✅", card)
    send = next(s for s in desk.sandbox.sends.values() if s.request["destAddr"] == phone)
    return send.mt_num


async def test_status_shows_the_card_and_every_report(desk: Desk) -> None:
    admin = desk.admin
    mt_num = await send_sms(desk, admin, "79001234561")  # 1: undelivered
    await desk.playground.wait_for(
        lambda: (
            "UNDELIVERED" in admin.chat.bot_messages[-1].text
            or any("UNDELIVERED" in m.text for m in admin.chat.bot_messages)
        )
    )

    reply = (await admin.send_and_wait(f"/status {mt_num}"))[-1]

    assert f"mtNum {mt_num}" in reply.text
    assert "absent-subscriber" in reply.text
    assert "The phone is off or out of coverage." in reply.text
    assert "Reports received" in reply.text


async def test_a_final_failure_also_buzzes_with_a_reply(desk: Desk) -> None:
    admin = desk.admin
    await send_sms(desk, admin, "79001234561")

    await desk.playground.wait_for(
        lambda: any(m.text.startswith("❌ UNDELIVERED") for m in admin.chat.bot_messages),
        what="the failure alert",
    )
    alert = next(m for m in admin.chat.bot_messages if m.text.startswith("❌ UNDELIVERED"))
    assert alert.reply_to_message_id is not None
    assert "absent-subscriber" in alert.text


async def test_status_of_outside_traffic(desk: Desk) -> None:
    report = DeliveryReport(
        mt_num="777000",
        status=DeliveryStatus.DELIVERED,
        type=MessageType.SMS,
        dest_addr="79005550001",
    ).to_json()
    async with httpx.AsyncClient() as http:
        secret = await desk.stores.preferences.get("reports_secret")
        response = await http.post(f"{desk.pipeline.local_url}/reports/{secret}", json=report)
    assert response.status_code == 200

    reply = (await desk.admin.send_and_wait("/status 777000"))[-1]
    trace = (await desk.admin.send_and_wait("/trace +7 900 555-00-01"))[-1]

    assert "not sent by this bot" in reply.text
    assert "DELIVERED" in reply.text
    assert "777000" in trace.text


async def test_unknown_reference(desk: Desk) -> None:
    reply = (await desk.admin.send_and_wait("/status <nope>"))[-1]
    assert "Nothing known about <nope>" in reply.text


async def test_history_pages_and_opens_cards(desk: Desk) -> None:
    admin = desk.admin
    for n in range(9):
        await send_sms(desk, admin, f"7900123450{n}")

    page = (await admin.send_and_wait("/history"))[-1]
    assert page.text.count("→") == 8
    await admin.click_and_wait("◀️", page)
    older = admin.chat.bot_messages[-1]
    assert older.text.count("→") == 1
    await admin.click_and_wait("#1 ", older)
    opened = admin.chat.bot_messages[-1]
    assert "mtNum" in opened.text


async def test_trace_finds_sends_to_a_number(desk: Desk) -> None:
    admin = desk.admin
    await send_sms(desk, admin, "79001234560")
    reply = (await admin.send_and_wait("/trace 8 (900) 123-45-60 7d"))[-1]
    assert "*******4560" in reply.text
    assert "SMS" in reply.text


async def test_language_switch(desk: Desk) -> None:
    admin = desk.admin
    await admin.send_and_wait("/lang")
    await admin.click_and_wait("Русский")
    reply = (await admin.send_and_wait("/help"))[-1]
    assert "Пульт доставки" in reply.text


async def test_command_menu_in_both_languages(desk: Desk) -> None:
    # Registered in the background (start-up does not wait for Telegram); the menu without
    # a language comes last.
    await desk.playground.wait_for(lambda: desk.playground.commands(), what="the menu")
    ru = [c["command"] for c in desk.playground.commands(language_code="ru")]
    en = desk.playground.commands(language_code="en")
    assert ru == [c["command"] for c in en]
    assert {"send", "sms", "flashcall", "cascade", "status", "history", "trace"} <= set(ru)
    assert any("SMS" in c["description"] for c in en)
