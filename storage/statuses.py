"""Recording status observations: idempotent, and monotonic per step.

``record_status_event`` is the single entry of the status pipeline into storage. In one
transaction it resolves the send, stores the event once (a redelivered report is a
duplicate), raises the step's status only if the new one ranks higher (see
:mod:`storage.status_ranks`), recomputes the send's aggregate status and queues the card
update in the outbox. The result is therefore the same whatever order reports arrive in.

Steps are keyed by (send, step type) because reports name the type, not the position in
the chain; a chain that repeats a type merges those steps (documented limitation).

``record_status_events`` records a batch in one transaction, each event exactly as if
recorded alone, in order (:mod:`storage.status_batch`: one read, the recording in memory,
one set-based write per table), in one hop to the writer's thread whatever the batch's
size. The report writer's process runs the same ``record_batch`` on a plain connection,
with ``prepare_event`` and :class:`ScrubbedJson` over its own scrubber.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from storage.db import Database, load_json_object
from storage.events import NewStatusEvent, done_key, natural_key
from storage.status_batch import record_batch
from storage.status_ranks import normalize_step_type, status_info, status_key
from storage.status_types import (
    STEPS_IN_ORDER,
    PreparedEvent,
    RecordOutcome,
    RecordResult,
    SendProgress,
    StepStatus,
    aggregate,
    step_from_row,
)
from storage.timeutil import from_db, from_db_optional, to_db_optional


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
        # Validation and serialisation first, outside the transaction (no I/O).
        prepared = [prepare_event(event, self._scrubbed_json) for event in events]
        if not prepared:
            return []
        now = self._db.now()
        async with self._db.transaction() as tx:
            return await tx.run_sync(
                lambda connection: record_batch(connection, prepared, now), commit=True
            )

    async def steps(self, send_id: int) -> list[StepStatus]:
        """The card's rows: every step in chain order, with its current status."""
        rows = await self._db.fetch_all(STEPS_IN_ORDER, (send_id,))
        return [step_from_row(row) for row in rows]

    async def events(self, send_id: int) -> list[StatusEvent]:
        """Everything observed for a send, in arrival order (for /status details)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM status_events WHERE send_id = ? ORDER BY id", (send_id,)
        )
        return [_event_from_row(row) for row in rows]


def prepare_event(
    event: NewStatusEvent, scrubbed_json: ScrubbedJson, *, raw_json: str | None = None
) -> PreparedEvent:
    """Validate and serialise an event for :func:`record_batch` (no I/O): raises what
    :meth:`StatusRepository.record_status_event` raises for invalid input.

    ``raw_json``: the raw report as stored, already known to need no scrubbing (see
    :meth:`~storage.secrets_scrub.Scrubber.leaves_json_text_alone`); it takes the place of
    serialising ``event.raw``.
    """
    status_info(event.status)
    step_type = normalize_step_type(event.step_type)
    done = done_key(event)
    return PreparedEvent(
        event=event,
        step_type=step_type,
        done_at=done,
        submitted_at=to_db_optional(event.submitted_at),
        raw_json=raw_json
        if raw_json is not None or event.raw is None
        else scrubbed_json(event.raw),
        natural_key=natural_key(step_type, event.status, event.error_code, done),
        new_key=status_key(event.status, event.error_code),
    )


class Scrubbing(Protocol):
    """What :class:`ScrubbedJson` needs: a :class:`Database` or its ``Scrubber``."""

    def to_json(self, payload: Any) -> str: ...

    def leaves_json_text_alone(self, text: str) -> bool: ...


class ScrubbedJson:
    """``to_json(dict(raw))``, much cheaper for a report with nothing to scrub.

    Scrubbing a report value by value costs about 100 us (four regular expressions per
    string); the plain serialisation is kept whenever the scrubber would leave its text
    alone (:meth:`~storage.secrets_scrub.Scrubber.leaves_json_text_alone`: a few substring
    tests), and anything else takes the full scrubber.
    """

    def __init__(self, scrubbing: Scrubbing) -> None:
        self._scrubbing = scrubbing

    def __call__(self, raw: Mapping[str, Any]) -> str:
        payload = dict(raw)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if self._scrubbing.leaves_json_text_alone(text):
            return text
        return self._scrubbing.to_json(payload)


def scrubbed_json(db: Scrubbing, raw: Mapping[str, Any]) -> str:
    """One-off :class:`ScrubbedJson`."""
    return ScrubbedJson(db)(raw)


__all__ = [
    "PreparedEvent",
    "RecordOutcome",
    "RecordResult",
    "ScrubbedJson",
    "Scrubbing",
    "SendProgress",
    "StatusEvent",
    "StatusRepository",
    "StepStatus",
    "aggregate",
    "prepare_event",
    "record_batch",
    "scrubbed_json",
]
