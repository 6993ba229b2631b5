"""A fault-injecting HTTP/1.1 proxy on loopback, between a client and its upstream server.

Why a real proxy: what a client library does with a lost answer, a reset or a cut body can
only be seen when those happen at the socket, and whether the upstream did the work (a send
in the sandbox's ledger, an edit in the playground) only when the request really reaches it
or really does not. So the proxy parses the client's requests with h11, forwards them with
httpx, and breaks the client's connection for real: a FIN without an answer, an RST
(SO_LINGER 0), a body shorter than its Content-Length, a closed listening socket.

    async with FaultProxy(sandbox.base_url).running() as proxy:
        proxy.add(Fault.drop(forward=True), path="/rest/send")
        ...  # the client talks to proxy.url
        await proxy.wait_for(lambda seen: any(s.fault == "drop" for s in seen))

Requests that no rule matches pass through, on kept-alive connections both sides.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import pprint
import re
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TypeVar

import h11
import httpx

T = TypeVar("T")

PathMatch = Callable[[str], bool]
"""Whether a request path (without its query) is one a rule is for."""

# Headers about one connection, not the message: each side of the proxy has its own. Content
# length too, because the proxy buffers whole bodies and frames them anew.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
    }
)
_READ_SIZE = 65536


class FaultKind(StrEnum):
    DELAY = "delay"
    DROP = "drop"
    RESET = "reset"
    STATUS = "status"
    CUT_BODY = "cut_body"


def bot_method(name: str) -> PathMatch:
    """The Bot API method `name` at ``/bot<token>/<name>``, whatever the token."""
    pattern = re.compile(rf"/bot[^/]+/{re.escape(name)}")
    return lambda path: pattern.fullmatch(path) is not None


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: the upstream's, or one the proxy makes up."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def error_page(status: int) -> Answer:
    """The HTML page a load balancer (nginx) answers when it has no good answer."""
    reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    title = f"{status} {reasons.get(status, 'Error')}"
    body = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return Answer(status, (("content-type", "text/html"),), body.encode())


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """What the proxy does to a matching request instead of passing it through.

    `forward`: whether the upstream gets the request first (and answers it) - the line
    between "the platform did it, the client does not know" and "it never arrived".
    """

    kind: FaultKind
    forward: bool
    seconds: float = 0.0
    answer: Answer | None = None
    keep_bytes: int | None = None

    @classmethod
    def delay(cls, seconds: float, *, forward: bool) -> Fault:
        """Hold the answer `seconds` before passing it on (past the client's read timeout).

        Without forwarding the request never arrives: the client waits `seconds`, then the
        connection closes without an answer. Either way the hold ends early, and the
        connection closes, once the client gives up.
        """
        return cls(kind=FaultKind.DELAY, forward=forward, seconds=seconds)

    @classmethod
    def drop(cls, *, forward: bool) -> Fault:
        """Close the client's connection (FIN) without an answer, once the whole request was
        read (and, forwarded, the upstream answered it): the outcome is unknown to the
        client."""
        return cls(kind=FaultKind.DROP, forward=forward)

    @classmethod
    def reset(cls, *, forward: bool) -> Fault:
        """Abort the client's connection with a TCP RST instead of answering."""
        return cls(kind=FaultKind.RESET, forward=forward)

    @classmethod
    def status(
        cls,
        status: int,
        *,
        forward: bool,
        body: bytes | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Fault:
        """Answer `status` (by default with a load balancer's HTML page) in the upstream's
        place - after it answered, when forwarded. The connection stays open."""
        answer = error_page(status) if body is None else Answer(status, headers, body)
        return cls(kind=FaultKind.STATUS, forward=forward, answer=answer)

    @classmethod
    def too_many_requests(cls, retry_after: int, *, forward: bool = False) -> Fault:
        """Telegram's flood control: 429 with its JSON and a Retry-After header."""
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
        headers = (("content-type", "application/json"), ("retry-after", str(retry_after)))
        return cls.status(
            429,
            forward=forward,
            body=json.dumps(body, separators=(",", ":")).encode(),
            headers=headers,
        )

    @classmethod
    def cut_body(cls, keep_bytes: int | None = None) -> Fault:
        """Forward, then pass on the upstream's headers (its full Content-Length) and only
        the first `keep_bytes` of its body (default: half), and close."""
        return cls(kind=FaultKind.CUT_BODY, forward=True, keep_bytes=keep_bytes)


@dataclass(eq=False, slots=True)
class Rule:
    """A fault for the next `remaining` requests that match (None: until removed)."""

    fault: Fault
    method: str | None
    path: str | PathMatch | None
    remaining: int | None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        return self.path == path if isinstance(self.path, str) else self.path(path)


@dataclass(frozen=True, slots=True)
class Seen:
    """A request whose fate upstream is settled: recorded once the upstream answered it, or the
    proxy chose not to forward it, or its client left - before the client gets anything."""

    method: str
    path: str
    """Without the query (where legacy APIs carry the password)."""
    fault: FaultKind | None
    forwarded: bool
    """The upstream received the request and answered it."""


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


class _ClientLeft(Exception):
    """The client closed its connection while the proxy was busy with its request."""


class FaultProxy:
    """The proxy in front of `upstream` (a base URL; request targets are appended to it)."""

    def __init__(self, upstream: str, *, host: str = "127.0.0.1") -> None:
        self._upstream = upstream.rstrip("/")
        self._host = host
        self._port = 0
        self._server: asyncio.Server | None = None
        self._http: httpx.AsyncClient | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._rules: list[Rule] = []
        self._seen: list[Seen] = []
        self._changed = asyncio.Condition()
        self.connections_accepted = 0
        """Client connections so far: fewer than requests means keep-alive worked."""

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("the proxy is not running; use running()")
        return f"http://{self._host}:{self._port}"

    @property
    def seen(self) -> list[Seen]:
        return list(self._seen)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FaultProxy]:
        # No timeout of its own: long polls last as long as the client and upstream want.
        self._http = httpx.AsyncClient(timeout=None, trust_env=False)  # noqa: S113
        try:
            await self.accept()
            yield self
        finally:
            await self.refuse()
            await self._http.aclose()

    # -- faults ----------------------------------------------------------------------------

    def add(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        path: str | PathMatch | None = None,
        times: int | None = 1,
    ) -> Rule:
        """Apply `fault` to the next `times` requests (None: until removed) whose method and
        path (exact, or a predicate such as `bot_method`) match; None matches any. Earlier
        rules win."""
        rule = Rule(fault, method, path, times)
        self._rules.append(rule)
        return rule

    def remove(self, rule: Rule) -> None:
        with contextlib.suppress(ValueError):
            self._rules.remove(rule)

    def clear(self) -> None:
        self._rules.clear()

    async def refuse(self) -> None:
        """Stop listening (connects get ECONNREFUSED) and close every client connection, so
        that no kept-alive one gets through either. Requests in flight are abandoned."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        # Closed under them rather than cancelled: their own ends are the ones for a client
        # gone, and asyncio 3.11 logs a cancelled connection handler as an error.
        for writer in self._connections.values():
            writer.transport.abort()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def accept(self) -> None:
        """Listen (again, on the same port)."""
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, self._host, self._port)
            self._port = self._server.sockets[0].getsockname()[1]

    # -- what tests look at ----------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[list[Seen]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is the point of this helper
    ) -> list[Seen]:
        """Wait until `predicate(seen)` holds; returns a copy of `seen` then. Woken by each
        request done with (no polling); on timeout, AssertionError shows what was seen."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(lambda: predicate(self._seen))
            except TimeoutError:
                raise AssertionError(
                    f"the proxy did not see it within {timeout} s; it saw "
                    f"{len(self._seen)}:\n{pprint.pformat(self._seen)}"
                ) from None
            return list(self._seen)

    # -- serving ---------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        self.connections_accepted += 1
        connection = _Connection(reader, writer)
        try:
            while (request := await connection.read_request()) is not None:
                if not await self._handle(connection, request):
                    break
        except (ConnectionError, _ClientLeft):
            pass
        finally:
            del self._connections[task]
            writer.close()

    async def _handle(self, connection: _Connection, request: _Request) -> bool:
        """Whether the connection is good for another request."""
        fault = self._take_fault(request)
        kind = fault.kind if fault is not None else None
        forward = fault is None or fault.forward
        answer: Answer | None = None
        try:
            if forward:
                answer = await connection.unless_client_leaves(self._forward(request))
        except httpx.HTTPError:
            pass  # the proxy answers 502, as a load balancer would
        except _ClientLeft:
            await self._record(Seen(request.method, request.path, kind, forwarded=False))
            raise
        await self._record(Seen(request.method, request.path, kind, answer is not None))
        if fault is None:
            return await connection.respond(answer or error_page(502))
        match fault.kind:
            case FaultKind.DELAY:
                await connection.unless_client_leaves(asyncio.sleep(fault.seconds))
                if not forward:
                    return False
                return await connection.respond(answer or error_page(502))
            case FaultKind.DROP:
                return False
            case FaultKind.RESET:
                connection.reset()
                return False
            case FaultKind.STATUS:
                assert fault.answer is not None
                return await connection.respond(fault.answer)
            case FaultKind.CUT_BODY:
                if answer is None:
                    return await connection.respond(error_page(502))
                keep = len(answer.body) // 2 if fault.keep_bytes is None else fault.keep_bytes
                await connection.respond_cut(answer, keep)
                return False

    def _take_fault(self, request: _Request) -> Fault | None:
        for rule in self._rules:
            if rule.matches(request.method, request.path):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                return rule.fault
        return None

    async def _forward(self, request: _Request) -> Answer:
        assert self._http is not None
        # httpx.Request, not the client's build_request: no default headers of httpx's own
        # (Accept-Encoding above all) added to what the client sent.
        upstream_request = httpx.Request(
            request.method,
            self._upstream + request.target,
            headers=[(k, v) for k, v in request.headers if k not in _HOP_BY_HOP],
            content=request.body,
        )
        response = await self._http.send(upstream_request, stream=True)
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        headers = tuple(
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in response.headers.raw
            if k.decode("latin-1").lower() not in _HOP_BY_HOP
        )
        return Answer(response.status_code, headers, body)

    async def _record(self, seen: Seen) -> None:
        async with self._changed:
            self._seen.append(seen)
            self._changed.notify_all()


class _Connection:
    """One client connection, served one request after another by h11."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._h11 = h11.Connection(h11.SERVER)

    async def read_request(self) -> _Request | None:
        """The next whole request (Content-Length or chunked body), or None once the client
        closed the connection or sent something that is not HTTP/1.1."""
        try:
            start = await self._next_event()
            if not isinstance(start, h11.Request):
                return None
            body = bytearray()
            while isinstance(event := await self._next_event(), h11.Data):
                body += event.data
        except h11.RemoteProtocolError:
            return None
        if not isinstance(event, h11.EndOfMessage):
            return None
        return _Request(
            start.method.decode("latin-1"),
            start.target.decode("latin-1"),
            tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in start.headers),
            bytes(body),
        )

    async def unless_client_leaves(self, work: Awaitable[T]) -> T:
        """`work`'s result; cancelled (raising _ClientLeft) should the client close the
        connection meanwhile - a client that gave up a long poll ends the upstream's too."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                watch = asyncio.ensure_future(self._reader.read(_READ_SIZE))
                try:
                    await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    watch.cancel()
                    with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                        await watch
                if watch.done() and not watch.cancelled():
                    data = b"" if watch.exception() else watch.result()
                    if not data:  # EOF, or reset
                        raise _ClientLeft
                    self._h11.receive_data(data)  # pipelined: served after this one
                if task.done():
                    return task.result()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def respond(self, answer: Answer) -> bool:
        """Send `answer` whole; whether the connection is good for another request."""
        await self._send_head(answer, len(answer.body))
        await self._write(self._h11.send(h11.Data(data=answer.body)))
        await self._write(self._h11.send(h11.EndOfMessage()))
        if self._h11.our_state is not h11.DONE or self._h11.their_state is not h11.DONE:
            return False
        self._h11.start_next_cycle()
        return True

    async def respond_cut(self, answer: Answer, keep_bytes: int) -> None:
        """`answer`'s head with its full length, then only `keep_bytes` of its body."""
        await self._send_head(answer, len(answer.body))
        await self._write(self._h11.send(h11.Data(data=answer.body[:keep_bytes])))

    def reset(self) -> None:
        """Abort with an RST: linger on, zero seconds, makes close() send one."""
        sock = self._writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._writer.transport.abort()

    async def _send_head(self, answer: Answer, length: int) -> None:
        headers = [*answer.headers, ("content-length", str(length))]
        reason = ""
        with contextlib.suppress(ValueError):
            reason = HTTPStatus(answer.status).phrase
        head = h11.Response(status_code=answer.status, headers=headers, reason=reason)
        await self._write(self._h11.send(head))

    async def _write(self, data: bytes | None) -> None:
        if data:
            self._writer.write(data)
            await self._writer.drain()

    async def _next_event(self) -> h11.Event | None:
        """None when h11 waits for our answer (PAUSED), which read_request never lets be."""
        while True:
            event = self._h11.next_event()
            if isinstance(event, h11.Event):
                return event
            if event is h11.PAUSED:
                return None
            self._h11.receive_data(await self._reader.read(_READ_SIZE))
