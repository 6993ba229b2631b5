"""The fault proxy, between real clients (httpx, aiohttp) and a small upstream that counts
what it received: for each fault, what the client experiences and what reached the upstream."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import httpx
import pytest
from aiohttp import web

from tests.fault_proxy import Fault, FaultKind, FaultProxy, Seen, bot_method
from tests.helpers import free_port

SEND = "/rest/send"
QUICK_GIVE_UP = 0.2
"""The clients' read timeout where a test needs them to give up."""


@dataclass
class Upstream:
    """Answers every path with a JSON echo of the body, except ``/hold``: a long poll that
    answers once `release` is set. Its handlers are cancelled when their client leaves, so
    `hold_abandoned` shows the proxy ended an upstream request its own client gave up."""

    url: str = ""
    received: list[tuple[str, str, bytes]] = field(default_factory=list)
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    hold_abandoned: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append((request.method, request.path_qs, body))
        if request.path == "/hold":
            self.holding.set()
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.hold_abandoned.set()
                raise
        return web.json_response({"echo": body.decode(), "padding": "x" * 200})


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    upstream = Upstream()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", upstream.handle)
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        upstream.url = f"http://{host}:{port}"
        yield upstream
    finally:
        upstream.release.set()
        await runner.cleanup()


@pytest.fixture
async def proxy(upstream: Upstream) -> AsyncIterator[FaultProxy]:
    async with FaultProxy(upstream.url).running() as proxy:
        yield proxy


def impatient_httpx() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(5, read=QUICK_GIVE_UP))


def impatient_aiohttp() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5, sock_read=QUICK_GIVE_UP))


async def post_with_aiohttp(url: str) -> tuple[int, bytes]:
    async with impatient_aiohttp() as session, session.post(url, json={"n": 1}) as response:
        return response.status, await response.read()


# -- passing through ---------------------------------------------------------------------


async def test_passes_requests_through_unchanged(proxy: FaultProxy, upstream: Upstream) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{proxy.url}{SEND}?login=a", json={"n": 1})

    assert response.status_code == 200
    assert response.json()["echo"] == '{"n":1}'
    assert upstream.received == [("POST", f"{SEND}?login=a", b'{"n":1}')]
    # The query (where legacy APIs carry the password) is not kept.
    assert proxy.seen == [Seen("POST", SEND, None, forwarded=True)]


async def test_keeps_client_connections_alive(proxy: FaultProxy, upstream: Upstream) -> None:
    async with httpx.AsyncClient() as client:
        for n in range(3):
            assert (await client.post(proxy.url + SEND, json={"n": n})).status_code == 200
    async with aiohttp.ClientSession() as session:
        for n in range(3):
            async with session.post(proxy.url + SEND, json={"n": n}) as response:
                assert response.status == 200

    assert len(upstream.received) == 6
    assert proxy.connections_accepted == 2


async def test_forwards_a_chunked_request_body(proxy: FaultProxy, upstream: Upstream) -> None:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"first,", b"second,", b"third"):
            yield part

    async with httpx.AsyncClient() as client:
        response = await client.post(proxy.url + SEND, content=parts())

    assert response.status_code == 200
    assert upstream.received == [("POST", SEND, b"first,second,third")]


async def test_answers_502_when_the_upstream_is_unreachable() -> None:
    async with (
        FaultProxy(f"http://127.0.0.1:{free_port()}").running() as proxy,
        httpx.AsyncClient() as client,
    ):
        response = await client.post(proxy.url + SEND)

        assert response.status_code == 502
        assert "<h1>502 Bad Gateway</h1>" in response.text
        assert proxy.seen == [Seen("POST", SEND, None, forwarded=False)]


# -- long polls --------------------------------------------------------------------------


async def test_a_long_poll_lasts_as_long_as_the_upstream_holds_it(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    async with httpx.AsyncClient() as client:
        poll = asyncio.create_task(client.post(proxy.url + "/hold"))
        async with asyncio.timeout(5):
            await upstream.holding.wait()
        assert not poll.done()
        upstream.release.set()
        response = await poll

    assert response.status_code == 200
    assert proxy.seen == [Seen("POST", "/hold", None, forwarded=True)]


async def test_a_long_poll_the_client_gives_up_is_given_up_upstream(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    async with impatient_httpx() as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(proxy.url + "/hold")

    async with asyncio.timeout(5):
        await upstream.hold_abandoned.wait()
    await proxy.wait_for(lambda seen: seen == [Seen("POST", "/hold", None, forwarded=False)])


# -- delay -------------------------------------------------------------------------------


async def test_delay_outlasts_the_clients_read_timeout_after_the_upstream_did_the_work(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.delay(30, forward=True), path=SEND, times=2)

    async with impatient_httpx() as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(proxy.url + SEND, json={"n": 1})
    with pytest.raises(aiohttp.ServerTimeoutError):
        await post_with_aiohttp(proxy.url + SEND)

    assert len(upstream.received) == 2
    assert proxy.seen == [Seen("POST", SEND, FaultKind.DELAY, forwarded=True)] * 2


async def test_delay_passes_the_answer_on_late(proxy: FaultProxy, upstream: Upstream) -> None:
    proxy.add(Fault.delay(0.3, forward=True))
    loop = asyncio.get_running_loop()

    async with httpx.AsyncClient() as client:
        started = loop.time()
        response = await client.post(proxy.url + SEND, json={"n": 1})

    assert loop.time() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["echo"] == '{"n":1}'


async def test_delay_without_forwarding_never_reaches_the_upstream(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.delay(30, forward=False))

    async with impatient_httpx() as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(proxy.url + SEND)

    assert upstream.received == []
    assert proxy.seen == [Seen("POST", SEND, FaultKind.DELAY, forwarded=False)]


# -- drop, reset -------------------------------------------------------------------------


@pytest.mark.parametrize("forward", [True, False])
async def test_drop_closes_without_an_answer(
    proxy: FaultProxy, upstream: Upstream, forward: bool
) -> None:
    proxy.add(Fault.drop(forward=forward), path=SEND, times=2)

    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await client.post(proxy.url + SEND, json={"n": 1})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post_with_aiohttp(proxy.url + SEND)

    assert len(upstream.received) == (2 if forward else 0)
    assert proxy.seen == [Seen("POST", SEND, FaultKind.DROP, forwarded=forward)] * 2


@pytest.mark.parametrize("forward", [True, False])
async def test_reset_aborts_with_an_rst(
    proxy: FaultProxy, upstream: Upstream, forward: bool
) -> None:
    proxy.add(Fault.reset(forward=forward), path=SEND, times=3)

    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ReadError):
            await client.post(proxy.url + SEND, json={"n": 1})
    with pytest.raises(aiohttp.ClientOSError, match="Connection reset by peer"):
        await post_with_aiohttp(proxy.url + SEND)
    # A FIN would read as b"" here; only an RST is ECONNRESET.
    reader, writer = await asyncio.open_connection("127.0.0.1", int(proxy.url.rsplit(":")[-1]))
    writer.write(b"POST /rest/send HTTP/1.1\r\nHost: proxy\r\nContent-Length: 2\r\n\r\n{}")
    with pytest.raises(ConnectionResetError):
        await reader.read()
    writer.close()

    assert len(upstream.received) == (3 if forward else 0)
    assert proxy.seen == [Seen("POST", SEND, FaultKind.RESET, forwarded=forward)] * 3


# -- answers of the proxy's own ----------------------------------------------------------


@pytest.mark.parametrize("forward", [True, False])
async def test_status_answers_a_load_balancers_page_and_keeps_the_connection(
    proxy: FaultProxy, upstream: Upstream, forward: bool
) -> None:
    proxy.add(Fault.status(502, forward=forward))

    async with httpx.AsyncClient() as client:
        failed = await client.post(proxy.url + SEND, json={"n": 1})
        passed = await client.post(proxy.url + SEND, json={"n": 2})

    assert failed.status_code == 502
    assert failed.headers["content-type"] == "text/html"
    assert "<title>502 Bad Gateway</title>" in failed.text
    assert passed.status_code == 200
    assert [body for _, _, body in upstream.received] == [b'{"n":1}'] * forward + [b'{"n":2}']
    assert proxy.connections_accepted == 1
    assert proxy.seen == [
        Seen("POST", SEND, FaultKind.STATUS, forwarded=forward),
        Seen("POST", SEND, None, forwarded=True),
    ]


async def test_too_many_requests_speaks_telegrams_flood_control(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.too_many_requests(retry_after=7), path=bot_method("sendMessage"))

    async with aiohttp.ClientSession() as session:
        async with session.post(proxy.url + "/bot123:abc/sendMessage", data={}) as response:
            body = await response.read()
            retry_after = response.headers["Retry-After"]
        assert response.status == 429

    assert retry_after == "7"
    assert json.loads(body) == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert upstream.received == []


async def test_cut_body_sends_the_full_length_and_part_of_the_body(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.cut_body(), times=2)

    async with httpx.AsyncClient() as client:
        with pytest.raises(
            httpx.RemoteProtocolError, match="without sending complete message body"
        ):
            await client.post(proxy.url + SEND, json={"n": 1})
    with pytest.raises(aiohttp.ClientPayloadError, match="Not enough data"):
        await post_with_aiohttp(proxy.url + SEND)

    assert len(upstream.received) == 2
    assert proxy.seen == [Seen("POST", SEND, FaultKind.CUT_BODY, forwarded=True)] * 2


# -- refusing connections ----------------------------------------------------------------


async def test_refuse_refuses_even_kept_alive_connections_until_accept(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    url = proxy.url
    async with httpx.AsyncClient() as client:
        assert (await client.post(url + SEND)).status_code == 200

        await proxy.refuse()
        with pytest.raises(httpx.ConnectError):
            await client.post(url + SEND)
        with pytest.raises(aiohttp.ClientConnectorError):
            await post_with_aiohttp(url + SEND)
        assert len(upstream.received) == 1

        await proxy.accept()
        assert proxy.url == url
        assert (await client.post(url + SEND)).status_code == 200
    assert len(upstream.received) == 2


# -- rules -------------------------------------------------------------------------------


async def test_a_rule_applies_to_its_method_and_path_as_many_times_as_asked(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.status(503, forward=False), method="POST", path=SEND, times=2)

    async with httpx.AsyncClient() as client:
        statuses = [
            (await client.get(proxy.url + SEND)).status_code,
            (await client.post(proxy.url + "/other")).status_code,
            *[(await client.post(proxy.url + SEND)).status_code for _ in range(3)],
        ]

    assert statuses == [200, 200, 503, 503, 200]
    assert [seen.fault for seen in proxy.seen] == [None, None, "status", "status", None]


async def test_an_unlimited_rule_holds_for_every_path_until_cleared(
    proxy: FaultProxy, upstream: Upstream
) -> None:
    proxy.add(Fault.status(502, forward=False), times=None)
    paths = ["/bot1:a/getUpdates", "/bot1:a/editMessageText", SEND]

    async with httpx.AsyncClient() as client:
        down = [(await client.post(proxy.url + path)).status_code for path in paths * 2]
        proxy.clear()
        up = [(await client.post(proxy.url + path)).status_code for path in paths]

    assert down == [502] * 6
    assert up == [200] * 3
    assert len(upstream.received) == 3


async def test_a_removed_rule_no_longer_applies(proxy: FaultProxy, upstream: Upstream) -> None:
    rule = proxy.add(Fault.status(500, forward=False), times=None)
    async with httpx.AsyncClient() as client:
        assert (await client.post(proxy.url + SEND)).status_code == 500
        proxy.remove(rule)
        assert (await client.post(proxy.url + SEND)).status_code == 200


def test_bot_method_matches_that_method_whatever_the_token() -> None:
    edit = bot_method("editMessageText")
    assert edit("/bot123:ABC-def/editMessageText")
    assert not edit("/bot123:ABC-def/editMessageTextX")
    assert not edit("/bot123:ABC-def/sendMessage")
    assert not edit("/editMessageText")


async def test_wait_for_fails_with_what_was_seen(proxy: FaultProxy, upstream: Upstream) -> None:
    async with httpx.AsyncClient() as client:
        await client.post(proxy.url + SEND)

    seen = await proxy.wait_for(lambda seen: len(seen) == 1)
    assert seen == [Seen("POST", SEND, None, forwarded=True)]
    with pytest.raises(
        AssertionError, match=re.escape("it saw 1:\n[Seen(method='POST', path='/rest/send'")
    ):
        await proxy.wait_for(lambda seen: len(seen) == 2, timeout=0.05)
