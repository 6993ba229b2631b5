"""Storing delivery reports: parsing, validation and the group commit.

Runs in the report writer's process (:mod:`bot.reports.writer.client`), which hands
:meth:`ReportStore.store` the bodies of every request that arrived meanwhile. They are
recorded in ONE transaction (group commit) and each answer says what the receiver tells
the platform: 200 once the request's reports are durable, 400 with the reason for a
body or a report that can never be stored, 503 when the database is unavailable (locked
past its timeout, disk full), so the platform posts it again. A report that breaks the
transaction for another reason is retried alone, so it fails only its own request.

No body can stop the writer: parsing is pydantic's JSON parser, which bounds nesting (200
levels) and numbers (4300 digits) and refuses lone surrogates, and whatever else a body
makes fail is that body's 400 (it would fail the same way every time it is posted).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, NamedTuple

from pydantic import ValidationError
from pydantic_core import from_json

from provider.channels import MessageType
from provider.logs import log_event
from provider.reports import DeliveryReport, DeliveryStatus
from storage import NewStatusEvent, RecordOutcome, RecordResult
from storage.db import in_write_transaction
from storage.events import compact_json
from storage.secrets_scrub import Scrubber
from storage.statuses import PreparedEvent, ScrubbedJson, prepare_event, record_batch
from storage.timeutil import Clock, utc_now

log = logging.getLogger(__name__)

MAX_BATCH = 256
"""Reports per group-commit transaction (a larger single request still goes in whole)."""
MAX_KEPT_RAW = 8192
"""Characters of a report's JSON kept as received. A report is a few hundred; a longer one
(a body of up to 1 MiB is accepted) keeps only its documented fields, each cut short, so
what the database holds per report stays bounded (see :func:`bounded_raw`)."""
KEPT_FIELD = 256
"""The longest JSON of a documented field's text kept in a report cut by :func:`bounded_raw`
(its 13 fields then fit in :data:`MAX_KEPT_RAW` whatever they hold)."""


class Answer(NamedTuple):
    status: int
    """The HTTP status for the platform: 200 stored, 400 malformed, 503 retry later."""
    reason: str | None = None
    stored: int = 0
    changed: bool = False
    """A card must be re-rendered (the notifier is woken)."""


UNAVAILABLE = Answer(503, "storage unavailable, retry")
FAILED = Answer(500, "internal error")
OUT_OF_MEMORY = Answer(503, "out of memory, retry")


# An enum member's .value or .name is a descriptor call; these run for every report.
_STEP_TYPES: Final = {member: member.value for member in MessageType}
_STATUS_NAMES: Final = {member: member.name for member in DeliveryStatus}


def to_event(report: DeliveryReport, raw: Mapping[str, Any] | None) -> NewStatusEvent:
    """The storage event of a report; ``raw`` is the report as posted (None: kept apart)."""
    return NewStatusEvent(
        step_type=_STEP_TYPES[report.type],
        status=_STATUS_NAMES[report.status],
        mt_num=report.mt_num,
        partner_id=report.id,
        error_code=report.error_code or None,
        done_at=report.done_date,
        submitted_at=report.submit_date,
        destination=report.dest_addr,
        raw=raw,
    )


Received = tuple[NewStatusEvent, str | None]
"""A report's event, and its JSON as posted when that is what will be stored."""
Request = tuple[int, list[PreparedEvent]]
"""A request's position among those stored together, and its prepared reports."""


class ReportStore:
    """Group commit on the report writer's own connection (see the module docstring)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        scrubber: Scrubber,
        *,
        clock: Clock = utc_now,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._connection = connection
        self._scrubber = scrubber
        self._scrubbed_json = ScrubbedJson(scrubber)
        self._clock = clock
        self._max_batch = max_batch
        self._log = _StoredLog()
        self.transactions = 0
        """Transactions committed (for tests and benchmarks)."""

    def store(self, bodies: Sequence[bytes]) -> list[Answer]:
        """Answers for request bodies as posted, in their order."""
        parsed = [self._parsed(body) for body in bodies]
        requests = [events for events in parsed if not isinstance(events, Answer)]
        stored = iter(self._record(requests))
        return [item if isinstance(item, Answer) else next(stored) for item in parsed]

    def _parsed(self, body: bytes) -> list[Received] | Answer:
        try:
            return self._received(body)
        except BadReport as exc:
            reason = exc.reason
        except MemoryError:
            return OUT_OF_MEMORY
        except Exception as exc:  # a body must not stop the writer
            # Not foreseen, but decided by the body alone: posting it again changes nothing.
            log_event(log, "report_unreadable", level=logging.ERROR, error=type(exc).__name__)
            reason = f"report cannot be read ({type(exc).__name__})"
        log_event(log, "report_malformed", level=logging.WARNING, reason=reason)
        return Answer(400, reason)

    def _received(self, body: bytes) -> list[Received]:
        text = self._verbatim(body)
        if text is not None:
            return [(to_event(parse_single_report(text), None), text)]
        return [
            (to_event(report, bounded_raw(raw, len(body))), None)
            for report, raw in parse_reports(body)
        ]

    def _verbatim(self, body: bytes) -> str | None:
        """The body's text if it is one report that can be stored as posted (most are):
        no decoding to Python objects and back, ~15 % of this process's work per report."""
        if len(body) > MAX_KEPT_RAW:
            return None
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return None
        if not text.lstrip().startswith("{") or not self._scrubber.leaves_json_text_alone(text):
            return None
        if "NaN" in text or "Infinity" in text:
            return None  # pydantic's parser takes them, JSON does not: parse_reports decides
        return text

    def record(self, requests: Sequence[Sequence[NewStatusEvent]]) -> list[Answer]:
        """Answers for the events of several requests, in their order."""
        return self._record([[(event, None) for event in events] for events in requests])

    def _record(self, requests: Sequence[Sequence[Received]]) -> list[Answer]:
        answers: list[Answer] = [FAILED] * len(requests)
        prepared: list[Request] = []
        for index, events in enumerate(requests):
            ready = self._prepared(events)
            if isinstance(ready, Answer):
                answers[index] = ready
            else:
                prepared.append((index, ready))
        for batch in self._batches(prepared):
            for index, answer in self._commit(batch):
                answers[index] = answer
        return answers

    def _prepared(self, events: Sequence[Received]) -> list[PreparedEvent] | Answer:
        """The request's events ready to record, or the answer for the first that cannot be
        (a mapping the storage refuses, an unknown status...): decided by the report alone."""
        ready = []
        for number, (event, raw_json) in enumerate(events):
            try:
                ready.append(prepare_event(event, self._scrubbed_json, raw_json=raw_json))
            except MemoryError:
                return OUT_OF_MEMORY
            except Exception as exc:  # confined to this request
                log_event(log, "report_refused", level=logging.WARNING, error=type(exc).__name__)
                return Answer(400, f"report {number}: cannot be stored ({type(exc).__name__})")
        return ready

    def _batches(self, requests: list[Request]) -> Iterator[list[Request]]:
        batch: list[Request] = []
        size = 0
        for request in requests:
            if batch and size + len(request[1]) > self._max_batch:
                yield batch
                batch, size = [], 0
            batch.append(request)
            size += len(request[1])
        if batch:
            yield batch

    def _commit(self, batch: list[Request]) -> list[tuple[int, Answer]]:
        events = [event for _, prepared in batch for event in prepared]
        started = time.perf_counter()
        try:
            now = self._clock()
            results = in_write_transaction(
                self._connection, lambda connection: record_batch(connection, events, now)
            )
        except (sqlite3.OperationalError, MemoryError) as exc:
            log_event(log, "report_not_stored", level=logging.ERROR, error=type(exc).__name__)
            return [(index, UNAVAILABLE) for index, _ in batch]
        except Exception as exc:
            if len(batch) > 1:
                # Not the database being unavailable: one report broke the transaction.
                # Alone, it fails only its own request.
                return [answer for request in batch for answer in self._commit([request])]
            # The type only: a message may quote the report (a phone number).
            log_event(log, "report_failed", level=logging.ERROR, error=type(exc).__name__)
            return [(batch[0][0], FAILED)]
        self.transactions += 1
        self._log.add(len(batch), results, time.perf_counter() - started)
        if log.isEnabledFor(logging.DEBUG):
            for item, result in zip(events, results, strict=True):
                _log_stored(item, result)
        answers = []
        start = 0
        for index, prepared in batch:
            mine = results[start : start + len(prepared)]
            start += len(prepared)
            answers.append((index, Answer(200, stored=len(mine), changed=_changed(mine))))
        return answers

    def flush_log(self) -> None:
        self._log.flush()


def _changed(results: Sequence[RecordResult]) -> bool:
    return any(result.changed for result in results)


def _log_stored(item: PreparedEvent, result: RecordResult) -> None:
    event = item.event
    log_event(
        log,
        "report_stored",
        level=logging.DEBUG,
        mt_num=event.mt_num,
        type=item.step_type,
        status=event.status,
        outcome=result.outcome.value,
        dest=event.destination if result.outcome is RecordOutcome.OUTSIDE else None,
    )


class _StoredLog:
    """The writer's INFO log: a round's line at once if the last line is a second old,
    else summed into the next one. At a trickle every report gets its line as it lands;
    at thousands a second one line per second (a line per report would cost more than
    storing it). Each report is in the database anyway (/status, /trace)."""

    def __init__(self, every: float = 1.0) -> None:
        self._every = every
        self._last = -every
        self._rounds = self._requests = 0
        self._outcomes: Counter[RecordOutcome] = Counter()
        self._slowest = 0.0

    def add(self, requests: int, results: Sequence[RecordResult], seconds: float) -> None:
        self._rounds += 1
        self._requests += requests
        self._outcomes.update(result.outcome for result in results)
        self._slowest = max(self._slowest, seconds)
        if time.monotonic() - self._last >= self._every:
            self.flush()

    def flush(self) -> None:
        if not self._rounds:
            return
        log_event(
            log,
            "reports_stored",
            reports=sum(self._outcomes.values()),
            recorded=self._outcomes[RecordOutcome.RECORDED],
            duplicates=self._outcomes[RecordOutcome.DUPLICATE] or None,
            outside=self._outcomes[RecordOutcome.OUTSIDE] or None,
            requests=self._requests,
            transactions=self._rounds,
            slowest_ms=f"{self._slowest * 1000:.1f}",
        )
        self._last = time.monotonic()
        self._rounds = self._requests = 0
        self._outcomes.clear()
        self._slowest = 0.0


class BadReport(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_reports(body: bytes) -> list[tuple[DeliveryReport, dict[str, Any]]]:
    """Each report validated, with the JSON object it came as (stored as received)."""
    try:
        # pydantic's parser, as parse_single_report's: the same limits, the same reasons.
        payload = from_json(body)
    except ValueError as exc:
        raise BadReport(f"body is not JSON ({exc})") from exc
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise BadReport("empty batch")
    reports = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadReport(f"report {index} is not a JSON object")
        if not _finite(item):
            # json.dumps would write NaN or Infinity (1e400 parses as the latter): not JSON,
            # and the database's CHECK (json_valid(raw_json)) would refuse it.
            raise BadReport(f"report {index}: a number is not finite (NaN, Infinity, 1e400)")
        try:
            reports.append((DeliveryReport.model_validate(item), item))
        except ValidationError as exc:
            raise BadReport(_reason(index, exc)) from exc
    return reports


def parse_single_report(text: str) -> DeliveryReport:
    """:func:`parse_reports` for a body holding one JSON object, validated straight from the
    text by pydantic's own JSON parser: the same report, or the same reason."""
    try:
        return DeliveryReport.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise BadReport(f"body is not JSON ({first.get('ctx', {}).get('error')})") from exc
        raise BadReport(_reason(0, exc)) from exc


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in a parsed JSON value (at most 200 levels deep)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def _reason(index: int, exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "report"
    return f"report {index}: {where}: {first['msg'].removeprefix('Value error, ')}"


DOCUMENTED_FIELDS: Final = tuple(
    field.alias or name for name, field in DeliveryReport.model_fields.items()
)


def bounded_raw(raw: dict[str, Any], body_size: int) -> dict[str, Any]:
    """The report as received, or, when its JSON would exceed :data:`MAX_KEPT_RAW`, its
    documented fields (text cut to :data:`KEPT_FIELD`) and ``_cut_from``, its size.

    ``body_size`` bounds the JSON of every report in the body (give or take the spaces
    ``json.dumps`` adds), so only the reports of a large body are measured.
    """
    if body_size <= MAX_KEPT_RAW // 2:
        return raw
    size = len(compact_json(raw))
    if size <= MAX_KEPT_RAW // 2:
        return raw
    kept: dict[str, Any] = {"_cut_from": size}
    for field in DOCUMENTED_FIELDS:
        value = raw.get(field)
        if isinstance(value, str):
            kept[field] = _cut(value)
        elif isinstance(value, int | float | bool) and len(str(value)) <= KEPT_FIELD:
            kept[field] = value
    return kept


def _cut(text: str) -> str:
    """The longest prefix tried whose JSON fits :data:`KEPT_FIELD` (escapes count)."""
    text = text[:KEPT_FIELD]
    while len(compact_json(text)) > KEPT_FIELD:
        text = text[: len(text) // 2]
    return text
