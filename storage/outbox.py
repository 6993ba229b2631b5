"""Outbox of chat updates owed to operators (status-card edits, failure alerts).

Written in the same transaction as the status change that causes it, so a crash between
"report persisted" and "card edited" cannot lose the edit: the notifier drains the outbox
after a restart. One row per (send, kind) coalesces bursts of reports into one edit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage.db import Database, Transaction
from storage.errors import NotFoundError
from storage.timeutil import from_db, from_db_optional, to_db


class OutboxKind(StrEnum):
    CARD = "card"
    """Re-render the status card in place."""
    FAILURE_ALERT = "failure_alert"
    """A short reply on a final failure, so the operator's phone buzzes."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    send_id: int
    kind: OutboxKind
    chat_id: int
    message_id: int | None
    """The status card; None while the card has not been posted yet."""
    version: int
    """Bumped by every enqueue; :meth:`OutboxRepository.done` only removes what was seen."""
    due_at: datetime
    attempts: int
    last_error: str | None
    created_at: datetime


def _entry_from_row(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        send_id=row["send_id"],
        kind=OutboxKind(row["kind"]),
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        version=row["version"],
        due_at=from_db(row["due_at"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=from_db(row["created_at"]),
    )


async def enqueue_in_tx(
    db: Database, tx: Transaction, send_id: int, kind: OutboxKind, due_at: datetime | None
) -> OutboxEntry:
    now = db.now()
    # On conflict the existing due time is kept: it may be a flood-control back-off.
    rows = await tx.execute(
        "INSERT INTO outbox (send_id, kind, chat_id, message_id, due_at, created_at)"
        " SELECT id, :kind, chat_id, card_message_id, :due, :now FROM sends WHERE id = :send"
        " ON CONFLICT (send_id, kind) DO UPDATE SET"
        "  version = version + 1, message_id = excluded.message_id"
        " RETURNING *",
        {
            "send": send_id,
            "kind": kind.value,
            "due": to_db(due_at or now),
            "now": to_db(now),
        },
    )
    if not rows:
        raise NotFoundError(f"no send with id {send_id}")
    return _entry_from_row(rows[0])


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(
        self, send_id: int, kind: OutboxKind = OutboxKind.CARD, *, due_at: datetime | None = None
    ) -> OutboxEntry:
        """Ask for an update of the send's chat; merges with a pending one of the same kind."""
        async with self._db.transaction() as tx:
            return await enqueue_in_tx(self._db, tx, send_id, kind, due_at)

    async def pending(self, *, limit: int = 50) -> list[OutboxEntry]:
        """Entries due now, earliest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db(self._db.now()), limit),
        )
        return [_entry_from_row(row) for row in rows]

    async def next_due(self) -> datetime | None:
        """When the notifier should wake up next (None: nothing queued)."""
        row = await self._db.fetch_one("SELECT min(due_at) AS due FROM outbox")
        return None if row is None else from_db_optional(row["due"])

    async def done(self, entry: OutboxEntry) -> bool:
        """Remove an entry the notifier has handled.

        False when the entry was enqueued again meanwhile: the card changed after it was
        rendered, so the row stays and is delivered once more.
        """
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "DELETE FROM outbox WHERE id = ? AND version = ? RETURNING id",
                (entry.id, entry.version),
            )
        return bool(rows)

    async def retry_later(self, entry: OutboxEntry, *, delay: timedelta, error: str) -> None:
        """Back off after a failed delivery (e.g. Telegram's retry_after)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?"
                " WHERE id = ?",
                (to_db(self._db.now() + delay), self._db.scrub_text(error), entry.id),
            )
