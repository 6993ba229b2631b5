"""The status pipeline in the bot process: the report receiver (with the report writer's
process), the legacy poller (when a legacy account exists) and the card notifier.
The path of a report through them: bot/reports/README.md."""

from __future__ import annotations

import asyncio
import errno
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from aiogram import Bot

from bot.reports.health import Health
from bot.reports.notifier import CardNotifier
from bot.reports.peers import PeerAccess
from bot.reports.poller import LegacyPoller
from bot.reports.receiver import ReportReceiver
from bot.reports.urls import ReportUrls, report_url
from bot.reports.writer.protocol import WriterConfig
from bot.sending.platform import Platform
from bot.settings import ConfigError, Settings, literal_secrets, split_listen
from bot.telegram.outages import Reachability
from bot.workers import Workers
from provider.logs import log_event
from serving import ConnectionLimits, start_site, why_not_bound
from storage import (
    Database,
    KeyValueRepository,
    OutsideReportRepository,
    SendRepository,
    StatusRepository,
)

log = logging.getLogger(__name__)

REPORTS_SECRET_KEY = "reports_secret"  # noqa: S105 - the name of the key, not a secret
RETENTION_EVERY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Pipeline:
    notifier: CardNotifier
    local_url: str
    """``http://127.0.0.1:<port>``: where the embedded sandbox posts reports."""
    report_urls: ReportUrls
    """The notifyUrl sends carry, by account."""
    health: Health
    """What ``GET /health`` answers."""
    poller: LegacyPoller | None = None
    """Running when some account uses a legacy API."""


def cannot_listen(variable: str, address: str, exc: OSError) -> ConfigError:
    """A server's address that cannot be bound (taken, not this machine's, a privileged port)
    as one line naming its variable, instead of a traceback."""
    reason = why_not_bound(exc)
    advice = "stop what uses it or set" if exc.errno == errno.EADDRINUSE else "set"
    return ConfigError(
        f"{variable}={address}: cannot listen there ({reason}); "
        f"{advice} {variable} to another host:port"
    )


async def reports_secret(settings: Settings, kv: KeyValueRepository) -> str:
    """REPORTS_SECRET, else one generated at the first start and kept in the database."""
    if settings.reports.reports_secret is not None:
        return settings.reports.reports_secret.get_secret_value()
    return await kv.get_or_create(REPORTS_SECRET_KEY, lambda: secrets.token_urlsafe(24))


@asynccontextmanager
async def status_pipeline(
    settings: Settings,
    *,
    db: Database,
    platform: Platform,
    notifier: CardNotifier,
    telegram: Bot,
    workers: Workers,
    reachability: Reachability,
) -> AsyncIterator[Pipeline]:
    """Receive reports, poll legacy states, edit cards (each task a supervised worker, see
    :mod:`bot.workers`); stopped on leaving. `telegram` is the cards' Bot; /health asks
    it getMe when the bot's own calls have not said for a while whether Telegram answers."""
    secret = await reports_secret(settings, KeyValueRepository(db))
    db.add_literal_secret(secret)  # in the receiver's URL: never in a stored payload
    writer = WriterConfig(
        database=str(db.path),
        busy_timeout=settings.storage.database_busy_timeout,
        literal_secrets=[*literal_secrets(settings), secret],
        log_level=logging.getLevelName(logging.getLogger().getEffectiveLevel()),
    )
    reports = settings.reports
    receiver = ReportReceiver(
        writer,
        secret,
        on_change=notifier.wake,
        health=lambda: health.report(),
        access=PeerAccess(
            allowed=reports.reports_allowed_ips or None,
            trusted_proxies=reports.reports_trusted_proxies,
        ),
        answer_timeout=reports.reports_answer_timeout,
    )
    health = Health(
        db=db,
        workers=workers,
        notifier=notifier,
        reachability=reachability,
        telegram=telegram,
        reports=lambda: receiver.writer.state,
    )
    workers.watch(receiver.writer.keeper)
    limits = ConnectionLimits(
        max_connections=reports.reports_max_connections,
        read_timeout=reports.reports_read_timeout,
        keepalive_timeout=reports.reports_keepalive_timeout,
    )
    # An empty host: every address, as the platform must reach it.
    host, port = split_listen(reports.reports_listen, default_host="0.0.0.0")  # noqa: S104
    try:
        # Left cleaned up when it cannot bind (which stops the writer's process, started
        # with the app); in-flight reports get up to aiohttp's default minute at shutdown.
        runner, _ = await start_site(
            receiver.make_app(), host, port, shutdown_timeout=60.0, limits=limits
        )
    except OSError as exc:
        raise cannot_listen("REPORTS_LISTEN", settings.reports.reports_listen, exc) from exc
    bound_port = runner.addresses[0][1]
    local_url = f"http://127.0.0.1:{bound_port}"
    public = settings.reports.reports_public_url
    urls = ReportUrls(
        public=report_url(public, secret) if public else None,
        local=report_url(local_url, secret),
    )
    retention = timedelta(days=settings.storage.outside_reports_retention_days)
    outside = OutsideReportRepository(db)
    started = [
        workers.start("card-notifier", notifier.run),
        workers.start(
            "outside-reports-retention",
            lambda: keep_outside_reports(outside, retention, RETENTION_EVERY),
        ),
    ]
    poller = None
    if platform.legacy_accounts:
        poller = LegacyPoller(
            platform,
            SendRepository(db),
            StatusRepository(db),
            interval=settings.provider.legacy_poll_interval,
            on_change=notifier.wake,
        )
        started.append(workers.start("legacy-poller", poller.run))
    try:
        yield Pipeline(notifier, local_url, urls, health, poller)
    finally:
        for worker in reversed(started):
            await worker.stop()
        await runner.cleanup()


async def keep_outside_reports(
    reports: OutsideReportRepository, retention: timedelta, every: timedelta
) -> None:
    """Outside traffic's reports older than ``retention`` removed now and every ``every``
    (OUTSIDE_REPORTS_RETENTION_DAYS: they are kept to explain /trace, not for ever)."""
    while True:
        try:
            removed = await reports.purge_older_than(retention)
        except Exception as exc:  # a locked database: the next round tries again
            log_event(log, "retention_failed", level=logging.ERROR, error=type(exc).__name__)
        else:
            log_event(log, "outside_reports_purged", removed=removed, days=retention.days)
        await asyncio.sleep(every.total_seconds())
