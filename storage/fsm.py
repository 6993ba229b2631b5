"""aiogram FSM storage on the bot's SQLite file, so a restart keeps half-filled forms.

The only module of ``storage`` that imports aiogram. Data is stored as JSON: handlers
must keep JSON-compatible values in FSM data (``model_dump(mode="json")`` for drafts).
The data is the operator's own form and is stored exactly as typed: what comes back is
what will be sent (a credential field, ``password``, would be masked; forms have none).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from storage.db import Database, Transaction, load_json_object
from storage.timeutil import to_db

_GET_STATE: Final = (
    "SELECT state FROM fsm_records WHERE bot_id = :bot_id AND chat_id = :chat_id"
    " AND user_id = :user_id AND thread_id = :thread_id"
    " AND business_connection_id = :business_connection_id AND destiny = :destiny"
)
_GET_DATA: Final = (
    "SELECT data_json FROM fsm_records WHERE bot_id = :bot_id AND chat_id = :chat_id"
    " AND user_id = :user_id AND thread_id = :thread_id"
    " AND business_connection_id = :business_connection_id AND destiny = :destiny"
)
_UPSERT_STATE: Final = (
    "INSERT INTO fsm_records (bot_id, chat_id, user_id, thread_id, business_connection_id,"
    " destiny, state, updated_at) VALUES (:bot_id, :chat_id, :user_id, :thread_id,"
    " :business_connection_id, :destiny, :value, :now)"
    " ON CONFLICT DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
)
_UPSERT_DATA: Final = (
    "INSERT INTO fsm_records (bot_id, chat_id, user_id, thread_id, business_connection_id,"
    " destiny, data_json, updated_at) VALUES (:bot_id, :chat_id, :user_id, :thread_id,"
    " :business_connection_id, :destiny, :value, :now)"
    " ON CONFLICT DO UPDATE SET data_json = excluded.data_json, updated_at = excluded.updated_at"
)
# A cleared form (state.clear() empties both) leaves no row behind.
_DELETE_IF_EMPTY: Final = (
    "DELETE FROM fsm_records WHERE bot_id = :bot_id AND chat_id = :chat_id"
    " AND user_id = :user_id AND thread_id = :thread_id"
    " AND business_connection_id = :business_connection_id AND destiny = :destiny"
    " AND state IS NULL AND data_json = '{}'"
)


def _key_params(key: StorageKey) -> dict[str, Any]:
    # aiogram's own key builder treats a falsy thread or business connection id as absent,
    # so 0 / "" represent "none" (NULL would break the primary key's uniqueness).
    return {
        "bot_id": key.bot_id,
        "chat_id": key.chat_id,
        "user_id": key.user_id,
        "thread_id": key.thread_id or 0,
        "business_connection_id": key.business_connection_id or "",
        "destiny": key.destiny,
    }


class SQLiteStorage(BaseStorage):
    """FSM storage sharing :class:`~storage.db.Database` with the repositories.

    ``close()`` does not close the database: it is owned by whoever opened it (``main``),
    and the repositories keep using it while the dispatcher shuts down.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._db.transaction() as tx:
            await self._write(tx, _UPSERT_STATE, key, value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._db.fetch_one(_GET_STATE, _key_params(key))
        return None if row is None else row["state"]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        encoded = self._encode(data)
        async with self._db.transaction() as tx:
            await self._write(tx, _UPSERT_DATA, key, encoded)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._db.fetch_one(_GET_DATA, _key_params(key))
        return {} if row is None else load_json_object(row["data_json"])

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read-modify-write in one transaction (the base class does it in two)."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_GET_DATA, _key_params(key))
            current = {} if row is None else load_json_object(row["data_json"])
            current.update(data)
            encoded = self._encode(current)
            await self._write(tx, _UPSERT_DATA, key, encoded)
        return load_json_object(encoded)

    async def close(self) -> None:
        """Nothing to release: the database belongs to its opener (see class docstring)."""

    def _encode(self, data: Mapping[str, Any]) -> str:
        try:
            return self._db.operator_json(dict(data))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"FSM data must be JSON-serialisable: {exc}") from exc

    async def _write(self, tx: Transaction, sql: str, key: StorageKey, value: str | None) -> None:
        params = _key_params(key) | {"value": value, "now": to_db(self._db.now())}
        await tx.execute(sql, params)
        await tx.execute(_DELETE_IF_EMPTY, params)
