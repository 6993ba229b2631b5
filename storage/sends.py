"""Sends: one row per message (or cascade) the bot submitted to the platform.

Life cycle of ``state``: a send is stored as ``submitting`` *before* the platform is
called (so a crash mid-call leaves a trace under its partner id), then becomes ``accepted``
(ids stored), ``failed`` (the platform refused it, or it never reached the platform) or
``unknown`` (the platform may have it: a later report carrying its partner id, or for the
legacy API the same request asked again after its minute, settles it). A report may come
before the answer: an ``accepted`` send stays accepted whatever the call says later.
Delivery progress is separate: ``status``/``final`` aggregate the steps (see
:mod:`storage.statuses`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from storage.accounts import ApiFamily
from storage.db import Database, Transaction, load_json_object
from storage.errors import NotFoundError, SendStateError
from storage.outbox import OutboxKind, enqueue_in_tx
from storage.status_ranks import normalize_step_type
from storage.timeutil import from_db, to_db

_NON_DIGITS: Final = re.compile(r"\D")

DEFAULT_PAGE_SIZE: Final = 10


class SendState(StrEnum):
    SUBMITTING = "submitting"
    ACCEPTED = "accepted"
    FAILED = "failed"
    UNKNOWN = "unknown"


def normalize_destination(phone: str) -> str:
    """Digits only, so "+7 (910) 123-45-67" and "79101234567" find the same sends.

    Country-specific rewriting (a Russian leading 8) is the provider layer's business; it
    hands storage the number it actually sent to.
    """
    digits = _NON_DIGITS.sub("", phone)
    if not digits:
        raise ValueError(f"no digits in destination {phone!r}")
    return digits


@dataclass(frozen=True, slots=True)
class NewSend:
    partner_id: str
    account_id: int
    channel: str
    """A label for people: SMS, FLASHINGCALL, VOICECODE, CASCADE..."""
    steps: Sequence[str]
    """Step types in chain order, e.g. ("VIBER", "SMS"); one element for a single message.

    Steps are keyed by type, so a chain repeating a type (SMS > SMS) merges both steps'
    reports into one step: the platform's reports carry the type, not the step index.
    """
    destination: str
    """The phone; "" for a Push to an app user without one (its request names the user)."""
    request: Mapping[str, Any]
    """The request as sent, stored as it is (it is what "send again" sends); its
    ``password`` field is masked on the way in."""
    operator_id: int
    chat_id: int


@dataclass(frozen=True, slots=True)
class Send:
    id: int
    partner_id: str
    account_id: int
    api_family: ApiFamily
    channel: str
    steps: tuple[str, ...]
    destination: str
    """The phone's digits; "" for a Push to an app user without a phone (NULL stored)."""
    request: dict[str, Any]
    mt_num: str | None
    legacy_id: str | None
    legacy_ids: dict[str, str]
    """Per-channel ids of the legacy API (``{"sms": "...", "viber": "..."}``)."""
    operator_id: int
    chat_id: int
    card_message_id: int | None
    state: SendState
    status: str | None
    """Aggregate delivery status: the status of the furthest step that has one."""
    final: bool
    """No further status change is expected (the legacy poller skips it)."""
    error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def summary(self) -> str:
        return " > ".join(self.steps)


def send_from_row(row: sqlite3.Row) -> Send:
    legacy_ids = load_json_object(row["legacy_ids_json"])
    return Send(
        id=row["id"],
        partner_id=row["partner_id"],
        account_id=row["account_id"],
        api_family=ApiFamily(row["api_family"]),
        channel=row["channel"],
        steps=tuple(json.loads(row["steps_json"])),
        destination=row["destination"] or "",
        request=load_json_object(row["request_json"]),
        mt_num=row["mt_num"],
        legacy_id=row["legacy_id"],
        legacy_ids={str(k): str(v) for k, v in legacy_ids.items()},
        operator_id=row["operator_id"],
        chat_id=row["chat_id"],
        card_message_id=row["card_message_id"],
        state=SendState(row["state"]),
        status=row["status"],
        final=bool(row["final"]),
        error=row["error"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


async def fetch_send(tx: Transaction, send_id: int) -> Send:
    row = await tx.fetch_one("SELECT * FROM sends WHERE id = ?", (send_id,))
    if row is None:
        raise NotFoundError(f"no send with id {send_id}")
    return send_from_row(row)


class SendRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def now(self) -> datetime:
        """The database's clock: what ``created_at``/``updated_at`` are measured by."""
        return self._db.now()

    async def create_submitting(self, new: NewSend) -> Send:
        """Store a send before calling the platform; its steps start without a status."""
        if isinstance(new.steps, str):  # a str is a Sequence[str] too: "SMS" -> S, M, S
            raise TypeError("NewSend.steps must be a sequence of step types, not a str")
        steps = [normalize_step_type(step) for step in new.steps]
        if not steps:
            raise ValueError("a send has at least one step")
        now = to_db(self._db.now())
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "INSERT INTO sends (partner_id, account_id, api_family, channel, steps_json,"
                " destination, request_json, operator_id, chat_id, state, created_at,"
                " updated_at)"
                " SELECT :partner_id, id, api_family, :channel, :steps, :destination,"
                " :request, :operator_id, :chat_id, 'submitting', :now, :now"
                " FROM accounts WHERE id = :account_id"
                " RETURNING *",
                {
                    "partner_id": new.partner_id,
                    "account_id": new.account_id,
                    "channel": new.channel,
                    "steps": json.dumps(steps),
                    "destination": (
                        normalize_destination(new.destination) if new.destination else None
                    ),
                    "request": self._db.operator_json(dict(new.request)),
                    "operator_id": new.operator_id,
                    "chat_id": new.chat_id,
                    "now": now,
                },
            )
            if not rows:
                raise NotFoundError(f"no account with id {new.account_id}")
            send = send_from_row(rows[0])
            # INSERT OR IGNORE: a repeated type keeps its first position (see NewSend.steps).
            for position, step in enumerate(steps):
                await tx.execute(
                    "INSERT OR IGNORE INTO send_steps (send_id, step_type, position)"
                    " VALUES (?, ?, ?)",
                    (send.id, step, position),
                )
        return send

    async def mark_accepted(
        self,
        send_id: int,
        *,
        mt_num: str | None = None,
        legacy_id: str | None = None,
        legacy_ids: Mapping[str, str] | None = None,
        redraw_card: bool = False,
    ) -> Send:
        """Store the platform's ids. Idempotent; a delivery report may have come first.

        ``redraw_card``: the card was drawn before (an unknown outcome settled later), so an
        edit is queued for it in the same transaction.
        """
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE sends SET state = 'accepted',"
                " mt_num = COALESCE(:mt_num, mt_num),"
                " legacy_id = COALESCE(:legacy_id, legacy_id),"
                " legacy_ids_json = COALESCE(:legacy_ids, legacy_ids_json),"
                " updated_at = :now"
                " WHERE id = :id AND state IN ('submitting', 'unknown', 'accepted')"
                " AND (:mt_num IS NULL OR mt_num IS NULL OR mt_num = :mt_num)"
                " AND (:legacy_id IS NULL OR legacy_id IS NULL OR legacy_id = :legacy_id)"
                " RETURNING *",
                {
                    "id": send_id,
                    "mt_num": mt_num,
                    "legacy_id": legacy_id,
                    "legacy_ids": None if legacy_ids is None else json.dumps(dict(legacy_ids)),
                    "now": to_db(self._db.now()),
                },
            )
            if not rows:
                current = await fetch_send(tx, send_id)
                raise SendStateError(
                    f"send {send_id} cannot be accepted with mt_num={mt_num!r} "
                    f"legacy_id={legacy_id!r}: state {current.state}, "
                    f"mt_num={current.mt_num!r}, legacy_id={current.legacy_id!r}"
                )
            if redraw_card:
                await enqueue_in_tx(self._db, tx, send_id, OutboxKind.CARD, None)
        return send_from_row(rows[0])

    async def mark_failed(self, send_id: int, error: str) -> Send:
        """The platform refused the request, or it never reached the platform: nothing was
        sent. The send becomes final."""
        return await self._settle(send_id, SendState.FAILED, error, ("submitting", "unknown"))

    async def mark_unknown(self, send_id: int, error: str) -> Send:
        """The platform may have it (no answer, an answer that is not the platform's).
        Already unknown (a retry unanswered too), or accepted (a report came first): as is."""
        return await self._settle(send_id, SendState.UNKNOWN, error, ("submitting",))

    async def note_error(self, send_id: int, error: str) -> Send:
        """Keep why the last try of a send said nothing new; its state stays."""
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE sends SET error = ?, updated_at = ? WHERE id = ? RETURNING *",
                (self._db.scrub_text(error), to_db(self._db.now()), send_id),
            )
        if not rows:
            raise NotFoundError(f"no send with id {send_id}")
        return send_from_row(rows[0])

    async def _settle(
        self, send_id: int, state: SendState, error: str, allowed_from: tuple[str, ...]
    ) -> Send:
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE sends SET state = ?, error = ?, final = ?, updated_at = ?"
                " WHERE id = ? AND state IN (SELECT value FROM json_each(?)) RETURNING *",
                (
                    state.value,
                    self._db.scrub_text(error),
                    int(state is SendState.FAILED),
                    to_db(self._db.now()),
                    send_id,
                    json.dumps(allowed_from),
                ),
            )
            if rows:
                return send_from_row(rows[0])
            current = await fetch_send(tx, send_id)
        # A lost answer says less than a report that came first (the platform has it), and
        # a send already unknown stays so.
        if state is SendState.UNKNOWN and current.state in (SendState.ACCEPTED, state):
            return current
        raise SendStateError(f"send {send_id} is {current.state}; cannot become {state}")

    async def set_card_message(self, send_id: int, message_id: int) -> None:
        """Remember the status card; pending outbox entries follow it."""
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE sends SET card_message_id = ?, updated_at = ? WHERE id = ? RETURNING id",
                (message_id, to_db(self._db.now()), send_id),
            )
            if not rows:
                raise NotFoundError(f"no send with id {send_id}")
            await tx.execute(
                "UPDATE outbox SET message_id = ? WHERE send_id = ?", (message_id, send_id)
            )

    async def get(self, send_id: int) -> Send | None:
        return await self._one("SELECT * FROM sends WHERE id = ?", (send_id,))

    async def get_by_mtnum(self, mt_num: str) -> Send | None:
        return await self._one("SELECT * FROM sends WHERE mt_num = ?", (mt_num,))

    async def get_by_partner_id(self, partner_id: str) -> Send | None:
        return await self._one("SELECT * FROM sends WHERE partner_id = ?", (partner_id,))

    async def get_by_legacy_id(self, account_id: int, legacy_id: str) -> Send | None:
        return await self._one(
            "SELECT * FROM sends WHERE account_id = ? AND legacy_id = ?", (account_id, legacy_id)
        )

    async def recent_for_operator(
        self,
        operator_id: int,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[Send]:
        """/history: newest first; pass the last send's id as ``before_id`` for the next
        (older) page, or a page's first id as ``after_id`` for the sends just newer than it.

        Keyset paging stays correct while new sends arrive (offsets would shift).
        """
        # Fixed statements rather than "(:before IS NULL OR id < :before)": SQLite plans
        # before binding, and only the plain range lets the index skip the other rows.
        if after_id is not None:
            newer = await self._many(
                "SELECT * FROM sends WHERE operator_id = :operator AND id > :after"
                " ORDER BY id ASC LIMIT :limit",
                {"operator": operator_id, "after": after_id, "limit": limit},
            )
            return newer[::-1]
        sql = (
            "SELECT * FROM sends WHERE operator_id = :operator ORDER BY id DESC LIMIT :limit"
            if before_id is None
            else "SELECT * FROM sends WHERE operator_id = :operator AND id < :before"
            " ORDER BY id DESC LIMIT :limit"
        )
        return await self._many(sql, {"operator": operator_id, "before": before_id, "limit": limit})

    async def recent_all(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[Send]:
        """Everyone's sends, newest first, paged as `recent_for_operator`."""
        if after_id is not None:
            newer = await self._many(
                "SELECT * FROM sends WHERE id > :after ORDER BY id ASC LIMIT :limit",
                {"after": after_id, "limit": limit},
            )
            return newer[::-1]
        sql = (
            "SELECT * FROM sends ORDER BY id DESC LIMIT :limit"
            if before_id is None
            else "SELECT * FROM sends WHERE id < :before ORDER BY id DESC LIMIT :limit"
        )
        return await self._many(sql, {"before": before_id, "limit": limit})

    async def by_destination(
        self,
        phone: str,
        *,
        since: datetime,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[Send]:
        """/trace: sends to one number within [since, until), newest first."""
        return await self._many(
            "SELECT * FROM sends WHERE destination = :destination AND created_at >= :since"
            " AND (:until IS NULL OR created_at < :until)"
            " ORDER BY created_at DESC, id DESC LIMIT :limit",
            {
                "destination": normalize_destination(phone),
                "since": to_db(since),
                "until": None if until is None else to_db(until),
                "limit": limit,
            },
        )

    async def open_sends(
        self, *, api_family: ApiFamily | None = None, limit: int = 1000
    ) -> list[Send]:
        """Sends still expecting news, oldest first: the legacy poller's batch source and
        start-up recovery (``submitting``/``unknown`` ones need settling).

        ``DELIVERED`` is not final (READ may follow), so REST sends of channels that never
        report READ stay open; callers bound the age they care about.
        """
        return await self._many(
            "SELECT * FROM sends WHERE final = 0 AND state <> 'failed'"
            " AND (:family IS NULL OR api_family = :family) ORDER BY id LIMIT :limit",
            {"family": None if api_family is None else api_family.value, "limit": limit},
        )

    async def _one(self, sql: str, params: Sequence[Any]) -> Send | None:
        row = await self._db.fetch_one(sql, params)
        return None if row is None else send_from_row(row)

    async def _many(self, sql: str, params: Mapping[str, Any]) -> list[Send]:
        return [send_from_row(row) for row in await self._db.fetch_all(sql, params)]
