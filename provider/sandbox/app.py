"""The sandbox platform: an aiohttp application plus the state a test observes.

One `Sandbox` object owns everything (no module globals), so several can run side by side
in one process and the bot can embed one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any, Self

import aiohttp
from aiohttp import web
from pydantic import ValidationError

from provider.logs import log_event, url_origin
from provider.request import SendRequest
from provider.sandbox.accounts import Account
from provider.sandbox.config import SandboxConfig
from provider.sandbox.delivery import ReportAttempt, ReportPoster, deliver
from provider.sandbox.faults import Faults, FaultsCommand
from provider.sandbox.ledger import (
    DuplicateIdError,
    Ledger,
    ReceivedRequest,
    SendRecord,
)
from provider.sandbox.legacy.api import LegacyApi
from provider.sandbox.rest import (
    DUPLICATE,
    Refusal,
    Reply,
    accepted_reply,
    error_reply,
    mask_body,
    parse_body,
    partner_id_of,
    validate,
)
from provider.sandbox.scenarios import MOSCOW, plan, request_outcome
from serving import start_site

logger = logging.getLogger(__name__)

REST_PATH = "/rest/send"
SERVICE_UNAVAILABLE = 1


class Sandbox:
    """An emulator of the platform's REST v6 API.

    ``async with Sandbox(config).running(port=0) as sb`` serves it on a free port;
    `make_app` gives the bare application for embedding in another aiohttp server.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.faults = Faults()
        self.received: list[ReceivedRequest] = []
        """Every POST /rest/send, in arrival order, refused or not."""
        self.reports_posted: list[ReportAttempt] = []
        """Every attempt to POST a report to a receiver, retries included."""
        self._account = Account(self.config)
        self._ledger = Ledger(duplicate_control=self.config.duplicate_control)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()
        self.legacy = LegacyApi(self.config, self.faults, self._closing, self._ledger.next_mt_num)
        """The legacy GET/JSON/XML endpoints: what they received and accepted."""
        self._poster: ReportPoster | None = None
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- what tests look at ------------------------------------------------------------

    @property
    def sends(self) -> Mapping[str, SendRecord]:
        """Accepted distinct sends by mtNum."""
        return self._ledger.sends

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the sandbox is not running; use start() or running()")
        return self._base_url

    @property
    def rest_url(self) -> str:
        """The send URI a partner is given."""
        return self.base_url + REST_PATH

    async def wait_finished(
        self,
        mt_num: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline built in is what callers want
    ) -> SendRecord:
        """Wait until the send has emitted every report it ever will."""
        record = self._ledger.sends[mt_num]
        try:
            async with asyncio.timeout(timeout):
                await record.finished.wait()
        except TimeoutError:
            raise TimeoutError(
                f"send {mt_num} still delivering after {timeout} s; "
                f"emitted {len(record.reports)} of {len(record.schedule)} reports"
            ) from None
        return record

    def summary(self) -> dict[str, Any]:
        """The JSON of GET /_sandbox/sends: what a sandbox in another process did."""
        return {
            "sends": [
                {
                    "mtNum": r.mt_num,
                    "id": r.partner_id,
                    "outcome": r.outcome.value,
                    "targetUrl": r.target_url,
                    "finished": r.finished.is_set(),
                    "request": r.request,
                    "steps": [
                        {"type": s.type.value, "resendIfNot": s.resend_if_not} for s in r.steps
                    ],
                    "reports": r.reports,
                }
                for r in self._ledger.sends.values()
            ],
            "received": [
                {
                    "id": r.partner_id,
                    "httpStatus": r.http_status,
                    "code": r.error_code,
                    "mtNum": r.mt_num,
                }
                for r in self.received
            ],
            "reportsPosted": [
                {
                    "url": a.url,
                    "mtNum": a.report.get("mtNum"),
                    "status": a.report.get("status"),
                    "attempt": a.attempt,
                    "httpStatus": a.http_status,
                    "error": a.error,
                }
                for a in self.reports_posted
            ],
            "faults": self.faults.pending(),
            "legacy": self.legacy.summary(),
        }

    # -- lifecycle ---------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(REST_PATH, self._rest_send)
        self.legacy.add_routes(app.router)
        app.router.add_post("/_sandbox/faults", self._set_faults)
        app.router.add_get("/_sandbox/sends", self._get_sends)
        app.on_shutdown.append(self._on_shutdown)
        app.cleanup_ctx.append(self._resources)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        self._runner, self._base_url = await start_site(
            self.make_app(), host, port, shutdown_timeout=self.config.shutdown_timeout
        )
        log_event(
            logger,
            "sandbox_started",
            url=self._base_url,
            login=self.config.login,
            time_scale=self.config.time_scale,
            voice_code="yes" if self.config.voice_code else None,
        )

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        await runner.cleanup()
        log_event(logger, "sandbox_stopped", url=self._base_url)
        self._base_url = None

    @contextlib.asynccontextmanager
    async def running(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Self]:
        await self.start(host, port)
        try:
            yield self
        finally:
            await self.stop()

    async def _on_shutdown(self, app: web.Application) -> None:
        # Before aiohttp waits for in-flight handlers: releases hung requests at once.
        self._closing.set()

    async def _resources(self, app: web.Application) -> AsyncIterator[None]:
        self._closing.clear()
        session = aiohttp.ClientSession()
        self._poster = ReportPoster(session, self.config, self.reports_posted)
        try:
            yield
        finally:
            self._closing.set()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._poster = None
            await session.close()

    # -- POST /rest/send ---------------------------------------------------------------

    async def _rest_send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        peer = request.remote
        fault = self.faults.take()
        parsed = parse_body(raw)
        kept: dict[str, Any] | None = None
        partner_id: str | None = None
        if not isinstance(parsed, Refusal):
            kept, partner_id = mask_body(parsed), partner_id_of(parsed)
        received = ReceivedRequest(kept, partner_id, peer)
        self.received.append(received)
        if fault.hang_seconds is not None:
            await self._hang(fault.hang_seconds)

        if self._closing.is_set():
            reply = error_reply(SERVICE_UNAVAILABLE, "The sandbox is shutting down.")
        elif fault.fail_code is not None:
            reply = error_reply(fault.fail_code, "Simulated by the sandbox's fault switch.")
            if fault.retry_after is not None:
                reply = dataclasses.replace(reply, headers={"Retry-After": str(fault.retry_after)})
        elif isinstance(parsed, Refusal):
            reply = error_reply(parsed.code, parsed.extended)
        else:
            reply, send_request = self._handle(parsed, peer)
            if send_request is not None:
                received.body = send_request.redacted()

        received.http_status = reply.http_status
        received.error_code = reply.error_code
        received.mt_num = reply.mt_num
        log_event(
            logger,
            "rest_send",
            level=logging.INFO if reply.error_code is None else logging.WARNING,
            http_status=reply.http_status,
            code=reply.error_code,
            mt_num=reply.mt_num,
            id=partner_id,
            dest=(received.body or {}).get("destAddr"),
            peer=peer,
            fault=fault.label,
        )
        return web.json_response(reply.payload, status=reply.http_status, headers=reply.headers)

    async def _hang(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _handle(self, body: dict[str, Any], peer: str | None) -> tuple[Reply, SendRequest | None]:
        refused = self._account.refusal(peer, body)
        if refused is not None:
            return error_reply(refused), None
        try:
            send_request = validate(body, voice_code=self.config.voice_code)
        except Refusal as refusal:
            return error_reply(refusal.code, refusal.extended), None
        return self._accept(send_request), send_request

    def _accept(self, request: SendRequest) -> Reply:
        # No await from the duplicate lookup to `add`: two identical requests racing each
        # other cannot both become sends.
        try:
            earlier = self._ledger.earlier(request)
        except DuplicateIdError:
            return error_reply(
                DUPLICATE, f"id {request.id!r} was already used for a different message."
            )
        if earlier is not None:
            return accepted_reply(earlier.mt_num, request.id)
        mt_num = self._ledger.next_mt_num()
        accepted_at = datetime.now(MOSCOW)
        record = SendRecord(
            mt_num=mt_num,
            partner_id=request.id,
            request=request.redacted(),
            steps=request.steps(),
            outcome=request_outcome(request),
            accepted_at=accepted_at,
            target_url=request.notify_url or self.config.report_url,
            schedule=plan(
                request,
                mt_num=mt_num,
                accepted_at=accepted_at,
                default_ttl=self.config.default_ttl,
                default_sender=self.config.default_sender,
            ),
        )
        self._ledger.add(record)
        log_event(
            logger,
            "send_accepted",
            mt_num=mt_num,
            id=request.id,
            dest=request.dest_addr,
            steps=">".join(s.type.value for s in record.steps),
            outcome=record.outcome.value,
            reports=len(record.schedule),
            target=url_origin(record.target_url) if record.target_url else None,
        )
        self._spawn_delivery(record)
        return accepted_reply(mt_num, request.id)

    def _spawn_delivery(self, record: SendRecord) -> None:
        if self._poster is None or self._closing.is_set():
            record.finished.set()
            return
        task = asyncio.create_task(
            deliver(
                record,
                self._poster,
                time_scale=self.config.time_scale,
                started=asyncio.get_running_loop().time(),
            ),
            name=f"sandbox-delivery-{record.mt_num}",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- test control over HTTP --------------------------------------------------------

    async def _set_faults(self, request: web.Request) -> web.Response:
        try:
            command = FaultsCommand.model_validate_json(await request.read())
        except ValidationError as exc:
            return web.json_response({"error": exc.errors(include_url=False)}, status=400)
        command.apply(self.faults)
        pending = self.faults.pending()
        log_event(logger, "faults_set", fail=pending["fail"], hang=pending["hang"])
        return web.json_response(pending)

    async def _get_sends(self, request: web.Request) -> web.Response:
        return web.json_response(self.summary())


RunningSandbox = Sandbox
"""What `Sandbox.running()` yields (the sandbox itself, with `base_url` set): the name
tests use for the `sandbox` fixture's value."""
