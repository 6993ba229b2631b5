"""The legacy API's refusals as typed errors: credentials, identical requests, failures."""

from __future__ import annotations

import asyncio
import logging
import traceback

import pytest
from pydantic import SecretStr

from provider.errors import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    Outcome,
    PermissionDeniedError,
    ProviderError,
    RateLimitError,
    ServiceUnavailableError,
    UnreadableAnswerError,
)
from provider.legacy import IdenticalRequestError, LegacyClient, Transport, legacy_error, wire
from provider.legacy.errors import TooSoonError
from provider.legacy.rules import IDENTICAL_REQUEST_TEXT
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from tests.helpers import phone
from tests.legacy.helpers import legacy_client, sms_to

WRONG = "Wr0ng-pa55-that-must-not-leak"


async def test_a_wrong_password_is_an_authentication_error_that_never_shows_it(
    sandbox: RunningSandbox, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with legacy_client(sandbox, transport, password=WRONG) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.send(sms_to(0))
        with pytest.raises(AuthenticationError):
            await client.states(["1"])

    error = caught.value
    assert error.code is None
    assert "логин или пароль" in error.description
    assert "password" in error.explanation
    shown = [str(error), repr(error), error.explanation, "".join(traceback.format_exception(error))]
    assert all(WRONG not in text for text in shown)
    assert WRONG not in caplog.text
    assert all(WRONG not in r.raw for r in sandbox.legacy.received)
    assert not sandbox.legacy.messages


async def test_the_client_never_sends_an_identical_request_within_a_minute(
    transport: Transport,
) -> None:
    """Seed 003 refuses an identical request within a minute: the client does not send one
    (it says when it may), so no answer is ever a refusal of a message that went out."""
    # A slower clock than the fixture's: the simulated minute lasts 0.6 s here, so the
    # repeat surely falls inside it, and waiting it out stays cheap.
    async with Sandbox(SandboxConfig(time_scale=0.01)).running() as sandbox:
        request = sms_to(0, phones=[{"phone": phone(0), "client_id_message": "4242"}])
        async with legacy_client(sandbox, transport) as client:
            first = await client.send(request)
            with pytest.raises(TooSoonError) as caught:
                await client.send(request)
            assert len(sandbox.legacy.received) == 1
            await asyncio.sleep(caught.value.retry_after)
            again = await client.send(request)

    error = caught.value
    assert error.outcome is Outcome.NOT_SENT
    assert 0 < error.retry_after <= 0.6
    assert [r.error for r in sandbox.legacy.received] == [None, None]
    if transport == "get":
        # GET has no client_id_message: after the minute the same request sends again.
        assert len(sandbox.legacy.messages) == 2
        assert again.id_message != first.id_message
    else:
        # The same client_id_message is never sent twice: the same id comes back.
        assert error.partner_id == "4242"
        assert again.id_message == first.id_message
        assert len(sandbox.legacy.messages) == 1


async def test_the_platforms_identical_request_refusal_is_typed(transport: Transport) -> None:
    """Two clients (two bot processes, or one restarted) do not share the minute: the
    platform's own refusal is an unknown outcome, since the first request may have sent."""
    async with Sandbox(SandboxConfig(time_scale=0.01)).running() as sandbox:
        request = sms_to(0, phones=[{"phone": phone(0), "client_id_message": "4243"}])
        async with (
            legacy_client(sandbox, transport) as one,
            legacy_client(sandbox, transport) as two,
        ):
            await one.send(request)
            with pytest.raises(IdenticalRequestError) as caught:
                await two.send(request)

    error = caught.value
    assert isinstance(error, RateLimitError)
    assert not error.retryable
    assert error.outcome is Outcome.UNKNOWN
    assert error.retry_after == 60.0
    assert error.description == IDENTICAL_REQUEST_TEXT
    assert "once a minute" in error.explanation


async def test_identical_state_requests_wait_their_minute_too(transport: Transport) -> None:
    async with (
        Sandbox(SandboxConfig(time_scale=0.05)).running() as sandbox,
        legacy_client(sandbox, transport) as client,
    ):
        sent = await client.send(sms_to(0))
        await client.states([sent.id_message])

        with pytest.raises(TooSoonError):
            await client.states([sent.id_message])
    assert [r.operation for r in sandbox.legacy.received] == ["send", "state"]


@pytest.mark.parametrize(
    ("status", "error_class", "outcome"),
    [
        # The legacy API answers its errors as texts with HTTP 200: a 5xx is a gateway's,
        # and what was asked may have been done.
        (503, UnreadableAnswerError, Outcome.UNKNOWN),
        (500, UnreadableAnswerError, Outcome.UNKNOWN),
        (429, RateLimitError, Outcome.REFUSED),
    ],
)
async def test_a_failing_platform_is_a_typed_error_and_not_retried(
    client: LegacyClient,
    sandbox: RunningSandbox,
    status: int,
    error_class: type[Exception],
    outcome: Outcome,
) -> None:
    sandbox.faults.fail_next(1, status=status)

    with pytest.raises(ProviderError) as caught:
        await client.send(sms_to(0))

    assert isinstance(caught.value, error_class)
    assert "fault switch" in str(caught.value)
    assert caught.value.outcome is outcome
    # Only a request that never left is sent again: any repeat within the minute would be
    # an identical request.
    assert len(sandbox.legacy.received) == 1
    assert not sandbox.legacy.messages


async def test_a_broken_rule_the_platform_checks_is_a_bad_request(
    client: LegacyClient, sandbox: RunningSandbox
) -> None:
    broken = sms_to(0).model_copy(update={"send_sms": 0})  # no channel: only it can tell

    with pytest.raises(BadRequestError) as caught:
        await client.send(broken)

    assert "no channel is chosen" in caught.value.description
    assert not sandbox.legacy.messages


@pytest.mark.parametrize(
    ("text", "status", "error_class"),
    [
        ("error: " + IDENTICAL_REQUEST_TEXT, 200, IdenticalRequestError),
        ("More than one identical request within a minute", 200, IdenticalRequestError),
        ("Неверный логин или пароль", 200, AuthenticationError),
        ("Invalid password", 200, AuthenticationError),
        ("Доступ с этого IP-адреса запрещён", 200, PermissionDeniedError),
        ("Недостаточно средств на счёте", 200, BadRequestError),
        ("Service is unavailable", 503, ServiceUnavailableError),
        ("Сервис временно недоступен", 200, ServiceUnavailableError),
        ("Service temporarily unavailable, try again later", 200, ServiceUnavailableError),
        ("<html>Bad Gateway</html>", 502, InternalServerError),
    ],
)
def test_error_texts_are_classified(text: str, status: int, error_class: type[Exception]) -> None:
    error = legacy_error(text, status)

    assert type(error) is error_class
    assert error.http_status == status
    assert not error.description.startswith("error:")


def test_the_client_refuses_an_unknown_transport() -> None:
    with pytest.raises(ValueError, match="transport must be one of"):
        LegacyClient("http://x", "l", SecretStr("p"), transport="soap")  # type: ignore[arg-type]


async def test_send_takes_one_phone(client: LegacyClient) -> None:
    with pytest.raises(ValueError, match="send_many"):
        await client.send(sms_to(0, phones=[phone(0), phone(6)]))


async def test_get_cannot_carry_the_json_and_xml_only_fields(sandbox: RunningSandbox) -> None:
    async with legacy_client(sandbox, "get") as client:
        with pytest.raises(ValueError, match="time_send cannot be sent over GET"):
            await client.send(sms_to(0, time_send="2030-01-01 10:00"))
    assert not sandbox.legacy.received


def test_over_get_a_service_that_is_down_is_not_the_messages_final_state() -> None:
    # GET answers a request's error and a message's error text alike (seed 003, line 57):
    # "unavailable" is raised, to be asked again; any other text is the id's final state.
    with pytest.raises(ServiceUnavailableError):
        wire.read_get_state("Сервис временно недоступен", 200, "111")
    state = wire.read_get_state("Сообщение с таким ID не принималось", 200, "111")

    assert state.is_final
    assert state.error == "Сообщение с таким ID не принималось"
