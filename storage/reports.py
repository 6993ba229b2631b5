"""Reports about traffic the bot did not send ("outside traffic").

The account's report URL receives every report of the account, not only the bot's. They
are kept for a while so /status and /trace can explain what happened to a number, then
removed by :meth:`OutsideReportRepository.purge_older_than`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from storage.db import Database, Transaction, load_json_object
from storage.events import NewStatusEvent, done_key, natural_key
from storage.sends import normalize_destination
from storage.status_ranks import normalize_step_type, status_info
from storage.timeutil import from_db, from_db_optional, to_db

DEFAULT_RETENTION: Final = timedelta(days=7)
PURGE_BATCH: Final = 500
"""Rows deleted per transaction, so retention never holds the write lock for long."""


@dataclass(frozen=True, slots=True)
class OutsideReport:
    id: int
    mt_num: str | None
    partner_id: str | None
    destination: str | None
    step_type: str | None
    status: str
    error_code: int | None
    done_at: datetime | None
    raw: dict[str, Any]
    received_at: datetime


def _report_from_row(row: sqlite3.Row) -> OutsideReport:
    return OutsideReport(
        id=row["id"],
        mt_num=row["mt_num"],
        partner_id=row["partner_id"],
        destination=row["destination"],
        step_type=row["step_type"],
        status=row["status"],
        error_code=row["error_code"],
        done_at=from_db_optional(row["done_at"]),
        raw=load_json_object(row["raw_json"]),
        received_at=from_db(row["received_at"]),
    )


OUTSIDE_COLUMNS: Final = (
    "mt_num",
    "partner_id",
    "destination",
    "step_type",
    "status",
    "error_code",
    "done_at",
    "raw_json",
    "natural_key",
    "received_at",
)
"""The columns :func:`outside_row` fills, in its order."""


def outside_row(event: NewStatusEvent, *, raw_json: str, received_at: str) -> tuple[Any, ...]:
    """The ``outside_reports`` values of a report (``raw_json`` already scrubbed)."""
    status_info(event.status)
    step = normalize_step_type(event.step_type)
    done = done_key(event)
    key = natural_key(event.mt_num, event.partner_id, step, event.status, event.error_code, done)
    return (
        event.mt_num,
        event.partner_id,
        _digits(event.destination),
        step,
        event.status,
        event.error_code,
        done,
        raw_json,
        key,
        received_at,
    )


def _digits(destination: str | None) -> str | None:
    """The number to /trace by; None if it has no digits (the report is kept all the same:
    refusing it would only make the platform post it again and again)."""
    if destination is None:
        return None
    try:
        return normalize_destination(destination)
    except ValueError:
        return None


INSERT_OUTSIDE_IF_NEW: Final = (
    f"INSERT INTO outside_reports ({', '.join(OUTSIDE_COLUMNS)})"  # noqa: S608 - constants
    f" VALUES ({', '.join('?' * len(OUTSIDE_COLUMNS))})"
    " ON CONFLICT (natural_key) DO NOTHING"
)
"""One :func:`outside_row`, unless a report with its natural key is stored already."""


async def store_outside_in_tx(db: Database, tx: Transaction, event: NewStatusEvent) -> int | None:
    """Insert unless already stored; returns the new row id, None for a duplicate."""
    raw_json = db.to_json(dict(event.raw or {}))
    row = outside_row(event, raw_json=raw_json, received_at=to_db(db.now()))
    rows = await tx.execute(INSERT_OUTSIDE_IF_NEW + " RETURNING id", row)
    return int(rows[0]["id"]) if rows else None


class OutsideReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, event: NewStatusEvent) -> int | None:
        """Keep a report; None when the same report is already stored."""
        async with self._db.transaction() as tx:
            return await store_outside_in_tx(self._db, tx, event)

    async def by_mtnum(self, mt_num: str) -> list[OutsideReport]:
        rows = await self._db.fetch_all(
            "SELECT * FROM outside_reports WHERE mt_num = ? ORDER BY received_at, id", (mt_num,)
        )
        return [_report_from_row(row) for row in rows]

    async def by_destination(
        self, phone: str, *, since: datetime, limit: int = 100
    ) -> list[OutsideReport]:
        rows = await self._db.fetch_all(
            "SELECT * FROM outside_reports WHERE destination = ? AND received_at >= ?"
            " ORDER BY received_at DESC, id DESC LIMIT ?",
            (normalize_destination(phone), to_db(since), limit),
        )
        return [_report_from_row(row) for row in rows]

    async def purge_older_than(
        self, period: timedelta = DEFAULT_RETENTION, *, batch_size: int = PURGE_BATCH
    ) -> int:
        """Delete outside reports received more than ``period`` ago; returns how many.

        Only ``outside_reports`` is touched: the bot's own sends and their events are
        history, not traffic logs. Deletes in small batches, each its own transaction.
        """
        cutoff = to_db(self._db.now() - period)
        removed = 0
        while True:
            async with self._db.transaction() as tx:
                rows = await tx.execute(
                    "DELETE FROM outside_reports WHERE id IN (SELECT id FROM outside_reports"
                    " WHERE received_at < ? ORDER BY received_at LIMIT ?) RETURNING id",
                    (cutoff, batch_size),
                )
            removed += len(rows)
            if len(rows) < batch_size:
                return removed
