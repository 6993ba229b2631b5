"""The REST client against peers that are not the platform: a proxy's page, a closed port."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from pydantic import SecretStr

from provider.account_http import RetryPolicy
from provider.errors import (
    BadRequestError,
    Outcome,
    ProviderConnectionError,
    ProviderError,
    RateLimitError,
    UnreadableAnswerError,
)
from provider.messages import SmsData, SmsMessage
from provider.request import SendRequest
from provider.rest import RestClient
from tests.helpers import serving

FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
REQUEST = SendRequest(dest_addr="79001234560", message=SmsMessage(data=SmsData(text="hi")))


class Peer:
    """A loopback HTTP server answering every POST with a canned response."""

    def __init__(self) -> None:
        self.status = 200
        self.body = ""
        self.content_type = "text/html"
        self.hits = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(status=self.status, text=self.body, content_type=self.content_type)


@pytest.fixture
async def peer() -> AsyncIterator[tuple[Peer, str]]:
    peer = Peer()
    app = web.Application()
    app.router.add_post("/rest/send", peer.handle)
    async with serving(app) as base_url:
        yield peer, f"{base_url}/rest/send"


async def test_a_proxy_page_instead_of_json_is_an_unknown_outcome_not_resent(
    peer: tuple[Peer, str],
) -> None:
    """A gateway's 502 page says nothing about the platform: it may have taken the send."""
    server, url = peer
    server.status, server.body = 502, "<html><h1>502 Bad Gateway</h1></html>"

    async with RestClient(url, "sandbox", SecretStr("pw"), retry=FAST) as client:
        with pytest.raises(UnreadableAnswerError) as caught:
            await client.send(REQUEST)

    assert caught.value.outcome is Outcome.UNKNOWN
    assert caught.value.http_status == 502
    assert "502 Bad Gateway" in (caught.value.snippet or "")
    assert server.hits == 1


async def test_with_duplicate_control_an_unknown_outcome_is_sent_again_with_the_same_id(
    peer: tuple[Peer, str],
) -> None:
    server, url = peer
    server.status, server.body = 503, "maintenance"

    async with RestClient(
        url, "sandbox", SecretStr("pw"), retry=FAST, duplicate_control=True
    ) as client:
        with pytest.raises(UnreadableAnswerError) as caught:
            await client.send(REQUEST)

    assert server.hits == 3
    assert caught.value.outcome is Outcome.UNKNOWN
    partner_id = caught.value.partner_id or ""
    assert len(partner_id) == 32
    assert all(ch in "0123456789abcdef" for ch in partner_id)


async def test_a_200_that_is_not_a_send_result_is_an_unknown_outcome(
    peer: tuple[Peer, str],
) -> None:
    server, url = peer
    server.status, server.body, server.content_type = 200, '{"ok": true}', "application/json"

    async with RestClient(url, "sandbox", SecretStr("pw"), retry=FAST) as client:
        with pytest.raises(UnreadableAnswerError) as caught:
            await client.send(REQUEST)

    assert caught.value.outcome is Outcome.UNKNOWN
    assert server.hits == 1


@pytest.mark.parametrize(
    ("status", "error_class", "hits"),
    [(404, BadRequestError, 1), (429, RateLimitError, 3)],
)
async def test_a_4xx_page_is_a_refusal_and_a_429_a_temporary_one(
    peer: tuple[Peer, str], status: int, error_class: type[Exception], hits: int
) -> None:
    """A 4xx means the request was not taken; 429 says "later", so it is tried again."""
    server, url = peer
    server.status, server.body = status, "<html>no</html>"

    async with RestClient(url, "sandbox", SecretStr("pw"), retry=FAST) as client:
        with pytest.raises(ProviderError) as caught:
            await client.send(REQUEST)

    assert isinstance(caught.value, error_class)
    assert caught.value.outcome is Outcome.REFUSED
    assert server.hits == hits


async def test_a_closed_port_is_a_connection_error_carrying_the_partner_id() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on `port` now.
    request = REQUEST.model_copy(update={"id": "desk-1"})

    async with RestClient(
        f"http://127.0.0.1:{port}/rest/send", "sandbox", SecretStr("Pa55-w0rd"), retry=FAST
    ) as client:
        with pytest.raises(ProviderConnectionError) as caught:
            await client.send(request)

    assert caught.value.outcome is Outcome.NOT_SENT
    assert caught.value.partner_id == "desk-1"
    assert "Pa55-w0rd" not in str(caught.value)


@pytest.mark.parametrize("retry_number", [1, 2, 3, 10])
def test_backoff_grows_but_stays_under_the_cap(retry_number: int) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0)
    ceiling = min(8.0, 0.5 * 2 ** (retry_number - 1))
    for _ in range(50):
        assert ceiling / 2 <= policy.delay(retry_number) <= ceiling


def test_retry_after_from_the_platform_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0)
    assert policy.delay(1, retry_after=5.0) == 5.0
    assert policy.delay(1, retry_after=60.0) == 8.0
