"""The REST client against the sandbox platform, over real HTTP on loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.channels import CascadeState
from provider.errors import (
    ERROR_CODES,
    AuthenticationError,
    BadRequestError,
    DuplicateError,
    InternalServerError,
    Outcome,
    PermissionDeniedError,
    ProviderAPIError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
)
from provider.messages import (
    SmsData,
    SmsMessage,
    TextContent,
    TextContentData,
    ViberData,
    ViberMessage,
    VkData,
    VkMessage,
)
from provider.reports import DeliveryReport
from provider.request import CascadeStep, SendRequest
from provider.rest import RestClient
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from tests.helpers import ReportReceiver

PASSWORD = "sandbox"
FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)


def sms_to(number: str, text: str = "Your code 1234", **fields: object) -> SendRequest:
    return SendRequest(dest_addr=number, message=SmsMessage(data=SmsData(text=text)), **fields)


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[RestClient]:
    async with RestClient(sandbox.rest_url, "sandbox", SecretStr(PASSWORD), retry=FAST) as c:
        yield c


async def test_a_send_returns_the_mtnum_and_the_partner_id(
    client: RestClient, sandbox: RunningSandbox
) -> None:
    result = await client.send(sms_to("+7 900 123-45-60", id="desk-0001"))

    assert result.id == "desk-0001"
    assert list(sandbox.sends) == [result.mt_num]
    received = sandbox.received[0]
    assert received.partner_id == "desk-0001"
    assert received.body is not None
    assert received.body["destAddr"] == "79001234560"
    assert received.body["message"] == {"type": "SMS", "data": {"text": "Your code 1234"}}


async def test_a_send_without_id_gets_a_fresh_one(
    client: RestClient, sandbox: RunningSandbox
) -> None:
    first = await client.send(sms_to("79001234560"))
    second = await client.send(sms_to("79001234560"))

    assert first.id is not None
    assert first.id != second.id
    assert [r.partner_id for r in sandbox.received] == [first.id, second.id]
    assert len(sandbox.sends) == 2


EXPECTED_CLASS: dict[int, type[ProviderAPIError]] = {
    1: ServiceUnavailableError,
    2: PermissionDeniedError,
    3: RateLimitError,
    4: BadRequestError,
    5: AuthenticationError,
    6: AuthenticationError,
    7: BadRequestError,
    8: BadRequestError,
    9: BadRequestError,
    10: DuplicateError,
    11: BadRequestError,
    100: InternalServerError,
}


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
async def test_every_documented_code_becomes_its_typed_error(
    code: int, client: RestClient, sandbox: RunningSandbox
) -> None:
    attempts = FAST.attempts if code in (1, 3) else 1
    sandbox.faults.answer_next(code, count=attempts)

    with pytest.raises(ProviderAPIError) as caught:
        await client.send(sms_to("79001234560", id="desk-err"))

    error = caught.value
    assert type(error) is EXPECTED_CLASS[code]
    assert (error.code, error.http_status) == (code, ERROR_CODES[code].http_status)
    assert error.description == ERROR_CODES[code].description
    assert error.extended_description == "Simulated by the sandbox's fault switch."
    assert error.explanation == ERROR_CODES[code].explanation
    assert error.partner_id == "desk-err"
    assert error.retryable is (code in (1, 3))
    assert len(sandbox.received) == attempts
    assert not sandbox.sends


async def test_real_refusals_carry_the_platforms_explanation(sandbox: RunningSandbox) -> None:
    async with RestClient(sandbox.rest_url, "sandbox", SecretStr("wrong"), retry=FAST) as bad:
        with pytest.raises(AuthenticationError) as caught:
            await bad.send(sms_to("79001234560"))
    assert caught.value.code == 6
    assert "password" in caught.value.explanation

    async with RestClient(sandbox.rest_url, "nobody", SecretStr(PASSWORD), retry=FAST) as bad:
        with pytest.raises(AuthenticationError) as caught:
            await bad.send(sms_to("79001234560"))
    assert caught.value.code == 5
    assert len(sandbox.received) == 2  # 4xx: never retried


# model_construct skips validation: requests our models would refuse, as a buggy caller or
# an outdated rule might send them, so only the platform's own checks stand.
REFUSED_BY_THE_PLATFORM = {
    "bad number": (
        lambda: SendRequest.model_construct(
            dest_addr="12", message=SmsMessage(data=SmsData(text="x"))
        ),
        8,
        "destAddr",
    ),
    "sms ttl too long": (
        lambda: SendRequest.model_construct(
            dest_addr="79001234560",
            message=SmsMessage.model_construct(data=SmsData.model_construct(text="x", ttl=5000)),
        ),
        11,
        "SMS lifetime",
    ),
    "vk without sender": (
        lambda: SendRequest.model_construct(
            dest_addr="79001234560",
            message=VkMessage.model_construct(data=VkData.model_construct(text="x")),
        ),
        7,
        "VK needs a sender",
    ),
    "empty sms": (
        lambda: SendRequest.model_construct(
            dest_addr="79001234560",
            message=SmsMessage.model_construct(data=SmsData.model_construct(text="")),
        ),
        4,
        "SMS text is empty",
    ),
}


@pytest.mark.parametrize(
    ("build", "code", "words"),
    REFUSED_BY_THE_PLATFORM.values(),
    ids=REFUSED_BY_THE_PLATFORM.keys(),
)
async def test_requests_the_platform_refuses_come_back_with_code_and_reason(
    build: Callable[[], SendRequest], code: int, words: str, client: RestClient
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await client.send(build())

    assert caught.value.code == code
    assert words in (caught.value.extended_description or "")


async def test_duplicate_id_with_other_content_is_refused_not_resent(
    client: RestClient, sandbox: RunningSandbox
) -> None:
    first = await client.send(sms_to("79001234560", id="desk-dup"))
    again = await client.send(sms_to("79001234560", id="desk-dup"))
    with pytest.raises(DuplicateError):
        await client.send(sms_to("79001234560", text="other", id="desk-dup"))

    assert again.mt_num == first.mt_num
    assert list(sandbox.sends) == [first.mt_num]


@pytest.mark.parametrize("status", [503, 429])
async def test_a_busy_platform_is_retried_with_the_same_id_and_sends_once(
    status: int, client: RestClient, sandbox: RunningSandbox
) -> None:
    sandbox.faults.fail_next(2, status=status)

    result = await client.send(sms_to("79001234560"))

    assert [r.http_status for r in sandbox.received] == [status, status, 200]
    assert {r.partner_id for r in sandbox.received} == {result.id}
    assert list(sandbox.sends) == [result.mt_num]


async def test_retries_stop_after_the_policy_and_keep_the_id(
    client: RestClient, sandbox: RunningSandbox
) -> None:
    sandbox.faults.fail_next(5, status=503)

    with pytest.raises(ServiceUnavailableError) as caught:
        await client.send(sms_to("79001234560", id="desk-busy"))

    assert caught.value.partner_id == "desk-busy"
    assert len(sandbox.received) == FAST.attempts
    assert not sandbox.sends


async def test_retry_after_from_the_platform_is_waited(sandbox: RunningSandbox) -> None:
    waited: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waited.append(seconds)

    sandbox.faults.fail_next(1, status=429, retry_after=1)
    policy = RetryPolicy(attempts=2, base_delay=0.001, max_delay=5.0)
    async with RestClient(
        sandbox.rest_url, "sandbox", SecretStr(PASSWORD), retry=policy, sleep=record_sleep
    ) as client:
        await client.send(sms_to("79001234560"))

    assert waited == [1.0]


async def test_a_hung_platform_times_out_then_the_retry_with_the_same_id_sends_once(
    sandbox: RunningSandbox,
) -> None:
    sandbox.faults.hang_next(1, seconds=0.5)
    timeout = httpx.Timeout(connect=1.0, read=0.1, write=1.0, pool=1.0)
    async with RestClient(
        sandbox.rest_url,
        "sandbox",
        SecretStr(PASSWORD),
        retry=FAST,
        timeout=timeout,
        duplicate_control=True,
    ) as client:
        result = await client.send(sms_to("79001234560", id="desk-slow"))
        # The hung first attempt is still processed by the platform when it wakes up:
        # duplicate control maps it to the same send.
        await sandbox.wait_finished(result.mt_num)

    assert result.id == "desk-slow"
    assert {r.partner_id for r in sandbox.received} == {"desk-slow"}
    assert len(sandbox.received) == 2
    assert list(sandbox.sends) == [result.mt_num]


async def test_without_duplicate_control_a_timed_out_send_is_not_sent_again(
    sandbox: RunningSandbox,
) -> None:
    """Seed 001: duplicate control by id is a service switched on separately; without it a
    second request with the same id is a second message to the subscriber."""
    sandbox.faults.hang_next(1, seconds=0.3)
    timeout = httpx.Timeout(connect=1.0, read=0.05, write=1.0, pool=1.0)
    async with RestClient(
        sandbox.rest_url, "sandbox", SecretStr(PASSWORD), retry=FAST, timeout=timeout
    ) as client:
        with pytest.raises(ProviderTimeoutError) as caught:
            await client.send(sms_to("79001234560", id="desk-once"))

    assert caught.value.outcome is Outcome.UNKNOWN
    assert caught.value.partner_id == "desk-once"
    assert len(sandbox.received) == 1


async def test_a_timeout_that_outlasts_every_attempt_raises_with_the_id(
    sandbox: RunningSandbox,
) -> None:
    sandbox.faults.hang_next(2, seconds=1.0)
    timeout = httpx.Timeout(connect=1.0, read=0.05, write=1.0, pool=1.0)
    policy = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
    async with RestClient(
        sandbox.rest_url,
        "sandbox",
        SecretStr(PASSWORD),
        retry=policy,
        timeout=timeout,
        duplicate_control=True,
    ) as client:
        with pytest.raises(ProviderTimeoutError) as caught:
            await client.send(sms_to("79001234560", id="desk-lost"))

    assert caught.value.partner_id == "desk-lost"
    assert caught.value.outcome is Outcome.UNKNOWN
    assert "no answer" in str(caught.value)
    assert len(sandbox.received) == 2


async def test_a_three_step_cascade_reports_every_step_in_order(
    client: RestClient, report_receiver: ReportReceiver
) -> None:
    viber = ViberMessage(
        data=ViberData(
            instant_content=TextContent(data=TextContentData(text="Code 1234")),
            service_number="Desk",
            ttl=60,
            ttl_unit="SECONDS",
        )
    )
    vk = VkMessage(data=VkData(text="Code 1234", service_number="Desk", ttl=1))
    sms = SmsMessage(data=SmsData(text="Code 1234", ttl=1))
    request = SendRequest.from_steps(
        "79001234564",  # ends in 4: only SMS gets through
        [
            CascadeStep(viber),
            CascadeStep(vk, CascadeState.READ),
            CascadeStep(sms, CascadeState.DELIVERED),
        ],
        notify_url=report_receiver.url,
    )

    result = await client.send(request)
    await report_receiver.wait_for(lambda reports: len(reports) >= 6)

    reports = [DeliveryReport.model_validate(r) for r in report_receiver.reports]
    assert [(r.type.value, r.status.name, r.error) for r in reports] == [
        ("VIBER", "SEND", None),
        ("VIBER", "UNDELIVERED", "absent-subscriber"),
        ("VK", "SEND", None),
        ("VK", "UNDELIVERED", "unknown"),
        ("SMS", "SEND", None),
        ("SMS", "DELIVERED", None),
    ]
    assert {(r.mt_num, r.id) for r in reports} == {(result.mt_num, result.id)}


async def test_the_password_never_reaches_a_log_line(
    sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Pa55-w0rd-that-must-not-leak"
    own = Sandbox(SandboxConfig(password=SecretStr(secret), time_scale=0.002))
    caplog.set_level(logging.DEBUG)
    async with own.running() as platform:
        platform.faults.fail_next(1, status=503)
        async with RestClient(
            platform.rest_url, "sandbox", SecretStr(secret), retry=FAST
        ) as client:
            await client.send(sms_to("79001234560"))
        async with RestClient(
            platform.rest_url, "sandbox", SecretStr("wrong-" + secret), retry=FAST
        ) as client:
            with pytest.raises(AuthenticationError):
                await client.send(sms_to("79001234560"))

    assert "event=rest_sent" in caplog.text
    assert "event=rest_failed" in caplog.text
    assert secret not in caplog.text
    assert "79001234560" not in caplog.text
    assert "*******4560" in caplog.text
