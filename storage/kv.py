"""Settings the bot generates once and must remember (e.g. the reports secret)."""

from __future__ import annotations

from collections.abc import Callable

from storage.db import Database
from storage.timeutil import to_db


class KeyValueRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        row = await self._db.fetch_one("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, value, to_db(self._db.now())),
            )

    async def get_or_create(self, key: str, factory: Callable[[], str]) -> str:
        """The stored value, or ``factory()`` stored now; two processes agree on one value."""
        candidate = factory()
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, candidate, to_db(self._db.now())),
            )
            row = await tx.fetch_one("SELECT value FROM kv WHERE key = ?", (key,))
        assert row is not None
        return str(row["value"])

    async def delete(self, key: str) -> bool:
        async with self._db.transaction() as tx:
            rows = await tx.execute("DELETE FROM kv WHERE key = ? RETURNING key", (key,))
        return bool(rows)
