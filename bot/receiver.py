"""The delivery-report receiver: `POST /reports/<secret>`, persist first, then answer 200.

A report the platform got no 200 for is sent again, so answering only after the database
has it loses nothing; duplicates and out-of-order reports are absorbed by storage.
"""

from __future__ import annotations

import hmac
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from provider.logs import log_event
from provider.reports import DeliveryReport
from provider.request import MASK, SendRequest
from storage import NewStatusEvent, RecordOutcome, StatusRepository, StorageError

log = logging.getLogger(__name__)

REPORTS_PATH = "/reports/"

MAX_BODY = 1024 * 1024
"""A batch of a few thousand reports; anything larger is not the platform."""

Network = IPv4Network | IPv6Network


def report_url(base: str, secret: str) -> str:
    return base.rstrip("/") + REPORTS_PATH + secret


def shown_request(request: SendRequest) -> dict[str, Any]:
    """A request fit for a chat, a log or storage: password and the receiver's secret masked."""
    data = request.redacted()
    url = data.get("notifyUrl")
    if isinstance(url, str) and REPORTS_PATH in url:
        data["notifyUrl"] = url[: url.index(REPORTS_PATH) + len(REPORTS_PATH)] + MASK
    return data


def to_event(report: DeliveryReport) -> NewStatusEvent:
    return NewStatusEvent(
        step_type=report.type.value,
        status=report.status.name,
        mt_num=report.mt_num,
        partner_id=report.id,
        error_code=report.error_code or None,
        done_at=report.done_date,
        submitted_at=report.submit_date,
        destination=report.dest_addr,
        raw=report.to_json(),
    )


class ReportReceiver:
    def __init__(
        self,
        statuses: StatusRepository,
        secret: str,
        *,
        on_change: Callable[[], None],
        health: Callable[[], Awaitable[dict[str, Any]]],
        allowed: Sequence[Network] | None = None,
    ) -> None:
        self._statuses = statuses
        self._secret = secret
        self._on_change = on_change
        self._health = health
        self._allowed = allowed

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(REPORTS_PATH + "{secret}", self._reports)
        app.router.add_get("/health", self._health_check)
        return app

    async def _reports(self, request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.match_info["secret"].encode(), self._secret.encode()):
            # The same answer as for any unknown path: the secret stays a secret.
            raise web.HTTPNotFound()
        if self._allowed is not None and not _peer_allowed(request.remote, self._allowed):
            log_event(log, "report_refused", level=logging.WARNING, peer=request.remote)
            raise web.HTTPForbidden(text="address not allowed")
        try:
            reports = _parse(await request.read())
        except _BadReport as exc:
            log_event(log, "report_malformed", level=logging.WARNING, reason=exc.reason)
            return web.json_response({"error": exc.reason}, status=400)
        changed = False
        try:
            for report in reports:
                result = await self._statuses.record_status_event(to_event(report))
                changed = changed or result.changed
                log_event(
                    log,
                    "report_stored",
                    mt_num=report.mt_num,
                    type=report.type.value,
                    status=report.status.name,
                    outcome=result.outcome.value,
                    dest=report.dest_addr if result.outcome is RecordOutcome.OUTSIDE else None,
                )
        except (sqlite3.OperationalError, StorageError) as exc:
            # Locked past busy_timeout, disk full...: the platform will send it again.
            log_event(log, "report_not_stored", level=logging.ERROR, error=type(exc).__name__)
            return web.json_response({"error": "storage unavailable, retry"}, status=503)
        if changed:
            self._on_change()
        return web.json_response({"stored": len(reports)})

    async def _health_check(self, request: web.Request) -> web.Response:
        report = await self._health()
        healthy = all(value == "ok" for value in report.values())
        return web.json_response(report, status=200 if healthy else 503)


class _BadReport(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parse(body: bytes) -> list[DeliveryReport]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _BadReport("body is not JSON") from exc
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise _BadReport("empty batch")
    reports = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _BadReport(f"report {index} is not a JSON object")
        try:
            reports.append(DeliveryReport.model_validate(item))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "report"
            raise _BadReport(f"report {index}: {where}: {first['msg']}") from exc
    return reports


def _peer_allowed(peer: str | None, allowed: Sequence[Network]) -> bool:
    if peer is None:
        return False
    try:
        address = ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in allowed)
