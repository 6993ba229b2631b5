"""One-time invite links: an admin creates one, the first person to open it gets the role.

An invite lives no longer than its creator's admin role: it is cancelled when they are
revoked or given another role (:func:`storage.operators.cancel_invites_by`), and checked
again when it is opened. Admins list the open ones and may cancel any (/invites).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage.audit import write_audit
from storage.db import Database
from storage.operators import Operator, Role, upsert_operator
from storage.timeutil import from_db, from_db_optional, to_db

_ACTIVE_ADMIN = "SELECT 1 FROM operators WHERE user_id = ? AND active = 1 AND role = 'admin'"

TOKEN_BYTES = 16
"""22 url-safe characters: fits a Telegram /start deep-link payload (64 chars max)."""


class InviteRejection(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    """Cancelled by an admin, or its creator is no longer an admin."""
    ALREADY_ACTIVE = "already_active"
    """The person is already an active operator; the invite stays unused for someone else."""


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    cancelled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreatedInvite:
    token: str
    """Shown once to the admin; only its SHA-256 is stored."""
    invite: Invite


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invite_from_row(row: sqlite3.Row) -> Invite:
    return Invite(
        id=row["id"],
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        expires_at=from_db(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db_optional(row["used_at"]),
        cancelled_at=from_db_optional(row["cancelled_at"]),
    )


class InviteRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, role: Role, *, created_by: int, valid_for: timedelta) -> CreatedInvite:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._db.now()
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "INSERT INTO invites (token_sha256, role, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING *",
                (_hash(token), role.value, created_by, to_db(now), to_db(now + valid_for)),
            )
            invite = _invite_from_row(rows[0])
            await write_audit(
                self._db,
                tx,
                created_by,
                "invite.create",
                f"invite:{invite.id}",
                {"role": role.value, "expires_at": to_db(invite.expires_at)},
            )
        return CreatedInvite(token=token, invite=invite)

    async def consume(
        self, token: str, *, user_id: int, display_name: str | None = None
    ) -> Operator | InviteRejection:
        """Use the invite and grant its role in one transaction.

        Atomic: of two people opening the same link at once exactly one gets the role, and
        a crash cannot leave a used invite without the grant (or the reverse).
        """
        now = to_db(self._db.now())
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM invites WHERE token_sha256 = ?", (_hash(token),)
            )
            if row is None:
                return InviteRejection.UNKNOWN
            invite = _invite_from_row(row)
            if invite.used_at is not None:
                return InviteRejection.USED
            if invite.cancelled_at is not None:
                return InviteRejection.CANCELLED
            if row["expires_at"] <= now:
                return InviteRejection.EXPIRED
            # Refused without a write: whoever opens it is nobody to us yet.
            creator = await tx.fetch_one(_ACTIVE_ADMIN, (invite.created_by,))
            if creator is None:
                return InviteRejection.CANCELLED
            active = await tx.fetch_one(
                "SELECT 1 FROM operators WHERE user_id = ? AND active = 1", (user_id,)
            )
            if active is not None:
                return InviteRejection.ALREADY_ACTIVE
            await tx.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE id = ?",
                (user_id, now, invite.id),
            )
            return await upsert_operator(
                self._db,
                tx,
                user_id=user_id,
                role=invite.role,
                by=invite.created_by,
                display_name=display_name,
                action="invite.consume",
                actor_id=user_id,
                extra_details={"invite_id": invite.id, "invited_by": invite.created_by},
            )

    async def list_open(self) -> list[Invite]:
        """Invites that can still be used (unused, unexpired, not cancelled, their creator
        still an admin), newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM invites WHERE used_at IS NULL AND cancelled_at IS NULL"
            " AND expires_at > ? AND created_by IN (SELECT user_id FROM operators"
            " WHERE active = 1 AND role = 'admin') ORDER BY id DESC",
            (to_db(self._db.now()),),
        )
        return [_invite_from_row(row) for row in rows]

    async def cancel(self, invite_id: int, *, by: int) -> bool:
        """Cancel an unused invite (audited); False if it is used or cancelled already."""
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "UPDATE invites SET cancelled_at = ?, cancelled_by = ?"
                " WHERE id = ? AND used_at IS NULL AND cancelled_at IS NULL RETURNING id",
                (to_db(self._db.now()), by, invite_id),
            )
            if not rows:
                return False
            await write_audit(self._db, tx, by, "invite.cancel", f"invite:{invite_id}", None)
            return True
