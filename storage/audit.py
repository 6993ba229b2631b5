"""Audit log: who did what to whom, for admins answering "who granted this person?"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database, Transaction, load_json_object
from storage.timeutil import from_db, to_db


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    actor_id: int | None
    """Telegram user id; None when the bot acted on its own (start-up, retention)."""
    action: str
    subject: str | None
    details: dict[str, Any]
    at: datetime


async def write_audit(
    db: Database,
    tx: Transaction,
    actor_id: int | None,
    action: str,
    subject: str | None,
    details: Mapping[str, Any] | None,
) -> int:
    """Append inside an existing transaction, so an action and its audit row commit together."""
    rows = await tx.execute(
        "INSERT INTO audit_log (actor_id, action, subject, details_json, at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (
            actor_id,
            action,
            None if subject is None else db.scrub_text(subject),
            db.to_json(dict(details or {})),
            to_db(db.now()),
        ),
    )
    return int(rows[0]["id"])


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def log(
        self,
        actor_id: int | None,
        action: str,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Record an action; ``details`` is scrubbed of credentials before it is stored."""
        async with self._db.transaction() as tx:
            return await write_audit(self._db, tx, actor_id, action, subject, details)

    async def recent(
        self, *, limit: int = 50, before_id: int | None = None, actor_id: int | None = None
    ) -> list[AuditEntry]:
        """Newest first; pass the last entry's id as ``before_id`` for the next page."""
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log"
            " WHERE (:before IS NULL OR id < :before) AND (:actor IS NULL OR actor_id = :actor)"
            " ORDER BY id DESC LIMIT :limit",
            {"before": before_id, "actor": actor_id, "limit": limit},
        )
        return [
            AuditEntry(
                id=row["id"],
                actor_id=row["actor_id"],
                action=row["action"],
                subject=row["subject"],
                details=load_json_object(row["details_json"]),
                at=from_db(row["at"]),
            )
            for row in rows
        ]
