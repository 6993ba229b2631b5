"""What recording a status observation produces, and the rules that read a send's steps.

Shared by :mod:`storage.statuses` (the repository) and :mod:`storage.status_batch` (the
recording itself); re-exported by :mod:`storage.statuses`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from storage.events import NewStatusEvent
from storage.sends import SendState
from storage.status_ranks import is_final, status_info
from storage.timeutil import from_db_optional


class RecordOutcome(StrEnum):
    RECORDED = "recorded"
    """A new event for one of the bot's sends."""
    DUPLICATE = "duplicate"
    """Seen before; nothing changed."""
    OUTSIDE = "outside"
    """Not one of the bot's sends: kept in outside reports (or a duplicate of one)."""


class StepStatus(NamedTuple):
    send_id: int
    step_type: str
    position: int | None
    """Place in the declared chain; None for a type the send did not declare."""
    status: str | None
    error_code: int | None
    final: bool
    updated_at: datetime | None


class SendProgress(NamedTuple):
    """What recording a report can change on a send, as it is after the update (the rest
    of the row is :class:`~storage.sends.Send`'s, read when needed)."""

    id: int
    mt_num: str | None
    state: SendState
    status: str | None
    """Aggregate delivery status: the status of the furthest step that has one."""
    final: bool


class RecordResult(NamedTuple):
    outcome: RecordOutcome
    changed: bool
    """The step's current status (or error code) changed: the card must be re-rendered.
    When True, an outbox entry has already been queued in the same transaction."""
    event_id: int | None
    """The new ``status_events`` row; None for duplicates and outside traffic."""
    send: SendProgress | None
    """The send after the update (None for outside traffic)."""
    step: StepStatus | None


OUTSIDE_RESULT = RecordResult(RecordOutcome.OUTSIDE, False, None, None, None)


class PreparedEvent(NamedTuple):
    """A validated event with its storage values computed (see StatusRepository.prepare)."""

    event: NewStatusEvent
    step_type: str
    done_at: str | None
    submitted_at: str | None
    raw_json: str | None
    natural_key: str
    new_key: tuple[int, int]


def step_from_row(row: sqlite3.Row) -> StepStatus:
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


# Declared steps in chain order, then undeclared types by name: a pure function of the
# rows, so the aggregate never depends on which report came first.
STEPS_IN_ORDER = (
    "SELECT * FROM send_steps WHERE send_id = ? ORDER BY position IS NULL, position, step_type"
)


def chain_order(step: StepStatus) -> tuple[bool, int, str]:
    """:data:`STEPS_IN_ORDER` as a sort key."""
    return (step.position is None, step.position or 0, step.step_type)


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
