"""Recording a batch of status events in one transaction (the reports' group commit).

Three phases:

1. :func:`load_batch`, inside the transaction: ONE statement reads what the batch touches
   (its sends, their steps, the natural keys already stored), each as a JSON document;
2. :class:`BatchRecorder`, plain Python: each event is recorded in memory, in order,
   exactly as it would be alone (see :mod:`storage.statuses` for the rules), and what
   changed becomes a list of rows per table;
3. :meth:`BatchWrites.apply`, inside the transaction: one ``executemany`` per table.

Everything runs where the connection lives, in one go: a plain call in the report writer's
process (``storage.db.in_write_transaction``), one hop to aiosqlite's thread in the bot's
process (``Transaction.run_sync``), which records only the legacy poller's few events a
poll. Why: with a statement per event and the per-event logic on the event loop's side,
every statement was a round trip in which ``sqlite3`` released the GIL and had to win it
back from a busy event loop; that capped the receiver at ~1,500 reports/s.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from storage.errors import NotFoundError
from storage.events import NewStatusEvent, compact_json
from storage.outbox import OutboxKind
from storage.reports import INSERT_OUTSIDE_IF_NEW, outside_row
from storage.sends import SendState
from storage.status_ranks import is_final, status_info, status_key
from storage.status_types import (
    OUTSIDE_RESULT,
    PreparedEvent,
    RecordOutcome,
    RecordResult,
    SendProgress,
    StepStatus,
    aggregate,
    chain_order,
)
from storage.timeutil import from_db, from_db_optional, to_db

# Phase 1 in one statement: every send an event could resolve to (by id, mtNum or
# partner id), its steps, its events' natural keys, and the last event id so far.
_LOAD: Final = (
    "WITH candidates (id) AS ("
    " SELECT value FROM json_each(:ids)"
    " UNION SELECT id FROM sends WHERE mt_num IN (SELECT value FROM json_each(:mt_nums))"
    " UNION SELECT id FROM sends WHERE partner_id IN (SELECT value FROM json_each(:partners)))"
    " SELECT (SELECT json_group_array(json_array(id, partner_id, mt_num, state, status, final))"
    " FROM sends WHERE id IN candidates),"
    " (SELECT json_group_array(json_array(send_id, step_type, position, status, error_code,"
    " updated_at)) FROM send_steps WHERE send_id IN candidates),"
    " (SELECT json_group_array(json_array(send_id, natural_key)) FROM status_events"
    " WHERE send_id IN candidates),"
    " (SELECT max(id) FROM status_events)"
)
_SEND_FIELDS: Final = ("id", "partner_id", "mt_num", "state", "status", "final")
# Plain values for what runs once or more per report (an enum's .value, or a lookup by
# value, is a descriptor or a metaclass call each time).
_ACCEPTED: Final = SendState.ACCEPTED.value
_STATES: Final = {state.value: state for state in SendState}
_CARD: Final = OutboxKind.CARD.value
_FAILURE_ALERT: Final = OutboxKind.FAILURE_ALERT.value


# Phase 3: one executemany per table, rows in batch order. Each row's step releases the
# GIL. In the report writer's process only the WAL checkpointer's thread, which wakes at
# most every 0.1 s, may take it meanwhile; in the bot's process only the legacy poller's
# few events a poll come this way. Binding a row's values directly is half the cost of
# shipping the rows as one JSON document and unpacking it in SQL with json_each /
# json_extract (13 events: ~150 us against ~330).
_EVENT_COLUMNS: Final = (
    "id",
    "send_id",
    "step_type",
    "status",
    "error_code",
    "done_at",
    "submitted_at",
    "raw_json",
    "natural_key",
    "received_at",
)
# The ids are given: the results handed out already carry them (see BatchRecorder).
_INSERT_EVENTS: Final = (
    f"INSERT INTO status_events ({', '.join(_EVENT_COLUMNS)})"  # noqa: S608 - constants
    f" VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})"
)
_INSERT_STEPS: Final = "INSERT OR IGNORE INTO send_steps (send_id, step_type) VALUES (?, ?)"
_UPDATE_STEPS: Final = (
    "UPDATE send_steps SET status = ?3, rank = ?4, error_code = ?5, updated_at = ?6"
    " WHERE send_id = ?1 AND step_type = ?2"
)
# Two statements for sends: naming mt_num or state in SET makes SQLite maintain their
# indexes (unique mtNum, open sends) even when the value stays: 3-4x the cost of the status
# columns alone. Only a send's first report changes them.
_UPDATE_SENDS: Final = "UPDATE sends SET status = ?2, final = ?3, updated_at = ?4 WHERE id = ?1"
_ACCEPT_SENDS: Final = "UPDATE sends SET state = ?2, mt_num = ?3 WHERE id = ?1"
# As storage.outbox.enqueue_in_tx, n enqueues at once: a new row starts at version n, a
# pending one moves n versions on (the notifier compares versions, so each one counts).
_ENQUEUE: Final = (
    "INSERT INTO outbox (send_id, kind, chat_id, message_id, version, due_at, created_at)"
    " SELECT id, ?2, chat_id, card_message_id, ?3, ?4, ?4 FROM sends WHERE id = ?1"
    " ON CONFLICT (send_id, kind) DO UPDATE SET"
    "  version = version + excluded.version, message_id = excluded.message_id,"
    "  failed_at = NULL, failure = NULL"
)


@dataclass(frozen=True, slots=True)
class LoadedBatch:
    """What :func:`load_batch` read: JSON documents, decoded by :class:`BatchRecorder`."""

    sends_json: str
    steps_json: str
    keys_json: str
    max_event_id: int | None
    """None while ``status_events`` is empty."""


def batch_candidates(batch: Sequence[PreparedEvent]) -> tuple[str, str, str]:
    """Every send an event could resolve to, whichever way: ids, mtNums, partner ids."""
    events = [item.event for item in batch]
    ids = sorted({e.send_id for e in events if e.send_id is not None})
    mt_nums = sorted({e.mt_num for e in events if e.mt_num is not None})
    partners = sorted({e.partner_id for e in events if e.partner_id is not None})
    return compact_json(ids), compact_json(mt_nums), compact_json(partners)


def load_batch(connection: sqlite3.Connection, candidates: tuple[str, str, str]) -> LoadedBatch:
    """Phase 1, on the writer's thread inside the transaction."""
    ids, mt_nums, partners = candidates
    row = connection.execute(
        _LOAD, {"ids": ids, "mt_nums": mt_nums, "partners": partners}
    ).fetchone()
    return LoadedBatch(*row)


def record_batch(
    connection: sqlite3.Connection, prepared: Sequence[PreparedEvent], now: datetime
) -> list[RecordResult]:
    """The three phases, inside a write transaction the caller holds on ``connection``."""
    loaded = load_batch(connection, batch_candidates(prepared))
    recorder = BatchRecorder(loaded, prepared, now)
    recorder.writes().apply(connection)
    return recorder.results


SendRow = dict[str, Any]
"""The columns of ``sends`` that recording reads or changes, by name."""


Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class BatchWrites:
    """Phase 3: the batch's changes, each statement's rows in the order recording one by
    one would write them."""

    new_steps: Rows
    step_updates: Rows
    send_updates: Rows
    acceptances: Rows
    outside: Rows
    enqueued: Rows
    events: Rows

    def apply(self, connection: sqlite3.Connection) -> None:
        """On the writer's thread inside the transaction that ran :func:`load_batch`."""
        for statement, rows in (
            (_INSERT_STEPS, self.new_steps),
            (_UPDATE_STEPS, self.step_updates),
            (_UPDATE_SENDS, self.send_updates),
            (_ACCEPT_SENDS, self.acceptances),
            (INSERT_OUTSIDE_IF_NEW, self.outside),
            (_ENQUEUE, self.enqueued),
            (_INSERT_EVENTS, self.events),
        ):
            if rows:
                connection.executemany(statement, rows)


class BatchRecorder:
    """Phase 2: the batch's sends and steps, kept current in memory while each event is
    recorded in order; then :attr:`results` and :meth:`writes`."""

    def __init__(self, loaded: LoadedBatch, batch: Sequence[PreparedEvent], now: datetime) -> None:
        self._now = to_db(now)
        self._now_at = from_db(self._now)
        self._next_event_id = (loaded.max_event_id or 0) + 1
        self._by_id: dict[int, SendRow] = {}
        self._by_mt_num: dict[str, SendRow] = {}
        self._by_partner: dict[str, SendRow] = {}
        self._steps: dict[int, list[StepStatus]] = {}
        self._keys: dict[int, set[str]] = {}
        # The writes, in the order recording one by one would make them.
        self._events: list[tuple[Any, ...]] = []
        self._outside: list[tuple[Any, ...]] = []
        self._new_steps: Rows = []
        self._step_updates: dict[tuple[int, str], tuple[Any, ...]] = {}
        self._changed_sends: set[int] = set()
        self._accepted: set[int] = set()
        self._enqueued: dict[tuple[int, str], int] = {}
        self._decode(loaded)
        self.results = [self._record_one(item) for item in batch]

    def _decode(self, loaded: LoadedBatch) -> None:
        for values in json.loads(loaded.sends_json):
            row = dict(zip(_SEND_FIELDS, values, strict=True))
            self._remember(row)
            self._steps[row["id"]] = []
            self._keys[row["id"]] = set()
        for send_id, step_type, position, status, error_code, updated_at in json.loads(
            loaded.steps_json
        ):
            self._steps[send_id].append(
                StepStatus(
                    send_id=send_id,
                    step_type=step_type,
                    position=position,
                    status=status,
                    error_code=error_code,
                    final=status is not None and is_final(status, step_type),
                    updated_at=from_db_optional(updated_at),
                )
            )
        for steps in self._steps.values():
            steps.sort(key=chain_order)
        for send_id, key in json.loads(loaded.keys_json):
            self._keys[send_id].add(key)

    def _remember(self, row: SendRow) -> SendRow:
        self._by_id[row["id"]] = row
        self._by_partner[row["partner_id"]] = row
        if row["mt_num"] is not None:
            self._by_mt_num[row["mt_num"]] = row
        return row

    def _record_one(self, item: PreparedEvent) -> RecordResult:
        send = self._resolve(item.event)
        if send is None:
            raw_json = "{}" if item.raw_json is None else item.raw_json
            self._outside.append(outside_row(item.event, raw_json=raw_json, received_at=self._now))
            return OUTSIDE_RESULT
        return self._record(send, item)

    def _resolve(self, event: NewStatusEvent) -> SendRow | None:
        """The send the event belongs to (every candidate was loaded)."""
        if event.send_id is not None:
            known = self._by_id.get(event.send_id)
            if known is None:
                raise NotFoundError(f"no send with id {event.send_id}")
            return known
        if event.mt_num is not None:
            known = self._by_mt_num.get(event.mt_num)
            if known is not None:
                return known
        if event.partner_id is not None:
            # Other systems on the same account choose their own ids; a partner id only
            # matches if the mtNum does not contradict it.
            known = self._by_partner.get(event.partner_id)
            if known is not None and (known["mt_num"] is None or event.mt_num is None):
                return known
        return None

    def _record(self, send: SendRow, item: PreparedEvent) -> RecordResult:
        event, step_type, send_id = item.event, item.step_type, send["id"]
        steps = self._steps[send_id]
        index = _find(steps, step_type)
        keys = self._keys[send_id]
        if item.natural_key in keys:
            if index is None:
                raise NotFoundError(f"send {send_id} has no step {step_type!r}")
            return RecordResult(RecordOutcome.DUPLICATE, False, None, _progress(send), steps[index])
        keys.add(item.natural_key)
        event_id = self._next_event_id
        self._next_event_id += 1
        self._events.append(
            (
                event_id,
                send_id,
                step_type,
                event.status,
                event.error_code,
                item.done_at,
                item.submitted_at,
                item.raw_json,
                item.natural_key,
                self._now,
            )
        )
        # A report proves the platform accepted the send, whatever the HTTP call said.
        updated = send
        if send["state"] != _ACCEPTED:
            mt_num = send["mt_num"] if send["mt_num"] is not None else event.mt_num
            updated = self._changed(send, state=_ACCEPTED, mt_num=mt_num)
            self._accepted.add(send_id)
        if index is None:  # a step type the send did not declare
            steps.append(StepStatus(send_id, step_type, None, None, None, False, None))
            steps.sort(key=chain_order)
            self._new_steps.append((send_id, step_type))
            index = _find(steps, step_type)
            assert index is not None
        current = steps[index]
        changed = current.status is None or item.new_key > status_key(
            current.status, current.error_code
        )
        if changed:
            current = steps[index] = StepStatus(
                send_id=send_id,
                step_type=step_type,
                position=current.position,
                status=event.status,
                error_code=event.error_code,
                final=is_final(event.status, step_type),
                updated_at=self._now_at,
            )
            self._step_updates[(send_id, step_type)] = (
                send_id,
                step_type,
                event.status,
                item.new_key[0],
                event.error_code,
                self._now,
            )
            status, final = aggregate(steps)
            updated = self._changed(updated, status=status, final=int(final), updated_at=self._now)
            self._enqueue(send_id, _CARD)
            newly_final = final and not send["final"]
            if newly_final and status is not None and not status_info(status).success:
                self._enqueue(send_id, _FAILURE_ALERT)
        return RecordResult(RecordOutcome.RECORDED, changed, event_id, _progress(updated), current)

    def _changed(self, send: SendRow, **columns: Any) -> SendRow:
        # A new dict: results handed out earlier keep the row as it was then.
        self._changed_sends.add(send["id"])
        return self._remember({**send, **columns})

    def _enqueue(self, send_id: int, kind: str) -> None:
        key = (send_id, kind)
        self._enqueued[key] = self._enqueued.get(key, 0) + 1

    def writes(self) -> BatchWrites:
        sends = [self._by_id[send_id] for send_id in sorted(self._changed_sends)]
        return BatchWrites(
            new_steps=self._new_steps,
            step_updates=list(self._step_updates.values()),
            send_updates=[(s["id"], s["status"], s["final"], self._now) for s in sends],
            acceptances=[
                (s["id"], s["state"], s["mt_num"]) for s in sends if s["id"] in self._accepted
            ],
            outside=self._outside,
            enqueued=[
                (send_id, kind, n, self._now) for (send_id, kind), n in self._enqueued.items()
            ],
            events=self._events,
        )


def _progress(row: SendRow) -> SendProgress:
    return SendProgress(
        row["id"], row["mt_num"], _STATES[row["state"]], row["status"], bool(row["final"])
    )


def _find(steps: list[StepStatus], step_type: str) -> int | None:
    return next((i for i, step in enumerate(steps) if step.step_type == step_type), None)
