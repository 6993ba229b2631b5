"""GET puts the password in the URL: it must still reach no message, no log, no record."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.errors import ProviderConnectionError, ProviderError, ProviderTimeoutError
from provider.legacy import LegacyClient
from provider.legacy.scrub import Scrubber
from provider.sandbox import RunningSandbox, Sandbox, SandboxConfig
from tests.helpers import SANDBOX_LOGIN, free_port
from tests.legacy.helpers import sms_to

# Characters that URL encoding changes, so every spelling of it is looked for.
SECRET = "S3cret pa55/wörd&x=1"
SPELLINGS = (SECRET, "S3cret+pa55", "S3cret%20pa55", "w%C3%B6rd")
ONE_TRY = RetryPolicy(attempts=1)


@pytest.fixture
async def platform() -> AsyncIterator[RunningSandbox]:
    async with Sandbox(SandboxConfig(password=SecretStr(SECRET), time_scale=0.002)).running() as sb:
        yield sb


def assert_hidden(*texts: str) -> None:
    for text in texts:
        for spelling in SPELLINGS:
            assert spelling not in text


def everything_shown(error: ProviderError) -> list[str]:
    """What a log line, a chat reply or a crash report could show of an error."""
    shown = [str(error), repr(error), "".join(traceback.format_exception(error))]
    cause = error.__cause__
    if cause is not None:
        shown += [str(cause), repr(cause)]
    return shown


async def test_get_sends_and_polls_without_the_password_in_any_log(
    platform: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with LegacyClient(
        platform.base_url, SANDBOX_LOGIN, SecretStr(SECRET), transport="get"
    ) as client:
        sent = await client.send(sms_to(0))
        await client.states([sent.id_message])

    # httpx logs every request's URL at INFO; ours has the password masked in it.
    assert "HTTP Request: GET" in caplog.text
    assert "password=***" in caplog.text
    assert "event=legacy_request" in caplog.text
    assert_hidden(caplog.text)
    assert_hidden(*(r.raw for r in platform.legacy.received))
    assert "79001234560" not in caplog.text


async def test_a_get_timeout_never_shows_the_password(
    platform: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    platform.faults.hang_next(1, seconds=0.3)
    timeout = httpx.Timeout(connect=1.0, read=0.05, write=1.0, pool=1.0)
    async with LegacyClient(
        platform.base_url,
        SANDBOX_LOGIN,
        SecretStr(SECRET),
        transport="get",
        timeout=timeout,
        retry=ONE_TRY,
    ) as client:
        with pytest.raises(ProviderTimeoutError) as caught:
            await client.state("1")

    assert_hidden(*everything_shown(caught.value), caplog.text)


async def test_an_unreachable_platform_never_shows_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()  # nothing listens here
    async with LegacyClient(
        f"http://127.0.0.1:{port}", SANDBOX_LOGIN, SecretStr(SECRET), transport="get", retry=ONE_TRY
    ) as client:
        with pytest.raises(ProviderConnectionError) as caught:
            await client.send(sms_to(0))

    assert_hidden(*everything_shown(caught.value), caplog.text)


def test_the_scrubber_masks_every_spelling_of_the_secret() -> None:
    scrub = Scrubber(SecretStr(SECRET))
    url = str(httpx.URL("http://h/sendmessage.php", params={"password": SECRET, "a": "b"}))

    assert_hidden(scrub(url), scrub(f"failed: {SECRET}"))
    assert scrub(url).endswith("password=***&a=b")
