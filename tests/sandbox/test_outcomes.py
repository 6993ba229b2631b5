"""Each outcome digit, as a receiver sees it: statuses, types, error names, report fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from provider.reports import DeliveryReport
from provider.sandbox import Sandbox
from tests.helpers import (
    JsonObject,
    ReportReceiver,
    flashcall,
    phone,
    send_body,
    sms,
    statuses,
    viber,
    vk,
)

SEND, DELIVERED, UNDELIVERED, READ = 0, 2, 5, 9


async def send_and_collect(
    sandbox: Sandbox,
    http: httpx.AsyncClient,
    receiver: ReportReceiver,
    body: dict[str, Any],
) -> list[JsonObject]:
    """Send, wait until the sandbox has emitted everything, return what the receiver got."""
    response = await http.post(sandbox.rest_url, json=body)
    assert response.status_code == 200, response.text
    record = await sandbox.wait_finished(response.json()["mtNum"])
    # Every report was posted before `finished` is set; the receiver must hold them all.
    return await receiver.wait_for_count(len(record.reports))


V, S = "VIBER", "SMS"


def case(digit: str, message: JsonObject, *expected: tuple[str, int]) -> Any:
    return pytest.param(digit, message, list(expected), id=f"{digit}-{message['type']}")


@pytest.mark.parametrize(
    ("digit", "message", "expected"),
    [
        case("0", viber(), (V, SEND), (V, DELIVERED), (V, READ)),
        case("0", sms(), (S, SEND), (S, DELIVERED)),
        case("0", flashcall(), ("FLASHINGCALL", SEND), ("FLASHINGCALL", DELIVERED)),
        case("1", viber(), (V, SEND), (V, UNDELIVERED)),
        case("1", vk(), ("VK", SEND), ("VK", UNDELIVERED)),
        case("2", viber(), (V, SEND), (V, DELIVERED)),
        case("3", sms(), (S, SEND)),
        case("3", viber(), (V, SEND)),
        case("4", viber(), (V, SEND), (V, UNDELIVERED)),
        case("4", sms(), (S, SEND), (S, DELIVERED)),
        # Out of order and twice over: latest status first, the whole run repeated.
        case(
            "5", viber(), (V, READ), (V, DELIVERED), (V, SEND), (V, READ), (V, DELIVERED), (V, SEND)
        ),
        case("5", sms(), (S, DELIVERED), (S, SEND), (S, DELIVERED), (S, SEND)),
        case("6", vk(), ("VK", SEND), ("VK", DELIVERED), ("VK", READ)),
        case("7", sms(), (S, SEND), (S, DELIVERED)),
        case("8", viber(), (V, SEND), (V, DELIVERED), (V, READ)),
        case("9", viber(), (V, SEND), (V, DELIVERED), (V, READ)),
    ],
)
async def test_the_last_digit_scripts_the_reports(
    sandbox: Sandbox,
    http: httpx.AsyncClient,
    report_receiver: ReportReceiver,
    digit: str,
    message: JsonObject,
    expected: list[tuple[str, int]],
) -> None:
    body = send_body(message, dest=phone(digit), notifyUrl=report_receiver.url)

    reports = await send_and_collect(sandbox, http, report_receiver, body)

    assert statuses(reports) == expected


@pytest.mark.parametrize(
    ("message", "error_code", "error_name"),
    [
        (viber(), "2", "absent-subscriber"),
        (sms(), "2", "absent-subscriber"),
        (vk(), "1", "unknown"),
        (flashcall(), "1", "unknown"),
        ({"type": "TELEGRAM", "data": {"text": "hi"}}, "1", "unknown"),
        (
            {
                "type": "WHATSAPP",
                "data": {"instantContent": {"type": "TEXT", "data": {"text": "hi"}}},
            },
            "3",
            "call-barred",
        ),
    ],
    ids=["viber", "sms", "vk", "flashcall", "telegram", "whatsapp"],
)
async def test_undelivered_names_absent_subscriber_or_the_types_first_error(
    sandbox: Sandbox,
    http: httpx.AsyncClient,
    report_receiver: ReportReceiver,
    message: JsonObject,
    error_code: str,
    error_name: str,
) -> None:
    body = send_body(message, dest=phone(1), notifyUrl=report_receiver.url)

    send, undelivered = await send_and_collect(sandbox, http, report_receiver, body)

    assert (send["status"], send["errorCode"]) == (SEND, "0")
    assert (undelivered["status"], undelivered["errorCode"]) == (UNDELIVERED, error_code)
    assert DeliveryReport.model_validate(undelivered).error == error_name


async def test_a_report_carries_the_send_in_the_platforms_shape(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(
        sms("Your code 4711", serviceNumber="ACME"),
        dest="+7 900 123-45-60",
        id="partner-42",
        notifyUrl=report_receiver.url,
    )
    response = await http.post(sandbox.rest_url, json=body)
    mt_num = response.json()["mtNum"]

    send, delivered = await report_receiver.wait_for_count(2)

    for report in (send, delivered):
        assert report["mtNum"] == mt_num
        assert report["id"] == "partner-42"
        assert report["destAddr"] == phone(0)
        assert report["sourceAddr"] == "ACME"
        assert report["text"] == "Your code 4711"
        assert report["type"] == "SMS"
        assert report["errorCode"] == "0"
        assert report["submitDate"].endswith("+0300")
    assert send["doneDate"] == ""
    assert delivered["doneDate"].endswith("+0300")
    parsed_send = DeliveryReport.model_validate(send)
    parsed_delivered = DeliveryReport.model_validate(delivered)
    assert parsed_delivered.done_date is not None
    assert parsed_send.submit_date is not None
    # Dates are on the simulated clock: delivered 3 s after submission at any time scale.
    assert parsed_delivered.done_date - parsed_send.submit_date == timedelta(seconds=3)


async def test_reports_without_a_partner_id_have_no_id(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(dest=phone(3), notifyUrl=report_receiver.url)
    await http.post(sandbox.rest_url, json=body)

    [report] = await report_receiver.wait_for_count(1)

    assert "id" not in report


async def test_a_flashcall_reports_the_default_sender(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(flashcall("4711"), dest=phone(3), notifyUrl=report_receiver.url)
    await http.post(sandbox.rest_url, json=body)

    [report] = await report_receiver.wait_for_count(1)

    assert (report["sourceAddr"], report["text"]) == ("SANDBOX", "4711")
