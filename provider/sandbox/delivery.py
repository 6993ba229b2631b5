"""Posting delivery reports to the partner's receiver, in order, with retries."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from provider.logs import log_event, url_origin
from provider.sandbox.config import SandboxConfig
from provider.sandbox.ledger import SendRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReportAttempt:
    """One POST of a report to a receiver."""

    url: str
    report: dict[str, Any]
    attempt: int
    """1 for the first try of this report, 2 for the first retry..."""
    http_status: int | None
    """The receiver's answer; None when no answer came (see `error`)."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and self.http_status < 400


class ReportPoster:
    """POSTs one report until the receiver takes it, refuses it (4xx) or attempts run out."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        config: SandboxConfig,
        attempts: list[ReportAttempt],
    ) -> None:
        self._session = session
        self._config = config
        self._attempts = attempts
        self._timeout = aiohttp.ClientTimeout(total=config.report_timeout)

    async def post(self, url: str, report: dict[str, Any]) -> bool:
        delay = self._config.report_retry_delay
        for attempt in range(1, self._config.report_attempts + 1):
            result = await self._post_once(url, report, attempt)
            self._attempts.append(result)
            log_event(
                logger,
                "report_posted",
                level=logging.INFO if result.ok else logging.WARNING,
                url=url_origin(url),
                mt_num=report.get("mtNum"),
                status=report.get("status"),
                type=report.get("type"),
                attempt=attempt,
                http_status=result.http_status,
                error=result.error,
            )
            if result.ok:
                return True
            if result.http_status is not None and result.http_status < 500:
                # The receiver looked at it and said no: sending it again changes nothing.
                return False
            if attempt < self._config.report_attempts:
                # Real seconds, not scaled: this is about the receiver recovering.
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._config.report_retry_max_delay)
        log_event(
            logger,
            "report_dropped",
            level=logging.WARNING,
            url=url_origin(url),
            mt_num=report.get("mtNum"),
            status=report.get("status"),
        )
        return False

    async def _post_once(self, url: str, report: dict[str, Any], attempt: int) -> ReportAttempt:
        try:
            async with self._session.post(url, json=report, timeout=self._timeout) as response:
                await response.read()
                return ReportAttempt(url, report, attempt, response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return ReportAttempt(url, report, attempt, None, type(exc).__name__)


async def deliver(
    record: SendRecord, poster: ReportPoster, *, time_scale: float, started: float
) -> None:
    """Emit the send's scheduled reports one after another at their (scaled) times.

    One task per send, posting sequentially: a slow or retried report delays the ones after
    it instead of letting them overtake it. `started` is the loop time of acceptance.
    """
    loop = asyncio.get_running_loop()
    try:
        for item in record.schedule:
            delay = started + item.at * time_scale - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)  # the simulated delivery delay itself
            data = item.report.to_json()
            record.reports.append(data)
            if record.target_url is not None:
                await poster.post(record.target_url, data)
    except Exception:
        # A bug here must not become "Task exception was never retrieved" at shutdown.
        logger.exception("event=delivery_failed mt_num=%s", record.mt_num)
    finally:
        record.finished.set()
