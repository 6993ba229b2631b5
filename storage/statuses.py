"""Recording status observations: idempotent, and monotonic per step.

``record_status_event`` is the single entry of the status pipeline into storage. In one
transaction it resolves the send, stores the event once (a redelivered report is a
duplicate), raises the step's status only if the new one ranks higher (see
:mod:`storage.status_ranks`), recomputes the send's aggregate status and queues the card
update in the outbox. The result is therefore the same whatever order reports arrive in.

Steps are keyed by (send, step type) because reports name the type, not the position in
the chain; a chain that repeats a type merges those steps (documented limitation).

``record_status_events`` records a batch in one transaction (the report receiver's group
commit), each event exactly as if recorded alone, in order. The recording runs as one
synchronous function on the writer connection's thread, so a batch costs a few hops to
that thread rather than about ten per event.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

import aiosqlite

from storage.db import Database, SqlParams, Transaction, load_json_object
from storage.errors import NotFoundError
from storage.events import NewStatusEvent, done_key, natural_key
from storage.outbox import OutboxKind
from storage.reports import store_outside_in_tx
from storage.secrets_scrub import is_sensitive_key
from storage.sends import Send, SendState, send_from_row
from storage.status_ranks import is_final, normalize_step_type, status_info, status_key
from storage.timeutil import Clock, from_db, from_db_optional, to_db, to_db_optional


class RecordOutcome(StrEnum):
    RECORDED = "recorded"
    """A new event for one of the bot's sends."""
    DUPLICATE = "duplicate"
    """Seen before; nothing changed."""
    OUTSIDE = "outside"
    """Not one of the bot's sends: kept in outside reports (or a duplicate of one)."""


@dataclass(frozen=True, slots=True)
class StepStatus:
    send_id: int
    step_type: str
    position: int | None
    """Place in the declared chain; None for a type the send did not declare."""
    status: str | None
    error_code: int | None
    final: bool
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: RecordOutcome
    changed: bool
    """The step's current status (or error code) changed: the card must be re-rendered.
    When True, an outbox entry has already been queued in the same transaction."""
    event_id: int | None
    """The new ``status_events`` row; None for duplicates and outside traffic."""
    send: Send | None
    """The send after the update (None for outside traffic)."""
    step: StepStatus | None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    id: int
    send_id: int
    step_type: str
    status: str
    error_code: int | None
    done_at: datetime | None
    submitted_at: datetime | None
    raw: dict[str, Any]
    received_at: datetime


def _step_from_row(row: sqlite3.Row) -> StepStatus:
    status = row["status"]
    return StepStatus(
        send_id=row["send_id"],
        step_type=row["step_type"],
        position=row["position"],
        status=status,
        error_code=row["error_code"],
        final=status is not None and is_final(status, row["step_type"]),
        updated_at=from_db_optional(row["updated_at"]),
    )


def _event_from_row(row: sqlite3.Row) -> StatusEvent:
    return StatusEvent(
        id=row["id"],
        send_id=row["send_id"],
        step_type=row["step_type"],
        status=row["status"],
        error_code=row["error_code"],
        done_at=from_db_optional(row["done_at"]),
        submitted_at=from_db_optional(row["submitted_at"]),
        raw=load_json_object(row["raw_json"]),
        received_at=from_db(row["received_at"]),
    )


# Declared steps in chain order, then undeclared types by name: a pure function of the
# rows, so the aggregate never depends on which report came first.
_STEPS_IN_ORDER = (
    "SELECT * FROM send_steps WHERE send_id = ? ORDER BY position IS NULL, position, step_type"
)


def aggregate(steps: list[StepStatus]) -> tuple[str | None, bool]:
    """The send's status and finality from its steps (given in chain order).

    The status is the furthest step's that has one: in a cascade a later step only starts
    after the earlier ones gave up. The send is final when that status is final and either
    proves delivery or belongs to the last step (no fallback left).
    """
    reported = [step for step in steps if step.status is not None]
    if not reported:
        return None, False
    furthest = reported[-1]
    status = furthest.status
    assert status is not None
    is_last = furthest is steps[-1]
    return status, furthest.final and (status_info(status).success or is_last)


class StatusRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._scrubbed_json = ScrubbedJson(db)

    async def record_status_event(self, event: NewStatusEvent) -> RecordResult:
        """Persist one observation (see the module docstring); safe to call twice.

        Raises :class:`~storage.status_ranks.UnknownStatusError` for an unmapped status
        and :class:`~storage.errors.NotFoundError` for an explicit ``send_id`` that does
        not exist.
        """
        [result] = await self.record_status_events([event])
        return result

    async def record_status_events(self, events: Sequence[NewStatusEvent]) -> list[RecordResult]:
        """Persist several observations in ONE transaction (group commit).

        Each event is recorded exactly as :meth:`record_status_event` would record it, in
        the order given (a later event sees the earlier ones: two reports of one step in
        one batch give the same result as two calls). All or nothing: an error raised for
        any event rolls the whole batch back and is raised.
        """
        return await self.record_prepared([self.prepare(event) for event in events])

    async def record_prepared(self, prepared: Sequence[PreparedEvent]) -> list[RecordResult]:
        """:meth:`record_status_events` for events already passed through :meth:`prepare`."""
        if not prepared:
            return []
        async with self._db.transaction() as tx:
            recorded = await _on_writer_thread(
                tx, lambda connection: _record_all(connection, prepared, self._db.now)
            )
            results: list[RecordResult] = []
            for item, result in zip(prepared, recorded, strict=True):
                if result is None:
                    await store_outside_in_tx(self._db, tx, item.event)
                    result = RecordResult(RecordOutcome.OUTSIDE, False, None, None, None)
                results.append(result)
        return results

    def prepare(self, event: NewStatusEvent) -> PreparedEvent:
        """Validate and serialise an event outside any transaction (no I/O).

        A group-committing caller prepares each event where it arrives, so the CPU work
        (validation, the scrubbed JSON of the raw report) overlaps with the previous
        batch's transaction instead of lengthening the next one. Raises what
        :meth:`record_status_event` raises for invalid input.
        """
        status_info(event.status)
        step_type = normalize_step_type(event.step_type)
        done = done_key(event)
        return PreparedEvent(
            event=event,
            step_type=step_type,
            done_at=done,
            submitted_at=to_db_optional(event.submitted_at),
            raw_json=None if event.raw is None else self._scrubbed_json(event.raw),
            natural_key=natural_key(step_type, event.status, event.error_code, done),
            new_key=status_key(event.status, event.error_code),
        )

    async def steps(self, send_id: int) -> list[StepStatus]:
        """The card's rows: every step in chain order, with its current status."""
        rows = await self._db.fetch_all(_STEPS_IN_ORDER, (send_id,))
        return [_step_from_row(row) for row in rows]

    async def events(self, send_id: int) -> list[StatusEvent]:
        """Everything observed for a send, in arrival order (for /status details)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM status_events WHERE send_id = ? ORDER BY id", (send_id,)
        )
        return [_event_from_row(row) for row in rows]


_SCALARS = (str, int, float, bool, type(None))

CLEAN_CACHE_SIZE = 4096
"""Strings remembered as unchanged by the scrubber (report keys, statuses, senders...)."""


class ScrubbedJson:
    """``db.to_json(dict(raw))``, much cheaper for a flat report with nothing to scrub.

    The scrubber changes a payload only through a sensitive key name
    (:func:`~storage.secrets_scrub.is_sensitive_key`) or through ``scrub_text`` on a
    string value; scrubbing every value of a report on its own costs about 100 us (four
    regular expressions per string). Here the keys are checked in one go and the strings the
    scrubber has not already passed are checked together, joined in one text: whatever
    ``scrub_text`` would change in one of them it also changes in the joined text (a
    literal secret or a pattern found in a part is found in the whole). Only when nothing
    would change is the plain serialisation used; anything else (nested values, a hit, even
    a false one) takes the full scrubber. The scrubber is fixed when the database opens,
    so a string it left alone once it always leaves alone.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._clean: set[str] = set()

    def __call__(self, raw: Mapping[str, Any]) -> str:
        payload = dict(raw)
        unchecked: list[str] = []
        for value in payload.values():
            if not isinstance(value, _SCALARS):
                return self._db.to_json(payload)
            if isinstance(value, str) and value not in self._clean:
                unchecked.append(value)
        # Keys are only ever tested by name, never rewritten.
        if is_sensitive_key("\n".join(map(str, payload))):
            return self._db.to_json(payload)
        if unchecked:
            joined = "\n".join(unchecked)
            if self._db.scrub_text(joined) != joined:
                return self._db.to_json(payload)
            if len(self._clean) + len(unchecked) > CLEAN_CACHE_SIZE:
                self._clean.clear()
            self._clean.update(unchecked)
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def scrubbed_json(db: Database, raw: Mapping[str, Any]) -> str:
    """One-off :class:`ScrubbedJson` (no cache)."""
    return ScrubbedJson(db)(raw)


# --- the recording itself: synchronous, on the writer connection's thread ----------------
#
# A batch costs one hop to aiosqlite's thread instead of one per statement (about ten per
# event), which is what lets the receiver commit thousands of reports per second.


@dataclass(frozen=True, slots=True)
class PreparedEvent:
    """A validated event with its storage values computed (see StatusRepository.prepare)."""

    event: NewStatusEvent
    step_type: str
    done_at: str | None
    submitted_at: str | None
    raw_json: str | None
    natural_key: str
    new_key: tuple[int, int]


_T = TypeVar("_T")


async def _on_writer_thread(tx: Transaction, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """Run ``work`` with the transaction's sqlite3 connection on aiosqlite's thread.

    ``Transaction`` only offers one statement per hop; this reaches the connection it
    wraps (aiosqlite runs queued functions in FIFO order on the thread that owns the
    connection, the same path ``execute`` takes). Only call it inside ``transaction()``.
    """
    connection: aiosqlite.Connection = tx._connection
    run = cast(Callable[[Callable[[], _T]], Awaitable[_T]], connection._execute)
    return await run(lambda: work(connection._conn))


def _record_all(
    connection: sqlite3.Connection, batch: Sequence[PreparedEvent], clock: Clock
) -> list[RecordResult | None]:
    """Record own events; None for outside traffic (the caller stores those)."""
    known = _Known(connection)
    known.prefetch([item.event.mt_num for item in batch if item.event.send_id is None])
    results: list[RecordResult | None] = []
    for item in batch:
        send = known.resolve(item.event)
        results.append(None if send is None else _record(known, send, item, clock))
    return results


def _one(connection: sqlite3.Connection, sql: str, params: SqlParams) -> sqlite3.Row | None:
    row: sqlite3.Row | None = connection.execute(sql, params).fetchone()
    return row


class _Known:
    """The sends and steps one batch touches, read once and kept current in memory.

    Every write to ``sends`` in a batch returns the row (``RETURNING *``) and every step
    update is applied to the list as well, so a lookup here answers what a SELECT in the
    same transaction would. It saves about half the statements (and as many hand-overs of
    the GIL between aiosqlite's thread and the event loop) per event.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._by_mt_num: dict[str, Send] = {}
        self._by_id: dict[int, Send] = {}
        self._no_send: set[str] = set()
        """mtNums no send had when the batch began (until a send takes one)."""
        self._steps: dict[int, list[StepStatus]] = {}

    def prefetch(self, mt_nums: Sequence[str | None]) -> None:
        wanted = sorted({mt_num for mt_num in mt_nums if mt_num is not None})
        if not wanted:
            return
        rows = self.connection.execute(
            "SELECT * FROM sends WHERE mt_num IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        ).fetchall()
        for row in rows:
            self.remember(send_from_row(row))
        self._no_send = set(wanted) - set(self._by_mt_num)
        if rows:
            ids = json.dumps([row["id"] for row in rows])
            for row in self.connection.execute(
                "SELECT * FROM send_steps WHERE send_id IN (SELECT value FROM json_each(?))"
                " ORDER BY send_id, position IS NULL, position, step_type",
                (ids,),
            ):
                self._steps.setdefault(row["send_id"], []).append(_step_from_row(row))
            for row in rows:
                self._steps.setdefault(row["id"], [])

    def remember(self, send: Send) -> Send:
        self._by_id[send.id] = send
        if send.mt_num is not None:
            self._by_mt_num[send.mt_num] = send
            self._no_send.discard(send.mt_num)
        return send

    def resolve(self, event: NewStatusEvent) -> Send | None:
        if event.send_id is not None:
            known = self._by_id.get(event.send_id)
            if known is not None:
                return known
            row = _one(self.connection, "SELECT * FROM sends WHERE id = ?", (event.send_id,))
            if row is None:
                raise NotFoundError(f"no send with id {event.send_id}")
            return self.remember(send_from_row(row))
        if event.mt_num is not None:
            known = self._by_mt_num.get(event.mt_num)
            if known is not None:
                return known
            if event.mt_num not in self._no_send:
                row = _one(self.connection, "SELECT * FROM sends WHERE mt_num = ?", (event.mt_num,))
                if row is not None:
                    return self.remember(send_from_row(row))
        if event.partner_id is not None:
            # Other systems on the same account choose their own ids; a partner id only
            # matches if the mtNum does not contradict it.
            row = _one(
                self.connection,
                "SELECT * FROM sends WHERE partner_id = ? AND (mt_num IS NULL OR ? IS NULL)",
                (event.partner_id, event.mt_num),
            )
            if row is not None:
                return self.remember(send_from_row(row))
        return None

    def steps(self, send_id: int) -> list[StepStatus]:
        """The send's steps in chain order (the list is the cache: update it in place)."""
        steps = self._steps.get(send_id)
        if steps is None:
            steps = self.reload_steps(send_id)
        return steps

    def reload_steps(self, send_id: int) -> list[StepStatus]:
        rows = self.connection.execute(_STEPS_IN_ORDER, (send_id,))
        steps = self._steps[send_id] = [_step_from_row(row) for row in rows]
        return steps


def _find(steps: list[StepStatus], step_type: str) -> int | None:
    return next((i for i, step in enumerate(steps) if step.step_type == step_type), None)


def _record(known: _Known, send: Send, item: PreparedEvent, clock: Clock) -> RecordResult:
    connection = known.connection
    event, step_type = item.event, item.step_type
    now = to_db(clock())
    inserted = _one(
        connection,
        "INSERT INTO status_events (send_id, step_type, status, error_code, done_at,"
        " submitted_at, raw_json, natural_key, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (send_id, natural_key) DO NOTHING RETURNING id",
        (
            send.id,
            step_type,
            event.status,
            event.error_code,
            item.done_at,
            item.submitted_at,
            item.raw_json,
            item.natural_key,
            now,
        ),
    )
    steps = known.steps(send.id)
    index = _find(steps, step_type)
    if inserted is None:
        if index is None:
            raise NotFoundError(f"send {send.id} has no step {step_type!r}")
        return RecordResult(RecordOutcome.DUPLICATE, False, None, send, steps[index])
    event_id = int(inserted["id"])

    # A report proves the platform accepted the send, whatever the HTTP call said.
    updated = send
    if send.state is not SendState.ACCEPTED:
        row = _one(
            connection,
            "UPDATE sends SET state = 'accepted', mt_num = COALESCE(mt_num, ?), updated_at = ?"
            " WHERE id = ? RETURNING *",
            (event.mt_num, now, send.id),
        )
        assert row is not None  # the send was read in this transaction
        updated = known.remember(send_from_row(row))
    if index is None:  # a step type the send did not declare
        connection.execute(
            "INSERT OR IGNORE INTO send_steps (send_id, step_type) VALUES (?, ?)",
            (send.id, step_type),
        )
        steps = known.reload_steps(send.id)
        index = _find(steps, step_type)
        assert index is not None
    current = steps[index]
    changed = current.status is None or item.new_key > status_key(
        current.status, current.error_code
    )
    if changed:
        connection.execute(
            "UPDATE send_steps SET status = ?, rank = ?, error_code = ?, updated_at = ?"
            " WHERE send_id = ? AND step_type = ?",
            (event.status, item.new_key[0], event.error_code, now, send.id, step_type),
        )
        # The row as a SELECT would now return it.
        current = StepStatus(
            send_id=send.id,
            step_type=step_type,
            position=current.position,
            status=event.status,
            error_code=event.error_code,
            final=is_final(event.status, step_type),
            updated_at=from_db(now),
        )
        steps[index] = current
        status, final = aggregate(steps)
        row = _one(
            connection,
            "UPDATE sends SET status = ?, final = ?, updated_at = ? WHERE id = ? RETURNING *",
            (status, int(final), to_db(clock()), send.id),
        )
        assert row is not None
        updated = known.remember(send_from_row(row))
        _enqueue(connection, send.id, OutboxKind.CARD, clock)
        failed_for_good = (
            updated.final
            and not send.final
            and updated.status is not None
            and not status_info(updated.status).success
        )
        if failed_for_good:
            _enqueue(connection, send.id, OutboxKind.FAILURE_ALERT, clock)
    return RecordResult(RecordOutcome.RECORDED, changed, event_id, updated, current)


def _enqueue(connection: sqlite3.Connection, send_id: int, kind: OutboxKind, clock: Clock) -> None:
    """:func:`storage.outbox.enqueue_in_tx` (due now), on the thread: the same statement."""
    now = to_db(clock())
    cursor = connection.execute(
        "INSERT INTO outbox (send_id, kind, chat_id, message_id, due_at, created_at)"
        " SELECT id, :kind, chat_id, card_message_id, :due, :now FROM sends WHERE id = :send"
        " ON CONFLICT (send_id, kind) DO UPDATE SET"
        "  version = version + 1, message_id = excluded.message_id",
        {"send": send_id, "kind": kind.value, "due": now, "now": now},
    )
    if cursor.rowcount != 1:
        raise NotFoundError(f"no send with id {send_id}")
