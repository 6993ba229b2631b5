"""The delivery-report receiver: `POST /reports/<secret>`, persist first, then answer 200.

A report the platform got no 200 for is sent again, so answering only after the database
has it loses nothing; duplicates and out-of-order reports are absorbed by storage.

This is the HTTP side, in the bot's process: it checks the caller's address (when an
allow-list is set: first, so that an address outside it learns nothing of the secret), then
the path's secret, and forwards the body to the report writer's process
(:mod:`bot.reports.writer.client`), which parses, validates and stores it (group commit,
:mod:`bot.reports.store`) and says what to answer: 200 once durable, 400 with the reason,
503 when storage is unavailable or the answer takes longer than ``answer_timeout``.

It is served by :class:`serving.guard.GuardedSite` (a cap on connections, a deadline on
reading a request): hence :func:`~serving.connection_phases` and :func:`~serving.read_body`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import hdrs, web

from bot.reports.health import HealthReport
from bot.reports.peers import PeerAccess
from bot.reports.urls import REPORTS_PATH
from bot.reports.writer.client import ANSWER_TIMEOUT, WriterProcess
from bot.reports.writer.protocol import WriterConfig
from provider.logs import log_event
from serving import connection_phases, read_body

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
"""A batch of a few thousand reports; anything larger is not the platform."""

_JSON = "application/json"


class ReportReceiver:
    def __init__(
        self,
        writer: WriterConfig,
        secret: str,
        *,
        on_change: Callable[[], None],
        health: Callable[[], Awaitable[HealthReport]],
        access: PeerAccess | None = None,
        answer_timeout: float = ANSWER_TIMEOUT,
    ) -> None:
        self._secret = secret
        self._on_change = on_change
        self._health = health
        self._access = access or PeerAccess()
        self.writer = WriterProcess(writer, answer_timeout=answer_timeout)

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[connection_phases])
        app.router.add_post(REPORTS_PATH + "{secret}", self._reports)
        app.router.add_get("/health", self._health_check)
        app.cleanup_ctx.append(self._writer_running)
        return app

    async def _writer_running(self, app: web.Application) -> AsyncIterator[None]:
        # Cleanup runs after the server stopped and in-flight requests were answered.
        del app
        self.writer.start()
        yield
        await self.writer.stop()

    async def _reports(self, request: web.Request) -> web.Response:
        # request.remote is the TCP peer: aiohttp believes no Forwarded header by itself.
        client = self._access.client(
            request.remote, request.headers.getall(hdrs.X_FORWARDED_FOR, [])
        )
        if not self._access.allows(client):
            log_event(
                log, "report_refused", level=logging.WARNING, peer=request.remote, client=client
            )
            raise web.HTTPForbidden(text="address not allowed")
        if not hmac.compare_digest(request.match_info["secret"].encode(), self._secret.encode()):
            # The same answer as for any unknown path: the secret stays a secret.
            raise web.HTTPNotFound()
        answer = await self.writer.submit(await read_body(request))
        if answer.changed:
            try:
                self._on_change()
            except Exception as exc:  # the reports are stored; the answer must go out
                log_event(log, "report_wake_failed", level=logging.ERROR, error=repr(exc))
        if answer.status == 200:
            # What json_response({"stored": n}) writes, without encoding it for every report.
            return web.Response(body=b'{"stored": %d}' % answer.stored, content_type=_JSON)
        return web.json_response({"error": answer.reason}, status=answer.status)

    async def _health_check(self, request: web.Request) -> web.Response:
        report = await self._health()
        return web.json_response(report.body, status=200 if report.healthy else 503)
