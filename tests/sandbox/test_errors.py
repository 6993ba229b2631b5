"""Every refusal the sandbox produces: HTTP status, code, description, body shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from provider.errors import ERROR_CODES
from provider.sandbox import Sandbox, SandboxConfig
from tests.helpers import flashcall, link, phone, send_body, sms, viber, vk


def assert_refused(response: httpx.Response, code: int, extended: str | None = None) -> None:
    """The platform's error shape exactly: error.code, error.description, extendedDescription."""
    known = ERROR_CODES[code]
    assert response.status_code == known.http_status, response.text
    body = response.json()
    assert set(body) <= {"error", "extendedDescription"}
    assert body["error"] == {"code": code, "description": known.description}
    if extended is not None:
        assert body["extendedDescription"] == extended


async def test_a_valid_request_is_answered_with_mt_num_and_the_id(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(id="partner-1"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"mtNum", "id"}
    assert body["mtNum"].isdigit()
    assert body["id"] == "partner-1"


async def test_without_an_id_only_mt_num_is_answered(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body())

    assert response.status_code == 200
    assert set(response.json()) == {"mtNum"}


@pytest.mark.parametrize(
    "content",
    [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"],
    ids=["text", "array", "string", "bytes"],
)
async def test_a_body_that_is_not_a_json_object_is_code_4(
    sandbox: Sandbox, http: httpx.AsyncClient, content: bytes
) -> None:
    response = await http.post(
        sandbox.rest_url, content=content, headers={"Content-Type": "application/json"}
    )

    assert_refused(response, 4)
    assert sandbox.received[-1].body is None
    assert sandbox.received[-1].http_status == 400


async def test_a_peer_outside_the_allowed_ips_is_code_2(http: httpx.AsyncClient) -> None:
    config = SandboxConfig(allowed_ips=("10.20.30.40", "192.168.0.0/16"))
    async with Sandbox(config).running() as sandbox:
        response = await http.post(sandbox.rest_url, json=send_body())

    assert_refused(response, 2)


async def test_a_peer_inside_an_allowed_network_may_send(http: httpx.AsyncClient) -> None:
    config = SandboxConfig(allowed_ips=("10.20.30.40", "127.0.0.0/8"))
    async with Sandbox(config).running() as sandbox:
        response = await http.post(sandbox.rest_url, json=send_body())

    assert response.status_code == 200


@pytest.mark.parametrize("login", ["someone", None, 42], ids=["wrong", "missing", "number"])
async def test_a_wrong_login_is_code_5(
    sandbox: Sandbox, http: httpx.AsyncClient, login: object
) -> None:
    body = send_body(login=login)
    if login is None:
        del body["login"]
    response = await http.post(sandbox.rest_url, json=body)

    assert_refused(response, 5)


async def test_the_ip_check_comes_before_the_login(http: httpx.AsyncClient) -> None:
    async with Sandbox(SandboxConfig(allowed_ips=("10.0.0.1",))).running() as sandbox:
        response = await http.post(sandbox.rest_url, json=send_body(login="someone"))

    assert_refused(response, 2)


async def test_a_wrong_password_is_code_6_and_is_never_echoed(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(password="hunter2-guess"))

    assert_refused(response, 6)
    assert "hunter2-guess" not in response.text
    assert sandbox.received[-1].body is not None
    assert sandbox.received[-1].body["password"] == "***"


async def test_login_is_checked_before_the_password(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(login="x", password="y"))

    assert_refused(response, 5)


async def test_credentials_are_checked_before_the_request_rules(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(password="y", destAddr="12"))

    assert_refused(response, 6)


async def test_a_vk_message_without_a_sender_is_code_7(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    message = {"type": "VK", "data": {"text": "hello"}}
    response = await http.post(sandbox.rest_url, json=send_body(message))

    assert_refused(
        response, 7, "message.data.serviceNumber: VK needs a sender name (serviceNumber)"
    )


@pytest.mark.parametrize("dest", ["12", "not a phone", ""])
async def test_a_bad_destination_is_code_8(
    sandbox: Sandbox, http: httpx.AsyncClient, dest: str
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(destAddr=dest))

    assert_refused(response, 8)
    assert response.json()["extendedDescription"].startswith("destAddr: ")


async def test_a_missing_destination_is_code_8(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    body = send_body()
    del body["destAddr"]
    response = await http.post(sandbox.rest_url, json=body)

    assert_refused(response, 8, "destAddr: is required")


async def test_a_push_to_no_one_is_code_8(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    # destAddr may be left out only for a Push to an externalUserId.
    body = send_body({"type": "PUSH", "data": {"text": "t"}})
    del body["destAddr"]
    response = await http.post(sandbox.rest_url, json=body)

    assert_refused(response, 8, "destAddr: is required")


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        (send_body({"type": "FAX", "data": {"text": "x"}}), "message", "type 'FAX' is not known"),
        (send_body({"data": {"text": "x"}}), "message", "type is required"),
        (
            send_body(sms(), cascadeChainLink=link("DELIVERED", {"type": "MMS", "data": {}})),
            "cascadeChainLink.message",
            "type 'MMS' is not known",
        ),
    ],
    ids=["unknown", "missing", "in-a-cascade-link"],
)
async def test_an_unknown_message_type_is_code_9(
    sandbox: Sandbox, http: httpx.AsyncClient, body: dict[str, Any], path: str, reason: str
) -> None:
    response = await http.post(sandbox.rest_url, json=body)

    assert_refused(response, 9)
    # The violation names the union (``message``) or its tag (``message.type``).
    extended = response.json()["extendedDescription"]
    assert extended.startswith((f"{path}: ", f"{path}.type: ")), extended
    assert reason in extended


async def test_an_id_reused_for_another_message_is_code_10(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    first = await http.post(sandbox.rest_url, json=send_body(sms("one"), id="dup-1"))
    second = await http.post(sandbox.rest_url, json=send_body(sms("two"), id="dup-1"))

    assert first.status_code == 200
    assert_refused(second, 10)
    assert len(sandbox.sends) == 1


@pytest.mark.parametrize(
    ("message", "extended"),
    [
        (
            vk(ttl=25, ttlUnit="HOURS"),
            "message.data.ttl: VK lifetime must be from 1 min to 1 d; got 25 hours (25 h)",
        ),
        (
            viber(ttl=10, ttlUnit="SECONDS"),
            "message.data.ttl: Viber lifetime must be from 30 s to 1 d; got 10 seconds",
        ),
        (sms(ttlUnit="HOURS"), "message.data.ttl: ttlUnit is given without ttl"),
        (flashcall(ttl=10), None),
        (sms(ttl=1, ttlUnit="DAYS"), None),
    ],
    ids=["vk-too-long", "viber-too-short", "unit-without-ttl", "flashcall", "unknown-unit"],
)
async def test_a_lifetime_the_channel_does_not_allow_is_code_11(
    sandbox: Sandbox, http: httpx.AsyncClient, message: dict[str, Any], extended: str | None
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(message))

    assert_refused(response, 11, extended)


async def test_a_bad_lifetime_in_a_cascade_link_is_code_11(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    chain = link("DELIVERED", vk(ttl=1, ttlUnit="SECONDS"))
    response = await http.post(sandbox.rest_url, json=send_body(sms(), cascadeChainLink=chain))

    assert_refused(
        response,
        11,
        "cascadeChainLink.message.data.ttl: VK lifetime must be from 1 min to 1 d; got 1 seconds",
    )


@pytest.mark.parametrize(
    ("body", "extended"),
    [
        (send_body(sms("   ")), "message.data.text: SMS text is empty"),
        (send_body(flashcall("12345")), None),
        (
            send_body(flashcall("Ваш код")),
            "message.data.text: FlashingCall text must contain the code, once: "
            "4 or 6 digits in a row",
        ),
        (
            send_body({"type": "TELEGRAM", "data": {"text": "t", "link": ""}}),
            "message.data.link: Telegram link is empty",
        ),
        (
            send_body(
                {
                    "type": "PUSH",
                    "data": {
                        "text": "t",
                        "extraOptions": [{"param_name": "RICH", "param_value": "x"}],
                    },
                }
            ),
            None,
        ),
        (send_body(colour="red"), "colour: is not a field the platform knows here"),
        (send_body(registeredDelivery=7), None),
        (
            send_body(sms(), cascadeChainLink=link("READ", vk())),
            "cascadeChainLink.state: step 2 waits for READ, but SMS never reports READ; "
            "a step after SMS must use DELIVERED",
        ),
    ],
    ids=[
        "empty-text",
        "flashcall-code",
        "flashcall-text-without-code",
        "telegram-empty-link",
        "push-rich-not-an-object",
        "unknown-field",
        "registered-delivery",
        "cascade-state",
    ],
)
async def test_any_other_broken_rule_is_code_4_with_the_reason(
    sandbox: Sandbox, http: httpx.AsyncClient, body: dict[str, Any], extended: str | None
) -> None:
    response = await http.post(sandbox.rest_url, json=body)

    assert_refused(response, 4, extended)
    assert response.json()["extendedDescription"]


async def test_refused_requests_are_recorded_and_send_nothing(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    await http.post(sandbox.rest_url, json=send_body(destAddr="12", id="r-1"))

    assert sandbox.sends == {}
    [received] = sandbox.received
    assert (received.http_status, received.error_code, received.partner_id) == (406, 8, "r-1")
    assert received.mt_num is None


async def test_a_destination_in_any_accepted_form_is_stored_canonical(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    response = await http.post(sandbox.rest_url, json=send_body(destAddr="8-900-123-45-60"))

    record = sandbox.sends[response.json()["mtNum"]]
    assert record.request["destAddr"] == phone(0)
