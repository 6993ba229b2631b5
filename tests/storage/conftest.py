"""Fixtures: a real database file per test, and a clock the test controls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import (
    Account,
    AccountRepository,
    ApiFamily,
    Database,
    NewSend,
    Send,
    SendRepository,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """Time stands still unless the test moves it."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
async def db(db_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    async with await Database.open(db_path, clock=clock) as database:
        yield database


@pytest.fixture
async def account(db: Database) -> Account:
    return await AccountRepository(db).ensure("main", ApiFamily.REST)


def new_send(
    account: Account,
    partner_id: str,
    *,
    steps: tuple[str, ...] = ("SMS",),
    destination: str = "79101234567",
    operator_id: int = 100,
    chat_id: int = 100,
) -> NewSend:
    return NewSend(
        partner_id=partner_id,
        account_id=account.id,
        channel="CASCADE" if len(steps) > 1 else steps[0],
        steps=steps,
        destination=destination,
        request={"login": "desk", "destAddr": destination, "id": partner_id},
        operator_id=operator_id,
        chat_id=chat_id,
    )


async def accepted_send(
    db: Database,
    account: Account,
    partner_id: str,
    mt_num: str,
    *,
    steps: tuple[str, ...] = ("SMS",),
) -> Send:
    sends = SendRepository(db)
    send = await sends.create_submitting(new_send(account, partner_id, steps=steps))
    return await sends.mark_accepted(send.id, mt_num=mt_num)
