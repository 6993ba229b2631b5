"""Duplicate control: a retried request with the same id is never sent twice."""

from __future__ import annotations

import httpx

from provider.sandbox import Sandbox, SandboxConfig
from provider.sandbox.__main__ import config_from, parse_args
from tests.helpers import ReportReceiver, phone, send_body, sms, statuses, viber


async def test_the_same_id_and_request_twice_is_one_send_with_one_set_of_reports(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(viber(), dest=phone(0), id="retry-me", notifyUrl=report_receiver.url)

    first = await http.post(sandbox.rest_url, json=body)
    second = await http.post(sandbox.rest_url, json=body)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == {"mtNum": first.json()["mtNum"], "id": "retry-me"}
    [record] = sandbox.sends.values()
    await sandbox.wait_finished(record.mt_num)
    assert statuses(report_receiver.reports) == [("VIBER", 0), ("VIBER", 2), ("VIBER", 9)]
    assert [r.http_status for r in sandbox.received] == [200, 200]


async def test_the_same_destination_written_another_way_is_the_same_request(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    # The destination written two ways is one request: bodies are compared after parsing.
    first = await http.post(sandbox.rest_url, json=send_body(id="p-1", destAddr="79001234560"))
    second = await http.post(sandbox.rest_url, json=send_body(id="p-1", destAddr="+79001234560"))

    assert first.json()["mtNum"] == second.json()["mtNum"]
    assert len(sandbox.sends) == 1


async def test_a_refused_id_is_still_free(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    refused = await http.post(sandbox.rest_url, json=send_body(sms(" "), id="p-2"))
    accepted = await http.post(sandbox.rest_url, json=send_body(sms("ok"), id="p-2"))

    assert (refused.status_code, accepted.status_code) == (400, 200)


async def test_requests_without_id_are_distinct_sends_with_unique_numeric_mt_nums(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    answers = [await http.post(sandbox.rest_url, json=send_body()) for _ in range(3)]

    mt_nums = [a.json()["mtNum"] for a in answers]
    assert all(m.isdigit() for m in mt_nums)
    assert len(set(mt_nums)) == 3
    assert set(sandbox.sends) == set(mt_nums)


async def test_with_duplicate_control_off_a_repeated_id_is_sent_again(
    http: httpx.AsyncClient,
) -> None:
    config = SandboxConfig(duplicate_control=False, time_scale=0)
    async with Sandbox(config).running() as sandbox:
        first = await http.post(sandbox.rest_url, json=send_body(id="again"))
        second = await http.post(sandbox.rest_url, json=send_body(sms("other"), id="again"))

    assert first.status_code == second.status_code == 200
    assert first.json()["mtNum"] != second.json()["mtNum"]


def test_the_command_line_switches_duplicate_control_off_for_the_account() -> None:
    assert config_from(parse_args(["--port", "0"])).duplicate_control is True
    off = config_from(parse_args(["--port", "0", "--no-duplicate-control"]))
    assert off.duplicate_control is False
