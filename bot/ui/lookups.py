"""Looking sends up for /status, /history, /trace and the status card's buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.people.access import SENDING_ROLES
from bot.sending.platform import Platform
from bot.telegram.limits import fit_message
from bot.ui.cards import Card
from bot.ui.i18n import Translator
from bot.ui.status_card import status_card
from provider.channels import MessageType
from provider.legacy import ERROR_STATE
from provider.reports import error_name
from storage import (
    Operator,
    OutsideReport,
    OutsideReportRepository,
    Send,
    SendRepository,
    StatusEvent,
    StatusRepository,
    StepStatus,
)

HISTORY_PAGE = 8
LARGEST_ROW_ID = 2**63 - 1
"""SQLite's largest integer: a larger ``#id`` names no send (and cannot even be asked)."""
_PERIOD = re.compile(r"(\d{1,3})\s*([mhd])", re.IGNORECASE)
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class Period:
    """A /trace period as the operator wrote it (``24h`` stays 24 hours, not a day)."""

    amount: int
    unit: str
    """m, h or d."""

    @property
    def length(self) -> timedelta:
        return self.amount * _UNITS[self.unit]


DEFAULT_TRACE_PERIOD = Period(24, "h")


def parse_period(text: str) -> Period | None:
    """``30m``, ``24h``, ``7d``; None if it is none of those."""
    match = _PERIOD.fullmatch(text.strip())
    if match is None or int(match[1]) == 0:
        return None
    return Period(int(match[1]), match[2].lower())


def _row_id(reference: str) -> int | None:
    """``#123``: our own id of a send (ASCII digits only: ``int`` reads ``٣`` too)."""
    digits = reference[1:]
    if not reference.startswith("#") or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if value <= LARGEST_ROW_ID else None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    sends: list[Send]
    """Newest first."""
    older: bool
    """Older sends than these exist."""
    newer: bool
    """Newer sends than these exist."""


@dataclass(frozen=True, slots=True)
class SendHistory:
    send: Send | None
    events: list[StatusEvent]
    outside: list[OutsideReport]
    """Reports for an mtNum the bot did not send (outside traffic)."""


class SendViews:
    def __init__(
        self,
        platform: Platform,
        sends: SendRepository,
        statuses: StatusRepository,
        outside: OutsideReportRepository,
    ) -> None:
        self._platform = platform
        self._sends = sends
        self._statuses = statuses
        self._outside = outside

    async def lookup(self, reference: str) -> SendHistory:
        """By mtNum, by partner id, or by our own ``#id``."""
        reference = reference.strip()
        send = None
        if (row_id := _row_id(reference)) is not None:
            send = await self._sends.get(row_id)
        send = send or await self._sends.get_by_mtnum(reference)
        send = send or await self._sends.get_by_partner_id(reference)
        for account in self._platform.accounts:
            if send is None and account.is_legacy:
                send = await self._sends.get_by_legacy_id(account.account_id, reference)
        if send is None:
            return SendHistory(None, [], await self._outside.by_mtnum(reference))
        return SendHistory(send, await self._statuses.events(send.id), [])

    async def get(self, send_id: int) -> Send | None:
        return await self._sends.get(send_id)

    async def created_since(self, operator_id: int, since: datetime) -> Send | None:
        """The operator's newest send if it was created at `since` or later."""
        newest = await self._sends.recent_for_operator(operator_id, limit=1)
        return newest[0] if newest and newest[0].created_at >= since else None

    async def card(self, send: Send, operator: Operator | None, t: Translator) -> Card:
        """The status card, within one message (the platform's error text has no bound);
        its repeat button only for someone who may send; its times in `t`'s zone (the
        reader's, or for a card edited unasked its owner's)."""
        steps = await self._statuses.steps(send.id)
        card = status_card(
            send,
            steps,
            self._platform.by_id(send.account_id),
            t,
            several_accounts=self._platform.several,
            can_repeat=operator is not None and operator.role in SENDING_ROLES,
            times=t.times,
            legacy_errors=await self._legacy_errors(send, steps),
        )
        return Card(fit_message(card.text), card.keyboard)

    async def last_news(self, send: Send) -> datetime:
        """When the card last had something new: its newest step status, else the send's
        own last change (accepted, refused...)."""
        times = [s.updated_at for s in await self._statuses.steps(send.id) if s.updated_at]
        return max(times, default=send.updated_at)

    async def failure_reason(self, send: Send) -> str:
        """The error name of the step that failed last (``absent-subscriber``), the legacy
        API's error text for a step that ended in one, or ""."""
        steps = await self._statuses.steps(send.id)
        errors = await self._legacy_errors(send, steps)
        for step in reversed(steps):
            if step.status == ERROR_STATE and step.step_type in errors:
                return errors[step.step_type]
            if step.status is not None and step.error_code:
                return error_name(MessageType(step.step_type), step.error_code)
        return ""

    async def _legacy_errors(self, send: Send, steps: list[StepStatus]) -> dict[str, str]:
        """The legacy API's error text for each step that ended in one ("Сообщение с таким
        ID не принималось"): kept in its event, read only when a step shows ``error``."""
        if not any(step.status == ERROR_STATE for step in steps):
            return {}
        texts: dict[str, str] = {}
        for event in await self._statuses.events(send.id):
            text = event.raw.get("error")
            if event.status == ERROR_STATE and isinstance(text, str):
                texts[event.step_type] = text
        return texts

    async def recent_numbers(self, operator: Operator, *, count: int) -> list[str]:
        """The numbers this operator sent to last, newest first, each once."""
        numbers: list[str] = []
        for send in await self._sends.recent_for_operator(operator.user_id, limit=20):
            if send.destination and send.destination not in numbers:
                numbers.append(send.destination)
        return numbers[:count]

    async def history(
        self,
        operator: Operator,
        *,
        everyone: bool,
        before: int | None = None,
        after: int | None = None,
    ) -> HistoryPage:
        """A page of /history: the newest sends, those older than `before`, or those just
        newer than `after` (the newest page when fewer than a page are newer)."""

        async def page(**bounds: int | None) -> list[Send]:
            if everyone:
                return await self._sends.recent_all(limit=HISTORY_PAGE + 1, **bounds)
            return await self._sends.recent_for_operator(
                operator.user_id, limit=HISTORY_PAGE + 1, **bounds
            )

        if after is not None:
            newer = await page(after_id=after)
            if len(newer) > HISTORY_PAGE:  # newest first: the one over is the newest
                return HistoryPage(newer[1:], older=True, newer=True)
            before = None
        sends = await page(before_id=before)
        # Paged from `before`, the send at `before` itself is newer than this page.
        return HistoryPage(
            sends[:HISTORY_PAGE], older=len(sends) > HISTORY_PAGE, newer=before is not None
        )

    async def trace(self, phone: str, since: datetime) -> tuple[list[Send], list[OutsideReport]]:
        return (
            await self._sends.by_destination(phone, since=since),
            await self._outside.by_destination(phone, since=since),
        )
