"""Builders and the polling loop shared by the legacy API tests."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import Any, get_args

import httpx
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.legacy import LegacyClient, LegacySendRequest, LegacyState, Transport
from provider.legacy.rules import IDENTICAL_REQUEST_WINDOW
from provider.sandbox import RunningSandbox
from tests.helpers import SANDBOX_LOGIN, SANDBOX_PASSWORD, phone

TRANSPORTS: tuple[Transport, ...] = get_args(Transport)
FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005)
TLS = ssl.create_default_context()
"""Loaded once: each client loading the CA bundle itself costs ~0.1 s; loopback never uses it."""


def legacy_client(
    sandbox: RunningSandbox,
    transport: Transport,
    *,
    password: str = SANDBOX_PASSWORD,
    base_url: str | None = None,
    **options: Any,
) -> LegacyClient:
    """A client of the sandbox's account (or of another peer at `base_url`); its minute
    without identical requests is the sandbox's simulated one."""
    options.setdefault("retry", FAST)
    options.setdefault("identical_window", sandbox_minute(sandbox))
    options.setdefault("http_transport", httpx.AsyncHTTPTransport(verify=TLS))
    return LegacyClient(
        base_url or sandbox.base_url,
        SANDBOX_LOGIN,
        SecretStr(password),
        transport=transport,
        **options,
    )


def sms_to(last_digit: int | str = 0, text: str = "Code 1234", **fields: Any) -> LegacySendRequest:
    """An SMS to a number ending in `last_digit` (the sandbox's outcome), `fields` overriding."""
    defaults: dict[str, Any] = {"phones": [phone(last_digit)], "send_sms": 1, "text_sms": text}
    return LegacySendRequest(**{**defaults, **fields})


def viber_then_sms(last_digit: int | str, **fields: Any) -> LegacySendRequest:
    """Viber first, SMS second: the cascade by priority."""
    defaults: dict[str, Any] = {
        "send_viber": 1,
        "send_sms": 2,
        "sender_viber": "Desk",
        "text_viber": "Code 1234",
        "text_sms": "Code 1234",
    }
    return LegacySendRequest(phones=[phone(last_digit)], **{**defaults, **fields})


def sandbox_minute(sandbox: RunningSandbox) -> float:
    """The platform's minute without identical requests, on the sandbox's clock."""
    return IDENTICAL_REQUEST_WINDOW * sandbox.config.time_scale


def poll_pause(sandbox: RunningSandbox) -> float:
    """Real seconds between two polls of the same ids: just over the platform's minute
    (simulated), since it refuses an identical request within one."""
    return (IDENTICAL_REQUEST_WINDOW + 1) * sandbox.config.time_scale


async def poll_until_final(
    client: LegacyClient,
    sandbox: RunningSandbox,
    ids: Sequence[str],
    timeout: float = 5.0,  # noqa: ASYNC109 - a bounded wait is the point
) -> list[LegacyState]:
    """Ask the states until every one is final, as the bot's poller does.

    Polling is the legacy protocol itself (there are no callbacks), so this loop is the
    real thing, paced on the sandbox's clock and bounded by `timeout`.
    """
    states: list[LegacyState] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                states = await client.states(ids)
                if all(s.is_final for s in states):
                    return states
                await asyncio.sleep(poll_pause(sandbox))
    except TimeoutError:
        raise AssertionError(f"not final within {timeout} s: {states}") from None
