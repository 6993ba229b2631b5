"""Neither client follows a redirect: the account's password, in the body (REST, legacy
JSON/XML) or in the query (legacy GET), never goes where the platform's address did not say."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.errors import ProviderError
from provider.legacy.client import LegacyClient, Transport
from provider.legacy.request import LegacySendRequest
from provider.messages import SmsData, SmsMessage
from provider.request import SendRequest
from provider.rest import RestClient
from tests.helpers import serving

PASSWORD = "redirect-pw"
ONCE = RetryPolicy(attempts=1)


class Redirecting:
    """Every request is sent on to /elsewhere (307 keeps the method and the body)."""

    def __init__(self) -> None:
        self.redirected = 0
        self.elsewhere: list[str] = []

    async def redirect(self, request: web.Request) -> web.Response:
        self.redirected += 1
        raise web.HTTPTemporaryRedirect("/elsewhere")

    async def record(self, request: web.Request) -> web.Response:
        self.elsewhere.append(request.path_qs + await request.text())
        return web.json_response({})


@pytest.fixture
async def redirecting() -> AsyncIterator[tuple[Redirecting, str]]:
    peer = Redirecting()
    app = web.Application()
    app.router.add_route("*", "/elsewhere", peer.record)
    app.router.add_route("*", "/{tail:.*}", peer.redirect)
    async with serving(app) as base_url:
        yield peer, base_url


async def test_the_rest_client_does_not_follow_a_redirect(
    redirecting: tuple[Redirecting, str],
) -> None:
    peer, base = redirecting
    request = SendRequest(dest_addr="79001234560", message=SmsMessage(data=SmsData(text="hi")))

    async with RestClient(f"{base}/rest/send", "login", SecretStr(PASSWORD), retry=ONCE) as client:
        with pytest.raises(ProviderError):
            await client.send(request)

    assert peer.redirected == 1
    assert peer.elsewhere == []


@pytest.mark.parametrize("transport", ["get", "json", "xml"])
async def test_the_legacy_client_does_not_follow_a_redirect(
    redirecting: tuple[Redirecting, str], transport: Transport
) -> None:
    peer, base = redirecting
    request = LegacySendRequest(phones=["79001234560"], send_sms=1, text_sms="hi")

    async with LegacyClient(
        base, "login", SecretStr(PASSWORD), transport=transport, retry=ONCE
    ) as client:
        with pytest.raises(ProviderError):
            await client.send(request)

    assert peer.redirected == 1
    assert peer.elsewhere == []
