"""Who may use the bot, and with which role."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.audit import write_audit
from storage.db import Database, Transaction
from storage.timeutil import from_db, to_db


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class Operator:
    user_id: int
    display_name: str | None
    role: Role
    active: bool
    added_by: int | None
    """Who (re)activated this operator; None for bootstrap admins."""
    added_at: datetime
    updated_at: datetime


def operator_from_row(row: sqlite3.Row) -> Operator:
    return Operator(
        user_id=row["user_id"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        added_by=row["added_by"],
        added_at=from_db(row["added_at"]),
        updated_at=from_db(row["updated_at"]),
    )


async def upsert_operator(
    db: Database,
    tx: Transaction,
    *,
    user_id: int,
    role: Role,
    by: int | None,
    display_name: str | None,
    action: str,
    actor_id: int | None,
    extra_details: Mapping[str, Any] | None = None,
) -> Operator:
    """Grant inside an existing transaction (shared with invite consumption), with audit."""
    previous_row = await tx.fetch_one("SELECT * FROM operators WHERE user_id = ?", (user_id,))
    now = to_db(db.now())
    # Re-activation records who brought the person back; a role change keeps the origin.
    rows = await tx.execute(
        "INSERT INTO operators (user_id, display_name, role, active, added_by, added_at,"
        " updated_at) VALUES (:user_id, :name, :role, 1, :by, :now, :now)"
        " ON CONFLICT (user_id) DO UPDATE SET"
        "  role = excluded.role,"
        "  display_name = COALESCE(excluded.display_name, display_name),"
        "  added_by = CASE WHEN active = 0 THEN excluded.added_by ELSE added_by END,"
        "  added_at = CASE WHEN active = 0 THEN excluded.added_at ELSE added_at END,"
        "  active = 1,"
        "  updated_at = excluded.updated_at"
        " RETURNING *",
        {"user_id": user_id, "name": display_name, "role": role.value, "by": by, "now": now},
    )
    operator = operator_from_row(rows[0])
    previous = None if previous_row is None else operator_from_row(previous_row)
    details: dict[str, Any] = {
        "role": role.value,
        "previous_role": None if previous is None else previous.role.value,
        "was_active": previous is not None and previous.active,
    }
    if role is not Role.ADMIN and (cancelled := await cancel_invites_by(tx, user_id, now)):
        details["invites_cancelled"] = cancelled
    details.update(extra_details or {})
    await write_audit(db, tx, actor_id, action, f"user:{user_id}", details)
    return operator


async def cancel_invites_by(tx: Transaction, user_id: int, now: str) -> int:
    """Cancel the open invites ``user_id`` created, now that they are no longer an admin
    (an invite must not outlive its creator's role); how many."""
    rows = await tx.execute(
        "UPDATE invites SET cancelled_at = ? WHERE created_by = ? AND used_at IS NULL"
        " AND cancelled_at IS NULL RETURNING id",
        (now, user_id),
    )
    return len(rows)


class OperatorRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def grant(
        self, user_id: int, role: Role, *, by: int | None, display_name: str | None = None
    ) -> Operator:
        """Add or re-activate an operator, or change their role (audited).

        ``display_name=None`` keeps the stored name: /grant by id does not know it.
        """
        async with self._db.transaction() as tx:
            return await upsert_operator(
                self._db,
                tx,
                user_id=user_id,
                role=role,
                by=by,
                display_name=display_name,
                action="operator.grant",
                actor_id=by,
            )

    async def revoke(self, user_id: int, *, by: int | None) -> bool:
        """Deactivate (history keeps pointing at the row); False if not an active operator."""
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE operators SET active = 0, updated_at = ?"
                " WHERE user_id = ? AND active = 1 RETURNING user_id",
                (to_db(self._db.now()), user_id),
            )
            if not rows:
                return False
            cancelled = await cancel_invites_by(tx, user_id, to_db(self._db.now()))
            details = {"invites_cancelled": cancelled} if cancelled else None
            await write_audit(self._db, tx, by, "operator.revoke", f"user:{user_id}", details)
            return True

    async def set_display_name(self, user_id: int, display_name: str) -> None:
        """The name Telegram shows for an operator, as last seen (not audited: it grants
        nothing)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE operators SET display_name = ? WHERE user_id = ?",
                (display_name, user_id),
            )

    async def get(self, user_id: int) -> Operator | None:
        """The row whether active or not; check ``.active`` before trusting the role."""
        row = await self._db.fetch_one("SELECT * FROM operators WHERE user_id = ?", (user_id,))
        return None if row is None else operator_from_row(row)

    async def list_active(self) -> list[Operator]:
        rows = await self._db.fetch_all(
            "SELECT * FROM operators WHERE active = 1 ORDER BY role, user_id"
        )
        return [operator_from_row(row) for row in rows]
