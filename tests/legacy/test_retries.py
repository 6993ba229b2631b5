"""Retries: only what never left is sent again; a lost answer is an unknown outcome, never
an identical request within the platform's minute, never a double send."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.errors import Outcome, ProviderConnectionError, ProviderTimeoutError
from provider.legacy import LegacyClient, Transport
from provider.legacy.errors import TooSoonError
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from tests.helpers import SANDBOX_PASSWORD, free_port, phone
from tests.legacy.helpers import legacy_client, poll_pause, sms_to

QUICK_TIMEOUT = httpx.Timeout(connect=1.0, read=0.1, write=1.0, pool=1.0)


async def all_answered(sandbox: RunningSandbox, timeout: float = 3.0) -> None:  # noqa: ASYNC109
    """Wait until the sandbox has answered every request it received (hung ones too)."""
    async with asyncio.timeout(timeout):
        # The sandbox records answers but signals none: a short, bounded poll.
        while any(r.http_status is None for r in sandbox.legacy.received):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("transport", ["json", "xml"])
async def test_a_lost_answer_is_unknown_and_asked_again_after_the_minute_only(
    sandbox: RunningSandbox, transport: Transport
) -> None:
    """Seed 003: an identical request within a minute is refused. The lost answer is not
    resent at once; after the minute the same request (same client_id_message) brings the
    message's ids back without sending it again."""
    sandbox.faults.hang_next(1, seconds=0.3)
    request = sms_to(0, phones=[{"phone": phone(0), "client_id_message": "777"}])
    async with legacy_client(sandbox, transport, timeout=QUICK_TIMEOUT) as client:
        with pytest.raises(ProviderTimeoutError) as caught:
            await client.send(request)
        with pytest.raises(TooSoonError):
            await client.send(request)
        # The hung first attempt is still handled when it wakes up; the platform's minute
        # starts then.
        await all_answered(sandbox)
        assert caught.value.outcome is Outcome.UNKNOWN
        assert caught.value.partner_id == "777"
        assert len(sandbox.legacy.received) == 1
        await asyncio.sleep(poll_pause(sandbox))
        result = await client.send(request)

    first, again = sandbox.legacy.received
    assert first.client_ids == again.client_ids == ["777"]
    assert list(sandbox.legacy.messages) == [result.id_message]
    assert first.id_messages == again.id_messages == [result.id_message]
    assert [r.error for r in sandbox.legacy.received] == [None, None]
    # Answered from the client_id_message's record: nothing sent again.
    assert sandbox.legacy.ledger.repeats == [result.id_message]


async def test_a_get_send_whose_answer_is_lost_is_not_resent(sandbox: RunningSandbox) -> None:
    sandbox.faults.hang_next(1, seconds=0.3)
    async with legacy_client(sandbox, "get", timeout=QUICK_TIMEOUT) as client:
        with pytest.raises(ProviderTimeoutError) as caught:
            await client.send(sms_to(0))
    await all_answered(sandbox)

    # GET has no client_id_message: a resend could have sent twice. The platform did send.
    assert len(sandbox.legacy.received) == 1
    assert len(sandbox.legacy.messages) == 1
    assert "no answer" in str(caught.value)


async def test_a_state_request_whose_answer_is_lost_waits_for_the_next_round(
    sandbox: RunningSandbox, transport: Transport
) -> None:
    async with legacy_client(sandbox, transport, timeout=QUICK_TIMEOUT) as client:
        sent = await client.send(sms_to(0))
        sandbox.faults.hang_next(1, seconds=0.3)
        with pytest.raises(ProviderTimeoutError):
            await client.states([sent.id_message])
        await all_answered(sandbox)
        await asyncio.sleep(poll_pause(sandbox))
        [state] = await client.states([sent.id_message])

    assert state.id_message == sent.id_message
    await all_answered(sandbox)
    assert [r.operation for r in sandbox.legacy.received] == ["send", "state", "state"]
    assert [r.error for r in sandbox.legacy.received] == [None, None, None]


async def test_a_refused_connection_is_retried_even_over_get(transport: Transport) -> None:
    # Nothing listens on the port at first; the platform comes up during the back-off.
    port = free_port()
    platform = Sandbox(SandboxConfig(time_scale=0.002))
    started: list[float] = []

    async def start_platform_then_wait(seconds: float) -> None:
        if not started:
            await platform.start(port=port)
        started.append(seconds)

    retry = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
    try:
        async with LegacyClient(
            f"http://127.0.0.1:{port}",
            "sandbox",
            SecretStr(SANDBOX_PASSWORD),
            transport=transport,
            retry=retry,
            sleep=start_platform_then_wait,
        ) as client:
            result = await client.send(sms_to(0))
    finally:
        await platform.stop()

    assert len(started) == 1
    assert list(platform.legacy.messages) == [result.id_message]


async def test_retries_run_out_into_a_connection_error_carrying_the_client_id() -> None:
    port = free_port()  # nothing listens here
    retry = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
    async with LegacyClient(
        f"http://127.0.0.1:{port}",
        "sandbox",
        SecretStr(SANDBOX_PASSWORD),
        transport="json",
        retry=retry,
    ) as client:
        with pytest.raises(ProviderConnectionError) as caught:
            await client.send(sms_to(0, phones=[{"phone": "79001234560", "client_id_message": 9}]))

    assert caught.value.partner_id == "9"
    assert caught.value.outcome is Outcome.NOT_SENT
    assert "cannot reach the platform" in str(caught.value)
