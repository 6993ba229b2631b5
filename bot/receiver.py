"""The delivery-report receiver: `POST /reports/<secret>`, persist first, then answer 200.

A report the platform got no 200 for is sent again, so answering only after the database
has it loses nothing; duplicates and out-of-order reports are absorbed by storage.

Group commit: handlers validate their reports and hand them to one writer task
(:class:`ReportWriter`); each round it takes everything queued (up to ``MAX_BATCH``
reports), records it in ONE transaction, commits, and only then answers each waiting
request, so every 200 still means "this request's reports are durable". A storage error
answers 503 to the requests of that round (a report that breaks the batch for another
reason is retried alone, so it fails only its own request).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import sqlite3
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from provider.logs import log_event
from provider.reports import DeliveryReport
from provider.request import MASK, SendRequest
from storage import NewStatusEvent, RecordOutcome, RecordResult, StatusRepository, StorageError
from storage.statuses import PreparedEvent

log = logging.getLogger(__name__)

REPORTS_PATH = "/reports/"

MAX_BODY = 1024 * 1024
"""A batch of a few thousand reports; anything larger is not the platform."""

MAX_BATCH = 256
"""Reports per group-commit transaction (a larger single request still goes in whole)."""

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


def to_event(report: DeliveryReport, raw: Mapping[str, Any] | None = None) -> NewStatusEvent:
    """The storage event of a report; ``raw`` is the report as posted (default: re-encoded)."""
    return NewStatusEvent(
        step_type=report.type.value,
        status=report.status.name,
        mt_num=report.mt_num,
        partner_id=report.id,
        error_code=report.error_code or None,
        done_at=report.done_date,
        submitted_at=report.submit_date,
        destination=report.dest_addr,
        raw=report.to_json() if raw is None else raw,
    )


class WriterStopped(StorageError):
    """The receiver is shutting down; the platform will post the report again."""


@dataclass(slots=True)
class _Submission:
    events: list[PreparedEvent]
    future: asyncio.Future[list[RecordResult]]


class ReportWriter:
    """The single writer of the receiver: records the reports of concurrent requests in
    one transaction per round (group commit) and resolves each request after the commit."""

    def __init__(
        self,
        statuses: StatusRepository,
        *,
        on_change: Callable[[], None],
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._statuses = statuses
        self._on_change = on_change
        self._max_batch = max_batch
        self._queue: deque[_Submission] = deque()
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0
        """Transactions committed (for benchmarks and tests)."""
        self._log = _StoredLog()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="report-writer")

    async def stop(self) -> None:
        """Stop; requests still waiting (none once aiohttp has answered them all) get 503."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def record(self, events: list[NewStatusEvent]) -> list[RecordResult]:
        """Results in the order of ``events``, once they are committed.

        The events are validated and serialised here, in the caller's task, while the
        writer may be busy with the previous round (invalid input raises here and never
        reaches a batch).
        """
        if not self.running:
            raise WriterStopped("the report writer is not running")
        prepared = [self._statuses.prepare(event) for event in events]
        future: asyncio.Future[list[RecordResult]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Submission(prepared, future))
        self._ready.set()
        return await future

    async def _run(self) -> None:
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                while self._queue:
                    await self._commit(self._take())
        finally:
            self._log.flush()
            # Cancelled (shutting down): whatever is still queued was not stored.
            while self._queue:
                _fail(self._queue.popleft(), WriterStopped("the receiver is shutting down"))

    def _take(self) -> list[_Submission]:
        batch = [self._queue.popleft()]
        size = len(batch[0].events)
        while self._queue and size + len(self._queue[0].events) <= self._max_batch:
            submission = self._queue.popleft()
            size += len(submission.events)
            batch.append(submission)
        return batch

    async def _commit(self, batch: list[_Submission]) -> None:
        events = [event for submission in batch for event in submission.events]
        started = time.perf_counter()
        try:
            results = await self._statuses.record_prepared(events)
        except asyncio.CancelledError:
            for submission in batch:
                _fail(submission, WriterStopped("the receiver is shutting down"))
            raise
        except Exception as exc:
            if len(batch) > 1 and not isinstance(exc, sqlite3.OperationalError):
                # Not the database being unavailable: one report broke the round. Alone,
                # it fails only its own request.
                for submission in batch:
                    await self._commit([submission])
                return
            for submission in batch:
                _fail(submission, exc)
            return
        self.rounds += 1
        self._log.add(len(batch), results, time.perf_counter() - started)
        if any(result.changed for result in results):
            try:
                self._on_change()
            except Exception as exc:  # the reports are stored; the writer must go on
                log_event(log, "report_wake_failed", level=logging.ERROR, error=repr(exc))
        start = 0
        for submission in batch:
            end = start + len(submission.events)
            if not submission.future.done():
                submission.future.set_result(results[start:end])
            start = end


class _StoredLog:
    """The writer's INFO log: a round's line at once if the last line is a second old,
    else summed into the next one. At a trickle every report gets its line as it lands;
    at thousands a second one line per second (a line per report would cost more than
    storing it). Each report is in the database anyway (/status, /trace)."""

    def __init__(self, every: float = 1.0) -> None:
        self._every = every
        self._last = -every
        self._rounds = self._requests = 0
        self._outcomes: Counter[str] = Counter()
        self._slowest = 0.0

    def add(self, requests: int, results: Sequence[RecordResult], seconds: float) -> None:
        self._rounds += 1
        self._requests += requests
        self._outcomes.update(result.outcome.value for result in results)
        self._slowest = max(self._slowest, seconds)
        if time.monotonic() - self._last >= self._every:
            self.flush()

    def flush(self) -> None:
        if not self._rounds:
            return
        log_event(
            log,
            "reports_stored",
            reports=sum(self._outcomes.values()),
            recorded=self._outcomes[RecordOutcome.RECORDED.value],
            duplicates=self._outcomes[RecordOutcome.DUPLICATE.value] or None,
            outside=self._outcomes[RecordOutcome.OUTSIDE.value] or None,
            requests=self._requests,
            transactions=self._rounds,
            slowest_ms=f"{self._slowest * 1000:.1f}",
        )
        self._last = time.monotonic()
        self._rounds = self._requests = 0
        self._outcomes.clear()
        self._slowest = 0.0


def _fail(submission: _Submission, exc: BaseException) -> None:
    if not submission.future.done():
        submission.future.set_exception(exc)


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
        self._secret = secret
        self._health = health
        self._allowed = allowed
        self.writer = ReportWriter(statuses, on_change=on_change)

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
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
        try:
            results = await self.writer.record([to_event(report, raw) for report, raw in reports])
        except (sqlite3.OperationalError, StorageError) as exc:
            # Locked past busy_timeout, disk full...: the platform will send it again.
            log_event(log, "report_not_stored", level=logging.ERROR, error=type(exc).__name__)
            return web.json_response({"error": "storage unavailable, retry"}, status=503)
        if log.isEnabledFor(logging.DEBUG):
            for (report, _), result in zip(reports, results, strict=True):
                log_event(
                    log,
                    "report_stored",
                    level=logging.DEBUG,
                    mt_num=report.mt_num,
                    type=report.type.value,
                    status=report.status.name,
                    outcome=result.outcome.value,
                    dest=report.dest_addr if result.outcome is RecordOutcome.OUTSIDE else None,
                )
        return web.json_response({"stored": len(reports)})

    async def _health_check(self, request: web.Request) -> web.Response:
        report = await self._health()
        healthy = all(value == "ok" for value in report.values())
        return web.json_response(report, status=200 if healthy else 503)


class _BadReport(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parse(body: bytes) -> list[tuple[DeliveryReport, dict[str, Any]]]:
    """Each report validated, with the JSON object it came as (stored as received)."""
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
            reports.append((DeliveryReport.model_validate(item), item))
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
