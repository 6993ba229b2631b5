"""A cascade's status card tells a step passed over by its lifetime from a failure.

Seed 000, line 11: the next step is sent when the step did not reach the link's state
(DELIVERED or READ) within its ttl. Such a step is not "stuck at SEND": the card says it
ran out of time.
"""

from __future__ import annotations

import httpx

from playground.users import PlaygroundUser
from provider.channels import MessageType
from provider.reports import DeliveryReport, DeliveryStatus
from tests.bot.conftest import Desk


async def send_viber_then_sms(desk: Desk, user: PlaygroundUser, phone: str) -> int:
    await user.send_and_wait("/cascade")
    await user.click_and_wait("Viber → SMS")
    await user.send_and_wait(phone)
    card = (await user.send_and_wait("Your code 1234"))[-1]
    await user.click_and_wait("✅", card)
    return card.message_id


async def test_a_step_unread_within_its_lifetime_is_shown_as_passed_over(desk: Desk) -> None:
    admin = desk.admin
    card = await send_viber_then_sms(desk, admin, "79001234562")  # 2: DELIVERED, never READ

    await desk.playground.wait_for(
        lambda: "2. SMS: DELIVERED" in admin.chat.message(card).text, what="SMS delivered"
    )
    text = admin.chat.message(card).text
    assert "1. Viber: DELIVERED · no READ within 1 min → next step" in text


async def test_a_step_without_a_final_status_is_shown_as_passed_over(desk: Desk) -> None:
    admin = desk.admin
    card = await send_viber_then_sms(desk, admin, "79001234563")  # 3: SEND only

    await desk.playground.wait_for(
        lambda: "2. SMS: SEND" in admin.chat.message(card).text, what="SMS started"
    )
    text = admin.chat.message(card).text
    assert "1. Viber: SEND · no READ within 1 min → next step" in text


async def test_a_failed_step_is_a_failure_not_a_lapse(desk: Desk) -> None:
    admin = desk.admin
    card = await send_viber_then_sms(desk, admin, "79001234564")  # 4: only SMS gets through

    await desk.playground.wait_for(
        lambda: "2. SMS: DELIVERED" in admin.chat.message(card).text, what="SMS delivered"
    )
    text = admin.chat.message(card).text
    assert "1. Viber: UNDELIVERED · absent-subscriber" in text
    assert "within" not in text


async def test_an_undelivered_report_without_a_code_says_it_gave_no_reason(desk: Desk) -> None:
    admin = desk.admin
    card = (await admin.send_and_wait("/sms 79001234563 hi"))[-1]  # 3: SEND only
    await admin.click_and_wait("✅", card)
    (record,) = desk.sandbox.sends.values()
    report = DeliveryReport(
        mt_num=record.mt_num, status=DeliveryStatus.UNDELIVERED, type=MessageType.SMS
    ).to_json()
    async with httpx.AsyncClient() as http:
        secret = await desk.stores.preferences.get("reports_secret")
        response = await http.post(f"{desk.pipeline.local_url}/reports/{secret}", json=report)
    assert response.status_code == 200

    await desk.playground.wait_for(
        lambda: "UNDELIVERED" in admin.chat.message(card.message_id).text, what="the failure"
    )
    text = admin.chat.message(card.message_id).text
    assert "1. SMS: UNDELIVERED · unknown" in text
    assert "The channel gave no reason" in text
