"""What the sandbox saw and did: received requests, accepted sends, duplicate control."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from provider.request import CascadeStep, SendRequest
from provider.sandbox.scenarios import Outcome, ScheduledReport


@dataclass(slots=True)
class ReceivedRequest:
    """One POST /rest/send attempt, whatever became of it.

    Recorded on arrival, completed when answered: a hung request is visible while it hangs.
    """

    body: dict[str, Any] | None
    """The JSON body with the password masked; None when it was not a JSON object."""
    partner_id: str | None
    peer: str | None
    http_status: int | None = None
    """The HTTP status answered; None while the request is still being handled."""
    error_code: int | None = None
    """The platform's error code answered, None on success."""
    mt_num: str | None = None


@dataclass(slots=True)
class SendRecord:
    """One accepted, distinct send (a repeated id with the same body maps to it)."""

    mt_num: str
    partner_id: str | None
    request: dict[str, Any]
    """`SendRequest.redacted()`: the password never reaches storage."""
    steps: list[CascadeStep]
    outcome: Outcome
    accepted_at: datetime
    target_url: str | None
    """Where reports go: notifyUrl, else the account's report URL, else nowhere."""
    schedule: list[ScheduledReport]
    reports: list[dict[str, Any]] = field(default_factory=list)
    """Reports emitted so far, in emission order (posted, or kept only when no target)."""
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when every scheduled report has been emitted (or delivery was stopped)."""


class DuplicateIdError(Exception):
    """The partner id was already used for a different request (code 10)."""


class Ledger:
    """Accepted sends by mtNum, and the partner-id index behind duplicate control."""

    def __init__(self, *, duplicate_control: bool) -> None:
        self.duplicate_control = duplicate_control
        self.sends: dict[str, SendRecord] = {}
        self._by_partner_id: dict[str, SendRecord] = {}
        # Start from the clock so an embedded sandbox restarted next to a persistent
        # database does not hand out an mtNum the database already holds.
        self._numbers = itertools.count(time.time_ns() // 1_000_000)

    def next_mt_num(self) -> str:
        return str(next(self._numbers))

    def earlier(self, request: SendRequest) -> SendRecord | None:
        """The send this request repeats, if any; raises DuplicateIdError on a clash."""
        if not self.duplicate_control or request.id is None:
            return None
        record = self._by_partner_id.get(request.id)
        if record is None:
            return None
        if record.request != request.redacted():
            raise DuplicateIdError(request.id)
        return record

    def add(self, record: SendRecord) -> None:
        self.sends[record.mt_num] = record
        if record.partner_id is not None:
            self._by_partner_id.setdefault(record.partner_id, record)
