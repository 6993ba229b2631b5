"""Platform accounts the bot sends through (from settings or ACCOUNTS_FILE)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.db import Database
from storage.timeutil import from_db, to_db


class ApiFamily(StrEnum):
    """Which of the platform's two API families an account (and each of its sends) uses."""

    REST = "rest"
    LEGACY = "legacy"


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    api_family: ApiFamily
    created_at: datetime


def _account_from_row(row: sqlite3.Row) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        api_family=ApiFamily(row["api_family"]),
        created_at=from_db(row["created_at"]),
    )


class AccountRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ensure(self, name: str, api_family: ApiFamily) -> Account:
        """Register an account at start-up; idempotent.

        A changed family is stored for future sends; every send keeps the family it was
        made with, so old sends are still polled or matched the way they were sent.
        """
        async with self._db.transaction() as tx:
            rows = await tx.execute(
                "INSERT INTO accounts (name, api_family, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET api_family = excluded.api_family"
                " RETURNING *",
                (name, api_family.value, to_db(self._db.now())),
            )
        return _account_from_row(rows[0])

    async def get(self, name: str) -> Account | None:
        row = await self._db.fetch_one("SELECT * FROM accounts WHERE name = ?", (name,))
        return None if row is None else _account_from_row(row)

    async def list_all(self) -> list[Account]:
        rows = await self._db.fetch_all("SELECT * FROM accounts ORDER BY name")
        return [_account_from_row(row) for row in rows]
