"""The report receiver as the pipeline runs it (its writer's process, the guarded site), on
a free port of 127.0.0.1, for the tests of what it does with hostile input and load."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from aiohttp import web

from bot.reports.health import HealthReport
from bot.reports.peers import PeerAccess
from bot.reports.receiver import ReportReceiver
from bot.reports.writer.protocol import WriterConfig
from serving import ConnectionLimits, start_site

SECRET = "s3cret"


class Changes:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@dataclass
class Receiving:
    base_url: str
    receiver: ReportReceiver
    runner: web.AppRunner
    changes: Changes

    @property
    def url(self) -> str:
        return f"{self.base_url}/reports/{SECRET}"

    @property
    def health_url(self) -> str:
        return f"{self.base_url}/health"

    async def wait_writer_ready(self, http: httpx.AsyncClient) -> None:
        """Until /health says the writer's process takes requests (it starts in the
        background)."""
        async with asyncio.timeout(10):
            while True:
                if (await http.get(self.health_url)).json()["reports"] == "ok":
                    return
                await asyncio.sleep(0.02)  # polling a readiness endpoint, bounded


@asynccontextmanager
async def receiving_reports(
    database: Path,
    *,
    busy_timeout: float = 0.2,
    literal_secrets: tuple[str, ...] = (),
    access: PeerAccess | None = None,
    limits: ConnectionLimits | None = None,
    answer_timeout: float = 15.0,
    host: str = "127.0.0.1",
) -> AsyncIterator[Receiving]:
    async def health() -> HealthReport:
        # The bot's /health says more (bot/reports/health.py); here the writer is all there is.
        reports = receiver.writer.state
        return HealthReport(healthy=reports == "ok", body={"database": "ok", "reports": reports})

    config = WriterConfig(
        database=str(database), busy_timeout=busy_timeout, literal_secrets=list(literal_secrets)
    )
    changes = Changes()
    receiver = ReportReceiver(
        config,
        SECRET,
        on_change=changes,
        health=health,
        access=access or PeerAccess(),
        answer_timeout=answer_timeout,
    )
    runner, base_url = await start_site(
        receiver.make_app(),
        host,
        0,
        shutdown_timeout=5.0,
        limits=limits or ConnectionLimits(),
    )
    try:
        yield Receiving(base_url, receiver, runner, changes)
    finally:
        await runner.cleanup()
