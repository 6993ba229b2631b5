"""What the sandbox's legacy API keeps: requests, accepted messages, the minute rule.

Pure bookkeeping, no HTTP: `LegacyLedger.accept` applies client_id_message duplicate
control and plans the message's course; `state_row` reads it at the simulated "now";
`identical` is the platform's once-a-minute rule for identical requests.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

from provider.legacy.request import LegacyMessage, LegacyRecipient
from provider.legacy.rules import (
    IDENTICAL_REQUEST_WINDOW,
    STATE_FIELDS,
    TIME_CHANGE_STATE_FORMAT,
    UNKNOWN_ID_TEXT,
    LegacyChannel,
)
from provider.sandbox.legacy.course import Course, Snapshot, plan_course
from provider.sandbox.legacy.texts import CLIENT_ID_TAKEN
from provider.sandbox.legacy.wire import Accepted, PhoneRefused, StateRow
from provider.sandbox.scenarios import MOSCOW, Outcome, outcome_for
from provider.sms import sms_parts as count_sms_parts

PRICES: Mapping[LegacyChannel, Decimal] = MappingProxyType(
    {
        LegacyChannel.VIBER: Decimal("1.20"),
        LegacyChannel.VK: Decimal("0.90"),
        LegacyChannel.SMS: Decimal("2.50"),
    }
)
"""What the sandbox charges per message (SMS: per part) once a channel was sent."""

_SEEN_LIMIT = 10_000


@dataclass(slots=True)
class LegacyReceived:
    """One request to a legacy endpoint, whatever became of it."""

    transport: str
    """get, json or xml."""
    path: str
    peer: str | None
    raw: str
    """The query string or the body as received, the password replaced by ``***``."""
    operation: str | None = None
    """send or state; None when the request could not be read."""
    http_status: int | None = None
    """None while the request is being handled (a hung request)."""
    error: str | None = None
    """The error text answered for the whole request, None otherwise."""
    client_ids: list[str] = field(default_factory=list)
    id_messages: list[str] = field(default_factory=list)
    """Ids answered (send) or asked about (state)."""


@dataclass(frozen=True, slots=True)
class LegacyRecord:
    """One accepted message to one phone."""

    id_message: str
    client_id_message: str | None
    phone: str
    transport: str
    message: LegacyMessage
    channel_ids: Mapping[LegacyChannel, str]
    """"0" for a channel the message does not use."""
    count_message: int
    outcome: Outcome
    accepted_at: datetime
    """Moscow time; state times are this plus simulated seconds."""
    accepted_clock: float
    """time.monotonic() at acceptance."""
    course: Course

    def accepted(self) -> Accepted:
        return Accepted(
            id_message=self.id_message,
            client_id_message=self.client_id_message,
            phone=self.phone,
            count_message=self.count_message,
            id_viber=self.channel_ids[LegacyChannel.VIBER],
            id_sms=self.channel_ids[LegacyChannel.SMS],
            id_vk=self.channel_ids[LegacyChannel.VK],
        )


class LegacyLedger:
    def __init__(
        self, *, time_scale: float, default_lifetime: float, next_id: Callable[[], str]
    ) -> None:
        self._time_scale = time_scale
        self._default_lifetime = default_lifetime
        self._next_id = next_id
        """The sandbox ledger's numbering: legacy ids and REST mtNums never collide."""
        self.messages: dict[str, LegacyRecord] = {}
        """Accepted messages by id_message."""
        self.repeats: list[str] = []
        """id_message of every request answered from duplicate control (nothing sent)."""
        self._by_client_id: dict[str, LegacyRecord] = {}
        self._seen: dict[bytes, float] = {}
        """Identical-request digests -> time.monotonic() they were last let through."""

    # -- the minute rule ---------------------------------------------------------------

    def identical(self, path: str, identity: str) -> bool:
        """Whether the same request was let through less than a (simulated) minute ago."""
        now = time.monotonic()
        window = IDENTICAL_REQUEST_WINDOW * self._time_scale
        digest = hashlib.sha256(f"{path}\0{identity}".encode()).digest()
        last = self._seen.get(digest)
        if last is not None and now - last < window:
            return True
        self._seen[digest] = now
        if len(self._seen) > _SEEN_LIMIT:
            self._seen = {k: t for k, t in self._seen.items() if now - t < window}
        return False

    # -- sends -------------------------------------------------------------------------

    def accept(
        self, message: LegacyMessage, recipient: LegacyRecipient, transport: str
    ) -> LegacyRecord | PhoneRefused:
        """A new record, the earlier one for a repeated client_id_message, or a refusal."""
        client_id = recipient.client_id_message
        earlier = self._by_client_id.get(client_id) if client_id is not None else None
        if earlier is not None:
            if earlier.phone == recipient.phone and earlier.message == message:
                # A repeat (a retry after a lost answer): the same ids, nothing sent again.
                self.repeats.append(earlier.id_message)
                return earlier
            return PhoneRefused(recipient.phone, client_id, CLIENT_ID_TAKEN)
        channels = message.channels()
        accepted_at = datetime.now(MOSCOW)
        outcome = outcome_for(recipient.phone)
        record = LegacyRecord(
            id_message=self._next_id(),
            client_id_message=client_id,
            phone=recipient.phone,
            transport=transport,
            message=message,
            channel_ids=MappingProxyType(
                {c: self._next_id() if c in channels else "0" for c in LegacyChannel}
            ),
            count_message=sms_parts(message) if channels[0] is LegacyChannel.SMS else 1,
            outcome=outcome,
            accepted_at=accepted_at,
            accepted_clock=time.monotonic(),
            course=plan_course(
                message,
                outcome,
                start=_delay(message.time_send, accepted_at),
                default_lifetime=self._default_lifetime,
            ),
        )
        self.messages[record.id_message] = record
        if client_id is not None:
            self._by_client_id[client_id] = record
        return record

    # -- states ------------------------------------------------------------------------

    def snapshot(self, id_message: str) -> Snapshot:
        record = self.messages[id_message]
        elapsed = time.monotonic() - record.accepted_clock
        simulated = elapsed / self._time_scale if self._time_scale > 0 else math.inf
        return record.course.snapshot(simulated)

    def state_row(self, id_message: str) -> StateRow:
        record = self.messages.get(id_message)
        if record is None:
            # The page: time_change_state is empty when the id is unknown.
            return StateRow(id_message, UNKNOWN_ID_TEXT, dict.fromkeys(STATE_FIELDS, ""))
        snap = self.snapshot(id_message)
        changed = record.accepted_at + timedelta(seconds=snap.changed_at)
        parts = sms_parts(record.message)
        fields = {
            "time_change_state": changed.strftime(TIME_CHANGE_STATE_FORMAT),
            "state_sms": snap.channels[LegacyChannel.SMS].value,
            "state_viber": snap.channels[LegacyChannel.VIBER].value,
            "state_vk": snap.channels[LegacyChannel.VK].value,
            "num_parts_sms": str(parts if LegacyChannel.SMS in snap.sent else 0),
        }
        for channel in (LegacyChannel.SMS, LegacyChannel.VIBER, LegacyChannel.VK):
            count = parts if channel is LegacyChannel.SMS else 1
            price = PRICES[channel] * count if channel in snap.sent else Decimal(0)
            fields[f"price_{channel.value}"] = str(price)
        return StateRow(id_message, snap.overall.value, fields)


def sms_parts(message: LegacyMessage) -> int:
    """Parts of the message's SMS text (GSM 03.38 or UCS-2, as `provider.sms` counts)."""
    return count_sms_parts(message.text_sms or "").parts


def _delay(time_send: datetime | None, accepted_at: datetime) -> float:
    """Simulated seconds until time_send (platform time = Moscow); 0 for now or the past."""
    if time_send is None:
        return 0.0
    wanted = time_send if time_send.tzinfo else time_send.replace(tzinfo=MOSCOW)
    return max(0.0, (wanted - accepted_at).total_seconds())
