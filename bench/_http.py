"""A minimal keep-alive HTTP/1.1 load client, so that the generator is not the bottleneck.

aiohttp's client costs more CPU per request than the server under test; this one writes
prebuilt request bytes and parses only the status line and ``Content-Length``. One request
is in flight per connection (keep-alive, no pipelining), as the platform's sender does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


def post_request(host: str, port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class HttpError(Exception):
    pass


class _Connection(asyncio.Protocol):
    """One keep-alive connection; ``request`` returns (status, response time in seconds)."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[int] | None = None
        self._done_at = 0.0
        self._closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(HttpError(f"connection lost: {exc!r}"))
        if not self._closed.done():
            self._closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self._buffer[:end]).decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if len(self._buffer) < end + 4 + length:
            return
        self._done_at = time.perf_counter()
        status = int(head.split(" ", 2)[1])
        del self._buffer[: end + 4 + length]
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(status)

    async def request(self, raw: bytes) -> tuple[int, float]:
        assert self._transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        self._transport.write(raw)
        status = await self._waiter
        return status, self._done_at - started

    async def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            await self._closed


@dataclass
class LoadResult:
    statuses: list[int] = field(default_factory=list)
    """Per request, in the order of ``requests`` (0: not answered)."""
    latencies: list[float] = field(default_factory=list)
    """Seconds per measured request (warm-up excluded)."""
    elapsed: float = 0.0
    """Seconds from the first measured request to the last answer."""
    warmup_elapsed: float = 0.0
    measured: int = 0

    @property
    def per_second(self) -> float:
        return self.measured / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def run_load(
    host: str, port: int, requests: Sequence[bytes], *, connections: int, warmup: int
) -> LoadResult:
    """Send every request once over ``connections`` keep-alive connections (closed loop).

    The first ``warmup`` requests are answered before measuring starts; the rest are
    taken in order by whichever connection is free, so the overall order is kept.
    """
    loop = asyncio.get_running_loop()
    pool: list[_Connection] = []
    for _ in range(connections):
        _, protocol = await loop.create_connection(_Connection, host, port)
        pool.append(protocol)
    result = LoadResult(statuses=[0] * len(requests))
    try:
        started = time.perf_counter()
        await _drive(pool, requests, range(min(warmup, len(requests))), result, measure=False)
        result.warmup_elapsed = time.perf_counter() - started
        started = time.perf_counter()
        await _drive(pool, requests, range(warmup, len(requests)), result, measure=True)
        result.elapsed = time.perf_counter() - started
        result.measured = max(0, len(requests) - warmup)
    finally:
        for connection in pool:
            await connection.close()
    return result


async def _drive(
    pool: list[_Connection],
    requests: Sequence[bytes],
    indexes: range,
    result: LoadResult,
    *,
    measure: bool,
) -> None:
    position = iter(indexes)

    async def worker(connection: _Connection) -> None:
        for index in position:
            status, latency = await connection.request(requests[index])
            result.statuses[index] = status
            if measure:
                result.latencies.append(latency)

    await asyncio.gather(*(worker(connection) for connection in pool))
