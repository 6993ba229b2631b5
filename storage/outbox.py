"""Outbox of chat updates owed to operators (status-card edits, failure alerts).

Written in the same transaction as the status change that causes it, so a crash between
"report persisted" and "card edited" cannot lose the edit: the notifier drains the outbox
after a restart. One row per (send, kind) coalesces bursts of reports into one edit.

When an update is due is the notifier's business, on a monotonic clock: a row is owed
from the moment it exists. ``due_at`` is kept for people reading the file (when the
notifier meant to try again), never compared with the wall clock to select rows, which
a clock set back would hold for as long as the step. A row Telegram refused for good is
marked failed (``failed_at``, ``failure``) and skipped until the send changes again.
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
    failure: str | None = None
    """Why Telegram refused it for good (the row is then no longer pending)."""


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
        failure=row["failure"],
    )


async def enqueue_in_tx(
    db: Database, tx: Transaction, send_id: int, kind: OutboxKind, due_at: datetime | None
) -> OutboxEntry:
    now = db.now()
    # On conflict the existing due time is kept: it may be a flood-control back-off. A row
    # that failed for good is tried again: the send changed, and the chat may be back.
    rows = await tx.execute(
        "INSERT INTO outbox (send_id, kind, chat_id, message_id, due_at, created_at)"
        " SELECT id, :kind, chat_id, card_message_id, :due, :now FROM sends WHERE id = :send"
        " ON CONFLICT (send_id, kind) DO UPDATE SET"
        "  version = version + 1, message_id = excluded.message_id,"
        "  failed_at = NULL, failure = NULL"
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
        """Updates queued and not failed, oldest first, whatever their due time."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE failed_at IS NULL ORDER BY id LIMIT ?", (limit,)
        )
        return [_entry_from_row(row) for row in rows]

    async def owed(self, *, limit: int = 50) -> list[OutboxEntry]:
        """What the notifier delivers: :meth:`pending` updates of cards already posted (the
        others wait for their card; they must not fill the `limit`)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE failed_at IS NULL AND message_id IS NOT NULL"
            " ORDER BY id LIMIT ?",
            (limit,),
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
        """Record a failed attempt that will be retried `delay` from now (the notifier keeps
        that time; ``due_at`` says it to whoever reads the file)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?"
                " WHERE id = ?",
                (to_db(self._db.now() + delay), self._db.scrub_text(error), entry.id),
            )

    async def fail(self, entry: OutboxEntry, reason: str) -> bool:
        """Telegram refuses this update for good: keep it, marked, no longer pending.

        False when the send changed meanwhile (a newer version is owed and gets its own
        attempt, see :func:`enqueue_in_tx`).
        """
        reason = self._db.scrub_text(reason)
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, failure = ?,"
                " last_error = ? WHERE id = ? AND version = ? RETURNING id",
                (to_db(self._db.now()), reason, reason, entry.id, entry.version),
            )
        return bool(rows)

    async def failed(self) -> list[OutboxEntry]:
        """Updates Telegram refused for good, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY id"
        )
        return [_entry_from_row(row) for row in rows]

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup (Telegram's "migrate to chat"): its sends and their
        pending updates follow it to the new chat id."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE sends SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            await tx.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
