"""Recording status observations: idempotent, and monotonic per step.

``record_status_event`` is the single entry of the status pipeline into storage. In one
transaction it resolves the send, stores the event once (a redelivered report is a
duplicate), raises the step's status only if the new one ranks higher (see
:mod:`storage.status_ranks`), recomputes the send's aggregate status and queues the card
update in the outbox. The result is therefore the same whatever order reports arrive in.

Steps are keyed by (send, step type) because reports name the type, not the position in
the chain; a chain that repeats a type merges those steps (documented limitation).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.db import Database, Transaction, load_json_object
from storage.errors import NotFoundError
from storage.events import NewStatusEvent, done_key, natural_key
from storage.outbox import OutboxKind, enqueue_in_tx
from storage.reports import store_outside_in_tx
from storage.sends import Send, fetch_send, send_from_row
from storage.status_ranks import is_final, normalize_step_type, status_info, status_key
from storage.timeutil import from_db, from_db_optional, to_db, to_db_optional


class RecordOutcome(StrEnum):
    RECORDED = "recorded"
    """A new event for one of the bot's sends."""
    DUPLICATE = "duplicate"
    """Seen before; nothing changed."""
    OUTSIDE = "outside"
    """Not one of the bot's sends: kept in outside reports (or a duplicate of one)."""


@dataclass(frozen=True, slots=True)
class StepStatus:
    send_id: int
    step_type: str
    position: int | None
    """Place in the declared chain; None for a type the send did not declare."""
    status: str | None
    error_code: int | None
    final: bool
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: RecordOutcome
    changed: bool
    """The step's current status (or error code) changed: the card must be re-rendered.
    When True, an outbox entry has already been queued in the same transaction."""
    event_id: int | None
    """The new ``status_events`` row; None for duplicates and outside traffic."""
    send: Send | None
    """The send after the update (None for outside traffic)."""
    step: StepStatus | None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    id: int
    send_id: int
    step_type: str
    status: str
    error_code: int | None
    done_at: datetime | None
    submitted_at: datetime | None
    raw: dict[str, Any]
    received_at: datetime


def _step_from_row(row: sqlite3.Row) -> StepStatus:
    status = row["status"]
    return StepStatus(
        send_id=row["send_id"],
        step_type=row["step_type"],
        position=row["position"],
        status=status,
        error_code=row["error_code"],
        final=status is not None and is_final(status, row["step_type"]),
        updated_at=from_db_optional(row["updated_at"]),
    )


def _event_from_row(row: sqlite3.Row) -> StatusEvent:
    return StatusEvent(
        id=row["id"],
        send_id=row["send_id"],
        step_type=row["step_type"],
        status=row["status"],
        error_code=row["error_code"],
        done_at=from_db_optional(row["done_at"]),
        submitted_at=from_db_optional(row["submitted_at"]),
        raw=load_json_object(row["raw_json"]),
        received_at=from_db(row["received_at"]),
    )


# Declared steps in chain order, then undeclared types by name: a pure function of the
# rows, so the aggregate never depends on which report came first.
_STEPS_IN_ORDER = (
    "SELECT * FROM send_steps WHERE send_id = ? ORDER BY position IS NULL, position, step_type"
)


def aggregate(steps: list[StepStatus]) -> tuple[str | None, bool]:
    """The send's status and finality from its steps (given in chain order).

    The status is the furthest step's that has one: in a cascade a later step only starts
    after the earlier ones gave up. The send is final when that status is final and either
    proves delivery or belongs to the last step (no fallback left).
    """
    reported = [step for step in steps if step.status is not None]
    if not reported:
        return None, False
    furthest = reported[-1]
    status = furthest.status
    assert status is not None
    is_last = furthest is steps[-1]
    return status, furthest.final and (status_info(status).success or is_last)


class StatusRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_status_event(self, event: NewStatusEvent) -> RecordResult:
        """Persist one observation (see the module docstring); safe to call twice.

        Raises :class:`~storage.status_ranks.UnknownStatusError` for an unmapped status
        and :class:`~storage.errors.NotFoundError` for an explicit ``send_id`` that does
        not exist.
        """
        status_info(event.status)
        step_type = normalize_step_type(event.step_type)
        async with self._db.transaction() as tx:
            send = await self._resolve(tx, event)
            if send is None:
                await store_outside_in_tx(self._db, tx, event)
                return RecordResult(RecordOutcome.OUTSIDE, False, None, None, None)
            return await self._record(tx, send, step_type, event)

    async def _resolve(self, tx: Transaction, event: NewStatusEvent) -> Send | None:
        if event.send_id is not None:
            return await fetch_send(tx, event.send_id)
        if event.mt_num is not None:
            row = await tx.fetch_one("SELECT * FROM sends WHERE mt_num = ?", (event.mt_num,))
            if row is not None:
                return send_from_row(row)
        if event.partner_id is not None:
            # Other systems on the same account choose their own ids; a partner id only
            # matches if the mtNum does not contradict it.
            row = await tx.fetch_one(
                "SELECT * FROM sends WHERE partner_id = ? AND (mt_num IS NULL OR ? IS NULL)",
                (event.partner_id, event.mt_num),
            )
            if row is not None:
                return send_from_row(row)
        return None

    async def _record(
        self, tx: Transaction, send: Send, step_type: str, event: NewStatusEvent
    ) -> RecordResult:
        now = to_db(self._db.now())
        inserted = await tx.execute(
            "INSERT INTO status_events (send_id, step_type, status, error_code, done_at,"
            " submitted_at, raw_json, natural_key, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (send_id, natural_key) DO NOTHING RETURNING id",
            (
                send.id,
                step_type,
                event.status,
                event.error_code,
                done_key(event),
                to_db_optional(event.submitted_at),
                None if event.raw is None else self._db.to_json(dict(event.raw)),
                natural_key(step_type, event.status, event.error_code, done_key(event)),
                now,
            ),
        )
        if not inserted:
            step = await self._step(tx, send.id, step_type)
            return RecordResult(RecordOutcome.DUPLICATE, False, None, send, step)
        event_id = int(inserted[0]["id"])

        # A report proves the platform accepted the send, whatever the HTTP call said.
        await tx.execute(
            "UPDATE sends SET state = 'accepted', mt_num = COALESCE(mt_num, ?), updated_at = ?"
            " WHERE id = ? AND state <> 'accepted'",
            (event.mt_num, now, send.id),
        )
        await tx.execute(
            "INSERT OR IGNORE INTO send_steps (send_id, step_type) VALUES (?, ?)",
            (send.id, step_type),
        )
        current = await self._step(tx, send.id, step_type)
        new_key = status_key(event.status, event.error_code)
        changed = current.status is None or new_key > status_key(current.status, current.error_code)
        if changed:
            await tx.execute(
                "UPDATE send_steps SET status = ?, rank = ?, error_code = ?, updated_at = ?"
                " WHERE send_id = ? AND step_type = ?",
                (event.status, new_key[0], event.error_code, now, send.id, step_type),
            )
            await self._update_aggregate(tx, send)
            current = await self._step(tx, send.id, step_type)
        updated = await fetch_send(tx, send.id)
        if changed:
            await enqueue_in_tx(self._db, tx, send.id, OutboxKind.CARD, None)
            failed_for_good = (
                updated.final
                and not send.final
                and updated.status is not None
                and not status_info(updated.status).success
            )
            if failed_for_good:
                await enqueue_in_tx(self._db, tx, send.id, OutboxKind.FAILURE_ALERT, None)
        return RecordResult(RecordOutcome.RECORDED, changed, event_id, updated, current)

    async def _update_aggregate(self, tx: Transaction, send: Send) -> None:
        steps = [_step_from_row(row) for row in await tx.execute(_STEPS_IN_ORDER, (send.id,))]
        status, final = aggregate(steps)
        await tx.execute(
            "UPDATE sends SET status = ?, final = ?, updated_at = ? WHERE id = ?",
            (status, int(final), to_db(self._db.now()), send.id),
        )

    async def _step(self, tx: Transaction, send_id: int, step_type: str) -> StepStatus:
        row = await tx.fetch_one(
            "SELECT * FROM send_steps WHERE send_id = ? AND step_type = ?", (send_id, step_type)
        )
        if row is None:
            raise NotFoundError(f"send {send_id} has no step {step_type!r}")
        return _step_from_row(row)

    async def steps(self, send_id: int) -> list[StepStatus]:
        """The card's rows: every step in chain order, with its current status."""
        rows = await self._db.fetch_all(_STEPS_IN_ORDER, (send_id,))
        return [_step_from_row(row) for row in rows]

    async def events(self, send_id: int) -> list[StatusEvent]:
        """Everything observed for a send, in arrival order (for /status details)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM status_events WHERE send_id = ? ORDER BY id", (send_id,)
        )
        return [_event_from_row(row) for row in rows]
