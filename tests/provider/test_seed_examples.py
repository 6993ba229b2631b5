"""Every REST JSON example of the seed pages, placeholders filled in and nothing else changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from provider.errors import BadRequestError, api_error
from provider.messages import VoiceCodeData
from provider.request import SendRequest, SendResult
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig

EXAMPLES = Path(__file__).parent / "seed_examples"

# Longest first: НОМЕР_ОТПРАВИТЕЛЯ_SMS must not become <sender>_SMS.
PLACEHOLDERS = {
    "НОМЕР_ОТПРАВИТЕЛЯ_SMS": "DeskSMS",
    "НОМЕР_ОТПРАВИТЕЛЯ": "DeskTest",
    "НОМЕР_АБОНЕНТА": "79001234560",
    "Номер_Абонента": "79001234560",
    "ВАШ_ЛОГИН": "sandbox",
    "ВАШ_ПАРОЛЬ": "sandbox",
}


def filled(name: str) -> str:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


REQUESTS = sorted(p.name for p in EXAMPLES.glob("*.request.json"))


def test_all_four_request_examples_are_found() -> None:
    assert REQUESTS == [
        "000_push_sms_cascade.request.json",
        "000_viber_sms_cascade.request.json",
        "001_vk.request.json",
        "004_flashingcall.request.json",
    ]


@pytest.mark.parametrize("name", REQUESTS)
def test_request_example_round_trips_through_the_models(name: str) -> None:
    original: dict[str, Any] = json.loads(filled(name))

    request = SendRequest.model_validate(original)

    assert request.to_wire() == original


@pytest.mark.parametrize("name", REQUESTS)
async def test_request_example_is_accepted_by_the_sandbox(
    name: str, sandbox: RunningSandbox
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            sandbox.rest_url,
            content=filled(name).encode(),
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 200, response.text
    answer = SendResult.model_validate(response.json())
    assert answer.mt_num.isdigit()
    assert answer.id == json.loads(filled(name)).get("id")
    assert [sent.partner_id for sent in sandbox.sends.values()] == [answer.id]


def test_success_response_example_parses_once_its_missing_comma_is_added() -> None:
    raw = (EXAMPLES / "001_vk.response.json").read_text(encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)  # the seed's own typo

    fixed = raw.replace('"7390612217"\n', '"7390612217",\n', 1)
    result = SendResult.model_validate_json(fixed)

    assert (result.mt_num, result.id) == ("7390612217", "8770599")


def test_error_response_example_becomes_a_typed_error() -> None:
    body = json.loads((EXAMPLES / "004_flashingcall_error.response.json").read_text("utf-8"))

    error = api_error(
        code=body["error"]["code"],
        http_status=400,
        description=body["error"]["description"],
        extended_description=body["extendedDescription"],
    )

    assert isinstance(error, BadRequestError)
    assert error.code == 4
    assert error.description == "Invalid request"
    assert error.extended_description == "FlashingCall text should contain a 4-digit code."
    assert not error.retryable


@pytest.mark.parametrize(
    "name", ["000_push_sms_cascade.request.json", "000_viber_sms_cascade.request.json"]
)
def test_a_cascade_example_rebuilt_from_its_steps_asks_for_every_report(name: str) -> None:
    # Seed 000, line 15: a chain reports every step with registeredDelivery "1" (which
    # seed 001, line 97, also gives as the default); the examples leave it out, our
    # cascades say it.
    original = SendRequest.model_validate_json(filled(name))
    fields = {"login": original.login, "password": original.password, "id": original.id}

    rebuilt = SendRequest.from_steps(original.dest_addr, original.steps(), **fields)

    assert rebuilt.to_wire() == {**original.to_wire(), "registeredDelivery": 1}


async def test_the_flashing_call_example_is_also_a_voice_code() -> None:
    # "1234" is the code alone, four digits: what a VoiceCode account takes (seed 004,
    # lines 9-10 and 69).
    body = json.loads(filled("004_flashingcall.request.json"))
    VoiceCodeData.model_validate(body["message"]["data"])
    config = SandboxConfig(time_scale=0.002, voice_code=True)
    async with Sandbox(config).running() as sandbox, httpx.AsyncClient() as http:
        response = await http.post(sandbox.rest_url, json=body)

    assert response.status_code == 200, response.text


async def test_a_flashing_call_without_a_code_is_refused_as_in_the_error_example(
    sandbox: RunningSandbox,
) -> None:
    example = json.loads((EXAMPLES / "004_flashingcall_error.response.json").read_text("utf-8"))
    body = json.loads(filled("004_flashingcall.request.json"))
    body["message"]["data"]["text"] = "Ваш код"

    async with httpx.AsyncClient() as http:
        response = await http.post(sandbox.rest_url, json=body)

    assert response.status_code == 400
    assert response.json()["error"] == example["error"]
    assert "must contain the code" in response.json()["extendedDescription"]
