"""Report delivery: where reports go, which are sent, retries, and cascades."""

from __future__ import annotations

import httpx

from provider.reports import DeliveryReport
from provider.sandbox import Sandbox, SandboxConfig
from tests.helpers import (
    ReportReceiver,
    flashcall,
    link,
    phone,
    send_body,
    sms,
    statuses,
    viber,
    vk,
)


async def accepted(sandbox: Sandbox, http: httpx.AsyncClient, body: dict[str, object]) -> str:
    response = await http.post(sandbox.rest_url, json=body)
    assert response.status_code == 200, response.text
    mt_num: str = response.json()["mtNum"]
    return mt_num


# --- where reports go ---------------------------------------------------------------------


async def test_without_notify_url_reports_go_to_the_accounts_report_url(
    http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    config = SandboxConfig(time_scale=0.002, report_url=report_receiver.url)
    async with Sandbox(config).running() as sandbox:
        mt_num = await accepted(sandbox, http, send_body(dest=phone(7)))

        reports = await report_receiver.wait_for_count(2)

    assert [r["mtNum"] for r in reports] == [mt_num, mt_num]
    assert statuses(reports) == [("SMS", 0), ("SMS", 2)]


async def test_without_any_url_reports_are_only_recorded(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    mt_num = await accepted(sandbox, http, send_body(dest=phone(0)))

    record = await sandbox.wait_finished(mt_num)

    assert [r["status"] for r in record.reports] == [0, 2]
    assert sandbox.reports_posted == []


async def test_registered_delivery_0_sends_no_reports(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(viber(), dest=phone(1), registeredDelivery=0, notifyUrl=report_receiver.url)
    mt_num = await accepted(sandbox, http, body)

    record = await sandbox.wait_finished(mt_num)

    assert record.reports == []
    assert report_receiver.posts == []


async def test_registered_delivery_2_sends_only_undelivered(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(viber(), dest=phone(1), registeredDelivery=2, notifyUrl=report_receiver.url)
    mt_num = await accepted(sandbox, http, body)

    await sandbox.wait_finished(mt_num)

    assert statuses(report_receiver.reports) == [("VIBER", 5)]


async def test_registered_delivery_2_sends_nothing_for_a_delivered_message(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(viber(), dest=phone(0), registeredDelivery=2, notifyUrl=report_receiver.url)
    mt_num = await accepted(sandbox, http, body)

    await sandbox.wait_finished(mt_num)

    assert report_receiver.posts == []


# --- retries --------------------------------------------------------------------------------


async def test_a_report_refused_with_503_twice_is_retried_until_taken(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    report_receiver.respond_with(503, count=2)
    mt_num = await accepted(sandbox, http, send_body(dest=phone(3), notifyUrl=report_receiver.url))

    [report] = await report_receiver.wait_for_count(1)

    assert (report["mtNum"], report["status"]) == (mt_num, 0)
    assert [p.status for p in report_receiver.posts] == [503, 503, 200]
    await sandbox.wait_finished(mt_num)
    attempts = [(a.attempt, a.http_status) for a in sandbox.reports_posted]
    assert attempts == [(1, 503), (2, 503), (3, 200)]
    assert all(a.report == report for a in sandbox.reports_posted)


async def test_a_report_refused_with_4xx_is_not_retried(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    report_receiver.respond_with(404, count=1)
    mt_num = await accepted(sandbox, http, send_body(dest=phone(0), notifyUrl=report_receiver.url))

    await sandbox.wait_finished(mt_num)

    assert [p.status for p in report_receiver.posts] == [404, 200]
    assert statuses(report_receiver.reports) == [("SMS", 2)]
    assert [(a.report["status"], a.http_status) for a in sandbox.reports_posted] == [
        (0, 404),
        (2, 200),
    ]


async def test_an_unreachable_receiver_is_retried_then_given_up(http: httpx.AsyncClient) -> None:
    receiver = ReportReceiver()
    await receiver.start()
    dead_url = receiver.url
    await receiver.stop()  # nothing listens there any more: connection refused
    config = SandboxConfig(time_scale=0, report_attempts=3, report_retry_delay=0.01)
    async with Sandbox(config).running() as sandbox:
        mt_num = await accepted(sandbox, http, send_body(dest=phone(3), notifyUrl=dead_url))
        await sandbox.wait_finished(mt_num)

    assert [(a.attempt, a.http_status) for a in sandbox.reports_posted] == [
        (1, None),
        (2, None),
        (3, None),
    ]
    assert all(a.error for a in sandbox.reports_posted)


# --- cascades -------------------------------------------------------------------------------


async def test_a_three_step_cascade_falls_through_to_sms_in_order(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    # VIBER -READ-> VK -DELIVERED-> SMS to a number ending in 4: only SMS gets through.
    chain = link(
        "READ",
        vk("VK text", "VK sender"),
        next_link=link("DELIVERED", sms("SMS text", serviceNumber="SMS sender")),
    )
    body = send_body(
        viber("Viber text", "Viber sender"),
        dest=phone(4),
        id="cascade-1",
        notifyUrl=report_receiver.url,
        cascadeChainLink=chain,
    )
    mt_num = await accepted(sandbox, http, body)

    reports = await report_receiver.wait_for_count(6)

    assert statuses(reports) == [
        ("VIBER", 0),
        ("VIBER", 5),
        ("VK", 0),
        ("VK", 5),
        ("SMS", 0),
        ("SMS", 2),
    ]
    assert {(r["mtNum"], r["id"]) for r in reports} == {(mt_num, "cascade-1")}
    parsed = [DeliveryReport.model_validate(r) for r in reports]
    assert [p.error for p in parsed] == [None, "absent-subscriber", None, "unknown", None, None]
    assert [(r["sourceAddr"], r["text"]) for r in reports[::2]] == [
        ("Viber sender", "Viber text"),
        ("VK sender", "VK text"),
        ("SMS sender", "SMS text"),
    ]
    record = await sandbox.wait_finished(mt_num)
    assert len(record.reports) == 6


async def test_a_delivered_but_unread_step_moves_on_after_its_ttl(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    # Outcome 2: Viber is delivered, never read; the link waits for READ, so SMS follows
    # once Viber's 30-second lifetime is over.
    body = send_body(
        viber(ttl=30, ttlUnit="SECONDS"),
        dest=phone(2),
        notifyUrl=report_receiver.url,
        cascadeChainLink=link("READ", sms()),
    )
    await accepted(sandbox, http, body)

    reports = await report_receiver.wait_for_count(4)

    assert statuses(reports) == [("VIBER", 0), ("VIBER", 2), ("SMS", 0), ("SMS", 2)]
    viber_send, sms_send = (DeliveryReport.model_validate(r) for r in (reports[0], reports[2]))
    assert viber_send.submit_date is not None
    assert sms_send.submit_date is not None
    assert (sms_send.submit_date - viber_send.submit_date).total_seconds() == 30


async def test_a_step_that_reaches_the_state_ends_the_chain(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(
        viber(),
        dest=phone(2),
        notifyUrl=report_receiver.url,
        cascadeChainLink=link("DELIVERED", sms()),
    )
    mt_num = await accepted(sandbox, http, body)

    await sandbox.wait_finished(mt_num)

    assert statuses(report_receiver.reports) == [("VIBER", 0), ("VIBER", 2)]


async def test_a_step_without_a_final_status_moves_on_after_the_default_ttl(
    http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    # Outcome 3: FlashingCall stays SEND; after its 1-minute ttl the SMS goes; the SMS has no
    # ttl of its own and is the last step, so the send ends with its SEND.
    config = SandboxConfig(time_scale=0.001)
    async with Sandbox(config).running() as sandbox:
        body = send_body(
            flashcall(ttl=1),
            dest=phone(3),
            notifyUrl=report_receiver.url,
            cascadeChainLink=link("DELIVERED", sms()),
        )
        mt_num = await accepted(sandbox, http, body)
        record = await sandbox.wait_finished(mt_num)

    assert statuses(report_receiver.reports) == [("FLASHINGCALL", 0), ("SMS", 0)]
    assert [item.at for item in record.schedule] == [1.0, 61.0]
