"""``GET /health``: what a monitoring system (and Docker's HEALTHCHECK) reads.

It answers 503 when the bot cannot do its job: the database unreachable, the report
writer not taking reports, a worker stopped for good, or a card update owed for longer
than :data:`CARD_WAIT_LIMIT`. Telegram's reachability is reported, not judged on its own
(a Telegram outage shows as card updates that wait); it comes from the bot's last real
call, so that a scanner polling /health costs Telegram nothing (see
:class:`bot.telegram.outages.Reachability`). The README's /health section says what
each field means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from aiogram import Bot

from bot.reports.notifier import CardNotifier
from bot.telegram.outages import Reachability
from bot.workers import Workers, WorkerState
from storage import Database

CARD_WAIT_LIMIT: Final = 60.0
"""Seconds a card update may be owed before the bot counts as failing."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    body: dict[str, Any]


class Health:
    def __init__(
        self,
        *,
        db: Database,
        workers: Workers,
        notifier: CardNotifier,
        reachability: Reachability,
        telegram: Bot,
        reports: Callable[[], str],
        card_wait_limit: float = CARD_WAIT_LIMIT,
    ) -> None:
        self._db = db
        self._workers = workers
        self._notifier = notifier
        self._reachability = reachability
        self._telegram = telegram
        self._reports = reports
        self.card_wait_limit = card_wait_limit
        """Seconds a card update may wait before the bot counts as failing."""

    async def report(self) -> HealthReport:
        database = "ok"
        try:
            await self._db.fetch_one("SELECT 1")
        except Exception:
            database = "unavailable"
        telegram, checked = await self._reachability.state(self._telegram)
        reports = self._reports()
        oldest = self._notifier.oldest_wait()
        failing = []
        if database != "ok":
            failing.append("database")
        if reports != "ok":
            failing.append("reports")
        failing.extend(f"worker {w.name}" for w in self._workers if w.state is WorkerState.STOPPED)
        if oldest > self.card_wait_limit:
            failing.append("card updates")
        body = {
            "database": database,
            "reports": reports,
            "telegram": telegram,
            "telegram_checked_s": checked,
            "workers": {
                w.name: {"state": w.state.value, "failures": w.failures, "last_error": w.last_error}
                for w in self._workers
            },
            "card_updates": {
                "pending": self._notifier.pending,
                "oldest_s": round(oldest, 1),
                "failed": self._notifier.failed,
            },
            "failing": failing,
        }
        return HealthReport(healthy=not failing, body=body)
