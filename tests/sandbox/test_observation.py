"""What a test or an operator can see of the sandbox: its records, its summary, its logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from provider.sandbox import Sandbox, SandboxConfig
from tests.helpers import ReportReceiver, link, phone, send_body, sms, viber

SECRET = "pa55-w0rd-s3cret"


async def test_the_password_is_never_kept_nor_logged(
    http: httpx.AsyncClient,
    report_receiver: ReportReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="provider.sandbox")
    config = SandboxConfig(password=SECRET, time_scale=0.002)
    async with Sandbox(config).running() as sandbox:
        good = send_body(password=SECRET, dest=phone(0), notifyUrl=report_receiver.url)
        accepted = await http.post(sandbox.rest_url, json=good)
        refused = await http.post(sandbox.rest_url, json={**good, "destAddr": "12"})
        wrong = await http.post(sandbox.rest_url, json=send_body(password=SECRET + "x"))
        await sandbox.wait_finished(accepted.json()["mtNum"])
        summary = (await http.get(sandbox.base_url + "/_sandbox/sends")).text

    assert (accepted.status_code, refused.status_code, wrong.status_code) == (200, 406, 401)
    for text in (accepted.text, refused.text, wrong.text, summary, caplog.text):
        assert SECRET not in text
    assert SECRET not in repr(sandbox.config)
    assert all(r.body is not None and r.body["password"] == "***" for r in sandbox.received)
    [record] = sandbox.sends.values()
    assert record.request["password"] == "***"


async def test_logs_are_one_key_value_line_per_event_with_masked_numbers(
    sandbox: Sandbox,
    http: httpx.AsyncClient,
    report_receiver: ReportReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="provider.sandbox")
    body = send_body(dest=phone(0), notifyUrl=report_receiver.url)

    response = await http.post(sandbox.rest_url, json=body)
    await sandbox.wait_finished(response.json()["mtNum"])

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("provider.sandbox")]
    events = [line.split()[0] for line in lines]
    assert events == [
        "event=send_accepted",
        "event=rest_send",
        "event=report_posted",
        "event=report_posted",
    ]
    assert all("\n" not in line for line in lines)
    assert phone(0) not in caplog.text
    assert "dest=*******4560" in lines[1]
    # The receiver's path may hold its secret token: only the origin is logged.
    assert "test-token" not in caplog.text


async def test_the_summary_tells_what_a_sandbox_in_another_process_did(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(
        viber(),
        dest=phone(1),
        id="sum-1",
        notifyUrl=report_receiver.url,
        cascadeChainLink=link("DELIVERED", sms()),
    )
    mt_num = (await http.post(sandbox.rest_url, json=body)).json()["mtNum"]
    await sandbox.wait_finished(mt_num)
    await http.post(sandbox.rest_url, json=send_body(login="nobody"))

    summary = (await http.get(sandbox.base_url + "/_sandbox/sends")).json()

    [send] = summary["sends"]
    assert send["mtNum"] == mt_num
    assert send["id"] == "sum-1"
    assert send["outcome"] == "undelivered"
    assert send["finished"] is True
    assert send["steps"] == [
        {"type": "VIBER", "resendIfNot": None},
        {"type": "SMS", "resendIfNot": "DELIVERED"},
    ]
    assert [(r["type"], r["status"]) for r in send["reports"]] == [
        ("VIBER", 0),
        ("VIBER", 5),
        ("SMS", 0),
        ("SMS", 5),
    ]
    assert [(r["httpStatus"], r["code"]) for r in summary["received"]] == [(200, None), (401, 5)]
    assert [p["httpStatus"] for p in summary["reportsPosted"]] == [200, 200, 200, 200]


async def test_several_sandboxes_run_side_by_side(http: httpx.AsyncClient) -> None:
    async with (
        Sandbox(SandboxConfig(login="a", time_scale=0)).running() as first,
        Sandbox(SandboxConfig(login="b", time_scale=0)).running() as second,
    ):
        urls = {first.rest_url, second.rest_url}
        to_first = await http.post(first.rest_url, json=send_body(login="a"))
        to_second = await http.post(second.rest_url, json=send_body(login="a"))

    assert len(urls) == 2
    assert (to_first.status_code, to_second.status_code) == (200, 401)
    assert (len(first.sends), len(second.sends)) == (1, 0)


async def test_a_sandbox_can_be_started_again_after_stopping(http: httpx.AsyncClient) -> None:
    sandbox = Sandbox(SandboxConfig(time_scale=0))
    for _ in range(2):
        async with sandbox.running():
            response = await http.post(sandbox.rest_url, json=send_body())
            assert response.status_code == 200
    assert len(sandbox.sends) == 2
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.rest_url
