"""Persistent FSM storage: forms survive a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from storage import Database
from storage.fsm import SQLiteStorage


class SendForm(StatesGroup):
    destination = State()
    text = State()


KEY = StorageKey(bot_id=1, chat_id=10, user_id=20)


async def test_state_and_data_survive_reopening_the_database(db_path: Path) -> None:
    async with await Database.open(db_path) as db:
        storage = SQLiteStorage(db)
        await storage.set_state(KEY, SendForm.text)
        await storage.set_data(KEY, {"channel": "SMS", "destination": "79101234567"})
        await storage.update_data(KEY, {"ttl": 5, "steps": ["VIBER", "SMS"]})
        await storage.close()

    async with await Database.open(db_path) as db:
        storage = SQLiteStorage(db)
        assert await storage.get_state(KEY) == "SendForm:text"
        assert await storage.get_data(KEY) == {
            "channel": "SMS",
            "destination": "79101234567",
            "ttl": 5,
            "steps": ["VIBER", "SMS"],
        }
        assert await storage.get_value(KEY, "ttl") == 5


async def test_keys_are_isolated_by_every_field(db: Database) -> None:
    storage = SQLiteStorage(db)
    variants = [
        KEY,
        StorageKey(bot_id=2, chat_id=10, user_id=20),
        StorageKey(bot_id=1, chat_id=11, user_id=20),
        StorageKey(bot_id=1, chat_id=10, user_id=21),
        StorageKey(bot_id=1, chat_id=10, user_id=20, thread_id=5),
        StorageKey(bot_id=1, chat_id=10, user_id=20, business_connection_id="bc"),
        StorageKey(bot_id=1, chat_id=10, user_id=20, destiny="other"),
    ]
    for index, key in enumerate(variants):
        await storage.set_state(key, f"state-{index}")
        await storage.set_data(key, {"index": index})
    for index, key in enumerate(variants):
        assert await storage.get_state(key) == f"state-{index}"
        assert await storage.get_data(key) == {"index": index}


async def test_clearing_removes_the_record(db: Database) -> None:
    storage = SQLiteStorage(db)
    await storage.set_state(KEY, SendForm.destination)
    await storage.set_data(KEY, {"channel": "SMS"})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert await db.fetch_one("SELECT 1 FROM fsm_records") is None


async def test_unknown_key_reads_as_empty(db: Database) -> None:
    storage = SQLiteStorage(db)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_data_must_be_a_json_dict(db: Database) -> None:
    storage = SQLiteStorage(db)
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, [("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="JSON-serialisable"):
        await storage.set_data(KEY, {"when": object()})
    assert await storage.get_data(KEY) == {}
