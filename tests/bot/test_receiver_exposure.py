"""The report receiver open to the internet: slow and idle connections are cut and capped,
running out of file descriptors is one log line, and the allow-list is checked first, on the
address the request really came from. Over real sockets on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import sys
import time
from collections.abc import AsyncIterator, Iterator
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest

from bot.reports.peers import PeerAccess, parse_address
from serving import ConnectionLimits
from storage import Database, OutsideReportRepository
from tests.bot.receiving import SECRET, Receiving, receiving_reports
from tests.helpers import read_until

REPORT = {"mtNum": "e-1", "status": 2, "type": "SMS"}
HALF_SENT = b"POST /reports/" + SECRET.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "bot.sqlite3", busy_timeout=0.2) as database:
        yield database


def site_connections(receiving: Receiving) -> int:
    from serving.guard import GuardedSite

    (site,) = receiving.runner.sites
    assert isinstance(site, GuardedSite)
    return site.open_connections


Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def host_and_port(base_url: str) -> tuple[str, int]:
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    return host.strip("[]"), int(port)


async def open_slow(base_url: str, count: int) -> list[Stream]:
    """``count`` connections that each sent half a request and then nothing more."""
    host, port = host_and_port(base_url)

    async def one() -> Stream | None:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(HALF_SENT)
            await writer.drain()
        except OSError:  # closed by the receiver for a newer one: as it should
            return None
        return reader, writer

    opened = await asyncio.gather(*(one() for _ in range(count)))
    return [stream for stream in opened if stream is not None]


async def closed_by_the_receiver(reader: asyncio.StreamReader) -> bool:
    """True once the receiver closed the connection (within the caller's deadline) without
    a byte of an answer."""
    try:
        return await reader.read() == b""
    except ConnectionError:
        return True


def close_all(streams: list[Stream]) -> None:
    for _, writer in streams:
        writer.transport.abort()


@pytest.fixture
def descriptors_for_500_clients() -> Iterator[None]:
    """Both ends of 500 connections live in this process: ~1,100 descriptors, over the
    1,024 a CI machine may allow by default. The soft limit is raised to what that needs
    (never above the hard limit) and put back afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 4096
    if hard != resource.RLIM_INFINITY and hard < 1500:
        pytest.skip(f"the hard limit of open files is {hard}; this test needs about 1,100")
    raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, raised), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("descriptors_for_500_clients")
async def test_slow_connections_leave_room_for_reports_and_health(
    db: Database,
) -> None:
    # The defaults, as the bot runs: a cap of 256 connections.
    async with (
        receiving_reports(db.path) as receiving,
        httpx.AsyncClient(timeout=10) as http,
    ):
        await receiving.wait_writer_ready(http)
        slow = await open_slow(receiving.base_url, 500)
        try:
            timings = []
            for n in range(10):
                started = time.monotonic()
                # Each report on a connection of its own.
                async with httpx.AsyncClient(timeout=10) as fresh:
                    answer = await fresh.post(receiving.url, json={**REPORT, "mtNum": f"e-{n}"})
                timings.append((answer.status_code, time.monotonic() - started))
            async with httpx.AsyncClient(timeout=10) as fresh:
                health = await fresh.get(receiving.health_url)
            held = site_connections(receiving)
        finally:
            close_all(slow)
    assert all(status == 200 for status, _ in timings), timings
    assert max(seconds for _, seconds in timings) < 1.0, [round(s, 3) for _, s in timings]
    assert health.status_code == 200
    assert held <= ConnectionLimits().max_connections + 1
    assert len(await OutsideReportRepository(db).by_mtnum("e-9")) == 1


async def test_a_request_that_does_not_arrive_in_time_is_cut(db: Database) -> None:
    limits = ConnectionLimits(read_timeout=0.3, keepalive_timeout=0.5)
    async with receiving_reports(db.path, limits=limits) as receiving:
        host, port = host_and_port(receiving.base_url)
        streams = [await asyncio.open_connection(host, port) for _ in range(3)]
        headers_only, slow_body, _idle = (writer for _, writer in streams)
        headers_only.write(HALF_SENT)
        slow_body.write(
            b"POST /reports/" + SECRET.encode() + b" HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 100\r\nContent-Type: application/json\r\n\r\n{"
        )
        started = time.monotonic()
        async with asyncio.timeout(5):
            closed = [await closed_by_the_receiver(reader) for reader, _ in streams]
        waited = time.monotonic() - started
        close_all(streams)
    # Closed by the receiver, with nothing said: the request never came whole.
    assert closed == [True, True, True]
    assert waited < 2


async def test_connections_beyond_the_cap_take_the_place_of_the_oldest_slow_one(
    db: Database,
) -> None:
    limits = ConnectionLimits(max_connections=8)
    async with (
        receiving_reports(db.path, limits=limits) as receiving,
        httpx.AsyncClient(timeout=10) as http,
    ):
        await receiving.wait_writer_ready(http)
        # The client's connection (kept alive) is the oldest: it is idle, so it goes first.
        await http.aclose()
        slow = await open_slow(receiving.base_url, 8)
        try:
            async with httpx.AsyncClient(timeout=10) as fresh:
                answer = await fresh.post(receiving.url, json=REPORT)
            # The oldest half-sent request was closed for it, and only that one.
            async with asyncio.timeout(5):
                oldest = await closed_by_the_receiver(slow[0][0])
            held = site_connections(receiving)
        finally:
            close_all(slow)
    assert answer.status_code == 200
    assert oldest
    assert held <= 8


# --- running out of file descriptors --------------------------------------------------------

CHILD = """
import asyncio, logging, resource, sys
from aiohttp import web
from serving import ConnectionLimits, connection_phases, start_site

resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

async def health(request):
    return web.json_response({"ok": True})

async def main():
    app = web.Application(middlewares=[connection_phases])
    app.router.add_get("/health", health)
    runner, url = await start_site(
        app, "127.0.0.1", 0, shutdown_timeout=1.0,
        limits=ConnectionLimits(max_connections=1000),
    )
    print(url, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_running_out_of_descriptors_is_one_line_and_the_receiver_recovers(
    tmp_path: Path,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        cwd=Path(__file__).parents[2],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    clients: list[Stream] = []
    lines: list[str] = []
    try:
        seen: list[str] = []
        url = (await read_until(process.stdout, "http://", seen)).strip()
        host, port = host_and_port(url)
        # Twice as many idle connections as it has descriptors.
        for _ in range(100):
            clients.append(await asyncio.open_connection(host, port))
        await read_until(process.stderr, "event=accept_failed", lines)
        # It keeps serving: idle connections give their place to new ones.
        async with httpx.AsyncClient(timeout=10) as http, asyncio.timeout(20):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"{url}/health")).status_code == 200:
                        break
                await asyncio.sleep(0.1)  # polling until it serves again, bounded
    finally:
        close_all(clients)
        process.terminate()
        _, rest = await process.communicate()
    log = "".join(lines) + rest.decode()
    assert log.count("event=accept_failed") == 1, log
    assert "Traceback" not in log
    assert "EMFILE" in log


# --- the allow-list ---------------------------------------------------------------------------

LOOPBACK = [ip_network("127.0.0.0/8")]
ELSEWHERE = [ip_network("192.0.2.0/24")]


async def test_an_address_outside_the_list_learns_nothing_of_the_secret(db: Database) -> None:
    async with (
        receiving_reports(db.path, access=PeerAccess(allowed=ELSEWHERE)) as receiving,
        httpx.AsyncClient(timeout=10) as http,
    ):
        right = await http.post(receiving.url, json=REPORT)
        wrong = await http.post(f"{receiving.base_url}/reports/guess", json=REPORT)
    assert (right.status_code, wrong.status_code) == (403, 403)
    assert right.text == wrong.text
    assert await OutsideReportRepository(db).by_mtnum("e-1") == []


async def test_ipv4_clients_of_a_dual_stack_socket_match_ipv4_entries(db: Database) -> None:
    access = PeerAccess(allowed=LOOPBACK)
    async with (
        receiving_reports(db.path, access=access, host="::") as receiving,
        httpx.AsyncClient(timeout=10) as http,
    ):
        port = receiving.base_url.rsplit(":", 1)[1]
        # An IPv4 client of [::] is seen as ::ffff:127.0.0.1.
        answer = await http.post(f"http://127.0.0.1:{port}/reports/{SECRET}", json=REPORT)
    assert answer.status_code == 200


async def test_only_a_trusted_proxy_is_believed_about_the_client(db: Database) -> None:
    proxy_is_trusted = PeerAccess(allowed=ELSEWHERE, trusted_proxies=LOOPBACK)
    nobody_is_trusted = PeerAccess(allowed=ELSEWHERE)
    forwarded = {"X-Forwarded-For": "192.0.2.7"}
    async with httpx.AsyncClient(timeout=10) as http:
        async with receiving_reports(db.path, access=proxy_is_trusted) as behind_proxy:
            via_proxy = await http.post(behind_proxy.url, json=REPORT, headers=forwarded)
            no_header = await http.post(behind_proxy.url, json=REPORT)
            # The client's own claim comes first; the proxy appends who connected to it.
            spoofed = await http.post(
                behind_proxy.url, json=REPORT, headers={"X-Forwarded-For": "192.0.2.7, 10.1.1.1"}
            )
        async with receiving_reports(db.path, access=nobody_is_trusted) as direct:
            claimed = await http.post(direct.url, json=REPORT, headers=forwarded)
    assert via_proxy.status_code == 200
    assert no_header.status_code == 403  # the proxy itself is not the platform
    assert spoofed.status_code == 403
    assert claimed.status_code == 403


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("10.0.0.1:5000", "10.0.0.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("unknown", None),
        ("", None),
    ],
)
def test_addresses_as_peers_and_proxies_write_them(written: str, meant: str | None) -> None:
    parsed = parse_address(written)
    assert (str(parsed) if parsed is not None else None) == meant
