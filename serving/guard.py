"""Serving an aiohttp app to the open internet: a cap on connections, a deadline on reading a
request, and an accept loop that outlives running out of file descriptors.

aiohttp's own site keeps a connection as long as its client likes while it sends a
request (the keep-alive timer only closes an idle connection, after an hour by default),
accepts without limit, and leaves accepting to asyncio, which on Python 3.11 logs a
traceback for every failed ``accept()`` while the process is out of descriptors. Hundreds of
half-sent requests then held every descriptor the process had (the bot's Telegram
connections, its database, the report writer's pipes were among the casualties).

:class:`GuardedSite` replaces :class:`aiohttp.web.TCPSite`:

* a request must arrive whole within ``read_timeout`` of its first byte: its headers (the
  connection is dropped), and its body when the handler reads it with :func:`read_body`;
* at most ``max_connections`` are open. One more is accepted when the oldest connection that
  is idle or still sending its request is closed for it (a slow client loses its place to
  a new one); while every connection waits for its answer, nothing more is accepted
  (the kernel's backlog holds the next ones);
* an ``accept()`` that fails for lack of descriptors or memory is tried again shortly,
  closing an idle connection first, and said in one log line a minute at most.

Handlers mark the phases of a request through :func:`connection_phases` (a middleware the
app installs) and :func:`read_body`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from aiohttp import web

log = logging.getLogger(__name__)

OUT_OF_RESOURCES: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
ACCEPT_RETRY: Final = 0.1
"""Seconds before accepting again after running out of descriptors."""
WARN_EVERY: Final = 60.0
"""Seconds between two log lines about running out of descriptors."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_connections: int = 256
    read_timeout: float = 10.0
    """Seconds from a request's first byte until its body is read."""
    keepalive_timeout: float = 75.0
    """Seconds an idle connection stays open between requests: over the 60 s after which
    common load balancers drop an idle connection, so that they never reuse one the
    receiver is closing."""
    backlog: int = 1024
    """Connections the kernel queues until they are accepted (no descriptor of ours until
    then). aiohttp's 128 overflows in a burst: the kernel then drops the handshake's last
    packet and the client, which believes it is connected, waits a second or more for it to
    be retried. Linux caps it at net.core.somaxconn (4096 since 5.4)."""


class Phase(Enum):
    IDLE = "idle"
    """Between requests: may be closed for a new connection."""
    HEADERS = "headers"
    """A request's first byte came; its headers have not all come."""
    BODY = "body"
    """Being handled; its body not read yet."""
    BUSY = "busy"
    """Its request is read; waiting for its answer. Never closed for another."""


class GuardedSite(web.BaseSite):
    """Listens on host:port for ``runner`` within ``limits`` (see the module docstring)."""

    __slots__ = (
        "_accepting",
        "_evictable",
        "_host",
        "_limits",
        "_open",
        "_port",
        "_room",
        "_warned",
    )

    def __init__(
        self, runner: web.BaseRunner, host: str, port: int, *, limits: ConnectionLimits
    ) -> None:
        super().__init__(runner, backlog=limits.backlog)
        self._host = host
        self._port = port
        self._limits = limits
        self._open: set[Connection] = set()
        self._evictable: OrderedDict[Connection, None] = OrderedDict()
        """The open connections that are idle or still sending a request, in the order they
        became so: the oldest first."""
        self._room = asyncio.Event()
        self._accepting: list[asyncio.Task[None]] = []
        self._warned = _RateLimitedWarning()

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def open_connections(self) -> int:
        return len(self._open)

    async def start(self) -> None:
        await super().start()
        listening = await _listen(self._host, self._port, self._limits.backlog)
        self._server = _Listening(listening)
        for sock in listening:
            self._accepting.append(
                asyncio.create_task(self._accept(sock), name=f"accept {sock.getsockname()}")
            )

    async def stop(self) -> None:
        for task in self._accepting:
            task.cancel()
        for task in self._accepting:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._accepting.clear()
        await super().stop()

    async def _accept(self, listening: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._take_a_place(listening)
            try:
                connected, _ = await loop.sock_accept(listening)
            except OSError as exc:
                if exc.errno in (errno.EBADF, errno.EINVAL):
                    return  # the listening socket is closed
                if exc.errno not in OUT_OF_RESOURCES:
                    continue  # aborted by its client before it was accepted, and the like
                self._warned.say(exc)
                # A descriptor of ours is better used for a new client: closed in the next
                # turn of the loop, before this task's. Else, wait for one to be freed.
                await asyncio.sleep(0 if self._evict() else ACCEPT_RETRY)
                continue
            try:
                await loop.connect_accepted_socket(self._connection, connected)
            except OSError:
                connected.close()

    async def _take_a_place(self, listening: socket.socket) -> None:
        """Until one more connection may be accepted. At the cap, once a client waits, the
        oldest evictable connection is closed for it; while none is, until one is."""
        while len(self._open) >= self._limits.max_connections:
            await _readable(listening)
            if not self._evict():
                self._room.clear()
                await self._room.wait()

    def _evict(self) -> bool:
        """Close the oldest evictable connection; False if there is none."""
        if not self._evictable:
            return False
        oldest = next(iter(self._evictable))
        oldest.evict()
        return True

    def _connection(self) -> Connection:
        server = self._runner.server
        assert server is not None
        return Connection(self, server())

    # What the connections tell the site.

    def opened(self, connection: Connection) -> None:
        self._open.add(connection)
        self._evictable[connection] = None

    def evictable(self, connection: Connection) -> None:
        if connection in self._open:
            self._evictable[connection] = None
            self._evictable.move_to_end(connection)
            self._room.set()

    def busy(self, connection: Connection) -> None:
        self._evictable.pop(connection, None)

    def closed(self, connection: Connection) -> None:
        if connection in self._open:
            self._open.discard(connection)
            self._evictable.pop(connection, None)
            self._room.set()

    @property
    def limits(self) -> ConnectionLimits:
        return self._limits


class Connection(asyncio.Protocol):
    """aiohttp's protocol for one connection, and the phase of its current request."""

    def __init__(self, site: GuardedSite, handler: web.RequestHandler) -> None:
        self._site = site
        self._handler = handler
        self._transport: asyncio.Transport | None = None
        self.phase = Phase.IDLE
        self.deadline = 0.0
        """The loop's time by which the current request must have been read."""
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._site.opened(self)
        self._handler.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.phase is Phase.IDLE:
            self._request_started()
            self.phase = Phase.HEADERS
            self._timer = asyncio.get_running_loop().call_at(self.deadline, self._too_slow)
        self._handler.data_received(data)

    def eof_received(self) -> bool | None:
        self._handler.eof_received()
        return None  # the transport closes: aiohttp does not half-close either

    def pause_writing(self) -> None:
        self._handler.pause_writing()

    def resume_writing(self) -> None:
        self._handler.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        self._transport = None
        self._site.closed(self)
        self._handler.connection_lost(exc)

    def _request_started(self) -> None:
        self.deadline = asyncio.get_running_loop().time() + self._site.limits.read_timeout
        self._site.evictable(self)

    def _too_slow(self) -> None:
        self._timer = None
        if self.phase is Phase.HEADERS:
            self.abort()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # The request's phases, from its handler.

    def headers_in(self) -> None:
        self._cancel_timer()
        if self.phase is Phase.IDLE:  # pipelined: its bytes came during the one before
            self._request_started()
        self.phase = Phase.BODY

    def body_in(self) -> None:
        self.phase = Phase.BUSY
        self._site.busy(self)

    def answered(self) -> None:
        self.phase = Phase.IDLE
        self._site.evictable(self)

    def evict(self) -> None:
        if self.phase is Phase.IDLE:
            if self._transport is not None:
                self._transport.close()  # what is still buffered is sent first
        else:
            self.abort()
        self._site.closed(self)

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()


async def _readable(sock: socket.socket) -> None:
    """Until a connection waits to be accepted on the listening ``sock``."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(sock.fileno(), wake)
    try:
        await ready
    finally:
        loop.remove_reader(sock.fileno())


def _connection_of(request: web.BaseRequest) -> Connection | None:
    transport = request.transport
    protocol = transport.get_protocol() if transport is not None else None
    return protocol if isinstance(protocol, Connection) else None


@web.middleware
async def connection_phases(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The middleware an app served by a :class:`GuardedSite` installs: a handled request's
    headers are in (their deadline stops), and once answered its connection is idle."""
    connection = _connection_of(request)
    if connection is None:
        return await handler(request)
    connection.headers_in()
    try:
        return await handler(request)
    finally:
        connection.answered()


async def read_body(request: web.Request) -> bytes:
    """The request's body, read by its deadline; its connection is then busy, not evictable.
    Too late (or its connection closed for another): the connection is closed and
    ``HTTPRequestTimeout`` raised, which nobody will read."""
    connection = _connection_of(request)
    if connection is None:
        return await request.read()
    try:
        async with asyncio.timeout_at(connection.deadline):
            body = await request.read()
    except (TimeoutError, ConnectionError) as exc:
        connection.abort()
        raise web.HTTPRequestTimeout() from exc
    connection.body_in()
    return body


async def _listen(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Listening sockets for host:port (all of its addresses), as asyncio's create_server
    binds them, except that a single IPv6 socket also takes IPv4 (``[::]`` means every
    address). Raises the OSError of a failed bind, the others closed."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )
    addresses = list(dict.fromkeys((family, address) for family, _, _, _, address in infos))
    sockets: list[socket.socket] = []
    try:
        for family, address in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                only_v6 = len(addresses) > 1
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, only_v6)
            try:
                sock.bind(address)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"error while attempting to bind on address {address!r}"
                ) from None
            sock.listen(backlog)
            sock.setblocking(False)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class _Listening(asyncio.AbstractServer):
    """The listening sockets where aiohttp's runner looks for a site's (``addresses``,
    ``stop``)."""

    def __init__(self, sockets: list[socket.socket]) -> None:
        self._sockets = sockets

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return tuple(self._sockets)

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets = []

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def is_serving(self) -> bool:
        return bool(self._sockets)

    async def start_serving(self) -> None:
        return None

    async def serve_forever(self) -> None:
        raise NotImplementedError

    async def wait_closed(self) -> None:
        return None


class _RateLimitedWarning:
    """One WARNING line about an exhausted resource per :data:`WARN_EVERY` seconds, saying
    how many went unsaid since the last."""

    def __init__(self) -> None:
        self._last = -WARN_EVERY
        self._unsaid = 0

    def say(self, exc: OSError) -> None:
        now = time.monotonic()
        if now - self._last < WARN_EVERY:
            self._unsaid += 1
            return
        self._last = now
        log.warning(
            "event=accept_failed error=%s repeats=%d next_report_in_s=%d",
            errno.errorcode.get(exc.errno or 0, str(exc.errno)),
            self._unsaid,
            int(WARN_EVERY),
        )
        self._unsaid = 0
