"""What the documents allow, the sandbox takes: FlashingCall text, VoiceCode, Push to a
user, Push extraOptions; and it refuses what they forbid, with the platform's codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from provider.channels import CascadeState
from provider.reports import DeliveryReport, DeliveryStatus, lifetime_ran_out
from provider.sandbox import Sandbox, SandboxConfig
from tests.helpers import (
    JsonObject,
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
from tests.sandbox.test_errors import assert_refused


async def reports_of(
    sandbox: Sandbox, http: httpx.AsyncClient, receiver: ReportReceiver, body: JsonObject
) -> list[JsonObject]:
    response = await http.post(sandbox.rest_url, json={**body, "notifyUrl": receiver.url})
    assert response.status_code == 200, response.text
    record = await sandbox.wait_finished(response.json()["mtNum"])
    return await receiver.wait_for_count(len(record.reports))


# -- FlashingCall: a text that contains the code ----------------------------------------


async def test_a_flashing_call_text_with_the_code_is_called_and_reported(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    body = send_body(flashcall("Ваш код 2268", ttl=2), dest=phone(0))

    reports = await reports_of(sandbox, http, report_receiver, body)

    assert statuses(reports) == [("FLASHINGCALL", 0), ("FLASHINGCALL", 2)]
    assert {r["text"] for r in reports} == {"Ваш код 2268"}


async def test_the_documented_four_step_cascade_is_taken_and_falls_through_to_sms(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    # The platform's example chain VK > Viber > FlashingCall > SMS, FlashingCall text
    # "Ваш код 2268" (provider-api.md, lines 45 and 82); a number ending in 4: only SMS
    # gets through, so every step is tried in turn.
    chain = link(
        "DELIVERED",
        viber("Ваш код 2268"),
        link("DELIVERED", flashcall("Ваш код 2268", ttl=2), link("DELIVERED", sms("Код 2268"))),
    )
    body = send_body(vk("Ваш код 2268"), dest=phone(4), cascadeChainLink=chain)

    reports = await reports_of(sandbox, http, report_receiver, body)

    assert statuses(reports) == [
        ("VK", 0),
        ("VK", 5),
        ("VIBER", 0),
        ("VIBER", 5),
        ("FLASHINGCALL", 0),
        ("FLASHINGCALL", 5),
        ("SMS", 0),
        ("SMS", 2),
    ]


# -- VoiceCode: an account whose FLASHINGCALLs are read out ---------------------------------


@pytest.fixture
async def voice_code_sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(SandboxConfig(time_scale=0.002, voice_code=True)).running() as sandbox:
        yield sandbox


async def test_a_voice_code_account_takes_the_four_digit_code_alone(
    voice_code_sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(voice_code_sandbox.rest_url, json=send_body(flashcall("0042")))

    assert response.status_code == 200, response.text
    [record] = voice_code_sandbox.sends.values()
    assert record.request["message"] == {"type": "FLASHINGCALL", "data": {"text": "0042", "ttl": 1}}


@pytest.mark.parametrize(
    ("body", "extended"),
    [
        (
            send_body(flashcall("Ваш код 2268")),
            "message.data.text: VoiceCode text must be the code alone: 4 digits",
        ),
        (
            send_body(flashcall("123456")),
            "message.data.text: VoiceCode text must be the code alone: 4 digits",
        ),
        (
            send_body(viber(), cascadeChainLink=link("DELIVERED", flashcall("Код 1234"))),
            "cascadeChainLink.message.data.text: VoiceCode text must be the code alone: 4 digits",
        ),
    ],
    ids=["text-around-the-code", "six-digits", "in-a-cascade-link"],
)
async def test_a_voice_code_account_refuses_anything_else_with_code_4(
    voice_code_sandbox: Sandbox, http: httpx.AsyncClient, body: JsonObject, extended: str
) -> None:
    response = await http.post(voice_code_sandbox.rest_url, json=body)

    assert_refused(response, 4, extended)
    assert voice_code_sandbox.sends == {}


# -- Push: to an app user, with extraOptions of every documented shape -------------------


def push(**data: Any) -> JsonObject:
    return {"type": "PUSH", "data": {"text": "Your order is ready", **data}}


@pytest.mark.parametrize(("user", "last"), [("user-40", 9), ("user-41", 5), ("anna", 9)])
async def test_a_push_to_an_external_user_id_goes_without_dest_addr(
    sandbox: Sandbox,
    http: httpx.AsyncClient,
    report_receiver: ReportReceiver,
    user: str,
    last: int,
) -> None:
    # The outcome follows the user id's last digit, like a phone's (none: read).
    body = send_body(push(externalUserId=user))
    del body["destAddr"]

    reports = await reports_of(sandbox, http, report_receiver, body)

    assert statuses(reports)[-1] == ("PUSH", last)
    assert all("destAddr" not in r for r in reports)
    [record] = sandbox.sends.values()
    assert "destAddr" not in record.request


async def test_push_extra_options_take_objects_lists_and_strings(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    options = [
        {"param_name": "RICH", "param_value": {"imageUrl": "https://i.example/a.png"}},
        {"param_name": "SENDING_PLATFORMS", "param_value": ["ANDROID", "IOS"]},
        {"param_name": "sound", "param_value": "default"},
    ]
    actions = [{"title": "Open", "action": "a" * 64, "options": "o" * 300}]

    response = await http.post(
        sandbox.rest_url,
        json=send_body(push(extraOptions=options, content={"actions": actions})),
    )

    assert response.status_code == 200, response.text
    [record] = sandbox.sends.values()
    assert record.request["message"]["data"]["extraOptions"] == options


async def test_a_push_action_over_64_characters_is_code_4(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    actions = [{"title": "Open", "action": "a" * 65}]
    response = await http.post(sandbox.rest_url, json=send_body(push(content={"actions": actions})))

    assert_refused(
        response,
        4,
        "message.data.content.actions.0.action: A push action is 65 characters long; "
        "the limit is 64",
    )


# -- Telegram: the link must be a URL -------------------------------------------------------


@pytest.mark.parametrize("link_", ["t.me/desk", "https://", "javascript:alert(1)"])
async def test_a_telegram_link_that_is_no_url_is_code_4(
    sandbox: Sandbox, http: httpx.AsyncClient, link_: str
) -> None:
    message = {"type": "TELEGRAM", "data": {"text": "t", "link": link_}}
    response = await http.post(sandbox.rest_url, json=send_body(message))

    assert_refused(
        response,
        4,
        "message.data.link: The Telegram link must start with http://, https://, tg://",
    )


# -- cascades: a step passed over when its lifetime ran out ---------------------------------


async def test_a_cascade_step_that_ran_out_of_lifetime_is_told_apart_from_a_failure(
    sandbox: Sandbox, http: httpx.AsyncClient, report_receiver: ReportReceiver
) -> None:
    # A number ending in 2: Viber is delivered but never read; the link waits for READ,
    # so the SMS goes when Viber's 30 seconds are over (seed 000, line 11).
    body = send_body(
        viber(ttl=30, ttlUnit="SECONDS"), dest=phone(2), cascadeChainLink=link("READ", sms())
    )

    reports = [
        DeliveryReport.model_validate(r)
        for r in await reports_of(sandbox, http, report_receiver, body)
    ]

    viber_last = [r.status for r in reports if r.type == "VIBER"][-1]
    sms_started = any(r.type == "SMS" for r in reports)

    assert viber_last is DeliveryStatus.DELIVERED
    assert lifetime_ran_out(viber_last, CascadeState.READ, next_step_started=sms_started)
